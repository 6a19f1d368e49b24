"""The Design: everything an architect states about one multi-account structure."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from designer.model.base import Name, Text
from designer.model.governance import (
    Layout,
    LogBucket,
    ServiceControlPolicy,
    UsagePolicy,
    Waiver,
)
from designer.model.ids import Id, new_id
from designer.model.nodes import (
    Account,
    IdentityProvider,
    Organization,
    OrganizationalUnit,
    OutsidePrincipal,
)
from designer.model.relationships import Relationship

FORMAT_VERSION: Final = 2


class Design(BaseModel):
    """Semantics first (organization ... usage policy), then waivers and layout kept apart."""

    # The container is mutable (the Document edits its lists); the entities in it are not.
    model_config = ConfigDict(extra="forbid", validate_default=True)

    format_version: Literal[2] = 2
    id: Id = Field(default_factory=new_id)
    name: Name
    description: Text = ""
    organization: Organization
    organizational_units: list[OrganizationalUnit] = Field(default_factory=list)
    accounts: list[Account] = Field(default_factory=list)
    identity_providers: list[IdentityProvider] = Field(default_factory=list)
    outside_principals: list[OutsidePrincipal] = Field(default_factory=list)
    relationships: list[Relationship] = Field(default_factory=list)
    log_buckets: list[LogBucket] = Field(default_factory=list)
    service_control_policies: list[ServiceControlPolicy] = Field(default_factory=list)
    usage_policy: UsagePolicy = Field(default_factory=UsagePolicy)
    waivers: list[Waiver] = Field(default_factory=list)
    layout: Layout = Field(default_factory=Layout)
