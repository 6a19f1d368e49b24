"""Everything a step handler works with, and what one step did."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.model.design import Design
from designer.rehearsal.emulator import Emulator
from designer.rehearsal.plan import Plan, Step
from designer.rehearsal.stacks import Deployer
from designer.rehearsal.substitutes import Target
from designer.rehearsal.world import World

RUN, SUBSTITUTED, MANUAL, NOT_SIMULATED, FAILED = (
    "run",
    "substituted",
    "manual",
    "not simulated",
    "failed",
)


@dataclass
class Outcome:
    """What the rehearsal did with one step."""

    step: Step
    status: str = RUN
    detail: str = ""
    substituted: list[str] = field(default_factory=list)
    not_simulated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.step.number,
            "id": self.step.id,
            "title": self.step.title,
            "status": self.status,
            "detail": self.detail,
            "substituted": self.substituted,
            "not_simulated": self.not_simulated,
            "notes": self.notes,
        }


@dataclass
class Context:
    emulator: Emulator
    world: World
    export_dir: Path
    plan: Plan
    deployer: Deployer
    design: Design | None = None
    vpcs: dict[str, str] = field(default_factory=dict)  # account id -> stand-in VPC

    def account_of(self, step: Step) -> str:
        """The emulated id of the account a step runs in (the management account by default)."""
        if step.account_name in self.world.accounts:
            return self.world.accounts[step.account_name]
        if step.account_id and step.account_id in self.world.id_map:
            return self.world.id_map[step.account_id]
        return self.world.management_id

    def target(self, step: Step, account_id: str) -> Target:
        return Target(self.emulator, self.world, account_id, step.number, step.title)

    def artifact(self, path: str) -> Path:
        return self.export_dir / path


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
