"""The tray app's runs, each in a short-lived child process (`rocketwatch --pipeline-child`).

Why a process: the tray app lives for weeks and is idle nearly all the time. A run loads httpx, Pillow,
the LL2 client and a page of 100 detailed launches; in the tray's own process that stayed for good
(about 15 MB of its memory), the picture threads' CPU work competed with the GUI thread for the GIL,
and a fault in a picture library would have taken the tray down with the run. In a child, all of it
ends with the run: the tray stays one small process, and a run that crashes becomes an interrupted
run in the history, with the tray still there to say so and offer Retry.

The two processes speak JSON lines. The parent writes the request (paths, the settings in force, the
language, what to do), then cancel requests and the answers to notification requests, on the child's
stdin. The child writes on its stdout (the real one; anything printed by accident goes to stderr):

    {"event": {...}}             a RunEvent, as the Runner emits it
    {"log": [level, name, text]} a log record, written to the tray app's log by the parent
    {"notify": {...}}            a Notification: the parent delivers it with its own notifiers (clickable
                                 ones included) and answers {"notified": backend} or {"notify_failed": why}
    {"refused": "why"}           a retry that cannot start (RunRefused)
    {"done": run_id | null}      the run is over; its record is in the store

The store is shared: the child writes the run there exactly as the headless `rocketwatch run` does, under
the same run lock, so the parent reads the finished record from it. The child cancels its run when the
parent asks, and also when its stdin closes: a run never outlives the tray that started it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, fields
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from rocketwatch import i18n
from rocketwatch.applog import quiet_noisy_loggers
from rocketwatch.autostart import launch_command
from rocketwatch.config import Config, config_from_mapping
from rocketwatch.notify import ChainNotifier, Notification, NotificationAction, NotifyError, Subject
from rocketwatch.paths import Paths
from rocketwatch.pipeline.context import RunEvent
from rocketwatch.pipeline.runner import RunRefused
from rocketwatch.states import RunState

log = logging.getLogger(__name__)

CHILD_FLAG = "--pipeline-child"  # the argument that makes `rocketwatch` a run's child process


# --- the messages: plain JSON both ways ---------------------------------------------------------
def event_to_json(event: RunEvent) -> dict[str, Any]:
    data = {field.name: getattr(event, field.name) for field in fields(RunEvent)}
    if event.next_try_at is not None:
        data["next_try_at"] = event.next_try_at.isoformat()
    return data


def event_from_json(data: dict[str, Any]) -> RunEvent:
    values = dict(data)
    if values.get("state") is not None:
        values["state"] = RunState(values["state"])
    if values.get("next_try_at") is not None:
        values["next_try_at"] = datetime.fromisoformat(values["next_try_at"])
    return RunEvent(**values)


def notification_to_json(notification: Notification) -> dict[str, Any]:
    data = asdict(notification)
    data["icon"] = str(notification.icon) if notification.icon is not None else None
    return data


def notification_from_json(data: dict[str, Any]) -> Notification:
    subject = data.get("subject")
    return Notification(
        title=data["title"],
        body=data["body"],
        icon=Path(data["icon"]) if data.get("icon") else None,
        urgent=bool(data.get("urgent")),
        subject=Subject(**subject) if subject else None,
        actions=tuple(NotificationAction(**action) for action in data.get("actions", ())),
    )


def paths_to_json(paths: Paths) -> dict[str, str]:
    return {field.name: str(getattr(paths, field.name)) for field in fields(Paths)}


def child_command() -> list[str]:
    """The command that starts a run's child: this same RocketWatch (the frozen app is its own executable)."""
    return [*launch_command(), CHILD_FLAG]


# --- the parent's side ---------------------------------------------------------------------------
class ChildDied(RuntimeError):
    """The child process ended without saying the run was over (it crashed or was killed)."""


class ChildRun:
    """One run (or retry) in a child process, driven from one thread of the parent (not the GUI thread).

    `run()` blocks until the child exits; events arrive through `on_event` in that thread, notifications
    are sent with `notifier` in that thread too (as a run in the same process would send them). `cancel()`
    may be called from any thread, before or during the run."""

    def __init__(
        self,
        paths: Paths,
        config: Config,
        notifier: ChainNotifier,
        on_event: Callable[[RunEvent], None],
        *,
        command: list[str] | None = None,
    ) -> None:
        self.paths = paths
        self.config = config
        self.notifier = notifier
        self.on_event = on_event
        self.command = command or child_command()
        self.run_id: int | None = None  # known from the run_started event on
        self._process: subprocess.Popen[str] | None = None
        self._write_lock = threading.Lock()
        self._cancel: dict[str, Any] | None = None  # asked before the child could be told

    def run(self, trigger: str) -> int | None:
        """A full run; the run's id (None if it never started)."""
        return self._execute({"run": trigger})

    def retry(self, run_id: int) -> int | None:
        """Retry `run_id` from its failed task; RunRefused when it cannot be retried now."""
        return self._execute({"retry": run_id})

    def cancel(self, *, quitting: bool = False) -> None:
        """Ask the run to stop at its next safe point (ends cancelled, or interrupted when quitting)."""
        with self._write_lock:
            self._cancel = {"cancel": True, "quitting": quitting}
            if self._process is not None:
                self._write(self._cancel)

    def _execute(self, work: dict[str, Any]) -> int | None:
        request = {
            "paths": paths_to_json(self.paths),
            "config": asdict(self.config),
            "language": i18n.current_language(),
            "log_level": logging.getLogger().getEffectiveLevel(),
            **work,
        }
        process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
            close_fds=True,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),  # Windows: no console flashes up
        )
        assert process.stdin is not None and process.stdout is not None
        with self._write_lock:
            self._process = process
            self._write(request)
            if self._cancel is not None:
                self._write(self._cancel)
        done, refused = False, None
        result: int | None = None
        try:
            for line in process.stdout:
                try:
                    message = json.loads(line)
                except ValueError:
                    log.warning("The run's process wrote something that is not a message: %r", line[:200])
                    continue
                if "event" in message:
                    event = event_from_json(message["event"])
                    if event.kind == "run_started":
                        self.run_id = event.run_id
                    self.on_event(event)
                elif "log" in message:
                    level, name, text = message["log"]
                    logging.getLogger(name).log(level, "%s", text)
                elif "notify" in message:
                    self._deliver(notification_from_json(message["notify"]))
                elif "refused" in message:
                    refused = message["refused"]
                elif "done" in message:
                    done, result = True, message["done"]
        except BaseException:
            process.kill()  # nobody reads its output any more: it must not wait on a full pipe
            raise
        finally:
            with self._write_lock:
                self._process = None
                if process.stdin is not None:
                    with contextlib.suppress(OSError):  # the child is gone already
                        process.stdin.close()
            code = process.wait()
            process.stdout.close()
        if refused is not None:
            raise RunRefused(refused)
        if not done:
            raise ChildDied(f"the run's process ended with exit status {code} before the run was over")
        return result

    def _deliver(self, notification: Notification) -> None:
        try:
            answer = {"notified": self.notifier.send(notification)}
        except NotifyError as error:
            answer = {"notify_failed": str(error)}
        except Exception as error:  # a backend's own bug must not leave the child waiting
            log.exception("A notification backend failed")
            answer = {"notify_failed": str(error)}
        with self._write_lock:
            self._write(answer)

    def _write(self, message: dict[str, Any]) -> None:
        """One line to the child (the caller holds the write lock); a child that is gone is not an error."""
        process = self._process
        if process is None or process.stdin is None:
            return
        try:
            process.stdin.write(json.dumps(message) + "\n")
            process.stdin.flush()
        except (OSError, ValueError):
            log.debug("The run's process no longer reads its input", exc_info=True)


# --- the child's side ----------------------------------------------------------------------------
class _Link:
    """The child's end: one writer for the parent's stdout, and the answers to notification requests."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.answers: queue.Queue[dict[str, Any] | None] = queue.Queue()

    def send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, default=str) + "\n"
        with self.lock:
            self.out.write(line)
            self.out.flush()


class _ParentLogHandler(logging.Handler):
    """Log records go to the parent, which writes them to the one log file (one writer, one rotation)."""

    def __init__(self, link: _Link) -> None:
        super().__init__()
        self.link = link
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.link.send({"log": [record.levelno, record.name, self.format(record)]})
        except Exception:
            self.handleError(record)


class _ParentNotifier(ChainNotifier):
    """The child's notifier: the parent delivers with its own chain and says which backend did."""

    def __init__(self, link: _Link) -> None:
        super().__init__([])
        self.link = link

    @property
    def name(self) -> str:
        return "the tray app"

    def send(self, notification: Notification) -> str:
        self.link.send({"notify": notification_to_json(notification)})
        answer = self.link.answers.get()
        if answer is None:
            raise NotifyError(i18n._("RocketWatch was closed"))
        if "notify_failed" in answer:
            raise NotifyError(answer["notify_failed"])
        return str(answer["notified"])


def child_main() -> int:
    """`rocketwatch --pipeline-child`: read the request, run, report, exit."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # a stray print() goes to stderr, never into the messages
    link = _Link(out)
    request = json.loads(sys.stdin.readline() or "null")
    if not isinstance(request, dict):
        return 2  # the parent went away before it said what to do
    # Ctrl+C in the terminal reaches the whole process group: the tray app decides, and cancels the run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    i18n.setup(request["language"])
    root = logging.getLogger()
    root.setLevel(request["log_level"])
    root.addHandler(_ParentLogHandler(link))
    quiet_noisy_loggers()

    from rocketwatch.pipeline.runner import Runner
    from rocketwatch.store import Store

    paths = Paths(**{name: Path(value) for name, value in request["paths"].items()})
    config = config_from_mapping(request["config"], "settings in force")
    store = Store.open(paths)
    cancel_asked: list[bool] = []  # quitting, once asked

    def on_event(event: RunEvent) -> None:
        link.send({"event": event_to_json(event)})
        if event.kind == "run_started" and cancel_asked:
            runner.cancel(quitting=cancel_asked[-1])  # asked before the run began (a run clears the flag)

    runner = Runner(paths, config, store, _ParentNotifier(link), on_event=on_event)

    def listen() -> None:
        for line in sys.stdin:
            message = json.loads(line)
            if "cancel" in message:
                cancel_asked.append(bool(message.get("quitting")))
                runner.cancel(quitting=cancel_asked[-1])
            else:
                link.answers.put(message)
        cancel_asked.append(True)  # the parent is gone: stop as when quitting
        runner.cancel(quitting=True)
        link.answers.put(None)

    threading.Thread(target=listen, name="rocketwatch-parent", daemon=True).start()
    record = None
    try:
        if "retry" in request:
            record = runner.retry(int(request["retry"]))
        else:
            record = runner.run(str(request["run"]))
    except RunRefused as error:
        link.send({"refused": str(error)})
    except Exception:
        log.exception("A run crashed")
    finally:
        store.close()
    link.send({"done": record.id if record is not None else None})
    return 0
