"""How long the new-design wizard takes to answer: answers in, a laid-out design out (what
Finish and `account-designer new --answers` do), its validation, and growing it by one more
business unit (what answering again does).

Run: .venv/bin/python benchmarks/bench_wizard.py [BUSINESS_UNITS ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from designer.core.document import Document
from designer.model import new_id
from designer.model.answers import Answers
from designer.rules import validate
from designer.wizard.build import build_design
from designer.wizard.grow import apply_growth, plan_growth

ALL = {"production": "restricted", "non-production": "confidential", "development": "internal",
       "sandbox": "public"}  # fmt: skip


def answers(units: int) -> Answers:
    return Answers.model_validate(
        {
            "business_units": [f"Unit {n:03d}" for n in range(units)],
            "environments": list(ALL),
            "data_sensitivity": ALL,
            "limited_visibility": True,
            "central_publishing": True,
            "published": ["amis", "portfolios"],
            "security_team": "both",
            "third_parties": [{"name": "Auditor", "aws_account_id": "111122223333"}],
        }
    )


def timed(work):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def bench(units: int) -> None:
    given = answers(units)
    design, built = timed(lambda: build_design(given, new_id()))
    report, checked = timed(lambda: validate(design))
    serious = sum(1 for f in report.findings if f.severity in ("critical", "high"))
    sizes = (len(design.accounts), len(design.organizational_units), len(design.relationships))
    more = answers(units + 1)
    document = Document(design)
    growth, planned = timed(lambda: plan_growth(document.design, more))
    _, applied = timed(lambda: apply_growth(document, growth))
    print(
        f"{units:4d} business units: {sizes[0]:5d} accounts, {sizes[1]:4d} OUs, "
        f"{sizes[2]:5d} relationships; "
        f"build+layout {built:.3f} s, validate {checked:.3f} s ({serious} critical/high); "
        f"grow by one unit: plan {planned:.3f} s, apply {applied:.3f} s (+{len(growth.adds)})"
    )


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1, 10, 50, 200, 499]
    for units in sizes:
        bench(units)


if __name__ == "__main__":
    main()
