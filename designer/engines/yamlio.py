"""YAML in and out for the engines' configurations.

Reading: safe loading only (no Python objects), anchors and merge keys as YAML has them,
CloudFormation / org-formation short-form tags (!Ref, !GetAtt, !Sub, ...) kept as `Tag` values
for the reader to resolve, duplicate keys refused. Every problem is one line naming the file
and the line, or the YAML path (`where`).

Writing: block style, keys in the order given, no anchors, strings quoted where YAML would read
them as something else; a file may start with comment lines saying what was left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from designer.engines.report import ConfigError

MAX_BYTES = 20_000_000  # a configuration file larger than this is refused, not parsed

SHORT_TAGS = (
    "Ref",
    "GetAtt",
    "Sub",
    "Join",
    "Select",
    "Split",
    "If",
    "Equals",
    "Not",
    "And",
    "Or",
    "FindInMap",
    "Base64",
    "GetAZs",
    "ImportValue",
    "Cidr",
    "Condition",
    "Include",
    "CopyValue",
    "ReadFile",
    "JsonString",
    "MD5",
    "MD5Dir",
    "MD5File",
)


@dataclass(frozen=True)
class Tag:
    """A short-form tag and its value: !Ref Name is Tag("Ref", "Name")."""

    name: str
    value: Any


# libyaml's parser when PyYAML has it (the wheels do): a 10,000-account organization.yml parses
# in a fraction of the pure-Python parser's seconds. Both construct only safe types.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[valid-type,misc]
    """A safe loader with the short-form tags and without duplicate keys."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tag:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:
        value = None
    return Tag(suffix, value)


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)  # merge keys (<<: *anchor) first
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


def _constructor(name: str) -> Callable[[yaml.SafeLoader, yaml.Node], Tag]:
    return lambda loader, node: _tagged(loader, name, node)


for _name in SHORT_TAGS:
    _Loader.add_constructor(f"!{_name}", _constructor(_name))
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read_yaml(path: Path, label: str | None = None) -> Any:
    """The data of one YAML file; ConfigError naming `label` (default: the file name) and the
    line when it cannot be read."""
    name = label or path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ConfigError(name, "", f"larger than {MAX_BYTES:,} bytes")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(name, "", f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(name, "", exc.strerror or str(exc)) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, label: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader: no Python objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "not valid YAML"
        raise ConfigError(label, line, problem) from None
    except yaml.YAMLError as exc:
        raise ConfigError(label, "", f"not valid YAML ({exc.__class__.__name__})") from None
    except RecursionError:
        raise ConfigError(label, "", "nested too deeply") from None


def where(*parts: str | int) -> str:
    """A YAML path: where("roleSets", 0, "roles", 2, "name") -> roleSets[0].roles[2].name."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# -- writing ------------------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    """Block style; lists indented under their key, as LZA's and org-formation's examples are."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True  # the same value twice is written twice: each file reads on its own


def _tag_representer(dumper: yaml.SafeDumper, tag: Tag) -> yaml.Node:
    if isinstance(tag.value, list):
        return dumper.represent_sequence(f"!{tag.name}", tag.value)
    if isinstance(tag.value, dict):
        return dumper.represent_mapping(f"!{tag.name}", tag.value)
    return dumper.represent_scalar(f"!{tag.name}", str(tag.value))


# Strings another YAML reader could take for a number (js-yaml, which LZA uses, reads YAML 1.2:
# 012345678901 would be the integer 12345678901, losing an account id's leading zero).
_NUMBER_LIKE = re.compile(
    r"[-+]?(\.?[0-9][0-9_.:]*([eE][-+]?[0-9]+)?|0[xob][0-9a-fA-F_]+|\.inf|\.nan)"
)


def _str_representer(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style: str | None = "|" if "\n" in text else None  # a multi-line string stays readable
    if style is None and _NUMBER_LIKE.fullmatch(text.lower()):
        style = "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(Tag, _tag_representer)
_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any, comments: list[str] | tuple[str, ...] = ()) -> str:
    """`data` as YAML: the same data gives the same text; `comments` open the file, one '# '
    line each (user text in them is kept to one line)."""
    head = "".join(f"# {' '.join(c.split())}\n" for c in comments)
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )
    return head + body
