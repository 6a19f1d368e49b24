"""How long validation takes on synthetic organizations, and which rules cost the most.

Run: make bench  (or .venv/bin/python benchmarks/bench_validate.py 1000 10000)
With --pipeline (e.g. `bench_validate.py --pipeline 200 800 2000`): the synthetic design plus a
shared pipeline account, whose role every non-production account may assume and which deploys
every workload account with administrator; prints GRAPH-07's time and finding count.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import BUSINESS_UNITS, sid, synthetic_design
from designer.core.graph import DesignGraph
from designer.model import Account, Design, TrustRelationship, load_design, save_design
from designer.rules import all_rules, validate
from designer.rules.context import RuleContext


def bench(accounts: int, repeat: int = 3, scoped: bool = True) -> None:
    design = synthetic_design(accounts, scoped=scoped)
    print(f"-- {'scoped' if scoped else 'one trust per account'}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        report = validate(design)  # builds the graph index too
        times.append(time.perf_counter() - start)
    print(
        f"{accounts} accounts, {len(design.relationships)} relationships: validate "
        f"{statistics.median(times) * 1000:.0f} ms (median of {repeat}, graph index included), "
        f"{len(report.findings)} findings"
    )
    graph = DesignGraph(design)
    rule_times = []
    for _ in range(repeat):
        start = time.perf_counter()
        validate(design, graph)  # the graph index built once, as the GUI keeps it
        rule_times.append(time.perf_counter() - start)
    print(
        f"  rule time (graph index built beforehand): {statistics.median(rule_times) * 1000:.0f} ms"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "design.json"
        save_design(design, path)
        start = time.perf_counter()
        validate(load_design(path))
        print(
            f"  load the file and validate: {(time.perf_counter() - start) * 1000:.0f} ms "
            f"({path.stat().st_size / 1e6:.1f} MB)"
        )
    ctx = RuleContext(design, DesignGraph(design))
    costs = []
    for checked in all_rules():
        start = time.perf_counter()
        list(checked.check(ctx))
        costs.append((time.perf_counter() - start, checked.id))
    slowest = ", ".join(f"{rule} {cost * 1000:.0f} ms" for cost, rule in sorted(costs)[-5:][::-1])
    print(f"  slowest rules (shared lookups counted where first used): {slowest}")


def pipeline_design(accounts: int) -> Design:
    """The synthetic design plus 'Tools': each business unit's Non-prod OU may assume its
    'Pipeline' role (service admin), which the Workloads OU's 'Deploy' role (administrator)
    trusts: every non-production account reaches every production one."""
    design = synthetic_design(accounts)
    tools = Account(
        id=sid("account", "tools"),
        name="Tools",
        functions=["deployment"],
        parent=sid("ou", "Infrastructure"),
        email="aws+tools@example.com",
        owner="Cloud Platform",
        purpose="Shared pipeline",
        root_mfa=True,
        state="active",
    )
    pipeline = {"principal_type": "workload", "purpose": "Shared pipeline"}
    trusts = [
        TrustRelationship(
            id=sid("rel", "pipeline", bu),
            source=sid("ou", "bu", bu, "Non-prod"),
            target=tools.id,
            role_name="Pipeline",
            access_level="service-admin",
            services=["codepipeline"],
            organization_scoped=True,
            **pipeline,
        )
        for bu in range(BUSINESS_UNITS)
    ]
    trusts.append(
        TrustRelationship(
            id=sid("rel", "deploy"),
            source=tools.id,
            target=sid("ou", "Workloads"),
            role_name="Deploy",
            access_level="administrator",
            organization_scoped=True,
            principal_scope="role",
            principal_role_name="Pipeline",
            **pipeline,
        )
    )
    design.accounts.append(tools)
    design.relationships.extend(trusts)
    return design


def bench_pipeline(accounts: int, repeat: int = 3) -> None:
    design = pipeline_design(accounts)
    [checked] = [r for r in all_rules() if r.id == "GRAPH-07"]
    times, hits = [], 0
    for _ in range(repeat):
        ctx = RuleContext(design, DesignGraph(design))
        ctx.trust_graph  # noqa: B018 - shared by the graph rules: not GRAPH-07's cost
        start = time.perf_counter()
        hits = len(list(checked.check(ctx)))
        times.append(time.perf_counter() - start)
    findings = [f for f in validate(design).findings if f.rule_id == "GRAPH-07"]
    print(
        f"pipeline shape, {accounts + 1} accounts: GRAPH-07 "
        f"{statistics.median(times) * 1000:.0f} ms (median of {repeat}), {hits} hits, "
        f"{len(findings)} findings after merging"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    pipeline = "--pipeline" in args
    for size in [int(a) for a in args if a != "--pipeline"] or [1000, 5000, 10000]:
        if pipeline:
            bench_pipeline(size)
            continue
        for scoped in (True, False):
            bench(size, scoped=scoped)
