"""How long one view's diagram takes on a large organization, step by step.

Run: .venv/bin/python benchmarks/bench_diagram.py [ACCOUNTS ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import synthetic_design
from exporters.diagram import render
from exporters.dot import dot_source, png_dpi
from exporters.drawing import build_drawing
from exporters.drawio import drawio_xml


def timed(label: str, work: object) -> tuple[str, float]:
    start = time.perf_counter()
    result = work() if callable(work) else work
    return f"{label} {time.perf_counter() - start:.2f} s", result  # type: ignore[return-value]


def bench(accounts: int) -> None:
    design = synthetic_design(accounts)
    relationships = len(design.relationships)
    parts = []
    for view in ("all", "identity"):
        text, drawing = timed("drawing", lambda v=view: build_drawing(design, v))
        parts.append(f"[{view}: {len(drawing.edges)} edges] {text}")
        text, source = timed("DOT", lambda d=drawing: dot_source(d))
        parts.append(text)
        for fmt in ("svg", "png", "pdf"):
            text_source = dot_source(drawing, png_dpi(drawing) if fmt == "png" else None)
            text, data = timed(fmt.upper(), lambda s=text_source, f=fmt: render(s, f))
            parts.append(f"{text} ({len(data) / 1e6:.1f} MB)")
    drawings = [build_drawing(design, v) for v in ("all", "identity", "logging")]
    text, xml = timed("draw.io (3 pages)", lambda: drawio_xml(drawings))
    parts.append(f"{text} ({len(xml) / 1e6:.1f} MB)")
    print(f"{accounts} accounts, {relationships} relationships: " + "; ".join(parts))


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [2000]:
        bench(size)
