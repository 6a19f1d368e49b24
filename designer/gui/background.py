"""Long work off the GUI thread: one worker per QThread, always answering with one line."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThread

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
