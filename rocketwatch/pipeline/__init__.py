"""The pipeline: a run is download_launches >> get_pictures >> notify, with states and retries.

`Runner` executes runs; `RunEvent` is what observers receive.
"""

from rocketwatch.pipeline.context import Cancelled, RunContext, RunEvent, TaskError
from rocketwatch.pipeline.runner import RunActivity, Runner, RunRefused, backoff_delay, run_activity
from rocketwatch.pipeline.tasks import TASK_IDS, TASK_TITLES

__all__ = [
    "TASK_IDS",
    "TASK_TITLES",
    "Cancelled",
    "RunActivity",
    "RunContext",
    "RunEvent",
    "RunRefused",
    "Runner",
    "TaskError",
    "backoff_delay",
    "run_activity",
]
