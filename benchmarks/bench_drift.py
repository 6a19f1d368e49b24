"""How long the comparisons of `diff` and `check-live` take on a large organization.

The synthetic design is the plan; the baseline import lacks 1% of its workload accounts (never
deployed); by the newer import 5 more are gone, 20 unplanned accounts appeared and 10 changed
owner. Times diff_designs (plan vs import) and three_way (plan, import, baseline), medians of 3,
and prints the counts per class so a wrong answer shows next to its time.

Run: .venv/bin/python benchmarks/bench_drift.py [ACCOUNTS ...]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import synthetic_design
from designer.live.diff import diff_designs
from designer.live.drift import three_way
from designer.model import Design


def without(design: Design, gone: set[str]) -> Design:
    result = design.model_copy(deep=True)
    result.accounts = [a for a in result.accounts if a.id not in gone]
    result.relationships = [
        r
        for r in result.relationships
        if r.source not in gone
        and r.target not in gone
        and not gone.intersection(getattr(r, "excluded_accounts", []) or [])
    ]
    for entity in gone:
        result.layout.positions.pop(entity, None)
    return result


def drifted(planned: Design) -> tuple[Design, Design]:
    workloads = [a for a in planned.accounts if "workload" in a.functions]
    never = {a.id for a in workloads[: max(1, len(workloads) // 100)]}
    baseline = without(planned, never)
    later = {a.id for a in workloads[len(never) : len(never) + 5]}
    live = without(baseline, later)
    model = workloads[-1]
    live.accounts += [
        model.model_copy(
            update={
                "id": f"00000000-0000-4000-8000-{n:012d}",
                "name": f"Unplanned {n}",
                "email": f"unplanned-{n}@example.com",
                "aws_account_id": f"{900000000000 + n}",
            }
        )
        for n in range(20)
    ]
    owners = {a.id for a in workloads[-10:]}
    live.accounts = [
        a.model_copy(update={"owner": "someone-else"}) if a.id in owners else a
        for a in live.accounts
    ]
    return baseline, live


def median(run: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(3):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench(accounts: int) -> None:
    planned = synthetic_design(accounts)
    baseline, live = drifted(planned)
    diff_time, diff = median(lambda: diff_designs(planned, live))
    three_time, report = median(lambda: three_way(planned, live, baseline))
    counts = ", ".join(f"{cls} {n}" for cls, n in report.counts().items())
    print(
        f"{accounts} accounts ({len(planned.relationships)} relationships): diff "
        f"{diff_time:.2f} s ({len(diff.entries)} differences), three-way {three_time:.2f} s "
        f"({counts})"
    )


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [2000, 5000, 10_000]:
        bench(size)
