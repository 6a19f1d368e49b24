"""Cyclic garbage collection on the GUI thread only.

Python runs an automatic collection on whichever thread happens to allocate past the threshold.
When that is a background job's thread and the garbage holds a Qt wrapper, the wrapper's
C++ destructor takes a Qt lock and then waits for the GIL, while the GUI thread holds the GIL
and waits for that lock (seen in gdb: a validation job's collection freeing a wrapper against
the GUI thread's QObject::connect). Both wait forever. So the GUI process turns automatic
collection off and a timer on the GUI thread runs the collections that are due, where no Qt
lock can be held by another thread waiting for Python.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from designer.support.perf import collect_due

# Often enough that garbage never piles up between ticks (a tick collects what the
# thresholds call for, as the automatic collector would), rarely enough to cost nothing idle.
INTERVAL_MS = 250


class MainThreadCollector(QObject):
    """Owns the timer; `install` makes the one of an application."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(collect_due)
        self._timer.start()

    def uninstall(self) -> None:
        """Stop collecting here and give collection back to Python (as before `install`)."""
        self._timer.stop()
        self.setParent(None)  # no longer the application's: `install` makes a new one
        if self._was_enabled:
            gc.enable()


def install(app: QCoreApplication) -> MainThreadCollector:
    """The application's collector, created on first call (from the GUI thread)."""
    found = app.findChild(MainThreadCollector)
    return found if isinstance(found, MainThreadCollector) else MainThreadCollector(app)
