"""DATA-* rules: restricted data in non-production, shares that carry data to accounts cleared
for less; each with a design that triggers it and a near miss."""

from __future__ import annotations

from designer.rules.engine import Severity
from tests.rules.builder import run_rule
from tests.rules.corpus.kit import ORG, Kit


def test_reference_landing_zone_is_clean() -> None:
    design = Kit().build()
    assert run_rule(design, "DATA-01") == []
    assert run_rule(design, "DATA-02") == []  # Publishing's AMIs and snapshots carry no data


def test_restricted_data_in_staging_is_high() -> None:
    k = Kit().update("Payments Staging", data_sensitivity="restricted")
    [found] = run_rule(k.build(), "DATA-01")
    assert found.severity == Severity.HIGH
    assert found.subjects == (k.id("Payments Staging"),)
    assert found.message == "non-production account 'Payments Staging' holds restricted data"
    assert any("data sensitivity restricted" in line for line in found.evidence)


def test_confidential_data_weighs_by_stage() -> None:
    k = Kit().update("Developer Sandbox", data_sensitivity="confidential")
    k.update("Retail Development", data_sensitivity="confidential")
    found = {f.subjects[0]: f.severity for f in run_rule(k.build(), "DATA-01")}
    assert found == {
        k.id("Developer Sandbox"): Severity.MEDIUM,
        k.id("Retail Development"): Severity.LOW,
    }


def test_production_and_closed_accounts_are_not_reported() -> None:
    k = Kit()
    k.account(
        "Old Staging",
        parent="Suspended",
        environment="non-production",
        data_sensitivity="restricted",
        state="suspended",
    )
    k.account("Card Vault", parent="Prod", environment="production", data_sensitivity="restricted")
    assert run_rule(k.build(), "DATA-01") == []


def test_production_snapshot_into_development_is_high() -> None:
    k = Kit()
    rel = k.share("Payments Production", "Retail Development", "ebs-snapshot")
    [found] = run_rule(k.build(), "DATA-02")
    assert found.severity == Severity.HIGH
    assert found.subjects == (rel, k.id("Payments Production"), k.id("Retail Development"))
    assert found.evidence == (
        "source 'Payments Production': restricted data (workload)",
        "target 'Retail Development': cleared for internal data",
        "resource type ebs-snapshot: a copy of a disk",
    )


def test_scoped_share_is_weighed_at_its_least_cleared_account() -> None:
    k = Kit()
    rel = k.share("Payments Production", "Workloads", "ram-share", ram_resource_type="rds:Cluster")
    [found] = run_rule(k.build(), "DATA-02")
    assert found.severity == Severity.HIGH
    assert k.id("Workloads") in found.subjects
    assert rel in found.subjects
    assert "least cleared account of OU 'Workloads'" in found.evidence[1]
    assert found.subjects[2] in {k.id("Retail Development"), k.id("Payments Staging")}


def test_internal_data_to_a_public_account_is_medium() -> None:
    k = Kit()
    k.share("Retail Development", "Developer Sandbox", "ami")
    [found] = run_rule(k.build(), "DATA-02")
    assert found.severity == Severity.MEDIUM


def test_shares_that_carry_no_data_are_not_reported() -> None:
    k = Kit()
    k.share("Publishing", "Developer Sandbox", "ebs-snapshot")  # golden image volumes
    k.share("Network", "Sandbox", "ram-share", ram_resource_type="ec2:Subnet")
    k.share(
        "Payments Production", "Retail Development", "ram-share", ram_resource_type="ec2:Subnet"
    )
    k.share("Payments Production", ORG, "cloudformation-template")
    k.share("Retail Development", "Payments Production", "ebs-snapshot")  # up, not down
    k.share("Security Tooling", "Developer Sandbox", "ami")  # not a data-holding account
    assert run_rule(k.build(), "DATA-02") == []


def test_share_to_an_outsider_takes_the_data_out_of_the_organization() -> None:
    k = Kit()
    vendor = k.outside("Analytics Partner", aws_account_id="999988887777", owner="Analytics Ltd")
    rel = k.share("Payments Production", "Analytics Partner", "ebs-snapshot")
    [found] = run_rule(k.build(), "DATA-02")
    assert found.severity == Severity.HIGH
    assert found.subjects == (rel, k.id("Payments Production"), vendor)
    assert found.message == (
        "ebs-snapshot share from 'Payments Production' carries restricted data out of the "
        "organization to external account 'Analytics Partner', which counts as cleared only "
        "for public data"
    )
    assert found.evidence[1] == (
        "target external account 'Analytics Partner': outside the organization, cleared for "
        "public data (owner Analytics Ltd)"
    )


def test_internal_data_to_an_outsider_is_medium() -> None:
    k = Kit()
    k.outside("Partner Org", kind="partner-organization", organization_id="o-examplepart1")
    k.share("Retail Development", "Partner Org", "ram-share", ram_resource_type="glue:Database")
    [found] = run_rule(k.build(), "DATA-02")
    assert found.severity == Severity.MEDIUM
    assert "partner organization 'Partner Org'" in found.message


def test_public_share_of_confidential_data_is_also_reported_here() -> None:
    """PUB-01 reports it as public; DATA-02 as data leaving the organization: both hold."""
    k = Kit()
    k.outside("Anyone", kind="anyone")
    k.share("Retail Production", "Anyone", "ami")
    [found] = run_rule(k.build(), "DATA-02")
    assert found.severity == Severity.HIGH
    assert "confidential data out of the organization to anyone 'Anyone'" in found.message


def test_outsider_shares_without_data_are_not_reported() -> None:
    """Near misses: a golden AMI, and a snapshot of an account holding public data only."""
    k = Kit()
    k.share("Publishing", "Example Monitoring", "ami")  # golden image, no business data
    k.share("Developer Sandbox", "Example Monitoring", "ebs-snapshot")  # public data only
    assert run_rule(k.build(), "DATA-02") == []


def test_a_closed_account_left_in_its_old_ou_keeps_its_data_reported() -> None:
    """Closed but not parked: AWS keeps the data 90 days, and reopened the account is back under
    the non-production OU's controls. Parked under deny-all (the near miss above) it is not."""
    k = Kit()
    k.account(
        "Old Staging",
        parent="Non-prod",
        environment="non-production",
        data_sensitivity="restricted",
        state="suspended",
    )
    [found] = run_rule(k.build(), "DATA-01")
    assert found.subjects == (k.id("Old Staging"),)
    assert found.severity == Severity.HIGH
    k.update("Old Staging", parent="Suspended")  # parked under the deny-all SCP
    assert run_rule(k.build(), "DATA-01") == []


def test_a_share_to_an_ou_skips_parked_accounts_only() -> None:
    """A closed sandbox in the Sandbox OU counts as the share's least-cleared account; parked
    under a deny-all SCP (the near miss) it can use no share."""
    k = Kit().update("Developer Sandbox", data_sensitivity="internal")
    k.account(
        "Old Sandbox",
        "sandbox",
        parent="Sandbox",
        environment="sandbox",
        data_sensitivity="public",
        state="suspended",
    )
    k.share("Retail Development", "Sandbox", "ami")  # internal data
    [found] = run_rule(k.build(), "DATA-02")
    assert found.severity == Severity.MEDIUM
    assert k.id("Old Sandbox") in found.subjects
    k.attach("DenyAllSuspended", "Old Sandbox")  # still in the Sandbox OU, now parked
    assert run_rule(k.build(), "DATA-02") == []
