"""Open an org-formation configuration as a design (registered with designer.engines.convert):
a folder holding organization.yml or organization-tasks.yml, an organization file itself (its
tasks file beside it is read too) or a tasks file (its update-organization task names the
organization). read_org.py reads the organization, read_tasks.py the tasks and their role
templates; other files of the folder are listed in the report as not modelled.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from designer.engines.convert import Reader, register
from designer.engines.orgformation import ENGINE, ORGANIZATION_FILE, TASKS_FILE
from designer.engines.orgformation.read_org import is_organization, read_organization
from designer.engines.orgformation.read_tasks import (
    TasksReader,
    organization_template,
    relative_label,
)
from designer.engines.report import ConfigError, ConversionReport
from designer.engines.yamlio import read_yaml
from designer.model.design import Design
from designer.model.errors import DesignError
from designer.model.ids import stable_id

ORGANIZATION_NAMES = (ORGANIZATION_FILE, "organization.yaml")
TASKS_NAMES = (TASKS_FILE, "organization-tasks.yaml")
YAML_SUFFIXES = (".yml", ".yaml")
MAX_LISTED = 500  # files of the folder listed as not modelled, at most
DETECT_BYTES = 200_000  # a file larger than this is not sniffed for detection


def _sniff(path: Path) -> Any:
    """The YAML of a file being detected, or None when it is not one this reader could take."""
    try:
        if path.suffix.lower() not in YAML_SUFFIXES or path.stat().st_size > DETECT_BYTES:
            return None
        return read_yaml(path)
    except DesignError:
        return None


def _is_tasks(data: Any) -> bool:
    return isinstance(data, dict) and any(
        isinstance(t, dict) and t.get("Type") == "update-organization" for t in data.values()
    )


def detect(path: Path) -> Path | None:
    if path.is_dir():
        names = {p.name for p in path.iterdir()}
        if names.intersection(ORGANIZATION_NAMES + TASKS_NAMES):
            return path
        return None
    if path.name in ORGANIZATION_NAMES + TASKS_NAMES:
        return path
    data = _sniff(path)
    return path if is_organization(data) or _is_tasks(data) else None


def _first(folder: Path, names: tuple[str, ...]) -> Path | None:
    return next((folder / n for n in names if (folder / n).is_file()), None)


def _files(root: Path) -> tuple[Path, Path | None, Path]:
    """(organization file, tasks file or None, the folder paths are reported from)."""
    if root.is_dir():
        tasks = _first(root, TASKS_NAMES)
        organization = _first(root, ORGANIZATION_NAMES)
        folder = root
    else:
        folder = root.parent
        data = read_yaml(root, root.name)
        if is_organization(data):
            organization, tasks = root, _first(folder, TASKS_NAMES)
        else:
            organization, tasks = None, root
    if tasks is not None:
        template = organization_template(read_yaml(tasks, tasks.name), tasks.name)
        if template is not None:
            organization = tasks.parent / template
    if organization is None or not organization.is_file():
        where = tasks.name if tasks is not None else root.name
        raise ConfigError(where, "", "no organization file (update-organization Template)")
    return organization, tasks, folder


def read(root: Path) -> tuple[Design, ConversionReport]:
    organization, tasks, folder = _files(root)
    report = ConversionReport(str(root), ENGINE)
    label = relative_label(folder, organization)
    report.files.append(label)
    text = organization.read_text(encoding="utf-8", errors="replace")
    org = read_organization(read_yaml(organization, label), label, report, text)
    reader = TasksReader(folder, org, report)
    if tasks is not None:
        reader.read_file(tasks)
    _unmodelled(folder, report)
    name = organization.parent.name or "org-formation"  # its folder, as for LZA
    design = Design(
        id=stable_id(ENGINE, "design", label),
        name=name,
        description=f"Converted from {label}",
        organization=org.organization.model_copy(update={"name": name}),
        organizational_units=list(org.units.values()),
        accounts=list(org.accounts.values()),
        outside_principals=list(reader.trusts.outside.values()),
        relationships=[*org.relationships, *reader.trusts.trusts],
        service_control_policies=org.scps,
        log_buckets=reader.buckets,
    )
    return design, report


def _unmodelled(folder: Path, report: ConversionReport) -> None:
    read = set(report.files)
    found: list[str] = []
    for path in sorted(folder.rglob("*")):
        if len(found) >= MAX_LISTED:
            break
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(folder).parts):
            name = path.relative_to(folder).as_posix()
            if name not in read:
                found.append(name)
    report.unmodelled += found


register(Reader(ENGINE, "an org-formation organization.yml (with its tasks)", detect, read))
