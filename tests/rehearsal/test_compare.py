"""What the comparison explains away: the managed-policy gap of moto on trusts only."""

from __future__ import annotations

from designer.live.diff import CHANGED, MISSING, Change, DiffEntry
from designer.rehearsal.compare import _explainer
from designer.rehearsal.context import Outcome
from designer.rehearsal.plan import Step
from designer.rehearsal.substitutes import MANAGED_POLICIES_MISSING

GUARDDUTY, SSO = "guardduty.amazonaws.com", "sso.amazonaws.com"


def explain(entry: DiffEntry, bare: frozenset[str] = frozenset()) -> str | None:
    role = Step(1, "management-role:audit", "Create role Audit", "", "Management", None)
    outcome = Outcome(role, not_simulated=[MANAGED_POLICIES_MISSING])  # moto has none
    return _explainer([outcome], bare)(entry)[1]


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


def test_a_missing_trust_is_explained_only_when_its_role_was_found_granting_nothing() -> None:
    # moto lacks the AWS managed policy the role was given: the import finds a role with no
    # policy, which it does not show as a trust
    trust = DiffEntry(MISSING, "trust", "Tooling -> Dev role SecurityAudit", "t1", None)
    assert explain(trust, frozenset({"t1"})) == MANAGED_POLICIES_MISSING
    assert explain(trust) is None  # a role not there at all is a difference
