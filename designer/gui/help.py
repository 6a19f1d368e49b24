"""Help: the keyboard shortcuts and canvas gestures, and what the application is.

The shortcuts are read from the window's actions, so the list cannot drift from the keys that
really work; gestures that are not actions come from one table here.
"""

from __future__ import annotations

import platform
from collections.abc import Iterable
from importlib import metadata
from typing import Final

import PySide6
from PySide6.QtCore import QKeyCombination, QSortFilterProxyModel, Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

APP_NAME: Final = "AWS Account Designer"
DISTRIBUTION: Final = "aws-account-designer"
LICENCE: Final = "Apache License 2.0"  # pyproject.toml: license = "Apache-2.0"
WHITEPAPER: Final = "AWS Multiple Account Security Strategy"
PURPOSE: Final = (
    "Design, validate and document how an AWS organization's accounts, OUs, identity "
    "providers and outside principals trust each other, log and share."
)

# Canvas gestures that are not actions: (what it does, the gesture, more detail).
GESTURES: Final[tuple[tuple[str, str, str], ...]] = (
    (
        "Draw a relationship",
        "Shift + drag from one item to another",
        "Offers only the relationship kinds valid for that pair; let go inside an OU's box (or "
        "the organization's) for one that covers every account in it",
    ),
    ("Pan", "Middle-button drag", "Moves the canvas"),
    ("Zoom", "Wheel", "Zooms the canvas around the pointer"),
    ("Scroll", "Shift + wheel", "Scrolls the canvas"),
    (
        "Move the view",
        "Click or drag in the minimap",
        "The overview of everything in the canvas's top-right corner, shown while part of it "
        "is out of view (View > Minimap)",
    ),
    ("Rename in place", "Double-click", "Edits the name of an account, OU or provider"),
    (
        "Open a collapsed OU",
        "Double-click its card",
        "Opens it where the card stands, as far as fits (Ctrl+[ collapses it again)",
    ),
    (
        "Go up the OU path",
        "Click a breadcrumb in the filter bar",
        "Selects that OU (or the organization) and centres it",
    ),
    ("Context menu", "Right-click", "What can be done with the item under the pointer"),
    ("Add at a place", "Drag from the Add palette onto the canvas", "Adds the item there"),
)
COLUMNS: Final = ("Action", "Shortcut", "Description")


def action_text(action: QAction) -> str:
    """The action's text without mnemonics ("&Save" -> "Save", "&&" -> "&") or a trailing
    ellipsis."""
    text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").strip()
    for ellipsis in ("...", "…"):
        text = text.removesuffix(ellipsis)
    return text.strip()


def key_text(sequence: QKeySequence) -> str:
    """A key sequence in the platform's words; a dedicated key (the Copy or Zoom In key of some
    keyboards, which standard shortcuts include) is called a key, not mistaken for a command."""
    text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
    if sequence.count() == 1:
        chord: QKeyCombination = sequence[0]  # type: ignore[index]  # stubs lack __getitem__
        code = chord.key().value
        dedicated = Qt.Key.Key_Back.value <= code < Qt.Key.Key_unknown.value
        if dedicated and chord.keyboardModifiers() == Qt.KeyboardModifier.NoModifier:
            return f"{text} key"
    return text


def action_tip(action: QAction) -> str:
    """The status tip; else a tooltip that says more than the text (Qt defaults it to that)."""
    tip = action.statusTip().strip()
    if tip:
        return tip
    tool_tip = action.toolTip().strip()
    return "" if tool_tip in ("", action_text(action), action.text().replace("&", "")) else tool_tip


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str, str]]:
    """(text, key sequences, status tip) of every action with a shortcut, sorted by text; then
    the canvas gestures (GESTURES) in their own order. An action listed twice shows once."""
    rows: dict[tuple[str, str], tuple[str, str, str]] = {}
    for action in actions:
        keys = [key_text(key) for key in action.shortcuts() if not key.isEmpty()]
        if not keys:
            continue
        text = action_text(action)
        sequences = ", ".join(keys)
        rows.setdefault((text, sequences), (text, sequences, action_tip(action)))
    ordered = sorted(rows.values(), key=lambda row: (row[0].casefold(), row[1]))
    return [*ordered, *GESTURES]


class ShortcutsDialog(QDialog):
    """A non-modal, filterable list of the keyboard shortcuts and canvas gestures."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle("Keyboard Shortcuts")
        self.setModal(False)
        self.rows = shortcut_rows(actions)
        gestures = set(GESTURES)

        self.source = QStandardItemModel(len(self.rows), len(COLUMNS), self)
        self.source.setHorizontalHeaderLabels(list(COLUMNS))
        for r, row in enumerate(self.rows):
            for c, text in enumerate(row):
                item = QStandardItem(text)
                item.setEditable(False)
                item.setToolTip(text)
                if row in gestures:  # not a key: a gesture on the canvas, set apart in italics
                    font = item.font()
                    font.setItalic(True)
                    item.setFont(font)
                    item.setToolTip(f"Canvas gesture: {text}")
                self.source.setItem(r, c, item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setFilterKeyColumn(-1)  # any column
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("shortcuts_filter")
        self.filter_edit.setPlaceholderText("Filter by action, key or description")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter shortcuts")
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)

        self.table = QTableView(self)
        self.table.setObjectName("shortcuts_table")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setModel(self.proxy)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(900, 600)
        self.filter_edit.setFocus()

    def visible_rows(self) -> list[tuple[str, str, str]]:
        """The rows the filter lets through, in table order."""
        found = []
        for r in range(self.proxy.rowCount()):
            cells = [str(self.proxy.index(r, c).data() or "") for c in range(len(COLUMNS))]
            found.append((cells[0], cells[1], cells[2]))
        return found


def app_version() -> str:
    """The installed distribution's version, or "development" when run from a source tree."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "development"


def about_text() -> str:
    """What the application is, its version, licence and the versions it runs on (plain text)."""
    return "\n".join(
        (
            APP_NAME,
            f"Version {app_version()}",
            "",
            PURPOSE,
            f"It implements the AWS whitepaper \u201c{WHITEPAPER}\u201d.",
            "",
            f"Licence: {LICENCE}",
            f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {PySide6.__version__}",
        )
    )


class AboutDialog(QDialog):
    """About the application: plain text and a Close button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(f"About {APP_NAME}")
        name, body = about_text().split("\n", 1)
        title = QLabel(name, self)
        title.setTextFormat(Qt.TextFormat.PlainText)
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        self.label = QLabel(body, self)
        self.label.setObjectName("about_text")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.label)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)


def show_about(parent: QWidget | None = None) -> AboutDialog:
    """Open the About dialog (window-modal, without blocking) and return it."""
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
