"""A design from what the import read: the organization tree, accounts, SCPs and relationships.

Ids are derived from AWS ids (stable_id), so importing the same organization twice gives the same
design. What the import could not read is marked unread on the account, bucket or organization
(unknown, not absent: an account never read is not an empty account). Logs delivered to a bucket
whose owner could not be read (its account was not read) have an unknown destination: that
account's CloudTrail or Config delivery is unread too (every account's, for the organization
trail), not missing.

An account's function is not something AWS states; it is inferred from strong evidence only,
and each inference is listed with its evidence (Read.inferences) so it can be checked and
corrected in the editor. The first that applies:
- a "function" tag naming a function;
- the organization's management account;
- log-archive: it owns a bucket into which the organization trail, or other accounts' CloudTrail
  trails or Config channels, deliver (an account keeping its own logs in its own bucket is not
  a log archive: it is the account the "logs reach the log archive" rule is about);
- security-tooling: it is the delegated administrator of a security service (GuardDuty,
  Security Hub, Config, Access Analyzer, Macie, Inspector, Detective, CloudTrail);
- identity: it holds SAML providers (people sign in there; OIDC providers serve CI);
- security-tooling, when it sits in an OU named "Security", none of the above holds and no
  account administers a security service (when one does, that is the security tooling, and the
  others in the OU hold something else: backups, forensics): the Security OU holds the log
  archive and the security-tooling accounts (AWS Security Reference Architecture), and an
  account no other account delivers logs to is not the log archive. The
  evidence says it rests on placement alone (and when its buckets were not read, that it may
  be the log archive);
- otherwise workload (said too, with the reason: no evidence of another function).

Whoever is trusted or shared with outside the organization becomes an outside principal (another
account, a partner organization, an AWS service, anyone), not a gap (designer.live.build_trust).
A role or Config channel found in every account of an OU becomes one relationship scoped to the
OU (designer.live.fold); the organization trail comes from the organization.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from designer.live.build_trust import TrustReader
from designer.live.fold import Tree, fold
from designer.live.policy import account_of_arn
from designer.live.read import OrgAccount, OrgPolicy
from designer.live.records import ANYONE, Gap, Inference, Outsiders, Read, live_id
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
from designer.model.fileformat import document_problem
from designer.model.vocabulary import AccountFunction, Environment, OutsideKind, Unread

__all__ = ["Gap", "Inference", "Read", "build_design", "gaps_text", "live_id"]

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
# Delegated administration of these makes an account the security-tooling account.
SECURITY_SERVICES = frozenset(
    f"{name}.amazonaws.com"
    for name in (
        "guardduty",
        "securityhub",
        "config",
        "config-multiaccountsetup",
        "access-analyzer",
        "macie",
        "inspector2",
        "detective",
        "cloudtrail",
    )
)
SECURITY_OU = "security"


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
        self.unit_names = {u.id: u.name for u in self.org.units}
        self.names = {a.id: a.name for a in self.org.accounts}
        self.aws_of = {live_id(a): a for a in self.account_ids}
        self.received = self.logs_received()
        self.unplaced = self.unplaced_logs()
        self.policy_targets = {p.id: set(p.targets) for p in read.organization.policies}

    def design(self, name: str) -> Design:
        self.read.inferences.clear()  # one list per build, in account order
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
                unread=sorted(self.org.unread),
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
            service_control_policies=[self.scp(p) for p in self.org.policies],
        )

    def scp(self, p: OrgPolicy) -> ServiceControlPolicy:
        """The SCP as read; a document the design's policy grammar refuses is a gap and left
        out (AWS accepted it, so the grammar is behind AWS's: not the import's to fail on)."""
        values = {
            "id": live_id(p.id),
            "name": p.name,
            "description": p.description,
            "aws_managed": p.aws_managed,
        }
        try:
            return ServiceControlPolicy(**values, document=p.content)
        except ValidationError as exc:
            reason = f"document not shown: {document_problem(exc)}"
            self.read.gaps.append(Gap(None, f"SCP {p.name}", reason))
            return ServiceControlPolicy(**values)

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
    def account(self, a: OrgAccount) -> Account:
        scan = self.read.scans.get(a.id)
        tags = dict(a.tags)
        lowered = {k.lower(): v for k, v in tags.items()}
        state = {"ACTIVE": "active"}.get(a.state, "suspended")
        function, evidence = self.function(a, lowered.get("function", ""))
        self.read.inferences.append(Inference(a.id, function.value, evidence))
        unread = set(a.unread) | (scan.unread if scan else {Unread.CONTENTS})
        unread |= self.unplaced.get(a.id, set())
        return Account(
            id=live_id(a.id),
            name=a.name,
            aws_account_id=a.id,
            email=a.email,
            functions=[function],
            environment=ENVIRONMENTS.get(lowered.get("environment", "").lower(), Environment.NONE),
            owner=lowered.get("owner", ""),
            tags=tags,
            parent=None if a.parent == self.org.root_id else live_id(a.parent),
            scps=self.attached(a.id),
            state=state,
            # only defaults when unread (Unread.ROOT_USER or CONTENTS): rules skip them then
            iam_user_count=scan.users if scan else 0,
            root_mfa=scan.root_mfa if scan else False,
            unread=sorted(unread),
        )

    def function(self, a: OrgAccount, tagged: str) -> tuple[AccountFunction, str]:
        """The account's function and the evidence for it (see the module's docstring)."""
        F = AccountFunction
        if tagged in {f.value for f in F}:
            return F(tagged), f"tag function={tagged}"
        if a.id == self.org.management_id:
            return F.MANAGEMENT, "the organization's management account"
        if a.id in self.received:
            return F.LOG_ARCHIVE, "owns " + "; ".join(self.received[a.id])
        security = sorted(set(self.org.delegated.get(a.id, [])) & SECURITY_SERVICES)
        if security:
            return F.SECURITY_TOOLING, f"delegated administrator of {', '.join(security)}"
        scan = self.read.scans.get(a.id)
        saml = sorted(p.name for p in scan.providers if p.kind == "saml") if scan else []
        if saml:
            return F.IDENTITY, f"holds SAML provider {', '.join(saml)}: people sign in here"
        unit = self.unit_names.get(a.parent, "")
        if unit.lower() != SECURITY_OU:
            return F.WORKLOAD, "no evidence of another function"
        buckets_read = scan is not None and Unread.BUCKETS not in scan.unread
        logs = (
            "no other account's logs are delivered to it"
            if buckets_read
            else "its buckets were not read (it may be the log archive)"
        )
        admins = sorted(
            self.names.get(admin, admin)
            for admin, services in self.org.delegated.items()
            if set(services) & SECURITY_SERVICES
        )
        if admins:
            return F.WORKLOAD, (
                f"in OU {unit!r}, whose security tooling is in {', '.join(admins)} (delegated "
                f"administrator), and {logs}: no evidence of another function"
            )
        return F.SECURITY_TOOLING, (
            f"in OU {unit!r}, which holds the log-archive and security-tooling accounts, "
            f"and {logs}: placement only, no other evidence"
        )

    def logs_received(self) -> dict[str, list[str]]:
        """Owner account -> what its buckets receive from elsewhere, in words: the organization
        trail, other accounts' trails and Config channels (an account's own logs do not count)."""
        owner = self.read.bucket_owner
        into: dict[str, dict[str, set[str]]] = {}  # bucket -> log kind -> senders

        def deliver(bucket: str, kind: str, sender: str) -> None:
            into.setdefault(bucket, {}).setdefault(kind, set()).add(sender)

        for account_id, scan in self.read.scans.items():
            for trail in scan.trails:
                if trail.organization:
                    deliver(trail.bucket, "the organization trail", "")
                elif owner.get(trail.bucket, account_id) != account_id:
                    deliver(trail.bucket, "CloudTrail", account_id)
            for bucket in scan.config_buckets:
                if owner.get(bucket, account_id) != account_id:
                    deliver(bucket, "Config", account_id)
        received: dict[str, list[str]] = {}
        for bucket, kinds in sorted(into.items()):
            if bucket not in owner:
                continue
            words = [
                kind if kind.startswith("the ") else f"{kind} of {_accounts(senders)}"
                for kind, senders in sorted(kinds.items())
            ]
            received.setdefault(owner[bucket], []).append(
                f"bucket {bucket}, receiving {' and '.join(words)}"
            )
        return received

    def unplaced_logs(self) -> dict[str, set[Unread]]:
        """Accounts whose CloudTrail or Config logs go to a bucket no account read owns, while
        some account's buckets were not read: where those logs land is unknown (the bucket may
        well be in the log archive), so their delivery is unread, not missing. An organization
        trail carries every account's CloudTrail. When every account's buckets were read, such
        a bucket is outside the organization, and the delivery is judged as missing."""
        scans, owner = self.read.scans, self.read.bucket_owner
        if len(scans) == len(self.account_ids) and all(
            Unread.BUCKETS not in s.unread for s in scans.values()
        ):
            return {}
        found: dict[str, set[Unread]] = {}
        for account_id, scan in scans.items():
            for trail in scan.trails:
                if trail.bucket not in owner:
                    every = self.account_ids if trail.organization else {account_id}
                    for reached in every:
                        found.setdefault(reached, set()).add(Unread.CLOUDTRAIL)
            for bucket in scan.config_buckets:
                if bucket not in owner:
                    found.setdefault(account_id, set()).add(Unread.CONFIG)
        return found

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
                unread=sorted(b.unread),
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


def _accounts(ids: set[str], shown: int = 3) -> str:
    """ "account 1, 2 and 3 more" style: a few ids and how many others."""
    named = sorted(ids)
    text = ", ".join(named[:shown])
    more = f" and {len(named) - shown} more" if len(named) > shown else ""
    return f"{'account' if len(named) == 1 else 'accounts'} {text}{more}"


def gaps_text(gaps: Iterable[Gap]) -> list[str]:
    return [f"{g.account or 'organization'}: {g.what}: {g.reason}" for g in gaps]
