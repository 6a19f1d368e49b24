"""The export's deployment plan (plan/deployment-plan.json) as typed steps.

Only what the rehearsal relies on is read; a field it does not know is ignored, a missing or
malformed field it needs makes the plan unreadable (RehearsalError, one line).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.rehearsal.errors import RehearsalError

PLAN_FILE = "plan/deployment-plan.json"
EVERY_ACCOUNT = "every account"


@dataclass(frozen=True)
class Step:
    number: int
    id: str
    title: str
    action: str
    account_name: str
    account_id: str | None
    manual: bool = False
    reason: str | None = None
    prerequisites: tuple[str, ...] = ()
    artifacts: tuple[str, ...] = ()
    targets: dict[str, Any] | None = None
    subjects: tuple[str, ...] = ()
    needs_root_user: bool | None = None  # None: an older plan without the field
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def kind(self) -> str:
        """What sort of step: the id's first part ("scp-attach" of "scp-attach:denyrootuser")."""
        return self.id.split(":", 1)[0]

    @property
    def key(self) -> str:
        """The id's rest ("denyrootuser" of "scp-attach:denyrootuser")."""
        return self.id.split(":", 1)[1] if ":" in self.id else ""

    @property
    def label(self) -> str:
        return f"step {self.number} ({self.title})"

    def templates(self) -> list[str]:
        return [
            a for a in self.artifacts if a.startswith("cloudformation/") and a.endswith(".json")
        ]


@dataclass(frozen=True)
class Plan:
    design: str
    steps: tuple[Step, ...]
    blocked: tuple[Any, ...] = ()

    def by_id(self) -> dict[str, Step]:
        return {s.id: s for s in self.steps}


def load_plan(export_dir: Path) -> Plan:
    """The plan of `export_dir`; RehearsalError naming what is wrong."""
    if not export_dir.is_dir():
        raise RehearsalError(f"{export_dir} is not a folder (an export made by 'export')")
    path = export_dir / PLAN_FILE
    if not path.is_file():
        raise RehearsalError(f"{path} not found: export the plan format ('export --format plan')")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RehearsalError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise RehearsalError(f"{path} has no list of steps")
    steps = tuple(_step(path, i, s) for i, s in enumerate(data["steps"], 1))
    ids = [s.id for s in steps]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate is not None:
        raise RehearsalError(f"{path}: two steps have the id {duplicate!r}")
    return Plan(str(data.get("design", "")), steps, tuple(data.get("blocked") or ()))


def _step(path: Path, index: int, data: Any) -> Step:
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise RehearsalError(f"{path}: step {index} has no id")
    found = data.get("account")
    account: dict[str, Any] = found if isinstance(found, dict) else {}
    try:
        return Step(
            number=int(data.get("number", index)),
            id=data["id"],
            title=str(data.get("title") or data["id"]),
            action=str(data.get("action") or ""),
            account_name=str(account.get("name") or ""),
            account_id=account.get("aws_account_id") or None,
            manual=bool(data.get("manual")),
            reason=data.get("reason"),
            prerequisites=tuple(str(p) for p in data.get("prerequisites") or ()),
            artifacts=tuple(str(a) for a in data.get("artifacts") or ()),
            targets=data.get("targets") if isinstance(data.get("targets"), dict) else None,
            subjects=tuple(str(s) for s in data.get("subjects") or ()),
            needs_root_user=_flag(data.get("needs_root_user")),
            raw=data,
        )
    except (TypeError, ValueError) as exc:
        raise RehearsalError(f"{path}: step {index} ({data['id']}) is malformed: {exc}") from None


def _flag(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise TypeError(f"needs_root_user is {value!r}, not true or false")
