"""A design as an org-formation organization: organization.yml (OC::ORG:: resources), plus the
tasks file and templates of write_tasks.py.

Every resource's logical id comes from its name (refs.OrganizationIds); the SCPs and where they
are attached come from designer.artefacts.policy_set (generated guardrails included), less the
FullAWSAccess that export adds to every target: org-formation attaches what the file says, and
FullAWSAccess (AWS managed, no document) is named by its policy id, p-FullAWSAccess, only where
the design attaches it. What org-formation cannot hold is a comment at the top of the file,
including what the reader needs to give an SCP back exactly (markers.py): the file itself holds
only org-formation's own properties, the partition chosen at export filled in.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from designer.artefacts.policy_set import FULL_AWS_ACCESS, PolicySet, build_policies
from designer.artefacts.tokens import PARTITION, plain
from designer.engines.files import ConfigFile
from designer.engines.orgformation import ORGANIZATION_FILE, TEMPLATE_VERSION
from designer.engines.orgformation.markers import (
    PLACEHOLDER,
    USAGE_POLICY,
    ScpMark,
    digest,
    mark_comment,
)
from designer.engines.orgformation.refs import MASTER_ID, ROOT_ID, OrganizationIds
from designer.engines.orgformation.write_tasks import write_tasks
from designer.engines.yamlio import Tag, dump_yaml
from designer.model.design import Design
from designer.model.nodes import Account

FULL_AWS_ACCESS_ID = "p-FullAWSAccess"  # the id AWS gives its managed FullAWSAccess SCP
MARKS_NOTE = (
    "The design-scp lines below let AWS Account Designer read the SCPs back as designed "
    "(the partition, the guardrails it generated); org-formation ignores comments."
)


def write_config(design: Design, partition: str = "aws") -> list[ConfigFile]:
    """organization.yml, organization-tasks.yml and the templates its tasks deploy."""
    policies = build_policies(design)
    ids = OrganizationIds.of(design, [s.name for s in policies.scps])
    organization = _organization_file(design, policies, ids, partition)
    return [organization, *write_tasks(design, policies, ids)]


def _organization_file(
    design: Design, policies: PolicySet, ids: OrganizationIds, partition: str
) -> ConfigFile:
    comments = _comments(design, policies)
    resources: dict[str, Any] = {}
    attached = _attached(design, policies, ids)
    management = _management(design)
    if management is not None:
        resources[MASTER_ID] = _account(management, "OC::ORG::MasterAccount", attached)
    resources[ROOT_ID] = {
        "Type": "OC::ORG::OrganizationRoot",
        "Properties": {"ServiceControlPolicies": attached.get(design.organization.id, [])},
    }
    resources.update(_units(design, ids, attached))
    for account in design.accounts:
        if account is not management:
            resources[ids.accounts[account.id]] = _account(account, "OC::ORG::Account", attached)
    descriptions = {p.name: p.description for p in design.service_control_policies}
    generated = PLACEHOLDER if _placeholders(design) else USAGE_POLICY
    marked = False
    for scp in policies.scps:
        properties: dict[str, Any] = {"PolicyName": scp.name}
        if descriptions.get(scp.name):
            properties["Description"] = descriptions[scp.name]
        properties["PolicyDocument"] = plain(scp.document, partition)
        mark = _mark(scp.name, scp.document, properties["PolicyDocument"], partition)
        if scp.generated:
            mark = replace(mark, generated=generated)
        if mark.partition or mark.generated:
            if not marked:
                comments.append(MARKS_NOTE)
            marked = True
            comments.append(mark_comment(mark))
        resources[ids.scps[scp.name]] = {
            "Type": "OC::ORG::ServiceControlPolicy",
            "Properties": properties,
        }
    data = {
        "AWSTemplateFormatVersion": TEMPLATE_VERSION,
        "Description": f"Organization of design {design.name}",
        "Organization": resources,
    }
    return ConfigFile(
        ORGANIZATION_FILE, dump_yaml(data, comments), "org-formation organization (OC::ORG::)"
    )


def _mark(name: str, document: Any, written: Any, partition: str) -> ScpMark:
    """The comment that gives the design's partition token back: only when every ARN of that
    partition in the written document came from the token (a literal one would come back as
    the token too)."""
    text = json.dumps(document)
    token = PARTITION in text and f"arn:{partition}:" not in text
    return ScpMark(name, partition if token else None, None, digest(written))


def _management(design: Design) -> Account | None:
    wanted = design.organization.management_account
    return next((a for a in design.accounts if a.id == wanted), None)


def _account(account: Account, kind: str, attached: dict[str, list[Any]]) -> dict[str, Any]:
    properties: dict[str, Any] = {"AccountName": account.name}
    if account.aws_account_id:
        properties["AccountId"] = account.aws_account_id
    if account.email:
        properties["RootEmail"] = account.email
    if account.tags:
        properties["Tags"] = dict(sorted(account.tags.items()))
    if attached.get(account.id):
        properties["ServiceControlPolicies"] = attached[account.id]
    return {"Type": kind, "Properties": properties}


def _units(design: Design, ids: OrganizationIds, attached: dict[str, list[Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for unit in design.organizational_units:
        properties: dict[str, Any] = {"OrganizationalUnitName": unit.name}
        accounts = [Tag("Ref", ids.accounts[a.id]) for a in design.accounts if a.parent == unit.id]
        children = [
            Tag("Ref", ids.units[u.id]) for u in design.organizational_units if u.parent == unit.id
        ]
        if accounts:
            properties["Accounts"] = accounts
        if children:
            properties["OrganizationalUnits"] = children
        if attached.get(unit.id):
            properties["ServiceControlPolicies"] = attached[unit.id]
        found[ids.units[unit.id]] = {
            "Type": "OC::ORG::OrganizationalUnit",
            "Properties": properties,
        }
    return found


def _placeholders(design: Design) -> set[str]:
    """The SCPs the design names without a document: the export generates theirs."""
    return {
        p.id for p in design.service_control_policies if p.document is None and not p.aws_managed
    }


def _attached(design: Design, policies: PolicySet, ids: OrganizationIds) -> dict[str, list[Any]]:
    """Target design id -> its ServiceControlPolicies: !Ref of the SCPs written, the id of
    FullAWSAccess where the design attaches it; AWS managed SCPs without a document and not
    FullAWSAccess cannot be named (the comments say so). The generated guardrails of a
    placeholder SCP go where the design attaches it (the policies export also puts them at the
    root when it is attached nowhere; the design did not say so)."""
    by_id = {p.id: p for p in design.service_control_policies}
    placeholders = _placeholders(design)
    generated = {s.name for s in policies.scps if s.generated}
    holders = {design.organization.id: design.organization.root_scps}
    holders.update((u.id, u.scps) for u in design.organizational_units)
    holders.update((a.id, a.scps) for a in design.accounts)
    found: dict[str, list[Any]] = {}
    for target in policies.attachments:
        own = holders.get(target.design_id, [])
        full_access = any(
            by_id[i].aws_managed and by_id[i].name == FULL_AWS_ACCESS for i in own if i in by_id
        )
        refs: list[Any] = []
        for name in target.policies:
            if name in generated and placeholders and not placeholders.intersection(own):
                continue
            if name == FULL_AWS_ACCESS and name not in ids.scps:
                if full_access:
                    refs.append(FULL_AWS_ACCESS_ID)
            elif name in ids.scps:
                refs.append(Tag("Ref", ids.scps[name]))
        found[target.design_id] = refs
    return found


def _comments(design: Design, policies: PolicySet) -> list[str]:
    lines = [
        f"org-formation organization written by AWS Account Designer from design {design.name}.",
        "Not held by org-formation, so not written: account purposes, owners, environments, "
        "functions (log archive, security tooling), OU descriptions, the organization id.",
    ]
    if design.organization.organization_id:
        lines.append(f"Organization id: {design.organization.organization_id}.")
    management = _management(design)
    if management is None:
        lines.append(
            "The design has no management account: org-formation needs an OC::ORG::MasterAccount "
            "with its AccountId; add it before running update-organization."
        )
    elif not management.aws_account_id:
        lines.append(
            f"The management account {management.name} has no account id in the design: "
            "org-formation needs AccountId on the MasterAccount; fill it in."
        )
    lost = [a.name for a in design.accounts if not a.email and not a.aws_account_id]
    if lost:
        lines.append(
            "Accounts with neither RootEmail nor AccountId (org-formation needs one): "
            + ", ".join(lost)
            + "."
        )
    written = {s.name for s in policies.scps}
    for scp in design.service_control_policies:
        if scp.aws_managed and scp.name != FULL_AWS_ACCESS and scp.name not in written:
            lines.append(
                f"SCP {scp.name} is AWS managed: org-formation names it by its policy id (p-...), "
                "which the design does not hold; add it to ServiceControlPolicies by hand."
            )
    return lines
