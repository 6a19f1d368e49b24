"""Answers in, design out: the structure, its usage policy, its layout and its decisions."""

from __future__ import annotations

from designer.drawing.layout import auto_layout
from designer.model import Design, Layout, NodeLayout, OrganizationalUnit, ServiceControlPolicy
from designer.model.answers import Answers
from designer.model.governance import OuRequirement, UsagePolicy
from designer.model.vocabulary import SENSITIVITY_ORDER, Environment, LogRequirement
from designer.wizard import access, security, sharing, workloads
from designer.wizard import structure as s
from designer.wizard import whitepaper as wp
from designer.wizard.builder import Builder

APPROVED_SERVICES = (
    "access-analyzer",
    "cloudformation",
    "cloudtrail",
    "cloudwatch",
    "config",
    "ec2",
    "guardduty",
    "iam",
    "kms",
    "logs",
    "organizations",
    "ram",
    "s3",
    "securityhub",
    "sso",
    "sts",
)
BASELINE = (
    "Root user MFA enabled and no root access keys in every account",
    "CloudTrail and AWS Config enabled in every account and allowed Region, delivered to Log "
    "Archive",
    "GuardDuty and Security Hub enabled in every account",
    "S3 Block Public Access enabled at account level",
    "People sign in through federation and use roles; no IAM users but break-glass",
)
ENCRYPTION = (
    "S3 default encryption with SSE-KMS",
    "EBS encryption by default",
    "TLS 1.2 or later for data in transit",
)


def build_design(answers: Answers, seed: str, name: str = "") -> Design:
    """The design these answers call for; `seed` (a uuid) makes its ids its own and stable."""
    b = Builder(answers, seed)
    land = s.Landing(b)
    s.add_management(b, land)
    scps = s.add_guardrails(b)
    security.add_security_ou(b, land)
    workloads.add_workload_ous(b, land)
    workloads.add_workload_accounts(b, land)
    access.add_identity(b, land)
    security.add_logging(b, land)
    security.protect_log_archive(b, land)
    security.add_baselines(b, land)
    sharing.add_publishing(b, land)
    sharing.add_shared_services(b, land)
    access.add_third_parties(b, land)
    workloads.add_procedural_ous(b)
    b.bill_members(land.management)
    design = Design(
        id=seed,
        name=name or f"{answers.organization_name} landing zone",
        description=_description(),
        organization=b.organization,
        organizational_units=b.ous,
        accounts=b.accounts,
        identity_providers=b.identity_providers,
        outside_principals=b.outside_principals,
        relationships=b.relationships,
        log_buckets=b.log_buckets,
        service_control_policies=b.scps,
        usage_policy=_usage_policy(b, land, scps),
        decisions=b.decisions,
        answers=answers,
    )
    design.layout = tree_layout(design)
    return design


def _baseline(answers: Answers) -> list[str]:
    extra = []
    if answers.central_logging:
        extra.append(
            "S3 server access logs and load balancer access logs on in every workload account, "
            "written in the account and Region and replicated to Log Archive"
        )
    if answers.recovery_audit_isolation:
        extra.append("Backups copied to the locked vault of the Backup account")
    return [*BASELINE, *extra]


def _description() -> str:
    """Says how the design was made, not what it holds (growing it must not make it stale)."""
    return (
        "Made with the new-design wizard from the answers kept in this design; File -> Grow "
        "Design by Answering Again (or account-designer grow) changes them, and only what "
        f'they change.\n\n{wp.WHITEPAPER}\n\n"{wp.Q_OVER_ENGINEER}"'
    )


def _usage_policy(
    b: Builder, land: s.Landing, scps: dict[str, ServiceControlPolicy]
) -> UsagePolicy:
    a = b.answers
    requirements: list[OuRequirement] = []
    for env, ou in land.environment_ous.items():
        if ou is land.workloads or any(r.ou == ou.id for r in requirements):
            continue
        same = [e for e, u in land.environment_ous.items() if u is ou]
        ceiling = max((a.data_sensitivity[e] for e in same), key=SENSITIVITY_ORDER.index)
        requirements.append(
            OuRequirement(
                ou=ou.id,
                required_scps=[scps["DenyRootUser"].id, scps["RegionRestriction"].id],
                log_delivery=LogRequirement.REQUIRED if env != Environment.SANDBOX else None,
                allowed_environments=same,
                max_data_sensitivity=None if env == Environment.PRODUCTION else ceiling,
            )
        )
    requirements.append(
        OuRequirement(
            ou=land.security.id,
            required_scps=[p.id for p in b.scps if p.name == "ProtectLogArchive"],
            log_delivery=LogRequirement.REQUIRED,
        )
    )
    suspended = _find(b.ous, "Suspended")
    if suspended is not None:
        requirements.append(
            OuRequirement(
                ou=suspended.id,
                required_scps=list(suspended.scps),
                log_delivery=LogRequirement.EXEMPT,
                note="Closed accounts: they can do nothing and log nothing.",
            )
        )
    return UsagePolicy(
        approved_services=list(APPROVED_SERVICES),
        allowed_regions=list(a.regions),
        required_encryption=list(ENCRYPTION),
        baseline=_baseline(a),
        ou_requirements=requirements,
        min_log_retention_days=a.log_retention_days,
        logs_encrypted_with_kms=True,
    )


def _find(units: list[OrganizationalUnit], name: str) -> OrganizationalUnit | None:
    return next((u for u in units if u.name == name and u.parent is None), None)


def tree_layout(design: Design) -> Layout:
    """The editor's automatic layout, containers included so empty OUs keep their place."""
    result = auto_layout(design)
    positions = {i: NodeLayout(x=x, y=y) for i, (x, y) in result.nodes.items()}
    positions.update({i: NodeLayout(x=box.x, y=box.y) for i, box in result.containers.items()})
    return Layout(positions=positions)
