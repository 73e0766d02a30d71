"""The core and the command line in Korean: notifications, run output, help and errors in the reader's
language, while --json (what scripts read) stays byte for byte the same."""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import RecordingNotifier, write_config

from rocketwatch import i18n
from rocketwatch.alerts import change_alerts, due_alerts
from rocketwatch.cli import main
from rocketwatch.cli.common import print_table, width
from rocketwatch.config import AlertsConfig, load_config
from rocketwatch.ll2.model import Launch
from rocketwatch.notify import ChainNotifier
from rocketwatch.paths import paths_for
from rocketwatch.pipeline import RunActivity, Runner
from rocketwatch.standin import StandIn
from rocketwatch.store import LaunchChange, Store


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def runner_for(home: Path, api_url: str, **config: dict) -> tuple[Runner, Store, RecordingNotifier]:
    write_config(home, source={"api_url": api_url}, **config)
    paths = paths_for(home)
    store = Store.open(paths)
    recorder = RecordingNotifier()
    return Runner(paths, load_config(paths.config_file), store, ChainNotifier([recorder])), store, recorder


def test_the_run_summary_and_the_failure_notice_are_korean(korean, home: Path, standin: StandIn) -> None:
    runner, store, recorder = runner_for(home, standin.api_url)
    with store:
        assert runner.run().state == "success"
        summary = recorder.sent[-1]
        assert re.fullmatch(r"예정된 발사 \d+건, 새 발사 \d+건", summary.title), summary.title
        assert summary.body.startswith("다음 발사: ")

    runner, store, recorder = runner_for(
        home, f"http://127.0.0.1:{closed_port()}/2.3.0", pipeline={"retries": 0, "retry_delay": 0}
    )
    with store:
        record = runner.run()
        assert record.state == "failed"
        notice = recorder.sent[-1]
        assert notice.title == f"RocketWatch 실행 {record.id} 실패"
        assert notice.body.startswith(
            "Launch Library 2에서 발사 목록 가져오기: 1번 시도했지만 실패했습니다: "
        )
        assert "연결할 수 없습니다" in notice.body  # why, in words the reader knows
        assert notice.body.endswith("실행 기록을 열어 로그를 보고 다시 시도하세요.")
        # The reason kept with the run is in the language it was made in, for the history to show.
        assert "연결할 수 없습니다" in (record.failed_task.error if record.failed_task else "")


def test_rocketwatch_run_speaks_korean(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command reads the settings ("system" language) and so the locale, as on a Korean desktop.
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    monkeypatch.setenv("LANGUAGE", "ko")
    assert main(["--home", str(home), "--demo", "run"]) == 0
    out, err = capsys.readouterr()
    assert re.search(r"^실행 1 성공, 소요 .+ \(수동\)$", out, re.M), out
    assert re.search(r"^발사: \d+건\(새 발사 \d+건, 변경 0건\) · LL2 요청: 1회$", out, re.M), out
    assert "✓ download_launches: 시도 1/4 성공" in err

    assert main(["--home", str(home), "history"]) == 0
    out, _err = capsys.readouterr()
    header, row = out.splitlines()[:2]
    assert header.split() == ["실행", "상태", "계기", "시작", "소요", "작업", "발사", "오류"]
    assert row.split()[:3] == ["1", "성공", "수동"]
    # Hangul takes two columns in a terminal: the state column starts where its heading does.
    assert width(header[: header.index("상태")]) == width(row[: row.index("성공")])


def test_help_and_argparse_own_words_are_korean(korean, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("사용법: rocketwatch ")
    assert "옵션:" in out
    assert "지금 전체 실행을 한 번 합니다" in out  # the help of `run`
    assert "show this help message" not in out

    with pytest.raises(SystemExit) as done:
        main(["history", "--limit", "0"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "rocketwatch history: 오류: 인수 --limit: 1 이상이어야 합니다. 입력값: 0" in err


def test_json_output_is_the_same_in_english_and_korean(home: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--home", str(home), "--demo", "run"]) == 0
    capsys.readouterr()
    launch_id = None
    commands = [
        ["history", "--json"],
        ["launches", "--json"],
        ["schedule", "--every", "*/2 * * * *", "--json"],
    ]
    outputs: dict[str, list[str]] = {}
    for language in ("en", "ko"):
        assert i18n.setup(language) == language
        try:
            outputs[language] = []
            for args in commands:
                assert main(["--home", str(home), *args]) == 0
                outputs[language].append(capsys.readouterr().out)
            launch_id = launch_id or re.search(r'"id": "([^"]+)"', outputs["en"][1]).group(1)  # type: ignore[union-attr]
            assert main(["--home", str(home), "launch", launch_id, "--json"]) == 0
            outputs[language].append(capsys.readouterr().out)
        finally:
            i18n.setup("en")
    assert outputs["en"] == outputs["ko"]
    assert all(output.strip() for output in outputs["en"])
    assert "This schedule can run up to 30 times in an hour" in outputs["en"][2]  # a warning, in English


def test_tables_line_up_hangul_by_terminal_columns(capsys: pytest.CaptureFixture[str]) -> None:
    print_table([("발사", "상태"), ("Falcon 9", "Go")])
    first, second = capsys.readouterr().out.splitlines()
    assert first == "발사      상태"  # "발사" is four columns wide, padded to eight, then the gap
    assert second == "Falcon 9  Go"


def test_launch_alerts_are_whole_korean_sentences(korean) -> None:
    now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    net = now + timedelta(hours=2, minutes=30)
    launch = Launch(
        id="a", name="Falcon 9 | Mission A", net=net, net_precision="MIN", status_abbrev="Go",
        pad="SLC-40", location="Cape Canaveral", provider="SpaceX", rocket="Falcon 9 Block 5",
    )  # fmt: skip
    [reminder] = due_alerts([launch], {}, net - timedelta(hours=1), AlertsConfig(), tz=ZoneInfo("Asia/Seoul"))
    # Korean puts the countdown first and the place after the time: one sentence, not English pieces.
    assert reminder.body == "1시간 후 발사 — 오후 11:30 KST, SLC-40, Cape Canaveral"
    liftoff = LaunchChange("a", 3, now, "status", "Go", "In Flight", 7)
    [alert] = change_alerts([liftoff], {"a": launch}, now, AlertsConfig(), tz=UTC)
    assert alert.body == "이륙! Falcon 9 Block 5, SLC-40, Cape Canaveral에서 이륙"


def test_what_a_waiting_run_is_doing_is_korean(korean) -> None:
    now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    waiting = RunActivity(
        7, "download_launches", "up_for_retry", 1, 4, "연결이 거부되었습니다", now + timedelta(seconds=30)
    )
    lines = waiting.lines(now)
    assert lines[:2] == ["Launch Library 2에서 발사 목록 가져오기 실패(시도 1/4):", "연결이 거부되었습니다."]
    assert re.fullmatch(r"(오전|오후) \d{1,2}:\d\d:\d\d \(30초 후\)에 다시 시도합니다\.", lines[2]), lines[2]
