"""The plan walked in its order: checks, then the step's handler, then checks again."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from designer.model.design import Design
from designer.rehearsal.checks import Checks, Failure
from designer.rehearsal.context import FAILED, MANUAL, NOT_SIMULATED, Context, Outcome
from designer.rehearsal.emulator import Emulator, fatal, reason
from designer.rehearsal.errors import NotSimulated, StepFailed
from designer.rehearsal.plan import Plan, Step, load_plan
from designer.rehearsal.stacks import Deployer
from designer.rehearsal.steps import deploy, organization, scps, shares
from designer.rehearsal.world import World

Handler = Callable[[Context, Step, Outcome], None]
IDENTITY = (
    "no file of the export creates it (a SAML provider needs the IdP's metadata; IAM Identity "
    "Center, its permission sets and roles are not emulated)"
)
HANDLERS: dict[str, Handler] = {
    "organization": organization.organization,
    "ou": organization.unit,
    "account": organization.account,
    "trusted-access": organization.trusted_access,
    "delegated-admin": organization.delegated_admin,
    "scp-policy-type": organization.policy_type,
    "scp": scps.create,
    "scp-staging": scps.trial,
    "scp-attach": scps.attach,
    "scp-staging-detach": scps.attach,
    "scp-detach": scps.attach,
    "stackset": deploy.stack_sets,
    "management-role": deploy.templates,
    "key": deploy.templates,
    "bucket": deploy.templates,
    "share": shares.share,
    "assume": shares.identity_policies,
    "provider": shares.not_emulated(IDENTITY),
    "role": shares.not_emulated(IDENTITY),
}


@dataclass
class Walk:
    outcomes: list[Outcome] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0


def handler_for(step: Step) -> Handler:
    if step.kind in HANDLERS:
        return HANDLERS[step.kind]
    if step.kind == "logs":
        return deploy.stack_sets if step.targets else _logs
    return _fallback


def _logs(ctx: Context, step: Step, outcome: Outcome) -> None:
    if step.templates():
        deploy.templates(ctx, step, outcome)
    else:
        outcome.status = NOT_SIMULATED
        outcome.detail = "the export has no template or file for it"


def _fallback(ctx: Context, step: Step, outcome: Outcome) -> None:
    if step.templates():
        deploy.templates(ctx, step, outcome)
    else:
        outcome.status = NOT_SIMULATED
        outcome.detail = f"no handler for steps of kind {step.kind!r} and no template"


def walk(ctx: Context, progress: Callable[[int, int], None] | None = None) -> Walk:
    started = time.perf_counter()
    result = Walk()
    checks = Checks(ctx.plan, ctx.world, ctx.export_dir)
    for index, step in enumerate(ctx.plan.steps, 1):
        checks.before(step)
        result.outcomes.append(_run(ctx, step))
        ctx.world.done.add(step.id)
        checks.after(step)
        if progress is not None:
            progress(index, len(ctx.plan.steps))
    result.failures = checks.failures
    result.seconds = time.perf_counter() - started
    return result


def _run(ctx: Context, step: Step) -> Outcome:
    outcome = Outcome(step)
    if step.manual:
        outcome.status, outcome.detail = MANUAL, step.reason or "a person does it (manual)"
        return outcome
    try:
        handler_for(step)(ctx, step, outcome)
    except StepFailed as exc:
        outcome.status, outcome.detail = FAILED, str(exc)
    except NotSimulated as exc:
        outcome.status, outcome.detail = NOT_SIMULATED, str(exc)
    except ResponseParserError:
        outcome.status, outcome.detail = FAILED, "the emulator failed on it (HTTP 500)"
    except (ClientError, BotoCoreError) as exc:
        stop = fatal(exc, ctx.emulator.url)
        if stop is not None:
            raise stop from None
        outcome.status, outcome.detail = FAILED, reason(exc)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        outcome.status, outcome.detail = FAILED, f"{type(exc).__name__}: {exc}"
    return outcome


def prepare(export_dir: Path, url: str, design: Design | None) -> Context:
    """A context on a fresh emulator for the export's plan (RehearsalError on bad input)."""
    plan: Plan = load_plan(export_dir)
    emulator = Emulator(url)
    world = World(management_id=emulator.connect())
    context: Context
    deployer = Deployer(
        emulator, world, export_dir, lambda k, n, a: shares.make_resources(context, k, n, a)
    )
    context = Context(emulator, world, export_dir, plan, deployer, design)
    return context
