"""Upgrades of design files, dict to dict, before validation.

Each entry upgrades a file from one format_version to the next. Plain dicts keep old files
loadable after fields are renamed or removed from the model.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from designer.model.errors import DesignFileError

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2: outside principals and scoped relationships.

    - `third_parties` become `outside_principals` of kind external-account (`vendor` -> `owner`);
    - a log delivery with `organization_wide: true` now has the organization as its source (the
      organization trail); the flag is gone;
    - trusts and federations from deployment accounts, OIDC providers and third parties are used
      by workloads (`principal_type`), the others by people.
    """
    parties = data.pop("third_parties", [])
    if not isinstance(parties, list):
        raise ValueError("$.third_parties is not a list")
    outside = []
    for party in parties:
        if not isinstance(party, dict):
            raise ValueError("an entry of $.third_parties is not an object")
        party = dict(party)
        if "vendor" in party:
            party["owner"] = party.pop("vendor")
        party.setdefault("kind", "external-account")
        outside.append(party)
    data["outside_principals"] = outside
    organization = data.get("organization")
    root = organization.get("id") if isinstance(organization, dict) else None
    for rel in data.get("relationships") or []:
        if not isinstance(rel, dict) or rel.get("kind") != "log-delivery":
            continue
        if rel.pop("organization_wide", False) is True and root is not None:
            rel["source"] = root
    _principal_types(data)
    return data


def _principal_types(data: dict[str, Any]) -> None:
    """Version 1 did not say who uses a trust: pipelines (deployment accounts, OIDC providers)
    and vendors' systems (third parties) are workloads, unless the trust requires MFA (then a
    person uses it); everyone else stays human."""
    oidc = {
        p.get("id")
        for p in data.get("identity_providers") or []
        if isinstance(p, dict) and p.get("kind") == "oidc"
    }
    deployment = {
        a.get("id")
        for a in data.get("accounts") or []
        if isinstance(a, dict) and "deployment" in (a.get("functions") or [])
    }
    vendors = {p.get("id") for p in data["outside_principals"] if isinstance(p, dict)}
    for rel in data.get("relationships") or []:
        if not isinstance(rel, dict) or rel.get("kind") not in ("trust", "federation"):
            continue
        if rel.get("require_mfa") is True:
            continue  # the file asks for MFA: people use it, and the MFA condition must stay
        if rel.get("source") in oidc | deployment | vendors and "principal_type" not in rel:
            rel["principal_type"] = "workload"


# from_version -> function returning the data at from_version + 1. Version 1 is the first format.
MIGRATIONS: dict[int, Migration] = {1: _v1_to_v2}


def migrate(
    data: dict[str, Any],
    version: int,
    target: int,
    migrations: dict[int, Migration] | None = None,
) -> dict[str, Any]:
    """Return data upgraded to `target`; the input is never modified, even when a step fails."""
    steps = MIGRATIONS if migrations is None else migrations
    if version >= target:
        return data
    current = copy.deepcopy(data)
    while version < target:
        step = steps.get(version)
        if step is None:
            raise DesignFileError(f"no upgrade from format_version {version} to {version + 1}")
        try:
            current = step(current)
        except (KeyError, TypeError, ValueError) as exc:
            raise DesignFileError(
                f"cannot upgrade from format_version {version}: {exc.__class__.__name__}: {exc}"
            ) from exc
        version += 1
        current["format_version"] = version
    return current
