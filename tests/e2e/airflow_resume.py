"""Runs the cleared tasks of an existing Airflow DAG run to its end, as Airflow's scheduler would.

Usage (with Airflow's python): airflow_resume.py DAG_ID RUN_ID. `airflow dags test` always makes a new
run, so after `airflow tasks clear` this drives the same run on: Airflow's own scheduling of the run
(DagRun.update_state: dependencies, retries and their delays) and its in-process task runner, the loop
`airflow dags test` uses, without a scheduler daemon and API server.
"""

from __future__ import annotations

import sys
import time

from airflow.dag_processing.dagbag import DagBag
from airflow.models.dagrun import DagRun
from airflow.sdk import DagRunState, TaskInstanceState
from airflow.sdk.definitions.dag import _run_task
from airflow.serialization.serialized_objects import DagSerialization
from airflow.utils.session import create_session
from airflow.utils.state import State
from sqlalchemy import select


def main(dag_id: str, run_id: str, deadline_s: float = 120.0) -> int:
    sdk_dag = DagBag().get_dag(dag_id)
    scheduler_dag = DagSerialization.deserialize_dag(DagSerialization.serialize_dag(sdk_dag))
    deadline = time.monotonic() + deadline_s
    with create_session() as session:
        run = session.scalar(select(DagRun).where(DagRun.dag_id == dag_id, DagRun.run_id == run_id))
        run.dag = scheduler_dag
        run.state = DagRunState.RUNNING
        session.commit()
        while run.state == DagRunState.RUNNING and time.monotonic() < deadline:
            session.expire_all()
            schedulable, _ = run.update_state(session=session)
            for ti in schedulable:
                ti.try_number += 1
                ti.state = TaskInstanceState.SCHEDULED
            session.commit()
            ready = [ti for ti in run.get_task_instances(session=session) if ti.state == State.SCHEDULED]
            if not ready:
                time.sleep(0.5)  # a task waits for its retry delay: Airflow's scheduler polls the same way
            for ti in ready:
                _run_task(ti=ti, task=sdk_dag.get_task(ti.task_id))
        print(f"run {run_id}: {run.state}")
        return 0 if run.state == DagRunState.SUCCESS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
