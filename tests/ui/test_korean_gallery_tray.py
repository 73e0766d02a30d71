"""The gallery, the detail pane, the tray menu, the About box and the start-up dialogs in Korean.

Each test switches the language to the Korean catalogs of the source tree (compiled here with msgfmt,
as the build does) and looks at what a Korean reader sees; English comes back after each test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from rocketwatch.config import ConfigError
from rocketwatch.ll2.model import Launch
from rocketwatch.session import Session
from rocketwatch.ui.about import AboutDialog
from rocketwatch.ui.config_problem import ConfigProblemDialog
from rocketwatch.ui.gallery import GalleryWindow
from rocketwatch.ui.single_instance import instance_mismatch
from rocketwatch.ui.tray import TrayIcon


def launch(name: str, hours: float, launch_id: str, **fields) -> Launch:
    net = (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0)
    return Launch(id=launch_id, name=name, net=net, net_precision="MIN", **fields)


def menu_texts(tray: TrayIcon) -> list[str]:
    return [action.text() for action in tray.menu.actions() if action.isVisible() and action.text()]


def test_the_tray_menu_and_tooltip_are_korean(qtbot, korean) -> None:
    tray = TrayIcon()
    texts = menu_texts(tray)
    for words in ("지금 실행", "갤러리 열기", "실행 기록", "캘린더 내보내기…", "일정 일시 중지", "설정…"):
        assert words in texts
    assert texts[-1] == "RocketWatch 종료" and "RocketWatch 정보" in texts
    assert "아직 발사 정보가 없습니다 — 지금 실행을 누르세요" in texts
    tray.set_state("failed")
    tray.set_next_run(None, paused=True)
    tooltip = tray.tooltip()
    assert "마지막 실행이 실패했습니다" in tooltip and "일정 일시 중지됨" in tooltip
    assert tray.pause_action.text() == "일정 다시 시작"
    tray.set_state("running")
    assert tray.run_action.text() == "실행 중…" and "실행 취소" in menu_texts(tray)


def test_the_tray_counts_down_a_watched_launch_in_korean(qtbot, korean) -> None:
    tray = TrayIcon()
    now = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)
    tray.set_countdown(Launch(id="x", name="Electron", net=now + timedelta(minutes=12, seconds=5)), now)
    assert "Electron 발사까지 12분 05초" in tray.tray.toolTip()


def test_the_empty_gallery_speaks_korean(qtbot, make_controller, korean) -> None:
    window = GalleryWindow(make_controller())
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "발사 목록"
    assert window.empty_state.heading.text() == "아직 발사 정보가 없습니다"
    assert window.empty_state.run_button.text() == "지금 실행"
    assert window.run_action.text() == "지금 실행"
    assert window.search.placeholderText().startswith("이름, 발사 업체")


def test_the_gallery_filter_count_and_detail_pane_speak_korean(qtbot, make_controller, korean) -> None:
    controller = make_controller()
    controller.store.launches.upsert(
        [
            launch("Falcon 9 | Starlink", 5, "a", provider="SpaceX", rocket="Falcon 9"),
            launch("Electron | Kiwi", 30, "b", provider="Rocket Lab"),
        ],
        None,
    )
    window = GalleryWindow(controller)
    qtbot.addWidget(window)
    window.show()
    items = [window.status_filter.itemText(row) for row in range(window.status_filter.count())]
    assert items[0] == "모든 상태 (2)" and items[1].startswith("관심 발사 (") and items[2] == "예정 (2)"
    assert window.count_label.text() == "발사 2건"
    window.show_launch("a")
    detail = window.detail
    captions = [label.text() for label in detail.findChildren(QLabel) if label.isVisibleTo(detail)]
    assert "발사 업체" in captions and "로켓" in captions and "발사 시각" in captions
    assert detail.watch_button.text() == "관심 표시"
    assert detail.countdown.text()  # the countdown itself is timefmt's
    window.set_watching("a", True)
    assert detail.watch_button.text() == "관심 표시됨"
    assert (
        window.statusBar().currentMessage().startswith("Falcon 9 | Starlink을(를) 관심 발사로 표시했습니다")
    )
    window.search.setText("zzz")
    assert window.view.empty_text.startswith("“zzz”에 맞는 발사가 없습니다.")


def test_the_about_box_is_korean(qtbot, korean) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "RocketWatch 정보"
    assert dialog.copy_button.text() == "버전 복사"
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any(text.startswith("트레이에서 만나는 예정된 로켓 발사") for text in texts)
    assert any(text.startswith("MIT 라이선스 · ") for text in texts)


def test_the_config_problem_dialog_is_korean_with_its_mnemonics(qtbot, home: Path, korean) -> None:
    (home / "config.toml").write_bytes(b'[pipeline]\nretries = "three"\n')
    session = Session.from_options(str(home), None, False)
    with pytest.raises(ConfigError) as error:
        session.load()
    korean()  # the settings were read: the language they choose does not count for this test
    dialog = ConfigProblemDialog(session, error.value)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "RocketWatch가 설정을 사용할 수 없습니다"
    assert dialog.retry_button.text() == "다시 시도(&T)"
    assert dialog.defaults_button.text() == "기본 설정으로 시작(&D)"
    assert dialog.quit_button.text() == "종료(&Q)"
    assert dialog.file_label.text() == f"파일: {home / 'config.toml'}, 2번째 줄"


def test_a_second_start_with_other_options_is_told_in_korean(korean) -> None:
    words = instance_mismatch({"demo": True}, {"pid": 42, "demo": False})
    assert words.startswith("이 홈에서 RocketWatch가 이미 실행 중이므로(pid 42, 저장된 설정으로)")
    assert "(--demo 사용)" in words


def test_the_app_tells_of_a_missing_tray_and_an_export_in_korean(
    qtbot, home: Path, standin, monkeypatch, korean, start_tray_app
) -> None:
    from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

    # The settings are read first: the language they choose does not count for this test.
    tray_app = start_tray_app(standin.api_url, "korean", after_load=korean)
    # offscreen: no tray, so the gallery opens with a word about it
    qtbot.waitUntil(
        lambda: any(
            isinstance(widget, QMessageBox) and widget.isVisible()
            for widget in QApplication.topLevelWidgets()
        ),
        timeout=5000,
    )
    [box] = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert box.windowTitle() == "시스템 트레이 없음"
    assert box.text().startswith("이 데스크톱에는 시스템 트레이가 없어 RocketWatch가 대신 창을 엽니다.")
    assert tray_app.windows["gallery"].windowTitle() == "발사 목록"

    target = home / "launches.ics"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(target), ""))
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(tray_app.tray, "show_message", lambda title, body, **_kw: shown.append((title, body)))
    tray_app.export_calendar()
    assert target.exists()
    assert (
        shown
        and shown[-1][1].startswith("발사 ")
        and shown[-1][1].endswith(f"건을 {target}(으)로 내보냈습니다")
    )
