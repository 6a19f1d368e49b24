"""The nodes of a design: organization, OUs, accounts, identity providers, outside principals."""

from __future__ import annotations

from typing import Any

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    StrictBool,
    StrictInt,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)

from designer.model.base import (
    AwsAccountId,
    Email,
    Entity,
    Name,
    OrganizationId,
    Region,
    ServicePrincipal,
    TagKey,
    TagValue,
    Text,
    without_unset,
)
from designer.model.ids import Id, new_id
from designer.model.vocabulary import (
    OUTSIDE_IDENTIFIERS,
    UNREAD_OF,
    AccountFunction,
    AccountState,
    DataSensitivity,
    DirectoryType,
    Environment,
    FeatureSet,
    IdentityProviderKind,
    OutsideKind,
    Unread,
)


def _unique(values: list[str]) -> list[str]:
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        raise ValueError(f"duplicate entries: {', '.join(map(str, duplicates))}")
    return values


def unread_facts(kind: str, facts: list[Unread]) -> list[Unread]:
    """Facts an entity of `kind` can hold, each once, in a stable order."""
    allowed = UNREAD_OF[kind]
    _unique([str(f) for f in facts])
    for fact in facts:
        if fact not in allowed:
            names = ", ".join(sorted(allowed))
            raise ValueError(f"{fact!s} is not something read of an {kind} (one of: {names})")
    return sorted(facts)


class Organization(Entity):
    """The AWS Organization as a whole; its id is also the target of organization-wide shares."""

    id: Id = Field(default_factory=new_id)
    name: Name
    organization_id: OrganizationId | None = None
    feature_set: FeatureSet = FeatureSet.ALL
    management_account: Id | None = None
    root_scps: list[Id] = Field(default_factory=list)
    unread: list[Unread] = Field(
        default_factory=list, description="What the import could not read of the organization."
    )

    _unique_scps = field_validator("root_scps")(_unique)
    _unread = field_validator("unread")(lambda v: unread_facts("organization", v))

    @model_serializer(mode="wrap")
    def _without_unread(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return without_unset(handler(self), {"unread": []})


class OrganizationalUnit(Entity):
    id: Id = Field(default_factory=new_id)
    name: Name
    parent: Id | None = Field(default=None, description="Parent OU id; null for the root.")
    scps: list[Id] = Field(default_factory=list, description="Attached service control policies.")
    description: Text = ""

    _unique_scps = field_validator("scps")(_unique)


class Account(Entity):
    id: Id = Field(default_factory=new_id)
    name: Name
    aws_account_id: AwsAccountId | None = Field(
        default=None, description="12-digit AWS account id; null while the account is planned."
    )
    email: Email | None = Field(default=None, description="Root user e-mail address.")
    functions: list[AccountFunction] = Field(min_length=1)
    environment: Environment = Environment.NONE
    business_unit: Text = ""
    owner: Text = ""
    purpose: Text = ""
    data_sensitivity: DataSensitivity = DataSensitivity.INTERNAL
    tags: dict[TagKey, TagValue] = Field(default_factory=dict)
    regions: list[Region] = Field(default_factory=list)
    parent: Id | None = Field(default=None, description="Parent OU id; null for the root.")
    scps: list[Id] = Field(default_factory=list)
    state: AccountState = AccountState.PLANNED
    iam_user_count: StrictInt = Field(default=0, ge=0, description="IAM users in the account.")
    root_mfa: StrictBool = Field(default=False, description="The root user has MFA enabled.")
    runs_workloads: StrictBool = False
    unread: list[Unread] = Field(
        default_factory=list,
        description="What the import could not read in this account: unknown, not absent.",
    )

    _unique_functions = field_validator("functions")(_unique)
    _unique_regions = field_validator("regions")(_unique)
    _unique_scps = field_validator("scps")(_unique)
    _unread = field_validator("unread")(lambda v: unread_facts("account", v))

    @property
    def has_iam_users(self) -> bool:
        return self.iam_user_count > 0

    @field_serializer("tags")
    def _sorted_tags(self, tags: dict[str, str]) -> dict[str, str]:
        return dict(sorted(tags.items()))

    @model_serializer(mode="wrap")
    def _without_unread(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return without_unset(handler(self), {"unread": []})


class IdentityProvider(Entity):
    """A SAML / OIDC provider, an AWS Directory Service directory or IAM Identity Center."""

    id: Id = Field(default_factory=new_id)
    name: Name
    kind: IdentityProviderKind
    directory_type: DirectoryType | None = Field(
        default=None, description="Required for directory-service, absent otherwise."
    )
    home_account: Id | None = Field(
        default=None, description="Account where the provider or directory is configured."
    )
    metadata_url: Text = Field(default="", description="SAML metadata or OIDC issuer URL.")
    description: Text = ""

    @model_validator(mode="after")
    def _directory_type_matches_kind(self) -> IdentityProvider:
        is_directory = self.kind == IdentityProviderKind.DIRECTORY_SERVICE
        if is_directory and self.directory_type is None:
            raise ValueError("a directory-service provider needs a directory_type")
        if not is_directory and self.directory_type is not None:
            raise ValueError(f"directory_type applies only to directory-service, not {self.kind}")
        return self


class OutsidePrincipal(Entity):
    """Someone outside the organization: another AWS account (a vendor's, an auditor's), a
    partner organization, an AWS service, or anyone at all. Drawn outside the organization box;
    a trust from one or a share to one is where data and access leave your control."""

    id: Id = Field(default_factory=new_id)
    name: Name
    kind: OutsideKind = OutsideKind.EXTERNAL_ACCOUNT
    aws_account_id: AwsAccountId | None = Field(
        default=None, description="external-account: its 12-digit id (empty while unknown)."
    )
    organization_id: OrganizationId | None = Field(
        default=None, description="partner-organization: its o- id."
    )
    service_principal: ServicePrincipal | None = Field(
        default=None, description="service: e.g. cloudtrail.amazonaws.com."
    )
    owner: Text = Field(default="", description="Who runs it: the vendor, partner or team.")
    description: Text = ""

    @property
    def identifier(self) -> str | None:
        """What names it to AWS: its account id, o- id or service principal (None: anyone)."""
        field = OUTSIDE_IDENTIFIERS[self.kind]
        value: str | None = getattr(self, field) if field else None
        return value

    @model_validator(mode="after")
    def _identifier_matches_kind(self) -> OutsidePrincipal:
        own = OUTSIDE_IDENTIFIERS[self.kind]
        for kind, field in OUTSIDE_IDENTIFIERS.items():
            if field is not None and field != own and getattr(self, field) is not None:
                raise ValueError(f"{field} applies only to {kind} principals")
        if own in ("organization_id", "service_principal") and getattr(self, own) is None:
            raise ValueError(f"a {self.kind} principal needs its {own}")
        return self
