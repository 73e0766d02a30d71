"""The pipeline: a run is download_launches >> get_pictures >> notify, with states and retries.

`Runner` executes runs; `RunEvent` is what observers receive.
"""

from rocketwatch.pipeline.context import Cancelled, RunContext, RunEvent, TaskError
from rocketwatch.pipeline.dag import TASK_IDS, TASK_TITLES
from rocketwatch.pipeline.runner import RunActivity, Runner, RunRefused, backoff_delay, run_activity

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
