"""A small HCL2 writer: blocks, attributes, comments and values, rendered as `terraform fmt`
lays them out (two-space indents, the `=` of neighbouring one-line attributes aligned).

User text only ever reaches the output as an escaped string literal or a one-line comment:
quotes, backslashes and control characters are escaped, and the template sequences `${` and
`%{` are doubled (`$${`, `%%{`), so a name can never open an interpolation or a directive.
References (Ref) and interpolations (Template) are the writer's own, checked traversals.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

INDENT = "  "
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# A traversal: name(.attr | [index])*; enough for aws_x.y.attr, var.x, roots[0].id, aws.alias.
TRAVERSAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\])*")
_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Characters written as \uXXXX: controls, format characters (bidi overrides that could make a
# line read differently than it parses), line and paragraph separators, and the unassigned.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cn"})
# Words an object key is quoted for, though they match IDENTIFIER (HCL's literals, for-loops).
_KEYWORDS = frozenset({"null", "true", "false", "for", "in", "if", "endif", "endfor"})


@dataclass(frozen=True)
class Ref:
    """An unquoted reference: aws_organizations_account.dev.id, var.region, aws.dev."""

    path: str

    def __post_init__(self) -> None:
        if not TRAVERSAL.fullmatch(self.path):
            raise ValueError(f"not a Terraform reference: {self.path!r}")


@dataclass(frozen=True)
class Template:
    """A quoted string with interpolations: literal parts escaped, Ref parts as ${ref}."""

    parts: tuple[str | Ref, ...]


@dataclass(frozen=True)
class Call:
    """A function call: jsonencode({...}), file("policy.json")."""

    name: str
    args: tuple[Value, ...]

    def __post_init__(self) -> None:
        if not IDENTIFIER.fullmatch(self.name):
            raise ValueError(f"not a function name: {self.name!r}")


Value: TypeAlias = (
    bool | int | str | Ref | Template | Call | Sequence["Value"] | Mapping[str, "Value"] | None
)


@dataclass(frozen=True)
class Attribute:
    name: str
    value: Value


@dataclass(frozen=True)
class Comment:
    text: str


@dataclass(frozen=True)
class Blank:
    """An empty line inside a block (ends an alignment group, as in terraform fmt)."""


@dataclass
class Block:
    type: str
    labels: tuple[str, ...] = ()
    body: list[Item] = field(default_factory=list)

    def set(self, name: str, value: Value) -> Block:
        self.body.append(Attribute(name, value))
        return self

    def add(self, *items: Item) -> Block:
        self.body.extend(items)
        return self

    def comment(self, text: str) -> Block:
        self.body.append(Comment(text))
        return self


Item: TypeAlias = Attribute | Block | Comment | Blank


# -- literals ----------------------------------------------------------------------------------
def _escape_char(char: str) -> str:
    simple = _SIMPLE_ESCAPES.get(char)
    if simple is not None:
        return simple
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate cannot be written as UTF-8
        return "\\uFFFD"
    if unicodedata.category(char) in _ESCAPED_CATEGORIES:
        return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"
    return char


def escape(text: str) -> str:
    """The body of an HCL string literal whose value is exactly `text` (no interpolation)."""
    body = "".join(_escape_char(c) for c in text)
    return body.replace("${", "$${").replace("%{", "%%{")


def string(text: str) -> str:
    return f'"{escape(text)}"'


def comment_text(text: str) -> str:
    """User text on one comment line: no line break or control character survives."""
    flat = " ".join(text.split())
    return "".join(c if unicodedata.category(c) not in _ESCAPED_CATEGORIES else "?" for c in flat)


def identifier(name: str) -> str:
    if not IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a Terraform identifier: {name!r}")
    return name


def _key(key: str) -> str:
    """An object key: bare when it is an identifier (read literally, never as a variable),
    quoted otherwise."""
    bare = IDENTIFIER.fullmatch(key) and key not in _KEYWORDS
    return key if bare else string(key)


# -- values ------------------------------------------------------------------------------------
def render_value(value: Value, depth: int = 0) -> str:
    """One value at nesting `depth` (continuation lines are indented from there)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, Ref):
        return value.path
    if isinstance(value, Template):
        return _template(value)
    if isinstance(value, Call):
        return f"{value.name}({', '.join(render_value(a, depth) for a in value.args)})"
    if isinstance(value, Mapping):
        return _object(value, depth)
    return _tuple(list(value), depth)


def _template(value: Template) -> str:
    body = "".join(
        f"${{{part.path}}}" if isinstance(part, Ref) else escape(part) for part in value.parts
    )
    return f'"{body}"'


def _scalar(value: Value) -> bool:
    return not isinstance(value, (Mapping, Call)) and (
        isinstance(value, (str, Ref, Template)) or not isinstance(value, Sequence)
    )


def _tuple(values: list[Value], depth: int) -> str:
    if not values:
        return "[]"
    if all(_scalar(v) for v in values):
        one_line = "[" + ", ".join(render_value(v) for v in values) + "]"
        if len(one_line) + depth * 2 <= 100:
            return one_line
    inner = INDENT * (depth + 1)
    lines = [f"{inner}{render_value(v, depth + 1)}," for v in values]
    return "[\n" + "\n".join(lines) + "\n" + INDENT * depth + "]"


def _object(value: Mapping[str, Value], depth: int) -> str:
    if not value:
        return "{}"
    inner = INDENT * (depth + 1)
    pairs = [(_key(k), render_value(v, depth + 1)) for k, v in value.items()]
    lines = [f"{inner}{line}" for line in _aligned(pairs)]
    return "{\n" + "\n".join(lines) + "\n" + INDENT * depth + "}"


def _aligned(pairs: list[tuple[str, str]]) -> list[str]:
    """`name = value` lines, the `=` of consecutive one-line values in a column. terraform fmt
    (hclwrite) aligns only lines whose value closes on the same line: a value that opens a
    multi-line bracket is written unpadded and ends the run before it."""
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in run), default=0)
        lines.extend(f"{k.ljust(width)} = {v}" for k, v in run)
        run.clear()

    for key, text in pairs:
        if "\n" in text:
            flush()
            lines.append(f"{key} = {text}")
        else:
            run.append((key, text))
    flush()
    return lines


# -- blocks and files --------------------------------------------------------------------------
def render_block(block: Block, depth: int = 0) -> list[str]:
    pad = INDENT * depth
    labels = "".join(f" {string(label)}" for label in block.labels)
    head = f"{pad}{identifier(block.type)}{labels} {{"
    if not block.body:
        return [head + "}"]
    return [head, *_body(block.body, depth + 1), pad + "}"]


def _body(items: list[Item], depth: int) -> list[str]:
    pad = INDENT * depth
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        lines.extend(pad + line for line in _aligned(run))
        run.clear()

    previous: Item | None = None
    for item in items:
        if isinstance(item, Attribute):
            run.append((identifier(item.name), render_value(item.value, depth)))
        else:
            flush()
            if isinstance(item, Block):
                if previous is not None and not isinstance(previous, (Blank, Comment)):
                    lines.append("")
                lines += render_block(item, depth)
            elif isinstance(item, Comment):
                lines.append(f"{pad}# {comment_text(item.text)}".rstrip())
            else:
                lines.append("")
        previous = item
    flush()
    return lines


def render_file(items: Sequence[Item]) -> str:
    """A .tf file: top-level blocks and comments, a blank line between blocks."""
    lines: list[str] = []
    previous: Item | None = None
    for item in items:
        if isinstance(item, Block):
            if previous is not None and not isinstance(previous, Comment):
                lines.append("")
            lines += render_block(item)
        elif isinstance(item, Comment):
            if isinstance(previous, Block):
                lines.append("")
            lines.append(f"# {comment_text(item.text)}".rstrip())
        elif isinstance(item, Blank):
            lines.append("")
        else:
            lines.append(f"{identifier(item.name)} = {render_value(item.value)}")
        previous = item
    return "\n".join(lines) + "\n"
