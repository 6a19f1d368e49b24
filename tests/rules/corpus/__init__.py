"""The planted-flaw corpus: realistic designs, each with one flaw and the finding a senior
reviewer would expect; legitimate-but-unusual designs that must raise nothing high; and near
misses, one step short of a rule's flaw. Each module lists FLAWS, LEGITIMATE and NEAR_MISSES.

Modules named flaws_*.py and legitimate*.py were written blind: from the whitepaper and AWS
guidance, before looking at how the rules are written; recall is measured on them. Modules named
rules_*.py hold one caught flaw and one near miss per rule, written from the rules themselves."""

from __future__ import annotations

import importlib
import pkgutil

from tests.rules.corpus.kit import Flaw, Legitimate, NearMiss


def _modules(prefix: str = "") -> list[object]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if info.name != "kit" and info.name.startswith(prefix)
    ]


def flaws(blind: bool = False) -> list[Flaw]:
    """Every planted flaw; blind=True: only those written before reading the rules."""
    modules = _modules("flaws_") if blind else _modules()
    return [case for module in modules for case in getattr(module, "FLAWS", [])]


def legitimate() -> list[Legitimate]:
    return [case for module in _modules() for case in getattr(module, "LEGITIMATE", [])]


def near_misses() -> list[NearMiss]:
    return [case for module in _modules() for case in getattr(module, "NEAR_MISSES", [])]
