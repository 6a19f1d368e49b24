"""Writing a design in code: the relationship helpers the bundled templates and the new-design
wizard share. A subclass says how ids are made (`rel_id`) and what billing is for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from designer.model.governance import LogBucket, ServiceControlPolicy
from designer.model.nodes import (
    Account,
    IdentityProvider,
    Organization,
    OrganizationalUnit,
    OutsidePrincipal,
)
from designer.model.relationships import (
    BillingRelationship,
    DelegatedAdminRelationship,
    FederationRelationship,
    LogDeliveryRelationship,
    Relationship,
    ResourceShareRelationship,
    TrustRelationship,
)
from designer.model.vocabulary import (
    PROTOCOL_FOR_IDP,
    AccessLevel,
    LogType,
    PrincipalScope,
    PrincipalType,
    ResourceType,
)

Principal = Account | IdentityProvider | OutsidePrincipal
Scope = Account | OrganizationalUnit | Organization


@dataclass(frozen=True)
class Role:
    """A cross-account role; `purpose` is a format string with {target} for where it lands."""

    name: str
    level: AccessLevel
    principal_role: str | None
    purpose: str
    services: tuple[str, ...] = ()
    require_mfa: bool = True  # False where people sign in with MFA and a role session cannot
    organization_scoped: bool = True
    external_id: str | None = None
    principal_type: PrincipalType = PrincipalType.HUMAN


@dataclass(kw_only=True)
class DesignBuilder:
    ous: list[OrganizationalUnit] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    identity_providers: list[IdentityProvider] = field(default_factory=list)
    outside_principals: list[OutsidePrincipal] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    log_buckets: list[LogBucket] = field(default_factory=list)
    scps: list[ServiceControlPolicy] = field(default_factory=list)

    def sid(self, kind: str, key: str) -> str:
        """The stable id of the entity of `kind` that `key` names."""
        raise NotImplementedError

    def rel_id(self, kind: str, source: str, target: str, detail: str = "") -> str:
        raise NotImplementedError

    def ou_id(self, name: str, parent: OrganizationalUnit | None) -> str:
        raise NotImplementedError

    def add_ou(
        self,
        name: str,
        description: str,
        parent: OrganizationalUnit | None = None,
        scps: Sequence[ServiceControlPolicy] = (),
    ) -> OrganizationalUnit:
        unit = OrganizationalUnit(
            id=self.ou_id(name, parent),
            name=name,
            parent=parent.id if parent else None,
            scps=[s.id for s in scps],
            description=description,
        )
        self.ous.append(unit)
        return unit

    def add_scp(
        self, name: str, description: str, document: dict[str, Any] | None, aws_managed: bool
    ) -> ServiceControlPolicy:
        policy = ServiceControlPolicy(
            id=self.sid("scp", name),
            name=name,
            description=description,
            document=document,
            aws_managed=aws_managed,
        )
        self.scps.append(policy)
        return policy

    def billing_purpose(self, member: Account) -> str:
        return f"Consolidated billing: the management account pays for {member.name}."

    def trust(self, source: Principal | Scope, target: Scope, role: Role, where: str) -> None:
        """The role in `target` (an OU or the organization: in every account of it)."""
        self.relationships.append(
            TrustRelationship(
                id=self.rel_id("trust", source.id, target.id, role.name),
                source=source.id,
                target=target.id,
                purpose=role.purpose.format(target=where),
                role_name=role.name,
                access_level=role.level,
                services=list(role.services),
                require_mfa=role.require_mfa,
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
                id=self.rel_id("federation", idp.id, target.id),
                source=idp.id,
                target=target.id,
                purpose=purpose,
                protocol=PROTOCOL_FOR_IDP[idp.kind],
                mapped_roles=list(mapped_roles),
                permission_sets=list(permission_sets),
            )
        )

    def deliver_logs(
        self, source: Scope, bucket: LogBucket, log_types: Sequence[LogType], purpose: str
    ) -> None:
        """Logs of an account, of every account of an OU, or of the organization."""
        self.relationships.append(
            LogDeliveryRelationship(
                id=self.rel_id("log-delivery", source.id, bucket.account, "+".join(log_types)),
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
        target: Scope,
        resource_type: ResourceType,
        resource_names: Sequence[str],
        purpose: str,
        ram_resource_type: str | None = None,
    ) -> None:
        detail = f"{resource_type}:{ram_resource_type or ''}"
        self.relationships.append(
            ResourceShareRelationship(
                id=self.rel_id("resource-share", source.id, target.id, detail),
                source=source.id,
                target=target.id,
                purpose=purpose,
                resource_type=resource_type,
                ram_resource_type=ram_resource_type,
                resource_names=list(resource_names),
            )
        )

    def delegate(
        self, management: Account, target: Account, principals: Sequence[str], purpose: str
    ) -> None:
        self.relationships.append(
            DelegatedAdminRelationship(
                id=self.rel_id("delegated-admin", management.id, target.id),
                source=management.id,
                target=target.id,
                purpose=purpose,
                service_principals=list(principals),
            )
        )

    def bill_members(self, payer: Account) -> None:
        for member in self.accounts:
            if member.id != payer.id:
                self.relationships.append(
                    BillingRelationship(
                        id=self.rel_id("billing", payer.id, member.id),
                        source=payer.id,
                        target=member.id,
                        purpose=self.billing_purpose(member),
                    )
                )
