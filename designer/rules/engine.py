"""The rule engine: rules registered with their metadata, run over a design, waivers applied."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from designer.model.vocabulary import Structure

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
    DATA = "data"
    USAGE_POLICY = "usage-policy"


# The structure a rule is about, by its category; None: every design (seed and graph rules
# span structures and name theirs when they have one).
CATEGORY_STRUCTURE: dict[Category, Structure | None] = {
    Category.SEED: None,
    Category.ORGANIZATION: Structure.ORGANIZATION,
    Category.SCP: Structure.GUARDRAILS,
    Category.LOGGING: Structure.LOGGING,
    Category.IDENTITY: Structure.IDENTITY,
    Category.PUBLISHING: Structure.PUBLISHING,
    Category.DEPLOYMENT: None,
    Category.GRAPH: None,
    Category.DATA: Structure.ORGANIZATION,
    Category.USAGE_POLICY: None,  # what the design's own usage policy asks: always in scope
}


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
    # How the rule got there, one line each: the hops of a path, the policy or setting read.
    evidence: tuple[str, ...] = ()


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
    # The structure the rule is about (None: any design); see designer/rules/structures.py.
    structure: Structure | None = None


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Severity
    title: str
    message: str
    subjects: tuple[str, ...]
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class WaivedFinding:
    finding: Finding
    waiver: Waiver


@dataclass
class Report:
    findings: list[Finding]
    waived: list[WaivedFinding]
    stale_waivers: list[Waiver]
    # Findings of rules about structures the design does not cover, folded into one info
    # finding per structure (designer/rules/out_of_scope.py).
    folded: list[Finding] = field(default_factory=list)

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
    structure: Structure | Literal["by-category"] | None = "by-category",
) -> Callable[[Check], Check]:
    """Register a check function as a rule; ids are stable because waivers and CI name them.

    `structure`: the part of a design the rule is about, when its category does not say it
    (a SEED or GRAPH rule about logging, an ORG rule about security services)."""

    def register(check: Check) -> Check:
        if rule_id in REGISTRY:
            raise ValueError(f"rule id {rule_id} registered twice")
        about = CATEGORY_STRUCTURE[category] if structure == "by-category" else structure
        REGISTRY[rule_id] = Rule(
            rule_id,
            title,
            severity,
            category,
            rationale,
            remediation,
            tuple(references),
            check,
            about,
        )
        return check

    return register
