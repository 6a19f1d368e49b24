"""Edit menu, palette and canvas work: insert, delete, duplicate, copy / paste, rename, connect.

EditOps knows the controller, the selection and the canvas, not the window: it reports through
signals (refused, status) that the window shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QPainterPath
from PySide6.QtWidgets import QLineEdit, QMenu

from designer.core import edits
from designer.drawing.layout import NODE_HEIGHT, NODE_WIDTH
from designer.gui.canvas.items import ContainerItem
from designer.model import DesignError, LogBucket, ServiceControlPolicy
from designer.model.catalog import EntityKind
from designer.model.vocabulary import AccountFunction, OutsideKind

if TYPE_CHECKING:
    from designer.gui.canvas.scene import DesignScene
    from designer.gui.canvas.view import DesignView
    from designer.gui.controller import DesignController
    from designer.gui.selection import SelectionModel


class RenameEditor(QLineEdit):
    """The in-place name editor. Signals: cancelled(): Escape was pressed."""

    cancelled = Signal()

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            event.accept()  # Escape is ours here, not the window's "Clear highlight"
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class EditOps(QObject):
    """Signals:
    refused(str): an edit was not possible; the reason in words.
    status(str, int): a passing message for the status bar, and for how many ms.
    """

    refused = Signal(str)
    status = Signal(str, int)

    def __init__(
        self,
        controller: DesignController,
        selection: SelectionModel,
        scene: DesignScene,
        view: DesignView,
    ) -> None:
        super().__init__(view)
        self.controller, self.selection = controller, selection
        self.scene, self.view = scene, view
        self._rename_editor: RenameEditor | None = None

    def _report(self, exc: DesignError) -> None:
        """Say why an edit was refused, in words."""
        self.refused.emit(exc.reason())

    # -- inserting ----------------------------------------------------------------------------
    def _target_ou(self, at: QPointF | None = None) -> str | None:
        """Where new things go: the OU under a drop point, else the selected OU or the OU of
        the selected account, else the root (None)."""
        if at is not None:
            under = self.scene.container_at(at)
            return None if under in (None, self.controller.design.organization.id) else under
        doc = self.controller.document
        for entity_id in self.selection.ids:
            if not doc.has(entity_id):
                continue
            kind = doc.kind(entity_id)
            if kind == EntityKind.OU:
                return entity_id
            if kind == EntityKind.ACCOUNT:
                parent: str | None = doc.get(entity_id).parent
                return parent
        return None

    def _insert(self, entity: Any, at: QPointF | None = None) -> None:
        """Add a node: at the drop point (snapped to the nearest free spot) or, without one,
        in the first free slot of its OU."""
        position = None
        if at is not None:
            position = (at.x() - NODE_WIDTH / 2, at.y() - NODE_HEIGHT / 2)
        try:
            self.controller.add(entity, position)
        except DesignError as exc:
            self._report(exc)
            return
        self.selection.focus([entity.id])

    def insert_account(self, function: AccountFunction, at: QPointF | None = None) -> None:
        parent = self._target_ou(at)
        self._insert(edits.new_account(self.controller.design, function, parent), at)

    def insert_ou(self, at: QPointF | None = None) -> None:
        parent = self._target_ou(at)
        ou = edits.new_ou(self.controller.design, parent)
        corner = None if at is None else at + QPointF(NODE_WIDTH / 2, NODE_HEIGHT / 2)
        self._insert(ou, corner)  # the box's top-left where the user let go

    def insert_identity_provider(self, kind: str, at: QPointF | None = None) -> None:
        self._insert(edits.new_identity_provider(self.controller.design, kind), self._beside(at))

    def insert_outside_principal(self, kind: OutsideKind, at: QPointF | None = None) -> None:
        self._insert(edits.new_outside_principal(self.controller.design, kind), self._beside(at))

    def _beside(self, at: QPointF | None) -> QPointF | None:
        """Providers and outside principals stand outside the organization: a drop inside it
        puts them in the column beside it instead."""
        return at if at is not None and self.scene.container_at(at) is None else None

    # -- deleting, copying ------------------------------------------------------------------
    def delete_selected(self) -> None:
        ids = [i for i in self.selection.ids if i != self.controller.design.organization.id]
        if ids:
            self.controller.remove(ids)

    def _with_contents(self, ids: list[str]) -> list[str]:
        """The ids and everything the OUs among them hold: an OU is copied whole, as it is
        deleted whole (so cut and paste of an OU keeps its accounts)."""
        doc = self.controller.document
        found = list(ids)
        for entity_id in ids:
            try:
                if doc.kind(entity_id) == EntityKind.OU:
                    found += doc.graph.ou_subtree(entity_id)
            except DesignError:
                continue
        return list(dict.fromkeys(found))

    def copy(self) -> bool:
        ids = self._with_contents(self.selection.ids)
        if not ids:
            return False
        mime = QMimeData()
        text = edits.copy_fragment(self.controller.design, ids, self._shown_positions())
        mime.setData(edits.CLIPBOARD_FORMAT, text.encode("utf-8"))
        mime.setText(text)
        QGuiApplication.clipboard().setMimeData(mime)
        return True

    def cut(self) -> None:
        if self.copy():
            self.delete_selected()

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        raw = mime.data(edits.CLIPBOARD_FORMAT) if mime else None
        text = (
            bytes(raw.data()).decode("utf-8")
            if raw and raw.size()
            else (mime.text() if mime else "")
        )
        try:
            created, _positions = edits.paste_fragment(self.controller.design, text)
        except (ValueError, KeyError) as exc:
            self.status.emit(f"Nothing to paste: {exc}", 4000)
            return
        self._add_all(created, "Paste")

    def duplicate(self) -> None:
        ids = self._with_contents(self.selection.ids)
        if ids:
            text = edits.copy_fragment(self.controller.design, ids, self._shown_positions())
            created, _positions = edits.paste_fragment(self.controller.design, text)
            self._add_all(created, "Duplicate")

    def _add_all(self, created: list[Any], text: str) -> None:
        if not created:
            return
        try:
            # Copies go into the first free slots, never on top of the originals.
            self.controller.add_many(created, {}, text)
        except DesignError as exc:
            self._report(exc)  # checked as a whole first: nothing half-pasted stays behind
            return
        nodes = [e.id for e in created if e.id in self.scene.nodes]
        self.selection.focus(nodes or [created[0].id])

    def _shown_positions(self) -> dict[str, tuple[float, float]]:
        return {i: (n.x(), n.y()) for i, n in self.scene.nodes.items()}

    # -- renaming in place -----------------------------------------------------------------------
    def rename(self, entity_id: str | None = None) -> None:
        """An editor over the node's name; Enter commits, Escape cancels."""
        entity_id = entity_id or next(iter(self.selection.ids), None)
        scene, view = self.scene, self.view
        item = scene.nodes.get(entity_id or "") or scene.containers.get(entity_id or "")
        card = scene.shown.stand_in.get(entity_id or "") if scene.shown is not None else None
        if item is None and card is not None:  # inside a collapsed OU: say how to reach it
            name = self.controller.document.get(card).name
            self.status.emit(
                f"It is inside the collapsed OU {name}: expand it (double-click) to rename "
                "it on the canvas, or rename it in Properties",
                6000,
            )
            return
        if item is None or (isinstance(item, ContainerItem) and item.is_root):
            return
        rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        editor = RenameEditor(item.title, view.viewport())
        editor.setObjectName("rename_editor")
        editor.setGeometry(rect.left() + 40, rect.top() + 6, max(160, rect.width() - 50), 26)
        editor.selectAll()
        editor.show()
        editor.setFocus()
        self._rename_editor = editor

        def commit() -> None:
            if self._rename_editor is not editor:
                return
            self._rename_editor = None
            new_name = editor.text().strip()
            editor.deleteLater()
            if new_name and new_name != item.title:
                try:
                    self.controller.update(item.entity_id, text="Rename", name=new_name)
                except DesignError as exc:
                    self._report(exc)

        def cancel() -> None:
            if self._rename_editor is editor:
                self._rename_editor = None
                editor.deleteLater()

        editor.editingFinished.connect(commit)
        editor.cancelled.connect(cancel)

    # -- connecting ----------------------------------------------------------------------------
    def connect_menu(self, source: str, target: str, at: QPoint) -> QMenu | None:
        """The menu of relationship kinds valid for this pair (None when there is none)."""
        kinds = edits.valid_kinds(self.controller.design, source, target)
        if not kinds:
            self.status.emit("No relationship can join these two", 4000)
            return None
        menu = QMenu(self.view)
        menu.setObjectName("connect_menu")
        menu.aboutToHide.connect(menu.deleteLater)  # one menu per gesture, none left behind
        for kind in kinds:
            action = menu.addAction(edits.KIND_TITLES[kind])
            action.triggered.connect(
                lambda _=False, k=kind: self.add_relationship(k, source, target)
            )
        menu.popup(at)
        return menu

    def add_relationship(self, kind: str, source: str, target: str) -> None:
        rel = edits.new_relationship(self.controller.design, kind, source, target)
        try:
            self.controller.add(rel)
        except DesignError as exc:
            self._report(exc)
            return
        self.selection.focus([rel.id])

    # -- layout ------------------------------------------------------------------------------
    def tidy_layout(self) -> None:
        """Automatic layout for every node that is not pinned; one undo step."""
        moved = self.controller.tidy()
        self.view.fit()
        if moved:
            self.status.emit(
                f"{len(moved)} pinned item(s) moved: their OUs would have overlapped", 8000
            )

    def toggle_pin(self) -> None:
        ids = [i for i in self.selection.ids if i in self.scene.nodes]
        if not ids:
            return
        pin = not all(self.scene.nodes[i].pinned for i in ids)  # as shown: some may be unsaved
        self.controller.set_pinned(ids, pin)

    def select_all(self) -> None:
        """Every node and OU, in one selection change (not one per item)."""
        scene = self.scene
        path = QPainterPath()
        path.addRect(scene.itemsBoundingRect().adjusted(-10, -10, 10, 10))
        scene.setSelectionArea(path, mode=Qt.ItemSelectionMode.ContainsItemShape)
        scene.blockSignals(True)
        for edge in scene.edges.values():  # relationships go with their ends anyway
            edge.setSelected(False)
        scene.blockSignals(False)
        scene.selectionChanged.emit()

    def insert_log_bucket(self) -> None:
        """A log bucket owned by the selected account (buckets are edited in Properties)."""
        accounts = [
            i
            for i in self.selection.ids
            if i in self.scene.nodes and self.scene.nodes[i].kind == "account"
        ]
        if len(accounts) != 1:
            self.status.emit("Select the account that owns the bucket", 4000)
            return
        bucket = edits.new_log_bucket(self.controller.design, accounts[0])
        self._add_unplaced(bucket)

    def insert_scp(self) -> None:
        self._add_unplaced(edits.new_scp(self.controller.design))

    def _add_unplaced(self, entity: Any) -> None:
        """Add something that has no place on the canvas and show it in Properties."""
        try:
            self.controller.add(entity)
        except DesignError as exc:
            self._report(exc)
            return
        self.selection.set([entity.id])

    def find(self, text: str) -> None:
        """Nodes by name or account id; log buckets and SCPs by name (shown in Properties)."""
        found = self.scene.find(text)
        needle = text.strip().lower()
        design = self.controller.design
        named: list[LogBucket | ServiceControlPolicy] = [
            *design.log_buckets,
            *design.service_control_policies,
        ]
        matching = [e for e in named if needle and needle in e.name.lower()]
        others = [e.id for e in sorted(matching, key=lambda e: e.name.lower() != needle)]
        if not found and others:
            self.selection.set(others[:1])
            self.status.emit(f"{len(others)} found (shown in Properties)", 3000)
            return
        if found:
            self.selection.focus(found)
            self.status.emit(f"{len(found)} found", 3000)
        else:
            self.status.emit(f"Nothing matches {text!r}", 3000)
