"""organization-tasks.yml and the templates its update-stacks tasks deploy: one template per role
name (a resource per place the role is deployed, each with its OrganizationBinding) and one per
log bucket. The trust and permission policies, bucket and key policies are designer.artefacts.
policy_set's (the one builder), with its placeholders turned into org-formation references.

A role deployed to an OU or the organization is bound to it (OrganizationalUnit, or Account '*'),
leaving out what designer.core.scope leaves out: the excluded accounts, the trusted account
itself and the management account (bound on its own, IncludeMasterAccount, when a trust is drawn
to it). The reader (read_tasks.py) reads these bindings back as the same scoped trusts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from designer.artefacts.policy_set import (
    BucketPolicies,
    LogKey,
    PolicySet,
    Role,
)
from designer.artefacts.scoping import ExportScopes
from designer.engines.files import ConfigFile
from designer.engines.orgformation import ORGANIZATION_FILE, TASKS_FILE, TEMPLATE_VERSION
from designer.engines.orgformation.refs import LogicalIds, OrganizationIds, SubWriter, camel
from designer.engines.yamlio import Tag, dump_yaml
from designer.model.design import Design
from designer.support.names import safe_name

ROLES_FOLDER = "roles"
LOGS_FOLDER = "log-buckets"


@dataclass
class _Tasks:
    design: Design
    policies: PolicySet
    ids: OrganizationIds
    names: LogicalIds = field(default_factory=lambda: LogicalIds({"Parameters"}))
    tasks: dict[str, Any] = field(default_factory=dict)
    files: list[ConfigFile] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    stacks: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)

    def stack_name(self, text: str) -> str:
        base = safe_name(text, "stack").replace(".", "-").replace("_", "-")[:100].strip("-")
        name, n = base, 2
        while name in self.stacks:
            name, n = f"{base}-{n}", n + 1
        self.stacks.add(name)
        return name

    def path(self, folder: str, stem: str) -> str:
        base = f"{folder}/{safe_name(stem)}"
        found, n = f"{base}.yml", 2
        while found in self.paths:
            found, n = f"{base}-{n}.yml", n + 1
        self.paths.add(found)
        return found


def write_tasks(design: Design, policies: PolicySet, ids: OrganizationIds) -> list[ConfigFile]:
    work = _Tasks(design, policies, ids)
    work.tasks["OrganizationUpdate"] = {
        "Type": "update-organization",
        "Template": f"./{ORGANIZATION_FILE}",
    }
    work.names.taken.add("OrganizationUpdate")
    region = _home_region(design)
    _role_tasks(work, region)
    _bucket_tasks(work, region)
    comments = [
        f"org-formation tasks written by AWS Account Designer from design {design.name}: "
        "org-formation perform-tasks organization-tasks.yml",
        *work.comments,
    ]
    if region is None:
        comments.append(
            "The design names no Region (allowed Regions or the management account's): set "
            "DefaultOrganizationBindingRegion on each update-stacks task before running it."
        )
    text = dump_yaml(work.tasks, comments)
    return [ConfigFile(TASKS_FILE, text, "org-formation tasks (update-stacks)"), *work.files]


def _home_region(design: Design) -> str | None:
    """The Region the stacks go to (IAM is global; the log buckets live there): the first
    allowed Region, else the management account's first, as the policy builder has it."""
    if design.usage_policy.allowed_regions:
        return design.usage_policy.allowed_regions[0]
    management = next(
        (a for a in design.accounts if a.id == design.organization.management_account), None
    )
    return management.regions[0] if management and management.regions else None


def _task(
    work: _Tasks, name: str, template: str, stack: str, region: str | None, writer: SubWriter
) -> None:
    task: dict[str, Any] = {
        "Type": "update-stacks",
        "Template": f"./{template}",
        "StackName": work.stack_name(stack),
    }
    if region is not None:
        task["DefaultOrganizationBindingRegion"] = region
    if writer.parameters:
        task["Parameters"] = dict(writer.parameters)
    work.tasks[work.names.make(name, "")] = task


# -- roles --------------------------------------------------------------------------------------
def _role_tasks(work: _Tasks, region: str | None) -> None:
    by_name: dict[str, list[Role]] = {}
    federated = []
    for role in work.policies.roles:
        if role.federated_only or not _statements(role):
            federated.append(role.name)
            continue
        by_name.setdefault(role.name, []).append(role)
    if federated:
        work.comments.append(
            "Roles only an identity provider signs in to are not written (identity providers "
            "and Identity Center are not org-formation resources): "
            + ", ".join(dict.fromkeys(federated))
            + "."
        )
    for name, roles in by_name.items():
        path = work.path(ROLES_FOLDER, name)
        writer = SubWriter(work.design, work.ids)
        template = _role_template(work, name, roles, writer)
        comments = [f"Cross-account role {name}, from design {work.design.name}."]
        if writer.unknown:
            comments.append(
                "Placeholders left for the deployer (escaped, so they stay literal): "
                + ", ".join(writer.unknown)
            )
        work.files.append(ConfigFile(path, dump_yaml(template, comments), f"Role {name}"))
        _task(work, f"{name}Role", path, f"role-{name}", region, writer)


def _statements(role: Role) -> list[dict[str, Any]]:
    """The trust statements the template writes: federated sign-in needs a provider the
    organization export does not create, so those are left out (the tasks file says so)."""
    return [s for s in role.trust if "Federated" not in s.get("Principal", {})]


def _role_template(work: _Tasks, name: str, roles: list[Role], writer: SubWriter) -> dict[str, Any]:
    bindings: dict[str, Any] = {}
    resources: dict[str, Any] = {}
    local = LogicalIds()
    for role in roles:
        where = _role_label(work, role)
        binding = local.make(where, "Binding")
        bindings[binding] = _role_binding(work, role)
        properties: dict[str, Any] = {
            "RoleName": role.name,
            "AssumeRolePolicyDocument": writer.convert(
                {"Version": "2012-10-17", "Statement": _statements(role)}
            ),
        }
        if role.managed:
            properties["ManagedPolicyArns"] = writer.convert(role.managed)
        if role.inline:
            properties["Policies"] = writer.convert(role.inline)
        properties["MaxSessionDuration"] = role.max_session
        resources[local.make(f"{name}In{where}", "Role")] = {
            "Type": "AWS::IAM::Role",
            "OrganizationBinding": Tag("Ref", binding),
            "Properties": properties,
        }
    return _template(f"Cross-account role {name}", writer, bindings, resources)


def _template(
    description: str, writer: SubWriter, bindings: dict[str, Any], resources: dict[str, Any]
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "AWSTemplateFormatVersion": TEMPLATE_VERSION,
        "Description": description,
    }
    if writer.parameters:
        data["Parameters"] = writer.template_parameters()
    data["OrganizationBindings"] = bindings
    data["Resources"] = resources
    return data


def _role_label(work: _Tasks, role: Role) -> str:
    target = role.key[0]
    if target == work.design.organization.id:
        return "Organization"
    return camel(work.ids.units.get(target) or work.ids.accounts.get(target, "Account"))


def _role_binding(work: _Tasks, role: Role) -> dict[str, Any]:
    """Where the role is deployed: its account, or its scope less what designer.core.scope
    leaves out (the excluded accounts, the trusted account, the management account)."""
    design, ids = work.design, work.ids
    target = role.key[0]
    management = design.organization.management_account
    if role.deployed_to is None:
        if target == management:
            return {"IncludeMasterAccount": True}
        return {"Account": Tag("Ref", ids.accounts[target])}
    scopes = ExportScopes(design)
    binding: dict[str, Any] = (
        {"Account": "*"}
        if target == design.organization.id
        else {"OrganizationalUnit": Tag("Ref", ids.units[target])}
    )
    rels = [
        r
        for r in design.relationships
        if r.kind == "trust"
        and r.target == target
        and r.role_name == role.name
        and tuple(sorted(r.excluded_accounts)) == role.key[2:]
    ]
    skipped: set[str] = set(role.key[2:])
    if rels:
        common = set.intersection(*(set(scopes.stack_set_skipped(r)) for r in rels))
        skipped |= common
        if target != design.organization.id and any(scopes.management_in_scope(r) for r in rels):
            skipped.add(management or "")
    excluded = [Tag("Ref", ids.accounts[a.id]) for a in design.accounts if a.id in skipped]
    if excluded:
        binding["ExcludeAccount"] = excluded
    return binding


# -- log buckets --------------------------------------------------------------------------------
def _bucket_tasks(work: _Tasks, region: str | None) -> None:
    keys = {b.name: key for key in work.policies.keys for b in key.buckets}
    for item in work.policies.buckets:
        bucket = item.bucket
        path = work.path(LOGS_FOLDER, bucket.name)
        writer = SubWriter(work.design, work.ids)
        template = _bucket_template(work, item, keys.get(bucket.name), writer)
        comments = [f"Log bucket {bucket.name}, from design {work.design.name}."]
        if bucket.mfa_delete:
            comments.append(
                "MFA Delete: CloudFormation cannot turn it on; the owner account's root user "
                "enables it (aws s3api put-bucket-versioning --mfa ...). No lifecycle rule is "
                "written: S3 refuses MFA Delete on a bucket that has one."
            )
        if bucket.access_logging:
            comments.append(
                "Server access logging: the design asks for it; this template does not create "
                "the access-log bucket (SSE-S3), so add one and a LoggingConfiguration."
            )
        if writer.unknown:
            comments.append(
                "Placeholders left for the deployer (escaped, so they stay literal): "
                + ", ".join(writer.unknown)
            )
        work.files.append(
            ConfigFile(path, dump_yaml(template, comments), f"Log bucket {bucket.name}")
        )
        _task(work, f"{bucket.name}Bucket", path, f"log-bucket-{bucket.name}", region, writer)


def _bucket_template(
    work: _Tasks, item: BucketPolicies, key: LogKey | None, writer: SubWriter
) -> dict[str, Any]:
    bucket = item.bucket
    owner = bucket.account
    binding: dict[str, Any] = (
        {"IncludeMasterAccount": True}
        if owner == work.design.organization.management_account
        else {"Account": Tag("Ref", work.ids.accounts.get(owner, "UnknownAccount"))}
    )
    properties: dict[str, Any] = {"BucketName": bucket.name}
    if bucket.object_lock is not None:
        properties["ObjectLockEnabled"] = True
        properties["ObjectLockConfiguration"] = {
            "ObjectLockEnabled": "Enabled",
            "Rule": {
                "DefaultRetention": {
                    "Mode": bucket.object_lock.mode.value,
                    "Days": bucket.object_lock.retention_days,
                }
            },
        }
    if bucket.versioning:
        properties["VersioningConfiguration"] = {"Status": "Enabled"}
    resources: dict[str, Any] = {}
    encryption: dict[str, Any] = {"SSEAlgorithm": "AES256"}
    if key is not None and bucket.kms_key:
        key_ref: Any = key.arn
        if key.arn is None:
            resources["LogKey"] = {
                "Type": "AWS::KMS::Key",
                "OrganizationBinding": Tag("Ref", "BucketBinding"),
                "Properties": {
                    "EnableKeyRotation": True,
                    "KeyPolicy": writer.convert(item.key_policy),
                },
            }
            resources["LogKeyAlias"] = {
                "Type": "AWS::KMS::Alias",
                "OrganizationBinding": Tag("Ref", "BucketBinding"),
                "Properties": {"AliasName": key.alias, "TargetKeyId": Tag("Ref", "LogKey")},
            }
            key_ref = Tag("GetAtt", "LogKey.Arn")
        encryption = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_ref}
    properties["BucketEncryption"] = {
        "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": encryption}]
    }
    properties["PublicAccessBlockConfiguration"] = {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    properties["OwnershipControls"] = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    if item.lifecycle is not None:
        properties["LifecycleConfiguration"] = item.lifecycle.cloudformation("ArchiveThenExpire")
    resources["LogBucket"] = {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "OrganizationBinding": Tag("Ref", "BucketBinding"),
        "Properties": properties,
    }
    resources["LogBucketPolicy"] = {
        "Type": "AWS::S3::BucketPolicy",
        "OrganizationBinding": Tag("Ref", "BucketBinding"),
        "Properties": {
            "Bucket": Tag("Ref", "LogBucket"),
            "PolicyDocument": writer.convert(item.bucket_policy),
        },
    }
    return _template(f"Log bucket {bucket.name}", writer, {"BucketBinding": binding}, resources)
