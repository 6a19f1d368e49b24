"""Converting org-formation configurations written here by hand (tests/engines/configs/
orgformation/): every entity checked against what the files say, the result validated, and
malformed input refused in one line naming the file and the YAML path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from designer.analysis.inventory import ou_paths
from designer.engines.convert import convert, detect
from designer.engines.report import ConversionReport
from designer.model.design import Design
from designer.model.errors import DesignError
from designer.model.nodes import Account
from designer.model.relationships import TrustRelationship
from designer.model.vocabulary import AccessLevel, AccountFunction, OutsideKind, PrincipalScope
from designer.rules import validate

CONFIGS = Path(__file__).parent / "configs" / "orgformation"
NESTED = CONFIGS / "nested"


@pytest.fixture(scope="module")
def nested() -> tuple[Design, ConversionReport]:
    return convert(NESTED)


def _account(design: Design, name: str) -> Account:
    return next(a for a in design.accounts if a.name == name)


def _trusts(design: Design, role: str) -> list[TrustRelationship]:
    return [r for r in design.relationships if r.kind == "trust" and r.role_name == role]


def _name(design: Design, node: str) -> str:
    paths = ou_paths(design)
    names = {a.id: a.name for a in design.accounts}
    names |= {u.id: f"OU {paths[u.id]}" for u in design.organizational_units}
    names |= {p.id: f"outside {p.name}" for p in design.outside_principals}
    names[design.organization.id] = "organization"
    return names[node]


def test_detects_the_folder_and_its_files() -> None:
    for path in (NESTED, NESTED / "organization.yml", NESTED / "organization-tasks.yml"):
        found = detect(path)
        assert found is not None
        assert found[0].engine == "org-formation"
    assert detect(NESTED / "templates" / "audit-role.yml") is None  # a template, not a config


def test_ous_nest_five_levels(nested: tuple[Design, ConversionReport]) -> None:
    design, _ = nested
    paths = sorted(ou_paths(design)[u.id] for u in design.organizational_units)
    assert paths == [
        "Root/Platform",
        "Root/Workloads",
        "Root/Workloads/Prod",
        "Root/Workloads/Prod/EU",
        "Root/Workloads/Prod/EU/Retail",
        "Root/Workloads/Prod/EU/Retail/Payments",
    ]


def test_accounts_as_the_file_says(nested: tuple[Design, ConversionReport]) -> None:
    design, _ = nested
    paths = ou_paths(design)
    management = _account(design, "Management")
    assert design.organization.management_account == management.id
    assert management.functions == [AccountFunction.MANAGEMENT]
    assert paths[management.parent] == "Root/Platform"  # the master account inside an OU
    assert management.email == "aws-management@example.com"  # !Sub of a parameter
    assert management.tags == {  # merge key from an anchor, plus its own tag
        "cost-center": "1000",
        "managed-by": "org-formation",
        "owner": "platform",
    }
    tools = _account(design, "Prod Tools")
    assert tools.aws_account_id is None
    assert tools.email == "aws-prod-tools@example.com"
    assert tools.tags["budget-alarm-threshold"] == "200"  # a number in YAML, a string in AWS
    assert tools.tags["master-id"] == "111111111111"  # !GetAtt MasterAccount.AccountId
    assert _account(design, "Shared Users").tags == {
        "cost-center": "1000",
        "managed-by": "org-formation",
    }
    payments = _account(design, 'Payments: EU "cards" # 1')
    assert payments.aws_account_id == "444444444444"
    assert paths[payments.parent] == "Root/Workloads/Prod/EU/Retail/Payments"
    assert _account(design, "Sandbox").parent is None
    assert {a.name for a in design.accounts if a.functions == [AccountFunction.WORKLOAD]} == {
        "Shared Users",
        "Prod Tools",
        "Retail EU",
        'Payments: EU "cards" # 1',
        "Sandbox",
    }
    billed = {r.target for r in design.relationships if r.kind == "billing"}
    assert billed == {a.id for a in design.accounts} - {management.id}


def test_scps_and_attachments(nested: tuple[Design, ConversionReport]) -> None:
    design, _ = nested
    names = {p.id: p.name for p in design.service_control_policies}
    assert sorted(names[i] for i in design.organization.root_scps) == ["DenyLeave", "FullAWSAccess"]
    full = next(p for p in design.service_control_policies if p.name == "FullAWSAccess")
    assert full.aws_managed
    assert full.document is None
    workloads = next(u for u in design.organizational_units if u.name == "Workloads")
    assert [names[i] for i in workloads.scps] == ["RegionLock"]
    assert [names[i] for i in _account(design, "Retail EU").scps] == ["DenyRoot"]
    payments = _account(design, 'Payments: EU "cards" # 1')
    assert [names[i] for i in payments.scps] == ["DenyRoot", "RegionLock"]
    region_lock = next(p for p in design.service_control_policies if p.name == "RegionLock")
    assert region_lock.description == "Only eu-west-1 and eu-central-1"
    assert region_lock.document is not None
    assert region_lock.document["Statement"][0]["NotAction"] == ["iam:*", "sts:*"]


def test_ou_bound_role_with_task_bindings(nested: tuple[Design, ConversionReport]) -> None:
    """The task's OrganizationBindings override the template's: the role goes to the Retail OU
    (less Payments), trusted by Shared Users through Fn::EnumTargetAccounts."""
    design, _ = nested
    (trust,) = _trusts(design, "developer")
    assert _name(design, trust.source) == "Shared Users"
    assert _name(design, trust.target) == "OU Root/Workloads/Prod/EU/Retail"
    assert [_name(design, a) for a in trust.excluded_accounts] == ['Payments: EU "cards" # 1']
    assert trust.require_mfa
    assert trust.max_session_duration == 7200
    assert trust.access_level == AccessLevel.CUSTOM
    assert trust.managed_policy_arns == ["arn:aws:iam::aws:policy/PowerUserAccess"]


def test_organization_role_with_default_binding(nested: tuple[Design, ConversionReport]) -> None:
    """Account '*' with IncludeMasterAccount: the organization (its trusted account left out,
    as the design's scope does) and the management account on its own."""
    design, _ = nested
    found = {_name(design, t.target): t for t in _trusts(design, "Auditor")}
    assert set(found) == {"organization", "Management"}
    for trust in found.values():
        assert _name(design, trust.source) == "Shared Users"
        assert trust.principal_scope == PrincipalScope.ROLE
        assert trust.principal_role_name == "auditor"
        assert trust.organization_scoped
        assert trust.access_level == AccessLevel.SECURITY_AUDIT
        assert trust.excluded_accounts == []


def test_included_tasks_and_outside_principals(nested: tuple[Design, ConversionReport]) -> None:
    design, _ = nested
    by_source = {_name(design, t.source): t for t in _trusts(design, "MonitoringVendor")}
    assert set(by_source) == {"outside 999999999999", "outside lambda.amazonaws.com"}
    vendor = by_source["outside 999999999999"]
    assert _name(design, vendor.target) == "Retail EU"
    assert vendor.external_id == "vendor-7f3a"
    assert vendor.principal_role_name == "vendor-integration"
    assert vendor.access_level == AccessLevel.READ_ONLY  # ViewOnlyAccess: read-only outside
    assert by_source["outside lambda.amazonaws.com"].source_account_condition
    kinds = {p.name: p.kind for p in design.outside_principals}
    assert kinds == {
        "999999999999": OutsideKind.EXTERNAL_ACCOUNT,
        "lambda.amazonaws.com": OutsideKind.SERVICE,
    }


def test_report_lists_what_is_not_modelled(nested: tuple[Design, ConversionReport]) -> None:
    _, report = nested
    gaps = "\n".join(f"{g.where}: {g.what}" for g in report.gaps)
    for expected in (
        "organization.yml: Organization.MasterAccount.Properties.Alias",
        "organization.yml: Organization.PasswordPolicy",
        "organization.yml: Organization.RetailAccount.Properties.SupportLevel",
        "organization.yml: Organization.OrganizationRoot.Properties."
        "DefaultOrganizationAccessRoleName",
        "templates/cross-account-role.yml: Resources.AssumeRolePolicy: AWS::IAM::ManagedPolicy",
        "templates/audit-role.yml: Resources.AuditTopic: AWS::SNS::Topic",
        "organization-tasks.yml: Notifications: task of type copy-to-s3",
        "organization-tasks.yml: DelayProvider: task of type register-type",
        "iam/more-tasks.yml: ServerlessApp: task of type update-serverless.com",
    ):
        assert expected in gaps
    assert report.files == [
        "organization.yml",
        "organization-tasks.yml",
        "templates/cross-account-role.yml",
        "templates/audit-role.yml",
        "iam/more-tasks.yml",
        "templates/vendor-role.yml",
    ]
    assert report.unmodelled == ["README.md", "src/notice.txt"]


def test_validate_runs_on_the_result(nested: tuple[Design, ConversionReport]) -> None:
    design, _ = nested
    report = validate(design)
    assert all(f.rule_id for f in report.findings)


def test_organization_file_alone(tmp_path: Path) -> None:
    shutil.copy(NESTED / "organization.yml", tmp_path / "organization.yml")
    design, report = convert(tmp_path / "organization.yml")
    assert len(design.accounts) == 6
    assert not any(r.kind == "trust" for r in design.relationships)
    assert report.files == ["organization.yml"]


# -- malformed input: one line naming the file and the YAML path ---------------------------------
HEAD = "AWSTemplateFormatVersion: '2010-09-09-OC'\nOrganization:\n"
MASTER = (
    "  MasterAccount:\n    Type: OC::ORG::MasterAccount\n"
    "    Properties: {AccountName: M, AccountId: '111111111111'}\n"
)


def _account_yaml(name: str, extra: str = "") -> str:
    return (
        f"  {name}:\n    Type: OC::ORG::Account\n"
        f"    Properties: {{AccountName: {name}, RootEmail: {name.lower()}@example.com{extra}}}\n"
    )


def _unit_yaml(name: str, accounts: str = "[]", units: str = "[]") -> str:
    return (
        f"  {name}:\n    Type: OC::ORG::OrganizationalUnit\n"
        f"    Properties: {{OrganizationalUnitName: {name}, Accounts: {accounts}, "
        f"OrganizationalUnits: {units}}}\n"
    )


MALFORMED = {
    "missing type": (
        HEAD + MASTER + "  Lost:\n    Properties: {}\n",
        "organization.yml: Organization.Lost.Type: missing Type",
    ),
    "unknown type": (
        HEAD + MASTER + "  Odd:\n    Type: OC::ORG::Nonsense\n",
        "organization.yml: Organization.Odd.Type: unknown resource type 'OC::ORG::Nonsense'",
    ),
    "unknown ref": (
        HEAD + MASTER + _unit_yaml("DevOU", "[!Ref Ghost]"),
        "organization.yml: Organization.DevOU.Properties.Accounts[0]: unknown !Ref target 'Ghost'",
    ),
    "account in two OUs": (
        HEAD
        + MASTER
        + _account_yaml("A")
        + _unit_yaml("X", "[!Ref A]")
        + _unit_yaml("Y", "[!Ref A]"),
        "organization.yml: Organization.Y.Properties.Accounts: account A is also in OU X",
    ),
    "OU cycle": (
        HEAD + MASTER + _unit_yaml("X", units="[!Ref Y]") + _unit_yaml("Y", units="[!Ref X]"),
        "organization.yml: Organization.Y.Properties.OrganizationalUnits: OU cycle: Y -> X -> Y",
    ),
    "bad account id": (
        HEAD + MASTER + _account_yaml("A", ", AccountId: '12'"),
        "organization.yml: Organization.A.Properties: aws_account_id: String should match pattern",
    ),
    "unknown SCP": (
        HEAD + MASTER + _account_yaml("A", ", ServiceControlPolicies: [!Ref NoSuchSCP]"),
        "organization.yml: Organization.A.Properties.ServiceControlPolicies[0]: "
        "unknown !Ref target 'NoSuchSCP'",
    ),
    "not yaml": (HEAD + "  - [unclosed\n", "organization.yml: line "),
    "parent instead of children": (
        HEAD + MASTER + _unit_yaml("X") + "  Y:\n    Type: OC::ORG::OrganizationalUnit\n"
        "    Properties: {OrganizationalUnitName: Y, ParentOrganizationalUnit: !Ref X}\n",
        "organization.yml: Organization.Y.Properties.ParentOrganizationalUnit: "
        "OC::ORG::OrganizationalUnit has no property 'ParentOrganizationalUnit'",
    ),
    "duplicate key": (
        HEAD + MASTER + _account_yaml("A") + _account_yaml("A"),
        "organization.yml: line ",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_organization(case: str, tmp_path: Path) -> None:
    text, message = MALFORMED[case]
    (tmp_path / "organization.yml").write_text(text, encoding="utf-8")
    with pytest.raises(DesignError) as caught:
        convert(tmp_path)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


MALFORMED_TASKS = {
    "task without type": (
        "OrganizationUpdate:\n  Type: update-organization\n  Template: ./organization.yml\n"
        "Roles:\n  Template: ./role.yml\n",
        "",
        "organization-tasks.yml: Roles.Type: missing Type",
    ),
    "unknown binding": (
        "OrganizationUpdate:\n  Type: update-organization\n  Template: ./organization.yml\n"
        "Roles:\n  Type: update-stacks\n  Template: ./role.yml\n  StackName: roles\n",
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    OrganizationBinding: !Ref Nowhere\n"
        "    Properties: {RoleName: r}\n",
        "role.yml: Resources.R.OrganizationBinding: unknown binding 'Nowhere'",
    ),
    "unknown account in a binding": (
        "OrganizationUpdate:\n  Type: update-organization\n  Template: ./organization.yml\n"
        "Roles:\n  Type: update-stacks\n  Template: ./role.yml\n  StackName: roles\n",
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n"
        "    OrganizationBinding: {Account: !Ref Ghost}\n"
        "    Properties: {RoleName: r}\n",
        "role.yml: Resources.R: unknown !Ref target 'Ghost'",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_TASKS))
def test_malformed_tasks(case: str, tmp_path: Path) -> None:
    tasks, template, message = MALFORMED_TASKS[case]
    (tmp_path / "organization.yml").write_text(HEAD + MASTER, encoding="utf-8")
    (tmp_path / "organization-tasks.yml").write_text(tasks, encoding="utf-8")
    (tmp_path / "role.yml").write_text(template, encoding="utf-8")
    with pytest.raises(DesignError) as caught:
        convert(tmp_path)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_templates_and_tasks_it_cannot_read_are_gaps(tmp_path: Path) -> None:
    """org-formation accepts them: listed, never refused."""
    (tmp_path / "organization.yml").write_text(HEAD + MASTER, encoding="utf-8")
    (tmp_path / "organization-tasks.yml").write_text(
        "OrganizationUpdate:\n  Type: update-organization\n  Template: ./organization.yml\n"
        "Remote:\n  Type: update-stacks\n  Template: s3://bucket/t.yml\n  StackName: remote\n"
        "Missing:\n  Type: update-stacks\n  Template: ./missing.yml\n  StackName: missing\n"
        "Cdk:\n  Type: update-cdk\n  Path: ./cdk\n",
        encoding="utf-8",
    )
    design, report = convert(tmp_path)
    assert [g.what.split(":")[0] for g in report.gaps] == [
        "template s3",
        "template ./missing.yml",
        "task of type update-cdk",
    ]
    assert len(design.accounts) == 1


def test_log_buckets_read_back(tmp_path: Path) -> None:
    """Not carried exactly (MFA Delete and access logging are not in the templates), but drawn:
    name, owner, versioning, Object Lock, key alias, organization-restricted writes."""
    from designer.engines.files import write_files
    from designer.engines.orgformation.write import write_config
    from designer.model.templates import load_template

    design = load_template("logging")
    write_files(write_config(design), tmp_path)
    converted, report = convert(tmp_path)
    owner = {a.id: a.name for a in design.accounts}
    got_owner = {a.id: a.name for a in converted.accounts}
    for planned in design.log_buckets:
        got = next(b for b in converted.log_buckets if b.name == planned.name)
        assert got_owner[got.account] == owner[planned.account]
        assert (got.versioning, got.object_lock, got.kms_key) == (
            planned.versioning,
            planned.object_lock,
            planned.kms_key,
        )
        assert got.organization_restricted_writes == planned.organization_restricted_writes
        assert any(planned.name in g.what and "MFA Delete" in g.what for g in report.gaps)


def test_roles_the_design_cannot_hold_are_gaps(tmp_path: Path) -> None:
    """IAM and org-formation accept them; the design cannot hold them: listed, not refused."""
    (tmp_path / "organization.yml").write_text(HEAD + MASTER + _account_yaml("A"), encoding="utf-8")
    (tmp_path / "organization-tasks.yml").write_text(
        "OrganizationUpdate:\n  Type: update-organization\n  Template: ./organization.yml\n"
        "Roles:\n  Type: update-stacks\n  Template: ./role.yml\n  StackName: roles\n",
        encoding="utf-8",
    )
    statement = (
        "      AssumeRolePolicyDocument:\n        Statement:\n"
        "          - {Effect: Allow, Action: sts:AssumeRole, Principal: {AWS: !Sub "
        "'arn:aws:iam::${MasterAccount}:root'}}\n"
        "      ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n"
    )
    (tmp_path / "role.yml").write_text(
        "Resources:\n"
        "  Long:\n    Type: AWS::IAM::Role\n    OrganizationBinding: {Account: !Ref A}\n"
        "    Properties:\n      RoleName: long\n      MaxSessionDuration: 99999\n" + statement + ""
        "  Odd:\n    Type: AWS::IAM::Role\n    OrganizationBinding: {Account: !Ref A}\n"
        "    Properties:\n      RoleName: odd\n      MaxSessionDuration: !If [c, 1, 2]\n"
        + statement
        + "  Fine:\n    Type: AWS::IAM::Role\n    OrganizationBinding: {Account: !Ref A}\n"
        "    Properties:\n      RoleName: fine\n" + statement,
        encoding="utf-8",
    )
    design, report = convert(tmp_path)
    assert [t.role_name for t in design.relationships if t.kind == "trust"] == ["fine"]
    gaps = "\n".join(f"{g.where}: {g.what}" for g in report.gaps)
    assert "role.yml: Resources.Long.Properties: not a trust the design can hold" in gaps
    assert "role.yml: Resources.Odd: cannot be resolved without AWS: !If" in gaps
