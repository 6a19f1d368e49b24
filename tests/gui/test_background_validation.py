"""Validation in the background: never in the GUI thread, streamed into the findings panel, the
newest design's answer wins, one validation at a time, a closed window stops it cleanly."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from designer.gui import background
from designer.gui.controller import DesignController
from designer.gui.main_window import MainWindow
from designer.gui.panels import findings
from designer.gui.panels.findings import WAIVED_GROUP, FindingsPanel, design_snapshot
from designer.gui.selection import SelectionModel
from designer.model import Design
from designer.rules import Report, Step, validate
from tests.gui.conftest import Dialogs
from tests.helpers.factories import sid, small_design

pytestmark = pytest.mark.gui

REAL_STEPS = findings.validate_in_steps


class Steps:
    """validate_in_steps as the panel's job calls it, watched: in which thread, how many at
    once; a validation can be held after a number of steps until the test lets it go on."""

    def __init__(self) -> None:
        self.threads: list[int] = []
        self.designs: list[Design] = []
        self.running = 0
        self.most_at_once = 0
        self.ended: list[int] = []  # steps each validation got through
        self.hold_after: int | None = None  # hold the next validation after this many steps
        self.held = threading.Event()  # set while a validation waits
        self.go_on = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, design: Design, *args: Any, **kwargs: Any) -> Iterator[Step]:
        hold, self.hold_after = self.hold_after, None
        return self._steps(design, hold, args, kwargs)

    def _steps(self, design: Design, hold: int | None, args: Any, kwargs: Any) -> Iterator[Step]:
        with self._lock:
            self.threads.append(threading.get_ident())
            self.designs.append(design)
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        done = 0
        try:
            for step in REAL_STEPS(design, *args, **kwargs):
                yield step
                done = step.done
                if hold is not None and done == hold:
                    self.held.set()
                    assert self.go_on.wait(30)
        finally:
            with self._lock:
                self.running -= 1
                self.ended.append(done)


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> Steps:
    watched = Steps()
    monkeypatch.setattr(findings, "validate_in_steps", watched)
    return watched


def make_panel(qtbot: QtBot, design: Design | None = None) -> FindingsPanel:
    panel = FindingsPanel(DesignController(design or small_design()), SelectionModel())
    qtbot.addWidget(panel)
    return panel


def no_live_jobs() -> None:
    assert background.live_jobs() == []


def has_seed_inv_for_prod(report: Report) -> bool:
    return any(f.rule_id == "SEED-INV" and sid("prod") in f.subjects for f in report.findings)


def test_validation_runs_outside_the_gui_thread(qtbot: QtBot, steps: Steps) -> None:
    panel = make_panel(qtbot)
    assert panel.wait()
    gui = threading.get_ident()
    assert steps.threads
    assert gui not in steps.threads
    assert panel.report == validate(panel._controller.design)

    with qtbot.waitSignal(panel.report_changed):
        panel._controller.update(sid("prod"), owner="payments")  # after the debounce
    assert len(steps.threads) == 2
    assert gui not in steps.threads


def test_the_job_reads_a_snapshot_that_later_edits_do_not_change(
    qtbot: QtBot, steps: Steps
) -> None:
    panel = make_panel(qtbot)
    assert panel.wait()
    controller = panel._controller
    read = steps.designs[0]
    before = [a.model_dump() for a in read.accounts]
    controller.update(sid("prod"), owner="payments", purpose="card processing")
    assert [a.model_dump() for a in read.accounts] == before
    assert read is not controller.design
    copy = design_snapshot(controller.design)
    assert copy.model_dump() == controller.design.model_dump()
    assert copy.accounts is not controller.design.accounts


def test_findings_stream_in_while_the_rest_runs(qtbot: QtBot, steps: Steps) -> None:
    steps.hold_after = 1  # the seed rules have run, the rest waits
    panel = make_panel(qtbot)
    reports: list[Report] = []
    panel.report_changed.connect(reports.append)
    assert steps.held.wait(10)
    qtbot.waitUntil(lambda: panel.tree.topLevelItem(0) is not None and bool(panel._entries))
    shown = {e.finding.rule_id for e in panel._entries if e.finding is not None}
    assert shown
    assert all(rule.startswith("SEED-") for rule in shown)
    assert panel.validating
    assert panel.summary.text().startswith("Validating…")
    assert not panel.progress.isHidden()
    assert panel.progress.value() == 1
    assert reports == []  # report_changed waits for the complete report

    steps.go_on.set()
    assert panel.wait()
    assert reports == [panel.report]
    assert panel.report == validate(panel._controller.design)
    assert panel.progress.isHidden()
    assert not panel.summary.text().startswith("Validating")
    assert len(panel._entries) == len(panel.report.findings)


def test_an_edit_during_a_validation_wins_over_its_stale_answer(qtbot: QtBot, steps: Steps) -> None:
    steps.hold_after = 1
    panel = make_panel(qtbot)
    reports: list[Report] = []
    panel.report_changed.connect(reports.append)
    assert steps.held.wait(10)
    assert has_seed_inv_for_prod(validate(panel._controller.design))

    panel._controller.update(sid("prod"), owner="payments", purpose="card processing")
    panel.revalidate()  # as the debounce would, 400 ms later
    panel.revalidate()  # asked twice: still one more validation, not two
    steps.go_on.set()
    assert panel.wait()

    assert steps.most_at_once == 1
    assert len(steps.threads) == 2  # the stale one, then once more
    assert steps.ended[0] < steps.ended[1]  # the stale one stopped early
    assert reports == [panel.report]  # the stale answer was never shown
    assert not has_seed_inv_for_prod(panel.report)
    assert panel.report == validate(panel._controller.design)


def test_opening_another_design_during_a_validation_drops_the_old_findings(
    qtbot: QtBot, steps: Steps
) -> None:
    steps.hold_after = 1
    panel = make_panel(qtbot)
    assert steps.held.wait(10)
    other = small_design()
    other.accounts = [a for a in other.accounts if a.id != sid("prod")]
    other.relationships = [
        r for r in other.relationships if sid("prod") not in (r.source, r.target)
    ]
    panel._controller.load(other, None)
    steps.go_on.set()
    assert panel.wait()
    assert panel.report == validate(other)
    assert all(sid("prod") not in f.subjects for f in panel.report.findings)


def test_waiving_during_a_validation_shows_the_waiver_when_it_ends(
    qtbot: QtBot, steps: Steps, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = make_panel(qtbot)
    assert panel.wait()
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("because", True))
    finding = next(f for f in panel.report.findings if f.rule_id == "IAM-10")
    rows = panel._rows[finding.severity.value]
    row = next(item for item in rows if item.text(1) == finding.message)
    panel.tree.setCurrentItem(row)
    steps.hold_after = 1
    panel.revalidate()
    assert steps.held.wait(10)
    panel.waive_button.click()
    steps.go_on.set()
    assert panel.wait()
    assert [w.finding for w in panel.report.waived] == [finding]
    assert panel._groups[WAIVED_GROUP].childCount() == 1
    assert panel.report == validate(panel._controller.design)


def _delete(widget: Any) -> None:
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_closing_the_window_during_a_validation_stops_it_cleanly(
    qtbot: QtBot, steps: Steps, dialogs: Dialogs
) -> None:
    steps.hold_after = 1
    window = MainWindow(DesignController(small_design()), dialogs.settings)
    window.show()
    assert steps.held.wait(10)
    assert window.findings.validating
    job = window.findings._job
    assert job is not None
    assert job.running
    _delete(window)
    assert job.cancelled  # the panel went: nobody wants the answer
    steps.go_on.set()
    qtbot.waitUntil(lambda: not background.live_jobs())
    assert steps.ended == [1]  # stopped at the next group, not run to the end


def test_shutdown_cancels_and_waits_for_running_validations(qtbot: QtBot, steps: Steps) -> None:
    steps.hold_after = 1
    panel = make_panel(qtbot)
    assert steps.held.wait(10)
    assert panel.validating
    steps.go_on.set()
    assert background.shutdown(10)
    assert background.live_jobs() == []
    assert steps.ended == [1]
