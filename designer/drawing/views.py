"""What every picture of a design shares: views, colours, edge labels and node positions.

The canvas and the diagram exporters both draw from here, so an exported diagram shows what the
architect sees on screen: the same positions, colours, labels and views. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from designer.model.vocabulary import AccountFunction as F

# One accent per function; the first function of an account picks its colour.
FUNCTION_COLOURS: Final[dict[str, str]] = {
    F.MANAGEMENT: "#5b3cc4",
    F.IDENTITY: "#1f6feb",
    F.LOG_ARCHIVE: "#b35900",
    F.SECURITY_TOOLING: "#c62828",
    F.PUBLISHING: "#00838f",
    F.CENTRAL_IT: "#2e7d32",
    F.NETWORK: "#6d4c41",
    F.WORKLOAD: "#455a64",
    F.SANDBOX: "#9e9d24",
    F.DEPLOYMENT: "#ad1457",
    F.BACKUP: "#37474f",
}
DEFAULT_COLOUR: Final = "#455a64"
IDP_COLOUR: Final = "#1f6feb"
THIRD_PARTY_COLOUR: Final = "#616161"
ENVIRONMENT_BADGES: Final[dict[str, tuple[str, str]]] = {
    "production": ("PROD", "#c62828"),
    "non-production": ("NON-PROD", "#ef6c00"),
    "development": ("DEV", "#2e7d32"),
    "test": ("TEST", "#6a1b9a"),
    "sandbox": ("SANDBOX", "#9e9d24"),
}


@dataclass(frozen=True)
class KindStyle:
    """How one relationship kind is drawn: title for legends, colour, dash pattern, width."""

    title: str
    colour: str
    dash: str  # solid, dash, dot, dash-dot
    width: float


KIND_STYLES: Final[dict[str, KindStyle]] = {
    "trust": KindStyle("Cross-account trust", "#c62828", "solid", 1.6),
    "federation": KindStyle("Federation", "#1f6feb", "dash", 1.6),
    "log-delivery": KindStyle("Log delivery", "#b35900", "dot", 1.8),
    "resource-share": KindStyle("Resource share", "#00838f", "dash-dot", 1.6),
    "delegated-admin": KindStyle("Delegated admin", "#5b3cc4", "dash", 1.4),
    "billing": KindStyle("Billing", "#9e9e9e", "solid", 0.8),
}

# Views: which relationship kinds each shows (the whitepaper: often separate diagrams).
VIEWS: Final[dict[str, frozenset[str]]] = {
    "all": frozenset(KIND_STYLES),
    "identity": frozenset({"trust", "federation"}),
    "logging": frozenset({"log-delivery"}),
    "publishing": frozenset({"resource-share"}),
    "delegated-admin": frozenset({"delegated-admin"}),
    "billing": frozenset({"billing"}),
}
VIEW_TITLES: Final[dict[str, str]] = {
    "all": "All",
    "identity": "Identity",
    "logging": "Logging",
    "publishing": "Publishing",
    "delegated-admin": "Delegated administration",
    "billing": "Billing",
}
SHORT_LEVELS: Final[dict[str, str]] = {
    "read-only": "RO",
    "security-audit": "audit",
    "service-admin": "svc admin",
    "iam-admin": "IAM admin",
    "administrator": "ADMIN",
    "custom": "custom",
}


def function_colour(functions: list[str]) -> str:
    return FUNCTION_COLOURS.get(functions[0], DEFAULT_COLOUR) if functions else DEFAULT_COLOUR


def edge_label(rel: Any) -> str:
    """The short text on an edge: role and access, log types, resource type..."""
    if rel.kind == "trust":
        return f"{rel.role_name} · {SHORT_LEVELS.get(str(rel.access_level), rel.access_level)}"
    if rel.kind == "federation":
        return str(rel.protocol)
    if rel.kind == "log-delivery":
        return ", ".join(map(str, rel.log_types)) + (" (org)" if rel.organization_wide else "")
    if rel.kind == "resource-share":
        return str(rel.ram_resource_type or rel.resource_type)
    if rel.kind == "delegated-admin":
        return ", ".join(p.split(".")[0] for p in rel.service_principals)
    return ""


def label_forms(rel: Any) -> tuple[str, ...]:
    """An edge's label, then shorter forms for where the full one does not fit."""
    full = edge_label(rel)
    if not full:
        return ()
    shorter: list[str] = []
    if rel.kind == "trust":
        shorter = [str(rel.role_name)]
    elif rel.kind in ("log-delivery", "delegated-admin") and ", " in full:
        shorter = [full.split(", ")[0] + ", …"]
    if len(full) > 14:
        shorter.append(full[:12].rstrip() + "…")
    return tuple(dict.fromkeys([full, *shorter]))
