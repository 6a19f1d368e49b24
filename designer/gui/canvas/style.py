"""Colours, pens and shapes of the canvas, in one place (cached: painting stays cheap)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPen

from designer.model.vocabulary import AccountFunction as F
from designer.rules.engine import Severity

# One accent per function; the first function of an account picks its colour.
FUNCTION_COLOURS: dict[str, str] = {
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
ENVIRONMENT_BADGES: dict[str, tuple[str, str]] = {
    "production": ("PROD", "#c62828"),
    "non-production": ("NON-PROD", "#ef6c00"),
    "development": ("DEV", "#2e7d32"),
    "test": ("TEST", "#6a1b9a"),
    "sandbox": ("SANDBOX", "#9e9d24"),
}
SEVERITY_COLOURS: dict[Severity, str] = {
    Severity.CRITICAL: "#8e0000",
    Severity.HIGH: "#d32f2f",
    Severity.MEDIUM: "#f57c00",
    Severity.LOW: "#fbc02d",
    Severity.INFO: "#1976d2",
}
LEVEL_COLOURS: dict[str, str] = {
    "read-only": "#2e7d32",
    "security-audit": "#2e7d32",
    "service-admin": "#ef6c00",
    "custom": "#ef6c00",
    "federated": "#ef6c00",
    "iam-admin": "#c62828",
    "administrator": "#8e0000",
}


@dataclass(frozen=True)
class EdgeStyle:
    label: str
    colour: str
    dash: Qt.PenStyle
    width: float


EDGE_STYLES: dict[str, EdgeStyle] = {
    "trust": EdgeStyle("Cross-account trust", "#c62828", Qt.PenStyle.SolidLine, 1.6),
    "federation": EdgeStyle("Federation", "#1f6feb", Qt.PenStyle.DashLine, 1.6),
    "log-delivery": EdgeStyle("Log delivery", "#b35900", Qt.PenStyle.DotLine, 1.8),
    "resource-share": EdgeStyle("Resource share", "#00838f", Qt.PenStyle.DashDotLine, 1.6),
    "delegated-admin": EdgeStyle("Delegated admin", "#5b3cc4", Qt.PenStyle.DashLine, 1.4),
    "billing": EdgeStyle("Billing", "#9e9e9e", Qt.PenStyle.SolidLine, 0.8),
}

# Views: which relationship kinds each shows (the whitepaper: often separate diagrams).
VIEWS: dict[str, frozenset[str]] = {
    "all": frozenset(EDGE_STYLES),
    "identity": frozenset({"trust", "federation"}),
    "logging": frozenset({"log-delivery"}),
    "publishing": frozenset({"resource-share"}),
    "delegated-admin": frozenset({"delegated-admin"}),
    "billing": frozenset({"billing"}),
}
VIEW_TITLES: dict[str, str] = {
    "all": "All",
    "identity": "Identity",
    "logging": "Logging",
    "publishing": "Publishing",
    "delegated-admin": "Delegated administration",
    "billing": "Billing",
}


@cache
def pen(colour: str, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    result = QPen(QColor(colour), width, style)
    result.setCosmetic(width <= 1.0)
    return result


@cache
def brush(colour: str, alpha: int = 255) -> QBrush:
    colour_ = QColor(colour)
    colour_.setAlpha(alpha)
    return QBrush(colour_)


@cache
def font(size: float, bold: bool = False) -> QFont:
    result = QFont()
    result.setPointSizeF(size)
    result.setBold(bold)
    return result


def function_colour(functions: list[str]) -> str:
    return FUNCTION_COLOURS.get(functions[0], "#455a64") if functions else "#455a64"
