"""Regenerates RocketWatch's PNG icons from rocketwatch.svg with QtSvg, after the SVG changes.

Run from the repository root: ``QT_QPA_PLATFORM=offscreen uv run python resources/icons/render_icons.py``
(``--check`` only reports PNGs that differ from a fresh render, and exits 1 if any do).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
NOTIFICATION_SIZE = 256


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def targets() -> list[tuple[Path, int]]:
    hicolor = [(ICONS / f"hicolor/{size}x{size}/apps/rocketwatch.png", size) for size in HICOLOR_SIZES]
    return [(ICONS / "rocketwatch.png", NOTIFICATION_SIZE), *hicolor]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(ICONS / "rocketwatch.svg"))
    if not renderer.isValid():
        print("rocketwatch.svg could not be read", file=sys.stderr)
        return 2
    stale = 0
    for path, size in targets():
        image = render(renderer, size)
        if check:
            current = QImage(str(path))
            if current.isNull() or current.convertToFormat(QImage.Format.Format_ARGB32) != image:
                print(f"out of date: {path.relative_to(ICONS)}")
                stale += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(path), "PNG"):
            print(f"could not write {path}", file=sys.stderr)
            return 2
        print(f"wrote {path.relative_to(ICONS)} ({size} px)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
