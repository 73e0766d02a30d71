"""The settings dialog's Alerts tab: reminder leads, slips, status, webcast, landing and update alerts,
quiet hours, what to watch (providers and locations the store has seen, search words) and the refresh budget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import time
from typing import Any

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rocketwatch.config import ConfigError, config_from_mapping
from rocketwatch.i18n import N_, _, ngettext, pgettext
from rocketwatch.rate_limit import ANONYMOUS_REQUESTS_PER_HOUR, refresh_budget_warning
from rocketwatch.schedule import ScheduleError, parse_duration, parse_quiet_hours
from rocketwatch.store.catalog import Catalog, CatalogEntry
from rocketwatch.ui.run_model import plain_tooltip
from rocketwatch.ui.settings_widgets import form_label, named

STANDARD_LEADS = (
    ("24h", N_("&24 hours before"), N_("Remind me 24 hours before")),
    ("1h", N_("&1 hour before"), N_("Remind me 1 hour before")),
    ("10m", N_("10 &minutes before"), N_("Remind me 10 minutes before")),
)
SLIP_PRESETS = ("15m", "30m", "1h", "2h", "6h", "1d")
Binding = tuple[Callable[[], Any], Callable[[Any], None]]


# The words of a list of names (providers or locations), whole sentences each, translated when shown.
LIST_WORDS = {
    "providers": {
        "filter": N_("Filter providers"),
        "placeholder": N_("Filter providers…"),
        "clear": N_("Clear the providers filter"),
        "check": N_("Check the providers to watch (Space checks the selected one)"),
        "none": N_("No kept launch names this provider (it stays watched)"),
        "tip": N_("The launch providers of the launches RocketWatch has kept"),
    },
    "locations": {
        "filter": N_("Filter locations"),
        "placeholder": N_("Filter locations…"),
        "clear": N_("Clear the locations filter"),
        "check": N_("Check the locations to watch (Space checks the selected one)"),
        "none": N_("No kept launch names this location (it stays watched)"),
        "tip": N_("The launch sites of the launches RocketWatch has kept"),
    },
}


def entry_tip(entry: CatalogEntry | None, noun: str) -> str:
    """What the list's tooltip says about a name besides the name itself (`noun`: "providers" or
    "locations")."""
    if entry is None:
        return _(LIST_WORDS[noun]["none"])
    launches = ngettext("{count} kept launch", "{count} kept launches", entry.launches).format(
        count=entry.launches
    )
    if entry.ll2_id is None:
        return launches
    return _("{launches}; LL2 id {id}").format(launches=launches, id=entry.ll2_id)


def split_words(text: str) -> tuple[str, ...]:
    """'2h, 30m' -> ('2h', '30m'): comma separated, blanks dropped."""
    return tuple(part.strip() for part in text.replace(";", ",").split(",") if part.strip())


class CheckList(QWidget):
    """A filter box over a list of checkable names (API text, shown as plain list items)."""

    changed = Signal()

    def __init__(self, title: str, noun: str, parent: QWidget | None = None) -> None:
        """`title` is translated already; `noun` is "providers" or "locations" (a key of LIST_WORDS)."""
        super().__init__(parent)
        self._noun = noun
        words = LIST_WORDS[noun]
        self._entries: dict[str, CatalogEntry] = {}
        self.filter = named(QLineEdit(), _(words["filter"]))
        self.filter.setPlaceholderText(_(words["placeholder"]))
        self.filter.setClearButtonEnabled(True)
        for button in self.filter.findChildren(QToolButton):
            button.setAccessibleName(_(words["clear"]))
        self.filter.textChanged.connect(self._apply_filter)
        self.list = named(QListWidget(), title.replace("&", ""), _(words["check"]))
        self.list.setMinimumHeight(110)
        # Whole names, wrapped when the list is narrow: never "China Aerospa…y Corporation".
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        self.title = form_label(title, self.filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)

    def set_names(self, names: Iterable[str | CatalogEntry]) -> None:
        """Offer these names (or catalog entries, whose launch count and LL2 id the tooltip tells), keeping
        what is checked (checked names the store has not seen stay too)."""
        entries = [name if isinstance(name, CatalogEntry) else CatalogEntry(name, None, 0) for name in names]
        self._entries = {entry.name: entry for entry in entries}
        self.set_checked(self.checked(), also=[entry.name for entry in entries])

    def checked(self) -> tuple[str, ...]:
        return tuple(
            self.list.item(row).text()
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        )

    def set_checked(self, names: Iterable[str], *, also: Iterable[str] | None = None) -> None:
        """Check `names` (case-insensitively against what is offered; unknown ones are added)."""
        offered = (
            list(also)
            if also is not None
            else [self.list.item(row).text() for row in range(self.list.count())]
        )
        by_fold = {name.casefold(): name for name in offered}
        wanted = {by_fold.get(name.casefold(), name) for name in names if name.strip()}
        everything = sorted(set(offered) | wanted, key=str.casefold)
        self.list.blockSignals(True)
        self.list.clear()
        for name in everything:
            item = QListWidgetItem(name)
            entry = self._entries.get(name)
            about = entry_tip(entry, self._noun) if entry is None or entry.launches else ""
            # The whole name, never read as markup, and what RocketWatch knows of it.
            item.setToolTip(plain_tooltip(f"{name}\n{about}" if about else name))
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemNeverHasChildren
            )
            item.setCheckState(Qt.CheckState.Checked if name in wanted else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._apply_filter(self.filter.text())
        self.changed.emit()

    def _apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(not all(word in item.text().casefold() for word in words))


class AlertsTab(QScrollArea):
    """Aler&ts: every control maps to one key of [alerts]; `bindings()` gives the dialog get/put pairs."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self._reminders_group())
        layout.addWidget(self._changes_group())
        layout.addWidget(self._watch_group(), 1)
        layout.addWidget(self._budget_group())
        self.setWidget(body)
        for box in (
            *self.leads.values(),
            self.status_changes,
            self.webcast,
            self.landings,
            self.updates,
            self.quiet,
        ):
            box.toggled.connect(self.changed)
        self.quiet.toggled.connect(self._quiet_toggled)
        for edit in (self.custom_leads, self.terms, self.event_types):
            edit.textChanged.connect(self.changed)
        self.slip.editTextChanged.connect(self.changed)
        for time_edit in (self.quiet_from, self.quiet_to):
            time_edit.timeChanged.connect(self.changed)
        self.budget.valueChanged.connect(self.changed)
        self.watch_mode.idToggled.connect(self._mode_toggled)
        for check_list in (self.providers, self.locations):
            check_list.changed.connect(self.changed)

    # --- building -----------------------------------------------------------------------------------
    def _reminders_group(self) -> QGroupBox:
        group = QGroupBox(_("Reminders before a launch"))
        self.leads = {text: named(QCheckBox(_(title)), _(name)) for text, title, name in STANDARD_LEADS}
        row = QHBoxLayout()
        for box in self.leads.values():
            row.addWidget(box)
        row.addStretch(1)
        self.custom_leads = named(
            QLineEdit(), _("Other reminders"), _("More reminders, comma separated: 2h, 30m, 3d")
        )
        self.custom_leads.setPlaceholderText(_("for example 2h, 30m, 3d"))
        self.leads_problem = named(form_label("", strong=True), _("Reminder problem"))
        form = self._reminder_form = self._form(group)
        form.addRow(form_label(_("Remind me:")), row)
        form.addRow(form_label(_("&Custom:"), self.custom_leads), self.custom_leads)
        form.addRow("", self.leads_problem)
        form.addRow(
            "",
            form_label(
                _(
                    "Reminders come only for launches whose time LL2 knows to the hour; "
                    "a launch not yet confirmed gets none shorter than 1 hour."
                ),
                hint=True,
            ),
        )
        return group

    def _changes_group(self) -> QGroupBox:
        group = QGroupBox(_("Other alerts"))
        self.slip = named(
            QComboBox(),
            _("Slip threshold"),
            _("Tell me when the launch time moves by at least this much (launches within a week)"),
        )
        self.slip.setEditable(True)
        self.slip.addItems(SLIP_PRESETS)
        self.slip.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.slip.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.slip_problem = named(form_label("", strong=True), _("Slip threshold problem"))
        status_words = _("Stat&us changes: on hold, back to Go, liftoff, success, failure")
        self.status_changes = named(QCheckBox(status_words), _("Status change alerts"))
        self.webcast = named(
            QCheckBox(_("&Webcast is live (off unless you turn it on)")), _("Webcast live alerts")
        )
        self.landings = named(
            QCheckBox(_("Booster l&anding: its outcome becomes known")),
            _("Landing alerts"),
            _("Tell me whether a booster of a watched launch landed, once LL2 knows"),
        )
        self.updates = named(
            QCheckBox(_("New LL2 up&date within 48 hours of launch (off unless you turn it on)")),
            _("LL2 update alerts"),
            _("Tell me about each new dated comment LL2 adds to a watched launch in its last 48 hours"),
        )
        self.event_types = named(
            QLineEdit(),
            _("Event types to remind me of"),
            _("Comma separated LL2 event types; needs LL2 events turned on (Source tab)"),
        )
        self.event_types.setPlaceholderText(_("none; for example Spacewalk, Docking, Static Fire"))
        self.quiet = named(
            QCheckBox(_("&Quiet hours from")),
            _("Quiet hours"),
            _("Alerts during these hours are kept in the run history, not shown"),
        )
        self.quiet_from = named(QTimeEdit(), _("Quiet hours start"))
        self.quiet_to = named(QTimeEdit(), _("Quiet hours end"))
        for edit in (self.quiet_from, self.quiet_to):
            edit.setDisplayFormat("HH:mm")
        to_label = QLabel(pgettext("quiet hours from 22:00 to 07:00", "to"))
        to_label.setBuddy(self.quiet_to)
        quiet_row = QHBoxLayout()
        for widget in (self.quiet, self.quiet_from, to_label, self.quiet_to):
            quiet_row.addWidget(widget)
        quiet_row.addStretch(1)
        self.quiet_problem = named(form_label("", strong=True), _("Quiet hours problem"))
        form = self._changes_form = self._form(group)
        form.addRow(form_label(_("&Slip alert from:"), self.slip), self.slip)
        form.addRow("", self.slip_problem)
        form.addRow(self.status_changes)
        form.addRow(self.webcast)
        form.addRow(self.landings)
        form.addRow(self.updates)
        form.addRow(form_label(_("Event t&ypes:"), self.event_types), self.event_types)
        form.addRow(
            "",
            form_label(
                _(
                    "Reminders, like a launch's, for LL2 events of these types (needs LL2 events on the "
                    "Source tab); they go in the calendar export too."
                ),
                hint=True,
            ),
        )
        form.addRow(quiet_row)
        form.addRow("", self.quiet_problem)
        form.addRow(
            form_label(_("In quiet hours alerts are not shown; the run history lists them."), hint=True)
        )
        return group

    def _watch_group(self) -> QGroupBox:
        group = QGroupBox(_("What to watch"))
        self.watch_every = named(QRadioButton(_("&Every launch")), _("Watch every launch"))
        self.watch_some = named(
            QRadioButton(_("Only &launches matching any of these:")), _("Watch only matching launches")
        )
        self.watch_mode = QButtonGroup(self)
        self.watch_mode.addButton(self.watch_every, 0)
        self.watch_mode.addButton(self.watch_some, 1)
        self.providers = CheckList(_("Pro&viders"), "providers")
        self.locations = CheckList(_("Locat&ions"), "locations")
        for check_list, noun in ((self.providers, "providers"), (self.locations, "locations")):
            check_list.list.setToolTip(_(LIST_WORDS[noun]["tip"]))
        self.terms = named(
            QLineEdit(),
            _("Search words"),
            _("Comma separated; matched in the launch name, rocket, mission and orbit"),
        )
        self.terms.setPlaceholderText("Starship, Artemis, GTO")
        words = QWidget()
        words_layout = QVBoxLayout(words)
        words_layout.setContentsMargins(0, 0, 0, 0)
        words_layout.addWidget(form_label(_("Sea&rch words:"), self.terms))
        words_layout.addWidget(self.terms)
        words_layout.addWidget(
            form_label(_("Comma separated, found in the name, rocket, mission or orbit."), hint=True)
        )
        self.choices = QWidget()
        grid = QGridLayout(self.choices)
        grid.setContentsMargins(20, 0, 0, 0)
        # Two wide lists side by side and the search words under both: room for whole names.
        grid.addWidget(self.providers, 0, 0)
        grid.addWidget(self.locations, 0, 1)
        grid.addWidget(words, 1, 0, 1, 2)
        for column in (0, 1):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(0, 1)
        self.watch_problem = named(form_label("", strong=True), _("What to watch problem"))
        layout = QVBoxLayout(group)
        layout.addWidget(self.watch_every)
        layout.addWidget(self.watch_some)
        layout.addWidget(self.choices, 1)
        layout.addWidget(self.watch_problem)
        layout.addWidget(
            form_label(_("Starred launches (★ on a card in the gallery) are always watched."), hint=True)
        )
        return group

    def _budget_group(self) -> QGroupBox:
        group = QGroupBox(_("Fresh data before a reminder"))
        self.budget = named(QSpinBox(), _("Refresh budget, LL2 requests an hour"))
        self.budget.setRange(0, 1_000)
        self.budget.setSuffix(_(" requests an hour"))
        self.budget_warning = named(form_label("", strong=True), _("Refresh budget warning"))
        form = self._budget_form = self._form(group)
        form.addRow(form_label(_("Refresh &budget:"), self.budget), self.budget)
        form.addRow(
            "",
            form_label(
                _(
                    "When a reminder is due on old launch data, RocketWatch asks LL2 again first, as long "
                    "as it made fewer requests than this in the past hour. LL2 allows {count} requests an "
                    "hour without a token."
                ).format(count=ANONYMOUS_REQUESTS_PER_HOUR),
                hint=True,
            ),
        )
        form.addRow("", self.budget_warning)
        return group

    @staticmethod
    def _form(group: QGroupBox) -> QFormLayout:
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)  # numbers stay small
        return form

    # --- values -------------------------------------------------------------------------------------
    def bindings(self) -> dict[tuple[str, str], Binding]:
        """(section, key) -> (read the control, show a value) for every [alerts] key."""
        return {
            ("alerts", "reminders"): (self._leads, self._set_leads),
            ("alerts", "slip_threshold"): (lambda: self.slip.currentText().strip(), self.slip.setEditText),
            ("alerts", "status_changes"): (self.status_changes.isChecked, self.status_changes.setChecked),
            ("alerts", "webcast"): (self.webcast.isChecked, self.webcast.setChecked),
            ("alerts", "landings"): (self.landings.isChecked, self.landings.setChecked),
            ("alerts", "updates"): (self.updates.isChecked, self.updates.setChecked),
            ("alerts", "quiet_hours"): (self._quiet_hours, self._set_quiet_hours),
            ("alerts", "watch_providers"): (
                lambda: self._watching(self.providers.checked()),
                lambda names: self._set_watch(self.providers.set_checked, names),
            ),
            ("alerts", "watch_locations"): (
                lambda: self._watching(self.locations.checked()),
                lambda names: self._set_watch(self.locations.set_checked, names),
            ),
            ("alerts", "watch_terms"): (
                lambda: self._watching(split_words(self.terms.text())),
                lambda words: self._set_watch(self._set_terms, words),
            ),
            ("alerts", "api_budget"): (self.budget.value, self.budget.setValue),
            ("alerts", "event_types"): (
                lambda: tuple(split_words(self.event_types.text())),
                lambda types: self.event_types.setText(", ".join(types)),
            ),
        }

    def set_catalog(self, catalog: Catalog) -> None:
        """Offer the providers and locations the store has seen (full names, with their LL2 ids)."""
        self.set_offered(catalog.providers(), catalog.locations())

    def set_offered(self, providers: Sequence[CatalogEntry], locations: Sequence[CatalogEntry]) -> None:
        self.providers.set_names(providers)
        self.locations.set_names(locations)

    def _leads(self) -> tuple[str, ...]:
        """Checked standard leads and the custom ones, longest first (unreadable ones last, for the check)."""
        chosen = [text for text, box in self.leads.items() if box.isChecked()]
        chosen += [text for text in split_words(self.custom_leads.text()) if text not in chosen]

        def length(text: str) -> float:
            try:
                return -parse_duration(text).total_seconds()
            except ScheduleError:
                return float("inf")

        return tuple(sorted(chosen, key=length))

    def _set_leads(self, leads: tuple[str, ...]) -> None:
        standard = {parse_duration(text): text for text, _title, _name in STANDARD_LEADS}
        custom: list[str] = []
        checked: set[str] = set()
        for text in leads:
            try:
                match = standard.get(parse_duration(text))
            except ScheduleError:
                match = None
            if match is None:
                custom.append(text)
            else:
                checked.add(match)
        for text, box in self.leads.items():
            box.setChecked(text in checked)
        self.custom_leads.setText(", ".join(custom))

    def _quiet_hours(self) -> str:
        if not self.quiet.isChecked():
            return ""
        return f"{self.quiet_from.time().toString('HH:mm')}-{self.quiet_to.time().toString('HH:mm')}"

    def _set_quiet_hours(self, text: str) -> None:
        try:
            span = parse_quiet_hours(text)
        except ScheduleError:
            span = None
        start, end = span or (time(22, 0), time(7, 0))
        self.quiet_from.setTime(QTime(start.hour, start.minute))
        self.quiet_to.setTime(QTime(end.hour, end.minute))
        self.quiet.setChecked(span is not None)
        self._quiet_toggled(span is not None)

    def _watching(self, values: tuple[str, ...]) -> tuple[str, ...]:
        return values if self.watch_some.isChecked() else ()

    def _set_terms(self, words: Iterable[str]) -> None:
        self.terms.setText(", ".join(words))

    def _set_watch(self, put: Callable[[Iterable[str]], None], values: Iterable[str]) -> None:
        put(values)
        some = bool(self.providers.checked() or self.locations.checked() or split_words(self.terms.text()))
        (self.watch_some if some else self.watch_every).setChecked(True)
        self.choices.setEnabled(some)

    def _mode_toggled(self, _id: int, _checked: bool) -> None:
        self.choices.setEnabled(self.watch_some.isChecked())
        self.changed.emit()

    def _quiet_toggled(self, on: bool) -> None:
        self.quiet_from.setEnabled(on)
        self.quiet_to.setEnabled(on)

    # --- checking -----------------------------------------------------------------------------------
    def check(self, *, api_url: str, token: str) -> str:
        """Show what is wrong next to its control; the first problem, or '' when the tab is usable. The
        source's address and token (from the Source tab, maybe unsaved) decide the budget warning."""
        problems = [self._check_leads(), self._check_slip(), self._check_quiet(), self._check_watch()]
        warning = refresh_budget_warning(self.budget.value(), api_url, token)
        self._show(self._budget_form, self.budget_warning, f"⚠ {warning}" if warning else "")
        return next((problem for problem in problems if problem), "")

    @staticmethod
    def _show(form: QFormLayout, label: QLabel, text: str) -> None:
        label.setText(text)
        form.setRowVisible(label, bool(text))

    def _check_leads(self) -> str:
        problem = ""
        for text in split_words(self.custom_leads.text()):
            try:
                parse_duration(text)
            except ScheduleError as error:
                problem = "✗ " + _("Custom reminder {problem}").format(problem=error)
                break
        if not problem:
            try:
                config_from_mapping({"alerts": {"reminders": list(self._leads())}}, "Reminders")
            except ConfigError as error:  # the core's limits: how many, how long before
                words = str(error).split(": alerts.reminders ", 1)[-1].split(" (found")[0]
                problem = "✗ " + _("Reminders: {problem}").format(problem=words)
        self._show(self._reminder_form, self.leads_problem, problem)
        return problem

    def _check_slip(self) -> str:
        try:
            parse_duration(self.slip.currentText())
            problem = ""
        except ScheduleError as error:
            problem = "✗ " + _("Slip threshold {problem}").format(problem=error)
        self._show(self._changes_form, self.slip_problem, problem)
        return problem

    def _check_quiet(self) -> str:
        problem = ""
        if self.quiet.isChecked() and self.quiet_from.time() == self.quiet_to.time():
            problem = "✗ " + _("Quiet hours need a start and an end that differ.")
        self._show(self._changes_form, self.quiet_problem, problem)
        return problem

    def _check_watch(self) -> str:
        problem = ""
        if self.watch_some.isChecked() and not (
            self.providers.checked() or self.locations.checked() or split_words(self.terms.text())
        ):
            problem = "✗ " + _(
                "Check a provider or a location, or type a search word; or choose Every launch."
            )
        self.watch_problem.setText(problem)
        self.watch_problem.setVisible(bool(problem))
        return problem
