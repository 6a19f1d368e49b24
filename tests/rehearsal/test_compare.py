"""What the comparison explains away: the managed-policy gap of moto on trusts only."""

from __future__ import annotations

from designer.live.diff import CHANGED, Change, DiffEntry
from designer.rehearsal.compare import _explainer
from designer.rehearsal.context import Outcome
from designer.rehearsal.plan import Step
from designer.rehearsal.substitutes import MANAGED_POLICIES_MISSING

GUARDDUTY, SSO = "guardduty.amazonaws.com", "sso.amazonaws.com"


def explain(entry: DiffEntry) -> str | None:
    role = Step(1, "management-role:audit", "Create role Audit", "", "Management", None)
    outcome = Outcome(role, not_simulated=[MANAGED_POLICIES_MISSING])  # moto has none
    return _explainer([outcome])(entry)[1]


def delegated(planned: list[str], live: list[str]) -> DiffEntry:
    change = Change("services", planned, live)
    return DiffEntry(CHANGED, "delegated-admin", "Security Tooling", "d1", "d1", (change,))


def test_a_delegable_service_missing_from_a_delegated_administrator_is_a_difference() -> None:
    assert explain(delegated([GUARDDUTY, SSO], [SSO])) is None


def test_a_service_moto_cannot_delegate_is_explained_as_such() -> None:
    why = explain(delegated([GUARDDUTY, SSO], [GUARDDUTY]))
    assert why == "moto registers delegated administrators for a few services only"


def test_a_trust_s_managed_policy_fields_are_explained_by_moto_s_missing_policies() -> None:
    changes = (
        Change("managed policies", ["arn:aws:iam::aws:policy/SecurityAudit"], []),
        Change("services", ["securityhub"], []),
        Change("access level", "read-only", "custom"),
    )
    trust = DiffEntry(CHANGED, "trust", "role SecurityAudit", "t1", "t1", changes)
    why = explain(trust)
    assert why is not None
    assert MANAGED_POLICIES_MISSING in why
    changes += (Change("require MFA", True, False),)
    assert explain(DiffEntry(CHANGED, "trust", "role SecurityAudit", "t1", "t1", changes)) is None
