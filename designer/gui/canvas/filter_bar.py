"""The bar above the canvas: where the selection sits in the OU tree (breadcrumbs to click), and
filters by OU, environment, function and relationship kind."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QToolBar

from designer.drawing.filters import Filter
from designer.drawing.layout.tree import OuTree
from designer.gui.canvas import style
from designer.gui.controller import DesignController
from designer.gui.selection import SelectionModel
from designer.model.vocabulary import AccountFunction, Environment

SEPARATOR = " \u203a "  # a single right-pointing angle quotation mark


class FilterBar(QToolBar):
    """Signals:
    filter_changed(Filter): the architect chose another filter.
    crumb_activated(str): an OU (or the organization) in the breadcrumbs was clicked.
    """

    filter_changed = Signal(object)
    crumb_activated = Signal(str)

    def __init__(self, controller: DesignController, selection: SelectionModel) -> None:
        super().__init__("Filter")
        self.setObjectName("filter_bar")  # a toolbar: what does not fit goes into its » menu
        self.controller, self.selection = controller, selection
        self.crumbs = QLabel()
        self.crumbs.setObjectName("breadcrumbs")
        self.crumbs.setAccessibleName("Where the selection is")
        self.crumbs.setTextFormat(Qt.TextFormat.RichText)
        self.crumbs.linkActivated.connect(self.crumb_activated)
        self.unit = self._combo("filter_unit", "Only what lies in this OU")
        self.environment = self._combo("filter_environment", "Only accounts of this environment")
        self.function = self._combo("filter_function", "Only accounts with this function")
        self.kind = self._combo("filter_kind", "Only relationships of this kind")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("filter_clear")
        self.clear_button.setToolTip("Show everything again")
        self.clear_button.clicked.connect(self.reset)
        self._fill_fixed()
        self.addWidget(self.crumbs)
        self.addSeparator()
        for combo in (self.unit, self.environment, self.function, self.kind):
            self.addWidget(combo)
            combo.currentIndexChanged.connect(self._changed)
        self.addWidget(self.clear_button)
        controller.reset.connect(self.refresh)
        controller.edited.connect(self.refresh)
        selection.selection_changed.connect(self.show_path)
        self.refresh_units()
        self.show_path([])

    def _combo(self, name: str, tip: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setToolTip(tip)
        combo.setAccessibleName(tip)
        # Narrow when the window is: the list opens as wide as its entries anyway.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(7)
        return combo

    def _fill_fixed(self) -> None:
        for combo, title, entries in (
            (self.environment, "Any environment", [(e.value, e.value) for e in Environment]),
            (self.function, "Any function", [(f.value, f.value) for f in AccountFunction]),
            (
                self.kind,
                "Any relationship",
                [(k, s.label) for k, s in style.EDGE_STYLES.items()],
            ),
        ):
            combo.addItem(title, None)
            for value, text in entries:
                combo.addItem(text, value)

    def refresh(self) -> None:
        """After a load or an edit: the OUs to pick from, and the path (names may change)."""
        self.refresh_units()
        self.show_path(self.selection.ids)

    def refresh_units(self) -> None:
        """The OUs to pick from, indented as in the tree (after loads and edits)."""
        design = self.controller.design
        wanted = self.unit.currentData()
        names = {u.id: u.name for u in design.organizational_units}
        tree = OuTree.of(design)
        depth = {tree.root: 0}
        for container in tree.order:
            for kid in tree.children[container]:
                depth[kid] = depth[container] + 1
        entries = [(names[u], u, depth[u]) for u in tree.order if u in names]
        if [self.unit.itemData(i) for i in range(1, self.unit.count())] == [e[1] for e in entries]:
            return  # unchanged: no flicker, no signal
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem("Any OU", None)
        for name, unit, level in entries:
            self.unit.addItem("  " * (level - 1) + name, unit)
        index = self.unit.findData(wanted)
        self.unit.setCurrentIndex(max(0, index))
        self.unit.blockSignals(False)
        if wanted is not None and index < 0:  # the OU went away: its filter too
            self._changed()

    def current(self) -> Filter:
        return Filter(
            unit=self.unit.currentData(),
            environment=self.environment.currentData(),
            function=self.function.currentData(),
            kind=self.kind.currentData(),
        )

    def reset(self) -> None:
        for combo in (self.unit, self.environment, self.function, self.kind):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._changed()

    def _changed(self) -> None:
        self.clear_button.setEnabled(self.current().active)
        self.filter_changed.emit(self.current())

    def show_path(self, ids: list[str]) -> None:
        """The organization, the OUs down to the first selected item, and the item."""
        document = self.controller.document
        first = next((i for i in ids if document.has(i)), None)
        org = self.controller.design.organization
        path: list[tuple[str, str]] = []
        node = first
        seen: set[str] = set()
        while node is not None and node not in seen and document.has(node):
            seen.add(node)
            entity = document.get(node)
            if node == org.id or not getattr(entity, "name", ""):
                break  # the root, or a relationship (it has no name nor place)
            path.append((node, str(entity.name)))
            node = getattr(entity, "parent", None)  # providers and outside principals: none
        crumbs = [(org.id, org.name), *reversed(path)]
        links = [f'<a href="{escape(i, quote=True)}">{escape(n)}</a>' for i, n in crumbs]
        self.crumbs.setText(SEPARATOR.join(links))
        self.crumbs.setToolTip(SEPARATOR.join(n for _, n in crumbs))
