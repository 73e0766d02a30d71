"""The detail pane beside the gallery grid: everything known about the selected launch, as plain text.

The full picture is decoded off the GUI thread; buttons star the launch (Watch), open the best webcast, the
picture and its folder; below the facts, the lists (webcasts, landings, patches, links, changes, updates).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFont, QPainter, QPaintEvent, QPalette, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rocketwatch import launch_words, timefmt
from rocketwatch.i18n import N_, _
from rocketwatch.ll2.model import Launch
from rocketwatch.store.launches import LaunchChange
from rocketwatch.ui.card_art import placeholder_picture
from rocketwatch.ui.detail_sections import WEB_SCHEMES, DetailSections, web_url
from rocketwatch.ui.status_style import badge_size, paint_badge, status_style
from rocketwatch.ui.thumbnails import Fit, PictureLoader
from rocketwatch.ui.watch_star import UNWATCH_TIP, WATCH_TEXT, WATCH_TIP, star_icon

PICTURE_BOX = QSize(900, 600)  # logical pixels the detail picture is decoded for (at most)
ChangesFor = Callable[[str], Sequence[LaunchChange]]  # launch id -> its recorded changes
PictureFor = Callable[[str], Path | None]  # picture URL -> its kept file, None when there is none
__all__ = ["WEB_SCHEMES", "LaunchDetail", "net_words_long", "plain_label", "web_url", "window_words"]


def plain_label(text: str = "", *, wrap: bool = True, selectable: bool = True) -> QLabel:
    """A QLabel that shows API text literally: never rich text, never a link."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setOpenExternalLinks(False)
    if selectable:
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
    label.setText(text)
    return label


def window_words(launch: Launch) -> str:
    """'14:30 – 16:45 CET (2 h 15 min)'; empty unless the NET is exact (else the window means nothing)."""
    start, end = launch.window_start, launch.window_end
    if start is None or end is None or launch.net_precision not in timefmt.EXACT_PRECISIONS:
        return ""
    first, last = timefmt.local(start), timefmt.local(end)
    if end <= start:
        at = timefmt.with_zone(timefmt.format_moment(first, timefmt.CLOCK), first)
        return _("Instantaneous at {time}").format(time=at)
    # Dates and clock times in timefmt's words (the reader's language and clock).
    opens = timefmt.net_words(start, "MIN")
    same_day = first.date() == last.date()
    closes = timefmt.format_moment(last, timefmt.CLOCK) if same_day else timefmt.net_words(end, "MIN")
    return f"{opens} – {timefmt.with_zone(closes, last)} ({timefmt.duration_words(end - start)})"


def net_words_long(launch: Launch) -> str:
    """The NET for the detail pane's "NET" row: local time with the zone, and UTC; or how vague it is."""
    return launch_words.net_local_and_utc(launch)


def location_words(launch: Launch) -> str:
    location, country = launch.location, launch.country
    if not location or location == "Unknown":
        return country
    return location  # LL2's location name already ends with the country


class PictureView(QWidget):
    """The launch picture, scaled to the pane's width with its shape kept; a placeholder meanwhile."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap: QPixmap | None = None
        self._scaled: QPixmap | None = None
        self._provider = ""
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumHeight(120)
        self.setAccessibleName(_("Launch picture"))

    def set_picture(self, pixmap: QPixmap | None, provider: str) -> None:
        self._pixmap, self._provider, self._scaled = pixmap, provider, None
        self.updateGeometry()
        self.update()

    def has_picture(self) -> bool:
        return self._pixmap is not None and not self._pixmap.isNull()

    def _aspect(self) -> float:
        if self.has_picture():
            assert self._pixmap is not None
            return self._pixmap.height() / max(1, self._pixmap.width())
        return 9 / 16

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(120, min(round(width * self._aspect()), 520))

    def sizeHint(self) -> QSize:
        return QSize(360, self.heightForWidth(360))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._scaled = None
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        dpr = self.devicePixelRatioF()
        if self._scaled is None:  # scaled once per size, not on every paint
            if self.has_picture():
                assert self._pixmap is not None
                target = QSize(round(self.width() * dpr), round(self.height() * dpr))
                self._scaled = self._pixmap.scaled(
                    target, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
                self._scaled.setDevicePixelRatio(dpr)
            else:
                self._scaled = placeholder_picture(self._provider, self.size(), dpr)
        logical = self._scaled.deviceIndependentSize()
        at = QPointF((self.width() - logical.width()) / 2, (self.height() - logical.height()) / 2)
        painter.drawPixmap(at, self._scaled)
        painter.end()


class StatusBadge(QWidget):
    """The status badge as a widget (painted text, so API text can never become markup)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._abbrev: str | None = None
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_status(self, abbrev: str | None) -> None:
        self._abbrev = abbrev
        style = status_style(abbrev)
        self.setAccessibleName(_("Status: {status}").format(status=_(style.word)))
        self.setToolTip(_(style.meaning))  # our own words, not API text
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return badge_size(self.font(), self._abbrev)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        top = (self.height() - self.sizeHint().height()) / 2
        paint_badge(painter, QPointF(0, top), self.font(), self._abbrev)
        painter.end()


class LaunchDetail(QStackedWidget):
    """Shows one launch; before any is chosen, a hint."""

    watch_toggled = Signal(bool)  # the user pressed Watch (True) or Watching (False) for the shown launch
    unmute_requested = Signal()  # the user pressed Unmute: alerts for the shown launch again

    def __init__(
        self,
        loader: PictureLoader,
        images_dir: Path,
        parent: QWidget | None = None,
        *,
        changes_for: ChangesFor | None = None,
        picture_for: PictureFor | None = None,
    ) -> None:
        """`changes_for` gives a launch's recorded changes (the slip timeline); `picture_for` the kept
        file of a picture URL (mission patches). Without them those parts stay empty."""
        super().__init__(parent)
        self._loader = loader
        self._images_dir = images_dir
        self._changes_for = changes_for
        self._picture_for = picture_for
        self._launch: Launch | None = None
        self._picture_path: Path | None = None
        self._picture_key = ""
        self.setMinimumWidth(300)
        self.setAccessibleName(_("Launch details"))

        hint = plain_label(_("Pick a launch to see its details."), selectable=False)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.addWidget(hint)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.addWidget(self.scroll_area)
        self._build()
        loader.ready.connect(self._on_picture)
        loader.failed.connect(self._on_picture)

    def _build(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 12, 14, 14)
        layout.setSpacing(10)
        self.picture = PictureView()
        layout.addWidget(self.picture)

        self.name = plain_label()
        title_font = QFont(self.font())
        title_font.setBold(True)
        title_font.setPointSizeF(max(11.0, self.font().pointSizeF() * 1.45))
        self.name.setFont(title_font)
        self.name.setAccessibleName(_("Launch name"))
        layout.addWidget(self.name)

        status_row = QHBoxLayout()
        status_row.setSpacing(8)
        self.badge = StatusBadge()
        status_row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        self.status_text = plain_label()
        self.status_text.setAccessibleName(_("Status"))
        status_row.addWidget(self.status_text, 1)
        layout.addLayout(status_row)

        self.countdown = plain_label(selectable=False)
        countdown_font = QFont(self.font())
        countdown_font.setBold(True)
        countdown_font.setPointSizeF(max(10.0, self.font().pointSizeF() * 1.2))
        self.countdown.setFont(countdown_font)
        self.countdown.setAccessibleName(_("Countdown"))
        layout.addWidget(self.countdown)

        buttons = QHBoxLayout()
        self.watch_button = QPushButton(_("Watch"))
        self.watch_button.setCheckable(True)
        self.watch_button.setAccessibleName(_(WATCH_TEXT))
        self.watch_button.setIcon(star_icon(self.palette(), 16, self.devicePixelRatioF()))
        self.watch_button.clicked.connect(self.watch_toggled)
        self.watch_button.toggled.connect(self._show_watching)
        buttons.addWidget(self.watch_button)
        self.webcast_button = QPushButton(_("Watch webcast"))
        self.webcast_button.setAccessibleName(_("Watch the webcast in the browser"))
        self.webcast_button.clicked.connect(self._open_webcast)
        self.picture_button = QPushButton(_("Open picture"))
        self.picture_button.setAccessibleName(_("Open the launch picture"))
        self.picture_button.clicked.connect(self._open_picture)
        self.folder_button = QPushButton(_("Open pictures folder"))
        self.folder_button.setAccessibleName(_("Open the folder of kept pictures"))
        self.folder_button.clicked.connect(self._open_folder)
        # Two rows, so the pane stays narrow enough for the grid beside it (no clipped text).
        buttons.addWidget(self.webcast_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        # A muted launch (no alerts, from a notification's button or `rocketwatch mute`) says so here.
        self.muted_row = QWidget()
        muted_layout = QHBoxLayout(self.muted_row)
        muted_layout.setContentsMargins(0, 0, 0, 0)
        self.muted_text = QLabel(_("Muted: no alerts for this launch"))
        self.muted_text.setTextFormat(Qt.TextFormat.PlainText)
        self.muted_text.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.muted_text.setWordWrap(True)  # a narrow pane, or a longer language: wrapped, never clipped
        muted_layout.addWidget(self.muted_text, 1)  # all the room there is: it wraps only when it must
        self.unmute_button = QPushButton(_("Unmute"))
        self.unmute_button.setAccessibleName(_("Unmute: alerts for this launch again"))
        self.unmute_button.clicked.connect(self.unmute_requested)
        muted_layout.addWidget(self.unmute_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.muted_row.hide()
        layout.addWidget(self.muted_row)
        file_buttons = QHBoxLayout()
        file_buttons.addWidget(self.picture_button)
        file_buttons.addWidget(self.folder_button)
        file_buttons.addStretch(1)
        layout.addLayout(file_buttons)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.form.setHorizontalSpacing(14)
        self.fields: dict[str, QLabel] = {}
        for key, title in (
            ("net", N_("NET")),
            ("window", N_("Window")),
            ("provider", N_("Provider")),
            ("rocket", N_("Rocket")),
            ("mission", N_("Mission")),
            ("mission_type", N_("Mission type")),
            ("orbit", N_("Orbit")),
            ("pad", N_("Pad")),
            ("location", N_("Location")),
            ("probability", N_("Weather go")),
            ("weather", N_("Weather concerns")),
            ("programs", N_("Program")),
            ("hashtag", N_("Hashtag")),
            ("description", N_("About the mission")),
            ("credit", N_("Picture credit")),
            ("licence", N_("Picture licence")),
        ):
            value = plain_label()
            value.setAccessibleName(_(title))
            caption = QLabel(_(title))
            caption.setTextFormat(Qt.TextFormat.PlainText)
            caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            self.form.addRow(caption, value)
            self.fields[key] = value
        self.licence_button = QPushButton(_("Licence page"))
        self.licence_button.setAccessibleName(_("Open the picture licence page in the browser"))
        self.licence_button.clicked.connect(self._open_licence)
        licence_row = QHBoxLayout()
        licence_row.setContentsMargins(0, 0, 0, 0)
        licence_row.addWidget(self.licence_button)
        licence_row.addStretch(1)
        self._licence_row = QWidget()
        self._licence_row.setLayout(licence_row)
        self.form.addRow("", self._licence_row)
        layout.addLayout(self.form)
        self.sections = DetailSections(self._loader)
        layout.addWidget(self.sections)
        layout.addStretch(1)
        self.scroll_area.setWidget(body)

    # --- what is shown ------------------------------------------------------------------------
    @property
    def launch(self) -> Launch | None:
        return self._launch

    def clear(self) -> None:
        self._launch = None
        self._picture_path = None
        self._picture_key = ""
        self.setCurrentIndex(0)

    def set_watching(self, watching: bool) -> None:
        """Show whether the shown launch is starred (the button says Watching, with a filled star)."""
        self.watch_button.setChecked(watching)
        self._show_watching(watching)

    def set_muted(self, muted: bool) -> None:
        """Show whether the shown launch's alerts are muted (with an Unmute button)."""
        self.muted_row.setVisible(muted)

    @Slot(bool)
    def _show_watching(self, watching: bool) -> None:
        self.watch_button.setText(_("Watching") if watching else _("Watch"))
        self.watch_button.setToolTip(_(UNWATCH_TIP if watching else WATCH_TIP))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.DevicePixelRatioChange):
            self.watch_button.setIcon(star_icon(self.palette(), 16, self.devicePixelRatioF()))
        super().changeEvent(event)

    def show_launch(self, launch: Launch, picture: Path | None, *, watching: bool = False) -> None:
        """Fill the pane for `launch`; `picture` is its kept file (None when there is none); `watching`:
        the launch is starred."""
        same = self._launch is not None and self._launch.id == launch.id and picture == self._picture_path
        self._launch = launch
        self._picture_path = picture
        style = status_style(launch.status_abbrev)
        self.name.setText(launch.name)
        self.set_watching(watching)
        self.badge.set_status(launch.status_abbrev)
        reason = launch.fail_reason or launch.hold_reason
        status = launch.status_name if launch.status_name not in ("", "Unknown") else _(style.meaning)
        self.status_text.setText(f"{status} — {reason}" if reason else status)

        values = {
            "net": net_words_long(launch),
            "window": window_words(launch),
            "provider": launch.provider,
            "rocket": launch.rocket,
            "mission": launch.mission_name,
            "mission_type": launch.mission_type,
            "orbit": launch.orbit,
            "pad": launch.pad,
            "location": location_words(launch),
            "probability": f"{launch.probability} %" if launch.probability is not None else "",
            "weather": launch.weather_concerns.strip(),
            "programs": ", ".join(name.strip() for name in launch.programs if name.strip()),
            "hashtag": launch.hashtag.strip(),
            "description": launch.mission_description,
            "credit": launch.image_credit,
            "licence": launch.image_license,
        }
        for key, text in values.items():
            text = "" if text in ("Unknown",) and key not in ("provider",) else text
            self.fields[key].setText(text)
            self.form.setRowVisible(self.fields[key], bool(text))
        self.form.setRowVisible(self._licence_row, web_url(launch.image_license_url) is not None)

        webcast = web_url(self._webcast_address(launch))
        live = launch.webcast_live or (launch.best_webcast is not None and launch.best_webcast.live)
        self.webcast_button.setEnabled(webcast is not None)
        self.webcast_button.setText(_("Watch live") if live and webcast else _("Watch webcast"))
        self.webcast_button.setToolTip("" if webcast else _("No webcast is known for this launch"))
        self._show_parts(launch)
        self.picture_button.setEnabled(picture is not None and picture.is_file())
        self.folder_button.setEnabled(self._images_dir.is_dir())
        self.tick(datetime.now(UTC))
        if not same:
            self._request_picture()
            self.scroll_area.verticalScrollBar().setValue(0)
        self.setCurrentIndex(1)

    def tick(self, now: datetime) -> None:
        """Refresh the countdown (the window calls this while it is visible)."""
        launch = self._launch
        if launch is None:
            return
        words = timefmt.countdown(launch.net, launch.net_precision, now)
        self.countdown.setText(words or "")
        self.countdown.setVisible(words is not None)

    def _request_picture(self) -> None:
        launch = self._launch
        if launch is None:
            return
        if self._picture_path is None:
            self._picture_key = ""
            self.picture.set_picture(None, launch.provider)
            return
        dpr = self.devicePixelRatioF()
        self._picture_key = self._loader.key_for(self._picture_path, PICTURE_BOX, dpr, Fit.CONTAIN)
        pixmap = self._loader.pixmap(self._picture_path, PICTURE_BOX, dpr, Fit.CONTAIN)
        self.picture.set_picture(pixmap, launch.provider)

    @Slot(str)
    def _on_picture(self, key: str) -> None:
        if key and key == self._picture_key:
            self._request_picture()

    def _show_parts(self, launch: Launch) -> None:
        picture_for = self._picture_for
        patches = [
            (patch, picture_for(patch.image_url) if picture_for and patch.image_url else None)
            for patch in launch.patches
        ]
        changes = self._changes_for(launch.id) if self._changes_for else ()
        self.sections.show_parts(
            webcasts=launch.webcasts,
            landings=launch.landings,
            patches=patches,
            info_links=launch.info_links,
            flightclub_url=launch.flightclub_url,
            changes=changes,
            updates=launch.updates,
            net_precision=launch.net_precision,
        )

    @staticmethod
    def _webcast_address(launch: Launch) -> str:
        """The best of the launch's webcasts (live, then priority, then start), else LL2's single link."""
        best = launch.best_webcast
        return best.url if best is not None and web_url(best.url) else launch.webcast_url

    # --- buttons ------------------------------------------------------------------------------
    @Slot()
    def _open_webcast(self) -> None:
        url = web_url(self._webcast_address(self._launch)) if self._launch else None
        if url is not None:
            QDesktopServices.openUrl(url)

    @Slot()
    def _open_licence(self) -> None:
        url = web_url(self._launch.image_license_url) if self._launch else None
        if url is not None:
            QDesktopServices.openUrl(url)

    @Slot()
    def _open_picture(self) -> None:
        if self._picture_path is not None and self._picture_path.is_file():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._picture_path)))

    @Slot()
    def _open_folder(self) -> None:
        if self._images_dir.is_dir():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._images_dir)))
