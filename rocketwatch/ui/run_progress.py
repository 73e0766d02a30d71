"""The gallery's run progress line: what the active run does now, a progress bar and Cancel.

It follows the run's events (this app's own run) and its activity as the store tells it (a run of any
process: why its last try failed and when the next one comes). The gallery decides what the rest of the
window does about a run (Run now, the empty state, the status bar).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from rocketwatch.i18n import N_, _
from rocketwatch.pipeline import TASK_TITLES, RunActivity, RunEvent
from rocketwatch.states import RunState
from rocketwatch.ui.launch_detail import plain_label
from rocketwatch.ui.run_model import plain_tooltip

CANCELLING = N_("Cancelling the run…")


class RunProgressLine(QWidget):
    """A line of text, a progress bar and a Cancel button; hidden while no run is active."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Run progress"))
        self._activity: RunActivity | None = None  # what the active run does, as the store says
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        self.text = plain_label(wrap=True, selectable=False)  # a waiting run's reason is long
        self.bar = QProgressBar()
        self.bar.setAccessibleName(_("Run progress"))
        self.bar.setMaximumWidth(260)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(12)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.bar)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel the run"))
        self.cancel_button.setToolTip(_("Stop the active run; it can be retried from Run history"))
        layout.addWidget(self.cancel_button)
        self.hide()

    def set_active(self, active: bool) -> None:
        """This app's own run started (a busy bar until its first event) or ended."""
        self.cancel_button.setVisible(active)
        self.cancel_button.setEnabled(active)
        if active:
            self.text.setText(_("Starting a run…"))
            self.bar.setRange(0, 0)
        self.setVisible(active or self._activity is not None)

    def set_activity(self, activity: RunActivity | None, *, own: bool) -> str:
        """What the active run does now (None: no run is active). Returns the words shown for a run that
        waits to try again ('' otherwise), for the gallery to repeat where no launch is shown yet."""
        self._activity = activity
        self.setVisible(own or activity is not None)
        if activity is None:
            return ""
        if not own:
            self.cancel_button.hide()  # another process's run: `rocketwatch cancel` cannot reach it
        return self.show_activity(activity)

    def show_activity(self, activity: RunActivity, now: datetime | None = None) -> str:
        """Why the last try failed and when the next comes (counting down when called each second)."""
        if self.text.text() == _(CANCELLING):
            return ""
        if not activity.waiting and activity.reason is None:
            return ""  # a first try: the task's own progress words say more
        words = activity.words(now)
        self.text.setText(words)
        self.text.setToolTip(plain_tooltip(words))  # LL2's error words: never markup
        if not activity.waiting:
            return ""
        self.bar.setRange(0, 0)
        return words

    def tick(self, now: datetime) -> str:
        """Each second while shown: a waiting run's "(in 30 s)" counts down (its words, as show_activity)."""
        if self._activity is not None and self._activity.waiting and self.isVisible():
            return self.show_activity(self._activity, now)
        return ""

    def cancelling(self) -> None:
        self.text.setText(_(CANCELLING))
        self.cancel_button.setEnabled(False)

    def show_event(self, event: RunEvent) -> None:
        """A task started (with its try) or moved on (done of total)."""
        if event.kind == "task_state" and event.state == RunState.RUNNING and event.task_id:
            if self._superseded(event):
                return
            title = _(TASK_TITLES.get(event.task_id, event.task_id))
            if event.try_number and event.try_number > 1:
                self.text.setText(_("{task}… (try {number})").format(task=title, number=event.try_number))
            else:
                self.text.setText(f"{title}…")
            self.bar.setRange(0, 0)
        elif event.kind == "progress" and event.total:
            done = event.done or 0
            title = _(TASK_TITLES.get(event.task_id or "", N_("Working")))
            self.text.setText(_("{task}: {done} of {total}").format(task=title, done=done, total=event.total))
            self.bar.setRange(0, event.total)
            self.bar.setValue(done)

    def run_finished(self) -> None:
        self.text.setToolTip("")

    def _superseded(self, event: RunEvent) -> bool:
        """A try's start that arrives after the store already said that try failed and the run waits (the
        activity comes straight from the controller; run events take one more queued hop)."""
        known = self._activity
        return (
            known is not None
            and known.waiting
            and known.run_id == event.run_id
            and known.task_id == event.task_id
            and event.try_number is not None
            and event.try_number <= known.try_number
        )
