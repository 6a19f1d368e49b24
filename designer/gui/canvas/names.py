"""What text fits where on the canvas: names that keep what tells them apart, at any size.

Names in large organizations differ at the end ("BU 02 workload 0137"), so a name too long for its
space loses letters in the middle, never its end. The functions here only decide text (given font
metrics and a width); the items draw what they return and cache it, so painting measures nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import Qt

ELLIPSIS = "…"
SEPARATOR = " · "
MIN_CHARACTERS = 3  # fewer legible characters of a name than this is noise: draw nothing
TAIL_SHARE = 0.6  # the last word is kept whole when it takes at most this share of the width


class Metrics(Protocol):
    def horizontalAdvance(self, text: str, /) -> float: ...

    def elidedText(self, text: str, mode: Qt.TextElideMode, width: float, /) -> str: ...


def name_lines(name: str, metrics: Metrics, width: float) -> list[str]:
    """One line when it fits; else the words that fit on the first line and the rest on the
    second, cut in the middle when still too long (its last word kept whole when it can be)."""
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
    second = elide_keeping_end(rest, metrics, width)
    return [first, second] if second else [first]


def elide_keeping_end(text: str, metrics: Metrics, width: float) -> str:
    """`text` in one line of `width`: whole when it fits, else cut in the middle so that its end
    survives: the last word whole ("BU 02 wor… 1234") when it takes at most TAIL_SHARE of the
    width, a last word with a number alone ("…1234") when there is room for little else, else
    an even cut in the middle. Empty when fewer than MIN_CHARACTERS would show (bar a last
    word of two: "…07")."""
    text = " ".join(text.split())
    if metrics.horizontalAdvance(text) <= width:
        return text
    head, _space, last = text.rpartition(" ")
    tail = f" {last}"
    result = ""
    if head and metrics.horizontalAdvance(ELLIPSIS + tail) <= width * TAIL_SHARE:
        room = width - metrics.horizontalAdvance(tail) - 0.5  # the pieces' rounding: no overflow
        start = metrics.elidedText(head, Qt.TextElideMode.ElideRight, room)
        if start in ("", ELLIPSIS):
            result = ELLIPSIS + last
        elif start.endswith(ELLIPSIS):
            result = start[:-1].rstrip() + ELLIPSIS + tail  # "BU 02… 1234", not "BU 02 … 1234"
    numbered = any(c.isdigit() for c in last)
    if not result and head and numbered and metrics.horizontalAdvance(ELLIPSIS + last) <= width:
        result = ELLIPSIS + last  # a number tells names apart: "…1234", not "BU…34"
    if not result:
        result = metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)
    legible = len(result.replace(ELLIPSIS, "").replace(" ", ""))
    if legible >= min(MIN_CHARACTERS, len(text.replace(" ", ""))):
        return result
    # "…07" still tells BU 07 from its neighbours; "…7" or "B…" tells nothing.
    return result if head and result == ELLIPSIS + last and len(last) >= 2 else ""


def count_text(accounts: int) -> str:
    """'1 account', '1,995 accounts'; empty for none (an empty OU says nothing)."""
    if accounts <= 0:
        return ""
    return f"{accounts:,} account{'' if accounts == 1 else 's'}"


def header_text(title: str, count: int, width: float, metrics: Metrics) -> tuple[str, str]:
    """An OU's title line in `width`: (name, count part). The name comes first and is never
    shortened to make room for the count: 'Workloads', ' · 1,995 accounts' when both fit,
    else the name alone, cut in the middle if need be; ('', '') when not even a few
    characters of the name fit."""
    name = " ".join(title.split())
    counted = count_text(count)
    if counted:
        suffix = SEPARATOR + counted
        if metrics.horizontalAdvance(name + suffix) <= width:
            return name, suffix
    return elide_keeping_end(name, metrics, width), ""


def summary_count(accounts: int, units: int, width: float, metrics: Metrics) -> str:
    """A collapsed OU's counts in `width`: '1,995 accounts · 3 OUs', else '1,995 accounts',
    else '1,995' (a number is never cut); empty when not even that fits."""
    counted = count_text(accounts) or "no accounts"
    candidates = [counted, f"{accounts:,}"]
    if units:
        candidates.insert(0, f"{counted} · {units:,} OU{'' if units == 1 else 's'}")
    return next((c for c in candidates if metrics.horizontalAdvance(c) <= width), "")


@dataclass(frozen=True)
class CardText:
    """What an account card shows when it is too small for its full layout."""

    name: str = ""  # one line; empty: the card is a plain block
    detail: str = ""  # the account id (or the provider's kind, the principal's identifier)
    tag: bool = False  # whether the badge (environment, OUTSIDE) fits on the detail line

    @property
    def lines(self) -> int:
        return (1 if self.name else 0) + (1 if self.detail or self.tag else 0)


TAG_GAP = 6.0  # between the detail text and the badge


def card_text(
    name: str,
    detail: str,
    tag_width: float,
    size: tuple[float, float],
    name_metrics: Metrics,
    detail_metrics: Metrics,
    line_heights: tuple[float, float],
) -> CardText:
    """The text of a card whose text area is `size` (width, height) on screen: the name in one
    line (its end kept), then, as space allows, the detail and the badge (`tag_width` wide,
    0 for none) on a second line. Nothing when not even the name is legible."""
    width, height = size
    name_height, detail_height = line_heights
    if height < name_height:
        return CardText()
    shown = elide_keeping_end(name, name_metrics, width)
    if not shown:
        return CardText()
    if height < name_height + detail_height:
        return CardText(shown)
    room = width - (tag_width + TAG_GAP if tag_width else 0)
    detail_shown = detail if detail and detail_metrics.horizontalAdvance(detail) <= width else ""
    if detail_shown and tag_width and detail_metrics.horizontalAdvance(detail) <= room:
        return CardText(shown, detail_shown, True)
    if detail_shown:
        return CardText(shown, detail_shown, False)
    return CardText(shown, "", 0 < tag_width <= width)


@dataclass(frozen=True)
class Entry:
    """One item of a row of a collapsed OU's card: a function or an environment."""

    full: str  # e.g. 'workload', 'PROD 70'
    short: str  # e.g. 'WL', 'PROD'


def fit_row(
    entries: Sequence[Entry], width: float, metrics: Metrics, lead: float, gap: float
) -> tuple[list[str], int]:
    """The labels of a row of entries, each after a mark `lead` wide, in `width`: the full
    labels when all fit, else the short ones, else the marks alone (empty labels); when not even
    the marks all fit, as many as fit with room for a '+n' of the rest. Returns the labels and
    how many entries were left out."""

    def needed(labels: Sequence[str]) -> float:
        return sum(lead + (metrics.horizontalAdvance(t) + 2 if t else 0) + gap for t in labels)

    for labels in ([e.full for e in entries], [e.short for e in entries]):
        if needed(labels) - gap <= width:
            return labels, 0
    count = len(entries)
    while count > 0:
        rest = len(entries) - count
        more = metrics.horizontalAdvance(f"+{rest}") if rest else 0.0
        if needed([""] * count) + more <= width:
            return [""] * count, rest
        count -= 1
    return [], len(entries)


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
