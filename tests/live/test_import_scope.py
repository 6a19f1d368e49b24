"""Import and diff of scoped relationships and outside principals, against moto's HTTP server.

The organization (conftest.scope_org): Workloads holds Dev-1 and, in Workloads/Prod, Prod-1 and
Prod-2, each with the Audit role a StackSet would deploy; Shared Services trusts and shares with
principals outside the organization (a vendor's account, a partner organization, anyone, AWS
Config, GitHub Actions through an OIDC provider).
"""

from __future__ import annotations

from typing import Any

import pytest

from designer.core.scope import Scopes
from designer.live.aws import Connection
from designer.live.diff import MISSING, diff_designs
from designer.live.diff_text import format_diff
from designer.live.importer import import_organization
from designer.model import Design
from designer.model.integrity import check_design
from tests.live.conftest import (
    EXTERNAL,
    GITHUB,
    PARTNER_ORG,
    LiveOrg,
    audit_role,
    remove_audit_role,
)
from tests.live.expected import expected_scope_design

pytestmark = pytest.mark.live


def run_import(org: LiveOrg) -> tuple[Design, Any]:
    return import_organization(Connection(endpoint_url=org.url, workers=3), session=org.session())


@pytest.fixture(scope="module")
def imported(scope_org: LiveOrg) -> tuple[Design, Any]:
    return run_import(scope_org)


def trusts_of(design: Design) -> dict[str, Any]:
    """Role name -> its trust; a role trusted by several sources or deployed to several
    accounts more than once (as the import gave it before scopes) is left out."""
    found: dict[str, list[Any]] = {}
    for rel in design.relationships:
        if rel.kind == "trust":
            found.setdefault(rel.role_name, []).append(rel)
    return {name: rels[0] for name, rels in found.items() if len(rels) == 1}


def outside_of(design: Design) -> dict[str, Any]:
    return {p.id: p for p in design.outside_principals}


def test_a_role_in_every_account_of_an_ou_is_one_trust_to_it(
    scope_org: LiveOrg, imported: tuple[Design, Any]
) -> None:
    design, report = imported
    assert check_design(design) == []
    assert report.gaps == []
    ids = {a.id: a.aws_account_id for a in design.accounts}
    units = {u.id: u.name for u in design.organizational_units}
    audit = trusts_of(design)["Audit"]
    assert (units.get(audit.target), audit.excluded_accounts) == ("Workloads", [])
    assert ids[audit.source] == scope_org.accounts["Security Tooling"]
    assert str(audit.access_level) == "security-audit"
    landed = sorted(str(ids[r.target]) for r in Scopes(design).expand(audit))
    a = scope_org.accounts
    assert landed == sorted([a["Dev-1"], a["Prod-1"], a["Prod-2"]])
    access = trusts_of(design)["OrganizationAccountAccessRole"]  # in every member account
    assert (access.target, access.excluded_accounts) == (design.organization.id, [])


def test_the_scoped_plan_and_the_organization_do_not_differ(
    scope_org: LiveOrg, imported: tuple[Design, Any]
) -> None:
    diff = diff_designs(expected_scope_design(scope_org.resources), imported[0])
    assert diff.entries == [], format_diff(diff)


def test_the_diff_names_the_account_of_the_scope_that_lacks_the_role(
    scope_org: LiveOrg,
) -> None:
    remove_audit_role(scope_org, "Prod-2")
    try:
        live, _ = run_import(scope_org)
    finally:
        audit_role(scope_org, "Prod-2")
    assert sum(1 for r in live.relationships if getattr(r, "role_name", "") == "Audit") == 2
    diff = diff_designs(expected_scope_design(scope_org.resources), live)
    assert [(e.status, e.kind) for e in diff.entries] == [(MISSING, "trust")], format_diff(diff)
    assert format_diff(diff).splitlines()[1] == (
        "missing     trust Security Tooling -> Prod-2 role Audit (of scope OU Workloads)"
    )


def test_an_outside_account_is_one_principal_for_its_trust_and_its_share(
    scope_org: LiveOrg, imported: tuple[Design, Any]
) -> None:
    design, report = imported
    outside = outside_of(design)
    [vendor] = [p for p in outside.values() if p.aws_account_id == EXTERNAL]
    assert str(vendor.kind) == "external-account"
    trust = trusts_of(design)["VendorRead"]
    assert (trust.source, trust.external_id) == (vendor.id, "v-7f3a")
    assert (str(trust.access_level), str(trust.principal_type)) == ("read-only", "workload")
    [share] = [r for r in design.relationships if r.kind == "resource-share"
               and r.target == vendor.id]  # fmt: skip
    subnet = scope_org.resources["partner-subnets"]
    assert (share.ram_resource_type, share.resource_names) == ("ec2:Subnet", [subnet])
    assert not [g for g in report.gaps if EXTERNAL in g.reason]


def test_principal_star_is_whom_its_organization_condition_names(
    imported: tuple[Design, Any],
) -> None:
    design, _ = imported
    trusts, outside = trusts_of(design), outside_of(design)
    partner = outside[trusts["PartnerAccess"].source]
    assert (str(partner.kind), partner.organization_id) == ("partner-organization", PARTNER_ORG)
    org_reader = trusts["OrgReader"]
    assert (org_reader.source, org_reader.organization_scoped) == (design.organization.id, True)
    units = {u.id: u.name for u in design.organizational_units}
    assert units[trusts["WorkloadsReader"].source] == "Workloads"
    public = outside[trusts["PublicRole"].source]
    assert str(public.kind) == "anyone"
    [snapshot] = [r for r in design.relationships if r.kind == "resource-share"
                  and r.target == public.id]  # fmt: skip
    assert (str(snapshot.resource_type), snapshot.resource_names) == (
        "ebs-snapshot",
        ["public-restore"],
    )


def test_a_service_acting_for_another_account_and_an_oidc_provider_for_ci(
    scope_org: LiveOrg, imported: tuple[Design, Any]
) -> None:
    design, _ = imported
    trusts, outside = trusts_of(design), outside_of(design)
    assert "Ec2Instance" not in trusts  # EC2's role for this account's instances: not drawn
    config = trusts["ConfigForDev"]
    service = outside[config.source]
    assert (str(service.kind), service.service_principal) == ("service", "config.amazonaws.com")
    assert str(config.principal_type) == "workload"
    assert scope_org.accounts["Dev-1"] in config.purpose
    assert config.source_account_condition  # guarded: the policy names whom it acts for
    [provider] = design.identity_providers
    assert (provider.name, str(provider.kind)) == (GITHUB, "oidc")
    assert [r for r in design.relationships if r.kind == "federation"] == []
    deploy = trusts["GitHubDeploy"]  # a trust: the rules see the role's access level
    assert deploy.source == provider.id
    assert (deploy.oidc_subjects, str(deploy.principal_type)) == (
        ["repo:example/app:*"],
        "workload",
    )
    shared = next(a for a in design.accounts if a.name == "Shared Services")
    assert provider.home_account == shared.id
    assert [str(f) for f in shared.functions] == ["workload"]  # CI federation: not identity
