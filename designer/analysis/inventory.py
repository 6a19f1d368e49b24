"""The account inventory (the whitepaper's "maintain an account inventory") as rows and text."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import astuple, dataclass, fields
from typing import TYPE_CHECKING

from designer.model.vocabulary import FUNCTION_LABELS
from designer.support.text import neutralise

if TYPE_CHECKING:
    from designer.model.design import Design

FORMATS = ("table", "csv", "markdown")


@dataclass(frozen=True)
class InventoryRow:
    name: str
    account_id: str
    ou_path: str
    functions: str
    environment: str
    owner: str
    email: str
    data_sensitivity: str


HEADERS = (
    "Name",
    "Account id",
    "OU path",
    "Functions",
    "Environment",
    "Owner",
    "E-mail",
    "Data sensitivity",
)


def ou_paths(design: Design) -> dict[str | None, str]:
    """OU id -> "Root/Workloads/Prod" (None -> "Root")."""
    units = {u.id: u for u in design.organizational_units}
    paths: dict[str | None, str] = {None: "Root"}

    def path_of(unit_id: str | None) -> str:
        if unit_id not in paths:
            unit = units[unit_id]  # type: ignore[index]
            paths[unit_id] = f"{path_of(unit.parent)}/{unit.name}"
        return paths[unit_id]

    for unit_id in units:
        path_of(unit_id)
    return paths


def inventory_rows(design: Design) -> list[InventoryRow]:
    paths = ou_paths(design)
    rows = [
        InventoryRow(
            name=a.name,
            account_id=a.aws_account_id or "(planned)",
            ou_path=paths[a.parent],
            functions=", ".join(FUNCTION_LABELS[f] for f in a.functions),
            environment=a.environment.value,
            owner=a.owner,
            email=a.email or "",
            data_sensitivity=a.data_sensitivity.value,
        )
        for a in design.accounts
    ]
    return sorted(rows, key=lambda r: (r.ou_path.lower(), r.name.lower()))


def _one_line(text: str) -> str:
    """One line: line breaks and tabs become a space, other control and bidi characters a
    visible escape (designer.support.text)."""
    return neutralise(re.sub(r"[\t\n\r]+", " ", text))


def format_table(rows: list[InventoryRow]) -> str:
    table = [HEADERS, *([_one_line(c) for c in astuple(r)] for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _csv_cell(text: str) -> str:
    # A leading =, +, - or @ makes spreadsheets run the cell as a formula (CSV injection).
    text = "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
    return neutralise(text)


def format_csv(rows: list[InventoryRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f.name for f in fields(InventoryRow)])
    writer.writerows([_csv_cell(c) for c in astuple(r)] for r in rows)
    return out.getvalue()


def markdown_escape(text: str) -> str:
    """Text safe inside a Markdown table cell: no markup, no HTML, no line breaks."""
    text = _one_line(text)
    text = re.sub(r"([\\`*_{}\[\]()#+!|~])", r"\\\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def format_markdown(rows: list[InventoryRow]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(markdown_escape(c) for c in astuple(r)) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def format_inventory(design: Design, fmt: str = "table") -> str:
    rows = inventory_rows(design)
    formatter = {"table": format_table, "csv": format_csv, "markdown": format_markdown}[fmt]
    return neutralise(formatter(rows), keep="\n")
