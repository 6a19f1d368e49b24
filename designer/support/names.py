"""File-name parts made from user text."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Protocol

# Parts the exports already use for scopes beside accounts (roles/organization/, roles/ou-x/).
_SCOPE_PARTS = re.compile(r"^(organization|ou-.*)$")


def safe_name(text: str, fallback: str = "item") -> str:
    """A file-name part from user text: ASCII letters, digits, '-', '_' and '.', no leading dot."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_text).strip("-._")
    cleaned = re.sub(r"-{2,}", "-", cleaned)[:64].strip("-._")
    return cleaned.lower() or fallback


class NamedAccount(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aws_account_id(self) -> str | None: ...


def account_parts(accounts: Iterable[NamedAccount]) -> dict[str, str]:
    """Account name -> the file-name part of its folder or files, one per account: the name made
    safe, readable as it is unless it would be shared (five spellings of "Prod A" all give
    prod-a), has no ASCII letter ("生产" gives nothing), or reads like a scope's folder; then
    with a stable suffix, the 12-digit account id or the start of the design id."""
    listed = list(accounts)
    bases = {a.name: safe_name(a.name, fallback="") for a in listed}
    shared = Counter(bases.values())
    parts: dict[str, str] = {}
    for account in listed:
        base = bases[account.name]
        if shared[base] > 1 or not re.search("[a-z]", base) or _SCOPE_PARTS.match(base):
            suffix = safe_name(account.aws_account_id or account.id[:8], fallback="account")
            base = f"{base[:48]}-{suffix}" if base else suffix
        parts[account.name] = base
    return parts


def account_stem(parts: dict[str, str], name: str) -> str:
    """What an account's files are named after: its name as it is when the name needs no
    suffix (so paths read as before), else its part from account_parts."""
    part = parts.get(name)
    return name if part is None or part == safe_name(name, fallback="") else part
