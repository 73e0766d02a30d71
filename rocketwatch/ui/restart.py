"""Starting RocketWatch again after it quit, the way it was started (a new language shows from the start).

The new process starts once this one has closed its single-instance server, so it becomes the instance.
"""

from __future__ import annotations

import logging
import subprocess
import sys

from rocketwatch.autostart import launch_command
from rocketwatch.session import Session

log = logging.getLogger(__name__)


def restart_command(session: Session) -> list[str]:
    """The command line that starts this session's RocketWatch again: its home, --demo, its --api-url."""
    command = launch_command(session.home)
    identity = session.identity()
    if identity["demo"]:
        command.append("--demo")
    if identity["api_url"]:
        command += ["--api-url", str(identity["api_url"])]
    return command


def start_again(session: Session) -> bool:
    """Start a new RocketWatch, detached from this one; False (logged) when it cannot be started."""
    command = restart_command(session)
    options: dict = {"stdin": subprocess.DEVNULL, "close_fds": True}
    if sys.platform == "win32":
        options["creationflags"] = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        options["start_new_session"] = True
    try:
        subprocess.Popen(command, **options)  # our own executable, no shell
    except OSError:
        log.exception("Could not start RocketWatch again: %s", command)
        return False
    log.info("Started RocketWatch again: %s", command)
    return True
