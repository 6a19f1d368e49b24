"""One editor per kind of answer: each shows Answers fields and gives them back as plain values
for `Answers.model_validate`, so the model alone decides what is valid."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.model.answers import (
    WIZARD_ENVIRONMENTS,
    Answers,
    IdentitySource,
    Published,
    SecurityTeam,
    allowed_levels,
)
from designer.model.vocabulary import DataSensitivity, Environment
from designer.wizard.questions import WHITEPAPER_QUESTIONS

ENVIRONMENT_LABELS = {
    Environment.PRODUCTION: "Production",
    Environment.NON_PRODUCTION: "Non-production",
    Environment.DEVELOPMENT: "Development",
    Environment.SANDBOX: "Sandbox",
}
IDENTITY_LABELS = {
    IdentitySource.SAML: "A SAML 2.0 identity provider (Entra ID, Okta, ADFS ...)",
    IdentitySource.ACTIVE_DIRECTORY: "An on-premises Active Directory",
    IdentitySource.IDENTITY_CENTER: "IAM Identity Center's own directory, already in use",
    IdentitySource.NONE: "None yet",
}
TEAM_LABELS = {
    SecurityTeam.INFORMATION_SECURITY: "An Information Security team",
    SecurityTeam.CENTRAL_IT: "Central IT",
    SecurityTeam.BOTH: "Both: Information Security and Central IT",
}
PUBLISHED_LABELS = {
    Published.AMIS: "Machine images (AMIs)",
    Published.SNAPSHOTS: "EBS snapshots",
    Published.PORTFOLIOS: "Service Catalog portfolios",
    Published.TEMPLATES: "CloudFormation templates",
}
PARTY_COLUMNS = ("name", "aws_account_id", "role_name", "external_id", "reason")
PARTY_HEADERS = ("Name", "Account id", "Their role", "External id", "Reason")


class Editor(QObject):
    """Edits some Answers fields; `inputs` holds the widget that answers each question.

    Signals:
        changed(): an answer was edited (the page re-checks what it holds).
    """

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()  # first: the widgets' signals are connected to `changed`
        self.inputs: dict[str, QWidget] = {}

    def register(self, inputs: dict[str, QWidget]) -> None:
        self.inputs = inputs
        for key, widget in inputs.items():
            if not widget.objectName():
                widget.setObjectName(f"field_{key}")

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def load(self, answers: Answers) -> None:
        raise NotImplementedError


class TextEditor(Editor):
    def __init__(self, key: str) -> None:
        super().__init__()
        self.key, self.edit = key, QLineEdit()
        self.register({key: self.edit})
        self.edit.textChanged.connect(self.changed)

    def values(self) -> dict[str, Any]:
        return {self.key: self.edit.text().strip()}

    def load(self, answers: Answers) -> None:
        self.edit.setText(str(getattr(answers, self.key)))


class YesNoEditor(Editor):
    """Two radio buttons: the arrow keys switch between them, as in any dialog."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key, row = key, QWidget()
        self.yes, self.no = QRadioButton("Yes"), QRadioButton("No")
        self.yes.setObjectName(f"yes_{key}")
        self.no.setObjectName(f"no_{key}")
        group = QButtonGroup(row)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.yes, self.no):
            group.addButton(button)
            layout.addWidget(button)
        layout.addStretch()
        self.register({key: row})
        row.setFocusProxy(self.yes)
        self.yes.toggled.connect(self.changed)

    def values(self) -> dict[str, Any]:
        return {self.key: self.yes.isChecked()}

    def load(self, answers: Answers) -> None:
        (self.yes if getattr(answers, self.key) else self.no).setChecked(True)


class LinesEditor(Editor):
    """One name per line (business units): blank lines are ignored."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key, self.edit = key, QPlainTextEdit()
        self.edit.setTabChangesFocus(True)  # Tab leaves the list, as in a form
        self.edit.setPlaceholderText("One name per line")
        self.edit.setFixedHeight(96)
        self.register({key: self.edit})
        self.edit.textChanged.connect(self.changed)

    def values(self) -> dict[str, Any]:
        lines = (line.strip() for line in self.edit.toPlainText().splitlines())
        return {self.key: [line for line in lines if line]}

    def load(self, answers: Answers) -> None:
        self.edit.setPlainText("\n".join(getattr(answers, self.key)))


class ListEditor(Editor):
    """Comma-separated values in one line (Regions)."""

    def __init__(self, key: str, placeholder: str) -> None:
        super().__init__()
        self.key, self.edit = key, QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.register({key: self.edit})
        self.edit.textChanged.connect(self.changed)

    def values(self) -> dict[str, Any]:
        parts = (p.strip() for p in self.edit.text().split(","))
        return {self.key: [p for p in parts if p]}

    def load(self, answers: Answers) -> None:
        self.edit.setText(", ".join(getattr(answers, self.key)))


class EnvironmentsEditor(Editor):
    """Which environments, and the most sensitive data of each: a check box per environment
    and a level per environment, offering only the levels it may hold."""

    def __init__(self) -> None:
        super().__init__()
        self.boxes: dict[Environment, QCheckBox] = {}
        self.levels: dict[Environment, QComboBox] = {}
        checks, levels = QWidget(), QWidget()
        check_row, level_grid = QHBoxLayout(checks), QGridLayout(levels)
        for layout in (check_row, level_grid):
            layout.setContentsMargins(0, 0, 0, 0)
        for index, env in enumerate(WIZARD_ENVIRONMENTS):
            box = QCheckBox(ENVIRONMENT_LABELS[env])
            box.setObjectName(f"env_{env}")
            check_row.addWidget(box)
            self.boxes[env] = box
            # two per row: the page fits an 800-pixel screen
            self.levels[env] = self._level_combo(env, level_grid, divmod(index, 2))
            box.toggled.connect(self.levels[env].setEnabled)
            box.toggled.connect(self.changed)
        check_row.addStretch()
        level_grid.setColumnStretch(4, 1)
        checks.setFocusProxy(self.boxes[WIZARD_ENVIRONMENTS[0]])
        levels.setFocusProxy(self.levels[WIZARD_ENVIRONMENTS[0]])
        self.register({"environments": checks, "data_sensitivity": levels})

    def _level_combo(
        self, env: Environment, grid: QGridLayout, place: tuple[int, int]
    ) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"sensitivity_{env}")
        combo.setAccessibleName(f"Data sensitivity of {ENVIRONMENT_LABELS[env]}")
        for level in allowed_levels(env):
            combo.addItem(str(level), level)
        combo.setCurrentIndex(combo.findData(DataSensitivity.INTERNAL))
        combo.currentIndexChanged.connect(self.changed)
        label = QLabel(f"{ENVIRONMENT_LABELS[env]}:")
        label.setBuddy(combo)
        row, pair = place
        grid.addWidget(label, row, pair * 2)
        grid.addWidget(combo, row, pair * 2 + 1)
        return combo

    def values(self) -> dict[str, Any]:
        chosen = [env for env, box in self.boxes.items() if box.isChecked()]
        levels = {env: self.levels[env].currentData() for env in chosen}
        return {"environments": chosen, "data_sensitivity": levels}

    def load(self, answers: Answers) -> None:
        for env, box in self.boxes.items():
            box.setChecked(env in answers.environments)
            self.levels[env].setEnabled(box.isChecked())
            level = answers.data_sensitivity.get(env)
            if level is not None:
                self.levels[env].setCurrentIndex(self.levels[env].findData(level))


class ChoiceEditor(Editor):
    """A combo box of readable labels for one enumerated answer."""

    def __init__(self, key: str, labels: dict[Any, str]) -> None:
        super().__init__()
        self.key, self.combo = key, QComboBox()
        for value, label in labels.items():
            self.combo.addItem(label, value)
        self.register({key: self.combo})
        self.combo.currentIndexChanged.connect(self.changed)

    def values(self) -> dict[str, Any]:
        return {self.key: self.combo.currentData()}

    def load(self, answers: Answers) -> None:
        self.combo.setCurrentIndex(self.combo.findData(getattr(answers, self.key)))


class PublishedEditor(Editor):
    """A check box per kind; enabled only while central publishing is wanted."""

    def __init__(self) -> None:
        super().__init__()
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[Published, QCheckBox] = {}
        for kind, label in PUBLISHED_LABELS.items():
            box = QCheckBox(label)
            box.setObjectName(f"published_{kind}")
            box.toggled.connect(self.changed)
            layout.addWidget(box)
            self.boxes[kind] = box
        layout.addStretch()
        row.setFocusProxy(self.boxes[Published.AMIS])
        self.register({"published": row})

    def set_wanted(self, wanted: bool) -> None:
        self.inputs["published"].setEnabled(wanted)

    def values(self) -> dict[str, Any]:
        return {"published": [k for k, box in self.boxes.items() if box.isChecked()]}

    def load(self, answers: Answers) -> None:
        for kind, box in self.boxes.items():
            box.setChecked(kind in answers.published)


class ThirdPartiesEditor(Editor):
    """A small table, one party per row; an empty account id, role name or external id means
    'not known yet' (the role name and external id are then made up, to confirm with them)."""

    def __init__(self) -> None:
        super().__init__()
        box = QWidget()
        self.table = QTableWidget(0, len(PARTY_COLUMNS))
        self.table.setObjectName("field_third_parties")
        self.table.setHorizontalHeaderLabels(PARTY_HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
        self.table.setFixedHeight(110)
        self.add = QPushButton("&Add third party")
        self.add.setObjectName("third_party_add")
        self.remove = QPushButton("&Remove selected")
        self.remove.setObjectName("third_party_remove")
        buttons = QVBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addStretch()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        box.setFocusProxy(self.table)
        self.register({"third_parties": box})
        self.add.clicked.connect(self.add_row)
        self.remove.clicked.connect(self.remove_selected)
        self.table.itemChanged.connect(self.changed)

    def add_row(self) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()
        self.table.editItem(self._cell(row, 0))
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows or [self.table.currentRow()]:
            if row >= 0:
                self.table.removeRow(row)
        self.changed.emit()

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem("")
            self.table.setItem(row, column, item)
        return item

    def values(self) -> dict[str, Any]:
        parties = []
        for row in range(self.table.rowCount()):
            cells = [self._text(row, c) for c in range(len(PARTY_COLUMNS))]
            party: dict[str, Any] = dict(zip(PARTY_COLUMNS, cells, strict=True))
            for optional in ("aws_account_id", "role_name", "external_id"):
                party[optional] = party[optional] or None
            parties.append(party)
        return {"third_parties": parties}

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def load(self, answers: Answers) -> None:
        self.table.setRowCount(0)
        for party in answers.third_parties:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, name in enumerate(PARTY_COLUMNS):
                value = getattr(party, name)
                self.table.setItem(row, column, QTableWidgetItem("" if value is None else value))


class DaysEditor(Editor):
    def __init__(self, key: str) -> None:
        super().__init__()
        self.key, self.spin = key, QSpinBox()
        self.spin.setRange(1, 36500)
        self.spin.setSuffix(" days")
        self.spin.setMinimumWidth(120)
        self.register({key: self.spin})
        self.spin.valueChanged.connect(self.changed)

    def values(self) -> dict[str, Any]:
        return {self.key: self.spin.value()}

    def load(self, answers: Answers) -> None:
        self.spin.setValue(getattr(answers, self.key))


def editors() -> list[Editor]:
    """An editor for every question, in the order asked (questions.QUESTIONS)."""
    yes_no = [key for key in WHITEPAPER_QUESTIONS if key != "central_publishing"]
    publishing, published = YesNoEditor("central_publishing"), PublishedEditor()
    publishing.yes.toggled.connect(published.set_wanted)  # asked when publishing is wanted
    published.set_wanted(False)
    return [
        TextEditor("organization_name"),
        TextEditor("email_domain"),
        *(YesNoEditor(key) for key in yes_no),
        publishing,
        LinesEditor("business_units"),
        EnvironmentsEditor(),
        ListEditor("regions", "eu-west-1, eu-central-1"),
        ChoiceEditor("identity_source", IDENTITY_LABELS),
        ChoiceEditor("security_team", TEAM_LABELS),
        published,
        ThirdPartiesEditor(),
        DaysEditor("log_retention_days"),
    ]
