"""The mission patch mark on a launch card: painted only for launches with a patch, explained on hover.
Offscreen Qt, through the gallery over a store holding launches made for the test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from rocketwatch.ll2.model import Launch, Patch
from rocketwatch.ui.gallery import GalleryWindow
from rocketwatch.ui.launch_model import LaunchRole
from rocketwatch.ui.patch_mark import PATCH_TIP

NET = datetime.now(UTC) + timedelta(days=2)


def looks_orange(color: QColor) -> bool:
    return color.saturation() > 150 and color.value() > 180 and 25 <= color.hsvHue() <= 50


def looks_white(color: QColor) -> bool:
    return color.saturation() < 40 and color.value() > 220


def test_a_card_wears_the_patch_mark_only_when_the_launch_has_a_patch(qtbot, make_controller) -> None:
    controller = make_controller()
    controller.store.launches.upsert(
        [
            Launch(
                id="patched",
                name="Patched",
                net=NET,
                provider="Same",
                patches=(Patch("P", "https://p/x.png"),),
            ),
            Launch(id="plain", name="Plain", net=NET + timedelta(hours=1), provider="Same"),
        ],
        None,
    )
    window = GalleryWindow(controller)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    viewport = window.view.viewport()

    def mark_pixels(row: int) -> tuple[QColor, QColor, QPoint]:
        index = window.proxy.index(row, 0)
        rect = window.delegate.patch_rect(window.view.visualRect(index))
        image = viewport.grab().toImage()
        dpr = image.devicePixelRatio()
        centre, ring = rect.center(), QPoint(round(rect.left() + 1), round(rect.center().y()))
        return (
            image.pixelColor(round(centre.x() * dpr), round(centre.y() * dpr)),
            image.pixelColor(round(ring.x() * dpr), round(ring.y() * dpr)),
            centre.toPoint(),
        )

    assert [window.proxy.index(row, 0).data(LaunchRole.ID) for row in (0, 1)] == ["patched", "plain"]
    centre, ring, point = mark_pixels(0)
    assert looks_white(centre) and looks_orange(ring), (centre.name(), ring.name())
    centre, ring, _ = mark_pixels(1)
    assert not (looks_white(centre) and looks_orange(ring))

    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == PATCH_TIP
    QToolTip.hideText()
