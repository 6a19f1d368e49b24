"""A copy of a design with account ids, e-mail addresses and the organization id masked.

For diagrams and documents shared outside the company. Masking the design itself, before any
exporter runs, keeps the masks consistent across every file of an export: the account that is
000000000007 in the diagram is 000000000007 in the document, its policies and the plan.

Masks stay valid values (12 digits, an address, an organization id), so a redacted design is
still a design every exporter accepts; the leading zeros and the example.invalid domain show
they are not real.
"""

from __future__ import annotations

import re
from typing import Any

from designer.model.design import Design

_HEX = "[0-9a-fA-F]"
_UUID_HEAD = f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-"  # a uuid's last group is not an id
_ACCOUNT_ID = re.compile(f"(?<![0-9A-Za-z])(?<!{_UUID_HEAD})[0-9]{{12}}(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[^\s@\"'<>()\[\],;:]+@[^\s@\"'<>()\[\],;:]+\.[A-Za-z]{2,}")
_ORGANIZATION_ID = re.compile(r"\bo-[a-z0-9]{10,32}\b")
MASKED_DOMAIN = "example.invalid"


class Masks:
    """Hands out masks in the order values are met; the same value always gets the same mask."""

    def __init__(self) -> None:
        self.account_ids: dict[str, str] = {}
        self.emails: dict[str, str] = {}
        self.organization_ids: dict[str, str] = {}

    def account_id(self, value: str) -> str:
        return self.account_ids.setdefault(value, f"{len(self.account_ids) + 1:012d}")

    def email(self, value: str) -> str:
        key = value.lower()
        return self.emails.setdefault(key, f"account-{len(self.emails) + 1:04d}@{MASKED_DOMAIN}")

    def organization_id(self, value: str) -> str:
        return self.organization_ids.setdefault(
            value, f"o-redacted{len(self.organization_ids) + 1:04d}"
        )

    def text(self, value: str) -> str:
        """Every account id, address and organization id inside free text or an ARN."""
        if value.lower() in self.emails:  # a whole address field, whatever characters it holds
            return self.emails[value.lower()]
        value = _EMAIL.sub(lambda m: self.email(m.group()), value)
        value = _ORGANIZATION_ID.sub(lambda m: self.organization_id(m.group()), value)
        return _ACCOUNT_ID.sub(lambda m: self.account_id(m.group()), value)


def redact_design(design: Design) -> Design:
    """The same design with every account id, e-mail address and organization id masked."""
    masks = Masks()
    known = [a.aws_account_id for a in design.accounts]
    known += [t.aws_account_id for t in design.third_parties]
    for account_id in known:
        if account_id:
            masks.account_id(account_id)  # design order: the first account is ...01
    for account in design.accounts:
        if account.email:
            masks.email(account.email)
    data = _masked(design.model_dump(mode="json"), masks)
    return Design.model_validate(data)


def _masked(value: Any, masks: Masks) -> Any:
    if isinstance(value, str):
        return masks.text(value)
    if isinstance(value, list):
        return [_masked(v, masks) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v, masks) for k, v in value.items()}
    return value
