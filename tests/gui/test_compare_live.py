"""Compare with Live as a user does it: pick an import kept beside the design and an earlier one
as baseline; the canvas is coloured three ways, the panel lists every difference by class and
kind, and accounts the import could not read are drawn as unknown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from designer.gui.canvas import style
from designer.gui.compare_dialog import NO_BASELINE, CompareDialog
from designer.gui.main_window import MainWindow
from designer.live.drift import CLASSES
from designer.live.history import history_dir, keep, kept
from designer.model import Design, save_design
from designer.model.templates import load_template
from designer.model.vocabulary import Unread
from tests.gui.conftest import Dialogs
from tests.helpers.drifted import two_imports

pytestmark = pytest.mark.gui


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, Design]:
    planned = load_template("reference-landing-zone")
    path = tmp_path / "plan.json"
    save_design(planned, path)
    return path, planned


def test_three_way_marks_and_panel(
    make_window: Callable[..., MainWindow], saved: tuple[Path, Design], tmp_path: Path
) -> None:
    path, planned = saved
    baseline, live, sandbox, trust = two_imports(planned)
    history = history_dir(path)
    first = keep(history, baseline, {})
    second = keep(history, live, {})
    window = make_window(planned, path)
    report = window.compare_with_live(second.path, first.path)
    assert report is not None
    scene = window.scene
    assert scene.nodes[sandbox].diff_mark == "planned-not-deployed"
    assert scene.edges[trust].diff_mark == "changed-since-baseline"
    unmarked = [i for i, item in scene.nodes.items() if item.diff_mark is None]
    assert len(unmarked) == len(scene.nodes) - 1
    panel = window.diff_panel
    tops = [panel.entries.topLevelItem(i).text(0) for i in range(panel.entries.topLevelItemCount())]
    [changed, *missing] = panel.leaves()
    # the sandbox, its billing, and the organization-wide trusts and log deliveries reaching it
    assert tops == ["Changed since the baseline (1)", f"Planned, not deployed ({len(missing)})"]
    assert len(missing) == 6
    assert all("Developer Sandbox" in m.text(0) for m in missing)
    assert "external id" in changed.text(0)
    assert "changed since the baseline" in changed.text(0)
    assert changed.parent().text(0) == "trust (1)"
    assert [m for m in missing if m.parent().text(0) == "account (1)"]
    assert panel.agreed.text() == f"{report.counts()['agreed']} agreed"
    assert report.counts()["agreed"] > 20
    legend = {cls: panel.swatches[cls].text() for cls in CLASSES}
    assert legend["changed-since-baseline"].endswith("Changed since the baseline: 1")
    assert style.DIFF_COLOURS["changed-since-baseline"] in legend["changed-since-baseline"]
    panel.entries.setCurrentItem(changed)
    assert window.selection.ids == [trust]
    window.clear_comparison()
    assert scene.edges[trust].diff_mark is None


def test_compare_dialog_offers_kept_imports_newest_first_with_the_previous_as_baseline(
    saved: tuple[Path, Design], qtbot: QtBot
) -> None:
    path, planned = saved
    baseline, live, *_ = two_imports(planned)
    history = history_dir(path)
    keep(history, baseline, {})
    keep(history, live, {})
    found = kept(history)
    dialog = CompareDialog(found)
    qtbot.addWidget(dialog)
    assert dialog.live_path() == found[-1].path
    assert dialog.baseline_path() == found[0].path
    dialog.live.setCurrentIndex(1)  # the older import: nothing was taken before it
    assert dialog.baseline.count() == 1
    assert dialog.baseline.currentText() == NO_BASELINE
    assert dialog.baseline_path() is None
    assert dialog.ok_button.isEnabled()


def test_compare_with_live_uses_the_dialog_when_imports_are_kept(
    make_window: Callable[..., MainWindow],
    saved: tuple[Path, Design],
) -> None:
    path, planned = saved
    baseline, live, _sandbox, trust = two_imports(planned)
    history = history_dir(path)
    keep(history, baseline, {})
    keep(history, live, {})
    window = make_window(planned, path)
    window.act_compare.trigger()
    dialog = window.comparing.dialog
    assert isinstance(dialog, CompareDialog)
    assert dialog.isVisible()
    dialog.ok_button.click()
    assert window.scene.edges[trust].diff_mark == "changed-since-baseline"
    assert "Compared with" in window.statusBar().currentMessage()


def test_an_import_made_in_the_editor_is_kept_and_measured_against_the_previous(
    make_window: Callable[..., MainWindow], saved: tuple[Path, Design]
) -> None:
    path, planned = saved
    baseline, live, sandbox, trust = two_imports(planned)
    history = history_dir(path)
    keep(history, baseline, {"accounts": len(baseline.accounts)})
    window = make_window(planned, path)
    dialog = window.open_import()
    dialog.design = live
    dialog.compare_button.setEnabled(True)
    dialog.compare_button.click()
    assert len(kept(history)) == 2
    assert window.scene.edges[trust].diff_mark == "changed-since-baseline"
    assert window.scene.nodes[sandbox].diff_mark == "planned-not-deployed"
    assert "kept as" in window.statusBar().currentMessage()


def test_an_account_the_import_could_not_read_is_drawn_as_unknown(
    make_window: Callable[..., MainWindow], dialogs: Dialogs, tmp_path: Path
) -> None:
    design = load_template("reference-landing-zone")
    unread = next(a for a in design.accounts if a.name == "Network")
    partly = next(a for a in design.accounts if a.name == "Shared Services")
    design.accounts = [
        a.model_copy(update={"unread": [Unread.CONTENTS]})
        if a.id == unread.id
        else a.model_copy(update={"unread": [Unread.CLOUDTRAIL, Unread.IAM]})
        if a.id == partly.id
        else a
        for a in design.accounts
    ]
    window = make_window(design)
    node = window.scene.nodes[unread.id]
    assert node.unknown
    assert node.tag == style.UNKNOWN_BADGE
    assert node.fill == style.UNKNOWN_FILL
    assert "Not read by the import: anything inside it" in node.toolTip()
    other = window.scene.nodes[partly.id]
    assert not other.unknown
    assert other.subtitle.endswith("partly read")
    assert "IAM roles and identity providers" in other.toolTip()
    before = node.scene_rect()
    window.controller.update(unread.id, name="Network (not read)")
    QApplication.processEvents()
    node = window.scene.nodes[unread.id]
    assert node.unknown
    assert node.title == "Network (not read)"
    assert node.scene_rect() == before  # an edit keeps the card where it was
    window.controller.update(unread.id, unread=[])  # the architect says it is known now
    QApplication.processEvents()
    assert not window.scene.nodes[unread.id].unknown
    window.controller.undo_stack.undo()
    QApplication.processEvents()
    assert window.scene.nodes[unread.id].unknown
    window.selection.set([unread.id])  # the properties say what is unknown, under the name
    QApplication.processEvents()
    form = window.properties.form
    assert form is not None
    note = form.errors["name"]
    assert note.isVisibleTo(window.properties)
    assert note.text() == "Not read by the import: anything inside it"
    window.resize(1600, 1000)  # the properties panel as wide as at first: two lines
    QApplication.processEvents()
    assert note.heightForWidth(note.width()) > note.fontMetrics().height() * 1.5
    assert note.height() >= note.heightForWidth(note.width())  # each line shown whole


def test_what_the_import_could_not_read_is_not_compared_not_missing(
    make_window: Callable[..., MainWindow], saved: tuple[Path, Design]
) -> None:
    path, planned = saved
    live = planned.model_copy(deep=True)
    network = next(a for a in live.accounts if a.name == "Network")
    # as the import folds them: the organization-wide trusts reach every account it read
    org = planned.organization.id
    into = [r for r in planned.relationships if r.kind == "trust" and r.target == org]
    assert into
    live.relationships = [
        r.model_copy(update={"excluded_accounts": [network.id]}) if r in into else r
        for r in live.relationships
    ]
    live.accounts = [
        a.model_copy(update={"unread": [Unread.CONTENTS]}) if a.id == network.id else a
        for a in live.accounts
    ]
    window = make_window(planned, path)
    report = window.compare_with(live, "the live organization")
    assert report.entries == []  # nothing is called missing
    assert report.not_compared
    panel = window.diff_panel
    [top] = [panel.entries.topLevelItem(i) for i in range(panel.entries.topLevelItemCount())]
    assert top.text(0) == f"Not compared ({len(report.not_compared)})"
    assert panel.unknown.text().endswith(f"{len(report.not_compared)} not compared")
    for rel in into:  # drawn grey: unknown, neither agreed nor different
        assert window.scene.edges[rel.id].diff_mark == "not-compared"
    assert "not compared" in window.statusBar().currentMessage()


def test_a_comparison_panel_left_open_is_not_reopened_empty(
    make_window: Callable[..., MainWindow], saved: tuple[Path, Design]
) -> None:
    path, planned = saved
    _baseline, live, *_ = two_imports(planned)
    window = make_window(planned, path)
    window.compare_with(live, "the live organization")
    assert window.diff_dock.isVisible()
    window.close()  # the panels' places are kept for next time
    again = make_window(planned, path)
    assert not again.diff_dock.isVisible()
    assert again.docks["findings"].isVisible()  # the rest of the layout is as left
