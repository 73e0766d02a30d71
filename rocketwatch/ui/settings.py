"""The settings dialog: schedule, LL2 source, pipeline, picture cache (settings_cache.py), notifications,
launch alerts (settings_alerts.py), language and start at login.

It makes config.toml optional: Apply/OK write it through RunController.apply_config (comments kept).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QMetaMethod, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rocketwatch.autostart import Autostart, autostart_for_platform, launch_command
from rocketwatch.config import (
    DEFAULT_API_URL,
    DEV_API_URL,
    LANGUAGES,
    Config,
    ConfigError,
    config_from_mapping,
)
from rocketwatch.i18n import N_, _
from rocketwatch.rate_limit import ANONYMOUS_REQUESTS_PER_HOUR, DEV_SERVER_WORDS, rate_limit_warning
from rocketwatch.schedule import ScheduleError, local_tz, parse_every
from rocketwatch.ui.controller import RunController
from rocketwatch.ui.run_model import date_words
from rocketwatch.ui.settings_alerts import AlertsTab
from rocketwatch.ui.settings_cache import PictureCacheRow
from rocketwatch.ui.settings_widgets import form_label as _label
from rocketwatch.ui.settings_widgets import named as _named
from rocketwatch.ui.settings_widgets import open_message
from rocketwatch.ui.window_state import restore_geometry, save_geometry

GEOMETRY_KEY = "settings"
PRESETS = ("@hourly", "@daily", "@weekly", "@monthly")
SOURCES = (  # (title, URL, hint): marked here, translated when shown; {count} is LL2's anonymous limit
    (
        N_("Production (ll.thespacedevs.com)"),
        DEFAULT_API_URL,
        N_("The real Launch Library 2: current data, {count} requests an hour without a token."),
    ),
    (N_("Development (lldev.thespacedevs.com)"), DEV_API_URL, DEV_SERVER_WORDS),
    (N_("Custom URL…"), "", N_("Any server that speaks the LL2 API.")),
)
MODES = (  # (title, [source] mode)
    (N_("Detailed: webcasts, landings, patches and updates"), "detailed"),
    (N_("Normal: smaller pages, for slow links"), "normal"),
)
# [general] language: the stored value and its name, written in its own language (never translated);
# "system" is the one choice whose words are translated.
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}
Values = dict[str, dict[str, Any]]


def source_hint(index: int) -> str:
    """What the Source tab says about the server at `index` of SOURCES, in the user's language."""
    return _(SOURCES[index][2]).format(count=ANONYMOUS_REQUESTS_PER_HOUR)


# --- the dialog ------------------------------------------------------------------------------------


class SettingsDialog(QDialog):
    """RocketWatch — Settings. Shown again, it starts over from the settings in force."""

    applied = Signal(object)  # the Config written
    restart_requested = Signal()  # "Restart now" after a language change: the app quits and starts again

    def __init__(
        self,
        controller: RunController,
        autostart: Autostart | None = None,
        parent: QWidget | None = None,
        *,
        home: Path | None = None,
        config_warnings: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.autostart = autostart if autostart is not None else autostart_for_platform()
        self.home = home
        self._baseline: Values = {}
        self._baseline_autostart = False
        # The language this session's words are in: chosen at start, so a change shows from the next one.
        self._language_in_use = controller.saved_config.general.language
        self.setWindowTitle(_("Settings"))  # the platform adds " — RocketWatch" (the application's name)
        self.setMinimumSize(520, 400)

        self.tabs = _named(QTabWidget(), _("Settings sections"))
        self.tabs.addTab(self._schedule_tab(), _("Sc&hedule"))
        self.tabs.addTab(self._source_tab(), _("S&ource"))
        self.tabs.addTab(self._pipeline_tab(), _("&Pipeline"))
        self.tabs.addTab(self._notifications_tab(), _("&Notifications"))
        self.alerts = _named(AlertsTab(), _("Alerts settings"))
        self.tabs.addTab(self.alerts, _("Aler&ts"))
        self.tabs.addTab(self._general_tab(), _("&General"))
        button = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(button.Ok | button.Apply | button.Cancel)
        self.ok_button = _named(self.buttons.button(button.Ok), _("OK"))
        self.apply_button = _named(self.buttons.button(button.Apply), _("Apply"))
        _named(self.buttons.button(button.Cancel), _("Cancel"))
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.apply_button.clicked.connect(self.apply)
        # Unknown keys in config.toml (typos): said here too, since they are silently without effect.
        self.config_warnings = _named(
            _label("\n".join(f"⚠ {warning}" for warning in config_warnings), strong=True),
            _("Problems in the settings file"),
        )
        self.config_warnings.setVisible(bool(config_warnings))
        layout = QVBoxLayout(self)
        layout.addWidget(self.config_warnings)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        self._bindings: dict[tuple[str, str], tuple[Callable[[], Any], Callable[[Any], None]]] = {
            ("schedule", "every"): (lambda: self.every.currentText().strip(), self.every.setEditText),
            ("schedule", "catch_up"): (self.catch_up.isChecked, self.catch_up.setChecked),
            ("schedule", "paused"): (self.paused.isChecked, self.paused.setChecked),
            ("source", "api_url"): (self._api_url, self._set_api_url),
            ("source", "limit"): (self.limit.value, self.limit.setValue),
            ("source", "mode"): (self.mode.currentData, self._set_mode),
            ("source", "pages"): (self.pages.value, self.pages.setValue),
            ("source", "events"): (self.events.isChecked, self.events.setChecked),
            ("source", "token"): (lambda: self.token.text().strip(), self.token.setText),
            ("pipeline", "retries"): (self.retries.value, self.retries.setValue),
            ("pipeline", "retry_delay"): (self.retry_delay.value, self.retry_delay.setValue),
            ("pipeline", "image_concurrency"): (self.concurrency.value, self.concurrency.setValue),
            ("notifications", "run_summary"): (self.run_summary.isChecked, self.run_summary.setChecked),
            ("notifications", "failure_alerts"): (self.failures.isChecked, self.failures.setChecked),
            ("general", "language"): (self.language.currentData, self._set_language),
            **self.alerts.bindings(),
        }
        for widget in (
            self.catch_up,
            self.paused,
            self.run_summary,
            self.failures,
            self.start_at_login,
            self.events,
        ):
            widget.toggled.connect(self._validate)
        self.every.editTextChanged.connect(self._validate)
        self.token.textChanged.connect(self._validate)
        self.source.currentIndexChanged.connect(self._validate)
        self.custom_url.textChanged.connect(self._validate)
        for spin in (self.limit, self.pages, self.retries, self.retry_delay, self.concurrency):
            spin.valueChanged.connect(self._validate)
        self.mode.currentIndexChanged.connect(self._validate)
        self.language.currentIndexChanged.connect(self._validate)
        self.alerts.changed.connect(self._validate)
        controller.config_changed.connect(self._config_changed)
        self._load(controller.saved_config)
        if not restore_geometry(self, GEOMETRY_KEY, controller.paths):
            self.resize(700, 560)

    # --- tabs ------------------------------------------------------------------------------------
    def _schedule_tab(self) -> QWidget:
        self.every = _named(QComboBox(), _("Run every"), _("A preset, a cron line or an interval"))
        self.every.setEditable(True)
        self.every.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.every.addItems(PRESETS)
        self.every.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line_edit = self.every.lineEdit()
        if line_edit is not None:  # an editable combo box always has one
            line_edit.setPlaceholderText(_("@daily, 0 6 * * *, 30m or 1h30m"))
        self.schedule_problem = _named(_label("", strong=True), _("Schedule problem"))
        self.schedule_words = _named(_label(""), _("Schedule in words"))
        self.next_runs = _named(_label(""), _("Next runs"))
        self.rate_warning = _named(_label("", strong=True), _("Rate limit warning"))
        self.catch_up = _named(
            QCheckBox(_("&Catch up once after missed runs (computer asleep or off)")),
            _("Catch up on missed runs"),
        )
        self.paused = _named(
            QCheckBox(_("Pa&use the schedule (Run now still works)")), _("Pause the schedule")
        )
        form = self._schedule_form = QFormLayout()
        form.addRow(_label(_("Run &every:"), self.every), self.every)
        form.addRow(
            "",
            _label(
                _(
                    "A preset, a cron line (minute hour day month weekday) such as 0 6 * * 1-5, "
                    "or an interval such as 30m, 2h or 1d."
                ),
                hint=True,
            ),
        )
        form.addRow("", self.schedule_problem)
        form.addRow(_label(_("Means:")), self.schedule_words)
        form.addRow(_label(_("Next runs:")), self.next_runs)
        form.addRow("", self.rate_warning)
        form.addRow("", self.catch_up)
        form.addRow("", self.paused)
        return self._page(form)

    def _source_tab(self) -> QWidget:
        self.source = _named(QComboBox(), _("LL2 server"))
        self.source.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for title, url, _hint in SOURCES:
            self.source.addItem(_(title), url)
        self.source_hint = _named(_label("", hint=True), _("About this server"))
        # This session's one-time server (--api-url, --demo): the widgets show and save the saved setting.
        self.override_note = _named(_label("", strong=True), _("Server of this session"))
        self.custom_url = _named(QLineEdit(), _("Custom LL2 URL"))
        self.custom_url.setPlaceholderText("https://example.org/2.3.0")
        self.url_problem = _named(_label("", strong=True), _("URL problem"))
        self.limit = _named(
            QSpinBox(), _("Launches per page"), _("How many upcoming launches each request asks for")
        )
        self.limit.setRange(1, 100)
        self.mode = _named(
            QComboBox(),
            _("Detail of each launch"),
            _("Detailed pages are larger; normal mode has no webcast links, landings or updates"),
        )
        for title, mode in MODES:
            self.mode.addItem(_(title), mode)
        self.pages = _named(
            QSpinBox(),
            _("Pages per run"),
            _("More than one page follows LL2's next page, beyond 100 launches"),
        )
        self.pages.setRange(1, 20)
        self.pages.setSuffix(_(" per run"))
        self.events = _named(
            QCheckBox(
                _("Also get LL2's e&vents: dockings, spacewalks, static fires (one more request a run)")
            ),
            _("LL2 events"),
            _("The gallery's Events section and event reminders (Alerts tab) need them"),
        )
        self.token = _named(
            QLineEdit(), _("API token"), _("Your Launch Library 2 API token, if you have one")
        )
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(
            _("none: anonymous, {count} requests an hour").format(count=ANONYMOUS_REQUESTS_PER_HOUR)
        )
        self.show_token = _named(QCheckBox(_("Sho&w")), _("Show the API token"))
        self.show_token.toggled.connect(
            lambda shown: self.token.setEchoMode(
                QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
            )
        )
        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.show_token)
        form = self._source_form = QFormLayout()
        form.addRow("", self.override_note)
        form.addRow(_label(_("&Server:"), self.source), self.source)
        form.addRow("", self.source_hint)
        form.addRow(_label(_("Custom &URL:"), self.custom_url), self.custom_url)
        form.addRow("", self.url_problem)
        form.addRow(_label(_("&Launches per page:"), self.limit), self.limit)
        form.addRow(_label(_("&Detail:"), self.mode), self.mode)
        form.addRow(_label(_("P&ages:"), self.pages), self.pages)
        form.addRow(
            "",
            _label(
                _(
                    "Each page is one LL2 request, counted in the hourly budget ({count} requests "
                    "an hour without a token); a run follows no more pages than the past hour "
                    "has left."
                ).format(count=ANONYMOUS_REQUESTS_PER_HOUR),
                hint=True,
            ),
        )
        form.addRow("", self.events)
        form.addRow(_label(_("API to&ken:"), self.token), token_row)
        form.addRow(
            "",
            _label(
                _("Saved in {path}, a file only your user account can read.").format(
                    path=self.controller.paths.config_file
                ),
                hint=True,
            ),
        )
        return self._page(form)

    def _pipeline_tab(self) -> QWidget:
        self.retries = _named(
            QSpinBox(), _("Retries"), _("How often a failing task is tried again within a run")
        )
        self.retries.setRange(0, 20)
        self.retry_delay = _named(
            QDoubleSpinBox(),
            _("Retry delay in seconds"),
            _("Wait before the first retry; it doubles for each retry after that"),
        )
        self.retry_delay.setRange(0, 86_400)
        self.retry_delay.setDecimals(2)
        self.retry_delay.setSuffix(_(" s"))
        self.concurrency = _named(QSpinBox(), _("Pictures downloaded at once"))
        self.concurrency.setRange(1, 64)
        self.picture_cache = PictureCacheRow(self.controller)
        form = QFormLayout()
        form.addRow(_label(_("&Retries:"), self.retries), self.retries)
        form.addRow(_label(_("Retry d&elay:"), self.retry_delay), self.retry_delay)
        form.addRow(_label(_("Parallel &downloads:"), self.concurrency), self.concurrency)
        form.addRow(_label(_("Picture cache:")), self.picture_cache)
        return self._page(form)

    def _notifications_tab(self) -> QWidget:
        self.run_summary = _named(
            QCheckBox(_("Show a &summary after each run (new and changed launches)")),
            _("Run summary notifications"),
        )
        self.failures = _named(QCheckBox(_("Tell me when a run &fails")), _("Failure notifications"))
        form = QFormLayout()
        form.addRow(self.run_summary)
        form.addRow(self.failures)
        return self._page(form)

    def _general_tab(self) -> QWidget:
        self.language = _named(
            QComboBox(), _("Language"), _("The language of RocketWatch's windows, menus and notifications")
        )
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES.get(code) or _("System default"), code)
        self.language_note = _named(_label("", strong=True), _("Language change"))
        self.restart_button = _named(
            QPushButton(_("&Restart now")),
            _("Restart RocketWatch now"),
            _("Save the settings, quit RocketWatch and start it again in the new language"),
        )
        self.restart_button.clicked.connect(self.restart_now)
        self.restart_button.hide()
        note_row = self._language_row = QHBoxLayout()
        note_row.addWidget(self.language_note, 1)
        note_row.addWidget(self.restart_button)
        self.start_at_login = _named(QCheckBox(_("Start RocketWatch when I &log in")), _("Start at login"))
        self.autostart_hint = _named(_label("", hint=True), _("Start at login entry"))
        folder = str(self.controller.paths.data_dir)
        self.data_folder = _named(_label(folder), _("Data folder"))
        self.data_folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        open_folder = _named(
            QPushButton(_("Open &folder")), _("Open data folder"), _("Show it in your file manager")
        )
        open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.controller.paths.data_dir)))
        )
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.data_folder, 1)
        folder_row.addWidget(open_folder)
        form = self._general_form = QFormLayout()
        form.addRow(_label(_("Lang&uage:"), self.language), self.language)
        form.addRow("", note_row)
        form.addRow(self.start_at_login)
        form.addRow(self.autostart_hint)
        form.addRow(_label(_("Data folder:"), open_folder), folder_row)
        form.addRow("", _label(_("Launches, run history, pictures and each run's raw LL2 page."), hint=True))
        return self._page(form)

    @staticmethod
    def _page(form: QFormLayout) -> QWidget:
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)  # numbers stay small
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    # --- values ------------------------------------------------------------------------------------
    def _api_url(self) -> str:
        url = self.source.currentData()
        return url if url else self.custom_url.text().strip()

    def _set_api_url(self, url: str) -> None:
        index = next(
            (i for i, (_t, known, _h) in enumerate(SOURCES) if known and known == url.rstrip("/")),
            len(SOURCES) - 1,
        )
        self.source.setCurrentIndex(index)
        if index == len(SOURCES) - 1:
            self.custom_url.setText(url)

    def _set_mode(self, mode: str) -> None:
        self.mode.setCurrentIndex(max(self.mode.findData(mode), 0))

    def _set_language(self, language: str) -> None:
        self.language.setCurrentIndex(max(self.language.findData(language), 0))

    def _values(self) -> Values:
        values: Values = {}
        for (section, key), (get, _set) in self._bindings.items():
            values.setdefault(section, {})[key] = get()
        return values

    def _load(self, config: Config) -> None:
        """Show these settings and the start-at-login state; nothing is changed yet."""
        self.alerts.set_catalog(self.controller.store.catalog)
        current = asdict(config)
        for (section, key), (_get, put) in self._bindings.items():
            put(current[section][key])
        self._baseline = self._values()  # as the widgets show them (a spin box may round)
        try:
            self._baseline_autostart = self.autostart.is_enabled()
        except OSError:
            self._baseline_autostart = False
        self.start_at_login.setChecked(self._baseline_autostart)
        self.autostart_hint.setText(_("Entry: {location}").format(location=self.autostart.location()))
        self._show(
            self._source_form,
            self.override_note,
            self.controller.overrides.note(self.controller.saved_config),
        )
        self._validate()

    def new_config(self) -> Config:
        """The saved settings with the user's changes on top (never this session's overrides): what Apply
        writes. ConfigError when they are not valid."""
        merged = asdict(self.controller.saved_config)
        for section, keys in self._values().items():
            for key, value in keys.items():
                if value != self._baseline[section][key]:
                    merged[section][key] = value
        return config_from_mapping(merged, _("the settings"))

    def has_changes(self) -> bool:
        return self._values() != self._baseline or self.start_at_login.isChecked() != self._baseline_autostart

    # --- checking as the user types -----------------------------------------------------------
    def _validate(self) -> None:
        problems = [
            self._check_schedule(),
            self._check_source(),
            self.alerts.check(api_url=self._api_url(), token=self.token.text()),
        ]
        self._check_language()
        valid = not any(problems)
        self.ok_button.setEnabled(valid)
        self.apply_button.setEnabled(valid and self.has_changes())

    @staticmethod
    def _show(form: QFormLayout, label: QLabel, text: str) -> None:
        """Set a message label's text; its row shows only when there is something to say."""
        label.setText(text)
        form.setRowVisible(label, bool(text))

    def _check_schedule(self) -> str:
        form = self._schedule_form
        try:
            schedule = parse_every(self.every.currentText())
        except ScheduleError as error:
            self._show(form, self.schedule_problem, f"✗ {error}")
            for label in (self.schedule_words, self.next_runs, self.rate_warning):
                self._show(form, label, "")
            return str(error)
        self._show(form, self.schedule_problem, "")
        tz = local_tz()
        now = datetime.now(tz)
        anchor = None
        if schedule.interval is not None:  # as the scheduler does: intervals count from the last run
            last = self.controller.store.runs.last_started()
            anchor = last if last is not None and last <= now else now
        self._show(form, self.schedule_words, schedule.describe())
        times = schedule.next_fire_times(3, now, tz, anchor)
        self._show(form, self.next_runs, "\n".join(date_words(t) for t in times) or _("none"))
        warning = rate_limit_warning(schedule, self._api_url(), self.token.text(), tz)
        self._show(form, self.rate_warning, f"⚠ {warning}" if warning else "")
        return ""

    def _check_source(self) -> str:
        custom = not self.source.currentData()
        self._source_form.setRowVisible(self.custom_url, custom)
        self.source_hint.setText(source_hint(max(self.source.currentIndex(), 0)))
        url = self.custom_url.text().strip()
        problem = ""
        if custom and not url:
            problem = "✗ " + _("Type the server's address, such as {example}").format(example=DEFAULT_API_URL)
        elif custom and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
            problem = "✗ " + _("The address must start with http:// or https:// and name a server.")
        self._show(self._source_form, self.url_problem, problem)
        return problem

    def _check_language(self) -> None:
        """A language other than the one saved takes effect at the next start: say so beside the choice."""
        changed = self.language.currentData() != self._language_in_use
        self.language_note.setText(_("Restart RocketWatch to use the new language.") if changed else "")
        self._general_form.setRowVisible(self._language_row, changed)
        # Offered where the app can start again (the tray app listens); a bare dialog only says it.
        self.restart_button.setVisible(changed and self.isSignalConnected(self._restart_signal()))

    def _restart_signal(self) -> QMetaMethod:
        return QMetaMethod.fromSignal(self.restart_requested)

    def restart_now(self) -> None:
        """Save what changed (the language included), then ask the app to quit and start again."""
        if self.has_changes() and not self.apply():
            return
        self.accept()
        self.restart_requested.emit()

    # --- applying ---------------------------------------------------------------------------------
    def apply(self) -> bool:
        """Write the settings (and the start-at-login entry); True when everything was saved."""
        try:
            config = self.new_config()
        except ConfigError as error:
            self._warn(_("These settings cannot be used"), str(error))
            return False
        try:
            if config != self.controller.saved_config:
                self.controller.apply_config(config)
        except OSError as error:
            self._warn(_("The settings could not be saved"), f"{self.controller.paths.config_file}: {error}")
            return False
        wanted = self.start_at_login.isChecked()
        if wanted != self._baseline_autostart:
            try:
                if wanted:
                    self.autostart.enable(launch_command(self.home))
                else:
                    self.autostart.disable()
            except OSError as error:
                self._warn(_("Start at login could not be changed"), str(error))
                return False
        self._load(config)
        self.applied.emit(config)
        return True

    def _ok(self) -> None:
        if not self.has_changes() or self.apply():
            self.accept()

    def _warn(self, title: str, text: str) -> None:
        open_message(self, title, text)

    def _config_changed(self, _config: Config) -> None:
        """Settings changed elsewhere (the tray's Pause): follow them where the user has not typed."""
        current = asdict(self.controller.saved_config)
        for (section, key), (get, put) in self._bindings.items():
            if get() == self._baseline[section][key]:
                put(current[section][key])
                self._baseline[section][key] = get()
        self._validate()

    # --- window life ------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        if not event.spontaneous():  # opened again: start from the settings in force
            self._load(self.controller.saved_config)
            self.picture_cache.measure()
        super().showEvent(event)

    def done(self, result: int) -> None:
        save_geometry(self, GEOMETRY_KEY, self.controller.paths)
        super().done(result)
