"""LZA's replacements: replacements-config.yaml's globalReplacements and the `{{ ... }}`
placeholders of every configuration file, applied to the text before it is parsed, as LZA
does (Handlebars over the file).

`{{ Key }}` takes the key's value (a list is joined with ',', so `[{{ Regions }}]` is a list);
`{{ account Name }}` the account id accountIds gives the account; `{{ Name }}` of an account is
its name. What cannot be resolved here (SSM parameters, LZA's built-ins such as
{{ AcceleratorHomeRegion }} when not defined, dynamic references) stays as written: the value
keeps the placeholder text and the report names where (a gap, never a failure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.engines.lza.fields import At, mapping, required, sequence, text
from designer.engines.report import ConversionReport
from designer.engines.yamlio import parse_yaml

_PLACEHOLDER = re.compile(r"(\\?)\{\{\s*(.*?)\s*\}\}")
_ACCOUNT = re.compile(r"""account\s+(["']?)(.+?)\1""")
_TOKEN = re.compile(r"__lza_placeholder_(\d+)__")
ACCOUNT_LOOKUP = re.compile(r"\{\{\s*account\s+([\"']?)(.+?)\1\s*\}\}")


@dataclass
class Replacements:
    values: dict[str, str] = field(default_factory=dict)  # key -> text put in its place
    account_ids: dict[str, str] = field(default_factory=dict)  # account name -> id
    account_names: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path, label: str, read: Any) -> Replacements:
        """From replacements-config.yaml (`read` parses a file: the loader's own reader)."""
        found = cls()
        at = At(label)
        data = mapping(read(path, label), at)
        for i, item in enumerate(
            sequence(data.get("globalReplacements"), at / "globalReplacements")
        ):
            here = at / "globalReplacements" / i
            entry = mapping(item, here)
            key = text(required(entry, "key", here), here / "key")
            if entry.get("type") == "SSM" or "value" not in entry:
                continue  # read from SSM Parameter Store when LZA runs: not known here
            value = entry["value"]
            if isinstance(value, list):
                found.values[key] = ",".join(
                    text(v, here / "value" / j) for j, v in enumerate(value)
                )
            else:
                found.values[key] = text(value, here / "value")
        return found

    def substitute(self, source: str, label: str) -> tuple[str, list[str]]:
        """The text with every placeholder resolved or replaced by a token (restored after
        parsing by `restore`), and the original text of each token."""
        kept: list[str] = []

        def replace(match: re.Match[str]) -> str:
            escaped, inner = match.group(1), match.group(2)
            if escaped:
                return match.group(0)[1:]
            found = self.resolve(inner)
            if found is not None:
                return found
            kept.append(match.group(0))
            return f"__lza_placeholder_{len(kept) - 1}__"

        return _PLACEHOLDER.sub(replace, source), kept

    def resolve(self, inner: str) -> str | None:
        account = _ACCOUNT.fullmatch(inner)
        if account is not None:
            return self.account_ids.get(account.group(2))
        if inner in self.values:
            return self.values[inner]
        if inner in self.account_names:
            return inner
        return None


def restore(data: Any, kept: list[str], at: At, report: ConversionReport, known: set[str]) -> Any:
    """`data` with each token back to the placeholder it stands for; each value still holding
    one is a gap (an account lookup of an account in the configuration is not: the reader
    resolves it by name). YAML anchors cannot make a value contain itself (yamlio refuses)."""
    if isinstance(data, str):
        if "__lza_placeholder_" not in data:
            return data
        value = _TOKEN.sub(lambda m: kept[int(m.group(1))], data)
        for _escape, inner in _PLACEHOLDER.findall(value):
            lookup = _ACCOUNT.fullmatch(inner)
            if lookup is None or lookup.group(2) not in known:
                report.gap(at.label, f"placeholder {{{{ {inner} }}}} is not resolved here")
        return value
    if isinstance(data, list):
        return [restore(v, kept, at / i, report, known) for i, v in enumerate(data)]
    if isinstance(data, dict):
        return {
            restore(k, kept, at, report, known): restore(v, kept, at / str(k), report, known)
            for k, v in data.items()
        }
    return data


def parse(source: str, label: str, replacements: Replacements, report: ConversionReport) -> Any:
    """One configuration file's text: placeholders resolved, parsed, tokens restored."""
    resolved, kept = replacements.substitute(source, label)
    data = parse_yaml(resolved, label)
    return restore(data, kept, At(label), report, replacements.account_names)
