"""The rehearsal's report: steps run / substituted / manual / not simulated / failed, the
checks' failures, the diff, as text for people and JSON for machines."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from designer.rehearsal.checks import Failure
from designer.rehearsal.compare import Comparison, describe
from designer.rehearsal.context import FAILED, MANUAL, NOT_SIMULATED, RUN, SUBSTITUTED, Outcome

FORMATS = ("text", "json")
STATUSES = (RUN, SUBSTITUTED, MANUAL, NOT_SIMULATED, FAILED)


@dataclass
class Rehearsal:
    export: str
    endpoint: str
    outcomes: list[Outcome] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    comparison: Comparison | None = None
    steps_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return (
            not self.failures
            and all(o.status != FAILED for o in self.outcomes)
            and self.comparison is not None
            and not self.comparison.unexplained
        )

    def counts(self) -> dict[str, int]:
        found = Counter(o.status for o in self.outcomes)
        return {s: found.get(s, 0) for s in STATUSES}

    def substitutions(self) -> list[str]:
        """Each substitution once (a StackSet's per-account stacks repeat them)."""
        return list(dict.fromkeys(s for o in self.outcomes for s in o.substituted))

    def as_json(self) -> dict[str, Any]:
        return {
            "export": self.export,
            "endpoint": self.endpoint,
            "passed": self.passed,
            "counts": self.counts(),
            "steps": [o.as_json() for o in self.outcomes],
            "substitutions": self.substitutions(),
            "check_failures": [f.as_json() for f in self.failures],
            "comparison": self.comparison.as_json() if self.comparison else None,
            "seconds": {"steps": round(self.steps_seconds, 2), "total": round(self.seconds, 2)},
        }


def format_report(rehearsal: Rehearsal, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(rehearsal.as_json(), indent=2, ensure_ascii=False) + "\n"
    return _text(rehearsal)


def _text(r: Rehearsal) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in r.counts().items())
    verdict = "PASSED" if r.passed else "FAILED"
    lines = [
        f"rehearsal of {r.export} on {r.endpoint}: {verdict}",
        f"{len(r.outcomes)} steps: {counts} ({r.steps_seconds:.1f} s; {r.seconds:.1f} s in all)",
    ]
    failed = [o for o in r.outcomes if o.status == FAILED]
    if failed:
        lines += ["", "Failed steps:"]
        lines += [f"  {o.step.label}: {_line(o.detail)}" for o in failed]
    if r.failures:
        lines += ["", "Check failures:"]
        lines += [f"  [{f.check}] {_line(f.message)}" for f in r.failures]
    manual = [o for o in r.outcomes if o.status == MANUAL]
    if manual:
        lines += ["", "Manual (not rehearsed):"]
        lines += [f"  {o.step.label}: {_line(o.detail)}" for o in manual]
    gaps = [o for o in r.outcomes if o.status == NOT_SIMULATED or o.not_simulated]
    if gaps:
        lines += ["", "Not simulated by the emulator:"]
        for o in gaps:
            for reason in ([o.detail] if o.detail and o.status == NOT_SIMULATED else []) + list(
                dict.fromkeys(o.not_simulated)
            ):
                lines.append(f"  {o.step.label}: {_line(reason)}")
    substitutions = r.substitutions()
    if substitutions:
        lines += ["", "Substituted (what the rehearsal did instead of moto's CloudFormation):"]
        lines += [f"  {_line(s)}" for s in substitutions]
    if r.comparison is not None:
        c = r.comparison
        lines += ["", f"Import and diff ({c.accounts_read} accounts read, {c.seconds:.1f} s): "
                  f"{len(c.unexplained)} differences, {len(c.explained)} explained"]  # fmt: skip
        lines += [f"  {describe(e)}" for e in c.unexplained]
        if c.added:
            lines += ["", "Expected besides the design (the export adds them by design):"]
            lines += [f"  {_line(a)}" for a in c.added]
        if c.explained:
            lines += ["", "Explained differences:"]
            lines += [f"  {describe(e)}  [{_line(why)}]" for e, why in c.explained]
        if c.gaps:
            lines += ["", "What the import could not read:"]
            lines += [f"  {_line(g)}" for g in c.gaps]
    return "\n".join(lines) + "\n"


def _line(text: str) -> str:
    return " ".join(text.split())
