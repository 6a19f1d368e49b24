"""Why a checkov check fails on a generated template, when failing it is the design's intent.

checkov (CloudFormation security checks) runs on every bundled design's templates in the tests;
each failing check must be fixed or explained here, per check id, and the explanation lands in
cloudformation/notes.md only when a template actually contains what trips the check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

Json = Any
SECTION = "Linter findings explained (checkov)"


@dataclass(frozen=True)
class Explained:
    check_id: str
    trips: Callable[[str, Json], bool]  # (logical id, resource) -> does it trip the check?
    reason: str


def _unlogged_access_log_bucket(_: str, resource: Json) -> bool:
    props = resource.get("Properties", {})
    return (
        resource.get("Type") == "AWS::S3::Bucket"
        and "LoggingConfiguration" not in props
        and "access" in str(props.get("BucketName", "")).lower()
    )


def _key_with_any_principal(_: str, resource: Json) -> bool:
    if resource.get("Type") != "AWS::KMS::Key":
        return False
    statements = resource.get("Properties", {}).get("KeyPolicy", {}).get("Statement", [])
    return any(s.get("Principal") in ("*", {"AWS": "*"}) and s.get("Condition") for s in statements)


def _service_admin_inline(_: str, resource: Json) -> bool:
    """A service-admin role's inline "<service>:*" statements (services without an AWS managed
    full-access policy, or folded past IAM's 10 managed policies per role)."""
    if resource.get("Type") != "AWS::IAM::Role":
        return False
    policies = resource.get("Properties", {}).get("Policies", [])
    return any(p.get("PolicyName") == "ServiceAdministration" for p in policies)


EXPLAINED = (
    Explained(
        "CKV_AWS_18",
        _unlogged_access_log_bucket,
        "the access-log bucket receives the server access logs of the log buckets; logging it "
        "into itself would log its own log writes without end, and S3 advises against it.",
    ),
    Explained(
        "CKV_AWS_33",
        _key_with_any_principal,
        'a log key statement with Principal "*" is bound by conditions: kms:Decrypt only for '
        "the account that owns the trail or the designed reader roles of the archive account "
        "(kms:CallerAccount, aws:PrincipalArn), and only for what CloudTrail encrypted (the "
        "kms:EncryptionContext:aws:cloudtrail:arn condition of the CloudTrail User Guide); or "
        "the Deny that leaves deleting, disabling and re-writing the key to the privileged "
        "roles. Naming the reader roles as principals instead would make KMS refuse the key until "
        "every role exists.",
    ),
    Explained(
        "CKV_AWS_111",
        _service_admin_inline,
        "a service-admin role administers whole services by design: its inline "
        'ServiceAdministration policy grants "<service>:*" on every resource of the services '
        "the trust names that have no AWS managed full-access policy (or whose policies were "
        "folded past IAM's 10 managed policies per role), as the AWS *FullAccess policies do.",
    ),
)


def explained(templates: Iterable[tuple[str, Json]]) -> Iterator[str]:
    """One note per check id and template that trips it, naming the resources."""
    for path, body in templates:
        resources = body.get("Resources", {})
        for item in EXPLAINED:
            hits = [name for name, r in resources.items() if item.trips(name, r)]
            if hits:
                yield f"{item.check_id} in `{path}` ({', '.join(hits)}): {item.reason}"
