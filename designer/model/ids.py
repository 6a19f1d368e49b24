"""Stable identifiers: every node and relationship carries a uuid string that never changes."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import StringConstraints

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

Id = Annotated[str, StringConstraints(pattern=UUID_PATTERN)]

# Namespace for deterministic ids (templates, imports): same input, same id.
DESIGNER_NAMESPACE = uuid.UUID("6b1f3c2e-5d9a-4e7b-8c1d-2a3f4b5c6d7e")


def new_id() -> str:
    """A fresh random id for a node or relationship created by the user."""
    return str(uuid.uuid4())


def stable_id(*parts: str) -> str:
    """A deterministic id derived from names, so generated designs are reproducible."""
    return str(uuid.uuid5(DESIGNER_NAMESPACE, "/".join(parts)))
