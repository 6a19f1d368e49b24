"""Collects the entities of a design grown from answers.

Every id is stable_id("wizard", seed, kind, key): the same answers give the same ids, so a
design grown again from changed answers differs from the first only where the answers differ,
and the difference can be applied to a design the architect has since edited by hand.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from designer.model import (
    Account,
    BillingRelationship,
    DelegatedAdminRelationship,
    FederationRelationship,
    IdentityProvider,
    LogBucket,
    LogDeliveryRelationship,
    Organization,
    OrganizationalUnit,
    OutsidePrincipal,
    Relationship,
    ResourceShareRelationship,
    ServiceControlPolicy,
    TrustRelationship,
    stable_id,
)
from designer.model.answers import Answers
from designer.model.decisions import Decision
from designer.model.vocabulary import (
    PROTOCOL_FOR_IDP,
    AccessLevel,
    AccountFunction,
    DataSensitivity,
    Environment,
    LogType,
    PrincipalScope,
    PrincipalType,
    ResourceType,
)

Principal = Account | IdentityProvider | OutsidePrincipal
EMAIL_LIMIT = 64  # AWS Organizations CreateAccount: an account's e-mail is 6 to 64 characters
Target = Account | OrganizationalUnit | Organization


def slug(name: str) -> str:
    """'R&D Production' -> 'r-d-production' (e-mail local parts, bucket names)."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


def pascal(name: str) -> str:
    """'Retail & Payments' -> 'RetailPayments' (IAM role names)."""
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", name))


@dataclass(frozen=True)
class Role:
    """A cross-account role: name, level, and the one role in the trusted account that uses it."""

    name: str
    level: AccessLevel
    principal_role: str | None
    purpose: str
    services: tuple[str, ...] = ()
    external_id: str | None = None
    principal_type: PrincipalType = PrincipalType.HUMAN
    organization_scoped: bool = True


@dataclass
class Builder:
    answers: Answers
    seed: str
    organization: Organization = field(init=False)
    ous: list[OrganizationalUnit] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    identity_providers: list[IdentityProvider] = field(default_factory=list)
    outside_principals: list[OutsidePrincipal] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    log_buckets: list[LogBucket] = field(default_factory=list)
    scps: list[ServiceControlPolicy] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.organization = Organization(
            id=self.sid("organization", "organization"), name=self.answers.organization_name
        )

    def sid(self, kind: str, key: str) -> str:
        return stable_id("wizard", self.seed, kind, key)

    # -- decisions -------------------------------------------------------------------------------
    def decide(
        self,
        topic: str,
        choice: str,
        rationale: str,
        sources: Sequence[str],
        made: Sequence[object] = (),
    ) -> None:
        ids = list(dict.fromkeys(str(getattr(m, "id")) for m in made))  # noqa: B009
        self.decisions.append(
            Decision(
                topic=topic, choice=choice, rationale=rationale, sources=list(sources), entities=ids
            )
        )

    # -- nodes -----------------------------------------------------------------------------------
    def add_ou(
        self,
        name: str,
        description: str,
        parent: OrganizationalUnit | None = None,
        scps: Sequence[ServiceControlPolicy] = (),
    ) -> OrganizationalUnit:
        path = f"{self._ou_path(parent)}/{name}" if parent else name
        unit = OrganizationalUnit(
            id=self.sid("ou", path.casefold()),
            name=name,
            parent=parent.id if parent else None,
            scps=[s.id for s in scps],
            description=description,
        )
        self.ous.append(unit)
        return unit

    def _ou_path(self, unit: OrganizationalUnit) -> str:
        names = [unit.name]
        parent = unit.parent
        while parent is not None:
            above = next(u for u in self.ous if u.id == parent)
            names.append(above.name)
            parent = above.parent
        return "/".join(reversed(names))

    def add_account(
        self,
        name: str,
        function: AccountFunction,
        purpose: str,
        *,
        parent: OrganizationalUnit | None,
        owner: str,
        business_unit: str,
        environment: Environment = Environment.NONE,
        sensitivity: DataSensitivity = DataSensitivity.RESTRICTED,
        iam_users: int = 0,
    ) -> Account:
        account = Account(
            id=self.sid("account", name.casefold()),
            name=name,
            email=self.email(name),
            functions=[function],
            environment=environment,
            business_unit=business_unit,
            owner=owner,
            purpose=purpose,
            data_sensitivity=sensitivity,
            tags={"Environment": environment.value, "Owner": owner},
            regions=list(self.answers.regions),
            parent=parent.id if parent else None,
            iam_user_count=iam_users,
            root_mfa=True,
            runs_workloads=function == AccountFunction.WORKLOAD,
        )
        self.accounts.append(account)
        return account

    def add_provider(self, provider: IdentityProvider) -> IdentityProvider:
        self.identity_providers.append(provider)
        return provider

    def email(self, name: str) -> str:
        """aws-<account>@<domain>, within the 64 characters AWS accepts: a long name is cut
        and given a digest of itself, so two long names never share an address."""
        domain = self.answers.email_domain
        local = f"aws-{slug(name)}"
        room = EMAIL_LIMIT - len(domain) - 1
        if len(local) > room:
            digest = hashlib.sha256(name.casefold().encode()).hexdigest()[:8]
            local = f"{local[: room - len(digest) - 1].rstrip('-')}-{digest}"
        return f"{local}@{domain}"

    def add_scp(
        self, name: str, description: str, document: dict[str, object] | None
    ) -> ServiceControlPolicy:
        policy = ServiceControlPolicy(
            id=self.sid("scp", name),
            name=name,
            description=description,
            document=document,
            aws_managed=document is None,
        )
        self.scps.append(policy)
        return policy

    # -- relationships ---------------------------------------------------------------------------
    def _rel_id(self, kind: str, source: str, target: str, detail: str = "") -> str:
        return self.sid("relationship", f"{kind}:{source}->{target}:{detail}")

    def trust(self, source: Principal, target: Target, role: Role, where: str) -> None:
        self.relationships.append(
            TrustRelationship(
                id=self._rel_id("trust", source.id, target.id, role.name),
                source=source.id,
                target=target.id,
                purpose=role.purpose.format(target=where),
                role_name=role.name,
                access_level=role.level,
                services=list(role.services),
                external_id=role.external_id,
                principal_scope=(
                    PrincipalScope.ROLE if role.principal_role else PrincipalScope.ACCOUNT_ROOT
                ),
                principal_role_name=role.principal_role,
                organization_scoped=role.organization_scoped,
                principal_type=role.principal_type,
            )
        )

    def federate(
        self,
        idp: IdentityProvider,
        target: Account,
        purpose: str,
        mapped_roles: Sequence[str] = (),
        permission_sets: Sequence[str] = (),
    ) -> None:
        self.relationships.append(
            FederationRelationship(
                id=self._rel_id("federation", idp.id, target.id),
                source=idp.id,
                target=target.id,
                purpose=purpose,
                protocol=PROTOCOL_FOR_IDP[idp.kind],
                mapped_roles=list(mapped_roles),
                permission_sets=list(permission_sets),
            )
        )

    def deliver_logs(
        self,
        source: Account | OrganizationalUnit | Organization,
        bucket: LogBucket,
        log_types: Sequence[LogType],
        purpose: str,
    ) -> None:
        detail = "+".join(log_types)
        self.relationships.append(
            LogDeliveryRelationship(
                id=self._rel_id("log-delivery", source.id, bucket.id, detail),
                source=source.id,
                target=bucket.account,
                purpose=purpose,
                log_types=list(log_types),
                bucket=bucket.id,
            )
        )

    def share(
        self,
        source: Account,
        target: Account | OrganizationalUnit | Organization,
        resource_type: ResourceType,
        names: Sequence[str],
        purpose: str,
    ) -> None:
        self.relationships.append(
            ResourceShareRelationship(
                id=self._rel_id("resource-share", source.id, target.id, resource_type),
                source=source.id,
                target=target.id,
                purpose=purpose,
                resource_type=resource_type,
                resource_names=list(names),
            )
        )

    def delegate(
        self, source: Account, target: Account, principals: Sequence[str], why: str
    ) -> None:
        self.relationships.append(
            DelegatedAdminRelationship(
                id=self._rel_id("delegated-admin", source.id, target.id, "+".join(principals)),
                source=source.id,
                target=target.id,
                purpose=why,
                service_principals=list(principals),
            )
        )

    def bill(self, payer: Account) -> None:
        for member in self.accounts:
            if member.id != payer.id:
                self.relationships.append(
                    BillingRelationship(
                        id=self._rel_id("billing", payer.id, member.id),
                        source=payer.id,
                        target=member.id,
                        purpose=f"Consolidated billing: the management account pays for "
                        f"{member.name} and charges it to {member.business_unit}.",
                    )
                )
