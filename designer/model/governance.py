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

from designer.model.base import BucketName, Entity, Name, Region, ServiceName, Text
from designer.model.ids import Id, new_id
from designer.model.nodes import _unique
from designer.model.vocabulary import ObjectLockMode


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


class UsagePolicy(Entity):
    """The company-wide AWS usage policy the whitepaper asks for."""

    approved_services: list[ServiceName] = Field(default_factory=list)
    allowed_regions: list[Region] = Field(default_factory=list)
    required_encryption: list[Text] = Field(default_factory=list)
    baseline: list[Text] = Field(default_factory=list)

    _unique_services = field_validator("approved_services")(_unique)
    _unique_regions = field_validator("allowed_regions")(_unique)


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
        data: dict[str, Any] = handler(self)
        if data.get("collapsed") is None:
            data.pop("collapsed", None)
        else:
            data["collapsed"] = sorted(data["collapsed"])
        return data
