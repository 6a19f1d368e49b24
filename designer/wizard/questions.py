"""The wizard's questions, in the order asked: the whitepaper's eight, then sizing.

One table read by the GUI wizard's pages, `new --print-questions` and the list of changed
answers shown when the wizard runs again. Each question names the Answers field it fills.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from designer.wizard import whitepaper as wp

MULTIPLE: Final = wp.S_MULTIPLE
SECURITY: Final = wp.S_SECURITY
SIZING: Final = "Sizing"
ORGANIZATION: Final = "Organization"
SECTIONS: Final = (ORGANIZATION, MULTIPLE, SECURITY, SIZING)


@dataclass(frozen=True)
class Question:
    key: str  # the Answers field
    section: str
    prompt: str
    effect: str  # what the answer changes in the structure
    quote: str = ""  # the whitepaper's reasoning, verbatim
    choices: str = ""  # the values an answers file may give, when they are a fixed list


QUESTIONS: Final[tuple[Question, ...]] = (
    Question(
        "organization_name",
        ORGANIZATION,
        "What is the organization called?",
        "Names the organization and prefixes the log bucket names.",
    ),
    Question(
        "email_domain",
        ORGANIZATION,
        "Which e-mail domain receives the accounts' root user mail?",
        "Each account gets aws-<account>@<domain>; AWS needs a unique address per account.",
    ),
    Question(
        "administrative_isolation",
        MULTIPLE,
        wp.Q_ADMIN_ISOLATION,
        "Yes: each business unit gets its own account per environment. No: business units "
        "share one account per environment.",
        wp.Q_ADMIN_ISOLATION_WHY,
    ),
    Question(
        "limited_visibility",
        MULTIPLE,
        wp.Q_VISIBILITY,
        "Yes: each business unit gets an OU per environment, and its administrators' role "
        "reaches only that OU.",
        wp.Q_VISIBILITY_WHY,
    ),
    Question(
        "blast_radius_isolation",
        MULTIPLE,
        wp.Q_BLAST_RADIUS,
        "Yes: Prod, Non-prod and Sandbox OUs, each with its own data ceiling and required "
        "guardrails, plus Suspended and Policy Staging OUs.",
        wp.Q_BLAST_RADIUS_WHY,
    ),
    Question(
        "recovery_audit_isolation",
        MULTIPLE,
        wp.Q_RECOVERY,
        "Yes: a Backup account in the Security OU, and CloudTrail logs under Object Lock in "
        "compliance mode (governance mode otherwise).",
        wp.Q_RECOVERY_WHY,
    ),
    Question(
        "central_identities",
        SECURITY,
        wp.Q_CENTRAL_IDENTITIES,
        "Yes: an Identity account where people sign in and from which roles reach the other "
        "accounts. No: IAM Identity Center in the management account assigns access directly.",
        wp.Q_IDENTITY,
    ),
    Question(
        "central_logging",
        SECURITY,
        wp.Q_CENTRAL_LOGGING,
        "Yes: workload accounts also deliver VPC flow logs to Log Archive for analysis, and the "
        "usage policy asks for S3 access and load balancer logs, replicated there. The "
        "organization trail and AWS Config always go there.",
        wp.Q_LOGGING,
    ),
    Question(
        "security_baselines",
        SECURITY,
        wp.Q_BASELINES,
        "Yes: Security Tooling also administers StackSets, Inspector and Detective, so the "
        "security team deploys baselines itself. Its audit roles exist either way.",
        wp.Q_INFOSEC,
    ),
    Question(
        "central_publishing",
        SECURITY,
        wp.Q_CENTRAL_PUBLISHING,
        "Yes: a Publishing account that shares what is published with the Workloads OU.",
        wp.Q_PUBLISHING,
    ),
    Question(
        "business_units",
        SIZING,
        "Which business units or teams run workloads?",
        "One name per unit: accounts (and, with limited visibility, OUs and roles) per unit.",
    ),
    Question(
        "environments",
        SIZING,
        "Which environments do they run?",
        "One workload account per environment (and unit); non-production accounts are named "
        "Staging; sandbox accounts go to a Sandbox OU.",
        choices="production, non-production, development, sandbox",
    ),
    Question(
        "data_sensitivity",
        SIZING,
        "How sensitive is the most sensitive data each environment holds?",
        "Sets each account's classification and each OU's data ceiling; restricted data stays "
        "in production.",
        choices="public, internal, confidential, restricted",
    ),
    Question(
        "regions",
        SIZING,
        "Which AWS Regions may be used?",
        "The usage policy's Regions, enforced by the RegionRestriction SCP.",
    ),
    Question(
        "identity_source",
        SIZING,
        "Which identity source exists today?",
        "The identity provider people sign in with.",
        choices="saml, active-directory, identity-center, none",
    ),
    Question(
        "security_team",
        SIZING,
        "Who runs security?",
        "Owns the Security OU; Central IT also gets a Shared Services account.",
        wp.Q_HYBRID,
        choices="information-security, central-it, both",
    ),
    Question(
        "published",
        SIZING,
        "What is published centrally?",
        "One share per kind from the Publishing account (asked when publishing is wanted).",
        choices="amis, snapshots, portfolios, templates",
    ),
    Question(
        "third_parties",
        SIZING,
        "Which third parties need access?",
        "Each gets a read-only role in the workload accounts, assumable by one role of its "
        "account and with an external id.",
        choices="name, and optionally aws_account_id, role_name, external_id, reason",
    ),
    Question(
        "log_retention_days",
        SIZING,
        "How many days must logs be kept by regulation?",
        "The Object Lock retention of the CloudTrail bucket and the usage policy's minimum.",
    ),
)


# The whitepaper's eight yes / no questions, in the order asked.
WHITEPAPER_QUESTIONS: Final[tuple[str, ...]] = tuple(
    q.key for q in QUESTIONS if q.section in (MULTIPLE, SECURITY)
)


def question(key: str) -> Question:
    return next(q for q in QUESTIONS if q.key == key)


def answer_text(value: Any) -> str:
    """An answer as a person reads it: yes / no, lists joined, third parties by name."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(answer_text(v) for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    name = getattr(value, "name", None)
    if isinstance(name, str) and hasattr(type(value), "model_fields"):
        return name
    return str(value)
