"""Outside principals as the editor shows them: the note under a made-up identifier (new
partner organizations and services start with one, see designer.core.edits) and the one line
that says who a principal is."""

from __future__ import annotations

from typing import Any, Final

from designer.core import edits
from designer.model.vocabulary import OUTSIDE_IDENTIFIERS, OutsideKind

PLACEHOLDER_NOTES: Final[dict[OutsideKind, str]] = {
    OutsideKind.PARTNER_ORGANIZATION: "A made-up id: enter the partner organization's o- id",
    OutsideKind.SERVICE: "A made-up principal: enter the service's, e.g. cloudtrail.amazonaws.com",
}


def placeholder_note(principal: Any, field: str) -> str:
    """What the form says under the identifier `field` while it holds the made-up one."""
    made_up = edits.OUTSIDE_PLACEHOLDERS.get(principal.kind)
    if made_up is None or OUTSIDE_IDENTIFIERS[principal.kind] != field:
        return ""
    return PLACEHOLDER_NOTES[principal.kind] if getattr(principal, field) == made_up else ""


def identifier_text(principal: Any) -> str:
    """The one line that says who it is: account id, o- id, service principal, or the public."""
    field = OUTSIDE_IDENTIFIERS[principal.kind]
    value = getattr(principal, field) if field else None
    if value:
        return str(value)
    if principal.kind == OutsideKind.ANYONE:
        return "anyone at all"
    return "account id unknown"
