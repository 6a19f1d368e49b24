"""Growing the open design by answering again: the wizard prefilled with its stored answers,
then the difference applied as one undo step (DesignController.grow)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import QMessageBox, QWidget

from designer.core.document import Document
from designer.gui.controller import DesignController
from designer.gui.wizard.dialog import DesignWizard
from designer.model import DesignError
from designer.model.answers import Answers
from designer.wizard.grow import apply_growth, plan_growth

Status = Callable[[str, int], None]


def grow_with_wizard(
    controller: DesignController, parent: QWidget, status: Status
) -> DesignWizard | None:
    """Open the wizard on the design's answers (window-modal, not blocking); None when the
    design has none to start from."""
    answers = controller.design.answers
    if answers is None:
        status("This design was not made by the wizard: there are no answers to change", 6000)
        return None
    wizard = DesignWizard(answers, controller.design, parent)
    wizard.refusal = partial(refusal, controller)
    wizard.answered.connect(partial(grow, controller, parent, status))
    wizard.unchanged.connect(lambda: status("Nothing to grow: the answers are as they were", 6000))
    wizard.open()
    return wizard


def refusal(controller: DesignController, answers: Answers) -> str:
    """Why the design would refuse the growth to `answers`, tried on a copy ("" when fine)."""
    try:
        growth = plan_growth(controller.design, answers)
        apply_growth(Document(controller.design.model_copy(deep=True)), growth)
    except DesignError as exc:
        return exc.reason()
    return ""


def grow(controller: DesignController, parent: QWidget, status: Status, answers: Answers) -> bool:
    """Plan and apply the growth to `answers`; a refusal is told in one line, nothing changed."""
    try:
        growth = plan_growth(controller.design, answers)
        head = growth.summary(controller.design)[0]
        controller.grow(growth)
    except DesignError as exc:
        QMessageBox.critical(parent, "Cannot grow the design", str(exc))  # one line already
        return False
    status(f"Grown from your answers: {head}. Undo takes it back", 8000)
    return True
