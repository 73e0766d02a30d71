"""The alert rules on hand-made launches and a fixed clock: reminders, late discovery, changes, quiet hours.

No store and no network: every rule is a pure function of its inputs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rocketwatch.alerts import (
    Alert,
    PlannedReminder,
    budget_left,
    change_alerts,
    due_alerts,
    in_quiet_hours,
    is_watched,
    lead_words,
    max_data_age,
    needs_refresh,
    plan_reminders,
    reminder_log,
    with_last_checked,
)
from rocketwatch.config import AlertsConfig, ConfigError, load_config
from rocketwatch.ll2.model import Launch
from rocketwatch.schedule import ScheduleError, parse_quiet_hours
from rocketwatch.store import LaunchChange
from rocketwatch.store.database import to_text

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)  # a Saturday
CFG = AlertsConfig()
H, M = timedelta(hours=1), timedelta(minutes=1)


def launch(
    launch_id: str = "a",
    net: datetime = NOW + 2 * H + 30 * M,
    precision: str | None = "MIN",
    status: str = "Go",
    **fields: object,
) -> Launch:
    defaults: dict = {
        "name": f"Falcon 9 | Mission {launch_id.upper()}",
        "pad": "SLC-40",
        "location": "Cape Canaveral",
        "provider": "SpaceX",
        "rocket": "Falcon 9 Block 5",
    }
    return Launch(
        id=launch_id, net=net, net_precision=precision, status_abbrev=status, **{**defaults, **fields}
    )


def change(
    field: str, old: str, new: str, launch_id: str = "a", change_id: int = 7, noticed_at: datetime = NOW
) -> LaunchChange:
    return LaunchChange(launch_id, 3, noticed_at, field, old, new, change_id)


def sent_at(launch_id: str, lead: timedelta, fire_at: datetime) -> dict:
    return {(launch_id, int(lead.total_seconds())): [fire_at]}


# --- reminders ----------------------------------------------------------------------------------------
def test_a_go_launch_gets_its_reminders_soonest_first() -> None:
    net = NOW + 30 * H
    planned = plan_reminders([launch(net=net)], {}, NOW, CFG)
    assert planned == [
        PlannedReminder("a", "Falcon 9 | Mission A", 86_400, net - 24 * H),
        PlannedReminder("a", "Falcon 9 | Mission A", 3_600, net - H),
        PlannedReminder("a", "Falcon 9 | Mission A", 600, net - 10 * M),
    ]
    assert planned[0].to_json() == {
        "launch_id": "a",
        "name": "Falcon 9 | Mission A",
        "kind": "reminder",
        "lead": 86_400,
        "fire_at": "2026-03-07T18:00:00Z",
    }


def test_reminders_of_several_launches_interleave_by_fire_time() -> None:
    early, late = launch("e", net=NOW + 3 * H), launch("l", net=NOW + 2 * H)
    planned = plan_reminders([early, late], {}, NOW, CFG)
    assert [(p.launch_id, p.lead_s) for p in planned] == [("l", 3600), ("l", 600), ("e", 3600), ("e", 600)]


@pytest.mark.parametrize("precision", ["DAY", "W", "M", "Q3", "H2", "Y", "NET"])
def test_vague_nets_get_no_reminders(precision: str) -> None:
    vague = launch(net=NOW + 30 * H, precision=precision)
    assert plan_reminders([vague], {}, NOW, CFG) == []
    assert due_alerts([vague], {}, NOW + 29 * H + 55 * M, CFG) == []


@pytest.mark.parametrize("precision", [None, "SEC", "MIN", "HR"])
def test_nets_precise_to_the_hour_get_reminders(precision: str | None) -> None:
    assert len(plan_reminders([launch(net=NOW + 30 * H, precision=precision)], {}, NOW, CFG)) == 3


@pytest.mark.parametrize("status", ["In Flight", "Success", "Failure", "Partial Failure"])
def test_launches_flying_or_done_get_no_reminders(status: str) -> None:
    assert plan_reminders([launch(net=NOW + 30 * H, status=status)], {}, NOW, CFG) == []


@pytest.mark.parametrize("status", ["TBD", "Hold"])
def test_unconfirmed_launches_get_no_ten_minute_reminder(status: str) -> None:
    planned = plan_reminders([launch(net=NOW + 30 * H, status=status)], {}, NOW, CFG)
    assert [p.lead_s for p in planned] == [86_400, 3_600]


def test_reminder_texts_say_what_when_and_where_in_local_time() -> None:
    net = NOW + 2 * H + 30 * M  # 14:30 UTC
    [alert] = due_alerts([launch(net=net)], {}, net - H, CFG, tz=UTC)
    assert alert.title == "Falcon 9 | Mission A"
    # A notification is read away from the app: its time of day names the clock (here the test's UTC).
    assert alert.body == "Launches in 1 hour — 14:30 UTC from SLC-40, Cape Canaveral"
    assert (alert.kind, alert.lead_s, alert.fire_at, alert.quiet) == ("reminder", 3600, net - H, False)
    [seoul] = due_alerts([launch(net=net)], {}, net - H, CFG, tz=ZoneInfo("Asia/Seoul"))
    assert seoul.body == "Launches in 1 hour — 23:30 KST from SLC-40, Cape Canaveral"
    [tomorrow] = due_alerts([launch(net=net)], {}, net - 24 * H, CFG, tz=UTC)
    assert tomorrow.body == "Launches in 24 hours — Sat 14:30 UTC from SLC-40, Cape Canaveral"


def test_unconfirmed_launches_might_launch() -> None:
    net = NOW + 2 * H
    hold = launch(net=net, status="Hold", hold_reason="Weather: anvil clouds")
    [alert] = due_alerts([hold], {}, net - H, CFG, tz=UTC)
    assert alert.body == (
        "Might launch in 1 hour — 14:00 UTC from SLC-40, Cape Canaveral (on hold: Weather: anvil clouds)"
    )
    [tbd] = due_alerts([launch(net=net, status="TBD")], {}, net - 24 * H, CFG, tz=UTC)
    assert tbd.body.startswith("Might launch in 24 hours — Sat 14:00 UTC") and "not confirmed" in tbd.body
    # Ten minutes before, a launch on hold gets nothing new: there is no 10-minute lead for it.
    assert due_alerts([hold], sent_at("a", H, net - H), net - 10 * M, CFG) == []
    [late] = due_alerts([hold], {}, net - 10 * M, CFG, tz=UTC)  # learned late: the 1 h lead, once
    assert late.lead_s == 3600 and late.body.startswith("Might launch in 10 min — 14:00 UTC")


def test_an_hour_precise_net_is_an_approximate_time() -> None:
    net = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
    [alert] = due_alerts([launch(net=net, precision="HR")], {}, net - H, CFG, tz=UTC)
    assert alert.body == "Launches in about 1 hour — about 15:00 UTC from SLC-40, Cape Canaveral"


def test_a_reminder_sent_stays_sent_unless_its_time_moved_by_more_than_half_its_lead() -> None:
    net = NOW + 5 * H
    sent = sent_at("a", H, net - H)
    assert 3600 not in [p.lead_s for p in plan_reminders([launch(net=net + 29 * M)], sent, NOW, CFG)]
    assert 3600 in [p.lead_s for p in plan_reminders([launch(net=net + 31 * M)], sent, NOW, CFG)]
    day = sent_at("a", 24 * H, net - 24 * H)  # 24 h: half is 12 h, so a 2 h slip does not re-arm it
    assert due_alerts([launch(net=net + 2 * H)], day, NOW, CFG) == []


def test_the_sent_log_comes_from_ledger_entries_of_reminders() -> None:
    class Entry:
        def __init__(self, kind: str, lead_s: int | None) -> None:
            self.kind, self.launch_id, self.lead_s, self.fire_at = kind, "a", lead_s, NOW

    assert reminder_log([Entry("reminder", 600), Entry("status", None), Entry("reminder", 600)]) == {
        ("a", 600): [NOW, NOW]
    }


def test_a_launch_learned_late_gets_one_reminder_for_the_nearest_passed_lead() -> None:
    net = NOW + 40 * M
    [alert] = due_alerts([launch(net=net)], {}, NOW, CFG, tz=UTC)
    assert (alert.lead_s, alert.fire_at) == (3600, net - H)
    assert alert.body == "Launches in 40 min — 12:40 UTC from SLC-40, Cape Canaveral"
    sent = sent_at("a", H, net - H)
    assert due_alerts([launch(net=net)], sent, NOW + 5 * M, CFG) == []  # never the stale 24 h one
    [ten] = due_alerts([launch(net=net)], sent, net - 10 * M, CFG, tz=UTC)
    assert ten.lead_s == 600 and ten.body.startswith("Launches in 10 min")


def test_no_reminder_once_the_net_has_passed() -> None:
    assert due_alerts([launch(net=NOW)], {}, NOW, CFG) == []
    assert plan_reminders([launch(net=NOW - M)], {}, NOW, CFG) == []


def test_a_net_moved_earlier_gets_the_now_nearest_lead_once() -> None:
    net = NOW + 30 * M  # was NOW + 5 h; its 24 h reminder went out
    sent = sent_at("a", 24 * H, NOW + 5 * H - 24 * H)
    [alert] = due_alerts([launch(net=net)], sent, NOW, CFG)
    assert alert.lead_s == 3600 and alert.body.startswith("Launches in 30 min")


def test_reminder_keys_name_launch_lead_and_fire_minute() -> None:
    net = datetime(2026, 3, 7, 14, 30, 45, tzinfo=UTC)
    [alert] = due_alerts([launch(net=net)], {}, net - H, CFG)
    assert alert.key == "reminder:a:3600:2026-03-07T13:30Z"
    assert due_alerts([launch(net=net)], {}, net - H, CFG)[0].key == alert.key


# --- what is watched -----------------------------------------------------------------------------------
def test_empty_watch_lists_watch_everything_and_any_match_counts() -> None:
    rocket_lab = launch(
        "r",
        name="Electron | Kiwi",
        provider="Rocket Lab",
        location="Mahia, NZ",
        pad="LC-1A",
        rocket="Electron",
    )
    spacex = launch("s")
    assert is_watched(rocket_lab, CFG) and is_watched(spacex, CFG)
    by_provider = AlertsConfig(watch_providers=("rocket LAB",))
    assert is_watched(rocket_lab, by_provider) and not is_watched(spacex, by_provider)
    by_place = AlertsConfig(watch_locations=("cape",))
    assert is_watched(spacex, by_place) and not is_watched(rocket_lab, by_place)
    by_term = AlertsConfig(watch_terms=("kiwi",), watch_locations=("nowhere",))
    assert is_watched(rocket_lab, by_term) and not is_watched(spacex, by_term)
    assert is_watched(spacex, by_term, starred={"s"})


def test_unwatched_launches_get_no_alerts() -> None:
    cfg = AlertsConfig(watch_providers=("Rocket Lab",))
    net = NOW + 40 * M
    assert plan_reminders([launch(net=net + 5 * H)], {}, NOW, cfg) == []
    assert due_alerts([launch(net=net)], {}, NOW, cfg) == []
    assert change_alerts([change("status", "Go", "Hold")], {"a": launch(net=net)}, NOW, cfg) == []
    assert len(due_alerts([launch(net=net)], {}, NOW, cfg, starred={"a"})) == 1


# --- change alerts -------------------------------------------------------------------------------------
def test_a_slip_near_the_launch_says_by_how_much_and_the_new_time() -> None:
    old, new = NOW + 20 * H, NOW + 22 * H + 10 * M
    [alert] = change_alerts(
        [change("net", to_text(old), to_text(new))], {"a": launch(net=new)}, NOW, CFG, tz=UTC
    )
    assert (alert.kind, alert.key, alert.title) == ("slip", "slip:a:7", "Falcon 9 | Mission A")
    assert alert.body == "Slipped 2 h 10 min: now Sun 10:10 UTC"
    assert alert.fire_at == NOW and alert.lead_s is None
    [earlier] = change_alerts(
        [change("net", to_text(new), to_text(old))], {"a": launch(net=old)}, NOW, CFG, tz=UTC
    )
    assert earlier.body == "Moved earlier by 2 h 10 min: now Sun 08:00 UTC"


def test_small_or_distant_slips_are_not_alerts() -> None:
    def slip(old: datetime, new: datetime, cfg: AlertsConfig = CFG) -> list[Alert]:
        return change_alerts([change("net", to_text(old), to_text(new))], {"a": launch(net=new)}, NOW, cfg)

    assert slip(NOW + 5 * H, NOW + 5 * H + 59 * M) == []
    assert len(slip(NOW + 5 * H, NOW + 6 * H)) == 1
    assert slip(NOW + 5 * H, NOW + 5 * H + 30 * M, AlertsConfig(slip_threshold="20m")) != []
    assert slip(NOW + 8 * 24 * H, NOW + 9 * 24 * H) == []  # both more than 7 days away
    assert len(slip(NOW + 6 * 24 * H, NOW + 9 * 24 * H)) == 1  # it was due within the week
    assert len(slip(NOW - 2 * H, NOW + 12 * 24 * H)) == 1  # scrubbed at T-0, next try far away


@pytest.mark.parametrize(
    ("old", "new", "fields", "body"),
    [
        ("Go", "Hold", {"hold_reason": "Range conflict"}, "On hold: Range conflict (NET Sat 14:30 UTC)"),
        ("Go", "Hold", {}, "On hold (NET Sat 14:30 UTC)"),
        ("Hold", "Go", {}, "Back to Go: launches Sat 14:30 UTC"),
        ("TBD", "Go", {}, "Go for launch: Sat 14:30 UTC"),
        ("Go", "TBD", {}, "Unconfirmed: the launch time is to be determined (NET Sat 14:30 UTC)"),
        ("Go", "In Flight", {}, "Liftoff! Falcon 9 Block 5 lifted off from SLC-40, Cape Canaveral"),
        ("In Flight", "Success", {}, "Launch successful"),
        (
            "In Flight",
            "Failure",
            {"fail_reason": "Second stage anomaly"},
            "Launch failed: Second stage anomaly",
        ),
        ("In Flight", "Partial Failure", {}, "Partial failure"),
    ],
)
def test_status_changes_say_what_happened(old: str, new: str, fields: dict, body: str) -> None:
    now_launch = launch(status=new, **fields)
    [alert] = change_alerts([change("status", old, new)], {"a": now_launch}, NOW, CFG, tz=UTC)
    assert (alert.kind, alert.key, alert.body) == ("status", f"status:a:{new}:7", body)


def test_status_changes_can_be_turned_off_and_some_are_not_news() -> None:
    changes = [change("status", "Go", "Hold")]
    assert change_alerts(changes, {"a": launch()}, NOW, AlertsConfig(status_changes=False)) == []
    assert change_alerts([change("status", "TBD", "TBC")], {"a": launch()}, NOW, CFG) == []
    far = launch(net=NOW + 30 * 24 * H)
    assert change_alerts([change("status", "Go", "Hold")], {"a": far}, NOW, CFG) == []


def test_a_webcast_going_live_is_an_alert_only_when_asked_for() -> None:
    live = launch(webcast_live=True, webcast_url="https://example.org/watch")
    went_live = [change("webcast", "false", "true")]
    assert change_alerts(went_live, {"a": live}, NOW, CFG) == []
    opted_in = AlertsConfig(webcast=True)
    [alert] = change_alerts(went_live, {"a": live}, NOW, opted_in)
    assert (alert.kind, alert.key, alert.body) == (
        "webcast",
        "webcast:a:7",
        "Webcast is live: https://example.org/watch",
    )
    assert change_alerts([change("webcast", "true", "false")], {"a": live}, NOW, opted_in) == []


# --- quiet hours ---------------------------------------------------------------------------------------
def test_quiet_hours_are_read_and_may_cross_midnight() -> None:
    quiet = parse_quiet_hours("22:00-07:00")
    assert quiet == (time(22), time(7))
    assert parse_quiet_hours("") is None and parse_quiet_hours(" 9:30 - 11:00 ") == (time(9, 30), time(11))
    at = lambda hour, minute=0: datetime(2026, 3, 7, hour, minute, tzinfo=UTC)  # noqa: E731
    assert [in_quiet_hours(at(h), quiet, UTC) for h in (21, 22, 3, 6)] == [False, True, True, True]
    assert not in_quiet_hours(at(7), quiet, UTC)
    assert in_quiet_hours(at(13), quiet, ZoneInfo("Asia/Seoul"))  # 22:00 in Seoul
    assert not in_quiet_hours(at(23), None, UTC)
    for bad in ("22-07", "25:00-07:00", "22:00-22:00", "evenings"):
        with pytest.raises(ScheduleError, match="22:00-07:00"):
            parse_quiet_hours(bad)


def test_alerts_inside_quiet_hours_are_marked_quiet() -> None:
    cfg = AlertsConfig(quiet_hours="11:00-13:00")
    [reminder] = due_alerts([launch(net=NOW + 40 * M)], {}, NOW, cfg, tz=UTC)
    [status] = change_alerts([change("status", "Go", "Hold")], {"a": launch()}, NOW, cfg, tz=UTC)
    assert reminder.quiet and status.quiet
    assert not due_alerts([launch(net=NOW + 3 * H)], {}, NOW + 2 * H, cfg, tz=UTC)[0].quiet


# --- freshness and budget ------------------------------------------------------------------------------
def test_a_reminder_needs_data_at_most_half_its_lead_old() -> None:
    assert max_data_age(86_400) == 12 * H and max_data_age(3_600) == 30 * M
    assert max_data_age(600) == 15 * M and max_data_age(None) == 15 * M
    reminder = Alert("k", "reminder", "a", "t", "b", NOW, 3_600)
    assert not needs_refresh(reminder, 30 * M) and needs_refresh(reminder, 31 * M)
    assert not needs_refresh(replace(reminder, kind="status", lead_s=None), 5 * H)


def test_the_hourly_budget_and_the_last_checked_note() -> None:
    assert budget_left(3, 10) == 7 and budget_left(12, 10) == 0 and budget_left(0, 0) == 0
    reminder = Alert("k", "reminder", "a", "t", "Launches in 1 hour — 14:30", NOW, 3_600)
    checked = with_last_checked(reminder, 95 * M)
    assert checked.body == "Launches in 1 hour — 14:30\nLast checked 1 h 35 min ago"


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (H, "1 hour"),
        (24 * H, "24 hours"),
        (48 * H, "2 days"),
        (40 * M, "40 min"),
        (10 * M, "10 min"),
        (2 * H + 10 * M, "2 h 10 min"),
        (39 * M + timedelta(seconds=40), "40 min"),
    ],
)
def test_lead_words(delta: timedelta, words: str) -> None:
    assert lead_words(delta) == words


# --- the [alerts] settings -----------------------------------------------------------------------------
def test_alerts_settings_have_defaults_and_are_read(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.toml").alerts == AlertsConfig()
    assert AlertsConfig().reminders == ("24h", "1h", "10m") and AlertsConfig().api_budget == 10
    path = tmp_path / "config.toml"
    path.write_text(
        '[alerts]\nreminders = ["2h", "15m"]\nwebcast = true\nquiet_hours = "23:00-06:30"\n'
        'watch_providers = ["SpaceX", " "]\napi_budget = 4\n'
    )
    alerts = load_config(path).alerts
    assert alerts.reminders == ("2h", "15m") and alerts.webcast and alerts.quiet_hours == "23:00-06:30"
    assert alerts.watch_providers == ("SpaceX",) and alerts.api_budget == 4 and alerts.slip_threshold == "1h"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('reminders = ["soon"]', "alerts.reminders has 'soon': not a length of time"),
        ('reminders = "1h"', "alerts.reminders must be a list of texts"),
        ('reminders = ["40d"]', "at most 30 days"),
        ('slip_threshold = "10s"', "alerts.slip_threshold must be a length of time"),
        ('quiet_hours = "late"', "alerts.quiet_hours must be like 22:00-07:00"),
        ("watch_terms = [1, 2]", "alerts.watch_terms must be a list of texts"),
        ("api_budget = -1", "alerts.api_budget must be between 0 and 1000"),
    ],
)
def test_bad_alerts_settings_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[alerts]\n{text}\n")
    with pytest.raises(ConfigError, match="alerts") as error:
        load_config(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_alerts_settings_are_written_back(tmp_path: Path) -> None:
    from rocketwatch.config import Config, save_config

    path = tmp_path / "config.toml"
    save_config(path, Config(alerts=AlertsConfig(reminders=("3h",), watch_terms=("Artemis",))))
    assert 'reminders = ["3h"]' in path.read_text()
    assert load_config(path).alerts.watch_terms == ("Artemis",)
