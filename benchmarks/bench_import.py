"""How long the import takes on a large organization, with AWS-like latency, 1 worker versus 8.

The organization lives on moto's HTTP server (loopback). Each call is delayed by 50 ms before it
is sent, as a round trip to AWS would be; moto's own first-touch setup of every account is done
by an untimed warm-up import first.

Run: .venv/bin/python benchmarks/bench_import.py [ACCOUNTS] [LATENCY_MS]
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import boto3

from designer.live.aws import Connection
from designer.live.importer import import_organization

KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def build(url: str, accounts: int) -> None:
    org = boto3.client("organizations", endpoint_url=url, region_name="us-east-1", **KEYS)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    units = [
        org.create_organizational_unit(ParentId=root, Name=f"BU {n:02d}")["OrganizationalUnit"][
            "Id"
        ]
        for n in range(10)
    ]
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    sts = boto3.client("sts", endpoint_url=url, region_name="us-east-1", **KEYS)
    for n in range(accounts - 1):
        status = org.create_account(AccountName=f"Workload {n}", Email=f"aws+{n}@example.com")
        account = status["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=units[n % 10])
        role = f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        creds = sts.assume_role(RoleArn=role, RoleSessionName="bench")["Credentials"]
        iam = boto3.client(
            "iam",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        iam.create_role(RoleName="Audit", AssumeRolePolicyDocument=trust)


def timed_import(url: str, workers: int, latency: float) -> tuple[float, Any]:
    session = boto3.Session(region_name="us-east-1", **KEYS)
    if latency:
        session.events.register("before-send", lambda **_: time.sleep(latency))
    start = time.perf_counter()
    _, report = import_organization(Connection(endpoint_url=url, workers=workers), session=session)
    return time.perf_counter() - start, report


def main(accounts: int, latency_ms: float) -> None:
    from moto.server import ThreadedMotoServer

    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "false"
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        build(url, accounts)
        warm, _ = timed_import(url, 8, 0.0)
        print(f"{accounts} accounts: warm-up import without latency {warm:.1f} s")
        for workers in (1, 8):
            seconds, report = timed_import(url, workers, latency_ms / 1000)
            per_account = report.api_calls / report.accounts
            print(
                f"  {workers} worker{'s' if workers > 1 else ''}, {latency_ms:.0f} ms per call: "
                f"{seconds:.1f} s, {report.api_calls} calls ({per_account:.1f} per account), "
                f"{len(report.gaps)} gaps"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    latency = float(sys.argv[2]) if len(sys.argv) > 2 else 50.0
    main(size, latency)
