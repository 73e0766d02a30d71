"""httpx, loaded without its command-line client: every module that makes HTTP requests imports it from here.

`import httpx` also imports `httpx._main`, its `httpx` console command, whenever the optional packages that
command needs (click, rich, pygments) are installed beside it, as they are wherever a development tool
brought them. RocketWatch never runs that command; loading it cost 17 MB of memory for the life of the
tray app and about 40 ms of every run's start. Marking the module absent makes httpx skip it (httpx then
defines a `main` that only says the command is not installed).
"""

from __future__ import annotations

import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None marks a module as absent

import httpx  # noqa: E402  # after the line above, by design

__all__ = ["httpx"]
