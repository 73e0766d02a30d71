"""The start-up baseline: a bare PySide6 program that only shows a QSystemTrayIcon, then idles.

Like the tray app it appends time.time() to the file named by $ROCKETWATCH_STARTUP_MARK once the icon shows.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon


def main() -> int:
    QApplication.setApplicationName("BareTray")
    QApplication.setQuitOnLastWindowClosed(False)
    app = QApplication(sys.argv[:1])
    pixmap = QPixmap(64, 64)
    pixmap.fill(QColor("#3b82f6"))
    tray = QSystemTrayIcon(QIcon(pixmap))
    tray.setToolTip("Bare tray")

    def show() -> None:
        tray.show()
        mark = os.environ.get("ROCKETWATCH_STARTUP_MARK")
        if mark:
            with open(mark, "a", encoding="utf-8") as handle:
                handle.write(f"{time.time():.6f}\n")

    if QSystemTrayIcon.isSystemTrayAvailable():
        show()
    else:  # as the app does: look again until a tray appears
        timer = QTimer(interval=500)

        def look() -> None:
            if QSystemTrayIcon.isSystemTrayAvailable():
                timer.stop()
                show()

        timer.timeout.connect(look)
        timer.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
