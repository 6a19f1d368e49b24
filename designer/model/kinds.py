"""One specification per relationship kind, read by the model, the canvas, the views, the editor,
the diff and the exporters: which ends it joins (and which may be a scope), how it is drawn and
labelled, which views show it, and what a new one starts with.

Adding a kind means a pydantic class in relationships.py, a row here, and only the places that
really differ per kind (its edit form, its exporter); tests/model/test_kinds.py fails until every
per-kind table covers it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from designer.model.catalog import EntityKind
from designer.model.relationships import (
    BillingRelationship,
    DelegatedAdminRelationship,
    FederationRelationship,
    LogDeliveryRelationship,
    RelationshipBase,
    ResourceShareRelationship,
    TrustRelationship,
)
from designer.model.vocabulary import (
    PROTOCOL_FOR_IDP,
    IdentityProviderKind,
    OutsideKind,
    PrincipalType,
)

K = EntityKind
# Ends that stand for every account in them (now and in future): a scope.
SCOPES: Final = frozenset({K.OU, K.ORGANIZATION})
ACCOUNT: Final = frozenset({K.ACCOUNT})
SHORT_LEVELS: Final[dict[str, str]] = {
    "read-only": "RO",
    "security-audit": "audit",
    "service-admin": "svc admin",
    "iam-admin": "IAM admin",
    "administrator": "ADMIN",
    "custom": "custom",
}


@dataclass(frozen=True)
class KindStyle:
    """How one relationship kind is drawn: title for legends, colour, dash pattern, width."""

    title: str
    colour: str
    dash: str  # solid, dash, dot, dash-dot
    width: float


@dataclass(frozen=True)
class End:
    """What one end of a new relationship is: its kind and entity (for defaults)."""

    kind: EntityKind
    entity: Any


@dataclass(frozen=True)
class KindSpec:
    kind: str
    model: type[RelationshipBase]
    title: str  # menus and forms: "Cross-account trust (role)"
    style: KindStyle
    views: frozenset[str]  # the named views that show it, besides "all"
    sources: frozenset[EntityKind]
    targets: frozenset[EntityKind]
    defaults: Callable[[End, End], dict[str, Any]]
    label: Callable[[Any], str]  # the short text on an edge
    shorter: Callable[[Any, str], list[str]]  # shorter forms of that text, best first
    identity: Callable[[Any], tuple[Any, ...]]  # what makes two of a pair the same (diff)
    outside_sources: frozenset[OutsideKind] = frozenset()
    outside_targets: frozenset[OutsideKind] = frozenset()
    from_management: bool = False  # the source must be the management account
    self_allowed: bool = False  # an edge from a node to itself means something
    # A scoped end may leave accounts out (a StackSet's DIFFERENCE filter); RAM and Service
    # Catalog share with a whole OU or organization and cannot.
    excludes: bool = True

    def allows(self, end: str, kind: EntityKind, outside: OutsideKind | None = None) -> bool:
        """Whether `kind` (with its outside kind) may be the `end` ("source"/"target")."""
        kinds = self.sources if end == "source" else self.targets
        if kind not in kinds:
            return False
        if kind == K.OUTSIDE:
            allowed = self.outside_sources if end == "source" else self.outside_targets
            return outside in allowed
        return True


# -- defaults: least privilege, the way a reviewer expects them ---------------------------------
def _trust_defaults(source: End, target: End) -> dict[str, Any]:
    person = source.kind == K.ACCOUNT or (
        source.kind == K.IDENTITY_PROVIDER and source.entity.kind != IdentityProviderKind.OIDC
    )
    service = source.kind == K.OUTSIDE and source.entity.kind == OutsideKind.SERVICE
    return {
        "role_name": "CrossAccountReadOnly",
        "access_level": "read-only",
        "principal_type": PrincipalType.HUMAN if person else PrincipalType.WORKLOAD,
        "require_mfa": person,
        "organization_scoped": source.kind == K.ACCOUNT,
        "source_account_condition": service,  # the confused-deputy guard, on by default
    }


def _federation_defaults(source: End, target: End) -> dict[str, Any]:
    # IAM OIDC providers mostly serve CI jobs and clusters; people sign in through SAML or IdC.
    ci = source.entity.kind == IdentityProviderKind.OIDC
    return {
        "protocol": PROTOCOL_FOR_IDP[source.entity.kind],
        "principal_type": PrincipalType.WORKLOAD if ci else PrincipalType.HUMAN,
    }


def _no_defaults(source: End, target: End) -> dict[str, Any]:
    return {}


# -- labels -----------------------------------------------------------------------------------
def _excluded(rel: Any) -> str:
    return f" except {len(rel.excluded_accounts)}" if rel.excluded_accounts else ""


def _trust_label(rel: Any) -> str:
    level = SHORT_LEVELS.get(str(rel.access_level), str(rel.access_level))
    return f"{rel.role_name} · {level}{_excluded(rel)}"


def _list_label(values: list[Any], short: Callable[[str], str] = str) -> str:
    return ", ".join(short(str(v)) for v in values)


def _first_of_list(rel: Any, full: str) -> list[str]:
    return [full.split(", ")[0] + ", …"] if ", " in full else []


SPECS: Final[dict[str, KindSpec]] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            "trust",
            TrustRelationship,
            "Cross-account trust (role)",
            KindStyle("Cross-account trust", "#c62828", "solid", 1.6),
            frozenset({"identity"}),
            sources=frozenset({K.ACCOUNT, K.IDENTITY_PROVIDER, K.OUTSIDE, *SCOPES}),
            targets=frozenset({K.ACCOUNT, *SCOPES}),
            outside_sources=frozenset(OutsideKind),
            defaults=_trust_defaults,
            label=_trust_label,
            shorter=lambda rel, full: [str(rel.role_name)],
            identity=lambda r: (r.role_name,),
        ),
        KindSpec(
            "federation",
            FederationRelationship,
            "Federation",
            KindStyle("Federation", "#1f6feb", "dash", 1.6),
            frozenset({"identity"}),
            sources=frozenset({K.IDENTITY_PROVIDER}),
            targets=ACCOUNT,
            defaults=_federation_defaults,
            label=lambda rel: str(rel.protocol),
            shorter=lambda rel, full: [],
            identity=lambda r: (str(r.protocol),),
        ),
        KindSpec(
            "log-delivery",
            LogDeliveryRelationship,
            "Log delivery",
            KindStyle("Log delivery", "#b35900", "dot", 1.8),
            frozenset({"logging"}),
            sources=frozenset({K.ACCOUNT, *SCOPES}),
            targets=ACCOUNT,
            defaults=lambda s, t: {"log_types": ["cloudtrail", "config"]},
            label=lambda rel: _list_label(rel.log_types) + _excluded(rel),
            shorter=_first_of_list,
            identity=lambda r: tuple(sorted(map(str, r.log_types))),
            self_allowed=True,
        ),
        KindSpec(
            "resource-share",
            ResourceShareRelationship,
            "Resource share",
            KindStyle("Resource share", "#00838f", "dash-dot", 1.6),
            frozenset({"publishing"}),
            sources=ACCOUNT,
            targets=frozenset({K.ACCOUNT, K.OUTSIDE, *SCOPES}),
            outside_targets=frozenset(
                {OutsideKind.EXTERNAL_ACCOUNT, OutsideKind.PARTNER_ORGANIZATION, OutsideKind.ANYONE}
            ),
            defaults=lambda s, t: {"resource_type": "ami"},
            label=lambda rel: str(rel.ram_resource_type or rel.resource_type) + _excluded(rel),
            shorter=lambda rel, full: [],
            identity=lambda r: (str(r.resource_type), r.ram_resource_type),
            excludes=False,
        ),
        KindSpec(
            "delegated-admin",
            DelegatedAdminRelationship,
            "Delegated administration",
            KindStyle("Delegated admin", "#5b3cc4", "dash", 1.4),
            frozenset({"delegated-admin"}),
            sources=ACCOUNT,
            targets=ACCOUNT,
            defaults=lambda s, t: {"service_principals": ["securityhub.amazonaws.com"]},
            label=lambda rel: _list_label(rel.service_principals, lambda p: p.split(".")[0]),
            shorter=_first_of_list,
            identity=lambda r: (),
            from_management=True,
        ),
        KindSpec(
            "billing",
            BillingRelationship,
            "Billing",
            KindStyle("Billing", "#9e9e9e", "solid", 0.8),
            frozenset({"billing"}),
            sources=ACCOUNT,
            targets=ACCOUNT,
            defaults=_no_defaults,
            label=lambda rel: "",
            shorter=lambda rel, full: [],
            identity=lambda r: (),
            from_management=True,
        ),
    )
}


RELATIONSHIP_KINDS: Final[tuple[str, ...]] = tuple(SPECS)


def spec_of(kind: str) -> KindSpec:
    """The specification of `kind`; a one-line KeyError naming the known kinds otherwise."""
    try:
        return SPECS[kind]
    except KeyError:
        raise KeyError(f"unknown relationship kind {kind!r} (known: {', '.join(SPECS)})") from None


def edge_label(rel: Any) -> str:
    """The short text on an edge: role and access, log types, resource type..."""
    return SPECS[rel.kind].label(rel)


def label_forms(rel: Any) -> tuple[str, ...]:
    """An edge's label, then shorter forms for where the full one does not fit."""
    full = edge_label(rel)
    if not full:
        return ()
    shorter = SPECS[rel.kind].shorter(rel, full)
    if len(full) > 14:
        shorter.append(full[:12].rstrip() + "…")
    return tuple(dict.fromkeys([full, *shorter]))
