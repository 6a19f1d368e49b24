"""The rehearsal's own checks, independent of the emulator (moto stores SCPs, never applies them).

Before a step: every artefact it names exists; every prerequisite has been walked; a step that
needs the root user (the plan's "needs_root_user") does not run in an account where an SCP that
stops the root user is in force: a Deny naming the root user (aws:PrincipalArn of a root, the
key in any case as IAM reads it, or aws:PrincipalType Root) or a Deny of every action that spares
no root user (a quarantine SCP).
After a step: no SCP that the plan tries on a staging OU is attached anywhere else before that
trial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from designer.artefacts.policy_documents import as_list, resources, statements
from designer.artefacts.protections import (
    EXCEPTION_OPERATORS,
    PRIVILEGED_ROLE_KEY,
    SAMPLE_ROOT_ARN,
    arn_matches,
    block_values,
    condition_blocks,
    covers_all_actions,
    names_root,
    restricts_root,
)
from designer.rehearsal.plan import EVERY_ACCOUNT, Plan, Step
from designer.rehearsal.world import World

STAGING_OU = re.compile(r"[Aa]ttach \S+ to (Root(?:/[^/(]+?)*)\s*\(")
ROOT_KINDS = frozenset({"root-mfa", "mfa-delete"})  # older plans, without "needs_root_user"
PRINCIPAL_TYPE = "aws:PrincipalType"
TYPE_OPERATORS = frozenset({"stringequals", "stringequalsignorecase", "stringlike"})


@dataclass(frozen=True)
class Failure:
    check: str  # artefact, prerequisite, root-user, staging
    step: int
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"check": self.check, "step": self.step, "message": self.message}


def needs_root(step: Step) -> bool:
    """The plan's "needs_root_user"; for an older plan without it, the step's kind or words."""
    if step.needs_root_user is not None:
        return step.needs_root_user
    text = f"{step.title} {step.action}".lower()
    return step.kind in ROOT_KINDS or (step.manual and "root user" in text)


def denies_root(document: dict[str, Any] | None) -> bool:
    """Whether an SCP stops the root user of an account where it is in force."""
    return any(_stops_root(s) for s in statements(document))


def _stops_root(statement: dict[str, Any]) -> bool:
    if statement.get("Effect") != "Deny":
        return False
    if restricts_root(statement):  # the shared reading: DenyRootUser, a quarantine
        return True
    blocks = list(condition_blocks(statement))
    naming = [b for b in blocks if names_root(*b) or _root_type(*b)]
    others = [b for b in blocks if not (names_root(*b) or _root_type(*b))]
    if not all(_spares_no_root(*b) for b in others):
        return False  # narrowed: to some Regions, to some principals the root may not be
    if naming:
        return True  # denies the root user some actions, whichever
    everything = "NotResource" not in statement and "*" in resources(statement)
    return covers_all_actions(statement) and everything


def _root_type(operator: str, block: dict[str, Any]) -> bool:
    """aws:PrincipalType Root (the key in any case)."""
    if operator.removesuffix("ifexists") not in TYPE_OPERATORS:
        return False
    values = block_values(block, PRINCIPAL_TYPE)
    return values is not None and any(v.lower() == "root" for v in values)


def _spares_no_root(operator: str, block: dict[str, Any]) -> bool:
    """An exception for some principals (ArnNotLike aws:PrincipalArn, a principal tag) that does
    not spare the root user: the Deny still reaches it. Any other condition narrows the Deny (to
    some Regions, to sessions without MFA...), which a root step may well stay out of."""
    if operator.removesuffix("ifexists") not in EXCEPTION_OPERATORS:
        return False
    for key, values in block.items():
        name = key.lower()
        if name != PRIVILEGED_ROLE_KEY.lower() and not name.startswith("aws:principaltag/"):
            return False
        if any(arn_matches(SAMPLE_ROOT_ARN, p) for p in as_list(values)):
            return False
    return True


class Checks:
    def __init__(self, plan: Plan, world: World, export_dir: Any) -> None:
        self.plan, self.world, self.export_dir = plan, world, export_dir
        self.ids = {s.id: s for s in plan.steps}
        self.trials = {
            str((s.targets or {}).get("policy") or s.key): s
            for s in plan.steps
            if s.kind == "scp-staging"
        }
        self.failures: list[Failure] = []
        self._reported: set[tuple[str, str]] = set()

    def before(self, step: Step) -> None:
        for path in step.artifacts:
            if not (self.export_dir / path).is_file():
                self._fail("artefact", step, f"{step.label} names {path}, not in the export")
        for prerequisite in step.prerequisites:
            if prerequisite not in self.ids:
                self._fail("prerequisite", step, f"{step.label} needs {prerequisite!r}, "
                           "which no step of the plan provides")  # fmt: skip
            elif prerequisite not in self.world.done:
                later = self.ids[prerequisite]
                self._fail("prerequisite", step, f"{step.label} runs before its prerequisite "
                           f"{later.label}")  # fmt: skip
        if needs_root(step):
            self._root(step)

    def _root(self, step: Step) -> None:
        if step.account_name == EVERY_ACCOUNT or not step.account_name:
            accounts = list(self.world.accounts.items())
        else:
            account = self.world.account_id(step.account_name)
            accounts = [(step.account_name, account)] if account else []
        for name, account_id in accounts:
            for policy, applied in self.world.in_force(account_id).items():
                if denies_root(self.world.policy_content.get(policy, {})):
                    self._fail(
                        "root-user",
                        step,
                        f"{step.label} needs the root user of {name}, but SCP {policy} "
                        f"denies it there since step {applied.step} ({applied.step_title})",
                        key=(policy, f"root:{step.id}"),
                    )

    def after(self, step: Step) -> None:
        names = {v: k for k, v in self.world.accounts.items()}
        for number, title, logical, account, role in self.world.principal_gaps:
            if number == step.number:
                self._fail(
                    "principal",
                    step,
                    f"step {number} ({title}): the trust policy of {logical} names role {role} "
                    f"in {names.get(account, account)}, which no earlier step creates (IAM "
                    "refuses a trust naming a role that does not exist)",
                    key=(f"{logical}:{role}", names.get(account, account)),
                )
        for target, policies in self.world.attached.items():
            for name, applied in policies.items():
                trial = self._trial(name)
                if trial is None or name in self.world.staged or applied.step != step.number:
                    continue
                if trial.key and self._is_staging(target, trial):
                    continue
                self._fail(
                    "staging",
                    step,
                    f"SCP {name} is attached to {self._label(target)} at step {applied.step} "
                    f"({applied.step_title}), before its trial at {trial.label}",
                    key=(name, target),
                )

    def _trial(self, policy: str) -> Step | None:
        for key, step in self.trials.items():
            if _same(key, policy):
                return step
        return None

    def _is_staging(self, target: str, trial: Step) -> bool:
        named = (trial.targets or {}).get("target_name")
        found = STAGING_OU.search(trial.action)
        path = str(named) if named else found.group(1).strip() if found else None
        return path is not None and self.world.unit_id(path) == target

    def _label(self, target: str) -> str:
        for path, unit in self.world.units.items():
            if unit == target:
                return path
        for name, account in self.world.accounts.items():
            if account == target:
                return f"account {name}"
        return target

    def _fail(
        self, check: str, step: Step, message: str, key: tuple[str, str] | None = None
    ) -> None:
        if key is not None:
            if key in self._reported:
                return
            self._reported.add(key)
        self.failures.append(Failure(check, step.number, message))


def _same(key: str, name: str) -> bool:
    def norm(text: str) -> str:
        return "".join(c for c in text.lower() if c.isalnum())

    return norm(key) == norm(name)
