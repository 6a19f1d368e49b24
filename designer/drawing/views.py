"""What every picture of a design shares: views, colours, edge labels and node positions.

The canvas and the diagram exporters both draw from here, so an exported diagram shows what the
architect sees on screen: the same positions, colours, labels and views. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from designer.model.kinds import SPECS, KindStyle, edge_label, label_forms
from designer.model.vocabulary import OUTSIDE_LABELS, OutsideKind
from designer.model.vocabulary import AccountFunction as F

__all__ = [
    "DEFAULT_COLOUR",
    "ENVIRONMENT_BADGES",
    "FUNCTION_COLOURS",
    "IDP_COLOUR",
    "KIND_STYLES",
    "OUTSIDE_COLOUR",
    "OUTSIDE_STYLES",
    "UNKNOWN_BADGE",
    "UNKNOWN_FILL",
    "VIEWS",
    "VIEW_TITLES",
    "KindStyle",
    "OutsideStyle",
    "edge_label",
    "function_colour",
    "label_forms",
]

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
OUTSIDE_COLOUR: Final = "#616161"


@dataclass(frozen=True)
class OutsideStyle:
    """How one kind of outside principal is shown: it stands outside the organization, so its
    card says so at a glance (the public in red)."""

    title: str  # palette, menus, legends: "External AWS account"
    colour: str  # border, icon tint and marking
    marking: str  # the badge on its card
    icon: str  # resources/icons/<icon>.svg
    fill: str  # the card's background


# Anyone at all in red, other accounts and organizations in a warning orange, AWS services in
# the neutral outside grey (the same colours and badges as exporters/drawing.py's pictures).
OUTSIDE_STYLES: Final[dict[OutsideKind, OutsideStyle]] = {
    OutsideKind.EXTERNAL_ACCOUNT: OutsideStyle(
        OUTSIDE_LABELS[OutsideKind.EXTERNAL_ACCOUNT],
        "#e65100",
        "OUTSIDE",
        "outside-external-account",
        "#fff8f1",
    ),
    OutsideKind.PARTNER_ORGANIZATION: OutsideStyle(
        OUTSIDE_LABELS[OutsideKind.PARTNER_ORGANIZATION],
        "#e65100",
        "OUTSIDE",
        "outside-partner-organization",
        "#fff8f1",
    ),
    OutsideKind.SERVICE: OutsideStyle(
        OUTSIDE_LABELS[OutsideKind.SERVICE],
        OUTSIDE_COLOUR,
        "AWS SERVICE",
        "outside-service",
        "#f7f9fa",
    ),
    OutsideKind.ANYONE: OutsideStyle(
        OUTSIDE_LABELS[OutsideKind.ANYONE], "#d50000", "PUBLIC", "outside-anyone", "#ffebee"
    ),
}
ENVIRONMENT_BADGES: Final[dict[str, tuple[str, str]]] = {
    "production": ("PROD", "#c62828"),
    "non-production": ("NON-PROD", "#ef6c00"),
    "development": ("DEV", "#2e7d32"),
    "test": ("TEST", "#6a1b9a"),
    "sandbox": ("SANDBOX", "#9e9d24"),
}
# An account the import could not read: unknown, not empty (a grey card with this badge).
UNKNOWN_BADGE: Final[tuple[str, str]] = ("NOT READ", "#78909c")
UNKNOWN_FILL: Final = "#eceff1"


KIND_STYLES: Final[dict[str, KindStyle]] = {kind: spec.style for kind, spec in SPECS.items()}
VIEW_TITLES: Final[dict[str, str]] = {
    "all": "All",
    "identity": "Identity",
    "logging": "Logging",
    "publishing": "Publishing",
    "delegated-admin": "Delegated administration",
    "billing": "Billing",
}
# Which relationship kinds each view shows (the whitepaper: often separate diagrams); each kind
# names its views in its specification.
VIEWS: Final[dict[str, frozenset[str]]] = {
    view: frozenset(k for k, spec in SPECS.items() if view == "all" or view in spec.views)
    for view in VIEW_TITLES
}


def function_colour(functions: list[str]) -> str:
    return FUNCTION_COLOURS.get(functions[0], DEFAULT_COLOUR) if functions else DEFAULT_COLOUR
