"""logging.tf: the log buckets (versioning, Object Lock, SSE-KMS, public access block, owner
enforced, lifecycle, the bucket policy policy_set builds), their KMS keys with policy_set's key
policies, and the organization trails, which the management account owns."""

from __future__ import annotations

from designer.artefacts.policy_set import (
    BucketPolicies,
    Lifecycle,
    LogKey,
    PolicySet,
    organization_trail_names,
)
from designer.engines.terraform.context import Context
from designer.engines.terraform.hcl import Attribute, Block, Call, Comment, Item, Ref, Value
from designer.model.governance import LogBucket
from designer.model.relationships import LogDeliveryRelationship

BUCKET = "aws_s3_bucket"
KEY = "aws_kms_key"
RULE_ID = "ArchiveThenExpire"


def _resource(kind: str, name: str, provider: Ref | None) -> Block:
    block = Block("resource", (kind, name))
    if provider is not None:
        block.set("provider", provider)
    return block


class LogWriter:
    def __init__(self, ctx: Context, policy_set: PolicySet) -> None:
        self.ctx = ctx
        self.policy_set = policy_set
        self.items: list[Item] = []
        self.bucket_ids: dict[str, str] = {}  # bucket design id -> identifier
        self.key_arns: dict[str, Value] = {}  # bucket design id -> its key's ARN expression

    def write(self) -> list[Item]:
        by_bucket = {b.bucket.id: b for b in self.policy_set.buckets}
        for key in self.policy_set.keys:
            owner = self.ctx.accounts.get(key.account)
            if owner is None:
                continue
            provider = self.ctx.provider(owner)
            here = self.ctx.account_id(owner)
            arn = self._key(key, provider, here)
            for bucket in key.buckets:
                self.key_arns[bucket.id] = arn
                self._bucket(by_bucket[bucket.id], provider, here, arn)
        self._trails()
        return self.items

    def _key(self, key: LogKey, provider: Ref | None, here: str | Ref) -> Value:
        if key.arn is not None:
            self.items.append(
                Comment(
                    f"Key {key.arn} exists already: apply its key policy (policies export, "
                    "keys/) by hand; Terraform does not manage it here."
                )
            )
            return key.arn
        assert key.alias is not None
        ident = self.ctx.ids.new(KEY, key.alias.removeprefix("alias/"), "log_key")
        names = ", ".join(b.name for b in key.buckets)
        block = _resource(KEY, ident, provider)
        block.set("description", f"Encrypts the log buckets {names}"[:8000])
        block.set("enable_key_rotation", True)
        block.set("policy", Call("jsonencode", (self.ctx.value(key.policy, here),)))
        alias = _resource("aws_kms_alias", ident, provider)
        alias.set("name", key.alias).set("target_key_id", Ref(f"{KEY}.{ident}.key_id"))
        self.items += [block, alias]
        return Ref(f"{KEY}.{ident}.arn")

    def _bucket(
        self, item: BucketPolicies, provider: Ref | None, here: str | Ref, key_arn: Value
    ) -> None:
        bucket = item.bucket
        ident = self.ctx.ids.new(BUCKET, bucket.name, "log_bucket")
        self.bucket_ids[bucket.id] = ident
        ref = Ref(f"{BUCKET}.{ident}.id")
        main = _resource(BUCKET, ident, provider)
        if bucket.access_logging:
            main.comment("Server access logging: its SSE-S3 target bucket is not written here")
        main.set("bucket", bucket.name)
        if bucket.object_lock is not None:
            main.set("object_lock_enabled", True)
        self.items.append(main)
        self.items += [
            self._part("versioning", ident, provider, ref, _versioning(bucket)),
            *self._lock(bucket, ident, provider, ref),
            self._part(
                "server_side_encryption_configuration", ident, provider, ref, [_encryption(key_arn)]
            ),
            self._part("public_access_block", ident, provider, ref, _private()),
            self._part(
                "ownership_controls",
                ident,
                provider,
                ref,
                [Block("rule").set("object_ownership", "BucketOwnerEnforced")],
            ),
        ]
        if item.lifecycle is not None:
            self.items.append(
                self._part(
                    "lifecycle_configuration",
                    ident,
                    provider,
                    ref,
                    [_lifecycle_rule(item.lifecycle)],
                )
            )
        policy = self._part("policy", ident, provider, ref, [])
        policy.set("policy", Call("jsonencode", (self.ctx.value(item.bucket_policy, here),)))
        self.items.append(policy)

    def _part(
        self, suffix: str, ident: str, provider: Ref | None, ref: Ref, body: list[Item]
    ) -> Block:
        block = _resource(f"{BUCKET}_{suffix}", ident, provider).set("bucket", ref)
        return block.add(*body)

    def _lock(self, bucket: LogBucket, ident: str, provider: Ref | None, ref: Ref) -> list[Block]:
        lock = bucket.object_lock
        if lock is None:
            return []
        retention = Block("default_retention").set("mode", str(lock.mode).upper())
        retention.set("days", lock.retention_days)
        rule = Block("rule").add(retention)
        return [self._part("object_lock_configuration", ident, provider, ref, [rule])]

    def _trails(self) -> None:
        names = organization_trail_names(self.ctx.design)
        rels = {r.id: r for r in self.ctx.design.relationships if r.kind == "log-delivery"}
        mgmt = self.ctx.accounts.get(self.ctx.management or "")
        provider = self.ctx.provider(mgmt) if mgmt is not None else None
        for rel_id, name in names.items():
            rel = rels[rel_id]
            if rel.bucket not in self.bucket_ids:
                continue
            self.items.append(self._trail(rel, name, provider))

    def _trail(self, rel: LogDeliveryRelationship, name: str, provider: Ref | None) -> Block:
        bucket = self.bucket_ids[rel.bucket or ""]
        ident = self.ctx.ids.new("aws_cloudtrail", name, "trail")
        block = _resource("aws_cloudtrail", ident, provider)
        block.comment("Organization trail: created in the management account, for every account")
        block.set("name", name)
        block.set("s3_bucket_name", Ref(f"{BUCKET}.{bucket}.id"))
        block.set("kms_key_id", self.key_arns[rel.bucket or ""])
        block.set("is_organization_trail", True)
        block.set("is_multi_region_trail", rel.multi_region)
        block.set("include_global_service_events", True)
        block.set("enable_log_file_validation", rel.log_file_validation)
        block.set("enable_logging", True)
        block.set(
            "depends_on",
            [Ref(f"{BUCKET}_policy.{bucket}"), Ref("aws_organizations_organization.this")],
        )
        return block


def _private() -> list[Item]:
    names = ("block_public_acls", "block_public_policy", "ignore_public_acls")
    return [Attribute(n, True) for n in (*names, "restrict_public_buckets")]


def _versioning(bucket: LogBucket) -> list[Item]:
    config = Block("versioning_configuration")
    config.set("status", "Enabled" if bucket.versioning else "Suspended")
    items: list[Item] = [config]
    if bucket.mfa_delete:
        items.insert(
            0,
            Comment(
                "MFA Delete: only the root user with its MFA device can turn it on (aws s3api "
                "put-bucket-versioning --mfa); Terraform cannot hold that code"
            ),
        )
    return items


def _encryption(key_arn: Value) -> Block:
    default = Block("apply_server_side_encryption_by_default")
    default.set("sse_algorithm", "aws:kms").set("kms_master_key_id", key_arn)
    return Block("rule").add(default).set("bucket_key_enabled", True)


def _lifecycle_rule(kept: Lifecycle) -> Block:
    """policy_set's lifecycle document in the provider's block spelling."""
    (rule,) = kept.document(RULE_ID)["Rules"]
    block = Block("rule").set("id", rule["ID"]).set("status", rule["Status"])
    block.add(Block("filter").set("prefix", rule["Filter"]["Prefix"]))
    for t in rule["Transitions"]:
        block.add(
            Block("transition").set("days", t["Days"]).set("storage_class", t["StorageClass"])
        )
    block.add(Block("expiration").set("days", rule["Expiration"]["Days"]))
    for t in rule["NoncurrentVersionTransitions"]:
        block.add(
            Block("noncurrent_version_transition")
            .set("noncurrent_days", t["NoncurrentDays"])
            .set("storage_class", t["StorageClass"])
        )
    expiry = rule["NoncurrentVersionExpiration"]["NoncurrentDays"]
    block.add(Block("noncurrent_version_expiration").set("noncurrent_days", expiry))
    days = rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
    block.add(Block("abort_incomplete_multipart_upload").set("days_after_initiation", days))
    return block
