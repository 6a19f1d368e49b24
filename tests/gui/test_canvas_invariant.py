"""The canvas never lies: after every add, delete, drag, drop, reparent, rename, connect, paste,
tidy, undo and redo, every item stands where the document says, nothing overlaps, every OU title
is visible, and undoing everything gives back the original picture and file."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from designer.core import edits
from designer.gui.canvas.items import ContainerItem, NodeItem
from designer.gui.canvas.scene import DesignScene
from designer.gui.controller import DesignController
from designer.gui.selection import SelectionModel
from designer.model import DesignError, dumps_design
from designer.model.templates import list_templates, load_template
from designer.model.vocabulary import AccountFunction
from tests.gui.canvas_checks import scene_geometry, scene_problems

pytestmark = pytest.mark.gui

TEMPLATES = [info.name for info in list_templates()]
# Fewer examples on the second (xcb) pass: the property is the same, the platform differs.
# Choices are drawn from lists in design order (never sorted by id: new ids are random, and
# hypothesis must be able to replay a sequence of choices).
EXAMPLES = int(os.environ.get("CANVAS_EXAMPLES", "500"))
Step = Callable[[DesignScene, st.DataObject], None]
names = st.text(alphabet="abcdefghij XYZ-0123456789", min_size=1, max_size=40).filter(
    lambda s: s.strip() != ""
)


def _ou(scene: DesignScene, data: st.DataObject) -> str | None:
    units = [u.id for u in scene.controller.design.organizational_units]
    return data.draw(st.sampled_from([None, *units]))


def _spot(scene: DesignScene, data: st.DataObject) -> QPointF:
    """A point somewhere over the organization (or just outside it)."""
    assert scene.geometry is not None
    root = scene.geometry.containers[scene.controller.design.organization.id]
    x = data.draw(st.integers(int(root.x) - 300, int(root.right) + 300))
    y = data.draw(st.integers(int(root.y) - 100, int(root.bottom) + 300))
    return QPointF(x, y)


def add_account(scene: DesignScene, data: st.DataObject) -> None:
    function = data.draw(st.sampled_from(list(AccountFunction)))
    design = scene.controller.design
    scene.controller.add(edits.new_account(design, function, _ou(scene, data)))


def drop_new_account(scene: DesignScene, data: st.DataObject) -> None:
    """From the palette onto a spot: into the OU under it, snapped to a free place."""
    at = _spot(scene, data)
    under = scene.container_at(at)
    parent = None if under in (None, scene.controller.design.organization.id) else under
    account = edits.new_account(scene.controller.design, AccountFunction.WORKLOAD, parent)
    scene.controller.add(account, (at.x() - 100, at.y() - 32))


def add_ou(scene: DesignScene, data: st.DataObject) -> None:
    scene.controller.add(edits.new_ou(scene.controller.design, _ou(scene, data)))


def delete(scene: DesignScene, data: st.DataObject) -> None:
    design = scene.controller.design
    ids = [*scene.nodes, *(u.id for u in design.organizational_units), *scene.edges]
    if ids:
        scene.controller.remove([data.draw(st.sampled_from(ids))])


def drag(scene: DesignScene, data: st.DataObject) -> None:
    """Drag a node or an OU (with what it holds) by some distance, as the mouse does."""
    items: list[NodeItem | ContainerItem] = [*scene.nodes.values()]
    items += [c for c in scene.containers.values() if not c.is_root]
    if not items:
        return
    item = data.draw(st.sampled_from(items))
    start = {i: n.pos() for i, n in [*scene.nodes.items(), *scene.containers.items()]}
    for other in scene.selectedItems():
        other.setSelected(False)
    item.setSelected(True)
    dx, dy = data.draw(st.integers(-700, 700)), data.draw(st.integers(-500, 500))
    item.setPos(item.pos() + QPointF(dx, dy))  # an OU carries its contents (container_moving)
    everything = {**scene.nodes, **scene.containers}
    moved = {i: (n.x(), n.y()) for i, n in everything.items() if n.pos() != start[i]}
    if moved:
        scene.commit_drag(moved)


def reparent(scene: DesignScene, data: st.DataObject) -> None:
    """A new parent chosen in the property editor."""
    design = scene.controller.design
    movable = [a.id for a in design.accounts] + [u.id for u in design.organizational_units]
    if movable:
        subject = data.draw(st.sampled_from(movable))
        scene.controller.update(subject, parent=_ou(scene, data))


def rename(scene: DesignScene, data: st.DataObject) -> None:
    design = scene.controller.design
    named = [*scene.nodes, *(u.id for u in design.organizational_units)]
    if named:
        scene.controller.update(data.draw(st.sampled_from(named)), name=data.draw(names))


def connect(scene: DesignScene, data: st.DataObject) -> None:
    design = scene.controller.design
    ends = [*scene.nodes, *scene.containers]
    source, target = data.draw(st.sampled_from(ends)), data.draw(st.sampled_from(ends))
    kinds = edits.valid_kinds(design, source, target)
    if kinds:
        kind = data.draw(st.sampled_from(kinds))
        scene.controller.add(edits.new_relationship(design, kind, source, target))


def duplicate(scene: DesignScene, data: st.DataObject) -> None:
    design = scene.controller.design
    ids = list(scene.nodes)
    if ids:
        chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        created, _ = edits.paste_fragment(design, edits.copy_fragment(design, chosen, {}))
        scene.controller.add_many(created, {}, "Duplicate")


def pin(scene: DesignScene, data: st.DataObject) -> None:
    """Pin or unpin a card (Ctrl+P): Tidy keeps it, drops still snap it."""
    ids = list(scene.nodes)
    if ids:
        node = data.draw(st.sampled_from(ids))
        scene.controller.set_pinned([node], not scene.nodes[node].pinned)


def copy_ou(scene: DesignScene, data: st.DataObject) -> None:
    """Copy an OU with what it holds and paste it (it lands in the first free slot)."""
    design = scene.controller.design
    units = [u.id for u in design.organizational_units]
    if units:
        ou = data.draw(st.sampled_from(units))
        chosen = [ou, *scene.controller.document.graph.ou_subtree(ou)]
        created, _ = edits.paste_fragment(design, edits.copy_fragment(design, chosen, {}))
        scene.controller.add_many(created, {}, "Paste")


def tidy(scene: DesignScene, data: st.DataObject) -> None:
    scene.controller.tidy()


def undo(scene: DesignScene, data: st.DataObject) -> None:
    scene.controller.undo_stack.undo()


def redo(scene: DesignScene, data: st.DataObject) -> None:
    scene.controller.undo_stack.redo()


STEPS: list[Step] = [
    add_account,
    drop_new_account,
    add_ou,
    delete,
    drag,
    reparent,
    rename,
    connect,
    duplicate,
    pin,
    copy_ou,
    tidy,
    undo,
    redo,
]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(TEMPLATES), data=st.data())
def test_the_canvas_always_shows_the_document(
    qapp: QApplication, name: str, data: st.DataObject
) -> None:
    controller = DesignController(load_template(name))
    scene = DesignScene(controller, SelectionModel())
    original, original_file = scene_geometry(scene), dumps_design(controller.design)
    assert scene_problems(scene) == []
    for _ in range(data.draw(st.integers(1, 8), label="steps")):
        step = data.draw(st.sampled_from(STEPS), label="step")
        with contextlib.suppress(DesignError):  # a refused edit changes nothing: checked below
            step(scene, data)
        assert scene_problems(scene) == [], step.__name__
    while controller.undo_stack.canUndo():
        controller.undo_stack.undo()
        assert scene_problems(scene) == [], "undo"
    assert scene_geometry(scene) == original
    assert dumps_design(controller.design) == original_file
    scene.deleteLater()
    controller.deleteLater()
