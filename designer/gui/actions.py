"""Every command of the window in one table: text, keys, and what it does in words.

Menus, the toolbar, context menus, the keyboard-shortcut list and the status bar all read from
here, so a command has one name, one set of keys and one explanation wherever it appears.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

K = QKeySequence.StandardKey
Key = QKeySequence.StandardKey | str


@dataclass(frozen=True)
class ActionSpec:
    text: str
    tip: str  # the tooltip and the status-bar explanation
    keys: tuple[Key, ...] = ()
    canvas_only: bool = False  # acts on the diagram: only while the canvas has the focus


ACTIONS: dict[str, ActionSpec] = {
    "new": ActionSpec("&New", "Start a new, empty design", (K.New,)),
    "new_wizard": ActionSpec(
        "New Design &Wizard...",
        "Answer the whitepaper's questions and get a design that follows them",
    ),
    "grow_wizard": ActionSpec(
        "&Grow Design by Answering Again...",
        "Change your answers; only what they change is added or removed, as one undoable edit",
    ),
    "open": ActionSpec("&Open...", "Open a design file", (K.Open,)),
    "save": ActionSpec("&Save", "Save the design to its file", (K.Save,)),
    "save_as": ActionSpec("Save &As...", "Save the design to another file", (K.SaveAs,)),
    "export": ActionSpec(
        "&Export...",
        "Write policies, CloudFormation, the deployment plan, diagrams and the design document",
        ("Ctrl+E",),
    ),
    "export_diagram": ActionSpec(
        "Export &Diagram of Current View...",
        "Save the view on screen, as laid out and routed here, as SVG, PNG, PDF or DOT",
        ("Ctrl+Shift+E",),
    ),
    "mask_diagram": ActionSpec(
        "Mask Ids and E-mails in Exported Diagram",
        "Replace account ids and e-mail addresses in exported diagrams with masks",
    ),
    "import": ActionSpec(
        "&Import from AWS...", "Read a live AWS Organization (read-only) into a new design"
    ),
    "compare": ActionSpec(
        "&Compare with Live...",
        "Mark what an imported live organization lacks or has changed, and list every difference",
    ),
    "clear_compare": ActionSpec("Clear Comparison", "Remove the comparison marks and panel"),
    "quit": ActionSpec(
        "&Quit", "Close the window (asks before unsaved changes are lost)", (K.Quit, "Ctrl+Q")
    ),
    "undo": ActionSpec("&Undo", "Undo the last edit", (K.Undo, "Ctrl+Z")),
    "redo": ActionSpec("&Redo", "Redo the edit undone last", (K.Redo, "Ctrl+Y", "Ctrl+Shift+Z")),
    "cut": ActionSpec("Cu&t", "Copy the selection to the clipboard and delete it", (K.Cut,), True),
    "copy": ActionSpec("&Copy", "Copy the selection (OUs with their contents)", (K.Copy,), True),
    "paste": ActionSpec("&Paste", "Add copies of what the clipboard holds", (K.Paste,), True),
    "duplicate": ActionSpec("D&uplicate", "Add copies of the selection", ("Ctrl+D",), True),
    "delete": ActionSpec(
        "&Delete",
        "Delete the selection and the relationships that need it",
        # Not the standard Delete key: on X11 it also means Ctrl+D, which is Duplicate here.
        ("Del",),
        True,
    ),
    "rename": ActionSpec("Re&name", "Rename the selected item in place", ("F2",), True),
    "select_all": ActionSpec(
        "Select &All", "Select every account, OU and provider", (K.SelectAll,), True
    ),
    "find": ActionSpec("&Find...", "Find an item by name or account id", (K.Find,)),
    "zoom_in": ActionSpec("Zoom &In", "Enlarge the diagram", (K.ZoomIn, "Ctrl+=")),
    "zoom_out": ActionSpec("Zoom &Out", "Shrink the diagram", (K.ZoomOut,)),
    "fit": ActionSpec("&Fit to View", "Show everything the current view is about", ("Ctrl+0",)),
    "minimap": ActionSpec(
        "&Minimap",
        "Show an overview of the whole design in the canvas's corner while part of it is out "
        "of view; click or drag in it to move the view",
        ("Ctrl+Shift+M",),
    ),
    "collapse": ActionSpec(
        "Co&llapse OU",
        "Draw the selected OUs (or the OUs of the selected accounts) as one card each, with "
        "their relationships joined",
        ("Ctrl+[",),
        True,
    ),
    "expand": ActionSpec(
        "E&xpand OU",
        "Open the selected collapsed OUs where they stand (double-click a card does the same)",
        ("Ctrl+]",),
        True,
    ),
    "collapse_fit": ActionSpec(
        "Collapse to Fi&t",
        "Collapse the OU tree to the deepest level that stays readable at a glance",
        ("Ctrl+Shift+[",),
    ),
    "expand_all": ActionSpec(
        "Expand All OUs", "Open every collapsed OU (slow to draw on thousands of accounts)"
    ),
    "group_edges": ActionSpec(
        "&Group Relationships",
        "Draw one edge to an OU for a node related the same way to all or most of its accounts",
    ),
    "focus": ActionSpec(
        "F&ocus on Selection",
        "Grey everything but the selection and what it is related to; again, or Esc, to leave",
        ("Ctrl+Shift+F",),
    ),
    "tidy": ActionSpec(
        "&Tidy Layout", "Lay everything out afresh, except pinned items", ("Ctrl+L",)
    ),
    "pin": ActionSpec(
        "&Pin / Unpin", "Keep the selected items where they are when tidying", ("Ctrl+P",)
    ),
    "blast": ActionSpec(
        "Show &Blast Radius",
        "Show everything a compromise of the selected item reaches, with the access gained",
        ("Ctrl+B",),
    ),
    "clear": ActionSpec("&Clear Highlight", "Leave the blast-radius highlight", ("Esc",), True),
    "add_log_bucket": ActionSpec(
        "Add &Log Bucket", "Add a protected log bucket owned by the selected account"
    ),
    "properties": ActionSpec(
        "Show P&roperties", "Show the selected item's properties", ("Alt+Return",)
    ),
    "outline": ActionSpec(
        "Show &Outline", "Show the tree of everything in the design", ("Ctrl+Shift+O",)
    ),
    "shortcuts": ActionSpec(
        "&Keyboard Shortcuts", "List every keyboard shortcut and mouse gesture", (K.HelpContents,)
    ),
    "about": ActionSpec("&About AWS Account Designer", "Version, licence and what this is for"),
}


def unique_keys(*keys: Key) -> list[QKeySequence]:
    """Key sequences for one action, each once: a standard key (which differs per platform,
    and on X11 often is already Ctrl+Shift+Z or Ctrl+Q) plus explicit ones must not register
    the same sequence twice, or Qt calls the shortcut ambiguous and does nothing."""
    found: dict[str, QKeySequence] = {}
    for key in keys:
        sequences = (
            QKeySequence.keyBindings(key)
            if isinstance(key, QKeySequence.StandardKey)
            else [QKeySequence(key)]
        )
        for sequence in sequences:
            text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            if text:
                found.setdefault(text, sequence)
    return list(found.values())


def describe(action: QAction, name: str) -> QAction:
    """Give an action its text, keys and tips from the table."""
    spec = ACTIONS[name]
    action.setObjectName(name)
    action.setText(spec.text)
    action.setShortcuts(unique_keys(*spec.keys))
    keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
    action.setToolTip(f"{spec.tip} ({keys})" if keys else spec.tip)
    action.setStatusTip(spec.tip)
    if spec.canvas_only:
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    return action


def make_action(parent: QObject, name: str, slot: Callable[[], object]) -> QAction:
    action = describe(QAction(parent), name)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def explain(action: QAction, tip: str) -> QAction:
    """Tips for an action that is not in the table (a template, a recent file, a view)."""
    action.setToolTip(tip)
    action.setStatusTip(tip)
    return action
