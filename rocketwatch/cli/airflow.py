"""`rocketwatch airflow-dag FILE`: a small DAG file for Airflow's dags/ folder that runs the pipeline.

The file only names the home; Airflow builds the DAG from rocketwatch.airflow (never imported here).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rocketwatch.fileio import write_atomic
from rocketwatch.i18n import _
from rocketwatch.session import Session

DAG_FILE = '''"""RocketWatch's pipeline on Apache Airflow: download_launches >> get_pictures >> notify.

Written by `rocketwatch airflow-dag`. The schedule, retries and catch-up come from RocketWatch's settings
({where}), read each time Airflow parses this file; its runs show in RocketWatch's Run history.
"""

from rocketwatch.airflow import build_dag

dag = build_dag(home={home!r})
# With workers on several machines, every task must run on the one whose local disk holds the home:
# build_dag(home=..., queue="rocketwatch") for a worker that alone serves that queue.
'''


def add_airflow_parser(commands: Any) -> None:
    words = _("write an Apache Airflow DAG file that runs RocketWatch's pipeline on this home")
    parser = commands.add_parser("airflow-dag", help=words, description=words[:1].upper() + words[1:] + ".")
    parser.add_argument("file", metavar="FILE", help=_("the DAG file to write (in Airflow's dags/ folder)"))
    parser.add_argument(
        "--home",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=_("the RocketWatch home the DAG runs on (default: this user's RocketWatch folders)"),
    )


def cmd_airflow_dag(session: Session, args: argparse.Namespace) -> int:
    from rocketwatch.schedule import ScheduleError, parse_every

    try:
        parse_every(session.saved_config.schedule.every)
    except ScheduleError as error:
        print(f"rocketwatch: {error}", file=sys.stderr)
        return 2
    target = Path(args.file).expanduser()
    if target.is_dir():
        target = target / "rocketwatch_dag.py"
    home = str(session.home.expanduser().resolve()) if session.home is not None else None
    where = _("the home {home}").format(home=home) if home else _("this user's RocketWatch folders")
    write_atomic(target, DAG_FILE.format(home=home, where=where).encode())
    print(_("Wrote {file}: DAG rocketwatch on {where}").format(file=target, where=where))
    return 0
