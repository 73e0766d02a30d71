"""The dialog shown at start when config.toml cannot be used: it names the file, the line and the problem,
and offers to open the file, to start with defaults (the file kept aside, never deleted), or to quit.
"""

from __future__ import annotations

import logging
from enum import Enum

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from rocketwatch import APP_NAME
from rocketwatch.config import ConfigError, set_aside
from rocketwatch.i18n import _
from rocketwatch.session import Session
from rocketwatch.ui.settings_widgets import form_label, named

log = logging.getLogger(__name__)


class Choice(Enum):
    FIXED = "fixed"  # the file reads well now (the user fixed it and chose Try again)
    DEFAULTS = "defaults"  # the file was moved aside; start with the defaults
    QUIT = "quit"


class ConfigProblemDialog(QDialog):
    """RocketWatch cannot use its settings file: what is wrong, where, and what the user can do."""

    def __init__(self, session: Session, error: ConfigError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.error = error
        self.choice = Choice.QUIT
        self.setWindowTitle(_("{app} cannot use its settings").format(app=APP_NAME))
        self.setMinimumWidth(600)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        self.heading = named(
            form_label(_("The settings file cannot be used, so RocketWatch has not started."), strong=True),
            _("Heading"),
        )
        self.file_label = named(form_label(""), _("Settings file"))
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label = named(form_label(""), _("Problem"))
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = named(
            form_label(
                _(
                    "Fix the file and choose Try again, or start with the default settings: "
                    "the file is then renamed and kept beside, never deleted."
                ),
                hint=True,
            ),
            _("What you can do"),
        )
        buttons = QDialogButtonBox()
        role = QDialogButtonBox.ButtonRole
        self.open_button = named(
            QPushButton(_("&Open the file")),
            _("Open the file"),
            _("Open the settings file in your text editor"),
        )
        self.retry_button = named(QPushButton(_("&Try again")), _("Try again"), _("Read the file again"))
        self.defaults_button = named(
            QPushButton(_("Start with &defaults")),
            _("Start with defaults"),
            _("Rename the file aside and start with the default settings"),
        )
        self.quit_button = named(QPushButton(_("&Quit")), _("Quit"))
        buttons.addButton(self.open_button, role.ActionRole)
        buttons.addButton(self.retry_button, role.ActionRole)
        buttons.addButton(self.defaults_button, role.AcceptRole)
        buttons.addButton(self.quit_button, role.RejectRole)
        self.open_button.clicked.connect(self.open_file)
        self.retry_button.clicked.connect(self.try_again)
        self.defaults_button.clicked.connect(self.start_with_defaults)
        self.quit_button.clicked.connect(self.reject)
        words = QVBoxLayout()
        for label in (self.heading, self.file_label, self.problem_label, self.hint):
            words.addWidget(label)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(8)
        top.addLayout(words, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(8)
        layout.addWidget(buttons)
        self.retry_button.setDefault(True)
        self._show_error(error)

    @property
    def path(self) -> str:
        return str(self.error.path or self.session.paths.config_file)

    def _show_error(self, error: ConfigError) -> None:
        self.error = error
        where = _("{path}, line {line}").format(path=self.path, line=error.line) if error.line else self.path
        self.file_label.setText(_("File: {where}").format(where=where))
        self.problem_label.setText(_("Problem: {problem}").format(problem=error.problem))

    def open_file(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.path))

    def try_again(self) -> None:
        try:
            self.session.load()
        except ConfigError as error:
            self._show_error(error)
            self.heading.setText(_("The settings file still cannot be used."))
            return
        self.choice = Choice.FIXED
        self.accept()

    def start_with_defaults(self) -> None:
        try:
            kept = set_aside(self.session.paths.config_file)
        except FileNotFoundError:
            kept = None  # gone meanwhile: the defaults are what a missing file means anyway
        except OSError as error:
            self.heading.setText(_("The file could not be moved aside; RocketWatch left it as it is."))
            self.problem_label.setText(_("Problem: {problem}").format(problem=error.strerror or error))
            return
        if kept is not None:
            log.warning(
                "Settings file %s could not be used (%s); kept as %s, starting with defaults",
                self.path,
                self.error.problem,
                kept,
            )
        self.session.load()  # no file now: the defaults
        self.choice = Choice.DEFAULTS
        self.accept()


def resolve_config_problem(session: Session, error: ConfigError) -> Choice:
    """Show the dialog (modal) until the user chooses; the session holds usable settings unless QUIT."""
    log.warning("The settings file cannot be used: %s", error)
    dialog = ConfigProblemDialog(session, error)
    dialog.exec()
    return dialog.choice
