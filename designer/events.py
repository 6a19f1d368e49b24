"""Plain-Python events: the Document announces each change; views and caches listen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DesignEvent:
    """What changed. `name` is past tense, e.g. account_added, relationship_removed."""

    name: str
    entity: Any
    index: int | None = None  # position in its collection, for exact undo
    old: Any = None  # the previous entity, for *_updated and *_moved


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
