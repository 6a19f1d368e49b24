"""Trusts from principals outside the organization: anyone, AWS services, other AWS accounts and
partner organizations (IAM-01, IAM-02, IAM-03, IAM-15). Shares to the public are PUB-01.

Outside principals are where access leaves the organization's control: nobody here can see,
rotate or revoke what happens on the other side, so each kind gets the guard that fits it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from designer.analysis import ACCESS_RANK, ADMIN_RANK, access_level
from designer.model.vocabulary import (
    AccessLevel,
    OutsideKind,
    PrincipalScope,
    PrincipalType,
)
from designer.rules.context import RuleContext
from designer.rules.engine import Category, Hit, Severity, rule

if TYPE_CHECKING:
    from designer.model.nodes import OutsidePrincipal

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
IAM_DOCS = "https://docs.aws.amazon.com/IAM/latest/UserGuide"
PRINCIPAL_ELEMENT = (
    "AWS IAM User Guide, 'AWS JSON policy elements: Principal' "
    f"({IAM_DOCS}/reference_policies_elements_principal.html)"
)
CONFUSED_DEPUTY = (
    f"AWS IAM User Guide, 'The confused deputy problem' ({IAM_DOCS}/confused-deputy.html)"
)
THIRD_PARTY_ACCESS = (
    "AWS IAM User Guide, 'Access to AWS accounts owned by third parties' "
    f"({IAM_DOCS}/id_roles_common-scenarios_third-party.html)"
)
ACCESS_ANALYZER = (
    "AWS IAM User Guide, 'Using AWS Identity and Access Management Access Analyzer' "
    f"({IAM_DOCS}/what-is-access-analyzer.html)"
)
# Other AWS accounts and organizations: principals with an account to name and an external id
# to agree with.
OTHER_ACCOUNTS = frozenset({OutsideKind.EXTERNAL_ACCOUNT, OutsideKind.PARTNER_ORGANIZATION})
WRITE_RANK = ACCESS_RANK[AccessLevel.SERVICE_ADMIN]


def _trusts_from(ctx: RuleContext, kinds: frozenset[OutsideKind]) -> Iterator[tuple[Any, Any]]:
    """(trust, outside principal) for every trust, per account, from an outside kind in `kinds`."""
    if not ctx.outside:
        return
    for rel in ctx.relationships("trust"):
        party = ctx.outside.get(rel.source)
        if party is not None and party.kind in kinds:
            yield rel, party


def _role(ctx: RuleContext, rel: Any) -> str:
    return f"role {rel.role_name!r} in {ctx.name(rel.target)}"


def _who(party: OutsidePrincipal) -> str:
    return {
        OutsideKind.EXTERNAL_ACCOUNT: f"external account {party.name!r}",
        OutsideKind.PARTNER_ORGANIZATION: f"partner organization {party.name!r}",
        OutsideKind.SERVICE: f"AWS service {party.service_principal or party.name}",
        OutsideKind.ANYONE: f"anyone ({party.name!r})",
    }[party.kind]


@rule(
    "IAM-01",
    "No role can be assumed by anyone",
    Severity.CRITICAL,
    Category.IDENTITY,
    rationale='A trust from "anyone" is a trust policy with Principal "*" and no condition that '
    "ties it to an account or an organization: every AWS principal in the world can call "
    "sts:AssumeRole on it, and role ARNs are easy to guess (account id and a role name). An "
    "external id does not make it private; it is not a secret. IAM Access Analyzer reports "
    "such a role as publicly accessible.",
    remediation="Trust only who needs the role: the external account or partner organization "
    "(with an external id), the AWS service (with aws:SourceAccount), or an OU or the "
    "organization of your own accounts.",
    references=[
        PRINCIPAL_ELEMENT + ": anonymous (public) principals",
        ACCESS_ANALYZER,
        "ScoutSuite iam-assume-role-policy-allows-all",
        "checkov CKV_AWS_60",
    ],
)
def public_trust(ctx: RuleContext) -> Iterator[Hit]:
    for rel, party in _trusts_from(ctx, frozenset({OutsideKind.ANYONE})):
        yield Hit(
            f"{_who(party)} can assume {_role(ctx, rel)} with {access_level(rel)} access: its "
            'trust policy allows Principal "*" without a condition',
            (rel.id, rel.source, rel.target),
        )


@rule(
    "IAM-02",
    "Roles trusted by a third party require an external id",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="A vendor's AWS account, or a partner organization, assumes roles for many "
    "customers. Without an sts:ExternalId condition, anyone who can make the vendor act for "
    "them can make it assume your role (the confused deputy problem). The vendor's systems (a "
    "workload trust) need the external id; people of the outside party may present MFA instead "
    "(a human trust that requires MFA of the outside account, not of one of its roles: a role "
    "session carries no MFA key). AWS services and the public are IAM-03 and IAM-01.",
    remediation="Agree a unique external id with the third party and set it on the trust; the "
    "exported trust policy then requires sts:ExternalId. For people of the third party, "
    "requiring MFA also does.",
    references=[
        CONFUSED_DEPUTY,
        THIRD_PARTY_ACCESS,
        "ScoutSuite iam-assume-role-lacks-external-id-and-mfa",
    ],
)
def third_party_external_id(ctx: RuleContext) -> Iterator[Hit]:
    for rel, party in _trusts_from(ctx, OTHER_ACCOUNTS):
        if rel.external_id:
            continue
        if rel.principal_type == PrincipalType.HUMAN:
            if rel.principal_scope == PrincipalScope.ROLE:
                # No MFA key in a role session: the export writes no MFA condition (IAM-13).
                missing = "without an external id (a role session presents no MFA)"
            elif rel.require_mfa:
                continue
            else:
                missing = "without an external id or MFA"
        else:
            missing = "without an external id"
        yield Hit(
            f"{_who(party)} can assume {_role(ctx, rel)} {missing}",
            (rel.id, rel.source, rel.target),
        )


@rule(
    "IAM-03",
    "Roles trusted by an AWS service are guarded against the confused deputy",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="A role that trusts an AWS service principal can be used by that service on "
    "behalf of any of its customers' resources unless the trust policy says for whom: "
    "aws:SourceAccount (the account the service acts for) and, where the service sends it, "
    "aws:SourceArn (the resource). Otherwise another customer can point the service at your "
    "role (the cross-service confused deputy problem).",
    remediation="Turn on 'aws:SourceAccount' for the trust (source_account_condition): the "
    "exported trust policy then requires StringEquals aws:SourceAccount with the role's own "
    "account. Where the service sends it, narrow further with an ArnLike aws:SourceArn naming "
    "the resource in the deployed policy.",
    references=[
        CONFUSED_DEPUTY + ": cross-service confused deputy prevention",
        "AWS IAM User Guide, 'AWS global condition context keys': aws:SourceAccount, "
        f"aws:SourceArn ({IAM_DOCS}/reference_policies_condition-keys.html)",
        "Prowler iam_role_cross_service_confused_deputy_prevention",
    ],
)
def service_confused_deputy(ctx: RuleContext) -> Iterator[Hit]:
    for rel, party in _trusts_from(ctx, frozenset({OutsideKind.SERVICE})):
        if rel.source_account_condition:
            continue
        yield Hit(
            f"{_who(party)} can assume {_role(ctx, rel)} with no aws:SourceAccount or "
            "aws:SourceArn condition naming the account or resource it acts for",
            (rel.id, rel.source, rel.target),
        )


@rule(
    "IAM-15",
    "Outsiders' access is weighed by level (admin/IAM-admin worst)",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="An external account or a partner organization is administered by someone else: "
    "a compromise or a malicious insider there is outside your detection and response, and "
    "AWS's guidance for third-party access is to grant only the permissions the third party "
    "needs. The access is weighed by what it can do and where. Production and privileged "
    "accounts (management, log archive, security tooling, identity) are guarded alike. "
    "Admin-level access (IAM admin, administrator, an admin custom policy) lets the party "
    "create its own users and roles, so removing the trust no longer removes it, and reach "
    "whatever the account reaches: critical in a production or privileged account, high "
    "elsewhere. Write access (service admin, custom policies) into a production or privileged "
    "account is high: it can change what customers use or what guards the organization; "
    "elsewhere it is medium. Read-only or security-audit access there is a low note: the data "
    "leaves the organization, so the access needs a contract and periodic review (IAM Access "
    "Analyzer reports it as external access).",
    remediation="Give the outside party the least access its job needs: a read-only or narrowly "
    "scoped custom role, with an external id, in the accounts it serves, outside production "
    "where possible; admin work is done by your own staff or pipelines. Where a vendor must "
    "write, scope its role to the services and resources it manages and add a permissions "
    "boundary so it cannot create principals.",
    references=[
        THIRD_PARTY_ACCESS,
        ACCESS_ANALYZER,
        "AWS IAM User Guide, 'Security best practices in IAM': apply least-privilege "
        f"permissions ({IAM_DOCS}/best-practices.html)",
        f"{WHITEPAPER}, When to Create Multiple Accounts: 'isolation to minimize blast radius'",
    ],
)
def outside_admin_or_production(ctx: RuleContext) -> Iterator[Hit]:
    for rel, party in _trusts_from(ctx, OTHER_ACCOUNTS):
        level = access_level(rel)
        rank = ACCESS_RANK[level]
        guarded = ctx.guarded_kind(rel.target)  # production or privileged: the one test
        where = f"{guarded or 'account'} {ctx.name(rel.target)}"
        subjects = (rel.id, rel.source, rel.target)
        evidence = (
            f"trust {ctx.label(rel.id)}: {level} (rank {rank} of 4) into "
            f"{guarded or 'an account that is neither production nor privileged'}",
        )
        if rank >= ADMIN_RANK:
            yield Hit(
                f"{_who(party)} holds {level} access in {where} (role {rel.role_name!r}): it "
                "can create its own principals there",
                subjects,
                Severity.CRITICAL if guarded else Severity.HIGH,
                evidence=evidence,
            )
        elif rank >= WRITE_RANK:
            yield Hit(
                f"{_who(party)} can change {where} (role {rel.role_name!r}, {level})",
                subjects,
                None if guarded else Severity.MEDIUM,
                evidence=evidence,
            )
        elif guarded:
            yield Hit(
                f"{_who(party)} reads {where} (role {rel.role_name!r}, {level}): its data "
                "leaves the organization",
                subjects,
                Severity.LOW,
                evidence=evidence,
            )
