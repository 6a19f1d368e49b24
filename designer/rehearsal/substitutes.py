"""API calls standing in for resource types moto's CloudFormation lacks or only half deploys.

One function per type: it receives the resource's resolved Properties and returns its physical
id (what Ref gives). SUBSTITUTED names each type and why, for the report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from designer.rehearsal.emulator import Emulator, reason
from designer.rehearsal.errors import NotSimulated, StepFailed
from designer.rehearsal.world import Applied, World

# type -> why the rehearsal deploys it itself
SUBSTITUTED = {
    "AWS::S3::Bucket": "moto's CloudFormation ignores versioning, Object Lock, Block Public Access "
    "and access logging: s3 create-bucket and put-bucket-* calls",
    "AWS::S3::BucketPolicy": "not in moto's CloudFormation: s3 put-bucket-policy",
    "AWS::KMS::Key": "moto's CloudFormation fails (HTTP 500) on a KeyPolicy given as JSON: kms "
    "create-key with the policy, enable-key-rotation",
    "AWS::Organizations::Policy": "not in moto's CloudFormation: organizations create-policy "
    "and attach-policy for each of its TargetIds",
    "AWS::CloudTrail::Trail": "not in moto's CloudFormation: cloudtrail create-trail, "
    "start-logging",
    "AWS::Config::ConfigurationRecorder": "not in moto's CloudFormation: config "
    "put-configuration-recorder",
    "AWS::Config::DeliveryChannel": "not in moto's CloudFormation: config put-delivery-channel",
    "AWS::RAM::ResourceShare": "not in moto's CloudFormation: ram create-resource-share",
    "AWS::EC2::FlowLog": "not in moto's CloudFormation: ec2 create-flow-logs (on a stand-in VPC)",
    "AWS::IAM::ServiceLinkedRole": "not in moto's CloudFormation: iam "
    "create-service-linked-role (once per account, as AWS keeps one)",
    "AWS::CloudFormation::StackSet": "not in moto's CloudFormation: cloudformation "
    "create-stack-set and one stack per target account (see StackSet instances)",
}
# moto deploys these through CloudFormation; properties it ignores are completed by API calls
COMPLETED = {
    "AWS::IAM::Role": "moto's CloudFormation ignores ManagedPolicyArns and stores inline Policies "
    "so that IAM listings then fail (HTTP 500): iam attach-role-policy, put-role-policy",
}
NATIVE = frozenset(
    {
        "AWS::IAM::Role",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::Policy",
        "AWS::KMS::Alias",
    }
)


@dataclass
class Target:
    """Where a substituted resource is made, and by which step."""

    emulator: Emulator
    world: World
    account_id: str
    step_number: int
    step_title: str
    stack_set: Callable[[dict[str, Any]], str] | None = None  # deploys a StackSet resource
    notes: list[str] = field(default_factory=list)

    def client(self, service: str) -> Any:
        return self.emulator.client(service, self.account_id)


def _document(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _bucket(t: Target, logical: str, p: dict[str, Any]) -> str:
    name = p.get("BucketName") or f"{logical.lower()}-{t.account_id}"
    s3 = t.client("s3")
    locked = str(p.get("ObjectLockEnabled", "")).lower() == "true" or bool(
        p.get("ObjectLockConfiguration")
    )
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=locked)
    versioning = p.get("VersioningConfiguration") or {}
    if versioning.get("Status"):
        s3.put_bucket_versioning(
            Bucket=name, VersioningConfiguration={"Status": versioning["Status"]}
        )
    lock = p.get("ObjectLockConfiguration")
    if lock:
        s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration=lock)
    if p.get("PublicAccessBlockConfiguration"):
        config = {
            k: str(v).lower() == "true" for k, v in p["PublicAccessBlockConfiguration"].items()
        }
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=config)
    encryption = p.get("BucketEncryption")
    if encryption:
        rules = [
            _encryption_rule(r) for r in encryption.get("ServerSideEncryptionConfiguration", [])
        ]
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    logging = p.get("LoggingConfiguration")
    if logging and logging.get("DestinationBucketName"):
        target = {
            "TargetBucket": logging["DestinationBucketName"],
            "TargetPrefix": logging.get("LogFilePrefix", ""),
        }
        try:
            s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": target})
        except ClientError as exc:  # moto checks log-delivery grants AWS no longer uses
            t.notes.append(f"access logging of {name} not emulated: {exc}")
    if p.get("Tags"):
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": p["Tags"]})
    return str(name)


def _encryption_rule(rule: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    default = rule.get("ServerSideEncryptionByDefault")
    if default:
        found["ApplyServerSideEncryptionByDefault"] = {
            k: v for k, v in default.items() if k in ("SSEAlgorithm", "KMSMasterKeyID")
        }
    if "BucketKeyEnabled" in rule:
        found["BucketKeyEnabled"] = str(rule["BucketKeyEnabled"]).lower() == "true"
    return found


def _key(t: Target, logical: str, p: dict[str, Any]) -> str:
    kms = t.client("kms")
    arguments: dict[str, Any] = {"Policy": _document(p.get("KeyPolicy") or {})}
    if p.get("Description"):
        arguments["Description"] = p["Description"]
    if p.get("Tags"):
        arguments["Tags"] = [{"TagKey": x["Key"], "TagValue": x["Value"]} for x in p["Tags"]]
    key = kms.create_key(**arguments)["KeyMetadata"]["KeyId"]
    if str(p.get("EnableKeyRotation", "false")).lower() == "true":
        kms.enable_key_rotation(KeyId=key)
    return str(key)


def _bucket_policy(t: Target, logical: str, p: dict[str, Any]) -> str:
    t.client("s3").put_bucket_policy(Bucket=p["Bucket"], Policy=_document(p["PolicyDocument"]))
    return f"{p['Bucket']}-policy"


def _organizations_policy(t: Target, logical: str, p: dict[str, Any]) -> str:
    organizations = t.emulator.client("organizations")
    content = p["Content"]
    created = organizations.create_policy(
        Name=p["Name"],
        Description=p.get("Description", ""),
        Type=p.get("Type", "SERVICE_CONTROL_POLICY"),
        Content=_document(content),
    )["Policy"]["PolicySummary"]["Id"]
    t.world.policies[p["Name"]] = created
    t.world.policy_content[p["Name"]] = json.loads(_document(content))
    for target in p.get("TargetIds") or ():
        organizations.attach_policy(PolicyId=created, TargetId=target)
        t.world.attached[target][p["Name"]] = Applied(p["Name"], t.step_number, t.step_title)
    return str(created)


def _trail(t: Target, logical: str, p: dict[str, Any]) -> str:
    keys = {
        "TrailName": "Name",
        "S3BucketName": "S3BucketName",
        "S3KeyPrefix": "S3KeyPrefix",
        "IsOrganizationTrail": "IsOrganizationTrail",
        "IsMultiRegionTrail": "IsMultiRegionTrail",
        "EnableLogFileValidation": "EnableLogFileValidation",
        "IncludeGlobalServiceEvents": "IncludeGlobalServiceEvents",
        "KMSKeyId": "KmsKeyId",
    }
    arguments = {api: p[cfn] for cfn, api in keys.items() if cfn in p}
    arguments.setdefault("Name", logical)
    for flag in ("IsOrganizationTrail", "IsMultiRegionTrail", "EnableLogFileValidation"):
        if flag in arguments:
            arguments[flag] = str(arguments[flag]).lower() == "true"
    cloudtrail = t.client("cloudtrail")
    arn = cloudtrail.create_trail(**arguments)["TrailARN"]
    if str(p.get("IsLogging", "true")).lower() == "true":
        cloudtrail.start_logging(Name=arguments["Name"])
    return str(arn)


def _recorder(t: Target, logical: str, p: dict[str, Any]) -> str:
    recorder = {"name": p.get("Name", "default"), "roleARN": p.get("RoleARN", "")}
    if p.get("RecordingGroup"):
        recorder["recordingGroup"] = _lower_first(p["RecordingGroup"])
    t.client("config").put_configuration_recorder(ConfigurationRecorder=recorder)
    return str(recorder["name"])


def _channel(t: Target, logical: str, p: dict[str, Any]) -> str:
    channel: dict[str, Any] = {"name": p.get("Name", "default"), "s3BucketName": p["S3BucketName"]}
    for cfn, api in (("S3KeyPrefix", "s3KeyPrefix"), ("S3KmsKeyArn", "s3KmsKeyArn")):
        if p.get(cfn):
            channel[api] = p[cfn]
    t.client("config").put_delivery_channel(DeliveryChannel=channel)
    return str(channel["name"])


def _lower_first(value: Any) -> Any:
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: _lower_first(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_first(v) for v in value]
    return value


def _service_linked_role(t: Target, logical: str, p: dict[str, Any]) -> str:
    iam = t.client("iam")
    service = str(p["AWSServiceName"])
    for role in iam.list_roles(PathPrefix=f"/aws-service-role/{service}/")["Roles"]:
        return str(role["RoleName"])
    return str(iam.create_service_linked_role(AWSServiceName=service)["Role"]["RoleName"])


def _flow_log(t: Target, logical: str, p: dict[str, Any]) -> str:
    arguments: dict[str, Any] = {
        "ResourceIds": [p["ResourceId"]],
        "ResourceType": p.get("ResourceType", "VPC"),
        "TrafficType": p.get("TrafficType", "ALL"),
    }
    for key in ("LogDestinationType", "LogDestination", "MaxAggregationInterval"):
        if key in p:
            arguments[key] = int(p[key]) if key == "MaxAggregationInterval" else p[key]
    found = t.client("ec2").create_flow_logs(**arguments)
    if found.get("Unsuccessful"):
        raise StepFailed(f"{logical}: {found['Unsuccessful'][0].get('Error', {})}")
    return str(found["FlowLogIds"][0])


def _share(t: Target, logical: str, p: dict[str, Any]) -> str:
    arguments: dict[str, Any] = {
        "name": p["Name"],
        "allowExternalPrincipals": str(p.get("AllowExternalPrincipals", "true")).lower() == "true",
    }
    if p.get("ResourceArns"):
        arguments["resourceArns"] = list(p["ResourceArns"])
    if p.get("Principals"):
        arguments["principals"] = list(p["Principals"])
    for principal in arguments.get("principals", []):
        unit = principal.rsplit("/", 1)[-1]
        if ":ou/" in principal and t.world.parent.get(unit) != t.world.root_id:
            raise NotSimulated(
                f"moto's RAM shares only with OUs directly under the root, not {principal}"
            )
    try:
        share = t.client("ram").create_resource_share(**arguments)["resourceShare"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "MalformedArnException":
            raise
        raise NotSimulated(f"moto's RAM refuses it ({reason(exc)})") from None
    return str(share["resourceShareArn"])


def _stack_set(t: Target, logical: str, p: dict[str, Any]) -> str:
    if t.stack_set is None:
        raise StepFailed(f"{logical}: a StackSet can only be deployed from the management account")
    return t.stack_set(p)


Substitute = Callable[[Target, str, dict[str, Any]], str]
HANDLERS: dict[str, Substitute] = {
    "AWS::S3::Bucket": _bucket,
    "AWS::S3::BucketPolicy": _bucket_policy,
    "AWS::KMS::Key": _key,
    "AWS::Organizations::Policy": _organizations_policy,
    "AWS::CloudTrail::Trail": _trail,
    "AWS::Config::ConfigurationRecorder": _recorder,
    "AWS::Config::DeliveryChannel": _channel,
    "AWS::RAM::ResourceShare": _share,
    "AWS::EC2::FlowLog": _flow_log,
    "AWS::IAM::ServiceLinkedRole": _service_linked_role,
    "AWS::CloudFormation::StackSet": _stack_set,
}


MANAGED_POLICIES_MISSING = (
    "AWS managed policies are not loaded in the emulator (moto loads them per account, ~2 s "
    "each, with MOTO_IAM_LOAD_MANAGED_POLICIES=true): roles were created without them"
)


def complete_role(t: Target, physical: str, p: dict[str, Any]) -> list[str]:
    """What moto's CloudFormation leaves out of an AWS::IAM::Role; the AWS managed policies the
    emulator does not have."""
    iam = t.client("iam")
    for policy in p.get("Policies") or ():
        iam.put_role_policy(
            RoleName=physical,
            PolicyName=policy["PolicyName"],
            PolicyDocument=_document(policy["PolicyDocument"]),
        )
    missing = []
    for arn in p.get("ManagedPolicyArns") or ():
        if arn in t.world.missing_policies:  # the emulator has none of them: ask once
            missing.append(arn)
            continue
        try:
            iam.attach_role_policy(RoleName=physical, PolicyArn=arn)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "NoSuchEntity" or ":iam::aws:policy/" not in arn:
                raise
            missing.append(arn)
            t.world.missing_policies.add(arn)
    return missing
