"""Scoped relationships: which accounts an OU or the organization stands for, and the checks
that keep a scope meaningful (one scoped end, exclusions inside the scope)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from designer.analysis import blast_radius
from designer.core.document import Document
from designer.core.scope import Scopes
from designer.model import (
    Account,
    DelegatedAdminRelationship,
    Design,
    DesignFileError,
    OrganizationalUnit,
    OutsidePrincipal,
    ResourceShareRelationship,
    TrustRelationship,
    check_design,
    dumps_design,
    parse_design,
)
from tests.helpers.factories import sid, small_design


def nested() -> Design:
    """small_design plus Workloads/Dev with two accounts: Workloads holds Prod, Dev 1, Dev 2."""
    design = small_design()
    dev = OrganizationalUnit(id=sid("ou-dev"), name="Dev", parent=sid("ou-workloads"))
    design.organizational_units.append(dev)
    for n in (1, 2):
        design.accounts.append(
            Account(id=sid(f"dev-{n}"), name=f"Dev {n}", functions=["workload"], parent=dev.id)
        )
    return design


def audit(target: str, **extra: Any) -> TrustRelationship:
    return TrustRelationship(
        id=sid(f"audit-{target}"),
        source=sid("logs"),
        target=target,
        role_name="Audit",
        access_level="security-audit",
        **extra,
    )


def test_members_are_every_account_below_now() -> None:
    design = nested()
    scopes = Scopes(design)
    assert set(scopes.members(sid("ou-workloads"))) == {sid("prod"), sid("dev-1"), sid("dev-2")}
    assert set(scopes.members(sid("ou-dev"), [sid("dev-1")])) == {sid("dev-2")}
    assert set(scopes.members(design.organization.id)) == {a.id for a in design.accounts}
    assert scopes.members(sid("ou-security")) == (sid("logs"),)


def test_a_scoped_trust_expands_to_one_copy_per_account_with_its_own_id() -> None:
    design = nested()
    trust = audit(sid("ou-workloads"), excluded_accounts=[sid("dev-2")])
    design.relationships.append(trust)
    scopes = Scopes(design)
    copies = list(scopes.expand(trust))
    assert {c.target for c in copies} == {sid("prod"), sid("dev-1")}
    assert {c.id for c in copies} == {trust.id}
    assert scopes.scoped_end(trust) == "target"
    assert trust.id in scopes.scoped_ids()


def test_an_organization_trust_skips_the_trusted_account_and_management() -> None:
    design = nested()
    trust = audit(design.organization.id)
    copies = list(Scopes(design).expand(trust))
    assert {c.target for c in copies} == {a.id for a in design.accounts} - {
        sid("logs"),
        sid("mgmt"),
    }


def test_an_account_added_later_is_covered() -> None:
    """The role reaches future accounts of the OU (StackSet auto-deployment)."""
    design = nested()
    trust = audit(sid("ou-workloads"))
    design.relationships.append(trust)
    before = {c.target for c in Scopes(design).expand(trust)}
    design.accounts.append(
        Account(id=sid("new"), name="New", functions=["workload"], parent=sid("ou-dev"))
    )
    assert {c.target for c in Scopes(design).expand(trust)} == before | {sid("new")}


def problems(design: Design) -> list[str]:
    return [f"{p.path}: {p.message}" for p in check_design(design)]


def test_an_exclusion_outside_the_scope_changes_nothing() -> None:
    """Moving an excluded account out of the OU must not make the design invalid."""
    design = nested()
    trust = audit(sid("ou-dev"), excluded_accounts=[sid("prod")])
    design.relationships.append(trust)
    assert problems(design) == []
    assert {c.target for c in Scopes(design).expand(trust)} == {sid("dev-1"), sid("dev-2")}


def test_removing_an_excluded_account_keeps_the_trust_and_undo_restores_it() -> None:
    design = nested()
    trust = audit(sid("ou-workloads"), excluded_accounts=[sid("dev-1")])
    design.relationships.append(trust)
    document = Document(design)
    record = document.remove(sid("dev-1"))
    assert document.get(trust.id).excluded_accounts == []
    document.restore(record)
    assert document.get(trust.id).excluded_accounts == [sid("dev-1")]
    assert problems(document.design) == []


def test_removing_the_administered_ou_removes_the_delegation() -> None:
    """Kept without its OU, it would administer the whole organization: wider, not safer."""
    design = nested()
    delegation = DelegatedAdminRelationship(
        source=sid("mgmt"),
        target=sid("logs"),
        service_principals=["fms.amazonaws.com"],
        administers=sid("ou-dev"),
    )
    design.relationships.append(delegation)
    assert problems(design) == []
    document = Document(design)
    record = document.remove(sid("ou-dev"))
    assert not document.has(delegation.id)
    document.restore(record)
    assert document.get(delegation.id).administers == sid("ou-dev")


def test_exclusions_need_a_scoped_end() -> None:
    design = nested()
    design.relationships.append(audit(sid("prod"), excluded_accounts=[sid("dev-1")]))
    assert any("apply only when an end is an OU" in p for p in problems(design))


def test_only_one_end_may_be_a_scope() -> None:
    design = nested()
    design.relationships.append(
        TrustRelationship(
            source=sid("ou-dev"),
            target=sid("ou-workloads"),
            role_name="X",
            access_level="read-only",
        )
    )
    assert any("at one end only" in p for p in problems(design))


def test_a_share_to_a_service_principal_is_refused_with_the_allowed_kinds() -> None:
    data = json.loads(dumps_design(small_design()))
    service = {
        "id": sid("svc"),
        "name": "Config",
        "kind": "service",
        "service_principal": "config.amazonaws.com",
    }
    data["outside_principals"] = [service]
    data["relationships"].append(
        {"kind": "resource-share", "source": sid("prod"), "target": sid("svc"),
         "resource_type": "ami"}
    )  # fmt: skip
    with pytest.raises(DesignFileError) as caught:
        parse_design(json.dumps(data))
    message = str(caught.value)
    assert "$.relationships[4].target" in message
    assert "outside principal (anyone, external-account, partner-organization)" in message


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"kind": "partner-organization"}, "needs its organization_id"),
        ({"kind": "service"}, "needs its service_principal"),
        ({"kind": "anyone", "aws_account_id": "123456789012"}, "only to external-account"),
    ],
)
def test_an_outside_principal_carries_the_identifier_of_its_kind(
    fields: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ValueError, match=expected):
        OutsidePrincipal(name="X", **fields)


def test_a_service_trust_must_be_a_workload() -> None:
    design = small_design()
    design.outside_principals.append(
        OutsidePrincipal(
            id=sid("svc"), name="Svc", kind="service", service_principal="backup.amazonaws.com"
        )
    )
    design.relationships.append(
        TrustRelationship(
            source=sid("svc"), target=sid("prod"), role_name="Backup", access_level="read-only"
        )
    )
    assert any("principal type must be workload" in p for p in problems(design))


def test_a_trust_from_an_ou_lets_each_of_its_accounts_in_but_the_excluded() -> None:
    """aws:PrincipalOrgPaths: any principal of the OU path may assume the role."""
    design = nested()
    design.relationships.append(
        TrustRelationship(
            id=sid("from-dev"),
            source=sid("ou-dev"),
            target=sid("logs"),
            role_name="Deploy",
            access_level="administrator",
            excluded_accounts=[sid("dev-2")],
        )
    )
    reached = {
        start: blast_radius(design, sid(start)).reached for start in ("dev-1", "dev-2", "prod")
    }
    assert reached["dev-1"][sid("logs")].relationships == (sid("from-dev"),)
    assert sid("logs") not in reached["dev-2"]
    assert sid("logs") not in reached["prod"], "Prod is not in Dev"


def test_a_role_scoped_to_the_organization_never_lands_in_the_management_account() -> None:
    """Service-managed StackSets do not deploy there: the analyses agree with the export."""
    design = nested()
    design.relationships.append(audit(design.organization.id))
    targets = {c.target for c in Scopes(design).expand(design.relationships[-1])}
    assert sid("mgmt") not in targets
    assert sid("mgmt") not in blast_radius(design, sid("logs")).reached
    assert sid("prod") in blast_radius(design, sid("logs")).reached


def test_a_share_with_an_ou_cannot_leave_accounts_out() -> None:
    """RAM shares with a whole OU: an exclusion could not be deployed, so it is refused."""
    design = nested()
    design.relationships.append(
        ResourceShareRelationship(
            source=sid("logs"),
            target=sid("ou-workloads"),
            resource_type="ami",
            excluded_accounts=[sid("dev-1")],
        )
    )
    assert any("cannot leave accounts out" in p for p in problems(design))


def test_a_partner_organization_is_not_our_own_organization() -> None:
    """Exported, a 'partner' with our own id would admit every principal of ours."""
    design = nested()
    design.organization = design.organization.model_copy(update={"organization_id": "o-ours12345a"})
    design.outside_principals.append(
        OutsidePrincipal(
            name="Partner", kind="partner-organization", organization_id="o-ours12345a"
        )
    )
    assert any("this organization's own id" in p for p in problems(design))


def test_a_scoped_trust_lands_in_every_account_but_its_own_and_the_management_one() -> None:
    from benchmarks.synthetic import sid, synthetic_design

    design = synthetic_design(205)
    scopes = Scopes(design)
    audit = next(r for r in design.relationships if r.id == sid("rel", "audit", sid("org")))
    landed = scopes.lands_in(audit, "target")
    assert len(landed) == 205 - 2
    assert sid("account", "audit") not in landed
    assert sid("account", "management") not in landed
    assert [r.target for r in scopes.expand(audit)] == list(landed)  # one rule, both places
    share = next(r for r in design.relationships if r.kind == "resource-share")
    assert scopes.lands_in(share, "target") == scopes.members(share.target)  # not a trust
