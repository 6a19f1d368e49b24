"""Open a Landing Zone Accelerator configuration folder as a design.

accounts-config.yaml and organization-config.yaml are required; iam-config.yaml,
global-config.yaml and security-config.yaml are read when present (read_iam.py,
read_services.py); every other file is listed as not modelled. Replacements apply first
(replacements.py). A file LZA would refuse is a ConfigError naming the file and YAML path; what
LZA accepts but the design cannot hold is a gap of the report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from designer.engines.carried import NEUTRAL_NAME
from designer.engines.convert import Reader, register
from designer.engines.lza import (
    ACCOUNTS_FILE,
    AUDIT,
    GLOBAL_FILE,
    IAM_FILE,
    LOG_ARCHIVE,
    MANAGEMENT,
    MAX_OU_DEPTH,
    ORGANIZATION_FILE,
    PLACEHOLDER_EMAIL_DOMAIN,
    REPLACEMENTS_FILE,
    ROOT,
    SECURITY_FILE,
)
from designer.engines.lza.fields import (
    At,
    description,
    flag,
    mapping,
    optional_text,
    required,
    sequence,
    text,
    texts,
    unread_keys,
)
from designer.engines.lza.names import read_name_comments
from designer.engines.lza.policies import DEFAULT_PREFIX, LZA_ACCESS_ROLE, LZA_PREFIX
from designer.engines.lza.replacements import Replacements
from designer.engines.lza.state import State
from designer.engines.report import ConfigError, ConversionReport
from designer.engines.yamlio import read_yaml
from designer.model.design import Design
from designer.model.fileformat import document_problem
from designer.model.governance import ServiceControlPolicy, UsagePolicy
from designer.model.ids import stable_id
from designer.model.nodes import Account, Organization, OrganizationalUnit
from designer.model.relationships import BillingRelationship
from designer.model.vocabulary import AccountFunction, AccountState

_FUNCTIONS = {
    MANAGEMENT: AccountFunction.MANAGEMENT,
    LOG_ARCHIVE: AccountFunction.LOG_ARCHIVE,
    AUDIT: AccountFunction.SECURITY_TOOLING,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")


def detect(path: Path) -> Path | None:
    folder = path if path.is_dir() else path.parent
    if (folder / ACCOUNTS_FILE).is_file() and (folder / ORGANIZATION_FILE).is_file():
        return folder
    return None


# -- organization-config.yaml: OUs ----------------------------------------------------------------
def _units(state: State, data: dict[str, Any], source: str) -> None:
    names = read_name_comments(source)
    at = At(ORGANIZATION_FILE) / "organizationalUnits"
    for i, item in enumerate(sequence(data.get("organizationalUnits"), at)):
        here = at / i
        entry = mapping(item, here)
        path = text(required(entry, "name", here), here / "name").strip("/")
        parts = path.split("/")
        if any(not p for p in parts) or parts[0] == ROOT:
            raise (here / "name").error(f"bad OU path {path!r}")
        if path in state.units:
            raise (here / "name").error(f"OU {path!r} listed twice")
        if len(parts) > MAX_OU_DEPTH:
            state.report.gap(
                here.label, f"OU {path} is deeper than the {MAX_OU_DEPTH} levels LZA manages"
            )
        for depth in range(1, len(parts) + 1):
            _unit(state, "/".join(parts[:depth]), names)
        if flag(entry, "ignore", here):
            state.ignored_units.add(state.units[path].id)
            state.report.gap(
                here.label,
                f"OU {path} is ignored by LZA (ignore: true): the design has no such mark and "
                "keeps it as a plain OU (an LZA export writes ignore: true only on an OU for "
                "suspended accounts: named Suspended or Quarantine, or holding only suspended "
                "accounts); LZA's roles and assignments to Root are read without its accounts",
            )


def _unit(state: State, path: str, names: dict[tuple[str, str], str]) -> None:
    if path in state.units:
        return
    parent_path, _, leaf = path.rpartition("/")
    parent = state.units[parent_path].id if parent_path else None
    state.units[path] = OrganizationalUnit(
        id=stable_id("lza", "ou", path), name=names.get(("ou", path), leaf), parent=parent
    )


# -- accounts-config.yaml -------------------------------------------------------------------------
_ACCOUNT_GROUPS = ("mandatoryAccounts", "workloadAccounts")
_ACCOUNT_KEYS = {"name", "description", "email", "organizationalUnit", "warm"}
_ORGANIZATION_KEYS = {
    "enable",
    "organizationalUnits",
    "quarantineNewAccounts",
    "serviceControlPolicies",
    "taggingPolicies",
    "backupPolicies",
    "chatbotPolicies",
}


def _accounts(state: State, data: dict[str, Any], source: str) -> None:
    names = read_name_comments(source)
    root = At(ACCOUNTS_FILE)
    emails: dict[str, str] = {}
    unread_keys(state.report, data, root, {*_ACCOUNT_GROUPS, "accountIds"})
    for group in _ACCOUNT_GROUPS:
        for i, item in enumerate(sequence(data.get(group), root / group)):
            here = root / group / i
            entry = mapping(item, here)
            unread_keys(state.report, entry, here, _ACCOUNT_KEYS)
            key, email = _account(state, entry, here, group, names)
            emails[email.lower()] = key
    _account_ids(state, data, root, emails)


def _account(
    state: State,
    entry: dict[str, Any],
    here: At,
    group: str,
    names: dict[tuple[str, str], str],
) -> tuple[str, str]:
    """Reads one account; returns its LZA name and the e-mail written (placeholder or not)."""
    key = text(required(entry, "name", here), here / "name")
    if key in state.accounts:
        raise (here / "name").error(f"account {key!r} listed twice")
    function = AccountFunction.WORKLOAD
    if group == "mandatoryAccounts":
        if key in _FUNCTIONS:
            function = _FUNCTIONS[key]
        else:
            state.report.gap(
                here.label, f"{key} is not one of LZA's mandatory accounts: a workload"
            )
    email = text(required(entry, "email", here), here / "email")
    if email.lower().endswith("@" + PLACEHOLDER_EMAIL_DOMAIN) or "{{" in email:
        found_email: str | None = None
    elif _EMAIL.match(email) and len(email) <= 254:
        found_email = email
    else:
        raise (here / "email").error(f"not an e-mail address: {email!r}")
    unit_path = optional_text(entry, "organizationalUnit", here) or ROOT
    if flag(entry, "warm", here):
        state.report.gap((here / "warm").label, f"account {key}: warm is not held by the design")
    account = Account(
        id=stable_id("lza", "account", key),
        name=names.get(("account", key), key),
        email=found_email,
        functions=[function],
        purpose=description(entry, "description", here),
        parent=state.unit(unit_path, here / "organizationalUnit"),
    )
    if function == AccountFunction.MANAGEMENT:
        state.management = account.id
    state.accounts[key] = account
    return key, email


def _account_ids(state: State, data: dict[str, Any], root: At, emails: dict[str, str]) -> None:
    for i, item in enumerate(sequence(data.get("accountIds"), root / "accountIds")):
        here = root / "accountIds" / i
        entry = mapping(item, here)
        email = text(required(entry, "email", here), here / "email")
        number = text(required(entry, "accountId", here), here / "accountId")
        if "{{" in number:
            continue  # the placeholder is a gap already
        if not _ACCOUNT_ID.match(number):
            raise (here / "accountId").error(f"not a 12-digit account id: {number!r}")
        key = emails.get(email.lower())
        if key is None:
            state.report.gap(here.label, f"{email} is no account of accounts-config.yaml")
            continue
        # An account LZA knows the id of exists already (accountIds lists existing accounts).
        state.accounts[key] = state.accounts[key].model_copy(
            update={"aws_account_id": number, "state": AccountState.ACTIVE}
        )


# -- organization-config.yaml: SCPs ---------------------------------------------------------------
def _scps(state: State, data: dict[str, Any]) -> dict[str, list[str]]:
    """Reads the SCPs; returns target (OU id, account id or "" for the root) -> SCP ids."""
    at = At(ORGANIZATION_FILE) / "serviceControlPolicies"
    attached: dict[str, list[str]] = {}
    allow_lists: set[str] = set()
    for i, item in enumerate(sequence(data.get("serviceControlPolicies"), at)):
        here = at / i
        entry = mapping(item, here)
        name = text(required(entry, "name", here), here / "name")
        if name in state.scps:
            raise (here / "name").error(f"SCP {name!r} listed twice")
        kind = text(required(entry, "type", here), here / "type")
        if kind not in ("awsManaged", "customerManaged"):
            raise (here / "type").error(f"expected awsManaged or customerManaged, found {kind!r}")
        path = text(required(entry, "policy", here), here / "policy")
        if _allow_list(state, entry, here, name):
            allow_lists.add(name)
            continue
        document = state.document(path, here / "policy") if kind == "customerManaged" else None
        if document is None and (state.root / path).is_file():
            state.read_files.add(path)  # AWS's own document: referenced, not needed
        said = description(entry, "description", here)
        try:
            policy = ServiceControlPolicy(
                id=stable_id("lza", "scp", name),
                name=name,
                description="" if said == name else said,  # the writer's stand-in for none
                document=document,
                aws_managed=kind == "awsManaged",
            )
        except ValidationError as exc:  # the policy file is not an SCP AWS would accept
            raise (here / "policy").error(f"{path}: {document_problem(exc)}") from None
        state.scps[name] = policy
        for target in _scp_targets(
            state, entry.get("deploymentTargets"), here / "deploymentTargets"
        ):
            attached.setdefault(target, []).append(policy.id)
    _quarantine(state, data, allow_lists)
    _other_policies(state, data)
    return attached


def _allow_list(state: State, entry: dict[str, Any], here: At, name: str) -> bool:
    """Whether the SCP is an allow list (strategy: allow-list): LZA then takes FullAWSAccess
    off its targets. The design keeps FullAWSAccess on every level and has no such swap, so
    kept as a plain SCP the export would leave FullAWSAccess beside it (wider than read):
    the SCP and its attachments are left out and reported instead."""
    strategy = optional_text(entry, "strategy", here)
    if strategy not in (None, "deny-list", "allow-list"):
        raise (here / "strategy").error(f"expected deny-list or allow-list, found {strategy!r}")
    if strategy != "allow-list":
        return False
    state.report.gap(
        (here / "strategy").label,
        f"SCP {name} is an allow list (strategy: allow-list, which takes FullAWSAccess off its "
        "targets): the design cannot hold an allow list in place of FullAWSAccess; the SCP and "
        "its attachments are left out",
    )
    return True


def _other_policies(state: State, data: dict[str, Any]) -> None:
    """Tagging, backup and chatbot policies: the design has none; each one is reported."""
    for key in ("taggingPolicies", "backupPolicies", "chatbotPolicies"):
        at = At(ORGANIZATION_FILE) / key
        for i, item in enumerate(sequence(data.get(key), at)):
            name = mapping(item, at / i).get("name", i)
            state.report.gap((at / i).label, f"{key} entry {name} is not held by the design")


def _scp_targets(state: State, value: Any, at: At) -> list[str]:
    targets = mapping(value, at)
    found = []
    for j, path in enumerate(texts(targets.get("organizationalUnits"), at / "organizationalUnits")):
        found.append(state.unit(path, at / "organizationalUnits" / j) or "")
    for j, name in enumerate(texts(targets.get("accounts"), at / "accounts")):
        found.append(state.account(name, at / "accounts" / j).id)
    for key in ("excludedAccounts", "excludedRegions"):
        if targets.get(key):
            state.report.gap((at / key).label, f"an SCP attachment has no {key} in the design")
    return found


def _quarantine(state: State, data: dict[str, Any], allow_lists: set[str]) -> None:
    at = At(ORGANIZATION_FILE) / "quarantineNewAccounts"
    entry = mapping(data.get("quarantineNewAccounts"), at)
    if not flag(entry, "enable", at):
        return
    name = text(required(entry, "scpPolicyName", at), at / "scpPolicyName")
    if name in allow_lists:
        state.report.gap(
            at.label, f"new accounts are held under {name}, an allow list left out (see above)"
        )
        return
    if name not in state.scps:
        raise (at / "scpPolicyName").error(f"unknown SCP {name!r}")
    state.report.gap(
        at.label,
        f"new accounts are held under {name} until LZA has configured them: the design has no "
        "such step (the SCP itself is kept)",
    )


# -- the design ---------------------------------------------------------------------------------
def _attach(
    state: State, attached: dict[str, list[str]]
) -> tuple[list[OrganizationalUnit], list[Account]]:
    units = [u.model_copy(update={"scps": attached.get(u.id, [])}) for u in state.units.values()]
    accounts = [
        a.model_copy(update={"scps": attached.get(a.id, [])}) for a in state.accounts.values()
    ]
    return units, accounts


def _billing(state: State, accounts: list[Account]) -> list[BillingRelationship]:
    """Membership implies consolidated billing: the management account pays for the others."""
    if state.management is None:
        return []
    return [
        BillingRelationship(
            id=stable_id("lza", "billing", a.id), source=state.management, target=a.id
        )
        for a in accounts
        if a.id != state.management
    ]


def _unmodelled(state: State) -> None:
    root = state.root.resolve()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
        if path.is_file() and not hidden and relative not in state.read_files:
            state.report.unmodelled.append(relative)
    state.report.files = sorted(state.read_files)


def _build(state: State, attached: dict[str, list[str]], name: str) -> Design:
    units, accounts = _attach(state, attached)
    organization = Organization(
        id=state.organization_id,
        name=name or NEUTRAL_NAME,  # LZA names no organization: the configuration's folder
        management_account=state.management,
        root_scps=attached.get("", []),
    )
    relationships = [*_billing(state, accounts), *state.relationships]
    return Design(
        id=stable_id("lza", "design", name),
        name=name or NEUTRAL_NAME,
        organization=organization,
        organizational_units=units,
        accounts=accounts,
        identity_providers=list(state.providers.values()),
        outside_principals=list(state.outside.values()),
        relationships=relationships,
        service_control_policies=list(state.scps.values()),
        usage_policy=UsagePolicy(allowed_regions=state.regions),
    )


def _replacements(state: State) -> None:
    if (state.root / REPLACEMENTS_FILE).is_file():
        state.replacements = Replacements.load(
            state.root / REPLACEMENTS_FILE, REPLACEMENTS_FILE, read_yaml
        )
        state.read_files.add(REPLACEMENTS_FILE)
        state.report.files.append(REPLACEMENTS_FILE)


def _lookups(state: State, data: dict[str, Any]) -> None:
    """Account names and ids for the placeholders of the other files ({{ account Name }}),
    taken loosely: accounts-config.yaml's own errors are reported when it is read."""
    emails: dict[str, str] = {}
    for group in ("mandatoryAccounts", "workloadAccounts"):
        entries = data.get(group)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                state.replacements.account_names.add(entry["name"])
                emails[str(entry.get("email", "")).lower()] = entry["name"]
    ids = data.get("accountIds")
    for entry in ids if isinstance(ids, list) else []:
        if isinstance(entry, dict) and str(entry.get("email", "")).lower() in emails:
            name = emails[str(entry["email"]).lower()]
            state.replacements.account_ids[name] = str(entry.get("accountId"))


def _policy_values(state: State) -> None:
    """LZA's policy-file variables, from global-config.yaml when it says them (taken loosely:
    the file's own errors are reported when it is read)."""
    found = state.yaml_of(GLOBAL_FILE) if (state.root / GLOBAL_FILE).is_file() else None
    data = found[0] if found is not None and isinstance(found[0], dict) else {}
    prefix = data.get("acceleratorPrefix")
    role = data.get("managementAccountAccessRole")
    state.policy_values[LZA_PREFIX] = prefix if isinstance(prefix, str) else DEFAULT_PREFIX
    if isinstance(role, str):
        state.policy_values[LZA_ACCESS_ROLE] = role


def read(root: Path) -> tuple[Design, ConversionReport]:
    from designer.engines.lza.read_iam import read_iam
    from designer.engines.lza.read_services import read_global, read_security

    state = State(root, ConversionReport(str(root), "lza"))
    _replacements(state)
    accounts = state.yaml_of(ACCOUNTS_FILE)
    if accounts is None:
        raise ConfigError(root.name, "", f"no {ACCOUNTS_FILE}")
    accounts_data = mapping(accounts[0], At(ACCOUNTS_FILE))
    _lookups(state, accounts_data)
    organization = state.yaml_of(ORGANIZATION_FILE)
    if organization is None:
        raise ConfigError(root.name, "", f"no {ORGANIZATION_FILE}")
    organization_data = mapping(organization[0], At(ORGANIZATION_FILE))
    unread_keys(state.report, organization_data, At(ORGANIZATION_FILE), _ORGANIZATION_KEYS)
    _units(state, organization_data, organization[1])
    _accounts(state, accounts_data, accounts[1])
    _policy_values(state)
    attached = _scps(state, organization_data)
    for name, reader in (
        (GLOBAL_FILE, read_global),
        (IAM_FILE, read_iam),
        (SECURITY_FILE, read_security),
    ):
        found = state.yaml_of(name)
        if found is not None:
            reader(state, mapping(found[0], At(name)))
    _unmodelled(state)
    try:
        return _build(state, attached, root.resolve().name), state.report
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(root.name, "", f"not a valid design: {first['msg']}") from None


READER = register(
    Reader(
        "lza",
        "a Landing Zone Accelerator configuration folder (accounts-config.yaml, "
        "organization-config.yaml, ...)",
        detect,
        read,
    )
)
