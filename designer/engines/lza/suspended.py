"""Which OUs and accounts an LZA export keeps its pipeline out of.

LZA deploys its stacks into every account of every OU it manages; a suspended account cannot
take them and fails the pipeline. An OU the design sets aside for closed accounts (named like
rules.context.SUSPENDED_OU_NAMES), or one whose accounts are all suspended, is written with
`ignore: true` (LZA then leaves the OU and its accounts alone), and no deploymentTargets names
a suspended account.
"""

from __future__ import annotations

from dataclasses import dataclass

from designer.model.design import Design
from designer.model.vocabulary import AccountState
from designer.rules.context import SUSPENDED_OU_NAMES, normalise


@dataclass(frozen=True)
class SetAside:
    units: frozenset[str]  # OU ids written with ignore: true
    accounts: frozenset[str]  # account ids no target may reach


def _below(design: Design) -> dict[str, list[str]]:
    """OU id -> the OU ids of its chain, itself first, up to the root."""
    parents = {u.id: u.parent for u in design.organizational_units}
    chains: dict[str, list[str]] = {}
    for unit in parents:
        chain: list[str] = []
        node: str | None = unit
        while node is not None and node not in chain:
            chain.append(node)
            node = parents.get(node)
        chains[unit] = chain
    return chains


def set_aside(design: Design) -> SetAside:
    chains = _below(design)
    wanted = {normalise(n) for n in SUSPENDED_OU_NAMES}
    named = {u.id for u in design.organizational_units if normalise(u.name) in wanted}
    units = {u for u, chain in chains.items() if named.intersection(chain)}
    members: dict[str, list[bool]] = {}  # OU -> suspended?, per account at any depth below
    for account in design.accounts:
        for unit in chains.get(account.parent or "", []):
            members.setdefault(unit, []).append(account.state == AccountState.SUSPENDED)
    units |= {u for u, states in members.items() if states and all(states)}
    accounts = {
        a.id
        for a in design.accounts
        if a.state == AccountState.SUSPENDED or (a.parent is not None and a.parent in units)
    }
    accounts.discard(design.organization.management_account or "")
    return SetAside(frozenset(units), frozenset(accounts))
