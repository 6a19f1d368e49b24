"""Figures for the core on organization sizes that large enterprises run.

Run: make bench  (or .venv/bin/python benchmarks/bench_core.py 1000 5000)
Prints the median of several runs for loading, checking, saving, indexing, querying and editing.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from designer.analysis import blast_radius
from designer.core.document import Document
from designer.model import (
    Account,
    BillingRelationship,
    Design,
    LogBucket,
    LogDeliveryRelationship,
    Organization,
    OrganizationalUnit,
    TrustRelationship,
    dumps_design,
    load_design,
    save_design,
    stable_id,
)


def synthetic(accounts: int) -> Design:
    """Management, log archive and audit accounts; workloads spread over 20 BU OUs with 3 envs."""
    sid = lambda *parts: stable_id("bench", *map(str, parts))  # noqa: E731
    mgmt = Account(id=sid("mgmt"), name="Management", functions=["management"])
    logs = Account(id=sid("logs"), name="Log Archive", functions=["log-archive"])
    audit = Account(id=sid("audit"), name="Audit", functions=["security-tooling"])
    bucket = LogBucket(id=sid("bucket"), name="org-logs", account=logs.id)
    units = [OrganizationalUnit(id=sid("bu", b), name=f"BU {b}") for b in range(20)]
    units += [
        OrganizationalUnit(id=sid("env", b, e), name=e, parent=sid("bu", b))
        for b in range(20)
        for e in ("prod", "nonprod", "dev")
    ]
    rels: list[object] = [
        LogDeliveryRelationship(
            id=sid("trail"),
            source=mgmt.id,
            target=logs.id,
            log_types=["cloudtrail", "config"],
            organization_wide=True,
            bucket=bucket.id,
        )
    ]
    members = []
    for n in range(accounts - 3):
        unit = units[20 + n % 60]
        acct = Account(
            id=sid("acct", n),
            name=f"Workload {n}",
            functions=["workload"],
            aws_account_id=f"{100000000000 + n}",
            email=f"aws+{n}@example.com",
            parent=unit.id,
            runs_workloads=True,
        )
        members.append(acct)
        rels.append(BillingRelationship(id=sid("bill", n), source=mgmt.id, target=acct.id))
        rels.append(
            TrustRelationship(
                id=sid("audit", n),
                source=audit.id,
                target=acct.id,
                role_name="SecurityAudit",
                access_level="security-audit",
            )
        )
    return Design.model_validate(
        {
            "name": f"Synthetic {accounts}",
            "organization": Organization(name="Bench", management_account=mgmt.id),
            "organizational_units": units,
            "accounts": [mgmt, logs, audit, *members],
            "relationships": rels,
            "log_buckets": [bucket],
        }
    )


def measure(label: str, action: Callable[[], object], repeat: int = 5) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    print(f"  {label:<44} {statistics.median(times) * 1000:9.1f} ms")


def bench(accounts: int) -> None:
    design = synthetic(accounts)
    print(
        f"{accounts} accounts, {len(design.relationships)} relationships, "
        f"{len(design.organizational_units)} OUs"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "design.json"
        save_design(design, path)
        print(f"  {'file size':<44} {path.stat().st_size / 1e6:9.1f} MB")
        measure("load (parse + validate + integrity)", lambda: load_design(path))
        measure("save (checked, atomic, with .bak)", lambda: save_design(design, path))
        measure("serialise (dumps_design)", lambda: dumps_design(design))
    doc = Document(design)
    measure("Document() incl. graph index", lambda: Document(design), repeat=3)
    measure(
        "blast radius of the audit account",
        lambda: blast_radius(doc.design, stable_id("bench", "audit")),
    )
    measure("log coverage", doc.graph.log_coverage)
    measure("OU subtree of one BU", lambda: doc.graph.ou_subtree(stable_id("bench", "bu", "0")))
    counter = iter(range(10**6))

    def add_and_remove() -> None:
        n = next(counter)
        acct = Account(name=f"New {n}", functions=["sandbox"])
        doc.add(acct)
        doc.remove(acct.id)

    measure("one edit: add + remove an account", add_and_remove)
    measure(
        "one edit: rename an account",
        lambda: doc.update(stable_id("bench", "acct", "1"), name=f"Renamed {next(counter)}"),
    )
    step = max(1, (accounts - 3) // 100)
    moving = [stable_id("bench", "acct", str(n)) for n in range(0, accounts - 3, step)][:100]
    targets = [stable_id("bench", "env", "1", "dev"), stable_id("bench", "env", "0", "prod")]
    turn = iter(range(10**6))

    def move_hundred() -> None:
        target = targets[next(turn) % 2]
        with doc.batch():
            for account_id in moving:
                doc.move(account_id, target)

    measure("batch: move 100 accounts to another OU", move_hundred)


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [1000, 5000]:
        bench(size)
