"""A pairwise-covering sample of a parameter space: every value of every parameter meets every
value of every other parameter in some row (greedy, deterministic)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any


def pairwise(space: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    names = list(space)
    sizes = [len(space[n]) for n in names]
    missing = {
        (i, a, j, b)
        for i, j in combinations(range(len(names)), 2)
        for a in range(sizes[i])
        for b in range(sizes[j])
    }
    rows: list[list[int]] = []
    while missing:
        i, a, j, b = min(missing)
        row = [-1] * len(names)
        row[i], row[j] = a, b
        for k in range(len(names)):
            if row[k] >= 0:
                continue
            row[k] = max(range(sizes[k]), key=lambda v: _gain(row, k, v, missing))
        rows.append(row)
        missing -= {(p, row[p], q, row[q]) for p, q in combinations(range(len(names)), 2)}
    return [{n: space[n][v] for n, v in zip(names, row, strict=True)} for row in rows]


def _gain(row: list[int], k: int, value: int, missing: set[tuple[int, int, int, int]]) -> int:
    gain = 0
    for p, v in enumerate(row):
        if v < 0 or p == k:
            continue
        pair = (p, v, k, value) if p < k else (k, value, p, v)
        gain += pair in missing
    return gain
