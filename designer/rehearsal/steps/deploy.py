"""Steps that deploy CloudFormation: templates as stacks in the step's account, StackSets as one
stack per target account computed the way AWS computes them."""

from __future__ import annotations

import json
from typing import Any

from designer.rehearsal.context import SUBSTITUTED, Context, Outcome
from designer.rehearsal.errors import StepFailed
from designer.rehearsal.fill import parameters
from designer.rehearsal.plan import Step
from designer.rehearsal.stacks import Deployed, read_template, stack_name
from designer.rehearsal.substitutes import MANAGED_POLICIES_MISSING

OLD_WORDS = "same template there as a stack"  # what plans before "also_as_stack_in" said
INSTANCES = (
    "StackSet instances: one stack per target account, the targets computed as AWS does (every "
    "OU below the target, the account filter applied, never the management account); moto's "
    "create-stack-instances reaches one OU level down, ignores the filter and deploys to the "
    "management account"
)


def record(outcome: Outcome, deployed: Deployed) -> None:
    if deployed.again:
        outcome.notes.append(f"{deployed.path} was deployed by an earlier step")
        outcome.not_simulated += [f"{deployed.path}: {r}" for r in deployed.not_simulated]
        outcome.not_simulated = list(dict.fromkeys(outcome.not_simulated))
        return
    for item in deployed.substituted:
        if item not in outcome.substituted:
            outcome.substituted.append(item)
    for item in deployed.not_simulated:
        gap = item if item == MANAGED_POLICIES_MISSING else f"{deployed.path}: {item}"
        if gap not in outcome.not_simulated:
            outcome.not_simulated.append(gap)
    outcome.notes += deployed.notes
    if deployed.substituted:
        outcome.status = SUBSTITUTED


def templates(ctx: Context, step: Step, outcome: Outcome) -> None:
    """Every template the step names, as a stack in the step's account."""
    account = ctx.account_of(step)
    for path in step.templates():
        if path.startswith("cloudformation/stacksets/"):
            continue
        record(outcome, ctx.deployer.deploy(path, account, _target(ctx, step, account, outcome)))


def _target(ctx: Context, step: Step, account: str, outcome: Outcome) -> Any:
    target = ctx.target(step, account)
    if account == ctx.world.management_id:
        target.stack_set = lambda props: stack_set_resource(ctx, step, props, outcome)
    return target


def stack_sets(ctx: Context, step: Step, outcome: Outcome) -> None:
    """A step whose targets say where a service-managed StackSet deploys its template."""
    paths = [p for p in step.templates() if "/stacksets/" in p]
    if not paths:
        templates(ctx, step, outcome)
        return
    targets = step.targets or {}
    for path in paths:
        name = _set_name(step, path)
        template = read_template(ctx.export_dir, path, ctx.world)
        values = parameters(ctx.world, template, ctx.world.management_id, ctx.deployer.make)
        ctx.emulator.client("cloudformation").create_stack_set(
            StackSetName=name,
            TemplateBody=json.dumps(template),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
            PermissionModel="SERVICE_MANAGED",
            AutoDeployment={
                "Enabled": bool(targets.get("auto_deployment", True)),
                "RetainStacksOnAccountRemoval": False,
            },
        )
        accounts = _accounts(ctx, targets)
        also = _also_as_stack(ctx, _entry(step, template=path) or targets)
        if also is None:  # an older plan: its words say so
            there = OLD_WORDS in step.action and ctx.world.management_id in _covered(ctx, targets)
            also = [ctx.world.management_id] if there else []
        accounts += [a for a in also if a not in accounts]  # the plan: deploy it there too
        for account in accounts:
            deployed = ctx.deployer.deploy(
                path, account, ctx.target(step, account), f"StackSet-{name}", values
            )
            record(outcome, deployed)
        outcome.notes.append(f"StackSet {name}: {len(accounts)} stacks")
    if INSTANCES not in outcome.substituted:
        outcome.substituted.append(INSTANCES)
    outcome.status = SUBSTITUTED


def stack_set_resource(ctx: Context, step: Step, props: dict[str, Any], outcome: Outcome) -> str:
    """An AWS::CloudFormation::StackSet resource, deployed like a StackSet step."""
    body = props.get("TemplateBody")
    if body is None:
        raise StepFailed("a StackSet without TemplateBody (TemplateURL is not rehearsed)")
    name = str(props.get("StackSetName") or "stack-set")
    template = body if isinstance(body, dict) else json.loads(body)
    values = {p["ParameterKey"]: p["ParameterValue"] for p in props.get("Parameters") or ()}
    ctx.emulator.client("cloudformation").create_stack_set(
        StackSetName=name,
        TemplateBody=json.dumps(template),
        Capabilities=list(props.get("Capabilities") or ["CAPABILITY_NAMED_IAM"]),
        PermissionModel=str(props.get("PermissionModel", "SERVICE_MANAGED")),
    )
    path = f"{step.id}#{name}"
    for group in props.get("StackInstancesGroup") or ():
        deployment = group.get("DeploymentTargets") or {}
        filter_type = deployment.get("AccountFilterType", "NONE")
        covered: list[str] = []
        for unit in deployment.get("OrganizationalUnitIds") or ():
            covered += ctx.world.accounts_under(unit)
        listed = set(deployment.get("Accounts") or ())
        if filter_type == "DIFFERENCE":
            covered = [a for a in covered if a not in listed]
        elif filter_type == "INTERSECTION":
            covered = [a for a in covered if a in listed]
        accounts = [a for a in dict.fromkeys(covered) if a != ctx.world.management_id]
        for account in accounts:
            deployed = ctx.deployer.deploy(
                path, account, ctx.target(step, account), f"StackSet-{name}", values, template
            )
            record(outcome, deployed)
        outcome.notes.append(f"StackSet {name}: {len(accounts)} stacks")
    entry = _entry(step, name=name)
    for account in _also_as_stack(ctx, entry or {}) or ():
        member = str((entry or {}).get("template") or path)
        deployed = ctx.deployer.deploy(member, account, ctx.target(step, account), None, values,
                                       template)  # fmt: skip
        record(outcome, deployed)
        outcome.notes.append(f"{member}: also a stack in {account}")
    if INSTANCES not in outcome.substituted:
        outcome.substituted.append(INSTANCES)
    return name


def _set_name(step: Step, path: str) -> str:
    entry = _entry(step, template=path)
    if entry is not None and entry.get("name"):
        return str(entry["name"])
    return stack_name(path).removeprefix("rehearsal-")


def _entry(step: Step, name: str | None = None, template: str | None = None) -> Any:
    """The step's targets.stack_sets[] entry of a StackSet (by name or member template)."""
    listed = (step.targets or {}).get("stack_sets")
    for entry in listed if isinstance(listed, list) else ():
        if not isinstance(entry, dict):
            continue
        if (name and entry.get("name") == name) or (template and entry.get("template") == template):
            return entry
    return None


def _also_as_stack(ctx: Context, targets: dict[str, Any]) -> list[str] | None:
    """The accounts of "also_as_stack_in", where the plan also deploys the member template as a
    plain stack (StackSets never reach the management account); None when the plan has no
    such field (an older plan)."""
    listed = targets.get("also_as_stack_in")
    if not isinstance(listed, list):
        return None
    found: list[str] = []
    for item in listed:
        account = _account_id(ctx, item)
        if account is None:
            raise StepFailed(f"the plan deploys a StackSet's template in {item}, which is unknown")
        found.append(account)
    return list(dict.fromkeys(found))


def _covered(ctx: Context, targets: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for path in targets.get("organizational_units") or ():
        unit = ctx.world.unit_id(str(path))
        if unit is None:
            raise StepFailed(f"the StackSet targets {path}, which does not exist yet")
        found += ctx.world.accounts_under(unit)
    return list(dict.fromkeys(found))


def _accounts(ctx: Context, targets: dict[str, Any]) -> list[str]:
    """The accounts AWS deploys a service-managed StackSet's instances to."""
    found = _covered(ctx, targets)
    excluded = {_account_id(ctx, a) for a in targets.get("excluded_accounts") or ()}
    if targets.get("account_filter_type") == "DIFFERENCE":
        found = [a for a in found if a not in excluded]
    for item in targets.get("accounts") or ():
        account = _account_id(ctx, item)
        if account is None:
            raise StepFailed(f"the StackSet targets account {item}, which does not exist yet")
        found.append(account)
    return [a for a in dict.fromkeys(found) if a != ctx.world.management_id]


def _account_id(ctx: Context, item: Any) -> str | None:
    if isinstance(item, dict):
        if item.get("name") in ctx.world.accounts:
            return ctx.world.accounts[item["name"]]
        return ctx.world.id_map.get(str(item.get("aws_account_id")))
    return ctx.world.accounts.get(str(item), ctx.world.id_map.get(str(item)))
