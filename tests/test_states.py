"""Run and task states: an enum whose words are what the store and the JSON output always held."""

from __future__ import annotations

import json

from rocketwatch.states import RunState


def test_states_keep_their_stored_words() -> None:
    assert [str(state) for state in RunState] == [
        "queued",
        "running",
        "success",
        "failed",
        "up_for_retry",
        "skipped",
        "interrupted",
        "cancelled",
    ]
    assert json.dumps({"state": RunState.UP_FOR_RETRY}) == '{"state": "up_for_retry"}'


def test_a_state_word_from_a_newer_version_reads_as_interrupted() -> None:
    assert RunState.read("failed") is RunState.FAILED
    assert RunState.read("deferred") is RunState.INTERRUPTED


def test_which_states_are_active_and_which_went_wrong() -> None:
    assert {state for state in RunState if state.active} == {
        RunState.QUEUED,
        RunState.RUNNING,
        RunState.UP_FOR_RETRY,
    }
    assert {state for state in RunState if state.went_wrong} == {RunState.FAILED, RunState.INTERRUPTED}
