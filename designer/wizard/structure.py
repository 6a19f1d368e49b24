"""The steps that turn answers into structure, each recording the decision it took and why:
the landing (management account, guardrails) here; security.py, workloads.py, access.py and
sharing.py the rest; build.py runs them in order."""

from __future__ import annotations

from designer.artefacts import guardrails
from designer.model import (
    Account,
    OrganizationalUnit,
    ServiceControlPolicy,
)
from designer.model.answers import SecurityTeam
from designer.model.vocabulary import (
    AccountFunction,
    DataSensitivity,
    Environment,
)
from designer.wizard import whitepaper as wp
from designer.wizard.builder import Builder

F = AccountFunction
NON_PROD = (Environment.NON_PRODUCTION, Environment.DEVELOPMENT)
ENVIRONMENT_NAMES: dict[Environment, str] = {
    Environment.PRODUCTION: "Production",
    Environment.NON_PRODUCTION: "Staging",
    Environment.DEVELOPMENT: "Development",
    Environment.SANDBOX: "Sandbox",
}
PLATFORM = "Cloud Platform"
SHARED = "Shared"  # the business unit of workload accounts all units share
INFOSEC = "Information Security"
CENTRAL_IT = "Central IT"


# Security services the security-tooling account always administers (rule ORG-09) and those
# a security-baselines programme adds.
class Landing:
    """The OUs and accounts every design has, found by role rather than by name."""

    def __init__(self, b: Builder) -> None:
        self.b = b
        self.security: OrganizationalUnit
        self.infrastructure: OrganizationalUnit | None = None
        self.workloads: OrganizationalUnit
        self.environment_ous: dict[Environment, OrganizationalUnit] = {}
        self.unit_ous: dict[tuple[Environment, str], OrganizationalUnit] = {}
        self.management: Account
        self.log_archive: Account
        self.tooling: Account
        self.identity: Account | None = None
        self.shared_services: Account | None = None
        self.workload_accounts: list[Account] = []

    def infrastructure_owner(self) -> str:
        """Who owns the shared infrastructure accounts: Central IT when it runs security."""
        central = self.b.answers.security_team != SecurityTeam.INFORMATION_SECURITY
        return CENTRAL_IT if central else PLATFORM

    def infrastructure_ou(self) -> OrganizationalUnit:
        if self.infrastructure is None:
            self.infrastructure = self.b.add_ou(
                "Infrastructure", "Shared infrastructure: identity, publishing, shared services."
            )
        return self.infrastructure


# -- organization, management account, guardrails -----------------------------------------------
def add_management(b: Builder, land: Landing) -> None:
    land.management = b.add_account(
        "Management",
        F.MANAGEMENT,
        "Consolidated billing and AWS Organizations administration only: no workloads, no "
        "IAM users for other teams, no log storage and no security tooling. One IAM user "
        "exists for break-glass access, its credentials in a safe.",
        parent=None,
        owner=PLATFORM,
        business_unit=PLATFORM,
        sensitivity=DataSensitivity.CONFIDENTIAL,
        iam_users=1,
    )
    b.organization = b.organization.model_copy(update={"management_account": land.management.id})
    b.decide(
        "Management account",
        "The management account pays the bills and runs AWS Organizations, nothing else.",
        "It cannot be restricted by service control policies, so anything placed in it is out "
        "of reach of the guardrails; security duties go to separate accounts.",
        [wp.cite(wp.S_HYBRID, wp.Q_BILLING), wp.AWS_MANAGEMENT],
        [land.management],
    )


def add_guardrails(b: Builder) -> dict[str, ServiceControlPolicy]:
    regions = b.answers.regions
    rails = [
        guardrails.full_aws_access(),
        guardrails.organization_guardrails(),
        guardrails.protect_security_services(),
        guardrails.deny_root_user(),
        guardrails.region_restriction(regions),
    ]
    made = [b.add_scp(r.name, r.description, r.document, r.aws_managed) for r in rails]
    b.organization = b.organization.model_copy(update={"root_scps": [p.id for p in made]})
    b.decide(
        "Guardrails from the usage policy",
        f"Every account is kept in the organization, its CloudTrail, AWS Config and security "
        f"services cannot be stopped, its root user cannot act, and regional services run only "
        f"in {', '.join(regions)}.",
        "The usage policy states the minimal baseline; service control policies at the root "
        "enforce it for every account, present and future, and the accounts' own "
        "administrators cannot lift them.",
        [wp.cite(wp.S_GENERAL, wp.Q_USAGE_POLICY), wp.AWS_SCP_EXAMPLES],
        made,
    )
    return {p.name: p for p in made}


def some(names: list[str], shown: int = 5) -> str:
    """Names for a sentence: all of a few, the first few and a count of many."""
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"


def names_of(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def names(units: list[OrganizationalUnit]) -> str:
    return names_of([u.name for u in units])
