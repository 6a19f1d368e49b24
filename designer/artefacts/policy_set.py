"""The IAM, bucket, key and service control policies of a design, built once for every export
format (the plain-JSON policies/, the CloudFormation templates, the plan) and for the rules that
check their sizes.

The policies export writes them under policies/:

- roles/<account>/<role>.json: one file per IAM role a trust or federation creates, with its trust
  policy, the managed policies attached by access level (designer.artefacts.managed_policies;
  ViewOnlyAccess for read-only outside parties; service policies past IAM's 10 per role folded
  inline), inline least-privilege policies and MaxSessionDuration. Several relationships into one
  role name of one account make one role.
  A trust to an OU or the organization is one file, roles/ou-<path>/ or roles/organization/,
  with "Account": "*" and "DeployedTo" (the scope, its accounts now, the excluded ones): the
  template of the StackSet that deploys it. A trusted side that is an OU or the organization is
  Principal "*" bound by aws:PrincipalOrgPaths / aws:PrincipalOrgID; an external account is its
  root or role (sts:ExternalId), a partner organization Principal "*" with its
  aws:PrincipalOrgID, a service its service principal with aws:SourceAccount. A trust of anyone
  is never written (notes.md says so). People only are asked for MFA: a workload cannot.
- identity-policies/<trusted side>/<principal role>-assume-roles.json (assume-roles.json when the
  trusts name the account root): ONE policy per principal allowing sts:AssumeRole on exactly the
  role ARNs it may assume (a role deployed to a scope by its name and aws:ResourceOrgPaths /
  aws:ResourceOrgID), split into -2, -3... only past 6,144 characters, so a principal never
  needs more managed policies than IAM attaches to it.
- buckets/<bucket>-policy.json and keys/<bucket>-key-policy.json: the documented CloudTrail
  organization-trail, account-trail and VPC flow-log statements, AWS Config once for the
  organization (aws:SourceOrgID), an SSL-only deny, organization-restricted writes, and the KMS
  key policy of the bucket's key (buckets sharing a key share its policy): the log services
  encrypt, the trail owners and the designed readers decrypt trail logs, and only privileged
  roles may delete, disable or re-policy it.
- lifecycles/<bucket>.json: the bucket's S3 lifecycle configuration (to Glacier when the Object
  Lock retention ends, expiry after it), as the CloudFormation bucket has it.
- scps/<name>.json and scps/attachments.json: the design's own SCP documents and the guardrails the
  usage policy calls for that the SCPs at the root do not already give (the log buckets and keys:
  those in force where the log archive sits), each at most 5,120 characters in any partition,
  with at most 5 SCPs per target (FullAWSAccess included; rule ORG-08 reports the same).
- notes.md: the placeholders left for planned accounts and the points to settle by hand.

Planned accounts have no id: ARNs carry "${AccountId:<account name>}" instead, listed in notes.md.
build_policies() returns the same documents for other exporters (CloudFormation, the plan).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from designer.artefacts.identity_center import identity_center_roles, reserved_role_resource
from designer.artefacts.managed_policies import SERVICE_FULL_ACCESS, level_policy
from designer.artefacts.policy_documents import size
from designer.artefacts.protections import (
    CLOUDTRAIL_ACTIONS,
    CONFIG_ACTIONS,
    DETECTIVE_ACTIONS,
    DETECTIVE_CONTROLS,
    EXTERNAL_SHARES,
    LEAVE_ORGANIZATION,
    LOG_BUCKET_ACTIONS,
    LOG_KEY_ACTIONS,
    ORGANIZATION_ACCESS_ROLE,
    REGION_RESTRICTION,
    ROLE_CHANGE_ACTIONS,
    ROOT_RESTRICTION,
    STACKSETS_ROLE,
    denial,
    guards_stacksets_role,
    log_guards,
    role_guards,
    sample_arn,
    stacksets_role_guard,
    unguarded,
)
from designer.artefacts.quotas import (
    MAX_ATTACHED_SCPS,
    MAX_MANAGED_POLICY_CHARACTERS,
    MAX_ROLE_MANAGED_POLICIES,
    MAX_SCP_CHARACTERS,
)
from designer.artefacts.scoping import ExportScopes, outside_words
from designer.artefacts.tokens import PARTITIONS, SAML_AUDIENCE_TOKEN, arn, managed_policy, plain
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
PRIVILEGED_ROLES = [ORGANIZATION_ACCESS_ROLE, STACKSETS_ROLE]
PRIVILEGED_ROLE_ARNS = [arn("iam", f"role/{name}", account="*") for name in PRIVILEGED_ROLES]
ORGANIZATION_TRAIL_NAME = "organization-trail"
ACCOUNT_TRAIL_NAME = "account-trail"
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

AUDIT_LEVELS = (AccessLevel.READ_ONLY, AccessLevel.SECURITY_AUDIT)
# Services without Regions (or with global endpoints) spared by the region restriction: the
# AWS Organizations example "Deny access to AWS based on the requested AWS Region"
# (docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general
# .html) and the global services of Control Tower's Region deny control (GRREGIONDENY,
# docs.aws.amazon.com/controltower/latest/controlreference/primary-region-deny-policy.html).
GLOBAL_SERVICES = [
    "a4b:*",
    "access-analyzer:*",
    "account:*",
    "acm:*",
    "activate:*",
    "artifact:*",
    "aws-marketplace-management:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "billing:*",
    "billingconductor:*",
    "budgets:*",
    "ce:*",
    "chatbot:*",
    "chime:*",
    "cloudfront:*",
    "cloudtrail:LookupEvents",
    "compute-optimizer:*",
    "config:*",
    "consoleapp:*",
    "consolidatedbilling:*",
    "cur:*",
    "datapipeline:GetAccountLimits",
    "devicefarm:*",
    "directconnect:*",
    "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways",
    "ecr-public:*",
    "fms:*",
    "freetier:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "importexport:*",
    "invoicing:*",
    "iq:*",
    "kms:*",
    "license-manager:ListReceivedLicenses",
    "lightsail:Get*",
    "mobileanalytics:*",
    "networkmanager:*",
    "notifications-contacts:*",
    "notifications:*",
    "organizations:*",
    "pricing:*",
    "route53-recovery-cluster:*",
    "route53-recovery-control-config:*",
    "route53-recovery-readiness:*",
    "route53:*",
    "route53domains:*",
    "s3:GetAccountPublic*",
    "s3:ListAllMyBuckets",
    "s3:ListMultiRegionAccessPoints",
    "s3:PutAccountPublic*",
    "shield:*",
    "sso:*",
    "sts:*",
    "support:*",
    "trustedadvisor:*",
    "waf-regional:*",
    "waf:*",
    "wafv2:*",
    "wellarchitected:*",
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
    # (account design id, name), or (scope id, name, *excluded account ids) for a deployed role:
    # how the CloudFormation export finds the role a trust or a federation creates.
    key: tuple[str, ...] = ()
    federated_only: bool = True  # created by federation alone (no trust names it)

    @property
    def arn(self) -> str:
        return arn("iam", f"role/{self.name}", account=self.account)

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
    """What the trusted side attaches to one of its principals (a role, or its users and roles
    when the trusts name the account root): ONE policy allowing sts:AssumeRole on every role it
    may assume, so a principal never needs more managed policies than IAM allows."""

    account_name: str  # the trusted account (or scope label)
    principal: str  # the principal role name, "" for the account's users and roles
    roles: list[str]  # "<role> in <account or scope>", for people
    document: Document
    part: int = 1  # a second file only when one would pass 6,144 characters

    @property
    def stem(self) -> str:
        return identity_policy_stem(self.principal, self.part)


@dataclass(frozen=True)
class BucketPolicies:
    bucket: LogBucket
    bucket_policy: Document
    key_policy: Document  # the policy of the bucket's key (shared by the buckets of one key)
    lifecycle: Lifecycle | None  # None with MFA Delete: S3 refuses the two together


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
    keys: list[LogKey] = field(default_factory=list)  # the log buckets' KMS keys


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
        self.trail_names = _organization_trail_names(design, self.scopes)
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
            self.by_key[key] = Role(self.lookup.account_id(account), account.name, name, key=key)
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
            self.by_key[key] = Role(
                "*", scopes.label(rel.target), rel.role_name, deployed_to=where, key=key
            )
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


def _trust_mfa(lookup: _Lookup, rel: TrustRelationship) -> bool:
    """MFA in the trust policy only where people authenticate to IAM themselves (IAM users of
    the trusted account, through its root or any principal of a scope). A role session (role
    chaining, SAML or IAM Identity Center sign-in) carries no aws:MultiFactorAuthPresent, so a
    trust whose principal is a role never asks for it: MFA is enforced where those people sign
    in (IAM User Guide, "AWS global condition context keys": aws:MultiFactorAuthPresent;
    "Configuring MFA-protected API access": only AssumeRole / GetSessionToken with an IAM
    user's MFA device set it)."""
    return lookup.scopes.mfa(rel) and rel.principal_scope != PrincipalScope.ROLE


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
    principal = arn("iam", "root", account=trusted)
    arn_like: dict[str, str] = {}
    if rel.principal_scope == PrincipalScope.ROLE and rel.principal_role_name:
        if (rel.source, rel.principal_role_name) in lookup.sso_roles:
            resource = reserved_role_resource(rel.principal_role_name)
            arn_like["aws:PrincipalArn"] = arn("iam", resource, account=trusted)
        else:
            principal = arn("iam", f"role/{rel.principal_role_name}", account=trusted)
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
    condition = _conditions(string_equals, _trust_mfa(lookup, rel))
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
        return arn("iam", reserved_role_resource(name), account="*")
    return arn("iam", f"role/{name}", account="*")


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
    condition |= _conditions(equals, _trust_mfa(lookup, rel))
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
    condition = _conditions(equals, _trust_mfa(lookup, rel))
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


DIRECTORY_SERVICE_PRINCIPAL = "ds.amazonaws.com"


def _federated_trust(
    lookup: _Lookup, idp: IdentityProvider, account: str, subjects: list[str] | None = None
) -> Statement | None:
    """AssumeRoleWithSAML / AssumeRoleWithWebIdentity with the documented audience condition
    (and, for OIDC, the token subjects admitted: without them every subject of the provider,
    e.g. every repository on GitHub, could assume the role); for an AWS Directory Service
    directory the trust its console access needs: the ds.amazonaws.com service principal
    (Directory Service Administration Guide, "Editing the trust relationship for an existing
    IAM role"), for the directory's own account (aws:SourceAccount, confused deputy)."""
    if idp.kind == IdentityProviderKind.SAML:
        name = safe_name(idp.name, "saml-provider")
        return {
            "Effect": "Allow",
            "Principal": {"Federated": arn("iam", f"saml-provider/{name}", account=account)},
            "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": SAML_AUDIENCE_TOKEN}},
        }
    if idp.kind == IdentityProviderKind.OIDC:
        issuer = _oidc_issuer(lookup, idp)
        audience = lookup.notes.placeholder(
            f"${{OidcAudience:{one_line(idp.name)}}}",
            f"the client id (audience) that OIDC provider {md(idp.name)} puts in its tokens",
        )
        return {
            "Effect": "Allow",
            "Principal": {"Federated": arn("iam", f"oidc-provider/{issuer}", account=account)},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {f"{issuer}:aud": audience},
                **({"StringLike": {f"{issuer}:sub": _one_or_many(subjects)}} if subjects else {}),
            },
        }
    if idp.kind == IdentityProviderKind.DIRECTORY_SERVICE:
        home = lookup.accounts.get(idp.home_account or "")
        owner = lookup.account_id(home) if home else account
        return _assume(
            {"Service": DIRECTORY_SERVICE_PRINCIPAL},
            {"StringEquals": {"aws:SourceAccount": owner}},
        )
    return None


def _service_managed(idp: IdentityProvider, where: str, roles: Iterable[str]) -> str:
    listed = ", ".join(md(r) for r in roles) or "(none named)"
    if idp.kind == IdentityProviderKind.DIRECTORY_SERVICE:
        return (
            f"AWS Directory Service {md(idp.name)} signs users in to {where} through roles "
            f"{listed}, which trust {DIRECTORY_SERVICE_PRINCIPAL}. Mapping directory users and "
            "groups to them has no API, CLI or CloudFormation resource: in the Directory "
            "Service console open the directory, Application management, AWS Management "
            "Console: Actions, Enable; then under Delegate console access choose each role, "
            "Add, and pick the users or groups (nested groups are not honoured)."
        )
    return (
        f"IAM Identity Center {md(idp.name)} signs users in to {where} with roles it "
        f"manages itself ({listed}): its permission sets and assignments are in the "
        "CloudFormation export (cloudformation/identity-center.json); no trust policy was "
        "written."
    )


def _permissions(rel: TrustRelationship, outside: bool) -> tuple[list[str], list[Document]]:
    return level_permissions(rel.access_level, rel.services, rel.managed_policy_arns, outside)


def level_permissions(
    level: AccessLevel, services: list[str], arns: list[str], outside: bool
) -> tuple[list[str], list[Document]]:
    """Managed policy ARNs by access level; an inline least-privilege policy where none fits.
    A principal outside the organization reads metadata only (ViewOnlyAccess). The converters
    ask it too: a role read back keeps a level only when this gives its policies exactly."""
    if level == AccessLevel.CUSTOM:
        return list(arns), []
    name = level_policy(level, outside)
    if name is not None:
        return [managed_policy(name)], []
    managed = [managed_policy(SERVICE_FULL_ACCESS[s]) for s in services if s in SERVICE_FULL_ACCESS]
    others = [s for s in services if s not in SERVICE_FULL_ACCESS]
    return managed, _service_inline(others)


def _service_inline(services: list[str]) -> list[Document]:
    if not services:
        return []
    statement = {
        "Sid": "AdministerServices",
        "Effect": "Allow",
        "Action": [f"{s}:*" for s in services],
        "Resource": "*",
    }
    return [{"PolicyName": "ServiceAdministration", "PolicyDocument": _policy(statement)}]


def _merge_inline(role: Role, inline: list[Document]) -> None:
    for policy in inline:
        current = next((p for p in role.inline if p["PolicyName"] == policy["PolicyName"]), None)
        if current is None:
            role.inline.append(policy)
            continue
        actions = current["PolicyDocument"]["Statement"][0]["Action"]
        actions += [
            a for a in policy["PolicyDocument"]["Statement"][0]["Action"] if a not in actions
        ]


def _merge_permissions(role: Role, rel: TrustRelationship, outside: bool) -> None:
    managed, inline = _permissions(rel, outside)
    role.managed += [arn for arn in managed if arn not in role.managed]
    _merge_inline(role, inline)
    role.max_session = max(role.max_session, rel.max_session_duration)


# The action prefix a service's full-access policy is folded into (AmazonVPCFullAccess is EC2's).
FOLDED_PREFIX = {"vpc": "ec2"}


def _fit_managed(roles: Iterable[Role], notes: Notes) -> None:
    """IAM attaches at most 10 managed policies to a role by default (IAM and AWS STS quotas;
    raisable to 20): service full-access policies beyond that are folded into the role's inline
    ServiceAdministration policy as "<service>:*" (the same services, without the helper actions
    such as iam:PassRole the AWS policies add). Custom policies are never folded: rule IAM-19
    reports a role that still has too many."""
    by_arn = {managed_policy(n): s for s, n in SERVICE_FULL_ACCESS.items()}
    for role in roles:
        if len(role.managed) <= MAX_ROLE_MANAGED_POLICIES:
            continue
        folded = [a for a in role.managed if a in by_arn]
        if not folded:
            continue
        role.managed = [a for a in role.managed if a not in by_arn]
        services = list(dict.fromkeys(FOLDED_PREFIX.get(by_arn[a], by_arn[a]) for a in folded))
        _merge_inline(role, _service_inline(services))
        notes.point(
            f"Role {md(role.name)} in {md(role.account_name)} would need {len(folded)} service "
            f"full-access policies, over IAM's {MAX_ROLE_MANAGED_POLICIES} managed policies per "
            "role: they are folded into its inline ServiceAdministration policy "
            f"({', '.join(md(s + ':*') for s in services)})."
        )


def identity_policy_stem(principal: str, part: int = 1) -> str:
    """The file stem of the identity policy of one principal of a trusted side (its policies/
    identity-policies/<side>/ file), the account's users and roles when `principal` is ""."""
    stem = f"{principal}-assume-roles" if principal else "assume-roles"
    return stem if part == 1 else f"{stem}-{part}"


@dataclass
class _Assumer:
    """The roles one principal (a role of the trusted side, or "" for its root) may assume."""

    side: str  # the trusted side's id (an account or a scope)
    principal: str
    arns: set[str] = field(default_factory=set)  # roles of single accounts (written sorted)
    scoped: list[Statement] = field(default_factory=list)  # roles deployed to a scope
    roles: list[str] = field(default_factory=list)  # "Role in Target", for people


def _scoped_statement(lookup: _Lookup, rel: TrustRelationship, role: Role) -> Statement:
    """sts:AssumeRole on a role deployed to a scope: its name in the accounts of that scope
    (aws:ResourceOrgPaths / aws:ResourceOrgID)."""
    scopes = lookup.scopes
    condition: dict[str, Any] = {}
    if rel.target == scopes.root:
        condition["StringEquals"] = {"aws:ResourceOrgID": lookup.organization_id()}
    else:
        paths = [lookup.org_path(rel.target)]
        condition["ForAnyValue:StringLike"] = {"aws:ResourceOrgPaths": paths}
    skipped = lookup.ids_of(scopes.stack_set_skipped(rel))
    if skipped:
        condition["StringNotEquals"] = {"aws:ResourceAccount": _one_or_many(skipped)}
    sid = "Assume" + re.sub(r"[^A-Za-z0-9]", "", f"{role.name}In{scopes.label(rel.target)}")
    return {
        "Sid": sid[:100],
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Resource": role.arn,
        "Condition": condition,
    }


def _identity_documents(assumer: _Assumer) -> list[Document]:
    """One policy of every role the principal may assume (role ARNs listed in one statement),
    split only where a customer managed policy would pass its 6,144 characters."""
    statements: list[Statement] = list(assumer.scoped)
    if assumer.arns:
        statements.insert(
            0,
            {
                "Sid": "AssumeRoles",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": _one_or_many(sorted(assumer.arns)),
            },
        )
    documents: list[list[Statement]] = []
    for statement in (part for s in statements for part in _split_resources(s)):
        if documents and size(_policy(*documents[-1], statement)) <= MAX_MANAGED_POLICY_CHARACTERS:
            documents[-1].append(statement)
        else:
            documents.append([statement])
    return [_policy(*d) for d in documents]


def _split_resources(statement: Statement) -> Iterator[Statement]:
    """The statement, or its Resource list cut into the fewest parts that each fit one customer
    managed policy (measured with the partition token, longer than any partition's name)."""
    resources = statement["Resource"]
    if size(_policy(statement)) <= MAX_MANAGED_POLICY_CHARACTERS or not isinstance(resources, list):
        yield statement
        return
    sid = statement["Sid"]
    base = size(_policy({**statement, "Sid": f"{sid}999", "Resource": []}))
    chunk: list[str] = []
    used, n = base, 1
    for resource in resources:
        cost = len(json.dumps(resource, ensure_ascii=False)) + 1
        if chunk and used + cost > MAX_MANAGED_POLICY_CHARACTERS:
            yield {**statement, "Sid": f"{sid}{n}", "Resource": chunk}
            chunk, used, n = [], base, n + 1
        chunk.append(resource)
        used += cost
    yield {**statement, "Sid": f"{sid}{n}", "Resource": chunk}


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
    assumers: dict[tuple[str, str], _Assumer] = {}
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
        role.federated_only = False
        _merge_permissions(role, rel, rel.source in lookup.outside_principals)
        _trust_notes(lookup, rel, role)
        if rel.source in lookup.accounts or scopes.is_scope(rel.source):
            principal = rel.principal_role_name or ""
            assumer = assumers.setdefault((rel.source, principal), _Assumer(rel.source, principal))
            assumer.roles.append(f"{role.name} in {scopes.label(rel.target)}")
            if role.deployed_to is None:
                assumer.arns.add(role.arn)
            else:
                found = _scoped_statement(lookup, rel, role)
                if found not in assumer.scoped:
                    assumer.scoped.append(found)
    for assumer in assumers.values():
        parts = len(_identity_documents(assumer))
        if parts > MAX_ROLE_MANAGED_POLICIES:
            who = md(assumer.principal) if assumer.principal else "the users and roles"
            lookup.notes.point(
                f"The identity policy of {who} in {md(scopes.label(assumer.side))} takes "
                f"{parts} managed policies (6,144 characters each), over the "
                f"{MAX_ROLE_MANAGED_POLICIES} IAM attaches to a role by default: trust that "
                "principal from an OU or the organization (one statement per scope) instead "
                "of account by account."
            )
        if (assumer.side, assumer.principal) in lookup.sso_roles:
            lookup.notes.point(
                f"{md(assumer.principal)} in {md(scopes.label(assumer.side))} is an IAM Identity "
                "Center permission set: its identity policy is the permission set's inline "
                "policy (cloudformation/identity-center.json), since Identity Center manages "
                "the role it creates."
            )
    return [
        IdentityPolicy(scopes.label(a.side), a.principal, list(dict.fromkeys(a.roles)), d, n)
        for a in assumers.values()
        for n, d in enumerate(_identity_documents(a), 1)
    ]


def _trust_notes(lookup: _Lookup, rel: TrustRelationship, role: Role) -> None:
    scopes = lookup.scopes
    name = f"Role {md(role.name)} in {md(role.account_name)}"
    if rel.require_mfa and rel.principal_type == PrincipalType.WORKLOAD:
        lookup.notes.point(
            f"{name}: its principal type is workload, which cannot present an MFA code, so "
            "no aws:MultiFactorAuthPresent condition was written although MFA is required."
        )
    if scopes.mfa(rel) and not _trust_mfa(lookup, rel):
        lookup.notes.point(
            f"{name}: MFA is required of the people behind role "
            f"{md(rel.principal_role_name or '')}, but a role session (role chaining, SAML or "
            "IAM Identity Center sign-in) carries no aws:MultiFactorAuthPresent, so the trust "
            "policy does not ask for it: enforce MFA where they sign in (the identity provider "
            "or IAM Identity Center's MFA setting, or the trust policy of that role when IAM "
            "users assume it)."
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
        read = (
            " It grants job-function/ViewOnlyAccess, not ReadOnlyAccess: an outside party "
            "lists and describes resources but reads no data (S3 objects, DynamoDB items, SSM "
            "parameters, log events); attach the vendor's own policy instead where it needs "
            "more."
            if rel.access_level == AccessLevel.READ_ONLY
            else ""
        )
        lookup.notes.point(
            f"{name} is trusted by {md(outside_words(party))}, outside the organization: "
            f"give them the role ARN; they keep their side's policy themselves.{read}"
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
        if rel.protocol == FederationProtocol.IDENTITY_CENTER:
            statement = None
        else:
            statement = _federated_trust(lookup, idp, lookup.account_id(target), rel.oidc_subjects)
        if statement is None or idp.kind == IdentityProviderKind.DIRECTORY_SERVICE:
            lookup.notes.point(
                _service_managed(idp, f"account {md(target.name)}", rel.mapped_roles)
            )
        if statement is None:
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
# An existing key named by ARN (the stack does not create it) and an alias the stacks create.
KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+$")
KMS_ALIAS = re.compile(r"^alias/[A-Za-z0-9/_-]{1,250}$")
DEFAULT_KEY_ALIAS = "alias/log-archive"
S3_LOGGING_PRINCIPAL = "logging.s3.amazonaws.com"
# The server access log bucket each log-archive stack creates (SSE-S3: access logs cannot be
# written with SSE-KMS), named after its account and Region.
ACCESS_LOG_BUCKET = "s3-access-logs-${AWS::AccountId}-${AWS::Region}"
# Roles of the key owner's account that may administer a log key: the ones the guardrail SCPs
# spare (one list, so the two exemptions never drift apart), and the account root (the recovery
# path the KMS Developer Guide keeps, "Default key policy").
KEY_ADMIN_ROLES = tuple(PRIVILEGED_ROLES)
# Key administration that would destroy or open the archive (AWS KMS Developer Guide, "Deleting
# AWS KMS keys", "Key policies": a Deny in the key policy applies to every principal).
KEY_GUARDED_ACTIONS = [
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
]
# Lifecycle: logs stay in S3 Standard for their Object Lock retention (or this many days
# without one), move to S3 Glacier Flexible Retrieval, and expire this long after the lock.
DEFAULT_RETENTION_DAYS = 365
KEPT_AFTER_RETENTION_DAYS = 730
ABORT_UPLOADS_DAYS = 7


@dataclass(frozen=True)
class Lifecycle:
    """When a log bucket's objects move to Glacier and expire: never before the Object Lock
    retention (S3 cannot delete a locked version anyway, and an expiry that precedes the lock
    would only add delete markers that hide the logs)."""

    transition_days: int
    expiration_days: int

    def document(self, rule_id: str) -> Document:
        """The S3 PutBucketLifecycleConfiguration body (aws s3api put-bucket-lifecycle-
        configuration --lifecycle-configuration file://...)."""
        glacier = "GLACIER"
        return {
            "Rules": [
                {
                    "ID": rule_id,
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Transitions": [{"Days": self.transition_days, "StorageClass": glacier}],
                    "Expiration": {"Days": self.expiration_days},
                    "NoncurrentVersionTransitions": [
                        {"NoncurrentDays": self.transition_days, "StorageClass": glacier}
                    ],
                    "NoncurrentVersionExpiration": {"NoncurrentDays": self.expiration_days},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": ABORT_UPLOADS_DAYS},
                }
            ]
        }

    def cloudformation(self, rule_id: str) -> Document:
        """The same rule as `document`, in CloudFormation's spelling (AWS::S3::Bucket
        LifecycleConfiguration), for every format that writes templates."""
        (rule,) = self.document(rule_id)["Rules"]
        return {
            "Rules": [
                {
                    "Id": rule["ID"],
                    "Status": rule["Status"],
                    "Transitions": [
                        {"StorageClass": t["StorageClass"], "TransitionInDays": t["Days"]}
                        for t in rule["Transitions"]
                    ],
                    "ExpirationInDays": rule["Expiration"]["Days"],
                    "NoncurrentVersionTransitions": [
                        {"StorageClass": t["StorageClass"], "TransitionInDays": t["NoncurrentDays"]}
                        for t in rule["NoncurrentVersionTransitions"]
                    ],
                    "NoncurrentVersionExpiration": rule["NoncurrentVersionExpiration"],
                    "AbortIncompleteMultipartUpload": rule["AbortIncompleteMultipartUpload"],
                }
            ]
        }


def lifecycle(retention_days: int | None) -> Lifecycle:
    """Transition when the Object Lock retention ends, expiry two years later."""
    kept = retention_days or DEFAULT_RETENTION_DAYS
    return Lifecycle(kept, kept + KEPT_AFTER_RETENTION_DAYS)


def bucket_lifecycle(bucket: LogBucket) -> Lifecycle | None:
    """None for a bucket with MFA Delete: S3 cannot enable MFA Delete on a bucket that has a
    lifecycle configuration (S3 User Guide, 'Configuring MFA delete')."""
    if bucket.mfa_delete:
        return None
    return lifecycle(bucket.object_lock.retention_days if bucket.object_lock else None)


@dataclass
class LogKey:
    """A KMS key encrypting log buckets of one account: an alias the log-archive stack creates
    (arn None), or an existing key given by ARN (its policy is the one to apply by hand)."""

    account: str  # design id of the owning account
    alias: str | None
    arn: str | None
    buckets: list[LogBucket] = field(default_factory=list)
    policy: Document = field(default_factory=dict)


def key_alias(text: str | None) -> str:
    """The alias a bucket's kms_key names (cleaned to what KMS accepts), or the default one."""
    if text is None:
        return DEFAULT_KEY_ALIAS
    if KMS_ALIAS.match(text) and not text.startswith("alias/aws/"):
        return text
    cleaned = re.sub(r"[^A-Za-z0-9/_-]+", "-", text.removeprefix("alias/")).strip("-/")
    cleaned = cleaned.removeprefix("aws/")
    return f"alias/{cleaned[:200] or 'log-archive'}"


def log_keys(buckets: Iterable[LogBucket]) -> list[LogKey]:
    """The keys of the log buckets, in bucket order: buckets of one account naming the same
    alias (or ARN) share one key."""
    keys: dict[tuple[str, str], LogKey] = {}
    for bucket in buckets:
        if bucket.kms_key and KMS_KEY_ARN.match(bucket.kms_key):
            found = (bucket.account, bucket.kms_key)
            keys.setdefault(found, LogKey(bucket.account, None, bucket.kms_key))
        else:
            found = (bucket.account, key_alias(bucket.kms_key))
            keys.setdefault(found, LogKey(bucket.account, found[1], None))
        keys[found].buckets.append(bucket)
    return list(keys.values())


def organization_trail_names(design: Design) -> dict[str, str]:
    """Relationship id -> trail name of each organization trail (a CloudTrail delivery from the
    whole organization into a bucket of the design): the one source of trail names for the
    bucket and key policies, the trail templates and the plan."""
    return _organization_trail_names(design, ExportScopes(design))


def _organization_trail_names(design: Design, scopes: ExportScopes) -> dict[str, str]:
    buckets = {b.id for b in design.log_buckets}
    names: dict[str, str] = {}
    for rel in design.relationships:
        if (
            rel.kind == "log-delivery"
            and rel.bucket in buckets
            and LogType.CLOUDTRAIL in rel.log_types
            and scopes.organization_wide(rel)
        ):
            n = len(names) + 1
            names[rel.id] = ORGANIZATION_TRAIL_NAME + (f"-{n}" if n > 1 else "")
    return names


@dataclass(frozen=True)
class LogResource:
    """A log bucket and the key that encrypts it, as an SCP protecting the archive names them."""

    bucket: LogBucket
    account: Account  # the owner
    bucket_arn: str
    # The key's ARN when the design gives one; else every key of the owner account
    # ("key/*": an SCP's Resource takes no alias), the log keys being the ones it holds.
    key_arn: str
    key_alias: str | None  # the alias the log-archive stack creates (kms:ResourceAliases)


def log_resources(
    design: Design, account_id: Callable[[Account], str] | None = None
) -> list[LogResource]:
    """Every log bucket of the design with its key, partition token included; account ids as
    `account_id` spells them (default: the id, or "${AccountId:<name>}" for a planned account)."""
    lookup = _Lookup(design, Notes())
    id_of = account_id or lookup.account_id
    found: list[LogResource] = []
    for key in log_keys(design.log_buckets):
        owner = lookup.accounts.get(key.account)
        if owner is None:
            continue
        every_key = arn("kms", "key/*", account=id_of(owner), region="*")
        if key.arn is not None and ":alias/" in key.arn:  # every key of the alias's account
            region, account = key.arn.split(":")[3:5]
            every_key = arn("kms", "key/*", account=account, region=region or "*")
        key_arn = key.arn if key.arn is not None and ":key/" in key.arn else every_key
        found += [LogResource(b, owner, arn("s3", b.name), key_arn, key.alias) for b in key.buckets]
    order = {b.id: n for n, b in enumerate(design.log_buckets)}
    return sorted(found, key=lambda r: order[r.bucket.id])


@dataclass
class _Deliveries:
    """What the deliveries into one bucket (or into the buckets of one key) ask of its policies."""

    organization_trails: list[str] = field(default_factory=list)  # trail names
    account_trails: list[str] = field(default_factory=list)  # source account ids
    config_sources: list[str] = field(default_factory=list)  # source account ids
    flow_log_sources: list[str] = field(default_factory=list)
    other_types: list[str] = field(default_factory=list)
    config: bool = False  # some AWS Config delivery (its accounts may have no id yet)


def _deliveries(
    lookup: _Lookup, rels: list[LogDeliveryRelationship], bucket: LogBucket
) -> _Deliveries:
    """The organization trails for the whole organization; for an OU (or the organization less
    some accounts) the trails and flow logs of its member accounts, one by one; AWS Config of
    any source (admitted by organization)."""
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
            if rel.id in lookup.trail_names:
                found.organization_trails.append(lookup.trail_names[rel.id])
            else:
                found.account_trails += sources
        if LogType.CONFIG in rel.log_types:
            found.config = True
            found.config_sources += sources
        if LogType.VPC_FLOW_LOGS in rel.log_types:
            found.flow_log_sources += sources
        found.other_types += [t.value for t in rel.log_types if t not in GENERATED_LOG_TYPES]
    for name in ("organization_trails", "account_trails", "config_sources", "flow_log_sources"):
        setattr(found, name, list(dict.fromkeys(getattr(found, name))))
    found.other_types = list(dict.fromkeys(found.other_types))
    return found


def _scope_sources(lookup: _Lookup, rel: LogDeliveryRelationship, bucket: LogBucket) -> list[str]:
    """The ids of the accounts a scoped delivery covers now; statements for the ones without an
    id, and for accounts that join the scope later, are added when they exist (AWS Config is
    admitted by organization, so it needs none)."""
    scopes = lookup.scopes
    members = [lookup.accounts[a] for a in scopes.members(rel.source, rel.excluded_accounts)]
    known = [a.aws_account_id for a in members if a.aws_account_id]
    trail = [] if rel.id in lookup.trail_names else [LogType.CLOUDTRAIL]
    per_account = [t.value for t in rel.log_types if t in (*trail, LogType.VPC_FLOW_LOGS)]
    if not per_account:
        return known
    words = scopes.scope_words(rel.source, rel.excluded_accounts)
    missing = len(members) - len(known)
    lacking = f"; {missing} of them have no id yet" if missing else ""
    lookup.notes.point(
        f"Bucket {md(bucket.name)}: the {', '.join(per_account)} delivery of {md(words)} is "
        "admitted account by account (CloudTrail names each account's trail, VPC flow logs "
        f"each source account){lacking}: add the statements of accounts that join later, "
        "before the StackSet reaches them."
    )
    return known


def _bucket_arn(bucket: LogBucket) -> str:
    return arn("s3", bucket.name)


def _trail_arn(lookup: _Lookup, account: str, name: str) -> str:
    return arn("cloudtrail", f"trail/{name}", account=account, region=lookup.region())


def _management_id(lookup: _Lookup, fallback: str) -> str:
    mgmt = lookup.management
    return lookup.account_id(mgmt) if mgmt else fallback


def _organization_trail_arn(lookup: _Lookup, fallback: str, name: str) -> str:
    """An organization trail belongs to the management account."""
    return _trail_arn(lookup, _management_id(lookup, fallback), name)


def _cloudtrail_statements(
    lookup: _Lookup, bucket: LogBucket, found: _Deliveries, owner: str
) -> list[Statement]:
    """The documented organization-trail statements (CloudTrail User Guide, "Amazon S3 bucket
    policy for CloudTrail" / "Creating a trail for an organization"), then one write per
    account trail."""
    bucket_arn = _bucket_arn(bucket)
    service = {"Service": CLOUDTRAIL_PRINCIPAL}
    writes: list[tuple[str, str, list[str]]] = []  # Sid, AWSLogs/<folder>, trail ARNs
    if found.organization_trails:
        org_trails = [_organization_trail_arn(lookup, owner, n) for n in found.organization_trails]
        mgmt_id = _management_id(lookup, owner)
        writes.append(("AWSCloudTrailWrite20150319", mgmt_id, org_trails))
        writes.append(
            ("AWSCloudTrailOrganizationWrite20150319", lookup.organization_id(), org_trails)
        )
    for n, account in enumerate(found.account_trails, 1):
        suffix = _sid_suffix(account, n)
        writes.append(
            (f"AWSCloudTrailAccountWrite{suffix}", account, [_account_trail(lookup, account)])
        )
    if not writes:
        return []
    trails = list(dict.fromkeys(t for w in writes for t in w[2]))
    statements: list[Statement] = [
        {
            "Sid": "AWSCloudTrailAclCheck20150319",
            "Effect": "Allow",
            "Principal": service,
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": {"aws:SourceArn": _one_or_many(trails)}},
        }
    ]
    for sid, folder, trail in writes:
        condition = {"s3:x-amz-acl": OWNER_FULL_CONTROL, "aws:SourceArn": _one_or_many(trail)}
        if bucket.organization_restricted_writes:
            condition["aws:SourceOrgID"] = lookup.organization_id()
        statements.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:PutObject",
                "Resource": f"{bucket_arn}/AWSLogs/{folder}/*",
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
    """The VPC user guide's log-delivery statements for each source account ("Permissions for
    flow logs to Amazon S3": aws:SourceAccount and aws:SourceArn per account)."""
    bucket_arn = _bucket_arn(bucket)
    service = {"Service": LOG_DELIVERY_PRINCIPAL}
    statements: list[Statement] = []
    for n, source in enumerate(sources, 1):
        suffix = _sid_suffix(source, n)
        from_logs = {"aws:SourceArn": arn("logs", "*", account=source, region="*")}
        statements += [
            {
                "Sid": f"AWSLogDeliveryWrite{suffix}",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:PutObject",
                "Resource": f"{bucket_arn}/AWSLogs/{source}/*",
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
                "Resource": bucket_arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": source}, "ArnLike": from_logs},
            },
        ]
    return statements


def _config_statements(lookup: _Lookup, bucket: LogBucket) -> list[Statement]:
    """AWS Config's three statements once for the whole organization (aws:SourceOrgID), as AWS
    Control Tower's log-archive bucket policy has them (Control Tower User Guide, "Amazon S3
    bucket policy in the audit account"): the policy no longer grows with the accounts, and
    accounts that join later deliver with no change."""
    bucket_arn = _bucket_arn(bucket)
    service = {"Service": CONFIG_PRINCIPAL}
    organization = {"aws:SourceOrgID": lookup.organization_id()}
    return [
        {
            "Sid": "AWSConfigBucketPermissionsCheck",
            "Effect": "Allow",
            "Principal": service,
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": organization},
        },
        {
            "Sid": "AWSConfigBucketExistenceCheck",
            "Effect": "Allow",
            "Principal": service,
            "Action": "s3:ListBucket",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": organization},
        },
        {
            "Sid": "AWSConfigBucketDelivery",
            "Effect": "Allow",
            "Principal": service,
            "Action": "s3:PutObject",
            "Resource": f"{bucket_arn}/AWSLogs/*/Config/*",
            "Condition": {"StringEquals": {"s3:x-amz-acl": OWNER_FULL_CONTROL, **organization}},
        },
    ]


def _ssl_only(bucket_arn: str) -> Statement:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def access_log_policy(sources: list[str]) -> Document:
    """The server access log bucket's policy ("${AccessLogBucket}" stands for its name, known
    only once the stack creates it): the S3 logging service writes for the log buckets of the
    same account (S3 User Guide, "Enabling Amazon S3 server access logging"), SSL only."""
    bucket_arn = arn("s3", ACCESS_LOG_BUCKET)
    return _policy(
        {
            "Sid": "S3ServerAccessLogsPolicy",
            "Effect": "Allow",
            "Principal": {"Service": S3_LOGGING_PRINCIPAL},
            "Action": "s3:PutObject",
            "Resource": f"{bucket_arn}/*",
            "Condition": {
                "ArnLike": {"aws:SourceArn": _one_or_many([arn("s3", s) for s in sources])},
                "StringEquals": {"aws:SourceAccount": "${AWS::AccountId}"},
            },
        },
        _ssl_only(bucket_arn),
    )


def _log_readers(lookup: _Lookup, account: str, owner: str) -> list[str]:
    """The designed readers of the logs: the read-only and security-audit roles the design
    deploys into the account that owns the bucket (directly or through a scope)."""
    scopes = lookup.scopes
    found: list[str] = []
    for rel in lookup.design.relationships:
        if rel.kind != "trust" or rel.access_level not in AUDIT_LEVELS:
            continue
        lands = rel.target == account or (
            scopes.is_scope(rel.target) and account in scopes.stack_set_accounts(rel)
        )
        if lands:
            found.append(arn("iam", f"role/{rel.role_name}", account=owner))
    return list(dict.fromkeys(found))


def _key_admin_statements(owner: str) -> list[Statement]:
    """The owner account administers the key through IAM (the default key policy), but only its
    privileged roles (and the root user) may delete, disable or re-policy it."""
    admins = [arn("iam", "root", account=owner)]
    admins += [arn("iam", f"role/{r}", account=owner) for r in KEY_ADMIN_ROLES]
    return [
        {
            "Sid": "EnableOwnerAccountAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": arn("iam", "root", account=owner)},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "DenyKeyAdministrationExceptPrivilegedRoles",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": KEY_GUARDED_ACTIONS,
            "Resource": "*",
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": admins}},
        },
    ]


def _cloudtrail_key_statements(
    lookup: _Lookup, found: _Deliveries, owner: str, readers: list[str]
) -> list[Statement]:
    """CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail": encrypt for the
    named trails (aws:SourceArn and the aws:cloudtrail:arn encryption context), describe the
    key, decrypt for the accounts that own the trails (needed to create or update a trail on a
    bucket with an S3 Bucket Key) and for the designed readers, always bound to the CloudTrail
    encryption context."""
    trails = [_organization_trail_arn(lookup, owner, n) for n in found.organization_trails]
    trails += [_account_trail(lookup, a) for a in found.account_trails]
    if not trails:
        return []
    trail = _one_or_many(trails)
    service = {"Service": CLOUDTRAIL_PRINCIPAL}
    trail_owners = [_management_id(lookup, owner)] if found.organization_trails else []
    trail_owners = list(dict.fromkeys([*trail_owners, *found.account_trails]))
    statements: list[Statement] = [
        {
            "Sid": "AllowCloudTrailEncryptLogs",
            "Effect": "Allow",
            "Principal": service,
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceArn": trail},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trail},
            },
        },
        {
            "Sid": "AllowCloudTrailDescribeKey",
            "Effect": "Allow",
            "Principal": service,
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail}},
        },
        {
            "Sid": "AllowTrailOwnersDecryptTheirTrails",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"kms:CallerAccount": _one_or_many(trail_owners)},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trail},
            },
        },
    ]
    if readers:
        statements.append(
            {
                "Sid": "AllowLogReadersDecryptTrailLogs",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:CallerAccount": owner},
                    "ArnLike": {"aws:PrincipalArn": _one_or_many(readers)},
                    "Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"},
                },
            }
        )
    return statements


def _key_policy(
    lookup: _Lookup,
    found: _Deliveries,
    owner: str,
    readers: list[str],
    admin: str,
    buckets: list[LogBucket],
) -> Document:
    """The privileged roles of the key's account (`admin`) administer the key; CloudTrail,
    Config and log delivery encrypt for their sources; the designed readers (roles of the
    bucket owner `owner`) decrypt the trail logs."""
    statements = _key_admin_statements(admin)
    statements += _cloudtrail_key_statements(lookup, found, owner, readers)
    if found.config:
        # AWS Config Developer Guide, "Permissions for the KMS Key": Decrypt and GenerateDataKey,
        # bound here to the organization as the bucket policy is.
        statements.append(
            {
                "Sid": "AllowConfigEncryptDelivery",
                "Effect": "Allow",
                "Principal": {"Service": CONFIG_PRINCIPAL},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceOrgID": lookup.organization_id()}},
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
    if readers and buckets:
        # What S3 encrypted for the buckets (AWS Config history, flow logs; objects written
        # with an S3 Bucket Key): S3 sends the aws:s3:arn encryption context, the object's ARN
        # or, with a Bucket Key, the bucket's (S3 User Guide, "Encryption context").
        arns = [_bucket_arn(b) for b in buckets]
        statements.append(
            {
                "Sid": "AllowLogReadersDecryptBucketObjects",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:CallerAccount": owner},
                    "ArnLike": {"aws:PrincipalArn": _one_or_many(readers)},
                    "StringLike": {
                        "kms:EncryptionContext:aws:s3:arn": [
                            *arns,
                            *(f"{a}/*" for a in arns),
                        ]
                    },
                },
            }
        )
    return _policy(*statements)


def _merged(parts: list[_Deliveries]) -> _Deliveries:
    found = _Deliveries()
    for part in parts:
        for name in ("organization_trails", "account_trails", "config_sources", "flow_log_sources"):
            merged = [*getattr(found, name), *getattr(part, name)]
            setattr(found, name, list(dict.fromkeys(merged)))
        found.config = found.config or part.config
    return found


def _owner_id(lookup: _Lookup, account: str) -> str:
    owner_account = lookup.accounts.get(account)
    return lookup.account_id(owner_account) if owner_account else "${AccountId:bucket owner}"


def _bucket_policies(
    lookup: _Lookup, design: Design, rels: dict[str, list[LogDeliveryRelationship]]
) -> tuple[list[BucketPolicies], list[LogKey]]:
    """Every log bucket's policy and lifecycle, and every log key's policy (one key may
    encrypt several buckets of its account: its policy admits the deliveries of all of them)."""
    notes = lookup.notes
    found = {b.id: _deliveries(lookup, rels.get(b.id, []), b) for b in design.log_buckets}
    keys = log_keys(design.log_buckets)
    key_of: dict[str, LogKey] = {}
    for key in keys:
        owner = _owner_id(lookup, key.account)
        readers = _log_readers(lookup, key.account, owner)
        merged = _merged([found[b.id] for b in key.buckets])
        # an existing key given by ARN may live in another account (Security Tooling, as the
        # Security Reference Architecture keeps the trail key): that account administers it
        admin = key.arn.split(":")[4] if key.arn and key.arn.count(":") >= 5 else owner
        key.policy = _key_policy(lookup, merged, owner, readers, admin, key.buckets)
        key_of |= {b.id: key for b in key.buckets}
        if key.arn is not None:
            notes.point(
                f"The key {md(key.arn)} exists already: apply the key policy under keys/ for "
                f"{md(', '.join(b.name for b in key.buckets))} to it by hand."
            )
    results = []
    for bucket in design.log_buckets:
        delivered = found[bucket.id]
        owner = _owner_id(lookup, bucket.account)
        statements = _cloudtrail_statements(lookup, bucket, delivered, owner)
        statements += _config_statements(lookup, bucket) if delivered.config else []
        statements += _flow_log_statements(bucket, delivered.flow_log_sources)
        statements.append(_ssl_only(_bucket_arn(bucket)))
        bucket_policy = _policy(*statements)
        name = md(bucket.name)
        if delivered.other_types:
            kinds = ", ".join(delivered.other_types)
            notes.point(
                f"Bucket {name} also receives {kinds}: their delivery statements (for example "
                "delivery.logs.amazonaws.com) are not generated; add them by hand."
            )
        if delivered.config:
            notes.point(
                f"Bucket {name}: AWS Config is admitted for every account of the organization "
                "(aws:SourceOrgID, one statement set as AWS Control Tower's), so accounts that "
                "join later deliver without a change to the policy."
            )
        if bucket.kms_key is None:
            notes.point(
                f"Bucket {name} names no KMS key: the log-archive stack creates "
                f"{md(DEFAULT_KEY_ALIAS)} with the key policy under keys/."
            )
        key = key_of[bucket.id]
        kept = bucket_lifecycle(bucket)
        if kept is None:
            notes.point(
                f"Bucket {name} has no lifecycle configuration: S3 does not allow one on a "
                "bucket with MFA Delete, so its logs stay in S3 Standard until removed by hand "
                "(with the root user's MFA). Object Lock alone keeps them immutable and allows "
                "a lifecycle."
            )
        results.append(BucketPolicies(bucket, bucket_policy, key.policy, kept))
    if keys:
        roles = ", ".join(md(r) for r in KEY_ADMIN_ROLES)
        notes.point(
            "Log keys deny kms:ScheduleKeyDeletion, kms:PutKeyPolicy, kms:DisableKey and "
            f"kms:DisableKeyRotation to all but {roles} and the root user of the owning account: "
            "create (and update) the log-archive stack through one of those roles, else KMS "
            "refuses the key policy (its lockout safety check)."
        )
        notes.point(
            "Log keys live in the account that owns their buckets, apart from the buckets in "
            "their own policy (only privileged roles administer them) and guarded by the "
            "ProtectLogKeys SCP. The Security Reference Architecture keeps the organization "
            "trail's key in the Security Tooling account instead: to do so, create the key "
            "there and name its ARN as the bucket's KMS key; the export then uses that key "
            "and lists its policy (keys/) to apply by hand."
        )
    return results, keys


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
    """The roles that the SCPs at the root leave some role-changing action on."""
    guards = [g for policy in root_policies for g in role_guards(policy.document)]
    return [
        n
        for n in names
        if unguarded(f"arn:aws:iam::123456789012:role/{n}", ROLE_CHANGE_ACTIONS, guards)
    ]


def _log_guardrails(lookup: _Lookup, root_policies: list[ServiceControlPolicy]) -> list[Statement]:
    """Deny changing the log buckets and their keys, for those the SCPs in force in the account
    that holds them leave open (Control Tower's audit-bucket controls; the key apart from the
    bucket, as the Security Reference Architecture keeps it)."""
    buckets: list[str] = []
    keys: list[str] = []
    management = lookup.design.organization.management_account
    for found in log_resources(lookup.design, lookup.account_id):
        if found.account.id == management:  # SCPs do not reach it (ORG-02 says so)
            continue
        policies = [*root_policies, *_attached_below_root(lookup, found.account)]
        guards = [g for policy in policies for g in log_guards(policy.document)]
        if unguarded(sample_arn(found.bucket_arn), LOG_BUCKET_ACTIONS, guards):
            buckets.append(found.bucket_arn)
        if unguarded(sample_arn(found.key_arn), LOG_KEY_ACTIONS, guards):
            keys.append(found.key_arn)
    return log_protection(buckets, keys)


def log_protection(buckets: Iterable[str], keys: Iterable[str]) -> list[Statement]:
    """The guardrail statements that keep everyone but the privileged roles from changing the
    log buckets and keys named (by ARN)."""
    statements: list[Statement] = []
    for sid, actions, resources in (
        ("ProtectLogBuckets", LOG_BUCKET_ACTIONS, list(dict.fromkeys(buckets))),
        ("ProtectLogKeys", LOG_KEY_ACTIONS, list(dict.fromkeys(keys))),
    ):
        if resources:
            statement = _deny(sid, list(actions), NOT_PRIVILEGED)
            statement["Resource"] = resources
            statements.append(statement)
    return statements


def _attached_below_root(lookup: _Lookup, account: Account) -> list[ServiceControlPolicy]:
    """The SCPs of the account's OUs and of the account itself."""
    by_id = {p.id: p for p in lookup.design.service_control_policies}
    ous = {u.id: u for u in lookup.design.organizational_units}
    ids = list(account.scps)
    seen: set[str] = set()
    parent = account.parent
    while parent is not None and parent in ous and parent not in seen:  # a cycle ends the walk
        seen.add(parent)
        ids += ous[parent].scps
        parent = ous[parent].parent
    return [by_id[i] for i in ids if i in by_id]


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
            _deny("ProtectDetectiveControls", list(DETECTIVE_ACTIONS), NOT_PRIVILEGED),
        ),
    ]
    statements = [s for done, s in wanted if not done]
    roles = _unguarded(_audit_role_names(lookup), root_policies)
    if roles:
        statement = _deny("ProtectAuditRoles", list(ROLE_CHANGE_ACTIONS), NOT_PRIVILEGED)
        statement["Resource"] = [arn("iam", f"role/{n}", account="*") for n in roles]
        statements.append(statement)
    statements += _log_guardrails(lookup, root_policies)
    if not any(guards_stacksets_role(d) for d in documents):  # else the exceptions' pattern
        statements.append(stacksets_role_guard())  # would spare a role any admin can create
    regions = lookup.design.usage_policy.allowed_regions
    if regions and not given(REGION_RESTRICTION):
        statements.append(_region_restriction(regions))
    if not given(ROOT_RESTRICTION):
        root = {"ArnLike": {"aws:PrincipalARN": arn("iam", "root", account="*")}}
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


def scp_size(document: Document | None) -> int:
    """The characters AWS counts for an SCP as deployed: whitespace removed, the partition token
    filled in with the longest partition name (the quota must hold in every partition)."""
    return size(plain(document, max(PARTITIONS, key=len)))


def _fits(statements: list[Statement]) -> bool:
    return scp_size(_policy(*statements)) <= MAX_SCP_CHARACTERS


def _packed(statements: list[Statement]) -> list[list[Statement]]:
    """Statements in order, as few SCPs as possible, each within the size quota: a statement
    too long for the room left has its Resource list split, each part filling what room there
    is (ProtectAuditRoles1, ProtectAuditRoles2...)."""
    policies: list[list[Statement]] = []
    for statement in statements:
        resources = statement.get("Resource")
        if policies and _fits([*policies[-1], statement]):
            policies[-1].append(statement)
            continue
        if _fits([statement]) or not isinstance(resources, list):
            policies.append([statement])
            continue
        left, n = list(resources), 0
        while left:
            room = policies[-1] if policies else []
            count = _most_that_fit(statement, left, room, n + 1)
            if count == 0 and room:
                policies.append([])  # a fresh SCP
                continue
            if count == 0:
                raise DesignError(
                    f"SCP statement {statement.get('Sid')} alone exceeds "
                    f"{MAX_SCP_CHARACTERS:,} characters"
                )
            n += 1
            part = {**statement, "Sid": f"{statement['Sid']}{n}", "Resource": left[:count]}
            if room:
                room.append(part)
            else:
                policies.append([part])
            left = left[count:]
    return [p for p in policies if p]


def _most_that_fit(
    statement: Statement, resources: list[str], room: list[Statement], n: int
) -> int:
    """How many of `resources` (from the first) fit as part n of `statement` beside `room`."""
    low, high = 0, len(resources)
    while low < high:  # the largest count that fits (fitting is monotonic in the count)
        mid = (low + high + 1) // 2
        part = {**statement, "Sid": f"{statement['Sid']}{n}", "Resource": resources[:mid]}
        if _fits([*room, part]):
            low = mid
        else:
            high = mid - 1
    return low


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
        return found

    def check(self, attachments: list[Attachment]) -> None:
        """What AWS would reject, as an export error (the rule ORG-08 reports the same)."""
        for policy in self.lookup.design.service_control_policies:
            if scp_size(policy.document) > MAX_SCP_CHARACTERS:
                raise DesignError(
                    f"SCP {policy.name!r} is {scp_size(policy.document):,} characters long, over "
                    f"the {MAX_SCP_CHARACTERS:,} AWS accepts: shorten it or split it in two"
                )
        for target in attachments:
            problem = over_quota(target, bool(self.generated))
            if problem:
                raise DesignError(f"{problem}: merge SCPs or move some to an OU or account below")

    def note(self, notes: Notes) -> None:
        notes.point(
            f"{FULL_AWS_ACCESS} (AWS managed) stays attached to the root and to every OU and "
            "account (deny-list strategy); it counts towards the 5 SCPs per target."
        )
        if self.generated:
            names = ", ".join(md(s.name) for s in self.generated)
            spared = " and ".join(md(name) for name in PRIVILEGED_ROLES)
            notes.point(
                f"Generated guardrails {names} deny what the usage policy asks and the SCPs at "
                f"the root do not yet deny, sparing the roles {spared}: keep those roles for "
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


def over_quota(target: Attachment, generated: bool) -> str | None:
    """What is wrong with the SCPs a target would have attached (FullAWSAccess and the generated
    guardrails included), or None within the quota."""
    if len(target.policies) <= MAX_ATTACHED_SCPS:
        return None
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
    return (
        f"{label} would have {len(target.policies)} SCPs attached{why} "
        f"({', '.join(target.policies)}), over the quota of {MAX_ATTACHED_SCPS} per target"
    )


def planned_scps(design: Design) -> tuple[list[Scp], list[Attachment]]:
    """The SCPs the export writes and where each is attached, without the quota checks of
    build_policies (the rules report what is over)."""
    plan = _ScpPlan(_Lookup(design, Notes()))
    return plan.policies(), plan.attachments()


# -- putting it together ------------------------------------------------------------------------
def build_policies(design: Design) -> PolicySet:
    """Every policy document of the design, in design order (the same design gives the same set)."""
    notes = Notes()
    lookup = _Lookup(design, notes)
    roles = _Roles(lookup)
    trusts = [r for r in design.relationships if r.kind == "trust"]
    identity = _trust_roles(lookup, roles, trusts)
    _federation_roles(lookup, roles, [r for r in design.relationships if r.kind == "federation"])
    _fit_managed(roles.by_key.values(), notes)
    _permissionless(roles.by_key.values(), notes)
    into: dict[str, list[LogDeliveryRelationship]] = {}
    for rel in design.relationships:
        if rel.kind == "log-delivery" and rel.bucket is not None:
            into.setdefault(rel.bucket, []).append(rel)
    buckets, keys = _bucket_policies(lookup, design, into)
    plan = _ScpPlan(lookup)
    attachments = plan.attachments()
    plan.check(attachments)
    plan.note(notes)
    _general_notes(notes, buckets, identity)
    return PolicySet(
        list(roles.by_key.values()),
        identity,
        buckets,
        plan.policies(),
        attachments,
        notes,
        keys,
    )


def log_policies(design: Design) -> tuple[list[BucketPolicies], list[LogKey]]:
    """The log buckets' policies and lifecycles and their keys' policies, as build_policies
    builds them (for the rules that check their sizes, without the rest of the set)."""
    lookup = _Lookup(design, Notes())
    into: dict[str, list[LogDeliveryRelationship]] = {}
    for rel in design.relationships:
        if rel.kind == "log-delivery" and rel.bucket is not None:
            into.setdefault(rel.bucket, []).append(rel)
    return _bucket_policies(lookup, design, into)


def _general_notes(
    notes: Notes, buckets: list[BucketPolicies], identity: list[IdentityPolicy]
) -> None:
    statements = [s for b in buckets for s in b.bucket_policy["Statement"]]
    if any(s["Sid"].startswith("AWSCloudTrail") for s in statements):
        notes.point(
            f"Trail names are assumed: {md(ORGANIZATION_TRAIL_NAME)} for the organization trail "
            f"({md(ORGANIZATION_TRAIL_NAME + '-2')} and on for more; owned by the management "
            f"account) and {md(ACCOUNT_TRAIL_NAME)} for account trails; the bucket and key "
            "policies name them in aws:SourceArn, the CloudFormation trails are named so."
        )
    if any(p.account_name.startswith(("OU ", "Organization")) for p in identity):
        notes.point(
            "Files under identity-policies/ou-<path>/ and identity-policies/organization/ go "
            "to every account of that OU or of the organization (a StackSet to the same scope "
            "can deploy them as managed policies)."
        )
    if identity:
        notes.point(
            "Attach each file under identity-policies/<account>/ to the role it is named after "
            "(<role>-assume-roles.json: the principal role the trusts name) in that account, "
            "or assume-roles.json to the users and roles that need it when the trusts name the "
            "account root; one file lists every role that principal may assume."
        )
        notes.point(
            "A role ARN in a trust policy must exist when the policy is saved: create the "
            "trusted roles before the roles that trust them."
        )
