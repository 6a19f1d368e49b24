"""Errors that name what is wrong and where, in one line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a design: the JSON path of the bad value and why it is bad."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def one_line(text: str) -> str:
    """Control characters from user text (a name with a line break) shown escaped, not obeyed."""
    if text.isprintable():  # nearly always: one C-speed pass instead of one call per character
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class DesignError(Exception):
    """A design, file or edit that cannot be accepted; str() is one line for the user."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(one_line(message))
        self.problems = problems

    def reason(self) -> str:
        """Why, in words for a person: the problem's message without the file's JSON path
        (that is for files, not for someone editing on the canvas)."""
        return self.problems[0].message if len(self.problems) == 1 else str(self)

    @classmethod
    def from_problems(
        cls, problems: list[Problem], prefix: str = "", count: int | None = None
    ) -> DesignError:
        """`count`: how many problems were found, when only the first few were kept (the search
        may have stopped early, so it says "at least")."""
        first = str(problems[0])
        more = max(count or 0, len(problems)) - 1
        least = "at least " if count is not None and count > len(problems) else ""
        suffix = f" (and {least}{more} more problem{'s' if more > 1 else ''})" if more else ""
        return cls(f"{prefix}{first}{suffix}", tuple(problems))


class DesignFileError(DesignError):
    """A design file that cannot be read, parsed, migrated or validated."""
