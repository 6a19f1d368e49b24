"""The wizard's pages: the questions of a section, each with what it changes and the whitepaper's
reason, and the summary of what Finish does."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from designer.gui.wizard.editors import Editor
from designer.wizard.questions import Question

# The wizard's own buttons: < &Back, &Next >, &Finish, &Cancel.
RESERVED = set("bnfc")


# Words that start most prompts: their letters say nothing about the question.
PLAIN_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "be",
        "business",
        "by",
        "do",
        "does",
        "each",
        "how",
        "is",
        "many",
        "may",
        "must",
        "of",
        "or",
        "run",
        "the",
        "they",
        "to",
        "want",
        "what",
        "which",
        "who",
        "you",
    ]
)


def with_mnemonic(text: str, used: set[str]) -> str:
    """The text with an & before a letter not used on the page yet (Alt+letter goes to the
    question's answer): the first letter of a telling word if one is free, else any letter."""
    escaped = text.replace("&", "&&")
    words = list(re.finditer(r"[A-Za-z]+", escaped))
    telling = [w.start() for w in words if w.group().lower() not in PLAIN_WORDS]
    letters = [i for i, c in enumerate(escaped) if c.isalpha()]
    for i in [*telling, *(w.start() for w in words), *letters]:
        key = escaped[i].lower()
        if key not in used:
            used.add(key)
            return f"{escaped[:i]}&{escaped[i:]}"
    return escaped


def _label(text: str, *, bold: bool = False, italic: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(label.font())
    font.setBold(bold)
    font.setItalic(italic)
    label.setFont(font)
    return label


def question_block(question: Question, answer: QWidget, used: set[str]) -> QWidget:
    """Prompt (the answer's buddy, with a mnemonic), the answer, then what it changes and the
    whitepaper's reason in italics."""
    block = QWidget()
    block.setObjectName(f"question_{question.key}")
    layout = QVBoxLayout(block)
    layout.setContentsMargins(0, 0, 0, 6)
    layout.setSpacing(3)
    prompt = _label(with_mnemonic(question.prompt, used), bold=True)
    prompt.setObjectName(f"prompt_{question.key}")
    # the buddy must take the focus: a container hands it to its first input
    prompt.setBuddy(answer.focusProxy() or answer)
    layout.addWidget(prompt)
    layout.addWidget(answer)
    effect = _label(question.effect)
    effect.setObjectName(f"effect_{question.key}")
    layout.addWidget(effect)
    if question.quote:
        quote = _label(f"Whitepaper: “{question.quote}”", italic=True)
        quote.setObjectName(f"quote_{question.key}")
        quote.setStyleSheet("color: #505050;")  # readable, yet apart from the effect
        layout.addWidget(quote)
    answer.setAccessibleName(question.prompt)
    return block


class QuestionPage(QWizardPage):
    """Some questions of one section; Next stays disabled while an answer here is invalid, and
    the page says why in one line."""

    def __init__(
        self,
        name: str,
        title: str,
        subtitle: str,
        questions: list[Question],
        editors: dict[str, Editor],
        problem: Callable[[tuple[str, ...]], str],
    ) -> None:
        super().__init__()
        self.setObjectName(f"page_{name}")
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.keys = tuple(q.key for q in questions)
        self._problem = problem
        used = set(RESERVED) | _taken(editors, self.keys)
        body = QWidget()
        column = QVBoxLayout(body)
        for question in questions:
            column.addWidget(
                question_block(question, editors[question.key].inputs[question.key], used)
            )
        column.addStretch()
        scroll = QScrollArea()
        scroll.setObjectName(f"scroll_{name}")
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focus starts on the first answer
        self.error = QLabel()
        self.error.setObjectName("page_error")
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        for editor in {id(e): e for k, e in editors.items() if k in self.keys}.values():
            editor.changed.connect(self.completeChanged)

    def initializePage(self) -> None:
        first = self.findChild(QWidget, f"question_{self.keys[0]}")
        if first is not None:
            first.focusNextChild()  # the first answer, not the page

    def isComplete(self) -> bool:
        message = self._problem(self.keys)
        self.error.setText(message)
        return not message


def _taken(editors: dict[str, Editor], keys: tuple[str, ...]) -> set[str]:
    """Letters the page's own buttons use (Add third party, Remove selected)."""
    taken: set[str] = set()
    for key in keys:
        for child in editors[key].inputs[key].findChildren(QWidget):
            text = getattr(child, "text", None)
            value = text() if callable(text) else ""
            if isinstance(value, str) and "&" in value.replace("&&", ""):
                taken.add(value[value.index("&") + 1].lower())
    return taken


class SummaryPage(QWizardPage):
    """What Finish does, worked out afresh each time the page is shown."""

    def __init__(self, subtitle: str, html: Callable[[], str]) -> None:
        super().__init__()
        self.setObjectName("page_summary")
        self.setTitle("Summary")
        self.setSubTitle(subtitle)
        self._html = html
        self.text = QTextBrowser()
        self.text.setObjectName("summary_text")
        self.text.setAccessibleName("What Finish does")
        self.text.setOpenLinks(False)
        self.error = QLabel()
        self.error.setObjectName("summary_error")
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.error)

    def initializePage(self) -> None:
        self.error.clear()
        self.text.setHtml(self._html())

    def show_problem(self, problem: str) -> None:
        self.error.setText(f"Cannot grow the design: {problem}")
