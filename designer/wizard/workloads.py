"""Where the workloads go: OUs per environment (and business unit), accounts per business unit
and environment, and the procedural OUs."""

from __future__ import annotations

from designer.artefacts import guardrails
from designer.model.vocabulary import (
    SENSITIVITY_ORDER,
    DataSensitivity,
    Environment,
)
from designer.wizard import whitepaper as wp
from designer.wizard.builder import Builder
from designer.wizard.structure import (
    ENVIRONMENT_NAMES,
    NON_PROD,
    PLATFORM,
    SHARED,
    F,
    Landing,
    names,
    some,
)


# -- workloads -----------------------------------------------------------------------------------
def _group(b: Builder, env: Environment) -> tuple[str, str]:
    if env == Environment.PRODUCTION:
        return "Prod", "Production workloads."
    ceiling = b.answers.data_sensitivity[env]
    if env == Environment.SANDBOX:
        return "Sandbox", f"Experiments, apart from the workloads; data up to {ceiling}."
    lower = [b.answers.data_sensitivity[e] for e in b.answers.environments if e in NON_PROD]
    highest = max(lower, key=SENSITIVITY_ORDER.index)
    return "Non-prod", f"Development and staging workloads; data up to {highest} (masked copies)."


def add_workload_ous(b: Builder, land: Landing) -> None:
    a = b.answers
    land.workloads = b.add_ou("Workloads", "Business workloads.")
    for env in a.environments:
        if not a.blast_radius_isolation:
            land.environment_ous[env] = land.workloads
            continue
        name, text = _group(b, env)
        existing = next((u for u in land.environment_ous.values() if u.name == name), None)
        if existing is None:
            parent = None if env == Environment.SANDBOX else land.workloads
            existing = b.add_ou(name, text, parent=parent)
        land.environment_ous[env] = existing
    if a.limited_visibility:
        for env in a.environments:
            for unit in a.business_units:
                home = land.environment_ous[env]
                key = (env, unit)
                found = next(
                    (
                        o
                        for (e, u), o in land.unit_ous.items()
                        if u == unit and land.environment_ous[e] is home
                    ),
                    None,
                )
                land.unit_ous[key] = found or b.add_ou(
                    unit, f"{unit}: visible only to {unit}'s own administrators.", parent=home
                )


def add_workload_accounts(b: Builder, land: Landing) -> None:
    a = b.answers
    units = a.business_units if a.separate_units else [SHARED]
    for env in a.environments:
        for unit in units:
            parent = land.unit_ous.get((env, unit), land.environment_ous[env])
            function = F.SANDBOX if env == Environment.SANDBOX else F.WORKLOAD
            label = ENVIRONMENT_NAMES[env]
            whose = unit if a.separate_units else f"the business units ({some(a.business_units)})"
            land.workload_accounts.append(
                b.add_account(
                    f"{unit} {label}" if a.separate_units else f"Workloads {label}",
                    function,
                    f"{label} workloads of {whose}.",
                    parent=parent,
                    owner=unit if a.separate_units else PLATFORM,
                    business_unit=unit,
                    environment=env,
                    sensitivity=a.data_sensitivity[env],
                )
            )
    _decide_workloads(b, land)


def _decide_workloads(b: Builder, land: Landing) -> None:
    a = b.answers
    envs = ", ".join(ENVIRONMENT_NAMES[e] for e in a.environments)
    if a.separate_units:
        b.decide(
            "Administrative isolation",
            f"Each business unit ({len(a.business_units)}) has its own account per environment "
            f"({envs}).",
            "Independent administrative groups get control of their own accounts only.",
            [wp.cite(wp.S_MULTIPLE, wp.Q_ADMIN_ISOLATION_WHY), wp.AWS_OUS],
            [land.workloads, *land.workload_accounts],
        )
    else:
        b.decide(
            "Shared workload accounts",
            f"Business units share one workload account per environment ({envs}).",
            "No administrative isolation or limited visibility was asked for, so the structure "
            "starts small; answering again adds accounts per business unit.",
            [wp.cite(wp.S_GENERAL, wp.Q_OVER_ENGINEER)],
            [land.workloads, *land.workload_accounts],
        )
    env_ous = list(
        {u.id: u for u in land.environment_ous.values() if u is not land.workloads}.values()
    )
    if a.blast_radius_isolation:
        b.decide(
            "Blast radius",
            f"Environments sit in OUs of their own ({names(env_ous)}), each with the data "
            "ceiling and required guardrails of its own usage-policy requirement.",
            "A breach, a mistake or a policy change in one environment stays in its OU.",
            [wp.cite(wp.S_MULTIPLE, wp.Q_BLAST_RADIUS_WHY), wp.AWS_OUS],
            env_ous,
        )
    if a.limited_visibility:
        b.decide(
            "Limited visibility",
            "Each business unit has an OU in each environment, and its administrators' role "
            "reaches only that OU.",
            "Workloads cannot be seen by other business units unless access is granted.",
            [wp.cite(wp.S_MULTIPLE, wp.Q_VISIBILITY_WHY)],
            list(land.unit_ous.values()),
        )


def add_procedural_ous(b: Builder) -> None:
    """Suspended and Policy Staging: where a closing account or a changed SCP can do no harm."""
    if not b.answers.blast_radius_isolation:
        return
    rail = guardrails.deny_all_suspended()
    scp = b.add_scp(rail.name, rail.description, rail.document, rail.aws_managed)
    suspended = b.add_ou("Suspended", "Accounts waiting to be closed.", scps=[scp])
    staging = b.add_ou(
        "Policy Staging", "New and changed SCPs are tried here before they reach workloads."
    )
    tester = b.add_account(
        "Policy Staging Test",
        F.SANDBOX,
        "Receives new and changed SCPs before they are attached to the workload OUs; no "
        "company data.",
        parent=staging,
        owner=PLATFORM,
        business_unit=PLATFORM,
        environment=Environment.TEST,
        sensitivity=DataSensitivity.PUBLIC,
    )
    b.decide(
        "Procedural OUs",
        "A Suspended OU denies everything to accounts being closed; a Policy Staging OU takes "
        "new and changed SCPs before the workload OUs do.",
        "Account suspensions and policy mistakes are blast-radius events too.",
        [wp.cite(wp.S_MULTIPLE, wp.Q_BLAST_RADIUS_WHY), wp.AWS_OUS],
        [suspended, staging, tester, scp],
    )
