"""Document edits: validated, announced as events, and exactly undoable."""

from __future__ import annotations

import datetime as dt

import pytest

from designer.core.document import Document
from designer.core.events import DesignEvent
from designer.model import (
    Account,
    DesignError,
    FederationRelationship,
    NodeLayout,
    OrganizationalUnit,
    ResourceShareRelationship,
    TrustRelationship,
    Waiver,
    dumps_design,
)
from designer.model.vocabulary import AccountFunction
from tests.helpers.factories import sid, small_design


@pytest.fixture
def doc() -> Document:
    return Document(small_design())


@pytest.fixture
def events(doc: Document) -> list[DesignEvent]:
    seen: list[DesignEvent] = []
    doc.events.connect(seen.append)
    return seen


def names(events: list[DesignEvent]) -> list[str]:
    return [e.name for e in events]


def test_add_account_emits_event_and_updates_graph(
    doc: Document, events: list[DesignEvent]
) -> None:
    dev = Account(id=sid("dev"), name="Dev", functions=["workload"], parent=sid("ou-workloads"))
    doc.add(dev)
    assert names(events) == ["account_added"]
    assert events[0].entity is dev
    assert events[0].index == 3
    assert doc.get(sid("dev")) is dev
    assert sid("dev") in doc.graph.ou_subtree(sid("ou-workloads"))


def test_refused_add_leaves_design_untouched(doc: Document, events: list[DesignEvent]) -> None:
    before = dumps_design(doc.design)
    twin = Account(name="Twin", functions=["workload"], aws_account_id="333333333333")
    with pytest.raises(DesignError, match=r"\$\.accounts\[3\]\.aws_account_id: .*already used"):
        doc.add(twin)
    orphan = Account(name="Orphan", functions=["workload"], parent=sid("ghost"))
    with pytest.raises(DesignError, match="does not exist"):
        doc.add(orphan)
    with pytest.raises(DesignError, match="already used by the account 'Prod'"):
        doc.add(Account(id=sid("prod"), name="Copy", functions=["workload"]))
    assert dumps_design(doc.design) == before
    assert events == []
    assert orphan.id not in doc.graph.graph


def test_update_validates_values_with_path(doc: Document) -> None:
    with pytest.raises(DesignError, match=r"^\$\.accounts\[2\]\.aws_account_id: .*12 digits"):
        doc.update(sid("prod"), aws_account_id="12")
    with pytest.raises(DesignError, match=r"^\$\.accounts\[2\]\.email: .*already used"):
        doc.update(sid("prod"), email="logs@example.com")
    assert doc.get(sid("prod")).aws_account_id == "333333333333"


def test_update_returns_old_and_emits_once(doc: Document, events: list[DesignEvent]) -> None:
    old = doc.update(sid("prod"), owner="team-payments@example.com")
    assert old.owner == ""
    assert doc.get(sid("prod")).owner == "team-payments@example.com"
    doc.update(sid("prod"), owner="team-payments@example.com")  # unchanged: silent
    assert names(events) == ["account_updated"]
    assert events[0].old is old


def test_move_account_between_ous(doc: Document, events: list[DesignEvent]) -> None:
    doc.move(sid("prod"), sid("ou-security"))
    assert names(events) == ["account_moved"]
    assert doc.graph.parent_of(sid("prod")) == sid("ou-security")
    assert sid("prod") not in doc.graph.ou_subtree(sid("ou-workloads"))
    doc.add(OrganizationalUnit(id=sid("child"), name="Child", parent=sid("ou-security")))
    with pytest.raises(DesignError, match="cycle"):
        doc.move(sid("ou-security"), sid("child"))
    with pytest.raises(DesignError, match="only accounts and OUs"):
        doc.move(sid("idp"), None)


def test_remove_account_cascades_and_restores_exactly(
    doc: Document, events: list[DesignEvent]
) -> None:
    doc.set_position(sid("prod"), NodeLayout(x=10, y=20, pinned=True))
    before = dumps_design(doc.design)
    events.clear()
    record = doc.remove(sid("prod"))
    removed = {r.id for r in record.removed_relationships()}
    assert removed == {sid("bill-prod"), sid("trust-logs-prod"), sid("logs-prod")}
    assert names(events).count("relationship_removed") == 3
    assert names(events)[-2:] == ["position_updated", "account_removed"]
    assert all(sid("prod") not in (r.source, r.target) for r in doc.design.relationships)
    assert sid("prod") not in doc.graph.graph
    doc.restore(record)
    assert dumps_design(doc.design) == before
    assert doc.graph.neighbours(sid("logs"), "trust") == [sid("prod")]
    assert doc.graph.graph.has_edge(sid("logs"), sid("prod"), key=sid("trust-logs-prod"))


def test_remove_management_account_clears_reference_and_undo_restores(doc: Document) -> None:
    before = dumps_design(doc.design)
    record = doc.remove(sid("mgmt"))
    assert doc.design.organization.management_account is None
    assert {r.id for r in record.removed_relationships()} == {sid("bill-logs"), sid("bill-prod")}
    doc.restore(record)
    assert dumps_design(doc.design) == before


def test_remove_ou_removes_contents_and_undo_restores(doc: Document) -> None:
    before = dumps_design(doc.design)
    record = doc.remove(sid("ou-security"))
    assert [a.name for a in doc.design.accounts] == ["Management", "Prod"]
    assert doc.design.log_buckets == []
    assert doc.design.relationships[0].id == sid("bill-prod")
    doc.restore(record)
    assert dumps_design(doc.design) == before


def test_remove_bucket_unlinks_log_delivery(doc: Document) -> None:
    record = doc.remove(sid("bucket"))
    assert doc.get(sid("logs-prod")).bucket is None
    doc.restore(record)
    assert doc.get(sid("logs-prod")).bucket == sid("bucket")


def test_relationship_edit_reindexes_graph(doc: Document) -> None:
    doc.add(
        TrustRelationship(
            id=sid("t2"),
            source=sid("prod"),
            target=sid("mgmt"),
            role_name="X",
            access_level="administrator",
        )
    )
    assert sid("mgmt") in doc.graph.neighbours(sid("prod"), "trust")
    doc.update(sid("t2"), source=sid("idp"))
    assert sid("mgmt") not in doc.graph.neighbours(sid("prod"), "trust")
    assert sid("mgmt") in doc.graph.neighbours(sid("idp"), "trust")


def test_relationship_endpoint_kinds_are_enforced(doc: Document) -> None:
    with pytest.raises(DesignError, match="federation source must be an identity provider"):
        doc.add(FederationRelationship(source=sid("prod"), target=sid("logs"), protocol="saml"))


def test_usage_policy_and_waivers(doc: Document, events: list[DesignEvent]) -> None:
    doc.set_usage_policy(allowed_regions=["eu-west-1"])
    with pytest.raises(DesignError, match=r"\$\.usage_policy\.allowed_regions\[0\]"):
        doc.set_usage_policy(allowed_regions=["moon-1"])
    assert doc.design.usage_policy.allowed_regions == ["eu-west-1"]
    assert names(events) == ["usage_policy_updated"]


def test_listener_for_one_event_name(doc: Document) -> None:
    seen: list[str] = []
    doc.events.connect(lambda e: seen.append(e.entity.name), "account_removed")
    doc.remove(sid("prod"))
    assert seen == ["Prod"]


def test_invalid_design_is_refused_by_document() -> None:
    design = small_design()
    design.accounts[2] = design.accounts[2].model_copy(update={"parent": sid("ghost")})
    with pytest.raises(DesignError, match="parent"):
        Document(design)


def test_batch_sends_events_only_when_kept(doc: Document, events: list[DesignEvent]) -> None:
    with doc.batch():
        doc.move(sid("prod"), sid("ou-security"))
        doc.move(sid("logs"), sid("ou-workloads"))
        assert events == []  # held back until the batch is kept
    assert names(events) == ["account_moved", "account_moved"]
    assert doc.graph.parent_of(sid("logs")) == sid("ou-workloads")


def test_refused_batch_restores_everything(doc: Document, events: list[DesignEvent]) -> None:
    before = dumps_design(doc.design)

    def edits() -> None:
        with doc.batch():
            doc.move(sid("prod"), sid("ou-security"))
            doc.remove(sid("ou-workloads"))
            doc.add(Account(name="Lost", functions=["workload"], parent=sid("ghost")))

    with pytest.raises(DesignError, match=r"\$\.accounts\[\d\]\.parent: parent .* does not exist"):
        edits()
    assert dumps_design(doc.design) == before
    assert events == []
    assert doc.graph.parent_of(sid("prod")) == sid("ou-workloads")
    assert doc.graph.neighbours(sid("logs"), "trust") == [sid("prod")]
    assert doc.get(sid("ou-workloads")).name == "Workloads"


def test_batch_may_pass_through_invalid_states(doc: Document) -> None:
    # An account whose OU is added later in the same batch is fine once both are in.
    with doc.batch():
        doc.add(Account(id=sid("late"), name="Late", functions=["workload"], parent=sid("new-ou")))
        doc.add(OrganizationalUnit(id=sid("new-ou"), name="New"))
    assert doc.graph.ou_subtree(sid("new-ou")) == [sid("late")]


def test_remove_ou_whose_account_shares_with_it(doc: Document) -> None:
    # The share goes with the account; the OU's own cascade must not trip over it.
    doc.add(
        ResourceShareRelationship(
            id=sid("share"), source=sid("prod"), target=sid("ou-workloads"), resource_type="ami"
        )
    )
    before = dumps_design(doc.design)
    record = doc.remove(sid("ou-workloads"))
    assert sid("prod") not in {a.id for a in doc.design.accounts}
    assert sid("share") in {r.id for r in record.removed_relationships()}
    doc.restore(record)
    assert dumps_design(doc.design) == before


def test_duplicate_id_of_a_relationship_is_named(doc: Document) -> None:
    with pytest.raises(DesignError, match="already used by the billing relationship"):
        doc.add(Account(id=sid("bill-prod"), name="Dup", functions=["workload"]))


def test_waivers_leave_with_their_subject_and_come_back(doc: Document) -> None:
    waiver = Waiver(
        rule_id="SEED-INV",
        subject=sid("prod"),
        justification="Owner named later",
        author="architect",
        date=dt.date(2026, 11, 27),
    )
    other = waiver.model_copy(update={"subject": sid("logs")})
    doc.add_waiver(waiver)
    doc.add_waiver(other)
    before = dumps_design(doc.design)
    record = doc.remove(sid("prod"))
    assert doc.design.waivers == [other]
    doc.restore(record)
    assert dumps_design(doc.design) == before


def test_waiver_edits_are_checked(doc: Document) -> None:
    with pytest.raises(DesignError, match="no waiver number 3"):
        doc.remove_waiver(3)
    stray = Waiver(
        rule_id="X", subject=sid("ghost"), justification="j", author="a", date=dt.date(2026, 1, 1)
    )
    with pytest.raises(DesignError, match="must name a part of the design"):
        doc.add_waiver(stray)


def test_refused_inner_batch_is_undone_inside_the_outer(
    doc: Document, events: list[DesignEvent]
) -> None:
    with doc.batch():
        doc.update(sid("prod"), owner="kept")
        try:
            with doc.batch():
                doc.add(Account(id=sid("tmp"), name="Temp", functions=["sandbox"]))
                raise RuntimeError("user cancelled")
        except RuntimeError:
            pass
    assert sid("tmp") not in {a.id for a in doc.design.accounts}
    assert doc.get(sid("prod")).owner == "kept"
    assert names(events) == ["account_updated"]


def test_graph_queries_work_inside_a_batch(doc: Document) -> None:
    with doc.batch():
        doc.add(
            TrustRelationship(
                source=sid("logs"), target=sid("later"), role_name="R", access_level="read-only"
            )
        )
        assert doc.graph.accounts_with(AccountFunction.LOG_ARCHIVE) == {sid("logs")}
        assert sid("later") not in doc.graph.accounts()
        assert sid("later") not in doc.graph.log_coverage().missing  # no error mid-batch
        doc.add(Account(id=sid("later"), name="Later", functions=["workload"]))
    assert sid("later") in doc.graph.accounts()
    assert sid("later") in doc.graph.neighbours(sid("logs"), "trust")


def test_set_positions_places_many_nodes_at_once(doc: Document, events: list[DesignEvent]) -> None:
    doc.set_position(sid("prod"), NodeLayout(x=1, y=1))
    events.clear()
    doc.set_positions(
        {sid("prod"): NodeLayout(x=5, y=6), sid("logs"): NodeLayout(x=7, y=8), sid("mgmt"): None}
    )
    positions = doc.design.layout.positions
    assert (positions[sid("prod")].x, positions[sid("logs")].y) == (5, 8)
    assert names(events) == ["position_updated"] * 3
    assert events[0].old == NodeLayout(x=1, y=1)
    with pytest.raises(DesignError, match="not a node"):
        doc.set_positions({sid("bucket"): NodeLayout(x=0, y=0)})
