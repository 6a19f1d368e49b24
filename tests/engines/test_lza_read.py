"""Converting LZA configurations written here by hand (tests/engines/configs/lza/): every entity
checked, what the design cannot hold reported, and the design rules run on the result."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.analysis.inventory import ou_paths
from designer.engines.convert import convert, detect
from designer.engines.lza.read import detect as lza_detect
from designer.engines.lza.read import read
from designer.model.design import Design
from designer.model.integrity import check_design
from designer.model.relationships import TrustRelationship
from designer.model.vocabulary import AccessLevel, AccountFunction, OutsideKind, PrincipalScope
from designer.rules import validate

CONFIGS = Path(__file__).parent / "configs" / "lza"


def _accounts(design: Design) -> dict[str, tuple[str | None, str | None, str]]:
    """Account name -> (id, e-mail, OU path)."""
    paths = ou_paths(design)
    return {a.name: (a.aws_account_id, a.email, paths[a.parent]) for a in design.accounts}


def _names(design: Design) -> dict[str, str]:
    found = {a.id: a.name for a in design.accounts}
    found |= {
        u.id: f"OU {p}"
        for u, p in ((u, ou_paths(design)[u.id]) for u in design.organizational_units)
    }
    found |= {p.id: p.name for p in design.identity_providers}
    found |= {p.id: p.name for p in design.outside_principals}
    return found | {design.organization.id: "organization"}


def _trusts(design: Design) -> dict[tuple[str, str, str], TrustRelationship]:
    names = _names(design)
    return {
        (names[r.source], names[r.target], r.role_name): r
        for r in design.relationships
        if r.kind == "trust"
    }


@pytest.mark.parametrize("name", ["nested", "identity", "replacements"])
def test_every_configuration_converts_and_validates(name: str) -> None:
    design, report = convert(CONFIGS / name / "organization-config.yaml")  # a file of the folder
    assert report.engine == "lza"
    assert check_design(design) == []
    assert validate(design) is not None  # the rules run on what was converted


def test_detect_takes_the_folder_or_one_of_its_files(tmp_path: Path) -> None:
    folder = CONFIGS / "nested"
    assert lza_detect(folder) == folder
    assert lza_detect(folder / "accounts-config.yaml") == folder
    found = detect(folder / "organization-config.yaml")
    assert found is not None
    assert found[0].engine == "lza"
    (tmp_path / "accounts-config.yaml").write_text("mandatoryAccounts: []\n")
    assert lza_detect(tmp_path) is None  # organization-config.yaml is missing


def test_nested_ous_accounts_and_scps() -> None:
    design, report = read(CONFIGS / "nested")
    assert sorted(ou_paths(design)[u.id] for u in design.organizational_units) == [
        "Root/Infrastructure",
        "Root/Legacy",
        "Root/Security",
        "Root/Suspended",
        "Root/Workloads",
        "Root/Workloads/Retail",
        "Root/Workloads/Retail/Web",
        "Root/Workloads/Retail/Web/Frontend",
        "Root/Workloads/Retail/Web/Frontend/Canary",
    ]
    assert _accounts(design) == {
        "Management": ("111111111111", "management@example.com", "Root"),
        "LogArchive": ("222222222222", "log-archive@example.com", "Root/Security"),  # merge key
        "Audit": ("333333333333", "audit@example.com", "Root/Security"),
        "Network": (None, "network@example.com", "Root/Infrastructure"),
        "CanaryWeb": (
            "012345678901",
            "canary-web@example.com",
            "Root/Workloads/Retail/Web/Frontend/Canary",
        ),
        "RetailWeb": (None, "retail-web@example.com", "Root/Workloads/Retail/Web"),
        "Parked": (None, "parked@example.com", "Root/Suspended"),
    }
    functions = {a.name: a.functions for a in design.accounts}
    assert functions["Management"] == [AccountFunction.MANAGEMENT]
    assert functions["LogArchive"] == [AccountFunction.LOG_ARCHIVE]
    assert functions["Audit"] == [AccountFunction.SECURITY_TOOLING]
    assert functions["Network"] == [AccountFunction.WORKLOAD]
    management = next(a for a in design.accounts if a.name == "Management")
    assert design.organization.management_account == management.id
    scps = {p.id: p for p in design.service_control_policies}
    assert sorted(scps[i].name for i in design.organization.root_scps) == [
        "DenyLeaveOrganization",
        "FullAWSAccess",
    ]
    attached = {u.name: sorted(scps[i].name for i in u.scps) for u in design.organizational_units}
    assert attached["Security"] == attached["Infrastructure"] == ["CoreGuardrails"]  # an anchor
    assert attached["Suspended"] == ["Quarantine"]
    canary = next(a for a in design.accounts if a.name == "CanaryWeb")
    assert [scps[i].name for i in canary.scps] == ["CanaryOnly"]  # an account-level SCP
    by_name = {p.name: p for p in design.service_control_policies}
    assert by_name["FullAWSAccess"].aws_managed
    assert by_name["FullAWSAccess"].document is None
    assert by_name["Quarantine"].document == {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}],
    }
    assert by_name["CoreGuardrails"].description == (
        "Nobody stops the security services of the core accounts.\n"  # a folded scalar
    )
    assert len([r for r in design.relationships if r.kind == "billing"]) == 6
    gaps = {g.where: g.what for g in report.gaps}
    assert "quarantineNewAccounts" in " ".join(gaps)
    assert (
        "organization-config.yaml: serviceControlPolicies[2].deploymentTargets.excludedAccounts"
        in gaps
    )
    assert "organization-config.yaml: organizationalUnits[8]" in gaps  # ignore: true
    assert report.unmodelled == ["customizations-config.yaml", "network-config.yaml"]


def test_quarantined_accounts_are_seen_by_the_rules() -> None:
    design, _ = read(CONFIGS / "nested")
    from designer.rules.context import RuleContext

    ctx = RuleContext(design)
    parked = next(a for a in design.accounts if a.name == "Parked")
    assert ctx.quarantined(parked)


def test_ou_targeted_role_sets_become_scoped_trusts() -> None:
    design, _ = read(CONFIGS / "identity")
    trusts = _trusts(design)
    admin = trusts[("Identity", "OU Root/Workloads", "WorkloadAdmin")]
    assert admin.access_level == AccessLevel.ADMINISTRATOR
    assert admin.principal_scope == PrincipalScope.ROLE
    assert admin.principal_role_name == "WorkloadAdministrator"
    assert admin.max_session_duration == 7200
    dev = next(a for a in design.accounts if a.name == "Dev1")
    assert admin.excluded_accounts == [dev.id]
    pipeline = trusts[("Identity", "OU Root/Workloads", "PipelineAdmin")]
    assert pipeline.access_level == AccessLevel.SERVICE_ADMIN  # AWS managed + a policySet file
    assert pipeline.services == ["datapipeline", "glue", "s3"]
    assert pipeline.principal_scope == PrincipalScope.ACCOUNT_ROOT
    audit = trusts[("Audit", "organization", "SecurityAudit")]
    assert audit.access_level == AccessLevel.SECURITY_AUDIT
    assert audit.excluded_accounts == []  # management and the trusted account itself: implied
    vendor = trusts[("999999999999", "Prod1", "VendorReadOnly")]
    assert vendor.external_id == "vendor-external-id-1"
    assert vendor.access_level == AccessLevel.READ_ONLY
    auditor = trusts[("888888888888", "Prod1", "AuditorReadOnly")]  # an account root ARN
    assert auditor.principal_scope == PrincipalScope.ACCOUNT_ROOT
    backup = trusts[("backup.amazonaws.com", "Prod1", "BackupOperator")]
    assert backup.services == ["backup"]
    kinds = {p.name: p.kind for p in design.outside_principals}
    assert kinds == {
        "888888888888": OutsideKind.EXTERNAL_ACCOUNT,
        "999999999999": OutsideKind.EXTERNAL_ACCOUNT,
        "backup.amazonaws.com": OutsideKind.SERVICE,
    }


def test_identity_center_and_saml_become_providers_and_federation() -> None:
    design, report = read(CONFIGS / "identity")
    names = _names(design)
    providers = {p.name: p for p in design.identity_providers}
    center = providers["OrganizationIdentityCenter"]
    assert center.kind == "identity-center"
    assert names[center.home_account or ""] == "Identity"
    assert providers["CorporateIdP"].kind == "saml"
    federation = {
        (names[r.source], names[r.target]): (r.permission_sets, r.mapped_roles)
        for r in design.relationships
        if r.kind == "federation"
    }
    assert federation == {
        ("OrganizationIdentityCenter", "Prod1"): (["AdministratorAccess"], []),  # an OU target
        ("OrganizationIdentityCenter", "Prod2"): (["AdministratorAccess"], []),
        ("OrganizationIdentityCenter", "Sandbox1"): (["ReadOnlyAccess"], []),
        ("OrganizationIdentityCenter", "Dev1"): (["ReadOnlyAccess"], []),
        ("CorporateIdP", "Identity"): ([], ["WorkloadAdministrator"]),
    }
    assert any("users and groups" in g.what for g in report.gaps)


def test_logging_and_delegated_security_services() -> None:
    design, _ = read(CONFIGS / "identity")
    names = _names(design)
    deliveries = {
        (names[r.source], names[r.target], tuple(r.log_types))
        for r in design.relationships
        if r.kind == "log-delivery"
    }
    assert deliveries == {
        ("organization", "LogArchive", ("cloudtrail",)),
        ("organization", "LogArchive", ("config",)),
    }
    delegated = {
        names[r.target]: sorted(r.service_principals)
        for r in design.relationships
        if r.kind == "delegated-admin"
    }
    assert delegated == {
        "Audit": [
            "access-analyzer.amazonaws.com",
            "config.amazonaws.com",
            "guardduty.amazonaws.com",
            "macie.amazonaws.com",
            "securityhub.amazonaws.com",
        ],
        "Identity": ["sso.amazonaws.com"],
    }
    assert design.usage_policy.allowed_regions == ["eu-west-1", "eu-central-1"]


def test_replacements_and_placeholders_are_resolved_as_lza_does() -> None:
    design, report = read(CONFIGS / "replacements")
    assert _accounts(design)["Audit"] == ("333333333333", "acme-audit@example.com", "Root/Security")
    assert _accounts(design)["Deployments"][0] is None
    scp = design.service_control_policies[0]
    condition = scp.document["Statement"][0]["Condition"]  # type: ignore[index]
    assert condition == {"StringNotEquals": {"aws:PrincipalAccount": "333333333333"}}
    attached = sorted(u.name for u in design.organizational_units if scp.id in u.scps)
    assert attached == ["Infrastructure", "Security"]  # a StringList in a flow sequence
    trusts = _trusts(design)
    assert ("Audit", "OU Root/Security", "AuditReadOnly") in trusts  # {{ account Audit }}
    deployer = trusts[("Deployments", "Shared", "Deployer")]  # an account with no id yet
    assert deployer.principal_role_name == "Pipeline"
    gaps = {g.where: g.what for g in report.gaps}
    assert "{{ AcceleratorHomeRegion }}" in gaps["global-config.yaml: homeRegion"]
    assert (
        "{{ PipelineParameter }}"
        in gaps["organization-config.yaml: serviceControlPolicies[0].description"]
    )
    assert design.usage_policy.allowed_regions == ["eu-west-1"]
    assert "replacements-config.yaml" in report.files
