"""The automatic layout: deterministic, no overlaps, containers enclose their content, pins kept."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import pytest

from benchmarks.synthetic import synthetic_design
from designer.drawing.layout import (
    MIN_HEIGHT,
    MIN_WIDTH,
    NODE_HEIGHT,
    NODE_WIDTH,
    Box,
    LayoutResult,
    auto_layout,
    container_boxes,
    node_box,
)
from designer.model import (
    Account,
    Design,
    IdentityProvider,
    Organization,
    OrganizationalUnit,
    OutsidePrincipal,
)
from designer.model.templates import load_template, template_paths
from tests.helpers.factories import sid, small_design
from tests.helpers.geometry import overlapping

TEMPLATES = sorted(template_paths())


def _overlapping(boxes: dict[str, Box]) -> list[str]:
    return overlapping(boxes)


def _node_boxes(result: LayoutResult) -> dict[str, Box]:
    return {node: node_box(position) for node, position in result.nodes.items()}


def _container_of(design: Design, parent: str | None) -> str:
    return parent or design.organization.id


def _assert_nested(design: Design, result: LayoutResult) -> None:
    boxes = result.containers
    for account in design.accounts:
        box = boxes[_container_of(design, account.parent)]
        assert box.contains(node_box(result.nodes[account.id])), account.name
    for unit in design.organizational_units:
        assert boxes[_container_of(design, unit.parent)].contains(boxes[unit.id]), unit.name


def _assert_tidy(design: Design, result: LayoutResult) -> None:
    """Every node placed, nothing overlaps, sibling OUs apart, IdPs left of the organization."""
    nodes = [*design.accounts, *design.identity_providers, *design.outside_principals]
    assert set(result.nodes) == {n.id for n in nodes}
    assert set(result.containers) == {
        design.organization.id,
        *(u.id for u in design.organizational_units),
    }
    assert _overlapping(_node_boxes(result)) == []
    _assert_nested(design, result)
    siblings: dict[str, dict[str, Box]] = defaultdict(dict)
    for unit in design.organizational_units:
        siblings[_container_of(design, unit.parent)][unit.id] = result.containers[unit.id]
    for group in siblings.values():
        assert _overlapping(group) == []
    root = result.containers[design.organization.id]
    for side in [*design.identity_providers, *design.outside_principals]:
        assert result.nodes[side.id][0] + NODE_WIDTH <= root.x


def _anchors(result: LayoutResult) -> dict[str, tuple[float, float]]:
    """What the canvas stores: node positions and each container's top-left."""
    tops = {key: (box.x, box.y) for key, box in result.containers.items()}
    return {**result.nodes, **tops}


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_lay_out_tidily(name: str) -> None:
    design = load_template(name)
    _assert_tidy(design, auto_layout(design))


def test_a_large_organization_lays_out_tidily_and_landscape() -> None:
    design = synthetic_design(2000)
    result = auto_layout(design)
    _assert_tidy(design, result)
    root = result.containers[design.organization.id]
    assert 1.0 < root.width / root.height < 2.5


def test_the_same_design_gives_the_same_numbers() -> None:
    first = auto_layout(load_template("reference-landing-zone"))
    second = auto_layout(load_template("reference-landing-zone"))
    assert first == second
    assert list(first.nodes) == list(second.nodes)


def test_nodes_have_the_size_the_canvas_draws() -> None:
    result = auto_layout(small_design())
    box = node_box(next(iter(result.nodes.values())))
    assert (box.width, box.height) == (NODE_WIDTH, NODE_HEIGHT)


def test_accounts_stand_in_rows_of_at_most_four() -> None:
    unit = OrganizationalUnit(id=sid("ou"), name="Many")
    accounts = [
        Account(id=sid(f"a{n}"), name=f"A{n}", functions=["workload"], parent=unit.id)
        for n in range(10)
    ]
    result = auto_layout(_design([unit], accounts))
    rows: dict[float, int] = defaultdict(int)
    for account in accounts:
        rows[result.nodes[account.id][1]] += 1
    assert sorted(rows.values(), reverse=True) == [4, 4, 2]


def test_pinned_nodes_keep_their_exact_positions() -> None:
    design = load_template("reference-landing-zone")
    free = auto_layout(design)
    account, idp = design.accounts[3], design.identity_providers[0]
    keep = {account.id: (1234.5, -77.25), idp.id: free.nodes[idp.id]}
    result = auto_layout(design, keep)
    assert result.nodes[account.id] == (1234.5, -77.25)
    assert result.nodes[idp.id] == free.nodes[idp.id]
    assert _overlapping(_node_boxes(result)) == []
    _assert_nested(design, result)


def test_free_nodes_move_off_a_pinned_node_in_their_way() -> None:
    design = small_design()
    free = auto_layout(design)
    logs, prod = sid("logs"), sid("prod")
    result = auto_layout(design, {logs: free.nodes[prod]})
    assert result.nodes[logs] == free.nodes[prod]
    assert _overlapping(_node_boxes(result)) == []
    _assert_nested(design, result)


def test_pins_of_unknown_ids_are_ignored() -> None:
    design = small_design()
    assert auto_layout(design, {"not-a-node": (5.0, 5.0)}) == auto_layout(design)


def test_empty_ous_get_a_box() -> None:
    design = load_template("reference-landing-zone")
    empty = next(u for u in design.organizational_units if u.name == "Suspended")
    box = auto_layout(design).containers[empty.id]
    assert (box.width, box.height) == (MIN_WIDTH, MIN_HEIGHT)


def test_container_boxes_give_back_the_auto_layout_boxes() -> None:
    for name in TEMPLATES:
        design = load_template(name)
        result = auto_layout(design)
        assert container_boxes(design, _anchors(result)) == result.containers, name


def test_containers_follow_a_dragged_account() -> None:
    design = load_template("reference-landing-zone")
    positions = _anchors(auto_layout(design))
    account = next(a for a in design.accounts if a.parent is not None)
    positions[account.id] = (5000.0, 3000.0)
    nodes = {a.id: positions[a.id] for a in design.accounts}
    boxes = container_boxes(design, positions)
    _assert_nested(design, LayoutResult(nodes, boxes))
    assert boxes[account.parent or ""].right == 5000.0 + NODE_WIDTH + 16.0


def test_an_empty_ou_without_a_position_stands_right_of_its_siblings() -> None:
    design = small_design()
    empty = OrganizationalUnit(id=sid("ou-empty"), name="Suspended")
    design.organizational_units.append(empty)
    positions = {a.id: (x * 300.0, 100.0) for x, a in enumerate(design.accounts)}
    boxes = container_boxes(design, positions)
    box = boxes[empty.id]
    others = [boxes[sid("ou-security")], boxes[sid("ou-workloads")]]
    assert (box.width, box.height) == (MIN_WIDTH, MIN_HEIGHT)
    assert box.x >= max(b.right for b in others)
    assert boxes[design.organization.id].contains(box)


def test_an_empty_ou_with_a_position_stays_there() -> None:
    design = small_design()
    empty = OrganizationalUnit(id=sid("ou-empty"), name="Suspended")
    design.organizational_units.append(empty)
    boxes = container_boxes(design, {empty.id: (-400.0, 700.0)})
    assert boxes[empty.id] == Box(-400.0, 700.0, MIN_WIDTH, MIN_HEIGHT)
    assert boxes[design.organization.id].contains(boxes[empty.id])


def test_nested_empty_ous_without_positions_nest() -> None:
    outer = OrganizationalUnit(id=sid("outer"), name="Outer")
    inner = OrganizationalUnit(id=sid("inner"), name="Inner", parent=outer.id)
    boxes = container_boxes(_design([outer, inner], []), {})
    assert boxes[outer.id].contains(boxes[inner.id])
    assert boxes[sid("org")].contains(boxes[outer.id])


def test_broken_parents_still_lay_out() -> None:
    a = OrganizationalUnit(id=sid("a"), name="A", parent=sid("b"))
    b = OrganizationalUnit(id=sid("b"), name="B", parent=sid("a"))
    lost = Account(id=sid("lost"), name="Lost", functions=["workload"], parent=sid("nowhere"))
    design = _design([a, b], [lost])
    result = auto_layout(design)
    assert set(result.containers) == {sid("org"), a.id, b.id}
    assert result.containers[sid("org")].contains(node_box(result.nodes[lost.id]))
    assert result.containers[a.id].contains(result.containers[b.id])  # the cycle cut after A


def test_side_nodes_stack_in_a_column() -> None:
    idps = [IdentityProvider(id=sid(f"idp{n}"), name=f"IdP {n}", kind="oidc") for n in range(3)]
    parties = [OutsidePrincipal(id=sid(f"tp{n}"), name=f"Vendor {n}") for n in range(2)]
    design = _design([], [], idps, parties)
    result = auto_layout(design)
    xs = {result.nodes[n.id][0] for n in [*idps, *parties]}
    assert len(xs) == 1
    assert _overlapping(_node_boxes(result)) == []
    ys = [result.nodes[n.id][1] for n in [*idps, *parties]]
    assert ys == sorted(ys)


def test_boxes_overlap_only_when_interiors_meet() -> None:
    a, b = Box(0, 0, 10, 10), Box(10, 0, 10, 10)
    assert not a.overlaps(b)
    assert a.overlaps(Box(9.5, 9.5, 1, 1))
    assert all(not x.overlaps(y) for x, y in combinations([a, b, Box(0, 10, 20, 5)], 2))


def _design(
    units: list[OrganizationalUnit],
    accounts: list[Account],
    idps: list[IdentityProvider] | None = None,
    parties: list[OutsidePrincipal] | None = None,
) -> Design:
    return Design(
        id=sid("layout-design"),
        name="Layout",
        organization=Organization(id=sid("org"), name="Org"),
        organizational_units=units,
        accounts=accounts,
        identity_providers=idps or [],
        outside_principals=parties or [],
    )
