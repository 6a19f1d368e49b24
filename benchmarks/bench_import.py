"""The import's budgets on a 200-account organization seen through AWS-like latency.

moto's server runs in its own process (its CPU time is read from /proc and reported apart); a
forwarding proxy (tests/helpers/aws_proxy.py, also its own process) adds 50 ms to every request
and, in the throttled run, answers every third request with the service's throttling error.
The organization is built directly on moto, then imported once untimed (moto's first touch of
each account). Each timed import runs in a fresh process, so its peak memory (ru_maxrss) is its
own.

Budgets: 8 workers at least 4x faster than 1; a third of requests throttled at most 3x the
unthrottled time; peak memory with 8 workers within 100 MB of 1 worker. Exit 1 when one fails.

Run: .venv/bin/python benchmarks/bench_import.py [--accounts N] [--latency-ms MS]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
QUICK_MOTO = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "false", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
SPEEDUP = 4.0
THROTTLED_SLOWDOWN = 3.0
MEMORY_MB = 100.0
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    label: str
    wall: float
    cpu: float  # the importing process
    moto_cpu: float
    proxy_cpu: float
    peak_mb: float
    result: dict[str, Any]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process, from /proc (no psutil needed)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, **QUICK_MOTO}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("moto's server did not start")


def start_proxy(
    target: str, latency: float, throttle_every: int
) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "helpers" / "aws_proxy.py"),
            target,
            "--delay",
            str(latency),
            "--throttle-every",
            str(throttle_every),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def build(url: str, accounts: int) -> None:
    """The management account and accounts - 1 members in 10 OUs, each with an Audit role."""
    import boto3

    org = boto3.client("organizations", endpoint_url=url, region_name="us-east-1", **KEYS)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    units = [
        org.create_organizational_unit(ParentId=root, Name=f"BU {n:02d}")["OrganizationalUnit"][
            "Id"
        ]
        for n in range(10)
    ]
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "sts:AssumeRole",
    }
    trust = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    allow = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    read = json.dumps({"Version": "2012-10-17", "Statement": [allow]})
    sts = boto3.client("sts", endpoint_url=url, region_name="us-east-1", **KEYS)
    session = boto3.Session(region_name="us-east-1")
    for n in range(accounts - 1):
        status = org.create_account(
            AccountName=f"Workload {n}",
            Email=f"aws+{n}@example.com",
            Tags=[{"Key": "environment", "Value": ("prod", "dev")[n % 2]}],
        )
        account = status["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=units[n % 10])
        role = f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        creds = sts.assume_role(RoleArn=role, RoleSessionName="bench")["Credentials"]
        iam = session.client(
            "iam",
            endpoint_url=url,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        iam.create_role(RoleName="Audit", AssumeRolePolicyDocument=trust)
        for name in ("Audit", "OrganizationAccountAccessRole"):  # a role granting nothing is a gap
            iam.put_role_policy(RoleName=name, PolicyName="read", PolicyDocument=read)


def child(url: str, workers: int) -> None:
    """One import, in this fresh process: its figures as one JSON line."""
    import boto3

    from designer.live.aws import Connection
    from designer.live.importer import import_organization
    from designer.model.fileformat import dumps_design

    session = boto3.Session(region_name="us-east-1", **KEYS)
    started, cpu = time.perf_counter(), time.process_time()
    design, report = import_organization(
        Connection(endpoint_url=url, workers=workers), session=session
    )
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    text = dumps_design(design)
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "accounts": report.accounts,
                "read": report.scanned,
                "api_calls": report.api_calls,
                "requests": report.requests,
                "throttled": report.throttled,
                "retries": report.retries,
                "gaps": len(report.gaps),
                "design": hashlib.sha256(text.encode()).hexdigest()[:12],
            }
        )
    )


def timed(label: str, moto: subprocess.Popen[bytes], url: str, workers: int) -> dict[str, Any]:
    """Run one import in a child process; its JSON figures."""
    answer = subprocess.run(
        [sys.executable, __file__, "--child", url, "--workers", str(workers)],
        capture_output=True,
        text=True,
        check=False,
    )
    if answer.returncode != 0:
        raise SystemExit(f"{label}: the import failed:\n{answer.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
    return result


def measure(
    label: str,
    moto: subprocess.Popen[bytes],
    moto_url: str,
    workers: int,
    latency: float,
    every: int,
) -> Run:
    proxy, url = start_proxy(moto_url, latency, every)
    try:
        moto_before = cpu_seconds(moto.pid)
        result = timed(label, moto, url, workers)
        moto_cpu = cpu_seconds(moto.pid) - moto_before
        proxy_cpu = cpu_seconds(proxy.pid)
    finally:
        proxy.terminate()
        proxy.wait()
    run = Run(label, result["wall"], result["cpu"], moto_cpu, proxy_cpu, result["peak_mb"], result)
    print(
        f"  {label:<34} {run.wall:7.1f} s  import CPU {run.cpu:5.1f} s  moto CPU "
        f"{run.moto_cpu:5.1f} s  proxy CPU {run.proxy_cpu:5.1f} s  peak {run.peak_mb:6.1f} MB  "
        f"{result['api_calls']} calls, {result['requests']} requests, "
        f"{result['throttled']} throttled, {result['retries']} retries, {result['gaps']} gaps, "
        f"design {result['design']}",
        flush=True,
    )
    return run


def budgets(one: Run, eight: Run, throttled: Run) -> list[tuple[str, str, bool]]:
    speedup = one.wall / eight.wall
    slowdown = throttled.wall / eight.wall
    memory = eight.peak_mb - one.peak_mb
    same = {one.result["design"], eight.result["design"], throttled.result["design"]}
    return [
        (f"8 workers vs 1 >= {SPEEDUP:.0f}x", f"{speedup:.1f}x", speedup >= SPEEDUP),
        (
            f"a third throttled <= {THROTTLED_SLOWDOWN:.0f}x",
            f"{slowdown:.2f}x",
            slowdown <= THROTTLED_SLOWDOWN,
        ),
        (
            f"peak memory 8 vs 1 worker within {MEMORY_MB:.0f} MB",
            f"{memory:+.1f} MB",
            abs(memory) <= MEMORY_MB,
        ),
        ("the same design every run", f"{len(same)} distinct", len(same) == 1),
        (
            "every account read, no gap",
            f"{one.result['read']}/{one.result['accounts']}",
            all(r.result["gaps"] == 0 for r in (one, eight, throttled)),
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=8, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.workers)
        return 0
    latency = args.latency_ms / 1000
    moto, url = start_moto()
    try:
        started = time.perf_counter()
        build(url, args.accounts)
        print(
            f"{args.accounts} accounts built in {time.perf_counter() - started:.1f} s", flush=True
        )
        warm = timed("warm-up", moto, url, 8)
        print(f"  warm-up import, no proxy: {warm['wall']:.1f} s (untimed)", flush=True)
        one = measure(f"1 worker, {args.latency_ms:.0f} ms", moto, url, 1, latency, 0)
        eight = measure(f"8 workers, {args.latency_ms:.0f} ms", moto, url, 8, latency, 0)
        throttled = measure(
            f"8 workers, {args.latency_ms:.0f} ms, 1/3 throttled", moto, url, 8, latency, 3
        )
    finally:
        moto.terminate()
        moto.wait()
    failed = 0
    print(f"\n  {'budget':<44} {'measured':>12}  result")
    for name, measured, ok in budgets(one, eight, throttled):
        print(f"  {name:<44} {measured:>12}  {'PASS' if ok else 'FAIL'}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
