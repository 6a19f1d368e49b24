"""Export format 'cloudformation': the stacks and StackSets that deploy a design.

Files under cloudformation/ (JSON templates, json.dumps with indent 2, same design -> same bytes):
- log-archive-<account>.json per account owning log buckets: each bucket (versioning, Object Lock
  when chosen, Block Public Access, SSE-KMS, access logging), its bucket policy with the documented
  CloudTrail / Config / flow-log statements and an SSL-only deny, the KMS keys and an access-log
  bucket; MFA Delete has no CloudFormation property and is listed as a manual step in Metadata;
- organization-trail.json, in the management account, for each CloudTrail delivery whose source
  is the whole organization;
- stacksets/<role>.json, one cross-account role template per role, to deploy as a service-managed
  StackSet, and stacksets/targets.json naming the OUs (or OU + account filter) each one targets.
  A trust to an OU or the organization is one StackSet of its own whose target is that OU (or
  the root) with auto-deployment, its excluded accounts filtered out (DIFFERENCE); roles drawn
  account by account are grouped and their OU targets inferred;
- stacksets/logs-<scope>-to-<bucket>.json: the account trail and AWS Config of every account of
  an OU (or of the organization less some accounts, or the organization's Config), a StackSet
  with auto-deployment: never an organization trail;
- ram-shares-<account>.json: AWS RAM resource shares, AllowExternalPrincipals only for a share
  with an external account or a partner organization's accounts;
- management-account-roles.json: roles in the management account (StackSets never deploy there);
- organization-policies.json: the design's own SCPs as AWS::Organizations::Policy;
- service-catalog-shares-<account>.json: portfolio shares to accounts (organization and OU shares
  have no CloudFormation resource: their CLI commands are in notes.md);
- notes.md: parameters to fill in, manual steps, what could not be expressed and why.

Unknown values are never invented: planned account ids, the organization id, OU and root ids and
portfolio ids are template Parameters; targets.json and notes.md show them as "${AccountId:<name>}",
"${OrganizationId}", "${OuId:<path>}", "${RootId}" placeholders.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from designer.artefacts.identity_center import identity_center_roles, reserved_role_resource
from designer.artefacts.policy_set import FLOW_LOG_KEY_ACTIONS
from designer.artefacts.policy_set import LOG_DELIVERY_PRINCIPAL as LOG_DELIVERY
from designer.artefacts.scoping import ExportScopes, outside_words
from designer.model.vocabulary import (
    AccessLevel,
    IdentityProviderKind,
    LogType,
    OutsideKind,
    ResourceType,
)
from exporters.base import ExportContext, exporter

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
POLICY_VERSION = "2012-10-17"
MANAGED = "arn:aws:iam::aws:policy/"
LEVEL_POLICIES: dict[AccessLevel, str] = {
    AccessLevel.READ_ONLY: "ReadOnlyAccess",
    AccessLevel.SECURITY_AUDIT: "SecurityAudit",
    AccessLevel.IAM_ADMIN: "IAMFullAccess",
    AccessLevel.ADMINISTRATOR: "AdministratorAccess",
}
# AWS managed full-access policies of well-known services (IAM service prefix -> policy name).
SERVICE_FULL_ACCESS: dict[str, str] = {
    "athena": "AmazonAthenaFullAccess",
    "backup": "AWSBackupFullAccess",
    "cloudformation": "AWSCloudFormationFullAccess",
    "cloudfront": "CloudFrontFullAccess",
    "cloudtrail": "AWSCloudTrail_FullAccess",
    "dynamodb": "AmazonDynamoDBFullAccess",
    "ec2": "AmazonEC2FullAccess",
    "ecr": "AmazonEC2ContainerRegistryFullAccess",
    "ecs": "AmazonECS_FullAccess",
    "elasticache": "AmazonElastiCacheFullAccess",
    "guardduty": "AmazonGuardDutyFullAccess",
    "iam": "IAMFullAccess",
    "kinesis": "AmazonKinesisFullAccess",
    "lambda": "AWSLambda_FullAccess",
    "logs": "CloudWatchLogsFullAccess",
    "rds": "AmazonRDSFullAccess",
    "redshift": "AmazonRedshiftFullAccess",
    "route53": "AmazonRoute53FullAccess",
    "s3": "AmazonS3FullAccess",
    "sagemaker": "AmazonSageMakerFullAccess",
    "securityhub": "AWSSecurityHubFullAccess",
    "sns": "AmazonSNSFullAccess",
    "sqs": "AmazonSQSFullAccess",
    "ssm": "AmazonSSMFullAccess",
}
CLOUDTRAIL = "cloudtrail.amazonaws.com"
CONFIG = "config.amazonaws.com"
S3_LOGGING = "logging.s3.amazonaws.com"
OWNER_FULL_CONTROL = {"s3:x-amz-acl": "bucket-owner-full-control"}
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"
ACCOUNT_PATTERN = "^[0-9]{12}$"
KMS_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+$")
KMS_ARN_PATTERN = "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+$"
ALIAS = re.compile(r"^alias/[A-Za-z0-9/_-]{1,250}$")
OIDC_HOST = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~-]+)*$")
IAM_DESCRIPTION = re.compile(r"[^\t\n\r\x20-\x7e\xa1-\xff]+")
# CloudFormation and service quotas worth a note when a generated file goes beyond them.
MAX_PARAMETERS, MAX_RESOURCES, MAX_BODY, MAX_BUCKET_POLICY = 200, 500, 1_000_000, 20_480

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


def one_or_list(values: list[Json]) -> Json:
    return values[0] if len(values) == 1 else values


def unique(values: Iterable[Any]) -> list[Any]:
    """Values in first-seen order without repeats (dict keys keep insertion order)."""
    return list(dict.fromkeys(values))


def statement(sid: str, principal: Json, action: Json, resource: Json, **extra: Json) -> Json:
    return {"Sid": sid, "Effect": "Allow", "Principal": principal, "Action": action,
            "Resource": resource, **extra}  # fmt: skip


class Sids:
    """Statement ids unique within one policy: base, base2, base3..."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, base: str) -> str:
        n = self._seen.get(base, 0) + 1
        self._seen[base] = n
        return base if n == 1 else f"{base}{n}"


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
            ("Resources", self.resources),
            ("Outputs", outputs),
        ):
            if part:
                body[key] = part
        return body


# -- notes ----------------------------------------------------------------------------------------
class Notes:
    """Sections of notes.md, in a fixed order; empty sections are left out."""

    SECTIONS = (
        "Parameters to fill in",
        "Manual steps",
        "Organization and OU portfolio shares",
        "Not exported",
        "Limits and conflicts",
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
            "StackSets in stacksets/ are service-managed (see stacksets/targets.json); they never "
            "reach the management account, whose roles are in management-account-roles.json.",
        ]
        for section in self.SECTIONS:
            if self.lines[section]:
                out += ["", f"## {section}", "", *(f"- {line}" for line in self.lines[section])]
        return "\n".join(out) + "\n"


def md(text: str) -> str:
    """User text on one Markdown line, with the characters that format escaped."""
    flat = " ".join(text.split())
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~])", r"\\\1", flat)


def code(text: str) -> str:
    return "`" + " ".join(text.split()).replace("`", "'") + "`"


# -- log-archive stacks ---------------------------------------------------------------------------
@dataclass
class KeyPlan:
    """A KMS key of a log-archive stack and the buckets it encrypts."""

    alias: str | None  # None: an existing key given by ARN
    arn: str | None
    buckets: list[LogBucket]


@dataclass
class LogStack:
    account: Account
    template: Template
    path: str = ""
    key_outputs: dict[str, str] = field(default_factory=dict)  # bucket id -> output name


def alias_name(text: str | None) -> str:
    if text is None:
        return "alias/log-archive"
    if ALIAS.match(text) and not text.startswith("alias/aws/"):
        return text
    cleaned = re.sub(r"[^A-Za-z0-9/_-]+", "-", text.removeprefix("alias/")).strip("-/")
    cleaned = cleaned.removeprefix("aws/")
    return f"alias/{cleaned[:200] or 'log-archive'}"


def key_plans(buckets: list[LogBucket]) -> list[KeyPlan]:
    plans: dict[str, KeyPlan] = {}
    for bucket in buckets:
        if bucket.kms_key and KMS_ARN.match(bucket.kms_key):
            plans.setdefault(bucket.kms_key, KeyPlan(None, bucket.kms_key, [])).buckets.append(
                bucket
            )
        else:
            alias = alias_name(bucket.kms_key)
            plans.setdefault(alias, KeyPlan(alias, None, [])).buckets.append(bucket)
    return list(plans.values())


def trail_names(ix: Index) -> dict[str, str]:
    """Relationship id -> trail name of each organization trail: a CloudTrail delivery whose
    source is the organization itself, no account excluded (an OU gets account trails)."""
    names: dict[str, str] = {}
    for rels in ix.deliveries.values():
        for rel in rels:
            if LogType.CLOUDTRAIL in rel.log_types and ix.scopes.organization_wide(rel):
                n = len(names) + 1
                names[rel.id] = "organization-trail" + (f"-{n}" if n > 1 else "")
    return names


def delivery_sources(ix: Index, rels: list[LogDeliveryRelationship], kind: LogType) -> list[str]:
    """Source accounts of `kind` logs: every member account of a scoped delivery."""
    found: list[str] = []
    for rel in rels:
        if kind in rel.log_types:
            if ix.scopes.is_scope(rel.source):
                found += ix.scopes.members(rel.source, rel.excluded_accounts)
            elif rel.source in ix.accounts:
                found.append(rel.source)
    return unique(found)


def org_trail_arn(t: Template, ix: Index, name: str) -> Json:
    return sub("arn:aws:cloudtrail:", ref("AWS::Region"), ":", t.management_id(ix), ":trail/", name)


def org_trail_statements(t: Template, ix: Index, arn: str, trail: str, sids: Sids) -> list[Json]:
    """The three statements of the CloudTrail guide's organization-trail bucket policy."""
    principal = {"Service": CLOUDTRAIL}
    source = {"aws:SourceArn": org_trail_arn(t, ix, trail)}
    mgmt, org = t.management_id(ix), t.organization_id(ix)
    write = {"StringEquals": {**OWNER_FULL_CONTROL, **source}}
    return [
        statement(sids("AWSCloudTrailAclCheck20150319"), principal, "s3:GetBucketAcl", arn,
                  Condition={"StringEquals": source}),
        statement(sids("AWSCloudTrailWrite20150319"), principal, "s3:PutObject",
                  sub(arn, "/AWSLogs/", mgmt, "/*"), Condition=write),
        statement(sids("AWSCloudTrailOrganizationWrite20150319"), principal, "s3:PutObject",
                  sub(arn, "/AWSLogs/", org, "/*"), Condition=write),
    ]  # fmt: skip


def account_trail_statements(t: Template, node: Account, arn: str, sids: Sids) -> list[Json]:
    """A trail of one account (name not in the design): any trail of that account may write."""
    principal = {"Service": CLOUDTRAIL}
    account = t.account_id(node)
    source = {"aws:SourceArn": sub("arn:aws:cloudtrail:*:", account, ":trail/*")}
    return [
        statement(sids("AWSCloudTrailAclCheck"), principal, "s3:GetBucketAcl", arn,
                  Condition={"StringLike": source}),
        statement(sids("AWSCloudTrailWrite"), principal, "s3:PutObject",
                  sub(arn, "/AWSLogs/", account, "/*"),
                  Condition={"StringEquals": {**OWNER_FULL_CONTROL}, "StringLike": source}),
    ]  # fmt: skip


def config_statements(t: Template, node: Account, arn: str, sids: Sids) -> list[Json]:
    """The AWS Config guide's three statements for one source account."""
    principal = {"Service": CONFIG}
    account = t.account_id(node)
    source = {"AWS:SourceAccount": account}
    return [
        statement(sids("AWSConfigBucketPermissionsCheck"), principal, "s3:GetBucketAcl", arn,
                  Condition={"StringEquals": source}),
        statement(sids("AWSConfigBucketExistenceCheck"), principal, "s3:ListBucket", arn,
                  Condition={"StringEquals": source}),
        statement(sids("AWSConfigBucketDelivery"), principal, "s3:PutObject",
                  sub(arn, "/AWSLogs/", account, "/Config/*"),
                  Condition={"StringEquals": {**OWNER_FULL_CONTROL, **source}}),
    ]  # fmt: skip


def flow_log_statements(t: Template, node: Account, arn: str, sids: Sids) -> list[Json]:
    """The VPC user guide's log-delivery statements for one source account."""
    principal = {"Service": LOG_DELIVERY}
    account = t.account_id(node)
    source = {"aws:SourceArn": sub("arn:aws:logs:*:", account, ":*")}
    return [
        statement(sids("AWSLogDeliveryWrite"), principal, "s3:PutObject",
                  sub(arn, "/AWSLogs/", account, "/*"),
                  Condition={"StringEquals": {"aws:SourceAccount": account, **OWNER_FULL_CONTROL},
                             "ArnLike": source}),
        statement(sids("AWSLogDeliveryAclCheck"), principal, "s3:GetBucketAcl", arn,
                  Condition={"StringEquals": {"aws:SourceAccount": account}, "ArnLike": source}),
    ]  # fmt: skip


def ssl_deny(arn: Json, sids: Sids) -> Json:
    return {
        "Sid": sids("DenyInsecureTransport"),
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, sub(arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def bucket_policy(t: Template, ix: Index, bucket: LogBucket, trails: dict[str, str]) -> Json:
    arn = f"arn:aws:s3:::{bucket.name}"
    rels = ix.deliveries.get(bucket.id, [])
    sids = Sids()
    found: list[Json] = []
    for rel in rels:
        if rel.id in trails:
            found += org_trail_statements(t, ix, arn, trails[rel.id], sids)
    account_trails = [r for r in rels if r.id not in trails]
    builders = (
        (account_trails, LogType.CLOUDTRAIL, account_trail_statements),
        (rels, LogType.CONFIG, config_statements),
        (rels, LogType.VPC_FLOW_LOGS, flow_log_statements),
    )
    for chosen, kind, build in builders:
        for source in delivery_sources(ix, chosen, kind):
            found += build(t, ix.accounts[source], arn, sids)
    if bucket.organization_restricted_writes:
        restrict_trail_writes(found, t.organization_id(ix))
    found.append(ssl_deny(arn, sids))
    return {"Version": POLICY_VERSION, "Statement": found}


def restrict_trail_writes(statements: list[Json], organization: Json) -> None:
    """CloudTrail writes only from the organization (aws:SourceOrgID). The Config service
    principal takes no organization condition: its statements stay per source account."""
    for found in statements:
        if found["Principal"] == {"Service": CLOUDTRAIL} and found["Action"] == "s3:PutObject":
            condition = found["Condition"]
            equals = {**condition.get("StringEquals", {}), "aws:SourceOrgID": organization}
            found["Condition"] = {**condition, "StringEquals": equals}


def key_policy(t: Template, ix: Index, plan: KeyPlan, trails: dict[str, str]) -> Json:
    """The owning account administers the key; log services may use it for their sources."""
    rels = [r for b in plan.buckets for r in ix.deliveries.get(b.id, [])]
    own = t.account_id(t.home)
    found: list[Json] = [
        statement("AdministerKeyFromOwningAccount", {"AWS": sub("arn:aws:iam::", own, ":root")},
                  "kms:*", "*"),
    ]  # fmt: skip
    found += cloudtrail_key_statements(t, ix, rels, trails)
    for sid, service, actions, kind in (
        ("AllowConfigToEncryptDeliveries", CONFIG, ["kms:Decrypt", "kms:GenerateDataKey"],
         LogType.CONFIG),
        ("AllowLogDeliveryToEncryptFlowLogs", LOG_DELIVERY, FLOW_LOG_KEY_ACTIONS,
         LogType.VPC_FLOW_LOGS),
    ):  # fmt: skip
        sources = [t.account_id(ix.accounts[s]) for s in delivery_sources(ix, rels, kind)]
        if sources:
            condition = {"StringEquals": {"aws:SourceAccount": one_or_list(sources)}}
            found.append(statement(sid, {"Service": service}, actions, "*", Condition=condition))
    return {"Version": POLICY_VERSION, "Statement": found}


def cloudtrail_key_statements(
    t: Template, ix: Index, rels: list[LogDeliveryRelationship], trails: dict[str, str]
) -> list[Json]:
    arns: list[Json] = []
    contexts: list[Json] = []
    for rel in rels:
        if LogType.CLOUDTRAIL not in rel.log_types:
            continue
        if rel.id in trails:
            arns.append(org_trail_arn(t, ix, trails[rel.id]))
            owner = t.management_id(ix)
            contexts.append(sub("arn:aws:cloudtrail:*:", owner, ":trail/*"))
            continue
        for account in delivery_sources(ix, [rel], LogType.CLOUDTRAIL):
            owner = t.account_id(ix.accounts[account])
            arns.append(sub("arn:aws:cloudtrail:*:", owner, ":trail/*"))
            contexts.append(sub("arn:aws:cloudtrail:*:", owner, ":trail/*"))
    if not arns:
        return []
    principal = {"Service": CLOUDTRAIL}
    source = {"aws:SourceArn": one_or_list(unique_json(arns))}
    context = {"kms:EncryptionContext:aws:cloudtrail:arn": one_or_list(unique_json(contexts))}
    return [
        statement("AllowCloudTrailToEncryptLogs", principal, "kms:GenerateDataKey*", "*",
                  Condition={"StringLike": {**source, **context}}),
        statement("AllowCloudTrailToDescribeKey", principal, "kms:DescribeKey", "*",
                  Condition={"StringLike": source}),
    ]  # fmt: skip


def unique_json(values: list[Json]) -> list[Json]:
    return list({json.dumps(v, sort_keys=True): v for v in values}.values())


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


def bucket_resource(bucket: LogBucket, key: Json, access_logs: tuple[str, str] | None) -> Json:
    """The bucket; access_logs: the access-log bucket and its policy's logical ids."""
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
    resource: dict[str, Json] = {"Type": "AWS::S3::Bucket", **RETAIN}
    if bucket.access_logging and access_logs is not None:
        props["LoggingConfiguration"] = {
            "DestinationBucketName": ref(access_logs[0]),
            "LogFilePrefix": f"{bucket.name}/",
        }
        resource["DependsOn"] = [access_logs[1]]
    resource["Properties"] = props
    return resource


def access_log_bucket(t: Template, buckets: list[LogBucket]) -> tuple[str, str]:
    """One SSE-S3 bucket (server access logs cannot use SSE-KMS) receiving the stack's logs."""
    logical = t.logical_id("AccessLogBucket")
    t.resources[logical] = {
        "Type": "AWS::S3::Bucket",
        **RETAIN,
        "Properties": {
            "BucketName": sub("s3-access-logs-", ref("AWS::AccountId"), "-", ref("AWS::Region")),
            "VersioningConfiguration": {"Status": "Enabled"},
            "PublicAccessBlockConfiguration": PRIVATE,
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            "OwnershipControls": OWNER_ENFORCED,
        },
    }
    arn = {"Fn::GetAtt": [logical, "Arn"]}
    sources = [f"arn:aws:s3:::{b.name}" for b in buckets]
    sids = Sids()
    delivery = statement(
        sids("S3ServerAccessLogsPolicy"),
        {"Service": S3_LOGGING},
        "s3:PutObject",
        sub(arn, "/*"),
        Condition={
            "ArnLike": {"aws:SourceArn": one_or_list(sources)},
            "StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")},
        },
    )
    deny = ssl_deny(arn, sids)
    policy = t.logical_id(f"{logical}Policy")
    t.resources[policy] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": ref(logical),
            "PolicyDocument": {"Version": POLICY_VERSION, "Statement": [delivery, deny]},
        },
    }
    t.output(f"{logical}Name", ref(logical), "Server access log bucket")
    return logical, policy


def add_key(t: Template, ix: Index, plan: KeyPlan, trails: dict[str, str]) -> tuple[Json, str]:
    """The key (and its alias) of `plan`; returns the KMSMasterKeyID value and the output name."""
    if plan.arn is not None:
        return plan.arn, ""
    assert plan.alias is not None
    logical = t.logical_id("LogKey", plan.alias.removeprefix("alias/"))
    names = ", ".join(b.name for b in plan.buckets)
    t.resources[logical] = {
        "Type": "AWS::KMS::Key",
        **RETAIN,
        "Properties": {
            "Description": f"Encrypts the log buckets {names}"[:8000],
            "EnableKeyRotation": True,
            "KeyPolicy": key_policy(t, ix, plan, trails),
        },
    }
    t.resources[t.logical_id(f"{logical}Alias")] = {
        "Type": "AWS::KMS::Alias",
        "Properties": {"AliasName": plan.alias, "TargetKeyId": ref(logical)},
    }
    arn = {"Fn::GetAtt": [logical, "Arn"]}
    what = f"ARN of {plan.alias} (the organization trail's KMSKeyId)"
    return arn, t.output(f"{logical}Arn", arn, what)


def log_stack(ix: Index, account: Account, trails: dict[str, str], notes: Notes) -> LogStack:
    buckets = [b for b in ix.design.log_buckets if b.account == account.id]
    t = Template(
        f"Log archive of account {account.name}: log buckets, their bucket policies and KMS keys",
        home=account,
    )
    stack = LogStack(account, t)
    logged = [b for b in buckets if b.access_logging]
    access_logs = access_log_bucket(t, logged) if logged else None
    for plan in key_plans(buckets):
        key, output = add_key(t, ix, plan, trails)
        for bucket in plan.buckets:
            stack.key_outputs[bucket.id] = output
            logical = t.logical_id("LogBucket", bucket.name)
            t.resources[logical] = bucket_resource(bucket, key, access_logs)
            t.resources[t.logical_id(f"{logical}Policy")] = {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": ref(logical),
                    "PolicyDocument": bucket_policy(t, ix, bucket, trails),
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
        if bucket.kms_key and KMS_ARN.match(bucket.kms_key):
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
    if bucket.kms_key and KMS_ARN.match(bucket.kms_key):
        spec["Default"] = bucket.kms_key
    return t.parameter(("kms", bucket.id), "KMSKeyId", "", spec, f"${{KMSKeyId:{bucket.name}}}")


# -- log sources of every account of an OU (a StackSet) -------------------------------------------
# What a StackSet sets up in each account of a scoped delivery (the organization trail covers
# CloudTrail for the whole organization); other log types need per-resource settings.
STACKSET_LOG_TYPES = (LogType.CLOUDTRAIL, LogType.CONFIG)
CONFIG_ROLE = "aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"


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
        f"StackSet deploys it to {words}; see stacksets/targets.json"
    )
    key = trail_key(t, ix, bucket, logs)
    if LogType.CLOUDTRAIL in parts:
        trail = t.logical_id("AccountTrail")
        t.resources[trail] = {
            "Type": "AWS::CloudTrail::Trail",
            "Properties": {
                "TrailName": "account-trail",
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
        recorder = t.logical_id("ConfigRecorder")
        t.resources[recorder] = {
            "Type": "AWS::Config::ConfigurationRecorder",
            "Properties": {
                "RoleARN": sub("arn:aws:iam::", ref("AWS::AccountId"), f":role/{CONFIG_ROLE}"),
                "RecordingGroup": {"AllSupported": True, "IncludeGlobalResourceTypes": True},
            },
        }
        t.resources[t.logical_id("ConfigDeliveryChannel")] = {
            "Type": "AWS::Config::DeliveryChannel",
            "DependsOn": [recorder],
            "Properties": {"S3BucketName": bucket.name, "S3KmsKeyArn": key},
        }
    t.metadata["Prerequisites"] = [
        f"The log-archive stack with bucket {bucket.name} and its bucket policy exists, "
        "admitting each account of the scope",
        *(
            ["The AWS Config service-linked role exists in each account (aws iam "
             "create-service-linked-role --aws-service-name config.amazonaws.com)"]
            if LogType.CONFIG in parts
            else []
        ),
    ]  # fmt: skip
    return t


def delivery_entry(ix: Index, rel: LogDeliveryRelationship, path: str, t: Template) -> Json:
    skipped = [
        a for a in ix.scopes.excluded_in_scope(rel, rel.source) if a != ix.org.management_account
    ]
    return {
        "template": path,
        "stack_set_name": stack_set_name(path, ""),
        "log_types": [str(p) for p in delivery_parts(ix, rel)],
        "scope": ix.scopes.scope_words(rel.source, rel.excluded_accounts),
        "permission_model": "SERVICE_MANAGED",
        "capabilities": [],
        "auto_deployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False},
        "regions": ["${HomeRegion}"],
        "parameters": dict(t.placeholders),
        "deployment_targets": scope_targets(ix, rel.source, skipped),
        "accounts": [account_ref(ix.accounts[a]) for a in ix.scopes.stack_set_accounts(rel)],
    }


def delivery_stacks(out: Output, ix: Index, logs: dict[str, LogStack]) -> list[Json]:
    """A StackSet template per delivery from an OU (or the organization less some accounts, or
    the organization's AWS Config); returns their targets.json entries."""
    entries = []
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
            out.notes.add(
                "Not exported",
                f"{md(', '.join(rest))} of {md(words)}: set up per resource in each account "
                "(the bucket policy admits them)",
            )
        if not parts:
            continue
        t = delivery_template(ix, rel, parts, logs)
        path = out.ctx.unique_path(STACKSETS, delivery_stem(ix, rel), ".json")
        out.add(path, t, f"Log sources of {ix.scopes.label(rel.source)} for a StackSet")
        entries.append(delivery_entry(ix, rel, path, t))
        if ix.scopes.management_in_scope(rel):
            parts_words = ", ".join(map(str, parts))
            out.notes.add(
                "Manual steps",
                f"The management account lies in {md(ix.scopes.short(rel.source))}, but "
                f"StackSets never deploy there: deploy {code(path)} as a stack in it for its "
                f"{md(parts_words)}",
            )
    return entries


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


def principal(t: Template, ix: Index, rel: TrustRelationship) -> tuple[Json, str, bool] | str:
    """(Principal, action, is an AWS principal) for the trusted side, or why there is none."""
    party = ix.outside_principals.get(rel.source)
    if party is not None and party.kind != OutsideKind.EXTERNAL_ACCOUNT:
        return outside_principal(party)
    trusted = ix.accounts.get(rel.source) or party
    if trusted is not None:
        account = t.account_id(trusted)
        tail = f":role/{rel.principal_role_name}" if rel.principal_role_name else ":root"
        if (rel.source, rel.principal_role_name or "") in ix.sso_roles:
            tail = ":root"  # the permission-set role is matched in trust_conditions
        return {"AWS": sub("arn:aws:iam::", account, tail)}, "sts:AssumeRole", True
    if ix.scopes.is_scope(rel.source):  # any principal of it: aws:PrincipalOrgPaths / OrgID
        return {"AWS": "*"}, "sts:AssumeRole", True
    idp = ix.idps.get(rel.source)
    if idp is None:
        return f"its trusted side {ix.name(rel.source)!r} is not an account, party or provider"
    return idp_principal(t, ix, idp)


def outside_principal(party: OutsidePrincipal) -> tuple[Json, str, bool] | str:
    if party.kind == OutsideKind.SERVICE:
        return {"Service": party.service_principal}, "sts:AssumeRole", False
    if party.kind == OutsideKind.PARTNER_ORGANIZATION:
        return {"AWS": "*"}, "sts:AssumeRole", True  # with the partner's aws:PrincipalOrgID
    return (
        f'its trusted side {party.name!r} is anyone: Principal "*" without a condition would '
        "let everybody assume it"
    )


def saml_provider_name(idp: IdentityProvider) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", idp.name).strip("-")[:128] or "saml-provider"


def provider_note(ix: Index, rel: TrustRelationship, notes: Notes) -> None:
    """A federated principal names an IAM identity provider that must exist in the account."""
    idp = ix.idps.get(rel.source)
    if idp is None or idp.kind not in (IdentityProviderKind.SAML, IdentityProviderKind.OIDC):
        return
    name = saml_provider_name(idp) if idp.kind == IdentityProviderKind.SAML else idp.metadata_url
    notes.add(
        "Manual steps",
        f"Create the IAM {idp.kind.value.upper()} provider {md(name)} ({md(idp.name)}) in every "
        f"account that receives role {code(rel.role_name)}, before deploying the role",
    )


def idp_principal(t: Template, ix: Index, idp: IdentityProvider) -> tuple[Json, str, bool] | str:
    here = ref("AWS::AccountId")
    if idp.kind == IdentityProviderKind.SAML:
        arn = sub("arn:aws:iam::", here, f":saml-provider/{saml_provider_name(idp)}")
        return {"Federated": arn}, "sts:AssumeRoleWithSAML", False
    if idp.kind == IdentityProviderKind.OIDC:
        host = re.sub(r"^https://", "", idp.metadata_url.strip()).rstrip("/")
        if not OIDC_HOST.match(host):
            return f"OIDC provider {idp.name!r} has no usable issuer URL"
        arn = sub("arn:aws:iam::", here, f":oidc-provider/{host}")
        return {"Federated": arn}, "sts:AssumeRoleWithWebIdentity", False
    if idp.kind == IdentityProviderKind.DIRECTORY_SERVICE:
        return {"Service": "ds.amazonaws.com"}, "sts:AssumeRole", False
    return f"IAM Identity Center grants access through permission sets, not roles ({idp.name!r})"


def trust_conditions(
    t: Template, ix: Index, rel: TrustRelationship, action: str, aws_principal: bool
) -> dict[str, Json]:
    equals: dict[str, Json] = {}
    like: dict[str, Json] = {}
    idp = ix.idps.get(rel.source)
    party = ix.outside_principals.get(rel.source)
    scoped_source = ix.scopes.is_scope(rel.source)
    partner = party is not None and party.kind == OutsideKind.PARTNER_ORGANIZATION
    if action == "sts:AssumeRoleWithSAML":
        equals["SAML:aud"] = SAML_AUDIENCE
    elif action == "sts:AssumeRoleWithWebIdentity" and idp is not None:
        host = re.sub(r"^https://", "", idp.metadata_url.strip()).rstrip("/")
        spec = {"Description": f"Audience (client id) of OIDC provider {idp.name!r}",
                "MinLength": 1}  # fmt: skip
        equals[f"{host}:aud"] = t.parameter(
            ("aud", idp.id), "OidcAudience", idp.name, spec, f"${{OidcAudience:{idp.name}}}"
        )
        if rel.oidc_subjects:
            like[f"{host}:sub"] = (
                rel.oidc_subjects[0] if len(rel.oidc_subjects) == 1 else list(rel.oidc_subjects)
            )
    elif idp is not None:  # a directory: confused-deputy guard on the service principal
        home = ix.accounts.get(idp.home_account or "")
        equals["aws:SourceAccount"] = t.account_id(home) if home else ref("AWS::AccountId")
    elif party is not None and party.kind == OutsideKind.SERVICE and rel.source_account_condition:
        equals["aws:SourceAccount"] = ref("AWS::AccountId")  # for this account's resources
    if rel.external_id:
        equals["sts:ExternalId"] = rel.external_id
    if partner and party is not None:
        equals["aws:PrincipalOrgID"] = party.organization_id
    elif rel.source == ix.org.id or (
        rel.organization_scoped and aws_principal and rel.source in ix.accounts
    ):
        equals["aws:PrincipalOrgID"] = t.organization_id(ix)
    conditions: dict[str, Json] = {}
    if ix.scopes.mfa(rel):
        conditions["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
    if equals:
        conditions["StringEquals"] = equals
    if like:
        conditions["StringLike"] = like
    if scoped_source and rel.source != ix.org.id:
        conditions["ForAnyValue:StringLike"] = {
            "aws:PrincipalOrgPaths": [org_path(t, ix, rel.source)]
        }
    if scoped_source:
        skipped = ix.scopes.excluded_in_scope(rel, rel.source)
        if skipped:
            ids = [t.account_id(ix.accounts[a]) for a in skipped]
            conditions["StringNotEquals"] = {"aws:PrincipalAccount": one_or_list(ids)}
    role = rel.principal_role_name or ""
    if aws_principal and (rel.source, role) in ix.sso_roles:
        account = t.account_id(ix.accounts[rel.source])
        pattern = sub("arn:aws:iam::", account, f":{reserved_role_resource(role)}")
        conditions["ArnLike"] = {"aws:PrincipalArn": pattern}
    elif role and (scoped_source or partner):  # Principal "*": the one role by its ARN
        members = ix.scopes.members(rel.source) if scoped_source else ()
        sso = any((a, role) in ix.sso_roles for a in members)
        tail = reserved_role_resource(role) if sso else f"role/{role}"
        conditions["ArnLike"] = {"aws:PrincipalArn": f"arn:aws:iam::*:{tail}"}
    return conditions


def org_path(t: Template, ix: Index, scope: str) -> Json:
    """o-.../r-.../ou-.../*: the aws:PrincipalOrgPaths pattern of everything in an OU."""
    parts: list[Json] = [t.organization_id(ix), "/", t.container_id(ix, Index.ROOT)]
    for unit in ix.scopes.chain(scope):
        parts += ["/", t.container_id(ix, unit)]
    return sub(*parts, "/*")


def permissions(rel: TrustRelationship) -> tuple[list[str], list[Json]]:
    """(ManagedPolicyArns, inline Policies) for the trust's access level."""
    level = rel.access_level
    if level in LEVEL_POLICIES:
        return [MANAGED + LEVEL_POLICIES[level]], []
    if level == AccessLevel.CUSTOM:
        return list(rel.managed_policy_arns), []
    managed = [MANAGED + SERVICE_FULL_ACCESS[s] for s in rel.services if s in SERVICE_FULL_ACCESS]
    others = [s for s in rel.services if s not in SERVICE_FULL_ACCESS]
    inline: list[Json] = []
    if others:
        document = {
            "Version": POLICY_VERSION,
            "Statement": [
                {
                    "Sid": "AdministerServices",
                    "Effect": "Allow",
                    "Action": [f"{s}:*" for s in others],
                    "Resource": "*",
                }
            ],
        }
        inline.append({"PolicyName": "ServiceAdministration", "PolicyDocument": document})
    return managed, inline


def role_resource(t: Template, ix: Index, rel: TrustRelationship) -> Json | str:
    """The AWS::IAM::Role of a trust, or the reason it cannot be expressed."""
    found = principal(t, ix, rel)
    if isinstance(found, str):
        return found
    who, action, aws_principal = found
    trust: dict[str, Json] = {"Effect": "Allow", "Principal": who, "Action": action}
    conditions = trust_conditions(t, ix, rel, action, aws_principal)
    if conditions:
        trust["Condition"] = conditions
    managed, inline = permissions(rel)
    purpose = iam_text(rel.purpose) or iam_text(
        f"{rel.access_level} access for {ix.name(rel.source)}"
    )
    props: dict[str, Json] = {
        "RoleName": rel.role_name,
        "Description": literal(purpose),
        "AssumeRolePolicyDocument": {"Version": POLICY_VERSION, "Statement": [trust]},
    }
    if managed:
        props["ManagedPolicyArns"] = managed
    if inline:
        props["Policies"] = inline
    props["MaxSessionDuration"] = rel.max_session_duration
    return {"Type": "AWS::IAM::Role", "Properties": props}


def role_groups(ix: Index, notes: Notes) -> tuple[list[RoleGroup], list[TrustRelationship]]:
    """StackSet role groups (management account left out) and the management account's trusts.

    A trust to an OU or the organization is one group of its own: one StackSet whose target is
    that OU (or the root) with auto-deployment. Trusts drawn account by account are grouped by
    role_key and their OU targets inferred (deployments)."""
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
            group = RoleGroup(rel, accounts, scope=rel.target, trusts=[rel.id])
            groups[("scope", rel.id)] = group
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
        key = role_key(rel)
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


def deployments(ix: Index, accounts: list[str]) -> list[Json]:
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
    found: list[Json] = []
    if chosen:
        found.append(
            {
                "organizational_units": [ix.placeholder(c) for c in chosen],
                "account_filter_type": "NONE",
            }
        )
    if rest:
        parents = unique(ix.containers(ix.accounts[a])[0] for a in rest)
        found.append(
            {
                "organizational_units": [
                    ix.placeholder(c) for c in sorted(parents, key=lambda c: ix.order[c])
                ],
                "account_filter_type": "INTERSECTION",
                "accounts": [account_ref(ix.accounts[a]) for a in rest],
            }
        )
    return found


def account_ref(account: Account) -> dict[str, str]:
    return {"name": account.name, "account_id": account_placeholder(account)}


def role_template(ix: Index, group: RoleGroup, notes: Notes) -> Template | None:
    rel = group.trust
    where = "deploy as a service-managed StackSet (stacksets/targets.json)"
    if group.scope is not None:
        where = (
            "one service-managed StackSet with auto-deployment deploys it to "
            f"{ix.scopes.scope_words(group.scope, rel.excluded_accounts)}; see "
            "stacksets/targets.json"
        )
    t = Template(
        f"Cross-account role {rel.role_name} ({rel.access_level}) trusted by "
        f"{ix.name(rel.source)}; {where}"
    )
    resource = role_resource(t, ix, rel)
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


def scope_targets(ix: Index, scope: str, skipped: list[str]) -> list[Json]:
    """The one OU (or the root) of a scoped relationship, less the accounts it skips."""
    container = Index.ROOT if scope == ix.org.id else scope
    target: dict[str, Json] = {
        "organizational_units": [ix.placeholder(container)],
        "account_filter_type": "DIFFERENCE" if skipped else "NONE",
    }
    if skipped:
        target["accounts"] = [account_ref(ix.accounts[a]) for a in skipped]
    return [target]


def stack_set_entry(ix: Index, group: RoleGroup, path: str, t: Template, notes: Notes) -> Json:
    rel = group.trust
    if group.scope is not None:
        targets = scope_targets(ix, group.scope, ix.scopes.stack_set_skipped(rel))
        automatic = True
    else:
        targets = deployments(ix, group.accounts)
        automatic = all(d["account_filter_type"] == "NONE" for d in targets)
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
        "regions": ["${HomeRegion}"],
        "parameters": dict(t.placeholders),
        "deployment_targets": targets,
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
def scp_targets(t: Template, ix: Index, scp: ServiceControlPolicy) -> list[Json]:
    found: list[Json] = []
    if scp.id in ix.org.root_scps:
        found.append(t.container_id(ix, Index.ROOT))
    found += [t.container_id(ix, o.id) for o in ix.design.organizational_units if scp.id in o.scps]
    found += [t.account_id(a) for a in ix.design.accounts if scp.id in a.scps]
    return found


def scp_template(ix: Index, notes: Notes) -> Template | None:
    t = Template(
        f"Service control policies of {ix.org.name}; deploy as a stack in the management account"
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
        props |= {"Type": "SERVICE_CONTROL_POLICY", "Content": scp.document}
        targets = scp_targets(t, ix, scp)
        if targets:
            props["TargetIds"] = targets
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
        return [sub("arn:aws:organizations::", mgmt, ":organization/", org)], False
    ou = t.container_id(ix, rel.target)
    return [sub("arn:aws:organizations::", mgmt, ":ou/", org, "/", ou)], False


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

    def add(self, path: str, t: Template, purpose: str) -> None:
        body = t.as_dict()
        self.pending.append((path, body, purpose))
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
        for logical, resource in t.resources.items():
            if resource["Type"] == "AWS::S3::BucketPolicy":
                length = len(json.dumps(resource["Properties"]["PolicyDocument"]))
                if length > MAX_BUCKET_POLICY:
                    self.notes.add(
                        "Limits and conflicts",
                        f"{code(path)}: {logical} is about {length} bytes, over the 20 KB bucket "
                        "policy limit (one set of Config statements per source account)",
                    )

    def write(self) -> None:
        for path, data, purpose in self.pending:
            self.ctx.write_json(path, data, FORMAT, purpose)


def log_stacks(out: Output, ix: Index, trails: dict[str, str]) -> dict[str, LogStack]:
    stacks: dict[str, LogStack] = {}
    owners = unique(b.account for b in ix.design.log_buckets)
    for account in ix.design.accounts:
        if account.id in owners:
            stack = log_stack(ix, account, trails, out.notes)
            stack.path = out.ctx.unique_path(FOLDER, f"log-archive-{account.name}", ".json")
            out.add(
                stack.path,
                stack.template,
                f"Log buckets, bucket policies and KMS keys of {account.name}",
            )
            stacks[account.id] = stack
    return stacks


def trail_stacks(out: Output, ix: Index, trails: dict[str, str], logs: dict[str, LogStack]) -> None:
    where = ix.management.name if ix.management else "the management account"
    for rels in ix.deliveries.values():
        for rel in rels:
            if rel.id in trails:
                t = trail_stack(ix, rel, trails[rel.id], logs)
                path = out.ctx.unique_path(FOLDER, "organization-trail", ".json")
                out.add(path, t, f"Organization trail, deployed in {where}")


def role_stack_sets(
    ix: Index, notes: Notes
) -> tuple[list[tuple[RoleGroup, Template, str]], list[TrustRelationship]]:
    """(group, template, file stem) of every StackSet role template, and the trusts of the
    management account. The plan names the same files through planned_stack_sets."""
    groups, management = role_groups(ix, notes)
    built = [(g, role_template(ix, g, notes)) for g in groups]
    ready = [(g, t) for g, t in built if t is not None]
    per_name = Counter(group.trust.role_name for group, _ in ready)
    found = []
    for group, template in ready:
        rel = group.trust
        stem = rel.role_name
        if per_name[rel.role_name] > 1:  # one role name, several trusted sides or scopes
            stem = f"{rel.role_name}-from-{ix.name(rel.source)}"
            if group.scope is not None:
                stem += f"-to-{ix.scopes.label(group.scope)}"
        found.append((group, template, stem))
    return found, management


def role_stacks(out: Output, ix: Index) -> list[Json]:
    """The role templates; returns their targets.json entries."""
    stack_sets, management = role_stack_sets(ix, out.notes)
    t = management_roles(ix, management, out.notes)
    if t is not None:
        path = out.ctx.unique_path(FOLDER, "management-account-roles", ".json")
        out.add(path, t, "Cross-account roles in the management account")
    entries = []
    for group, template, stem in stack_sets:
        rel = group.trust
        path = out.ctx.unique_path(STACKSETS, stem, ".json")
        out.add(path, template, f"Role {rel.role_name} for a service-managed StackSet")
        entries.append(stack_set_entry(ix, group, path, template, out.notes))
    return entries


def unique_stack_set_names(entries: list[Json]) -> None:
    """File names are unique; their StackSet names may meet once cleaned ('a.b', 'a-b')."""
    taken: set[str] = set()
    for entry in entries:
        name, n = entry["stack_set_name"], 2
        while name.lower() in taken:
            name, n = f"{entry['stack_set_name']}-{n}", n + 1
        taken.add(name.lower())
        entry["stack_set_name"] = name


def run_parts(out: Output, ix: Index) -> None:
    trails = trail_names(ix)
    logs = log_stacks(out, ix, trails)
    trail_stacks(out, ix, trails, logs)
    targets_path = out.ctx.unique_path(STACKSETS, "targets", ".json")
    entries = role_stacks(out, ix)
    entries += delivery_stacks(out, ix, logs)
    if entries:
        unique_stack_set_names(entries)
        manifest = {"design": ix.design.name, "stack_sets": entries}
        purpose = "StackSet deployment targets per template"
        out.pending.append((targets_path, manifest, purpose))
    scps = scp_template(ix, out.notes)
    if scps is not None:
        path = out.ctx.unique_path(FOLDER, "organization-policies", ".json")
        out.add(path, scps, "Service control policies, deployed in the management account")
    for source_id, rels in shares_by_source(ix, ResourceType.SERVICE_CATALOG_PORTFOLIO).items():
        t = share_template(ix, ix.accounts[source_id], rels, out.notes)
        if t is not None:
            name = ix.accounts[source_id].name
            path = out.ctx.unique_path(FOLDER, f"service-catalog-shares-{name}", ".json")
            out.add(path, t, f"Service Catalog portfolio shares of {name}")
    for source_id, rels in shares_by_source(ix, ResourceType.RAM_SHARE).items():
        t = ram_template(ix, ix.accounts[source_id], rels, out.notes)
        if t is not None:
            name = ix.accounts[source_id].name
            path = out.ctx.unique_path(FOLDER, f"ram-shares-{name}", ".json")
            out.add(path, t, f"AWS RAM resource shares of {name}")


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


@exporter(FORMAT, "CloudFormation templates and StackSet targets")
def run(ctx: ExportContext) -> None:
    ix = Index(ctx.design)
    out = Output(ctx)
    notes_path = ctx.unique_path(FOLDER, "notes", ".md")
    run_parts(out, ix)
    out.write()
    ctx.write_text(notes_path, out.notes.markdown(ctx.design), FORMAT, "Notes on the templates")
