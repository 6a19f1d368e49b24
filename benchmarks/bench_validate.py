"""How long validation takes on synthetic organizations, and which rules cost the most.

Run: make bench  (or .venv/bin/python benchmarks/bench_validate.py 1000 10000)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import synthetic_design
from designer.core.graph import DesignGraph
from designer.model import load_design, save_design
from designer.rules import all_rules, validate
from designer.rules.context import RuleContext


def bench(accounts: int, repeat: int = 3, scoped: bool = True) -> None:
    design = synthetic_design(accounts, scoped=scoped)
    print(f"-- {'scoped' if scoped else 'one trust per account'}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        report = validate(design)  # builds the graph index too
        times.append(time.perf_counter() - start)
    print(
        f"{accounts} accounts, {len(design.relationships)} relationships: validate "
        f"{statistics.median(times) * 1000:.0f} ms (median of {repeat}, graph index included), "
        f"{len(report.findings)} findings"
    )
    graph = DesignGraph(design)
    rule_times = []
    for _ in range(repeat):
        start = time.perf_counter()
        validate(design, graph)  # the graph index built once, as the GUI keeps it
        rule_times.append(time.perf_counter() - start)
    print(
        f"  rule time (graph index built beforehand): {statistics.median(rule_times) * 1000:.0f} ms"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "design.json"
        save_design(design, path)
        start = time.perf_counter()
        validate(load_design(path))
        print(
            f"  load the file and validate: {(time.perf_counter() - start) * 1000:.0f} ms "
            f"({path.stat().st_size / 1e6:.1f} MB)"
        )
    ctx = RuleContext(design, DesignGraph(design))
    costs = []
    for checked in all_rules():
        start = time.perf_counter()
        list(checked.check(ctx))
        costs.append((time.perf_counter() - start, checked.id))
    slowest = ", ".join(f"{rule} {cost * 1000:.0f} ms" for cost, rule in sorted(costs)[-5:][::-1])
    print(f"  slowest rules (shared lookups counted where first used): {slowest}")


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [1000, 5000, 10000]:
        for scoped in (True, False):
            bench(size, scoped=scoped)
