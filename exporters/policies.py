"""Export format 'policies': the documents of designer.artefacts.policy_set, one JSON file each,
under policies/ (the layout is described there)."""

from __future__ import annotations

from typing import Any

from designer.artefacts.policy_set import FOLDER, FORMAT, build_policies
from designer.artefacts.tokens import plain
from exporters.base import ExportContext, exporter, safe_name


def _folder(*parts: str) -> str:
    return "/".join([FOLDER, *(safe_name(p) for p in parts)])


@exporter(FORMAT, "IAM, bucket, key and service control policies")
def run(ctx: ExportContext) -> None:
    policies = build_policies(ctx.design)

    def write(path: str, document: Any, fmt: str, purpose: str) -> None:
        ctx.write_json(path, plain(document, ctx.partition), fmt, purpose)

    for role in policies.roles:
        path = ctx.unique_path(_folder("roles", role.account_name), role.name, ".json")
        purpose = f"Role {role.name} in {role.account_name}: trust and permission policies"
        write(path, role.document(), FORMAT, purpose)
    for policy in policies.identity_policies:
        folder = _folder("identity-policies", policy.account_name)
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
    text = policies.notes.markdown(ctx.design.name)
    ctx.write_text(
        ctx.unique_path(FOLDER, "notes", ".md"), text, FORMAT, "Placeholders and manual steps"
    )
