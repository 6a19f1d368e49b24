"""A design from what the import read: the organization tree, accounts, SCPs and relationships.

Ids are derived from AWS ids (stable_id), so importing the same organization twice gives the same
design. What AWS does not say (an account's function) is inferred and can be corrected in the
editor: the management account, the owner of log buckets (log archive), the home of SAML
providers (identity), otherwise a workload account, unless a "function" tag says otherwise.

Whoever is trusted or shared with outside the organization becomes an outside principal (another
account, a partner organization, an AWS service, anyone), not a gap (designer.live.build_trust).
A role or Config channel found in every account of an OU becomes one relationship scoped to the
OU (designer.live.fold); the organization trail comes from the organization.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from designer.live.build_trust import TrustReader
from designer.live.fold import Tree, fold
from designer.live.policy import account_of_arn
from designer.live.records import ANYONE, Gap, Outsiders, Read, live_id
from designer.model import (
    Account,
    BillingRelationship,
    DelegatedAdminRelationship,
    Design,
    LogBucket,
    LogDeliveryRelationship,
    ObjectLock,
    OrganizationalUnit,
    ResourceShareRelationship,
    ServiceControlPolicy,
)
from designer.model import Organization as OrganizationNode
from designer.model.vocabulary import AccountFunction, Environment, OutsideKind

__all__ = ["Gap", "Read", "build_design", "gaps_text", "live_id"]

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


def build_design(read: Read, name: str) -> Design:
    builder = _Builder(read)
    return builder.design(name)


class _Builder:
    def __init__(self, read: Read) -> None:
        self.read, self.org = read, read.organization
        self.account_ids = {a.id for a in self.org.accounts}
        self.unit_ids = {u.id for u in self.org.units}
        self.outsiders = Outsiders(read)
        self.trust_reader = TrustReader(read, self.outsiders)
        self.tree = Tree.of(self.org)
        self.aws_of = {live_id(a): a for a in self.account_ids}
        self.log_owners = {read.bucket_owner[b] for b in read.buckets if b in read.bucket_owner}
        self.policy_targets = {p.id: set(p.targets) for p in read.organization.policies}

    def design(self, name: str) -> Design:
        buckets = self.log_buckets()
        self.kept_buckets = {b.name for b in buckets}
        relationships: list[Any] = [*self.trusts(), *self.deliveries(), *self.shares()]
        relationships += [*self.delegations(), *self.billing()]
        relationships += list(self.trust_reader.federations.values())
        providers = self.trust_reader.providers()
        lost = self.trust_reader.provider_ids() - {p.id for p in providers}
        relationships = [r for r in relationships if r.source not in lost]
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
            identity_providers=providers,
            outside_principals=self.outsiders.all(),
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

    def scoped(self, relationships: list[Any], end: str, *prefix: str) -> list[Any]:
        """Relationships found in every account of an OU, folded into one scoped to it; its id
        comes from `prefix`, the other end and the scope."""

        def new_id(rel: Any, scope: str) -> str:
            other = rel.source if end == "target" else rel.target
            return live_id(*prefix, other, scope, getattr(rel, "role_name", ""))

        return fold(relationships, end, self.tree, self.aws_of, live_id, new_id)

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
        if scan and any(p.kind == "saml" for p in scan.providers):
            return AccountFunction.IDENTITY  # people sign in here (OIDC providers serve CI)
        return AccountFunction.WORKLOAD

    # -- trust ---------------------------------------------------------------------------------
    def trusts(self) -> list[Any]:
        """The roles' trusts; a role deployed to every account of an OU is one trust to it."""
        return self.scoped(self.trust_reader.trusts(), "target", "trust")

    # -- logging -------------------------------------------------------------------------------
    def deliveries(self) -> list[Any]:
        """CloudTrail trails and Config delivery channels into a log bucket of the organization.
        The organization trail comes from the organization; Config channels of every account of
        an OU into one bucket are one delivery from the OU."""
        owner = self.read.bucket_owner
        trails: dict[str, LogDeliveryRelationship] = {}
        configs: list[LogDeliveryRelationship] = []
        for account_id, scan in sorted(self.read.scans.items()):
            for trail in scan.trails:
                if trail.bucket not in owner or trail.bucket not in self.kept_buckets:
                    continue
                source = self.org.root_id if trail.organization else account_id
                rel_id = live_id("trail", source, trail.name)
                trails.setdefault(
                    rel_id,
                    LogDeliveryRelationship(
                        id=rel_id,
                        source=live_id(source),
                        target=live_id(owner[trail.bucket]),
                        log_types=["cloudtrail"],
                        bucket=live_id("bucket", trail.bucket),
                        multi_region=trail.multi_region,
                        log_file_validation=trail.validation,
                    ),
                )
            for bucket in scan.config_buckets:
                if bucket in owner and bucket in self.kept_buckets:
                    configs.append(
                        LogDeliveryRelationship(
                            id=live_id("config", account_id, bucket),
                            source=live_id(account_id),
                            target=live_id(owner[bucket]),
                            log_types=["config"],
                            bucket=live_id("bucket", bucket),
                        )
                    )
        return [*trails.values(), *self.scoped(configs, "source", "config")]

    def log_buckets(self) -> list[LogBucket]:
        kept = []
        for bucket in self._log_buckets():
            if bucket is not None:
                kept.append(bucket)
        return kept

    def _log_buckets(self) -> list[LogBucket | None]:
        return [
            self.read.make(
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
        """The design id a share reaches: a member account, an OU, the organization, or an
        outside principal (another account, a partner organization, the public); None (and a
        gap) when the design cannot show it."""
        what = f"{share.resource_type} {share.resource}"
        principal = share.principal
        last = principal.rsplit("/", 1)[-1]
        if principal == "all":
            return self.outsiders.get(OutsideKind.ANYONE, ANYONE, account_id, what)
        account = account_of_arn(principal)
        if account is not None and ":organizations:" not in principal:
            if account == account_id:
                return None  # shared with its own account: nothing crosses
            if account in self.account_ids:
                return live_id(account)
            return self.outsiders.get(OutsideKind.EXTERNAL_ACCOUNT, account, account_id, what)
        if last in self.unit_ids:
            return live_id(last)
        if last in (self.org.id, self.org.root_id):
            return live_id(self.org.root_id)
        if last.startswith("o-") and "/ou-" not in principal:
            return self.outsiders.get(OutsideKind.PARTNER_ORGANIZATION, last, account_id, what)
        self.read.gaps.append(
            Gap(account_id, what, f"shared with {principal}, not an OU of the organization")
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


def gaps_text(gaps: Iterable[Gap]) -> list[str]:
    return [f"{g.account or 'organization'}: {g.what}: {g.reason}" for g in gaps]
