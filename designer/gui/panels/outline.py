"""The outline panel: the whole design as a tree, including what has no place on the canvas.

Groups: the organization (root, OUs nested as in the design, each OU's accounts under it),
identity providers, outside principals, log buckets and service control policies, each in design
order so that the outline reads like the file. A filter narrows it to matching rows and their
ancestors (a recursive QSortFilterProxyModel, so the matching runs in C++).

The tree is rebuilt from the design on a zero-delay single-shot timer: a burst of events (a paste
of 200 accounts, the undo of a big delete) costs one rebuild. Measured offscreen at 2,000
accounts: first build ~50 ms (~120 ms cold, with the first paint), rebuild after an edit ~60 ms,
one filter keystroke under 15 ms.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QIcon,
    QKeyEvent,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyle,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from designer.core.events import DesignEvent, Subject
from designer.drawing.views import IDP_COLOUR, OUTSIDE_STYLES, function_colour
from designer.gui.controller import DesignController
from designer.gui.outside import identifier_text
from designer.gui.selection import SelectionModel
from designer.model.catalog import EntityKind
from designer.model.design import Design
from designer.model.errors import DesignError
from designer.model.governance import LogBucket, ServiceControlPolicy
from designer.model.nodes import Account, IdentityProvider, OrganizationalUnit, OutsidePrincipal
from designer.model.vocabulary import FUNCTION_LABELS

ID_ROLE = Qt.ItemDataRole.UserRole  # entity id, or the group key on group rows
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # an EntityKind value, or GROUP
FILTER_ROLE = Qt.ItemDataRole.UserRole + 2  # casefolded "name\naccount id": what the filter sees

GROUP = "group"
RENAMEABLE = frozenset(
    {EntityKind.ACCOUNT, EntityKind.OU, EntityKind.IDENTITY_PROVIDER, EntityKind.OUTSIDE}
)
# What the outline shows; relationships, positions, waivers, the usage policy and the design's
# own name are not in it, so their events are dropped at once.
RELEVANT_SUBJECTS = frozenset(
    {
        Subject.ORGANIZATION,
        Subject.OU,
        Subject.ACCOUNT,
        Subject.IDENTITY_PROVIDER,
        Subject.OUTSIDE,
        Subject.LOG_BUCKET,
        Subject.SCP,
    }
)
IDP_KINDS = {
    "saml": "SAML 2.0",
    "oidc": "OIDC",
    "directory-service": "Directory Service",
    "identity-center": "IAM Identity Center",
}
BUCKET_COLOUR = "#b35900"  # the log-archive hue
SCP_COLOUR = "#8e0000"
MAX_TIP_TARGETS = 12  # an SCP tooltip names this many targets, then "and n more"


@dataclass(frozen=True)
class GroupSpec:
    key: str
    title: str
    unit: str = ""  # what the count counts, when the title alone does not say it


ORGANIZATION = GroupSpec("organization", "Organization", "accounts")
IDENTITY_PROVIDERS = GroupSpec("identity_providers", "Identity providers")
OUTSIDE_PRINCIPALS = GroupSpec("outside_principals", "Outside principals")
LOG_BUCKETS = GroupSpec("log_buckets", "Log buckets")
SCPS = GroupSpec("scps", "Service control policies")
GROUPS: tuple[GroupSpec, ...] = (
    ORGANIZATION,
    IDENTITY_PROVIDERS,
    OUTSIDE_PRINCIPALS,
    LOG_BUCKETS,
    SCPS,
)


def group_title(spec: GroupSpec, total: int, shown: int | None = None) -> str:
    """A group row's text: "Log buckets (2)", "Organization (13 accounts)"; while filtering
    "Log buckets (1 of 2)"."""
    count = f"{total:,}" if shown is None else f"{shown:,} of {total:,}"
    unit = f" {spec.unit}" if spec.unit else ""
    return f"{spec.title} ({count}{unit})"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _swatch(colour: str, round_: bool = False, hollow: bool = False) -> QIcon:
    """A small coloured mark per kind of row, in the canvas's colours."""
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(colour), 1.6, Qt.PenStyle.DashLine if hollow else Qt.PenStyle.SolidLine)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush if hollow else QBrush(QColor(colour)))
    if round_:
        painter.drawEllipse(2, 2, 10, 10)
    else:
        painter.drawRoundedRect(2, 2, 10, 10, 2, 2)
    painter.end()
    return QIcon(pixmap)


@dataclass(frozen=True)
class _Look:
    """What rows are drawn with, taken once per build from the panel's style and palette."""

    folder: QIcon
    root: QIcon
    bold: QFont
    grey: QBrush
    swatches: dict[tuple[str, bool, bool], QIcon]  # the panel's: drawn once, not per row

    def swatch(self, colour: str, round_: bool = False, hollow: bool = False) -> QIcon:
        key = (colour, round_, hollow)
        icon = self.swatches.get(key)
        if icon is None:
            icon = self.swatches[key] = _swatch(colour, round_, hollow)
        return icon


class _Outline:
    """One build of the tree from a design: the top-level rows, the name cell of every entity
    by id, and per group the casefolded search text of each row its count counts."""

    def __init__(self, design: Design, look: _Look) -> None:
        self.design = design
        self.look = look
        self.rows: dict[str, QStandardItem] = {}
        self.groups: dict[str, QStandardItem] = {}
        self.counted: dict[str, list[str]] = {spec.key: [] for spec in GROUPS}
        self.names = {a.id: a.name for a in design.accounts}
        known = {u.id for u in design.organizational_units}
        self.ous: dict[str | None, list[OrganizationalUnit]] = {}
        self.accounts: dict[str | None, list[Account]] = {}
        # The integrity check refuses an unknown parent; were one to slip through, the row
        # would still show, at the root, rather than vanish from the outline.
        for unit in design.organizational_units:
            self.ous.setdefault(unit.parent if unit.parent in known else None, []).append(unit)
        for account in design.accounts:
            parent = account.parent if account.parent in known else None
            self.accounts.setdefault(parent, []).append(account)
        self.totals: dict[str | None, int] = {}
        self._total(None)
        self.top = [
            self._group(ORGANIZATION, [self._root()]),
            self._group(IDENTITY_PROVIDERS, [self._idp(i) for i in design.identity_providers]),
            self._group(OUTSIDE_PRINCIPALS, [self._outside(p) for p in design.outside_principals]),
            self._group(LOG_BUCKETS, [self._bucket(b) for b in design.log_buckets]),
            self._group(SCPS, self._scps()),
        ]

    # -- rows ---------------------------------------------------------------------------------
    def _row(
        self,
        entity_id: str,
        kind: EntityKind,
        name: str,
        detail: str,
        tip: str,
        icon: QIcon,
        search: str,
    ) -> list[QStandardItem]:
        cell = QStandardItem(icon, name)
        cell.setData(entity_id, ID_ROLE)
        cell.setData(kind.value, KIND_ROLE)
        cell.setData(search, FILTER_ROLE)
        cell.setToolTip(tip)
        second = QStandardItem(detail)
        second.setToolTip(tip)
        self.rows[entity_id] = cell
        return [cell, second]

    def _group(self, spec: GroupSpec, rows: list[list[QStandardItem]]) -> list[QStandardItem]:
        group = QStandardItem(group_title(spec, len(self.counted[spec.key])))
        group.setData(spec.key, ID_ROLE)
        group.setData(GROUP, KIND_ROLE)
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not selectable
        group.setFont(self.look.bold)
        if not rows:
            group.setForeground(self.look.grey)
        for row in rows:
            group.appendRow(row)
        self.groups[spec.key] = group
        second = QStandardItem()
        second.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return [group, second]

    def _count(self, spec: GroupSpec, search: str) -> str:
        self.counted[spec.key].append(search)
        return search

    # -- the organization ---------------------------------------------------------------------
    def _root(self) -> list[QStandardItem]:
        org = self.design.organization
        tip = f"<b>{html.escape(org.name)}</b><br>The organization root"
        if org.organization_id:
            tip += f" ({html.escape(org.organization_id)})"
        detail = _plural(self.totals[None], "account")
        search = org.name.casefold()
        row = self._row(
            org.id,
            EntityKind.ORGANIZATION,
            f"{org.name} (root)",
            detail,
            tip,
            self.look.root,
            search,
        )
        self._fill(row[0], None)
        return row

    def _total(self, parent: str | None) -> int:
        """Accounts in and below `parent` (None: the root), remembered for every OU."""
        total = len(self.accounts.get(parent, []))
        total += sum(self._total(unit.id) for unit in self.ous.get(parent, []))
        self.totals[parent] = total
        return total

    def _fill(self, cell: QStandardItem, parent: str | None) -> None:
        """Child OUs first, then accounts, each in design order."""
        for unit in self.ous.get(parent, []):
            row = self._ou(unit)
            cell.appendRow(row)
            self._fill(row[0], unit.id)
        for account in self.accounts.get(parent, []):
            cell.appendRow(self._account(account))

    def _ou(self, unit: OrganizationalUnit) -> list[QStandardItem]:
        total = self.totals[unit.id]
        tip = f"<b>{html.escape(unit.name)}</b><br>{_plural(total, 'account')} in it and below"
        if unit.description:
            tip += f"<br>{html.escape(unit.description)}"
        detail = _plural(total, "account")
        return self._row(
            unit.id, EntityKind.OU, unit.name, detail, tip, self.look.folder, unit.name.casefold()
        )

    def _account(self, account: Account) -> list[QStandardItem]:
        functions = ", ".join(FUNCTION_LABELS.get(f, str(f)) for f in account.functions)
        tip = f"<b>{html.escape(account.name)}</b><br>{html.escape(functions)}"
        number = account.aws_account_id or ""
        search = self._count(ORGANIZATION, f"{account.name}\n{number}".casefold())
        icon = self.look.swatch(function_colour(list(account.functions)))
        row = self._row(
            account.id, EntityKind.ACCOUNT, account.name, number or "planned", tip, icon, search
        )
        if not number:
            row[1].setForeground(self.look.grey)
        return row

    # -- the other groups ---------------------------------------------------------------------
    def _idp(self, idp: IdentityProvider) -> list[QStandardItem]:
        kind = IDP_KINDS.get(str(idp.kind), str(idp.kind))
        tip = f"<b>{html.escape(idp.name)}</b><br>{html.escape(kind)}"
        if idp.home_account in self.names:
            tip += f", configured in {html.escape(self.names[idp.home_account])}"
        search = self._count(IDENTITY_PROVIDERS, idp.name.casefold())
        return self._row(
            idp.id,
            EntityKind.IDENTITY_PROVIDER,
            idp.name,
            kind,
            tip,
            self.look.swatch(IDP_COLOUR, round_=True),
            search,
        )

    def _outside(self, principal: OutsidePrincipal) -> list[QStandardItem]:
        look = OUTSIDE_STYLES[principal.kind]
        identifier = identifier_text(principal)
        tip = f"<b>{html.escape(principal.name)}</b><br>{html.escape(look.title)}: "
        tip += html.escape(identifier)
        if principal.owner:
            tip += f"<br>{html.escape(principal.owner)}"
        search = self._count(OUTSIDE_PRINCIPALS, f"{principal.name}\n{identifier}".casefold())
        return self._row(
            principal.id,
            EntityKind.OUTSIDE,
            principal.name,
            f"{look.title}: {identifier}",
            tip,
            self.look.swatch(look.colour, hollow=True),
            search,
        )

    def _bucket(self, bucket: LogBucket) -> list[QStandardItem]:
        owner = self.names.get(bucket.account, bucket.account)
        tip = f"<b>{html.escape(bucket.name)}</b><br>Owned by {html.escape(owner)}"
        search = self._count(LOG_BUCKETS, bucket.name.casefold())
        return self._row(
            bucket.id,
            EntityKind.LOG_BUCKET,
            bucket.name,
            owner,
            tip,
            self.look.swatch(BUCKET_COLOUR, round_=True),
            search,
        )

    def _scps(self) -> list[list[QStandardItem]]:
        design = self.design
        targets: dict[str, list[str]] = {}
        for scp_id in design.organization.root_scps:
            targets.setdefault(scp_id, []).append("Root")
        holders: list[OrganizationalUnit | Account] = [*design.organizational_units]
        holders += design.accounts
        for holder in holders:
            for scp_id in holder.scps:
                targets.setdefault(scp_id, []).append(holder.name)
        return [self._scp(s, targets.get(s.id, [])) for s in design.service_control_policies]

    def _scp(self, scp: ServiceControlPolicy, targets: list[str]) -> list[QStandardItem]:
        detail = _plural(len(targets), "target") if targets else "not attached"
        named = ", ".join(html.escape(t) for t in targets[:MAX_TIP_TARGETS])
        if len(targets) > MAX_TIP_TARGETS:
            named += f" and {len(targets) - MAX_TIP_TARGETS:,} more"
        tip = f"<b>{html.escape(scp.name)}</b><br>" + (f"Attached to {named}" if named else detail)
        search = self._count(SCPS, scp.name.casefold())
        return self._row(
            scp.id, EntityKind.SCP, scp.name, detail, tip, self.look.swatch(SCP_COLOUR), search
        )


class _OutlineTree(QTreeView):
    """A tree whose Enter / Return reports the current row, like a double-click: Qt's own
    `activated` also fires on a single click on some platforms, which must not rename."""

    enter_pressed = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        current = self.currentIndex()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.isValid():
            self.enter_pressed.emit(current)
            event.accept()
            return
        super().keyPressEvent(event)


class OutlinePanel(QWidget):
    """The design as a filterable tree; selecting rows selects (and centres) them everywhere.

    Signals:
        rename_requested(str): double-click or Enter on an account, OU, identity provider or
            outside principal, with its id (the window connects it to the in-place rename).
    """

    rename_requested = Signal(str)

    def __init__(
        self,
        controller: DesignController,
        selection: SelectionModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("outline")
        self._controller = controller
        self._selection = selection
        self.rebuild_count = 0  # builds of the tree so far (tests and benchmarks read it)
        self._outline: _Outline | None = None
        self._swatches: dict[tuple[str, bool, bool], QIcon] = {}
        self._collapsed: set[str] = set()  # ids and group keys the user closed, kept across builds
        self._quiet = False  # set while the panel itself changes the tree: no feedback
        self._filtered_by = ""  # the needle the proxy filters by
        self._details_width: int | None = None  # of the second column; the user may resize it

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)  # after the current burst of events, once
        self._timer.timeout.connect(self.rebuild)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("outline_filter")
        self.filter_edit.setAccessibleName("Filter the outline")
        self.filter_edit.setPlaceholderText("Filter by name or account id")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._apply_filter)

        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels(["Name", "Details"])
        self._detached = QStandardItemModel(self)  # the proxy's source while the filter changes
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)  # a match keeps its ancestors
        self.proxy.setFilterRole(FILTER_ROLE)
        self.proxy.setFilterKeyColumn(0)
        # FILTER_ROLE and the needle are both casefolded, so the view and the counts agree.
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)

        self.tree = _OutlineTree(self)
        self._setup_tree()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.tree, 1)

        self._stale = False  # the design changed while the panel was hidden
        self._on_screen = True  # False while its dock's tab is behind another one
        controller.changed.connect(self._design_changed)
        controller.reset.connect(self._design_reset)
        selection.selection_changed.connect(self._selection_changed)
        self.rebuild()

    def _setup_tree(self) -> None:
        tree = self.tree
        tree.setObjectName("outline_tree")
        tree.setAccessibleName("Design outline")
        tree.setModel(self.proxy)
        tree.setUniformRowHeights(True)  # lets the view skip measuring 2,000 rows
        tree.setIndentation(14)  # OUs nest five deep: keep names readable in a narrow dock
        tree.setHeaderHidden(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tree.setExpandsOnDoubleClick(False)  # a double-click renames; groups toggle by hand
        tree.setAllColumnsShowFocus(True)
        tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        tree.header().setStretchLastSection(False)
        self._size_columns()
        tree.selectionModel().selectionChanged.connect(self._tree_selection_changed)
        tree.doubleClicked.connect(self._activated)
        tree.enter_pressed.connect(self._activated)
        tree.expanded.connect(self._expanded)
        tree.collapsed.connect(self._collapsed_row)
        tree.header().sectionResized.connect(self._section_resized)

    def _size_columns(self) -> None:
        """Names take the room; details keep an account id's width. A reset of the proxy
        resets the header's sections, so this runs again after each one."""
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        if self._details_width is None:
            self._details_width = self.tree.fontMetrics().horizontalAdvance("000000000000") + 16
        header.resizeSection(1, self._details_width)

    def _section_resized(self, section: int, _old: int, new: int) -> None:
        if section == 1 and new > 0 and not self._quiet:  # the user's width, kept across resets
            self._details_width = new

    # -- public -------------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Build the tree from the design now (normally on the timer, after a burst of edits),
        keeping the filter, what the user collapsed, the selection and the scroll position."""
        self._timer.stop()
        self._stale = False
        self.rebuild_count += 1
        scroll = self.tree.verticalScrollBar().value()
        outline = _Outline(self._controller.design, self._look())
        with self._quietly():
            self.tree.setUpdatesEnabled(False)
            try:
                self.model.removeRows(0, self.model.rowCount())  # old items die here
                self._outline = outline
                for row in outline.top:
                    self.model.appendRow(row)
                self._apply_filter()
            finally:
                self.tree.setUpdatesEnabled(True)
        self.tree.verticalScrollBar().setValue(scroll)

    def row_index(self, entity_id: str) -> QModelIndex:
        """The tree (proxy) index of an entity's row; invalid when it is not shown."""
        self._freshen()
        item = self._outline.rows.get(entity_id) if self._outline else None
        return self.proxy.mapFromSource(item.index()) if item is not None else QModelIndex()

    def group_title(self, key: str) -> str:
        """The text of a group row, e.g. "Log buckets (2)" or "Log buckets (1 of 2)"."""
        self._freshen()
        return self._outline.groups[key].text() if self._outline else ""

    # -- keeping up with the design -----------------------------------------------------------
    def _design_changed(self, event: DesignEvent) -> None:
        if event.subject not in RELEVANT_SUBJECTS:
            return
        if self.on_screen():
            self._timer.start()  # restarts: one rebuild for the whole burst
        else:
            self._stale = True  # behind another tab: built when shown (2,000 rows cost)

    def _design_reset(self) -> None:
        if self.on_screen():
            self.rebuild()
        else:
            self._stale = True

    def _freshen(self) -> None:
        if self._stale or self._timer.isActive():
            self.rebuild()

    def on_screen(self) -> bool:
        return self._on_screen and self.isVisible()

    def set_on_screen(self, shown: bool) -> None:
        """Its dock's tab came to the front (or went behind another)."""
        self._on_screen = shown
        self._catch_up()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._catch_up()

    def _catch_up(self) -> None:
        if self._stale and self.on_screen():
            self.rebuild()
            self._show_selection(self._selection.ids, scroll=True)

    def _look(self) -> _Look:
        bold = QFont(self.tree.font())
        bold.setBold(True)
        grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        icons = self.style()
        return _Look(
            folder=icons.standardIcon(QStyle.StandardPixmap.SP_DirIcon),
            root=icons.standardIcon(QStyle.StandardPixmap.SP_DriveNetIcon),
            bold=bold,
            grey=QBrush(grey),
            swatches=self._swatches,
        )

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Changes the panel makes to the tree itself are not the user's: do not echo them."""
        previous, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = previous

    # -- filter and expansion -----------------------------------------------------------------
    def _needle(self) -> str:
        return self.filter_edit.text().strip().casefold()

    def _apply_filter(self) -> None:
        needle = self._needle()
        with self._quietly():
            self._update_titles(needle)
            self._set_needle(needle)
            self._restore_expansion(needle)
            for row in range(self.proxy.rowCount()):  # spans are per index: set them again
                self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
            self._show_selection(self._selection.ids, scroll=False)

    def _set_needle(self, needle: str) -> None:
        if needle == self._filtered_by:
            return
        # On a connected proxy a new filter removes and inserts rows range by range, and the
        # tree lays itself out again after each: 0.4 s for one keystroke at 2,000 accounts.
        # Detached, it is one reset; expansion and selection are restored by the caller.
        self.proxy.setSourceModel(self._detached)
        self.proxy.setFilterFixedString(needle)
        self.proxy.setSourceModel(self.model)
        self._filtered_by = needle
        self._size_columns()

    def _update_titles(self, needle: str) -> None:
        if self._outline is None:
            return
        for spec in GROUPS:
            texts = self._outline.counted[spec.key]
            shown = sum(needle in text for text in texts) if needle else None
            self._outline.groups[spec.key].setText(group_title(spec, len(texts), shown))

    def _restore_expansion(self, needle: str) -> None:
        self.tree.expandAll()
        if needle or self._outline is None:
            return  # while filtering, every match shows
        items = {**self._outline.groups, **self._outline.rows}
        for key in self._collapsed:
            item = items.get(key)
            if item is not None:
                self.tree.collapse(self.proxy.mapFromSource(item.index()))

    def _key(self, index: QModelIndex) -> str | None:
        value = index.siblingAtColumn(0).data(ID_ROLE)
        return value if isinstance(value, str) else None

    def _expanded(self, index: QModelIndex) -> None:
        if not self._quiet:
            self._collapsed.discard(self._key(index) or "")

    def _collapsed_row(self, index: QModelIndex) -> None:
        key = None if self._quiet else self._key(index)
        if key is not None:
            self._collapsed.add(key)

    # -- selection ----------------------------------------------------------------------------
    def _selected_ids(self) -> list[str]:
        rows = self.tree.selectionModel().selectedRows(0)
        ids = [self._key(index) for index in rows]
        # A rebuild may still be pending: never hand on an id that is already gone.
        exists = self._controller.document.kind
        present: list[str] = []
        for entity_id in ids:
            if entity_id is not None:
                try:
                    exists(entity_id)
                except DesignError:  # removed in this burst
                    continue
                present.append(entity_id)
        return present

    def _tree_selection_changed(self) -> None:
        if self._quiet:
            return
        ids = self._selected_ids()
        with self._quietly():  # our own change comes back as selection_changed: ignore it
            if ids:
                self._selection.focus(ids)
            else:
                self._selection.set([])

    def _selection_changed(self, ids: list[str]) -> None:
        if not self._quiet and not self._stale:  # a stale tree shows it when rebuilt
            self._show_selection(ids, scroll=True)

    def _show_selection(self, ids: list[str], scroll: bool) -> None:
        indexes = [index for index in map(self.row_index, ids) if index.isValid()]
        selection = QItemSelection()
        for index in indexes:
            selection.select(index, index.siblingAtColumn(1))
        model = self.tree.selectionModel()
        # Judged before the current row moves: Qt then scrolls it just into sight, at an edge.
        centre = scroll and bool(indexes) and not self._in_sight(indexes[0])
        with self._quietly():
            model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            if indexes:
                model.setCurrentIndex(indexes[0], QItemSelectionModel.SelectionFlag.NoUpdate)
            if centre:  # with its neighbours around it, its OUs opened
                self.tree.scrollTo(indexes[0], QAbstractItemView.ScrollHint.PositionAtCenter)

    def _in_sight(self, index: QModelIndex) -> bool:
        rect = self.tree.visualRect(index)
        return not rect.isEmpty() and self.tree.viewport().rect().contains(rect)

    # -- activation ---------------------------------------------------------------------------
    def _activated(self, index: QModelIndex) -> None:
        cell = index.siblingAtColumn(0)
        kind, entity_id = cell.data(KIND_ROLE), cell.data(ID_ROLE)
        if kind in RENAMEABLE and isinstance(entity_id, str):
            self.rename_requested.emit(entity_id)
        elif self.proxy.hasChildren(cell):  # a group or the root: open or close it
            self.tree.setExpanded(cell, not self.tree.isExpanded(cell))
