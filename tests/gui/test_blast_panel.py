"""The blast radius panel: rows as the analysis reports them, order, text, focus, recomputation."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from designer import analysis
from designer.drawing.views import edge_label
from designer.gui.canvas.style import LEVEL_COLOURS
from designer.gui.controller import DesignController
from designer.gui.panels.blast import (
    ACCESS,
    ACCOUNT_ID,
    LEVEL_ORDER,
    LEVEL_WORDS,
    NAME,
    NOT_SET,
    PATH,
    BlastRadiusPanel,
    name_key,
    severity,
)
from designer.gui.selection import SelectionModel
from designer.model import Account, Design, TrustRelationship
from designer.model.templates import load_template
from tests.helpers.factories import sid, small_design

pytestmark = pytest.mark.gui


def make_panel(qtbot: Any, design: Design) -> tuple[BlastRadiusPanel, DesignController]:
    controller = DesignController(design)
    panel = BlastRadiusPanel(controller, SelectionModel())
    qtbot.addWidget(panel)
    return panel, controller


def node_id(design: Design, name: str) -> str:
    nodes: list[Any] = [*design.accounts, *design.identity_providers, *design.outside_principals]
    return next(n.id for n in nodes if n.name == name)


def names(design: Design) -> dict[str, str]:
    nodes: list[Any] = [*design.accounts, *design.identity_providers, *design.outside_principals]
    return {n.id: n.name for n in nodes}


def cell(panel: BlastRadiusPanel, row: int, column: int, role: int = 0) -> Any:
    return panel.model.index(row, column).data(role or Qt.ItemDataRole.DisplayRole)


@pytest.fixture
def landing_zone() -> Design:
    """The reference landing zone without the security analysts' sign-in to Security Tooling
    (from which they audit every account), so that IAM Identity Center reaches only Identity
    and, through it, the workload accounts."""
    design = load_template("reference-landing-zone")
    tooling = node_id(design, "Security Tooling")
    kept = [r for r in design.relationships if not (r.kind == "federation" and r.target == tooling)]
    assert len(kept) == len(design.relationships) - 1
    return design.model_copy(update={"relationships": kept})


def trust(source: str, target: str, role: str, level: str) -> TrustRelationship:
    return TrustRelationship(
        id=sid(f"test-trust-{role}"),
        source=source,
        target=target,
        role_name=role,
        access_level=level,
    )


# -- rows -------------------------------------------------------------------------------------


def test_rows_equal_what_the_analysis_reports_for_every_start(
    qtbot: Any, landing_zone: Design
) -> None:
    panel, _controller = make_panel(qtbot, landing_zone)
    accounts = {a.id: a for a in landing_zone.accounts}
    for start in names(landing_zone):
        radius = analysis.blast_radius(landing_zone, start)
        assert panel.show_radius(start) == len(radius.reached)
        assert panel.model.rowCount() == len(radius.reached)
        shown = {(r.node, r.level, r.hops, r.relationships) for r in panel.rows()}
        expected = {
            (node, hit.level, hit.hops, hit.relationships) for node, hit in radius.reached.items()
        }
        assert shown == expected
        for i, row in enumerate(panel.rows()):
            assert cell(panel, i, NAME) == accounts[row.node].name
            assert cell(panel, i, ACCOUNT_ID) == (accounts[row.node].aws_account_id or NOT_SET)
            assert cell(panel, i, ACCESS) == row.level


def test_rows_sorted_by_access_severity_then_name(qtbot: Any, landing_zone: Design) -> None:
    identity = node_id(landing_zone, "Identity")
    extra = [
        trust(identity, node_id(landing_zone, "Log Archive"), "LogReader", "read-only"),
        trust(identity, node_id(landing_zone, "Network"), "NetworkIam", "iam-admin"),
        trust(identity, node_id(landing_zone, "Publishing"), "Auditor", "security-audit"),
    ]
    design = landing_zone.model_copy(
        update={"relationships": [*landing_zone.relationships, *extra]}
    )
    panel, _controller = make_panel(qtbot, design)
    start = node_id(design, "IAM Identity Center")
    panel.show_radius(start)
    radius = analysis.blast_radius(design, start)
    label = names(design)
    expected = sorted(
        radius.reached.values(), key=lambda hit: (severity(hit.level), name_key(label[hit.account]))
    )
    assert [r.node for r in panel.rows()] == [hit.account for hit in expected]
    shown = [cell(panel, i, ACCESS) for i in range(panel.model.rowCount())]
    assert shown[0] == "administrator"
    assert shown[-1] == "read-only"
    assert len(set(shown)) >= 4  # administrator, iam-admin, federated, audit, read-only


def test_severity_order_follows_the_analysis_ranks() -> None:
    assert LEVEL_ORDER[0] == "administrator"
    assert LEVEL_ORDER[-1] == "read-only"
    ranks = [analysis.ACCESS_RANK[level] for level in LEVEL_ORDER]
    assert ranks == sorted(ranks, reverse=True)
    assert set(LEVEL_ORDER) == {str(level) for level in analysis.ACCESS_RANK}


def test_access_column_uses_the_canvas_colours(qtbot: Any, landing_zone: Design) -> None:
    panel, _controller = make_panel(qtbot, landing_zone)
    panel.show_radius(node_id(landing_zone, "IAM Identity Center"))
    for i, row in enumerate(panel.rows()):
        colour = cell(panel, i, ACCESS, Qt.ItemDataRole.ForegroundRole)
        assert colour == QColor(LEVEL_COLOURS[row.level])
        assert cell(panel, i, ACCESS, Qt.ItemDataRole.DecorationRole) is not None
        assert LEVEL_WORDS[row.level] in cell(panel, i, ACCESS, Qt.ItemDataRole.ToolTipRole)


def test_header_counts_accounts_and_administrator_access(qtbot: Any, landing_zone: Design) -> None:
    panel, _controller = make_panel(qtbot, landing_zone)
    start = node_id(landing_zone, "IAM Identity Center")
    panel.show_radius(start)
    radius = analysis.blast_radius(landing_zone, start)
    admin = sum(hit.level == "administrator" for hit in radius.reached.values())
    assert admin
    assert admin < len(radius.reached)
    assert panel.header.text() == (
        f"Compromise of IAM Identity Center reaches {len(radius.reached)} accounts "
        f"({admin} with administrator access)"
    )


def test_header_says_reaches_nothing(qtbot: Any, landing_zone: Design) -> None:
    panel, _controller = make_panel(qtbot, landing_zone)
    start = node_id(landing_zone, "Log Archive")
    assert not analysis.blast_radius(landing_zone, start).reached
    assert panel.show_radius(start) == 0
    assert panel.header.text() == "Compromise of Log Archive reaches nothing"


def test_header_counts_one_account_in_the_singular(qtbot: Any) -> None:
    design = small_design()
    panel, _controller = make_panel(qtbot, design)
    assert panel.show_radius(sid("logs")) == 1
    assert panel.header.text() == (
        "Compromise of Log Archive reaches 1 account (0 with administrator access)"
    )


def test_path_text_names_the_relationships_ends_and_labels(
    qtbot: Any, landing_zone: Design
) -> None:
    panel, _controller = make_panel(qtbot, landing_zone)
    start = node_id(landing_zone, "IAM Identity Center")
    panel.show_radius(start)
    radius = panel.radius
    assert radius is not None
    label = names(landing_zone)
    scopes = {u.id: f"OU {u.name}" for u in landing_zone.organizational_units}
    scopes[landing_zone.organization.id] = "the organization"
    relationships = {r.id: r for r in landing_zone.relationships}
    two_hops = 0
    for i, row in enumerate(panel.rows()):
        text = cell(panel, i, PATH)
        assert text == cell(panel, i, PATH, Qt.ItemDataRole.ToolTipRole)
        route = radius.reached[row.node].route
        expected = [label[route.nodes[0]]]
        for rel_id, node in zip(route.relationships, route.nodes[1:], strict=True):
            rel = relationships[rel_id]
            scope = f" to {scopes[rel.target]}" if rel.target in scopes else ""
            expected += [f"{edge_label(rel)} ({rel.kind}{scope})", label[node]]
        assert text == " → ".join(expected)
        assert text.startswith("IAM Identity Center → ")
        assert text.endswith(f" → {row.name}")
        two_hops += len(route.relationships) == 2
    assert two_hops  # through Identity to the workload accounts


def test_a_trust_to_an_ou_reaches_every_account_of_it_and_says_so(qtbot: Any) -> None:
    design = small_design()
    workloads = sid("ou-workloads")
    dev = Account(id=sid("dev"), name="Dev", functions=["workload"], parent=workloads)
    test = Account(id=sid("test"), name="Test", functions=["workload"], parent=workloads)
    design.accounts += [dev, test]
    scoped = TrustRelationship(
        id=sid("trust-ou"),
        source=sid("logs"),
        target=workloads,
        role_name="AuditRole",
        access_level="security-audit",
        excluded_accounts=[test.id],
    )
    design.relationships = [r for r in design.relationships if r.kind != "trust"] + [scoped]
    panel, _controller = make_panel(qtbot, design)
    assert panel.show_radius(sid("logs")) == 2
    assert sorted(row.name for row in panel.rows()) == ["Dev", "Prod"]  # not the excluded Test
    for i, row in enumerate(panel.rows()):
        assert row.relationships == (scoped.id,)
        assert cell(panel, i, PATH) == (
            f"Log Archive → AuditRole · audit except 1 (trust to OU Workloads) → {row.name}"
        )
        assert cell(panel, i, ACCESS) == "security-audit"


def test_custom_role_with_admin_policy_says_what_it_counts_as(
    qtbot: Any, landing_zone: Design
) -> None:
    identity = node_id(landing_zone, "Identity")
    custom = TrustRelationship(
        id=sid("test-custom"),
        source=identity,
        target=node_id(landing_zone, "Network"),
        role_name="NetOps",
        access_level="custom",
        managed_policy_arns=["arn:aws:iam::aws:policy/AdministratorAccess"],
    )
    design = landing_zone.model_copy(
        update={"relationships": [*landing_zone.relationships, custom]}
    )
    panel, _controller = make_panel(qtbot, design)
    panel.show_radius(identity)
    row = next(r for r in panel.rows() if r.name == "Network")
    assert row.level == "administrator"
    assert row.path == "Identity → NetOps · custom (trust, counts as administrator) → Network"


# -- selection --------------------------------------------------------------------------------


def test_selecting_a_row_focuses_the_account_and_its_path(qtbot: Any, landing_zone: Design) -> None:
    controller = DesignController(landing_zone)
    selection = SelectionModel()
    panel = BlastRadiusPanel(controller, selection)
    qtbot.addWidget(panel)
    start = node_id(landing_zone, "IAM Identity Center")
    panel.show_radius(start)
    radius = analysis.blast_radius(landing_zone, start)
    sizes = set()
    for i, row in enumerate(panel.rows()):
        with qtbot.waitSignal(selection.focus_requested, timeout=1000) as blocker:
            panel.table.selectRow(i)
        hit = radius.reached[row.node]
        assert blocker.args == [[row.node, *hit.relationships]]
        assert selection.ids == [row.node, *hit.relationships]
        sizes.add(len(selection.ids))
    assert sizes == {2, 3}  # one hop (Identity) and two hops (the workload accounts)


# -- recomputation ----------------------------------------------------------------------------


def test_adding_and_removing_a_trust_recomputes(qtbot: Any, landing_zone: Design) -> None:
    panel, controller = make_panel(qtbot, landing_zone)
    identity = node_id(landing_zone, "Identity")
    logs = node_id(landing_zone, "Log Archive")
    start = node_id(landing_zone, "IAM Identity Center")
    panel.show_radius(start)
    before = {r.node for r in panel.rows()}
    assert logs not in before

    new = trust(identity, logs, "LogAdmin", "administrator")
    controller.add(new)
    qtbot.waitUntil(lambda: logs in {r.node for r in panel.rows()}, timeout=2000)
    row = next(r for r in panel.rows() if r.node == logs)
    assert (row.level, row.relationships) == (
        analysis.blast_radius(controller.design, start).reached[logs].level,
        analysis.blast_radius(controller.design, start).reached[logs].relationships,
    )
    assert "6 accounts (5 with administrator access)" in panel.header.text()

    controller.undo_stack.undo()
    qtbot.waitUntil(lambda: {r.node for r in panel.rows()} == before, timeout=2000)

    controller.undo_stack.redo()
    qtbot.waitUntil(lambda: logs in {r.node for r in panel.rows()}, timeout=2000)

    controller.remove([new.id])
    qtbot.waitUntil(lambda: {r.node for r in panel.rows()} == before, timeout=2000)

    federation = next(r.id for r in landing_zone.relationships if r.kind == "federation")
    controller.remove([federation])
    qtbot.waitUntil(lambda: not panel.rows(), timeout=2000)
    assert panel.header.text() == "Compromise of IAM Identity Center reaches nothing"
    assert panel.start == start

    controller.undo_stack.undo()
    qtbot.waitUntil(lambda: {r.node for r in panel.rows()} == before, timeout=2000)


def test_edits_in_one_turn_recompute_once_and_moves_not_at_all(
    qtbot: Any, landing_zone: Design
) -> None:
    panel, controller = make_panel(qtbot, landing_zone)
    identity = node_id(landing_zone, "Identity")
    panel.show_radius(node_id(landing_zone, "IAM Identity Center"))
    shown: list[object] = []
    panel.radius_changed.connect(shown.append)

    controller.move_nodes({identity: (12.0, 34.0)})
    qtbot.wait(50)
    assert shown == []

    controller.add(trust(identity, node_id(landing_zone, "Log Archive"), "A", "read-only"))
    controller.add(trust(identity, node_id(landing_zone, "Network"), "B", "read-only"))
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=2000)
    qtbot.wait(50)
    assert len(shown) == 1
    assert (
        panel.model.rowCount()
        == len(analysis.blast_radius(controller.design, identity).reached) + 1
    )


def test_selection_survives_a_recomputation_without_moving_the_canvas(
    qtbot: Any, landing_zone: Design
) -> None:
    controller = DesignController(landing_zone)
    selection = SelectionModel()
    panel = BlastRadiusPanel(controller, selection)
    qtbot.addWidget(panel)
    panel.show_radius(node_id(landing_zone, "IAM Identity Center"))
    retail = node_id(landing_zone, "Retail Production")
    panel.table.selectRow(next(i for i, r in enumerate(panel.rows()) if r.node == retail))
    focused: list[object] = []
    selection.focus_requested.connect(focused.append)

    controller.add(
        trust(node_id(landing_zone, "Identity"), node_id(landing_zone, "Network"), "C", "read-only")
    )
    qtbot.waitUntil(lambda: panel.model.rowCount() == 6, timeout=2000)
    rows = panel.table.selectionModel().selectedRows()
    assert [panel.rows()[i.row()].node for i in rows] == [retail]
    assert focused == []


def test_deleting_the_start_clears_the_panel(qtbot: Any, landing_zone: Design) -> None:
    panel, controller = make_panel(qtbot, landing_zone)
    start = node_id(landing_zone, "IAM Identity Center")
    panel.show_radius(start)
    assert panel.rows()
    cleared: list[object] = []
    panel.radius_changed.connect(cleared.append)

    controller.remove([start])
    qtbot.waitUntil(lambda: panel.start is None, timeout=2000)
    assert panel.rows() == []
    assert panel.model.rowCount() == 0
    assert cleared == [None]
    assert "No blast radius" in panel.header.text()

    controller.undo_stack.undo()  # the start is back, but nothing asks for its radius again
    qtbot.wait(50)
    assert panel.start is None


def test_clear_and_reset_empty_the_panel(qtbot: Any, landing_zone: Design) -> None:
    panel, controller = make_panel(qtbot, landing_zone)
    panel.show_radius(node_id(landing_zone, "Identity"))
    panel.clear()
    assert (panel.start, panel.rows(), panel.radius) == (None, [], None)
    panel.show_radius(node_id(landing_zone, "Identity"))
    controller.load(small_design(), None)
    assert (panel.start, panel.rows()) == (None, [])


def test_unknown_start_is_refused(qtbot: Any, landing_zone: Design) -> None:
    from designer.model import DesignError

    panel, _controller = make_panel(qtbot, landing_zone)
    with pytest.raises(DesignError):
        panel.show_radius("no-such-id")


# -- legend, names, size ----------------------------------------------------------------------


def test_every_canvas_level_has_words_in_the_legend(qtbot: Any, landing_zone: Design) -> None:
    assert set(LEVEL_WORDS) == set(LEVEL_COLOURS)
    assert all(words.strip() for words in LEVEL_WORDS.values())
    panel, _controller = make_panel(qtbot, landing_zone)
    legend = panel.legend.text()
    for level, colour in LEVEL_COLOURS.items():
        assert f"<b>{level}</b>: {LEVEL_WORDS[level]}".replace("'", "&#x27;") in legend
        assert colour in legend
    assert legend.index("administrator") < legend.index("read-only")


def test_object_and_accessible_names(qtbot: Any, landing_zone: Design) -> None:
    panel, _controller = make_panel(qtbot, landing_zone)
    assert panel.objectName() == "blast_panel"
    assert panel.table.objectName() == "blast_table"
    assert panel.table.accessibleName() == "Blast radius"
    assert panel.model.rowCount(panel.model.index(0, 0)) == 0
    assert panel.model.data(QModelIndex()) is None


def test_user_sort_order_survives_a_recomputation(qtbot: Any, landing_zone: Design) -> None:
    panel, controller = make_panel(qtbot, landing_zone)
    panel.show_radius(node_id(landing_zone, "IAM Identity Center"))
    panel.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
    by_name = [r.name for r in panel.rows()]
    assert by_name == sorted(by_name, key=name_key)
    controller.add(
        trust(node_id(landing_zone, "Identity"), node_id(landing_zone, "Network"), "D", "read-only")
    )
    qtbot.waitUntil(lambda: panel.model.rowCount() == 6, timeout=2000)
    by_name = [r.name for r in panel.rows()]
    assert by_name == sorted(by_name, key=name_key)
    panel.table.sortByColumn(ACCESS, Qt.SortOrder.AscendingOrder)
    assert [severity(r.level) for r in panel.rows()] == sorted(
        severity(r.level) for r in panel.rows()
    )


def test_two_thousand_accounts_fill_quickly(qtbot: Any) -> None:
    from benchmarks.synthetic import sid as synthetic_id
    from benchmarks.synthetic import synthetic_design

    design = synthetic_design(2000)
    panel, _controller = make_panel(qtbot, design)
    panel.resize(900, 600)
    panel.show()
    start = synthetic_id("idp")
    count = panel.show_radius(start)  # its speed is measured by benchmarks/, not asserted here
    panel.table.viewport().repaint()
    assert count == len(analysis.blast_radius(design, start).reached) >= 1995
    assert f"reaches {count:,} accounts" in panel.header.text()
    first = [row.name for row in panel.rows()[:3]]
    assert first == sorted(first, key=name_key)
    assert first[:2] == ["BU 00 workload 0", "BU 00 workload 20"]  # natural order


def test_names_sort_in_natural_order() -> None:
    names = ["Workload 10", "workload 2", "Audit", "Workload 1b", "workload 1a"]
    assert sorted(names, key=name_key) == [
        "Audit",
        "workload 1a",
        "Workload 1b",
        "workload 2",
        "Workload 10",
    ]
