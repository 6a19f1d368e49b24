"""A role's permissions read back only as far as the design gives them back exactly.

designer.live.policy.access names the access level a role's policies come closest to; the design
then exports that level's policies (designer.artefacts.policy_set: the level's AWS managed
policy, service full-access policies and a ServiceAdministration inline policy, or the custom
ARNs). When that export is not what the template grants, the level would change the role's
permissions, possibly widening them (no policies, or a narrow inline read policy, would come
back as ReadOnlyAccess). Then: the managed ARNs as a custom level when the role has only those
(exact), else no trust at all and a report entry; never a broader role.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from designer.artefacts.policy_set import level_permissions
from designer.artefacts.tokens import plain
from designer.engines.orgformation.values import PARTITION, TOKEN, shown
from designer.live.policy import access
from designer.live.read_account import Role as LiveRole
from designer.model.errors import one_line
from designer.model.vocabulary import AccessLevel


@dataclass(frozen=True)
class Permissions:
    level: AccessLevel
    services: list[str]
    arns: list[str]
    note: str | None = None  # why the role reads as custom though a level came close


def inline_documents(inline: list[Any]) -> list[dict[str, Any]]:
    return [
        p["PolicyDocument"]
        for p in inline
        if isinstance(p, dict) and isinstance(p.get("PolicyDocument"), dict)
    ]


def permissions(
    name: str,
    managed: list[str],
    inline: list[Any],
    outside: bool,
    local: frozenset[str] = frozenset(),
) -> Permissions | str:
    """The design's permissions for the role, or why the design cannot give them exactly."""
    unheld = [a for a in managed if TOKEN.search(a)]
    if unheld:
        return _unheld_policy(unheld[0], local)
    documents = inline_documents(inline)
    level, services, arns = access(LiveRole(name, "/", {}, managed, documents))
    found = Permissions(level, services, arns)
    if _exported(found, outside) == _held(managed, inline):
        return found
    if managed and not inline:
        arns = list(dict.fromkeys(managed))

        note = (
            f"read as custom with its managed policies ({', '.join(shown(a) for a in arns)}): "
            f"no access level grants exactly those (the closest, {level.value}, would not)"
        )
        return Permissions(AccessLevel.CUSTOM, [], arns, note)
    if not managed and not inline:
        return "no permission policies: the design has no role without permissions"
    names = ", ".join(one_line(str(_policy_name(p))) for p in inline)
    return (
        f"inline policies ({names}) grant what no access level of the design grants exactly "
        f"(it would read as {level.value}); the role is left out rather than changed"
    )


def _unheld_policy(arn: str, local: frozenset[str]) -> str:
    """Why a managed policy ARN holding a reference cannot be held: a policy resource of the
    template itself (shown as org-formation writes it, !Ref / !GetAtt), or an account by
    reference."""
    whole = TOKEN.fullmatch(arn)
    resource = whole.group(1) if whole else ""
    if resource.split(".", 1)[0] in local:
        written = f"!GetAtt {resource}" if "." in resource else f"!Ref {resource}"
        return (
            f"managed policy {one_line(written)}: a policy resource of the template, which the "
            "design cannot hold (it holds policies by ARN); the role is left out"
        )
    return (
        f"managed policy {shown(arn)}: an ARN naming an account by reference the "
        "design cannot hold (it holds 12-digit ids); the role is left out"
    )


def _policy_name(policy: Any) -> Any:
    return policy.get("PolicyName", "?") if isinstance(policy, dict) else "?"


def _exported(found: Permissions, outside: bool) -> tuple[frozenset[str], frozenset[str]]:
    """What the design exports for these permissions (the one builder, policy_set's)."""
    managed, inline = level_permissions(found.level, found.services, found.arns, outside)
    return _held([plain(a, PARTITION) for a in managed], inline)


def _held(managed: list[str], inline: list[Any]) -> tuple[frozenset[str], frozenset[str]]:
    """Managed ARNs and inline policies compared as sets (the export merges the policies of
    several trusts of one role in design order)."""
    return frozenset(managed), frozenset(_canonical(p) for p in inline)


def _canonical(policy: Any) -> str:
    def sort_actions(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: sorted(map(str, v)) if k == "Action" and isinstance(v, list) else sort_actions(v)
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [sort_actions(v) for v in node]
        return node

    return json.dumps(sort_actions(policy), sort_keys=True, default=str)
