"""`rocketwatch mute ID` / `unmute ID`: kept in the store, shown in `launches --json`, and a muted launch
is left out of `reminders --json`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpers import write_config

from rocketwatch.cli import main
from rocketwatch.standin import StandIn
from rocketwatch.standin.data import format_time


def launch_record(launch_id: str, name: str, hours_ahead: int) -> dict:
    net = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours_ahead)
    return {
        "id": launch_id,
        "name": name,
        "net": format_time(net),
        "net_precision": {"abbrev": "MIN"},
        "status": {"id": 1, "name": "Go", "abbrev": "Go"},
        "launch_service_provider": {"name": "SpaceX"},
        "pad": {"name": "SLC-40", "location": {"name": "Cape Canaveral"}},
    }


def reminder_ids(home: Path, capsys) -> set[str]:
    assert main(["--home", str(home), "reminders", "--json"]) == 0
    return {item["launch_id"] for item in json.loads(capsys.readouterr().out)}


def test_mute_and_unmute_from_the_command_line(home: Path, capsys) -> None:
    records = [launch_record("a-1", "Falcon 9 | Alpha", 30), launch_record("b-2", "Electron | Beta", 40)]
    with StandIn(records=records) as server:
        write_config(home, source={"api_url": server.api_url})
        assert main(["--home", str(home), "run"]) == 0
    capsys.readouterr()
    assert reminder_ids(home, capsys) == {"a-1", "b-2"}

    assert main(["--home", str(home), "mute", "a-1"]) == 0
    assert capsys.readouterr().out == "Muted: Falcon 9 | Alpha\n"
    assert main(["--home", str(home), "mute", "a-1"]) == 0
    assert capsys.readouterr().out == "Already muted: Falcon 9 | Alpha\n"
    assert reminder_ids(home, capsys) == {"b-2"}
    assert main(["--home", str(home), "launches", "--json"]) == 0
    assert {launch["id"]: launch["muted"] for launch in json.loads(capsys.readouterr().out)} == {
        "a-1": True,
        "b-2": False,
    }

    assert main(["--home", str(home), "unmute", "a-1"]) == 0
    assert capsys.readouterr().out == "Unmuted: Falcon 9 | Alpha\n"
    assert reminder_ids(home, capsys) == {"a-1", "b-2"}


def test_muting_an_unknown_launch_says_so(home: Path, capsys) -> None:
    assert main(["--home", str(home), "mute", "no-such-launch"]) == 1
    assert capsys.readouterr().err == "rocketwatch: no stored launch has the id 'no-such-launch'\n"
