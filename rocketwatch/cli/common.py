"""What the commands share: the store and runner of a session, task marks and plain tables."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from rocketwatch.i18n import _
from rocketwatch.session import Session
from rocketwatch.states import RunState
from rocketwatch.timefmt import duration_words

if TYPE_CHECKING:
    from rocketwatch.pipeline import RunEvent, Runner
    from rocketwatch.store import Store

log = logging.getLogger(__name__)


# The session's store and runner, for the commands below (typed: a run id can be followed into the store).
def open_store(session: Session) -> Store:
    return session.open_store()


def make_runner(
    session: Session, store: Store, *, on_event: Callable[[RunEvent], None] | None = None
) -> Runner:
    return session.make_runner(store, on_event=on_event)


TASK_MARKS = {
    RunState.SUCCESS: "✓",
    RunState.FAILED: "✗",
    RunState.UP_FOR_RETRY: "↻",
    RunState.RUNNING: "…",
    RunState.SKIPPED: "–",
    RunState.INTERRUPTED: "!",
    RunState.CANCELLED: "⊘",
    RunState.QUEUED: "·",
}


def duration_words_s(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return _("{count} s").format(count=f"{seconds:.1f}")
    return duration_words(timedelta(seconds=seconds))


def utc_text(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def path_text(path: Path | None) -> str | None:
    return str(path) if path else None


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def width(text: str) -> int:
    """How many columns a terminal gives `text`: Hangul and other wide characters take two."""
    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
        for char in text
    )


def ljust(text: str, columns: int) -> str:
    """`text` padded with spaces to `columns` terminal columns (str.ljust counts wide characters as one)."""
    return text + " " * max(0, columns - width(text))


def print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(ljust(cell, columns) for cell, columns in zip(row, widths, strict=True)).rstrip())
