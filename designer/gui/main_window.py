"""The main window: canvas in the middle, palette, properties and findings around it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.gui.canvas import style
from designer.gui.canvas.scene import DesignScene
from designer.gui.canvas.view import DesignView
from designer.gui.controller import DesignController
from designer.gui.diagram_export import FILTERS, DiagramExport, with_suffix
from designer.gui.editing import EditOps
from designer.gui.export_dialog import ExportDialog
from designer.gui.file_ops import FileOps
from designer.gui.import_dialog import ImportDialog
from designer.gui.panels.diff import DiffPanel
from designer.gui.panels.findings import FindingsPanel
from designer.gui.panels.properties import PropertyEditor
from designer.gui.selection import SelectionModel
from designer.live.diff import DesignDiff, diff_designs
from designer.model import Design, DesignError, load_design
from designer.model.templates import list_templates
from designer.model.vocabulary import FUNCTION_LABELS, AccountFunction
from designer.rules.engine import SEVERITY_ORDER, Report
from exporters.base import safe_name

APP_NAME = "AWS Account Designer"
IDP_TITLES = {
    "saml": "SAML 2.0 provider",
    "oidc": "OIDC provider",
    "directory-service": "AWS Directory Service",
    "identity-center": "IAM Identity Center",
}


def diff_marks(diff: DesignDiff, live: Design) -> dict[str, str]:
    """Planned ids to mark: missing or changed items, and the planned ends of unexpected
    relationships (the live-only items themselves are not on this canvas)."""
    marks = {e.planned_id: e.status for e in diff.entries if e.planned_id}
    planned_of = {live_id: planned_id for planned_id, live_id in diff.matched.items()}
    live_relationships = {r.id: r for r in live.relationships}
    for entry in diff.entries:
        rel = live_relationships.get(entry.live_id or "")
        if entry.status == "unexpected" and rel is not None:
            for end in (rel.source, rel.target):
                if end in planned_of:
                    marks.setdefault(planned_of[end], "unexpected")
    return marks


class MainWindow(QMainWindow):
    def __init__(self, controller: DesignController) -> None:
        super().__init__()
        self.controller = controller
        self.selection = SelectionModel()
        self.scene = DesignScene(controller, self.selection)
        self.view = DesignView(self.scene)
        self.setCentralWidget(self.view)
        self.files = FileOps(self)
        self.diagram_export = DiagramExport(self)
        self.diagram_export.finished.connect(self._diagram_exported)
        self.edits = EditOps(self)
        self.properties = PropertyEditor(controller, self.selection)
        self.findings = FindingsPanel(controller, self.selection)
        self._counts = QLabel()
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._connect()
        self.statusBar().addPermanentWidget(self._counts)
        self._show_report(self.findings.report)
        self._update_title()
        self.resize(1500, 950)

    # -- building ----------------------------------------------------------------------------
    def _build_docks(self) -> None:
        for title, widget, area, name in (
            ("Add", self._palette(), Qt.DockWidgetArea.LeftDockWidgetArea, "palette"),
            ("Properties", self.properties, Qt.DockWidgetArea.RightDockWidgetArea, "properties"),
            ("Findings", self.findings, Qt.DockWidgetArea.RightDockWidgetArea, "findings"),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{name}")
            dock.setWidget(widget)
            if name == "palette":
                widget.setMaximumWidth(210)
            self.addDockWidget(area, dock)
        self._build_diff_dock()

    def _build_diff_dock(self) -> None:
        self.diff_panel = DiffPanel(self.selection)
        self.diff_dock = QDockWidget("Compared with live", self)
        self.diff_dock.setObjectName("dock_diff")
        self.diff_dock.setWidget(self.diff_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.diff_dock)
        self.diff_dock.hide()

    def _palette(self) -> QWidget:
        box = QWidget()
        box.setObjectName("palette")
        layout = QVBoxLayout(box)
        layout.addWidget(QLabel("<b>Accounts</b>"))
        for function in AccountFunction:
            layout.addWidget(
                self._palette_button(
                    FUNCTION_LABELS[function].split(" (")[0],
                    partial(self.edits.insert_account, function),
                    f"add_{function.value}",
                )
            )
        layout.addWidget(QLabel("<b>Structure</b>"))
        layout.addWidget(
            self._palette_button("Organizational unit", self.edits.insert_ou, "add_ou")
        )
        layout.addWidget(
            self._palette_button(
                "Log bucket (of the account)", self.edits.insert_log_bucket, "add_log_bucket"
            )
        )
        layout.addWidget(
            self._palette_button("Service control policy", self.edits.insert_scp, "add_scp")
        )
        layout.addWidget(QLabel("<b>Identity and outside parties</b>"))
        for kind, title in IDP_TITLES.items():
            layout.addWidget(
                self._palette_button(
                    title, partial(self.edits.insert_identity_provider, kind), f"add_idp_{kind}"
                )
            )
        layout.addWidget(
            self._palette_button(
                "Third party (vendor)", self.edits.insert_third_party, "add_third_party"
            )
        )
        hint = QLabel("Shift + drag from one item to another to draw a relationship.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #607d8b")
        layout.addWidget(hint)
        layout.addStretch(1)
        return box

    @staticmethod
    def _palette_button(text: str, slot: Callable[[], object], name: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setObjectName(name)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(
            button.sizePolicy().horizontalPolicy().Expanding, button.sizePolicy().verticalPolicy()
        )
        button.clicked.connect(slot)
        return button

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        name: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        action.setObjectName(name or text.lower().replace(" ", "_").strip("."))
        return action

    def _build_actions(self) -> None:
        K, f, e, v = QKeySequence.StandardKey, self.files, self.edits, self.view
        self.act_new = self._action("New", f.new_blank, K.New, "new")
        self.act_open = self._action("Open...", f.open_dialog, K.Open, "open")
        self.act_save = self._action("Save", f.save, K.Save, "save")
        self.act_save_as = self._action("Save As...", f.save_as, K.SaveAs, "save_as")
        self.act_export = self._action("Export...", self.open_export, "Ctrl+E", "export")
        self.act_export_diagram = self._action(
            "Export Diagram of Current View...",
            self.export_view_diagram,
            "Ctrl+Shift+E",
            "export_diagram",
        )
        self.act_import = self._action("Import from AWS...", self.open_import, None, "import")
        self.act_compare = self._action(
            "Compare with Live...", self.compare_with_live, None, "compare"
        )
        self.act_clear_compare = self._action(
            "Clear Comparison", self.clear_comparison, None, "clear_compare"
        )
        self.act_mask_diagram = QAction("Mask Ids and E-mails in Exported Diagram", self)
        self.act_mask_diagram.setObjectName("mask_diagram")
        self.act_mask_diagram.setCheckable(True)
        self.act_quit = self._action("Quit", self.close, K.Quit, "quit")
        self.act_undo = self.controller.undo_stack.createUndoAction(self, "Undo")
        self.act_undo.setShortcut(QKeySequence(K.Undo))
        self.act_redo = self.controller.undo_stack.createRedoAction(self, "Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(K.Redo)])
        self.act_cut = self._action("Cut", e.cut, K.Cut, "cut")
        self.act_copy = self._action("Copy", e.copy, K.Copy, "copy")
        self.act_paste = self._action("Paste", e.paste, K.Paste, "paste")
        self.act_duplicate = self._action("Duplicate", e.duplicate, "Ctrl+D", "duplicate")
        self.act_delete = self._action("Delete", e.delete_selected, K.Delete, "delete")
        self.act_rename = self._action("Rename", e.rename, "F2", "rename")
        self.act_select_all = self._action("Select All", e.select_all, K.SelectAll, "select_all")
        self.act_find = self._action("Find...", self._focus_find, K.Find, "find")
        self.act_zoom_in = self._action("Zoom In", v.zoom_in, K.ZoomIn, "zoom_in")
        self.act_zoom_out = self._action("Zoom Out", v.zoom_out, K.ZoomOut, "zoom_out")
        self.act_fit = self._action("Fit to View", v.fit, "Ctrl+0", "fit")
        self.act_tidy = self._action("Tidy Layout", e.tidy_layout, "Ctrl+L", "tidy")
        self.act_pin = self._action("Pin / Unpin", e.toggle_pin, "Ctrl+P", "pin")
        self.act_blast = self._action(
            "Show Blast Radius", self.show_blast_radius, "Ctrl+B", "blast"
        )
        self.act_clear = self._action("Clear Highlight", self.clear_highlight, "Esc", "clear")
        # Canvas-only keys: Delete in the findings tree or Ctrl+A in a text field must not act on
        # the diagram. They work while the canvas (or a rename editor on it) has the focus.
        for action in (
            self.act_cut,
            self.act_copy,
            self.act_paste,
            self.act_duplicate,
            self.act_delete,
            self.act_rename,
            self.act_select_all,
            self.act_clear,
        ):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.view.addAction(action)
        self.act_zoom_in.setShortcuts([QKeySequence(K.ZoomIn), QKeySequence("Ctrl+=")])
        self.act_quit.setShortcuts([QKeySequence(K.Quit), QKeySequence("Ctrl+Q")])
        self.view_actions = QActionGroup(self)
        for name, title in style.VIEW_TITLES.items():
            action = QAction(title, self, checkable=True)
            action.setObjectName(f"view_{name}")
            action.setChecked(name == "all")
            action.triggered.connect(partial(self.set_view, name))
            self.view_actions.addAction(action)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_new)
        templates = file_menu.addMenu("New from Template")
        for info in list_templates():
            action = templates.addAction(f"{info.title} ({info.accounts} accounts)")
            action.triggered.connect(partial(self.files.new_from_template, info.name))
        file_menu.addAction(self.act_open)
        self.recent_menu = file_menu.addMenu("Open Recent")
        self.refresh_recent_menu()
        file_menu.addSeparator()
        file_menu.addActions([self.act_save, self.act_save_as])
        file_menu.addActions([self.act_export, self.act_export_diagram, self.act_mask_diagram])
        file_menu.addSeparator()
        file_menu.addActions([self.act_import, self.act_compare, self.act_clear_compare])
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addActions([self.act_cut, self.act_copy, self.act_paste, self.act_duplicate])
        edit.addActions([self.act_delete, self.act_rename])
        edit.addSeparator()
        edit.addActions([self.act_select_all, self.act_find])
        view = bar.addMenu("&View")
        view.addActions(self.view_actions.actions())
        view.addSeparator()
        view.addActions([self.act_zoom_in, self.act_zoom_out, self.act_fit])
        view.addSeparator()
        view.addActions([self.act_tidy, self.act_pin, self.act_blast, self.act_clear])

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main", self)
        bar.setObjectName("toolbar")
        bar.addActions([self.act_new, self.act_open, self.act_save])
        bar.addSeparator()
        bar.addActions([self.act_undo, self.act_redo])
        bar.addSeparator()
        self.view_combo = QComboBox()
        self.view_combo.setObjectName("view_combo")
        for name, title in style.VIEW_TITLES.items():
            self.view_combo.addItem(title, name)
        self.view_combo.currentIndexChanged.connect(
            lambda i: self.set_view(self.view_combo.itemData(i))
        )
        bar.addWidget(QLabel(" View "))
        bar.addWidget(self.view_combo)
        bar.addSeparator()
        bar.addActions([self.act_zoom_in, self.act_zoom_out, self.act_fit, self.act_tidy])
        bar.addAction(self.act_blast)
        bar.addSeparator()
        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("find_edit")
        self.find_edit.setPlaceholderText("Find name or account id")
        self.find_edit.setMaximumWidth(240)
        self.find_edit.returnPressed.connect(lambda: self.edits.find(self.find_edit.text()))
        bar.addWidget(self.find_edit)
        self.addToolBar(bar)

    def _connect(self) -> None:
        self.controller.dirty_changed.connect(lambda _d: self._update_title())
        self.controller.path_changed.connect(lambda _p: self._update_title())
        self.controller.reset.connect(self._update_title)
        self.controller.reset.connect(self.view.fit)
        self.selection.focus_requested.connect(self.view.focus)
        self.findings.report_changed.connect(self._show_report)
        self.view.connect_requested.connect(self.edits.connect_menu)
        self.view.rename_requested.connect(self.edits.rename)
        self.scene.error.connect(lambda message: QMessageBox.warning(self, "Not possible", message))

    # -- behaviour ---------------------------------------------------------------------------
    def document_name(self) -> str:
        path = self.controller.path
        return path.name if path else self.controller.design.name

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.document_name()}[*] — {APP_NAME}")
        self.setWindowModified(self.controller.is_dirty)

    def _show_report(self, report: Report | None) -> None:
        if report is None:
            return
        counts = report.counts()
        parts = [f"{counts[s]} {s.value}" for s in SEVERITY_ORDER if counts[s]]
        self._counts.setText("Findings: " + (", ".join(parts) or "none"))
        self.scene.set_badges(self.findings.worst_severity_by_subject())

    def set_view(self, name: str) -> None:
        self.scene.set_view(name)
        self._show_view_choice(self.scene.view_name)

    def _show_view_choice(self, name: str) -> None:
        """The toolbar combo and the View menu name the view the canvas shows."""
        index = self.view_combo.findData(name)
        if index >= 0 and self.view_combo.currentIndex() != index:
            with QSignalBlocker(self.view_combo):
                self.view_combo.setCurrentIndex(index)
        for action in self.view_actions.actions():
            action.setChecked(action.objectName() == f"view_{name}")

    def show_blast_radius(self) -> None:
        nodes = [i for i in self.selection.ids if i in self.scene.nodes]
        if len(nodes) != 1:
            self.statusBar().showMessage("Select one account, provider or third party first", 4000)
            return
        reached = self.scene.show_blast_radius(nodes[0])
        radius_ids = [i for i, n in self.scene.nodes.items() if n.note or i == nodes[0]]
        self.view.focus(radius_ids)  # everything reached, in view
        self._show_view_choice(self.scene.view_name)
        name = self.scene.nodes[nodes[0]].title
        self.statusBar().showMessage(
            f"Compromise of {name!r} reaches {reached} account(s); Esc clears the highlight"
        )

    def clear_highlight(self) -> None:
        """Leave the blast-radius highlight: back to the view shown before it."""
        view = self.scene.view_before_blast if self.scene.blast_start else self.scene.view_name
        self.set_view(view)
        self.statusBar().clearMessage()

    def open_export(self) -> ExportDialog:
        """The export dialog (not modal: the window stays usable while it runs)."""
        path = self.controller.path
        base = (
            path.parent / f"{path.stem}-export" if path else Path.home() / "account-design-export"
        )
        dialog = ExportDialog(self.controller.design, base, self)
        dialog.show()
        return dialog

    def export_view_diagram(self, target: Path | None = None) -> bool:
        """The current view, as laid out on the canvas, to SVG / PNG / PDF / DOT (asks where)."""
        view = self.scene.view_name
        if target is None:
            path = self.controller.path
            folder = path.parent if path else Path.home()
            stem = safe_name(f"{self.controller.design.name}-{view}", "diagram")
            chosen, chosen_filter = QFileDialog.getSaveFileName(
                self,
                "Export diagram of the current view",
                str(folder / f"{stem}.svg"),
                ";;".join(FILTERS.values()),
            )
            if not chosen:
                return False
            target = with_suffix(Path(chosen), chosen_filter)
        positions = {i: (n.x(), n.y()) for i, n in self.scene.nodes.items()}
        redact = self.act_mask_diagram.isChecked()
        design = self.controller.design
        started = self.diagram_export.start(design, view, target, positions, redact)
        if started:
            self.statusBar().showMessage(f"Drawing the {style.VIEW_TITLES[view]} view...")
        return started

    def _diagram_exported(self, target: str, problem: str) -> None:
        if problem:
            self.statusBar().clearMessage()
            QMessageBox.warning(self, "Diagram not exported", problem)
        else:
            self.statusBar().showMessage(f"Diagram saved to {target}", 8000)

    def open_import(self) -> ImportDialog:
        """File -> Import from AWS: read a live organization, then open it as a new design."""
        dialog = ImportDialog(self)
        self.import_dialog = dialog
        dialog.imported.connect(self.open_imported)
        dialog.compared.connect(lambda live: self.compare_with(live, "the live organization"))
        dialog.show()
        return dialog

    def open_imported(self, design: Design) -> None:
        if self.files.confirm_discard():
            self.files.replace(design, None, dirty=True)
            self.statusBar().showMessage(f"Imported {design.name}: save it to keep it", 8000)

    def compare_with_live(self, path: Path | None = None) -> DesignDiff | None:
        """Compare this design with an imported one: marks on the canvas and a diff panel."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self, "Compare with a live organization (an import)", "", "Designs (*.json)"
            )
            if not chosen:
                return None
            path = Path(chosen)
        try:
            live = load_design(path)
        except DesignError as exc:
            QMessageBox.warning(self, "Cannot compare", str(exc))
            return None
        return self.compare_with(live, path.name)

    def compare_with(self, live: Design, label: str) -> DesignDiff:
        diff = diff_designs(self.controller.design, live)
        self.scene.apply_diff(diff_marks(diff, live))
        self.diff_panel.show_diff(diff)
        self.diff_dock.show()
        counts = ", ".join(f"{n} {s}" for s, n in diff.counts().items() if n)
        self.statusBar().showMessage(f"Compared with {label}: {counts or 'no differences'}")
        return diff

    def clear_comparison(self) -> None:
        self.scene.apply_diff({})
        self.diff_dock.hide()
        self.statusBar().clearMessage()

    def _focus_find(self) -> None:
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def refresh_recent_menu(self) -> None:
        menu: QMenu | None = getattr(self, "recent_menu", None)
        if menu is None:
            return
        menu.clear()
        for path in self.files.recent():
            action = menu.addAction(str(path))
            action.triggered.connect(partial(self.files.open_path, Path(path)))
        menu.setEnabled(bool(menu.actions()))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.files.confirm_discard():
            self.diagram_export.wait()
            dialog = getattr(self, "import_dialog", None)
            if dialog is not None and dialog.running:
                dialog.done(0)  # cancels, and waits for its thread before the window goes
            event.accept()
        else:
            event.ignore()
