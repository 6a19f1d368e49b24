"""Shared fixtures. Tests run headless: Qt uses the offscreen platform unless told otherwise."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

from designer.support.perf import collect_due

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _no_automatic_collection() -> Iterator[None]:
    """As in the app (designer/gui/collector.py): Python's automatic collection could run on a
    background job's thread and free a Qt wrapper there, which can deadlock the GUI thread.
    Collections run on the main thread instead: between tests, and in Qt tests on the app's
    timer while the test waits."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


@pytest.fixture(autouse=True)
def _collected_on_main_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    if "qtbot" in request.fixturenames:
        from designer.gui import collector

        collector.install(request.getfixturevalue("qapp"))
    yield
    collect_due()
