"""global-config.yaml (Regions, the organization trail to the logging account) and
security-config.yaml (delegated administrators of the security services, AWS Config)."""

from __future__ import annotations

import json
import re
from typing import Any

from designer.engines.lza import GLOBAL_FILE, SECURITY_FILE
from designer.engines.lza.fields import At, flag, mapping, optional_text, texts
from designer.engines.lza.state import State
from designer.engines.lza.write_services import (
    ACCESS_ANALYZER,
    CONFIG,
    IDENTITY_CENTER,
    NEUTRAL_GLOBAL,
    NEUTRAL_SECURITY,
    SECURITY_SERVICES,
)
from designer.model.ids import stable_id
from designer.model.relationships import DelegatedAdminRelationship, LogDeliveryRelationship
from designer.model.vocabulary import AccountFunction, IdentityProviderKind, LogType

# Settings the design holds (or another gap names): the rest are reported unless they are what
# an LZA export writes back anyway (write_services.NEUTRAL_*).
HELD_GLOBAL = {
    "homeRegion",
    "enabledRegions",
    "logging.account",
    "logging.cloudtrail.enable",
    "logging.cloudtrail.organizationTrail",
    "logging.cloudtrail.organizationTrailSettings.multiRegionTrail",
    "logging.cloudtrail.accountTrails",
    "logging.centralLogBucket.lifecycleRules",
}
HELD_SECURITY = {
    "centralSecurityServices.delegatedAdminAccount",
    *(f"centralSecurityServices.{key}.enable" for key in SECURITY_SERVICES.values()),
    "accessAnalyzer.enable",
    "awsConfig.enableConfigurationRecorder",
    "awsConfig.enableDeliveryChannel",
    "awsConfig.aggregation.enable",
    "awsConfig.aggregation.delegatedAdminAccount",
}
_MISSING = object()
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")


def _regions(state: State, data: dict[str, Any], at: At) -> None:
    home = optional_text(data, "homeRegion", at)
    enabled = texts(data.get("enabledRegions"), at / "enabledRegions")
    regions = [r for r in dict.fromkeys([*([home] if home else []), *enabled]) if _REGION.match(r)]
    state.regions = regions


def _delivery(state: State, log_type: LogType, extra: dict[str, Any]) -> None:
    if state.logging_account is None:
        return
    state.relationships.append(
        LogDeliveryRelationship(
            id=stable_id("lza", "log-delivery", str(log_type)),
            source=state.organization_id,
            target=state.logging_account,
            log_types=[log_type],
            **extra,
        )
    )


def read_global(state: State, data: dict[str, Any]) -> None:
    at = At(GLOBAL_FILE)
    _regions(state, data, at)
    # LZA's default central logging Region is the home Region, as an export leaves it.
    home = {"logging": {"centralizedLoggingRegion": data.get("homeRegion")}}
    neutral = {**NEUTRAL_GLOBAL, "logging": {**NEUTRAL_GLOBAL["logging"], **home["logging"]}}
    _unheld(state, at, data, HELD_GLOBAL, neutral)
    logging = mapping(data.get("logging"), at / "logging")
    account = optional_text(logging, "account", at / "logging")
    if account is not None:
        state.logging_account = state.account(account, at / "logging" / "account").id
    trail_at = at / "logging" / "cloudtrail"
    trail = mapping(logging.get("cloudtrail"), trail_at)
    if flag(trail, "enable", trail_at) and flag(trail, "organizationTrail", trail_at):
        settings_at = trail_at / "organizationTrailSettings"
        settings = mapping(trail.get("organizationTrailSettings"), settings_at)
        multi = flag(settings, "multiRegionTrail", settings_at, default=True)
        _delivery(state, LogType.CLOUDTRAIL, {"multi_region": multi})
    if trail.get("accountTrails"):
        state.report.gap((trail_at / "accountTrails").label, "account trails are not read")
    bucket = mapping(logging.get("centralLogBucket"), at / "logging" / "centralLogBucket")
    if bucket.get("lifecycleRules"):
        where = (at / "logging" / "centralLogBucket" / "lifecycleRules").label
        state.report.gap(where, "LZA's central log bucket and its lifecycle are not modelled")


def _leaves(data: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every setting of a file: a mapping's values, down to anything that is no mapping."""
    if isinstance(data, dict) and data:
        return [leaf for k, v in data.items() for leaf in _leaves(v, (*path, str(k)))]
    return [(path, data)]


def _written(neutral: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(neutral, dict) or key not in neutral:
            return _MISSING
        neutral = neutral[key]
    return neutral


def _unheld(
    state: State, at: At, data: dict[str, Any], held: set[str], neutral: dict[str, Any]
) -> None:
    """A gap for each setting the design does not hold and an LZA export would not write
    back as it is: converting and exporting again must not change a setting unseen."""
    for path, value in _leaves(data):
        dotted = ".".join(path)
        if any(dotted == h or dotted.startswith(h + ".") for h in held):
            continue
        if value in (None, {}, []) or _written(neutral, path) == value:
            continue
        shown = json.dumps(value, default=str)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        after = _written(neutral, path)
        back = "left out" if after is _MISSING else f"gives {json.dumps(after)}"
        state.report.gap(
            At(at.file, path).label,
            f"{shown} is not held by the design (an LZA export: {back})",
        )


def _delegate(state: State, admin: str, services: list[str]) -> None:
    if state.management is None or not services:
        return
    for i, rel in enumerate(state.relationships):
        if rel.kind == "delegated-admin" and rel.target == admin:
            merged = list(dict.fromkeys([*rel.service_principals, *services]))
            state.relationships[i] = rel.model_copy(update={"service_principals": merged})
            return
    state.relationships.append(
        DelegatedAdminRelationship(
            id=stable_id("lza", "delegated-admin", admin),
            source=state.management,
            target=admin,
            service_principals=services,
        )
    )


def read_security(state: State, data: dict[str, Any]) -> None:
    at = At(SECURITY_FILE)
    _unheld(state, at, data, HELD_SECURITY, NEUTRAL_SECURITY)
    central_at = at / "centralSecurityServices"
    central = mapping(data.get("centralSecurityServices"), central_at)
    name = optional_text(central, "delegatedAdminAccount", central_at)
    admin = state.account(name, central_at / "delegatedAdminAccount").id if name else None
    services = [
        principal
        for principal, key in SECURITY_SERVICES.items()
        if flag(mapping(central.get(key), central_at / key), "enable", central_at / key)
    ]
    analyzer = mapping(data.get("accessAnalyzer"), at / "accessAnalyzer")
    if flag(analyzer, "enable", at / "accessAnalyzer"):
        services.append(ACCESS_ANALYZER)
    if admin is not None:
        _delegate(state, admin, services)
        _security_tooling(state, admin)
    _config(state, mapping(data.get("awsConfig"), at / "awsConfig"), at / "awsConfig", admin)
    _identity_center_admin(state)


def _security_tooling(state: State, admin: str) -> None:
    """Without an Audit account, the security services' administrator is the design's
    security tooling account (a log archive that is also the security account)."""
    tooling = AccountFunction.SECURITY_TOOLING
    if any(tooling in a.functions for a in state.accounts.values()):
        return
    for key, account in state.accounts.items():
        if account.id == admin:
            kept = [f for f in account.functions if f != AccountFunction.WORKLOAD]
            state.accounts[key] = account.model_copy(update={"functions": [*kept, tooling]})


def _config(state: State, config: dict[str, Any], at: At, admin: str | None) -> None:
    if flag(config, "enableConfigurationRecorder", at) and not config.get("deploymentTargets"):
        _delivery(state, LogType.CONFIG, {})
    aggregation = mapping(config.get("aggregation"), at / "aggregation")
    if flag(aggregation, "enable", at / "aggregation"):
        name = optional_text(aggregation, "delegatedAdminAccount", at / "aggregation")
        target = (
            state.account(name, at / "aggregation" / "delegatedAdminAccount").id if name else admin
        )
        if target is not None:
            _delegate(state, target, [CONFIG])


def _identity_center_admin(state: State) -> None:
    for provider in state.providers.values():
        home = provider.home_account
        if provider.kind == IdentityProviderKind.IDENTITY_CENTER and home not in (
            None,
            state.management,
        ):
            _delegate(state, home or "", [IDENTITY_CENTER])
