"""Typed relationships between nodes: a discriminated union on `kind`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, field_validator, model_validator

from designer.model.base import (
    Entity,
    ExternalId,
    ManagedPolicyArn,
    RoleName,
    ServiceName,
    ServicePrincipal,
    Text,
)
from designer.model.ids import Id, new_id
from designer.model.nodes import _unique
from designer.model.vocabulary import (
    AccessLevel,
    FederationProtocol,
    LogType,
    PrincipalScope,
    PrincipalType,
    ResourceType,
)


class RelationshipBase(Entity):
    id: Id = Field(default_factory=new_id)
    source: Id
    target: Id
    purpose: Text = Field(default="", description="Why the relationship exists, in plain words.")
    excluded_accounts: list[Id] = Field(
        default_factory=list,
        description="When an end is an OU or the organization: accounts in it that it skips.",
    )

    _unique_excluded = field_validator("excluded_accounts")(_unique)


class TrustRelationship(RelationshipBase):
    """An IAM role in the target account that the source may assume.

    Either end may be a scope: a target OU or organization deploys the role to every account in
    it (a service-managed StackSet, future accounts included); a source OU or organization admits
    any principal of it (aws:PrincipalOrgPaths / aws:PrincipalOrgID).
    """

    kind: Literal["trust"] = "trust"
    role_name: RoleName
    access_level: AccessLevel
    services: list[ServiceName] = Field(
        default_factory=list, description="Services administered (service-admin only)."
    )
    managed_policy_arns: list[ManagedPolicyArn] = Field(
        default_factory=list, description="Managed policies attached (custom only)."
    )
    require_mfa: StrictBool = False
    external_id: ExternalId | None = None
    principal_scope: PrincipalScope = PrincipalScope.ACCOUNT_ROOT
    principal_role_name: RoleName | None = Field(
        default=None, description="The one role in the trusted account that may assume this role."
    )
    organization_scoped: StrictBool = Field(
        default=False, description="Trust policy carries an aws:PrincipalOrgID condition."
    )
    max_session_duration: StrictInt = Field(default=3600, ge=3600, le=43200)
    principal_type: PrincipalType = Field(
        default=PrincipalType.HUMAN,
        description="human: people who can present MFA; workload: a pipeline, service or vendor.",
    )
    source_account_condition: StrictBool = Field(
        default=False,
        description="Trust from an AWS service: aws:SourceAccount must be the role's own account, "
        "so the service cannot be made to use the role for someone else (confused deputy).",
    )
    oidc_subjects: list[Text] = Field(
        default_factory=list,
        description="Trust from an OIDC provider: the token subjects it admits, e.g. "
        "repo:example/app:ref:refs/heads/main; empty admits every subject of the provider.",
    )

    _unique_services = field_validator("services")(_unique)
    _unique_arns = field_validator("managed_policy_arns")(_unique)
    _unique_subjects = field_validator("oidc_subjects")(_unique)

    @model_validator(mode="after")
    def _attributes_match_access_level(self) -> TrustRelationship:
        if self.access_level == AccessLevel.SERVICE_ADMIN and not self.services:
            raise ValueError("a service-admin role names at least one service in 'services'")
        if self.access_level != AccessLevel.SERVICE_ADMIN and self.services:
            raise ValueError("'services' applies only to the service-admin access level")
        if self.access_level == AccessLevel.CUSTOM and not self.managed_policy_arns:
            raise ValueError("a custom role lists its policies in 'managed_policy_arns'")
        if self.principal_scope == PrincipalScope.ROLE and self.principal_role_name is None:
            raise ValueError("principal_scope 'role' needs principal_role_name")
        if self.principal_scope == PrincipalScope.ACCOUNT_ROOT and self.principal_role_name:
            raise ValueError("principal_role_name applies only to principal_scope 'role'")
        return self


class FederationRelationship(RelationshipBase):
    """Users of an identity provider sign in to the target (identity) account."""

    kind: Literal["federation"] = "federation"
    protocol: FederationProtocol
    mapped_roles: list[RoleName] = Field(default_factory=list)
    permission_sets: list[Text] = Field(default_factory=list)
    principal_type: PrincipalType = Field(
        default=PrincipalType.HUMAN,
        description="human: people signing in; workload: CI jobs (an OIDC provider for CI).",
    )
    oidc_subjects: list[Text] = Field(
        default_factory=list,
        description="OIDC: the token subjects admitted, e.g. repo:example/app:environment:prod; "
        "empty admits every subject of the provider.",
    )

    _unique_roles = field_validator("mapped_roles")(_unique)
    _unique_sets = field_validator("permission_sets")(_unique)
    _unique_subjects = field_validator("oidc_subjects")(_unique)


class LogDeliveryRelationship(RelationshipBase):
    """Logs of the source go to a bucket of the target (log-archive) account.

    The source is one account, an OU (every account in it) or the organization (the
    organization trail and an organization-wide Config aggregation).
    """

    kind: Literal["log-delivery"] = "log-delivery"
    log_types: list[LogType] = Field(min_length=1)
    bucket: Id | None = Field(default=None, description="Destination log bucket id.")
    multi_region: StrictBool = Field(
        default=True, description="CloudTrail: the trail records events of every Region."
    )
    log_file_validation: StrictBool = Field(
        default=True, description="CloudTrail: digest files prove the logs were not altered."
    )

    _unique_types = field_validator("log_types")(_unique)


class ResourceShareRelationship(RelationshipBase):
    """A publisher shares resources with an account, an OU, the organization, or outside it (an
    external account, a partner organization, anyone)."""

    kind: Literal["resource-share"] = "resource-share"
    resource_type: ResourceType
    ram_resource_type: Text | None = Field(
        default=None, description="RAM resource type such as ec2:Subnet (ram-share only)."
    )
    resource_names: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ram_type_matches(self) -> ResourceShareRelationship:
        if self.resource_type == ResourceType.RAM_SHARE and not self.ram_resource_type:
            raise ValueError("a ram-share names its ram_resource_type, e.g. ec2:Subnet")
        if self.resource_type != ResourceType.RAM_SHARE and self.ram_resource_type:
            raise ValueError("ram_resource_type applies only to ram-share")
        return self


class DelegatedAdminRelationship(RelationshipBase):
    """The management account delegates administration of services to the target account.

    `administers` narrows whom it administers to an OU (Firewall Manager's administrator scope,
    Security Hub configuration policies); empty means the whole organization.
    """

    kind: Literal["delegated-admin"] = "delegated-admin"
    service_principals: list[ServicePrincipal] = Field(min_length=1)
    administers: Id | None = Field(
        default=None, description="The OU it administers; null for the whole organization."
    )

    _unique_principals = field_validator("service_principals")(_unique)


class BillingRelationship(RelationshipBase):
    """Consolidated billing: the payer pays for the member."""

    kind: Literal["billing"] = "billing"


Relationship = Annotated[
    TrustRelationship
    | FederationRelationship
    | LogDeliveryRelationship
    | ResourceShareRelationship
    | DelegatedAdminRelationship
    | BillingRelationship,
    Field(discriminator="kind"),
]
