"""The IAM, bucket, key and service control policies of a design, built once for every export
format (the plain-JSON policies/, the CloudFormation templates, the plan) and for the rules that
check their sizes.

The policies export writes them under policies/:

- roles/<account>/<role>.json: one file per IAM role a trust or federation creates, with its trust
  policy, the managed policies attached by access level, inline least-privilege policies and
  MaxSessionDuration. Several relationships into one role name of one account make one role.
  A trust to an OU or the organization is one file, roles/ou-<path>/ or roles/organization/,
  with "Account": "*" and "DeployedTo" (the scope, its accounts now, the excluded ones): the
  template of the StackSet that deploys it. A trusted side that is an OU or the organization is
  Principal "*" bound by aws:PrincipalOrgPaths / aws:PrincipalOrgID; an external account is its
  root or role (sts:ExternalId), a partner organization Principal "*" with its
  aws:PrincipalOrgID, a service its service principal with aws:SourceAccount. A trust of anyone
  is never written (notes.md says so). People only are asked for MFA: a workload cannot.
- identity-policies/<trusted account>/assume-<role>-in-<account>.json: the policy the trusted side
  attaches to its principals, allowing sts:AssumeRole on exactly that role ARN.
- buckets/<bucket>-policy.json and keys/<bucket>-key-policy.json: the documented CloudTrail
  organization-trail and AWS Config delivery statements, an SSL-only deny, organization-restricted
  writes, and the KMS key policy of the bucket's key.
- scps/<name>.json and scps/attachments.json: the design's own SCP documents and the guardrails the
  usage policy calls for that the SCPs at the root do not already give, each at most 5,120
  characters, with at most 5 SCPs per target (FullAWSAccess included).
- notes.md: the placeholders left for planned accounts and the points to settle by hand.

Planned accounts have no id: ARNs carry "${AccountId:<account name>}" instead, listed in notes.md.
build_policies() returns the same documents for other exporters (CloudFormation, the plan).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from designer.artefacts.identity_center import identity_center_roles, reserved_role_resource
from designer.artefacts.policy_documents import size
from designer.artefacts.protections import (
    CLOUDTRAIL_ACTIONS,
    CONFIG_ACTIONS,
    DETECTIVE_CONTROLS,
    EXTERNAL_SHARES,
    LEAVE_ORGANIZATION,
    ORGANIZATION_ACCESS_ROLE,
    REGION_RESTRICTION,
    ROOT_RESTRICTION,
    denial,
    role_guards,
)
from designer.artefacts.quotas import MAX_ATTACHED_SCPS, MAX_SCP_CHARACTERS
from designer.artefacts.scoping import ExportScopes, outside_words
from designer.model.errors import DesignError, one_line
from designer.model.nodes import Account, IdentityProvider, OutsidePrincipal
from designer.model.vocabulary import (
    AccessLevel,
    AccountFunction,
    FederationProtocol,
    IdentityProviderKind,
    LogType,
    OutsideKind,
    PrincipalScope,
    PrincipalType,
    ResourceType,
)
from designer.support.names import safe_name

if TYPE_CHECKING:
    from designer.model.design import Design
    from designer.model.governance import LogBucket, ServiceControlPolicy
    from designer.model.relationships import (
        FederationRelationship,
        LogDeliveryRelationship,
        TrustRelationship,
    )

Statement = dict[str, Any]
Document = dict[str, Any]

FORMAT = "policies"
FOLDER = "policies"
VERSION = "2012-10-17"
# The roles guardrails spare: the administrator role Organizations creates in new accounts and
# the roles service-managed StackSets deploy through (else they cannot create audit roles).
PRIVILEGED_ROLE_ARNS = [
    "arn:aws:iam::*:role/OrganizationAccountAccessRole",
    "arn:aws:iam::*:role/stacksets-exec-*",
]
ORGANIZATION_TRAIL_NAME = "organization-trail"
ACCOUNT_TRAIL_NAME = "account-trail"
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"
FULL_AWS_ACCESS = "FullAWSAccess"
GENERATED_SCP_NAME = "GeneratedGuardrails"
ORGANIZATION_PLACEHOLDER = "${OrganizationId}"
REGION_PLACEHOLDER = "${HomeRegion}"
ROOT_PLACEHOLDER = "${RootId}"
# A role deployed to every account of an OU or the organization: the id of each of them (the
# StackSet template says AWS::AccountId).
EACH_ACCOUNT = "${AccountId}"
MAX_BUCKET_POLICY = 20 * 1024
MAX_KEY_POLICY = 32 * 1024
AWS_POLICY = "arn:aws:iam::aws:policy/"
CLOUDTRAIL_PRINCIPAL = "cloudtrail.amazonaws.com"
CONFIG_PRINCIPAL = "config.amazonaws.com"
LOG_DELIVERY_PRINCIPAL = "delivery.logs.amazonaws.com"  # VPC flow logs to S3
FLOW_LOG_KEY_ACTIONS = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
]
GENERATED_LOG_TYPES = (LogType.CLOUDTRAIL, LogType.CONFIG, LogType.VPC_FLOW_LOGS)
OWNER_FULL_CONTROL = "bucket-owner-full-control"

MANAGED_BY_LEVEL: dict[AccessLevel, str] = {
    AccessLevel.READ_ONLY: f"{AWS_POLICY}ReadOnlyAccess",
    AccessLevel.SECURITY_AUDIT: f"{AWS_POLICY}SecurityAudit",
    AccessLevel.IAM_ADMIN: f"{AWS_POLICY}IAMFullAccess",
    AccessLevel.ADMINISTRATOR: f"{AWS_POLICY}AdministratorAccess",
}
# AWS managed "<Service>FullAccess" policies for service-admin roles; other services get an
# inline "<service>:*" policy.
SERVICE_FULL_ACCESS: dict[str, str] = {
    "ec2": f"{AWS_POLICY}AmazonEC2FullAccess",
    "rds": f"{AWS_POLICY}AmazonRDSFullAccess",
    "s3": f"{AWS_POLICY}AmazonS3FullAccess",
    "route53": f"{AWS_POLICY}AmazonRoute53FullAccess",
    "cloudtrail": f"{AWS_POLICY}AWSCloudTrail_FullAccess",
    "dynamodb": f"{AWS_POLICY}AmazonDynamoDBFullAccess",
    "lambda": f"{AWS_POLICY}AWSLambda_FullAccess",
    "sns": f"{AWS_POLICY}AmazonSNSFullAccess",
    "sqs": f"{AWS_POLICY}AmazonSQSFullAccess",
    "vpc": f"{AWS_POLICY}AmazonVPCFullAccess",
    "iam": f"{AWS_POLICY}IAMFullAccess",
    "cloudformation": f"{AWS_POLICY}AWSCloudFormationFullAccess",
}
AUDIT_LEVELS = (AccessLevel.READ_ONLY, AccessLevel.SECURITY_AUDIT)
ROLE_CHANGE_ACTIONS = [
    "iam:AttachRolePolicy",
    "iam:DeleteRole",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
]
DETECTIVE_ACTIONS = [
    "access-analyzer:DeleteAnalyzer",
    "ec2:DeleteFlowLogs",
    "guardduty:DeleteDetector",
    "guardduty:DisassociateFromAdministratorAccount",
    "guardduty:UpdateDetector",
    "securityhub:DisableSecurityHub",
    "securityhub:DisassociateFromAdministratorAccount",
]
# Services without Regions (or with global endpoints) spared by the region restriction, as in
# the AWS Control Tower region deny control.
GLOBAL_SERVICES = [
    "a4b:*",
    "acm:*",
    "aws-marketplace-management:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "budgets:*",
    "ce:*",
    "chime:*",
    "cloudfront:*",
    "config:*",
    "cur:*",
    "directconnect:*",
    "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways",
    "fms:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "importexport:*",
    "kms:*",
    "mobileanalytics:*",
    "networkmanager:*",
    "organizations:*",
    "pricing:*",
    "route53:*",
    "route53domains:*",
    "s3:GetAccountPublic*",
    "s3:ListAllMyBuckets",
    "s3:PutAccountPublic*",
    "shield:*",
    "sso:*",
    "sts:*",
    "support:*",
    "trustedadvisor:*",
    "waf-regional:*",
    "waf:*",
    "wafv2:*",
]
NOT_PRIVILEGED = {"ArnNotLike": {"aws:PrincipalARN": PRIVILEGED_ROLE_ARNS}}


# -- the result ---------------------------------------------------------------------------------
@dataclass
class Role:
    """One IAM role in one account, gathered from every relationship that names it."""

    account: str  # the 12-digit id or its placeholder
    account_name: str
    name: str
    trust: list[Statement] = field(default_factory=list)
    managed: list[str] = field(default_factory=list)
    inline: list[Document] = field(default_factory=list)
    max_session: int = 3600
    deployed_to: Document | None = None  # a role deployed to every account of a scope

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account}:role/{self.name}"

    def document(self) -> Document:
        where: Document = {"DeployedTo": self.deployed_to} if self.deployed_to else {}
        return {
            "RoleName": self.name,
            "Account": self.account,
            **where,
            "TrustPolicy": {"Version": VERSION, "Statement": self.trust},
            "ManagedPolicyArns": self.managed,
            "InlinePolicies": self.inline,
            "MaxSessionDuration": self.max_session,
        }


@dataclass(frozen=True)
class IdentityPolicy:
    """What the trusted account attaches to the principal that assumes a role elsewhere."""

    account_name: str
    role: str
    target_name: str
    document: Document


@dataclass(frozen=True)
class BucketPolicies:
    bucket: LogBucket
    bucket_policy: Document
    key_policy: Document


@dataclass(frozen=True)
class Scp:
    name: str
    document: Document
    generated: bool


@dataclass(frozen=True)
class Attachment:
    type: str  # AWS Organizations target type: ROOT, ORGANIZATIONAL_UNIT, ACCOUNT
    name: str
    design_id: str
    policies: list[str]
    account_id: str | None = None

    def document(self) -> Document:
        data: Document = {"Type": self.type, "Name": self.name, "DesignId": self.design_id}
        if self.account_id is not None:
            data["AccountId"] = self.account_id
        data["Policies"] = self.policies
        return data


class Notes:
    """Placeholders left in the files and points to settle by hand, each listed once."""

    def __init__(self) -> None:
        self.placeholders: dict[str, str] = {}
        self.points: dict[str, None] = {}

    def placeholder(self, text: str, meaning: str) -> str:
        self.placeholders.setdefault(text, meaning)
        return text

    def point(self, text: str) -> None:
        self.points.setdefault(text, None)

    def markdown(self, design_name: str) -> str:
        lines = [f"# Policies exported from {md(design_name)}", ""]
        lines += ["## Placeholders to replace before deploying", ""]
        if self.placeholders:
            lines += [f"- {md(k)}: {v}" for k, v in self.placeholders.items()]
        else:
            lines.append("None: every account, organization and Region is known.")
        lines += ["", "## Points to settle by hand", ""]
        lines += [f"- {p}" for p in self.points] or ["None."]
        return "\n".join(lines) + "\n"


@dataclass
class PolicySet:
    roles: list[Role]
    identity_policies: list[IdentityPolicy]
    buckets: list[BucketPolicies]
    scps: list[Scp]
    attachments: list[Attachment]
    notes: Notes


def md(text: str) -> str:
    """User text in notes.md: one line, shown as code so Markdown and HTML are not obeyed."""
    return "`" + one_line(text).replace("`", "'") + "`"


def _one_or_many(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


def _policy(*statements: Statement) -> Document:
    return {"Version": VERSION, "Statement": list(statements)}


# -- looking things up --------------------------------------------------------------------------
class _Lookup:
    """Ids to entities, and the account ids, organization id and Region written into ARNs."""

    def __init__(self, design: Design, notes: Notes) -> None:
        self.design = design
        self.notes = notes
        self.accounts = {a.id: a for a in design.accounts}
        self.idps = {i.id: i for i in design.identity_providers}
        self.outside_principals = {t.id: t for t in design.outside_principals}
        self.sso_roles = identity_center_roles(design)
        self.scopes = ExportScopes(design)
        self._region: str | None = None

    def account_id(self, node: Account | OutsidePrincipal) -> str:
        if node.aws_account_id:
            return node.aws_account_id
        what = "planned account" if isinstance(node, Account) else "external account"
        text = f"${{AccountId:{one_line(node.name)}}}"
        return self.notes.placeholder(
            text, f"the 12-digit AWS account id of {what} {md(node.name)}"
        )

    def ids_of(self, account_ids: Iterable[str]) -> list[str]:
        return [self.account_id(self.accounts[a]) for a in account_ids if a in self.accounts]

    def each_account(self) -> str:
        return self.notes.placeholder(
            EACH_ACCOUNT,
            "the id of each account a role deployed to an OU or the organization lands in "
            "(AWS::AccountId in the StackSet template)",
        )

    def organization_id(self) -> str:
        org_id = self.design.organization.organization_id
        if org_id:
            return org_id
        return self.notes.placeholder(
            ORGANIZATION_PLACEHOLDER, "the organization id (o-...) once the organization exists"
        )

    def org_path(self, scope_id: str) -> str:
        """The aws:PrincipalOrgPaths / aws:ResourceOrgPaths pattern of everything in a scope:
        o-.../r-.../ou-.../*, the OU and root ids as placeholders (a design does not hold them)."""
        parts = [self.organization_id()]
        parts.append(self.notes.placeholder(ROOT_PLACEHOLDER, "the organization root's id (r-...)"))
        for unit in self.scopes.chain(scope_id):
            path = one_line(self.scopes.ou_path(unit))
            parts.append(
                self.notes.placeholder(f"${{OuId:{path}}}", f"the id of OU {md(path)} (ou-...)")
            )
        return "/".join(parts) + "/*"

    @property
    def management(self) -> Account | None:
        return self.accounts.get(self.design.organization.management_account or "")

    def region(self) -> str:
        """The home Region of the trails: the first allowed Region, else management's first."""
        if self._region is None:
            mgmt = self.management
            regions = self.design.usage_policy.allowed_regions or (mgmt.regions if mgmt else [])
            self._region = regions[0] if regions else REGION_PLACEHOLDER
            if not regions:
                self.notes.placeholder(
                    REGION_PLACEHOLDER, "the home Region of the trails (no allowed Region is set)"
                )
        return self._region


# -- roles: trust and permissions ---------------------------------------------------------------
class _Roles:
    def __init__(self, lookup: _Lookup) -> None:
        self.lookup = lookup
        self.by_key: dict[tuple[str, ...], Role] = {}
        # (account id, role name) -> the key of the role definition that lands there: IAM role
        # names are unique per account, so a second definition of one name cannot coexist.
        self.placed: dict[tuple[str, str], tuple[str, ...]] = {}

    def conflict(self, rel: TrustRelationship) -> str | None:
        """The account where `rel` would create a role another definition already creates there
        (a scoped role with other exclusions, a per-account role of the same name), else None;
        the first definition placed is kept."""
        scopes = self.lookup.scopes
        key = self.key(rel)
        scoped = scopes.is_scope(rel.target)
        landing = scopes.stack_set_accounts(rel) if scoped else (rel.target,)
        clash = next((a for a in landing if self.placed.get((a, rel.role_name), key) != key), None)
        if clash is None:
            for account in landing:
                self.placed[(account, rel.role_name)] = key
        return clash

    def key(self, rel: TrustRelationship) -> tuple[str, ...]:
        if self.lookup.scopes.is_scope(rel.target):
            return (rel.target, rel.role_name, *sorted(rel.excluded_accounts))
        return (rel.target, rel.role_name)

    def get(self, account: Account, name: str) -> Role:
        key: tuple[str, ...] = (account.id, name)
        if key not in self.by_key:
            self.by_key[key] = Role(self.lookup.account_id(account), account.name, name)
        return self.by_key[key]

    def deployed(self, rel: TrustRelationship) -> Role:
        """The role a trust deploys to every account of its target OU (or the organization)."""
        scopes = self.lookup.scopes
        key = self.key(rel)
        if key not in self.by_key:
            where: Document = {
                "Scope": scopes.label(rel.target),
                "AccountsNow": len(scopes.stack_set_accounts(rel)),
                "FutureAccounts": True,
            }
            skipped = scopes.stack_set_skipped(rel)
            if skipped:
                where["ExcludedAccounts"] = self.lookup.ids_of(skipped)
            if scopes.management_in_scope(rel):
                where["NotInManagementAccount"] = True
            self.by_key[key] = Role("*", scopes.label(rel.target), rel.role_name, deployed_to=where)
        return self.by_key[key]

    def add_trust(self, role: Role, statement: Statement) -> None:
        if statement not in role.trust:
            role.trust.append(statement)


def _conditions(string_equals: dict[str, Any], mfa: bool) -> dict[str, Any]:
    condition: dict[str, Any] = {}
    if string_equals:
        condition["StringEquals"] = string_equals
    if mfa:
        condition["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
    return condition


def _assume(principal: Any, condition: dict[str, Any]) -> Statement:
    statement: Statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return statement


def _aws_trust(
    lookup: _Lookup, rel: TrustRelationship, source: Account | OutsidePrincipal
) -> Statement:
    """sts:AssumeRole for a role of the trusted account (or its root) with the conditions."""
    trusted = lookup.account_id(source)
    principal = f"arn:aws:iam::{trusted}:root"
    arn_like: dict[str, str] = {}
    if rel.principal_scope == PrincipalScope.ROLE and rel.principal_role_name:
        if (rel.source, rel.principal_role_name) in lookup.sso_roles:
            resource = reserved_role_resource(rel.principal_role_name)
            arn_like["aws:PrincipalArn"] = f"arn:aws:iam::{trusted}:{resource}"
        else:
            principal = f"arn:aws:iam::{trusted}:role/{rel.principal_role_name}"
    string_equals: dict[str, str] = {}
    if rel.organization_scoped:
        if isinstance(source, Account):
            string_equals["aws:PrincipalOrgID"] = lookup.organization_id()
        else:
            lookup.notes.point(
                f"Role {md(rel.role_name)}: {md(source.name)} is outside the "
                "organization, so no aws:PrincipalOrgID condition was written."
            )
    if rel.external_id:
        string_equals["sts:ExternalId"] = rel.external_id
    condition = _conditions(string_equals, lookup.scopes.mfa(rel))
    if arn_like:
        condition["ArnLike"] = arn_like
    return _assume({"AWS": principal}, condition)


def _principal_role(lookup: _Lookup, rel: TrustRelationship, accounts: Iterable[str]) -> str | None:
    """The aws:PrincipalArn pattern of the one role of any account that may assume the role
    (an Identity Center permission set's role by its reserved path)."""
    if rel.principal_scope != PrincipalScope.ROLE or not rel.principal_role_name:
        return None
    name = rel.principal_role_name
    if any((a, name) in lookup.sso_roles for a in accounts):
        return f"arn:aws:iam::*:{reserved_role_resource(name)}"
    return f"arn:aws:iam::*:role/{name}"


def _scope_trust(lookup: _Lookup, rel: TrustRelationship) -> Statement:
    """Any principal of an OU (aws:PrincipalOrgPaths) or of the organization (aws:PrincipalOrgID):
    Principal "*" is only ever written with that condition."""
    scopes = lookup.scopes
    condition: dict[str, Any] = {}
    equals: dict[str, str] = {}
    if rel.source == scopes.root:
        equals["aws:PrincipalOrgID"] = lookup.organization_id()
    else:
        condition["ForAnyValue:StringLike"] = {
            "aws:PrincipalOrgPaths": [lookup.org_path(rel.source)]
        }
    if rel.external_id:
        equals["sts:ExternalId"] = rel.external_id
    condition |= _conditions(equals, scopes.mfa(rel))
    skipped = lookup.ids_of(scopes.excluded_in_scope(rel, rel.source))
    if skipped:
        condition["StringNotEquals"] = {"aws:PrincipalAccount": _one_or_many(skipped)}
    role = _principal_role(lookup, rel, scopes.members(rel.source))
    if role:
        condition["ArnLike"] = {"aws:PrincipalArn": role}
    return _assume({"AWS": "*"}, condition)


def _outside_trust(
    lookup: _Lookup, rel: TrustRelationship, party: OutsidePrincipal, here: str
) -> Statement:
    """An external account by its root or role; a partner organization by aws:PrincipalOrgID;
    a service by its service principal for this account's resources (aws:SourceAccount)."""
    if party.kind == OutsideKind.EXTERNAL_ACCOUNT:
        return _aws_trust(lookup, rel, party)
    if party.kind == OutsideKind.SERVICE:
        service = party.service_principal or ""
        if not rel.source_account_condition:  # as designed; IAM-03 reports the missing guard
            return _assume({"Service": service}, {})
        return _assume({"Service": service}, {"StringEquals": {"aws:SourceAccount": here}})
    # A partner organization: any principal of it, never anyone else.
    equals = {"aws:PrincipalOrgID": party.organization_id or ""}
    if rel.external_id:
        equals["sts:ExternalId"] = rel.external_id
    condition = _conditions(equals, lookup.scopes.mfa(rel))
    role = _principal_role(lookup, rel, ())
    if role:
        condition["ArnLike"] = {"aws:PrincipalArn": role}
    return _assume({"AWS": "*"}, condition)


def _oidc_issuer(lookup: _Lookup, idp: IdentityProvider) -> str:
    """The issuer as IAM names an OIDC provider: host and path, no scheme, no trailing '/'."""
    url = urlparse(idp.metadata_url.strip())
    issuer = re.sub(r"[^A-Za-z0-9._/-]+", "", f"{url.netloc}{url.path}".rstrip("/"))
    if issuer:
        return issuer
    return lookup.notes.placeholder(
        f"${{OidcIssuer:{one_line(idp.name)}}}",
        f"the issuer host of OIDC provider {md(idp.name)} (its metadata URL is empty)",
    )


def _federated_trust(
    lookup: _Lookup, idp: IdentityProvider, account: str, subjects: list[str] | None = None
) -> Statement | None:
    """AssumeRoleWithSAML / AssumeRoleWithWebIdentity with the documented audience condition
    (and, for OIDC, the token subjects admitted: without them every subject of the provider,
    e.g. every repository on GitHub, could assume the role)."""
    if idp.kind == IdentityProviderKind.SAML:
        name = safe_name(idp.name, "saml-provider")
        return {
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{account}:saml-provider/{name}"},
            "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": SAML_AUDIENCE}},
        }
    if idp.kind == IdentityProviderKind.OIDC:
        issuer = _oidc_issuer(lookup, idp)
        audience = lookup.notes.placeholder(
            f"${{OidcAudience:{one_line(idp.name)}}}",
            f"the client id (audience) that OIDC provider {md(idp.name)} puts in its tokens",
        )
        return {
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{account}:oidc-provider/{issuer}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {f"{issuer}:aud": audience},
                **({"StringLike": {f"{issuer}:sub": _one_or_many(subjects)}} if subjects else {}),
            },
        }
    return None


def _service_managed(idp: IdentityProvider, where: str, roles: Iterable[str]) -> str:
    center = idp.kind == IdentityProviderKind.IDENTITY_CENTER
    kind = "IAM Identity Center" if center else "AWS Directory Service"
    listed = ", ".join(md(r) for r in roles) or "(none named)"
    return (
        f"{kind} {md(idp.name)} signs users in to {where} with roles it "
        f"manages itself ({listed}): set them up in {kind}; no trust policy was written."
    )


def _permissions(rel: TrustRelationship) -> tuple[list[str], list[Document]]:
    """Managed policy ARNs by access level; an inline least-privilege policy where none fits."""
    if rel.access_level == AccessLevel.CUSTOM:
        return list(rel.managed_policy_arns), []
    if rel.access_level != AccessLevel.SERVICE_ADMIN:
        return [MANAGED_BY_LEVEL[rel.access_level]], []
    managed = [SERVICE_FULL_ACCESS[s] for s in rel.services if s in SERVICE_FULL_ACCESS]
    others = [s for s in rel.services if s not in SERVICE_FULL_ACCESS]
    inline = []
    if others:
        statement = {
            "Sid": "AdministerServices",
            "Effect": "Allow",
            "Action": [f"{s}:*" for s in others],
            "Resource": "*",
        }
        inline.append({"PolicyName": "ServiceAdministration", "PolicyDocument": _policy(statement)})
    return managed, inline


def _merge_permissions(role: Role, rel: TrustRelationship) -> None:
    managed, inline = _permissions(rel)
    role.managed += [arn for arn in managed if arn not in role.managed]
    for policy in inline:
        current = next((p for p in role.inline if p["PolicyName"] == policy["PolicyName"]), None)
        if current is None:
            role.inline.append(policy)
            continue
        actions = current["PolicyDocument"]["Statement"][0]["Action"]
        actions += [
            a for a in policy["PolicyDocument"]["Statement"][0]["Action"] if a not in actions
        ]
    role.max_session = max(role.max_session, rel.max_session_duration)


def _identity_policy(lookup: _Lookup, rel: TrustRelationship, role: Role) -> IdentityPolicy:
    """sts:AssumeRole on exactly the role: its ARN, or for a role deployed to a scope its name
    in the accounts of that scope (aws:ResourceOrgPaths / aws:ResourceOrgID)."""
    scopes = lookup.scopes
    statement: Statement = {"Sid": "AssumeRole", "Effect": "Allow", "Action": "sts:AssumeRole"}
    statement["Resource"] = role.arn
    if role.deployed_to is not None:
        condition: dict[str, Any] = {}
        if rel.target == scopes.root:
            condition["StringEquals"] = {"aws:ResourceOrgID": lookup.organization_id()}
        else:
            paths = [lookup.org_path(rel.target)]
            condition["ForAnyValue:StringLike"] = {"aws:ResourceOrgPaths": paths}
        skipped = lookup.ids_of(scopes.stack_set_skipped(rel))
        if skipped:
            condition["StringNotEquals"] = {"aws:ResourceAccount": _one_or_many(skipped)}
        statement["Condition"] = condition
    source = scopes.label(rel.source)
    return IdentityPolicy(source, role.name, scopes.label(rel.target), _policy(statement))


def _trust_statement(
    lookup: _Lookup, rel: TrustRelationship, here: str, where: str
) -> Statement | None:
    """The trust policy statement for the trusted side of `rel`; `here` is the id of the account
    the role lives in (a placeholder for a role deployed to a scope), `where` its name."""
    source = rel.source
    idp = lookup.idps.get(source)
    if idp is not None:
        statement = _federated_trust(lookup, idp, here, rel.oidc_subjects)
        if statement is None:
            lookup.notes.point(_service_managed(idp, where, [rel.role_name]))
        elif rel.require_mfa or rel.organization_scoped:
            lookup.notes.point(
                f"Role {md(rel.role_name)} in {where}: sessions federated by "
                f"{md(idp.name)} carry neither MFA nor organization context; enforce MFA "
                "at the identity provider."
            )
        return statement
    if source in lookup.accounts:
        return _aws_trust(lookup, rel, lookup.accounts[source])
    party = lookup.outside_principals.get(source)
    if party is not None:
        return _outside_trust(lookup, rel, party, here)
    if lookup.scopes.is_scope(source):
        return _scope_trust(lookup, rel)
    return None


def _trust_roles(
    lookup: _Lookup, roles: _Roles, rels: list[TrustRelationship]
) -> list[IdentityPolicy]:
    identity: dict[tuple[str, str], IdentityPolicy] = {}
    scopes = lookup.scopes
    for rel in rels:
        blocked = scopes.blocked_trust(rel)
        if blocked is not None:
            lookup.notes.point(f"Not written: {md(blocked.what)}: {blocked.why}")
            continue
        scoped = scopes.is_scope(rel.target)
        if scoped:
            here, where = EACH_ACCOUNT, md(scopes.scope_words(rel.target))
        elif rel.target in lookup.accounts:
            target = lookup.accounts[rel.target]
            here, where = lookup.account_id(target), f"account {md(target.name)}"
        else:
            continue
        clash = roles.conflict(rel)
        if clash is not None:
            lookup.notes.point(
                f"Not written: role {md(rel.role_name)} of {md(scopes.label(rel.source))} in "
                f"{where}: account {md(scopes.name(clash))} already gets another role of that "
                "name (IAM role names are unique per account); merge the trusts (same "
                "exclusions) or rename one role."
            )
            continue
        statement = _trust_statement(lookup, rel, here, where)
        if statement is None:
            continue
        if EACH_ACCOUNT in json.dumps(statement):
            lookup.each_account()
        role = roles.deployed(rel) if scoped else roles.get(target, rel.role_name)
        roles.add_trust(role, statement)
        _merge_permissions(role, rel)
        _trust_notes(lookup, rel, role)
        if rel.source in lookup.accounts or scopes.is_scope(rel.source):
            where_key = f"{rel.target}/{role.name}" if scoped else role.arn  # arn has "*"
            identity.setdefault((rel.source, where_key), _identity_policy(lookup, rel, role))
    return list(identity.values())


def _trust_notes(lookup: _Lookup, rel: TrustRelationship, role: Role) -> None:
    scopes = lookup.scopes
    name = f"Role {md(role.name)} in {md(role.account_name)}"
    if rel.require_mfa and rel.principal_type == PrincipalType.WORKLOAD:
        lookup.notes.point(
            f"{name}: its principal type is workload, which cannot present an MFA code, so "
            "no aws:MultiFactorAuthPresent condition was written although MFA is required."
        )
    if role.deployed_to is not None:
        lookup.notes.point(
            f"{name} is deployed to {md(scopes.scope_words(rel.target, rel.excluded_accounts))} "
            "by one service-managed StackSet with auto-deployment; the file is its template "
            f"({md(EACH_ACCOUNT)} is each account's id)."
        )
        if scopes.management_in_scope(rel):
            lookup.notes.point(f"{name}: {md(scopes.management_words(rel))}.")
    party = lookup.outside_principals.get(rel.source)
    if party is not None and party.kind == OutsideKind.SERVICE:
        guard = (
            "for the resources of its own account only (aws:SourceAccount)"
            if rel.source_account_condition
            else "with no aws:SourceAccount guard, as designed (see rule IAM-03)"
        )
        lookup.notes.point(f"{name} is assumed by {md(outside_words(party))} {guard}.")
    elif party is not None:
        lookup.notes.point(
            f"{name} is trusted by {md(outside_words(party))}, outside the organization: "
            "give them the role ARN; they keep their side's policy themselves."
        )
    if scopes.is_scope(rel.source):
        words = scopes.scope_words(rel.source, rel.excluded_accounts)
        key = "aws:PrincipalOrgID" if rel.source == scopes.root else "aws:PrincipalOrgPaths"
        lookup.notes.point(
            f'{name} trusts any principal of {md(words)}: Principal "*" only with {key}.'
        )


def _federation_roles(lookup: _Lookup, roles: _Roles, rels: list[FederationRelationship]) -> None:
    for rel in rels:
        idp = lookup.idps.get(rel.source)
        target = lookup.accounts.get(rel.target)
        if idp is None or target is None:
            continue
        if rel.protocol in (FederationProtocol.SAML, FederationProtocol.OIDC):
            statement = _federated_trust(lookup, idp, lookup.account_id(target), rel.oidc_subjects)
        else:
            statement = None
        if statement is None:
            lookup.notes.point(
                _service_managed(idp, f"account {md(target.name)}", rel.mapped_roles)
            )
            continue
        for name in rel.mapped_roles:
            roles.add_trust(roles.get(target, name), statement)


def _permissionless(roles: Iterable[Role], notes: Notes) -> None:
    for role in roles:
        if not role.managed and not role.inline:
            notes.point(
                f"Role {md(role.name)} in {md(role.account_name)} (federated sign-in) has no "
                "permissions in the design: attach the identity policies under "
                f"identity-policies/ that name it, or the managed policies its users need."
            )


# -- log buckets and their keys -----------------------------------------------------------------
@dataclass
class _Deliveries:
    """What the deliveries into one bucket ask of its policies."""

    organization_trail: bool = False
    account_trails: list[str] = field(default_factory=list)  # source account ids
    config_sources: list[str] = field(default_factory=list)  # source account ids
    flow_log_sources: list[str] = field(default_factory=list)
    other_types: list[str] = field(default_factory=list)


def _deliveries(
    lookup: _Lookup, rels: list[LogDeliveryRelationship], bucket: LogBucket
) -> _Deliveries:
    """The organization trail for the whole organization; for an OU (or the organization less
    some accounts) the trails, Config and flow logs of its member accounts, one by one."""
    found = _Deliveries()
    scopes = lookup.scopes
    for rel in rels:
        if scopes.is_scope(rel.source):
            sources = _scope_sources(lookup, rel, bucket)
        elif rel.source in lookup.accounts:
            sources = [lookup.account_id(lookup.accounts[rel.source])]
        else:
            continue
        if LogType.CLOUDTRAIL in rel.log_types:
            if scopes.organization_wide(rel):
                found.organization_trail = True
            else:
                found.account_trails += sources
        if LogType.CONFIG in rel.log_types:
            found.config_sources += sources
        if LogType.VPC_FLOW_LOGS in rel.log_types:
            found.flow_log_sources += sources
        found.other_types += [t.value for t in rel.log_types if t not in GENERATED_LOG_TYPES]
    found.account_trails = list(dict.fromkeys(found.account_trails))
    found.config_sources = list(dict.fromkeys(found.config_sources))
    found.flow_log_sources = list(dict.fromkeys(found.flow_log_sources))
    found.other_types = list(dict.fromkeys(found.other_types))
    return found


def _scope_sources(lookup: _Lookup, rel: LogDeliveryRelationship, bucket: LogBucket) -> list[str]:
    """The ids of the accounts a scoped delivery covers now; statements for the ones without an
    id, and for accounts that join the scope later, are added when they exist."""
    scopes = lookup.scopes
    members = [lookup.accounts[a] for a in scopes.members(rel.source, rel.excluded_accounts)]
    known = [a.aws_account_id for a in members if a.aws_account_id]
    per_account = [t.value for t in rel.log_types if t != LogType.CLOUDTRAIL]
    if scopes.organization_wide(rel) and not per_account:
        return known  # the organization trail alone: no per-account statement
    words = scopes.scope_words(rel.source, rel.excluded_accounts)
    trail = [] if scopes.organization_wide(rel) else [LogType.CLOUDTRAIL.value]
    types = ", ".join(t.value for t in rel.log_types if t.value in [*trail, *per_account])
    missing = len(members) - len(known)
    lacking = f"; {missing} of them have no id yet" if missing else ""
    lookup.notes.point(
        f"Bucket {md(bucket.name)}: the {types} delivery of {md(words)} is admitted account by "
        f"account (the service principals take no OU condition){lacking}: add the statements "
        "of accounts that join later, before the StackSet reaches them."
    )
    return known


def _trail_arn(lookup: _Lookup, account: str, name: str) -> str:
    return f"arn:aws:cloudtrail:{lookup.region()}:{account}:trail/{name}"


def _organization_trail_arn(lookup: _Lookup, fallback: str) -> str:
    mgmt = lookup.management
    owner = lookup.account_id(mgmt) if mgmt else fallback
    return _trail_arn(lookup, owner, ORGANIZATION_TRAIL_NAME)


def _cloudtrail_statements(
    lookup: _Lookup, bucket: LogBucket, found: _Deliveries, owner: str
) -> list[Statement]:
    """The documented organization-trail statements, then one write per account trail."""
    arn = f"arn:aws:s3:::{bucket.name}"
    service = {"Service": CLOUDTRAIL_PRINCIPAL}
    org_trail = _organization_trail_arn(lookup, owner)
    writes: list[tuple[str, str, str]] = []  # Sid, AWSLogs/<folder>, trail ARN
    if found.organization_trail:
        mgmt = lookup.management
        mgmt_id = lookup.account_id(mgmt) if mgmt else owner
        writes.append(("AWSCloudTrailWrite20150319", mgmt_id, org_trail))
        writes.append(
            ("AWSCloudTrailOrganizationWrite20150319", lookup.organization_id(), org_trail)
        )
    for n, account in enumerate(found.account_trails, 1):
        writes.append((f"AWSCloudTrailAccountWrite{n}", account, _account_trail(lookup, account)))
    if not writes:
        return []
    trails = list(dict.fromkeys(w[2] for w in writes))
    statements: list[Statement] = [
        {
            "Sid": "AWSCloudTrailAclCheck20150319",
            "Effect": "Allow",
            "Principal": service,
            "Action": "s3:GetBucketAcl",
            "Resource": arn,
            "Condition": {"StringEquals": {"aws:SourceArn": _one_or_many(trails)}},
        }
    ]
    for sid, folder, trail in writes:
        condition = {"s3:x-amz-acl": OWNER_FULL_CONTROL, "aws:SourceArn": trail}
        if bucket.organization_restricted_writes:
            condition["aws:SourceOrgID"] = lookup.organization_id()
        statements.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:PutObject",
                "Resource": f"{arn}/AWSLogs/{folder}/*",
                "Condition": {"StringEquals": condition},
            }
        )
    return statements


def _account_trail(lookup: _Lookup, account: str) -> str:
    return _trail_arn(lookup, account, ACCOUNT_TRAIL_NAME)


def _sid_suffix(source: str, n: int) -> str:
    """Statement ids name the source account, or its position while the id is a placeholder."""
    return source if source.isdigit() else f"Account{n}"


def _flow_log_statements(bucket: LogBucket, sources: list[str]) -> list[Statement]:
    """The VPC user guide's log-delivery statements for each source account."""
    arn = f"arn:aws:s3:::{bucket.name}"
    service = {"Service": LOG_DELIVERY_PRINCIPAL}
    statements: list[Statement] = []
    for n, source in enumerate(sources, 1):
        suffix = _sid_suffix(source, n)
        from_logs = {"aws:SourceArn": f"arn:aws:logs:*:{source}:*"}
        statements += [
            {
                "Sid": f"AWSLogDeliveryWrite{suffix}",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:PutObject",
                "Resource": f"{arn}/AWSLogs/{source}/*",
                "Condition": {
                    "StringEquals": {
                        "aws:SourceAccount": source,
                        "s3:x-amz-acl": OWNER_FULL_CONTROL,
                    },
                    "ArnLike": from_logs,
                },
            },
            {
                "Sid": f"AWSLogDeliveryAclCheck{suffix}",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:GetBucketAcl",
                "Resource": arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": source}, "ArnLike": from_logs},
            },
        ]
    return statements


def _config_statements(bucket: LogBucket, sources: list[str]) -> list[Statement]:
    """The three documented AWS Config statements for each source account."""
    arn = f"arn:aws:s3:::{bucket.name}"
    service = {"Service": CONFIG_PRINCIPAL}
    statements: list[Statement] = []
    for n, source in enumerate(sources, 1):
        suffix = _sid_suffix(source, n)
        same_account = {"StringEquals": {"AWS:SourceAccount": source}}
        statements += [
            {
                "Sid": f"AWSConfigBucketPermissionsCheck{suffix}",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:GetBucketAcl",
                "Resource": arn,
                "Condition": same_account,
            },
            {
                "Sid": f"AWSConfigBucketExistenceCheck{suffix}",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:ListBucket",
                "Resource": arn,
                "Condition": same_account,
            },
            {
                "Sid": f"AWSConfigBucketDelivery{suffix}",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:PutObject",
                "Resource": f"{arn}/AWSLogs/{source}/Config/*",
                "Condition": {
                    "StringEquals": {
                        "s3:x-amz-acl": OWNER_FULL_CONTROL,
                        "AWS:SourceAccount": source,
                    }
                },
            },
        ]
    return statements


def _ssl_only(bucket: LogBucket) -> Statement:
    arn = f"arn:aws:s3:::{bucket.name}"
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _key_policy(lookup: _Lookup, found: _Deliveries, owner: str) -> Document:
    """The owner's root administers the key; CloudTrail and Config encrypt for their sources."""
    statements: list[Statement] = [
        {
            "Sid": "EnableOwnerAccountAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{owner}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    trails = [_account_trail(lookup, a) for a in found.account_trails]
    if found.organization_trail:
        trails.insert(0, _organization_trail_arn(lookup, owner))
    if trails:
        trail = _one_or_many(trails)
        statements += [
            {
                "Sid": "AllowCloudTrailEncryptLogs",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "aws:SourceArn": trail,
                        "kms:EncryptionContext:aws:cloudtrail:arn": trail,
                    }
                },
            },
            {
                "Sid": "AllowCloudTrailDescribeKey",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
                "Action": "kms:DescribeKey",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceArn": trail}},
            },
        ]
    if found.config_sources:
        statements.append(
            {
                "Sid": "AllowConfigEncryptDelivery",
                "Effect": "Allow",
                "Principal": {"Service": CONFIG_PRINCIPAL},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"AWS:SourceAccount": _one_or_many(found.config_sources)}
                },
            }
        )
    if found.flow_log_sources:
        statements.append(
            {
                "Sid": "AllowLogDeliveryEncryptFlowLogs",
                "Effect": "Allow",
                "Principal": {"Service": LOG_DELIVERY_PRINCIPAL},
                "Action": FLOW_LOG_KEY_ACTIONS,
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": _one_or_many(found.flow_log_sources)}
                },
            }
        )
    return _policy(*statements)


def _bucket_policies(
    lookup: _Lookup, bucket: LogBucket, rels: list[LogDeliveryRelationship]
) -> BucketPolicies:
    notes = lookup.notes
    owner_account = lookup.accounts.get(bucket.account)
    owner = lookup.account_id(owner_account) if owner_account else "${AccountId:bucket owner}"
    found = _deliveries(lookup, rels, bucket)
    statements = _cloudtrail_statements(lookup, bucket, found, owner)
    statements += _config_statements(bucket, found.config_sources)
    statements += _flow_log_statements(bucket, found.flow_log_sources)
    statements.append(_ssl_only(bucket))
    bucket_policy = _policy(*statements)
    key_policy = _key_policy(lookup, found, owner)
    name = md(bucket.name)
    if found.other_types:
        kinds = ", ".join(found.other_types)
        notes.point(
            f"Bucket {name} also receives {kinds}: their delivery statements (for example "
            "delivery.logs.amazonaws.com) are not generated; add them by hand."
        )
    for label, document, limit in (
        ("bucket policy", bucket_policy, MAX_BUCKET_POLICY),
        ("key policy", key_policy, MAX_KEY_POLICY),
    ):
        if size(document) > limit:
            notes.point(
                f"The {label} of bucket {name} is {size(document):,} characters, over the "
                f"{limit:,} AWS accepts: deliver Config of many accounts through an aggregator "
                "or split the sources over several buckets."
            )
    if bucket.organization_restricted_writes and found.config_sources:
        notes.point(
            f"Bucket {name}: the AWS Config statements are limited per source account "
            "(AWS:SourceAccount); the Config service principal takes no organization condition."
        )
    if bucket.kms_key is None:
        notes.point(f"Bucket {name} names no KMS key: create one with its key policy (SSE-KMS).")
    return BucketPolicies(bucket, bucket_policy, key_policy)


# -- service control policies -------------------------------------------------------------------
def _deny(sid: str, actions: str | list[str], condition: dict[str, Any] | None = None) -> Statement:
    statement: Statement = {"Sid": sid, "Effect": "Deny", "Action": actions, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return statement


def _audit_role_names(lookup: _Lookup) -> list[str]:
    """Roles the security team reaches member accounts through; OrganizationAccountAccessRole."""
    names: dict[str, None] = {}
    management = lookup.design.organization.management_account
    for rel in lookup.design.relationships:
        if rel.kind != "trust" or rel.target == management:
            continue
        source = lookup.accounts.get(rel.source)
        from_security = source is not None and AccountFunction.SECURITY_TOOLING in source.functions
        if (from_security and rel.access_level in AUDIT_LEVELS) or (
            rel.role_name == ORGANIZATION_ACCESS_ROLE
        ):
            names.setdefault(rel.role_name, None)
    return list(names)


def _unguarded(names: list[str], root_policies: list[ServiceControlPolicy]) -> list[str]:
    guards = [p for policy in root_policies for p in role_guards(policy.document)]
    return [
        n
        for n in names
        if not any(fnmatch.fnmatchcase(f"arn:aws:iam::123456789012:role/{n}", g) for g in guards)
    ]


def _guardrails(lookup: _Lookup, root_policies: list[ServiceControlPolicy]) -> list[Statement]:
    """Deny statements for the protections the SCPs at the root do not give yet."""
    documents = [p.document for p in root_policies if p.document]

    def given(*protections: Any) -> bool:
        return all(any(p.provided_by(d) for d in documents) for p in protections)

    wanted: list[tuple[bool, Statement]] = [
        (
            given(*LEAVE_ORGANIZATION),
            _deny("DenyLeaveOrganization", "organizations:LeaveOrganization"),
        ),
        (
            given(*(denial(a) for a in CLOUDTRAIL_ACTIONS)),
            _deny("ProtectCloudTrail", sorted(CLOUDTRAIL_ACTIONS), NOT_PRIVILEGED),
        ),
        (
            given(*(denial(a) for a in CONFIG_ACTIONS)),
            _deny("ProtectConfig", sorted(CONFIG_ACTIONS), NOT_PRIVILEGED),
        ),
        (
            given(*DETECTIVE_CONTROLS),
            _deny("ProtectDetectiveControls", DETECTIVE_ACTIONS, NOT_PRIVILEGED),
        ),
    ]
    statements = [s for done, s in wanted if not done]
    roles = _unguarded(_audit_role_names(lookup), root_policies)
    if roles:
        statement = _deny("ProtectAuditRoles", ROLE_CHANGE_ACTIONS, NOT_PRIVILEGED)
        statement["Resource"] = [f"arn:aws:iam::*:role/{n}" for n in roles]
        statements.append(statement)
    regions = lookup.design.usage_policy.allowed_regions
    if regions and not given(REGION_RESTRICTION):
        statements.append(_region_restriction(regions))
    if not given(ROOT_RESTRICTION):
        root = {"ArnLike": {"aws:PrincipalARN": "arn:aws:iam::*:root"}}
        statements.append(_deny("DenyRootUser", "*", root))
    if not given(*EXTERNAL_SHARES):
        external: dict[str, Any] = {"Bool": {"ram:RequestedAllowsExternalPrincipals": "true"}}
        publishers = _external_publishers(lookup)
        if publishers:  # the design's own shares outside the organization stay possible
            external["StringNotEquals"] = {"aws:PrincipalAccount": _one_or_many(publishers)}
        ram = ["ram:CreateResourceShare", "ram:UpdateResourceShare"]
        statements.append(_deny("DenyExternalRamShares", ram, external))
    return statements


def _external_publishers(lookup: _Lookup) -> list[str]:
    """Ids of the accounts whose RAM shares go outside the organization (by design)."""
    found: dict[str, None] = {}
    for rel in lookup.design.relationships:
        if rel.kind != "resource-share" or rel.resource_type != ResourceType.RAM_SHARE:
            continue
        party = lookup.outside_principals.get(rel.target)
        source = lookup.accounts.get(rel.source)
        if party is None or source is None or party.kind == OutsideKind.ANYONE:
            continue
        found.setdefault(lookup.account_id(source), None)
        lookup.notes.point(
            f"{md(source.name)} shares {md(rel.ram_resource_type or 'resources')} with "
            f"{md(outside_words(party))}, outside the organization: the generated guardrail "
            "DenyExternalRamShares spares that account (aws:PrincipalAccount) and no other."
        )
    return list(found)


def _region_restriction(regions: list[str]) -> Statement:
    return {
        "Sid": "DenyOutsideAllowedRegions",
        "Effect": "Deny",
        "NotAction": GLOBAL_SERVICES,
        "Resource": "*",
        "Condition": {
            "StringNotEquals": {"aws:RequestedRegion": regions},
            **NOT_PRIVILEGED,
        },
    }


def _fitted(statement: Statement) -> Iterator[Statement]:
    """The statement, or its Resource list split in halves until each part fits in one SCP."""
    resources = statement.get("Resource")
    if size(_policy(statement)) <= MAX_SCP_CHARACTERS or not isinstance(resources, list):
        yield statement
        return
    if len(resources) < 2:
        raise DesignError(f"SCP statement {statement.get('Sid')} alone exceeds 5,120 characters")
    half = len(resources) // 2
    for n, part in enumerate((resources[:half], resources[half:]), 1):
        yield from _fitted({**statement, "Sid": f"{statement['Sid']}{n}", "Resource": part})


def _packed(statements: list[Statement]) -> list[list[Statement]]:
    """Statements in order, as few SCPs as possible, each within the size quota."""
    policies: list[list[Statement]] = []
    for statement in (part for s in statements for part in _fitted(s)):
        if policies and size(_policy(*policies[-1], statement)) <= MAX_SCP_CHARACTERS:
            policies[-1].append(statement)
        else:
            policies.append([statement])
    return policies


def _generated_names(base: str, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    n = 1
    while len(names) < count:
        name = base if n == 1 else f"{base}-{n}"
        if name not in taken:
            names.append(name)
        n += 1
    return names


class _ScpPlan:
    """The design's SCP documents, the generated guardrails and where each is attached."""

    def __init__(self, lookup: _Lookup) -> None:
        self.lookup = lookup
        design = lookup.design
        self.by_id = {p.id: p for p in design.service_control_policies}
        self.placeholders = [
            p for p in design.service_control_policies if p.document is None and not p.aws_managed
        ]
        for policy in design.service_control_policies:
            if size(policy.document) > MAX_SCP_CHARACTERS:
                raise DesignError(
                    f"SCP {policy.name!r} is {size(policy.document):,} characters long, over "
                    f"the {MAX_SCP_CHARACTERS:,} AWS accepts: shorten it or split it in two"
                )
        root = [self.by_id[i] for i in design.organization.root_scps if i in self.by_id]
        packed = _packed(_guardrails(lookup, root))
        base = self.placeholders[0].name if self.placeholders else GENERATED_SCP_NAME
        others = {p.name for p in design.service_control_policies if p not in self.placeholders}
        names = _generated_names(base, len(packed), others)
        self.generated = [Scp(n, _policy(*s), True) for n, s in zip(names, packed, strict=True)]

    def policies(self) -> list[Scp]:
        own = [
            Scp(p.name, p.document, False)
            for p in self.lookup.design.service_control_policies
            if p.document is not None
        ]
        return own + self.generated

    def _names(self, attached: list[str], at_root: bool) -> list[str]:
        names = [] if self._has_full_access(attached) else [FULL_AWS_ACCESS]
        placeholder_ids = {p.id for p in self.placeholders}
        inserted = False
        for policy_id in attached:
            policy = self.by_id.get(policy_id)
            if policy is None:
                continue
            if policy_id in placeholder_ids:
                if not inserted:
                    names += [s.name for s in self.generated]
                    inserted = True
            else:
                names.append(policy.name)
        if at_root and not inserted and not self._placeholders_attached():
            names += [s.name for s in self.generated]
        return names

    def _has_full_access(self, attached: list[str]) -> bool:
        return any(
            self.by_id[i].aws_managed and self.by_id[i].name == FULL_AWS_ACCESS
            for i in attached
            if i in self.by_id
        )

    def _placeholders_attached(self) -> bool:
        design = self.lookup.design
        ids = {p.id for p in self.placeholders}
        holders = [design.organization.root_scps] + [u.scps for u in design.organizational_units]
        holders += [a.scps for a in design.accounts]
        return any(ids.intersection(h) for h in holders)

    def attachments(self) -> list[Attachment]:
        design = self.lookup.design
        org = design.organization
        found = [Attachment("ROOT", "Root", org.id, self._names(org.root_scps, True))]
        found += [
            Attachment("ORGANIZATIONAL_UNIT", u.name, u.id, self._names(u.scps, False))
            for u in design.organizational_units
        ]
        found += [
            Attachment(
                "ACCOUNT", a.name, a.id, self._names(a.scps, False), self.lookup.account_id(a)
            )
            for a in design.accounts
            if a.scps
        ]
        for target in found:
            _check_quota(target, bool(self.generated))
        return found

    def note(self, notes: Notes) -> None:
        notes.point(
            f"{FULL_AWS_ACCESS} (AWS managed) stays attached to the root and to every OU and "
            "account (deny-list strategy); it counts towards the 5 SCPs per target."
        )
        if self.generated:
            names = ", ".join(md(s.name) for s in self.generated)
            spared = " and ".join(md(arn) for arn in PRIVILEGED_ROLE_ARNS)
            notes.point(
                f"Generated guardrails {names} deny what the usage policy asks and the SCPs at "
                f"the root do not yet deny, sparing {spared}: keep those roles for "
                "administrators and StackSets (or change the exception) and try the guardrails "
                "in the Policy Staging OU first."
            )
        for extra in self.placeholders[1:]:
            notes.point(
                f"SCP {md(extra.name)} has no document: the generated guardrails are exported "
                f"as {md(self.placeholders[0].name)}; {md(extra.name)} is left out."
            )
        if self.placeholders and not self.generated:
            notes.point(
                f"SCP {md(self.placeholders[0].name)} has no document and there was nothing "
                "to generate: the SCPs at the root already give every guardrail."
            )
        aws_managed = [
            p.name
            for p in self.lookup.design.service_control_policies
            if p.aws_managed and p.document is None and p.name != FULL_AWS_ACCESS
        ]
        for name in aws_managed:
            notes.point(f"SCP {md(name)} is AWS managed: attach it by name, no file is written.")


def _check_quota(target: Attachment, generated: bool) -> None:
    if len(target.policies) <= MAX_ATTACHED_SCPS:
        return
    label = (
        "the root"
        if target.type == "ROOT"
        else (
            f"OU {target.name!r}"
            if target.type == "ORGANIZATIONAL_UNIT"
            else f"account {target.name!r}"
        )
    )
    why = " with the generated guardrails" if generated and target.type == "ROOT" else ""
    raise DesignError(
        f"{label} would have {len(target.policies)} SCPs attached{why} "
        f"({', '.join(target.policies)}), over the quota of {MAX_ATTACHED_SCPS} per target: "
        "merge SCPs or move some to an OU or account below"
    )


# -- putting it together ------------------------------------------------------------------------
def build_policies(design: Design) -> PolicySet:
    """Every policy document of the design, in design order (the same design gives the same set)."""
    notes = Notes()
    lookup = _Lookup(design, notes)
    roles = _Roles(lookup)
    trusts = [r for r in design.relationships if r.kind == "trust"]
    identity = _trust_roles(lookup, roles, trusts)
    _federation_roles(lookup, roles, [r for r in design.relationships if r.kind == "federation"])
    _permissionless(roles.by_key.values(), notes)
    into: dict[str, list[LogDeliveryRelationship]] = {}
    for rel in design.relationships:
        if rel.kind == "log-delivery" and rel.bucket is not None:
            into.setdefault(rel.bucket, []).append(rel)
    buckets = [_bucket_policies(lookup, b, into.get(b.id, [])) for b in design.log_buckets]
    plan = _ScpPlan(lookup)
    attachments = plan.attachments()
    plan.note(notes)
    _general_notes(notes, buckets, identity)
    return PolicySet(
        list(roles.by_key.values()), identity, buckets, plan.policies(), attachments, notes
    )


def _general_notes(
    notes: Notes, buckets: list[BucketPolicies], identity: list[IdentityPolicy]
) -> None:
    statements = [s for b in buckets for s in b.bucket_policy["Statement"]]
    if any(s["Sid"].startswith("AWSCloudTrail") for s in statements):
        notes.point(
            f"Trail names are assumed: {md(ORGANIZATION_TRAIL_NAME)} for the organization trail "
            f"(owned by the management account) and {md(ACCOUNT_TRAIL_NAME)} for account "
            "trails; the bucket and key policies name them in aws:SourceArn."
        )
    if any(p.account_name.startswith(("OU ", "Organization")) for p in identity):
        notes.point(
            "Files under identity-policies/ou-<path>/ and identity-policies/organization/ go "
            "to every account of that OU or of the organization (a StackSet to the same scope "
            "can deploy them as managed policies)."
        )
    if identity:
        notes.point(
            "Attach each file under identity-policies/<account>/ to the role its trust names "
            "(principal role) in that account, or to the users and roles that need it when the "
            "trust names the account root."
        )
        notes.point(
            "A role ARN in a trust policy must exist when the policy is saved: create the "
            "trusted roles before the roles that trust them."
        )
