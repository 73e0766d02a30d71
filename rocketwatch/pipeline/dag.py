"""The shape of the pipeline, without its work: the task ids in order, what each does in words, and which
may fail without failing the run.

Kept apart from tasks.py (the work, with httpx and the LL2 client) so that the tray app, which shows runs
but never executes one (runs happen in a child process, see child.py), does not load what a run needs.
"""

from __future__ import annotations

from rocketwatch.i18n import N_, _

# download_launches >> get_pictures >> notify, then the optional events (tasks.TASKS holds the functions).
TASK_IDS: tuple[str, ...] = ("download_launches", "get_pictures", "notify", "download_events")
# Tasks whose failure does not fail the run (the launches are kept and alerted all the same).
OPTIONAL_TASKS = frozenset({"download_events"})
SKIPPED_TASK = "skipped"  # what a task returns when it had nothing to do (its state: skipped)
# What each task does, in words (marked only: shown with task_title() or _(TASK_TITLES[...])).
TASK_TITLES = {
    "download_launches": N_("Getting the launch list from Launch Library 2"),
    "get_pictures": N_("Getting the launch pictures"),
    "notify": N_("Showing the RocketWatch summary"),
    "download_events": N_("Getting the upcoming events from Launch Library 2"),
}


def task_title(task_id: str) -> str:
    """What a task does, in the current language (an unknown task id as it is)."""
    title = TASK_TITLES.get(task_id)
    return _(title) if title else task_id
