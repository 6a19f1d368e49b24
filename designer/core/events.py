"""Plain-Python events: the Document announces each change; views and caches listen.

An event has a typed subject (what kind of thing changed) and verb (what happened to it), so
listeners compare enums instead of splitting names apart. `name` gives the past-tense spelling
(account_added, relationship_removed, position_updated) for logs and tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Subject(StrEnum):
    """What changed."""

    ORGANIZATION = "organization"
    OU = "ou"
    ACCOUNT = "account"
    IDENTITY_PROVIDER = "identity_provider"
    OUTSIDE = "outside_principal"
    RELATIONSHIP = "relationship"
    LOG_BUCKET = "log_bucket"
    SCP = "scp"
    POSITION = "position"  # a node's or container's place on the canvas
    WAIVER = "waiver"
    DESIGN = "design"  # the design's name and description
    USAGE_POLICY = "usage_policy"


class Verb(StrEnum):
    """What happened to it (past tense)."""

    ADDED = "added"
    UPDATED = "updated"
    MOVED = "moved"  # an account or OU got another parent
    REMOVED = "removed"


# The things drawn as items on the canvas (a node or a container box).
NODE_SUBJECTS = frozenset(
    {
        Subject.ACCOUNT,
        Subject.IDENTITY_PROVIDER,
        Subject.OUTSIDE,
        Subject.OU,
        Subject.ORGANIZATION,
    }
)


@dataclass(frozen=True)
class DesignEvent:
    """What changed: `entity` is the new entity (the id, for positions)."""

    subject: Subject
    verb: Verb
    entity: Any
    index: int | None = None  # position in its collection, for exact undo
    old: Any = None  # the previous entity, for updated and moved

    @property
    def name(self) -> str:
        return f"{self.subject}_{self.verb}"


Listener = Callable[[DesignEvent], None]


class EventEmitter:
    def __init__(self) -> None:
        self._listeners: list[tuple[str | None, Listener]] = []

    def connect(self, listener: Listener, name: str | None = None) -> None:
        """Call `listener` for every event, or only for events called `name`."""
        self._listeners.append((name, listener))

    def disconnect(self, listener: Listener) -> None:
        self._listeners = [(n, fn) for n, fn in self._listeners if fn is not listener]

    def emit(self, event: DesignEvent) -> None:
        for name, listener in list(self._listeners):
            if name is None or name == event.name:
                listener(event)
