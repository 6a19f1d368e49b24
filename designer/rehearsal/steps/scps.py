"""SCP steps: create (from the template or the policy file the step names), try on the staging
OU and detach, attach where policies/scps/attachments.json puts it. Every attachment is recorded
in the world with its step, for the checks (moto does not evaluate SCPs)."""

from __future__ import annotations

import json
import re
from typing import Any

from designer.analysis.inventory import ou_paths
from designer.rehearsal.context import Context, Outcome, slug
from designer.rehearsal.errors import StepFailed
from designer.rehearsal.fill import fill_placeholders
from designer.rehearsal.plan import Step
from designer.rehearsal.steps.deploy import templates
from designer.rehearsal.steps.shares import filled
from designer.rehearsal.world import Applied

ATTACHMENTS = "policies/scps/attachments.json"
CREATE = re.compile(r"SCP (\S+)$")
TRY = re.compile(r"[Aa]ttach (\S+) to (Root(?:/[^/(]+?)*)\s*\(")


def policy_name(ctx: Context, step: Step) -> str:
    """The SCP a step is about: its id's key matched to a created policy, or the title's."""
    for name in ctx.world.policies:
        if slug(name) == slug(step.key):
            return name
    found = CREATE.search(step.title)
    if found is None:
        raise StepFailed(f"no SCP matches {step.key!r}")
    return found.group(1)


def create(ctx: Context, step: Step, outcome: Outcome) -> None:
    name = policy_name(ctx, step)
    if step.templates():
        templates(ctx, step, outcome)
    if name in ctx.world.policies:
        return
    files = [a for a in step.artifacts if a.startswith("policies/scps/") and a != ATTACHMENTS]
    if not files:
        raise StepFailed(f"SCP {name}: neither a template nor a policy file creates it")
    text = filled(ctx, files[0])
    created = ctx.emulator.client("organizations").create_policy(
        Name=name, Description=name, Type="SERVICE_CONTROL_POLICY", Content=text
    )["Policy"]["PolicySummary"]["Id"]
    ctx.world.policies[name] = created
    ctx.world.policy_content[name] = json.loads(text)


def operation(ctx: Context, step: Step) -> tuple[str, str, str] | None:
    """(policy, target id, "attach" | "detach") from the step's targets, when it has them."""
    targets = step.targets or {}
    if not {"policy", "operation"} <= set(targets):
        return None
    target, unknown = fill_placeholders(ctx.world, str(targets.get("target", "")))
    if unknown or not target:
        label = str(targets.get("target_name", ""))
        found = ctx.world.unit_id(label) or ctx.world.account_id(label.removeprefix("account "))
        if found is None:
            raise StepFailed(f"the target {label or targets.get('target')} does not exist yet")
        target = found
    return str(targets["policy"]), target, str(targets["operation"])


def structured(ctx: Context, step: Step, outcome: Outcome) -> bool:
    """Perform the step from its targets; False when it has none."""
    found = operation(ctx, step)
    if found is None:
        return False
    name, target, verb = found
    if verb == "detach":
        policy = ctx.world.policies.get(name)
        if policy is None:
            raise StepFailed(f"SCP {name} does not exist yet")
        ctx.emulator.client("organizations").detach_policy(PolicyId=policy, TargetId=target)
        ctx.world.attached[target].pop(name, None)
    else:
        _attach(ctx, step, name, target)
        if step.kind == "scp-staging":
            ctx.world.staged.add(name)
    return True


def trial(ctx: Context, step: Step, outcome: Outcome) -> None:
    """Attach to the staging OU, then detach again when the step says so."""
    if structured(ctx, step, outcome):
        return
    name = policy_name(ctx, step)
    found = TRY.search(step.action)
    unit = ctx.world.unit_id(found.group(2).strip()) if found else None
    if unit is None:
        raise StepFailed("the OU to try the SCP on does not exist")
    _attach(ctx, step, name, unit)
    if "detach" in step.action.lower():
        ctx.emulator.client("organizations").detach_policy(
            PolicyId=ctx.world.policies[name], TargetId=unit
        )
        ctx.world.attached[unit].pop(name, None)
    ctx.world.staged.add(name)


def attach(ctx: Context, step: Step, outcome: Outcome) -> None:
    if structured(ctx, step, outcome):
        return
    name = policy_name(ctx, step)
    targets = _targets(ctx, name)
    if not targets:
        raise StepFailed(f"{ATTACHMENTS} attaches {name} nowhere")
    for target in targets:
        _attach(ctx, step, name, target)


def _attach(ctx: Context, step: Step, name: str, target: str) -> None:
    policy = ctx.world.policies.get(name)
    if policy is None:
        raise StepFailed(f"SCP {name} does not exist yet")
    earlier = ctx.world.attached[target].get(name)
    if earlier is not None:
        raise StepFailed(
            f"{name} is already attached to {_label(ctx, target)} (step {earlier.step}, "
            f"{earlier.step_title}): AWS refuses a second attachment "
            "(DuplicatePolicyAttachmentException)"
        )
    ctx.emulator.client("organizations").attach_policy(PolicyId=policy, TargetId=target)
    ctx.world.attached[target][name] = Applied(name, step.number, step.title)


def _label(ctx: Context, target: str) -> str:
    for path, unit in ctx.world.units.items():
        if unit == target:
            return path
    for name, account in ctx.world.accounts.items():
        if account == target:
            return f"account {name}"
    return target


def _targets(ctx: Context, name: str) -> list[str]:
    file = ctx.artifact(ATTACHMENTS)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise StepFailed(f"cannot read {ATTACHMENTS}: {exc}") from None
    found = []
    for target in data.get("Targets") or ():
        if name in (target.get("Policies") or ()):
            found.append(_target_id(ctx, target))
    return found


def _target_id(ctx: Context, target: dict[str, Any]) -> str:
    kind, label = target.get("Type"), str(target.get("Name"))
    if kind == "ROOT":
        return ctx.world.root_id
    if kind == "ACCOUNT":
        account = ctx.world.account_id(label)
        if account is None:
            raise StepFailed(f"account {label} does not exist")
        return account
    if ctx.design is not None and target.get("DesignId"):
        path = ou_paths(ctx.design).get(target["DesignId"])
        if path and ctx.world.unit_id(path):
            return str(ctx.world.unit_id(path))
    same = [u for p, u in ctx.world.units.items() if p.rsplit("/", 1)[-1] == label and p != "Root"]
    if len(same) != 1:
        raise StepFailed(f"OU {label!r} of {ATTACHMENTS} matches {len(same)} OUs")
    return same[0]
