"""The org-formation export's shape, checked against what org-formation accepts (the attribute
lists of its parser: src/parser/model/*-resource.ts, src/parser/validator.ts) and against the
design: logical ids, !Ref links, bindings, and a comment wherever the design cannot say."""

from __future__ import annotations

import re
from typing import Any

import pytest

from benchmarks.synthetic import synthetic_design
from designer.engines.files import ConfigFile
from designer.engines.orgformation.write import write_config
from designer.engines.yamlio import Tag, parse_yaml
from designer.model.design import Design
from designer.model.governance import ServiceControlPolicy
from designer.model.templates import load_template, template_paths

# The properties org-formation's parser accepts on each resource (it refuses any other).
ALLOWED = {
    "OC::ORG::MasterAccount": {
        "RootEmail",
        "AccountName",
        "AccountId",
        "Alias",
        "PartitionAlias",
        "PartitionAccountId",
        "ServiceControlPolicies",
        "Tags",
        "PasswordPolicy",
        "OrganizationAccessRoleName",
        "BuildAccessRoleName",
    },
    "OC::ORG::OrganizationRoot": {
        "ServiceControlPolicies",
        "DefaultOrganizationAccessRoleName",
        "DefaultBuildAccessRoleName",
        "DefaultDevelopmentBuildAccessRoleName",
        "MirrorInPartition",
        "CloseAccountsOnRemoval",
    },
    "OC::ORG::OrganizationalUnit": {
        "OrganizationalUnitName",
        "Accounts",
        "ServiceControlPolicies",
        "OrganizationalUnits",
    },
    "OC::ORG::ServiceControlPolicy": {"PolicyName", "Description", "PolicyDocument", "Tags"},
}
ALLOWED["OC::ORG::Account"] = ALLOWED["OC::ORG::MasterAccount"] | {"SupportLevel"}
TASK_ATTRIBUTES = {
    "Type",
    "Template",
    "StackName",
    "Parameters",
    "DefaultOrganizationBindingRegion",
}
BINDING_ATTRIBUTES = {"Account", "ExcludeAccount", "OrganizationalUnit", "IncludeMasterAccount"}
LOGICAL_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


def _files(design: Design) -> dict[str, Any]:
    return {f.path: parse_yaml(f.text, f.path) for f in write_config(design)}


def _texts(design: Design) -> dict[str, str]:
    return {f.path: f.text for f in write_config(design)}


def _refs(node: Any) -> list[str]:
    if isinstance(node, Tag):
        return [str(node.value)] if node.name == "Ref" else _refs(node.value)
    if isinstance(node, dict):
        return [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


@pytest.mark.parametrize("name", sorted(template_paths()))
def test_organization_resources_are_what_org_formation_accepts(name: str) -> None:
    design = load_template(name)
    files = _files(design)
    data = files["organization.yml"]
    assert data["AWSTemplateFormatVersion"] == "2010-09-09-OC"
    resources = data["Organization"]
    for logical, resource in resources.items():
        assert LOGICAL_ID.match(logical), logical
        assert set(resource) == {"Type", "Properties"}
        assert set(resource["Properties"]) <= ALLOWED[resource["Type"]], logical
    types = [r["Type"] for r in resources.values()]
    assert types.count("OC::ORG::MasterAccount") == 1
    assert types.count("OC::ORG::OrganizationRoot") == 1
    assert types.count("OC::ORG::Account") == len(design.accounts) - 1
    assert types.count("OC::ORG::OrganizationalUnit") == len(design.organizational_units)
    for ref in _refs(resources):
        assert ref in resources, ref  # every !Ref names a resource of the file
    # every account sits in at most one OU, as org-formation requires
    members = [r for res in resources.values() for r in _refs(res["Properties"].get("Accounts"))]
    assert len(members) == len(set(members))


def test_accounts_carry_the_design_fields() -> None:
    design = load_template("reference-landing-zone")
    resources = _files(design)["organization.yml"]["Organization"]
    by_name = {r["Properties"].get("AccountName"): r for r in resources.values()}
    for account in design.accounts:
        properties = by_name[account.name]["Properties"]
        assert properties["AccountId"] == account.aws_account_id  # quoted: a string
        assert properties["RootEmail"] == account.email
        assert properties.get("Tags", {}) == account.tags
    management = by_name["Management"]
    assert management["Type"] == "OC::ORG::MasterAccount"


def test_nesting_and_attachments_follow_the_design() -> None:
    design = load_template("reference-landing-zone")
    resources = _files(design)["organization.yml"]["Organization"]
    names = {
        logical: r["Properties"].get("OrganizationalUnitName") for logical, r in resources.items()
    }
    workloads = next(
        r
        for r in resources.values()
        if r["Properties"].get("OrganizationalUnitName") == "Workloads"
    )
    children = sorted(names[r] for r in _refs(workloads["Properties"]["OrganizationalUnits"]))
    assert children == ["Non-prod", "Prod"]
    root = resources["OrganizationRoot"]["Properties"]["ServiceControlPolicies"]
    assert root[0] == "p-FullAWSAccess"  # AWS managed: named by its policy id
    policy = {logical: r["Properties"].get("PolicyName") for logical, r in resources.items()}
    assert [policy[r] for r in _refs(root)] == [
        "OrganizationGuardrails",
        "ProtectSecurityServices",
        "DenyRootUser",
        "RegionRestriction",
    ]
    document = next(
        r for r in resources.values() if r["Properties"].get("PolicyName") == "DenyIamUsers"
    )
    text = str(document["Properties"]["PolicyDocument"])
    assert "arn:aws:iam::*:role/OrganizationAccountAccessRole" in text  # partition filled in
    assert "${" not in text


def test_logical_ids_unique_and_made_from_names() -> None:
    design = load_template("central-it")
    twin = design.accounts[1].model_copy(update={"id": "6b1f3c2e-0000-4e7b-8c1d-2a3f4b5c6d7e"})
    design.accounts.append(
        twin.model_copy(
            update={"name": twin.name + "!", "email": "twin@example.com", "aws_account_id": None}
        )
    )
    resources = _files(design)["organization.yml"]["Organization"]
    ids = [k for k, r in resources.items() if r["Type"] == "OC::ORG::Account"]
    assert len(ids) == len(set(ids))
    assert design.accounts[1].name == "Central IT"
    assert "CentralITAccount" in ids
    assert "CentralIT2Account" in ids


@pytest.mark.parametrize("name", sorted(template_paths()))
def test_tasks_and_bindings_are_what_org_formation_accepts(name: str) -> None:
    files = _files(load_template(name))
    tasks = files["organization-tasks.yml"]
    assert tasks["OrganizationUpdate"] == {
        "Type": "update-organization",
        "Template": "./organization.yml",
    }
    organization = files["organization.yml"]["Organization"]
    stacks = [t["StackName"] for t in tasks.values() if t["Type"] == "update-stacks"]
    assert len(stacks) == len(set(stacks))
    for task in tasks.values():
        if task["Type"] != "update-stacks":
            continue
        assert set(task) <= TASK_ATTRIBUTES
        template = files[task["Template"].removeprefix("./")]
        assert template["AWSTemplateFormatVersion"] == "2010-09-09-OC"
        for binding in template["OrganizationBindings"].values():
            assert set(binding) <= BINDING_ATTRIBUTES
            assert all(r in organization for r in _refs(binding))
        for resource in template["Resources"].values():
            ref = resource["OrganizationBinding"]
            assert ref.name == "Ref"
            assert ref.value in template["OrganizationBindings"]
        assert set(template.get("Parameters", {})) == set(task.get("Parameters", {}))
        for value in task.get("Parameters", {}).values():
            assert value.value in {"ORG::PrincipalOrgID", "OrganizationRoot"} | set(organization)


def test_scoped_role_bindings_leave_out_what_the_scope_does() -> None:
    files = _files(load_template("reference-landing-zone"))
    audit = files["roles/securityaudit.yml"]["OrganizationBindings"]
    assert audit["OrganizationBinding"]["Account"] == "*"  # every account but the master
    assert _refs(audit["OrganizationBinding"]["ExcludeAccount"]) == ["SecurityToolingAccount"]
    assert audit["MasterAccountBinding"] == {"IncludeMasterAccount": True}
    admin = files["roles/workloadadmin.yml"]["OrganizationBindings"]
    assert _refs(admin) == ["WorkloadsOU"]


def test_trust_policy_is_the_policy_builders() -> None:
    texts = _texts(load_template("reference-landing-zone"))
    role = texts["roles/monitoringvendorreadonly.yml"]
    assert "arn:${AWS::Partition}:iam::578389389050:role/ExampleMonitoringIntegration" in role
    assert "sts:ExternalId: example-corp-7f3a9c2e" in role
    assert "job-function/ViewOnlyAccess" in role  # read-only for a party outside
    audit = texts["roles/securityaudit.yml"]
    assert "${SecurityToolingAccount}:role/aws-reserved/sso.amazonaws.com/" in audit
    assert "aws:PrincipalOrgID: !Sub '${OrganizationId}'" in audit


def test_what_the_design_cannot_say_is_a_comment() -> None:
    design = synthetic_design(2000)
    texts = _texts(design)
    head = texts["organization.yml"].split("AWSTemplateFormatVersion")[0]
    assert "needs AccountId on the MasterAccount" in head
    assert "account purposes" in head
    design.usage_policy = design.usage_policy.model_copy(update={"allowed_regions": []})
    design.accounts = [a.model_copy(update={"regions": []}) for a in design.accounts]
    tasks = _texts(design)["organization-tasks.yml"]
    assert "DefaultOrganizationBindingRegion" not in tasks.split("\n", 3)[-1]
    assert "set DefaultOrganizationBindingRegion" in tasks


def test_aws_managed_scp_without_document_is_a_comment() -> None:
    design = load_template("logging")
    managed = ServiceControlPolicy(name="AWSManagedGuard", aws_managed=True)
    design.service_control_policies.append(managed)
    design.organization = design.organization.model_copy(update={"root_scps": [managed.id]})
    text = _texts(design)["organization.yml"]
    assert "SCP AWSManagedGuard is AWS managed" in text.split("AWSTemplateFormatVersion")[0]
    assert "PolicyName: AWSManagedGuard" not in text


def test_log_bucket_template() -> None:
    design = load_template("logging")
    files: list[ConfigFile] = write_config(design)
    bucket = next(f for f in files if f.path.startswith("log-buckets/") and "cloudtrail" in f.path)
    data = parse_yaml(bucket.text, bucket.path)
    properties = data["Resources"]["LogBucket"]["Properties"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["ObjectLockConfiguration"]["Rule"]["DefaultRetention"] == {
        "Mode": "COMPLIANCE",
        "Days": 365,
    }
    assert "LifecycleConfiguration" not in properties  # S3 refuses it with MFA Delete
    assert "MFA Delete: CloudFormation cannot turn it on" in bucket.text
    encryption = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert data["Resources"]["LogKeyAlias"]["Properties"]["AliasName"] == "alias/cloudtrail-logs"
    owner = design.log_buckets[0].account
    owner_name = next(a.name for a in design.accounts if a.id == owner)
    assert _refs(data["OrganizationBindings"]) == [
        re.sub(r"[^A-Za-z0-9]", "", owner_name) + "Account"
    ]
