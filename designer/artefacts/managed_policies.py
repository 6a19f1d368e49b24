"""The AWS managed policies a trust's access level grants: the one table every export format
and the plan use, so the JSON policies and the CloudFormation roles grant the same policies.

Names only: ARNs are written with designer.artefacts.tokens.managed_policy (partition token).
"""

from __future__ import annotations

from typing import Final

from designer.model.vocabulary import AccessLevel

# Access level -> AWS managed policy of a role the organization's own people or roles assume.
LEVEL_POLICIES: Final[dict[AccessLevel, str]] = {
    AccessLevel.READ_ONLY: "ReadOnlyAccess",
    AccessLevel.SECURITY_AUDIT: "SecurityAudit",
    AccessLevel.IAM_ADMIN: "IAMFullAccess",
    AccessLevel.ADMINISTRATOR: "AdministratorAccess",
}
# Least privilege for a principal outside the organization (a vendor, an auditor): ReadOnlyAccess
# reads data (S3 objects, DynamoDB items, SSM parameters, log events); the job-function policy
# ViewOnlyAccess lists and describes resources without reading their content (IAM User Guide,
# "AWS managed policies for job functions"). Other levels keep the table above.
OUTSIDE_LEVEL_POLICIES: Final[dict[AccessLevel, str]] = {
    AccessLevel.READ_ONLY: "job-function/ViewOnlyAccess",
}
# AWS managed full-access policies of well-known services (IAM service prefix -> policy name) for
# service-admin roles; other services get an inline "<service>:*" statement.
SERVICE_FULL_ACCESS: Final[dict[str, str]] = {
    "athena": "AmazonAthenaFullAccess",
    "backup": "AWSBackupFullAccess",
    "cloudformation": "AWSCloudFormationFullAccess",
    "cloudfront": "CloudFrontFullAccess",
    "cloudtrail": "AWSCloudTrail_FullAccess",
    "dynamodb": "AmazonDynamoDBFullAccess",
    "ec2": "AmazonEC2FullAccess",
    "ecr": "AmazonEC2ContainerRegistryFullAccess",
    "ecs": "AmazonECS_FullAccess",
    "elasticache": "AmazonElastiCacheFullAccess",
    "guardduty": "AmazonGuardDutyFullAccess",
    "iam": "IAMFullAccess",
    "kinesis": "AmazonKinesisFullAccess",
    "lambda": "AWSLambda_FullAccess",
    "logs": "CloudWatchLogsFullAccess",
    "rds": "AmazonRDSFullAccess",
    "redshift": "AmazonRedshiftFullAccess",
    "route53": "AmazonRoute53FullAccess",
    "s3": "AmazonS3FullAccess",
    "sagemaker": "AmazonSageMakerFullAccess",
    "securityhub": "AWSSecurityHubFullAccess",
    "sns": "AmazonSNSFullAccess",
    "sqs": "AmazonSQSFullAccess",
    "ssm": "AmazonSSMFullAccess",
    "vpc": "AmazonVPCFullAccess",
}


def level_policy(level: AccessLevel, outside: bool) -> str | None:
    """The managed policy name of an access level (None for service-admin and custom)."""
    if outside and level in OUTSIDE_LEVEL_POLICIES:
        return OUTSIDE_LEVEL_POLICIES[level]
    return LEVEL_POLICIES.get(level)


def permission_set_policy(name: str) -> str | None:
    """The AWS managed policy an IAM Identity Center permission set named like one is taken to
    grant ("ViewOnlyAccess" is the job-function policy), None if its name is no such policy."""
    if name in ("ViewOnlyAccess", "DatabaseAdministrator"):
        return f"job-function/{name}"
    known = {*LEVEL_POLICIES.values(), *SERVICE_FULL_ACCESS.values(), "PowerUserAccess"}
    return name if name in known else None
