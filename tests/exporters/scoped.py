"""A design with scoped relationships and every kind of outside principal, for the exporters."""

from __future__ import annotations

from designer.model import Design
from tests.rules.builder import Builder


def exporter_design(workloads: int = 5) -> Design:
    """Scoped relationships and every kind of outside principal, for the exporters' tests.

    Tooling audits the Workloads OU (less Sandbox) through one role and reads the whole
    organization; any Workloads/Prod workload (less App1) reads findings in Tooling; the whole
    organization reads Logs; an external account, a partner organization, an AWS service and
    anyone are trusted into App1; the organization trail and an OU-scoped trail and Config; RAM
    shares with an external account and with an OU, AMIs for a partner and for anyone."""
    b = Builder(organization_id="o-exampleorg1")
    b.ou("Security")
    b.ou("Workloads")
    b.ou("Workloads/Prod", parent="Workloads")
    b.account("Tooling", "security-tooling", parent="Security", aws_account_id="111111111111")
    b.account("Logs", "log-archive", parent="Security", aws_account_id="222222222222")
    b.account("Network", "network", aws_account_id="333333333333")
    b.account("Publishing", "publishing", aws_account_id="444444444444")
    for n in range(1, workloads + 1):
        b.account(f"App{n}", parent="Workloads/Prod", aws_account_id=f"5{n:011d}")
    b.account("Sandbox", "sandbox", parent="Workloads", aws_account_id="600000000000")
    b.outside_principal("Vendor", aws_account_id="999999999999", owner="Example Vendor Ltd")
    b.outside_principal("Partner", kind="partner-organization", organization_id="o-partner0001")
    b.outside_principal("Config", kind="service", service_principal="config.amazonaws.com")
    b.outside_principal("Internet", kind="anyone")
    b.trust("Tooling", "Workloads", "security-audit", role_name="Audit", require_mfa=True,
            organization_scoped=True, principal_scope="role", principal_role_name="Analyst",
            excluded_accounts=[b.id("Sandbox")])  # fmt: skip
    b.trust("Tooling", "org", "read-only", role_name="OrgReader", principal_scope="role",
            principal_role_name="Analyst")  # fmt: skip
    b.trust("Workloads/Prod", "Tooling", "read-only", role_name="FindingsReader",
            require_mfa=True, principal_type="workload", principal_scope="role",
            principal_role_name="Reporter", excluded_accounts=[b.id("App1")])  # fmt: skip
    b.trust("org", "Logs", "read-only", role_name="LogReader")
    b.trust("Vendor", "App1", "read-only", role_name="VendorRead", external_id="ext-1234",
            organization_scoped=True)  # fmt: skip
    b.trust("Partner", "App1", "read-only", role_name="PartnerRead", principal_scope="role",
            principal_role_name="Integration")  # fmt: skip
    b.trust(
        "Config",
        "App1",
        "read-only",
        role_name="ConfigReader",
        principal_type="workload",
        source_account_condition=True,
    )
    b.trust("Internet", "App1", "read-only", role_name="PublicRead")
    b.bucket("org-trail-bucket", "Logs", kms_key="alias/trail")
    b.bucket("workload-logs-bucket", "Logs", kms_key="alias/workloads")
    b.logs("org", "Logs", "cloudtrail", bucket="org-trail-bucket")
    b.logs("Workloads", "Logs", "cloudtrail", "config", bucket="workload-logs-bucket",
           excluded_accounts=[b.id("Sandbox")])  # fmt: skip
    b.share("Network", "Vendor", "ram-share", ram_resource_type="ec2:Subnet",
            resource_names=["vendor-subnet"])  # fmt: skip
    b.share("Network", "Workloads", "ram-share", ram_resource_type="ec2:Subnet",
            resource_names=["workload-subnets"])  # fmt: skip
    b.share("Publishing", "Internet", "ami", resource_names=["public-demo-ami"])
    b.share("Publishing", "Partner", "ami", resource_names=["partner-ami"])
    return b.build()
