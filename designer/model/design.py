"""The Design: everything an architect states about one multi-account structure."""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

from designer.model.answers import Answers
from designer.model.base import Name, Text, without_unset
from designer.model.decisions import Decision
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
    _unique,
)
from designer.model.relationships import Relationship
from designer.model.vocabulary import Structure

FORMAT_VERSION: Final = 2


class Design(BaseModel):
    """Semantics first (organization ... usage policy), then waivers and layout kept apart."""

    # The container is mutable (the Document edits its lists); the entities in it are not.
    model_config = ConfigDict(extra="forbid", validate_default=True)

    format_version: Literal[2] = 2
    id: Id = Field(default_factory=new_id)
    name: Name
    description: Text = ""
    covers: list[Structure] | None = Field(
        default=None,
        description="The structures this design covers (a template of one structure); "
        "null: a whole organization. Findings about the others are outside its scope.",
    )
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
    decisions: list[Decision] = Field(
        default_factory=list, description="Why the structure is what it is (new-design wizard)."
    )
    answers: Answers | None = Field(
        default=None, description="The wizard's answers this design was grown from; null: none."
    )
    layout: Layout = Field(default_factory=Layout)

    _unique_structures = field_validator("covers")(lambda v: v if v is None else _unique(v))

    @model_serializer(mode="wrap")
    def _without_unset_scope(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A design that does not use the later fields is written as before they existed."""
        return without_unset(handler(self), {"covers": None, "decisions": [], "answers": None})
