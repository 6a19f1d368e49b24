"""Fixed vocabularies of the domain: account functions, environments, relationship attributes."""

from __future__ import annotations

from enum import StrEnum


class FeatureSet(StrEnum):
    ALL = "ALL"
    CONSOLIDATED_BILLING = "CONSOLIDATED_BILLING"


class AccountFunction(StrEnum):
    MANAGEMENT = "management"
    IDENTITY = "identity"
    LOG_ARCHIVE = "log-archive"
    SECURITY_TOOLING = "security-tooling"
    PUBLISHING = "publishing"
    CENTRAL_IT = "central-it"
    NETWORK = "network"
    WORKLOAD = "workload"
    SANDBOX = "sandbox"
    DEPLOYMENT = "deployment"
    BACKUP = "backup"


FUNCTION_LABELS: dict[AccountFunction, str] = {
    AccountFunction.MANAGEMENT: "Management / payer",
    AccountFunction.IDENTITY: "Identity",
    AccountFunction.LOG_ARCHIVE: "Log archive",
    AccountFunction.SECURITY_TOOLING: "Security tooling (Information Security)",
    AccountFunction.PUBLISHING: "Publishing",
    AccountFunction.CENTRAL_IT: "Central IT / shared services",
    AccountFunction.NETWORK: "Network",
    AccountFunction.WORKLOAD: "Workload",
    AccountFunction.SANDBOX: "Sandbox",
    AccountFunction.DEPLOYMENT: "Deployment",
    AccountFunction.BACKUP: "Backup",
}


class Environment(StrEnum):
    PRODUCTION = "production"
    NON_PRODUCTION = "non-production"
    DEVELOPMENT = "development"
    TEST = "test"
    SANDBOX = "sandbox"
    NONE = "none"


# Environments less protected than production: their owners experiment, so an attacker (or a
# mistake) starts there. One definition for the rules and analyses.
LOWER_ENVIRONMENTS: frozenset[Environment] = frozenset(
    {Environment.SANDBOX, Environment.DEVELOPMENT, Environment.TEST, Environment.NON_PRODUCTION}
)


class DataSensitivity(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    RESTRICTED = "restricted"


SENSITIVITY_ORDER: tuple[DataSensitivity, ...] = tuple(DataSensitivity)  # least sensitive first


class AccountState(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    SUSPENDED = "suspended"


class IdentityProviderKind(StrEnum):
    SAML = "saml"
    OIDC = "oidc"
    DIRECTORY_SERVICE = "directory-service"
    IDENTITY_CENTER = "identity-center"


class DirectoryType(StrEnum):
    MANAGED_MICROSOFT_AD = "managed-microsoft-ad"
    SIMPLE_AD = "simple-ad"
    AD_CONNECTOR = "ad-connector"


class AccessLevel(StrEnum):
    """Ordered from least to most powerful; rules compare positions."""

    READ_ONLY = "read-only"
    SECURITY_AUDIT = "security-audit"
    SERVICE_ADMIN = "service-admin"
    IAM_ADMIN = "iam-admin"
    ADMINISTRATOR = "administrator"
    CUSTOM = "custom"


class PrincipalScope(StrEnum):
    ACCOUNT_ROOT = "account-root"
    ROLE = "role"


class PrincipalType(StrEnum):
    """Who uses a trust or a federation: rules about people (MFA, sign-in through the identity
    account) apply to humans only; a pipeline or a vendor system cannot present an MFA code."""

    HUMAN = "human"
    WORKLOAD = "workload"


class OutsideKind(StrEnum):
    """Principals outside the organization, from the most to the least identifiable."""

    EXTERNAL_ACCOUNT = "external-account"  # one AWS account that is not a member
    PARTNER_ORGANIZATION = "partner-organization"  # every account of another organization
    SERVICE = "service"  # an AWS service principal, e.g. cloudtrail.amazonaws.com
    ANYONE = "anyone"  # the public: "*" without conditions


OUTSIDE_LABELS: dict[OutsideKind, str] = {
    OutsideKind.EXTERNAL_ACCOUNT: "External AWS account",
    OutsideKind.PARTNER_ORGANIZATION: "Partner organization",
    OutsideKind.SERVICE: "AWS service",
    OutsideKind.ANYONE: "Anyone (public)",
}
# The field that identifies each kind of outside principal (the others must stay empty); None:
# nothing to name (anyone at all).
OUTSIDE_IDENTIFIERS: dict[OutsideKind, str | None] = {
    OutsideKind.EXTERNAL_ACCOUNT: "aws_account_id",
    OutsideKind.PARTNER_ORGANIZATION: "organization_id",
    OutsideKind.SERVICE: "service_principal",
    OutsideKind.ANYONE: None,
}


class FederationProtocol(StrEnum):
    SAML = "saml"
    OIDC = "oidc"
    DIRECTORY_SERVICE = "directory-service"
    IDENTITY_CENTER = "identity-center"


# The protocol a federation edge must use for each kind of identity provider.
PROTOCOL_FOR_IDP: dict[IdentityProviderKind, FederationProtocol] = {
    IdentityProviderKind.SAML: FederationProtocol.SAML,
    IdentityProviderKind.OIDC: FederationProtocol.OIDC,
    IdentityProviderKind.DIRECTORY_SERVICE: FederationProtocol.DIRECTORY_SERVICE,
    IdentityProviderKind.IDENTITY_CENTER: FederationProtocol.IDENTITY_CENTER,
}


class LogType(StrEnum):
    CLOUDTRAIL = "cloudtrail"
    CONFIG = "config"
    VPC_FLOW_LOGS = "vpc-flow-logs"
    S3_ACCESS_LOGS = "s3-access-logs"
    CLOUDFRONT = "cloudfront"
    ELB = "elb"
    CLOUDWATCH_LOGS = "cloudwatch-logs"


class ResourceType(StrEnum):
    AMI = "ami"
    EBS_SNAPSHOT = "ebs-snapshot"
    SERVICE_CATALOG_PORTFOLIO = "service-catalog-portfolio"
    CLOUDFORMATION_TEMPLATE = "cloudformation-template"
    RAM_SHARE = "ram-share"


class ObjectLockMode(StrEnum):
    GOVERNANCE = "GOVERNANCE"
    COMPLIANCE = "COMPLIANCE"


class LogRequirement(StrEnum):
    """What the usage policy asks of one OU's logs."""

    REQUIRED = "required"  # every account in it delivers CloudTrail and Config centrally
    EXEMPT = "exempt"  # accepted: e.g. a Suspended OU whose closed accounts log nothing


class Unread(StrEnum):
    """A fact the import could not read (access denied, an API error): unknown, not absent.

    Rules that would judge it stay silent, diff never calls it missing, the canvas draws it as
    unknown. Each entity kind takes its own subset (UNREAD_OF)."""

    # an account
    CONTENTS = "contents"  # nothing inside it was read (no role into it, suspended)
    IAM = "iam"  # roles, identity providers
    ROOT_USER = "root-user"  # IAM user count, root MFA (the account summary)
    CLOUDTRAIL = "cloudtrail"
    CONFIG = "config"
    BUCKETS = "buckets"  # which buckets it owns
    SHARES = "shares"  # AMIs, snapshots, RAM shares, Service Catalog portfolios
    # a log bucket
    VERSIONING = "versioning"
    OBJECT_LOCK = "object-lock"
    ENCRYPTION = "encryption"
    ACCESS_LOGGING = "access-logging"
    BUCKET_POLICY = "bucket-policy"
    # the organization
    DELEGATED_ADMINISTRATORS = "delegated-administrators"
    TAGS = "tags"  # account tags (environment, owner, function)


UNREAD_OF: dict[str, frozenset[Unread]] = {
    "account": frozenset(
        {
            Unread.CONTENTS,
            Unread.IAM,
            Unread.ROOT_USER,
            Unread.CLOUDTRAIL,
            Unread.CONFIG,
            Unread.BUCKETS,
            Unread.SHARES,
            Unread.TAGS,
        }
    ),
    "log-bucket": frozenset(
        {
            Unread.VERSIONING,
            Unread.OBJECT_LOCK,
            Unread.ENCRYPTION,
            Unread.ACCESS_LOGGING,
            Unread.BUCKET_POLICY,
        }
    ),
    "organization": frozenset({Unread.DELEGATED_ADMINISTRATORS}),
}


UNREAD_WORDS: dict[Unread, str] = {
    Unread.CONTENTS: "anything inside it",
    Unread.IAM: "IAM roles and identity providers",
    Unread.ROOT_USER: "IAM users and root MFA",
    Unread.CLOUDTRAIL: "CloudTrail trails",
    Unread.CONFIG: "Config delivery",
    Unread.BUCKETS: "its buckets",
    Unread.SHARES: "what it shares",
    Unread.TAGS: "its tags",
    Unread.VERSIONING: "versioning",
    Unread.OBJECT_LOCK: "Object Lock",
    Unread.ENCRYPTION: "encryption",
    Unread.ACCESS_LOGGING: "access logging",
    Unread.BUCKET_POLICY: "the bucket policy",
    Unread.DELEGATED_ADMINISTRATORS: "delegated administrators",
}


def unread_text(facts: list[Unread]) -> str:
    """ "Not read by the import: CloudTrail trails, Config delivery" ("" when all was read)."""
    if not facts:
        return ""
    return "Not read by the import: " + ", ".join(UNREAD_WORDS[f] for f in facts)


class Structure(StrEnum):
    """The parts of a multi-account design the whitepaper and AWS guidance describe; a design
    may say it covers only some (a template of one structure), and findings about the others
    are then outside its scope."""

    ORGANIZATION = "organization"  # OUs, the management account, inventory and isolation
    GUARDRAILS = "guardrails"  # service control policies
    IDENTITY = "identity"  # identity account, federation, cross-account roles
    LOGGING = "logging"  # log archive, trails, Config, log buckets
    SECURITY = "security"  # Information Security: audit access, delegated security services
    PUBLISHING = "publishing"  # shared AMIs, snapshots, portfolios, RAM


STRUCTURE_LABELS: dict[Structure, str] = {
    Structure.ORGANIZATION: "Organization (OUs, management account, inventory)",
    Structure.GUARDRAILS: "Guardrails (service control policies)",
    Structure.IDENTITY: "Identity account structure",
    Structure.LOGGING: "Logging account structure",
    Structure.SECURITY: "Information Security (audit, security services)",
    Structure.PUBLISHING: "Publishing account structure",
}
