"""Analyses shared by the rules, the GUI and the exporters (no Qt): blast radius (radius.py),
role-level attack paths (paths.py), trust loops and log / audit coverage (coverage.py), the
account inventory (inventory.py)."""

from designer.analysis.coverage import (
    ADMIN_RANK,
    TrustLoop,
    audit_coverage,
    log_coverage,
    trust_cycles,
    trust_loops,
)
from designer.analysis.paths import Attack, AttackPath, Hop, RoleGraph
from designer.analysis.radius import (
    ACCESS_RANK,
    PIVOT_LEVELS,
    AccessIndex,
    BlastRadius,
    ReachedAccount,
    access_index,
    access_level,
    blast_radius,
)

__all__ = [
    "ACCESS_RANK",
    "ADMIN_RANK",
    "PIVOT_LEVELS",
    "AccessIndex",
    "Attack",
    "AttackPath",
    "BlastRadius",
    "Hop",
    "ReachedAccount",
    "RoleGraph",
    "TrustLoop",
    "access_index",
    "access_level",
    "audit_coverage",
    "blast_radius",
    "log_coverage",
    "trust_cycles",
    "trust_loops",
]
