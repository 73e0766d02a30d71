"""Settings and the run history in Korean: their words come from the catalog, the stored values stay English,
and the language chosen in Settings is saved as [general] language.

The Korean comes from the settings and run history's catalog fragment (korean.py compiles it); English
comes back after each test.
"""

from __future__ import annotations

import re
import tomllib

import pytest
from PySide6.QtCore import Qt
from test_history import failed_run
from test_settings import FakeAutostart

from rocketwatch.config import load_config
from rocketwatch.ui.history import HistoryWindow
from rocketwatch.ui.run_detail import TryColumn
from rocketwatch.ui.run_model import Column
from rocketwatch.ui.settings import SettingsDialog

HANGUL = re.compile("[\uac00-\ud7a3]")


def headers(model) -> list[str]:
    return [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]


def test_settings_tabs_title_and_labels_are_korean(qtbot, make_controller, korean) -> None:
    dialog = SettingsDialog(make_controller(), FakeAutostart())
    qtbot.addWidget(dialog)
    tabs = [dialog.tabs.tabText(index) for index in range(dialog.tabs.count())]
    assert tabs == ["일정(&H)", "데이터 소스(&O)", "파이프라인(&P)", "알림(&N)", "발사 알림(&T)", "일반(&G)"]
    assert dialog.windowTitle() == "설정"
    assert dialog.paused.text() == "일정 일시 중지(&U) (지금 실행은 계속 됩니다)"
    dialog.every.setEditText("0 6 * * 1-5")  # the next runs in Korean dates: "2026년 12월 7일 (월) 오전 6:00"
    runs = dialog.next_runs.text().splitlines()
    assert len(runs) == 3 and all(
        re.fullmatch(r"\d{4}년 \d{1,2}월 \d{1,2}일 \([월화수목금]\) 오전 6:00", run) for run in runs
    )


def test_the_language_choice_is_saved_and_asks_for_a_restart(qtbot, make_controller, korean) -> None:
    controller = make_controller()
    dialog = SettingsDialog(controller, FakeAutostart())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    choices = [dialog.language.itemText(index) for index in range(dialog.language.count())]
    assert choices == ["시스템 기본값", "English", "한국어"]  # language names in their own language
    assert dialog.language.currentData() == "system" and not dialog.language_note.isVisible()

    dialog.language.setCurrentIndex(dialog.language.findData("ko"))
    assert dialog.language_note.isVisible()
    assert dialog.language_note.text() == "새 언어를 사용하려면 RocketWatch를 다시 시작하세요."
    assert dialog.apply_button.isEnabled()
    assert dialog.apply()

    saved = tomllib.loads(controller.paths.config_file.read_text(encoding="utf-8"))
    assert saved["general"] == {"language": "ko"}  # the config key and value stay English
    assert load_config(controller.paths.config_file).general.language == "ko"
    assert dialog.language_note.isVisible()  # still in the old language until the restart

    dialog.language.setCurrentIndex(dialog.language.findData("system"))  # back to what this session uses
    assert not dialog.language_note.isVisible()


def test_an_unknown_language_in_the_file_is_refused_by_name(tmp_path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text('[general]\nlanguage = "fr"\n', encoding="utf-8")
    refused = r'general\.language must be "system" \(the desktop.s language\), "en" or "ko"'
    with pytest.raises(ValueError, match=refused):
        load_config(config_file)


def test_a_failed_run_reads_in_korean_while_its_stored_state_stays_english(
    qtbot, make_controller, standin, korean
) -> None:
    controller, run_id = failed_run(qtbot, make_controller, standin)
    window = HistoryWindow(controller)
    qtbot.addWidget(window)
    assert window.windowTitle() == "실행 기록"
    assert headers(window.model)[:7] == [
        "실행",
        "시작 방식",
        "시작 시각",
        "소요 시간",
        "상태",
        "다시 시도",
        "오류",
    ]
    assert "download_launches" in headers(window.model)  # task ids are names, as in the logs
    assert window.model.index(0, Column.STATE).data() == "✗ 실패"
    assert window.model.index(0, Column.TRIGGER).data() == "수동"
    assert (
        window.model.index(0, Column.RETRY).data(Qt.ItemDataRole.AccessibleTextRole)
        == f"{run_id}번 실행 다시 시도"
    )
    assert controller.store.runs.get(run_id).state == "failed"
    assert window.detail.title.text() == f"{run_id}번 실행  ·  ✗ 실패"
    assert headers(window.detail.tries) == ["작업", "시도", "상태", "시작 시각", "소요 시간", "오류"]
    assert window.detail.tries.index(0, TryColumn.STATE).data() == "✗ 실패"
    assert window.run_now_action.text() == "▶ 지금 실행(&R)"
    assert window.activity.text() == "실행 1개"


def test_korean_headers_are_not_cut_at_the_default_size(qtbot, make_controller, standin, korean) -> None:
    controller, _run_id = failed_run(qtbot, make_controller, standin)
    window = HistoryWindow(controller)
    qtbot.addWidget(window)
    metrics = window.table.horizontalHeader().fontMetrics()
    for column in Column:
        if window.table.isColumnHidden(column) or column == Column.PICTURES:  # the last one stretches
            continue
        text = window.model.headerData(column, Qt.Orientation.Horizontal)
        assert window.table.columnWidth(column) >= metrics.horizontalAdvance(text), text


def test_restart_now_saves_the_language_and_asks_the_app_to_start_again(qtbot, make_controller) -> None:
    controller = make_controller()
    dialog = SettingsDialog(controller, FakeAutostart())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    dialog.language.setCurrentIndex(dialog.language.findData("ko"))
    assert dialog.language_note.isVisible() and not dialog.restart_button.isVisible()  # no app to restart

    asked: list[bool] = []
    dialog.restart_requested.connect(lambda: asked.append(True))
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    assert dialog.restart_button.isVisible() and dialog.restart_button.text() == "&Restart now"
    with qtbot.waitSignal(dialog.restart_requested, timeout=2_000):
        qtbot.mouseClick(dialog.restart_button, Qt.MouseButton.LeftButton)
    assert asked == [True] and not dialog.isVisible()
    assert load_config(controller.paths.config_file).general.language == "en"


def test_the_app_starts_again_the_way_it_was_started(tmp_path) -> None:
    from rocketwatch.session import Session
    from rocketwatch.ui.restart import restart_command

    plain = Session.from_options(str(tmp_path), None, False)
    assert restart_command(plain)[-2:] == ["--home", str(tmp_path.absolute())]
    other = Session.from_options(str(tmp_path), "http://127.0.0.1:9/2.3.0", True)
    assert restart_command(other)[-5:] == [
        "--home",
        str(tmp_path.absolute()),
        "--demo",
        "--api-url",
        "http://127.0.0.1:9/2.3.0",
    ]
