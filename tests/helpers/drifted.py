"""Two imports of one planned design, drifting apart as a live organization does."""

from __future__ import annotations

from designer.model import Design


def two_imports(planned: Design) -> tuple[Design, Design, str, str]:
    """Two imports of one organization (same ids, as imports of the same AWS things have):
    the baseline lacks the planned sandbox; by the second import the vendor's ExternalId
    changed."""
    baseline = planned.model_copy(deep=True)
    sandbox = next(a for a in baseline.accounts if a.name == "Developer Sandbox")
    baseline.accounts = [a for a in baseline.accounts if a.id != sandbox.id]
    baseline.relationships = [
        r for r in baseline.relationships if sandbox.id not in (r.source, r.target)
    ]
    baseline.layout.positions.pop(sandbox.id, None)
    live = baseline.model_copy(deep=True)
    trust = next(r for r in live.relationships if r.kind == "trust" and r.external_id)
    live.relationships = [
        r.model_copy(update={"external_id": "rotated-0001"}) if r.id == trust.id else r
        for r in live.relationships
    ]
    return baseline, live, sandbox.id, trust.id
