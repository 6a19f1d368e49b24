"""How long the automatic layout and the container boxes take on synthetic organizations.

Run: .venv/bin/python benchmarks/bench_layout.py [ACCOUNTS ...]   (default: 2000 10000)
Each size is timed as generated (66 OUs) and with its accounts spread over 200 OUs.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import sid, synthetic_design
from designer.drawing.layout import arrange, auto_layout, container_boxes
from designer.model import Design, OrganizationalUnit
from designer.model.governance import Layout, NodeLayout

REPEAT = 5


def spread(design: Design, units: int) -> Design:
    """The same design with its workload accounts dealt round-robin into `units` OUs in all."""
    extra = units - len(design.organizational_units)
    parent = sid("ou", "Workloads")
    new_units = [
        OrganizationalUnit(id=sid("ou", "spread", n), name=f"Team {n:03d}", parent=parent)
        for n in range(max(0, extra))
    ]
    targets = [u.id for u in new_units] or [parent]
    accounts = [
        a.model_copy(update={"parent": targets[n % len(targets)]}) if a.runs_workloads else a
        for n, a in enumerate(design.accounts)
    ]
    return design.model_copy(
        update={
            "organizational_units": [*design.organizational_units, *new_units],
            "accounts": accounts,
        }
    )


def median_ms(task: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench(label: str, design: Design) -> None:
    result = auto_layout(design)
    anchors = {**{i: b.top_left for i, b in result.containers.items()}, **result.nodes}
    saved = design.model_copy(
        update={
            "layout": Layout(positions={i: NodeLayout(x=x, y=y) for i, (x, y) in anchors.items()})
        }
    )
    some = design.accounts[len(design.accounts) // 2].id
    pinned = {some: result.nodes[some]}
    print(
        f"{label}: {len(design.accounts)} accounts in {len(design.organizational_units)} OUs: "
        f"auto_layout {median_ms(lambda: auto_layout(design)):.0f} ms, "
        f"with a pinned node {median_ms(lambda: auto_layout(design, pinned)):.0f} ms, "
        f"container_boxes {median_ms(lambda: container_boxes(design, result.nodes)):.0f} ms, "
        f"arrange a saved layout {median_ms(lambda: arrange(saved)):.0f} ms "
        f"(median of {REPEAT})"
    )


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [2000, 10000]:
        design = synthetic_design(size)
        bench("synthetic", design)
        bench("spread", spread(design, 200))
