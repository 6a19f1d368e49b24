"""PUB-* rules: each with a design that triggers it and one that does not."""

from __future__ import annotations

from designer.rules import Severity
from designer.rules.registry import all_rules
from tests.rules.builder import Builder, messages, run_rule

PUB_RULES = [r.id for r in all_rules() if r.id.startswith("PUB-")]


def publishing_org() -> Builder:
    """A publishing account, OU Workloads with three workload accounts, one network account."""
    b = Builder()
    b.ou("Infrastructure")
    b.ou("Workloads")
    b.account("Publishing", "publishing", parent="Infrastructure")
    b.account("Network", "network", parent="Infrastructure")
    for name in ("Retail", "Payments", "Dev"):
        b.account(name, parent="Workloads")
    return b


def test_publishing_rules_cope_with_odd_designs() -> None:
    empty = Builder(management=False).build()
    for rule_id in PUB_RULES:
        assert messages(empty, rule_id) == []
    assert sorted(PUB_RULES) == ["PUB-01", "PUB-03", "PUB-04", "PUB-05"]  # PUB-02 undecidable


def test_snapshots_shared_with_ou_or_organization() -> None:
    b = publishing_org()
    to_ou = b.share("Publishing", "Workloads", "ebs-snapshot")
    b.share("Publishing", "org", "ebs-snapshot")
    found = run_rule(b.build(), "PUB-03")
    assert [f.message for f in found] == [
        "'Publishing' shares EBS snapshots with OU 'Workloads', but snapshots can only be shared "
        "with account ids",
        "'Publishing' shares EBS snapshots with the organization, but snapshots can only be "
        "shared with account ids",
    ]
    assert found[0].subjects == (to_ou,)


def test_amis_shared_account_by_account() -> None:
    b = publishing_org()
    shares = [b.share("Publishing", name, "ami") for name in ("Retail", "Payments", "Dev")]
    found = run_rule(b.build(), "PUB-03")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.LOW,
            "'Publishing' shares AMIs with 3 accounts one by one: 'Retail', 'Payments', 'Dev'",
        )
    ]
    assert found[0].subjects == tuple(shares)


def test_images_shared_correctly() -> None:
    b = publishing_org()
    b.share("Publishing", "Workloads", "ami")
    b.share("Publishing", "Retail", "ami")
    b.share("Publishing", "Payments", "ami")  # two accounts: still manageable one by one
    for name in ("Retail", "Payments", "Dev"):
        b.share("Publishing", name, "ebs-snapshot")
    assert messages(b.build(), "PUB-03") == []


def test_portfolios_shared_per_account_without_delegated_admin() -> None:
    b = publishing_org()
    one = b.share("Publishing", "Retail", "service-catalog-portfolio")
    two = b.share("Publishing", "Payments", "service-catalog-portfolio")
    found = run_rule(b.build(), "PUB-04")
    assert [f.message for f in found] == [
        "'Publishing' shares Service Catalog portfolios but is not the delegated administrator "
        "for servicecatalog.amazonaws.com",
        "'Publishing' shares Service Catalog portfolios with individual accounts 'Retail', "
        "'Payments'",
    ]
    assert found[0].subjects == (b.id("Publishing"), one, two)
    assert found[1].subjects == (one, two)


def test_portfolios_shared_through_organizations() -> None:
    b = publishing_org()
    b.delegate("Publishing", "servicecatalog.amazonaws.com")
    b.share("Publishing", "Workloads", "service-catalog-portfolio")
    b.share("Publishing", "org", "service-catalog-portfolio")
    b.share("Management", "org", "service-catalog-portfolio")  # PUB-05's concern, not this rule's
    assert messages(b.build(), "PUB-04") == []


def test_shares_from_unexpected_accounts() -> None:
    b = publishing_org()
    b.share("Management", "Workloads", "ami")
    b.share("Network", "Workloads", "cloudformation-template")
    b.share("Retail", "Dev", "ram-share", ram_resource_type="ec2:Subnet")
    found = run_rule(b.build(), "PUB-05")
    assert [f.message for f in found] == [
        "account 'Retail' shares RAM resources (ec2:Subnet) with account 'Dev' but is not a "
        "publishing, central IT or network account",
        "management account 'Management' shares AMIs with OU 'Workloads'",
        "network account 'Network' shares CloudFormation templates with OU 'Workloads', which is "
        "not a RAM share",
    ]
    assert b.id("Management") in found[1].subjects


def test_shares_from_publishers() -> None:
    b = publishing_org()
    b.account("Shared", "central-it", parent="Infrastructure")
    b.share("Publishing", "org", "cloudformation-template")
    b.share("Shared", "org", "ram-share", ram_resource_type="route53resolver:ResolverRule")
    b.share("Network", "Workloads", "ram-share", ram_resource_type="ec2:Subnet")
    assert messages(b.build(), "PUB-05") == []


def test_public_shares() -> None:
    # Flawed: a production database snapshot "shared so the contractor can restore it", a
    # golden AMI made public to save typing account ids, and a portfolio nobody can publish.
    b = publishing_org()
    b.account("Orders", environment="production", parent="Workloads")
    b.account("Lab", data_sensitivity="public", parent="Workloads")
    b.outside_principal("Everyone", kind="anyone")
    snapshot = b.share("Orders", "Everyone", "ebs-snapshot")
    ami = b.share("Publishing", "Everyone", "ami")
    b.share("Publishing", "Everyone", "service-catalog-portfolio")
    b.share("Lab", "Everyone", "ebs-snapshot")
    found = run_rule(b.build(), "PUB-01")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.CRITICAL,
            "'Orders' shares EBS snapshots with anyone ('Everyone'): copies of the disks of "
            "production account 'Orders'",
        ),
        (Severity.HIGH, "'Lab' shares EBS snapshots with anyone ('Everyone')"),
        (Severity.HIGH, "'Publishing' shares AMIs with anyone ('Everyone')"),
        (
            Severity.HIGH,
            "'Publishing' shares Service Catalog portfolios with anyone ('Everyone'), which AWS "
            "cannot share publicly",
        ),
    ]
    assert found[0].subjects == (snapshot, b.id("Orders"), b.id("Everyone"))
    assert ami in found[2].subjects
    # A public snapshot is PUB-01's finding, not PUB-03's (public sharing is possible).
    assert messages(b.build(), "PUB-03") == []
    # Fixed: the snapshot goes to the contractor's account id, the AMI to the organization.
    good = publishing_org()
    good.account("Orders", environment="production", parent="Workloads")
    good.outside_principal("Contractor", aws_account_id="111122223333")
    good.share("Orders", "Contractor", "ebs-snapshot")
    good.share("Publishing", "org", "ami")
    assert messages(good.build(), "PUB-01") == []
    assert messages(good.build(), "PUB-03") == []  # an external account id is an account id


def test_snapshots_cannot_be_shared_with_a_partner_organization() -> None:
    b = publishing_org()
    b.outside_principal("Partner", kind="partner-organization", organization_id="o-abcdef1234")
    b.share("Publishing", "Partner", "ebs-snapshot")
    assert messages(b.build(), "PUB-03") == [
        "'Publishing' shares EBS snapshots with partner organization 'Partner', but snapshots "
        "can only be shared with account ids"
    ]
