"""The controller: every edit is one undo step, undo restores identical designs."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.gui.controller import DesignController
from designer.model import Account, DesignError, TrustRelationship, dumps_design, load_design
from designer.model.governance import Layout
from designer.model.templates import load_template
from tests.helpers.factories import sid, small_design

pytestmark = pytest.mark.gui


@pytest.fixture
def controller(qapp: object) -> DesignController:
    return DesignController(small_design())


def test_add_move_delete_undo_redo_restore_identical_bytes(controller: DesignController) -> None:
    start = dumps_design(controller.design)
    controller.add(
        Account(id=sid("dev"), name="Dev", functions=["workload"], parent=sid("ou-workloads")),
        position=(10, 20),
    )
    controller.add(
        TrustRelationship(
            id=sid("t-dev"),
            source=sid("logs"),
            target=sid("dev"),
            role_name="Audit",
            access_level="security-audit",
        )
    )
    controller.move_nodes({sid("dev"): (50, 60), sid("prod"): (70, 80)})
    controller.remove([sid("dev")])
    assert sid("dev") not in {a.id for a in controller.design.accounts}
    assert controller.undo_stack.count() == 4
    states = []
    for _ in range(4):
        controller.undo_stack.undo()
        states.append(dumps_design(controller.design))
    assert states[-1] == start
    assert sid("t-dev") in states[0]  # undoing the delete brought the relationship back
    for _ in range(4):
        controller.undo_stack.redo()
    assert sid("dev") not in {a.id for a in controller.design.accounts}
    for _ in range(4):
        controller.undo_stack.undo()
    assert dumps_design(controller.design) == start


def test_refused_edit_changes_nothing_and_pushes_nothing(controller: DesignController) -> None:
    before = dumps_design(controller.design)
    with pytest.raises(DesignError, match="12 digits"):
        controller.update(sid("prod"), aws_account_id="123")
    with pytest.raises(DesignError, match="already used"):
        controller.add(Account(name="Twin", functions=["workload"], email="prod@example.com"))
    assert dumps_design(controller.design) == before
    assert controller.undo_stack.count() == 0


def test_multi_delete_is_one_step_and_tolerates_contents(controller: DesignController) -> None:
    before = dumps_design(controller.design)
    controller.remove([sid("ou-workloads"), sid("prod")])  # Prod goes with its OU
    assert controller.undo_stack.count() == 1
    controller.undo_stack.undo()
    assert dumps_design(controller.design) == before


def test_dirty_state_and_save(controller: DesignController, qtbot: object, tmp_path: Path) -> None:
    seen: list[bool] = []
    controller.dirty_changed.connect(seen.append)
    controller.update(sid("prod"), owner="payments")
    assert controller.is_dirty
    path = controller.save(tmp_path / "d.json")
    assert not controller.is_dirty
    assert load_design(path).accounts[2].owner == "payments"
    controller.undo_stack.undo()
    assert controller.is_dirty
    assert seen[:2] == [True, False]


def test_reparent_and_move_is_one_step(controller: DesignController) -> None:
    before = dumps_design(controller.design)
    controller.move_and_reparent({sid("prod"): (5, 5)}, {sid("prod"): sid("ou-security")})
    assert controller.document.get(sid("prod")).parent == sid("ou-security")
    assert controller.undo_stack.count() == 1
    controller.undo_stack.undo()
    assert dumps_design(controller.design) == before


def test_waive_names_every_subject(controller: DesignController) -> None:
    controller.waive("IAM-10", (sid("prod"), sid("logs")), "planned accounts", "lead")
    assert {(w.rule_id, w.subject) for w in controller.design.waivers} == {
        ("IAM-10", sid("prod")),
        ("IAM-10", sid("logs")),
    }
    controller.undo_stack.undo()
    assert controller.design.waivers == []
    with pytest.raises(DesignError, match="justification"):
        controller.waive("IAM-10", (sid("prod"),), " ", "lead")


def test_load_recovered_design_is_dirty(controller: DesignController) -> None:
    resets: list[bool] = []
    controller.reset.connect(lambda: resets.append(True))
    controller.load(load_template("logging"), None, dirty=True)
    assert resets == [True]
    assert controller.is_dirty
    assert controller.undo_stack.count() == 0


def test_overlong_justification_is_a_design_error(controller: DesignController) -> None:
    with pytest.raises(DesignError, match="waiver not added"):
        controller.waive("IAM-10", (sid("prod"),), "x" * 500, "lead")
    assert controller.undo_stack.count() == 0


def test_add_many_is_one_step_or_nothing(controller: DesignController) -> None:
    before = dumps_design(controller.design)
    good = Account(id=sid("a1"), name="A1", functions=["sandbox"])
    bad = Account(id=sid("a2"), name="A2", functions=["sandbox"], parent=sid("ghost"))
    with pytest.raises(DesignError, match="does not exist"):
        controller.add_many([good, bad], {}, "Paste")
    assert dumps_design(controller.design) == before
    assert controller.undo_stack.count() == 0
    controller.add_many([good], {sid("a1"): (3.0, 4.0)}, "Paste")
    assert controller.undo_stack.count() == 1
    placed = controller.design.layout.positions[sid("a1")]
    assert (placed.x, placed.y) == controller.geometry().nodes[sid("a1")]
    assert placed.y == 4.0, "where it was put, moved only sideways off what it covered"
    controller.undo_stack.undo()
    assert dumps_design(controller.design) == before


def test_saving_writes_what_the_canvas_shows(tmp_path: Path) -> None:
    """A hand-edited file with two accounts on one spot opens resolved; saved, the file says
    what was shown."""
    design = load_template("reference-landing-zone")
    first, second = design.accounts[7].id, design.accounts[8].id
    places = dict(design.layout.positions)
    places[second] = places[first]
    design.layout = Layout(positions=places)
    controller = DesignController(design)
    shown = controller.geometry().nodes
    assert shown[first] != shown[second]
    controller.save(tmp_path / "saved.json")
    saved = load_design(tmp_path / "saved.json").layout.positions
    assert {i: (p.x, p.y) for i, p in saved.items() if i in shown} == shown
    assert not controller.is_dirty
