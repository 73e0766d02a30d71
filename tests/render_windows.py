"""Renders the gallery, the detail pane, the run history and the settings dialog of a home to PNG files.

Run by tests/e2e/test_screenshots.py under a real X server: python tests/render_windows.py HOME OUTDIR.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from rocketwatch import i18n
from rocketwatch.config import load_config
from rocketwatch.ll2.model import Launch
from rocketwatch.notify import ChainNotifier, LogNotifier
from rocketwatch.paths import paths_for
from rocketwatch.ui.controller import RunController
from rocketwatch.ui.gallery import GalleryWindow
from rocketwatch.ui.history import DEFAULT_SIZE as HISTORY_SIZE
from rocketwatch.ui.history import HistoryWindow
from rocketwatch.ui.icons import app_icon
from rocketwatch.ui.language import install_qt_translation
from rocketwatch.ui.settings import SettingsDialog


def settle(app: QApplication, seconds: float) -> None:
    """Let the event loop run (thumbnails decode in a pool and arrive as events)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def save_detail(app: QApplication, gallery: GalleryWindow, controller: RunController, path: Path) -> None:
    """The detail pane of the launch with the most to show (webcasts, landings, patches, updates, changes;
    a slip first), its whole height at the pane's width."""
    changes = controller.store.launches.change_counts()
    slipped = {change.launch_id for change in controller.store.launches.changes() if change.field == "net"}

    def parts(launch: Launch) -> tuple[int, ...]:
        return (
            bool(launch.webcasts)
            + bool(launch.landings)
            + bool(launch.patches)
            + bool(launch.updates)
            + bool(changes.get(launch.id)),
            launch.id in slipped,
            changes.get(launch.id, 0),
            len(launch.updates),
        )

    richest = max(controller.store.launches.upcoming(), key=parts)
    gallery.show_launch(richest.id)
    settle(app, 1.5)
    gallery.detail.scroll_area.widget().grab().save(str(path))  # the scrolled body: as tall as its content


def main(home: Path, outdir: Path) -> int:
    app = QApplication(sys.argv[:1])
    app.setApplicationName("RocketWatch")
    app.setWindowIcon(app_icon())
    paths = paths_for(home)
    config = load_config(paths.config_file)
    i18n.setup(config.general.language)  # as the app does: the settings' language, or the desktop's
    install_qt_translation(app)
    controller = RunController(paths, config, ChainNotifier([LogNotifier()]))
    outdir.mkdir(parents=True, exist_ok=True)

    gallery = GalleryWindow(controller)
    gallery.resize(1280, 760)
    gallery.show()
    settle(app, 1.5)
    first = controller.store.launches.upcoming()[1]
    gallery.show_launch(first.id)
    settle(app, 1.5)
    gallery.grab().save(str(outdir / "gallery.png"))
    save_detail(app, gallery, controller, outdir / "detail.png")

    history = HistoryWindow(controller)
    history.resize(HISTORY_SIZE)  # its own default size: every column shows
    history.show()
    settle(app, 0.5)
    retried = next(run for run in controller.store.runs.latest(limit=50) if run.retries)
    row = history.model.row_of(retried.id)
    history.table.selectRow(row)
    settle(app, 0.5)
    history.grab().save(str(outdir / "history.png"))

    settings = SettingsDialog(controller, home=home)
    settings.show()
    settle(app, 0.5)
    settings.grab().save(str(outdir / "settings.png"))
    for tab, name in (
        (1, "settings-source"),
        (2, "settings-pipeline"),
        (4, "settings-alerts"),
        (5, "settings-general"),
    ):
        settings.tabs.setCurrentIndex(tab)
        settle(app, 0.3)
        settings.grab().save(str(outdir / f"{name}.png"))
    for window in (gallery, history, settings):
        window.close()
    controller.shutdown(5)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
