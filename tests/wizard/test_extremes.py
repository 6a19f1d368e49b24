"""The largest answers the wizard accepts still give a valid, deployable design: the most
business units with the longest names, shared or separate accounts, many third parties."""

from __future__ import annotations

import pytest

from designer.model import check_design, new_id
from designer.model.answers import MAX_BUSINESS_UNITS, Answers
from designer.wizard.build import build_design

LONG = "Business Unit Long Name"  # 23 characters; " 123" makes 27 of the 30 allowed
UNITS = [f"{LONG} {n:03d}" for n in range(MAX_BUSINESS_UNITS)]
AWS_LIMITS = {"account name": 50, "role name": 64, "permission set": 32}
ALL = {"production": "restricted", "non-production": "confidential", "development": "internal",
       "sandbox": "public"}  # fmt: skip
AWS_EMAIL_LIMIT = 64  # Organizations CreateAccount: Email is 6 to 64 characters


@pytest.mark.parametrize("separate", [True, False])
def test_the_most_and_longest_business_units_give_a_valid_design(separate: bool) -> None:
    """With separate units the identity account is left out, so every unit also gets a
    permission set of its own (IAM Identity Center assigning access directly)."""
    answers = Answers.model_validate(
        {
            "email_domain": "accounts.subsidiary-example-holdings.com",
            "business_units": UNITS,
            "administrative_isolation": separate,
            "limited_visibility": separate,
            "environments": list(ALL),
            "data_sensitivity": ALL,
            "central_identities": not separate,
            "third_parties": [{"name": f"{LONG} Vendor {n:02d}"} for n in range(50)],
        }
    )
    design = build_design(answers, new_id())
    assert check_design(design) == []
    emails = [a.email or "" for a in design.accounts]
    assert len(set(emails)) == len(emails)
    assert max(len(e) for e in emails) <= AWS_EMAIL_LIMIT
    core = ["Management", "Log Archive", "Security Tooling", "Backup", "Policy Staging Test"] + (
        [] if separate else ["Identity"]
    )
    assert len(design.accounts) == (4 * MAX_BUSINESS_UNITS if separate else 4) + len(core)
    longest = {
        "account name": max(len(a.name) for a in design.accounts),
        "role name": max(
            len(n)
            for r in design.relationships
            if r.kind == "trust"
            for n in (r.role_name, r.principal_role_name or "")
        ),
        "permission set": max(
            (
                len(p)
                for r in design.relationships
                if r.kind == "federation"
                for p in r.permission_sets
            ),
            default=0,
        ),
    }
    assert all(longest[k] <= AWS_LIMITS[k] for k in AWS_LIMITS), longest
