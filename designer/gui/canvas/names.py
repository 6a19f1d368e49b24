"""A node's name in at most two lines that keep what tells it apart.

Names in large organizations differ at the end ("BU 02 workload 0137"), so a name too long for two
lines loses letters in the middle of its second line, never its end.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt

ELLIPSIS = "…"


class Metrics(Protocol):
    def horizontalAdvance(self, text: str, /) -> float: ...

    def elidedText(self, text: str, mode: Qt.TextElideMode, width: float, /) -> str: ...


def name_lines(name: str, metrics: Metrics, width: float) -> list[str]:
    """One line when it fits; else the words that fit on the first line and the rest on the
    second, cut in the middle when still too long."""
    text = " ".join(name.split())
    if metrics.horizontalAdvance(text) <= width:
        return [text]
    words = text.split(" ")
    first = _fitting_words(words, metrics, width)
    if not first:  # one long word: break it where the width ends
        first = _fitting_prefix(text, metrics, width)
        rest = text[len(first) :]
    else:
        rest = text[len(first) :].lstrip()
    second = metrics.elidedText(rest, Qt.TextElideMode.ElideMiddle, width)
    return [first, second] if second else [first]


def _fitting_words(words: list[str], metrics: Metrics, width: float) -> str:
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if metrics.horizontalAdvance(candidate) > width:
            break
        line = candidate
    return line


def _fitting_prefix(text: str, metrics: Metrics, width: float) -> str:
    end = len(text)
    while end > 1 and metrics.horizontalAdvance(text[:end]) > width:
        end -= 1
    return text[:end]
