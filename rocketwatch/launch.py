"""The `rocketwatch` command's first stop and last step.

`--version` is answered before the command line is loaded: argparse, the settings and the session take
about 15 times as long as starting Python, and a script asking for the version should not pay for it.
`--pipeline-child` (a run of the tray app, pipeline/child.py) skips the command line too.
Everything else goes to cli.entry. A headless command that is done ends the process at once, after its
log and output are flushed: tearing the interpreter down (modules, Pillow, httpx) took 50-120 ms more.
"""

from __future__ import annotations

import os
import sys

from rocketwatch import APP_NAME


def version_text() -> str:
    """What `rocketwatch --version` prints (the command line's parser says the same): the version and
    where this copy came from (a release, a package's commit, or a source checkout's)."""
    from rocketwatch.version import describe

    return describe(APP_NAME)


def entry() -> None:
    """The console script and `python -m rocketwatch`."""
    if sys.argv[1:] == ["--version"]:
        print(version_text())
        sys.exit(0)
    if sys.argv[1:] == ["--pipeline-child"]:  # a run of the tray app, in its own process (pipeline/child.py)
        from rocketwatch.pipeline.child import child_main

        _end_now(child_main())
    import threading

    from rocketwatch.cli import entry as command_line

    try:
        command_line()
    except SystemExit as done:
        if "PySide6" in sys.modules or threading.active_count() > 1:
            raise  # the tray app, or work still running: the normal shutdown
        _end_now(done.code)


def _end_now(code: object) -> None:
    """Exit with sys.exit's meaning of code, skipping the interpreter's teardown (nothing is left to do)."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    import logging

    logging.shutdown()  # flushes and closes the log file
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 120  # what Python itself exits with when the final flush fails
    os._exit(code or 0)
