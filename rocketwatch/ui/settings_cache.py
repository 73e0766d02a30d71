"""The picture cache's row in Settings: its size, measured in a worker thread, and Clear cache… (asked
first, refused while a run is in progress)."""

from __future__ import annotations

import sqlite3
import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractButton, QHBoxLayout, QMessageBox, QPushButton, QWidget

from rocketwatch.i18n import _, ngettext
from rocketwatch.pipeline.maintenance import clear_picture_cache, picture_cache_size
from rocketwatch.pipeline.runner import RunRefused
from rocketwatch.ui.controller import RunController
from rocketwatch.ui.settings_widgets import form_label, named, open_message


def size_words(size: float) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return _("{size} bytes").format(size=f"{size:.0f}") if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


class _Relay(QObject):
    """Carries the worker's answer to the GUI thread (a queued signal)."""

    done = Signal(bool, int, int, str)  # cleared, bytes, files, problem


class PictureCacheRow(QWidget):
    """The size of the kept pictures and Clear cache…; measured again after each run of this app."""

    def __init__(self, controller: RunController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._relay = _Relay()
        self._relay.done.connect(self._measured)
        self.size_label = named(form_label(_("Measuring…")), _("Picture cache size"))
        self.clear_button = named(
            QPushButton(_("C&lear cache…")),
            _("Clear picture cache"),
            _("Delete the kept pictures; the next run downloads them again"),
        )
        self.clear_button.clicked.connect(self.ask_clear)
        self.confirm_clear: QMessageBox | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.size_label, 1)
        layout.addWidget(self.clear_button)
        controller.active_changed.connect(self._active_changed)

    def measure(self, *, clear: bool = False) -> None:
        """Measure the picture folders (after clearing them, if asked) in a worker thread."""
        if clear:
            self.clear_button.setEnabled(False)
        self.size_label.setText(_("Clearing…") if clear else _("Measuring…"))
        relay, store, paths = self._relay, self.controller.store, self.controller.paths

        def work() -> None:
            try:
                if clear:
                    clear_picture_cache(store, paths)
                relay.done.emit(clear, *picture_cache_size(paths), "")
            except (OSError, sqlite3.Error, RunRefused) as error:
                relay.done.emit(clear, 0, 0, str(error))
            finally:
                store.db.close_thread_connection()

        threading.Thread(target=work, name="rocketwatch-picture-cache", daemon=True).start()

    def ask_clear(self) -> None:
        box = open_message(
            self,
            _("Clear the picture cache?"),
            _("Delete every kept launch picture and thumbnail? The next run downloads them again."),
            QMessageBox.Icon.Question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(self._clear_confirmed)
        self.confirm_clear = box

    def _clear_confirmed(self, button: QAbstractButton) -> None:
        box, self.confirm_clear = self.confirm_clear, None
        if box is None or box.standardButton(button) != QMessageBox.StandardButton.Yes:
            return
        if self.controller.is_active():
            open_message(
                self, _("Picture cache not cleared"), _("A run is in progress; clear the cache after it.")
            )
            return
        self.measure(clear=True)

    def _measured(self, cleared: bool, size: int, files: int, problem: str) -> None:
        self.clear_button.setEnabled(not self.controller.is_active())
        if problem:
            self.size_label.setText(
                _("Could not read the picture folders: {problem}").format(problem=problem)
            )
        else:
            words = ngettext("{size} in {count} file", "{size} in {count} files", files)
            self.size_label.setText(words.format(size=size_words(size), count=files))
        if cleared:
            self.controller.data_changed.emit()  # views drop the pictures they show

    def _active_changed(self, active: bool) -> None:
        self.clear_button.setEnabled(not active)
        if not active and self.isVisible():
            self.measure()
