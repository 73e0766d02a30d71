"""Launch pictures for the windows: decoded and scaled off the GUI thread, then kept in a bounded LRU cache.

A QRunnable in QThreadPool decodes a QImage; the GUI thread turns it into a QPixmap when it arrives.
"""

from __future__ import annotations

import contextlib
import logging
from collections import OrderedDict
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, QRect, QRunnable, QSize, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage, QImageReader, QPixmap

log = logging.getLogger(__name__)

DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024  # about 400 card thumbnails at 2x


class Fit(StrEnum):
    COVER = "cover"  # fill the box, cropping the overflow (cards)
    CONTAIN = "contain"  # fit inside the box, never enlarged (the detail pane)


def picture_key(path: Path | str, size: QSize, dpr: float, fit: Fit) -> str:
    """The cache key of one file decoded for one box (logical pixels at a device pixel ratio)."""
    return f"{fit}:{size.width()}x{size.height()}@{dpr:g}:{path}"


def device_box(size: QSize, dpr: float) -> QSize:
    return QSize(max(1, round(size.width() * dpr)), max(1, round(size.height() * dpr)))


def _covers(size: QSize, box: QSize) -> bool:
    return size.isValid() and size.width() >= box.width() and size.height() >= box.height()


def pick_source(paths: tuple[str, ...], box: QSize) -> QImageReader | None:
    """A reader for the first file big enough for `box`, else for the last readable one.

    Lets a card use the small thumbnail at 1x and the full picture on a high-DPI screen (or when the
    thumbnail is missing). Only image headers are read here."""
    chosen: QImageReader | None = None
    for path in paths:
        reader = QImageReader(path)
        if not reader.canRead():
            continue
        chosen = reader
        if _covers(reader.size(), box):
            break
    return chosen


def decode_picture(paths: tuple[str, ...], box: QSize, fit: Fit) -> QImage:
    """Read an image file scaled for `box` (device pixels); a null QImage when none can be read.

    Runs in a worker thread: QImage (unlike QPixmap) may be used outside the GUI thread.
    """
    reader = pick_source(paths, box)
    if reader is None:
        log.debug("cannot read any of %s", paths)
        return QImage()
    reader.setAutoTransform(True)
    source = reader.size()
    if source.isValid() and not source.isEmpty() and box.width() > 0 and box.height() > 0:
        mode = (
            Qt.AspectRatioMode.KeepAspectRatioByExpanding
            if fit is Fit.COVER
            else Qt.AspectRatioMode.KeepAspectRatio
        )
        wanted = source.scaled(box, mode)
        if wanted.width() < source.width():  # let the decoder shrink (JPEG does it cheaply)
            reader.setScaledSize(wanted)
    image = reader.read()
    if image.isNull():
        log.debug("cannot read picture %s: %s", reader.fileName(), reader.errorString())
        return QImage()
    if box.width() <= 0 or box.height() <= 0:
        pass
    elif fit is Fit.COVER and image.size() != box:
        image = image.scaled(
            box, Qt.AspectRatioMode.KeepAspectRatioByExpanding, Qt.TransformationMode.SmoothTransformation
        )
        left = (image.width() - box.width()) // 2
        top = (image.height() - box.height()) // 3  # keep more of the top: rockets point up
        image = image.copy(QRect(left, top, box.width(), box.height()))
    elif fit is Fit.CONTAIN and (image.width() > box.width() or image.height() > box.height()):
        image = image.scaled(
            box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    wanted_format = (
        QImage.Format.Format_ARGB32_Premultiplied if image.hasAlphaChannel() else QImage.Format.Format_RGB32
    )
    return image.convertToFormat(wanted_format)


class _Courier(QObject):
    """Carries decoded images from worker threads to the GUI thread (a queued signal)."""

    decoded = Signal(str, QImage, float)


_courier: _Courier | None = None


def _the_courier() -> _Courier:
    """One courier for the application, created in the GUI thread and never deleted while tasks run."""
    global _courier
    if _courier is None:
        _courier = _Courier()
    return _courier


class _DecodeTask(QRunnable):
    def __init__(
        self, key: str, paths: tuple[str, ...], box: QSize, dpr: float, fit: Fit, courier: _Courier
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._key, self._paths, self._box, self._dpr, self._fit = key, paths, QSize(box), dpr, fit
        self._courier = courier

    def run(self) -> None:
        try:
            image = decode_picture(self._paths, self._box, self._fit)
        except Exception:  # a broken file must never take the worker down
            log.exception("decoding %s failed", self._paths)
            image = QImage()
        with contextlib.suppress(RuntimeError):  # the application is going away
            self._courier.decoded.emit(self._key, image, self._dpr)


class PictureLoader(QObject):
    """Pictures scaled for a box, decoded in QThreadPool and cached as QPixmaps (LRU, bounded in bytes).

    `pixmap()` answers at once: the cached pixmap, or None while the file is decoded (then `ready`
    is emitted with the key) or when it cannot be read (`failed`; it is not tried again until
    `forget_failures()`).
    """

    ready = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        budget_bytes: int = DEFAULT_BUDGET_BYTES,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self.budget_bytes = budget_bytes
        self._pool = pool or QThreadPool.globalInstance()
        self._cache: OrderedDict[str, QPixmap] = OrderedDict()
        self._cost = 0
        self._pending: set[str] = set()
        self._failures: set[str] = set()
        self._sequence = 0
        _the_courier().decoded.connect(self._on_decoded)

    # --- asking -------------------------------------------------------------------------------
    def pixmap(
        self,
        path: Path | str | None,
        size: QSize,
        dpr: float = 1.0,
        fit: Fit = Fit.COVER,
        sharper: Path | str | None = None,
    ) -> QPixmap | None:
        """The picture at `path` for a box of `size` logical pixels, or None (for now).

        `sharper` is a bigger file of the same picture, used when `path` is too small for the box
        (a thumbnail on a high-DPI screen) or cannot be read."""
        if not path:
            return None
        key = picture_key(path, size, dpr, fit)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        if key not in self._pending and key not in self._failures:
            self._pending.add(key)
            self._sequence += 1
            # Newest first: what the user scrolled to now matters more than what flew by.
            paths = (str(path), str(sharper)) if sharper and sharper != path else (str(path),)
            task = _DecodeTask(key, paths, device_box(size, dpr), dpr, fit, _the_courier())
            self._pool.start(task, self._sequence % 2_000_000_000)
        return None

    def key_for(self, path: Path | str, size: QSize, dpr: float = 1.0, fit: Fit = Fit.COVER) -> str:
        return picture_key(path, size, dpr, fit)

    def is_pending(self, key: str) -> bool:
        return key in self._pending

    def has_failed(self, key: str) -> bool:
        return key in self._failures

    def forget_failures(self) -> None:
        """Try unreadable files again (after a run may have fetched them anew)."""
        self._failures.clear()

    def clear(self) -> None:
        self._cache.clear()
        self._cost = 0
        self._failures.clear()

    @property
    def cost_bytes(self) -> int:
        return self._cost

    @property
    def cached_count(self) -> int:
        return len(self._cache)

    # --- answers ------------------------------------------------------------------------------
    @Slot(str, QImage, float)
    def _on_decoded(self, key: str, image: QImage, dpr: float) -> None:
        if key not in self._pending:  # another loader's picture
            return
        self._pending.discard(key)
        if image.isNull():
            self._failures.add(key)
            self.failed.emit(key)
            return
        pixmap = QPixmap.fromImage(image)  # QPixmap only ever in the GUI thread
        pixmap.setDevicePixelRatio(dpr)
        self._store(key, pixmap)
        self.ready.emit(key)

    def _store(self, key: str, pixmap: QPixmap) -> None:
        cost = pixmap.width() * pixmap.height() * 4
        old = self._cache.pop(key, None)
        if old is not None:
            self._cost -= old.width() * old.height() * 4
        self._cache[key] = pixmap
        self._cost += cost
        while self._cost > self.budget_bytes and len(self._cache) > 1:
            _, evicted = self._cache.popitem(last=False)
            self._cost -= evicted.width() * evicted.height() * 4


class CardPictures:
    """The card pictures of one list model: decoded for the cards' box and screen, and which rows wait for
    which picture, so the model repaints exactly those rows when the loader has it."""

    def __init__(self, loader: PictureLoader, size: QSize) -> None:
        self.loader = loader
        self.size = QSize(size)
        self.dpr = 1.0
        self._waiting: dict[str, set[int]] = {}

    def resize(self, size: QSize, dpr: float) -> bool:
        """Decode for a new box or screen from now on; False when nothing changed."""
        if size == self.size and dpr == self.dpr:
            return False
        self.size, self.dpr = QSize(size), dpr
        self._waiting.clear()
        return True

    def forget_rows(self) -> None:
        """The model's rows were replaced: no row waits any more."""
        self._waiting.clear()

    def pixmap(self, row: int, path: Path | None, sharper: Path | None) -> QPixmap | None:
        """Row `row`'s card picture, or None for now (the row is repainted when it is decoded)."""
        if path is None:
            return None
        pixmap = self.loader.pixmap(path, self.size, self.dpr, Fit.COVER, sharper=sharper)
        if pixmap is None:
            key = self.loader.key_for(path, self.size, self.dpr, Fit.COVER)
            if self.loader.is_pending(key):
                self._waiting.setdefault(key, set()).add(row)
        return pixmap

    def rows_ready(self, key: str) -> list[int]:
        """The rows that waited for the picture decoded under `key`, in order."""
        return sorted(self._waiting.pop(key, ()))
