"""The property editor: good and bad values, inline errors, undo, and following the model."""

from __future__ import annotations

from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
)
from pytestqt.qtbot import QtBot

from designer.gui.controller import DesignController
from designer.gui.panels.fields import TextBlockEdit
from designer.gui.panels.properties import PropertyEditor
from designer.gui.selection import SelectionModel
from designer.model import dumps_design
from designer.model.templates import load_template
from tests.helpers.factories import sid, small_design
from tests.helpers.forms import field, field_error

pytestmark = pytest.mark.gui

W = TypeVar("W", bound=QObject)
PROD = sid("prod")
TRUST = sid("trust-logs-prod")


class Panel:
    """The editor with its controller and selection, and short ways to reach its widgets."""

    def __init__(self, qtbot: QtBot, controller: DesignController) -> None:
        self.controller = controller
        self.selection = SelectionModel()
        self.editor = PropertyEditor(controller, self.selection)
        qtbot.addWidget(self.editor)

    def show(self, *ids: str) -> None:
        self.selection.set(list(ids))

    def field(self, kind: type[W], name: str) -> W:
        return field(self.editor, kind, name)

    def error(self, name: str) -> str:
        return field_error(self.editor, name)

    def type_line(self, name: str, text: str) -> None:
        line = self.field(QLineEdit, name)
        line.setText(text)
        line.editingFinished.emit()

    def choose(self, name: str, label: str) -> None:
        combo = self.field(QComboBox, name)
        index = combo.findText(label)
        assert index >= 0, f"{label!r} not offered by {name}"
        combo.setCurrentIndex(index)

    def apply_lines(self, name: str, text: str) -> None:
        block = self.field(TextBlockEdit, name)
        block.text_edit.setPlainText(text)
        block.apply_button.click()

    def entity(self, entity_id: str) -> Any:
        return self.controller.document.get(entity_id)

    def undo(self) -> None:
        self.controller.undo_stack.undo()


@pytest.fixture
def panel(qtbot: QtBot) -> Panel:
    return Panel(qtbot, DesignController(small_design()))


def test_valid_account_id_is_kept_and_undone(panel: Panel) -> None:
    panel.show(PROD)
    assert panel.editor.header_text() == "Account 'Prod'"
    panel.type_line("aws_account_id", "444444444444")
    assert panel.entity(PROD).aws_account_id == "444444444444"
    assert panel.controller.undo_stack.count() == 1
    panel.undo()
    assert panel.entity(PROD).aws_account_id == "333333333333"
    assert panel.field(QLineEdit, "aws_account_id").text() == "333333333333"


def test_bad_account_id_is_refused_inline_and_the_next_good_edit_clears_it(panel: Panel) -> None:
    panel.show(PROD)
    before = dumps_design(panel.controller.design)
    panel.type_line("aws_account_id", "123")
    assert "12 digits" in panel.error("aws_account_id")
    assert dumps_design(panel.controller.design) == before
    assert panel.controller.undo_stack.count() == 0
    assert panel.field(QLineEdit, "aws_account_id").text() == "333333333333"
    panel.field(QLineEdit, "aws_account_id").editingFinished.emit()  # leaving: no change
    assert "12 digits" in panel.error("aws_account_id")
    panel.type_line("owner", "payments")
    assert panel.error("aws_account_id") == ""
    assert panel.entity(PROD).owner == "payments"


def test_duplicate_email_is_refused(panel: Panel) -> None:
    panel.show(PROD)
    panel.type_line("email", "logs@example.com")
    assert "already used" in panel.error("email")
    assert panel.entity(PROD).email == "prod@example.com"
    assert panel.field(QLineEdit, "email").text() == "prod@example.com"


def test_empty_optional_fields_become_none(panel: Panel) -> None:
    panel.show(PROD)
    panel.type_line("aws_account_id", "  ")
    panel.type_line("email", "")
    assert panel.entity(PROD).aws_account_id is None
    assert panel.entity(PROD).email is None


def test_function_check_boxes(panel: Panel) -> None:
    panel.show(PROD)
    functions = panel.field(QListWidget, "functions")
    rows = {functions.item(i).text(): functions.item(i) for i in range(functions.count())}
    rows["Network"].setCheckState(Qt.CheckState.Checked)
    assert panel.entity(PROD).functions == ["network", "workload"]
    rows["Network"].setCheckState(Qt.CheckState.Unchecked)
    rows["Workload"].setCheckState(Qt.CheckState.Unchecked)  # the last one: refused
    assert panel.error("functions")
    assert panel.entity(PROD).functions == ["workload"]
    assert rows["Workload"].checkState() == Qt.CheckState.Checked
    panel.undo()
    panel.undo()
    assert panel.entity(PROD).functions == ["workload"]
    assert rows["Network"].checkState() == Qt.CheckState.Unchecked


def test_environment_combo_and_parent_chooser(panel: Panel) -> None:
    panel.show(PROD)
    panel.choose("environment", "Development")
    assert panel.entity(PROD).environment == "development"
    parents = panel.field(QComboBox, "parent")
    assert [parents.itemText(i) for i in range(parents.count())] == [
        "Root",
        "Security",
        "Workloads",
    ]
    panel.choose("parent", "Security")
    assert panel.entity(PROD).parent == sid("ou-security")
    panel.undo()
    assert parents.currentText() == "Workloads"
    panel.undo()
    assert panel.field(QComboBox, "environment").currentText() == "Production"


def test_trust_access_level_and_session_duration(panel: Panel) -> None:
    panel.show(TRUST)
    assert panel.editor.header_text() == "Trust 'Audit': Log Archive → Prod"
    assert "Log Archive" in panel.field(QLabel, "source").text()
    assert "Prod" in panel.field(QLabel, "target").text()
    panel.choose("access_level", "Read only")
    assert panel.entity(TRUST).access_level == "read-only"
    spin = panel.field(QSpinBox, "max_session_duration")
    assert (spin.minimum(), spin.maximum(), spin.singleStep()) == (3600, 43200, 900)
    spin.setValue(7200)
    assert panel.entity(TRUST).max_session_duration == 7200
    panel.undo()
    panel.undo()
    assert panel.entity(TRUST).access_level == "security-audit"
    assert spin.value() == 3600
    assert panel.field(QComboBox, "access_level").currentText() == "Security audit"


def test_service_admin_takes_the_services_typed_before_it(panel: Panel) -> None:
    panel.show(TRUST)
    panel.choose("access_level", "Service admin")
    assert "at least one service" in panel.error("access_level")
    assert panel.field(QComboBox, "access_level").currentText() == "Security audit"
    panel.field(TextBlockEdit, "services").text_edit.setPlainText("ec2\ns3")
    panel.choose("access_level", "Service admin")
    assert panel.error("access_level") == ""
    trust = panel.entity(TRUST)
    assert (trust.access_level, trust.services) == ("service-admin", ["ec2", "s3"])
    panel.choose("access_level", "Read only")  # services go with the level that needed them
    assert panel.entity(TRUST).services == []
    assert panel.field(TextBlockEdit, "services").text_edit.toPlainText() == ""


def test_principal_role_name_switches_the_scope(panel: Panel) -> None:
    panel.show(TRUST)
    panel.type_line("principal_role_name", "Auditor")
    trust = panel.entity(TRUST)
    assert (trust.principal_scope, trust.principal_role_name) == ("role", "Auditor")
    assert panel.field(QComboBox, "principal_scope").currentText() == "One role"
    panel.choose("principal_scope", "The whole account")
    assert panel.entity(TRUST).principal_role_name is None
    assert panel.field(QLineEdit, "principal_role_name").text() == ""


def test_usage_policy_regions_bad_then_good(panel: Panel) -> None:
    panel.show()
    assert panel.editor.header_text() == "Design 'Small'"
    panel.apply_lines("allowed_regions", "eu-west-1\nmars-north-1x")
    assert panel.error("allowed_regions")
    assert panel.controller.design.usage_policy.allowed_regions == []
    assert panel.field(TextBlockEdit, "allowed_regions").text_edit.toPlainText() == ""
    panel.apply_lines("allowed_regions", "eu-west-1\n\n eu-central-1 ")
    assert panel.error("allowed_regions") == ""
    assert panel.controller.design.usage_policy.allowed_regions == ["eu-west-1", "eu-central-1"]
    panel.undo()
    assert panel.field(TextBlockEdit, "allowed_regions").text_edit.toPlainText() == ""


def test_several_selected_shows_the_design_and_its_name_is_editable(panel: Panel) -> None:
    panel.show(PROD, TRUST, sid("logs"))
    assert panel.editor.header_text() == "3 items selected — showing the design"
    assert panel.editor.shown_id is None
    panel.type_line("name", "Renamed")
    assert panel.controller.design.name == "Renamed"
    panel.type_line("name", "")
    assert panel.error("name")
    assert panel.field(QLineEdit, "name").text() == "Renamed"
    panel.undo()
    assert panel.field(QLineEdit, "name").text() == "Small"


def test_the_form_follows_the_model_and_showing_values_pushes_nothing(panel: Panel) -> None:
    for ids in ([PROD], [TRUST], [sid("bucket")], [sid("idp")], [sid("ou-security")], []):
        panel.show(*ids)
    assert panel.controller.undo_stack.count() == 0
    panel.show(PROD)
    panel.controller.update(PROD, owner="payments", root_mfa=True)
    assert panel.field(QLineEdit, "owner").text() == "payments"
    assert panel.field(QCheckBox, "root_mfa").isChecked()
    panel.undo()
    assert panel.field(QLineEdit, "owner").text() == ""
    assert not panel.field(QCheckBox, "root_mfa").isChecked()


def test_relationship_form_follows_a_renamed_end(panel: Panel, qtbot: QtBot) -> None:
    panel.show(TRUST)
    panel.controller.update(PROD, name="Production")
    qtbot.waitUntil(lambda: "Production" in panel.field(QLabel, "target").text())
    assert panel.editor.header_text().endswith("→ Production")


def test_a_removed_entity_gives_way_to_the_design_and_returns_on_undo(panel: Panel) -> None:
    panel.show(PROD)
    panel.controller.remove([PROD])
    assert panel.editor.shown_id is None
    panel.undo()
    assert panel.editor.shown_id == PROD
    assert panel.field(QLineEdit, "name").text() == "Prod"


def test_tags_as_key_value_lines(panel: Panel) -> None:
    panel.show(PROD)
    panel.apply_lines("tags", "team=payments\ncost-centre = 42")
    assert panel.entity(PROD).tags == {"team": "payments", "cost-centre": "42"}
    panel.apply_lines("tags", "no value here")
    assert "key=value" in panel.error("tags")
    assert panel.entity(PROD).tags == {"team": "payments", "cost-centre": "42"}


def test_bucket_owner_and_object_lock(panel: Panel) -> None:
    bucket = sid("bucket")
    panel.show(bucket)
    assert panel.editor.header_text() == "Log bucket 'org-logs-bucket'"
    days = panel.field(QSpinBox, "object_lock_retention_days")
    assert not days.isEnabled()
    panel.choose("object_lock_mode", "Governance")
    assert panel.entity(bucket).object_lock.retention_days == 365
    assert days.isEnabled()
    days.setValue(30)
    assert panel.entity(bucket).object_lock.retention_days == 30
    panel.field(QCheckBox, "versioning").setChecked(False)  # Object Lock needs versioning
    assert "versioning" in panel.error("versioning")
    assert panel.field(QCheckBox, "versioning").isChecked()
    panel.type_line("kms_key", "alias/logs")
    panel.type_line("kms_key", "")
    assert panel.entity(bucket).kms_key is None
    panel.choose("account", "Prod (333333333333)")  # its log delivery goes to Log Archive
    assert "target account" in panel.error("account")
    assert panel.field(QComboBox, "account").currentText() == "Log Archive (222222222222)"


def test_directory_service_provider_gets_a_directory_type(panel: Panel) -> None:
    idp = sid("idp")
    panel.show(idp)
    assert not panel.field(QComboBox, "directory_type").isEnabled()
    panel.choose("kind", "Directory service")
    assert panel.entity(idp).directory_type == "managed-microsoft-ad"
    assert panel.field(QComboBox, "directory_type").isEnabled()
    panel.choose("kind", "Oidc")
    assert panel.entity(idp).directory_type is None


def test_every_relationship_kind_of_the_reference_design_has_a_form(qtbot: QtBot) -> None:
    panel = Panel(qtbot, DesignController(load_template("reference-landing-zone")))
    design = panel.controller.design
    shown = {}
    for rel in design.relationships:
        panel.show(rel.id)
        shown[rel.kind] = panel.editor.header_text()
    assert set(shown) == {
        "trust",
        "federation",
        "log-delivery",
        "resource-share",
        "delegated-admin",
        "billing",
    }
    share = next(r for r in design.relationships if r.kind == "resource-share")
    panel.show(share.id)
    panel.type_line("ram_resource_type", "ec2:Subnet")
    assert panel.entity(share.id).resource_type == "ram-share"
    assert panel.controller.undo_stack.count() == 1


def test_leaving_a_list_applies_it_and_unapplied_text_survives_other_edits(panel: Panel) -> None:
    panel.show()
    regions = panel.field(TextBlockEdit, "allowed_regions")
    regions.text_edit.setPlainText("eu-west-1")
    assert regions.apply_button.isEnabled()
    panel.controller.set_design_info(name="Elsewhere")  # an edit made elsewhere: text stays
    assert regions.text_edit.toPlainText() == "eu-west-1"
    QApplication.sendEvent(regions.text_edit, QFocusEvent(QEvent.Type.FocusOut))
    assert panel.controller.design.usage_policy.allowed_regions == ["eu-west-1"]
    assert not regions.apply_button.isEnabled()


def test_switching_between_entities_of_a_kind_keeps_the_form(panel: Panel) -> None:
    panel.show(PROD)
    form = panel.editor.form
    panel.show(sid("logs"))
    assert panel.editor.form is form
    assert panel.field(QLineEdit, "name").text() == "Log Archive"
    assert panel.editor.header_text() == "Account 'Log Archive'"
    panel.show(TRUST)
    assert panel.editor.form is not form
