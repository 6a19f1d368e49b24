"""Built-in templates: one design per structure of the whitepaper, plus a reference landing zone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from designer.model.design import Design
from designer.model.errors import DesignError
from designer.model.fileformat import load_design
from designer.model.ids import new_id
from designer.support.resources import templates_dir


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    title: str
    accounts: int
    relationships: int
    path: Path


def template_paths() -> dict[str, Path]:
    folder = templates_dir()
    return {p.stem: p for p in sorted(folder.glob("*.json"))} if folder.is_dir() else {}


def list_templates() -> list[TemplateInfo]:
    infos = []
    for name, path in template_paths().items():
        design = load_design(path)
        infos.append(
            TemplateInfo(name, design.name, len(design.accounts), len(design.relationships), path)
        )
    return infos


def load_template(name: str) -> Design:
    """The template's design; fails with the list of known names when `name` is unknown."""
    paths = template_paths()
    if name not in paths:
        known = ", ".join(paths) or "none installed"
        raise DesignError(f"no template called {name!r} (known: {known})")
    return load_design(paths[name])


def new_design_from_template(name: str) -> Design:
    """A copy of the template with an id of its own, so two designs made from it stay distinct."""
    design = load_template(name)
    design.id = new_id()
    return design
