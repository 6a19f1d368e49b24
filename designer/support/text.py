"""User text made safe to print or write: control and bidi characters shown as visible escapes.

A name in a design or read from AWS can hold ESC (which sets a terminal's title or clears its
screen), BEL, NUL, C1 controls, or the bidirectional overrides and line separators that make a
line read differently from what it says (U+202E, U+2066, U+2028). Every terminal, text, CSV,
Markdown, HTML and JSON output passes its user text through `neutralise`.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, directional marks, the
# Arabic letter mark and the Unicode line and paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def neutralise(text: str, keep: str = "", json: bool = False) -> str:
    """`text` with every control or bidi character not in `keep` (tab, newline where the
    format allows them) written as a visible escape: \\x1b, \\u202e. With `json`, `text` is
    json.dumps output: its C0 controls are layout (json.dumps escapes those in strings) and the
    rest are written in JSON's \\u007f form, so the JSON still decodes to the same data."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        code = ord(char)
        if char in keep or (json and code < 0x20):  # json.dumps escapes C0; the rest is layout
            return char
        return f"\\x{code:02x}" if code < 0x100 and not json else f"\\u{code:04x}"

    return _UNSAFE.sub(escape, text)
