"""Trust, identity and permission policies as a deployer relies on them: assumable roles (no MFA
condition a role session cannot meet), least privilege for outside parties, IAM's per-role and
per-policy quotas, Directory Service console roles and partition-aware ARNs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from designer.artefacts.tokens import SAML_AUDIENCE
from designer.model import Design
from designer.model.templates import load_template
from exporters.base import export_design
from tests.exporters.cfn_values import evaluate
from tests.rules.builder import Builder

MFA_KEY = "aws:MultiFactorAuthPresent"
VIEW_ONLY = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"


def _json_files(folder: Path) -> Iterator[tuple[Path, Any]]:
    for path in sorted(folder.rglob("*.json")):
        yield path, json.loads(path.read_text(encoding="utf-8"))


def _trusts(tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, statement) of every trust statement in policies/ and the CloudFormation roles."""
    for path, data in _json_files(tmp_path / "policies" / "roles"):
        for statement in data["TrustPolicy"]["Statement"]:
            yield str(path.relative_to(tmp_path)), statement
    for path, data in _json_files(tmp_path / "cloudformation"):
        for logical, resource in data.get("Resources", {}).items():
            if isinstance(resource, dict) and resource.get("Type") == "AWS::IAM::Role":
                document = resource["Properties"]["AssumeRolePolicyDocument"]
                for statement in document["Statement"]:
                    yield f"{path.relative_to(tmp_path)}:{logical}", statement


def _role_file(tmp_path: Path, name: str) -> dict[str, Any]:
    """policies/roles/<account>/<role>.json of the one role of that name."""
    found = [d for _, d in _json_files(tmp_path / "policies" / "roles") if d["RoleName"] == name]
    assert len(found) == 1, name
    return found[0]


def _role_principal(statement: dict[str, Any]) -> bool:
    """The principal is a role: named in Principal, or matched by aws:PrincipalArn."""
    text = json.dumps(statement.get("Principal", {}))
    return ":role/" in text or "PrincipalArn" in json.dumps(statement.get("Condition", {}))


@pytest.mark.parametrize("name", ["reference-landing-zone", "information-security", "identity"])
def test_roles_assumed_by_roles_never_require_mfa(tmp_path: Path, name: str) -> None:
    """SecurityAnalyst -> SecurityAudit / SecurityReadOnly and LoggingConfigurator were
    unassumable: a role session carries no aws:MultiFactorAuthPresent."""
    design = load_template(name)
    export_design(design, tmp_path, ["policies", "cloudformation"])
    checked = 0
    for where, statement in _trusts(tmp_path):
        if _role_principal(statement) or "Federated" in statement["Principal"]:
            checked += 1
            assert MFA_KEY not in json.dumps(statement.get("Condition", {})), where
    assert checked > 0
    notes = (tmp_path / "policies" / "notes.md").read_text(encoding="utf-8")
    asks = any(
        r.kind == "trust" and r.require_mfa and r.principal_role_name for r in design.relationships
    )  # the bundled designs no longer do (IAM-13); _people_design below does
    assert ("enforce MFA where they sign in" in notes) == asks


def _people_design() -> Design:
    b = Builder(organization_id="o-abc1234567")
    b.account("Security", "security-tooling", aws_account_id="333333333333")
    b.account("Prod", "workload", aws_account_id="555555555555")
    b.trust("Security", "Prod", "security-audit", role_name="ByUsers", require_mfa=True)
    b.trust(
        "Security",
        "Prod",
        "security-audit",
        role_name="ByRole",
        require_mfa=True,
        principal_scope="role",
        principal_role_name="Analyst",
    )
    return b.build()


def test_mfa_stays_where_iam_users_assume_the_role(tmp_path: Path) -> None:
    export_design(_people_design(), tmp_path, ["policies", "cloudformation"])
    conditions = {
        where.lower(): json.dumps(statement.get("Condition", {}))
        for where, statement in _trusts(tmp_path)
    }
    users = [c for w, c in conditions.items() if "byusers" in w]
    by_role = [c for w, c in conditions.items() if "byrole" in w]
    assert users
    assert all(MFA_KEY in c for c in users)
    assert by_role
    assert not any(MFA_KEY in c for c in by_role)


def test_a_vendor_read_only_role_reads_no_data(tmp_path: Path) -> None:
    """ReadOnlyAccess reads S3 objects, DynamoDB items, SSM parameters and logs: a vendor gets
    ViewOnlyAccess in both formats."""
    export_design(load_template("reference-landing-zone"), tmp_path, ["policies", "cloudformation"])
    assert _role_file(tmp_path, "MonitoringVendorReadOnly")["ManagedPolicyArns"] == [VIEW_ONLY]
    found = [
        resource["Properties"]
        for _, data in _json_files(tmp_path / "cloudformation")
        for resource in data.get("Resources", {}).values()
        if isinstance(resource, dict)
        and resource.get("Type") == "AWS::IAM::Role"
        and resource["Properties"]["RoleName"] == "MonitoringVendorReadOnly"
    ]
    assert found
    for properties in found:
        arns = json.dumps(properties["ManagedPolicyArns"])
        assert "ViewOnlyAccess" in arns
        assert "ReadOnlyAccess" not in arns


def _many_accounts(count: int) -> Design:
    """A security team's analyst role trusted into `count` accounts one by one (SecurityAudit
    and ReadOnly in each): the plan attached one managed policy per target role to it."""
    b = Builder(organization_id="o-abc1234567")
    b.account("Security", "security-tooling", aws_account_id="333333333333")
    for n in range(count):
        b.account(f"Workload {n}", "workload", aws_account_id=f"{500000000000 + n}")
        for role, level in (("Audit", "security-audit"), ("Reader", "read-only")):
            b.trust(
                "Security",
                f"Workload {n}",
                level,
                role_name=role,
                principal_scope="role",
                principal_role_name="Analyst",
            )
    return b.build()


def test_a_principal_gets_one_identity_policy_within_the_quotas(tmp_path: Path) -> None:
    count = 12  # 24 roles to assume
    export_design(_many_accounts(count), tmp_path, ["policies"])
    files = sorted((tmp_path / "policies" / "identity-policies").rglob("*.json"))
    assert [f.name for f in files] == ["analyst-assume-roles.json"]
    document = json.loads(files[0].read_text(encoding="utf-8"))
    resources = [
        r
        for s in document["Statement"]
        for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
    ]
    assert len(resources) == 2 * count
    assert len(json.dumps(document, separators=(",", ":"))) <= 6144


def test_identity_policies_split_only_past_the_managed_policy_size(tmp_path: Path) -> None:
    export_design(_many_accounts(100), tmp_path, ["policies"])
    files = sorted((tmp_path / "policies" / "identity-policies").rglob("*.json"))
    assert 1 < len(files) <= 10  # IAM attaches at most 10 managed policies to the role
    listed: list[str] = []
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert len(json.dumps(document, separators=(",", ":"))) <= 6144
        for statement in document["Statement"]:
            listed += statement["Resource"]
    assert len(listed) == len(set(listed)) == 200


def test_a_role_never_gets_more_managed_policies_than_iam_attaches(tmp_path: Path) -> None:
    b = Builder(organization_id="o-abc1234567")
    b.account("Central IT", "central-it", aws_account_id="333333333333")
    b.account("Prod", "workload", aws_account_id="555555555555")
    services = ["ec2", "rds", "s3", "lambda", "sns", "sqs", "dynamodb", "ecs", "ecr", "logs"]
    services += ["ssm", "kinesis", "kms"]
    b.trust("Central IT", "Prod", "service-admin", role_name="Ops", services=services)
    export_design(b.build(), tmp_path, ["policies", "cloudformation"])
    role = _role_file(tmp_path, "Ops")
    assert len(role["ManagedPolicyArns"]) <= 10
    actions = role["InlinePolicies"][0]["PolicyDocument"]["Statement"][0]["Action"]
    granted = {a.split(":")[0] for a in actions} | {
        a.rsplit("/", 1)[-1] for a in role["ManagedPolicyArns"]
    }
    assert {"ec2", "rds", "s3", "kms", "ssm"} <= granted
    for where, data in _json_files(tmp_path / "cloudformation"):
        for resource in data.get("Resources", {}).values():
            if isinstance(resource, dict) and resource.get("Type") == "AWS::IAM::Role":
                assert len(resource["Properties"].get("ManagedPolicyArns", [])) <= 10, where


def test_directory_service_roles_keep_their_console_trust(tmp_path: Path) -> None:
    """The identity template maps directory users to ComplianceAuditor and
    ServiceAdministrator: those roles must trust ds.amazonaws.com, and the mapping itself (no
    API) is a manual step."""
    export_design(load_template("identity"), tmp_path, ["policies", "cloudformation"])
    for name in ("ComplianceAuditor", "ServiceAdministrator"):
        principals = [
            s["Principal"] for s in _role_file(tmp_path, name)["TrustPolicy"]["Statement"]
        ]
        assert {"Service": "ds.amazonaws.com"} in principals, name
    roles = {
        resource["Properties"]["RoleName"]: resource["Properties"]
        for _, data in _json_files(tmp_path / "cloudformation")
        for resource in data.get("Resources", {}).values()
        if isinstance(resource, dict) and resource.get("Type") == "AWS::IAM::Role"
    }
    for name in ("ComplianceAuditor", "ServiceAdministrator"):
        principals = [s["Principal"] for s in roles[name]["AssumeRolePolicyDocument"]["Statement"]]
        assert {"Service": "ds.amazonaws.com"} in principals, name
    notes = (tmp_path / "cloudformation" / "notes.md").read_text(encoding="utf-8")
    assert "Delegate console access" in notes


ARN = re.compile(r"arn:[^:\"]*:")


@pytest.mark.parametrize("partition", ["aws-us-gov", "aws-cn"])
@pytest.mark.parametrize("name", ["reference-landing-zone", "identity"])
def test_policies_name_the_chosen_partition(tmp_path: Path, name: str, partition: str) -> None:
    export_design(load_template(name), tmp_path, ["policies"], partition=partition)
    checked = 0
    for folder in ("roles", "identity-policies"):
        for path, data in _json_files(tmp_path / "policies" / folder):
            text = json.dumps(data)
            assert "arn:aws:" not in text, path
            for prefix in ARN.findall(text):
                assert prefix == f"arn:{partition}:", path
                checked += 1
            for audience in re.findall(r'"SAML:aud": "([^"]*)"', text):
                assert audience == SAML_AUDIENCE[partition], path
    assert checked > 0


def test_identity_center_permission_sets_and_assignments(tmp_path: Path) -> None:
    """The reference landing zone federates through IAM Identity Center: every permission set
    it names is an AWS::SSO::PermissionSet assigned in the account people sign in to, and the
    one the trusts name (WorkloadAdministrator) carries, inline, its identity policy."""
    design = load_template("reference-landing-zone")
    export_design(design, tmp_path, ["policies", "cloudformation"])
    template = json.loads(
        (tmp_path / "cloudformation" / "identity-center.json").read_text(encoding="utf-8")
    )
    resources = template["Resources"]
    sets = {
        r["Properties"]["Name"]: r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::SSO::PermissionSet"
    }
    federations = [r for r in design.relationships if r.kind == "federation"]
    assert len(federations) > 1  # people land in Identity and, as analysts, in Security Tooling
    assert set(sets) == {n for f in federations for n in (*f.permission_sets, *f.mapped_roles)}
    for props in sets.values():
        assert props["InstanceArn"] == {"Ref": "InstanceArn"}
        assert props["SessionDuration"] == "PT1H"
    values = {"AWS::Partition": "aws"}
    assert evaluate(sets["SecurityAudit"]["ManagedPolicies"], values) == [
        "arn:aws:iam::aws:policy/SecurityAudit"
    ]
    identity = next((tmp_path / "policies" / "identity-policies").rglob("workload*-assume-*.json"))
    placeholders = {"RootId": "${RootId}", "OuIdWorkloads": "${OuId:Workloads}"}
    inline = evaluate(sets["WorkloadAdministrator"]["InlinePolicy"], values | placeholders)
    assert inline == json.loads(identity.read_text(encoding="utf-8"))
    assignments = [
        r["Properties"] for r in resources.values() if r["Type"] == "AWS::SSO::Assignment"
    ]
    assert len(assignments) == len(sets)
    for props in assignments:
        assert props["PrincipalType"] == "GROUP"
        assert props["PrincipalId"]["Ref"] in template["Parameters"]
        assert props["TargetType"] == "AWS_ACCOUNT"
        assert props["PermissionSetArn"]["Fn::GetAtt"][1] == "PermissionSetArn"


@pytest.mark.parametrize("name", ["reference-landing-zone", "identity"])
def test_templates_name_the_partition_they_are_deployed_in(tmp_path: Path, name: str) -> None:
    """Roles and permission sets in the templates spell ARNs with ${AWS::Partition}; the SAML
    audience comes from a Mappings entry keyed by it."""
    export_design(load_template(name), tmp_path, ["cloudformation"])
    kinds = ("AWS::IAM::Role", "AWS::SSO::PermissionSet")
    checked = 0
    for path, data in _json_files(tmp_path / "cloudformation"):
        for resource in data.get("Resources", {}).values():
            if isinstance(resource, dict) and resource.get("Type") in kinds:
                text = json.dumps(resource)
                assert "arn:aws:" not in text, path
                checked += text.count("arn:${AWS::Partition}:")
        if "SAML:aud" in json.dumps(data.get("Resources", {})):
            expected = {p: {"Audience": a} for p, a in SAML_AUDIENCE.items()}
            assert data["Mappings"]["SamlAudience"] == expected, path
    assert checked > 0
