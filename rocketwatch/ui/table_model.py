"""A read-only table model over a Python list of rows with fixed column headers.

The run history, a run's tries and a run's notifications are all such tables.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from rocketwatch.i18n import _

AnyIndex = QModelIndex | QPersistentModelIndex


class RowsTableModel(QAbstractTableModel):
    """Rows in `self._rows`, one column per entry of `headers` (marked with N_, shown translated); selectable,
    never editable."""

    headers: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.headers)
        ):
            return _(self.headers[section])
        return None

    def row_object(self, index: AnyIndex) -> Any | None:
        """The row behind a valid index of this model, else None."""
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(self.headers):
            return None
        return self._rows[index.row()]

    def at(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None
