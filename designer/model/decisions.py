"""Why the structure is what it is: the decisions the new-design wizard took, with their sources."""

from __future__ import annotations

from pydantic import Field, field_validator

from designer.model.base import Entity, Name, Text
from designer.model.ids import Id
from designer.model.nodes import _unique


class Decision(Entity):
    """One structural choice: what was decided, why, the passage it rests on and what it made."""

    topic: Name = Field(description="The question or concern it answers, e.g. 'Blast radius'.")
    choice: Text = Field(description="What the structure does, in one sentence.")
    rationale: Text = Field(default="", description="Why, in the architect's terms.")
    sources: list[Text] = Field(
        default_factory=list,
        description="Whitepaper sections (quoted) and the AWS guidance the choice relies on.",
    )
    entities: list[Id] = Field(
        default_factory=list, description="Ids of what it created: OUs, accounts, policies ..."
    )

    _unique_entities = field_validator("entities")(_unique)
