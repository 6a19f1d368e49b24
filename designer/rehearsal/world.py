"""What the rehearsal has created so far, and how the design's ids map onto the emulator's.

The emulator gives new accounts, OUs, the organization and policies ids of its own; `translate`
rewrites the design's account ids and organization id in any text (a template, a policy, the
design itself) so that what is deployed and what it is compared with agree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Applied:
    """An SCP attachment the rehearsal made, and the step that made it."""

    policy: str
    step: int
    step_title: str


@dataclass
class World:
    management_id: str = ""
    organization_id: str = ""
    root_id: str = ""
    design_organization_id: str = ""
    accounts: dict[str, str] = field(default_factory=dict)  # account name -> emulated id
    id_map: dict[str, str] = field(default_factory=dict)  # design account id -> emulated id
    units: dict[str, str] = field(default_factory=dict)  # "Root/Workloads/Prod" -> emulated id
    parent: dict[str, str] = field(default_factory=dict)  # account or OU id -> parent id
    policies: dict[str, str] = field(default_factory=dict)  # SCP name -> id
    policy_content: dict[str, dict[str, Any]] = field(default_factory=dict)  # SCP name -> document
    attached: dict[str, dict[str, Applied]] = field(default_factory=lambda: defaultdict(dict))
    stacks: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # outputs
    stack_gaps: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # not simulated
    broken: dict[tuple[str, str], int] = field(default_factory=dict)  # -> step that failed it
    keys_by_alias: dict[str, str] = field(default_factory=dict)  # "alias/x" -> key ARN
    resources: dict[str, str] = field(default_factory=dict)  # "<type>:<name>" -> id / ARN
    done: set[str] = field(default_factory=set)  # step ids already walked
    # (step, step title, logical id, account, role): a trust naming a role not created yet
    principal_gaps: list[tuple[int, str, str, str, str]] = field(default_factory=list)
    missing_policies: set[str] = field(default_factory=set)  # AWS managed, not in the emulator
    staged: set[str] = field(default_factory=set)  # SCPs tried on the staging OU
    _pattern: tuple[int, re.Pattern[str] | None] = (0, None)

    # -- ids ------------------------------------------------------------------------------------
    def translate(self, text: str) -> str:
        """`text` with the design's account ids and organization id replaced by the emulator's."""
        if self.id_map:
            size, pattern = self._pattern
            if size != len(self.id_map) or pattern is None:
                ids = "|".join(map(re.escape, self.id_map))
                pattern = re.compile(rf"(?<!\d)({ids})(?!\d)")
                self._pattern = (len(self.id_map), pattern)
            text = pattern.sub(lambda m: self.id_map[m.group(1)], text)
        if self.design_organization_id and self.organization_id:
            text = text.replace(self.design_organization_id, self.organization_id)
        return text

    def account_id(self, name: str) -> str | None:
        return self.accounts.get(name)

    def unit_id(self, path: str) -> str | None:
        """An OU's id by its path, with or without the leading "Root/"; "Root" is the root."""
        path = path.strip("/")
        if path in ("", "Root"):
            return self.root_id or None
        return self.units.get(path if path.startswith("Root/") else f"Root/{path}")

    def member_accounts(self) -> list[str]:
        return [a for a in self.accounts.values() if a != self.management_id]

    def accounts_under(self, target: str) -> list[str]:
        """Every account whose chain of parents reaches `target` (an OU or the root)."""
        return [a for a in self.accounts.values() if target in self.ancestors(a)]

    def ancestors(self, node: str) -> list[str]:
        """`node` and its parents up to the root."""
        chain = [node]
        while chain[-1] in self.parent and len(chain) < 32:
            chain.append(self.parent[chain[-1]])
        return chain

    def in_force(self, account: str) -> dict[str, Applied]:
        """The SCPs attached along `account`'s chain (the rehearsal's record, not moto's)."""
        found: dict[str, Applied] = {}
        for node in self.ancestors(account):
            found.update(self.attached.get(node, {}))
        return found
