"""What is shared: the publishing account and the central IT account."""

from __future__ import annotations

from designer.model.answers import Published, SecurityTeam
from designer.model.vocabulary import (
    Environment,
    ResourceType,
)
from designer.wizard import whitepaper as wp
from designer.wizard.builder import Builder
from designer.wizard.structure import (
    CENTRAL_IT,
    PLATFORM,
    F,
    Landing,
    names_of,
)

PUBLISHED_SHARES: dict[Published, tuple[ResourceType, str, str]] = {
    Published.AMIS: (ResourceType.AMI, "golden-amis", "Approved, hardened AMIs"),
    Published.SNAPSHOTS: (ResourceType.EBS_SNAPSHOT, "approved-volumes", "Approved EBS snapshots"),
    Published.PORTFOLIOS: (
        ResourceType.SERVICE_CATALOG_PORTFOLIO,
        "approved-products",
        "Service Catalog portfolios of approved products",
    ),
    Published.TEMPLATES: (
        ResourceType.CLOUDFORMATION_TEMPLATE,
        "account-baseline.yaml",
        "Approved CloudFormation templates",
    ),
}


PUBLISHED_WORDS = {
    Published.AMIS: "AMIs",
    Published.SNAPSHOTS: "EBS snapshots",
    Published.PORTFOLIOS: "Service Catalog portfolios",
    Published.TEMPLATES: "CloudFormation templates",
}


def _published_words(published: list[Published]) -> str:
    if not published:
        return "approved AMIs (nothing else was chosen)"
    return names_of([PUBLISHED_WORDS[p] for p in published])


def add_publishing(b: Builder, land: Landing) -> None:
    a = b.answers
    if not a.central_publishing:
        return
    publisher = b.add_account(
        "Publishing",
        F.PUBLISHING,
        "Builds and publishes the approved images, templates and portfolios to the workload "
        "accounts.",
        parent=land.infrastructure_ou(),
        owner=land.infrastructure_owner(),
        business_unit=PLATFORM,
    )
    for kind in a.published or [Published.AMIS]:
        resource, name, what = PUBLISHED_SHARES[kind]
        if resource == ResourceType.EBS_SNAPSHOT:  # EC2 shares snapshots with account ids only
            for account in land.workload_accounts:
                if account.environment != Environment.SANDBOX:  # as the OU shares: no sandbox
                    b.share(publisher, account, resource, [name], f"{what} for {account.name}.")
        else:
            b.share(
                publisher, land.workloads, resource, [name], f"{what} for every workload account."
            )
    if Published.PORTFOLIOS in a.published:
        b.delegate(
            land.management,
            publisher,
            ["servicecatalog.amazonaws.com"],
            "Publishing shares portfolios with OUs through AWS Organizations.",
        )
    b.decide(
        "Publishing account",
        f"A Publishing account shares {_published_words(a.published)} with the Workloads OU"
        + (
            " (EBS snapshots, which EC2 shares with account ids only, with each workload account)."
            if Published.SNAPSHOTS in a.published
            else "."
        ),
        "You want to centrally manage approved images and products: built once, shared to "
        "every workload account, including accounts created later.",
        [
            wp.cite(wp.S_SECURITY, wp.Q_CENTRAL_PUBLISHING),
            wp.cite(wp.S_PUBLISHING, wp.Q_PUBLISHING_SHARE),
            wp.AWS_AMI_SHARING,
            wp.AWS_PORTFOLIO_SHARING,
        ],
        [land.infrastructure_ou(), publisher],
    )


def add_shared_services(b: Builder, land: Landing) -> None:
    a = b.answers
    if a.security_team == SecurityTeam.INFORMATION_SECURITY:
        return
    land.shared_services = b.add_account(
        "Shared Services",
        F.CENTRAL_IT,
        "Central IT services: DNS resolution, directory, configuration management and CI/CD.",
        parent=land.infrastructure_ou(),
        owner=CENTRAL_IT,
        business_unit=CENTRAL_IT,
    )
    b.decide(
        "Central IT account",
        "Central IT runs a Shared Services account in the Infrastructure OU, apart from the "
        "Security OU's audit duties.",
        "Central IT provides shared services; keeping them out of the security accounts keeps "
        "each account's duties single.",
        [wp.cite(wp.S_CENTRAL_IT, wp.Q_CENTRAL_IT), wp.cite(wp.S_HYBRID, wp.Q_HYBRID)],
        [land.infrastructure_ou(), land.shared_services],
    )
