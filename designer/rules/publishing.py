"""PUB-* rules: how AMIs, snapshots, portfolios and templates are shared across the organization.

PUB-02 (shared encrypted images use a customer-managed KMS key shared with consumers) is not
implemented: the design does not model the KMS keys of shared images, nor (for PUB-01) the
block-public-access settings of accounts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from designer.model.vocabulary import AccountFunction as F
from designer.model.vocabulary import (
    DataSensitivity,
    Environment,
    OutsideKind,
    ResourceType,
    Unread,
)
from designer.rules.context import RuleContext, names_list
from designer.rules.engine import Category, Hit, Severity, rule
from designer.rules.unread import known

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
SERVICE_CATALOG = "servicecatalog.amazonaws.com"
AMI_ACCOUNTS_LIMIT = 3  # from this many accounts on, one OU or organization share is simpler
PUBLISHERS = frozenset({F.PUBLISHING, F.CENTRAL_IT})
EC2_GUIDE = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide"
EBS_GUIDE = "https://docs.aws.amazon.com/ebs/latest/userguide"
DISK_IMAGES = frozenset({ResourceType.AMI, ResourceType.EBS_SNAPSHOT})
NEVER_PUBLIC = frozenset({ResourceType.SERVICE_CATALOG_PORTFOLIO, ResourceType.RAM_SHARE})
SENSITIVE = frozenset({DataSensitivity.CONFIDENTIAL, DataSensitivity.RESTRICTED})
# Outside targets a snapshot can be shared with: an account id, or the public (PUB-01's).
SNAPSHOT_TARGETS = frozenset({OutsideKind.EXTERNAL_ACCOUNT, OutsideKind.ANYONE})

RESOURCE_LABELS = {
    ResourceType.AMI: "AMIs",
    ResourceType.EBS_SNAPSHOT: "EBS snapshots",
    ResourceType.SERVICE_CATALOG_PORTFOLIO: "Service Catalog portfolios",
    ResourceType.CLOUDFORMATION_TEMPLATE: "CloudFormation templates",
    ResourceType.RAM_SHARE: "RAM resources",
}


def _shares(ctx: RuleContext, resource: ResourceType) -> list[Any]:
    return [r for r in ctx.relationships("resource-share") if r.resource_type == resource]


def _what(rel: Any) -> str:
    label = RESOURCE_LABELS.get(rel.resource_type, str(rel.resource_type))
    return f"{label} ({rel.ram_resource_type})" if rel.ram_resource_type else label


def _target(ctx: RuleContext, target_id: str) -> str:
    if target_id == ctx.design.organization.id:
        return "the organization"
    if target_id in ctx.ous:
        return f"OU {ctx.name(target_id)}"
    if target_id in ctx.accounts:
        return f"account {ctx.name(target_id)}"
    return ctx.describe(target_id)


def _accounts(ctx: RuleContext, ids: list[str]) -> str:
    return f"{'account' if len(ids) == 1 else 'accounts'} {names_list(ctx, ids)}"


@rule(
    "PUB-01",
    "Nothing is shared with the public",
    Severity.HIGH,
    Category.PUBLISHING,
    rationale="A public AMI or EBS snapshot can be copied by every AWS account: whatever its "
    "disks hold (data, keys, credentials left in files) is published with it. Critical when it "
    "comes from a production account or one holding confidential or restricted data, since "
    "it is a copy of that data. A public CloudFormation template shows the architecture to "
    "everyone; Service Catalog portfolios and RAM resources cannot be shared publicly at all, "
    "so such a share cannot be deployed. Block public access for AMIs and for EBS snapshots "
    "(account settings per Region, not part of the design) stops public sharing at deployment.",
    remediation="Share with the accounts, OUs or organization that use the resource, or with "
    "named external accounts; turn on block public access for AMIs and EBS snapshots in every "
    "Region of every account.",
    references=[
        "Amazon EC2 User Guide, 'Understand block public access for AMIs' "
        f"({EC2_GUIDE}/block-public-access-to-amis.html)",
        "Amazon EBS User Guide, 'Block public access for Amazon EBS snapshots' "
        f"({EBS_GUIDE}/block-public-access-snapshots.html)",
        "Prowler ec2_ami_public, ec2_ebs_public_snapshot",
    ],
)
def public_shares(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("resource-share"):
        party = ctx.outside.get(rel.target)
        if party is None or party.kind != OutsideKind.ANYONE:
            continue
        shared = f"{ctx.name(rel.source)} shares {_what(rel)} with anyone ({party.name!r})"
        subjects = (rel.id, rel.source, rel.target)
        source = ctx.accounts.get(rel.source)
        if rel.resource_type in NEVER_PUBLIC:
            yield Hit(f"{shared}, which AWS cannot share publicly", subjects)
        elif rel.resource_type in DISK_IMAGES and source is not None and _sensitive(source):
            yield Hit(f"{shared}: copies of {_sensitive(source)}", subjects, Severity.CRITICAL)
        else:
            yield Hit(shared, subjects)


def _sensitive(account: Any) -> str:
    """What makes an account's disks sensitive ('' when nothing does)."""
    if account.environment == Environment.PRODUCTION:
        return f"the disks of production account {account.name!r}"
    if account.data_sensitivity in SENSITIVE:
        return f"the disks of account {account.name!r} with {account.data_sensitivity} data"
    return ""


@rule(
    "PUB-03",
    "AMIs and snapshots are shared the way EC2 allows and scales",
    Severity.MEDIUM,
    Category.PUBLISHING,
    rationale="EBS snapshots can be shared only with account ids, so a snapshot share to an OU "
    "or the organization cannot be deployed. AMIs can be shared with an OU or organization ARN, "
    "which covers accounts added later; per-account AMI shares must be kept up to date by hand.",
    remediation="Share snapshots with each consuming account id; share AMIs with the "
    "organization or OU ARN instead of account by account.",
    references=[
        "Amazon EC2 API Reference, ModifySnapshotAttribute (create volume permissions for "
        "account ids only)",
        "Amazon EC2 API Reference, ModifyImageAttribute (LaunchPermission: OrganizationArn, "
        "OrganizationalUnitArn)",
    ],
)
def images_shared_correctly(ctx: RuleContext) -> Iterator[Hit]:
    for rel in _shares(ctx, ResourceType.EBS_SNAPSHOT):
        party = ctx.outside.get(rel.target)
        if rel.target in ctx.accounts or (party is not None and party.kind in SNAPSHOT_TARGETS):
            continue
        yield Hit(
            f"{ctx.name(rel.source)} shares EBS snapshots with {_target(ctx, rel.target)}, "
            "but snapshots can only be shared with account ids",
            (rel.id,),
        )
    per_account: dict[str, list[Any]] = defaultdict(list)
    for rel in _shares(ctx, ResourceType.AMI):
        if rel.target in ctx.accounts:
            per_account[rel.source].append(rel)
    for source, rels in per_account.items():
        targets = list(dict.fromkeys(r.target for r in rels))
        if len(targets) >= AMI_ACCOUNTS_LIMIT:
            yield Hit(
                f"{ctx.name(source)} shares AMIs with {len(targets)} accounts one by one: "
                f"{names_list(ctx, targets)}",
                tuple(r.id for r in rels),
                Severity.LOW,
            )


@rule(
    "PUB-04",
    "Service Catalog portfolios are shared through AWS Organizations by the delegated admin",
    Severity.HIGH,
    Category.PUBLISHING,
    rationale="A portfolio shared with an OU or the organization reaches every account in it, "
    "including future ones, and consumers cannot re-share it; account-by-account shares drift. "
    "Organization sharing is done by the management account or the Service Catalog delegated "
    "administrator, which should be the publishing account.",
    remediation="Register the publishing account as delegated administrator for "
    "servicecatalog.amazonaws.com (after EnableAWSOrganizationsAccess from the management "
    "account) and share portfolios with OUs or the organization.",
    references=[
        "AWS Service Catalog Administrator Guide, 'Sharing with AWS Organizations'",
        "Prowler servicecatalog_portfolio_shared_within_organization_only",
    ],
)
def portfolios_shared_through_organizations(ctx: RuleContext) -> Iterator[Hit]:
    management = ctx.design.organization.management_account
    admins = {
        r.target
        for r in ctx.relationships("delegated-admin")
        if SERVICE_CATALOG in r.service_principals
    }
    by_publisher: dict[str, list[Any]] = defaultdict(list)
    for rel in _shares(ctx, ResourceType.SERVICE_CATALOG_PORTFOLIO):
        by_publisher[rel.source].append(rel)
    for source, rels in by_publisher.items():
        to_accounts = [r for r in rels if r.target in ctx.accounts]
        if to_accounts:
            targets = list(dict.fromkeys(r.target for r in to_accounts))
            yield Hit(
                f"{ctx.name(source)} shares Service Catalog portfolios with individual "
                f"{_accounts(ctx, targets)}",
                tuple(r.id for r in to_accounts),
            )
        # The management account administers Service Catalog sharing by default (PUB-05 and
        # ORG-02 report it publishing anything).
        delegations_read = known(ctx.design.organization, Unread.DELEGATED_ADMINISTRATORS)
        if source != management and source not in admins and delegations_read:
            yield Hit(
                f"{ctx.name(source)} shares Service Catalog portfolios but is not the "
                f"delegated administrator for {SERVICE_CATALOG}",
                (source, *(r.id for r in rels)),
            )


@rule(
    "PUB-05",
    "Shared resources come only from publishing, central IT or network accounts",
    Severity.MEDIUM,
    Category.PUBLISHING,
    rationale="The publishing structure centralises approved images, portfolios and templates "
    "in one parent account; shares from any other account bypass that approval, and the "
    "management account should hold no shared resources at all. Network accounts share only "
    "network resources through RAM.",
    remediation="Publish shared resources from the publishing (or central IT) account; keep "
    "network accounts to RAM shares and the management account to none.",
    references=[
        f"{WHITEPAPER}, Publishing Account Structure",
        "AWS Organizations User Guide, 'Best practices for the management account'",
    ],
)
def shares_from_publishers(ctx: RuleContext) -> Iterator[Hit]:
    management = ctx.design.organization.management_account
    for rel in ctx.relationships("resource-share"):
        source = ctx.accounts.get(rel.source)
        if source is None:
            continue
        shared = f"{_what(rel)} with {_target(ctx, rel.target)}"
        functions = set(source.functions)
        if source.id == management:
            yield Hit(f"management account {source.name!r} shares {shared}", (rel.id, source.id))
        elif functions & PUBLISHERS:
            continue
        elif F.NETWORK in functions:
            if rel.resource_type != ResourceType.RAM_SHARE:
                yield Hit(
                    f"network account {source.name!r} shares {shared}, which is not a RAM share",
                    (rel.id, source.id),
                )
        else:
            yield Hit(
                f"account {source.name!r} shares {shared} but is not a publishing, central IT "
                "or network account",
                (rel.id, source.id),
            )
