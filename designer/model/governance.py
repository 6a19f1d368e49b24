"""Log buckets, service control policies, the usage policy, waivers and canvas layout."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    StrictBool,
    StrictInt,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)

from designer.model.base import (
    BucketName,
    Entity,
    Name,
    Region,
    ServiceName,
    Text,
    without_unset,
)
from designer.model.ids import Id, new_id
from designer.model.nodes import _unique, unread_facts
from designer.model.policy_grammar import check_scp
from designer.model.vocabulary import (
    DataSensitivity,
    Environment,
    LogRequirement,
    ObjectLockMode,
    Unread,
)


class ObjectLock(Entity):
    mode: ObjectLockMode
    retention_days: StrictInt = Field(ge=1, le=36500)


class LogBucket(Entity):
    """A protected S3 bucket that receives logs, owned by one account."""

    id: Id = Field(default_factory=new_id)
    name: BucketName
    account: Id
    versioning: StrictBool = True
    mfa_delete: StrictBool = False
    object_lock: ObjectLock | None = None
    glacier_vault_lock: StrictBool = False
    kms_key: Text | None = Field(default=None, description="KMS key alias or ARN.")
    access_logging: StrictBool = False
    organization_restricted_writes: StrictBool = Field(
        default=False, description="Bucket policy limits writes to the organization."
    )
    unread: list[Unread] = Field(
        default_factory=list,
        description="Settings the import could not read (unknown, not off).",
    )

    _unread = field_validator("unread")(lambda v: unread_facts("log-bucket", v))

    @model_serializer(mode="wrap")
    def _without_unread(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return without_unset(handler(self), {"unread": []})

    @model_validator(mode="after")
    def _versioning_for_protection(self) -> LogBucket:
        # S3 keeps MFA Delete in the versioning configuration, and Object Lock turns versioning
        # on for good: a bucket without versioning can have neither.
        if not self.versioning and (self.mfa_delete or self.object_lock):
            raise ValueError("MFA Delete and Object Lock need versioning on the bucket")
        return self


class ServiceControlPolicy(Entity):
    id: Id = Field(default_factory=new_id)
    name: Name
    description: Text = ""
    document: dict[str, Any] | None = Field(
        default=None, description="The policy JSON; null when the exporter generates it."
    )
    aws_managed: StrictBool = Field(default=False, description="AWS-managed, e.g. FullAWSAccess.")

    _document = field_validator("document")(lambda v: v if v is None else check_scp(v))


class OuRequirement(Entity):
    """What the usage policy asks of the accounts in one OU (at any depth below it)."""

    ou: Id
    required_scps: list[Id] = Field(
        default_factory=list, description="SCPs that must be in force for every account in it."
    )
    log_delivery: LogRequirement | None = Field(
        default=None, description="required / exempt; null: as for the rest of the organization."
    )
    allowed_environments: list[Environment] = Field(
        default_factory=list, description="Environments its accounts may have; empty: any."
    )
    max_data_sensitivity: DataSensitivity | None = Field(
        default=None, description="The most sensitive data its accounts may hold; null: any."
    )
    note: Text = ""

    _unique_scps = field_validator("required_scps")(_unique)
    _unique_environments = field_validator("allowed_environments")(_unique)

    @property
    def empty(self) -> bool:
        """Asks nothing: the editor drops such a requirement rather than keep it."""
        return not (
            self.required_scps
            or self.log_delivery
            or self.allowed_environments
            or self.max_data_sensitivity
            or self.note
        )


# Fields added after format 2 was first released: left out of the file while unset, so a design
# that never uses them is written byte for byte as before.
_LATER_POLICY_FIELDS: dict[str, Any] = {
    "ou_requirements": [],
    "min_log_retention_days": None,
    "logs_encrypted_with_kms": False,
}


class UsagePolicy(Entity):
    """The company-wide AWS usage policy the whitepaper asks for."""

    approved_services: list[ServiceName] = Field(default_factory=list)
    allowed_regions: list[Region] = Field(default_factory=list)
    required_encryption: list[Text] = Field(default_factory=list)
    baseline: list[Text] = Field(default_factory=list)
    ou_requirements: list[OuRequirement] = Field(default_factory=list)
    min_log_retention_days: StrictInt | None = Field(
        default=None, ge=1, le=36500, description="Least Object Lock retention of CloudTrail logs."
    )
    logs_encrypted_with_kms: StrictBool = Field(
        default=False, description="Log buckets must use SSE-KMS with a customer-managed key."
    )

    _unique_services = field_validator("approved_services")(_unique)
    _unique_regions = field_validator("allowed_regions")(_unique)

    @field_validator("ou_requirements")
    @classmethod
    def _one_per_ou(cls, requirements: list[OuRequirement]) -> list[OuRequirement]:
        _unique([r.ou for r in requirements])
        return requirements

    def requirement(self, ou_id: str) -> OuRequirement | None:
        return next((r for r in self.ou_requirements if r.ou == ou_id), None)

    @model_serializer(mode="wrap")
    def _without_unset(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return without_unset(handler(self), _LATER_POLICY_FIELDS)


class Waiver(Entity):
    """An accepted exception to a rule for one subject, with who accepted it and why."""

    rule_id: Name
    subject: Id
    justification: Name
    author: Name
    date: dt.date


# A canvas of two million units a side holds far more than the largest organization (10,000
# accounts span about 100,000); beyond it a hand-edited place would only cost time and memory.
CANVAS_LIMIT = 1_000_000.0


class NodeLayout(Entity):
    x: float = Field(allow_inf_nan=False, ge=-CANVAS_LIMIT, le=CANVAS_LIMIT)
    y: float = Field(allow_inf_nan=False, ge=-CANVAS_LIMIT, le=CANVAS_LIMIT)
    pinned: StrictBool = False


class Layout(Entity):
    positions: dict[Id, NodeLayout] = Field(default_factory=dict)
    # OUs drawn collapsed on the canvas (view state). None: never chosen, so a large design
    # opens collapsed to a level that fits; ids that name no OU are ignored.
    collapsed: list[Id] | None = None

    @field_serializer("positions")
    def _sorted(self, positions: dict[str, NodeLayout]) -> dict[str, NodeLayout]:
        return dict(sorted(positions.items()))

    @model_serializer(mode="wrap")
    def _without_unchosen(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A design whose collapse was never chosen is written as before this field existed."""
        data = without_unset(handler(self), {"collapsed": None})
        if "collapsed" in data:
            data["collapsed"] = sorted(data["collapsed"])
        return data
