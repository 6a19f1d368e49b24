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
    assert sorted(PUB_RULES) == ["PUB-03", "PUB-04", "PUB-05"]  # PUB-01/02 not decidable


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
