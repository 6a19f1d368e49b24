"""Every account function, IdP kind and container has a clean, self-contained SVG icon."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from designer.model.vocabulary import AccountFunction, IdentityProviderKind, OutsideKind
from designer.support.resources import resources_dir

ICONS = resources_dir() / "icons"
SVG = "{http://www.w3.org/2000/svg}"
NAMES = [
    *(function.value for function in AccountFunction),
    *(f"idp-{kind.value}" for kind in IdentityProviderKind),
    *(f"outside-{kind.value}" for kind in OutsideKind),
    "ou",
    "log-bucket",
    "scp",
]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@pytest.mark.parametrize("name", NAMES)
def test_icon_is_a_self_contained_svg(name: str) -> None:
    path = ICONS / f"{name}.svg"
    assert path.is_file(), f"missing icon {path.name}"
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 24 24"
    for element in root.iter():
        assert _local(element.tag) not in {"script", "foreignObject", "image", "use"}, name
        for attribute, value in element.attrib.items():
            assert _local(attribute) != "href", f"{name}: {attribute}={value}"
            assert not _local(attribute).lower().startswith("on"), f"{name}: {attribute}"
            assert "url(" not in value, f"{name}: {attribute}={value}"
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg\b)", path.read_text("utf-8"))


def test_every_icon_is_listed_in_the_readme() -> None:
    readme = (ICONS / "README.md").read_text(encoding="utf-8")
    for path in sorted(Path(ICONS).glob("*.svg")):
        assert f"`{path.name}`" in readme, path.name
