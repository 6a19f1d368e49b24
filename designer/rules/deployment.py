"""Rules on how the design can be deployed."""

from __future__ import annotations

from collections.abc import Iterator

from designer.model.vocabulary import PrincipalScope
from designer.rules.context import RuleContext, plural
from designer.rules.engine import Category, Hit, Severity, rule


@rule(
    "DEP-01",
    "Resources in the management account need their own stack",
    Severity.INFO,
    Category.DEPLOYMENT,
    rationale="CloudFormation StackSets with service-managed permissions never deploy stack "
    "instances to the organization's management account, even when it sits in a targeted OU. "
    "Roles, trail and Config settings, identity providers, buckets and delegated-admin "
    "registrations the design places there must be deployed by a separate stack in that "
    "account. Reported as info (the catalogue proposed high) because the design does not state "
    "a deployment method: it lists what a StackSet rollout would miss, not a flaw of the design.",
    remediation="Deploy the listed resources with a separate CloudFormation stack (or another "
    "tool) run in the management account, alongside the organization-wide StackSets.",
    references=[
        "AWS CloudFormation API Reference, 'DeploymentTargets': StackSets doesn't deploy stack "
        "instances to the organization management account "
        "(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/"
        "API_DeploymentTargets.html)"
    ],
)
def management_needs_own_stack(ctx: RuleContext) -> Iterator[Hit]:
    mgmt = ctx.management
    if mgmt is None:
        return
    roles = [
        r.id
        for r in ctx.relationships("trust")
        if r.target == mgmt.id or (r.source == mgmt.id and r.principal_scope == PrincipalScope.ROLE)
    ]
    # An OU or organization delivery (the organization trail) covers management too.
    logs = [r.id for r in ctx.relationships("log-delivery") if ctx.covers(r, "source", mgmt.id)]
    providers = [r.id for r in ctx.relationships("federation") if r.target == mgmt.id]
    buckets = [b.id for b in ctx.design.log_buckets if b.account == mgmt.id]
    delegations = [r.id for r in ctx.relationships("delegated-admin")]
    parts = [
        (roles, "trust role", "trust roles"),
        (logs, "log-delivery configuration", "log-delivery configurations"),
        (providers, "identity-provider federation", "identity-provider federations"),
        (buckets, "log bucket", "log buckets"),
        (delegations, "delegated-admin registration", "delegated-admin registrations"),
    ]
    needed = [plural(len(ids), one, many) for ids, one, many in parts if ids]
    if not needed:
        return
    listed = needed[0] if len(needed) == 1 else f"{', '.join(needed[:-1])} and {needed[-1]}"
    yield Hit(
        f"management account {mgmt.name!r} needs a separate stack for {listed}",
        (mgmt.id, *roles, *logs, *providers, *buckets, *delegations),
    )
