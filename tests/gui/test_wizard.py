"""The new-design wizard, driven as a user does: widgets set, Next and Finish clicked; checked on
what the user then sees (the canvas's items, the page's one-line reason, the Edit menu's undo).

WIZARD_SCREENSHOTS=docs/images makes test_screenshots save the README's pictures there.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QWizard,
)
from pytestqt.qtbot import QtBot

from designer.core.document import Document
from designer.gui.controller import DesignController
from designer.gui.main_window import MainWindow
from designer.gui.wizard.dialog import DesignWizard
from designer.gui.wizard.pages import RESERVED, QuestionPage
from designer.gui.wizard.summary import NOTHING_CHANGED
from designer.model import (
    Account,
    Design,
    DesignError,
    OrganizationalUnit,
    dumps_design,
    new_id,
)
from designer.model.answers import Answers, Published
from designer.model.templates import new_design_from_template
from designer.model.vocabulary import DataSensitivity, Environment
from designer.wizard.build import build_design
from designer.wizard.grow import apply_growth, plan_growth
from designer.wizard.questions import QUESTIONS
from tests.gui.canvas_checks import box_of, scene_problems
from tests.gui.conftest import Dialogs

pytestmark = pytest.mark.gui
Button = QWizard.WizardButton
W = TypeVar("W", bound=QObject)


# -- driving the wizard -------------------------------------------------------------------------
def open_wizard(window: MainWindow, name: str, qtbot: QtBot) -> DesignWizard:
    window.actions_by_name[name].trigger()
    wizard = window.findChild(DesignWizard, "design_wizard")
    assert wizard is not None, "the wizard did not open"
    qtbot.waitExposed(wizard)
    return wizard


def page(wizard: DesignWizard) -> QuestionPage:
    current = wizard.currentPage()
    assert isinstance(current, QuestionPage)
    return current


def reason(wizard: DesignWizard) -> str:
    label = wizard.currentPage().findChild(QLabel, "page_error")
    assert label is not None
    return label.text()


def can_go_on(wizard: DesignWizard) -> bool:
    return wizard.button(Button.NextButton).isEnabled()


def go_to(wizard: DesignWizard, name: str) -> None:
    """Click Next until the page named `name` shows (each click must be allowed)."""
    while wizard.currentPage().objectName() != f"page_{name}":
        assert can_go_on(wizard), f"Next disabled on {wizard.currentPage().objectName()}"
        wizard.button(Button.NextButton).click()


def child(wizard: DesignWizard, kind: type[W], name: str) -> W:
    widget = wizard.findChild(kind, name)
    assert widget is not None, f"no {name}"
    return widget


def finish(wizard: DesignWizard, qtbot: QtBot) -> None:
    go_to(wizard, "summary")
    finish_button = wizard.button(Button.FinishButton)
    assert finish_button.isVisible()
    finish_button.click()
    qtbot.waitUntil(lambda: not wizard.isVisible())


def summary(wizard: DesignWizard) -> str:
    go_to(wizard, "summary")
    text = child(wizard, QTextBrowser, "summary_text")
    return str(text.toPlainText())


# -- what the canvas shows -------------------------------------------------------------------------
def shown_accounts(window: MainWindow) -> set[str]:
    return {i for i in window.scene.nodes if window.controller.document.has(i)} & {
        a.id for a in window.controller.design.accounts
    }


def assert_accounts_drawn_in_their_ous(window: MainWindow) -> None:
    design, scene = window.controller.design, window.scene
    assert not window.controller.visibility().collapsed, "no OU is drawn collapsed here"
    for account in design.accounts:
        assert account.id in scene.nodes, f"{account.name} is not on the canvas"
        holder = scene.containers[account.parent or design.organization.id]
        inside, node = box_of(holder.scene_rect()), box_of(scene.nodes[account.id].scene_rect())
        assert inside.x <= node.x, account.name
        assert node.right <= inside.right, account.name
        assert inside.y <= node.y, account.name
        assert node.bottom <= inside.bottom, account.name
    assert scene_problems(scene) == []


def wizard_design(**changes: object) -> Design:
    answers = Answers.model_validate({**Answers().model_dump(), **changes})
    return build_design(answers, new_id())


# -- a new design ----------------------------------------------------------------------------------
def test_new_design_from_the_wizard_is_drawn_account_by_account(
    window: MainWindow, qtbot: QtBot
) -> None:
    wizard = open_wizard(window, "new_wizard", qtbot)
    assert wizard.windowTitle() == "New Design Wizard"
    room = wizard.screen().availableGeometry()  # 900 x 700, or what a small screen has
    assert (wizard.width(), wizard.height()) == (min(900, room.width()), min(700, room.height()))
    assert child(wizard, QLineEdit, "field_organization_name").text() == "Example Corp"
    child(wizard, QLineEdit, "field_organization_name").setText("Acme")
    text = summary(wizard)
    assert "Finish creates Acme landing zone" in text
    assert "Decisions (" in text
    assert "Blast radius" in text

    finish(wizard, qtbot)

    design = window.controller.design
    assert design.name == "Acme landing zone"
    assert design.answers == Answers(organization_name="Acme")
    assert window.controller.path is None
    assert window.controller.is_dirty
    assert window.controller.undo_stack.count() == 0
    assert_accounts_drawn_in_their_ous(window)
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Design from the wizard: {len(design.accounts)} accounts")
    assert window.actions_by_name["grow_wizard"].isEnabled()


def test_cancelling_the_new_wizard_keeps_the_design(window: MainWindow, qtbot: QtBot) -> None:
    before = dumps_design(window.controller.design)
    wizard = open_wizard(window, "new_wizard", qtbot)
    go_to(wizard, "sizing")
    wizard.button(Button.CancelButton).click()
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert dumps_design(window.controller.design) == before


def test_new_wizard_asks_before_unsaved_work_is_lost(
    window: MainWindow, dialogs: Dialogs, qtbot: QtBot
) -> None:
    window.controller.update(window.controller.design.accounts[0].id, name="Renamed")
    dialogs.answers.append(QMessageBox.StandardButton.Cancel)
    window.actions_by_name["new_wizard"].trigger()
    assert dialogs.take("question")
    assert window.findChild(DesignWizard, "design_wizard") is None


# -- the pages ------------------------------------------------------------------------------------
def test_pages_follow_the_question_table(window: MainWindow, qtbot: QtBot) -> None:
    """Every question once, in the table's order, its prompt the label of its answer, with a
    mnemonic of its own on the page (never one of the wizard's buttons)."""
    wizard = open_wizard(window, "new_wizard", qtbot)
    seen: list[str] = []
    for page_id in wizard.pageIds()[:-1]:
        question_page = wizard.page(page_id)
        assert isinstance(question_page, QuestionPage)
        seen += question_page.keys
        letters = []
        for key in question_page.keys:
            prompt = child(wizard, QLabel, f"prompt_{key}")
            assert prompt.buddy() is not None, key
            letter = prompt.text().split("&", 1)[1][0].lower()
            assert letter not in RESERVED, key
            letters.append(letter)
        assert len(set(letters)) == len(letters), letters
    assert seen == [q.key for q in QUESTIONS]
    quoted = [q for q in QUESTIONS if q.quote]
    for question in quoted:
        assert child(wizard, QLabel, f"quote_{question.key}").text().startswith("Whitepaper:")
    assert [wizard.page(i).title() for i in wizard.pageIds()][-1] == "Summary"


def test_tab_goes_through_the_answers_in_question_order(window: MainWindow, qtbot: QtBot) -> None:
    wizard = open_wizard(window, "new_wizard", qtbot)
    for page_id in wizard.pageIds()[:-1]:
        question_page = wizard.page(page_id)
        assert isinstance(question_page, QuestionPage)
        chain, widget = [], question_page.nextInFocusChain()
        while widget is not question_page and len(chain) < 500:
            if question_page.isAncestorOf(widget):
                chain.append(widget)
            widget = widget.nextInFocusChain()
        inputs = [wizard.by_key[k].inputs[k] for k in question_page.keys]
        first = [chain.index(w.focusProxy() or w) for w in inputs]
        assert first == sorted(first), question_page.objectName()


def test_every_page_is_readable_at_the_size_it_opens(window: MainWindow, qtbot: QtBot) -> None:
    """No page needs a horizontal scroll, and each question's words wrap inside the page, at
    900 x 700 or on an 800-pixel screen (the offscreen platform's)."""
    wizard = open_wizard(window, "new_wizard", qtbot)
    for name in ("organization", "multiple", "security", "sizing", "sizing_more"):
        go_to(wizard, name)
        QApplication.processEvents()
        scroll = child(wizard, QScrollArea, f"scroll_{name}")
        body = scroll.widget()
        assert body.minimumSizeHint().width() <= scroll.viewport().width(), name


def test_empty_business_units_keep_next_disabled_with_the_reason(
    window: MainWindow, qtbot: QtBot
) -> None:
    wizard = open_wizard(window, "new_wizard", qtbot)
    go_to(wizard, "sizing")
    units = child(wizard, QPlainTextEdit, "field_business_units")
    units.setPlainText("  \n")
    assert not can_go_on(wizard)
    assert reason(wizard) == "Business units: give at least one"
    units.setPlainText("Payments\npayments")
    assert not can_go_on(wizard)
    assert reason(wizard) == "Business units: business units named twice: Payments, payments"
    units.setPlainText("Payments\nR/D")
    assert not can_go_on(wizard)
    assert reason(wizard).startswith("Business units: 'R/D'")
    units.setPlainText("Payments\nData")
    assert can_go_on(wizard)
    assert reason(wizard) == ""


def test_a_bad_region_keeps_next_disabled_with_the_reason(window: MainWindow, qtbot: QtBot) -> None:
    wizard = open_wizard(window, "new_wizard", qtbot)
    go_to(wizard, "sizing")
    regions = child(wizard, QLineEdit, "field_regions")
    regions.setText("eu-west-1, europe")
    assert not can_go_on(wizard)
    assert reason(wizard) == "Regions: 'europe' is not an AWS Region name like eu-west-1"
    assert "\n" not in reason(wizard)
    regions.setText("eu-west-1, eu-central-1")
    assert can_go_on(wizard)


def test_organization_page_refuses_an_empty_name_and_a_bad_domain(
    window: MainWindow, qtbot: QtBot
) -> None:
    wizard = open_wizard(window, "new_wizard", qtbot)
    child(wizard, QLineEdit, "field_organization_name").setText("")
    assert not can_go_on(wizard)
    assert reason(wizard).startswith("Organization name:")
    child(wizard, QLineEdit, "field_organization_name").setText("Acme")
    child(wizard, QLineEdit, "field_email_domain").setText("not a domain")
    assert (
        reason(wizard) == "E-mail domain: 'not a domain' is not an e-mail domain like example.com"
    )
    child(wizard, QLineEdit, "field_email_domain").setText("acme.io")
    assert can_go_on(wizard)


def test_lower_environments_offer_no_restricted_level(window: MainWindow, qtbot: QtBot) -> None:
    wizard = open_wizard(window, "new_wizard", qtbot)
    go_to(wizard, "sizing")
    levels = {
        env: [c.itemData(i) for i in range(c.count())]
        for env in (Environment.PRODUCTION, Environment.NON_PRODUCTION, Environment.SANDBOX)
        for c in [child(wizard, QComboBox, f"sensitivity_{env}")]
    }
    assert DataSensitivity.RESTRICTED in levels[Environment.PRODUCTION]
    assert DataSensitivity.RESTRICTED not in levels[Environment.NON_PRODUCTION]
    assert DataSensitivity.CONFIDENTIAL not in levels[Environment.SANDBOX]
    staging = child(wizard, QCheckBox, "env_non-production")
    assert not child(wizard, QComboBox, "sensitivity_non-production").isEnabled()
    staging.setChecked(True)
    assert child(wizard, QComboBox, "sensitivity_non-production").isEnabled()
    for env in ("production", "non-production", "development", "sandbox"):
        child(wizard, QCheckBox, f"env_{env}").setChecked(False)
    assert reason(wizard) == "Environments: give at least one"
    child(wizard, QCheckBox, "env_sandbox").setChecked(True)
    assert reason(wizard).startswith("Environments: sandboxes alone run no workloads")
    child(wizard, QCheckBox, "env_development").setChecked(True)
    answers = wizard.answers()
    assert answers is not None
    assert answers.environments == [Environment.DEVELOPMENT, Environment.SANDBOX]


def test_published_kinds_only_while_publishing_is_wanted(window: MainWindow, qtbot: QtBot) -> None:
    wizard = open_wizard(window, "new_wizard", qtbot)
    amis = child(wizard, QCheckBox, "published_amis")
    assert not amis.isEnabled()
    child(wizard, QRadioButton, "yes_central_publishing").setChecked(True)
    assert amis.isEnabled()
    amis.setChecked(True)
    answers = wizard.answers()
    assert answers is not None
    assert answers.central_publishing
    assert answers.published == [Published.AMIS]


def test_third_parties_table_and_retention(window: MainWindow, qtbot: QtBot) -> None:
    wizard = open_wizard(window, "new_wizard", qtbot)
    go_to(wizard, "sizing_more")
    table = child(wizard, QTableWidget, "field_third_parties")
    child(wizard, QPushButton, "third_party_add").click()
    assert not can_go_on(wizard)
    assert reason(wizard).startswith("Third party 1: name")
    for column, text in enumerate(("Auditor", "123", "", "", "yearly audit")):
        table.setItem(0, column, QTableWidgetItem(text))
    assert reason(wizard) == "Third party 1: '123' is not a 12-digit AWS account id"
    table.setItem(0, 1, QTableWidgetItem("123456789012"))
    child(wizard, QSpinBox, "field_log_retention_days").setValue(2555)
    assert can_go_on(wizard)
    answers = wizard.answers()
    assert answers is not None
    assert answers.third_parties[0].aws_account_id == "123456789012"
    assert answers.third_parties[0].role_name is None
    assert answers.third_parties[0].external_id is None
    assert answers.third_parties[0].reason == "yearly audit"
    assert answers.log_retention_days == 2555
    table.selectRow(0)
    child(wizard, QPushButton, "third_party_remove").click()
    assert table.rowCount() == 0
    assert can_go_on(wizard)


# -- growing --------------------------------------------------------------------------------
def test_grow_disabled_without_stored_answers(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = make_window(new_design_from_template("reference-landing-zone"))
    grow = window.actions_by_name["grow_wizard"]
    assert not grow.isEnabled()
    window.files.replace(wizard_design(), None, dirty=True)
    assert grow.isEnabled()
    window.files.replace(new_design_from_template("logging"), None)
    assert not grow.isEnabled()


def test_growing_adds_a_unit_as_one_undo_step(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = make_window(wizard_design())
    controller, scene = window.controller, window.scene
    answers_before = controller.design.answers
    workloads = next(u for u in controller.design.organizational_units if u.name == "Prod")
    mine = Account(name="Hand Drawn", functions=["workload"], parent=workloads.id)
    controller.add(mine)
    assert mine.id in scene.nodes
    steps = controller.undo_stack.count()
    before = set(scene.nodes)

    wizard = open_wizard(window, "grow_wizard", qtbot)
    units = child(wizard, QPlainTextEdit, "field_business_units")
    assert units.toPlainText() == "Engineering"
    units.setPlainText("Engineering\nMarketing")
    text = summary(wizard)
    assert "Which business units or teams run workloads? Engineering → Engineering, Marketing" in (
        text
    )
    assert "add account Marketing" in text
    finish(wizard, qtbot)

    grown = set(scene.nodes) - before
    names = {controller.document.get(i).name for i in grown}
    assert names, "no account added"
    assert all(n.startswith("Marketing") for n in names), names
    assert mine.id in scene.nodes
    assert_accounts_drawn_in_their_ous(window)
    assert controller.undo_stack.count() == steps + 1
    assert controller.undo_stack.undoText() == "Grow design from answers"
    assert "Grown from your answers" in window.statusBar().currentMessage()

    controller.undo_stack.undo()
    assert set(scene.nodes) == before
    assert controller.design.answers == answers_before
    assert_accounts_drawn_in_their_ous(window)
    controller.undo_stack.redo()
    assert set(scene.nodes) - before == grown
    assert controller.design.answers is not None
    assert controller.design.answers.business_units == ["Engineering", "Marketing"]


def test_growing_with_nothing_changed_does_nothing(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = make_window(wizard_design())
    before = dumps_design(window.controller.design)
    wizard = open_wizard(window, "grow_wizard", qtbot)
    assert NOTHING_CHANGED in summary(wizard)
    finish(wizard, qtbot)
    assert window.statusBar().currentMessage() == "Nothing to grow: the answers are as they were"
    assert window.controller.undo_stack.count() == 0
    assert dumps_design(window.controller.design) == before


def test_a_refused_growth_is_told_in_one_line_and_changes_nothing(
    make_window: Callable[..., MainWindow],
    dialogs: Dialogs,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window(wizard_design())
    before = dumps_design(window.controller.design)

    def refuse(_growth: object) -> None:
        raise DesignError("accounts[3].email: used twice")

    monkeypatch.setattr(window.controller, "grow", refuse)
    wizard = open_wizard(window, "grow_wizard", qtbot)
    child(wizard, QPlainTextEdit, "field_business_units").setPlainText("Engineering\nData")
    finish(wizard, qtbot)
    assert dialogs.take("critical") == [
        ("critical", "Cannot grow the design", "accounts[3].email: used twice")
    ]
    assert dumps_design(window.controller.design) == before


def test_a_growth_the_design_refuses_keeps_the_wizard_and_its_answers_open(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    design = wizard_design(limited_visibility=True)
    prod = next(u for u in design.organizational_units if u.name == "Prod")
    window = make_window(design)
    window.controller.add(OrganizationalUnit(name="Data", parent=prod.id))  # drawn by hand
    before = dumps_design(window.controller.design)
    wizard = open_wizard(window, "grow_wizard", qtbot)
    child(wizard, QPlainTextEdit, "field_business_units").setPlainText("Engineering\nData")
    go_to(wizard, "summary")
    assert "Finish cannot apply this" in summary(wizard)
    wizard.button(Button.FinishButton).click()
    assert wizard.isVisible()  # the answers are still there to change
    error = child(wizard, QLabel, "summary_error").text()
    assert error.startswith("Cannot grow the design:")
    assert "Data" in error
    assert "$." not in error  # said for a person, not as a file path
    assert dumps_design(window.controller.design) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"central_identities": False},
        {"blast_radius_isolation": False},
        {"limited_visibility": True, "business_units": ["Web", "Data"]},
        {"central_publishing": True, "published": ["amis", "templates"]},
        {"organization_name": "Acme", "email_domain": "acme.io", "regions": ["eu-west-1"]},
    ],
)
def test_controller_grow_makes_the_same_edits_as_apply_growth(
    changes: dict[str, object], qtbot: QtBot
) -> None:
    """Both ways; undo gives back the very design, redo the grown one."""
    del qtbot  # a QApplication for the undo stack
    for start, goal in (({}, changes), (changes, {})):
        design = wizard_design(**start)
        goal_answers = Answers.model_validate({**Answers().model_dump(), **goal})
        headless = Document(design.model_copy(deep=True))
        apply_growth(headless, plan_growth(headless.design, goal_answers))
        controller = DesignController(design.model_copy(deep=True))
        before = dumps_design(controller.design)
        controller.grow(plan_growth(controller.design, goal_answers))
        assert without_layout(controller.design) == without_layout(headless.design)
        grown = dumps_design(controller.design)
        controller.undo_stack.undo()
        assert without_layout(controller.design) == without_layout(
            Design.model_validate_json(before)
        )
        controller.undo_stack.redo()
        assert dumps_design(controller.design) == grown
        controller.dispose()


def without_layout(design: Design) -> dict[str, object]:
    return design.model_dump(mode="json", exclude={"layout"})


# -- pictures for the README ---------------------------------------------------------------
@pytest.mark.skipif(not os.environ.get("WIZARD_SCREENSHOTS"), reason="WIZARD_SCREENSHOTS unset")
def test_screenshots(make_window: Callable[..., MainWindow], qtbot: QtBot) -> None:
    folder = Path(os.environ["WIZARD_SCREENSHOTS"])
    window = make_window()
    window.resize(1400, 900)
    wizard = open_wizard(window, "new_wizard", qtbot)
    for name, picture in (("multiple", "questions"), ("sizing", "sizing"), ("summary", "summary")):
        go_to(wizard, name)
        QApplication.processEvents()
        wizard.grab().save(str(folder / f"wizard-{picture}.png"))
    finish(wizard, qtbot)
    window.view.fit()
    assert window.findings.wait(), "validation did not finish"
    QApplication.processEvents()
    window.grab().save(str(folder / "wizard-result.png"))
    wizard = open_wizard(window, "grow_wizard", qtbot)
    child(wizard, QPlainTextEdit, "field_business_units").setPlainText("Engineering\nMarketing")
    child(wizard, QCheckBox, "env_sandbox").setChecked(True)
    go_to(wizard, "summary")
    QApplication.processEvents()
    wizard.grab().save(str(folder / "wizard-grow.png"))
