"""Export format 'policies': the documents of designer.artefacts.policy_set, one JSON file each,
under policies/ (the layout is described there)."""

from __future__ import annotations

from designer.artefacts.policy_set import FOLDER, FORMAT, build_policies
from exporters.base import ExportContext, exporter, safe_name


def _folder(*parts: str) -> str:
    return "/".join([FOLDER, *(safe_name(p) for p in parts)])


@exporter(FORMAT, "IAM, bucket, key and service control policies")
def run(ctx: ExportContext) -> None:
    policies = build_policies(ctx.design)
    write = ctx.write_json
    for role in policies.roles:
        path = ctx.unique_path(_folder("roles", role.account_name), role.name, ".json")
        purpose = f"Role {role.name} in {role.account_name}: trust and permission policies"
        write(path, role.document(), FORMAT, purpose)
    for policy in policies.identity_policies:
        stem = f"assume-{safe_name(policy.role)}-in-{safe_name(policy.target_name)}"
        path = ctx.unique_path(_folder("identity-policies", policy.account_name), stem, ".json")
        purpose = f"Lets {policy.account_name} assume {policy.role} in {policy.target_name}"
        write(path, policy.document, FORMAT, purpose)
    for item in policies.buckets:
        name = item.bucket.name
        path = ctx.unique_path(_folder("buckets"), f"{name}-policy", ".json")
        write(path, item.bucket_policy, FORMAT, f"Bucket policy of log bucket {name}")
        path = ctx.unique_path(_folder("keys"), f"{name}-key-policy", ".json")
        write(path, item.key_policy, FORMAT, f"KMS key policy of log bucket {name}")
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
