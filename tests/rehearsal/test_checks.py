"""The rehearsal's own checks catch a plan run out of order (moto does not evaluate SCPs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from designer.model.templates import new_design_from_template
from designer.rehearsal.runner import prepare, walk
from tests.rehearsal.conftest import export

pytestmark = pytest.mark.live

DENY_ROOT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}},
        }
    ],
}
# the DenyRootUser statement the export generates (designer/artefacts/policy_set.py): the key
# spelt "aws:PrincipalARN", as IAM allows (condition keys are case-insensitive)
GENERATED_DENY_ROOT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyRootUser",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"ArnLike": {"aws:PrincipalARN": "arn:aws:iam::*:root"}},
        }
    ],
}
ROOT_TYPE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Action": ["iam:*", "s3:*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:principaltype": "Root"}},
        }
    ],
}
QUARANTINE = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}],
}
MANAGEMENT = {"name": "Management", "aws_account_id": None}


def step(number: int, step_id: str, title: str, **extra: Any) -> dict[str, Any]:
    return {"number": number, "id": step_id, "title": title, "account": MANAGEMENT, **extra}


def operation(target: str, name: str, verb: str = "attach") -> dict[str, str]:
    return {"policy": "DenyRootUser", "target": target, "target_name": name, "operation": verb}


def small_export(folder: Path, order: list[str], document: dict[str, Any] | None = None) -> Path:
    """An export of one OU, one account and one SCP (`document`, DENY_ROOT by default) whose
    steps come in `order`."""
    steps = {
        "organization": step(0, "organization", "Create the organization"),
        "ou": step(0, "ou:policy-staging", "Create OU Root/Policy Staging"),
        "account": step(
            0,
            "account:test",
            "Add account Test to Root/Policy Staging",
            prerequisites=["ou:policy-staging"],
        ),
        "scp-type": step(0, "scp-policy-type", "Enable service control policies"),
        "scp": step(
            0,
            "scp:denyrootuser",
            "Create SCP DenyRootUser",
            artifacts=["policies/scps/denyrootuser.json"],
            prerequisites=["scp-policy-type"],
        ),
        "root-mfa": step(
            0,
            "root-mfa",
            "Turn on MFA for the root user of every account",
            manual=True,
            needs_root_user=True,
            account={"name": "every account", "aws_account_id": None},
            action="Sign in as the root user of each account and register an MFA device.",
        ),
        "trial": step(
            0,
            "scp-staging:denyrootuser",
            "Try SCP DenyRootUser on the Policy Staging OU",
            targets=operation("${OuId:Policy Staging}", "Root/Policy Staging"),
            prerequisites=["scp:denyrootuser", "account:test"],
        ),
        "detach": step(
            0,
            "scp-staging-detach:denyrootuser",
            "Detach SCP DenyRootUser from Policy Staging",
            targets=operation("${OuId:Policy Staging}", "Root/Policy Staging", "detach"),
            prerequisites=["scp-staging:denyrootuser"],
        ),
        "attach": step(
            0,
            "scp-attach:denyrootuser",
            "Attach SCP DenyRootUser to the root",
            targets=operation("${RootId}", "Root"),
            prerequisites=["root-mfa", "scp-staging:denyrootuser"],
        ),
    }
    plan = [dict(steps[key], number=n) for n, key in enumerate(order, 1)]
    (folder / "plan").mkdir(parents=True)
    (folder / "plan/deployment-plan.json").write_text(json.dumps({"steps": plan}))
    (folder / "policies/scps").mkdir(parents=True)
    (folder / "policies/scps/denyrootuser.json").write_text(json.dumps(document or DENY_ROOT))
    return folder


IN_ORDER = ["organization", "ou", "account", "scp-type", "scp", "root-mfa", "trial", "detach"]
IN_ORDER.append("attach")


def test_a_plan_in_order_passes_the_checks(emulator: str, tmp_path: Path) -> None:
    result = walk(prepare(small_export(tmp_path, IN_ORDER), emulator, None))
    assert result.failures == []
    assert [o.status for o in result.outcomes].count("failed") == 0
    assert [o.status for o in result.outcomes].count("manual") == 1


@pytest.mark.parametrize(
    "document",
    [DENY_ROOT, GENERATED_DENY_ROOT, ROOT_TYPE, QUARANTINE],
    ids=["PrincipalArn", "generated-PrincipalARN", "PrincipalType-Root", "quarantine"],
)
def test_an_scp_denying_the_root_user_before_the_root_steps_is_caught(
    emulator: str, tmp_path: Path, document: dict[str, Any]
) -> None:
    flawed = ["organization", "ou", "account", "scp-type", "scp", "attach", "root-mfa"]
    flawed += ["trial", "detach"]
    result = walk(prepare(small_export(tmp_path, flawed, document), emulator, None))
    messages = {f.check: f.message for f in result.failures}
    assert messages["root-user"] == (
        "step 7 (Turn on MFA for the root user of every account) needs the root user of "
        "Management, but SCP DenyRootUser denies it there since step 6 (Attach SCP DenyRootUser "
        "to the root)"
    )
    assert messages["staging"] == (
        "SCP DenyRootUser is attached to Root at step 6 (Attach SCP DenyRootUser to the root), "
        "before its trial at step 8 (Try SCP DenyRootUser on the Policy Staging OU)"
    )
    prerequisites = [f.message for f in result.failures if f.check == "prerequisite"]
    assert prerequisites == [
        "step 6 (Attach SCP DenyRootUser to the root) runs before its prerequisite step 7 (Turn "
        "on MFA for the root user of every account)",
        "step 6 (Attach SCP DenyRootUser to the root) runs before its prerequisite step 8 (Try "
        "SCP DenyRootUser on the Policy Staging OU)",
    ]


def test_a_missing_artefact_and_an_unknown_prerequisite_are_reported(
    emulator: str, tmp_path: Path
) -> None:
    folder = small_export(tmp_path, IN_ORDER)
    (folder / "policies/scps/denyrootuser.json").unlink()
    plan = json.loads((folder / "plan/deployment-plan.json").read_text())
    plan["steps"][2]["prerequisites"] = ["ou:nowhere"]
    (folder / "plan/deployment-plan.json").write_text(json.dumps(plan))
    result = walk(prepare(folder, emulator, None))
    found = [(f.check, f.message) for f in result.failures]
    assert ("prerequisite", "step 3 (Add account Test to Root/Policy Staging) needs "
            "'ou:nowhere', which no step of the plan provides") in found  # fmt: skip
    assert ("artefact", "step 5 (Create SCP DenyRootUser) names "
            "policies/scps/denyrootuser.json, not in the export") in found  # fmt: skip
    failed = {o.step.number: o.detail for o in result.outcomes if o.status == "failed"}
    assert 5 in failed


def test_a_real_export_with_deny_root_moved_before_the_root_steps(
    emulator: str, tmp_path: Path
) -> None:
    """Today's reference export, its DenyRootUser creation and attachment moved before root MFA
    (the plan cut after the root MFA step: what follows does not matter here)."""
    folder = export(new_design_from_template("reference-landing-zone"), tmp_path / "export")
    path = folder / "plan/deployment-plan.json"
    plan = json.loads(path.read_text())
    steps = plan["steps"]
    moved = [s for s in steps if s["id"] in ("scp-policy-type", "scp:denyrootuser")]
    moved += [s for s in steps if s["id"].startswith("scp-attach:denyrootuser")]
    assert len(moved) >= 3
    rest = [s for s in steps if s not in moved]
    at = next(i for i, s in enumerate(rest) if s["id"] == "root-mfa")
    reordered = rest[:at] + moved + rest[at : at + 1]  # the plan up to the root steps
    for number, item in enumerate(reordered, 1):
        item["number"] = number
    plan["steps"] = reordered
    path.write_text(json.dumps(plan))
    result = walk(prepare(folder, emulator, None))
    root = [f.message for f in result.failures if f.check == "root-user"]
    assert root, [f.message for f in result.failures]
    assert "(Turn on MFA for the root user of every account) needs the root user" in root[0]
    assert "SCP DenyRootUser denies it there since step" in " ".join(root)


def test_a_trust_naming_a_role_nobody_creates_is_reported(emulator: str, tmp_path: Path) -> None:
    """moto accepts it; IAM refuses a trust policy whose principal role does not exist."""
    folder = small_export(tmp_path, ["organization", "ou", "account"])
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::${AccountId:Test}:role/Analyst"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = {"RoleName": "Audit", "AssumeRolePolicyDocument": trust}
    template = {"Resources": {"RoleAudit": {"Type": "AWS::IAM::Role", "Properties": role}}}
    (folder / "cloudformation").mkdir()
    (folder / "cloudformation/roles.json").write_text(json.dumps(template))
    path = folder / "plan/deployment-plan.json"
    plan = json.loads(path.read_text())
    plan["steps"].append(
        step(
            4, "management-role:audit", "Create role Audit", artifacts=["cloudformation/roles.json"]
        )
    )
    path.write_text(json.dumps(plan))
    result = walk(prepare(folder, emulator, None))
    assert [o.status for o in result.outcomes] == ["run"] * 4
    assert [(f.check, f.message) for f in result.failures] == [
        (
            "principal",
            "step 4 (Create role Audit): the trust policy of RoleAudit names role Analyst in "
            "Test, which no earlier step creates (IAM refuses a trust naming a role that does "
            "not exist)",
        )
    ]


def _stack_sets_export(folder: Path, also: list[dict[str, Any]], action: str) -> Path:
    """A StackSet of one role to Root/Policy Staging; its plan entry's also_as_stack_in `also`."""
    small_export(folder, ["organization", "ou", "account"])
    member = {"Resources": {"Audit": {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": "Audit", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
             "Action": "sts:AssumeRole"}]}}}}}  # fmt: skip
    holder = {"Resources": {"RoleAudit": {"Type": "AWS::CloudFormation::StackSet", "Properties": {
        "StackSetName": "role-audit", "PermissionModel": "SERVICE_MANAGED",
        "TemplateBody": member, "StackInstancesGroup": [{
            "DeploymentTargets": {"OrganizationalUnitIds": ["${OuId:Policy Staging}"]},
            "Regions": ["us-east-1"]}]}}}}  # fmt: skip
    (folder / "cloudformation/stacksets").mkdir(parents=True)
    (folder / "cloudformation/stacksets.json").write_text(json.dumps(holder))
    (folder / "cloudformation/stacksets/audit.json").write_text(json.dumps(member))
    entry = {"name": "role-audit", "template": "cloudformation/stacksets/audit.json",
             "also_as_stack_in": also, "organizational_units": ["Root/Policy Staging"]}  # fmt: skip
    path = folder / "plan/deployment-plan.json"
    plan = json.loads(path.read_text())
    plan["steps"].append(
        step(4, "stacksets", "Deploy the StackSets", action=action,
             artifacts=["cloudformation/stacksets.json", "cloudformation/stacksets/audit.json"],
             targets={"template": "cloudformation/stacksets.json", "stack_sets": [entry]})
    )  # fmt: skip
    path.write_text(json.dumps(plan))
    return folder


def _roles(result: Any, account: str) -> list[str]:
    iam = result.emulator.client("iam", account)
    return [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"] == "Audit"]


@pytest.mark.parametrize(
    ("also", "action", "in_management"),
    [
        ([MANAGEMENT], "It creates 1 StackSet.", True),
        ([], "deploy the same template there as a stack", False),  # the field, not the words
    ],
    ids=["also-as-stack", "words-only"],
)
def test_a_stack_set_s_template_is_also_a_stack_where_the_plan_says(
    emulator: str, tmp_path: Path, also: list[dict[str, Any]], action: str, in_management: bool
) -> None:
    ctx = prepare(_stack_sets_export(tmp_path, also, action), emulator, None)
    result = walk(ctx)
    assert [o.status for o in result.outcomes] == ["run"] * 3 + ["substituted"], [
        o.detail for o in result.outcomes
    ]
    assert _roles(ctx, ctx.world.accounts["Test"]) == ["Audit"]  # the StackSet's instance
    assert _roles(ctx, ctx.world.management_id) == (["Audit"] if in_management else [])
