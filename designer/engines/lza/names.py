"""The names LZA accepts for accounts and OUs, and the design's own names kept beside them.

LZA names an account by a key without whitespace, unique in the configuration, and reserves
Management, LogArchive and Audit for its mandatory accounts; an OU is a path of names joined by
'/' under the reserved Root. Where the design's name differs (spaces, a '/', a duplicate), the
writer uses a derived name and keeps the design's in a comment of accounts-config.yaml or
organization-config.yaml:

    # design-name account RetailProduction: "Retail Production"

which LZA ignores and the converter reads back (JSON string: newlines and unicode survive).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from designer.engines.lza import AUDIT, LOG_ARCHIVE, MANAGEMENT, ROOT

if TYPE_CHECKING:
    from designer.model.design import Design

MARKER = "design-name"
RESERVED_ACCOUNTS = frozenset({MANAGEMENT, LOG_ARCHIVE, AUDIT})
_COMMENT = re.compile(r"^#\s*design-name (account|ou|principal-role) (.*)$")
_DECODER = json.JSONDecoder()


def account_key(name: str) -> str:
    """An LZA account name: the design's without whitespace (and without '{{', which LZA would
    take for a placeholder)."""
    return re.sub(r"\s+", "", name).replace("{{", "{").replace("}}", "}") or "Account"


def ou_segment(name: str) -> str:
    """One level of an LZA OU path: no '/', one plain space for any run of whitespace (a path
    stays one line), no placeholder."""
    cleaned = " ".join(name.replace("/", "-").split()).replace("{{", "{").replace("}}", "}")
    return cleaned or "OU"


def unique(wanted: str, taken: set[str]) -> str:
    """`wanted`, or wanted-2, wanted-3... the first one not taken (then taken)."""
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}-{number}"
    taken.add(candidate)
    return candidate


def _json(text: str) -> str:
    """A one-line JSON string whose whitespace a comment keeps: only single plain spaces stay
    raw (dump_yaml collapses runs of whitespace in comments)."""
    out: list[str] = []
    for char in json.dumps(text, ensure_ascii=False):
        plain_space = char == " " and (not out or out[-1] != " ")
        out.append(f"\\u{ord(char):04x}" if char.isspace() and not plain_space else char)
    return "".join(out)


def name_comment(kind: str, key: str, name: str) -> str:
    """`design-name account "RetailProduction": "Retail Production"` (both JSON strings)."""
    return f"{MARKER} {kind} {_json(key)}: {_json(name)}"


def _comment_pair(rest: str) -> tuple[str, str] | None:
    try:
        key, end = _DECODER.raw_decode(rest)
        if not rest[end:].startswith(": "):
            return None
        name, _ = _DECODER.raw_decode(rest[end + 2 :].rstrip())
    except ValueError:
        return None
    if isinstance(key, str) and isinstance(name, str) and name:
        return key, name
    return None


def read_name_comments(text: str) -> dict[tuple[str, str], str]:
    """(kind, LZA name or path) -> the design's name, from a file's comment lines."""
    found: dict[tuple[str, str], str] = {}
    for line in text.splitlines():
        match = _COMMENT.match(line)
        pair = _comment_pair(match.group(2)) if match else None
        if match is not None and pair is not None:
            found[(match.group(1), pair[0])] = pair[1]
    return found


def ou_paths(units: Iterable[tuple[str, str | None, str]]) -> dict[str, str]:
    """OU id -> its unique LZA path, from (id, parent id, name) in design order."""
    by_id = {unit_id: (parent, name) for unit_id, parent, name in units}
    paths: dict[str, str] = {}
    taken: set[str] = {ROOT}

    def path_of(unit_id: str, seen: frozenset[str]) -> str:
        if unit_id not in paths:
            parent, name = by_id[unit_id]
            above = (
                path_of(parent, seen | {unit_id}) + "/"
                if parent in by_id and parent not in seen
                else ""
            )
            paths[unit_id] = unique(above + ou_segment(name), taken)
        return paths[unit_id]

    for unit_id in by_id:
        path_of(unit_id, frozenset())
    return paths


class Naming:
    """Every account's and OU's LZA name for one design, and the comments keeping the design's
    own names where LZA's differ (design order decides who keeps a contested name)."""

    def __init__(self, design: Design, core: dict[str, str]) -> None:
        """`core`: account id -> the mandatory name it takes (Management, LogArchive, Audit)."""
        self.accounts: dict[str, str] = {}
        self.account_comments: list[str] = []
        taken = set(RESERVED_ACCOUNTS)
        for account in design.accounts:
            key = core.get(account.id) or unique(account_key(account.name), taken)
            self.accounts[account.id] = key
            if key != account.name:
                self.account_comments.append(name_comment("account", key, account.name))
        self.ous = ou_paths((u.id, u.parent, u.name) for u in design.organizational_units)
        self.ou_comments = [
            name_comment("ou", self.ous[u.id], u.name)
            for u in design.organizational_units
            if self.ous[u.id].rsplit("/", 1)[-1] != u.name
        ]

    def ou(self, unit_id: str | None) -> str:
        """The path of an OU, Root for the organization root (None or the organization id)."""
        return self.ous.get(unit_id or "", ROOT)
