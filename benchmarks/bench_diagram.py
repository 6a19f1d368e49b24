"""How long one view's diagram takes on a large organization, step by step.

Run: .venv/bin/python benchmarks/bench_diagram.py [ACCOUNTS ...]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import synthetic_design
from exporters.diagram import render
from exporters.dot import dot_source, png_dpi
from exporters.drawing import Drawing, build_drawing
from exporters.drawio import drawio_xml
from exporters.summary import summary_drawing

T = TypeVar("T")


def timed(label: str, work: Callable[[], T]) -> tuple[str, T]:
    start = time.perf_counter()
    result = work()
    return f"{label} {time.perf_counter() - start:.2f} s", result


def pictures(drawing: Drawing, formats: tuple[str, ...]) -> list[str]:
    parts = []
    for fmt in formats:
        source = dot_source(drawing, png_dpi(drawing) if fmt == "png" else None)
        text, data = timed(fmt.upper(), lambda s=source, f=fmt: render(s, f))  # type: ignore[misc]
        parts.append(f"{text} ({len(data) / 1e6:.1f} MB)")
    return parts


def bench(accounts: int) -> None:
    design = synthetic_design(accounts)
    parts = []
    for view in ("all", "identity"):
        text, drawing = timed("drawing", lambda v=view: build_drawing(design, v))  # type: ignore[misc]
        parts.append(f"[{view}: {len(drawing.edges)} edges] {text}")
        parts.append(timed("DOT", lambda d=drawing: dot_source(d))[0])  # type: ignore[misc]
        parts += pictures(drawing, ("svg", "png", "pdf"))
    text, summary = timed("drawing", lambda: summary_drawing(design, "all"))
    parts.append(f"[all, summary: {len(summary.nodes)} boxes, {len(summary.edges)} edges] {text}")
    parts += pictures(summary, ("svg", "png"))
    drawings = [build_drawing(design, v) for v in ("all", "identity", "logging")]
    text, xml = timed("draw.io (3 pages)", lambda: drawio_xml(drawings))
    parts.append(f"{text} ({len(xml) / 1e6:.1f} MB)")
    print(f"{accounts} accounts, {len(design.relationships)} relationships: " + "; ".join(parts))


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [2000]:
        bench(size)
