"""What each deployment engine can carry of a design: the mapping table and the yardstick of the
round trip (export, then convert, gives back `carried(design, engine)`).

CONCEPTS is the one list of design concepts; each engine's module says where it keeps each one
(`CARRIES: dict[concept key, where]`, absent: it cannot carry it). `carried` cuts a copy of a
design down to what one engine carries, by forgetting every concept it does not: a round trip
is exact when diff_designs(carried(d, e), carried(convert(export(d, e)), e)) is empty. The
README's mapping table is `mapping_rows()`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from designer.analysis.inventory import ou_paths
from designer.model.design import Design
from designer.model.governance import Layout, UsagePolicy
from designer.model.vocabulary import (
    AccountFunction,
    AccountState,
    DataSensitivity,
    Environment,
    PrincipalType,
)

ENGINES: tuple[str, ...] = ("lza", "org-formation", "terraform")
ENGINE_TITLES: dict[str, str] = {
    "lza": "Landing Zone Accelerator",
    "org-formation": "org-formation",
    "terraform": "Terraform (write only)",
}
# The functions the engines tell apart: LZA's mandatory accounts (Management, LogArchive, Audit).
CORE_FUNCTIONS = (
    AccountFunction.MANAGEMENT,
    AccountFunction.LOG_ARCHIVE,
    AccountFunction.SECURITY_TOOLING,
)
NEUTRAL_NAME = "converted"  # what a design or organization is called when its name is not carried

Forget = Callable[[Design], None]


@dataclass(frozen=True)
class Concept:
    key: str
    title: str  # the design concept, in the README's words
    forget: Forget  # removes it from a design copy (what a convert could not give back)


def _relationships(design: Design, kind: str, **update: object) -> None:
    design.relationships = [
        r.model_copy(update=update) if r.kind == kind else r for r in design.relationships
    ]


def _drop_relationships(design: Design, *kinds: str) -> None:
    design.relationships = [r for r in design.relationships if r.kind not in kinds]


def _accounts(design: Design, **update: object) -> None:
    design.accounts = [a.model_copy(update=update) for a in design.accounts]


def _names(design: Design) -> None:
    design.name = NEUTRAL_NAME
    design.description = ""
    design.organization = design.organization.model_copy(update={"name": NEUTRAL_NAME})


def _org_id(design: Design) -> None:
    design.organization = design.organization.model_copy(update={"organization_id": None})


def _management(design: Design) -> None:
    design.organization = design.organization.model_copy(update={"management_account": None})


def _core_functions(design: Design, keep: tuple[AccountFunction, ...]) -> None:
    design.accounts = [
        a.model_copy(update={"functions": [f for f in a.functions if f in keep] or [_WORKLOAD]})
        for a in design.accounts
    ]


_WORKLOAD = AccountFunction.WORKLOAD


def _ou_descriptions(design: Design) -> None:
    design.organizational_units = [
        ou.model_copy(update={"description": ""}) for ou in design.organizational_units
    ]


def _account_attributes(design: Design) -> None:
    _accounts(
        design,
        environment=Environment.NONE,
        business_unit="",
        owner="",
        data_sensitivity=DataSensitivity.INTERNAL,
        regions=[],
        state=AccountState.PLANNED,
        iam_user_count=0,
        root_mfa=False,
        runs_workloads=False,
    )


def _scps(design: Design) -> None:
    design.service_control_policies = []
    design.organization = design.organization.model_copy(update={"root_scps": []})
    design.organizational_units = [
        ou.model_copy(update={"scps": []}) for ou in design.organizational_units
    ]
    _accounts(design, scps=[])


def _scp_descriptions(design: Design) -> None:
    design.service_control_policies = [
        p.model_copy(update={"description": ""}) for p in design.service_control_policies
    ]


def _trust_conditions(design: Design) -> None:
    _relationships(
        design,
        "trust",
        require_mfa=False,
        external_id=None,
        organization_scoped=False,
        source_account_condition=False,
        oidc_subjects=[],
    )


def _purposes(design: Design) -> None:
    design.relationships = [r.model_copy(update={"purpose": ""}) for r in design.relationships]


def _principal_types(design: Design) -> None:
    design.relationships = [
        r.model_copy(update={"principal_type": PrincipalType.HUMAN})
        if r.kind in ("trust", "federation")
        else r
        for r in design.relationships
    ]


def _outside_details(design: Design) -> None:
    design.outside_principals = [
        p.model_copy(update={"name": p.identifier or p.kind.value, "owner": "", "description": ""})
        for p in design.outside_principals
    ]


def _provider_details(design: Design) -> None:
    design.identity_providers = [
        p.model_copy(update={"description": "", "metadata_url": ""})
        for p in design.identity_providers
    ]


def _without_nodes(design: Design, ids: set[str]) -> None:
    """Forget nodes: the relationships that name one go with them."""
    design.relationships = [
        r for r in design.relationships if r.source not in ids and r.target not in ids
    ]


def _outside(design: Design) -> None:
    _without_nodes(design, {p.id for p in design.outside_principals})
    design.outside_principals = []


def _federation(design: Design) -> None:
    _drop_relationships(design, "federation")
    _without_nodes(design, {p.id for p in design.identity_providers})
    design.identity_providers = []


def _log_buckets(design: Design) -> None:
    design.log_buckets = []
    _relationships(design, "log-delivery", bucket=None)


def _design_only(design: Design) -> None:
    design.covers = None
    design.usage_policy = UsagePolicy()
    design.waivers = []
    design.layout = Layout()
    design.decisions = []
    design.answers = None


CONCEPTS: tuple[Concept, ...] = (
    Concept("ous", "OU tree (names and nesting)", lambda d: None),
    Concept("accounts", "Account (name, parent OU)", lambda d: None),
    Concept("account_email", "Account root e-mail", lambda d: _accounts(d, email=None)),
    Concept("account_id", "Account id (12 digits)", lambda d: _accounts(d, aws_account_id=None)),
    Concept("account_purpose", "Account purpose (description)", lambda d: _accounts(d, purpose="")),
    Concept("account_tags", "Account tags", lambda d: _accounts(d, tags={})),
    Concept("management", "Management account", _management),
    Concept(
        "core_functions",
        "Log archive and security tooling (audit) accounts",
        lambda d: _core_functions(d, (AccountFunction.MANAGEMENT,)),
    ),
    Concept("organization_id", "Organization id (o-...)", _org_id),
    Concept("scps", "Service control policies and where they are attached", _scps),
    Concept("scp_descriptions", "SCP descriptions", _scp_descriptions),
    Concept(
        "trusts",
        "Cross-account roles: trusted principal, role, access level, scope",
        lambda d: _drop_relationships(d, "trust"),
    ),
    Concept(
        "trust_conditions",
        "Trust conditions: MFA, external id, organization, source account, OIDC subjects",
        _trust_conditions,
    ),
    Concept(
        "trust_session",
        "Role maximum session duration",
        lambda d: _relationships(d, "trust", max_session_duration=3600),
    ),
    Concept(
        "outside_principals",
        "Principals outside the organization (account, service)",
        lambda d: None,
    ),
    Concept(
        "federation",
        "Identity providers, federation and Identity Center permission sets",
        _federation,
    ),
    Concept(
        "delegated_admins",
        "Delegated administrators",
        lambda d: _drop_relationships(d, "delegated-admin"),
    ),
    Concept(
        "log_delivery",
        "Log delivery (organization trail, Config) to the log archive",
        lambda d: _drop_relationships(d, "log-delivery"),
    ),
    Concept("log_buckets", "Log buckets (names, protection, keys)", _log_buckets),
    Concept(
        "resource_shares",
        "Resource shares (AMIs, snapshots, RAM)",
        lambda d: _drop_relationships(d, "resource-share"),
    ),
    Concept(
        "billing",
        "Consolidated billing (implied by membership)",
        lambda d: _drop_relationships(d, "billing"),
    ),
)
# Never carried by any engine: the design's own vocabulary, forgotten before every comparison.
DESIGN_ONLY: tuple[Concept, ...] = (
    Concept("names", "Design and organization names, descriptions", _names),
    Concept("ou_descriptions", "OU descriptions", _ou_descriptions),
    Concept(
        "other_functions",
        "Other account functions (identity, publishing, network, ...)",
        lambda d: _core_functions(d, CORE_FUNCTIONS),
    ),
    Concept(
        "account_attributes",
        "Environment, owner, business unit, data sensitivity, Regions, state, IAM users, root MFA",
        _account_attributes,
    ),
    Concept("purposes", "Relationship purposes", _purposes),
    Concept("principal_types", "Human or workload principal", _principal_types),
    Concept("outside_details", "Names and owners of outside principals", _outside_details),
    Concept(
        "provider_details", "Identity provider descriptions and metadata URLs", _provider_details
    ),
    Concept(
        "design_only",
        "Usage policy, covered structures, waivers, canvas layout, wizard answers and decisions",
        _design_only,
    ),
)
_BY_KEY = {c.key: c for c in CONCEPTS}


def carried(design: Design, carries: Mapping[str, str]) -> Design:
    """A copy of `design` holding only what an engine whose table is `carries` can carry."""
    unknown = set(carries) - set(_BY_KEY)
    if unknown:
        raise ValueError(f"unknown concepts: {', '.join(sorted(unknown))}")
    copy = design.model_copy(deep=True)
    for concept in (*DESIGN_ONLY, *CONCEPTS):
        if concept.key not in carries:
            concept.forget(copy)
    return copy


def mapping_rows(tables: Mapping[str, Mapping[str, str]]) -> list[tuple[str, ...]]:
    """The README's table: one row per concept, one column per engine ("-": not carried)."""
    rows = [("Design concept", *(ENGINE_TITLES[e] for e in tables))]
    rows += [(c.title, *(tables[e].get(c.key, "-") for e in tables)) for c in CONCEPTS]
    rows += [(c.title, *("-" for _ in tables)) for c in DESIGN_ONLY]
    return rows


# -- the yardstick --------------------------------------------------------------------------------
def canonical(design: Design) -> dict[str, Any]:
    """`design` without its ids: every reference is replaced by what names the entity (an OU's
    path, an account's name, an SCP's name, ...) and every collection sorted, so two designs
    that say the same thing are equal whatever their ids and order. Policy documents stay as
    written (their statement order is theirs)."""
    keys = _entity_keys(design)
    data = design.model_dump(mode="json", exclude={"id", "format_version"})
    return cast(dict[str, Any], _named(data, keys))


def _entity_keys(design: Design) -> dict[str, str]:
    paths = ou_paths(design)
    keys = {design.organization.id: "organization"}
    keys |= {ou.id: f"ou:{paths[ou.id]}" for ou in design.organizational_units}
    keys |= {a.id: f"account:{a.name}" for a in design.accounts}
    keys |= {p.id: f"scp:{p.name}" for p in design.service_control_policies}
    keys |= {p.id: f"provider:{p.name}" for p in design.identity_providers}
    keys |= {b.id: f"bucket:{b.name}" for b in design.log_buckets}
    keys |= {p.id: f"outside:{p.kind}:{p.identifier or p.name}" for p in design.outside_principals}
    return keys


def _named(value: Any, keys: dict[str, str], opaque: bool = False) -> Any:
    if isinstance(value, dict):
        return {
            k: _named(v, keys, opaque or k == "document")
            for k, v in value.items()
            if opaque or k != "id"
        }
    if isinstance(value, list):
        items = [_named(v, keys, opaque) for v in value]
        return items if opaque else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, str) and not opaque:
        return keys.get(value, value)
    return value


def lost(design: Design, carries: Mapping[str, str]) -> list[str]:
    """The titles of the concepts this design uses that an engine cannot carry (what its
    export leaves out, to be said when exporting)."""
    whole = design.model_dump(mode="json")
    titles = []
    for concept in CONCEPTS:
        if concept.key not in carries:
            copy = design.model_copy(deep=True)
            concept.forget(copy)
            if copy.model_dump(mode="json") != whole:
                titles.append(concept.title)
    return titles
