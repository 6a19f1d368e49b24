"""Export format 'policies': the documents of designer.artefacts.policy_set, one JSON file each,
under policies/ (the layout is described there)."""

from __future__ import annotations

import json
from typing import Any

from designer.artefacts.policy_set import FOLDER, FORMAT, build_policies
from designer.artefacts.tokens import plain
from designer.support.names import account_parts
from designer.support.text import neutralise
from exporters.base import ExportContext, exporter, safe_name


def _folder(*parts: str) -> str:
    return "/".join([FOLDER, *(safe_name(p) for p in parts)])


def _angles(markdown: str) -> str:
    """Markdown with < and > outside code spans as entities: "identity-policies/<account>/"
    must show, not be read as an HTML tag (user text is in code spans, where they are literal)."""
    pieces = markdown.split("`")
    for i in range(0, len(pieces), 2):  # even pieces lie outside code spans
        pieces[i] = pieces[i].replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(pieces)


@exporter(FORMAT, "IAM, bucket, key and service control policies")
def run(ctx: ExportContext) -> None:
    policies = build_policies(ctx.design)
    folders = account_parts(ctx.design.accounts)  # one folder per account, never shared

    def write(path: str, document: Any, fmt: str, purpose: str) -> None:
        text = json.dumps(plain(document, ctx.partition), indent=2, ensure_ascii=False) + "\n"
        ctx.write_text(path, neutralise(text, json=True), fmt, purpose)

    for role in policies.roles:
        folder = _folder("roles", folders.get(role.account_name, role.account_name))
        path = ctx.unique_path(folder, role.name, ".json")
        purpose = f"Role {role.name} in {role.account_name}: trust and permission policies"
        write(path, role.document(), FORMAT, purpose)
    for policy in policies.identity_policies:
        folder = _folder("identity-policies", folders.get(policy.account_name, policy.account_name))
        path = ctx.unique_path(folder, policy.stem, ".json")
        who = f"role {policy.principal}" if policy.principal else "the users and roles"
        purpose = f"Lets {who} of {policy.account_name} assume {', '.join(policy.roles)}"
        write(path, policy.document, FORMAT, purpose)
    for item in policies.buckets:
        name = item.bucket.name
        path = ctx.unique_path(_folder("buckets"), f"{name}-policy", ".json")
        write(path, item.bucket_policy, FORMAT, f"Bucket policy of log bucket {name}")
        path = ctx.unique_path(_folder("keys"), f"{name}-key-policy", ".json")
        write(path, item.key_policy, FORMAT, f"KMS key policy of log bucket {name}")
        if item.lifecycle is not None:
            path = ctx.unique_path(_folder("lifecycles"), name, ".json")
            rules = item.lifecycle.document("ArchiveThenExpire")
            write(path, rules, FORMAT, f"Lifecycle configuration of log bucket {name}")
    attachments = ctx.unique_path(_folder("scps"), "attachments", ".json")
    for scp in policies.scps:
        path = ctx.unique_path(_folder("scps"), scp.name, ".json")
        kind = "Generated guardrail SCP" if scp.generated else "SCP"
        write(path, scp.document, FORMAT, f"{kind} {scp.name}")
    targets = [a.document() for a in policies.attachments]
    write(attachments, {"Targets": targets}, FORMAT, "Where each SCP is attached")
    text = neutralise(_angles(policies.notes.markdown(ctx.design.name)), keep="\n")
    ctx.write_text(
        ctx.unique_path(FOLDER, "notes", ".md"), text, FORMAT, "Placeholders and manual steps"
    )
