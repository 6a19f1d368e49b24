"""How long opening a deployment engine's configuration takes on a large organization: the
synthetic design written as an LZA folder and as an org-formation organization, then converted
back (what `account-designer convert` and File -> Open do), and checked against the original.

Run: .venv/bin/python benchmarks/bench_convert.py [ACCOUNTS ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import synthetic_design
from designer.engines.carried import canonical, carried
from designer.engines.convert import convert
from designer.engines.files import write_files
from designer.engines.lza import CARRIES as LZA
from designer.engines.lza.write import write_config as write_lza
from designer.engines.orgformation import CARRIES as ORGFORMATION
from designer.engines.orgformation.write import write_config as write_orgformation

ENGINES = (("lza", write_lza, LZA, ""), ("org-formation", write_orgformation, ORGFORMATION, ""))


def bench(accounts: int) -> None:
    design = synthetic_design(accounts)
    for name, write, carries, opened in ENGINES:
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            files = write(design)
            written = time.perf_counter() - start
            write_files(files, Path(folder))
            size = sum(len(f.text.encode()) for f in files)
            start = time.perf_counter()
            converted, report = convert(Path(folder) / opened)
            took = time.perf_counter() - start
        exact = canonical(carried(design, carries)) == canonical(carried(converted, carries))
        print(
            f"{accounts} accounts, {name}: write {written:.2f} s ({len(files)} files, "
            f"{size / 1e6:.1f} MB), convert {took:.2f} s ({len(report.gaps)} gaps), "
            f"round trip {'exact' if exact else 'DIFFERS'}"
        )


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [2000, 10_000]:
        bench(size)
