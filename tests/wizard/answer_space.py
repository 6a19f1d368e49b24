"""The wizard's answer space, as values to combine: every question, its distinct answers."""

from __future__ import annotations

from typing import Any

from designer.model.answers import CEILINGS, Answers
from designer.model.vocabulary import Environment
from designer.wizard.questions import WHITEPAPER_QUESTIONS
from tests.helpers.pairwise import pairwise

QUESTIONS = WHITEPAPER_QUESTIONS
ENVIRONMENTS = (
    ["production"],
    ["production", "development"],
    ["production", "non-production", "development", "sandbox"],
    ["development", "sandbox"],
    ["non-production", "sandbox"],
)
SPACE: dict[str, list[Any]] = {
    **{q: [True, False] for q in QUESTIONS},
    "business_units": [["Engineering"], ["Retail", "Payments", "R&D"]],
    "environments": list(ENVIRONMENTS),
    "sensitivity": ["least", "most"],
    "regions": [["us-east-1"], ["eu-west-1", "eu-central-1", "eu-north-1"]],
    "identity_source": ["saml", "active-directory", "identity-center", "none"],
    "security_team": ["information-security", "central-it", "both"],
    "published": [[], ["amis"], ["amis", "snapshots", "portfolios", "templates"]],
    "third_parties": [
        [],
        [{"name": "Example Auditors"}],
        [
            {"name": "Example Auditors", "aws_account_id": "111122223333"},
            {"name": "Monitoring Vendor", "role_name": "CollectorRole", "reason": "Metrics"},
        ],
    ],
    "log_retention_days": [1, 365, 3650],
}


def answers_from(row: dict[str, Any]) -> Answers:
    """Answers for one row of the space; 'sensitivity' picks the least or most each may hold."""
    fields = {k: v for k, v in row.items() if k != "sensitivity"}
    most = row["sensitivity"] == "most"
    fields["data_sensitivity"] = {
        env: CEILINGS[Environment(env)] if most else ("public" if env == "sandbox" else "internal")
        for env in row["environments"]
    }
    return Answers.model_validate(fields)


def sample() -> list[Answers]:
    """A pairwise-covering sample of the whole space."""
    return [answers_from(row) for row in pairwise(SPACE)]
