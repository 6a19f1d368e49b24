"""The answers to the new-design wizard: the whitepaper's questions and the sizing that follows.

Kept in the design (`Design.answers`) so that running the wizard again starts from them and
changes only what a changed answer changes. The questions themselves (wording, help, order)
live in designer.wizard.questions; this is only what an answer may be.
"""

from __future__ import annotations

import re
from collections import Counter
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from designer.model.base import AwsAccountId, Entity, ExternalId, Name, Region, RoleName, Text
from designer.model.nodes import _unique
from designer.model.vocabulary import DataSensitivity, Environment


class IdentitySource(StrEnum):
    SAML = "saml"  # a SAML 2.0 identity provider (Entra ID, Okta, ADFS, ...)
    ACTIVE_DIRECTORY = "active-directory"  # an on-premises Active Directory
    IDENTITY_CENTER = "identity-center"  # IAM Identity Center's own directory, already in use
    NONE = "none"  # nothing yet


class SecurityTeam(StrEnum):
    INFORMATION_SECURITY = "information-security"
    CENTRAL_IT = "central-it"
    BOTH = "both"


class Published(StrEnum):
    AMIS = "amis"
    SNAPSHOTS = "snapshots"
    PORTFOLIOS = "portfolios"
    TEMPLATES = "templates"


# The environments the wizard asks about, in the order it asks (test is folded into development).
WIZARD_ENVIRONMENTS: tuple[Environment, ...] = (
    Environment.PRODUCTION,
    Environment.NON_PRODUCTION,
    Environment.DEVELOPMENT,
    Environment.SANDBOX,
)
# Restricted data stays in production (rule DATA-01): a lower environment may hold at most this,
# a sandbox (experiments, no company data) less.
LOWER_ENVIRONMENT_CEILING = DataSensitivity.CONFIDENTIAL
CEILINGS: dict[Environment, DataSensitivity] = {
    Environment.PRODUCTION: DataSensitivity.RESTRICTED,
    Environment.NON_PRODUCTION: LOWER_ENVIRONMENT_CEILING,
    Environment.DEVELOPMENT: LOWER_ENVIRONMENT_CEILING,
    Environment.SANDBOX: DataSensitivity.INTERNAL,
}


# What each environment usually holds: the default answer, and the level of an environment
# answered without one.
USUAL_LEVELS: dict[Environment, DataSensitivity] = {
    Environment.PRODUCTION: DataSensitivity.CONFIDENTIAL,
    Environment.NON_PRODUCTION: DataSensitivity.INTERNAL,
    Environment.DEVELOPMENT: DataSensitivity.INTERNAL,
    Environment.SANDBOX: DataSensitivity.PUBLIC,
}
DEFAULT_ENVIRONMENTS = (Environment.PRODUCTION, Environment.DEVELOPMENT, Environment.SANDBOX)


def _plain_name(name: str) -> str:
    # Business unit and third-party names become parts of account names, e-mail addresses and
    # IAM role names, which take ASCII letters and digits only.
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 &.-]*", name):
        raise ValueError(
            "use letters A-Z, digits, spaces and & . - (the name is part of account names, "
            "e-mail addresses and role names), starting with a letter or digit"
        )
    return name


def allowed_levels(env: Environment) -> list[DataSensitivity]:
    """The data sensitivities an environment may be answered with, least first."""
    order = list(DataSensitivity)
    return order[: order.index(CEILINGS[env]) + 1]


# 30 characters keep every name made from a unit within what AWS accepts: an account name
# ("<unit> Development", 50), a role ("<Unit>Administrator", 64), a permission set (32).
UNIT_NAME_LIMIT = 30
BusinessUnit = Annotated[
    str,
    StringConstraints(min_length=1, max_length=UNIT_NAME_LIMIT),
    AfterValidator(_plain_name),
]
PartyName = Annotated[  # 40: "<Name>Integration" stays within IAM's 64 characters
    str, StringConstraints(min_length=1, max_length=40), AfterValidator(_plain_name)
]
# Room for the local part within the 64 characters AWS allows an account e-mail address.
Domain = Annotated[
    str,
    BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v),
    StringConstraints(max_length=40, pattern=r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$"),
]
MAX_BUSINESS_UNITS = 500  # x 4 environments: a 2,000-account start


PERMISSION_SET_ROOM = 27  # a permission set's name is at most 32: "<Unit>Admin"


def unit_key(name: str) -> str:
    """What tells business units apart in account names, e-mails, role and permission-set names:
    'R&D' and 'R D' both become 'rd', so they cannot both be answered."""
    return "".join(c for c in name.casefold() if c.isalnum())[:PERMISSION_SET_ROOM]


def _party_key(name: str) -> str:
    return "".join(c for c in name.casefold() if c.isalnum())


@cache
def aws_regions() -> frozenset[str]:
    """Every Region AWS lists (botocore's endpoint data, read offline)."""
    import botocore.session  # late: only answers files need it

    data = botocore.session.get_session().get_data("endpoints")
    return frozenset(r for partition in data["partitions"] for r in partition["regions"])


def _known_region(region: str) -> str:
    if region not in aws_regions():
        raise ValueError(f"{region} is not an AWS Region (e.g. us-east-1, eu-west-1)")
    return region


def _named_party(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value  # "- Example Auditors" is enough


class ThirdParty(Entity):
    """Someone outside the organization who needs read-only access: an auditor, a vendor."""

    name: PartyName
    aws_account_id: AwsAccountId | None = Field(
        default=None, description="Their 12-digit AWS account id; empty while unknown."
    )
    role_name: RoleName | None = Field(
        default=None,
        description="The one role in their account that may assume ours; empty: "
        "<Name>Integration, to confirm with them.",
    )
    external_id: ExternalId | None = Field(
        default=None,
        description="The external id they gave you for us; empty: one is made up here, to "
        "replace with theirs.",
    )
    reason: Text = ""


class Answers(Entity):
    """What the architect answered; every field has the answer most organizations give."""

    organization_name: Name = "Example Corp"
    email_domain: Domain = "example.com"
    # When to create multiple accounts
    administrative_isolation: StrictBool = True
    limited_visibility: StrictBool = False
    blast_radius_isolation: StrictBool = True
    recovery_audit_isolation: StrictBool = True
    # When to create a security account structure
    central_identities: StrictBool = True
    central_logging: StrictBool = True
    security_baselines: StrictBool = True
    central_publishing: StrictBool = False
    # Sizing
    business_units: list[BusinessUnit] = Field(
        default_factory=lambda: ["Engineering"], min_length=1, max_length=MAX_BUSINESS_UNITS
    )
    environments: list[Environment] = Field(
        default_factory=lambda: list(DEFAULT_ENVIRONMENTS), min_length=1
    )
    data_sensitivity: dict[Environment, DataSensitivity] = Field(
        default_factory=lambda: {e: USUAL_LEVELS[e] for e in DEFAULT_ENVIRONMENTS},
        description="The most sensitive data each environment holds.",
    )
    regions: list[Annotated[Region, AfterValidator(_known_region)]] = Field(
        default_factory=lambda: ["us-east-1"], min_length=1
    )
    identity_source: IdentitySource = IdentitySource.IDENTITY_CENTER
    security_team: SecurityTeam = SecurityTeam.INFORMATION_SECURITY
    published: list[Published] = Field(default_factory=list)
    third_parties: list[Annotated[ThirdParty, BeforeValidator(_named_party)]] = Field(
        default_factory=list, max_length=50
    )
    log_retention_days: StrictInt = Field(default=365, ge=1, le=36500)

    _unique_regions = field_validator("regions")(_unique)
    _unique_published = field_validator("published")(_unique)

    @field_validator("business_units")
    @classmethod
    def _distinct_units(cls, units: list[str]) -> list[str]:
        keys = Counter(unit_key(u) for u in units)
        twice = sorted({u for u in units if keys[unit_key(u)] > 1})
        if twice:
            raise ValueError(f"business units named twice: {', '.join(twice)}")
        return units

    @field_validator("environments")
    @classmethod
    def _known_environments(cls, environments: list[Environment]) -> list[Environment]:
        _unique(list(environments))
        other = [str(e) for e in environments if e not in WIZARD_ENVIRONMENTS]
        if other:
            allowed = ", ".join(WIZARD_ENVIRONMENTS)
            raise ValueError(f"environment {', '.join(other)} is not one of {allowed}")
        if all(e == Environment.SANDBOX for e in environments):
            raise ValueError("sandboxes alone run no workloads: add the environments they serve")
        return sorted(environments, key=WIZARD_ENVIRONMENTS.index)

    @field_validator("third_parties")
    @classmethod
    def _distinct_parties(cls, parties: list[ThirdParty]) -> list[ThirdParty]:
        keys = Counter(_party_key(p.name) for p in parties)
        twice = sorted({p.name for p in parties if keys[_party_key(p.name)] > 1})
        if twice:
            raise ValueError(f"third parties named twice: {', '.join(twice)}")
        return parties

    @model_validator(mode="before")
    @classmethod
    def _default_sensitivity(cls, data: Any) -> Any:
        """Environments answered without levels get the usual level of each."""
        if isinstance(data, dict) and "environments" in data and "data_sensitivity" not in data:
            chosen = data["environments"]
            if isinstance(chosen, list):
                usual = {str(e): str(level) for e, level in USUAL_LEVELS.items()}
                levels = {str(e): usual[str(e)] for e in chosen if str(e) in usual}
                data = {**data, "data_sensitivity": levels}
        return data

    @field_validator("data_sensitivity")
    @classmethod
    def _sensitivity_per_environment(
        cls, levels: dict[Environment, DataSensitivity], info: ValidationInfo
    ) -> dict[Environment, DataSensitivity]:
        if "environments" not in info.data:
            return levels  # the environments are wrong: that one problem is enough
        environments = info.data["environments"]
        missing = [str(e) for e in environments if e not in levels]
        if missing:
            raise ValueError(f"no level for {', '.join(missing)}")
        extra = [str(e) for e in levels if e not in environments]
        if extra:
            raise ValueError(f"{', '.join(extra)} is not one of the environments answered")
        for env, level in levels.items():
            if level not in allowed_levels(env):
                raise ValueError(
                    f"{env}: a {env} environment holds at most {CEILINGS[env]} data "
                    f"(restricted data stays in production; use masked copies), not {level}"
                )
        return levels

    @field_serializer("data_sensitivity")
    def _in_asked_order(self, levels: dict[Environment, DataSensitivity]) -> dict[str, str]:
        return {str(e): str(levels[e]) for e in WIZARD_ENVIRONMENTS if e in levels}

    @property
    def separate_units(self) -> bool:
        """Each business unit gets accounts of its own (administrative isolation or visibility)."""
        return self.administrative_isolation or self.limited_visibility
