"""A design from what the import read: the organization tree, accounts, SCPs and relationships.

Ids are derived from AWS ids (stable_id), so importing the same organization twice gives the same
design. What AWS does not say (an account's function) is inferred and can be corrected in the
editor: the management account, the owner of log buckets (log archive), the home of identity
providers (identity), otherwise a workload account, unless a "function" tag says otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from designer.live.read import Organization
from designer.live.read_account import AccountScan, Bucket, Role
from designer.model import (
    Account,
    BillingRelationship,
    DelegatedAdminRelationship,
    Design,
    FederationRelationship,
    IdentityProvider,
    LogBucket,
    LogDeliveryRelationship,
    ObjectLock,
    OrganizationalUnit,
    ResourceShareRelationship,
    ServiceControlPolicy,
    OutsidePrincipal,
    TrustRelationship,
    stable_id,
)
from designer.model import Organization as OrganizationNode
from designer.model.vocabulary import AccessLevel, AccountFunction, Environment

ADMIN, IAM_FULL = (
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/IAMFullAccess",
)
AUDIT = "arn:aws:iam::aws:policy/SecurityAudit"
READ_ONLY = (
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
)
READ_ACTIONS = ("Get", "List", "Describe")
ENVIRONMENTS = {
    "prod": Environment.PRODUCTION,
    "production": Environment.PRODUCTION,
    "nonprod": Environment.NON_PRODUCTION,
    "non-prod": Environment.NON_PRODUCTION,
    "non-production": Environment.NON_PRODUCTION,
    "staging": Environment.NON_PRODUCTION,
    "dev": Environment.DEVELOPMENT,
    "development": Environment.DEVELOPMENT,
    "test": Environment.TEST,
    "sandbox": Environment.SANDBOX,
}


def live_id(*parts: str) -> str:
    return stable_id("live", *parts)


@dataclass
class Gap:
    """Something the import could not read, and why."""

    account: str | None  # AWS account id, None for the organization
    what: str
    reason: str


@dataclass
class Read:
    organization: Organization
    scans: dict[str, AccountScan] = field(default_factory=dict)  # by AWS account id
    buckets: dict[str, Bucket] = field(default_factory=dict)  # by name
    bucket_owner: dict[str, str] = field(default_factory=dict)  # name -> AWS account id
    gaps: list[Gap] = field(default_factory=list)


def build_design(read: Read, name: str) -> Design:
    builder = _Builder(read)
    return builder.design(name)


class _Builder:
    def __init__(self, read: Read) -> None:
        self.read, self.org = read, read.organization
        self.account_ids = {a.id for a in self.org.accounts}
        self.outside_principals: dict[str, OutsidePrincipal] = {}
        self.providers: dict[str, IdentityProvider] = {}
        self.federations: dict[tuple[str, str], FederationRelationship] = {}
        self.log_owners = {read.bucket_owner[b] for b in read.buckets if b in read.bucket_owner}
        self.policy_targets = {p.id: set(p.targets) for p in read.organization.policies}

    def design(self, name: str) -> Design:
        buckets = self.log_buckets()
        self.kept_buckets = {b.name for b in buckets}
        relationships = [*self.trusts(), *self.deliveries(), *self.shares()]
        relationships += [*self.delegations(), *self.billing()]
        relationships += list(self.federations.values())
        return Design(
            id=live_id("design", self.org.id),
            name=name,
            description=f"Imported from AWS Organizations on {dt.date.today().isoformat()}.",
            organization=OrganizationNode(
                id=live_id(self.org.root_id),
                name=f"Organization {self.org.id}",
                organization_id=self.org.id,
                feature_set=self.org.feature_set,
                management_account=live_id(self.org.management_id),
                root_scps=self.attached(self.org.root_id),
            ),
            organizational_units=[
                OrganizationalUnit(
                    id=live_id(u.id),
                    name=u.name,
                    parent=None if u.parent == self.org.root_id else live_id(u.parent),
                    scps=self.attached(u.id),
                )
                for u in self.org.units
            ],
            accounts=[self.account(a) for a in self.org.accounts],
            identity_providers=list(self.providers.values()),
            outside_principals=list(self.outside_principals.values()),
            relationships=relationships,
            log_buckets=buckets,
            service_control_policies=[
                ServiceControlPolicy(
                    id=live_id(p.id),
                    name=p.name,
                    description=p.description,
                    document=p.content,
                    aws_managed=p.aws_managed,
                )
                for p in self.org.policies
            ],
        )

    def attached(self, target: str) -> list[str]:
        return [live_id(p.id) for p in self.org.policies if target in self.policy_targets[p.id]]

    # -- accounts ------------------------------------------------------------------------------
    def account(self, a: Any) -> Account:
        scan = self.read.scans.get(a.id)
        tags = dict(a.tags)
        lowered = {k.lower(): v for k, v in tags.items()}
        state = {"ACTIVE": "active"}.get(a.state, "suspended")
        return Account(
            id=live_id(a.id),
            name=a.name,
            aws_account_id=a.id,
            email=a.email,
            functions=[self.function(a.id, lowered.get("function", ""))],
            environment=ENVIRONMENTS.get(lowered.get("environment", "").lower(), Environment.NONE),
            owner=lowered.get("owner", ""),
            tags=tags,
            parent=None if a.parent == self.org.root_id else live_id(a.parent),
            scps=self.attached(a.id),
            state=state,
            iam_user_count=scan.users if scan else 0,
            root_mfa=scan.root_mfa if scan else False,
        )

    def function(self, account_id: str, tagged: str) -> AccountFunction:
        if tagged in {f.value for f in AccountFunction}:
            return AccountFunction(tagged)
        if account_id == self.org.management_id:
            return AccountFunction.MANAGEMENT
        if account_id in self.log_owners:
            return AccountFunction.LOG_ARCHIVE
        scan = self.read.scans.get(account_id)
        if scan and scan.providers:
            return AccountFunction.IDENTITY
        return AccountFunction.WORKLOAD

    # -- trust and federation ------------------------------------------------------------------
    def trusts(self) -> Iterator[TrustRelationship]:
        """One trust per (trusted account, role): several principals of one account merge, the
        broadest (the account root) winning."""
        kept: dict[str, TrustRelationship] = {}
        for account_id, scan in sorted(self.read.scans.items()):
            for role in scan.roles:
                if role.path.startswith("/aws-service-role/"):
                    continue  # made and used by AWS services
                for statement in _assume_statements(role.trust):
                    for trust in self.trust(account_id, role, statement):
                        current = kept.get(trust.id)
                        if current is None or trust.principal_role_name is None:
                            kept[trust.id] = trust
        yield from kept.values()

    def trust(
        self, account_id: str, role: Role, statement: dict[str, Any]
    ) -> Iterator[TrustRelationship]:
        principal = statement.get("Principal", {})
        federated = _listed(principal.get("Federated") if isinstance(principal, dict) else None)
        for provider_arn in federated:
            self.federate(account_id, role, provider_arn)
        aws = _listed(principal.get("AWS") if isinstance(principal, dict) else principal)
        conditions = statement.get("Condition", {})
        for entry in aws:
            source_account, role_name = _principal(entry)
            if source_account is None or source_account == account_id:
                continue
            source = self.source(source_account)
            level, services, managed = _access(role)
            trust = self.make(
                TrustRelationship,
                account_id,
                f"role {role.name}",
                id=live_id("trust", source_account, account_id, role.name),
                source=source,
                target=live_id(account_id),
                role_name=role.name,
                access_level=level,
                services=services,
                managed_policy_arns=managed,
                require_mfa=_condition(conditions, "aws:MultiFactorAuthPresent") == "true",
                external_id=_condition(conditions, "sts:ExternalId"),
                principal_scope="role" if role_name else "account-root",
                principal_role_name=role_name,
                organization_scoped=_condition(conditions, "aws:PrincipalOrgID") is not None,
            )
            if trust is not None:
                yield trust

    def source(self, account_id: str) -> str:
        if account_id in self.account_ids:
            return live_id(account_id)
        if account_id not in self.outside_principals:
            self.outside_principals[account_id] = OutsidePrincipal(
                id=live_id("third-party", account_id),
                name=f"External account {account_id}",
                aws_account_id=account_id,
            )
        return self.outside_principals[account_id].id

    def federate(self, account_id: str, role: Role, provider_arn: str) -> None:
        scan = self.read.scans[account_id]
        provider = next((p for p in scan.providers if p.arn == provider_arn), None)
        if provider is None:
            return  # a provider of another account, or deleted: nothing to draw it from
        if provider.arn not in self.providers:
            self.providers[provider.arn] = IdentityProvider(
                id=live_id("idp", provider.arn),
                name=provider.name,
                kind=provider.kind,
                home_account=live_id(account_id),
            )
        key = (provider.arn, account_id)
        current = self.federations.get(key)
        roles = sorted({*(current.mapped_roles if current else []), role.name})
        self.federations[key] = FederationRelationship(
            id=live_id("federation", provider.arn, account_id),
            source=self.providers[provider.arn].id,
            target=live_id(account_id),
            protocol=provider.kind,
            mapped_roles=roles,
        )

    # -- logging -------------------------------------------------------------------------------
    def deliveries(self) -> Iterator[LogDeliveryRelationship]:
        owner = self.read.bucket_owner
        for account_id, scan in sorted(self.read.scans.items()):
            for trail in scan.trails:
                if trail.bucket in owner and trail.bucket in self.kept_buckets:
                    yield LogDeliveryRelationship(
                        id=live_id("trail", account_id, trail.name),
                        source=live_id(account_id),
                        target=live_id(owner[trail.bucket]),
                        log_types=["cloudtrail"],
                        bucket=live_id("bucket", trail.bucket),
                        organization_wide=trail.organization,
                        multi_region=trail.multi_region,
                        log_file_validation=trail.validation,
                    )
            for bucket in scan.config_buckets:
                if bucket in owner and bucket in self.kept_buckets:
                    yield LogDeliveryRelationship(
                        id=live_id("config", account_id, bucket),
                        source=live_id(account_id),
                        target=live_id(owner[bucket]),
                        log_types=["config"],
                        bucket=live_id("bucket", bucket),
                    )

    def log_buckets(self) -> list[LogBucket]:
        kept = []
        for bucket in self._log_buckets():
            if bucket is not None:
                kept.append(bucket)
        return kept

    def _log_buckets(self) -> list[LogBucket | None]:
        return [
            self.make(
                LogBucket,
                self.read.bucket_owner[b.name],
                f"bucket {b.name}",
                id=live_id("bucket", b.name),
                name=b.name,
                account=live_id(self.read.bucket_owner[b.name]),
                versioning=b.versioning,
                mfa_delete=b.mfa_delete and b.versioning,
                object_lock=ObjectLock(mode=b.lock_mode, retention_days=b.lock_days)
                if b.lock_mode and b.lock_days and b.versioning
                else None,
                kms_key=b.kms_key,
                access_logging=b.access_logging,
                organization_restricted_writes=b.organization_only,
            )
            for b in sorted(self.read.buckets.values(), key=lambda b: b.name)
        ]

    def make(self, model: Any, owner: str | None, what: str, /, **fields: Any) -> Any:
        """The model, or None and a gap when AWS holds a value the design cannot (a legacy
        bucket name with capitals, say)."""
        try:
            return model(**fields)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            self.read.gaps.append(Gap(owner, what, f"not shown: {where}: {error['msg']}"))
            return None

    # -- publishing ----------------------------------------------------------------------------
    def shares(self) -> Iterator[ResourceShareRelationship]:
        grouped: dict[tuple[str, str, str, str | None], set[str]] = {}
        for account_id, scan in sorted(self.read.scans.items()):
            for share in scan.shares:
                target = self.share_target(account_id, share)
                if target is not None:
                    key = (account_id, target, share.resource_type, share.ram_type)
                    grouped.setdefault(key, set()).add(share.resource)
        for (account_id, target, kind, ram_type), names in grouped.items():
            yield ResourceShareRelationship(
                id=live_id("share", account_id, target, kind, ram_type or ""),
                source=live_id(account_id),
                target=target,
                resource_type=kind,
                ram_resource_type=ram_type if kind == "ram-share" else None,
                resource_names=sorted(names),
            )

    def share_target(self, account_id: str, share: Any) -> str | None:
        """The design id a share reaches; None (and a gap) when the design cannot show it."""
        principal = share.principal.rsplit("/", 1)[-1]
        units = {u.id for u in self.org.units}
        if principal in self.account_ids and principal != account_id:
            return live_id(principal)
        if principal in units:
            return live_id(principal)
        if principal == self.org.id or principal == self.org.root_id:
            return live_id(self.org.root_id)
        where = {"all": "everyone (public)"}.get(
            principal, f"{share.principal}, outside the organization"
        )
        self.read.gaps.append(
            Gap(account_id, f"{share.resource_type} {share.resource}", f"shared with {where}")
        )
        return None

    # -- organization-level ---------------------------------------------------------------------
    def delegations(self) -> Iterator[DelegatedAdminRelationship]:
        for account_id, services in sorted(self.org.delegated.items()):
            if services and account_id in self.account_ids:
                yield DelegatedAdminRelationship(
                    id=live_id("delegated", account_id),
                    source=live_id(self.org.management_id),
                    target=live_id(account_id),
                    service_principals=services,
                )

    def billing(self) -> Iterator[BillingRelationship]:
        for account in self.org.accounts:
            if account.id != self.org.management_id:
                yield BillingRelationship(
                    id=live_id("billing", account.id),
                    source=live_id(self.org.management_id),
                    target=live_id(account.id),
                )


# -- reading policies ----------------------------------------------------------------------------
def _listed(value: Any) -> list[str]:
    """A policy value as a list of strings: one value, a list, or none (JSON true, numbers...)."""
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _assume_statements(trust: dict[str, Any]) -> Iterator[dict[str, Any]]:
    statements = trust.get("Statement", [])
    for statement in [statements] if isinstance(statements, dict) else statements:
        actions = _listed(statement.get("Action"))
        assumes = any(a in ("*", "sts:*") or a.startswith("sts:AssumeRole") for a in actions)
        if statement.get("Effect") == "Allow" and assumes:
            yield statement


def _principal(entry: str) -> tuple[str | None, str | None]:
    """(account id, role name or None) of an AWS principal: an id, a root ARN or a role ARN."""
    if entry.isdigit() and len(entry) == 12:
        return entry, None
    parts = entry.split(":")
    if len(parts) < 6 or not parts[4].isdigit():
        return None, None
    resource = parts[5]
    if resource.startswith("role/"):
        return parts[4], resource.split("/")[-1]
    return parts[4], None


def _condition(conditions: dict[str, Any], key: str) -> str | None:
    for values in conditions.values():
        if isinstance(values, dict):
            for name, value in values.items():
                if name.lower() == key.lower():
                    listed = _listed(value)
                    if not listed:
                        return None
                    return listed[0].lower() if key.startswith("aws:Multi") else listed[0]
    return None


def _access(role: Role) -> tuple[AccessLevel, list[str], list[str]]:
    """Access level, services (service-admin) and policy ARNs (custom) from what is attached."""
    managed = set(role.managed)
    if ADMIN in managed or _inline_actions(role) & {"*"}:
        return AccessLevel.ADMINISTRATOR, [], []
    if IAM_FULL in managed:
        return AccessLevel.IAM_ADMIN, [], []
    others = sorted(managed - {AUDIT, *READ_ONLY})
    if others:
        return AccessLevel.CUSTOM, [], others
    actions = _inline_actions(role)
    writes = {a for a in actions if not a.split(":")[-1].startswith(READ_ACTIONS)}
    if writes:
        services = sorted({a.split(":")[0].lower() for a in writes if ":" in a})
        services = [x for x in services if re.fullmatch(r"[a-z0-9-]{2,64}", x)]
        return AccessLevel.SERVICE_ADMIN, services or ["iam"], []
    if AUDIT in managed:
        return AccessLevel.SECURITY_AUDIT, [], []
    return AccessLevel.READ_ONLY, [], []


def _inline_actions(role: Role) -> set[str]:
    actions: set[str] = set()
    for document in role.inline:
        statements = document.get("Statement", [])
        for statement in [statements] if isinstance(statements, dict) else statements:
            if statement.get("Effect") == "Allow":
                actions |= set(_listed(statement.get("Action")))
    return actions


def gaps_text(gaps: Iterable[Gap]) -> list[str]:
    return [f"{g.account or 'organization'}: {g.what}: {g.reason}" for g in gaps]
