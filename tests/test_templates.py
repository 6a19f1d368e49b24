"""The bundled templates: generated, faithful to the whitepaper, and analysable."""

from __future__ import annotations

import re

import pytest

from designer.analysis import blast_radius
from designer.core.document import Document
from designer.model import dumps_design, load_design, stable_id
from designer.model.templates import list_templates, load_template, template_paths
from designer.model.vocabulary import AccountFunction
from tests.helpers.factories import ROOT
from tools.build_templates import build_all

WHITEPAPER = ROOT.parent / "shared" / "reference" / "000_1eb26fffffd46a82.txt"


def _words(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("\u2019", "'"))
    return text.replace("security- related", "security-related")  # a line break in the PDF text


def test_committed_templates_match_the_generator() -> None:
    built = build_all()
    assert set(built) == set(template_paths())
    for name, design in built.items():
        assert template_paths()[name].read_text(encoding="utf-8") == dumps_design(design), name


@pytest.mark.parametrize("name", sorted(template_paths()))
def test_description_quotes_the_whitepaper_verbatim(name: str) -> None:
    if not WHITEPAPER.exists():
        pytest.skip("the whitepaper is not beside this checkout")
    paper = _words(WHITEPAPER.read_text(encoding="utf-8"))
    quotes = re.findall(r'"([^"]{40,})"', load_template(name).description)
    assert quotes, "the description quotes at least one passage"
    for quote in quotes:
        assert _words(quote) in paper, quote[:80]


def test_listing_names_titles_and_counts() -> None:
    infos = {i.name: i for i in list_templates()}
    assert infos["reference-landing-zone"].title == "Reference landing zone"
    assert infos["reference-landing-zone"].accounts == 13


def _acct(template: str, name: str) -> str:
    return stable_id(template, "account", name)


def _names(doc: Document, ids: object) -> set[str]:
    return {doc.get(i).name for i in ids}  # type: ignore[attr-defined]


LZ = "reference-landing-zone"


@pytest.fixture(scope="module")
def lz() -> Document:
    return Document(load_template(LZ))


def test_landing_zone_uses_the_recommended_ous(lz: Document) -> None:
    names = {u.name for u in lz.design.organizational_units}
    assert names >= {
        "Security",
        "Infrastructure",
        "Workloads",
        "Prod",
        "Non-prod",
        "Sandbox",
        "Suspended",
        "Policy Staging",
    }
    workloads = stable_id(LZ, "ou", "Workloads")
    below = _names(lz, lz.graph.ou_subtree(workloads))
    assert below == {
        "Prod",
        "Non-prod",
        "Retail Production",
        "Payments Production",
        "Retail Development",
        "Payments Staging",
    }
    management = lz.design.organization.management_account
    assert management is not None
    assert lz.get(management).parent is None
    assert lz.get(management).functions == [AccountFunction.MANAGEMENT]


def test_security_tooling_reaches_every_other_account(lz: Document) -> None:
    tooling = _acct(LZ, "Security Tooling")
    reach = blast_radius(lz.design, tooling).reached
    others = {a.id for a in lz.design.accounts} - {tooling}
    assert set(reach) == others
    management = lz.design.organization.management_account
    for account_id, hop in reach.items():
        assert hop.path == (tooling, account_id)
        rel = lz.get(hop.relationships[0])
        assert rel.kind == "trust"
        # One role deployed to every account by a StackSet; StackSets never reach management.
        expected = account_id if account_id == management else lz.design.organization.id
        assert rel.target == expected


def test_identity_center_reaches_workloads_through_identity(lz: Document) -> None:
    idp = stable_id(LZ, "idp", "IAM Identity Center")
    identity = _acct(LZ, "Identity")
    reach = blast_radius(lz.design, idp).reached
    assert reach[identity].path == (idp, identity)
    prod = _acct(LZ, "Retail Production")
    assert reach[prod].path == (idp, identity, prod)
    assert [lz.get(r).kind for r in reach[prod].relationships] == ["federation", "trust"]
    through_identity = {a for a, hop in reach.items() if identity in hop.path}
    assert _names(lz, through_identity) == {
        "Identity",
        "Retail Production",
        "Payments Production",
        "Retail Development",
        "Payments Staging",
    }
    # Security analysts land in Security Tooling and audit every account from there.
    tooling = _acct(LZ, "Security Tooling")
    assert reach[tooling].path == (idp, tooling)
    assert {a for a in reach if a not in through_identity} == {
        a.id for a in lz.design.accounts if a.id != identity and a.id not in through_identity
    }


def test_vendor_reaches_only_its_account(lz: Document) -> None:
    vendor = stable_id(LZ, "third-party", "Example Monitoring")
    assert _names(lz, blast_radius(lz.design, vendor).reached) == {"Retail Production"}


def test_landing_zone_log_coverage_is_complete(lz: Document) -> None:
    coverage = lz.graph.log_coverage()
    assert coverage.covered == {a.id for a in lz.design.accounts}
    assert coverage.missing == {}


def test_removing_the_org_trail_uncovers_every_account(lz: Document) -> None:
    doc = Document(load_template(LZ))
    trail = next(
        r
        for r in doc.design.relationships
        if r.kind == "log-delivery" and "cloudtrail" in r.log_types
    )
    record = doc.remove(trail.id)
    coverage = doc.graph.log_coverage()
    assert coverage.covered == frozenset()
    assert all(missing == {"cloudtrail"} for missing in coverage.missing.values())
    doc.restore(record)
    assert doc.graph.log_coverage().missing == {}


def test_neighbours_by_kind(lz: Document) -> None:
    management = lz.design.organization.management_account
    assert management is not None
    billed = lz.graph.neighbours(management, "billing")
    assert len(billed) == 12
    delegated = _names(lz, lz.graph.neighbours(management, "delegated-admin"))
    assert delegated == {"Security Tooling", "Identity", "Publishing"}
    archive = _acct(LZ, "Log Archive")
    senders = _names(lz, lz.graph.neighbours(archive, "log-delivery", direction="in"))
    assert senders == {"Example Corp", "Network"}, "the organization trail and Config"


def test_logging_template_every_bu_account_delivers() -> None:
    doc = Document(load_template("logging"))
    archive = _acct("logging", "Log Archive")
    senders = _names(doc, doc.graph.neighbours(archive, "log-delivery", direction="in"))
    assert senders == {"Log Archive", "Management", "Workloads", "Example Corp"}
    assert doc.graph.log_coverage().covered == {a.id for a in doc.design.accounts}
    for bucket in doc.design.log_buckets:
        assert bucket.mfa_delete
        assert bucket.organization_restricted_writes


def test_identity_template_roles_into_bu_accounts() -> None:
    doc = Document(load_template("identity"))
    identity = _acct("identity", "Identity")
    reach = blast_radius(doc.design, identity).reached
    assert _names(doc, reach) == {"Retail Production", "Payments Production", "Retail Development"}
    levels = {doc.get(r.id).access_level for r in doc.design.relationships if r.kind == "trust"}
    assert levels == {"read-only", "iam-admin", "service-admin"}
    federated = doc.graph.neighbours(identity, "federation", direction="in")
    assert {doc.get(i).kind for i in federated} == {"saml", "directory-service"}


def test_publishing_template_shares_with_an_ou_and_the_organization() -> None:
    doc = Document(load_template("publishing"))
    publisher = _acct("publishing", "Publishing")
    targets = {doc.kind(t).value for t in doc.graph.neighbours(publisher, "resource-share")}
    assert targets == {"organizational_unit", "organization", "account"}
    kinds = {r.resource_type for r in doc.design.relationships if r.kind == "resource-share"}
    assert kinds == {"ami", "ebs-snapshot", "service-catalog-portfolio", "cloudformation-template"}


def test_templates_load_from_path_like_the_cli(tmp_path: object) -> None:
    for path in template_paths().values():
        assert load_design(path).accounts


def test_read_only_access_does_not_let_an_attacker_pivot() -> None:
    design = load_template(LZ)
    tooling = _acct(LZ, "Security Tooling")
    radius = blast_radius(design, tooling)
    assert {r.level for r in radius.reached.values()} <= {"read-only", "security-audit"}
    assert all(len(r.path) == 2 for r in radius.reached.values())
    idp = stable_id(LZ, "idp", "IAM Identity Center")
    via_identity = blast_radius(design, idp).reached[_acct(LZ, "Payments Production")]
    assert via_identity.level == "administrator"
    assert via_identity.path == (idp, _acct(LZ, "Identity"), _acct(LZ, "Payments Production"))


@pytest.mark.parametrize("name", sorted(template_paths()))
def test_trusts_name_roles_the_template_creates_and_ask_no_mfa_of_a_role(name: str) -> None:
    """IAM refuses a trust naming a role that does not exist, and a role session presents no
    MFA: each principal role is created in its account by a federation or another trust."""
    design = load_template(name)
    accounts = {a.id for a in design.accounts}
    created = {
        (r.target, role)
        for r in design.relationships
        if r.kind == "federation"
        for role in [*r.mapped_roles, *r.permission_sets]
    }
    created |= {(r.target, r.role_name) for r in design.relationships if r.kind == "trust"}
    for rel in design.relationships:
        if rel.kind != "trust" or not rel.principal_role_name:
            continue
        assert not rel.require_mfa, rel.purpose
        if rel.source in accounts:
            assert (rel.source, rel.principal_role_name) in created, rel.purpose
