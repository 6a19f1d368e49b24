"""Shared pydantic configuration and constrained string types."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

# Unknown fields are refused so that a typo in a hand-edited file is reported, not silently lost.
# Entities are immutable: the Document replaces them whole, which keeps undo records exact.
ENTITY_CONFIG = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Entity(BaseModel):
    model_config = ENTITY_CONFIG


def without_unset(data: dict[str, Any], unset: dict[str, Any]) -> dict[str, Any]:
    """A serialized model without the fields added after its format was released that still
    hold their unset value: a design that never uses them is written byte for byte as before."""
    for name, value in unset.items():
        if name in data and data[name] == value:
            del data[name]
    return data


Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=10_000)]
AwsAccountId = Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")]
OrganizationId = Annotated[str, StringConstraints(pattern=r"^o-[a-z0-9]{10,32}$")]
Region = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")]
RoleName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+=,.@-]+$")
]
ExternalId = Annotated[
    str, StringConstraints(min_length=2, max_length=1224, pattern=r"^[A-Za-z0-9_+=,.@:/-]+$")
]
ManagedPolicyArn = Annotated[
    str,
    StringConstraints(pattern=r"^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/[A-Za-z0-9_+=,.@/-]+$"),
]
ServicePrincipal = Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]+\.amazonaws\.com$")]
ServiceName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{2,64}$")]


def _bucket_name_rules(name: str) -> str:
    if ".." in name or re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name):
        raise ValueError("an S3 bucket name has no '..' and is not an IP address")
    return name


BucketName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"),
    AfterValidator(_bucket_name_rules),
]
TagKey = Annotated[str, StringConstraints(min_length=1, max_length=128)]
TagValue = Annotated[str, StringConstraints(max_length=256)]
