"""Review 16 of the org-formation engine: organization.yml holds only what org-formation deploys
(no internal markers), org-formation's own references to the bound account (AWSAccount,
CurrentAccount) are read per account, every trust statement read or reported, and a role's
permissions never come back broader than the template grants."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from designer.artefacts.policy_set import build_policies
from designer.engines.convert import convert
from designer.engines.files import write_files
from designer.engines.orgformation.write import write_config
from designer.engines.report import ConversionReport
from designer.engines.yamlio import dump_yaml, parse_yaml
from designer.model.design import Design
from designer.model.templates import load_template
from designer.model.vocabulary import AccessLevel

ORGANIZATION = """\
AWSTemplateFormatVersion: '2010-09-09-OC'
Organization:
  MasterAccount:
    Type: OC::ORG::MasterAccount
    Properties: {AccountName: Management, AccountId: '111111111111'}
  ToolsAccount:
    Type: OC::ORG::Account
    Properties: {AccountName: Tools, AccountId: '333333333333'}
  ProdAccount:
    Type: OC::ORG::Account
    Properties:
      AccountName: Prod
      AccountId: '222222222222'
      Tags: {trusted-by: '333333333333'}
  DevAccount:
    Type: OC::ORG::Account
    Properties:
      AccountName: Dev
      AccountId: '444444444444'
      Tags: {trusted-by: '999999999999'}
  WorkloadsOU:
    Type: OC::ORG::OrganizationalUnit
    Properties:
      OrganizationalUnitName: Workloads
      Accounts: [!Ref ProdAccount, !Ref DevAccount]
"""
TASKS = """\
OrganizationUpdate:
  Type: update-organization
  Template: ./organization.yml
Roles:
  Type: update-stacks
  Template: ./roles.yml
  StackName: roles
  DefaultOrganizationBindingRegion: eu-west-1
"""
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def _role(name: str, statements: str, extra: str = "", binding: str = "") -> str:
    return (
        f"  {name}:\n    Type: AWS::IAM::Role\n"
        f"    OrganizationBinding: {binding or '{OrganizationalUnit: !Ref WorkloadsOU}'}\n"
        f"    Properties:\n      RoleName: {name}\n"
        "      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n"
        f"        Statement:\n{statements}{extra}"
    )


def _trusting(principal: str) -> str:
    return (
        f"          - {{Effect: Allow, Action: sts:AssumeRole, Principal: {{AWS: {principal}}}}}\n"
    )


FROM_MASTER = _trusting("!Sub 'arn:aws:iam::${MasterAccount}:root'")


def _convert(tmp_path: Path, roles: str) -> tuple[Design, ConversionReport]:
    (tmp_path / "organization.yml").write_text(ORGANIZATION, encoding="utf-8")
    (tmp_path / "organization-tasks.yml").write_text(TASKS, encoding="utf-8")
    (tmp_path / "roles.yml").write_text("Resources:\n" + roles, encoding="utf-8")
    return convert(tmp_path)


def _gaps(report: ConversionReport) -> list[str]:
    return [f"{g.where}: {g.what}" for g in report.gaps]


def _names(design: Design) -> dict[str, str]:
    names = {a.id: a.name for a in design.accounts}
    names |= {u.id: u.name for u in design.organizational_units}
    names |= {p.id: p.name for p in design.outside_principals}
    return names


def _trusts(design: Design, role: str) -> list[tuple[str, str]]:
    names = _names(design)
    return sorted(
        (names[r.source], names[r.target])
        for r in design.relationships
        if r.kind == "trust" and r.role_name == role
    )


# -- 9: no internal markers in the deployable organization.yml ------------------------------------
def _scp_resources(text: str) -> list[dict[str, Any]]:
    data = parse_yaml(text, "organization.yml")
    return [
        r["Properties"]
        for r in data["Organization"].values()
        if r["Type"] == "OC::ORG::ServiceControlPolicy"
    ]


def test_organization_file_holds_no_internal_markers() -> None:
    design = load_template("reference-landing-zone")
    text = write_config(design, "aws-us-gov")[0].text
    scps = _scp_resources(text)
    assert scps
    assert "account-designer:" not in text
    assert all("Tags" not in p for p in scps)
    documents = json.dumps([p["PolicyDocument"] for p in scps])
    assert "${AWS::Partition}" not in documents  # not CloudFormation: org-formation sends it as is
    assert "arn:aws-us-gov:" in documents
    assert "arn:aws:" not in documents


def test_scps_come_back_as_designed_from_another_partition(tmp_path: Path) -> None:
    design = load_template("reference-landing-zone")
    write_files(write_config(design, "aws-us-gov"), tmp_path)
    converted, _ = convert(tmp_path)
    built = {s.name: s.document for s in build_policies(design).scps if not s.generated}
    got = {s.name: s.document for s in converted.service_control_policies if s.document}
    assert got == built


def test_edited_generated_scp_is_kept_and_reported(tmp_path: Path) -> None:
    """The comment says the export generated the SCP; once its document is edited, the comment
    no longer applies: the SCP is the user's own, kept as written and reported."""
    design = load_template("central-it")
    files = write_config(design)
    write_files(files, tmp_path)
    generated = next(s for s in build_policies(design).scps if s.generated)
    data = parse_yaml(files[0].text, "organization.yml")
    scp = next(
        r["Properties"]
        for r in data["Organization"].values()
        if r["Properties"].get("PolicyName") == generated.name
    )
    scp["PolicyDocument"]["Statement"][0]["Sid"] = "EditedByHand"
    comments = [line[2:] for line in files[0].text.splitlines() if line.startswith("# ")]
    (tmp_path / "organization.yml").write_text(dump_yaml(data, comments), encoding="utf-8")
    converted, report = convert(tmp_path)
    kept = next(s for s in converted.service_control_policies if s.name == generated.name)
    assert kept.document is not None
    assert kept.document["Statement"][0]["Sid"] == "EditedByHand"
    assert any(
        f"SCP {generated.name}: generated at export, edited since" in g for g in _gaps(report)
    )


# -- 12: AWSAccount / CurrentAccount, Deny statements, messages ---------------------------------
def test_aws_account_is_the_bound_account(tmp_path: Path) -> None:
    """`!Ref AWSAccount` and ${AWS::AccountId} name the account the role lands in: a trust of
    that account in itself, which the design cannot hold (reported); the role's other
    statements are still read."""
    statements = (
        _trusting("!Ref AWSAccount")
        + _trusting("!Sub 'arn:aws:iam::${AWS::AccountId}:root'")
        + _trusting("!Sub 'arn:aws:iam::${CurrentAccount}:root'")
        + FROM_MASTER
    )
    roles = _role("Deployer", statements, f"      ManagedPolicyArns: [{READ_ONLY}]\n")
    design, report = _convert(tmp_path, roles)
    assert _trusts(design, "Deployer") == [("Management", "Workloads")]
    gaps = _gaps(report)
    for n in range(3):
        assert any(
            f"Deployer.Properties.AssumeRolePolicyDocument.Statement[{n}]: "
            "trusts the account the role is deployed in" in g
            for g in gaps
        ), gaps
    assert not any("@{" in g for g in gaps), gaps


def test_attributes_of_the_bound_account_resolve_per_account(tmp_path: Path) -> None:
    """!GetAtt AWSAccount.Tags.<key> differs per bound account: read once per account."""
    roles = _role(
        "Ops",
        _trusting("!Sub 'arn:aws:iam::${AWSAccount.Tags.trusted-by}:root'"),
        f"      ManagedPolicyArns: [{READ_ONLY}]\n",
    )
    design, report = _convert(tmp_path, roles)
    assert _trusts(design, "Ops") == [("999999999999", "Dev"), ("Tools", "Prod")]
    assert not any("resolved" in g for g in _gaps(report)), _gaps(report)
    trusts = [r for r in design.relationships if r.kind == "trust"]
    levels = {_names(design)[r.source]: r.access_level for r in trusts}
    # ReadOnlyAccess for a party outside the organization is no level of the design (it gives
    # outsiders ViewOnlyAccess): custom, exactly the template's policy
    assert levels == {"Tools": AccessLevel.READ_ONLY, "999999999999": AccessLevel.CUSTOM}


def test_deny_and_unread_statements_are_reported(tmp_path: Path) -> None:
    statements = (
        FROM_MASTER + "          - Effect: Deny\n            Principal: {AWS: '*'}\n"
        "            Action: sts:AssumeRole\n"
        "            Condition: {StringNotEquals: {aws:PrincipalOrgID: o-abc1234567}}\n"
        "          - {Effect: Allow, Action: sts:TagSession, Principal: {AWS: '*'}}\n"
    )
    roles = _role("Guarded", statements, f"      ManagedPolicyArns: [{READ_ONLY}]\n")
    design, report = _convert(tmp_path, roles)
    # the Deny narrows the Allow; the design holds no denial, so the role's trusts are left out
    assert _trusts(design, "Guarded") == []
    gaps = _gaps(report)
    statement = "Guarded.Properties.AssumeRolePolicyDocument.Statement"
    assert any(f"{statement}[1]: Deny statement" in g and "left out" in g for g in gaps), gaps
    assert any(f"{statement}[2]: an Allow of no sts:AssumeRole" in g for g in gaps), gaps


# -- 6: permissions the design cannot carry exactly ----------------------------------------------
NARROW_READ = (
    "      Policies:\n        - PolicyName: extra\n          PolicyDocument:\n"
    "            Version: '2012-10-17'\n            Statement:\n"
    "              - {Effect: Allow, Action: s3:GetObject, Resource: 'arn:aws:s3:::b/*'}\n"
)


def test_permissions_never_come_back_broader(tmp_path: Path) -> None:
    roles = (
        _role("Bare", FROM_MASTER)
        + _role("Narrow", FROM_MASTER, NARROW_READ)
        + _role(
            "Audit",
            FROM_MASTER,
            "      ManagedPolicyArns: [arn:aws:iam::aws:policy/SecurityAudit]\n" + NARROW_READ,
        )
        + _role(
            "Both",
            FROM_MASTER,
            f"      ManagedPolicyArns: [arn:aws:iam::aws:policy/SecurityAudit, {READ_ONLY}]\n",
        )
        + _role("Plain", FROM_MASTER, f"      ManagedPolicyArns: [{READ_ONLY}]\n")
    )
    design, report = _convert(tmp_path, roles)
    trusts = {r.role_name: r for r in design.relationships if r.kind == "trust"}
    assert sorted(trusts) == ["Both", "Plain"]
    assert trusts["Plain"].access_level == AccessLevel.READ_ONLY
    assert trusts["Both"].access_level == AccessLevel.CUSTOM
    assert sorted(trusts["Both"].managed_policy_arns) == [
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::aws:policy/SecurityAudit",
    ]
    gaps = _gaps(report)
    assert any("Bare.Properties: role Bare: no permission policies" in g for g in gaps), gaps
    assert any("Narrow.Properties: role Narrow: inline policies (extra)" in g for g in gaps)
    assert any("Audit.Properties: role Audit: inline policies (extra)" in g for g in gaps)
    assert any("Both.Properties: role Both: read as custom" in g for g in gaps)
    # exported again, no role grants more than the template did
    out = tmp_path / "again"
    write_files(write_config(design), out)
    granted = {p.stem: p.read_text(encoding="utf-8") for p in (out / "roles").glob("*.yml")}
    assert sorted(granted) == ["both", "plain"]
    assert "SecurityAudit" in granted["both"]
    assert "ReadOnlyAccess" in granted["both"]


# -- other values read and not represented --------------------------------------------------------
def test_source_account_of_another_account_is_reported(tmp_path: Path) -> None:
    """The design keeps aws:SourceAccount as "this account"; a template naming another account
    says something else."""
    service = (
        "          - Effect: Allow\n            Principal: {Service: config.amazonaws.com}\n"
        "            Action: sts:AssumeRole\n"
    )
    own = service + "            Condition: {StringEquals: {aws:SourceAccount: !Ref AWSAccount}}\n"
    other = (
        service + "            Condition: {StringEquals: {aws:SourceAccount: !Ref ToolsAccount}}\n"
    )
    managed = "      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWS_ConfigRole]\n"
    roles = _role("Own", own, managed) + _role("Other", other, managed)
    design, report = _convert(tmp_path, roles)
    assert _trusts(design, "Own") == [("config.amazonaws.com", "Workloads")]
    # read as "this account", the trust would admit the service for other accounts' resources
    assert _trusts(design, "Other") == []
    gaps = _gaps(report)
    assert not any("Own" in g for g in gaps), gaps
    assert any(
        "Other.Properties.AssumeRolePolicyDocument.Statement[0]: "
        "aws:SourceAccount ${ToolsAccount}: not the account"
        in g
        and "left out" in g
        for g in gaps
    ), gaps


def test_custom_policy_of_an_account_by_reference(tmp_path: Path) -> None:
    """A customer managed policy named through an account's logical id reads as that account's
    id (the design holds ids); one in "the account it lands in" cannot be held: reported."""
    tools = "      ManagedPolicyArns: [!Sub 'arn:aws:iam::${ToolsAccount}:policy/Deploy']\n"
    here = "      ManagedPolicyArns: [!Sub 'arn:aws:iam::${AWS::AccountId}:policy/Deploy']\n"
    roles = _role("Tools", FROM_MASTER, tools) + _role("Here", FROM_MASTER, here)
    design, report = _convert(tmp_path, roles)
    trusts = {r.role_name: r for r in design.relationships if r.kind == "trust"}
    assert sorted(trusts) == ["Tools"]
    assert trusts["Tools"].managed_policy_arns == ["arn:aws:iam::333333333333:policy/Deploy"]
    assert any(
        "role Here: managed policy arn:aws:iam::${AWS::AccountId}:policy/Deploy" in g
        for g in _gaps(report)
    ), _gaps(report)


def test_conditions_the_trust_cannot_hold_are_reported(tmp_path: Path) -> None:
    other_org = (
        "          - Effect: Allow\n            Action: sts:AssumeRole\n"
        "            Principal: {AWS: !Sub 'arn:aws:iam::${MasterAccount}:root'}\n"
        "            Condition: {StringEquals: {aws:PrincipalOrgID: o-other12345}}\n"
    )
    only_one = (
        "          - Effect: Allow\n            Action: sts:AssumeRole\n"
        "            Principal: {AWS: '*'}\n"
        "            Condition:\n              StringEquals:\n"
        "                aws:PrincipalOrgID: !Ref OrgId\n"
        "                aws:PrincipalAccount: '333333333333'\n"
    )
    managed = f"      ManagedPolicyArns: [{READ_ONLY}]\n"
    roles = _role("OtherOrg", other_org, managed) + _role("OnlyOne", only_one, managed)
    (tmp_path / "organization.yml").write_text(ORGANIZATION, encoding="utf-8")
    (tmp_path / "organization-tasks.yml").write_text(
        TASKS + "  Parameters: {OrgId: !Ref ORG::PrincipalOrgID}\n", encoding="utf-8"
    )
    (tmp_path / "roles.yml").write_text(
        "Parameters: {OrgId: {Type: String}}\nResources:\n" + roles, encoding="utf-8"
    )
    design, report = convert(tmp_path)
    # neither is read as a broader trust: both statements are left out
    assert _trusts(design, "OtherOrg") == []
    assert _trusts(design, "OnlyOne") == []
    gaps = _gaps(report)
    statement = "Properties.AssumeRolePolicyDocument.Statement[0]"
    assert any(
        f"OtherOrg.{statement}: aws:PrincipalOrgID o-other12345 on an account" in g for g in gaps
    ), gaps
    assert any(f"OnlyOne.{statement}: aws:PrincipalAccount only 333333333333" in g for g in gaps), (
        gaps
    )
