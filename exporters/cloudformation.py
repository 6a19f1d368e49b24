"""Export format 'cloudformation': the stacks and StackSets that deploy a design.

Files under cloudformation/ (JSON templates, json.dumps with indent 2, same design -> same bytes):
- log-archive-<account>.json per account owning log buckets: each bucket (versioning, Object Lock
  when chosen, Block Public Access, SSE-KMS, access logging, a lifecycle that moves logs to
  Glacier and expires them after the Object Lock retention), its bucket policy and its key's
  policy exactly as designer.artefacts.policy_set builds them (rendered, never rebuilt here), an
  access-log bucket; MFA Delete has no CloudFormation property and is a manual step in Metadata;
- organization-trail.json (organization-trail-2.json...), in the management account, for each
  CloudTrail delivery whose source is the whole organization, named as policy_set names it;
- flow-logs-<account>.json per network account delivering VPC flow logs: a flow log of one VPC
  (the VpcId Parameter; one stack per VPC) to each archive bucket;
- stacksets/<role>.json, one cross-account role template per role: the body of a service-managed
  StackSet. stacksets.json (stacksets-2.json... past 900 kB or 500 resources) creates every
  StackSet as an AWS::CloudFormation::StackSet from the management account (PermissionModel
  SERVICE_MANAGED, CallAs SELF, auto-deployment, the home Region, the member template as
  TemplateBody or, past 51,200 bytes, a TemplateURL parameter; the member's parameters passed
  through; a StackSet whose role another trusts as its principal deployed first, DependsOn; one
  whose trust names a role of management-account-roles.json in a later template, deployed after
  that stack).
  A trust to an OU or the organization is one StackSet of its own whose target is that OU (or
  the root) with auto-deployment, its excluded accounts filtered out (DIFFERENCE); roles drawn
  account by account are grouped and their OU targets inferred;
- stacksets/logs-<scope>-to-<bucket>.json: the account trail and AWS Config (recorder, delivery
  channel, and the service-linked role unless CreateConfigServiceLinkedRole is false) of every
  account of an OU (or of the organization less some accounts, or the organization's Config), a
  StackSet with auto-deployment: never an organization trail;
- config-<account>.json: AWS Config of an account drawn delivering it, and of the management
  account when it lies in a scoped Config delivery (StackSets never reach it): a stack there;
- ram-shares-<account>.json: AWS RAM resource shares, AllowExternalPrincipals only for a share
  with an external account or a partner organization's accounts;
- management-account-roles.json: roles in the management account (StackSets never deploy there);
- organization-policies.json: the design's own SCPs as AWS::Organizations::Policy, created without
  targets (the deployment plan attaches them after the root-user steps and their trial);
- service-catalog-shares-<account>.json: portfolio shares to accounts (organization and OU shares
  have no CloudFormation resource: their CLI commands are in notes.md);
- notes.md: parameters to fill in, manual steps, what could not be expressed and why.

Unknown values are never invented: planned account ids, the organization id, OU and root ids and
portfolio ids are template Parameters; Metadata and notes.md show them as "${AccountId:<name>}",
"${OrganizationId}", "${OuId:<path>}", "${RootId}" placeholders.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from designer.artefacts.identity_center import identity_center_roles
from designer.artefacts.managed_policies import permission_set_policy
from designer.artefacts.policy_set import (
    ACCESS_LOG_BUCKET,
    ACCOUNT_TRAIL_NAME,
    KMS_KEY_ARN,
    BucketPolicies,
    LogKey,
    PolicySet,
    Role,
    access_log_policy,
    build_policies,
    lifecycle,
    organization_trail_names,
)
from designer.artefacts.scoping import ExportScopes, outside_words
from designer.artefacts.tokens import (
    SAML_AUDIENCE,
    SAML_AUDIENCE_TOKEN,
    TOKEN,
    arn,
    managed_policy,
)
from designer.model.vocabulary import (
    AccountFunction,
    IdentityProviderKind,
    LogType,
    OutsideKind,
    ResourceType,
)
from designer.support.names import account_parts, account_stem
from designer.support.text import neutralise
from exporters import linter_notes
from exporters.base import ExportContext, exporter, safe_name

if TYPE_CHECKING:
    from designer.model.design import Design
    from designer.model.governance import LogBucket, ServiceControlPolicy
    from designer.model.nodes import Account, IdentityProvider, OutsidePrincipal
    from designer.model.relationships import (
        LogDeliveryRelationship,
        ResourceShareRelationship,
        TrustRelationship,
    )

FORMAT = "cloudformation"
FOLDER = "cloudformation"
STACKSETS = f"{FOLDER}/stacksets"
ACCOUNT_PATTERN = "^[0-9]{12}$"
KMS_ARN_PATTERN = "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+$"
IAM_DESCRIPTION = re.compile(r"[^\t\n\r\x20-\x7e\xa1-\xff]+")
# CloudFormation and service quotas worth a note when a generated file goes beyond them.
MAX_PARAMETERS, MAX_RESOURCES, MAX_BODY = 200, 500, 1_000_000

Json = Any  # a JSON value, possibly with CloudFormation intrinsic functions inside


# -- small text helpers ---------------------------------------------------------------------------
def camel(text: str, fallback: str = "X", limit: int = 48) -> str:
    """Letters and digits only ('log archive/prod' -> 'LogArchiveProd'), for logical ids."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z0-9]+", ascii_text)
    return "".join(w[:1].upper() + w[1:] for w in words)[:limit] or fallback


def iam_text(text: str, limit: int = 1000) -> str:
    """Text IAM accepts in a role description (tab, newline, printable Latin-1), trimmed."""
    return IAM_DESCRIPTION.sub(" ", text).strip()[:limit]


def clip(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, cut on a character boundary."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def displayed(text: str) -> str:
    """User text where CloudFormation shows it as is (descriptions, Metadata): a "${" there
    reads as a variable outside Fn::Sub (cfn-lint E1029), so it is split."""
    return text.replace("${", "$ {")


def literal(text: str) -> Json:
    """User text as a resource property, exactly: a "${" in it is split over an Fn::Join."""
    if "${" not in text:
        return text
    parts, rest = [], text
    while "${" in rest:
        cut = rest.index("${") + 1
        parts.append(rest[:cut])
        rest = rest[cut:]
    return {"Fn::Join": ["", [*parts, rest]]}


def displayed_all(node: Json) -> Json:
    if isinstance(node, str):
        return displayed(node)
    if isinstance(node, list):
        return [displayed_all(v) for v in node]
    if isinstance(node, dict):
        return {k: displayed_all(v) for k, v in node.items()}
    return node


def ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def sub(*parts: Json) -> Json:
    """Concatenation of strings, Refs and GetAtts: a plain string when all are strings."""
    if all(isinstance(p, str) for p in parts):
        return "".join(parts)
    return {"Fn::Sub": "".join(map(sub_part, parts))}


def sub_part(part: Json) -> str:
    if isinstance(part, str):
        return part.replace("${", "${!")
    if "Ref" in part:
        return "${" + part["Ref"] + "}"
    return "${" + ".".join(part["Fn::GetAtt"]) + "}"


def unique(values: Iterable[Any]) -> list[Any]:
    """Values in first-seen order without repeats (dict keys keep insertion order)."""
    return list(dict.fromkeys(values))


# -- the design, indexed --------------------------------------------------------------------------
class Index:
    """Lookups the templates need, built once per export (linear in the design)."""

    ROOT = "root"

    def __init__(self, design: Design) -> None:
        self.design = design
        self.org = design.organization
        self.accounts = {a.id: a for a in design.accounts}
        self.outside_principals = {t.id: t for t in design.outside_principals}
        self.idps = {i.id: i for i in design.identity_providers}
        self.ous = {o.id: o for o in design.organizational_units}
        self.buckets = {b.id: b for b in design.log_buckets}
        self.management = self.accounts.get(self.org.management_account or "")
        self.sso_roles = identity_center_roles(design)
        self.scopes = ExportScopes(design)
        self.deliveries: dict[str, list[LogDeliveryRelationship]] = {}
        for rel in design.relationships:
            if rel.kind == "log-delivery" and rel.bucket in self.buckets:
                self.deliveries.setdefault(rel.bucket, []).append(rel)
        self._paths: dict[str, str] = {}
        self.order = {self.ROOT: 0} | {
            o.id: n + 1 for n, o in enumerate(design.organizational_units)
        }
        self.members = self._count_members()

    def name(self, node_id: str) -> str:
        return self.scopes.name(node_id)

    def ou_path(self, ou_id: str) -> str:
        """'Workloads/Prod': the OU's names from the root down."""
        if ou_id not in self._paths:
            unit = self.ous[ou_id]
            parent = f"{self.ou_path(unit.parent)}/" if unit.parent in self.ous else ""
            self._paths[ou_id] = f"{parent}{unit.name}"
        return self._paths[ou_id]

    def containers(self, account: Account) -> list[str]:
        """The account's OUs from its parent up, then the root (OU depth is at most five)."""
        found: list[str] = []
        current = account.parent
        while current in self.ous and current not in found:
            found.append(current)
            current = self.ous[current].parent
        return [*found, self.ROOT]

    def _count_members(self) -> dict[str, int]:
        """Accounts a service-managed StackSet reaches in each OU subtree (management excluded)."""
        counts: dict[str, int] = {}
        for account in self.design.accounts:
            if account is not self.management:
                for container in self.containers(account):
                    counts[container] = counts.get(container, 0) + 1
        return counts

    def parent_container(self, container: str) -> str | None:
        if container == self.ROOT:
            return None
        parent = self.ous[container].parent
        return parent if parent in self.ous else self.ROOT

    @cached_property
    def policies(self) -> PolicySet:
        """Every policy document of the design, as policies/ writes them: the templates render
        these, so the two formats cannot differ."""
        return build_policies(self.design)

    @cached_property
    def policy_roles(self) -> dict[tuple[str, ...], Role]:
        return {role.key: role for role in self.policies.roles}

    @cached_property
    def ou_by_path(self) -> dict[str, str]:
        return {self.ou_path(o): o for o in self.ous}

    @cached_property
    def _by_name(self) -> dict[str, Account]:
        found: dict[str, Account] = {}
        for account in self.design.accounts:
            found.setdefault(account.name, account)
        return found

    def account_named(self, name: str) -> Account | None:
        """The account a placeholder names (the first of that name; None if none)."""
        return self._by_name.get(name)

    def placeholder(self, container: str) -> dict[str, str]:
        if container == self.ROOT:
            return {"name": "Root", "ou_id": "${RootId}"}
        path = self.ou_path(container)
        return {"name": path, "ou_id": f"${{OuId:{path}}}"}


def account_placeholder(node: Account | OutsidePrincipal) -> str:
    return node.aws_account_id or f"${{AccountId:{node.name}}}"


# -- one template ---------------------------------------------------------------------------------
@dataclass
class Template:
    """A CloudFormation template being built; parameters are declared only when used."""

    description: str
    home: Account | None = None  # the account the stack is deployed in, when it is one account
    metadata: dict[str, Json] = field(default_factory=dict)
    parameters: dict[str, Json] = field(default_factory=dict)
    mappings: dict[str, Json] = field(default_factory=dict)
    conditions: dict[str, Json] = field(default_factory=dict)
    resources: dict[str, Json] = field(default_factory=dict)
    outputs: dict[str, Json] = field(default_factory=dict)
    placeholders: dict[str, str] = field(default_factory=dict)  # parameter -> placeholder
    _by_key: dict[tuple[str, str], str] = field(default_factory=dict)
    _ids: set[str] = field(default_factory=set)

    def logical_id(self, prefix: str, name: str = "") -> str:
        base = f"{prefix}{camel(name, fallback='') if name else ''}"[:200]
        candidate, n = base, 2
        while candidate.lower() in self._ids:
            candidate, n = f"{base}{n}", n + 1
        self._ids.add(candidate.lower())
        return candidate

    def output(self, name: str, value: Json, description: str) -> str:
        logical = self.logical_id(name)
        self.outputs[logical] = {"Description": description, "Value": value}
        return logical

    def parameter(
        self, key: tuple[str, str], prefix: str, name: str, spec: dict[str, Json], shown: str
    ) -> dict[str, str]:
        """A Ref to the parameter for `key`, declared on first use."""
        if key not in self._by_key:
            logical = self.logical_id(prefix, name)
            self._by_key[key] = logical
            self.parameters[logical] = {"Type": "String", **spec}
            self.placeholders[logical] = shown
        return ref(self._by_key[key])

    def account_id(self, node: Account | OutsidePrincipal | None, label: str = "") -> Json:
        """The 12-digit id, AWS::AccountId for the stack's own account, else a parameter."""
        if node is not None and node.aws_account_id:
            return node.aws_account_id
        if node is not None and node is self.home:
            return ref("AWS::AccountId")
        name = node.name if node is not None else label
        spec = {
            "Description": f"12-digit AWS account id of {name!r} (not yet known in the design)",
            "AllowedPattern": ACCOUNT_PATTERN,
        }
        key = ("account", node.id if node is not None else label)
        shown = account_placeholder(node) if node is not None else f"${{AccountId:{label}}}"
        return self.parameter(key, "AccountId", name, spec, shown)

    def organization_id(self, ix: Index) -> Json:
        if ix.org.organization_id:
            return ix.org.organization_id
        spec = {
            "Description": "Id of the AWS Organization (o-...)",
            "AllowedPattern": "^o-[a-z0-9]{10,32}$",
        }
        return self.parameter(("org", ""), "OrganizationId", "", spec, "${OrganizationId}")

    def management_id(self, ix: Index) -> Json:
        return self.account_id(ix.management, label="management account")

    def container_id(self, ix: Index, container: str) -> Json:
        """An OU or the root, as a parameter: OU ids are not part of a design."""
        shown = ix.placeholder(container)["ou_id"]
        if container == Index.ROOT:
            spec = {"Description": "Id of the organization root (r-...)",
                    "AllowedPattern": "^r-[0-9a-z]{4,32}$"}  # fmt: skip
            return self.parameter(("root", ""), "RootId", "", spec, shown)
        spec = {
            "Description": f"Id of the OU {ix.ou_path(container)!r} (ou-...)",
            "AllowedPattern": "^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$",
        }
        return self.parameter(("ou", container), "OuId", ix.ou_path(container), spec, shown)

    def as_dict(self) -> dict[str, Json]:
        body: dict[str, Json] = {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": clip(displayed(self.description), 1000),
        }
        outputs = {
            name: {k: displayed(v) if k == "Description" else v for k, v in output.items()}
            for name, output in self.outputs.items()
        }
        for key, part in (
            ("Metadata", displayed_all(self.metadata)),
            ("Parameters", displayed_all(self.parameters)),
            ("Mappings", self.mappings),
            ("Conditions", self.conditions),
            ("Resources", self.resources),
            ("Outputs", outputs),
        ):
            if part:
                body[key] = part
        return body


PARTITION_REF = {"Ref": "AWS::Partition"}
PSEUDO_PARAMETERS = {"AWS::Partition", "AWS::Region", "AWS::AccountId", "AWS::URLSuffix"}


def rendered(t: Template, ix: Index, node: Json) -> Json:
    """An artefact document (designer.artefacts) as this template spells it: each string holding
    a token (designer.artefacts.tokens) becomes an Fn::Sub whose unknown values are Parameters."""
    if isinstance(node, list):
        return [rendered(t, ix, v) for v in node]
    if isinstance(node, dict):
        return {k: rendered(t, ix, v) for k, v in node.items()}
    if not isinstance(node, str) or "${" not in node:
        return node
    whole = TOKEN.fullmatch(node)
    if whole is not None:  # a Ref (or a literal id) rather than an Fn::Sub of one value
        return token_value(t, ix, whole.group(1), node)
    parts: list[Json] = []
    end = 0
    for match in TOKEN.finditer(node):
        parts += [node[end : match.start()], token_value(t, ix, match.group(1), match.group(0))]
        end = match.end()
    return sub(*parts, node[end:])


def token_value(t: Template, ix: Index, token: str, text: str) -> Json:
    """What one token stands for in this template (a token it does not know stays text)."""
    kind, _, name = token.partition(":")
    if token in PSEUDO_PARAMETERS:
        return ref(token)
    if token == "HomeRegion":  # the log and trail stacks are deployed in the home Region
        return ref("AWS::Region")
    if token == "AccountId":  # each account a StackSet reaches
        return ref("AWS::AccountId")
    if text == SAML_AUDIENCE_TOKEN:  # the sign-in endpoint of the stack's partition
        t.mappings["SamlAudience"] = {p: {"Audience": a} for p, a in SAML_AUDIENCE.items()}
        return {"Fn::FindInMap": ["SamlAudience", ref("AWS::Partition"), "Audience"]}
    if token == "OrganizationId":
        return t.organization_id(ix)
    if token == "RootId":
        return t.container_id(ix, Index.ROOT)
    if kind == "OuId" and name in ix.ou_by_path:
        return t.container_id(ix, ix.ou_by_path[name])
    if kind == "AccountId":
        return t.account_id(ix.account_named(name), label=name)
    return text


# -- notes ----------------------------------------------------------------------------------------
class Notes:
    """Sections of notes.md, in a fixed order; empty sections are left out."""

    SECTIONS = (
        "Parameters to fill in",
        "Manual steps",
        "Organization and OU portfolio shares",
        "Not exported",
        "Limits and conflicts",
        linter_notes.SECTION,
    )

    def __init__(self) -> None:
        self.lines: dict[str, list[str]] = {s: [] for s in self.SECTIONS}

    def add(self, section: str, line: str) -> None:
        self.lines[section].append(line)

    def markdown(self, design: Design) -> str:
        out = [
            "# CloudFormation export: notes",
            "",
            f"Design: {md(design.name)}",
            "",
            "Templates are JSON. Deploy IAM templates with CAPABILITY_NAMED_IAM. Deploy the "
            "log-archive stack and the organization trail in the same (home) Region. The "
            "templates in stacksets/ are the bodies of the service-managed StackSets that "
            "stacksets.json creates (deploy it as a stack in the management account, in the "
            "home Region); they never reach the management account, whose roles are in "
            "management-account-roles.json. The SCPs of organization-policies.json are created "
            "without targets: the deployment plan attaches them.",
        ]
        for section in self.SECTIONS:
            if self.lines[section]:
                out += ["", f"## {section}", "", *(f"- {line}" for line in self.lines[section])]
        return "\n".join(out) + "\n"


def account_part(ctx: ExportContext, account: Account) -> str:
    """The account's part of a file name, never shared with another account's
    (designer.support.names.account_parts), worked out once per export. A name that needs no
    suffix stays as it was, so the stem is the one exporters/plan.py gives it."""
    parts = ctx.memo.get("account-parts")
    if parts is None:
        parts = ctx.memo["account-parts"] = account_parts(ctx.design.accounts)
    return account_stem(parts, account.name)


def md(text: str) -> str:
    """User text on one Markdown line, with the characters that format escaped."""
    flat = " ".join(text.split())
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~])", r"\\\1", flat)


def code(text: str) -> str:
    return "`" + " ".join(text.split()).replace("`", "'") + "`"


# -- log-archive stacks ---------------------------------------------------------------------------
@dataclass
class LogStack:
    account: Account
    template: Template
    path: str = ""
    key_outputs: dict[str, str] = field(default_factory=dict)  # bucket id -> output name


def trail_names(ix: Index) -> dict[str, str]:
    """Relationship id -> trail name of each organization trail (policy_set names them, so the
    trail, its bucket policy and its key policy name the same trail)."""
    return organization_trail_names(ix.design)


def encryption(key: Json) -> Json:
    return {
        "ServerSideEncryptionConfiguration": [
            {
                "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
                "BucketKeyEnabled": True,
            }
        ]
    }


PRIVATE = {
    "BlockPublicAcls": True,
    "BlockPublicPolicy": True,
    "IgnorePublicAcls": True,
    "RestrictPublicBuckets": True,
}
OWNER_ENFORCED = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


def bucket_resource(item: BucketPolicies, key: Json, access_logs: tuple[str, str] | None) -> Json:
    """The bucket; access_logs: the access-log bucket and its policy's logical ids."""
    bucket = item.bucket
    props: dict[str, Json] = {"BucketName": bucket.name}
    if bucket.versioning:
        props["VersioningConfiguration"] = {"Status": "Enabled"}
    if bucket.object_lock is not None:
        props["ObjectLockEnabled"] = True
        retention = {
            "Mode": str(bucket.object_lock.mode),
            "Days": bucket.object_lock.retention_days,
        }
        props["ObjectLockConfiguration"] = {
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": retention},
        }
    props["PublicAccessBlockConfiguration"] = PRIVATE
    props["BucketEncryption"] = encryption(key)
    props["OwnershipControls"] = OWNER_ENFORCED
    if item.lifecycle is not None:
        props["LifecycleConfiguration"] = item.lifecycle.cloudformation("ArchiveThenExpire")
    resource: dict[str, Json] = {"Type": "AWS::S3::Bucket", **RETAIN}
    if bucket.access_logging and access_logs is not None:
        props["LoggingConfiguration"] = {
            "DestinationBucketName": ref(access_logs[0]),
            "LogFilePrefix": f"{bucket.name}/",
        }
        resource["DependsOn"] = [access_logs[1]]
    resource["Properties"] = props
    return resource


def access_log_bucket(t: Template, ix: Index, buckets: list[LogBucket]) -> tuple[str, str]:
    """One SSE-S3 bucket (server access logs cannot use SSE-KMS) receiving the stack's logs,
    kept as long as the longest-kept bucket it logs."""
    logical = t.logical_id("AccessLogBucket")
    locks = [b.object_lock.retention_days for b in buckets if b.object_lock is not None]
    kept = lifecycle(max(locks) if locks else None)
    t.resources[logical] = {
        "Type": "AWS::S3::Bucket",
        **RETAIN,
        "Properties": {
            "BucketName": rendered(t, ix, ACCESS_LOG_BUCKET),
            "VersioningConfiguration": {"Status": "Enabled"},
            "PublicAccessBlockConfiguration": PRIVATE,
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            "OwnershipControls": OWNER_ENFORCED,
            "LifecycleConfiguration": kept.cloudformation("ArchiveThenExpire"),
        },
    }
    policy = t.logical_id(f"{logical}Policy")
    t.resources[policy] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": ref(logical),
            "PolicyDocument": rendered(t, ix, access_log_policy([b.name for b in buckets])),
        },
    }
    t.output(f"{logical}Name", ref(logical), "Server access log bucket")
    return logical, policy


def add_key(t: Template, ix: Index, key: LogKey) -> tuple[Json, str]:
    """The key (and its alias) with the policy policy_set builds; returns the KMSMasterKeyID
    value and the output name."""
    if key.arn is not None:
        return key.arn, ""
    assert key.alias is not None
    logical = t.logical_id("LogKey", key.alias.removeprefix("alias/"))
    names = ", ".join(b.name for b in key.buckets)
    t.resources[logical] = {
        "Type": "AWS::KMS::Key",
        **RETAIN,
        "Properties": {
            "Description": f"Encrypts the log buckets {names}"[:8000],
            "EnableKeyRotation": True,
            "KeyPolicy": rendered(t, ix, key.policy),
        },
    }
    t.resources[t.logical_id(f"{logical}Alias")] = {
        "Type": "AWS::KMS::Alias",
        "Properties": {"AliasName": key.alias, "TargetKeyId": ref(logical)},
    }
    arn = {"Fn::GetAtt": [logical, "Arn"]}
    what = f"ARN of {key.alias} (the organization trail's KMSKeyId)"
    return arn, t.output(f"{logical}Arn", arn, what)


def log_stack(ix: Index, account: Account, notes: Notes) -> LogStack:
    items = {b.bucket.id: b for b in ix.policies.buckets}
    keys = [k for k in ix.policies.keys if k.account == account.id]
    buckets = [b for b in ix.design.log_buckets if b.account == account.id]
    t = Template(
        f"Log archive of account {account.name}: log buckets, their bucket policies and KMS keys",
        home=account,
    )
    stack = LogStack(account, t)
    logged = [b for b in buckets if b.access_logging]
    access_logs = access_log_bucket(t, ix, logged) if logged else None
    for key in keys:
        key_id, output = add_key(t, ix, key)
        for bucket in key.buckets:
            stack.key_outputs[bucket.id] = output
            logical = t.logical_id("LogBucket", bucket.name)
            t.resources[logical] = bucket_resource(items[bucket.id], key_id, access_logs)
            t.resources[t.logical_id(f"{logical}Policy")] = {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": ref(logical),
                    "PolicyDocument": rendered(t, ix, items[bucket.id].bucket_policy),
                },
            }
            t.output(f"{logical}Arn", {"Fn::GetAtt": [logical, "Arn"]}, f"ARN of {bucket.name}")
    manual_bucket_steps(t, account, buckets, notes)
    return stack


def manual_bucket_steps(
    t: Template, account: Account, buckets: list[LogBucket], notes: Notes
) -> None:
    steps: list[tuple[str, str]] = []  # what, and the command that does it ("" if none)
    for bucket in buckets:
        if bucket.mfa_delete:
            steps.append(
                (
                    f"MFA Delete on {bucket.name} has no CloudFormation property: the root user "
                    f"of {account.name} enables it with the root MFA device",
                    f"aws s3api put-bucket-versioning --bucket {bucket.name} "
                    "--versioning-configuration Status=Enabled,MFADelete=Enabled "
                    '--mfa "<root MFA device ARN> <code>"',
                )
            )
        if bucket.glacier_vault_lock:
            steps.append(
                (
                    f"Glacier Vault Lock for {bucket.name} is not deployable by CloudFormation: "
                    "InitiateVaultLock, then CompleteVaultLock within 24 hours (irreversible)",
                    "",
                )
            )
        if bucket.kms_key and KMS_KEY_ARN.match(bucket.kms_key):
            steps.append(
                (
                    f"{bucket.name} uses the existing key {bucket.kms_key}, which this stack does "
                    "not manage: its key policy must let the log services use it",
                    "",
                )
            )
    if steps:
        t.metadata["ManualSteps"] = [f"{what}: {cmd}" if cmd else what for what, cmd in steps]
        for what, cmd in steps:
            notes.add("Manual steps", f"{md(what)}: {code(cmd)}" if cmd else md(what))


# -- organization trail ---------------------------------------------------------------------------
def trail_stack(
    ix: Index, rel: LogDeliveryRelationship, name: str, logs: dict[str, LogStack]
) -> Template:
    """The organization trail: created in the management account, for every account."""
    bucket = ix.buckets[rel.bucket or ""]
    owner = ix.management
    t = Template(
        f"Organization trail {name} of {ix.org.name}, delivered to {bucket.name}; deploy in "
        f"{owner.name if owner else 'the management account'} in the log-archive stack's Region",
        home=owner,
    )
    key = trail_key(t, ix, bucket, logs)
    trail = t.logical_id("OrganizationTrail")
    t.resources[trail] = {
        "Type": "AWS::CloudTrail::Trail",
        "Properties": {
            "TrailName": name,
            "IsLogging": True,
            "IsOrganizationTrail": True,
            "IsMultiRegionTrail": rel.multi_region,
            "IncludeGlobalServiceEvents": True,
            "EnableLogFileValidation": rel.log_file_validation,
            "S3BucketName": bucket.name,
            "KMSKeyId": key,
        },
    }
    t.output("TrailArn", {"Fn::GetAtt": [trail, "Arn"]}, f"ARN of trail {name}")
    t.metadata["Prerequisites"] = [
        "Trusted access for CloudTrail is enabled in the organization (aws organizations "
        "enable-aws-service-access --service-principal cloudtrail.amazonaws.com)",
        f"The log-archive stack with bucket {bucket.name} and its bucket policy exists",
    ]
    return t


def trail_key(t: Template, ix: Index, bucket: LogBucket, logs: dict[str, LogStack]) -> Json:
    """A parameter for the ARN of the key that encrypts the bucket (an output of its stack)."""
    stack = logs.get(bucket.account)
    where = (
        f"output {stack.key_outputs.get(bucket.id)} of {stack.path}"
        if stack is not None and stack.key_outputs.get(bucket.id)
        else "the log bucket's key"
    )
    spec: dict[str, Json] = {
        "Description": f"ARN of the KMS key that encrypts {bucket.name} ({where})",
        "AllowedPattern": KMS_ARN_PATTERN,
    }
    if bucket.kms_key and KMS_KEY_ARN.match(bucket.kms_key):
        spec["Default"] = bucket.kms_key
    return t.parameter(("kms", bucket.id), "KMSKeyId", "", spec, f"${{KMSKeyId:{bucket.name}}}")


# -- VPC flow logs of a network account ----------------------------------------------------------
def flow_log_template(ix: Index, account: Account, rels: list[LogDeliveryRelationship]) -> Template:
    """Flow logs of one VPC (a Parameter) to each archive bucket the account delivers to, as the
    bucket policy admits them (VPC User Guide, "Publish flow logs to Amazon S3": the log delivery
    service writes under AWSLogs/<account>/, encrypted by the bucket's default key)."""
    names = ", ".join(dict.fromkeys(ix.buckets[r.bucket or ""].name for r in rels))
    t = Template(
        f"VPC flow logs of {account.name} delivered to {names}; deploy in {account.name}, one "
        "stack per VPC",
        home=account,
    )
    t.parameters["VpcId"] = {"Type": "AWS::EC2::VPC::Id", "Description": "The VPC to log"}
    for bucket_id in dict.fromkeys(r.bucket or "" for r in rels):
        bucket = ix.buckets[bucket_id]
        logical = t.logical_id("FlowLog", bucket.name)
        t.resources[logical] = {
            "Type": "AWS::EC2::FlowLog",
            "Properties": {
                "ResourceId": ref("VpcId"),
                "ResourceType": "VPC",
                "TrafficType": "ALL",
                "LogDestinationType": "s3",
                "LogDestination": rendered(t, ix, arn("s3", bucket.name)),
                "MaxAggregationInterval": 600,
            },
        }
        t.output(f"{logical}Id", ref(logical), f"Flow log of the VPC to {bucket.name}")
    t.metadata["Prerequisites"] = [
        f"The log-archive stack with bucket {names} and its bucket policy exists, admitting "
        f"the log delivery service for {account.name}"
    ]
    return t


# -- log sources of every account of an OU (a StackSet) -------------------------------------------
# What a StackSet sets up in each account of a scoped delivery (the organization trail covers
# CloudTrail for the whole organization); other log types need per-resource settings.
STACKSET_LOG_TYPES = (LogType.CLOUDTRAIL, LogType.CONFIG)


def delivery_parts(ix: Index, rel: LogDeliveryRelationship) -> list[LogType]:
    """The log types of a scoped delivery that a StackSet deploys to its accounts."""
    if not ix.scopes.is_scope(rel.source) or rel.bucket not in ix.buckets:
        return []
    org_trail = ix.scopes.organization_wide(rel)
    return [
        t
        for t in STACKSET_LOG_TYPES
        if t in rel.log_types and not (t == LogType.CLOUDTRAIL and org_trail)
    ]


def delivery_stem(ix: Index, rel: LogDeliveryRelationship) -> str:
    return f"logs-{ix.scopes.label(rel.source)}-to-{ix.buckets[rel.bucket or ''].name}"


def config_recorder(t: Template) -> str:
    """The recorder of every supported resource type, run by AWS Config's service-linked role,
    which the template creates unless the account has it already (a parameter): AWS Config
    Developer Guide, "Using service-linked roles for AWS Config"."""
    t.parameters["CreateConfigServiceLinkedRole"] = {
        "Type": "String",
        "AllowedValues": ["true", "false"],
        "Default": "true",
        "Description": "false where the account already has AWSServiceRoleForConfig",
    }
    t.conditions["CreateConfigRole"] = {
        "Fn::Equals": [ref("CreateConfigServiceLinkedRole"), "true"]
    }
    role = t.logical_id("ConfigServiceLinkedRole")
    t.resources[role] = {
        "Type": "AWS::IAM::ServiceLinkedRole",
        "Condition": "CreateConfigRole",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {"AWSServiceName": "config.amazonaws.com"},
    }
    prefix = (
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/config.amazonaws.com/"
    )
    recorder = t.logical_id("ConfigRecorder")
    t.resources[recorder] = {
        "Type": "AWS::Config::ConfigurationRecorder",
        "Properties": {
            "RoleARN": {
                "Fn::If": [
                    "CreateConfigRole",
                    {"Fn::Sub": prefix + "${" + role + "}"},
                    {"Fn::Sub": prefix + "AWSServiceRoleForConfig"},
                ]
            },
            "RecordingGroup": {"AllSupported": True, "IncludeGlobalResourceTypes": True},
        },
    }
    return recorder


def config_delivery(t: Template, bucket: LogBucket, key: Json) -> None:
    """The recorder (with its service-linked role) and the delivery channel to the bucket."""
    recorder = config_recorder(t)
    t.resources[t.logical_id("ConfigDeliveryChannel")] = {
        "Type": "AWS::Config::DeliveryChannel",
        "DependsOn": [recorder],
        "Properties": {"S3BucketName": bucket.name, "S3KmsKeyArn": key},
    }


def config_stacks(out: Output, ix: Index, logs: dict[str, LogStack]) -> None:
    """config-<account>.json for each account drawn delivering AWS Config (a scoped delivery is
    a StackSet), and for the management account when a scoped delivery's StackSet would cover it
    but cannot reach it: deployed as a stack in that account. AWS Config takes one recorder and one
    delivery channel per account and Region, so an account gets one, to its first bucket."""
    by_stack_set = {
        a
        for rels in ix.deliveries.values()
        for r in rels
        if LogType.CONFIG in delivery_parts(ix, r)
        for a in ix.scopes.stack_set_accounts(r)
    }
    first: dict[str, LogDeliveryRelationship] = {}
    for rels in ix.deliveries.values():
        for rel in rels:
            if LogType.CONFIG in rel.log_types and rel.source in ix.accounts:
                if rel.source in by_stack_set or rel.source in first:
                    where = md(ix.accounts[rel.source].name)
                    out.notes.add(
                        "Limits and conflicts",
                        f"AWS Config of {where} is already set up (one recorder and delivery "
                        f"channel per account and Region): its delivery to "
                        f"{md(ix.buckets[rel.bucket or ''].name)} is not exported again",
                    )
                    continue
                first[rel.source] = rel
    if ix.management is not None and ix.management.id not in first:
        for rels in ix.deliveries.values():
            for rel in rels:  # StackSets never reach the management account: a stack of its own
                if LogType.CONFIG in delivery_parts(ix, rel) and ix.scopes.management_in_scope(rel):
                    first.setdefault(ix.management.id, rel)
    for account in ix.design.accounts:
        chosen = first.get(account.id)
        if chosen is None:
            continue
        bucket = ix.buckets[chosen.bucket or ""]
        t = Template(
            f"AWS Config of {account.name} delivering to {bucket.name}; deploy as a stack in "
            f"{account.name}, in the home Region",
            home=account,
        )
        config_delivery(t, bucket, trail_key(t, ix, bucket, logs))
        t.metadata["Prerequisites"] = [
            f"The log-archive stack with bucket {bucket.name} and its bucket policy exists",
            "Where the AWS Config service-linked role exists already, deploy with "
            "CreateConfigServiceLinkedRole=false",
        ]
        path = out.ctx.unique_path(FOLDER, f"config-{account_part(out.ctx, account)}", ".json")
        out.add(path, t, f"AWS Config recorder and delivery channel of {account.name}")


def delivery_template(
    ix: Index, rel: LogDeliveryRelationship, parts: list[LogType], logs: dict[str, LogStack]
) -> Template:
    """An account trail and / or the AWS Config recorder of one account, delivering to the
    bucket: a service-managed StackSet deploys it to every account of the OU, future ones
    included. Never an organization trail."""
    bucket = ix.buckets[rel.bucket or ""]
    words = ix.scopes.scope_words(rel.source, rel.excluded_accounts)
    labels = " and ".join(
        "an account trail" if p == LogType.CLOUDTRAIL else "AWS Config" for p in parts
    )
    t = Template(
        f"{labels[:1].upper()}{labels[1:]} delivering to {bucket.name}; one service-managed "
        f"StackSet deploys it to {words}; see cloudformation/stacksets.json"
    )
    key = trail_key(t, ix, bucket, logs)
    if LogType.CLOUDTRAIL in parts:
        trail = t.logical_id("AccountTrail")
        t.resources[trail] = {
            "Type": "AWS::CloudTrail::Trail",
            "Properties": {
                "TrailName": ACCOUNT_TRAIL_NAME,
                "IsLogging": True,
                "IsOrganizationTrail": False,
                "IsMultiRegionTrail": rel.multi_region,
                "IncludeGlobalServiceEvents": True,
                "EnableLogFileValidation": rel.log_file_validation,
                "S3BucketName": bucket.name,
                "KMSKeyId": key,
            },
        }
        t.output("TrailArn", {"Fn::GetAtt": [trail, "Arn"]}, "ARN of the account trail")
    if LogType.CONFIG in parts:
        config_delivery(t, bucket, key)
    t.metadata["Prerequisites"] = [
        f"The log-archive stack with bucket {bucket.name} and its bucket policy exists, "
        "admitting each account of the scope",
        *(
            ["Where the AWS Config service-linked role exists already, set the instance's "
             "CreateConfigServiceLinkedRole parameter to false"]
            if LogType.CONFIG in parts
            else []
        ),
    ]  # fmt: skip
    return t


def delivery_entry(ix: Index, rel: LogDeliveryRelationship, path: str, t: Template) -> Json:
    return {
        "template": path,
        "stack_set_name": stack_set_name(path, ""),
        "log_types": [str(p) for p in delivery_parts(ix, rel)],
        "scope": ix.scopes.scope_words(rel.source, rel.excluded_accounts),
        "permission_model": "SERVICE_MANAGED",
        "capabilities": capabilities(t),
        "auto_deployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False},
        "parameters": dict(t.placeholders),
        "deployment_targets": [d.described(ix) for d in delivery_targets(ix, rel)],
        "accounts": [account_ref(ix.accounts[a]) for a in ix.scopes.stack_set_accounts(rel)],
    }


def delivery_targets(ix: Index, rel: LogDeliveryRelationship) -> list[Targets]:
    skipped = [
        a for a in ix.scopes.excluded_in_scope(rel, rel.source) if a != ix.org.management_account
    ]
    return scope_targets(ix, rel.source, skipped)


def delivery_stacks(
    ix: Index, logs: dict[str, LogStack], notes: Notes, path_of: Callable[[str], str]
) -> list[StackSetSpec]:
    """A StackSet per delivery from an OU (or the organization less some accounts, or the
    organization's AWS Config): its member template and targets."""
    specs = []
    for rel in ix.design.relationships:
        if rel.kind != "log-delivery":
            continue
        parts = delivery_parts(ix, rel)
        rest = [
            str(t)
            for t in rel.log_types
            if t not in parts and not (t == LogType.CLOUDTRAIL and ix.scopes.organization_wide(rel))
        ]
        words = ix.scopes.scope_words(rel.source, rel.excluded_accounts)
        if ix.scopes.is_scope(rel.source) and rest:
            notes.add(
                "Not exported",
                f"{md(', '.join(rest))} of {md(words)}: set up per resource in each account "
                "(the bucket policy admits them)",
            )
        if not parts:
            continue
        t = delivery_template(ix, rel, parts, logs)
        path = path_of(delivery_stem(ix, rel))
        entry = delivery_entry(ix, rel, path, t)
        purpose = f"Log sources of {ix.scopes.label(rel.source)}: the body of a StackSet"
        specs.append(StackSetSpec(path, t, entry, delivery_targets(ix, rel), [rel.id], purpose))
        if ix.scopes.management_in_scope(rel):
            stacked = [t for t in parts if t != LogType.CONFIG]  # Config: config-<management>
            if stacked:
                notes.add(
                    "Manual steps",
                    f"The management account lies in {md(ix.scopes.short(rel.source))}, but "
                    f"StackSets never deploy there: deploy {code(path)} as a stack in it for its "
                    f"{md(', '.join(map(str, stacked)))}",
                )
    return specs


# -- cross-account roles --------------------------------------------------------------------------
def role_key(rel: TrustRelationship) -> tuple[Any, ...]:
    """Trusts that give the same role: one template, deployed to all their accounts.

    Every field but the id, the target and the purpose counts, so a field added to trusts later
    (a condition, say) can never be lost by merging two trusts that differ in it. A trust whose
    target is an OU or the organization is a StackSet of its own: it is never merged with
    look-alike roles drawn account by account."""
    fields = rel.model_dump(mode="json", exclude={"id", "target", "purpose"})
    return tuple(
        sorted((name, json.dumps(value, sort_keys=True)) for name, value in fields.items())
    )


@dataclass
class RoleGroup:
    trust: TrustRelationship  # the first trust of the group, in design order
    accounts: list[str] = field(default_factory=list)
    scope: str | None = None  # the OU (or organization) id a scoped trust deploys the role to
    trusts: list[str] = field(default_factory=list)  # ids of every trust in the group


def provider_note(ix: Index, rel: TrustRelationship, notes: Notes) -> None:
    """A federated principal names an IAM identity provider that must exist in the account."""
    idp = ix.idps.get(rel.source)
    if idp is None:
        return
    provider_steps(ix, idp, rel.role_name, notes)


def provider_steps(ix: Index, idp: IdentityProvider, role: str, notes: Notes) -> None:
    """The IAM provider a federated trust names, or the Directory Service console mapping (no
    API, CLI or CloudFormation resource assigns directory users to a role)."""
    if idp.kind in (IdentityProviderKind.SAML, IdentityProviderKind.OIDC):
        saml = idp.kind == IdentityProviderKind.SAML
        name = safe_name(idp.name, "saml-provider") if saml else idp.metadata_url
        notes.add(
            "Manual steps",
            f"Create the IAM {idp.kind.value.upper()} provider {md(name)} ({md(idp.name)}) in "
            f"every account that receives role {code(role)}, before deploying the role",
        )
    elif idp.kind == IdentityProviderKind.DIRECTORY_SERVICE:
        notes.add(
            "Manual steps",
            f"Directory {md(idp.name)}: in the AWS Directory Service console open the "
            "directory, Application management, AWS Management Console: Actions, Enable; "
            f"under Delegate console access choose role {code(role)}, Add, and pick the "
            "directory users or groups it is for (no API, CLI or CloudFormation resource does "
            "this; nested groups are not honoured)",
        )


def generalized(node: Json, account: str) -> Json:
    """A role document of one account as the template of every account of its StackSet group:
    the account's own id where the role names its own account (its IAM identity providers, the
    aws:SourceAccount of a service or directory) becomes each account's id."""
    if isinstance(node, list):
        return [generalized(v, account) for v in node]
    if isinstance(node, dict):
        found = {k: generalized(v, account) for k, v in node.items()}
        federated = found.get("Federated")
        if isinstance(federated, str):
            found["Federated"] = federated.replace(f"::{account}:", "::${AccountId}:")
        if found.get("aws:SourceAccount") == account:
            found["aws:SourceAccount"] = "${AccountId}"
        return found
    return node


def policy_role(ix: Index, rel: TrustRelationship, account: str | None = None) -> Role | None:
    """The role policy_set builds for a trust (in `account`, its first target account)."""
    if ix.scopes.is_scope(rel.target):
        return ix.policy_roles.get((rel.target, rel.role_name, *sorted(rel.excluded_accounts)))
    return ix.policy_roles.get((account or rel.target, rel.role_name))


def role_properties(t: Template, ix: Index, role: Role, description: str) -> Json:
    """AWS::IAM::Role properties: the trust and permission policies exactly as policy_set builds
    them (policies/roles/), spelt for this template."""
    document = role.document()
    if role.deployed_to is None:
        document = generalized(document, role.account)
    props: dict[str, Json] = {
        "RoleName": role.name,
        "Description": literal(iam_text(description)),
        "AssumeRolePolicyDocument": rendered(t, ix, document["TrustPolicy"]),
    }
    if role.managed:
        props["ManagedPolicyArns"] = rendered(t, ix, document["ManagedPolicyArns"])
    if role.inline:
        props["Policies"] = rendered(t, ix, document["InlinePolicies"])
    props["MaxSessionDuration"] = role.max_session
    return props


def role_resource(
    t: Template, ix: Index, rel: TrustRelationship, account: str | None = None
) -> Json | str:
    """The AWS::IAM::Role of a trust, or the reason it cannot be expressed."""
    role = policy_role(ix, rel, account)
    idp = ix.idps.get(rel.source)
    if idp is not None and idp.kind == IdentityProviderKind.IDENTITY_CENTER:
        return (
            f"IAM Identity Center grants access through permission sets, not roles "
            f"({idp.name!r}: see identity-center.json)"
        )
    if role is None:
        return "the policies export writes no role for it (see policies/notes.md)"
    purpose = iam_text(rel.purpose) or f"{rel.access_level} access for {ix.name(rel.source)}"
    return {"Type": "AWS::IAM::Role", "Properties": role_properties(t, ix, role, purpose)}


def role_shape(ix: Index, rel: TrustRelationship) -> str | None:
    """The role a per-account trust gives its account, as every account of a StackSet would get
    it (policy_set's document, generalized); None when policy_set writes none."""
    role = policy_role(ix, rel)
    if role is None:
        return None
    document = generalized(role.document(), role.account)
    return json.dumps({k: v for k, v in document.items() if k != "Account"}, sort_keys=True)


def role_groups(ix: Index, notes: Notes) -> tuple[list[RoleGroup], list[TrustRelationship]]:
    """StackSet role groups (management account left out) and the management account's trusts.

    A trust to an OU or the organization is one group of its own: one StackSet whose target is
    that OU (or the root) with auto-deployment (trusts into the same role of the same scope, one
    role in policies/, share it). Trusts drawn account by account are grouped by the role they
    give each account (policy_set's document: several trusts into one role of an account are one
    role there) and their OU targets inferred (deployments)."""
    groups: dict[tuple[Any, ...], RoleGroup] = {}
    management: dict[tuple[Any, ...], TrustRelationship] = {}
    for rel in ix.design.relationships:
        if rel.kind != "trust":
            continue
        blocked = ix.scopes.blocked_trust(rel)
        if blocked is not None:
            notes.add("Not exported", f"{md(blocked.what)}: {md(blocked.why)}")
            continue
        if ix.scopes.is_scope(rel.target):
            accounts = list(ix.scopes.stack_set_accounts(rel))
            scope_key = ("scope", rel.target, rel.role_name, *sorted(rel.excluded_accounts))
            if scope_key in groups:
                groups[scope_key].trusts.append(rel.id)
                continue
            group = RoleGroup(rel, accounts, scope=rel.target, trusts=[rel.id])
            groups[scope_key] = group
            if ix.scopes.management_in_scope(rel):
                notes.add(
                    "Limits and conflicts",
                    f"role {code(rel.role_name)}: the management account "
                    f"{md(ix.management.name if ix.management else '')} lies in "
                    f"{md(ix.scopes.short(rel.target))}, but service-managed StackSets never "
                    "deploy there; draw a trust to it if it needs the role",
                )
            continue
        if rel.target not in ix.accounts:
            continue
        shape = role_shape(ix, rel)
        key = ("role", rel.role_name, shape) if shape is not None else role_key(rel)
        if ix.management is not None and rel.target == ix.management.id:
            management.setdefault(key, rel)
            continue
        group = groups.setdefault(key, RoleGroup(rel))
        if rel.target not in group.accounts:
            group.accounts.append(rel.target)
        group.trusts.append(rel.id)
    report_role_conflicts(ix, list(groups.values()), list(management.values()), notes)
    return list(groups.values()), list(management.values())


def report_role_conflicts(
    ix: Index, groups: list[RoleGroup], management: list[TrustRelationship], notes: Notes
) -> None:
    """IAM role names are unique per account: two different roles of one name cannot coexist."""
    seen: dict[tuple[str, str], int] = {}
    placed = [(g.trust.role_name, a) for g in groups for a in g.accounts]
    placed += [(rel.role_name, rel.target) for rel in management]
    for role, account in placed:
        seen[(role, account)] = seen.get((role, account), 0) + 1
    for (role, account), count in seen.items():
        if count > 1:
            notes.add(
                "Limits and conflicts",
                f"{count} different trusts create role {code(role)} in account "
                f"{md(ix.name(account))}: IAM role names are unique per account, so only one "
                "can be deployed; merge the trusts or rename a role",
            )


@dataclass
class Targets:
    """One StackInstancesGroup of a service-managed StackSet: OUs (or the root) and an account
    filter (NONE, INTERSECTION or DIFFERENCE) with its accounts."""

    containers: list[str]
    filter: str
    accounts: list[str] = field(default_factory=list)

    def described(self, ix: Index) -> Json:
        """By name and placeholder, for people and the resource's Metadata."""
        found: dict[str, Json] = {
            "organizational_units": [ix.placeholder(c) for c in self.containers],
            "account_filter_type": self.filter,
        }
        if self.accounts:
            found["accounts"] = [account_ref(ix.accounts[a]) for a in self.accounts]
        return found

    def resource(self, t: Template, ix: Index) -> Json:
        """DeploymentTargets: OU, root and planned account ids are parameters of `t`."""
        found: dict[str, Json] = {
            "OrganizationalUnitIds": [
                shared_parameter(t, ix.placeholder(c)["ou_id"]) or t.container_id(ix, c)
                for c in self.containers
            ],
        }
        if self.filter != "NONE":
            found["AccountFilterType"] = self.filter
            found["Accounts"] = [
                shared_parameter(t, account_placeholder(ix.accounts[a]))
                or t.account_id(ix.accounts[a])
                for a in self.accounts
            ]
        return found


def shared_parameter(t: Template, shown: str) -> Json | None:
    """A Ref to the parameter of `t` already standing for the placeholder `shown`, if any."""
    for logical, placeholder in t.placeholders.items():
        if placeholder == shown:
            return ref(logical)
    return None


def deployments(ix: Index, accounts: list[str]) -> list[Targets]:
    """Service-managed StackSet targets: whole OUs where every account gets the role, else the
    account's OU with an INTERSECTION account filter."""
    counts: dict[str, int] = {}
    for account_id in accounts:
        for container in ix.containers(ix.accounts[account_id]):
            counts[container] = counts.get(container, 0) + 1
    full = {c for c, n in counts.items() if n == ix.members.get(c)}
    chosen = sorted(
        (c for c in full if ix.parent_container(c) not in full), key=lambda c: ix.order[c]
    )
    picked = set(chosen)
    rest = [a for a in accounts if picked.isdisjoint(ix.containers(ix.accounts[a]))]
    found: list[Targets] = []
    if chosen:
        found.append(Targets(chosen, "NONE"))
    if rest:
        parents = unique(ix.containers(ix.accounts[a])[0] for a in rest)
        found.append(
            Targets(sorted(parents, key=lambda c: ix.order[c]), "INTERSECTION", list(rest))
        )
    return found


def account_ref(account: Account) -> dict[str, str]:
    return {"name": account.name, "account_id": account_placeholder(account)}


def role_template(ix: Index, group: RoleGroup, notes: Notes) -> Template | None:
    rel = group.trust
    where = "the body of a service-managed StackSet (cloudformation/stacksets.json)"
    if group.scope is not None:
        where = (
            "one service-managed StackSet with auto-deployment deploys it to "
            f"{ix.scopes.scope_words(group.scope, rel.excluded_accounts)}; see "
            "cloudformation/stacksets.json"
        )
    t = Template(
        f"Cross-account role {rel.role_name} ({rel.access_level}) trusted by "
        f"{ix.name(rel.source)}; {where}"
    )
    first = group.accounts[0] if group.scope is None and group.accounts else None
    resource = role_resource(t, ix, rel, first)
    if isinstance(resource, str):
        notes.add("Not exported", f"role {code(rel.role_name)}: {md(resource)}")
        return None
    role = t.logical_id("Role")
    t.resources[role] = resource
    provider_note(ix, rel, notes)
    t.output("RoleArn", {"Fn::GetAtt": [role, "Arn"]}, f"ARN of role {rel.role_name}")
    return t


def stack_set_name(path: str, prefix: str = "role-") -> str:
    """role-<file stem>: StackSet names take letters, digits and hyphens only."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".json")
    return prefix + "-".join(re.findall(r"[A-Za-z0-9]+", stem))[:120]


def scope_targets(ix: Index, scope: str, skipped: list[str]) -> list[Targets]:
    """The one OU (or the root) of a scoped relationship, less the accounts it skips."""
    container = Index.ROOT if scope == ix.org.id else scope
    return [Targets([container], "DIFFERENCE" if skipped else "NONE", list(skipped))]


@dataclass
class StackSetSpec:
    """One service-managed StackSet: its member template (the body) and where it goes."""

    path: str  # the member template's file
    template: Template
    entry: dict[str, Json]  # what it deploys where, in words: the resource's Metadata
    targets: list[Targets]
    relationships: list[str]
    purpose: str
    group: RoleGroup | None = None  # for a role StackSet
    depends_on: list[int] = field(default_factory=list)  # indexes of StackSets to deploy first
    phase: int = 0  # 1: after the management account's roles stack


def stack_set_entry(ix: Index, group: RoleGroup, path: str, t: Template, notes: Notes) -> Json:
    rel = group.trust
    if group.scope is not None:
        targets = scope_targets(ix, group.scope, ix.scopes.stack_set_skipped(rel))
        automatic = True
    else:
        targets = deployments(ix, group.accounts)
        automatic = all(d.filter == "NONE" for d in targets)
        if not automatic:
            notes.add(
                "Limits and conflicts",
                f"{code(path)}: auto-deployment is off because the role goes to some accounts "
                "of an OU only (account filter); add new accounts to its stack instances "
                "yourself",
            )
    entry: dict[str, Json] = {
        "template": path,
        "stack_set_name": stack_set_name(path),
        "role_name": rel.role_name,
        "access_level": str(rel.access_level),
        "trusted": ix.name(rel.source),
    }
    if group.scope is not None:
        entry["scope"] = ix.scopes.scope_words(group.scope, rel.excluded_accounts)
    return entry | {
        "permission_model": "SERVICE_MANAGED",
        "capabilities": ["CAPABILITY_NAMED_IAM"],
        # Auto-deployment would also reach new accounts of an OU named for an INTERSECTION
        # filter; a scope means every account of it, future ones included.
        "auto_deployment": {"Enabled": automatic, "RetainStacksOnAccountRemoval": False},
        "parameters": dict(t.placeholders),
        "deployment_targets": [d.described(ix) for d in targets],
        "accounts": [account_ref(ix.accounts[a]) for a in group.accounts],
    }


def management_roles(ix: Index, trusts: list[TrustRelationship], notes: Notes) -> Template | None:
    if not trusts or ix.management is None:
        return None
    t = Template(
        f"Cross-account roles in the management account {ix.management.name} (service-managed "
        "StackSets never deploy there); deploy as a stack in that account",
        home=ix.management,
    )
    for rel in trusts:
        resource = role_resource(t, ix, rel)
        if isinstance(resource, str):
            notes.add("Not exported", f"role {code(rel.role_name)}: {md(resource)}")
            continue
        logical = t.logical_id("Role", rel.role_name)
        t.resources[logical] = resource
        provider_note(ix, rel, notes)
        t.output(f"{logical}Arn", {"Fn::GetAtt": [logical, "Arn"]}, f"ARN of role {rel.role_name}")
    return t if t.resources else None


# -- service control policies ---------------------------------------------------------------------
def scp_targets(ix: Index, scp: ServiceControlPolicy) -> list[str]:
    """Where the design attaches an SCP, as placeholders ('${RootId}', '${OuId:<path>}', ids)."""
    found: list[str] = []
    if scp.id in ix.org.root_scps:
        found.append(ix.placeholder(Index.ROOT)["ou_id"])
    found += [
        ix.placeholder(o.id)["ou_id"] for o in ix.design.organizational_units if scp.id in o.scps
    ]
    found += [account_placeholder(a) for a in ix.design.accounts if scp.id in a.scps]
    return found


def scp_template(ix: Index, notes: Notes) -> Template | None:
    """The design's SCPs, created without targets: attaching one at creation would put it in
    force before the plan's root-user steps and its Policy Staging trial. The plan attaches each
    one in its own step (organizations attach-policy), in the order that keeps those safe."""
    t = Template(
        f"Service control policies of {ix.org.name}, created without targets; deploy as a stack "
        "in the management account, then attach them as the deployment plan orders"
    )
    for scp in ix.design.service_control_policies:
        if scp.aws_managed:
            continue
        if scp.document is None:
            notes.add(
                "Not exported",
                f"SCP {md(scp.name)} has no document in the design (the policies export "
                "generates it); create it from there",
            )
            continue
        props: dict[str, Json] = {"Name": literal(scp.name[:128])}
        if scp.description:
            props["Description"] = literal(scp.description[:512])
        # The document policy_set exports, its ARNs in ${AWS::Partition} (Fn::Sub).
        props |= {"Type": "SERVICE_CONTROL_POLICY", "Content": rendered(t, ix, scp.document)}
        targets = scp_targets(ix, scp)
        if targets:
            notes.add(
                "Manual steps",
                f"SCP {md(scp.name)} is created without targets: attach it to "
                f"{md(', '.join(targets))} in the deployment plan's scp-attach steps (after the "
                "root-user steps and its Policy Staging trial)",
            )
        else:
            notes.add("Not exported", f"SCP {md(scp.name)} is attached nowhere (created only)")
        t.resources[t.logical_id("Scp", scp.name)] = {
            "Type": "AWS::Organizations::Policy",
            "Properties": props,
        }
    return t if t.resources else None


# -- Service Catalog portfolio shares -------------------------------------------------------------
def shares_by_source(
    ix: Index, resource_type: ResourceType
) -> dict[str, list[ResourceShareRelationship]]:
    """Shares of one resource type, by the account that shares them (one stack each)."""
    found: dict[str, list[ResourceShareRelationship]] = {}
    for rel in ix.design.relationships:
        if (
            rel.kind == "resource-share"
            and rel.resource_type == resource_type
            and rel.source in ix.accounts
        ):
            found.setdefault(rel.source, []).append(rel)
    return found


def share_template(
    ix: Index, source: Account, rels: list[ResourceShareRelationship], notes: Notes
) -> Template | None:
    t = Template(
        f"Service Catalog portfolio shares of {source.name} to accounts; deploy as a stack "
        "in that account",
        home=source,
    )
    organization_level: list[tuple[str, str]] = []
    done: set[tuple[str, str]] = set()
    for rel in rels:
        party = ix.outside_principals.get(rel.target)
        if party is not None and party.kind != OutsideKind.EXTERNAL_ACCOUNT:
            notes.add(
                "Not exported",
                f"portfolio share of {md(source.name)} with {md(outside_words(party))}: Service "
                "Catalog shares with accounts or with your own organization only",
            )
            continue
        if ix.scopes.is_scope(rel.target) and rel.excluded_accounts:
            skipped = ix.scopes.account_words(ix.scopes.excluded_in_scope(rel, rel.target))
            notes.add(
                "Limits and conflicts",
                f"portfolio share of {md(source.name)} with {md(ix.scopes.label(rel.target))}: "
                f"an organization or OU share cannot leave out {md(skipped)}; share with "
                "accounts one by one to skip them",
            )
        for portfolio in rel.resource_names or ["Portfolio"]:
            shown = f"${{PortfolioId:{portfolio}}}"
            target = ix.accounts.get(rel.target) or party
            if target is None:
                organization_level.append(share_command(ix, rel, portfolio, shown))
            elif (portfolio, target.id) not in done:
                done.add((portfolio, target.id))
                add_share(t, portfolio, shown, target)
                if party is not None:
                    notes.add(
                        "Limits and conflicts",
                        f"portfolio {md(portfolio)} of {md(source.name)} is shared outside the "
                        f"organization, with {md(outside_words(party))}",
                    )
    for what, cli in organization_level:
        notes.add("Organization and OU portfolio shares", f"{md(what)}: {code(cli)}")
    if organization_level and t.resources:
        t.metadata["OrganizationShares"] = [
            "AWS::ServiceCatalog::PortfolioShare takes an account id only; share with the "
            "organization or an OU through the CLI (see notes.md)",
            *(f"{what}: {cli}" for what, cli in organization_level),
        ]
    return t if t.resources else None


def add_share(t: Template, portfolio: str, shown: str, target: Account | OutsidePrincipal) -> None:
    spec = {
        "Description": f"Id of portfolio {portfolio[:200]!r} (port-...)",
        "AllowedPattern": "^port-[a-z0-9]+$",
    }
    portfolio_id = t.parameter(("portfolio", portfolio), "PortfolioId", portfolio, spec, shown)
    t.resources[t.logical_id("Share", f"{portfolio} {target.name}")] = {
        "Type": "AWS::ServiceCatalog::PortfolioShare",
        "Properties": {
            "PortfolioId": portfolio_id,
            "AccountId": t.account_id(target),
            "ShareTagOptions": False,
        },
    }


def share_command(
    ix: Index, rel: ResourceShareRelationship, portfolio: str, shown: str
) -> tuple[str, str]:
    """(what, CLI command) of a share with the organization or an OU."""
    if rel.target == ix.org.id:
        node = f"Type=ORGANIZATION,Value={ix.org.organization_id or '${OrganizationId}'}"
        where = "the organization"
    else:
        node = f"Type=ORGANIZATIONAL_UNIT,Value={ix.placeholder(rel.target)['ou_id']}"
        where = f"OU {ix.ou_path(rel.target)}"
    publisher = ix.name(rel.source)
    what = (
        f"Share {portfolio} from {publisher} to {where} (run in {publisher} as the Service "
        "Catalog delegated administrator, after aws servicecatalog "
        "enable-aws-organizations-access in the management account)"
    )
    cli = (
        f"aws servicecatalog create-portfolio-share --portfolio-id {shown} "
        f"--organization-node {node} --share-principals"
    )
    return what, cli


# -- AWS RAM resource shares ----------------------------------------------------------------------
def ram_principals(
    t: Template, ix: Index, rel: ResourceShareRelationship, notes: Notes
) -> tuple[Json, bool] | None:
    """(Principals, AllowExternalPrincipals) of a share, None when RAM cannot express it."""
    party = ix.outside_principals.get(rel.target)
    if party is not None:
        if party.kind == OutsideKind.EXTERNAL_ACCOUNT:
            return [t.account_id(party)], True
        if party.kind == OutsideKind.PARTNER_ORGANIZATION:
            spec = {
                "Description": f"Ids of the accounts of partner organization {party.name!r} "
                f"({party.organization_id}) to share with: RAM shares with accounts outside your "
                "organization one by one",
                "Type": "CommaDelimitedList",
            }
            shown = f"${{PartnerAccountIds:{party.name}}}"
            param = t.parameter(("partner", party.id), "PartnerAccountIds", party.name, spec, shown)
            t.parameters[param["Ref"]]["Type"] = "CommaDelimitedList"
            return param, True
        notes.add(
            "Not exported",
            f"RAM share of {md(ix.name(rel.source))} with {md(outside_words(party))}: AWS RAM "
            "cannot share with anyone",
        )
        return None
    if rel.target in ix.accounts:
        return [t.account_id(ix.accounts[rel.target])], False
    if not ix.scopes.is_scope(rel.target):
        return None
    if rel.excluded_accounts:
        notes.add(
            "Limits and conflicts",
            f"RAM share of {md(ix.name(rel.source))} with {md(ix.scopes.label(rel.target))}: a "
            "share with an OU or the organization reaches every account in it; "
            f"{md(ix.scopes.account_words(ix.scopes.excluded_in_scope(rel, rel.target)))} "
            "cannot be left out (share with accounts one by one to skip them)",
        )
    org = t.organization_id(ix)
    mgmt = t.management_id(ix)
    if rel.target == ix.org.id:
        return [sub("arn:", PARTITION_REF, ":organizations::", mgmt, ":organization/", org)], False
    ou = t.container_id(ix, rel.target)
    return [sub("arn:", PARTITION_REF, ":organizations::", mgmt, ":ou/", org, "/", ou)], False


def ram_template(
    ix: Index, source: Account, rels: list[ResourceShareRelationship], notes: Notes
) -> Template | None:
    t = Template(
        f"AWS RAM resource shares of {source.name}; deploy as a stack in that account", home=source
    )
    for rel in rels:
        found = ram_principals(t, ix, rel, notes)
        if found is None:
            continue
        principals, external = found
        names = ", ".join(rel.resource_names) or str(rel.ram_resource_type)
        spec = {
            "Description": f"ARNs of the {rel.ram_resource_type} resources to share ({names})"[
                :4000
            ],
            "Type": "CommaDelimitedList",
        }
        arns = t.parameter(
            ("arns", rel.id), "ResourceArns", names, spec, f"${{ResourceArns:{names}}}"
        )
        t.parameters[arns["Ref"]]["Type"] = "CommaDelimitedList"
        whom = ix.scopes.end_words(rel, "target")
        t.resources[t.logical_id("Share", f"{rel.ram_resource_type} {ix.name(rel.target)}")] = {
            "Type": "AWS::RAM::ResourceShare",
            "Properties": {
                "Name": literal(
                    f"{rel.ram_resource_type} of {source.name} for {ix.name(rel.target)}"[:255]
                ),
                # True only for a share that is meant to leave the organization.
                "AllowExternalPrincipals": external,
                "Principals": principals,
                "ResourceArns": arns,
            },
        }
        if external:
            notes.add(
                "Limits and conflicts",
                f"RAM share of {md(source.name)} with {md(whom)} leaves the organization "
                "(AllowExternalPrincipals true): the recipient must accept the invitation",
            )
    return t if t.resources else None


# -- the export -----------------------------------------------------------------------------------
@dataclass
class Output:
    ctx: ExportContext
    notes: Notes = field(default_factory=Notes)
    pending: list[tuple[str, Json, str]] = field(default_factory=list)
    # path -> {Parameter: its placeholder ("${AccountId:Log Archive}"), None where none}
    parameters: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def add(self, path: str, t: Template, purpose: str) -> None:
        body = t.as_dict()
        self.pending.append((path, body, purpose))
        self.parameters[path] = {name: t.placeholders.get(name) for name in t.parameters}
        for name, placeholder in t.placeholders.items():
            line = f"{code(path)}: {code(name)} = {code(placeholder)}"
            self.notes.add("Parameters to fill in", line)
        self.check_limits(path, t, len(json.dumps(body)))

    def check_limits(self, path: str, t: Template, size: int) -> None:
        for count, limit, what, fix in (
            (len(t.parameters), MAX_PARAMETERS, "parameters", "fill in the account ids"),
            (len(t.resources), MAX_RESOURCES, "resources", "split the stack"),
            (size, MAX_BODY, "bytes", "split the stack"),
        ):
            if count > limit:
                self.notes.add(
                    "Limits and conflicts",
                    f"{code(path)} has {count} {what}, more than CloudFormation's {limit}: {fix}",
                )

    def write(self) -> None:
        for path, data, purpose in self.pending:
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
            self.ctx.write_text(path, neutralise(text, json=True), FORMAT, purpose)


def log_stacks(out: Output, ix: Index) -> dict[str, LogStack]:
    stacks: dict[str, LogStack] = {}
    owners = unique(b.account for b in ix.design.log_buckets)
    for account in ix.design.accounts:
        if account.id in owners:
            stack = log_stack(ix, account, out.notes)
            stem = f"log-archive-{account_part(out.ctx, account)}"
            stack.path = out.ctx.unique_path(FOLDER, stem, ".json")
            out.add(
                stack.path,
                stack.template,
                f"Log buckets, bucket policies and KMS keys of {account.name}",
            )
            stacks[account.id] = stack
    return stacks


def trail_stacks(out: Output, ix: Index, trails: dict[str, str], logs: dict[str, LogStack]) -> None:
    where = ix.management.name if ix.management else "the management account"
    delivered = {r.id: r for rels in ix.deliveries.values() for r in rels}
    for rel_id, name in trails.items():  # one file per trail, named as the trail and the plan
        t = trail_stack(ix, delivered[rel_id], name, logs)
        path = out.ctx.unique_path(FOLDER, name, ".json")
        out.add(path, t, f"Organization trail, deployed in {where}")


def flow_log_stacks(out: Output, ix: Index) -> None:
    """A flow-log template per network account delivering VPC flow logs to an archive bucket."""
    for account in ix.design.accounts:
        if AccountFunction.NETWORK not in account.functions:
            continue
        rels = [
            r
            for r in ix.design.relationships
            if r.kind == "log-delivery"
            and r.source == account.id
            and LogType.VPC_FLOW_LOGS in r.log_types
            and r.bucket in ix.buckets
        ]
        if rels:
            stem = f"flow-logs-{account_part(out.ctx, account)}"
            path = out.ctx.unique_path(FOLDER, stem, ".json")
            out.add(path, flow_log_template(ix, account, rels), f"VPC flow logs of {account.name}")
            out.notes.add(
                "Parameters to fill in",
                f"{code(path)}: {code('VpcId')} = the VPC to log (one stack per VPC of "
                f"{md(account.name)})",
            )


def role_stack_sets(
    ix: Index, notes: Notes
) -> tuple[list[tuple[RoleGroup, Template, str]], list[TrustRelationship]]:
    """(group, template, file stem) of every StackSet role template, and the trusts of the
    management account. The plan names the same files through planned_stack_sets."""
    groups, management = role_groups(ix, notes)
    built = [(g, role_template(ix, g, notes)) for g in groups]
    ready = [(g, t) for g, t in built if t is not None]
    per_name = Counter(group.trust.role_name for group, _ in ready)
    taken: Counter[str] = Counter()
    found = []
    for group, template in ready:
        rel = group.trust
        stem = rel.role_name
        if per_name[rel.role_name] > 1:  # one role name, several trusted sides or scopes
            stem = f"{rel.role_name}-from-{ix.name(rel.source)}"
            if group.scope is not None:
                stem += f"-to-{ix.scopes.label(group.scope)}"
        taken[safe_name(stem).lower()] += 1
        if taken[safe_name(stem).lower()] > 1:  # the plan names the file as written
            stem = f"{stem}-{taken[safe_name(stem).lower()]}"
        found.append((group, template, stem))
    return found, management


def role_stacks(
    ix: Index, notes: Notes, path_of: Callable[[str], str]
) -> tuple[Template | None, list[StackSetSpec]]:
    """The management account's role template and a StackSet per group of like roles."""
    stack_sets, management = role_stack_sets(ix, notes)
    specs = []
    for group, template, stem in stack_sets:
        path = path_of(stem)
        entry = stack_set_entry(ix, group, path, template, notes)
        targets = (
            scope_targets(ix, group.scope, ix.scopes.stack_set_skipped(group.trust))
            if group.scope is not None
            else deployments(ix, group.accounts)
        )
        purpose = f"Role {group.trust.role_name}: the body of a service-managed StackSet"
        specs.append(StackSetSpec(path, template, entry, targets, group.trusts, purpose, group))
    stack_set_order(ix, specs, management)
    return management_roles(ix, management, notes), specs


def stack_set_order(
    ix: Index, specs: list[StackSetSpec], management: list[TrustRelationship]
) -> None:
    """A role whose trust names a principal role another StackSet creates in the trusted
    account deploys after that StackSet (IAM turns the principal into its unique id on save).
    One whose principal is a role of the management account's stack waits for that stack: it
    goes to a later StackSets template (phase 1), with every StackSet that waits for it."""
    made_in_management = {rel.role_name for rel in management}
    for spec in specs:
        rel = spec.group.trust if spec.group else None
        if rel is None or rel.principal_scope != "role" or not rel.principal_role_name:
            continue
        trusted = set(
            ix.scopes.members(rel.source, rel.excluded_accounts)
            if ix.scopes.is_scope(rel.source)
            else [rel.source]
        )
        management_role = rel.principal_role_name in made_in_management
        if management_role and ix.management is not None and ix.management.id in trusted:
            spec.phase = 1
        for n, other in enumerate(specs):
            group = other.group
            if other is spec or group is None or group.trust.role_name != rel.principal_role_name:
                continue
            if trusted.intersection(group.accounts) and not waits_for(specs, n, spec):
                spec.depends_on.append(n)  # never a DependsOn cycle (the plan reports it)
    changed = True
    while changed:  # a StackSet waiting for one of phase 1 is of phase 1 too
        changed = False
        for spec in specs:
            if spec.phase == 0 and any(specs[d].phase for d in spec.depends_on):
                spec.phase, changed = 1, True


def waits_for(specs: list[StackSetSpec], start: int, spec: StackSetSpec) -> bool:
    """Whether the StackSet `start` already waits, directly or not, for `spec`."""
    seen: set[int] = set()
    todo = [start]
    while todo:
        n = todo.pop()
        if specs[n] is spec:
            return True
        if n not in seen:
            seen.add(n)
            todo.extend(specs[n].depends_on)
    return False


def unique_stack_set_names(entries: list[Json]) -> None:
    """File names are unique; their StackSet names may meet once cleaned ('a.b', 'a-b')."""
    taken: set[str] = set()
    for entry in entries:
        name, n = entry["stack_set_name"], 2
        while name.lower() in taken:
            name, n = f"{entry['stack_set_name']}-{n}", n + 1
        taken.add(name.lower())
        entry["stack_set_name"] = name


# -- the StackSets as resources of management-account templates ----------------------------------
MAX_TEMPLATE_BODY = 51_200  # a StackSet's TemplateBody; a larger body goes by TemplateURL
STACK_SETS_BUDGET = 900_000  # bytes of one StackSets template, under the 1 MB of an S3 template
REGION_PATTERN = "^[a-z]{2}(-[a-z]+)+-[0-9]+$"


def home_region(design: Design) -> str | None:
    """The home Region: the usage policy's first allowed Region, else the management account's
    first Region (as the policies export picks the trails' Region); None when neither is set."""
    management = next(
        (a for a in design.accounts if a.id == design.organization.management_account), None
    )
    regions = design.usage_policy.allowed_regions or (management.regions if management else [])
    return str(regions[0]) if regions else None


def member_body(t: Template) -> str:
    return json.dumps(t.as_dict(), separators=(",", ":"))


def stack_set_size(spec: StackSetSpec) -> int:
    """Bytes the StackSet takes in its template: its body (escaped, or a URL) and properties."""
    body = len(json.dumps(member_body(spec.template)))
    return (body if body <= MAX_TEMPLATE_BODY + 2 else 200) + 600 * len(spec.targets) + 2_000


def stack_set_files(sizes: list[int], phases: list[int] | None = None) -> list[int]:
    """The template number (1, 2, ...) of each StackSet: those of phase 0 first, then those
    deployed after the management account's roles; a new template when the next one would pass
    the byte budget or CloudFormation's resource limit."""
    phases = phases or [0] * len(sizes)
    numbers: list[int] = [0] * len(sizes)
    number, used, count = 0, 0, 0
    for phase in sorted(set(phases)):
        number, used, count = number + 1, 0, 0
        for n, size in enumerate(sizes):
            if phases[n] != phase:
                continue
            if count and (used + size > STACK_SETS_BUDGET or count == MAX_RESOURCES):
                number, used, count = number + 1, 0, 0
            numbers[n] = number
            used, count = used + size, count + 1
    return numbers


def stack_sets_path(number: int) -> str:
    return f"{FOLDER}/stacksets{'' if number == 1 else f'-{number}'}.json"


def stack_set_body(outer: Template, path: str, name: str, t: Template) -> dict[str, Json]:
    """TemplateBody (the member template as a JSON string), or TemplateURL, a parameter, when the
    body passes the 51,200 bytes CloudFormation takes inline."""
    text = member_body(t)
    if len(text.encode()) <= MAX_TEMPLATE_BODY:
        return {"TemplateBody": text}
    spec = {
        "Description": f"S3 URL of {path} (upload it first: it passes the 51,200-byte "
        "TemplateBody limit)",
        "AllowedPattern": "^https://.+",
    }
    return {
        "TemplateURL": outer.parameter(
            ("url", path), "TemplateUrl", name, spec, f"${{TemplateUrl:{path}}}"
        )
    }


# What a StackSet resource's Metadata says in words (the rest is in its Properties).
DESCRIBED = ("template", "role_name", "access_level", "trusted", "scope", "log_types",
             "deployment_targets", "accounts")  # fmt: skip


def capabilities(t: Template) -> list[str]:
    """CAPABILITY_NAMED_IAM when the template creates IAM resources (a named role, say)."""
    iam = any(str(r.get("Type", "")).startswith("AWS::IAM::") for r in t.resources.values())
    return ["CAPABILITY_NAMED_IAM"] if iam else []


def stack_set_resource(
    outer: Template, ix: Index, spec: StackSetSpec, region: Json, depends_on: list[str]
) -> Json:
    entry = spec.entry
    name = str(entry["stack_set_name"])
    props: dict[str, Json] = {
        "StackSetName": name,
        "Description": clip(displayed(spec.template.description), 1024),
        "PermissionModel": "SERVICE_MANAGED",
        "CallAs": "SELF",
        "AutoDeployment": entry["auto_deployment"],
    }
    if capabilities(spec.template):
        props["Capabilities"] = capabilities(spec.template)
    props |= stack_set_body(outer, spec.path, name, spec.template)
    passed = []
    for key, parameter in spec.template.parameters.items():
        if key not in spec.template.placeholders:
            continue  # a setting with a Default (CreateConfigServiceLinkedRole), not an id
        shown = spec.template.placeholders[key]
        settings = {k: v for k, v in parameter.items() if k != "Type"}
        value = shared_parameter(outer, shown) or outer.parameter(
            ("pass", shown), key, "", settings, shown
        )
        passed.append({"ParameterKey": key, "ParameterValue": value})
    if passed:
        props["Parameters"] = passed
    props["StackInstancesGroup"] = [
        {"DeploymentTargets": d.resource(outer, ix), "Regions": [region]} for d in spec.targets
    ]
    resource: dict[str, Json] = {
        "Type": "AWS::CloudFormation::StackSet",
        # In words, for people: "${" split as in all Metadata (cfn-lint E1029).
        "Metadata": {"StackSet": displayed_all({k: v for k, v in entry.items() if k in DESCRIBED})},
        "Properties": props,
    }
    if depends_on:
        resource["DependsOn"] = depends_on
    return resource


def stack_set_templates(ix: Index, specs: list[StackSetSpec]) -> list[tuple[str, Template]]:
    """The management-account templates holding every StackSet (split to stay within
    CloudFormation's template limits); a StackSet another one needs is deployed first."""
    unique_stack_set_names([s.entry for s in specs])
    numbers = stack_set_files([stack_set_size(s) for s in specs], [s.phase for s in specs])
    region = home_region(ix.design)
    found: dict[int, Template] = {}
    for number in numbers:
        found.setdefault(number, Template(
            f"Service-managed StackSets of {ix.org.name} (auto-deployment to their OUs); deploy "
            "as a stack in the management account, in the home Region, after trusted access "
            "for CloudFormation StackSets is enabled",
            home=ix.management,
        ))  # fmt: skip
    logical = [
        found[number].logical_id("StackSet", str(spec.entry["stack_set_name"]))
        for spec, number in zip(specs, numbers, strict=True)
    ]
    for n, (spec, number) in enumerate(zip(specs, numbers, strict=True)):
        t = found[number]
        where: Json = region or t.parameter(
            ("region", ""), "HomeRegion", "",
            {"Description": "The home Region the StackSets deploy to", "AllowedPattern":
             REGION_PATTERN}, "${HomeRegion}",
        )  # fmt: skip
        after = [logical[d] for d in spec.depends_on if numbers[d] == number]
        t.resources[logical[n]] = stack_set_resource(t, ix, spec, where, after)
    return [(stack_sets_path(number), t) for number, t in sorted(found.items())]


def run_parts(out: Output, ix: Index) -> None:
    trails = trail_names(ix)
    logs = log_stacks(out, ix)
    trail_stacks(out, ix, trails, logs)
    flow_log_stacks(out, ix)
    config_stacks(out, ix, logs)

    def path_of(stem: str) -> str:
        return out.ctx.unique_path(STACKSETS, stem, ".json")

    management, specs = role_stacks(ix, out.notes, path_of)
    if management is not None:
        path = out.ctx.unique_path(FOLDER, "management-account-roles", ".json")
        out.add(path, management, "Cross-account roles in the management account")
    identity_stacks(out, ix)
    specs += delivery_stacks(ix, logs, out.notes, path_of)
    for spec in specs:
        out.add(spec.path, spec.template, spec.purpose)
    for path, outer in stack_set_templates(ix, specs):
        stem = path.removeprefix(f"{FOLDER}/").removesuffix(".json")
        out.add(
            out.ctx.unique_path(FOLDER, stem, ".json"),
            outer,
            "Service-managed StackSets (AWS::CloudFormation::StackSet), in the management account",
        )
    scps = scp_template(ix, out.notes)
    if scps is not None:
        path = out.ctx.unique_path(FOLDER, "organization-policies", ".json")
        out.add(path, scps, "Service control policies, deployed in the management account")
    for source_id, rels in shares_by_source(ix, ResourceType.SERVICE_CATALOG_PORTFOLIO).items():
        t = share_template(ix, ix.accounts[source_id], rels, out.notes)
        if t is not None:
            name = ix.accounts[source_id].name
            stem = f"service-catalog-shares-{account_part(out.ctx, ix.accounts[source_id])}"
            path = out.ctx.unique_path(FOLDER, stem, ".json")
            out.add(path, t, f"Service Catalog portfolio shares of {name}")
    for source_id, rels in shares_by_source(ix, ResourceType.RAM_SHARE).items():
        t = ram_template(ix, ix.accounts[source_id], rels, out.notes)
        if t is not None:
            name = ix.accounts[source_id].name
            stem = f"ram-shares-{account_part(out.ctx, ix.accounts[source_id])}"
            path = out.ctx.unique_path(FOLDER, stem, ".json")
            out.add(path, t, f"AWS RAM resource shares of {name}")


# -- federated sign-in: roles of identity providers, Identity Center permission sets ------------
def federated_roles(ix: Index, account: Account) -> list[Role]:
    """The account's roles that identity providers sign people in to and no trust creates."""
    return [
        r
        for r in ix.policies.roles
        if r.federated_only and r.deployed_to is None and r.key[:1] == (account.id,)
    ]


def federation_template(ix: Index, account: Account, notes: Notes) -> Template | None:
    """The roles identity providers sign people in to in one account (SAML, OIDC, Directory
    Service console access) that no trust creates, rendered from policy_set."""
    roles = federated_roles(ix, account)
    if not roles:
        return None
    t = Template(
        f"Roles identity providers sign people in to in account {account.name}; deploy as a "
        "stack in that account",
        home=account,
    )
    for role in roles:
        logical = t.logical_id("Role", role.name)
        purpose = f"Federated sign-in to {account.name}"
        t.resources[logical] = {
            "Type": "AWS::IAM::Role",
            "Properties": role_properties(t, ix, role, purpose),
        }
        t.output(f"{logical}Arn", {"Fn::GetAtt": [logical, "Arn"]}, f"ARN of role {role.name}")
    for rel in ix.design.relationships:
        if rel.kind == "federation" and rel.target == account.id and rel.source in ix.idps:
            for name in rel.mapped_roles:
                provider_steps(ix, ix.idps[rel.source], name, notes)
    return t


SSO_INSTANCE_PATTERN = "^arn:(aws|aws-us-gov|aws-cn):sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$"


def permission_set_names(ix: Index) -> dict[str, list[Account]]:
    """Permission set (or Identity Center role) name -> the accounts it is assigned in."""
    centers = {
        i.id for i in ix.design.identity_providers if i.kind == IdentityProviderKind.IDENTITY_CENTER
    }
    found: dict[str, list[Account]] = {}
    for rel in ix.design.relationships:
        if rel.kind != "federation" or rel.source not in centers or rel.target not in ix.accounts:
            continue
        for name in unique([*rel.permission_sets, *rel.mapped_roles]):
            accounts = found.setdefault(name, [])
            if ix.accounts[rel.target] not in accounts:
                accounts.append(ix.accounts[rel.target])
    return found


def identity_center_template(ix: Index, notes: Notes) -> Template | None:
    """AWS::SSO::PermissionSet and AWS::SSO::Assignment of every permission set the design's
    Identity Center federation names, deployed in the management account (or the delegated
    administrator of Identity Center). A set named like an AWS managed policy gets it; a set
    whose role the trusts name gets, inline, the identity policy policy_set builds for that
    role (sts:AssumeRole on exactly the roles it may assume)."""
    sets = permission_set_names(ix)
    if not sets:
        return None
    t = Template(
        "IAM Identity Center permission sets and their account assignments; deploy as a stack "
        "in the management account (or Identity Center's delegated administrator)",
        home=ix.management,
    )
    spec = {
        "Description": "ARN of the IAM Identity Center instance (sso-admin list-instances)",
        "AllowedPattern": SSO_INSTANCE_PATTERN,
    }
    instance = t.parameter(("sso", ""), "InstanceArn", "", spec, "${IdentityCenterInstanceArn}")
    # The identity policy of a set's role in an account people sign in to through the set.
    landing = {ix.scopes.label(a.id) for accounts in sets.values() for a in accounts}
    identity: dict[str, list[Json]] = {}
    for found in ix.policies.identity_policies:
        if found.principal and found.account_name in landing:
            identity.setdefault(found.principal, []).append(found.document)
    for name, accounts in sets.items():
        props: dict[str, Json] = {
            "InstanceArn": instance,
            "Name": re.sub(r"[^\w+=,.@-]", "-", name)[:32],
            "Description": clip(iam_text(f"Permission set {name} of the design"), 700),
            "SessionDuration": "PT1H",
        }
        granted = permission_set_policy(name)
        if granted is not None:
            props["ManagedPolicies"] = rendered(t, ix, [managed_policy(granted)])
        documents = identity.get(name, [])
        if documents:  # one inline policy per set: the statements of every part
            statements = [s for d in documents for s in d["Statement"]]
            seen = Counter(s["Sid"] for s in statements)
            if any(n > 1 for n in seen.values()):  # Sids unique within the one policy
                statements = [{**s, "Sid": f"{s['Sid']}N{n}"} for n, s in enumerate(statements, 1)]
            inline = {"Version": documents[0]["Version"], "Statement": statements}
            props["InlinePolicy"] = rendered(t, ix, inline)
        if granted is None and not documents:
            notes.add(
                "Manual steps",
                f"Permission set {code(name)} grants nothing in the design: add its policies "
                "before assigning it",
            )
        logical = t.logical_id("PermissionSet", name)
        t.resources[logical] = {"Type": "AWS::SSO::PermissionSet", "Properties": props}
        group_spec: dict[str, Json] = {
            "Description": f"Identity store id of the group assigned permission set {name!r}",
            "MinLength": 1,
        }
        shown = f"${{GroupId:{name}}}"
        group = t.parameter(("group", name), "GroupId", name, group_spec, shown)
        for account in accounts:
            assignment = t.logical_id("Assignment", f"{name} {account.name}")
            t.resources[assignment] = {
                "Type": "AWS::SSO::Assignment",
                "Properties": {
                    "InstanceArn": instance,
                    "PermissionSetArn": {"Fn::GetAtt": [logical, "PermissionSetArn"]},
                    "PrincipalId": group,
                    "PrincipalType": "GROUP",
                    "TargetId": t.account_id(account),
                    "TargetType": "AWS_ACCOUNT",
                },
            }
    return t


def planned_identity_stacks(design: Design) -> list[tuple[str, Account | None]]:
    """(file stem, account it is deployed in) of the federated-sign-in templates run() writes:
    federated-roles-<account> per account people sign in to through an IAM provider or a
    directory, identity-center in the management account (or Identity Center's delegated
    administrator). The plan lists the same files."""
    ix = Index(design)
    found: list[tuple[str, Account | None]] = []
    for account in design.accounts:
        if federated_roles(ix, account):
            found.append((f"federated-roles-{account.name}", account))
    if permission_set_names(ix):
        found.append(("identity-center", ix.management))
    return found


def identity_stacks(out: Output, ix: Index) -> None:
    """federated-roles-<account>.json per account people sign in to through an IAM identity
    provider or a directory, and identity-center.json with the permission sets."""
    for account in ix.design.accounts:
        t = federation_template(ix, account, out.notes)
        if t is not None:
            stem = f"federated-roles-{account_part(out.ctx, account)}"
            path = out.ctx.unique_path(FOLDER, stem, ".json")
            out.add(path, t, f"Federated sign-in roles of {account.name}")
    t = identity_center_template(ix, out.notes)
    if t is not None:
        path = out.ctx.unique_path(FOLDER, "identity-center", ".json")
        out.add(path, t, "IAM Identity Center permission sets and assignments")


def planned_stack_sets(design: Design) -> dict[str, str]:
    """Relationship id -> file stem of the StackSet template deploying it, as run() names them
    (before collision suffixes): the plan lists the same files."""
    ix = Index(design)
    notes = Notes()
    found: dict[str, str] = {}
    for group, _, stem in role_stack_sets(ix, notes)[0]:
        for rel_id in group.trusts:
            found[rel_id] = stem
    for rel in ix.design.relationships:
        if rel.kind == "log-delivery" and delivery_parts(ix, rel):
            found[rel.id] = delivery_stem(ix, rel)
    return found


@dataclass
class PlannedStackSet:
    """A StackSet as the export writes it: for the plan's deployment step."""

    name: str
    member: str  # the member template (its body)
    template: str  # the management-account template holding its resource
    relationships: list[str]
    depends_on: list[str]  # names of StackSets of the same template it waits for


def planned_stack_set_resources(design: Design) -> list[PlannedStackSet]:
    """Every StackSet resource the export writes, in its order (paths before collision
    suffixes, as the plan names files)."""
    ix = Index(design)
    notes = Notes()

    def path_of(stem: str) -> str:
        return f"{STACKSETS}/{safe_name(stem)}.json"

    specs = role_stacks(ix, notes, path_of)[1] + delivery_stacks(ix, {}, notes, path_of)
    unique_stack_set_names([s.entry for s in specs])
    numbers = stack_set_files([stack_set_size(s) for s in specs], [s.phase for s in specs])
    names = [str(s.entry["stack_set_name"]) for s in specs]
    return [
        PlannedStackSet(
            names[n],
            spec.path,
            stack_sets_path(numbers[n]),
            list(spec.relationships),
            [names[d] for d in spec.depends_on if numbers[d] == numbers[n]],
        )
        for n, spec in enumerate(specs)
    ]


def planned_parameters(design: Design) -> dict[str, dict[str, str | None]]:
    """Template path -> {Parameter: the placeholder it stands for, or None (a value the design
    does not hold, such as a VPC id: the Parameter's Description says what)}, for every template
    run() writes, under the same paths: the plan's steps carry them for a deployer's tool."""
    out = Output(ExportContext(design, Path("cloudformation-plan-only")))
    out.ctx.unique_path(FOLDER, "notes", ".md")  # taken first, as run() takes it
    run_parts(out, Index(design))
    return out.parameters


@exporter(FORMAT, "CloudFormation templates and StackSets")
def run(ctx: ExportContext) -> None:
    ix = Index(ctx.design)
    out = Output(ctx)
    notes_path = ctx.unique_path(FOLDER, "notes", ".md")
    run_parts(out, ix)
    for line in linter_notes.explained((path, body) for path, body, _ in out.pending):
        out.notes.add(linter_notes.SECTION, line)
    out.write()
    notes = neutralise(out.notes.markdown(ctx.design), keep="\n")
    ctx.write_text(notes_path, notes, FORMAT, "Notes on the templates")
