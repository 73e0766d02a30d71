"""`rocketwatch events [--json]`, event reminders for the picked types, and watched events in the ICS file:
events served by the stand-in in both versions' shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import write_config
from icalendar import Calendar

from rocketwatch.cli import main
from rocketwatch.standin import StandIn

KEYS = {
    "id",
    "name",
    "type",
    "date",
    "date_precision",
    "location",
    "description",
    "image_url",
    "image_path",
    "webcast_url",
    "launch_ids",
}


@pytest.mark.parametrize("version", ["2.2.0", "2.3.0"])
def test_events_json_reminders_and_calendar(home: Path, capsys, tmp_path: Path, version: str) -> None:
    with StandIn.demo(version=version) as server:
        write_config(
            home,
            source={"api_url": server.api_url, "events": True},
            alerts={"event_types": ["eva", "Docking"], "reminders": ["1h"]},
        )
        assert main(["--home", str(home), "run"]) == 0
    capsys.readouterr()

    assert main(["--home", str(home), "events", "--json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert [e["name"] for e in events] == ["US Spacewalk 92", "Cargo Dragon docking", "Starship static fire"]
    assert all(set(e) == KEYS for e in events)
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)  # soonest first
    first = events[0]
    assert first["type"] == "EVA" and first["location"] == "International Space Station"
    assert first["webcast_url"] == "https://www.youtube.com/watch?v=demo-event-1"
    assert first["image_path"] and Path(first["image_path"]).is_file()
    assert first["date"].endswith("Z") and first["date_precision"] == "MIN"

    assert main(["--home", str(home), "events"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].startswith("DATE (local)") and "Cargo Dragon docking" in table

    # Reminders come for the picked types only (EVA and Docking, not the static fire).
    assert main(["--home", str(home), "reminders", "--json"]) == 0
    planned = [item for item in json.loads(capsys.readouterr().out) if item["kind"] == "event"]
    assert [item["name"] for item in planned] == ["US Spacewalk 92", "Cargo Dragon docking"]
    spacewalk = datetime.fromisoformat(first["date"].replace("Z", "+00:00"))
    assert planned[0]["fire_at"] == (spacewalk - timedelta(hours=1)).astimezone(UTC).isoformat().replace(
        "+00:00", "Z"
    )

    target = tmp_path / "launches.ics"
    assert main(["--home", str(home), "export-ics", str(target)]) == 0
    calendar = Calendar.from_ical(target.read_bytes())
    uids = {str(component["uid"]) for component in calendar.walk("VEVENT")}
    assert {"event-901@rocketwatch", "event-902@rocketwatch"} <= uids
    assert "event-903@rocketwatch" not in uids  # a static fire was not picked
    [dock] = [c for c in calendar.walk("VEVENT") if str(c["uid"]) == "event-902@rocketwatch"]
    assert str(dock["summary"]) == "Cargo Dragon docking"
    assert str(dock["location"]) == "International Space Station"


def test_events_without_any_stored_say_how_to_get_them(home: Path, capsys) -> None:
    assert main(["--home", str(home), "events"]) == 0
    assert "[source] events = true" in capsys.readouterr().out
