"""The structured usage policy in the property editor: an OU's requirements, log retention and
keys, and the structures a design covers. Each change is one undo step, and after undo and redo
the widgets show the restored values."""

from __future__ import annotations

from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QListWidget, QSpinBox
from pytestqt.qtbot import QtBot

from designer.gui.controller import DesignController
from designer.gui.panels.properties import PropertyEditor
from designer.gui.selection import SelectionModel
from designer.model.governance import OuRequirement
from designer.model.vocabulary import DataSensitivity, Environment, LogRequirement, Structure
from tests.helpers.factories import landing_zone_without_requirements
from tests.helpers.forms import field, field_error

pytestmark = pytest.mark.gui

W = TypeVar("W", bound=QObject)
Checked, Unchecked = Qt.CheckState.Checked, Qt.CheckState.Unchecked


class Panel:
    """The property editor on the reference landing zone, reached by names."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.controller = DesignController(landing_zone_without_requirements())
        self.selection = SelectionModel()
        self.editor = PropertyEditor(self.controller, self.selection)
        self.editor.resize(420, 900)
        qtbot.addWidget(self.editor)
        self.editor.show()

    @property
    def design(self) -> Any:
        return self.controller.design

    def id(self, name: str) -> str:
        design = self.design
        found = [
            e.id
            for e in (
                *design.organizational_units,
                *design.accounts,
                *design.service_control_policies,
            )
            if e.name == name
        ]
        assert len(found) == 1, name
        return str(found[0])

    def select(self, name: str | None) -> None:
        self.selection.set([self.id(name)] if name else [])

    def field(self, kind: type[W], name: str) -> W:
        return field(self.editor, kind, name)

    def error(self, name: str) -> str:
        return field_error(self.editor, name)

    def row(self, name: str, label: str) -> int:
        items = self.field(QListWidget, name).findItems(label, Qt.MatchFlag.MatchExactly)
        assert items, f"{label!r} not offered by {name}"
        return self.field(QListWidget, name).row(items[0])

    def toggle(self, name: str, label: str) -> None:
        """As the keyboard does it: make the row current, press Space."""
        widget = self.field(QListWidget, name)
        widget.setFocus()
        widget.setCurrentRow(self.row(name, label))
        QTest.keyClick(widget.viewport(), Qt.Key.Key_Space)

    def checked(self, name: str) -> list[str]:
        widget = self.field(QListWidget, name)
        return [
            widget.item(i).text()
            for i in range(widget.count())
            if widget.item(i).checkState() == Checked
        ]

    def choose(self, name: str, label: str) -> None:
        combo = self.field(QComboBox, name)
        index = combo.findText(label, Qt.MatchFlag.MatchStartsWith)
        assert index >= 0, f"{label!r} not offered by {name}"
        combo.setCurrentIndex(index)

    def shown(self, name: str) -> str:
        return self.field(QComboBox, name).currentText()

    def type_line(self, name: str, text: str) -> None:
        line = self.field(QLineEdit, name)
        line.setFocus()
        line.selectAll()
        QTest.keyClicks(line, text)
        QTest.keyClick(line, Qt.Key.Key_Return)

    def requirement(self, ou_name: str) -> OuRequirement | None:
        return self.design.usage_policy.requirement(self.id(ou_name))

    @property
    def steps(self) -> int:
        return self.controller.undo_stack.index()

    def undo(self) -> None:
        self.controller.undo_stack.undo()

    def redo(self) -> None:
        self.controller.undo_stack.redo()


@pytest.fixture
def panel(qtbot: QtBot) -> Panel:
    return Panel(qtbot)


def test_an_ou_shows_its_requirement_group_with_the_designs_scps(panel: Panel) -> None:
    panel.select("Sandbox")
    titles = [label.text() for label in panel.editor.findChildren(QLabel)]
    assert "Usage policy for this OU" in titles
    scps = panel.field(QListWidget, "required_scps")
    offered = [scps.item(i).text() for i in range(scps.count())]
    assert offered == [p.name for p in panel.design.service_control_policies]
    assert panel.checked("required_scps") == []
    assert panel.shown("log_delivery") == "As the organization"
    assert panel.checked("allowed_environments") == []
    assert panel.shown("max_data_sensitivity") == "Any"
    assert panel.field(QLineEdit, "note").text() == ""


def test_a_required_scp_is_one_undo_step_and_undo_unchecks_it(panel: Panel) -> None:
    panel.select("Sandbox")
    panel.toggle("required_scps", "DenyRootUser")
    need = panel.requirement("Sandbox")
    assert need is not None
    assert need.required_scps == [panel.id("DenyRootUser")]
    assert panel.steps == 1
    assert panel.controller.undo_stack.undoText() == "Edit usage policy of OU Sandbox"
    panel.undo()
    assert panel.requirement("Sandbox") is None
    assert panel.checked("required_scps") == []
    panel.redo()
    assert panel.checked("required_scps") == ["DenyRootUser"]


def test_log_delivery_exempt_and_back_drops_the_empty_requirement(panel: Panel) -> None:
    panel.select("Suspended")
    panel.choose("log_delivery", "Exempt")
    need = panel.requirement("Suspended")
    assert need is not None
    assert need.log_delivery == LogRequirement.EXEMPT
    panel.choose("log_delivery", "As the organization")
    assert panel.design.usage_policy.ou_requirements == []  # asks nothing: not kept
    assert panel.steps == 2
    panel.undo()
    assert panel.shown("log_delivery") == "Exempt"
    panel.undo()
    assert panel.shown("log_delivery") == "As the organization"


def test_environments_ceiling_and_note_each_one_step(panel: Panel) -> None:
    panel.select("Prod")
    panel.toggle("allowed_environments", "Production")
    panel.choose("max_data_sensitivity", "Restricted")
    panel.type_line("note", "agreed with the CISO")
    need = panel.requirement("Prod")
    assert need is not None
    assert need.allowed_environments == [Environment.PRODUCTION]
    assert need.max_data_sensitivity == DataSensitivity.RESTRICTED
    assert need.note == "agreed with the CISO"
    assert panel.steps == 3
    panel.undo()
    assert panel.field(QLineEdit, "note").text() == ""
    assert panel.shown("max_data_sensitivity") == "Restricted"
    panel.undo()
    assert panel.shown("max_data_sensitivity") == "Any"
    assert panel.checked("allowed_environments") == ["Production"]
    panel.undo()
    assert panel.checked("allowed_environments") == []
    assert panel.requirement("Prod") is None
    for _ in range(3):
        panel.redo()
    assert panel.checked("allowed_environments") == ["Production"]
    assert panel.shown("max_data_sensitivity") == "Restricted"
    assert panel.field(QLineEdit, "note").text() == "agreed with the CISO"


def test_switching_ous_shows_each_ous_own_requirement(panel: Panel) -> None:
    panel.select("Sandbox")
    panel.toggle("allowed_environments", "Sandbox")
    panel.select("Prod")
    assert panel.checked("allowed_environments") == []
    panel.select("Sandbox")
    assert panel.checked("allowed_environments") == ["Sandbox"]


def test_removing_the_ou_drops_its_requirement_and_undo_brings_it_back(panel: Panel) -> None:
    panel.select("Policy Staging")
    panel.choose("max_data_sensitivity", "Internal")
    ou = panel.id("Policy Staging")
    panel.controller.remove([ou])
    assert panel.design.usage_policy.ou_requirements == []
    assert panel.editor.shown_id is None  # the design's form: the OU is gone
    panel.undo()
    need = panel.design.usage_policy.requirement(ou)
    assert need is not None
    assert need.max_data_sensitivity == DataSensitivity.INTERNAL
    panel.selection.set([ou])
    assert panel.shown("max_data_sensitivity") == "Internal"


def test_removing_a_required_scp_unchecks_it_and_undo_restores(panel: Panel) -> None:
    panel.select("Sandbox")
    panel.toggle("required_scps", "DenyRootUser")
    panel.toggle("allowed_environments", "Sandbox")
    scp = panel.id("DenyRootUser")
    panel.controller.remove([scp])
    panel.qtbot.waitUntil(lambda: "DenyRootUser" not in _offered(panel))
    need = panel.requirement("Sandbox")
    assert need is not None
    assert need.required_scps == []
    panel.undo()
    panel.qtbot.waitUntil(lambda: panel.checked("required_scps") == ["DenyRootUser"])


def _offered(panel: Panel) -> list[str]:
    scps = panel.field(QListWidget, "required_scps")
    return [scps.item(i).text() for i in range(scps.count())]


def test_retention_and_kms_on_the_designs_form(panel: Panel, qtbot: QtBot) -> None:
    panel.select(None)
    spin = panel.field(QSpinBox, "min_log_retention_days")
    assert spin.value() == 0
    spin.setValue(365)
    assert panel.design.usage_policy.min_log_retention_days == 365
    spin.setValue(0)
    assert panel.design.usage_policy.min_log_retention_days is None  # 0: no minimum
    box = panel.field(QCheckBox, "logs_encrypted_with_kms")
    assert box.text() == "Log buckets must use SSE-KMS"
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert panel.design.usage_policy.logs_encrypted_with_kms is True
    assert panel.steps == 3
    panel.undo()
    assert not box.isChecked()
    panel.undo()
    assert spin.value() == 365
    panel.undo()
    assert spin.value() == 0


def test_the_designs_form_lists_the_ous_with_requirements(panel: Panel) -> None:
    panel.select(None)
    assert panel.field(QLabel, "ou_requirements").text().startswith("none")
    panel.select("Suspended")
    panel.choose("log_delivery", "Exempt")
    panel.select(None)  # the design's form is built again
    assert panel.field(QLabel, "ou_requirements").text() == "Suspended (select an OU to edit)"


def test_covers_all_checked_is_a_whole_organization(panel: Panel) -> None:
    panel.select(None)
    assert panel.design.covers is None
    assert len(panel.checked("covers")) == len(Structure)
    panel.toggle("covers", "Publishing account structure")
    assert panel.design.covers is not None
    assert Structure.PUBLISHING not in panel.design.covers
    assert len(panel.design.covers) == len(Structure) - 1
    panel.undo()
    assert panel.design.covers is None
    assert len(panel.checked("covers")) == len(Structure)
    panel.redo()
    assert "Publishing account structure" not in panel.checked("covers")
    panel.toggle("covers", "Publishing account structure")
    assert panel.design.covers is None  # all checked again


def test_unchecking_every_structure_is_refused(panel: Panel) -> None:
    panel.controller.set_design_info(covers=[Structure.IDENTITY])
    panel.select(None)
    assert panel.checked("covers") == ["Identity account structure"]
    panel.toggle("covers", "Identity account structure")
    assert "at least one structure" in panel.error("covers")
    assert panel.design.covers == [Structure.IDENTITY]
    assert panel.checked("covers") == ["Identity account structure"]
