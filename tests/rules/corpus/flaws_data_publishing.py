"""Blind corpus: data sensitivity and the publishing account structure.

Written from the whitepaper ('administrative isolation ... data sensitivity'; Publishing Account
Structure: AMIs, EBS snapshots and Service Catalog portfolios shared from a parent account) and
the EC2, EBS and Service Catalog guides, before reading the rules.
"""

from __future__ import annotations

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import Flaw, Kit

WP_DATA = (
    "Whitepaper, When to Create Multiple Accounts: administrative isolation by 'data "
    "sensitivity'; AWS whitepaper 'Organizing Your AWS Environment', production data stays in "
    "production"
)
WP_PUBLISH = "Whitepaper, Publishing Account Structure: images shared from a parent account"
WP_USAGE = "Whitepaper, General Best Practices: 'Define a company-wide AWS usage policy'"
SNAPSHOT = "EBS User Guide, 'Share an Amazon EBS snapshot' (a shared snapshot copies the data)"
PUBLIC = (
    "EC2 User Guide, 'Block public access to your AMIs' / EBS 'Block public access for snapshots'"
)
SHARE_OU = "EC2 API Reference, ModifySnapshotAttribute (account ids only) vs ModifyImageAttribute"
PORTFOLIO = (
    "Service Catalog Administrator Guide, 'Sharing with AWS Organizations' (delegated admin)"
)


def _restricted_in(name: str) -> Design:
    k = Kit()
    k.update(name, data_sensitivity="restricted")
    return k.build()


def _restricted_in_development() -> Design:
    return _restricted_in("Retail Development")


def _restricted_in_sandbox() -> Design:
    return _restricted_in("Developer Sandbox")


def _restricted_in_staging() -> Design:
    return _restricted_in("Payments Staging")


def _restricted_in_new_test_account() -> Design:
    k = Kit()
    k.account("Payments Load Test", parent="Non-prod", environment="test", runs_workloads=True,
              data_sensitivity="restricted")  # fmt: skip
    return k.build()


def _prod_snapshot_to_staging() -> Design:
    k = Kit()
    k.share("Payments Production", "Payments Staging", "ebs-snapshot",
            resource_names=["payments-db-nightly"])  # fmt: skip
    return k.build()


def _prod_ami_to_sandbox() -> Design:
    k = Kit()
    k.share("Payments Production", "Developer Sandbox", "ami",
            resource_names=["payments-api-with-baked-config"])  # fmt: skip
    return k.build()


def _log_archive_snapshot_to_development() -> Design:
    k = Kit()
    k.share("Log Archive", "Retail Development", "ebs-snapshot",
            resource_names=["siem-volume-export"])  # fmt: skip
    return k.build()


def _retail_prod_snapshot_to_development() -> Design:
    k = Kit()
    k.share("Retail Production", "Retail Development", "ebs-snapshot",
            resource_names=["retail-orders-db"])  # fmt: skip
    return k.build()


def _prod_snapshot_to_vendor() -> Design:
    k = Kit()
    k.outside("Analytics Partner", aws_account_id="999988887777", owner="Analytics Partner Ltd")
    k.share("Payments Production", "Analytics Partner", "ebs-snapshot",
            resource_names=["payments-ledger-export"])  # fmt: skip
    return k.build()


def _confidential_in_internal_ou() -> Design:
    k = Kit()
    k.policy(ou_requirements=[{"ou": "Non-prod", "max_data_sensitivity": "internal"}])
    k.update("Payments Staging", data_sensitivity="confidential")
    return k.build()


def _internal_in_public_sandbox_ou() -> Design:
    k = Kit()
    k.policy(ou_requirements=[{"ou": "Sandbox", "max_data_sensitivity": "public"}])
    k.update("Developer Sandbox", data_sensitivity="internal")
    return k.build()


def _public_ami() -> Design:
    k = Kit()
    k.outside("Anyone", kind="anyone")
    k.share("Publishing", "Anyone", "ami", resource_names=["golden-amazon-linux-2023"])
    return k.build()


def _public_snapshot() -> Design:
    k = Kit()
    k.outside("Anyone", kind="anyone")
    k.share("Retail Development", "Anyone", "ebs-snapshot", resource_names=["demo-dataset"])
    return k.build()


def _snapshot_shared_with_ou() -> Design:
    k = Kit()
    k.share("Publishing", "Non-prod", "ebs-snapshot", resource_names=["anonymised-test-data"])
    return k.build()


def _portfolio_from_shared_services() -> Design:
    k = Kit()
    k.share("Shared Services", "Workloads", "service-catalog-portfolio",
            resource_names=["Platform Team Products"])  # fmt: skip
    return k.build()


def _portfolio_per_account() -> Design:
    k = Kit()
    k.share("Publishing", "Retail Production", "service-catalog-portfolio",
            resource_names=["Retail Products"])  # fmt: skip
    return k.build()


def _ami_from_development() -> Design:
    k = Kit()
    k.share("Retail Development", "Retail Production", "ami", resource_names=["retail-web-latest"])
    return k.build()


def _f(name: str, source: str, build: object, rule: str, subject: str, severity: Severity) -> Flaw:
    return Flaw(name, source, build, rule, subject, severity)  # type: ignore[arg-type]


C, H, M = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM
FLAWS: list[Flaw] = [
    _f("restricted data in a development account", WP_DATA,
       _restricted_in_development, "DATA-01", "Retail Development", H),
    _f("restricted data in a sandbox", WP_DATA,
       _restricted_in_sandbox, "DATA-01", "Developer Sandbox", H),
    _f("payments card data held in Payments Staging", WP_DATA,
       _restricted_in_staging, "DATA-01", "Payments Staging", H),
    _f("new load-test account holds restricted data", WP_DATA,
       _restricted_in_new_test_account, "DATA-01", "Payments Load Test", H),
    _f("payments database snapshot shared with staging", SNAPSHOT,
       _prod_snapshot_to_staging, "DATA-02",
       "resource-share:Payments Production->Payments Staging", H),
    _f("payments AMI shared with the developer sandbox", SNAPSHOT,
       _prod_ami_to_sandbox, "DATA-02",
       "resource-share:Payments Production->Developer Sandbox", H),
    _f("log archive volume snapshot shared with development", SNAPSHOT,
       _log_archive_snapshot_to_development, "DATA-02",
       "resource-share:Log Archive->Retail Development", H),
    _f("retail orders snapshot shared with development", SNAPSHOT,
       _retail_prod_snapshot_to_development, "DATA-02",
       "resource-share:Retail Production->Retail Development", M),
    _f("payments ledger snapshot shared with an outside partner", SNAPSHOT,
       _prod_snapshot_to_vendor, "DATA-02",
       "resource-share:Payments Production->Analytics Partner", H),
    _f("Non-prod allows internal data, staging holds confidential", WP_USAGE,
       _confidential_in_internal_ou, "POL-04", "Payments Staging", M),
    _f("Sandbox allows public data, the sandbox holds internal", WP_USAGE,
       _internal_in_public_sandbox_ou, "POL-04", "Developer Sandbox", M),
    _f("golden AMI shared with everyone", PUBLIC, _public_ami, "PUB-01",
       "resource-share:Publishing->Anyone", H),
    _f("development snapshot made public", PUBLIC, _public_snapshot, "PUB-01",
       "resource-share:Retail Development->Anyone", H),
    _f("snapshot shared with an OU", SHARE_OU, _snapshot_shared_with_ou, "PUB-03",
       "resource-share:Publishing->Non-prod", M),
    _f("portfolio shared by an account that is not the delegated admin", PORTFOLIO,
       _portfolio_from_shared_services, "PUB-04", "resource-share:Shared Services->Workloads", H),
    _f("portfolio shared account by account", PORTFOLIO, _portfolio_per_account, "PUB-04",
       "resource-share:Publishing->Retail Production", M),
    _f("images published from a development account", WP_PUBLISH,
       _ami_from_development, "PUB-05", "resource-share:Retail Development->Retail Production", M),
]  # fmt: skip
