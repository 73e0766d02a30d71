"""The About box: opened from the tray menu, it says the version and where this copy came from."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from rocketwatch import __version__
from rocketwatch.ui.about import AboutDialog
from rocketwatch.ui.tray import TrayIcon
from rocketwatch.version import origin


def test_tray_menu_opens_the_about_box(qtbot) -> None:
    tray = TrayIcon()
    [about] = [action for action in tray.menu.actions() if action.text() == "About RocketWatch"]
    with qtbot.waitSignal(tray.open_about, timeout=1000):
        about.trigger()


def test_about_box_says_the_version_and_where_it_came_from_as_plain_text(qtbot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    labels = dialog.findChildren(QLabel)
    texts = [label.text() for label in labels if label.text()]
    assert dialog.windowTitle() == "About RocketWatch"
    assert f"RocketWatch {__version__}" in texts
    where = origin(changes=True).describe()
    assert where[:1].upper() + where[1:] in texts  # "Source checkout at commit …" here
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels if label.text())

    dialog.copy_button.click()
    assert QApplication.clipboard().text() == f"RocketWatch {__version__} ({where})"
