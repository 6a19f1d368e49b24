"""Reaching the property editor's widgets by field name, as the GUI tests do."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QWidget

W = TypeVar("W", bound=QObject)


def field(editor: QWidget, kind: type[W], name: str) -> W:
    """The editor's widget for a field (objectName field_<name>); fails naming what is missing."""
    widget = editor.findChild(kind, f"field_{name}")
    assert widget is not None, f"no {kind.__name__} field_{name}"
    return widget


def field_error(editor: QWidget, name: str) -> str:
    """The message shown under a field ("" while none is shown)."""
    label = editor.findChild(QLabel, f"error_{name}")
    assert label is not None
    return "" if label.isHidden() else label.text()
