"""The new-design wizard: a page per section of questions.QUESTIONS, then a summary.

The same dialog starts a design (prefilled with the usual answers) and grows one (prefilled
with the answers stored in it; the summary then lists only what the changed answers change).
It emits `answered` on Finish and leaves building or growing to whoever opened it.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from pydantic_core import ErrorDetails
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget, QWizard

from designer.gui.wizard.editors import Editor, editors
from designer.gui.wizard.pages import QuestionPage, SummaryPage
from designer.gui.wizard.problems import first_problem, validated
from designer.gui.wizard.summary import growth_html, new_design_html
from designer.model import Design
from designer.model.answers import Answers
from designer.wizard.questions import MULTIPLE, ORGANIZATION, QUESTIONS, SECURITY, SIZING

# (page name, section, title, subtitle, first key of the page's part of the section)
PAGES = (
    ("organization", ORGANIZATION, ORGANIZATION, "Who the design is for.", ""),
    (
        "multiple",
        MULTIPLE,
        MULTIPLE,
        "The whitepaper's reasons for more than one account: answer yes where one applies.",
        "",
    ),
    (
        "security",
        SECURITY,
        SECURITY,
        "The whitepaper's reasons for accounts that serve the others.",
        "",
    ),
    (
        "sizing",
        SIZING,
        "Sizing: teams, environments and Regions",
        "How many workload accounts, and where they may run.",
        "business_units",
    ),
    (
        "sizing_more",
        SIZING,
        "Sizing: people, publishing, partners and logs",
        "Who signs in and runs security, what is shared, who else gets in, how long logs stay.",
        "identity_source",
    ),
)
SIZE = (900, 700)


def fitting(size: tuple[int, int], parent: QWidget | None) -> tuple[int, int]:
    """`size`, or less on a screen too small for it (the buttons must stay on screen)."""
    screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
    if screen is None:
        return size
    room = screen.availableGeometry()
    return min(size[0], room.width()), min(size[1], room.height())


def page_questions(section: str, first: str) -> list[Any]:
    """The questions of a section from `first` up to the next page's first (all when "")."""
    questions = [q for q in QUESTIONS if q.section == section]
    starts = [p[4] for p in PAGES if p[1] == section and p[4]]
    if not first:
        return questions
    keys = [q.key for q in questions]
    begin = keys.index(first)
    later = [keys.index(s) for s in starts if keys.index(s) > begin]
    return questions[begin : min(later, default=len(questions))]


class DesignWizard(QWizard):
    """Signals:
    answered(Answers): Finish with answers to act on (not sent when growing changed nothing).
    unchanged(): Finish while growing with the answers as they were.
    """

    answered = Signal(object)
    unchanged = Signal()  # Finish while growing with the same answers: nothing to do

    def __init__(
        self, answers: Answers, growing: Design | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("design_wizard")
        self.setWindowTitle("New Design Wizard" if growing is None else "Grow Design Wizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.growing = growing
        # why the design would refuse these answers ("" when it would not): checked before
        # Finish closes the wizard, so refused answers are not lost
        self.refusal: Callable[[Answers], str] | None = None
        self.editors = editors()
        self.by_key: dict[str, Editor] = {k: e for e in self.editors for k in e.inputs}
        self._errors: list[ErrorDetails] = []
        for editor in self.editors:
            editor.setParent(self)
            editor.changed.connect(self._revalidate)
        self.pages: dict[str, QuestionPage | SummaryPage] = {}
        for name, section, title, subtitle, first in PAGES:
            questions = page_questions(section, first)
            page = QuestionPage(name, title, subtitle, questions, self.by_key, self.problem)
            self.pages[name] = page
            self.addPage(page)
        self.summary = SummaryPage(self._summary_subtitle(), self.summary_html)
        self.pages["summary"] = self.summary
        self.addPage(self.summary)
        for editor in self.editors:
            editor.load(answers)
        self._revalidate()
        self.resize(*fitting(SIZE, parent))

    def _summary_subtitle(self) -> str:
        if self.growing is None:
            return "What Finish creates: a new design, not saved yet."
        return "The answers you changed, and only what they change in the design."

    # -- answers -------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for editor in self.editors:
            found.update(editor.values())
        return found

    def answers(self) -> Answers | None:
        """The answers as given, or None while one is invalid."""
        return validated(self.values())[0]

    def _revalidate(self) -> None:
        self._errors = validated(self.values())[1]

    def problem(self, keys: tuple[str, ...]) -> str:
        """What is wrong with the answers to these questions, in one line ("" when nothing)."""
        return first_problem(self._errors, keys)

    def summary_html(self) -> str:
        answers = self.answers()
        if answers is None:
            return "<p>Some answers are not valid yet: go back to them.</p>"
        if self.growing is None:
            return new_design_html(answers)
        problem = self.refusal(answers) if self.refusal is not None else ""
        warning = f"<p><b>Finish cannot apply this:</b> {escape(problem)}</p>" if problem else ""
        return warning + growth_html(self.growing, answers)

    def accept(self) -> None:
        answers = self.answers()
        if answers is None:
            return
        problem = self.refusal(answers) if self.refusal is not None else ""
        if problem:  # stay open on the summary, the answers kept, and say why
            self.summary.show_problem(problem)
            return
        super().accept()
        unchanged = self.growing is not None and self.growing.answers == answers
        if unchanged:
            self.unchanged.emit()
        else:
            self.answered.emit(answers)
