"""What a service control policy protects: the reading of SCP statements shared by the SCP rules
(is a protection in force?) and the SCP builder (which guardrails are still missing?).

One table per protection: the rules check for these actions and the generated guardrails deny
exactly these actions, so the two can never disagree.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from designer.artefacts.policy_documents import (
    as_list,
    denies_everything,
    denying_statements,
    has_condition_key,
    resources,
    statements,
)
from designer.artefacts.tokens import PARTITION, PARTITIONS

Statement = dict[str, Any]
Document = dict[str, Any] | None

PRIVILEGED_ROLE_KEY = "aws:PrincipalArn"
REGION_KEY = "aws:RequestedRegion"
REGION_OPERATORS = frozenset({"stringnotequals", "stringnotequalsifexists"})
ROOT_OPERATORS = frozenset({"arnlike", "arnequals", "stringlike"})
EXCEPTION_OPERATORS = frozenset(
    {"arnnotlike", "arnnotequals", "stringnotlike", "stringnotequals", "stringnotequalsignorecase"}
)
SAMPLE_ROOT_ARN = "arn:aws:iam::123456789012:root"
# Values an exception must not match: it would spare everyone instead of a privileged few.
SAMPLE_ROLE_ARN = "arn:aws:iam::123456789012:role/any-role-name"
SAMPLE_SSO_ROLE_ARN = (
    "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/"
    "AWSReservedSSO_AnyPermissionSet_0123456789abcdef"
)
SAMPLE_TAG_VALUE = "any-value-at-all"
SAMPLE_KEY_REGION = "us-east-1"
SAMPLE_KEY_ID = "0123abcd-4567-89ef-0123-456789abcdef"
KEY_ARN = re.compile(r"^arn:aws:kms:([^:]*):(.*):key/([^/]*)$")
ORGANIZATION_ACCESS_ROLE = "OrganizationAccountAccessRole"
# What changes a role: its trust, its permissions, its permissions boundary, its session length,
# its tags (an aws:PrincipalTag exception would follow them) or its existence. The actions of
# Control Tower's AWS-GR_IAM_ROLE_CHANGE_PROHIBITED and of the Organizations example "Prevent
# modification of specific IAM roles" (permissions-boundary actions included), plus the tags.
ROLE_CHANGE_ACTIONS = (
    "iam:AttachRolePolicy",
    "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
)
# The log archive's buckets and keys: Control Tower's audit-bucket controls
# (AWS-GR_AUDIT_BUCKET_DELETION_PROHIBITED, AWS-GR_CT_AUDIT_BUCKET_POLICY_CHANGES_PROHIBITED,
# ..._ENCRYPTION_CHANGES_PROHIBITED, ..._LIFECYCLE_CONFIGURATION_CHANGES_PROHIBITED,
# ..._LOGGING_CONFIGURATION_CHANGES_PROHIBITED), plus what would undo versioning, Object Lock
# or Block Public Access; and what would make the key unusable or hand it to someone else.
LOG_BUCKET_ACTIONS = (
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketLogging",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketVersioning",
    "s3:PutEncryptionConfiguration",
    "s3:PutLifecycleConfiguration",
)
LOG_KEY_ACTIONS = (
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
)


# -- reading statements -------------------------------------------------------------------------
def any_partition(pattern: str) -> str:
    """An ARN pattern with its partition spelt "aws", so that the sample ARNs (all "aws") match
    documents written for any partition: "arn:aws-us-gov:...", "arn:${AWS::Partition}:..."."""
    head, colon, rest = pattern.partition(":")
    if head.lower() != "arn" or not colon:
        return pattern
    for partition in (PARTITION, *PARTITIONS):  # the token first: it holds a colon itself
        if rest.startswith(f"{partition}:"):
            return f"{head}:aws:{rest.removeprefix(partition + ':')}"
    return pattern


def partitionless(node: Any) -> Any:
    """A document with every ARN in the "aws" partition: two SCPs that differ only in the
    partition they are written for (or its token) compare equal."""
    if isinstance(node, str):
        return any_partition(node)
    if isinstance(node, list):
        return [partitionless(v) for v in node]
    if isinstance(node, dict):
        return {k: partitionless(v) for k, v in node.items()}
    return node


def arn_matches(arn: str, pattern: str) -> bool:
    """`arn` (a sample, "aws" partition) matches the ARN pattern of a document."""
    return fnmatch.fnmatchcase(arn, any_partition(pattern))


MALFORMED = ("malformed", {"?": None})  # matches no known shape, so nothing is credited


def condition_blocks(statement: Statement) -> Iterator[tuple[str, dict[str, Any]]]:
    conditions = statement.get("Condition")
    if conditions is None:
        return
    if not isinstance(conditions, dict):
        yield MALFORMED
        return
    for operator, block in conditions.items():
        yield (operator.lower(), block) if isinstance(block, dict) else MALFORMED


def block_values(block: dict[str, Any], key: str) -> list[str] | None:
    """The values of `key` in one condition block (keys compare case-insensitively)."""
    for name, value in block.items():
        if name.lower() == key.lower():
            return as_list(value)
    return None


def is_exception(operator: str, block: dict[str, Any]) -> bool:
    """A condition that only spares named privileged principals (ArnNotLike aws:PrincipalArn).

    Anything else narrows the Deny: to some Regions, to sessions without MFA, to principals
    outside the organization... A pattern that spares every role is no exception either.
    """
    if operator.removesuffix("ifexists") not in EXCEPTION_OPERATORS:
        return False
    for key, value in block.items():
        name, patterns = key.lower(), as_list(value)
        if not patterns:
            return False
        samples: tuple[str, ...]
        if name == PRIVILEGED_ROLE_KEY.lower():
            samples = (SAMPLE_ROLE_ARN, SAMPLE_SSO_ROLE_ARN)
        elif name.startswith("aws:principaltag/"):
            samples = (SAMPLE_TAG_VALUE,)
        else:
            return False
        if any(arn_matches(sample, p) for p in patterns for sample in samples):
            return False  # spares every role, every Identity Center user or every tag value
    return True


def scoped(statement: Statement) -> bool:
    """A Deny that is not a protection for every principal but named privileged exceptions."""
    if "NotResource" in statement:
        return True
    return not all(is_exception(op, block) for op, block in condition_blocks(statement))


def has_exception(statement: Statement) -> bool:
    return any(is_exception(op, block) for op, block in condition_blocks(statement))


def protecting(document: Document, *actions: str) -> list[Statement]:
    """Deny statements that protect any of `actions` for every principal but exceptions."""
    found: list[Statement] = []
    for action in actions:
        for statement in denying_statements(document, action):
            if not scoped(statement) and not any(s is statement for s in found):
                found.append(statement)
    return found


def covers_all_actions(statement: Statement) -> bool:
    """Action "*", or a NotAction that leaves out only some actions."""
    if "NotAction" in statement:
        return "*" not in as_list(statement["NotAction"])
    return "*" in as_list(statement.get("Action"))


def region_list(statement: Statement) -> list[str] | None:
    """The allowed Regions of a region-restriction Deny (StringNotEquals aws:RequestedRegion)."""
    if statement.get("Effect") != "Deny" or not covers_all_actions(statement):
        return None
    for operator, block in condition_blocks(statement):
        if operator in REGION_OPERATORS:
            regions = block_values(block, REGION_KEY)
            if regions is not None:
                return regions
    return None


def restricts_root(statement: Statement) -> bool:
    """Deny of every action to the root user: ArnLike aws:PrincipalArn arn:aws:iam::*:root."""
    if statement.get("Effect") != "Deny":
        return False
    if denies_everything(statement):
        return True
    if not covers_all_actions(statement) or "NotResource" in statement:
        return False  # denying the root user a few actions leaves it everything else
    if "*" not in resources(statement):
        return False
    blocks = list(condition_blocks(statement))
    root_blocks = [b for b in blocks if names_root(*b)]
    others = [b for b in blocks if not names_root(*b)]
    return bool(root_blocks) and all(is_exception(op, block) for op, block in others)


def names_root(operator: str, block: dict[str, Any]) -> bool:
    if operator.removesuffix("ifexists") not in ROOT_OPERATORS:
        return False
    if [k.lower() for k in block] != [PRIVILEGED_ROLE_KEY.lower()]:
        return False
    patterns = as_list(next(iter(block.values())))
    return any(arn_matches(SAMPLE_ROOT_ARN, p) for p in patterns)


# -- protections: "every member account has an SCP that denies X" ------------------------------
@dataclass(frozen=True)
class Protection:
    label: str
    provided_by: Callable[[Document], bool]


def denial(*alternatives: str, condition: str | None = None) -> Protection:
    """Denying any one of the alternative action names (old and new API names) suffices."""

    def provided_by(document: Document) -> bool:
        found = [s for s in protecting(document, *alternatives) if "*" in resources(s)]
        return any(condition is None or has_condition_key(s, condition) for s in found)

    label = alternatives[0] + (f" with a {condition} condition" if condition else "")
    return Protection(label, provided_by)


LEAVE_ORGANIZATION = (denial("organizations:LeaveOrganization"),)
CLOUDTRAIL_ACTIONS = (
    "cloudtrail:DeleteTrail",
    "cloudtrail:StopLogging",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
)
# Stopping, deleting or re-pointing the recorder, the delivery channel, the retention, the rules
# or the aggregator (Control Tower's AWS-GR_CONFIG_CHANGE_PROHIBITED and
# AWS-GR_CONFIG_RULE_CHANGE_PROHIBITED): a Put can aim the recorder at nothing or the channel at
# another bucket as surely as a Delete removes them.
CONFIG_ACTIONS = (
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
    "config:DeleteConfigurationAggregator",
    "config:PutConfigurationRecorder",
    "config:PutDeliveryChannel",
    "config:PutRetentionConfiguration",
    "config:DeleteRetentionConfiguration",
    "config:DeleteConfigRule",
)
DETECTIVE_ACTIONS = (
    "access-analyzer:DeleteAnalyzer",
    "ec2:DeleteFlowLogs",
    "guardduty:DeleteDetector",
    "guardduty:DisassociateFromAdministratorAccount",
    "guardduty:UpdateDetector",
    "securityhub:DisableSecurityHub",
    "securityhub:DisassociateFromAdministratorAccount",
)
# Older names of the same API actions: denying either counts.
FORMER_NAMES = {
    "guardduty:DisassociateFromAdministratorAccount": ("guardduty:DisassociateFromMasterAccount",),
    "securityhub:DisassociateFromAdministratorAccount": (
        "securityhub:DisassociateFromMasterAccount",
    ),
}
DETECTIVE_CONTROLS = tuple(denial(a, *FORMER_NAMES.get(a, ())) for a in DETECTIVE_ACTIONS)
REGION_RESTRICTION = Protection(
    f"requests outside the allowed Regions ({REGION_KEY})",
    lambda document: any(
        denies_everything(s) or region_list(s) is not None for s in statements(document)
    ),
)
ROOT_RESTRICTION = Protection(
    "actions of the root user (aws:PrincipalArn arn:aws:iam::*:root)",
    lambda document: any(restricts_root(s) for s in statements(document)),
)
EXTERNAL_KEY = "ram:RequestedAllowsExternalPrincipals"


def denies_external_shares(document: Document) -> bool:
    """A Deny of creating shares that allow outside principals (or of creating any share)."""
    for statement in denying_statements(document, "ram:CreateResourceShare"):
        if "NotResource" in statement or "*" not in resources(statement):
            continue
        blocks = list(condition_blocks(statement))
        external = [b for b in blocks if block_values(b[1], EXTERNAL_KEY) is not None]
        others = [b for b in blocks if block_values(b[1], EXTERNAL_KEY) is None]
        if all(only_external_true(*b) for b in external) and all(is_exception(*b) for b in others):
            return True
    return False


def only_external_true(operator: str, block: dict[str, Any]) -> bool:
    """Bool (or StringEquals) ram:RequestedAllowsExternalPrincipals "true", nothing else."""
    return (
        operator in ("bool", "stringequals")
        and len(block) == 1
        and [v.lower() for v in (block_values(block, EXTERNAL_KEY) or [])] == ["true"]
    )


EXTERNAL_SHARES = (
    Protection(f"ram:CreateResourceShare with a {EXTERNAL_KEY} condition", denies_external_shares),
)


def guards(document: Document, actions: tuple[str, ...]) -> list[tuple[str, str]]:
    """(action, resource pattern) for each of `actions` a statement of the document protects."""
    return [
        (action, pattern)
        for action in actions
        for s in protecting(document, action)
        if "NotResource" not in s
        for pattern in resources(s)
    ]


def role_guards(document: Document) -> list[tuple[str, str]]:
    """What stops roles from being changed: (role-changing action, role ARN pattern)."""
    return guards(document, ROLE_CHANGE_ACTIONS)


def log_guards(document: Document) -> list[tuple[str, str]]:
    """What stops log buckets and keys from being changed: (action, resource pattern)."""
    return guards(document, LOG_BUCKET_ACTIONS + LOG_KEY_ACTIONS)


def unguarded(arn: str, actions: tuple[str, ...], found: Iterable[tuple[str, str]]) -> list[str]:
    """The `actions` on `arn` (a sample ARN, "aws" partition) that no guard denies."""
    patterns: dict[str, list[str]] = {}
    for action, pattern in found:
        patterns.setdefault(action, []).append(pattern)
    return [a for a in actions if not any(arn_matches(arn, p) for p in patterns.get(a, ()))]


def sample_arn(arn: str) -> str:
    """A resource ARN as the rules match it: "aws" partition, a sample key id for "key/*"."""
    arn = any_partition(arn)
    key = KEY_ARN.match(arn)  # the account may be a placeholder with a colon in it
    if key is None:
        return arn
    region, account, key_id = key.groups()
    region = SAMPLE_KEY_REGION if "*" in region else region
    return f"arn:aws:kms:{region}:{account}:key/{SAMPLE_KEY_ID if '*' in key_id else key_id}"


# -- the StackSets execution role ---------------------------------------------------------------
# Service-managed StackSets name their execution role stacksets-exec-<random> in every target
# account, so guardrail exceptions spare it by pattern; an account administrator could create a
# role of that name too (and be spared), unless an SCP denies that to all but the StackSets
# service-linked role, which alone creates it (customers cannot create service-linked roles).
STACKSETS_ROLE = "stacksets-exec-*"
STACKSETS_ROLE_ACTIONS = ("iam:CreateRole", "iam:UpdateAssumeRolePolicy")
STACKSETS_CREATOR = "role/aws-service-role/"
STACKSETS_SERVICE_ROLE = f"{STACKSETS_CREATOR}member.org.stacksets.cloudformation.amazonaws.com/*"
SAMPLE_STACKSETS_ROLE = "arn:aws:iam::123456789012:role/stacksets-exec-0123abcd"
_SPARING = frozenset({"arnnotlike", "arnnotequals", "stringnotlike", "stringnotequals"})


def stacksets_role_guard() -> Statement:
    """The Deny that keeps everyone but the StackSets service from creating a role named like
    its execution role or re-pointing that role's trust."""
    return {
        "Sid": "OnlyStackSetsCreatesItsRole",
        "Effect": "Deny",
        "Action": list(STACKSETS_ROLE_ACTIONS),
        "Resource": f"arn:{PARTITION}:iam::*:role/{STACKSETS_ROLE}",
        "Condition": {
            "ArnNotLike": {PRIVILEGED_ROLE_KEY: f"arn:{PARTITION}:iam::*:{STACKSETS_SERVICE_ROLE}"}
        },
    }


def guards_stacksets_role(document: Document) -> bool:
    """A Deny of iam:CreateRole on the StackSets execution role's name to everyone but
    service-linked roles."""
    return any(_guards_stacksets_role(s) for s in denying_statements(document, "iam:CreateRole"))


def _guards_stacksets_role(statement: Statement) -> bool:
    if "NotResource" in statement:
        return False
    if not any(arn_matches(SAMPLE_STACKSETS_ROLE, r) for r in resources(statement)):
        return False
    for operator, block in condition_blocks(statement):
        base = operator.lower().rsplit(":", 1)[-1].removesuffix("ifexists")
        if base not in _SPARING:
            return False  # the Deny is narrowed by something else than sparing the service
        for key, value in block.items():
            patterns = as_list(value)
            if key.lower() != PRIVILEGED_ROLE_KEY.lower() or not patterns:
                return False
            if not all(STACKSETS_CREATOR in any_partition(p) for p in patterns):
                return False  # spares a role a customer could create
    return True
