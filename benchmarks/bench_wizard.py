"""How long the new-design wizard takes to answer: answers in, a laid-out design out (what
Finish and `account-designer new --answers` do), its validation, and growing it by one more
business unit (what answering again does).

Run: .venv/bin/python benchmarks/bench_wizard.py [--gui] [BUSINESS_UNITS ...]
(--gui: Finish in the editor, offscreen, until the design is drawn and its findings are in)
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


def bench_gui(units: int) -> None:
    """Finish in the editor: from the answers to the design drawn and routed on the canvas
    (offscreen), then to its findings."""
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    recovery_dir = tempfile.mkdtemp(prefix="bench-wizard-recovery-")
    os.environ["ACCOUNT_DESIGNER_STATE"] = recovery_dir  # no recovery offer to wait on
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from designer.gui.app import open_window

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
        window = open_window(None, settings=settings)
        settled: list[float] = []
        window.scene.settled.connect(lambda: settled.append(time.perf_counter()))
        given = answers(units)
        ticker = QTimer()  # wakes the wait below now and then to look at the clock
        ticker.start(20)
        start = time.perf_counter()
        window.files._open_answered(given)  # what Finish calls
        while not settled and time.perf_counter() - start < 60:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        ticker.stop()
        drawn = settled[0] - start if settled else float("nan")
        window.findings.wait(600_000)
        checked = time.perf_counter() - start
        print(
            f"{units:4d} business units in the editor: drawn and routed {drawn:.2f} s, "
            f"findings {checked:.2f} s ({len(window.controller.design.accounts)} accounts)"
        )
        window.hide()  # not close(): it would ask about the unsaved design
        window.deleteLater()


def main() -> None:
    gui = "--gui" in sys.argv
    sizes = [int(a) for a in sys.argv[1:] if a != "--gui"] or [1, 10, 50, 200, 499]
    for units in sizes:
        bench_gui(units) if gui else bench(units)


if __name__ == "__main__":
    main()
