"""A summary drawing for large designs: each OU's accounts as one node, relationships counted.

A diagram of 2,000 accounts is exact but unreadable on a page; the summary shows the shape of the
organization (every OU, how many accounts of which function each holds, and how many
relationships of each kind run between them) at any size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from designer.drawing.views import KIND_STYLES, VIEW_TITLES, VIEWS
from designer.model.design import Design
from designer.model.governance import Layout
from designer.model.nodes import Account
from designer.model.vocabulary import AccountFunction
from exporters.drawing import Drawing, DrawnEdge, build_drawing, routed

SUMMARY_ABOVE = 150  # accounts: documents show summaries of larger designs


def is_large(design: Design) -> bool:
    """Whether pages should show the summary rather than every account."""
    return len(design.accounts) > SUMMARY_ABOVE


def summary_id(container: str) -> str:
    return f"summary-{container}"


def summary_drawing(design: Design, view: str = "all") -> Drawing:
    """The view with one node per OU (and the root) that holds accounts."""
    units = {u.id for u in design.organizational_units}
    root = design.organization.id
    holder = {a.id: (a.parent if a.parent in units else root) for a in design.accounts}
    held: dict[str, list[Account]] = defaultdict(list)
    for account in design.accounts:
        held[holder[account.id]].append(account)
    stand_ins = [_stand_in(container, accounts, root) for container, accounts in held.items()]
    # Only the OU tree and the stand-ins: the automatic layout packs them afresh.
    reduced = design.model_copy(
        update={"accounts": stand_ins, "relationships": [], "layout": Layout()}
    )
    drawing = build_drawing(reduced, view)
    edges = _counted_edges(design, view, {k: summary_id(v) for k, v in holder.items()})
    touched = {e.source for e in edges} | {e.target for e in edges}
    nodes = tuple(
        replace(n, details=_details(held, n.id), faded=view != "all" and n.id not in touched)
        for n in drawing.nodes
    )
    shown = "relationships" if view == "all" else f"{VIEW_TITLES[view].lower()} relationships"
    count = sum(1 for r in design.relationships if r.kind in VIEWS[view])
    summary = replace(
        drawing,
        title=f"{drawing.title} (summary)",
        subtitle=f"{len(design.accounts)} accounts in {len(units)} OUs, one box per OU · "
        f"{count} {shown}",
        nodes=nodes,
        edges=edges,
    )
    return routed(summary)


def _stand_in(container: str, accounts: list[Account], root: str) -> Account:
    functions = Counter(a.functions[0] for a in accounts)
    return Account.model_construct(
        id=summary_id(container),
        name=f"{len(accounts)} account{'s' if len(accounts) != 1 else ''}",
        functions=[functions.most_common(1)[0][0] if functions else AccountFunction.WORKLOAD],
        parent=None if container == root else container,
        aws_account_id=None,
    )


def _details(held: dict[str, list[Account]], node_id: str) -> tuple[str, ...]:
    container = node_id.removeprefix("summary-")
    if container not in held:
        return ()
    functions = Counter(str(a.functions[0]) for a in held[container]).most_common()
    parts = [f"{n} {f}" for f, n in functions]
    lines = [", ".join(parts[:2])]
    if len(parts) > 2:
        lines.append(", ".join(parts[2:4]) + (", …" if len(parts) > 4 else ""))
    return tuple(lines)


def _counted_edges(design: Design, view: str, node_of: dict[str, str]) -> tuple[DrawnEdge, ...]:
    """Relationships between the same two boxes, of the same kind, become one counted edge."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for rel in design.relationships:
        if rel.kind not in VIEWS[view]:
            continue
        key = (rel.kind, node_of.get(rel.source, rel.source), node_of.get(rel.target, rel.target))
        counts[key] += 1
    return tuple(
        DrawnEdge(
            f"{kind}:{source}:{target}",
            kind,
            source,
            target,
            _count_label(n, kind),
            KIND_STYLES[kind],
        )
        for (kind, source, target), n in counts.items()
    )


def _count_label(n: int, kind: str) -> str:
    title = KIND_STYLES[kind].title.lower()
    return f"{n} × {title}" if n > 1 else title  # noqa: RUF001 (the multiplication sign)
