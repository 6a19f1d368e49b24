"""Long work off the GUI thread, always answering with one line.

Two shapes: `start` runs a worker QObject in a QThread owned by a widget (a dialog that waits for
it before it closes); `Job` runs a function in a thread that belongs to no widget and streams
its progress (opening a design, validation: work a window may be closed in the middle of).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from designer.model import DesignError

CANCELLED = "cancelled"


def failure(work: Callable[[], object], cancelled: tuple[type[Exception], ...] = ()) -> str:
    """Run `work`: "" when it succeeded, "cancelled", or the one-line reason to show."""
    try:
        work()
    except cancelled:
        return CANCELLED
    except (DesignError, OSError) as exc:
        return str(exc)
    except Exception as exc:  # the window must always hear back, never wait forever
        return f"unexpected error: {exc.__class__.__name__}: {exc}"
    return ""


def start(owner: QObject, worker: QObject, run: Callable[[], None]) -> QThread:
    """A started thread running `run` (a slot of `worker`); connect the worker's signals first."""
    thread = QThread(owner)
    worker.moveToThread(thread)
    thread.started.connect(run)
    thread.start()
    return thread


def stop(thread: QThread | None) -> None:
    """End the thread's loop and wait for it (quit first: a queued quit would come too late)."""
    if thread is not None:
        thread.quit()
        thread.wait()


def running(thread: QThread | None) -> bool:
    return thread is not None and thread.isRunning()


class Cancelled(Exception):
    """The work noticed its cancel event and stopped (raised by a Job's report callback)."""


Tell = Callable[[object], None]  # how work reports progress (raises Cancelled once cancelled)
Work = Callable[[Tell, threading.Event], object]

_LIVE: set[Job] = set()  # jobs whose thread may still run; they outlive the widgets that asked

# While a job runs, the GUI thread gets the GIL back after at most this long. Every call from Qt
# into Python (a paint, an event handler) takes the GIL, and with the default 5 ms a canvas of
# 10,000 accounts painted while a validation runs took 186 ms instead of 14 ms; with 0.5 ms, 36 ms.
JOB_SWITCH_INTERVAL = 0.0005
_switch_interval: float | None = None  # the interpreter's own, while jobs run


class Job(QObject):
    """`work(tell, cancel)` in a thread of its own; its answers arrive in the GUI thread.

    Unlike `start`, a job belongs to no widget: a widget deleted while its job runs just stops
    hearing from it (connect bound methods of the widget: Qt drops them with it), and should
    `cancel()` it so that it stops at its next `tell`. `shutdown()` cancels and waits for every
    job (the application does it when its window has closed). Create jobs in the GUI thread.

    Signals:
        progressed(Job, object): a value the work passed to `tell` (none once cancelled).
        finished(Job, object, str): the work's result and "", or None and CANCELLED or the
            one-line reason it failed (see `failure`).
    """

    progressed = Signal(object, object)
    finished = Signal(object, object, str)

    def __init__(self, work: Work, name: str = "job") -> None:
        # Owned by the application, not by Python nor a widget: deleted (later, in the GUI
        # thread, after its queued signals) once it has ended.
        super().__init__(QCoreApplication.instance())
        self._work = work
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.finished.connect(self._ended)  # queued: the GUI thread forgets the job

    def start(self) -> Job:
        global _switch_interval
        if _switch_interval is None:
            _switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_interval, JOB_SWITCH_INTERVAL))
        _LIVE.add(self)
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next report (a running step is not interrupted)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the thread has ended (True) or `timeout` seconds have passed."""
        if self._thread.ident is not None:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _report(self, value: object) -> None:
        if self._cancel.is_set():
            raise Cancelled
        self.progressed.emit(self, value)

    def _run(self) -> None:
        result: list[object] = []
        problem = failure(
            lambda: result.append(self._work(self._report, self._cancel)), (Cancelled,)
        )
        if not problem and self._cancel.is_set():
            problem = CANCELLED  # finished anyway, but nobody wants the answer any more
        self.finished.emit(self, result[0] if result and not problem else None, problem)

    def _ended(self, _job: object, _result: object, _problem: str) -> None:
        self.wait()  # the thread is past its last emit: this is quick
        _LIVE.discard(self)
        self.deleteLater()
        _restore_switch_interval()


def _restore_switch_interval() -> None:
    global _switch_interval
    if _switch_interval is not None and not _LIVE:
        sys.setswitchinterval(_switch_interval)
        _switch_interval = None


def live_jobs() -> list[Job]:
    """Jobs whose thread is still running."""
    return [job for job in _LIVE if job.running]


def shutdown(timeout: float = 10.0) -> bool:
    """Cancel every job and wait for their threads (at exit); False if one is still running."""
    jobs = list(_LIVE)
    for job in jobs:
        job.cancel()
    deadline = time.monotonic() + timeout
    ended = [job.wait(max(0.0, deadline - time.monotonic())) for job in jobs]
    _LIVE.difference_update(j for j in jobs if not j.running)
    _restore_switch_interval()
    return all(ended)
