"""The rule engine: rules registered with their metadata, run over a design, waivers applied."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from designer.model.governance import Waiver
    from designer.rules.context import RuleContext


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """4 for critical down to 0 for info: higher is worse."""
        return len(SEVERITY_ORDER) - 1 - SEVERITY_ORDER.index(self)


SEVERITY_ORDER = tuple(Severity)  # worst first


class Category(StrEnum):
    SEED = "seed"
    ORGANIZATION = "organization"
    SCP = "scp"
    LOGGING = "logging"
    IDENTITY = "identity"
    PUBLISHING = "publishing"
    DEPLOYMENT = "deployment"
    GRAPH = "graph"


@dataclass(frozen=True)
class Hit:
    """What a rule reports: a message naming what is involved, and the ids to highlight."""

    message: str
    subjects: tuple[str, ...]
    severity: Severity | None = None  # None: the rule's own severity
    # Hits of one rule about the accounts of one scoped relationship become one finding (see
    # runner._merged). False for a hit about something else that merely names such a
    # relationship, e.g. a start node whose blast radius runs through it.
    merge: bool = True


Check = Callable[["RuleContext"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    category: Category
    rationale: str
    remediation: str
    references: tuple[str, ...]
    check: Check = field(repr=False, compare=False)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Severity
    title: str
    message: str
    subjects: tuple[str, ...]


@dataclass(frozen=True)
class WaivedFinding:
    finding: Finding
    waiver: Waiver


@dataclass
class Report:
    findings: list[Finding]
    waived: list[WaivedFinding]
    stale_waivers: list[Waiver]

    def counts(self) -> dict[Severity, int]:
        counts = dict.fromkeys(SEVERITY_ORDER, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def at_or_above(self, level: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.rank >= level.rank]


REGISTRY: dict[str, Rule] = {}


def rule(
    rule_id: str,
    title: str,
    severity: Severity,
    category: Category,
    *,
    rationale: str,
    remediation: str,
    references: Iterable[str],
) -> Callable[[Check], Check]:
    """Register a check function as a rule; ids are stable because waivers and CI name them."""

    def register(check: Check) -> Check:
        if rule_id in REGISTRY:
            raise ValueError(f"rule id {rule_id} registered twice")
        REGISTRY[rule_id] = Rule(
            rule_id, title, severity, category, rationale, remediation, tuple(references), check
        )
        return check

    return register
