"""How long exporting every format takes on a large organization.

Run: .venv/bin/python benchmarks/bench_export.py [ACCOUNTS ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import synthetic_design
from exporters.base import REGISTRY, export_design
from exporters.registry import load_all


def bench(accounts: int) -> None:
    design = synthetic_design(accounts)
    load_all()
    with tempfile.TemporaryDirectory() as folder:
        timings = []
        for name in sorted(REGISTRY):
            start = time.perf_counter()
            written = export_design(design, Path(folder) / name, [name])
            timings.append(f"{name} {time.perf_counter() - start:.2f} s ({len(written)} files)")
        start = time.perf_counter()
        written = export_design(design, Path(folder) / "all")
        total = time.perf_counter() - start
    print(
        f"{accounts} accounts: all formats {total:.2f} s, {len(written)} files; "
        + "; ".join(timings)
    )


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [2000]:
        bench(size)
