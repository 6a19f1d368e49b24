"""Where every entity of a design lives: id -> (kind, collection, position, entity)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterator

    from designer.model.design import Design


class EntityKind(StrEnum):
    ORGANIZATION = "organization"
    OU = "organizational_unit"
    ACCOUNT = "account"
    IDENTITY_PROVIDER = "identity_provider"
    OUTSIDE = "outside_principal"
    RELATIONSHIP = "relationship"
    LOG_BUCKET = "log_bucket"
    SCP = "service_control_policy"


# Design list field for each kind held in a list (the organization is a single field).
COLLECTIONS: dict[EntityKind, str] = {
    EntityKind.OU: "organizational_units",
    EntityKind.ACCOUNT: "accounts",
    EntityKind.IDENTITY_PROVIDER: "identity_providers",
    EntityKind.OUTSIDE: "outside_principals",
    EntityKind.RELATIONSHIP: "relationships",
    EntityKind.LOG_BUCKET: "log_buckets",
    EntityKind.SCP: "service_control_policies",
}

NODE_KINDS = frozenset(
    {
        EntityKind.ORGANIZATION,
        EntityKind.OU,
        EntityKind.ACCOUNT,
        EntityKind.IDENTITY_PROVIDER,
        EntityKind.OUTSIDE,
    }
)


class EntityRef(NamedTuple):
    kind: EntityKind
    path: tuple[str | int, ...]
    entity: Any

    @property
    def label(self) -> str:
        """How a message names the entity: its kind and name."""
        name = getattr(self.entity, "name", None) or getattr(self.entity, "role_name", None)
        kind = self.kind.value.replace("_", " ")
        if self.kind == EntityKind.RELATIONSHIP:
            kind = f"{self.entity.kind} relationship"
        return f"{kind} {name!r}" if name else f"{kind} {self.entity.id}"


def iter_entities(design: Design) -> Iterator[EntityRef]:
    yield EntityRef(EntityKind.ORGANIZATION, ("organization",), design.organization)
    for kind, field in COLLECTIONS.items():
        for index, entity in enumerate(getattr(design, field)):
            yield EntityRef(kind, (field, index), entity)


def index_entities(design: Design) -> dict[str, EntityRef]:
    """The first entity for each id (duplicates are reported by the integrity check)."""
    index: dict[str, EntityRef] = {}
    for ref in iter_entities(design):
        index.setdefault(ref.entity.id, ref)
    return index


def entity_names(design: Design) -> dict[str, str]:
    """Id -> name of every named entity; the organization's root as "<name> (root)"."""
    names = {design.organization.id: f"{design.organization.name} (root)"}
    for ref in iter_entities(design):
        name = getattr(ref.entity, "name", None)
        if isinstance(name, str):
            names.setdefault(ref.entity.id, name)
    return names
