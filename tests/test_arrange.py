"""arrange(): whatever the saved positions say, the picture has no overlap, nests every item in
its OU below the title, keeps pinned nodes and is stable (arranging its result changes nothing)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import synthetic_design
from designer.drawing.layout import GAP, HEADER, PADDING, arrange, node_box
from designer.model import Design
from designer.model.governance import Layout, NodeLayout
from designer.model.templates import list_templates, load_template
from tests.helpers.geometry import layout_problems, node_boxes

TEMPLATES = [info.name for info in list_templates()]
coordinate = st.floats(min_value=-800, max_value=3000, allow_nan=False).map(lambda v: round(v, 1))


def _with_positions(
    design: Design, positions: dict[str, tuple[float, float]], pinned: str = ""
) -> Design:
    copy = design.model_copy(deep=True)
    copy.layout = Layout(
        positions={i: NodeLayout(x=x, y=y, pinned=i == pinned) for i, (x, y) in positions.items()}
    )
    return copy


def _check(design: Design, yields: set[str]) -> None:
    result = arrange(design, yields)
    assert layout_problems(design, node_boxes(result.nodes), result.containers) == []
    again = arrange(_with_positions(design, result.anchors()))
    assert again == result, "arranging the arranged layout moved something"


def test_every_template_is_already_arranged() -> None:
    for name in TEMPLATES:
        design = load_template(name)
        saved = {i: (p.x, p.y) for i, p in design.layout.positions.items()}
        assert arrange(design).anchors() == saved, name


@settings(max_examples=500, deadline=None)
@given(
    name=st.sampled_from(TEMPLATES),
    data=st.data(),
)
def test_any_saved_positions_give_a_sound_picture(name: str, data: st.DataObject) -> None:
    design = load_template(name)
    saved = {i: (p.x, p.y) for i, p in design.layout.positions.items()}
    ids = sorted(saved)
    changed = data.draw(st.lists(st.sampled_from(ids), max_size=8, unique=True))
    forgotten = data.draw(st.lists(st.sampled_from(ids), max_size=6, unique=True))
    for i in changed:
        saved[i] = (data.draw(coordinate), data.draw(coordinate))
    for i in forgotten:
        saved.pop(i, None)
    yields = set(data.draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)))
    _check(_with_positions(design, saved), yields)


@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_a_pinned_account_never_moves(data: st.DataObject) -> None:
    design = load_template("reference-landing-zone")
    saved = {i: (p.x, p.y) for i, p in design.layout.positions.items()}
    account = data.draw(st.sampled_from([a.id for a in design.accounts]))
    saved[account] = (data.draw(coordinate), data.draw(coordinate))
    pinned = _with_positions(design, saved, pinned=account)
    result = arrange(pinned)
    x, y = saved[account]
    assert result.nodes[account] == (round(x), round(y)), "moved (beyond snapping to whole units)"
    assert layout_problems(pinned, node_boxes(result.nodes), result.containers) == []


def test_a_node_dropped_on_another_snaps_beside_it() -> None:
    design = load_template("reference-landing-zone")
    saved = {i: (p.x, p.y) for i, p in design.layout.positions.items()}
    retail, payments = (a.id for a in design.accounts if "Production" in a.name)
    saved[retail] = (saved[payments][0] + 10, saved[payments][1] + 5)
    result = arrange(_with_positions(design, saved), yields={retail})
    assert result.nodes[payments] == saved[payments], "the account under the drop stays"
    spot = node_box(result.nodes[retail])
    assert not spot.grown(GAP - 0.1).overlaps(node_box(saved[payments]))
    moved = abs(spot.x - saved[retail][0]) + abs(spot.y - saved[retail][1])
    assert moved <= node_box((0, 0)).width + GAP + 10, "the nearest free spot, not far away"


def test_a_new_account_takes_the_next_grid_cell_and_its_ou_pushes_siblings() -> None:
    design = load_template("reference-landing-zone")
    prod = next(u for u in design.organizational_units if u.name == "Prod")
    before = arrange(design)
    saved = dict(before.anchors())
    new = design.accounts[0].model_copy(
        update={
            "id": "new-account",
            "name": "New",
            "parent": prod.id,
            "aws_account_id": None,
            "email": "new@example.com",
        }
    )
    design.accounts.append(new)
    result = arrange(_with_positions(design, saved))
    assert layout_problems(design, node_boxes(result.nodes), result.containers) == []
    in_prod = [a.id for a in design.accounts if a.parent == prod.id and a.id != new.id]
    last = max(in_prod, key=lambda i: before.nodes[i])
    assert result.nodes[new.id][1] == before.nodes[last][1], "in the same row as its neighbours"
    assert result.containers[prod.id].width > before.containers[prod.id].width


def test_an_empty_ou_keeps_its_saved_place() -> None:
    design = load_template("reference-landing-zone")
    suspended = next(u for u in design.organizational_units if u.name == "Suspended")
    box = arrange(design).containers[suspended.id]
    saved = design.layout.positions[suspended.id]
    assert (box.x, box.y) == (saved.x, saved.y)
    assert box.height >= HEADER + PADDING


def test_a_design_without_positions_gets_the_tidy_layout() -> None:
    design = synthetic_design(300)
    design.layout = Layout()
    result = arrange(design)
    assert layout_problems(design, node_boxes(result.nodes), result.containers) == []
    assert arrange(_with_positions(design, result.anchors())) == result


def test_a_drop_onto_the_first_card_never_moves_the_others() -> None:
    """Snapping up or left would grow the OU upwards and its parent would push the whole OU
    (and the card under the drop) away: the dropped card goes beside or below instead."""
    design = load_template("reference-landing-zone")
    saved = {i: (p.x, p.y) for i, p in design.layout.positions.items()}
    ids = {a.name: a.id for a in design.accounts}
    prod = next(u.id for u in design.organizational_units if u.name == "Prod")
    staging = ids["Payments Staging"]
    index = [a.id for a in design.accounts].index(staging)
    design.accounts[index] = design.accounts[index].model_copy(update={"parent": prod})
    x, y = saved[ids["Retail Production"]]
    saved[staging] = (x + 3, y)
    result = arrange(_with_positions(design, saved), yields={staging})
    for name in ("Retail Production", "Payments Production", "Management"):
        assert result.nodes[ids[name]] == saved[ids[name]], name
    assert result.nodes[staging][1] > y
