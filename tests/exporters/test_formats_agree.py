"""The policies and CloudFormation exports describe the same log buckets and keys.

An architect may deploy either; a service allowed in one and missing in the other would break log
delivery (or open a path) depending on which file was used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from designer.model import Design
from designer.model.templates import load_template
from exporters.base import export_design
from tests.exporters.cfn_values import evaluate
from tests.rules.builder import Builder

Grant = tuple[str, tuple[str, ...]]


def grants(document: dict[str, Any]) -> set[Grant]:
    """(service principal or '*', actions) of every statement that names a service or everyone."""
    found: set[Grant] = set()
    for statement in document["Statement"]:
        principal = statement["Principal"]
        who = principal if principal == "*" else principal.get("Service")
        if who is None:
            continue  # the owner account: spelled as a literal ARN or as Fn::Sub
        actions = statement["Action"]
        found.add((who, tuple(sorted(actions if isinstance(actions, list) else [actions]))))
    return found


@pytest.mark.parametrize("name", ["reference-landing-zone", "logging"])
def test_bucket_and_key_policies_grant_the_same_services(tmp_path: Path, name: str) -> None:
    design = load_template(name)
    export_design(design, tmp_path, ["policies", "cloudformation"])
    resources: dict[str, Any] = {}
    for path in (tmp_path / "cloudformation").glob("log-archive-*.json"):
        resources |= json.loads(path.read_text(encoding="utf-8"))["Resources"]
    logical = {
        r["Properties"]["BucketName"]: key
        for key, r in resources.items()
        if r["Type"] == "AWS::S3::Bucket" and isinstance(r["Properties"].get("BucketName"), str)
    }
    policies = {
        r["Properties"]["Bucket"]["Ref"]: r["Properties"]["PolicyDocument"]
        for r in resources.values()
        if r["Type"] == "AWS::S3::BucketPolicy"
    }
    keys_cfn: set[Grant] = set()
    for r in resources.values():
        if r["Type"] == "AWS::KMS::Key":
            keys_cfn |= grants(r["Properties"]["KeyPolicy"])
    keys_json: set[Grant] = set()
    checked = 0
    for bucket in design.log_buckets:
        folder = tmp_path / "policies"
        exported = json.loads(
            (folder / "buckets" / f"{bucket.name}-policy.json").read_text("utf-8")
        )
        assert grants(exported) == grants(policies[logical[bucket.name]]), bucket.name
        for key in folder.glob(f"keys/{bucket.name}*"):
            keys_json |= grants(json.loads(key.read_text(encoding="utf-8")))
        checked += 1
    assert checked == len(design.log_buckets) > 0
    assert keys_json == keys_cfn
    # Both templates send VPC flow logs to the archive: both formats let log delivery in.
    assert any(who == "delivery.logs.amazonaws.com" for who, _ in keys_json)


# -- roles: whole documents ---------------------------------------------------------------------
NOTE_PARAMETER = re.compile(r"^- `(cloudformation/[^`]+)`: `([^`]+)` = `([^`]+)`$", re.MULTILINE)


def _placeholders(folder: Path) -> dict[str, dict[str, str]]:
    """file -> parameter -> the placeholder policies/ writes for it (cloudformation/notes.md)."""
    found: dict[str, dict[str, str]] = {}
    text = (folder / "cloudformation" / "notes.md").read_text(encoding="utf-8")
    for path, name, shown in NOTE_PARAMETER.findall(text):
        found.setdefault(path, {})[name] = shown.replace("\\", "")
    return found


def _cfn_roles(folder: Path) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(file, Role properties, template) of every AWS::IAM::Role of the CloudFormation export."""
    for path in sorted((folder / "cloudformation").rglob("*.json")):
        template = json.loads(path.read_text(encoding="utf-8"))
        for resource in template.get("Resources", {}).values():
            if isinstance(resource, dict) and resource.get("Type") == "AWS::IAM::Role":
                yield str(path.relative_to(folder)), resource["Properties"], template


def _stack_set_accounts(folder: Path) -> dict[str, list[str]]:
    """Member template -> the ids of the accounts its StackSet deploys it to ("*" for a scoped
    one: every account of the scope gets the role of policies/roles/ou-.../)."""
    found: dict[str, list[str]] = {}
    for path in sorted((folder / "cloudformation").glob("stacksets*.json")):
        for resource in json.loads(path.read_text(encoding="utf-8"))["Resources"].values():
            entry = resource["Metadata"]["StackSet"]
            if entry.get("scope"):
                found[entry["template"]] = ["*"]
            else:
                # Metadata shows "${" as "$ {" (cloudformation.displayed)
                ids = [a["account_id"].replace("$ {", "${") for a in entry["accounts"]]
                found[entry["template"]] = ids
    return found


def _as_policies(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "TrustPolicy": properties["AssumeRolePolicyDocument"],
        "ManagedPolicyArns": properties.get("ManagedPolicyArns", []),
        "InlinePolicies": properties.get("Policies", []),
        "MaxSessionDuration": properties["MaxSessionDuration"],
    }


def merged_roles() -> Design:
    """Two trusted sides into one role of Prod (one role, two statements), the same role in
    Dev for one of them only, a planned account, SAML into each: StackSets must not give Dev
    what only Prod has."""
    b = Builder(organization_id="o-abc1234567")
    b.ou("Workloads")
    b.account("Tooling", "security-tooling", aws_account_id="111111111111")
    b.account("Identity", "identity", aws_account_id="222222222222")
    b.account("Prod", parent="Workloads", aws_account_id="333333333333")
    b.account("Dev", parent="Workloads", aws_account_id="444444444444")
    b.account("Test", parent="Workloads")  # planned: no id yet
    b.idp("Okta", "saml", home_account="Identity")
    for target in ("Prod", "Dev", "Test"):
        b.trust("Tooling", target, "security-audit", role_name="Audit")
        b.trust("Okta", target, "read-only", role_name="Reader")
    b.trust("Identity", "Prod", "read-only", role_name="Audit")
    return b.build()


@pytest.mark.parametrize(
    "name",
    ["reference-landing-zone", "identity", "information-security", "central-it", "merged"],
)
def test_roles_are_the_same_documents_in_both_formats(tmp_path: Path, name: str) -> None:
    """Every CloudFormation role is, once its intrinsic functions are evaluated, exactly a role
    of policies/roles/ (trust policy, managed and inline policies, session length), and every
    role of policies/roles/ is deployed by some template."""
    design = merged_roles() if name == "merged" else load_template(name)
    export_design(design, tmp_path, ["policies", "cloudformation"])
    written = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((tmp_path / "policies" / "roles").rglob("*.json"))
    ]
    parameters = _placeholders(tmp_path)
    landing = _stack_set_accounts(tmp_path)
    deployed: set[tuple[str, str]] = set()
    checked = 0
    for path, properties, template in _cfn_roles(tmp_path):
        candidates = [r for r in written if r["RoleName"] == properties["RoleName"]]
        if path in landing:  # a StackSet body: the role each of its accounts gets
            for account in landing[path]:
                here = "${AccountId}" if account == "*" else account
                values = {"AWS::Partition": "aws", "AWS::AccountId": here}
                values |= parameters.get(path, {})
                found = evaluate(_as_policies(properties), values, template.get("Mappings"))
                same = [r for r in candidates if r["Account"] == account]
                assert any(found == {k: r[k] for k in found} for r in same), (path, account)
        matched = False
        for role in candidates:
            values = {"AWS::Partition": "aws", "AWS::AccountId": role["Account"]}
            values |= parameters.get(path, {})
            found = evaluate(_as_policies(properties), values, template.get("Mappings"))
            expected = {k: role[k] for k in found}
            if found == expected:
                deployed.add((role["Account"], role["RoleName"]))
                matched = True
        assert matched, (path, properties["RoleName"])
        checked += 1
    assert checked > 0
    assert {(r["Account"], r["RoleName"]) for r in written} == deployed


TEMPLATES = ["reference-landing-zone", "logging", "information-security"]


@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_log_bucket_and_key_policies_are_the_same_documents(
    tmp_path: Path, name: str, partition: str
) -> None:
    """Whole documents: the CloudFormation form, its intrinsic functions evaluated, is the
    plain-JSON form byte for byte (same statements, conditions, ARNs, order)."""
    design = load_template(name)
    export_design(design, tmp_path, ["policies", "cloudformation"], partition=partition)
    compared = 0
    for stack in sorted((tmp_path / "cloudformation").glob("log-archive-*.json")):
        template = json.loads(stack.read_text(encoding="utf-8"))
        resources = template["Resources"]
        accounts = {a.id: a for a in design.accounts}
        for bucket in design.log_buckets:
            owner = accounts[bucket.account]
            values = {"AWS::Partition": partition, "AWS::AccountId": owner.aws_account_id or ""}
            logical = next(
                (k for k, r in resources.items()
                 if r["Type"] == "AWS::S3::Bucket"
                 and r["Properties"].get("BucketName") == bucket.name),
                None,
            )  # fmt: skip
            if logical is None:
                continue
            props = resources[logical]["Properties"]
            (policy,) = [
                r["Properties"]["PolicyDocument"]
                for r in resources.values()
                if r["Type"] == "AWS::S3::BucketPolicy"
                and r["Properties"]["Bucket"] == {"Ref": logical}
            ]
            folder = tmp_path / "policies"
            plain = json.loads((folder / "buckets" / f"{bucket.name}-policy.json").read_text())
            assert evaluate(policy, values) == plain, bucket.name
            key_id = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
                "ServerSideEncryptionByDefault"
            ]["KMSMasterKeyID"]
            if isinstance(key_id, dict):  # a key the stack creates
                key = resources[key_id["Fn::GetAtt"][0]]["Properties"]["KeyPolicy"]
                plain_key = json.loads(
                    (folder / "keys" / f"{bucket.name}-key-policy.json").read_text()
                )
                assert evaluate(key, values) == plain_key, bucket.name
            compared += 1
    assert compared == len(design.log_buckets) > 0


# -- service control policies: whole documents --------------------------------------------------
@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_scps_are_the_same_documents_in_both_formats(tmp_path: Path, partition: str) -> None:
    """cloudformation/organization-policies.json creates each SCP of the design with, once its
    Fn::Sub is evaluated, exactly the document policies/scps/ writes for that partition."""
    design = load_template("reference-landing-zone")
    export_design(design, tmp_path, ["policies", "cloudformation"], partition=partition)
    template = json.loads(
        (tmp_path / "cloudformation" / "organization-policies.json").read_text(encoding="utf-8")
    )
    attachments = json.loads(
        (tmp_path / "policies" / "scps" / "attachments.json").read_text(encoding="utf-8")
    )
    written = {
        name
        for target in attachments["Targets"]
        for name in target["Policies"]
        if name != "FullAWSAccess"
    }
    compared = set()
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::Organizations::Policy":
            continue
        name = resource["Properties"]["Name"]
        plain = json.loads(
            (tmp_path / "policies" / "scps" / f"{name.lower()}.json").read_text(encoding="utf-8")
        )
        content = evaluate(resource["Properties"]["Content"], {"AWS::Partition": partition})
        assert content == plain, name
        assert "${" not in json.dumps(plain), name  # no token left for the deployer
        compared.add(name)
    assert compared == written  # every attached SCP, ProtectLogArchive among them
    assert "ProtectLogArchive" in compared
