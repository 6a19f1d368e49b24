"""Whatever narrows a role or a trust that the design cannot hold exactly (a Deny in the trust,
a condition it has no field for, a permissions boundary...) leaves that trust or role out with a
report entry: the converted design never trusts or grants more than the template. Conditions
the design holds exactly (as its export writes them) stay. Report entries name the template's
real path and show references as org-formation writes them."""

from __future__ import annotations

from pathlib import Path

from designer.engines.convert import convert
from designer.engines.report import ConversionReport
from designer.model.design import Design
from designer.model.relationships import TrustRelationship

ORGANIZATION = """\
AWSTemplateFormatVersion: '2010-09-09-OC'
Organization:
  MasterAccount:
    Type: OC::ORG::MasterAccount
    Properties: {AccountName: Management, AccountId: '111111111111'}
  SecurityAccount:
    Type: OC::ORG::Account
    Properties: {AccountName: Security, AccountId: '333333333333'}
  ProdAccount:
    Type: OC::ORG::Account
    Properties: {AccountName: Prod, AccountId: '222222222222'}
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
  DefaultOrganizationBinding: {Account: !Ref ProdAccount}
  Parameters: {OrgId: !Ref ORG::PrincipalOrgID}
"""
POWER_USER = "      ManagedPolicyArns: [arn:aws:iam::aws:policy/PowerUserAccess]\n"
FROM_SECURITY = (
    "          - Effect: Allow\n            Action: sts:AssumeRole\n"
    "            Principal: {AWS: !GetAtt SecurityAccount.AccountId}\n"
)
TRUST_PATH = "Properties.AssumeRolePolicyDocument.Statement"


def _role(name: str, statements: str, extra: str = POWER_USER) -> str:
    return (
        f"  {name}:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: {name}\n"
        "      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n"
        f"        Statement:\n{statements}{extra}"
    )


def _convert(tmp_path: Path, resources: str) -> tuple[Design, ConversionReport]:
    (tmp_path / "organization.yml").write_text(ORGANIZATION, encoding="utf-8")
    (tmp_path / "organization-tasks.yml").write_text(TASKS, encoding="utf-8")
    (tmp_path / "roles.yml").write_text(
        "Parameters: {OrgId: {Type: String}}\nResources:\n" + resources, encoding="utf-8"
    )
    return convert(tmp_path)


def _trusts(design: Design) -> dict[str, TrustRelationship]:
    return {r.role_name: r for r in design.relationships if isinstance(r, TrustRelationship)}


def _gaps(report: ConversionReport) -> list[str]:
    return [f"{g.where}: {g.what}" for g in report.gaps]


def test_deny_without_mfa_leaves_the_role_out(tmp_path: Path) -> None:
    """A Deny of sessions without MFA: read without it, the role would trust Security with no
    MFA at all."""
    deny = (
        "          - Effect: Deny\n            Action: sts:AssumeRole\n"
        "            Principal: {AWS: !GetAtt SecurityAccount.AccountId}\n"
        "            Condition: {BoolIfExists: {aws:MultiFactorAuthPresent: 'false'}}\n"
    )
    design, report = _convert(tmp_path, _role("Ops", FROM_SECURITY + deny))
    assert "Ops" not in _trusts(design)
    assert any(
        f"Resources.Ops.{TRUST_PATH}[1]: Deny statement" in g and "left out" in g
        for g in _gaps(report)
    ), _gaps(report)


def test_permissions_boundary_leaves_the_role_out(tmp_path: Path) -> None:
    boundary = POWER_USER + "      PermissionsBoundary: arn:aws:iam::aws:policy/ReadOnlyAccess\n"
    design, report = _convert(tmp_path, _role("Ops", FROM_SECURITY, boundary))
    assert "Ops" not in _trusts(design)
    assert any(
        "Resources.Ops: PermissionsBoundary" in g and "left out" in g for g in _gaps(report)
    ), _gaps(report)


def test_conditions_the_design_cannot_hold_leave_the_statement_out(tmp_path: Path) -> None:
    """A principal tag, an MFA test that is not "MFA present", a principal ARN naming no role,
    MFA asked of a role (the export writes MFA only for IAM users): each narrows the trust;
    read without it, more would be trusted."""

    def conditioned(condition: str) -> str:
        return FROM_SECURITY + f"            Condition: {condition}\n"

    roles = (
        _role("Tagged", conditioned("{StringEquals: {aws:PrincipalTag/Team: ops}}"))
        + _role("MfaIfExists", conditioned("{BoolIfExists: {aws:MultiFactorAuthPresent: 'true'}}"))
        + _role("MfaOff", conditioned("{Bool: {aws:MultiFactorAuthPresent: 'false'}}"))
        + _role(
            "OneUser",
            conditioned("{ArnLike: {aws:PrincipalArn: 'arn:aws:iam::333333333333:user/alice'}}"),
        )
        + _role(
            "RoleMfa",
            "          - Effect: Allow\n            Action: sts:AssumeRole\n"
            "            Principal: {AWS: 'arn:aws:iam::333333333333:role/Ops'}\n"
            "            Condition: {Bool: {aws:MultiFactorAuthPresent: 'true'}}\n",
        )
        + _role("Kept", FROM_SECURITY)
    )
    design, report = _convert(tmp_path, roles)
    assert sorted(_trusts(design)) == ["Kept"]
    gaps = _gaps(report)
    assert any(
        f"Resources.Tagged.{TRUST_PATH}[0]: conditions the design does not hold exactly: "
        "StringEquals aws:PrincipalTag/Team" in g
        for g in gaps
    ), gaps
    for name in ("MfaIfExists", "MfaOff", "OneUser", "RoleMfa"):
        assert any(f"Resources.{name}.{TRUST_PATH}[0]" in g and "left out" in g for g in gaps)


def test_conditions_the_design_holds_stay(tmp_path: Path) -> None:
    """MFA on an account's root, an external id, the organization's own id: held exactly."""
    held = FROM_SECURITY + (
        "            Condition:\n"
        "              Bool: {aws:MultiFactorAuthPresent: 'true'}\n"
        "              StringEquals: {sts:ExternalId: ops-1, aws:PrincipalOrgID: !Ref OrgId}\n"
    )
    design, report = _convert(tmp_path, _role("Ops", held))
    trust = _trusts(design)["Ops"]
    assert trust.require_mfa
    assert trust.external_id == "ops-1"
    assert trust.organization_scoped
    assert not any("Ops" in g for g in _gaps(report)), _gaps(report)


def test_policy_resource_of_the_template_is_named_as_written(tmp_path: Path) -> None:
    policy = (
        "  OpsPolicy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
        "      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n"
        "          - {Effect: Allow, Action: 's3:ListAllMyBuckets', Resource: '*'}\n"
    )
    managed = "      ManagedPolicyArns: [!Ref OpsPolicy]\n"
    design, report = _convert(tmp_path, _role("Ops", FROM_SECURITY, managed) + policy)
    assert "Ops" not in _trusts(design)
    found = [g for g in _gaps(report) if "role Ops: managed policy" in g]
    assert found, _gaps(report)
    assert "managed policy !Ref OpsPolicy: a policy resource of the template" in found[0]
    assert "${" not in found[0]
    assert "account by reference" not in found[0]
