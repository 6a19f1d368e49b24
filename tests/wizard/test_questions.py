"""A test per question: answering yes (or giving a sizing answer) creates what the whitepaper's
section says, and answering no leaves it out."""

from __future__ import annotations

from typing import Any

from designer.model import Account, Design, OrganizationalUnit, new_id
from designer.model.answers import Answers
from designer.model.vocabulary import AccountFunction, Environment, IdentityProviderKind, LogType
from designer.wizard.build import build_design

F = AccountFunction
UNITS = ["Retail", "Payments"]


def grown(**answers: Any) -> Design:
    fields: dict[str, Any] = {"business_units": UNITS, **answers}
    return build_design(Answers.model_validate(fields), new_id())


def both(key: str, **others: Any) -> tuple[Design, Design]:
    return grown(**{key: True, **others}), grown(**{key: False, **others})


def account(design: Design, name: str) -> Account:
    return next(a for a in design.accounts if a.name == name)


def ou(design: Design, name: str) -> OrganizationalUnit:
    return next(u for u in design.organizational_units if u.name == name)


def ou_path(design: Design, node_id: str | None) -> str:
    names = []
    units = {u.id: u for u in design.organizational_units}
    while node_id is not None:
        names.append(units[node_id].name)
        node_id = units[node_id].parent
    return "/".join(reversed(names))


def with_function(design: Design, function: AccountFunction) -> list[Account]:
    return [a for a in design.accounts if function in a.functions]


def decision_topics(design: Design) -> set[str]:
    return {d.topic for d in design.decisions}


def test_administrative_isolation_gives_each_unit_its_own_accounts() -> None:
    yes, no = both("administrative_isolation")
    workloads = with_function(yes, F.WORKLOAD)
    assert {(a.business_unit, a.environment) for a in workloads} == {
        (u, e) for u in UNITS for e in (Environment.PRODUCTION, Environment.DEVELOPMENT)
    }
    assert {a.owner for a in workloads} == set(UNITS)
    shared = with_function(no, F.WORKLOAD)
    assert [a.name for a in shared] == ["Workloads Production", "Workloads Development"]
    assert "Administrative isolation" in decision_topics(yes)
    assert "Administrative isolation" not in decision_topics(no)


def test_limited_visibility_gives_each_unit_an_ou_its_own_role_alone_reaches() -> None:
    yes, no = both("limited_visibility", administrative_isolation=False)
    for unit in UNITS:
        for env, top in (("Production", "Workloads/Prod"), ("Development", "Workloads/Non-prod")):
            assert ou_path(yes, account(yes, f"{unit} {env}").parent) == f"{top}/{unit}"
    admin = [r for r in yes.relationships if r.kind == "trust" and r.role_name.endswith("Admin")]
    reach = {(r.role_name, ou_path(yes, r.target)) for r in admin}
    ous = ("Workloads/Prod", "Workloads/Non-prod", "Sandbox")
    assert reach == {(f"{u}Admin", f"{ou}/{u}") for u in UNITS for ou in ous}
    assert not any(u.name in UNITS for u in no.organizational_units)


def test_blast_radius_isolation_separates_environments_into_ous_with_guardrails() -> None:
    yes, no = both("blast_radius_isolation", environments=["production", "development", "sandbox"],
                   data_sensitivity={"production": "restricted", "development": "internal",
                                     "sandbox": "public"})  # fmt: skip
    assert ou_path(yes, account(yes, "Retail Production").parent) == "Workloads/Prod"
    assert ou_path(yes, account(yes, "Retail Development").parent) == "Workloads/Non-prod"
    assert ou_path(yes, account(yes, "Retail Sandbox").parent) == "Sandbox"
    suspended = ou(yes, "Suspended")
    deny_all = next(p for p in yes.service_control_policies if p.id in suspended.scps)
    assert deny_all.document is not None
    assert deny_all.document["Statement"][0]["Action"] == "*"
    assert ou(yes, "Policy Staging").parent is None
    nonprod = yes.usage_policy.requirement(ou(yes, "Non-prod").id)
    assert nonprod is not None
    assert nonprod.max_data_sensitivity == "internal"
    assert ou_path(no, account(no, "Retail Production").parent) == "Workloads"
    assert {u.name for u in no.organizational_units} == {"Security", "Workloads", "Infrastructure"}


def test_recovery_and_audit_isolation_keeps_backups_and_logs_apart_and_locked() -> None:
    yes, no = both("recovery_audit_isolation", log_retention_days=2555)
    backup = with_function(yes, F.BACKUP)
    assert [ou_path(yes, a.parent) for a in backup] == ["Security"]
    assert not any(a.runs_workloads for a in backup)
    trail = next(b for b in yes.log_buckets if "cloudtrail" in b.name)
    assert trail.object_lock is not None
    assert (trail.object_lock.mode, trail.object_lock.retention_days) == ("COMPLIANCE", 2555)
    assert with_function(no, F.BACKUP) == []
    locked = next(b for b in no.log_buckets if "cloudtrail" in b.name).object_lock
    assert locked is not None
    assert locked.mode == "GOVERNANCE"


def test_central_identities_creates_an_identity_account_everyone_signs_in_to() -> None:
    yes, no = both("central_identities", identity_source="saml")
    identity = with_function(yes, F.IDENTITY)
    assert len(identity) == 1
    (center,) = yes.identity_providers
    assert center.home_account == identity[0].id
    assert "SAML" in center.description  # the answer's identity source feeds it
    tooling = with_function(yes, F.SECURITY_TOOLING)[0]
    federations = [r for r in yes.relationships if r.kind == "federation"]
    assert {r.target for r in federations} == {identity[0].id, tooling.id}
    admin = [
        r for r in yes.relationships if r.kind == "trust" and r.access_level == "administrator"
    ]
    assert admin
    assert {r.source for r in admin} == {identity[0].id}  # people reach workloads from it only
    assert with_function(no, F.IDENTITY) == []
    center = [p for p in no.identity_providers if p.kind == IdentityProviderKind.IDENTITY_CENTER]
    assert [p.home_account for p in center] == [no.organization.management_account]


def test_identity_center_is_administered_from_the_identity_account() -> None:
    design = grown(central_identities=True, identity_source="identity-center")
    identity = with_function(design, F.IDENTITY)[0]
    delegated = [r for r in design.relationships if r.kind == "delegated-admin"]
    assert any(r.target == identity.id and "sso.amazonaws.com" in r.service_principals
               for r in delegated)  # fmt: skip


def test_central_logging_brings_service_logs_to_the_log_archive() -> None:
    yes, no = both("central_logging")
    archive = with_function(yes, F.LOG_ARCHIVE)[0]

    def delivered(design: Design) -> set[str]:
        return {t for r in design.relationships if r.kind == "log-delivery" for t in r.log_types}

    assert delivered(yes) == {LogType.VPC_FLOW_LOGS, LogType.CLOUDTRAIL, LogType.CONFIG}
    assert {b.account for b in yes.log_buckets} == {archive.id}
    assert any("replicated to Log Archive" in line for line in yes.usage_policy.baseline)
    assert delivered(no) == {LogType.CLOUDTRAIL, LogType.CONFIG}  # the minimum stays


def test_security_baselines_lets_the_security_team_deploy_and_monitor_itself() -> None:
    yes, no = both("security_baselines")

    def administered(design: Design) -> set[str]:
        tooling = with_function(design, F.SECURITY_TOOLING)[0]
        return {
            p for r in design.relationships
            if r.kind == "delegated-admin" and r.target == tooling.id
            for p in r.service_principals
        }  # fmt: skip

    assert "member.org.stacksets.cloudformation.amazonaws.com" in administered(yes)
    assert "inspector2.amazonaws.com" in administered(yes)
    assert "member.org.stacksets.cloudformation.amazonaws.com" not in administered(no)
    assert "securityhub.amazonaws.com" in administered(no)  # monitoring is never optional


def test_central_publishing_shares_what_is_published_with_the_workloads() -> None:
    yes, no = both("central_publishing", published=["amis", "portfolios"])
    publisher = with_function(yes, F.PUBLISHING)[0]
    assert ou_path(yes, publisher.parent) == "Infrastructure"
    shares = [r for r in yes.relationships if r.kind == "resource-share"]
    assert {(r.source, r.resource_type, ou_path(yes, r.target)) for r in shares} == {
        (publisher.id, "ami", "Workloads"),
        (publisher.id, "service-catalog-portfolio", "Workloads"),
    }
    assert any(r.kind == "delegated-admin" and r.target == publisher.id for r in yes.relationships)
    assert with_function(no, F.PUBLISHING) == []


def test_regions_and_retention_become_guardrail_and_usage_policy() -> None:
    design = grown(regions=["eu-west-1", "eu-central-1"], log_retention_days=400)
    scp = next(p for p in design.service_control_policies if p.name == "RegionRestriction")
    assert scp.id in design.organization.root_scps
    assert scp.document is not None
    condition = scp.document["Statement"][0]["Condition"]["StringNotEquals"]
    assert condition["aws:RequestedRegion"] == ["eu-west-1", "eu-central-1"]
    assert design.usage_policy.allowed_regions == ["eu-west-1", "eu-central-1"]
    assert design.usage_policy.min_log_retention_days == 400
    assert all(a.regions == ["eu-west-1", "eu-central-1"] for a in design.accounts)


def test_who_runs_security_owns_the_security_ou_and_central_it_gets_shared_services() -> None:
    infosec = grown(security_team="information-security")
    central = grown(security_team="central-it")
    both_teams = grown(security_team="both")
    assert account(infosec, "Security Tooling").owner == "Information Security"
    assert account(central, "Security Tooling").owner == "Central IT"
    assert with_function(infosec, F.CENTRAL_IT) == []
    for design in (central, both_teams):
        assert ou_path(design, with_function(design, F.CENTRAL_IT)[0].parent) == "Infrastructure"
    assert account(both_teams, "Security Tooling").owner == "Information Security"


def test_a_third_party_gets_read_only_access_from_one_role_with_an_external_id() -> None:
    design = grown(third_parties=[{"name": "Example Auditors", "aws_account_id": "111122223333",
                                   "role_name": "AuditCollector"}])  # fmt: skip
    party = design.outside_principals[0]
    assert (party.name, party.aws_account_id) == ("Example Auditors", "111122223333")
    trust = next(r for r in design.relationships if r.source == party.id)
    assert trust.kind == "trust"
    assert (trust.access_level, trust.principal_role_name) == ("read-only", "AuditCollector")
    assert trust.external_id
    assert ou_path(design, trust.target) == "Workloads"


def test_data_sensitivity_classifies_accounts_and_restricted_stays_in_production() -> None:
    levels = {"production": "restricted", "non-production": "confidential"}
    design = grown(environments=["production", "non-production"], data_sensitivity=levels)
    assert account(design, "Retail Production").data_sensitivity == "restricted"
    assert account(design, "Retail Staging").data_sensitivity == "confidential"


def test_every_structural_choice_is_explained() -> None:
    design = grown(central_publishing=True, published=["amis"], security_team="both",
                   third_parties=[{"name": "Vendor"}], limited_visibility=True)  # fmt: skip
    ids = {e.id for name in ("organizational_units", "accounts", "identity_providers",
                             "outside_principals", "log_buckets", "service_control_policies")
           for e in getattr(design, name)}  # fmt: skip
    for decision in design.decisions:
        assert decision.choice
        assert decision.rationale
        assert decision.sources
        assert set(decision.entities) <= ids
    assert ids == {i for d in design.decisions for i in d.entities}  # each has its reason
    assert all(a.purpose for a in design.accounts)
    assert all(u.description for u in design.organizational_units)
    assert all(r.purpose for r in design.relationships)
    assert all(p.description for p in design.service_control_policies)
    assert any("When to Create Multiple Accounts" in s for d in design.decisions for s in d.sources)
