"""Passages of the AWS whitepaper "AWS Multiple Account Security Strategy" and the AWS guidance
the wizard and the bundled templates rely on: quoted once here, cited everywhere else."""

from __future__ import annotations

WHITEPAPER = 'From the AWS whitepaper "AWS Multiple Account Security Strategy":'
PAPER = "AWS Multiple Account Security Strategy"

# Section titles, as the whitepaper names them.
S_GENERAL = "General Best Practices"
S_MULTIPLE = "When to Create Multiple Accounts"
S_SECURITY = "When to Create a Security Account Structure"
S_IDENTITY = "Identity Account Structure"
S_LOGGING = "Logging Account Structure"
S_PUBLISHING = "Publishing Account Structure"
S_HYBRID = "Hybrid AWS Security Account Structures"
S_INFOSEC = "Information Security Account"
S_CENTRAL_IT = "Central IT Account"


Q_IDENTITY = (
    "This account structure is ideal for organizations who want to create and manage all their "
    "users in a single account and enable user and group access to resources in other accounts."
)
Q_IDENTITY_FEDERATION = (
    "Customers can use IAM to store and manage user identities for an identity account, or they "
    "can federate users from a different centralized directory."
)
Q_IDENTITY_ROLES = (
    "Some commonly used roles in this pattern include granting permissions for read-only access "
    "(for compliance or security organizations), IAM administration, or specific AWS service "
    "administration."
)
Q_LOGGING = (
    "This account structure is ideal for organizations who want to centrally store, secure, and "
    "process AWS log and configuration data."
)
Q_LOGGING_PROTECT = (
    "This design allows the parent account to centrally store, protect (for example, using the S3 "
    "MFA Delete or Amazon Glacier Vault Lock features), and analyze sensitive log files "
    "independently from each associated account."
)
Q_PUBLISHING = (
    "This account structure is ideal for customers who want to centrally manage preapproved "
    "server images and AWS CloudFormation templates across their organization."
)
Q_PUBLISHING_SHARE = (
    "This model leverages cross-account resource sharing to share AMIs and AWS Service Catalog "
    "portfolios created in a parent account with one or more associated accounts."
)
Q_PUBLISHING_EBS = (
    "Likewise, organizations can share EC2 AMIs and Amazon Elastic Block Store (Amazon EBS) "
    "volumes in order to centrally manage the creation and distribution of approved server "
    "images to multiple accounts."
)
Q_INFOSEC = (
    "Dedicated Information Security accounts assume the responsibility for collecting and "
    "analyzing security-related data, running compliance scripts, configuring security services "
    "(such as CloudTrail and AWS Config), or manage IAM access across other AWS accounts."
)
Q_INFOSEC_BUCKET = (
    "For example, an Information Security account can host an S3 bucket for AWS account logs and "
    "can be granted permission to configure AWS logging services in associated BU accounts to "
    "send log data to this bucket."
)
Q_CENTRAL_IT = (
    "They are used to host identity repositories (either a single AWS IAM repository, AWS "
    "Directory Service, or a self-managed user repository), federate user access, centrally "
    "manage shared AMIs, Amazon EBS snapshots, or AWS Service Catalog portfolios, and provide "
    "centralized DNS, logging, configuration management, or software development services."
)
Q_CENTRAL_IT_USERS = (
    "Alternatively, a central IT account can contain IAM users and groups who leverage "
    "cross-account roles to access associated accounts, as well as centrally managed AMIs and "
    "AWS Service Catalog portfolios that are published to other accounts through cross-account "
    "permissions."
)
Q_HYBRID = (
    "In fact, when separating different account-related concerns (such as billing, security log "
    "processing, compliance monitoring, or shared IT services) across multiple accounts, multiple "
    "hierarchies are often more desirable than a single hierarchy. Whatever the structure, ensure "
    "that account relationships are well documented and well understood."
)
Q_BILLING = (
    "AWS customers with multiple AWS accounts often leverage Consolidated Billing, and it can be "
    "tempting to use the Consolidated Billing account for security activities such as centralized "
    "IAM administration or storing log files for payee accounts. However, most customers "
    "eventually choose to create separate security account hierarchies."
)


# --- the questions (verbatim) and what the whitepaper says about them ---------------------------

Q_ADMIN_ISOLATION = "Does the business require administrative isolation between workloads?"
Q_ADMIN_ISOLATION_WHY = (
    "Administrative isolation by account provides the most straightforward approach for granting "
    "independent administrative groups different levels of administrative control over AWS "
    "resources based on the workload, development lifecycle, business unit (BU), or data "
    "sensitivity."
)
Q_VISIBILITY = "Does the business require limited visibility and discoverability of workloads?"
Q_VISIBILITY_WHY = (
    "Accounts provide a natural boundary for visibility and discoverability. Workloads cannot be "
    "accessed or viewed unless an administrator of the account enables access to users managed "
    "in another account."
)
Q_BLAST_RADIUS = "Does the business require isolation to minimize blast radius?"
Q_BLAST_RADIUS_WHY = (
    "Blast-radius isolation by account provides a mechanism for limiting the impact of a critical "
    "event such as a security breach, if a region or Availability Zone becomes unavailable, "
    "account suspensions, etc. Separate accounts help define boundaries and provide natural "
    "blast-radius isolation."
)
Q_RECOVERY = "Does the business require strong isolation of recovery and/or auditing data?"
Q_RECOVERY_WHY = (
    "Businesses that are required to control access and visibility to auditing data due to "
    "regulatory requirements can isolate their recovery data and/or auditing data in an account "
    "separate from where they run their workloads (e.g., writing CloudTrail logs to a different "
    "account)."
)
Q_CENTRAL_IDENTITIES = (
    "Do you want to manage AWS user identities in one account and federate access to other "
    "accounts?"
)
Q_CENTRAL_LOGGING = (
    "Do you want to centrally store, secure, analyze, and report on AWS generated log data from "
    "services such as AWS CloudTrail, AWS Config, Amazon S3, Amazon CloudFront, Elastic Load "
    "Balancing, or Amazon VPC Flow Logs?"
)
Q_BASELINES = (
    "Do you want to empower security and compliance organizations to apply security baselines "
    "and monitor security compliance across multiple AWS accounts?"
)
Q_CENTRAL_PUBLISHING = (
    "Do you want to centrally manage approved Amazon Elastic Compute Cloud (Amazon EC2), Amazon "
    "Machine Images (AMIs), or AWS Service Catalog portfolios and products?"
)
Q_OVER_ENGINEER = (
    "Therefore, when considering a security strategy for multiple accounts, do not over-engineer "
    "your initial account structure in an attempt to create a perfect, immutable set of AWS "
    "accounts. Instead, determine the different ways your organization will use AWS accounts, "
    "and take an iterative approach to structuring and securing them."
)
Q_USAGE_POLICY = (
    "An AWS usage policy should include an organization's minimal security baseline requirements "
    "for the different ways they will use AWS, such as which services are approved for use or "
    "what security or encryption features must be enabled."
)
Q_SECURITY_STRUCTURE = (
    "Creating a security relationship between accounts makes it easier for organizations to "
    "assess the security of AWS-based deployments, centralize security monitoring and "
    "management, manage identity and access, and provide audit and compliance monitoring "
    "services."
)

# Every passage quoted by a template or the wizard, for tests that check the quotes.
WHITEPAPER_QUOTES: tuple[str, ...] = (
    Q_IDENTITY,
    Q_IDENTITY_FEDERATION,
    Q_IDENTITY_ROLES,
    Q_LOGGING,
    Q_LOGGING_PROTECT,
    Q_PUBLISHING,
    Q_PUBLISHING_SHARE,
    Q_PUBLISHING_EBS,
    Q_INFOSEC,
    Q_INFOSEC_BUCKET,
    Q_CENTRAL_IT,
    Q_CENTRAL_IT_USERS,
    Q_HYBRID,
    Q_BILLING,
    Q_ADMIN_ISOLATION,
    Q_ADMIN_ISOLATION_WHY,
    Q_VISIBILITY,
    Q_VISIBILITY_WHY,
    Q_BLAST_RADIUS,
    Q_BLAST_RADIUS_WHY,
    Q_RECOVERY,
    Q_RECOVERY_WHY,
    Q_CENTRAL_IDENTITIES,
    Q_CENTRAL_LOGGING,
    Q_BASELINES,
    Q_CENTRAL_PUBLISHING,
    Q_OVER_ENGINEER,
    Q_USAGE_POLICY,
    Q_SECURITY_STRUCTURE,
)


def cite(section: str, quote: str) -> str:
    """A source line: the whitepaper section and the passage, quoted."""
    return f'{PAPER}, "{section}": "{quote}"'


# --- AWS guidance the structure relies on (title and address) -----------------------------------

AWS_OUS = (
    "Organizing Your AWS Environment Using Multiple Accounts, recommended OUs "
    "(https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/"
    "recommended-ous-and-accounts.html)"
)
AWS_SRA = (
    "AWS Security Reference Architecture, Security OU: Log Archive and Security Tooling accounts "
    "(https://docs.aws.amazon.com/prescriptive-guidance/latest/security-reference-architecture/"
    "security-ou.html)"
)
AWS_MANAGEMENT = (
    "AWS Organizations, best practices for the management account "
    "(https://docs.aws.amazon.com/organizations/latest/userguide/"
    "orgs_best-practices_mgmt-acct.html)"
)
AWS_ORG_TRAIL = (
    "AWS CloudTrail, creating a trail for an organization "
    "(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html)"
)
AWS_OBJECT_LOCK = (
    "Amazon S3 Object Lock, retention modes "
    "(https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html)"
)
AWS_SCP_EXAMPLES = (
    "AWS Organizations, example service control policies "
    "(https://docs.aws.amazon.com/organizations/latest/userguide/"
    "orgs_manage_policies_scps_examples.html)"
)
AWS_DELEGATED_ADMIN = (
    "AWS Organizations, services that work with Organizations (delegated administrator) "
    "(https://docs.aws.amazon.com/organizations/latest/userguide/"
    "orgs_integrate_services_list.html)"
)
AWS_IDENTITY_CENTER = (
    "IAM Identity Center, delegated administration "
    "(https://docs.aws.amazon.com/singlesignon/latest/userguide/delegated-admin.html)"
)
AWS_BACKUP = (
    "AWS Backup, cross-account backup "
    "(https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html)"
)
AWS_EXTERNAL_ID = (
    "IAM, access for third parties with an external id "
    "(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html)"
)
AWS_PORTFOLIO_SHARING = (
    "AWS Service Catalog, sharing portfolios with AWS Organizations "
    "(https://docs.aws.amazon.com/servicecatalog/latest/adminguide/catalogs_portfolios_sharing"
    ".html)"
)
AWS_AMI_SHARING = (
    "Amazon EC2, sharing AMIs with organizations and OUs "
    "(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/share-amis-with-organizations-and-OUs"
    ".html)"
)
