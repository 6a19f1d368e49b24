"""Answers files: `new --print-questions` writes one to fill in, `new --answers` reads it."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from designer.engines.report import ConfigError
from designer.engines.yamlio import dump_yaml, read_yaml
from designer.model import DesignError
from designer.model.answers import Answers
from designer.model.fileformat import problems_from_validation
from designer.wizard.questions import QUESTIONS

HEADER = (
    "Answers for 'account-designer new --answers THIS_FILE -o DESIGN.json'.",
    "The questions of the AWS whitepaper 'AWS Multiple Account Security Strategy', then sizing.",
    "Each answer below is the one most organizations give: change what differs for yours.",
)


def load_answers(path: Path) -> Answers:
    """The answers in a YAML (or JSON) file; DesignError naming the file and the bad answer."""
    try:
        data = read_yaml(path)
    except ConfigError as exc:
        raise DesignError(str(exc)) from None
    return answers_from_data(data, path.name)


def answers_from_data(data: Any, label: str) -> Answers:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DesignError(f"{label}: the answers are a mapping of question: answer")
    try:
        return Answers.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc)
        raise DesignError.from_problems(problems, prefix=f"{label}: ") from None


def questions_text(answers: Answers | None = None) -> str:
    """Every question as a comment above its answer (the default answers unless given)."""
    values = (answers or Answers()).model_dump(mode="json")
    out = [f"# {line}\n" for line in HEADER]
    section = ""
    for q in QUESTIONS:
        if q.section != section:
            section = q.section
            out.append(f"\n# === {section} ===\n")
        out.append("\n")
        prompt = f"{q.prompt} ({q.choices})" if q.choices else q.prompt
        for text in (prompt, q.effect):
            out += [f"# {line}\n" for line in textwrap.wrap(text, 96)]
        out.append(dump_yaml({q.key: values[q.key]}))
    return "".join(out)
