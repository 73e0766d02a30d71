"""RocketWatch's pipeline as an Apache Airflow DAG: the app's own tasks, settings and store, run by Airflow.

Airflow is imported here only, and only when a DAG is built or a task runs: the app never needs it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from rocketwatch.config import Config

if TYPE_CHECKING:
    from rocketwatch.session import Session

log = logging.getLogger(__name__)

DAG_ID = "rocketwatch"
TRIGGER = "airflow"


@dataclass(frozen=True, slots=True)
class DagSettings:
    """What Airflow is told, from RocketWatch's settings (no Airflow object: testable without it)."""

    cron: str | None  # a cron line (presets and cron schedules), in `timezone`
    interval: timedelta | None  # an interval schedule
    timezone: str  # the zone the cron line is read in (the user's, as the tray app reads it)
    run_immediately: bool  # after a missed run time: run once at once ([schedule] catch_up)
    paused: bool
    retries: int
    retry_delay: timedelta
    max_retry_delay: timedelta
    task_ids: tuple[str, ...]

    @property
    def catchup(self) -> bool:
        """Airflow's catch-up runs every missed interval since the start date; RocketWatch's catch-up is one
        run for all of them. So Airflow's is always off; `run_immediately` gives RocketWatch's."""
        return False


def zone_name(tz: tzinfo) -> str:
    """An IANA name Airflow understands for `tz` ("UTC" for a zone that has none, such as a POSIX rule)."""
    key = getattr(tz, "key", None) or getattr(tz, "zone", None)
    if isinstance(key, str) and key:
        return key
    log.warning("The time zone %s has no name Airflow knows; the schedule is read in UTC", tz)
    return "UTC"


def dag_settings(config: Config, tz: tzinfo) -> DagSettings:
    """Map `[schedule]` and `[pipeline]` to Airflow's schedule, catch-up and retries."""
    from rocketwatch.pipeline.outside import outside_task_ids
    from rocketwatch.schedule import parse_every

    schedule = parse_every(config.schedule.every)
    pipeline = config.pipeline
    return DagSettings(
        cron=schedule.cron if schedule.interval is None else None,
        interval=schedule.interval,
        timezone=zone_name(tz),
        run_immediately=config.schedule.catch_up,
        paused=config.schedule.paused,
        retries=pipeline.retries,
        retry_delay=timedelta(seconds=pipeline.retry_delay),
        max_retry_delay=timedelta(seconds=max(pipeline.retry_delay, pipeline.max_retry_delay)),
        task_ids=outside_task_ids(config.source.events),
    )


def _session(home: str | None) -> Session:
    from rocketwatch.session import Session

    session = Session.from_options(home, None, False)
    session.paths.ensure()
    session.load()
    return session


def build_dag(
    home: str | None = None, *, dag_id: str = DAG_ID, queue: str | None = None, pool: str | None = None
) -> Any:
    """The DAG `dag_id`: download_launches >> get_pictures >> notify (>> download_events when [source]
    events is on) over the RocketWatch home `home` (None: the default folders of the user Airflow runs as).

    `queue`: with an executor of several workers, the queue that puts every task on the one machine whose
    local disk holds the home; `pool`: an Airflow pool for the tasks (it limits how many run, not where)."""
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import DAG, CronTriggerTimetable, DeltaTriggerTimetable
    from airflow.sdk.bases.operator import chain

    from rocketwatch.schedule import local_tz

    settings = dag_settings(_session(home).config, local_tz())
    timetable: Any
    if settings.interval is not None:
        timetable = DeltaTriggerTimetable(settings.interval)
    else:
        timetable = CronTriggerTimetable(
            settings.cron, timezone=settings.timezone, run_immediately=settings.run_immediately
        )
    dag = DAG(
        dag_id,
        schedule=timetable,
        catchup=settings.catchup,
        max_active_runs=1,  # one run at a time, as in the tray app (the run lock holds across both)
        is_paused_upon_creation=settings.paused,
        description="RocketWatch: the next launches from Launch Library 2, their pictures, a summary",
        default_args={
            "retries": settings.retries,
            "retry_delay": settings.retry_delay,
            "retry_exponential_backoff": 2.0,
            "max_retry_delay": settings.max_retry_delay,
            **({"queue": queue} if queue else {}),
            **({"pool": pool} if pool else {}),
        },
        tags=["rocketwatch"],
    )
    with dag:
        tasks = [
            PythonOperator(
                task_id=task_id,
                python_callable=run_task,
                op_kwargs={"task_id": task_id, "home": home, "task_ids": settings.task_ids},
            )
            for task_id in settings.task_ids
        ]
        chain(*tasks)
    return dag


def run_task(task_id: str, home: str | None, task_ids: tuple[str, ...], **context: Any) -> str:
    """One Airflow try of one RocketWatch task, recorded as a try of the run Airflow's run id names."""
    from airflow.sdk.exceptions import AirflowException, AirflowFailException

    from rocketwatch.notify import default_notifier
    from rocketwatch.pipeline.outside import OutsideRunner, OutsideTaskFailed, OutsideTry, RunBusy

    ti = context["ti"]
    attempt = OutsideTry(
        external_id=str(context["dag_run"].run_id),
        task_id=task_id,
        try_number=int(ti.try_number),
        max_tries=int(ti.max_tries),
        trigger=TRIGGER,
    )
    session = _session(home)
    store = session.open_store()
    try:
        runner = OutsideRunner(session.paths, session.config, store, default_notifier())
        return runner.run_try(attempt, tuple(task_ids))
    except RunBusy as error:
        raise AirflowException(str(error)) from None
    except OutsideTaskFailed as error:
        if error.retryable:
            raise AirflowException(str(error)) from None
        raise AirflowFailException(str(error)) from None
    finally:
        store.close()
