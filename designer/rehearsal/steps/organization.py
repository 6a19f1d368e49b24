"""Steps that build the organization: the organization, OUs, accounts, trusted access,
delegated administrators, the SCP policy type."""

from __future__ import annotations

import re

from botocore.exceptions import ClientError

from designer.rehearsal.context import NOT_SIMULATED, Context, Outcome, slug
from designer.rehearsal.errors import RehearsalError, StepFailed
from designer.rehearsal.plan import Step

ORGANIZATION_ID = re.compile(r"\bo-[a-z0-9]{10,32}\b")
SERVICE_PRINCIPAL = re.compile(r"\b[a-z0-9][a-z0-9.-]*\.amazonaws\.com\b")
OU_PATH = re.compile(r"\b(Root(?:/[^/\n]+)*)$")
DESTINATION = re.compile(r" to (Root(?:/[^/\n]+)*)$")
ADDED = re.compile(r"^Add account (.+) to Root")
EMAIL = re.compile(r"root e-mail (\S+@\S+?)[\s,;)]")
DELEGATE = re.compile(r" to (.+)$")
# moto registers delegated administrators only for these services
DELEGABLE = frozenset(
    {
        "config-multiaccountsetup.amazonaws.com",
        "guardduty.amazonaws.com",
        "access-analyzer.amazonaws.com",
        "macie.amazonaws.com",
        "servicecatalog.amazonaws.com",
        "ssm.amazonaws.com",
    }
)


def organization(ctx: Context, step: Step, outcome: Outcome) -> None:
    client = ctx.emulator.client("organizations")
    try:
        client.describe_organization()
    except ClientError:
        pass
    else:
        raise RehearsalError(
            f"the emulator at {ctx.emulator.url} already has an organization: rehearse on a "
            "fresh one (moto: POST /moto-api/reset)"
        )
    created = client.create_organization(FeatureSet="ALL")["Organization"]
    world = ctx.world
    world.organization_id = created["Id"]
    world.root_id = client.list_roots()["Roots"][0]["Id"]
    world.units["Root"] = world.root_id
    if ctx.design is not None and ctx.design.organization.organization_id:
        world.design_organization_id = ctx.design.organization.organization_id
    elif found := ORGANIZATION_ID.search(step.action):
        world.design_organization_id = found.group(0)
    name = step.account_name or "Management"
    world.accounts[name] = world.management_id
    world.parent[world.management_id] = world.root_id
    planned = [step.account_id]
    if ctx.design is not None:
        manager = ctx.design.organization.management_account
        planned += [a.aws_account_id for a in ctx.design.accounts if a.id == manager]
    for account_id in planned:
        if account_id:
            world.id_map[account_id] = world.management_id


def unit(ctx: Context, step: Step, outcome: Outcome) -> None:
    found = OU_PATH.search(step.title)
    if found is None:
        raise StepFailed("the title names no OU path (Root/...)")
    path = found.group(1)
    parent_path, _, name = path.rpartition("/")
    parent = ctx.world.unit_id(parent_path)
    if parent is None:
        raise StepFailed(f"the parent of {path} does not exist yet")
    created = ctx.emulator.client("organizations").create_organizational_unit(
        ParentId=parent, Name=name
    )["OrganizationalUnit"]["Id"]
    ctx.world.units[path] = created
    ctx.world.parent[created] = parent


def account(ctx: Context, step: Step, outcome: Outcome) -> None:
    found = DESTINATION.search(step.title)
    destination = ctx.world.unit_id(found.group(1)) if found else None
    if destination is None:
        raise StepFailed("the OU the account goes to does not exist yet")
    client = ctx.emulator.client("organizations")
    named = ADDED.search(step.title)
    name = named.group(1) if named else step.account_name
    existing = ctx.world.accounts.get(name)
    if existing is None:
        status = client.create_account(AccountName=name, Email=_email(ctx, step, name))
        existing = status["CreateAccountStatus"]["AccountId"]
        ctx.world.accounts[name] = existing
        ctx.world.parent[existing] = ctx.world.root_id
        outcome.notes.append(f"created {name} (the emulator's id {existing})")
        planned = _design_id(ctx, name) or (step.account_id if not named else None)
        if planned:
            ctx.world.id_map[planned] = existing
    source = ctx.world.parent.get(existing, ctx.world.root_id)
    if source != destination:
        client.move_account(
            AccountId=existing, SourceParentId=source, DestinationParentId=destination
        )
        ctx.world.parent[existing] = destination


def _design_id(ctx: Context, name: str) -> str | None:
    """The account id the design gives the account called `name` (None when planned)."""
    for item in ctx.design.accounts if ctx.design is not None else ():
        if item.name == name:
            return item.aws_account_id or None
    return None


def _email(ctx: Context, step: Step, name: str) -> str:
    for item in ctx.design.accounts if ctx.design is not None else ():
        if item.name == name and item.email:
            return str(item.email)
    found = EMAIL.search(step.action + " ")
    return found.group(1) if found else f"{slug(name) or 'account'}@rehearsal.invalid"


def trusted_access(ctx: Context, step: Step, outcome: Outcome) -> None:
    principals = SERVICE_PRINCIPAL.findall(f"{step.key} {step.title}")
    if not principals:
        raise StepFailed("the step names no service principal")
    client = ctx.emulator.client("organizations")
    for principal in dict.fromkeys(principals):
        client.enable_aws_service_access(ServicePrincipal=principal)


def delegated_admin(ctx: Context, step: Step, outcome: Outcome) -> None:
    found = DELEGATE.search(step.title)
    delegate = ctx.world.account_id(found.group(1)) if found else None
    if delegate is None:
        raise StepFailed("the account to delegate to does not exist yet")
    principals = list(dict.fromkeys(SERVICE_PRINCIPAL.findall(step.title)))
    client = ctx.emulator.client("organizations")
    for principal in principals:
        client.enable_aws_service_access(ServicePrincipal=principal)
        if principal in DELEGABLE:
            client.register_delegated_administrator(AccountId=delegate, ServicePrincipal=principal)
        else:
            outcome.not_simulated.append(
                f"delegated administrator for {principal}: moto registers one only for "
                f"{', '.join(sorted(DELEGABLE))}"
            )
    if outcome.not_simulated and not any(p in DELEGABLE for p in principals):
        outcome.status = NOT_SIMULATED


def policy_type(ctx: Context, step: Step, outcome: Outcome) -> None:
    client = ctx.emulator.client("organizations")
    try:
        client.enable_policy_type(RootId=ctx.world.root_id, PolicyType="SERVICE_CONTROL_POLICY")
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "PolicyTypeAlreadyEnabledException":
            raise
        outcome.notes.append("the emulator has SCPs enabled already")
