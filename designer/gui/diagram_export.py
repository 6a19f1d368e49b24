"""File -> Export Diagram of Current View: what is on the canvas, as SVG, PNG, PDF or DOT.

Graphviz runs in a worker thread: a picture of thousands of accounts takes seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal

from designer.gui import background
from exporters.diagram import save_view

if TYPE_CHECKING:
    from designer.drawing.layout import Point
    from designer.model import Design

FILTERS = {
    "svg": "SVG image (*.svg)",
    "png": "PNG image (*.png)",
    "pdf": "PDF document (*.pdf)",
    "dot": "Graphviz DOT (*.dot)",
}


def with_suffix(path: Path, chosen_filter: str) -> Path:
    """The path the user typed, given the chosen filter's suffix when it has none we know."""
    if path.suffix.lower().lstrip(".") in FILTERS:
        return path
    fmt = next((f for f, text in FILTERS.items() if text == chosen_filter), "svg")
    return path.with_name(f"{path.name}.{fmt}")


class DiagramWorker(QObject):
    """Signals:
    finished(str): done; empty on success, else the one-line reason.
    """

    finished = Signal(str)

    def __init__(
        self,
        design: Design,
        view: str,
        target: Path,
        positions: Mapping[str, Point],
        redact: bool = False,
    ) -> None:
        super().__init__()
        self.design = design.model_copy(deep=True)  # editing may go on meanwhile
        self.view, self.target, self.positions = view, target, dict(positions)
        self.redact = redact

    def run(self) -> None:
        def work() -> None:
            save_view(self.design, self.view, self.target, self.positions, self.redact)

        self.finished.emit(background.failure(work))


class DiagramExport(QObject):
    """Runs one diagram export at a time.

    Signals:
        finished(str, str): the target path and "" on success, else the one-line reason.
    """

    finished = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread_: QThread | None = None
        self.worker: DiagramWorker | None = None

    @property
    def running(self) -> bool:
        return background.running(self.thread_)

    def start(
        self,
        design: Design,
        view: str,
        target: Path,
        positions: Mapping[str, Point],
        redact: bool = False,
    ) -> bool:
        if self.running:
            return False
        self.worker = DiagramWorker(design, view, target, positions, redact)
        self.worker.finished.connect(self._finished)
        self.thread_ = background.start(self, self.worker, self.worker.run)
        return True

    def _finished(self, problem: str) -> None:
        background.stop(self.thread_)
        target = str(self.worker.target) if self.worker is not None else ""
        self.finished.emit(target, problem)

    def wait(self) -> None:
        """Let a running export end (the window is closing)."""
        background.stop(self.thread_)
