"""The states of a run and of its tasks, as Airflow names them, plus cancelled (the user stopped the run)
apart from interrupted (RocketWatch quit or died during it). A StrEnum: stored and printed as the words.
"""

from __future__ import annotations

from enum import StrEnum

from rocketwatch.i18n import N_, _


class RunState(StrEnum):
    """The state of a run, a task or a try; the value is what the store and the JSON output hold."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    UP_FOR_RETRY = "up_for_retry"
    SKIPPED = "skipped"
    INTERRUPTED = "interrupted"
    CANCELLED = "cancelled"

    @classmethod
    def read(cls, text: str) -> RunState:
        """A state read from the store; a word this version does not know (a newer one wrote it) reads
        as interrupted: ended, not successful, retryable."""
        try:
            return cls(text)
        except ValueError:
            return cls.INTERRUPTED

    @property
    def active(self) -> bool:
        """Still going: queued, running or waiting to try again."""
        return self in ACTIVE_STATES

    @property
    def went_wrong(self) -> bool:
        """Ended in a way the user should look at: failed or interrupted (not cancelled by them)."""
        return self in (RunState.FAILED, RunState.INTERRUPTED)


ACTIVE_STATES = (RunState.QUEUED, RunState.RUNNING, RunState.UP_FOR_RETRY)
RETRYABLE_STATES = (RunState.FAILED, RunState.INTERRUPTED, RunState.CANCELLED)

# The words a person reads for each state (the stored values above never change with the language).
STATE_WORDS = {
    RunState.QUEUED: N_("queued"),
    RunState.RUNNING: N_("running"),
    RunState.SUCCESS: N_("success"),
    RunState.FAILED: N_("failed"),
    RunState.UP_FOR_RETRY: N_("up for retry"),
    RunState.SKIPPED: N_("skipped"),
    RunState.INTERRUPTED: N_("interrupted"),
    RunState.CANCELLED: N_("cancelled"),
}


def state_word(state: str) -> str:
    """A state as a person reads it, in the current language ("failed"; a word this version does not
    know is shown as it is)."""
    try:
        return _(STATE_WORDS[RunState(state)])
    except ValueError:
        return state


# What started a run (stored as a machine word), as a person reads it: the history window and the CLI.
TRIGGER_WORDS = {
    "manual": N_("manual"),
    "scheduled": N_("scheduled"),
    "catch_up": N_("catch up"),
    "first_start": N_("first start"),
    "refresh": N_("refresh"),
}


def trigger_words(trigger: str) -> str:
    """'catch_up' -> 'catch up', in the user's language (an unknown trigger, such as "airflow", keeps its
    own words)."""
    known = TRIGGER_WORDS.get(trigger)
    return _(known) if known is not None else trigger.replace("_", " ")
