"""Colours, pens and shapes of the canvas, in one place (cached: painting stays cheap)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPen

from designer.drawing.views import (
    ENVIRONMENT_BADGES,
    FUNCTION_COLOURS,
    KIND_STYLES,
    UNKNOWN_BADGE,
    UNKNOWN_FILL,
    VIEW_TITLES,
    VIEWS,
    function_colour,
)
from designer.live.drift import (
    CHANGED_SINCE_BASELINE,
    DEPLOYED_NOT_PLANNED,
    DIFFERS_FROM_PLAN,
    NOT_COMPARED,
    PLANNED_NOT_DEPLOYED,
)
from designer.rules.engine import Severity

SEVERITY_COLOURS: dict[Severity, str] = {
    Severity.CRITICAL: "#8e0000",
    Severity.HIGH: "#d32f2f",
    Severity.MEDIUM: "#f57c00",
    Severity.LOW: "#fbc02d",
    Severity.INFO: "#1976d2",
}
# Compared with a live organization (designer.live.drift's classes), strongest first.
DIFF_COLOURS: dict[str, str] = {
    CHANGED_SINCE_BASELINE: "#00838f",
    PLANNED_NOT_DEPLOYED: "#c62828",
    DEPLOYED_NOT_PLANNED: "#6a1b9a",  # on an account: something live touches it, not planned
    DIFFERS_FROM_PLAN: "#ef6c00",
    NOT_COMPARED: UNKNOWN_BADGE[1],  # the import could not read its live side
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
# What each access level reached in a blast radius lets an attacker do (legend, blast panel).
LEVEL_MEANINGS: dict[str, str] = {
    "administrator": "full control of the account",
    "iam-admin": "can create roles and policies, so can grant itself anything",
    "custom": "what the role's own policies allow; can act as its principals",
    "federated": "signs in as the roles mapped to the provider's users",
    "service-admin": "can administer the named services, not IAM",
    "security-audit": "can read security configuration and metadata",
    "read-only": "can read configuration and data the role's policies allow",
}

# A collapsed OU's card names the functions it holds in this short form when the names do not fit.
FUNCTION_ABBREVIATIONS: dict[str, str] = {
    "management": "MGMT",
    "identity": "ID",
    "log-archive": "LOG",
    "security-tooling": "SEC",
    "publishing": "PUB",
    "central-it": "IT",
    "network": "NET",
    "workload": "WL",
    "sandbox": "SBX",
    "deployment": "DEP",
    "backup": "BAK",
}

# Text drawn at a constant size on screen when the zoom makes the canvas's own text too small:
# OU titles, and the one-line name, id and badge of an account card (points; 8.5 is ~11 px).
SCREEN_TITLE_POINTS = 8.5
SCREEN_SMALL_TITLE_POINTS = 7.5  # when it shows more of a title in a narrow box
SCREEN_NAME_POINTS = 8.5
SCREEN_SMALL_NAME_POINTS = 7.5  # on a card too short on screen for the larger size
SCREEN_DETAIL_POINTS = 7.5
BADGE_POINTS = 6.5

__all__ = [
    "ENVIRONMENT_BADGES",
    "FUNCTION_COLOURS",
    "UNKNOWN_BADGE",
    "UNKNOWN_FILL",
    "VIEWS",
    "VIEW_TITLES",
    "function_colour",
]


@dataclass(frozen=True)
class EdgeStyle:
    label: str
    colour: str
    dash: Qt.PenStyle
    width: float


_DASHES = {
    "solid": Qt.PenStyle.SolidLine,
    "dash": Qt.PenStyle.DashLine,
    "dot": Qt.PenStyle.DotLine,
    "dash-dot": Qt.PenStyle.DashDotLine,
}
EDGE_STYLES: dict[str, EdgeStyle] = {
    kind: EdgeStyle(s.title, s.colour, _DASHES[s.dash], s.width) for kind, s in KIND_STYLES.items()
}


@cache
def pen(colour: str, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    result = QPen(QColor(colour), width, style)
    result.setCosmetic(width <= 1.0)
    return result


@cache
def screen_pen(colour: str, width: float) -> QPen:
    """A pen `width` pixels wide on screen whatever the zoom."""
    result = QPen(QColor(colour), width)
    result.setCosmetic(True)
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
