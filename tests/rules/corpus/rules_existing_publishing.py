"""One caught flaw and one near miss per existing publishing rule (PUB-01, PUB-03 to PUB-05),
written from the rules. Each design is the reference landing zone with one realistic edit."""

from __future__ import annotations

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import Flaw, Kit, NearMiss

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
SERVICE_CATALOG = "AWS Service Catalog Administrator Guide, 'Sharing with AWS Organizations'"
GOLDEN_AMI = ["golden-amazon-linux-2023"]


def _golden_ami_to(party: str, kind: str) -> Design:
    """Publishing shares its golden AMI with a party outside the organization."""
    kit = Kit()
    kit.outside(
        party, kind=kind, **({"aws_account_id": "345678901234"} if kind != "anyone" else {})
    )
    kit.share("Publishing", party, "ami", resource_names=GOLDEN_AMI)
    return kit.build()


def _test_data_to_non_prod(resource: str) -> Design:
    """Publishing shares anonymised test data (or an image) with the whole Non-prod OU."""
    kit = Kit()
    kit.share("Publishing", "Non-prod", resource, resource_names=["anonymised-test-data-2024-11"])
    return kit.build()


def _portfolio_to(target: str) -> Design:
    kit = Kit()
    kit.share(
        "Publishing",
        target,
        "service-catalog-portfolio",
        resource_names=["Approved Payment Products"],
    )
    return kit.build()


def _retail_image() -> Design:
    """Retail Production shares its hardened application image with Retail Development."""
    kit = Kit()
    kit.share("Retail Production", "Retail Development", "ami", resource_names=["retail-web-2024"])
    return kit.build()


def _sandbox_subnets() -> Design:
    kit = Kit()
    kit.share(
        "Network",
        "Sandbox",
        "ram-share",
        ram_resource_type="ec2:Subnet",
        resource_names=["sandbox-private-subnets"],
    )
    return kit.build()


FLAWS = [
    Flaw(
        "PUB-01 golden AMI made public",
        "Amazon EC2 User Guide, 'Understand block public access for AMIs'",
        lambda: _golden_ami_to("All AWS accounts", "anyone"),
        "PUB-01",
        "All AWS accounts",
        Severity.HIGH,
    ),
    Flaw(
        "PUB-03 test-data snapshot shared with the Non-prod OU",
        "Amazon EC2 API Reference, ModifySnapshotAttribute (account ids only)",
        lambda: _test_data_to_non_prod("ebs-snapshot"),
        "PUB-03",
        "resource-share:Publishing->Non-prod",
        Severity.MEDIUM,
    ),
    Flaw(
        "PUB-04 payments portfolio shared with one production account",
        SERVICE_CATALOG,
        lambda: _portfolio_to("Payments Production"),
        "PUB-04",
        "resource-share:Publishing->Payments Production",
        Severity.HIGH,
    ),
    Flaw(
        "PUB-05 production account shares its application image",
        f"{WHITEPAPER}, Publishing Account Structure",
        _retail_image,
        "PUB-05",
        "Retail Production",
        Severity.MEDIUM,
    ),
]

LEGITIMATE: list[object] = []

NEAR_MISSES = [
    NearMiss(
        "PUB-01",
        "golden AMI shared with a named partner account",
        lambda: _golden_ami_to("Retail Partner Integration", "external-account"),
    ),
    NearMiss(
        "PUB-03",
        "test AMI (not a snapshot) shared with the Non-prod OU",
        lambda: _test_data_to_non_prod("ami"),
        "resource-share:Publishing->Non-prod",
    ),
    NearMiss("PUB-04", "payments portfolio shared with the Prod OU", lambda: _portfolio_to("Prod")),
    NearMiss("PUB-05", "network account shares sandbox subnets through RAM", _sandbox_subnets),
]
