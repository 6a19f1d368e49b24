"""Rules on how the design can be deployed."""

from __future__ import annotations

from collections.abc import Iterator

from designer.artefacts.identity_center import identity_center_roles
from designer.model.vocabulary import PrincipalScope, PrincipalType
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


@rule(
    "DEP-02",
    "A trust's principal role is one the design creates",
    Severity.HIGH,
    Category.DEPLOYMENT,
    rationale="A trust policy whose principal is a role ARN (arn:aws:iam::ACCOUNT:role/NAME) "
    "is refused by IAM (MalformedPolicyDocument: invalid principal) unless that role exists "
    "when the trusting role is created; and if the principal role is deleted and re-created "
    "later, the trust no longer matches it. So the role a trust names in a member account must "
    "be one the design creates there, in a step before the trust: a role a SAML, OIDC or "
    "Directory Service federation lands people in (a mapped role), an IAM Identity Center "
    "permission set of that name assigned in that account, or the role another trust creates "
    "in that account. Trusts from an OU or the organization are exempt (their policy names "
    'Principal "*" with aws:PrincipalArn, which IAM accepts before the role exists), as are '
    "principals outside the organization (their role is theirs to create). Medium for a "
    "workload trust: the workload's own stack usually creates its role, which the design does "
    "not draw, but it must still be deployed first.",
    remediation="Model how the principal role comes to exist in that account: a federation "
    "from the identity provider or IAM Identity Center that lands people in it (mapped role or "
    "permission set of that name), or a trust into that account whose role name it is (from "
    "the identity account's IAM users, with 'require MFA'). Or correct the trust's principal "
    "role name or account. For a workload, deploy its own role before this trust.",
    references=[
        "AWS IAM User Guide, 'AWS JSON policy elements: Principal', IAM role principals: a "
        "role ARN is stored as the role's unique principal ID when the policy is saved "
        "(https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_elements_principal.html)",
        "AWS Knowledge Center, 'How do I resolve the IAM trust policy error \"Failed to update "
        "trust policy. Invalid principal in policy\"?' "
        "(https://repost.aws/knowledge-center/iam-trust-policy-error)",
    ],
)
def principal_role_created(ctx: RuleContext) -> Iterator[Hit]:
    created = _created_roles(ctx)
    for rel in ctx.relationships("trust"):
        if rel.principal_scope != PrincipalScope.ROLE or not rel.principal_role_name:
            continue
        if rel.source not in ctx.accounts or ctx.scoped_source(rel) is not None:
            continue
        name = rel.principal_role_name
        if (rel.source, name) in created:
            continue
        workload = rel.principal_type == PrincipalType.WORKLOAD
        yield Hit(
            f"role {rel.role_name!r} in {ctx.name(rel.target)} trusts role {name!r} of "
            f"{ctx.name(rel.source)}, which nothing in the design creates there: IAM refuses a "
            "trust policy whose principal role does not exist"
            + (" (deploy the workload's own role first)" if workload else ""),
            (rel.id, rel.source, rel.target),
            Severity.MEDIUM if workload else None,
        )


def _created_roles(ctx: RuleContext) -> set[tuple[str, str]]:
    """(account id, role name) of every role the design creates: the roles trusts create (one
    per account of a scoped trust), the roles federations land people in, and the roles IAM
    Identity Center creates for its permission sets."""
    found = {(rel.target, rel.role_name) for rel in ctx.relationships("trust")}
    found |= {
        (rel.target, name) for rel in ctx.relationships("federation") for name in rel.mapped_roles
    }
    return found | identity_center_roles(ctx.design)
