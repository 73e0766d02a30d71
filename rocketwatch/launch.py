"""The `rocketwatch` command's first stop: `--version` is answered before the command line is loaded.

Loading argparse, the settings and the session takes about 15 times as long as starting Python; a script
or a package manager asking for the version should not pay for it. Everything else goes to cli.entry.
"""

from __future__ import annotations

import sys

from rocketwatch import APP_NAME, __version__


def version_text() -> str:
    """What `rocketwatch --version` prints (the command line's parser says the same)."""
    return f"{APP_NAME} {__version__}"


def entry() -> None:
    """The console script and `python -m rocketwatch`."""
    if sys.argv[1:] == ["--version"]:
        print(version_text())
        sys.exit(0)
    from rocketwatch.cli import entry as command_line

    command_line()
