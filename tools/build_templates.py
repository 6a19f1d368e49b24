"""Generate the built-in design templates in resources/templates/ (one JSON file each).

Each template implements one account structure of the AWS whitepaper "AWS Multiple Account
Security Strategy" (identity, logging, publishing, Information Security, central IT), plus a
reference landing zone that combines them under the recommended OUs. Every id comes from
`stable_id`, so running the script twice writes the same bytes:

    .venv/bin/python tools/build_templates.py
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from designer.artefacts import guardrails
from designer.artefacts.guardrails import policy
from designer.artefacts.policy_set import log_protection, log_resources
from designer.drawing.layout import auto_layout
from designer.model import (
    Account,
    Design,
    IdentityProvider,
    Layout,
    LogBucket,
    NodeLayout,
    ObjectLock,
    Organization,
    OrganizationalUnit,
    OutsidePrincipal,
    ServiceControlPolicy,
    UsagePolicy,
    dumps_design,
    stable_id,
)
from designer.model.building import DesignBuilder, Principal, Role
from designer.model.governance import OuRequirement
from designer.model.vocabulary import (
    AccessLevel,
    AccountFunction,
    AccountState,
    DataSensitivity,
    DirectoryType,
    Environment,
    FeatureSet,
    IdentityProviderKind,
    LogRequirement,
    LogType,
    ObjectLockMode,
    PrincipalType,
    ResourceType,
    Structure,
)
from designer.wizard.whitepaper import (
    Q_BILLING,
    Q_CENTRAL_IT,
    Q_CENTRAL_IT_USERS,
    Q_HYBRID,
    Q_IDENTITY,
    Q_IDENTITY_FEDERATION,
    Q_IDENTITY_ROLES,
    Q_INFOSEC,
    Q_INFOSEC_BUCKET,
    Q_LOGGING,
    Q_LOGGING_PROTECT,
    Q_PUBLISHING,
    Q_PUBLISHING_EBS,
    Q_PUBLISHING_SHARE,
    WHITEPAPER,
)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "resources" / "templates"

ORG_NAME = "Example Corp"
ORG_ID = "o-examplecorp1"
REGIONS = ("eu-west-1", "eu-central-1")

F = AccountFunction
Env = Environment
Sens = DataSensitivity


def describe(summary: str, *quotes: str) -> str:
    """A design description: what the template shows, then the passages it implements."""
    quoted = "\n\n".join(f'"{q}"' for q in quotes)
    return f"{summary}\n\n{WHITEPAPER}\n\n{quoted}"


# --- teams and the usage policy ------------------------------------------------------------------


@dataclass(frozen=True)
class Team:
    name: str
    email: str
    business_unit: str
    cost_center: str


PLATFORM = Team("Cloud Platform", "cloud-platform@example.com", "Corporate IT", "CC-1000")
IAM_TEAM = Team("Identity and Access Management", "iam-team@example.com", "Corporate IT", "CC-1000")
NETWORK = Team("Network Engineering", "network-engineering@example.com", "Corporate IT", "CC-1000")
CENTRAL_IT = Team("Central IT", "central-it@example.com", "Corporate IT", "CC-1000")
SECOPS = Team(
    "Security Operations", "security-operations@example.com", "Information Security", "CC-1100"
)
INFOSEC = Team("Information Security", "infosec@example.com", "Information Security", "CC-1100")
RETAIL = Team("Retail Engineering", "retail-engineering@example.com", "Retail", "CC-2000")
PAYMENTS = Team("Payments Engineering", "payments-engineering@example.com", "Payments", "CC-3000")

USAGE_POLICY = UsagePolicy(
    approved_services=[
        "access-analyzer",
        "cloudformation",
        "cloudtrail",
        "cloudwatch",
        "config",
        "dynamodb",
        "ec2",
        "guardduty",
        "iam",
        "kms",
        "lambda",
        "logs",
        "organizations",
        "ram",
        "rds",
        "route53",
        "s3",
        "securityhub",
        "servicecatalog",
        "sso",
        "sts",
    ],
    allowed_regions=list(REGIONS),
    required_encryption=[
        "S3 default encryption with SSE-KMS",
        "EBS encryption by default",
        "RDS storage encryption with customer-managed KMS keys",
        "TLS 1.2 or later for data in transit",
    ],
    baseline=[
        "Root user MFA enabled and no root access keys in every account",
        "CloudTrail and AWS Config enabled in every account and allowed Region, "
        "delivered to the central log bucket",
        "GuardDuty and Security Hub enabled in every account",
        "S3 Block Public Access enabled at account level",
        "Human access through federation and cross-account roles; IAM users only in the "
        "identity account",
        "Every account has an owner, purpose, environment and unique root e-mail in the inventory",
    ],
)


# --- identifiers ---------------------------------------------------------------------------------


def slug(name: str) -> str:
    return "-".join(name.lower().replace("/", " ").split())


def aws_account_id(template: str, name: str) -> str:
    """A random-looking but reproducible 12-digit placeholder account id."""
    digest = int(hashlib.sha256(f"{template}/{name}".encode()).hexdigest(), 16)
    return str(100_000_000_000 + digest % 900_000_000_000)


# --- roles (the attributes of a trust edge that repeat across target accounts) -------------------


# --- the builder ---------------------------------------------------------------------------------


@dataclass
class Builder(DesignBuilder):
    """Collects the entities of one template; every id is stable_id(template, kind, name)."""

    template: str
    root_scps: list[str] = field(default_factory=list)
    management: Account | None = None

    def sid(self, kind: str, name: str) -> str:
        return stable_id(self.template, kind, name)

    @property
    def org_id(self) -> str:
        return self.sid("organization", ORG_NAME)

    def name_of(self, node_id: str) -> str:
        """The name of a node (organization, OU, account, identity provider or third party)."""
        if node_id == self.org_id:
            return ORG_NAME
        nodes: list[Account | OrganizationalUnit | IdentityProvider | OutsidePrincipal] = [
            *self.accounts,
            *self.ous,
            *self.identity_providers,
            *self.outside_principals,
        ]
        return next(n.name for n in nodes if n.id == node_id)

    def rel_id(self, kind: str, source: str, target: str, detail: str = "") -> str:
        name = f"{kind}:{self.name_of(source)}->{self.name_of(target)}:{detail}"
        return self.sid("relationship", name)

    # nodes

    def ou_id(self, name: str, parent: OrganizationalUnit | None) -> str:
        return self.sid("ou", f"{parent.name}/{name}" if parent else name)

    def add_account(
        self,
        name: str,
        functions: Sequence[AccountFunction],
        team: Team,
        purpose: str,
        *,
        parent: OrganizationalUnit | None,
        environment: Environment = Env.NONE,
        sensitivity: DataSensitivity = Sens.CONFIDENTIAL,
        iam_users: int = 0,
        regions: Sequence[str] = REGIONS,
    ) -> Account:
        account = Account(
            id=self.sid("account", name),
            name=name,
            aws_account_id=aws_account_id(self.template, name),
            email=f"aws-{slug(name)}@example.com",
            functions=list(functions),
            environment=environment,
            business_unit=team.business_unit,
            owner=team.name,
            purpose=purpose,
            data_sensitivity=sensitivity,
            tags={
                "CostCenter": team.cost_center,
                "Environment": environment.value,
                "Owner": team.email,
            },
            regions=list(regions),
            parent=parent.id if parent else None,
            state=AccountState.ACTIVE,
            iam_user_count=iam_users,
            root_mfa=True,
            runs_workloads=F.WORKLOAD in functions,
        )
        self.accounts.append(account)
        return account

    def add_management(self, iam_users: int = 1) -> Account:
        """One break-glass IAM user by default: people otherwise sign in through federation."""
        purpose = (
            "Consolidated billing and AWS Organizations administration only: no workloads, "
            "no IAM users for other teams, no log storage and no security tooling."
        )
        if iam_users:
            purpose += " One IAM user exists for break-glass access, its credentials in a safe."
        self.management = self.add_account(
            "Management", [F.MANAGEMENT], PLATFORM, purpose, parent=None, iam_users=iam_users
        )
        return self.management

    def add_idp(self, provider: IdentityProvider) -> IdentityProvider:
        self.identity_providers.append(provider)
        return provider

    def add_bucket(
        self, name: str, owner: Account, kms_key: str, object_lock: ObjectLock | None
    ) -> LogBucket:
        bucket = LogBucket(
            id=self.sid("bucket", name),
            name=name,
            account=owner.id,
            versioning=True,
            mfa_delete=True,
            object_lock=object_lock,
            kms_key=kms_key,
            access_logging=True,
            organization_restricted_writes=True,
        )
        self.log_buckets.append(bucket)
        return bucket

    # relationships (the shared helpers of DesignBuilder, with the templates' conventions)

    def billing_purpose(self, member: Account) -> str:
        return (
            f"Consolidated billing: the management account pays for {member.name} and charges "
            f"it to {member.business_unit} ({member.tags['CostCenter']})."
        )

    def organization(self) -> Organization:
        return Organization(id=self.org_id, name=ORG_NAME)

    def trust_to(self, source: Principal, target: Account | OrganizationalUnit, role: Role) -> None:
        """A role in `target`; an OU target deploys it to every account of the OU (scope)."""
        where = target.name if isinstance(target, Account) else f"every account of {target.name}"
        self.trust(source, target, role, where)

    def trust_everywhere(self, source: Principal, role: Role) -> None:
        """The role in every account of the organization (but the source's own)."""
        self.trust(source, self.organization(), role, "every account")

    def logs_to(
        self,
        source: Account | OrganizationalUnit | None,
        bucket: LogBucket,
        log_types: Sequence[LogType],
        purpose: str,
    ) -> None:
        """Logs of an account, of every account of an OU, or (None) of the organization."""
        self.deliver_logs(source or self.organization(), bucket, log_types, purpose)

    def share_with(
        self,
        source: Account,
        target: Account | OrganizationalUnit | None,
        resource_type: ResourceType,
        resource_names: Sequence[str],
        purpose: str,
        ram_resource_type: str | None = None,
    ) -> None:
        target_scope = target or self.organization()
        self.share(source, target_scope, resource_type, resource_names, purpose, ram_resource_type)

    def delegate_to(self, target: Account, principals: Sequence[str], purpose: str) -> None:
        self.delegate(self.require_management(), target, principals, purpose)

    def require_management(self) -> Account:
        if self.management is None:
            raise RuntimeError(f"template {self.template}: add the management account first")
        return self.management

    # the design

    usage_policy: UsagePolicy = USAGE_POLICY

    def build(
        self, title: str, description: str, covers: Sequence[Structure] | None = None
    ) -> Design:
        """`covers`: the structures a partial template shows (None: a whole landing zone)."""
        self.bill_members(self.require_management())
        organization = Organization(
            id=self.org_id,
            name=ORG_NAME,
            organization_id=ORG_ID,
            feature_set=FeatureSet.ALL,
            management_account=self.require_management().id,
            root_scps=list(self.root_scps),
        )
        design = Design(
            id=self.sid("design", self.template),
            name=title,
            description=description,
            covers=None if covers is None else list(covers),
            organization=organization,
            organizational_units=list(self.ous),
            accounts=list(self.accounts),
            identity_providers=list(self.identity_providers),
            outside_principals=list(self.outside_principals),
            relationships=list(self.relationships),
            log_buckets=list(self.log_buckets),
            service_control_policies=list(self.scps),
            usage_policy=self.usage_policy,
        )
        design.layout = tree_layout(design)
        return design


# --- layout --------------------------------------------------------------------------------------


def tree_layout(design: Design) -> Layout:
    """The editor's automatic layout: OU boxes packed as a tree, accounts in rows.

    Container positions are stored too, so that empty OUs keep their place in the editor.
    """
    result = auto_layout(design)
    positions = {i: NodeLayout(x=x, y=y) for i, (x, y) in result.nodes.items()}
    positions.update({i: NodeLayout(x=box.x, y=box.y) for i, box in result.containers.items()})
    return Layout(positions=positions)


# --- shared pieces -------------------------------------------------------------------------------


def add_workload_accounts(
    b: Builder, prod: OrganizationalUnit | None, nonprod: OrganizationalUnit | None
) -> list[Account]:
    """Two production accounts of different business units and one development account."""
    return [
        b.add_account(
            "Retail Production",
            [F.WORKLOAD],
            RETAIL,
            "Customer-facing retail web shop and order services (production).",
            parent=prod,
            environment=Env.PRODUCTION,
            sensitivity=Sens.CONFIDENTIAL,
        ),
        b.add_account(
            "Payments Production",
            [F.WORKLOAD],
            PAYMENTS,
            "Card payment processing; holds cardholder data in scope of PCI DSS (production).",
            parent=prod,
            environment=Env.PRODUCTION,
            sensitivity=Sens.RESTRICTED,
        ),
        b.add_account(
            "Retail Development",
            [F.WORKLOAD],
            RETAIL,
            "Development and integration testing of the retail services; synthetic data only.",
            parent=nonprod,
            environment=Env.DEVELOPMENT,
            sensitivity=Sens.INTERNAL,
        ),
    ]


def add_log_buckets(b: Builder, owner: Account) -> tuple[LogBucket, LogBucket]:
    """A WORM bucket for CloudTrail and a second bucket for Config and flow logs.

    AWS Config cannot deliver to a bucket with S3 Object Lock, so the Config bucket relies on
    versioning and MFA Delete while the CloudTrail bucket adds Object Lock in COMPLIANCE mode.
    """
    trail = b.add_bucket(
        f"example-org-logs-cloudtrail-{owner.aws_account_id}",
        owner,
        "alias/cloudtrail-logs",
        ObjectLock(mode=ObjectLockMode.COMPLIANCE, retention_days=365),
    )
    config = b.add_bucket(
        f"example-org-logs-config-{owner.aws_account_id}", owner, "alias/config-logs", None
    )
    return trail, config


def send_organization_trail(b: Builder, trail: LogBucket) -> None:
    """One organization trail, created in the management account, covers every account."""
    b.logs_to(
        None,
        trail,
        [LogType.CLOUDTRAIL],
        f"The organization trail records API activity of every account, in every Region, into "
        f"the {b.name_of(trail.account)} account, out of reach of the member accounts' "
        "administrators; member accounts cannot stop or change it.",
    )


def send_account_logs(
    b: Builder,
    source: Account | OrganizationalUnit,
    buckets: tuple[LogBucket, LogBucket],
    flow_logs: bool = True,
) -> None:
    """Per-account AWS Config delivery channel (plus VPC flow logs)."""
    _trail, config = buckets
    owner = b.name_of(config.account)
    types = [LogType.CONFIG, LogType.VPC_FLOW_LOGS] if flow_logs else [LogType.CONFIG]
    b.logs_to(
        source,
        config,
        types,
        f"AWS Config{' and VPC flow logs' if flow_logs else ''} of {source.name} are stored "
        f"centrally in the {owner} account for compliance checks and investigations.",
    )


# --- 1. identity ---------------------------------------------------------------------------------

IDENTITY_ROLES = (
    Role(
        "SecurityReadOnly",
        AccessLevel.READ_ONLY,
        "ComplianceAuditor",
        "Compliance and security staff signed in to the Identity account get read-only access "
        "to {target} for audits.",
        require_mfa=False,  # federated sign-ins carry no MFA key; the IdP enforces MFA
    ),
    Role(
        "IamAdmin",
        AccessLevel.IAM_ADMIN,
        "IamAdministrator",
        "The identity team administers IAM roles and policies of {target} from the Identity "
        "account.",
        require_mfa=False,  # federated sign-ins carry no MFA key; the IdP enforces MFA
    ),
    Role(
        "Ec2RdsAdmin",
        AccessLevel.SERVICE_ADMIN,
        "ServiceAdministrator",
        "Operations engineers administer EC2 and RDS in {target} without full account access.",
        services=("ec2", "rds"),
        require_mfa=False,  # federated sign-ins carry no MFA key; the IdP enforces MFA
    ),
)


def identity_providers_for(b: Builder, home: Account) -> tuple[IdentityProvider, ...]:
    saml = b.add_idp(
        IdentityProvider(
            id=b.sid("idp", "Corporate SAML IdP"),
            name="Corporate SAML IdP",
            kind=IdentityProviderKind.SAML,
            home_account=home.id,
            metadata_url="https://idp.example.com/saml2/aws/metadata.xml",
            description="The company's existing identity store, federated with SAML 2.0.",
        )
    )
    directory = b.add_idp(
        IdentityProvider(
            id=b.sid("idp", "Corporate Managed AD"),
            name="Corporate Managed AD",
            kind=IdentityProviderKind.DIRECTORY_SERVICE,
            directory_type=DirectoryType.MANAGED_MICROSOFT_AD,
            home_account=home.id,
            description="AWS Managed Microsoft AD (corp.example.com) for operations staff.",
        )
    )
    return saml, directory


def build_identity() -> Design:
    b = Builder("identity")
    b.add_management()
    infra = b.add_ou("Infrastructure", "Shared infrastructure accounts, here the identity hub.")
    workloads = b.add_ou("Workloads", "Business-unit accounts that run workloads.")
    identity = b.add_account(
        "Identity",
        [F.IDENTITY],
        IAM_TEAM,
        "Parent identity account: holds all IAM users and groups and the federation with the "
        "corporate directory; users reach BU accounts only through cross-account roles.",
        parent=infra,
        iam_users=40,
    )
    saml, directory = identity_providers_for(b, identity)
    roles = [r.principal_role for r in IDENTITY_ROLES if r.principal_role]
    b.federate(
        saml,
        identity,
        "Employees sign in with their corporate identity and receive a role in the Identity "
        "account that matches their directory group.",
        mapped_roles=roles,
    )
    b.federate(
        directory,
        identity,
        "Operations staff in the managed directory reach the Identity account roles through "
        "AD group mappings.",
        mapped_roles=roles[::2],
    )
    add_workload_accounts(b, workloads, workloads)
    for role in IDENTITY_ROLES:  # one StackSet per role deploys it to every Workloads account
        b.trust_to(identity, workloads, role)
    return b.build(
        "Identity account structure",
        describe(
            "A parent Identity account holds the users (IAM users, a SAML 2.0 identity provider "
            "and AWS Managed Microsoft AD) and reaches the business-unit accounts through "
            "read-only, IAM-administration and service-administration cross-account roles.",
            Q_IDENTITY,
            Q_IDENTITY_FEDERATION,
            Q_IDENTITY_ROLES,
        ),
        covers=(Structure.ORGANIZATION, Structure.IDENTITY),
    )


# --- 2. logging ----------------------------------------------------------------------------------


def build_logging() -> Design:
    b = Builder("logging")
    management = b.add_management()
    security = b.add_ou("Security", "Accounts owned by security: the central log archive.")
    workloads = b.add_ou("Workloads", "Business-unit accounts that run workloads.")
    archive = b.add_account(
        "Log Archive",
        [F.LOG_ARCHIVE],
        SECOPS,
        "Parent logging account: owns the protected S3 buckets that receive CloudTrail, AWS "
        "Config and VPC flow logs of every account; nobody else can delete or change them.",
        parent=security,
        sensitivity=Sens.RESTRICTED,
    )
    buckets = add_log_buckets(b, archive)
    send_organization_trail(b, buckets[0])
    send_account_logs(b, archive, buckets, flow_logs=False)
    send_account_logs(b, management, buckets, flow_logs=False)
    add_workload_accounts(b, workloads, workloads)
    send_account_logs(b, workloads, buckets)
    return b.build(
        "Logging account structure",
        describe(
            "An organization trail and the AWS Config and VPC flow logs of the business-unit "
            "accounts go to buckets owned by a parent Log Archive account. (The whitepaper "
            "configures one trail per account; an organization trail does the same for every "
            "account and cannot be stopped by them.) The CloudTrail bucket uses S3 Object Lock "
            "(COMPLIANCE) and MFA Delete; the Config bucket uses MFA Delete, because AWS Config "
            "cannot deliver to an Object Lock bucket.",
            Q_LOGGING,
            Q_LOGGING_PROTECT,
        ),
        covers=(Structure.ORGANIZATION, Structure.LOGGING),
    )


# --- 3. publishing -------------------------------------------------------------------------------


def publish_catalog(b: Builder, publisher: Account, target: OrganizationalUnit | None) -> None:
    """Golden AMIs and Service Catalog portfolios, shared with an OU or the whole organization."""
    scope = f"the {target.name} OU" if target else "every account of the organization"
    b.share_with(
        publisher,
        target,
        ResourceType.AMI,
        ["golden-amazon-linux-2023", "golden-windows-server-2022"],
        f"Hardened, pre-approved server images are launched by {scope}.",
    )
    b.share_with(
        publisher,
        target,
        ResourceType.SERVICE_CATALOG_PORTFOLIO,
        ["Approved Infrastructure Products", "Approved Data Stores"],
        f"Teams in {scope} provision approved products from a central portfolio.",
    )


def build_publishing() -> Design:
    b = Builder("publishing")
    b.add_management()
    infra = b.add_ou("Infrastructure", "Shared infrastructure accounts, here the publisher.")
    workloads = b.add_ou("Workloads", "Business-unit accounts that consume published resources.")
    publishing = b.add_account(
        "Publishing",
        [F.PUBLISHING],
        PLATFORM,
        "Parent publishing account: builds and shares approved AMIs, EBS snapshots, "
        "CloudFormation templates and Service Catalog portfolios with the BU accounts.",
        parent=infra,
    )
    accounts = add_workload_accounts(b, workloads, workloads)
    b.delegate_to(
        publishing,
        ["servicecatalog.amazonaws.com"],
        "The Publishing account administers Service Catalog sharing for the organization, so "
        "portfolios can be shared with OUs instead of single accounts.",
    )
    publish_catalog(b, publishing, workloads)
    b.share_with(
        publishing,
        None,
        ResourceType.CLOUDFORMATION_TEMPLATE,
        ["vpc-baseline.yaml", "encrypted-s3-bucket.yaml"],
        "Every account deploys the same approved CloudFormation baselines.",
    )
    for account in accounts:
        b.share_with(
            publishing,
            account,
            ResourceType.EBS_SNAPSHOT,
            ["golden-data-volume-2024-10"],
            f"{account.name} restores the approved data volume; EBS snapshots can only be "
            "shared with account ids.",
        )
    return b.build(
        "Publishing account structure",
        describe(
            "A parent Publishing account shares approved AMIs, EBS snapshots, CloudFormation "
            "templates and Service Catalog portfolios with the business-unit accounts.",
            Q_PUBLISHING,
            Q_PUBLISHING_SHARE,
            Q_PUBLISHING_EBS,
        ),
        covers=(Structure.ORGANIZATION, Structure.PUBLISHING),
    )


# --- 4. information security ---------------------------------------------------------------------

INFOSEC_ROLES = (
    Role(
        "SecurityAudit",
        AccessLevel.SECURITY_AUDIT,
        "SecurityAnalyst",
        "Information Security analysts and compliance scripts inspect the security "
        "configuration of {target}.",
        require_mfa=False,  # a role session carries no MFA key: MFA at sign-in
    ),
    Role(
        "LoggingConfigurator",
        AccessLevel.SERVICE_ADMIN,
        "SecurityEngineer",
        "Information Security configures CloudTrail and AWS Config in {target} to send its "
        "logs to the Information Security bucket.",
        services=("cloudtrail", "config"),
        require_mfa=False,  # a role session carries no MFA key: MFA at sign-in
    ),
)
SECURITY_SERVICES = (
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "config.amazonaws.com",
    "access-analyzer.amazonaws.com",
)
INFOSEC_SERVICES = (*SECURITY_SERVICES, "cloudtrail.amazonaws.com")


def build_information_security() -> Design:
    b = Builder("information-security")
    management = b.add_management()
    security = b.add_ou("Security", "Accounts owned by the Information Security department.")
    workloads = b.add_ou("Workloads", "Business-unit accounts monitored by Information Security.")
    infosec = b.add_account(
        "Information Security",
        [F.SECURITY_TOOLING, F.LOG_ARCHIVE],
        INFOSEC,
        "Collects and analyzes security data, runs compliance scripts, hosts the S3 buckets for "
        "account logs and configures CloudTrail and AWS Config in the BU accounts.",
        parent=security,
        sensitivity=Sens.RESTRICTED,
    )
    center = b.add_idp(
        IdentityProvider(
            id=b.sid("idp", "IAM Identity Center"),
            name="IAM Identity Center",
            kind=IdentityProviderKind.IDENTITY_CENTER,
            home_account=management.id,
            description="Organization instance in the management account; Information Security "
            "staff sign in with MFA and receive the roles their trusts name.",
        )
    )
    b.federate(
        center,
        infosec,
        "Information Security staff sign in once (MFA at IAM Identity Center) and land in the "
        "analyst or engineer role of the Information Security account.",
        mapped_roles=[r.principal_role for r in INFOSEC_ROLES if r.principal_role],
    )
    buckets = add_log_buckets(b, infosec)
    b.delegate_to(
        infosec,
        INFOSEC_SERVICES,
        "Information Security administers GuardDuty, Security Hub, AWS Config aggregation, IAM "
        "Access Analyzer and CloudTrail for the organization, not the management account.",
    )
    send_organization_trail(b, buckets[0])
    send_account_logs(b, infosec, buckets, flow_logs=False)
    send_account_logs(b, management, buckets, flow_logs=False)
    b.trust_to(infosec, management, INFOSEC_ROLES[0])
    add_workload_accounts(b, workloads, workloads)
    for role in INFOSEC_ROLES:
        b.trust_to(infosec, workloads, role)
    send_account_logs(b, workloads, buckets)
    return b.build(
        "Information Security account",
        describe(
            "A hybrid structure: the Information Security account combines security tooling "
            "(delegated administration of the security services, audit roles into every BU "
            "account) with the logging structure (it owns the log buckets).",
            Q_INFOSEC,
            Q_INFOSEC_BUCKET,
        ),
        covers=(Structure.ORGANIZATION, Structure.IDENTITY, Structure.SECURITY),
    )


# --- 5. central IT -------------------------------------------------------------------------------

CENTRAL_IT_ROLES = (
    Role(
        "NetworkAdmin",
        AccessLevel.SERVICE_ADMIN,
        "NetworkEngineer",
        "Central IT network engineers manage VPCs, routing and DNS of {target}.",
        services=("ec2", "route53"),
        require_mfa=False,  # federated sign-ins carry no MFA key; the IdP enforces MFA
    ),
    Role(
        "ReadOnly",
        AccessLevel.READ_ONLY,
        "ITSupport",
        "Central IT support staff troubleshoot {target} with read-only access.",
        require_mfa=False,  # federated sign-ins carry no MFA key; the IdP enforces MFA
    ),
)


def build_central_it() -> Design:
    b = Builder("central-it")
    b.add_management()
    infra = b.add_ou("Infrastructure", "Shared services run by Central IT.")
    workloads = b.add_ou("Workloads", "Business-unit accounts served by Central IT.")
    central = b.add_account(
        "Central IT",
        [F.CENTRAL_IT, F.IDENTITY, F.PUBLISHING],
        CENTRAL_IT,
        "Hosts the user directory and the IAM users and groups of IT staff, federates user "
        "access, publishes AMIs and Service Catalog portfolios and provides central DNS.",
        parent=infra,
        iam_users=15,
    )
    directory = b.add_idp(
        IdentityProvider(
            id=b.sid("idp", "Central IT Managed AD"),
            name="Central IT Managed AD",
            kind=IdentityProviderKind.DIRECTORY_SERVICE,
            directory_type=DirectoryType.MANAGED_MICROSOFT_AD,
            home_account=central.id,
            description="User directory for EC2 sign-in, WorkSpaces, WorkMail and IAM roles.",
        )
    )
    b.federate(
        directory,
        central,
        "Directory users assume Central IT roles that match their AD group.",
        mapped_roles=[r.principal_role for r in CENTRAL_IT_ROLES if r.principal_role],
    )
    b.delegate_to(
        central,
        ["servicecatalog.amazonaws.com"],
        "Central IT administers Service Catalog sharing for the organization.",
    )
    publish_catalog(b, central, workloads)
    add_workload_accounts(b, workloads, workloads)
    for role in CENTRAL_IT_ROLES:
        b.trust_to(central, workloads, role)
    return b.build(
        "Central IT account",
        describe(
            "A hybrid structure: one Central IT account combines the identity structure (a "
            "directory, IAM users and groups, cross-account roles) with the publishing "
            "structure (AMIs and Service Catalog portfolios shared with the BU accounts).",
            Q_CENTRAL_IT,
            Q_CENTRAL_IT_USERS,
        ),
        covers=(Structure.ORGANIZATION, Structure.IDENTITY, Structure.PUBLISHING),
    )


# --- 6. reference landing zone -------------------------------------------------------------------


def add_policies(b: Builder) -> dict[str, ServiceControlPolicy]:
    """The service control policies of the landing zone, by name."""
    rails = [
        guardrails.full_aws_access(),
        guardrails.organization_guardrails(),
        guardrails.protect_security_services(),
        guardrails.deny_root_user(),
        guardrails.region_restriction(REGIONS),
        guardrails.deny_all_suspended(),
        guardrails.deny_iam_users(
            "Candidate policy under test: no new IAM users or access keys in member accounts; "
            "people sign in through IAM Identity Center."
        ),
    ]
    return {
        rail.name: b.add_scp(rail.name, rail.description, rail.document, rail.aws_managed)
        for rail in rails
    }


@dataclass(frozen=True)
class LandingZoneOUs:
    security: OrganizationalUnit
    infrastructure: OrganizationalUnit
    workloads: OrganizationalUnit
    prod: OrganizationalUnit
    nonprod: OrganizationalUnit
    sandbox: OrganizationalUnit
    suspended: OrganizationalUnit
    policy_staging: OrganizationalUnit


def add_landing_zone_ous(b: Builder, scps: dict[str, ServiceControlPolicy]) -> LandingZoneOUs:
    workloads = b.add_ou("Workloads", "Business workloads, split by lifecycle.")
    return LandingZoneOUs(
        security=b.add_ou("Security", "Log Archive and Security Tooling; security team only."),
        infrastructure=b.add_ou(
            "Infrastructure", "Shared infrastructure: identity, network, services."
        ),
        workloads=workloads,
        prod=b.add_ou("Prod", "Production workloads.", parent=workloads),
        nonprod=b.add_ou("Non-prod", "Development and staging workloads.", parent=workloads),
        sandbox=b.add_ou("Sandbox", "Experiments, disconnected from the network."),
        suspended=b.add_ou(
            "Suspended", "Accounts waiting to be closed.", scps=[scps["DenyAllSuspended"]]
        ),
        policy_staging=b.add_ou(
            "Policy Staging",
            "New and changed SCPs are tested here before production OUs.",
            scps=[scps["DenyIamUsers"]],
        ),
    )


@dataclass(frozen=True)
class LandingZoneAccounts:
    management: Account
    log_archive: Account
    security_tooling: Account
    identity: Account
    network: Account
    shared_services: Account
    publishing: Account
    workloads: list[Account]


def add_core_accounts(b: Builder, ous: LandingZoneOUs) -> list[Account]:
    """Log Archive, Security Tooling, Identity, Network, Shared Services, Publishing."""
    specs: list[tuple[str, AccountFunction, Team, str, OrganizationalUnit]] = [
        (
            "Log Archive",
            F.LOG_ARCHIVE,
            SECOPS,
            "Immutable store of the organization's CloudTrail, AWS Config and VPC flow logs; "
            "no workloads and no human write access.",
            ous.security,
        ),
        (
            "Security Tooling",
            F.SECURITY_TOOLING,
            INFOSEC,
            "Information Security audit account: delegated administrator of the security "
            "services, read-only and security-audit access to every account.",
            ous.security,
        ),
        (
            "Identity",
            F.IDENTITY,
            IAM_TEAM,
            "Delegated administrator of IAM Identity Center; the hub roles that reach into "
            "workload accounts live here. No IAM users.",
            ous.infrastructure,
        ),
        (
            "Network",
            F.NETWORK,
            NETWORK,
            "Transit gateway, shared VPCs and egress; shares subnets with workload OUs.",
            ous.infrastructure,
        ),
        (
            "Shared Services",
            F.CENTRAL_IT,
            CENTRAL_IT,
            "Central IT services: DNS resolution, directory, CI/CD tooling and monitoring.",
            ous.infrastructure,
        ),
        (
            "Publishing",
            F.PUBLISHING,
            PLATFORM,
            "Builds and publishes golden AMIs, CloudFormation templates and Service Catalog "
            "portfolios.",
            ous.infrastructure,
        ),
    ]
    return [
        b.add_account(name, [function], team, purpose, parent=ou, sensitivity=Sens.RESTRICTED)
        for name, function, team, purpose, ou in specs
    ]


def add_lz_workloads(b: Builder, ous: LandingZoneOUs) -> list[Account]:
    workloads = add_workload_accounts(b, ous.prod, ous.nonprod)
    workloads.append(
        b.add_account(
            "Payments Staging",
            [F.WORKLOAD],
            PAYMENTS,
            "Pre-production copy of the payments platform; tokenised test card data only.",
            parent=ous.nonprod,
            environment=Env.NON_PRODUCTION,
            sensitivity=Sens.INTERNAL,
        )
    )
    b.add_account(
        "Developer Sandbox",
        [F.SANDBOX],
        PLATFORM,
        "Time-boxed experiments by engineers; no company data and no network connectivity.",
        parent=ous.sandbox,
        environment=Env.SANDBOX,
        sensitivity=Sens.PUBLIC,
        regions=REGIONS[:1],
    )
    b.add_account(
        "Policy Staging Test",
        [F.SANDBOX],
        PLATFORM,
        "Receives new and changed SCPs before they are attached to production OUs.",
        parent=ous.policy_staging,
        environment=Env.TEST,
        sensitivity=Sens.PUBLIC,
        regions=REGIONS[:1],
    )
    return workloads


def add_landing_zone_accounts(b: Builder, ous: LandingZoneOUs) -> LandingZoneAccounts:
    management = b.add_management()
    log_archive, tooling, identity, network, shared, publishing = add_core_accounts(b, ous)
    return LandingZoneAccounts(
        management=management,
        log_archive=log_archive,
        security_tooling=tooling,
        identity=identity,
        network=network,
        shared_services=shared,
        publishing=publishing,
        workloads=add_lz_workloads(b, ous),
    )


SECURITY_TOOLING_ROLES = (
    Role(
        "SecurityAudit",
        AccessLevel.SECURITY_AUDIT,
        "SecurityAnalyst",
        "Security Tooling assesses the security configuration of {target} (SecurityAudit).",
        require_mfa=False,  # a role session carries no MFA key: MFA at sign-in
    ),
    Role(
        "SecurityReadOnly",
        AccessLevel.READ_ONLY,
        "SecurityAnalyst",
        "Security analysts investigate findings in {target} with read-only access.",
        require_mfa=False,  # a role session carries no MFA key: MFA at sign-in
    ),
)
WORKLOAD_ADMIN = Role(
    "WorkloadAdmin",
    AccessLevel.ADMINISTRATOR,
    "WorkloadAdministrator",
    "Workload administrators signed in through IAM Identity Center (which enforces MFA) "
    "operate {target} from the Identity account.",
    require_mfa=False,
)
VENDOR_ROLE = Role(
    "MonitoringVendorReadOnly",
    AccessLevel.READ_ONLY,
    "ExampleMonitoringIntegration",
    "The monitoring vendor reads metrics and resource inventory of {target}; the external id "
    "prevents a confused deputy.",
    require_mfa=False,
    organization_scoped=False,
    external_id="example-corp-7f3a9c2e",
    principal_type=PrincipalType.WORKLOAD,  # the vendor's collector, not a person
)


def add_lz_identity(b: Builder, accounts: LandingZoneAccounts, ous: LandingZoneOUs) -> None:
    center = b.add_idp(
        IdentityProvider(
            id=b.sid("idp", "IAM Identity Center"),
            name="IAM Identity Center",
            kind=IdentityProviderKind.IDENTITY_CENTER,
            home_account=accounts.identity.id,
            description="Organization instance, administered from the Identity account; users "
            "and groups are provisioned from the corporate directory with SCIM.",
        )
    )
    b.federate(
        center,
        accounts.identity,
        "Workforce users sign in once with IAM Identity Center and receive permission sets; "
        "workload administrators land in the Identity account hub role.",
        mapped_roles=["WorkloadAdministrator"],
        permission_sets=["AdministratorAccess", "ReadOnlyAccess", "SecurityAudit", "Developer"],
    )
    b.federate(
        center,
        accounts.security_tooling,
        "Security analysts sign in with IAM Identity Center (which enforces MFA) and land in "
        "the Security Tooling role from which they assume the audit roles of every account.",
        mapped_roles=sorted({r.principal_role for r in SECURITY_TOOLING_ROLES if r.principal_role}),
    )
    b.trust_to(accounts.identity, ous.workloads, WORKLOAD_ADMIN)


def add_lz_trust(b: Builder, accounts: LandingZoneAccounts) -> None:
    for role in SECURITY_TOOLING_ROLES:  # every account, the tooling account's own aside
        b.trust_everywhere(accounts.security_tooling, role)
        # StackSets never deploy to the management account: its roles are a stack of their own.
        b.trust_to(accounts.security_tooling, accounts.management, role)
    vendor = OutsidePrincipal(
        id=b.sid("third-party", "Example Monitoring"),
        name="Example Monitoring",
        aws_account_id=aws_account_id(b.template, "Example Monitoring"),
        owner="Example Monitoring Inc.",
        description="SaaS monitoring vendor that reads CloudWatch metrics of production.",
    )
    b.outside_principals.append(vendor)
    b.trust_to(vendor, accounts.workloads[0], VENDOR_ROLE)


def add_lz_logging(b: Builder, accounts: LandingZoneAccounts) -> None:
    trail, config = add_log_buckets(b, accounts.log_archive)
    b.logs_to(
        None,
        trail,
        [LogType.CLOUDTRAIL],
        "The organization trail (multi-Region, log file validation) records API activity of "
        "every account into the Object Lock bucket of Log Archive.",
    )
    b.logs_to(
        None,
        config,
        [LogType.CONFIG],
        "AWS Config recorders in every account, deployed as a StackSet, deliver to the Config "
        "bucket of Log Archive.",
    )
    b.logs_to(
        accounts.network,
        config,
        [LogType.VPC_FLOW_LOGS],
        "Flow logs of the transit gateway and shared VPCs are kept for network investigations.",
    )


def add_lz_delegations(b: Builder, accounts: LandingZoneAccounts) -> None:
    b.delegate_to(
        accounts.security_tooling,
        [*SECURITY_SERVICES, "cloudtrail.amazonaws.com"],
        "Security services are administered from Security Tooling, not the management account.",
    )
    b.delegate_to(
        accounts.identity,
        ["sso.amazonaws.com"],
        "IAM Identity Center is administered from the Identity account, so nobody needs to "
        "sign in to the management account for day-to-day access management.",
    )
    b.delegate_to(
        accounts.publishing,
        ["servicecatalog.amazonaws.com"],
        "Publishing shares Service Catalog portfolios with OUs and the organization.",
    )


def add_lz_shares(b: Builder, accounts: LandingZoneAccounts, ous: LandingZoneOUs) -> None:
    publish_catalog(b, accounts.publishing, ous.workloads)
    b.share_with(
        accounts.publishing,
        None,
        ResourceType.CLOUDFORMATION_TEMPLATE,
        ["account-baseline.yaml", "encrypted-s3-bucket.yaml"],
        "Every account deploys the same approved CloudFormation baselines.",
    )
    for account in accounts.workloads[2:]:
        b.share_with(
            accounts.publishing,
            account,
            ResourceType.EBS_SNAPSHOT,
            ["anonymised-test-data-2024-10"],
            f"{account.name} restores anonymised test data; snapshots are shared by account id.",
        )
    for ou in (ous.prod, ous.nonprod):
        b.share_with(
            accounts.network,
            ou,
            ResourceType.RAM_SHARE,
            [f"{slug(ou.name)}-private-subnets"],
            f"Accounts in the {ou.name} OU place workloads in centrally managed VPC subnets.",
            ram_resource_type="ec2:Subnet",
        )
    b.share_with(
        accounts.shared_services,
        None,
        ResourceType.RAM_SHARE,
        ["corp-example-com-forwarding"],
        "Every VPC resolves corp.example.com through the central Route 53 Resolver rules.",
        ram_resource_type="route53resolver:ResolverRule",
    )


def protect_log_archive(b: Builder, unit: OrganizationalUnit) -> None:
    """An SCP on the OU that holds Log Archive: its buckets and keys cannot be changed but by
    the privileged roles (the statements the generated guardrails would carry)."""
    draft = Design(
        id=b.sid("design", "log-archive-draft"),
        name="draft",
        organization=Organization(id=b.org_id, name=ORG_NAME),
        organizational_units=list(b.ous),
        accounts=list(b.accounts),
        log_buckets=list(b.log_buckets),
    )
    found = [r for r in log_resources(draft) if r.account.parent == unit.id]
    document = policy(*log_protection([r.bucket_arn for r in found], [r.key_arn for r in found]))
    scp = b.add_scp(
        "ProtectLogArchive",
        "Nobody but the privileged automation roles can delete or reconfigure the log buckets "
        "(policy, lifecycle, encryption, versioning, Object Lock, logging) or disable, re-policy "
        "or schedule the deletion of their KMS keys.",
        document,
        aws_managed=False,
    )
    b.ous = [
        u.model_copy(update={"scps": [*u.scps, scp.id]}) if u.id == unit.id else u for u in b.ous
    ]


def landing_zone_usage_policy(
    scps: dict[str, ServiceControlPolicy], ous: LandingZoneOUs
) -> UsagePolicy:
    """The company-wide policy, with what it asks of each OU (checked by the POL rules)."""
    E, D = Environment, DataSensitivity
    return USAGE_POLICY.model_copy(
        update={
            "min_log_retention_days": 365,
            "logs_encrypted_with_kms": True,
            "ou_requirements": [
                OuRequirement(
                    ou=ous.prod.id,
                    required_scps=[scps["DenyRootUser"].id, scps["RegionRestriction"].id],
                    log_delivery=LogRequirement.REQUIRED,
                    allowed_environments=[E.PRODUCTION],
                    note="Customer and payment data: production guardrails only.",
                ),
                OuRequirement(
                    ou=ous.nonprod.id,
                    log_delivery=LogRequirement.REQUIRED,
                    allowed_environments=[E.DEVELOPMENT, E.TEST, E.NON_PRODUCTION],
                    max_data_sensitivity=D.INTERNAL,
                    note="Synthetic or masked data only.",
                ),
                OuRequirement(
                    ou=ous.sandbox.id,
                    allowed_environments=[E.SANDBOX],
                    max_data_sensitivity=D.INTERNAL,
                    note="Experiments: nothing confidential.",
                ),
                OuRequirement(
                    ou=ous.security.id,
                    required_scps=[scps["ProtectLogArchive"].id],
                    log_delivery=LogRequirement.REQUIRED,
                ),
                OuRequirement(
                    ou=ous.suspended.id,
                    required_scps=[scps["DenyAllSuspended"].id],
                    log_delivery=LogRequirement.EXEMPT,
                    note="Closed accounts: they can do nothing and log nothing.",
                ),
            ],
        }
    )


def build_reference_landing_zone() -> Design:
    b = Builder("reference-landing-zone")
    scps = add_policies(b)
    b.root_scps = [
        scps[n].id
        for n in (
            "FullAWSAccess",
            "OrganizationGuardrails",
            "ProtectSecurityServices",
            "DenyRootUser",
            "RegionRestriction",
        )
    ]
    ous = add_landing_zone_ous(b, scps)
    accounts = add_landing_zone_accounts(b, ous)
    add_lz_identity(b, accounts, ous)
    add_lz_trust(b, accounts)
    add_lz_logging(b, accounts)
    protect_log_archive(b, ous.security)
    add_lz_delegations(b, accounts)
    add_lz_shares(b, accounts, ous)
    b.usage_policy = landing_zone_usage_policy({p.name: p for p in b.scps}, ous)
    return b.build(
        "Reference landing zone",
        describe(
            "All structures combined under the recommended OUs: a management account used only "
            "for billing and Organizations, a Security OU (Log Archive, Security Tooling), an "
            "Infrastructure OU (Identity, Network, Shared Services, Publishing), Workloads split "
            "into Prod and Non-prod, Sandbox, Suspended and Policy Staging, with SCPs and a "
            "usage policy.",
            Q_HYBRID,
            Q_BILLING,
        ),
    )


# --- entry points --------------------------------------------------------------------------------

BUILDERS: dict[str, Callable[[], Design]] = {
    "identity": build_identity,
    "logging": build_logging,
    "publishing": build_publishing,
    "information-security": build_information_security,
    "central-it": build_central_it,
    "reference-landing-zone": build_reference_landing_zone,
}


def build_all() -> dict[str, Design]:
    """Every template by file stem, freshly built."""
    return {stem: build() for stem, build in BUILDERS.items()}


def write_all(folder: Path = TEMPLATES_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, design in build_all().items():
        path = folder / f"{stem}.json"
        path.write_text(dumps_design(design), encoding="utf-8")
        written.append(path)
    return written


def main() -> int:
    for path in write_all():
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
