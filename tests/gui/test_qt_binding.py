"""The Qt binding must not leak references to None (PySide6 6.12.0 on CPython 3.11 did,
and aborted the app after a few thousand calls)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.gui


def test_void_qt_calls_keep_none_alive(qapp: object) -> None:
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(5000):
        label.setText("x")
    assert sys.getrefcount(None) >= before - 50
