"""The main window: canvas in the middle, palette, outline, properties, findings around it."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QSettings, QSignalBlocker, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QToolBar,
)

from designer.drawing.filters import Filter
from designer.gui.actions import describe, explain, make_action
from designer.gui.canvas import style
from designer.gui.canvas.filter_bar import FilterBar
from designer.gui.canvas.minimap import Minimap, minimap_action
from designer.gui.canvas.scene import DesignScene
from designer.gui.canvas.view import DesignView
from designer.gui.collapsing import CollapseOps
from designer.gui.comparing import CompareOps
from designer.gui.context_menu import context_menu
from designer.gui.controller import DesignController
from designer.gui.diagram_export import FILTERS, DiagramExport, with_suffix
from designer.gui.editing import EditOps
from designer.gui.export_dialog import ExportDialog
from designer.gui.file_ops import FileOps, app_settings
from designer.gui.help import ShortcutsDialog, show_about
from designer.gui.import_dialog import ImportDialog
from designer.gui.palette import Palette
from designer.gui.panels.blast import BlastRadiusPanel
from designer.gui.panels.diff import DiffPanel
from designer.gui.panels.findings import FindingsPanel
from designer.gui.panels.outline import OutlinePanel
from designer.gui.panels.properties import PropertyEditor
from designer.gui.selection import SelectionModel
from designer.gui.wizard.dialog import DesignWizard
from designer.gui.wizard.growing import grow_with_wizard
from designer.live.drift import ThreeWay
from designer.model import Design
from designer.model.catalog import EntityKind
from designer.model.templates import list_templates
from designer.model.vocabulary import AccountFunction, OutsideKind
from designer.rules.engine import SEVERITY_ORDER, Report
from exporters.base import safe_name

APP_NAME = "AWS Account Designer"
GEOMETRY_KEY, STATE_KEY = "window/geometry", "window/state"


FOCUS_DEPTHS = (1, 2, 3)


class MainWindow(QMainWindow):
    def __init__(self, controller: DesignController, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.controller = controller
        self.settings = settings if settings is not None else app_settings()
        self.selection = SelectionModel()
        self.scene = DesignScene(controller, self.selection)
        self.view = DesignView(self.scene)
        self.minimap = Minimap(self.view)
        self.filter_bar = FilterBar(controller, self.selection)
        self.setCentralWidget(self.view)
        self.files = FileOps(controller, self.settings, self)
        self.edits = EditOps(controller, self.selection, self.scene, self.view)
        self.collapsing = CollapseOps(controller, self.selection, self.scene, self.settings)
        self.comparing = CompareOps(self)
        self.diagram_export = DiagramExport(self)
        self.diagram_export.finished.connect(self._diagram_exported)
        self.add_palette = Palette()
        self.outline = OutlinePanel(controller, self.selection)
        self.properties = PropertyEditor(controller, self.selection)
        self.findings = FindingsPanel(controller, self.selection)
        self.blast_panel = BlastRadiusPanel(controller, self.selection)
        self.import_dialog: ImportDialog | None = None
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
        self._restore_layout()

    # -- building ----------------------------------------------------------------------------
    def _build_docks(self) -> None:
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        palette_area = QScrollArea()
        palette_area.setWidget(self.add_palette)
        palette_area.setWidgetResizable(True)
        palette_area.setMinimumWidth(230)
        self.docks: dict[str, QDockWidget] = {}
        for title, widget, area, name in (
            ("Add", palette_area, left, "palette"),
            ("Outline", self.outline, left, "outline"),
            ("Properties", self.properties, right, "properties"),
            ("Findings", self.findings, right, "findings"),
            ("Blast radius", self.blast_panel, right, "blast"),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{name}")
            dock.setWidget(widget)
            dock.setAccessibleName(f"{title} panel")
            if not widget.accessibleName():
                widget.setAccessibleName(title)
            self.addDockWidget(area, dock)
            self.docks[name] = dock
        self.properties.setAccessibleName("Properties of the selection")
        self.tabifyDockWidget(self.docks["palette"], self.docks["outline"])
        self.docks["outline"].visibilityChanged.connect(self.outline.set_on_screen)
        self.tabifyDockWidget(self.docks["findings"], self.docks["blast"])
        self.docks["palette"].raise_()
        self.docks["findings"].raise_()
        self.docks["blast"].hide()
        self._build_diff_dock()

    def _build_diff_dock(self) -> None:
        self.diff_panel = DiffPanel(self.selection)
        self.diff_dock = QDockWidget("Compared with live", self)
        self.diff_dock.setObjectName("dock_diff")
        self.diff_dock.setAccessibleName("Compared with live panel")
        self.diff_panel.setAccessibleName("Differences from the live organization")
        self.diff_dock.setWidget(self.diff_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.diff_dock)
        self.diff_dock.hide()

    def _build_actions(self) -> None:
        f, e, v = self.files, self.edits, self.view
        act = partial(make_action, self)
        self.act_new = act("new", f.new_blank)
        self.act_new_wizard = act("new_wizard", f.new_from_wizard)
        self.act_grow_wizard = act("grow_wizard", self.grow_from_wizard)
        self.act_open = act("open", f.open_dialog)
        self.act_save = act("save", f.save)
        self.act_save_as = act("save_as", f.save_as)
        self.act_export = act("export", self.open_export)
        self.act_export_diagram = act("export_diagram", self.export_view_diagram)
        self.act_import = act("import", self.open_import)
        self.act_compare = act("compare", self.compare_with_live)
        self.act_clear_compare = act("clear_compare", self.clear_comparison)
        self.act_mask_diagram = describe(QAction(self), "mask_diagram")
        self.act_mask_diagram.setCheckable(True)
        self.act_quit = act("quit", self.close)
        self.act_undo = describe(self.controller.undo_stack.createUndoAction(self), "undo")
        self.act_redo = describe(self.controller.undo_stack.createRedoAction(self), "redo")
        self.act_cut = act("cut", e.cut)
        self.act_copy = act("copy", e.copy)
        self.act_paste = act("paste", e.paste)
        self.act_duplicate = act("duplicate", e.duplicate)
        self.act_delete = act("delete", e.delete_selected)
        self.act_rename = act("rename", e.rename)
        self.act_select_all = act("select_all", e.select_all)
        self.act_find = act("find", self._focus_find)
        self.act_zoom_in = act("zoom_in", v.zoom_in)
        self.act_zoom_out = act("zoom_out", v.zoom_out)
        self.act_fit = act("fit", v.fit)
        self.act_minimap = minimap_action(self.minimap, self.settings, self)
        c = self.collapsing
        self.act_collapse = act("collapse", c.collapse_selected)
        self.act_expand = act("expand", c.expand_selected)
        self.act_collapse_fit = act("collapse_fit", c.collapse_to_fit)
        self.act_expand_all = act("expand_all", c.expand_all)
        self.act_group_edges = describe(QAction(self), "group_edges")
        self.act_group_edges.setCheckable(True)
        self.act_group_edges.setChecked(self.scene.grouping)
        self.act_group_edges.toggled.connect(c.set_grouping)
        self.act_focus = act("focus", self.toggle_focus)
        self.act_focus.setCheckable(True)
        self.focus_depth = QActionGroup(self)
        for hops in FOCUS_DEPTHS:
            depth = QAction(f"{hops} Step{'s' if hops > 1 else ''}", self, checkable=True)
            depth.setObjectName(f"focus_depth_{hops}")
            explain(depth, f"Focus keeps what lies within {hops} relationship(s) of the selection")
            depth.setChecked(hops == 1)
            depth.triggered.connect(self._refocus)
            self.focus_depth.addAction(depth)
        self.act_tidy = act("tidy", e.tidy_layout)
        self.act_pin = act("pin", e.toggle_pin)
        self.act_blast = act("blast", self.show_blast_radius)
        self.act_clear = act("clear", self.clear_highlight)
        self.act_add_log_bucket = act("add_log_bucket", e.insert_log_bucket)
        self.act_properties = act("properties", partial(self._raise_dock, "properties"))
        self.act_outline = act("outline", self._focus_outline)
        self.act_shortcuts = act("shortcuts", self.show_shortcuts)
        self.act_about = act("about", partial(show_about, self))
        self.actions_by_name = {
            a.objectName(): a for a in self.findChildren(QAction) if a.objectName()
        }
        for action in self.actions_by_name.values():
            if action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut:
                # Canvas-only keys: Delete in the findings tree or Ctrl+A in a text field must
                # not act on the diagram; they work while the canvas (or its rename editor)
                # has the focus.
                self.view.addAction(action)
        self.blast_panel.addAction(self.act_clear)  # Esc also from the list of what is reached
        self.view_actions = QActionGroup(self)
        for name, title in style.VIEW_TITLES.items():
            action = QAction(title, self, checkable=True)
            action.setObjectName(f"view_{name}")
            explain(
                action, f"Show the {title.lower()} view" if name != "all" else "Show everything"
            )
            action.setChecked(name == "all")
            action.triggered.connect(partial(self.set_view, name))
            self.view_actions.addAction(action)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_new)
        templates = file_menu.addMenu("New from &Template")
        explain(templates.menuAction(), "Start from one of the whitepaper's structures")
        for info in list_templates():
            action = templates.addAction(f"{info.title} ({info.accounts} accounts)")
            explain(action, f"A new design from the {info.title} template")
            action.triggered.connect(partial(self.files.new_from_template, info.name))
        file_menu.addActions([self.act_new_wizard, self.act_grow_wizard])
        file_menu.addAction(self.act_open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        explain(self.recent_menu.menuAction(), "Open a design you worked on lately")
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
        edit.addActions([self.act_delete, self.act_rename, self.act_add_log_bucket])
        edit.addSeparator()
        edit.addActions([self.act_select_all, self.act_find])
        view = bar.addMenu("&View")
        view.addActions(self.view_actions.actions())
        view.addSeparator()
        view.addActions([self.act_zoom_in, self.act_zoom_out, self.act_fit, self.act_minimap])
        view.addSeparator()
        view.addActions([self.act_collapse, self.act_expand, self.act_collapse_fit])
        view.addActions([self.act_expand_all, self.act_group_edges])
        view.addSeparator()
        view.addAction(self.act_focus)
        depth = view.addMenu("Focus &Depth")
        explain(depth.menuAction(), "How far from the selection focus mode reaches")
        depth.addActions(self.focus_depth.actions())
        view.addSeparator()
        view.addActions([self.act_tidy, self.act_pin, self.act_blast, self.act_clear])
        view.addSeparator()
        view.addActions([self.act_properties, self.act_outline])
        panels = view.addMenu("&Panels")
        explain(panels.menuAction(), "Show or hide the panels around the canvas")
        for dock in [*self.docks.values(), self.diff_dock]:
            toggle = dock.toggleViewAction()
            explain(toggle, f"Show or hide the {dock.windowTitle()} panel")
            panels.addAction(toggle)
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.act_shortcuts, self.act_about])
        for menu in (file_menu, edit, view, help_menu):
            explain(menu.menuAction(), f"The {menu.title().replace('&', '')} menu")

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main", self)
        bar.setObjectName("toolbar")
        explain(bar.toggleViewAction(), "Show or hide the toolbar")
        bar.addActions([self.act_new, self.act_open, self.act_save])
        bar.addSeparator()
        bar.addActions([self.act_undo, self.act_redo])
        bar.addSeparator()
        self.view_combo = QComboBox()
        self.view_combo.setObjectName("view_combo")
        self.view_combo.setAccessibleName("View")
        self.view_combo.setToolTip("Which relationships the canvas shows")
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
        self.find_edit.setAccessibleName("Find")
        self.find_edit.setPlaceholderText("Find name or account id")
        self.find_edit.setToolTip("Find an item by name or account id (Enter)")
        self.find_edit.setMaximumWidth(240)
        self.find_edit.returnPressed.connect(lambda: self.edits.find(self.find_edit.text()))
        bar.addWidget(self.find_edit)
        self.addToolBar(bar)
        self.addToolBarBreak()
        self.addToolBar(self.filter_bar)
        explain(self.filter_bar.toggleViewAction(), "Show or hide the breadcrumbs and filters")

    def _connect(self) -> None:
        self.controller.dirty_changed.connect(lambda _d: self._update_title())
        self.controller.path_changed.connect(lambda _p: self._update_title())
        self.controller.reset.connect(self._design_replaced)
        self.controller.reset.connect(self._update_wizard_actions)
        self.controller.edited.connect(self._update_wizard_actions)
        self._update_wizard_actions()
        self.selection.focus_requested.connect(self.view.focus)
        self.findings.report_changed.connect(self._show_report)
        self.view.connect_requested.connect(self.edits.connect_menu)
        self.view.rename_requested.connect(self.edits.rename)
        self.view.expand_requested.connect(lambda unit: self.collapsing.expand([unit]))
        self.collapsing.status.connect(self.statusBar().showMessage)
        self.filter_bar.filter_changed.connect(self._filter)
        self.scene.focus_changed.connect(self.act_focus.setChecked)
        self.filter_bar.crumb_activated.connect(lambda unit: self.selection.focus([unit]))
        self.view.dropped.connect(self.add_item)
        self.view.context_requested.connect(self.context_menu)
        self.add_palette.activated.connect(lambda key: self.add_item(key, None))
        self.outline.rename_requested.connect(self.edits.rename)
        self.scene.error.connect(self._refused)
        self.edits.refused.connect(self._refused)
        self.edits.status.connect(self.statusBar().showMessage)
        self.files.status.connect(self.statusBar().showMessage)
        self.files.recent_changed.connect(self.refresh_recent_menu)

    def _restore_layout(self) -> None:
        """Window size and where the panels were, as the user left them last time."""
        geometry, state = self.settings.value(GEOMETRY_KEY), self.settings.value(STATE_KEY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        self.diff_dock.hide()  # a comparison is not kept across sessions: no empty panel

    def _save_layout(self) -> None:
        self.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.settings.setValue(STATE_KEY, self.saveState())
        self.settings.sync()

    # -- behaviour ---------------------------------------------------------------------------
    def document_name(self) -> str:
        return self.files.document_name()

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.document_name()}[*] — {APP_NAME}")
        self.setWindowModified(self.controller.is_dirty)

    def _design_replaced(self) -> None:
        self._update_title()
        self.blast_panel.clear()
        self._show_view_choice(self.scene.view_name)
        self.view.fit()

    def _update_wizard_actions(self) -> None:
        """Growing needs the answers the wizard stored (a template or blank design has none)."""
        self.act_grow_wizard.setEnabled(self.controller.design.answers is not None)

    def grow_from_wizard(self) -> DesignWizard | None:
        return grow_with_wizard(self.controller, self, self.statusBar().showMessage)

    def _refused(self, message: str) -> None:
        QMessageBox.warning(self, "Not possible", message)

    def _show_report(self, report: Report | None) -> None:
        if report is None:
            return
        counts = report.counts()
        parts = [f"{counts[s]} {s.value}" for s in SEVERITY_ORDER if counts[s]]
        self._counts.setText("Findings: " + (", ".join(parts) or "none"))
        self.scene.set_badges(self.findings.worst_severity_by_subject())

    def set_view(self, name: str) -> None:
        """Show one view, zoomed to what it is about."""
        self.blast_panel.clear()
        self.scene.set_view(name)
        self._show_view_choice(self.scene.view_name)
        self.view.refresh_legend()
        self.view.fit()

    def _show_view_choice(self, name: str) -> None:
        """The toolbar combo and the View menu name the view the canvas shows."""
        index = self.view_combo.findData(name)
        if index >= 0 and self.view_combo.currentIndex() != index:
            with QSignalBlocker(self.view_combo):
                self.view_combo.setCurrentIndex(index)
        for action in self.view_actions.actions():
            action.setChecked(action.objectName() == f"view_{name}")

    def add_item(self, key: str, at: QPointF | None) -> None:
        """Add a palette entry: where it was dropped (or right-clicked), else in a free slot."""
        kind, _, detail = key.partition(":")
        if kind == "account":
            self.edits.insert_account(AccountFunction(detail), at)
        elif kind == "ou":
            self.edits.insert_ou(at)
        elif kind == "idp":
            self.edits.insert_identity_provider(detail, at)
        elif kind == "outside":
            self.edits.insert_outside_principal(OutsideKind(detail), at)
        elif kind == "log_bucket":
            self.edits.insert_log_bucket()
        elif kind == "scp":
            self.edits.insert_scp()

    def context_menu(self, entity_id: str, at: QPointF, where: QPoint) -> QMenu:
        """The right-click menu for what is under the mouse (selected first, as usual)."""
        ids = self.scene.entity_ids(entity_id)  # a grouped edge: what it stands for
        if ids and not set(ids) & set(self.selection.ids):
            self.selection.set(ids)
        menu = context_menu(
            self, self._place(entity_id), self.actions_by_name, partial(self._add_at, at)
        )
        menu.popup(where)
        return menu

    def _add_at(self, at: QPointF, key: str) -> None:
        self.add_item(key, at)

    def _place(self, entity_id: str) -> str:
        if not entity_id:
            return "canvas"
        if entity_id in self.scene.edges:
            return "edge"
        kind = self.controller.document.kind(entity_id)
        if kind == EntityKind.ORGANIZATION:
            return "root"
        if kind == EntityKind.OU:
            return "card" if entity_id in self.controller.visibility().collapsed else "container"
        return "account" if kind == EntityKind.ACCOUNT else "node"

    def show_blast_radius(self) -> None:
        nodes = [i for i in self.selection.ids if i in self.scene.nodes]
        if len(nodes) != 1:
            self.statusBar().showMessage(
                "Select one account, provider or outside principal first", 4000
            )
            return
        radius = self.scene.show_blast_radius(nodes[0])
        self.blast_panel.show_radius(nodes[0])
        self._raise_dock("blast")
        self.view.refresh_legend()
        self.view.focus([nodes[0], *radius.reached])  # everything reached, in view
        self._show_view_choice(self.scene.view_name)
        name = self.scene.nodes[nodes[0]].title
        self.statusBar().showMessage(
            f"Compromise of {name!r} reaches {len(radius.reached)} account(s); "
            "Esc clears the highlight"
        )

    def toggle_focus(self) -> None:
        """Focus on the selection and its neighbours, or leave focus mode."""
        if self.scene.focus is not None or not self.selection.ids:
            self.scene.set_focus([])
            self.act_focus.setChecked(False)
            if not self.selection.ids:
                self.statusBar().showMessage("Select what to focus on first", 4000)
            return
        self.act_focus.setChecked(True)
        self._refocus(ids=self.selection.ids)

    def _refocus(self, _checked: bool = False, ids: list[str] | None = None) -> None:
        focus = self.scene.focus
        if ids is None and focus is None:
            return  # a depth chosen outside focus mode: used next time
        start = ids if ids is not None else list(focus[0] if focus else ())
        checked = self.focus_depth.checkedAction()
        hops = int(checked.objectName().rsplit("_", 1)[1]) if checked else 1
        self.scene.set_focus(start, hops)
        self.view.fit()
        kept, _ = self.scene.narrowed([e for e in self.scene.edges.values() if e.isVisible()])
        self.statusBar().showMessage(
            f"Focus: {len(kept or ())} items within {hops} step(s); Esc leaves focus mode"
        )

    def _filter(self, wanted: Filter) -> None:
        self.scene.set_filter(wanted)
        self.view.refresh_legend()
        self.view.fit()

    def clear_highlight(self) -> None:
        """Leave the blast-radius highlight and focus mode: back to the view shown before."""
        if self.scene.focus is not None:
            self.scene.set_focus([])
            self.act_focus.setChecked(False)
        view = self.scene.view_before_blast if self.scene.blast_start else self.scene.view_name
        self.set_view(view)
        self.statusBar().clearMessage()

    def _raise_dock(self, name: str) -> None:
        self.docks[name].show()
        self.docks[name].raise_()

    def _focus_outline(self) -> None:
        self._raise_dock("outline")
        self.outline.filter_edit.setFocus()

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.findChildren(QAction), self)
        dialog.show()
        dialog.raise_()
        return dialog

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
        """The current view, as laid out and routed on the canvas, to SVG / PNG / PDF / DOT."""
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
        # Everything's place as shown, OUs included (the file may not hold them yet).
        geometry = self.scene.geometry
        positions = geometry.anchors() if geometry is not None else {}
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
        dialog.compared.connect(
            lambda live: self.comparing.compare_imported(
                live, dialog.report.as_json() if dialog.report is not None else None
            )
        )
        dialog.show()
        return dialog

    def open_imported(self, design: Design) -> None:
        if self.files.confirm_discard():
            self.files.replace(design, None, dirty=True)
            self.statusBar().showMessage(f"Imported {design.name}: save it to keep it", 8000)

    def compare_with_live(
        self, path: Path | None = None, baseline: Path | None = None
    ) -> ThreeWay | None:
        """Compare this design with an import: marks on the canvas and a panel of differences,
        with what changed since `baseline` (an earlier import) apart."""
        return self.comparing.choose_and_compare(path, baseline)

    def compare_with(
        self, live: Design, label: str, baseline: Design | None = None, baseline_label: str = ""
    ) -> ThreeWay:
        return self.comparing.compare(live, label, baseline, baseline_label or None)

    def clear_comparison(self) -> None:
        self.comparing.clear()

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
            explain(action, f"Open {path}")
            action.triggered.connect(partial(self.files.open_path, Path(path)))
        menu.setEnabled(bool(menu.actions()))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.files.confirm_discard():
            self._save_layout()
            self.diagram_export.wait()
            dialog = self.import_dialog
            if dialog is not None and dialog.running:
                dialog.done(0)  # cancels, and waits for its thread before the window goes
            self.controller.dispose()
            event.accept()
        else:
            event.ignore()
