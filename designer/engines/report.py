"""What a conversion could not represent, and the one-line errors of a malformed configuration."""

from __future__ import annotations

from dataclasses import dataclass, field

from designer.model.errors import DesignError


class ConfigError(DesignError):
    """A configuration file that cannot be read: one line naming the file and the YAML path."""

    def __init__(self, file: str, path: str, problem: str) -> None:
        where = f"{file}: {path}" if path else file
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Gap:
    """One thing in the configuration the design does not hold."""

    where: str  # "iam-config.yaml: roleSets[0].roles[2]" (file, then the YAML path)
    what: str  # one line: what was left out and why


@dataclass
class ConversionReport:
    """What `convert` read, and what it left out: never silently dropped."""

    source: str  # the folder or file converted
    engine: str  # "lza" or "org-formation"
    files: list[str] = field(default_factory=list)  # the files read, relative to the source
    gaps: list[Gap] = field(default_factory=list)
    unmodelled: list[str] = field(default_factory=list)  # files present but not modelled

    def gap(self, where: str, what: str) -> None:
        entry = Gap(where, what)
        if entry not in self.gaps:
            self.gaps.append(entry)

    def text(self) -> str:
        """The report as plain lines (the CLI prints it; the GUI shows it)."""
        lines = [f"Converted {self.source} ({self.engine}): read {len(self.files)} file(s)."]
        if self.unmodelled:
            lines.append("Files not modelled (kept out of the design, not refused):")
            lines += [f"  - {name}" for name in self.unmodelled]
        if self.gaps:
            lines.append(f"Not represented in the design ({len(self.gaps)}):")
            lines += [f"  - {g.where}: {g.what}" for g in self.gaps]
        else:
            lines.append("Everything read is represented in the design.")
        return "\n".join(lines) + "\n"

    def document(self) -> dict[str, object]:
        return {
            "source": self.source,
            "engine": self.engine,
            "files": self.files,
            "unmodelled": self.unmodelled,
            "gaps": [{"where": g.where, "what": g.what} for g in self.gaps],
        }
