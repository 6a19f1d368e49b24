"""The largest answers the wizard accepts still give a valid, deployable design: the most
business units with the longest names, shared or separate accounts, many third parties."""

from __future__ import annotations

import pytest

from designer.model import check_design, new_id
from designer.model.answers import MAX_BUSINESS_UNITS, Answers
from designer.wizard.build import build_design

LONG = "Business Unit With A Rather Long Name Number"  # 44 characters, 3 digits follow
UNITS = [f"{LONG} {n:03d}" for n in range(MAX_BUSINESS_UNITS)]
ALL = {"production": "restricted", "non-production": "confidential", "development": "internal",
       "sandbox": "public"}  # fmt: skip
AWS_EMAIL_LIMIT = 64  # Organizations CreateAccount: Email is 6 to 64 characters


@pytest.mark.parametrize("separate", [True, False])
def test_the_most_and_longest_business_units_give_a_valid_design(separate: bool) -> None:
    answers = Answers.model_validate(
        {
            "email_domain": "accounts.subsidiary-example-holdings.com",
            "business_units": UNITS,
            "administrative_isolation": separate,
            "limited_visibility": separate,
            "environments": list(ALL),
            "data_sensitivity": ALL,
            "third_parties": [{"name": f"{LONG} Vendor {n:02d}"} for n in range(50)],
        }
    )
    design = build_design(answers, new_id())
    assert check_design(design) == []
    emails = [a.email or "" for a in design.accounts]
    assert len(set(emails)) == len(emails)
    assert max(len(e) for e in emails) <= AWS_EMAIL_LIMIT
    core = ["Management", "Log Archive", "Security Tooling", "Backup", "Identity"]
    assert len(design.accounts) == (4 * MAX_BUSINESS_UNITS if separate else 4) + len(core)
