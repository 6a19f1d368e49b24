"""A live AWS organization on moto's HTTP server (loopback), built the way an architect would.

The server runs in this process on 127.0.0.1; boto3 talks to it over HTTP exactly as to AWS, so
pagination, serialization, retries and assume-role credentials are exercised for real.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

MANAGEMENT = "123456789012"  # moto's caller account
EXTERNAL = "999988887777"  # a vendor outside the organization
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@dataclass
class LiveOrg:
    url: str
    accounts: dict[str, str] = field(default_factory=dict)  # name -> id
    units: dict[str, str] = field(default_factory=dict)  # path -> id
    policies: dict[str, str] = field(default_factory=dict)  # name -> id
    trail_bucket: str = "example-org-trail-logs"
    config_bucket: str = "example-org-config-logs"
    # a shared resource's name -> the id the import reads from its ARN (moto picks subnet ids)
    resources: dict[str, str] = field(default_factory=dict)

    def session(self) -> boto3.Session:
        return boto3.Session(region_name="us-east-1", **KEYS)

    def client(self, service: str, account: str | None = None) -> Any:
        if account is None or self.accounts.get(account, account) == MANAGEMENT:
            return self.session().client(service, endpoint_url=self.url)  # type: ignore[call-overload]
        account_id = self.accounts.get(account, account)
        sts = self.client("sts")
        role = f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole"
        creds = sts.assume_role(RoleArn=role, RoleSessionName="fixture")["Credentials"]
        session = boto3.Session(
            region_name="us-east-1",
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        return session.client(service, endpoint_url=self.url)  # type: ignore[call-overload]


def trust(principal: str, **condition: dict[str, str]) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated" if ":saml-provider/" in principal else "AWS": principal},
        "Action": "sts:AssumeRoleWithSAML" if ":saml-provider/" in principal else "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
SAML_METADATA = (
    '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
    'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com">'
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
    + "MIIC"
    + "A" * 1000
    + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
    '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
    'Location="https://idp.example.com/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>'
)


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def live_org(moto_url: str) -> LiveOrg:
    """Built once per test module: the import only reads it."""
    boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1", **KEYS)  # warm up
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"))
    org = LiveOrg(moto_url)
    _structure(org)
    _roles(org)
    _logging(org)
    _publishing(org)
    return org


def _structure(org: LiveOrg) -> None:
    client = org.client("organizations")
    client.create_organization(FeatureSet="ALL")
    root = client.list_roots()["Roots"][0]["Id"]
    org.units["Root"] = root
    for path in (
        "Security",
        "Infrastructure",
        "Workloads",
        "Workloads/Prod",
        "Workloads/Non-prod",
        "Sandbox",
        "Suspended",
    ):
        parent = org.units["/".join(["Root", *path.split("/")[:-1]])]
        unit = client.create_organizational_unit(ParentId=parent, Name=path.split("/")[-1])
        org.units[f"Root/{path}"] = unit["OrganizationalUnit"]["Id"]
    org.accounts["Management"] = MANAGEMENT
    for name, path, tags in (
        ("Log Archive", "Security", {}),
        ("Security Tooling", "Security", {"owner": "Security"}),
        ("Identity", "Infrastructure", {}),
        ("Network", "Infrastructure", {}),
        ("Shared Services", "Infrastructure", {}),
        ("Publishing", "Infrastructure", {}),
        ("Retail Production", "Workloads/Prod", {"environment": "prod", "owner": "Retail"}),
        ("Payments Production", "Workloads/Prod", {"environment": "production"}),
        ("Retail Development", "Workloads/Non-prod", {"environment": "dev"}),
        ("Developer Sandbox", "Sandbox", {"environment": "sandbox"}),
        ("Closed Project", "Suspended", {}),
        ("Locked Workload", "Workloads", {}),
    ):
        email = f"aws+{name.lower().replace(' ', '-')}@example.com"
        status = client.create_account(
            AccountName=name,
            Email=email,
            Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
        )
        account = status["CreateAccountStatus"]["AccountId"]
        org.accounts[name] = account
        client.move_account(
            AccountId=account, SourceParentId=root, DestinationParentId=org.units[f"Root/{path}"]
        )
    for name, account in org.accounts.items():  # as AWS creates it (moto leaves it empty)
        if account != MANAGEMENT:
            org.client("iam", name).attach_role_policy(
                RoleName="OrganizationAccountAccessRole",
                PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess",
            )
    client.close_account(AccountId=org.accounts["Closed Project"])
    for name, target, content in (
        ("DenyLeaveOrganization", root, _deny("organizations:LeaveOrganization")),
        ("DenyOutsideRegions", org.units["Root/Workloads"], _deny("ec2:RunInstances")),
        ("DenyAllSuspended", org.units["Root/Suspended"], _deny("*")),
        ("SandboxLimits", org.accounts["Developer Sandbox"], _deny("iam:CreateUser")),
    ):
        policy = client.create_policy(
            Name=name, Description=f"{name} guardrail", Type="SERVICE_CONTROL_POLICY",
            Content=content,
        )["Policy"]["PolicySummary"]["Id"]  # fmt: skip
        client.attach_policy(PolicyId=policy, TargetId=target)
        org.policies[name] = policy
    client.enable_aws_service_access(ServicePrincipal="guardduty.amazonaws.com")
    client.register_delegated_administrator(
        AccountId=org.accounts["Security Tooling"], ServicePrincipal="guardduty.amazonaws.com"
    )


def _deny(action: str) -> str:
    statement = {"Effect": "Deny", "Action": action, "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _roles(org: LiveOrg) -> None:
    a = org.accounts
    tooling = f"arn:aws:iam::{a['Security Tooling']}:root"
    for account in ("Retail Production", "Payments Production", "Log Archive"):
        iam = org.client("iam", account)
        iam.create_role(RoleName="SecurityAudit", AssumeRolePolicyDocument=trust(tooling, **MFA))
        iam.attach_role_policy(
            RoleName="SecurityAudit", PolicyArn="arn:aws:iam::aws:policy/SecurityAudit"
        )
    identity = org.client("iam", "Identity")
    saml = identity.create_saml_provider(Name="Corporate", SAMLMetadataDocument=SAML_METADATA)
    identity.create_role(
        RoleName="WorkloadAdministrator", AssumeRolePolicyDocument=trust(saml["SAMLProviderArn"])
    )
    retail = org.client("iam", "Retail Production")
    admin = f"arn:aws:iam::{a['Identity']}:role/WorkloadAdministrator"
    retail.create_role(RoleName="WorkloadAdmin", AssumeRolePolicyDocument=trust(admin))
    retail.attach_role_policy(
        RoleName="WorkloadAdmin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
    )
    vendor = trust(f"arn:aws:iam::{EXTERNAL}:root", StringEquals={"sts:ExternalId": "vendor-7f3a"})
    retail.create_role(RoleName="VendorMonitoring", AssumeRolePolicyDocument=vendor)
    retail.attach_role_policy(
        RoleName="VendorMonitoring", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )


def _logging(org: LiveOrg) -> None:
    s3 = org.client("s3", "Log Archive")
    for bucket in (org.trail_bucket, org.config_bucket):
        s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(
        Bucket=org.trail_bucket,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}},
        },
    )
    org.client("cloudtrail").create_trail(
        Name="organization-trail",
        S3BucketName=org.trail_bucket,
        IsOrganizationTrail=True,
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
    )
    for account in ("Security Tooling", "Network"):
        config = org.client("config", account)
        config.put_configuration_recorder(
            ConfigurationRecorder={
                "name": "default",
                "roleARN": f"arn:aws:iam::{org.accounts[account]}:role/config",
            }
        )
        config.put_delivery_channel(
            DeliveryChannel={"name": "default", "s3BucketName": org.config_bucket}
        )


def _publishing(org: LiveOrg) -> None:
    a = org.accounts
    ec2 = org.client("ec2", "Publishing")
    base = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=base, MinCount=1, MaxCount=1)["Instances"][0]
    image = ec2.create_image(InstanceId=instance["InstanceId"], Name="golden-linux")["ImageId"]
    ec2.modify_image_attribute(
        ImageId=image,
        LaunchPermission={
            "Add": [{"UserId": a["Retail Production"]}, {"UserId": a["Retail Development"]}]
        },
    )
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume, Description="restore-point")["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot,
        Attribute="createVolumePermission",
        OperationType="add",
        UserIds=[a["Payments Production"], EXTERNAL],
    )
    catalog = org.client("servicecatalog", "Publishing")
    portfolio = catalog.create_portfolio(
        DisplayName="Approved Infrastructure", ProviderName="Central IT"
    )["PortfolioDetail"]["Id"]
    catalog.create_portfolio_share(PortfolioId=portfolio, AccountId=a["Retail Development"])
    network = org.client("ec2", "Network")
    vpc = network.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = network.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    org.resources["prod-subnets"] = subnet
    org.client("ram", "Network").create_resource_share(
        name="prod-subnets",
        resourceArns=[f"arn:aws:ec2:us-east-1:{a['Network']}:subnet/{subnet}"],
        principals=[a["Retail Production"]],
    )


# -- a second organization: scoped roles and principals outside it --------------------------------
PARTNER_ORG = "o-partnerorg01"  # another company's organization
GITHUB = "token.actions.githubusercontent.com"


def _reset(moto_url: str) -> None:
    import urllib.request

    boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1", **KEYS)  # warm up
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"))


def statement(principal: Any, action: Any = "sts:AssumeRole", **condition: Any) -> str:
    """A trust policy of one statement; `principal` as IAM takes it ("*" or a dict)."""
    found: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        found["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [found]})


def audit_role(org: LiveOrg, account: str) -> None:
    """The role a service-managed StackSet deploys to every account of Workloads."""
    iam = org.client("iam", account)
    tooling = f"arn:aws:iam::{org.accounts['Security Tooling']}:root"
    iam.create_role(RoleName="Audit", AssumeRolePolicyDocument=trust(tooling))
    iam.attach_role_policy(RoleName="Audit", PolicyArn="arn:aws:iam::aws:policy/SecurityAudit")


def place_accounts(org: LiveOrg, placed: Iterable[tuple[str, str]]) -> None:
    """Create each (name, OU path below Root) account, move it there, and let its access role
    act (moto creates the role without a policy; one without a policy is no trust)."""
    client = org.client("organizations")
    root = org.units["Root"]
    org.accounts["Management"] = MANAGEMENT
    for name, path in placed:
        email = f"aws+{name.lower().replace(' ', '-')}@example.com"
        status = client.create_account(AccountName=name, Email=email)
        account = status["CreateAccountStatus"]["AccountId"]
        org.accounts[name] = account
        client.move_account(
            AccountId=account, SourceParentId=root, DestinationParentId=org.units[f"Root/{path}"]
        )
        org.client("iam", name).attach_role_policy(
            RoleName="OrganizationAccountAccessRole",
            PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess",
        )


def remove_audit_role(org: LiveOrg, account: str) -> None:
    iam = org.client("iam", account)
    iam.detach_role_policy(RoleName="Audit", PolicyArn="arn:aws:iam::aws:policy/SecurityAudit")
    iam.delete_role(RoleName="Audit")


@pytest.fixture(scope="module")
def scope_org(moto_url: str) -> LiveOrg:
    """Workloads (Dev-1, and Prod-1, Prod-2 in Workloads/Prod) with the Audit role in each;
    Shared Services trusting and sharing with principals outside the organization.

    Built once per test module; a module uses this or live_org, never both (one server)."""
    _reset(moto_url)
    org = LiveOrg(moto_url)
    client = org.client("organizations")
    org_id = client.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = client.list_roots()["Roots"][0]["Id"]
    org.units["Root"] = root
    org.units["Organization"] = org_id
    for path in ("Security", "Infrastructure", "Workloads", "Workloads/Prod"):
        parent = org.units["/".join(["Root", *path.split("/")[:-1]])]
        unit = client.create_organizational_unit(ParentId=parent, Name=path.split("/")[-1])
        org.units[f"Root/{path}"] = unit["OrganizationalUnit"]["Id"]
    place_accounts(
        org,
        (
            ("Security Tooling", "Security"),
            ("Shared Services", "Infrastructure"),
            ("Dev-1", "Workloads"),
            ("Prod-1", "Workloads/Prod"),
            ("Prod-2", "Workloads/Prod"),
        ),
    )
    for account in ("Dev-1", "Prod-1", "Prod-2"):
        audit_role(org, account)
    _outside(org)
    return org


def _outside(org: LiveOrg) -> None:
    a = org.accounts
    shared = "Shared Services"
    iam = org.client("iam", shared)
    workloads = "/".join(
        [org.units["Organization"], org.units["Root"], org.units["Root/Workloads"]]
    )
    org_id = org.units["Organization"]
    paths = {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{workloads}/*"]}}
    vendor = {"StringEquals": {"sts:ExternalId": "v-7f3a"}}
    roles = {
        "VendorRead": trust(f"arn:aws:iam::{EXTERNAL}:root", **vendor),
        "PartnerAccess": statement({"AWS": "*"}, StringEquals={"aws:PrincipalOrgID": PARTNER_ORG}),
        "OrgReader": statement("*", StringEquals={"aws:PrincipalOrgID": org_id}),
        "WorkloadsReader": statement("*", "sts:AssumeRole", **paths),
        "PublicRole": statement("*"),
        "ConfigForDev": statement(
            {"Service": "config.amazonaws.com"}, StringEquals={"aws:SourceAccount": a["Dev-1"]}
        ),
        "Ec2Instance": statement({"Service": "ec2.amazonaws.com"}),  # its own service role
    }
    read_only = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    for role, policy in roles.items():  # a role without a policy grants nothing: not imported
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=policy)
        iam.attach_role_policy(RoleName=role, PolicyArn=read_only)
    provider = iam.create_open_id_connect_provider(
        Url=f"https://{GITHUB}", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
    )["OpenIDConnectProviderArn"]
    iam.create_role(
        RoleName="GitHubDeploy",
        AssumeRolePolicyDocument=statement(
            {"Federated": provider},
            "sts:AssumeRoleWithWebIdentity",
            StringLike={f"{GITHUB}:sub": "repo:example/app:*"},
        ),
    )
    iam.attach_role_policy(RoleName="GitHubDeploy", PolicyArn=read_only)
    ec2 = org.client("ec2", shared)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    org.resources["partner-subnets"] = subnet
    org.client("ram", shared).create_resource_share(
        name="partner-subnets",
        resourceArns=[f"arn:aws:ec2:us-east-1:{a[shared]}:subnet/{subnet}"],
        principals=[EXTERNAL],
        allowExternalPrincipals=True,
    )
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume, Description="public-restore")["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )
