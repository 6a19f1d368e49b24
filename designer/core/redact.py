"""A copy of a design with account ids, e-mail addresses and the organization id masked.

For diagrams and documents shared outside the company. Masking the design itself, before any
exporter runs, keeps the masks consistent across every file of an export: the account that is
000000000007 in the diagram is 000000000007 in the document, its policies and the plan.

Masks stay valid values (12 digits, an address, an organization id), so a redacted design is
still a design every exporter accepts; the leading zeros and the example.invalid domain show
they are not real. The values the design declares (account ids, addresses, organization id) are
masked wherever they appear, even inside a word (an SCP Sid, a bucket name) or written
1234-5678-9012; values it does not declare are found by their shape (free text, ARNs).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from designer.model.design import Design
from designer.model.errors import DesignError

_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_ACCOUNT_ID = re.compile(r"(?<![0-9A-Za-z])[0-9]{12}(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[^\s@\"'<>()\[\],;:]+@[^\s@\"'<>()\[\],;:]+\.[A-Za-z]{2,}")
_ORGANIZATION_ID = re.compile(r"(?<![0-9a-z])o-[a-z0-9]{10,32}(?![0-9a-z])")
MASKED_DOMAIN = "example.invalid"


class Masks:
    """Hands out masks in the order values are met; the same value always gets the same mask."""

    def __init__(self) -> None:
        self.account_ids: dict[str, str] = {}
        self.emails: dict[str, str] = {}
        self.organization_ids: dict[str, str] = {}
        self._declared: re.Pattern[str] | None = None
        self._masks: set[str] = set()

    def account_id(self, value: str) -> str:
        value = value.replace("-", "")
        if value in self._masks:
            return value
        return self._new(self.account_ids, value, f"{len(self.account_ids) + 1:012d}")

    def email(self, value: str) -> str:
        if value in self._masks:
            return value
        return self._new(self.emails, value.lower(), f"a{len(self.emails) + 1}@{MASKED_DOMAIN}")

    def organization_id(self, value: str) -> str:
        if value in self._masks:
            return value
        mask = f"o-{len(self.organization_ids) + 1:010d}"  # as short as the shortest real id
        return self._new(self.organization_ids, value, mask)

    def _new(self, table: dict[str, str], value: str, mask: str) -> str:
        if value not in table:
            table[value] = mask
            self._masks.add(mask)
            self._declared = None
        return table[value]

    def declare(self, account_ids: list[str], emails: list[str], organization_id: str) -> None:
        """The design's own values, masked wherever they appear (design order: ...01 first)."""
        for value in account_ids:
            self.account_id(value)
        for value in emails:
            self.email(value)
        if organization_id:
            self.organization_id(organization_id)

    def text(self, value: str) -> str:
        """Every declared value anywhere in `value`, then anything shaped like an id or address."""
        if _UUID.fullmatch(value):
            return value  # a reference to an entity, never an id or address
        value = self._declared_pattern().sub(lambda m: self._mask_of(m.group()), value)
        value = _EMAIL.sub(lambda m: self.email(m.group()), value)
        value = _ORGANIZATION_ID.sub(lambda m: self.organization_id(m.group()), value)
        return _ACCOUNT_ID.sub(lambda m: self.account_id(m.group()), value)

    def _declared_pattern(self) -> re.Pattern[str]:
        if self._declared is None:
            ids = [f"{i[:4]}-?{i[4:8]}-?{i[8:]}" for i in self.account_ids]
            words = [re.escape(w) for w in (*self.emails, *self.organization_ids)]
            alternatives = sorted(words, key=len, reverse=True) + ids
            self._declared = re.compile("|".join(alternatives) or "(?!)", re.IGNORECASE)
        return self._declared

    def _mask_of(self, found: str) -> str:
        lowered = found.lower()
        if lowered in self.emails:
            return self.emails[lowered]
        if found in self.organization_ids:
            return self.organization_ids[found]
        return self.account_ids[found.replace("-", "")]


def redact_design(design: Design) -> Design:
    """The same design with every account id, e-mail address and organization id masked."""
    masks = Masks()
    ids = [a.aws_account_id for a in design.accounts if a.aws_account_id]
    ids += [t.aws_account_id for t in design.outside_principals if t.aws_account_id]
    emails = [a.email for a in design.accounts if a.email]
    masks.declare(ids, emails, design.organization.organization_id or "")
    data = _masked(design.model_dump(mode="json"), masks)
    try:
        return Design.model_validate(data)
    except ValidationError as exc:  # a mask longer than what it hides overflowed a field
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise DesignError(f"cannot mask the design: {where} would become invalid") from None


def _masked(value: Any, masks: Masks) -> Any:
    if isinstance(value, str):
        return masks.text(value)
    if isinstance(value, list):
        return [_masked(v, masks) for v in value]
    if isinstance(value, dict):
        return {masks.text(k): _masked(v, masks) for k, v in value.items()}
    return value
