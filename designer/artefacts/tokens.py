"""Values an artefact names before it is deployed, spelt once in the documents and filled in by
each export format.

The builders write every ARN with the partition token ("arn:${AWS::Partition}:iam::..."), and
values the design does not know yet as placeholders: "${AccountId:<account name>}",
"${AccountId}" (each account a StackSet reaches), "${OrganizationId}", "${HomeRegion}",
"${RootId}", "${OuId:<OU path>}". The plain-JSON form replaces the partition token with the
partition chosen at export (aws by default) and leaves the placeholders for the deployer; the
CloudFormation form turns each into a pseudo parameter or a template Parameter (Fn::Sub).
"""

from __future__ import annotations

import re
from typing import Any, Final

from designer.model.errors import DesignError

PARTITION: Final = "${AWS::Partition}"
PARTITIONS: Final = ("aws", "aws-us-gov", "aws-cn")
TOKEN: Final = re.compile(r"\$\{([^}]*)\}")

# The SAML sign-in endpoint (the "SAML:aud" of a SAML trust) differs per partition.
SAML_AUDIENCE: Final[dict[str, str]] = {
    "aws": "https://signin.aws.amazon.com/saml",
    "aws-us-gov": "https://signin.amazonaws-us-gov.com/saml",
    "aws-cn": "https://signin.amazonaws.cn/saml",
}
# A SAML trust's audience in a document: the plain form writes SAML_AUDIENCE[partition], the
# CloudFormation form looks it up by AWS::Partition (Fn::FindInMap).
SAML_AUDIENCE_TOKEN: Final = "${SamlAudience}"


def arn(service: str, resource: str, account: str = "", region: str = "") -> str:
    """An ARN in whatever partition the design is deployed to."""
    return f"arn:{PARTITION}:{service}:{region}:{account}:{resource}"


def managed_policy(name: str) -> str:
    """The ARN of an AWS managed policy."""
    return arn("iam", f"policy/{name}", account="aws")


def check_partition(partition: str) -> str:
    if partition not in PARTITIONS:
        raise DesignError(f"unknown partition {partition!r}: choose one of {', '.join(PARTITIONS)}")
    return partition


def plain(node: Any, partition: str = "aws") -> Any:
    """The document as the plain-JSON export writes it: the partition filled in."""
    if isinstance(node, str):
        if node == SAML_AUDIENCE_TOKEN:
            return SAML_AUDIENCE[partition]
        return node.replace(PARTITION, partition) if PARTITION in node else node
    if isinstance(node, list):
        return [plain(v, partition) for v in node]
    if isinstance(node, dict):
        return {k: plain(v, partition) for k, v in node.items()}
    return node
