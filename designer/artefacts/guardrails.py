"""The service control policies a landing zone starts with, written once for the bundled
templates and the new-design wizard: name, description and document of each guardrail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from designer.artefacts.policy_set import GLOBAL_SERVICES, NOT_PRIVILEGED
from designer.artefacts.protections import (
    CLOUDTRAIL_ACTIONS,
    CONFIG_ACTIONS,
    DETECTIVE_ACTIONS,
    ROLE_CHANGE_ACTIONS,
    stacksets_role_guard,
)
from designer.artefacts.tokens import arn

Document = dict[str, Any]
FULL_AWS_ACCESS = "FullAWSAccess"
# The audit roles of the security account: the guardrails keep them from being changed.
AUDIT_ROLES = ("SecurityAudit", "SecurityReadOnly")


def policy(*statements: dict[str, Any]) -> Document:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def deny(sid: str, actions: str | list[str], **extra: Any) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Deny", "Action": actions, "Resource": "*", **extra}


@dataclass(frozen=True)
class Guardrail:
    name: str
    description: str
    document: Document | None  # None: AWS-managed

    @property
    def aws_managed(self) -> bool:
        return self.document is None


def full_aws_access() -> Guardrail:
    return Guardrail(
        FULL_AWS_ACCESS,
        "AWS-managed policy that allows everything; deny policies restrict it.",
        None,
    )


def organization_guardrails() -> Guardrail:
    return Guardrail(
        "OrganizationGuardrails",
        "Member accounts cannot leave the organization and its guardrails, no RAM share may "
        "include principals outside the organization, and only the StackSets service creates a "
        "role named like its execution role (which the guardrails spare).",
        policy(
            deny("DenyLeaveOrganization", "organizations:LeaveOrganization"),
            deny(
                "DenyExternalRamShares",
                ["ram:CreateResourceShare", "ram:UpdateResourceShare"],
                Condition={"Bool": {"ram:RequestedAllowsExternalPrincipals": "true"}},
            ),
            stacksets_role_guard(),
        ),
    )


def protect_security_services() -> Guardrail:
    return Guardrail(
        "ProtectSecurityServices",
        "Nobody but the privileged automation role can stop or change CloudTrail, AWS Config, "
        "GuardDuty, Security Hub, Access Analyzer, VPC flow logs or the security audit roles.",
        policy(
            deny("ProtectCloudTrail", sorted(CLOUDTRAIL_ACTIONS), Condition=NOT_PRIVILEGED),
            deny("ProtectConfig", sorted(CONFIG_ACTIONS), Condition=NOT_PRIVILEGED),
            deny("ProtectDetectiveControls", list(DETECTIVE_ACTIONS), Condition=NOT_PRIVILEGED),
            {
                **deny("ProtectSecurityRoles", list(ROLE_CHANGE_ACTIONS), Condition=NOT_PRIVILEGED),
                "Resource": [arn("iam", f"role/{name}", account="*") for name in AUDIT_ROLES],
            },
        ),
    )


def deny_root_user() -> Guardrail:
    return Guardrail(
        "DenyRootUser",
        "The root user of member accounts cannot act (including creating access keys).",
        policy(
            deny(
                "DenyRootUser",
                "*",
                Condition={"StringLike": {"aws:PrincipalArn": [arn("iam", "root", account="*")]}},
            )
        ),
    )


def region_restriction(regions: Sequence[str]) -> Guardrail:
    return Guardrail(
        "RegionRestriction",
        "Regional services only in the Regions allowed by the usage policy.",
        policy(
            {
                "Sid": "DenyOutsideAllowedRegions",
                "Effect": "Deny",
                "NotAction": GLOBAL_SERVICES,
                "Resource": "*",
                "Condition": {
                    "StringNotEquals": {"aws:RequestedRegion": list(regions)},
                    **NOT_PRIVILEGED,
                },
            }
        ),
    )


def deny_all_suspended() -> Guardrail:
    return Guardrail(
        "DenyAllSuspended",
        "Suspended accounts can do nothing while they wait to be closed.",
        policy(deny("DenyAll", "*")),
    )


def deny_iam_users(description: str) -> Guardrail:
    return Guardrail(
        "DenyIamUsers",
        description,
        policy(
            deny(
                "DenyIamUsers",
                ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"],
                Condition=NOT_PRIVILEGED,
            )
        ),
    )
