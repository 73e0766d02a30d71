"""Every window under the pseudo-locale: text a person sees that is not wrapped in ⟦…⟧ was never marked
for translation (launch names and other data from LL2 excepted)."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from rocketwatch import i18n
from rocketwatch.pipeline import TASK_IDS

# Names that are never translated: the app, the data source, its makers; time zone abbreviations.
PROPER_NOUNS = ("RocketWatch", "Launch Library 2", "The Space Devs", "LL2")
# LL2's own names, as examples in a filter's placeholder ("Starship, Artemis, GTO"): data, not words.
EXAMPLES = ("Starship", "Artemis", "GTO")
ZONE = re.compile(r"\b(?:UTC|GMT|[A-Z]{1,4}[SD]?T)\b")
WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
URL = re.compile(r"\b(?:https?|file)://\S+|\bwww\.\S+")
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # task ids such as download_launches: names, not words
PRESET = re.compile(r"@[a-z]+\b")  # the schedule's presets (@hourly) as the config file spells them
PATH = re.compile(r"(?:[A-Za-z]:)?[/\\][\w./\\-]+")


def strip_translated(text: str) -> str:
    """What is left of `text` outside ⟦…⟧ (nested too)."""
    while True:
        stripped = WRAPPED.sub(" ", text)
        if stripped == text:
            return text
        text = stripped


def untranslated_words(text: str, data: list[str]) -> list[str]:
    """The English words of `text` that no ⟦…⟧ covers and that are not data, a name or an address."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))  # rich-text labels: their words only
    text = strip_translated(text)
    for value in data:  # longest first: a launch name before the rocket's name inside it
        if value in text:
            text = text.replace(value, " ")
    for noun in (*PROPER_NOUNS, *EXAMPLES, *TASK_IDS):
        text = re.sub(rf"\b{re.escape(noun)}\b", " ", text)
    text = PRESET.sub(" ", IDENTIFIER.sub(" ", PATH.sub(" ", URL.sub(" ", text))))
    return ENGLISH_WORD.findall(ZONE.sub(" ", text))


def data_strings(*sources: Any) -> list[str]:
    """Every text inside the data the windows show (launches, events, runs, settings, paths)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.update(part.strip() for part in (value, *value.splitlines()) if len(part.strip()) >= 2)
        elif isinstance(value, Path):
            found.add(str(value))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list | tuple | set | frozenset):
            for item in value:
                walk(item)

    for source in sources:
        walk(source)
    return sorted(found, key=len, reverse=True)


def model_texts(
    model: QAbstractItemModel, parent: QModelIndex | None = None, depth: int = 0
) -> Iterator[str]:
    parent = parent or QModelIndex()
    try:
        columns = model.columnCount(parent)
    except TypeError:  # a list model: Qt keeps its one column private
        columns = 1
    if depth == 0:
        for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
            count = columns if orientation == Qt.Orientation.Horizontal else 0
            for section in range(count):
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    yield str(model.headerData(section, orientation, role) or "")
    for row in range(min(model.rowCount(parent), 60)):
        for column in range(columns):
            index = model.index(row, column, parent)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(index, role)
                if isinstance(value, str):
                    yield value
            if depth < 2 and column == 0 and columns > 1 and _row_count(model, index) > 0:
                yield from model_texts(model, index, depth + 1)


def _row_count(model: QAbstractItemModel, index: QModelIndex) -> int:
    try:
        return model.rowCount(index)
    except TypeError:
        return 0


def action_texts(actions: Iterable[QAction]) -> Iterator[str]:
    for action in actions:
        if not action.isVisible():
            continue
        yield from (action.text(), action.toolTip(), action.statusTip())
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield menu.title()
            yield from action_texts(menu.actions())


def _standard_button(button: QAbstractButton) -> bool:
    """OK, Cancel, Apply, Close of a QDialogButtonBox: Qt's words, translated by Qt's own catalog (qtbase_ko),
    which the pseudo-locale does not have (test_language.py checks them in Korean)."""
    box = button.parent()
    return (
        isinstance(box, QDialogButtonBox)
        and box.standardButton(button) != QDialogButtonBox.StandardButton.NoButton
    )


def widget_texts(widget: QWidget) -> Iterator[str]:
    yield from (widget.toolTip(), widget.statusTip(), widget.accessibleName(), widget.accessibleDescription())
    if widget.isWindow():
        yield widget.windowTitle()
    if isinstance(widget, QLabel):
        yield widget.text()
    if isinstance(widget, QAbstractButton) and not _standard_button(widget):
        yield widget.text()
    if isinstance(widget, QGroupBox):
        yield widget.title()
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        yield widget.placeholderText()
    if isinstance(widget, QComboBox):
        yield from (widget.itemText(i) for i in range(widget.count()))
    if isinstance(widget, QTabWidget):
        for i in range(widget.count()):
            yield from (widget.tabText(i), widget.tabToolTip(i))
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        yield from model_texts(widget.model())
    yield from action_texts(widget.actions())


def window_texts(window: QWidget) -> dict[str, str]:
    """Every text shown in `window`, each tab of each tab widget in turn: text -> the widget showing it."""
    texts: dict[str, str] = {}

    def collect() -> None:
        QApplication.processEvents()
        for widget in [window, *window.findChildren(QWidget)]:
            if widget is not window and not widget.isVisibleTo(window):
                continue
            for text in widget_texts(widget):
                if text and text.strip():
                    texts.setdefault(text, f"{type(widget).__name__} {widget.objectName()!r}".strip())

    collect()
    for tabs in window.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            collect()
    return texts


def unmarked(texts: dict[str, str], data: list[str]) -> list[str]:
    return [
        f"{where}: {text!r} -> {words}"
        for text, where in texts.items()
        if (words := untranslated_words(text, data))
    ]


def test_the_check_sees_an_unmarked_label_and_lets_data_and_translated_text_pass(qtbot) -> None:
    i18n.setup(i18n.PSEUDO)
    window = QWidget()
    qtbot.addWidget(window)
    window.setWindowTitle(i18n._("Run history"))
    for text in (
        i18n._("Run {number} succeeded").format(number=3),  # translated, with a placeholder
        "Starlink Group 14-21",  # data from LL2
        i18n._("{name} on {rocket}").format(name="Starlink Group 14-21", rocket="Falcon 9"),
        "12:00 CET",
        "Next launches",  # never marked: must be caught
    ):
        QLabel(text, window)
    window.show()
    found = unmarked(window_texts(window), data_strings(["Starlink Group 14-21", "Falcon 9"]))
    assert found == ["QLabel '': 'Next launches' -> ['Next', 'launches']"]


def test_every_window_and_notification_shows_only_marked_words(
    qtbot, make_controller, recorder, tmp_path: Path
) -> None:
    from rocketwatch.ui.about import AboutDialog
    from rocketwatch.ui.gallery import GalleryWindow
    from rocketwatch.ui.history import HistoryWindow
    from rocketwatch.ui.settings import SettingsDialog
    from rocketwatch.ui.tray import TrayIcon

    i18n.setup(i18n.PSEUDO)  # before the run: the notifications and what the store keeps are made in it
    controller = make_controller()
    with qtbot.waitSignal(
        controller.active_changed, timeout=20_000, check_params_cb=lambda active: not active
    ):
        controller.run_now()
    store = controller.store
    launches = store.launches.upcoming()
    data = data_strings(
        launches,
        store.events.upcoming(),
        controller.saved_config,
        controller.paths,
        recorder.name,  # the test's notifier backend, named where the history says who showed a message
    )  # not the runs: their states and triggers are stored words, shown translated

    gallery = GalleryWindow(controller)
    history = HistoryWindow(controller)
    settings = SettingsDialog(controller, home=tmp_path)
    about = AboutDialog()
    for window in (gallery, history, settings, about):
        qtbot.addWidget(window)
        window.show()
    gallery.show_launch(launches[0].id)
    history.table.selectRow(0)
    tray = TrayIcon()
    tray.set_launches(launches)
    tray.set_next_run(datetime.now(UTC) + timedelta(hours=2), paused=False)
    tray.set_countdown(launches[0])

    problems: list[str] = []
    for name, window in (
        ("gallery", gallery),
        ("history", history),
        ("settings", settings),
        ("about", about),
    ):
        problems += [f"{name}: {problem}" for problem in unmarked(window_texts(window), data)]
    tray_texts = {text: "tray menu" for text in action_texts(tray.menu.actions()) if text}
    tray_texts[tray.tooltip()] = "tray tooltip"
    problems += unmarked(tray_texts, data)
    assert recorder.sent, "the run sent no notification to look at"
    notification_texts = {text: "notification" for sent in recorder.sent for text in (sent.title, sent.body)}
    notification_texts |= {
        action.label: "notification button" for sent in recorder.sent for action in sent.actions
    }
    problems += unmarked(notification_texts, data)
    assert not problems, f"{len(problems)} text(s) shown without translation:\n" + "\n".join(problems)
