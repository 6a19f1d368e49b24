"""The blast radius panel: what a compromise of one node reaches, worst access first.

One row per reached node (the analysis reaches accounts) with its AWS account id, the access an
attacker gains there (in the canvas's colours), the hops and the path as text. Selecting a row
selects the account and the relationships on its path, so the canvas highlights them. While a
radius is shown, edits recompute it (coalesced into one recomputation per turn of the event
loop); deleting the start clears it.

Rows live in a QAbstractTableModel, so 2,000 reached accounts cost one pass of Python building
plain tuples, not 10,000 widget items.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from designer import analysis
from designer.analysis.radius import Route
from designer.core.events import DesignEvent, Subject
from designer.drawing.views import edge_label
from designer.gui.canvas.style import LEVEL_COLOURS, LEVEL_MEANINGS
from designer.gui.controller import DesignController
from designer.gui.selection import SelectionModel
from designer.model import Design, DesignError
from designer.model.catalog import EntityKind

# What each access level lets an attacker do, in one short line; keyed like style.LEVEL_COLOURS
# (a test checks that every coloured level has its words).
LEVEL_WORDS: Final[dict[str, str]] = LEVEL_MEANINGS
# Worst first: rank of the access (analysis.ACCESS_RANK), then access that lets one go on.
LEVEL_ORDER: Final[tuple[str, ...]] = tuple(
    sorted(
        (str(level) for level in analysis.ACCESS_RANK),
        key=lambda level: (
            -analysis.ACCESS_RANK[level],
            level not in analysis.PIVOT_LEVELS,
            level,
        ),
    )
)
SEVERITY: Final[dict[str, int]] = {level: i for i, level in enumerate(LEVEL_ORDER)}
UNKNOWN_COLOUR: Final = "#616161"
NOT_SET: Final = "not set"

COLUMNS: Final[tuple[str, ...]] = ("Name", "Account id", "Access", "Hops", "Path")
NAME, ACCOUNT_ID, ACCESS, HOPS, PATH = range(len(COLUMNS))
ID_ROLE: Final = Qt.ItemDataRole.UserRole  # the reached node's id, in every column

_ROOT: Final = QModelIndex()  # the invisible root: a table's rows have no parent
_DIGITS: Final = re.compile(r"(\d+)")
NODE_KINDS: Final = (EntityKind.ACCOUNT, EntityKind.IDENTITY_PROVIDER, EntityKind.OUTSIDE)


def severity(level: str) -> int:
    """0 for administrator, growing towards read-only; unknown levels last."""
    return SEVERITY.get(level, len(SEVERITY))


def level_colour(level: str) -> str:
    return LEVEL_COLOURS.get(level, UNKNOWN_COLOUR)


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def name_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order, case-insensitive: "workload 2" before "workload 10"."""
    return tuple(
        (1, int(part), "") if part.isdigit() else (0, 0, part)
        for part in _DIGITS.split(name.casefold())
        if part
    )


@dataclass(frozen=True, slots=True)
class BlastRow:
    """One reached node as the table shows it."""

    node: str
    name: str
    account_id: str | None
    level: str
    hops: int
    path: str
    relationships: tuple[str, ...]
    is_account: bool


def hop_text(relationship: Any, scope: str = "") -> str:
    """A relationship as a step of a path: its edge label and kind ("Admin · ADMIN (trust)");
    one with an OU or the organization at an end says so (`scope`: "to OU Workloads").

    A custom role whose policies make it stronger says what it counts as.
    """
    label = edge_label(relationship) or str(relationship.kind)
    declared = getattr(relationship, "access_level", None)
    effective = analysis.access_level(relationship)
    detail = f"{relationship.kind} {scope}" if scope else str(relationship.kind)
    if declared is not None and str(declared) != effective:
        detail += f", counts as {effective}"
    return f"{label} ({detail})"


def path_text(
    route: Route,
    relationships: dict[str, Any],
    names: dict[str, str],
    scopes: dict[str, str] | None = None,
    arrow: str = " → ",
) -> str:
    """The path as text, from the names of the accounts it goes through and the edge labels,
    for example "Identity → WorkloadAdmin · ADMIN (trust to OU Workloads) → Retail Production".

    `scopes` names the OUs and the organization; a route skipping ahead shows "…".
    """
    scopes = scopes or {}
    nodes = route.nodes
    parts = [names.get(nodes[0], nodes[0])]
    rels = iter(route.relationships)
    for i, node in enumerate(nodes[1:]):
        if i in route.gaps:
            parts.append("…")
        else:
            rel = relationships.get(next(rels, ""))
            if rel is not None:
                parts.append(_hop(rel, scopes))
        parts.append(names.get(node, node))
    return arrow.join(parts)


def _hop(rel: Any, scopes: dict[str, str]) -> str:
    if rel.target in scopes:
        return hop_text(rel, f"to {scopes[rel.target]}")
    if rel.source in scopes:
        return hop_text(rel, f"from {scopes[rel.source]}")
    return hop_text(rel)


def scope_names(design: Design) -> dict[str, str]:
    """OU and organization ids -> "OU Workloads" / "the organization"."""
    found = {design.organization.id: "the organization"}
    found.update((u.id, f"OU {u.name}") for u in design.organizational_units)
    return found


def blast_rows(design: Design, radius: analysis.BlastRadius) -> list[BlastRow]:
    """The rows of a radius, worst access first, then by name (one pass, dict lookups only)."""
    every: list[Any] = [*design.accounts, *design.identity_providers, *design.outside_principals]
    nodes: dict[str, Any] = {n.id: n for n in every}
    names = {node_id: str(node.name) for node_id, node in nodes.items()}
    scopes = scope_names(design)
    accounts = {a.id for a in design.accounts}
    wanted: set[str] = set()
    routes: dict[str, Route] = {}
    for node_id, hit in radius.reached.items():
        route = hit.route  # followed back once per row
        routes[node_id] = route
        wanted.update(route.relationships)
    relationships = {r.id: r for r in design.relationships if r.id in wanted}
    rows = []
    for node_id, hit in radius.reached.items():
        route = routes[node_id]
        node = nodes.get(node_id)
        rows.append(
            BlastRow(
                node=node_id,
                name=names.get(node_id, node_id),
                account_id=getattr(node, "aws_account_id", None),
                level=str(hit.level),
                hops=hit.hops,
                path=path_text(route, relationships, names, scopes),
                relationships=route.relationships,
                is_account=node_id in accounts,
            )
        )
    rows.sort(key=_severity_key)
    return rows


def _severity_key(row: BlastRow) -> tuple[int, tuple[tuple[int, int, str], ...], str]:
    return (severity(row.level), name_key(row.name), row.node)


def _square_icon(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(QPen(QColor(colour).darker(130), 1))
    painter.setBrush(QBrush(QColor(colour)))
    painter.drawRect(1, 1, size - 3, size - 3)
    painter.end()
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)  # the true colour on the selected row too
    return icon


class _AccessDelegate(QStyledItemDelegate):
    """Level colours on normal rows; the selection's own text colour on the selected row, where
    a dark red on the highlight would be hard to read (the square keeps the colour).

    Qt applies the foreground role to selected text too, and does not call a Python override of
    initStyleOption from its own paint, so the item is drawn here.
    """

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        widget = item.widget
        if item.state & QStyle.StateFlag.State_Selected:
            palette = item.palette
            plain = widget.palette() if isinstance(widget, QWidget) else QApplication.palette()
            role = QPalette.ColorRole.HighlightedText
            palette.setBrush(role, plain.brush(role))
            item.palette = palette
        style = widget.style() if isinstance(widget, QWidget) else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)


class BlastModel(QAbstractTableModel):
    """Rows of a blast radius; sortable by any column (ties by severity, then name)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[BlastRow] = []
        self._icons: dict[str, QIcon] = {}
        self._grey = QColor("#8a8a8a")

    # -- contents -------------------------------------------------------------------------------
    @property
    def rows(self) -> list[BlastRow]:
        return list(self._rows)

    def set_rows(self, rows: list[BlastRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> BlastRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, node: str) -> int:
        for i, row in enumerate(self._rows):
            if row.node == node:
                return i
        return -1

    # -- QAbstractTableModel --------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == ID_ROLE:
            return row.node
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == ACCESS:
                return f"{row.level}: {LEVEL_WORDS.get(row.level, 'access of unknown strength')}"
            if column == PATH:
                return row.path
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == ACCESS:
                return QColor(level_colour(row.level))
            if column == ACCOUNT_ID and row.account_id is None:
                return self._grey
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == ACCESS:
            return self._icon(row.level)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == HOPS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(row: BlastRow, column: int) -> str | int:
        if column == NAME:
            return row.name
        if column == ACCOUNT_ID:
            return row.account_id or NOT_SET
        if column == ACCESS:
            return row.level
        if column == HOPS:
            return row.hops
        return row.path

    def _icon(self, level: str) -> QIcon:
        if level not in self._icons:
            self._icons[level] = _square_icon(level_colour(level))
        return self._icons[level]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Access sorts by severity (administrator first when ascending); ties keep severity
        and name order."""
        keys = {
            NAME: lambda r: name_key(r.name),
            ACCOUNT_ID: lambda r: (r.account_id is None, r.account_id or ""),
            ACCESS: lambda r: severity(r.level),
            HOPS: lambda r: r.hops,
            PATH: lambda r: r.path.casefold(),
        }
        key = keys.get(column)
        if key is None:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [self._rows[i.row()] if 0 <= i.row() < len(self._rows) else None for i in persistent]
        self._rows.sort(key=_severity_key)
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)  # stable
        position = {id(row): n for n, row in enumerate(self._rows)}
        self.changePersistentIndexList(
            persistent,
            [
                self.index(position[id(row)], i.column()) if row is not None else QModelIndex()
                for row, i in zip(held, persistent, strict=True)
            ],
        )
        self.layoutChanged.emit()


class BlastRadiusPanel(QWidget):
    """What a compromise of one node reaches, for a dock.

    Signals:
        radius_changed(object): the BlastRadius now listed (after show_radius or a
            recomputation), or None once cleared.
    """

    radius_changed = Signal(object)

    def __init__(
        self,
        controller: DesignController,
        selection: SelectionModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("blast_panel")
        self._controller = controller
        self._selection = selection
        self._start: str | None = None
        self._radius: analysis.BlastRadius | None = None
        self._rebuilding = False

        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(0)
        self._refresh.timeout.connect(self._recompute)

        self.header = QLabel(self)
        self.header.setObjectName("blast_header")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)

        self.model = BlastModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("blast_table")
        self.table.setAccessibleName("Blast radius")
        self.table.setAccessibleDescription(
            "Accounts a compromise reaches, with the access gained, hops and path"
        )
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setCornerButtonEnabled(False)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        self.table.setItemDelegateForColumn(ACCESS, _AccessDelegate(self.table))
        self._size_columns()
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ACCESS, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().selectionChanged.connect(self._row_selected)
        self.table.activated.connect(self._row_activated)

        self.legend = QLabel(self)
        self.legend.setObjectName("blast_legend")
        self.legend.setAccessibleName("Access levels")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setText(legend_html())
        legend_font = self.legend.font()
        legend_font.setPointSizeF(max(7.0, legend_font.pointSizeF() * 0.9))
        self.legend.setFont(legend_font)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)

        controller.changed.connect(self._design_changed)
        controller.reset.connect(self.clear)
        self.clear()

    # -- public ---------------------------------------------------------------------------------
    @property
    def start(self) -> str | None:
        """The node whose radius is listed, or None."""
        return self._start

    @property
    def radius(self) -> analysis.BlastRadius | None:
        return self._radius

    def rows(self) -> list[BlastRow]:
        """The rows in the order the table shows them."""
        return self.model.rows

    def show_radius(self, start_id: str) -> int:
        """List what a compromise of `start_id` reaches; returns how many rows.

        Raises DesignError when nothing with that id is in the design.
        """
        self._controller.document.get(start_id)  # refuses an unknown id
        self._refresh.stop()
        keep = self._selected_node() if start_id == self._start else None
        design = self._controller.design
        radius = analysis.blast_radius(design, start_id, self._controller.access_index())
        rows = blast_rows(design, radius)
        self._start, self._radius = start_id, radius
        self._rebuilding = True
        try:
            self.model.set_rows(rows)
            section = self.table.horizontalHeader().sortIndicatorSection()
            order = self.table.horizontalHeader().sortIndicatorOrder()
            if section != ACCESS or order != Qt.SortOrder.AscendingOrder:
                self.model.sort(section, order)  # the user's chosen order survives edits
            if keep is not None:
                self._select_row(self.model.row_of(keep))
        finally:
            self._rebuilding = False
        self.header.setText(self._header_text(start_id, rows))
        self.radius_changed.emit(radius)
        return len(rows)

    def clear(self) -> None:
        """Empty the panel (nothing listed, no recomputation pending)."""
        self._refresh.stop()
        self._start, self._radius = None, None
        self._rebuilding = True
        try:
            self.model.set_rows([])
        finally:
            self._rebuilding = False
        self.header.setText(
            "No blast radius shown. Select an account, identity provider or outside principal "
            "and choose Show Blast Radius."
        )
        self.radius_changed.emit(None)

    # -- recomputation ----------------------------------------------------------------------------
    def _design_changed(self, event: DesignEvent) -> None:
        if self._start is not None and event.subject != Subject.POSITION:
            self._refresh.start()  # zero delay, single shot: one recomputation per burst

    def _recompute(self) -> None:
        start = self._start
        if start is None:
            return
        try:
            kind = self._controller.document.kind(start)
        except DesignError:
            kind = None
        if kind not in NODE_KINDS:
            self.clear()  # the start was deleted
            return
        self.show_radius(start)

    # -- text -----------------------------------------------------------------------------------
    def _header_text(self, start: str, rows: list[BlastRow]) -> str:
        name = str(getattr(self._controller.document.get(start), "name", start))
        if not rows:
            return f"Compromise of {name} reaches nothing"
        accounts = sum(row.is_account for row in rows)
        admin = sum(row.level == "administrator" for row in rows)
        reached = plural(accounts, "account")
        if accounts != len(rows):
            reached += f" and {plural(len(rows) - accounts, 'other node')}"
        return f"Compromise of {name} reaches {reached} ({admin} with administrator access)"

    # -- selection ------------------------------------------------------------------------------
    def _selected_node(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row = self.model.row_at(rows[0].row())
        return row.node if row is not None else None

    def _select_row(self, row: int) -> None:
        if row < 0:
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().select(
            index,
            self.table.selectionModel().SelectionFlag.ClearAndSelect
            | self.table.selectionModel().SelectionFlag.Rows,
        )
        self.table.setCurrentIndex(index)

    def _row_selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not self._rebuilding:
            self._focus_current()

    def _row_activated(self, _index: QModelIndex) -> None:
        self._focus_current()  # double-click / Enter: show it again

    def _focus_current(self) -> None:
        node = self._selected_node()
        row = self.model.row_at(self.model.row_of(node)) if node is not None else None
        if row is not None:
            self._selection.focus([row.node, *row.relationships])

    # -- layout ---------------------------------------------------------------------------------
    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        pad = 18
        widest_level = max(metrics.horizontalAdvance(level) for level in LEVEL_ORDER)
        self.table.setColumnWidth(NAME, metrics.horizontalAdvance("Payments Production") + pad)
        self.table.setColumnWidth(ACCOUNT_ID, metrics.horizontalAdvance("000000000000") + pad)
        self.table.setColumnWidth(ACCESS, widest_level + 16 + 6 + pad)
        self.table.setColumnWidth(HOPS, metrics.horizontalAdvance("Hops") + pad + 8)


def legend_html() -> str:
    """One line per access level, worst first: a square in its colour, its name, its words."""
    lines = []
    for level in sorted(LEVEL_COLOURS, key=severity):
        colour = level_colour(level)
        words = LEVEL_WORDS.get(level, "")
        lines.append(
            f'<span style="color:{colour}">&#9632;</span> '
            f"<b>{html.escape(level)}</b>: {html.escape(words)}"
        )
    return "<br>".join(lines)
