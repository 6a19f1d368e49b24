"""organization.tf: the organization, its OUs, member accounts, service control policies and
their attachments, and the delegated administrators (hashicorp/aws aws_organizations_*)."""

from __future__ import annotations

from designer.artefacts.policy_set import (
    CLOUDTRAIL_PRINCIPAL,
    CONFIG_PRINCIPAL,
    FULL_AWS_ACCESS,
    PolicySet,
    Scp,
)
from designer.artefacts.protections import ORGANIZATION_ACCESS_ROLE
from designer.engines.terraform.context import (
    ACCOUNT,
    ORGANIZATION,
    OU,
    ROOT_ID,
    Context,
)
from designer.engines.terraform.hcl import Blank, Block, Call, Comment, Item, Ref, Value
from designer.model.errors import one_line
from designer.model.nodes import Account
from designer.model.vocabulary import FeatureSet, IdentityProviderKind, LogType, ResourceType

POLICY = "aws_organizations_policy"
ATTACHMENT = "aws_organizations_policy_attachment"
DELEGATED = "aws_organizations_delegated_administrator"
SCP_TYPE = "SERVICE_CONTROL_POLICY"
IDENTITY_CENTER_PRINCIPAL = "sso.amazonaws.com"
# Sharing with an OU or the organization needs the service's trusted access (AMIs are shared by
# OU or organization ARN without it; snapshots cannot be shared with an OU).
SHARE_PRINCIPALS: dict[ResourceType, tuple[str, ...]] = {
    ResourceType.RAM_SHARE: ("ram.amazonaws.com",),
    ResourceType.SERVICE_CATALOG_PORTFOLIO: ("servicecatalog.amazonaws.com",),
}
AUTHORITATIVE = (
    "Both lists below are authoritative: apply disables trusted access and root policy types",
    "that they leave out, including those a service or the console enabled later",
)
# Services whose delegated administrator AWS asks to be set through the service itself (it then
# registers it with Organizations): the provider's resource for each.
SERVICE_ADMIN_RESOURCES = {
    "guardduty.amazonaws.com": "aws_guardduty_organization_admin_account",
    "securityhub.amazonaws.com": "aws_securityhub_organization_admin_account",
    "macie.amazonaws.com": "aws_macie2_organization_admin_account",
    "detective.amazonaws.com": "aws_detective_organization_admin_account",
    "fms.amazonaws.com": "aws_fms_admin_account",
}


def resource(kind: str, name: str) -> Block:
    return Block("resource", (kind, name))


def import_block(to: str, id_value: str) -> Block:
    """Adopt an existing object instead of creating it (Terraform 1.5 and later)."""
    return Block("import").set("to", Ref(to)).set("id", id_value)


def service_principals(ctx: Context) -> list[str]:
    """Trusted access the design needs (the provider's list is authoritative: anything left out
    is disabled): its delegated administrators' services, CloudTrail for an organization trail,
    AWS Config when logs of Config are delivered, RAM and Service Catalog when they share with an
    OU or the organization, IAM Identity Center when the design has it."""
    found: set[str] = set()
    for rel in ctx.design.relationships:
        if rel.kind == "delegated-admin":
            found.update(rel.service_principals)
        elif rel.kind == "log-delivery":
            if LogType.CLOUDTRAIL in rel.log_types and ctx.scopes.organization_wide(rel):
                found.add(CLOUDTRAIL_PRINCIPAL)
            if LogType.CONFIG in rel.log_types:
                found.add(CONFIG_PRINCIPAL)
        elif rel.kind == "resource-share" and ctx.scopes.is_scope(rel.target):
            found.update(SHARE_PRINCIPALS.get(rel.resource_type, ()))
    if any(i.kind == IdentityProviderKind.IDENTITY_CENTER for i in ctx.design.identity_providers):
        found.add(IDENTITY_CENTER_PRINCIPAL)
    return sorted(found)


def policy_types(scps: bool) -> list[str]:
    return [SCP_TYPE] if scps else []


def organization(ctx: Context, scps: bool) -> list[Item]:
    org = ctx.design.organization
    block = resource("aws_organizations_organization", "this")
    block.set("feature_set", org.feature_set.value)
    if org.feature_set == FeatureSet.ALL:
        # Written even when empty, so that what apply leaves enabled is in plain sight.
        block.add(*[Comment(line) for line in AUTHORITATIVE])
        block.set("aws_service_access_principals", service_principals(ctx))
        block.set("enabled_policy_types", policy_types(scps))
    items: list[Item] = []
    if org.organization_id:
        items += [Comment(line) for line in imported_warning(org.organization_id)]
    items.append(block)
    if org.organization_id:
        items.append(import_block(ORGANIZATION, org.organization_id))
    return items


def imported_warning(organization_id: str) -> list[str]:
    """The banner above an imported organization: apply replaces what is enabled today."""
    return [
        "!!! WARNING: EXISTING ORGANIZATION " + organization_id + " IS IMPORTED BELOW !!!",
        "aws_service_access_principals and enabled_policy_types are AUTHORITATIVE: terraform",
        "apply DISABLES every trusted service and root policy type enabled today that the lists",
        "leave out. Before apply, compare them with",
        "  aws organizations list-aws-service-access-for-organization",
        "  aws organizations list-roots (Roots[].PolicyTypes)",
        "and add what must stay enabled (README.md: Trusted access and policy types).",
    ]


def _tree_order(ctx: Context) -> list[str]:
    """OU ids parents first (depth first, siblings in design order): easier to read."""
    order = {unit: n for n, unit in enumerate(ctx.ou_ids)}
    return sorted(ctx.ou_ids, key=lambda u: [order[c] for c in ctx.scopes.chain(u)])


def units(ctx: Context) -> list[Item]:
    items: list[Item] = []
    for unit_id in _tree_order(ctx):
        unit = ctx.scopes.units[unit_id]
        block = resource(OU, ctx.ou_ids[unit_id])
        block.comment(f"OU path: {ctx.scopes.ou_path(unit_id)}")
        block.set("name", unit.name).set("parent_id", ctx.parent_ref(unit.parent))
        items.append(block)
    return items


def _email(ctx: Context, account: Account) -> Value:
    if account.email:
        return account.email
    return ctx.variable(
        f"email_{account.name}", f"The root e-mail address of account {one_line(account.name)}"
    )


def account_items(ctx: Context, account: Account) -> list[Item]:
    block = resource(ACCOUNT, ctx.account_ids[account.id])
    block.set("name", account.name).set("email", _email(ctx, account))
    block.set("parent_id", ctx.parent_ref(account.parent))
    block.set("role_name", ORGANIZATION_ACCESS_ROLE).set("close_on_deletion", False)
    if account.tags:
        block.set("tags", dict(sorted(account.tags.items())))
    block.add(
        Blank(),
        Block("lifecycle")
        .comment("Organizations cannot read role_name back (provider documentation): ignore it")
        .set("ignore_changes", [Ref("role_name")]),
    )
    items: list[Item] = [block]
    if account.aws_account_id:
        items.append(
            import_block(f"{ACCOUNT}.{ctx.account_ids[account.id]}", account.aws_account_id)
        )
    return items


def accounts(ctx: Context) -> list[Item]:
    items: list[Item] = []
    mgmt = ctx.accounts.get(ctx.management or "")
    if mgmt is not None:
        items.append(
            Comment(
                f"Management account {mgmt.name}: Terraform runs with its credentials (the "
                "default provider); it is the organization's, not an aws_organizations_account."
            )
        )
    for account in ctx.design.accounts:
        if account.id != ctx.management:
            items += account_items(ctx, account)
    return items


# -- service control policies ------------------------------------------------------------------
def policies(ctx: Context, policy_set: PolicySet) -> tuple[list[Item], dict[str, str]]:
    """The SCP resources and name -> identifier (the first SCP of a name, as attachments name
    them)."""
    descriptions = {p.name: p.description for p in ctx.design.service_control_policies}
    items: list[Item] = []
    by_name: dict[str, str] = {}
    for scp in policy_set.scps:
        if scp.name in by_name:
            continue
        ident = ctx.ids.new(POLICY, scp.name, "scp")
        by_name[scp.name] = ident
        items.append(_policy(ctx, scp, ident, descriptions.get(scp.name, "")))
    return items, by_name


def _policy(ctx: Context, scp: Scp, ident: str, description: str) -> Block:
    block = resource(POLICY, ident)
    if scp.generated:
        block.comment("Generated from the usage policy: the guardrails the root SCPs lack")
    block.set("name", scp.name)
    if description and not scp.generated:
        block.set("description", description)
    block.set("type", SCP_TYPE)
    block.set("content", Call("jsonencode", (ctx.value(scp.document),)))
    return block


def attachments(ctx: Context, policy_set: PolicySet, by_name: dict[str, str]) -> list[Item]:
    items: list[Item] = [
        Comment(
            f"{FULL_AWS_ACCESS} (AWS managed, p-FullAWSAccess) is attached by AWS to the root and "
            "to every new OU and account: it is not managed here."
        )
    ]
    for target in policy_set.attachments:
        target_id = _target(ctx, target.type, target.design_id)
        if target_id is None:
            continue
        for name in target.policies:
            if name == FULL_AWS_ACCESS:
                continue
            if name not in by_name:
                items.append(Comment(f"AWS managed SCP {name} on {target.name}: attach it by hand"))
                continue
            label = f"{by_name[name]}_{_target_label(ctx, target.type, target.design_id)}"
            block = resource(ATTACHMENT, ctx.ids.new(ATTACHMENT, label, "attachment"))
            block.set("policy_id", Ref(f"{POLICY}.{by_name[name]}.id"))
            block.set("target_id", target_id)
            items.append(block)
    return items


def _target(ctx: Context, kind: str, design_id: str) -> Value | None:
    if kind == "ROOT":
        return ROOT_ID
    if kind == "ORGANIZATIONAL_UNIT":
        return Ref(f"{OU}.{ctx.ou_ids[design_id]}.id") if design_id in ctx.ou_ids else None
    account = ctx.accounts.get(design_id)
    return ctx.account_ref(account) if account is not None else None


def _target_label(ctx: Context, kind: str, design_id: str) -> str:
    if kind == "ROOT":
        return "root"
    if kind == "ORGANIZATIONAL_UNIT":
        return ctx.ou_ids[design_id]
    return ctx.account_ids[design_id]


# -- delegated administrators ------------------------------------------------------------------
def delegated_admins(ctx: Context) -> list[Item]:
    items: list[Item] = []
    for rel in ctx.design.relationships:
        if rel.kind != "delegated-admin" or rel.target not in ctx.accounts:
            continue
        account = ctx.accounts[rel.target]
        for principal in rel.service_principals:
            label = f"{ctx.account_ids[account.id]}_{principal.split('.')[0]}"
            block = resource(DELEGATED, ctx.ids.new(DELEGATED, label, "delegated"))
            if rel.administers is not None:
                block.comment(
                    f"Administers {ctx.scopes.short(rel.administers)} only: set that scope in "
                    "the service itself (Organizations registers the account for all of it)"
                )
            if principal in SERVICE_ADMIN_RESOURCES:
                block.comment(
                    f"AWS recommends designating it through the service: consider "
                    f"{SERVICE_ADMIN_RESOURCES[principal]} instead of this resource"
                )
            block.set("account_id", ctx.account_ref(account))
            block.set("service_principal", principal)
            block.set("depends_on", [Ref(ORGANIZATION)])
            items.append(block)
    return items
