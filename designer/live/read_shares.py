"""What an account publishes to others: AMIs, EBS snapshots, RAM shares, Service Catalog portfolios.

Each share becomes (resource type, resource name, principal) where the principal is an account
id, an OU ARN or id, an organization ARN, or "all" for a public resource. Nothing is invented: a
RAM share that holds no resource shares nothing and is left out (its principals can reach
nothing through it), and so is a resource whose ARN names no type.

Each kind (AMIs, snapshots, RAM, portfolios) is read on its own; a failed read is a gap and
marks the account's shares unread. The one error that is not a gap: Service Catalog answers
InvalidParametersException (DescribePortfolioShares' documented error for a parameter it cannot
take) when the account may not use an organization share type (it is neither the management
account nor a delegated administrator, or organization access is off): it then has no such
shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from designer.live.aws import Access, Sessions, pages
from designer.model.vocabulary import Unread

if TYPE_CHECKING:
    from designer.live.read_account import Facts

PORTFOLIO_SHARE_TYPES = ("ACCOUNT", "ORGANIZATION", "ORGANIZATIONAL_UNIT")
ORGANIZATION_SHARE_TYPES = frozenset({"ORGANIZATION", "ORGANIZATIONAL_UNIT"})
NOT_USABLE = "InvalidParametersException"  # the share type is not open to this account


@dataclass(frozen=True)
class Share:
    resource_type: str  # ami, ebs-snapshot, ram-share, service-catalog-portfolio
    resource: str  # its id or name
    principal: str  # account id, OU / organization ARN or id, or "all"
    ram_type: str | None = None  # e.g. ec2:Subnet, for RAM shares


def read_shares(sessions: Sessions, access: Access | None, facts: Facts) -> list[Share]:
    """What the account (facts.account) shares; each kind that cannot be read is a gap in
    `facts` and leaves the account's shares unread (those read are kept: they exist)."""
    account_id = facts.account or ""
    shares: list[Share] = []
    ec2 = sessions.client(access, "ec2")
    with facts.reading(Unread.SHARES, "ec2"):
        shares += _images(ec2, account_id)
    with facts.reading(Unread.SHARES, "ec2"):
        shares += _snapshots(ec2, account_id)
    with facts.reading(Unread.SHARES, "ram"):
        shares += _ram(sessions.client(access, "ram"))
    with facts.reading(Unread.SHARES, "servicecatalog"):
        shares += _portfolios(sessions.client(access, "servicecatalog"))
    return shares


def _images(ec2: Any, account_id: str) -> list[Share]:
    shares = []
    for image in pages(ec2, "describe_images", "Images", Owners=["self"]):
        if image.get("OwnerId", account_id) != account_id:
            continue  # "self" should already exclude these; some endpoints do not
        answer = ec2.describe_image_attribute(
            ImageId=image["ImageId"], Attribute="launchPermission"
        )
        name = image.get("Name") or image["ImageId"]
        for permission in answer.get("LaunchPermissions", []):
            principal = (
                permission.get("UserId")
                or permission.get("OrganizationalUnitArn")
                or permission.get("OrganizationArn")
                or permission.get("Group")
            )
            if principal:
                shares.append(Share("ami", name, principal))
    return shares


def _snapshots(ec2: Any, account_id: str) -> list[Share]:
    shares = []
    for snapshot in pages(ec2, "describe_snapshots", "Snapshots", OwnerIds=["self"]):
        if snapshot.get("OwnerId", account_id) != account_id:
            continue
        answer = ec2.describe_snapshot_attribute(
            SnapshotId=snapshot["SnapshotId"], Attribute="createVolumePermission"
        )
        name = snapshot.get("Description") or snapshot["SnapshotId"]
        for permission in answer.get("CreateVolumePermissions", []):
            principal = permission.get("UserId") or permission.get("Group")
            if principal:
                shares.append(Share("ebs-snapshot", name, principal))
    return shares


def _ram(ram: Any) -> list[Share]:
    """One share per (principal, shared resource): the resource by its id in its ARN (a RAM
    share's own name says nothing of what it shares). A share holding no resource yet gives
    nothing."""
    shares = []
    for share in pages(ram, "get_resource_shares", "resourceShares", resourceOwner="SELF"):
        if share.get("status") not in (None, "ACTIVE"):
            continue
        resources = _associated(ram, share["resourceShareArn"], "RESOURCE")
        typed = [(arn, _ram_type(arn)) for arn in resources]
        typed = [(arn, kind) for arn, kind in typed if kind is not None]
        if not typed:
            continue  # nothing shared through it: no principal needs to be read
        for principal in _associated(ram, share["resourceShareArn"], "PRINCIPAL"):
            for arn, kind in typed:
                shares.append(Share("ram-share", resource_id(arn), principal, kind))
    return shares


def resource_id(arn: str) -> str:
    """The resource's id in its ARN: subnet-1 of arn:aws:ec2:r:1:subnet/subnet-1."""
    resource = arn.split(":", 5)[-1]
    return resource.rsplit("/", 1)[-1] if "/" in resource else resource.rsplit(":", 1)[-1]


def _associated(ram: Any, share: str, kind: str) -> list[str]:
    associations = pages(
        ram,
        "get_resource_share_associations",
        "resourceShareAssociations",
        associationType=kind,
        resourceShareArns=[share],
    )
    return [
        a["associatedEntity"] for a in associations if a.get("status", "ASSOCIATED") == "ASSOCIATED"
    ]


def _ram_type(arn: str) -> str | None:
    """RAM's resource type from an ARN: arn:aws:ec2:...:subnet/subnet-1 -> ec2:Subnet; None
    when the ARN names none."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or not parts[2] or not parts[5]:
        return None
    kind = parts[5].split("/")[0]
    return f"{parts[2]}:{''.join(word.capitalize() for word in kind.split('-'))}"


def _portfolios(catalog: Any) -> list[Share]:
    shares = []
    for portfolio in pages(catalog, "list_portfolios", "PortfolioDetails"):
        for share_type in PORTFOLIO_SHARE_TYPES:
            for detail in _portfolio_shares(catalog, portfolio["Id"], share_type):
                shares.append(
                    Share(
                        "service-catalog-portfolio", portfolio["DisplayName"], detail["PrincipalId"]
                    )
                )
    return shares


def _portfolio_shares(catalog: Any, portfolio: str, share_type: str) -> list[dict[str, Any]]:
    """DescribePortfolioShares has no paginator: follow its page token."""
    details: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"PortfolioId": portfolio, "Type": share_type}
        if token:
            kwargs["PageToken"] = token
        try:
            answer = catalog.describe_portfolio_shares(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if share_type in ORGANIZATION_SHARE_TYPES and code == NOT_USABLE:
                return details  # a share type the account cannot use: it has none of them
            raise
        details += answer.get("PortfolioShareDetails", [])
        token = answer.get("NextPageToken")
        if not token:
            return details
