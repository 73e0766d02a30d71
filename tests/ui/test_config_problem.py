"""A settings file that cannot be used stops the tray app with a dialog, never a silent exit: it names the
file, the line and the problem, and offers Open the file, Try again, Start with defaults and Quit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from rocketwatch.config import Config, ConfigError
from rocketwatch.session import Session
from rocketwatch.ui.config_problem import Choice, ConfigProblemDialog

BROKEN = b'# my settings\n[schedule]\nevery = "@hourly"\n\n[pipeline]\nretries = "three"\n'


def dialog_for(qtbot, home: Path, content: bytes) -> tuple[Session, ConfigProblemDialog]:
    (home / "config.toml").write_bytes(content)
    session = Session.from_options(str(home), None, False)
    with pytest.raises(ConfigError) as error:
        session.load()
    dialog = ConfigProblemDialog(session, error.value)
    qtbot.addWidget(dialog)
    dialog.show()
    return session, dialog


@pytest.mark.parametrize(
    ("content", "line", "problem"),
    [
        (BROKEN, 6, "pipeline.retries must be a whole number (found 'three')"),
        (b'[source]\ntoken = "\xff\xfe"\n', 2, "is not UTF-8 text"),
        (b'[schedule]\nevery = "@daily\n', 2, "is not valid TOML"),
    ],
)
def test_the_dialog_names_the_file_the_line_and_the_problem(
    qtbot, home: Path, content: bytes, line: int, problem: str
) -> None:
    _session, dialog = dialog_for(qtbot, home, content)
    assert dialog.file_label.text() == f"File: {home / 'config.toml'}, line {line}"
    assert problem in dialog.problem_label.text()
    for button in (dialog.open_button, dialog.retry_button, dialog.defaults_button, dialog.quit_button):
        assert button.isVisible()


def test_start_with_defaults_keeps_the_broken_file_aside(qtbot, home: Path) -> None:
    session, dialog = dialog_for(qtbot, home, BROKEN)
    dialog.defaults_button.click()
    assert dialog.choice is Choice.DEFAULTS and not dialog.isVisible()
    assert session.saved_config == Config()
    assert not (home / "config.toml").exists()
    [kept] = home.glob("config.toml.broken-*")
    assert kept.read_bytes() == BROKEN  # never deleted, never changed


def test_try_again_reads_the_fixed_file_and_tells_when_it_is_still_broken(qtbot, home: Path) -> None:
    session, dialog = dialog_for(qtbot, home, BROKEN)
    (home / "config.toml").write_bytes(BROKEN.replace(b'"three"', b'"four"'))
    dialog.retry_button.click()
    assert dialog.isVisible() and "still cannot be used" in dialog.heading.text()
    assert "found 'four'" in dialog.problem_label.text()
    (home / "config.toml").write_bytes(BROKEN.replace(b'"three"', b"4"))
    dialog.retry_button.click()
    assert dialog.choice is Choice.FIXED and not dialog.isVisible()
    assert session.saved_config.pipeline.retries == 4 and session.saved_config.schedule.every == "@hourly"


def test_open_the_file_opens_it_and_quit_leaves_it_alone(qtbot, home: Path, monkeypatch) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    _session, dialog = dialog_for(qtbot, home, BROKEN)
    dialog.open_button.click()
    assert [url.toLocalFile() for url in opened] == [str(home / "config.toml")]
    assert dialog.isVisible()  # still there, to Try again after editing
    dialog.quit_button.click()
    assert dialog.choice is Choice.QUIT
    assert (home / "config.toml").read_bytes() == BROKEN


def test_a_database_that_cannot_be_opened_is_one_window_not_a_crash(
    qtbot, home: Path, capsys, monkeypatch
) -> None:
    from rocketwatch.ui import app as app_module
    from rocketwatch.ui.single_instance import socket_name

    monkeypatch.setattr(app_module, "TRAY_WAIT_S", 0.2)
    monkeypatch.setattr(app_module, "desktop_backends", lambda: [])
    (home / "rocketwatch.sqlite3").mkdir()  # cannot be opened, whoever runs the test (root too)
    session = Session.from_options(str(home), None, False)
    assert app_module.load_settings(session)
    made = app_module.TrayApp(session, socket_name(home) + "-nodb")
    made.start()
    qtbot.waitUntil(lambda: bool(made._notice_boxes))
    [box] = made._notice_boxes
    assert box.text().startswith(f"Cannot use the database {home / 'rocketwatch.sqlite3'}")
    assert "RocketWatch cannot start" in box.text() and "--home DIR" in box.text()
    err = capsys.readouterr().err
    assert "rocketwatch: cannot use the database" in err and "Traceback" not in err
    assert not made._tray_timer.isActive()
    made._no_tray()  # had the tray wait run out, the fallback must not try to show a gallery
    assert "gallery" not in made.windows
    box.finished.disconnect()  # closing it quits the application (exit 2): not the test run's event loops
    box.close()
    made.close()
