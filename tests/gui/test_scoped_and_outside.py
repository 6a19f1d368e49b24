"""Scoped relationships and outside principals as the user meets them: palette entries that add a
valid principal of each kind outside the organization box, cards that say they are outside, edges
that land on an OU's border with "except n" in their label, forms for excluded accounts, the
administered OU, principal types and an outside principal's kind; and every per-kind table of the
GUI covering every kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from designer.core import edits
from designer.core.edits import OUTSIDE_PLACEHOLDERS as PLACEHOLDERS
from designer.drawing.layout import HEADER
from designer.drawing.views import OUTSIDE_STYLES
from designer.gui.canvas import style
from designer.gui.canvas.items import ContainerItem
from designer.gui.controller import DesignController
from designer.gui.main_window import MainWindow
from designer.gui.palette import palette_groups
from designer.gui.panels import forms
from designer.gui.panels.outline import OUTSIDE_PRINCIPALS
from designer.gui.panels.properties import KIND_TITLES, PropertyEditor
from designer.gui.selection import SelectionModel
from designer.model import Account, EntityKind, OutsidePrincipal, dumps_design
from designer.model.kinds import SCOPES, SPECS
from designer.model.vocabulary import OUTSIDE_IDENTIFIERS as IDENTIFIER_FIELDS
from designer.model.vocabulary import OutsideKind
from designer.support.resources import resources_dir
from tests.helpers.factories import scoped_design, sid

pytestmark = pytest.mark.gui

WORKLOADS, SECURITY = sid("ou-workloads"), sid("ou-security")
TOOLING, LOGS, PROD = sid("tooling"), sid("logs"), sid("prod")
DEV, TEST, STAGING = sid("dev"), sid("test"), sid("staging")
TRUST_OU, LOGS_ORG = sid("trust-ou"), sid("logs-org")
popup_warnings = pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")


@pytest.fixture
def scoped(make_window: Callable[..., MainWindow]) -> MainWindow:
    window = make_window(scoped_design())
    window.scene.router.route()
    return window


def saved(window: MainWindow) -> str:
    return dumps_design(window.controller.design)


# -- every per-kind table covers every kind ------------------------------------------------------


def test_every_relationship_kind_has_an_edit_form_style_and_title() -> None:
    assert set(forms.RELATIONSHIP_FORMS) == set(SPECS)
    assert set(style.EDGE_STYLES) == set(SPECS)
    assert set(edits.KIND_TITLES) == set(SPECS)
    for kind, make in forms.RELATIONSHIP_FORMS.items():
        names = [item.name for item in make() if isinstance(item, forms.FieldSpec)]
        assert names[:2] == ["source", "target"], kind
        for name in names[2:]:
            assert name in SPECS[kind].model.model_fields, f"{kind} form: no field {name}"
        spec = SPECS[kind]
        scoped = bool(SCOPES & (spec.sources | spec.targets)) or kind == "delegated-admin"
        assert ("excluded_accounts" in names) == scoped, kind  # where accounts can be skipped
        assert "organization_wide" not in names


def test_every_node_kind_has_a_form_and_a_title() -> None:
    nodes = set(EntityKind) - {EntityKind.RELATIONSHIP}
    assert set(forms.NODE_FORMS) == nodes
    assert set(KIND_TITLES) == nodes
    assert "Third party" not in KIND_TITLES.values()


def test_every_outside_kind_has_a_look_an_icon_a_palette_entry_and_its_identifier() -> None:
    assert set(OUTSIDE_STYLES) == set(OutsideKind)
    assert set(IDENTIFIER_FIELDS) == set(OutsideKind)
    assert set(forms.OUTSIDE_LABELS) == set(OutsideKind)
    entries = {e.key: e for _, group in palette_groups() for e in group}
    for kind, look in OUTSIDE_STYLES.items():
        assert (resources_dir() / "icons" / f"{look.icon}.svg").is_file(), look.icon
        entry = entries[f"outside:{kind.value}"]
        assert (entry.text, entry.icon) == (look.title, look.icon)
    assert {"External AWS account", "Partner organization", "AWS service", "Anyone (public)"} == {
        look.title for look in OUTSIDE_STYLES.values()
    }


@pytest.mark.parametrize("kind", list(OutsideKind))
def test_identifier_fields_agree_with_the_model(kind: OutsideKind) -> None:
    """The GUI's table of which field names a kind is the one the model enforces."""
    samples = {
        "aws_account_id": "123456789012",
        "organization_id": "o-abcdefghij",
        "service_principal": "config.amazonaws.com",
    }
    own = IDENTIFIER_FIELDS[kind]
    if own is not None:
        OutsidePrincipal(name="x", kind=kind, **{own: samples[own]})
    for field, value in samples.items():
        if field != own:
            with pytest.raises(ValueError, match=field):
                OutsidePrincipal(name="x", kind=kind, **{field: value})


# -- adding outside principals -------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(OutsideKind))
def test_palette_adds_a_valid_principal_outside_the_organization_and_undo_removes_it(
    window: MainWindow, kind: OutsideKind
) -> None:
    before = saved(window)
    known = {p.id for p in window.controller.design.outside_principals}
    button = window.findChild(QToolButton, f"add_outside_{kind.value}")
    assert button is not None
    button.click()
    (added,) = [p for p in window.controller.design.outside_principals if p.id not in known]
    look = OUTSIDE_STYLES[kind]
    assert (added.kind, added.name) == (kind, look.title)
    field = IDENTIFIER_FIELDS[kind]
    if kind in PLACEHOLDERS:
        assert field is not None
        assert getattr(added, field) == PLACEHOLDERS[kind]
    item = window.scene.nodes[added.id]
    organization = window.scene.containers[window.controller.design.organization.id]
    assert not item.scene_rect().intersects(organization.scene_rect())
    assert item.scene_rect().right() < organization.scene_rect().left()  # the column beside it
    assert item.tag == (look.marking, look.colour)
    assert (item.colour, item.icon) == (look.colour, look.icon)
    assert window.selection.ids == [added.id]
    assert window.controller.undo_stack.count() == 1
    window.controller.undo_stack.undo()
    assert added.id not in window.scene.nodes
    assert saved(window) == before


def test_the_public_is_red_and_says_public_others_say_outside(scoped: MainWindow) -> None:
    nodes = scoped.scene.nodes
    red = OUTSIDE_STYLES[OutsideKind.ANYONE].colour
    assert QColor(red).hue() in (*range(0, 10), *range(350, 360))  # red, and strong
    assert QColor(red).saturation() > 200
    assert nodes[sid("public")].tag == ("PUBLIC", red)
    assert nodes[sid("public")].colour == red
    assert nodes[sid("public")].fill != "#ffffff"  # a tinted card, unlike any account
    assert nodes[sid("vendor")].tag is not None
    assert nodes[sid("vendor")].tag[0] == "OUTSIDE"
    assert nodes[sid("partner")].tag is not None
    assert nodes[sid("partner")].tag[0] == "OUTSIDE"
    assert nodes[sid("vendor")].subtitle == "578389389050"
    assert nodes[sid("partner")].subtitle == "o-partner1234"
    assert nodes[sid("service")].subtitle == "cloudtrail.amazonaws.com"
    assert "outside the organization" in nodes[sid("public")].toolTip()
    assert len({nodes[sid(k)].icon for k in ("vendor", "partner", "service", "public")}) == 4
    organization = scoped.scene.containers[scoped.controller.design.organization.id]
    for key in ("vendor", "partner", "service", "public"):
        assert not nodes[sid(key)].scene_rect().intersects(organization.scene_rect())


def test_a_principal_dropped_inside_the_organization_goes_beside_it(window: MainWindow) -> None:
    organization = window.scene.containers[window.controller.design.organization.id]
    window.add_item("outside:anyone", organization.scene_rect().center())
    (added,) = window.controller.design.outside_principals
    assert not window.scene.nodes[added.id].scene_rect().intersects(organization.scene_rect())


@popup_warnings
def test_context_menu_add_here_offers_every_outside_kind(window: MainWindow) -> None:
    menu = window.context_menu("", QPointF(0, 0), QPoint(0, 0))
    try:
        add_here = menu.findChild(QMenu, "add_here")
        assert add_here is not None
        texts = [a.text() for a in add_here.actions()]
        for look in OUTSIDE_STYLES.values():
            assert look.title in texts
    finally:
        menu.close()


# -- scoped edges on the canvas ------------------------------------------------------------------


def _on_border(point: QPointF, rect: Any) -> bool:
    eps = 0.51
    x, y = point.x(), point.y()
    within = rect.left() - eps <= x <= rect.right() + eps and (
        rect.top() - eps <= y <= rect.bottom() + eps
    )
    sides = (
        abs(x - rect.left()) <= eps
        or abs(x - rect.right()) <= eps
        or abs(y - rect.top()) <= eps
        or abs(y - rect.bottom()) <= eps
    )
    under_title = abs(y - (rect.top() + HEADER)) <= eps  # the container holds the other end
    return within and (sides or under_title)


def test_a_trust_to_an_ou_ends_on_the_ou_border_with_a_bar_and_its_label(
    scoped: MainWindow,
) -> None:
    scene = scoped.scene
    edge = scene.edges[TRUST_OU]
    workloads = scene.containers[WORKLOADS]
    assert edge.target is workloads
    assert edge.scoped_end == "target"
    assert _on_border(edge.points[-1], workloads.scene_rect())
    assert not _on_border(edge.points[-1], scene.nodes[PROD].scene_rect())
    assert edge.label == "AuditRole · audit except 2"
    tip = edge.toolTip()
    assert "Cross-account trust: Security Tooling → OU Workloads" in tip
    assert "Into every account of OU Workloads, now and in future, except Dev, Test" in tip
    scoped.set_view("identity")
    scene.router.route()
    assert edge.label_item.isVisible()
    # the accounts it lands in, counted: Workloads' four less the two excepted
    assert edge.label_item.text == "AuditRole · audit except 2 · 2 accounts"


def test_organization_wide_log_delivery_starts_on_the_organization_box(scoped: MainWindow) -> None:
    scene = scoped.scene
    edge = scene.edges[LOGS_ORG]
    organization = scene.containers[scoped.controller.design.organization.id]
    assert edge.source is organization
    assert edge.scoped_end == "source"
    assert _on_border(edge.points[0], organization.scene_rect())
    assert _on_border(edge.points[-1], scene.nodes[LOGS].scene_rect())
    assert "From every account of the organization" in edge.toolTip()


def test_a_view_touches_the_accounts_a_scoped_edge_stands_for(scoped: MainWindow) -> None:
    scoped.set_view("identity")
    nodes = scoped.scene.nodes
    assert not nodes[STAGING].dimmed  # in Workloads: the AuditRole is deployed there
    assert nodes[DEV].dimmed
    assert nodes[TEST].dimmed  # excluded
    assert WORKLOADS in scoped.scene.shown_ids()
    scoped.set_view("logging")
    assert not any(node.dimmed for key, node in nodes.items() if key in _accounts(scoped))


def test_an_account_moved_into_the_scope_is_touched_by_the_view(scoped: MainWindow) -> None:
    publishing = sid("publishing")
    scoped.set_view("identity")
    assert scoped.scene.nodes[publishing].dimmed
    scoped.controller.update(publishing, parent=WORKLOADS)
    assert not scoped.scene.nodes[publishing].dimmed
    scoped.controller.undo_stack.undo()
    assert scoped.scene.nodes[publishing].dimmed


def test_a_card_follows_its_principal_changing_kind(scoped: MainWindow) -> None:
    vendor = sid("vendor")
    scoped.controller.update(vendor, kind="anyone", aws_account_id=None)
    node = scoped.scene.nodes[vendor]
    assert node.tag == ("PUBLIC", OUTSIDE_STYLES[OutsideKind.ANYONE].colour)
    assert node.subtitle == "anyone at all"
    scoped.controller.undo_stack.undo()
    assert node.tag is not None
    assert (node.tag[0], node.subtitle) == ("OUTSIDE", "578389389050")


def test_the_legend_explains_the_bar_while_a_scoped_edge_is_shown(scoped: MainWindow) -> None:
    scoped.set_view("logging")
    scoped.scene.router.route()
    legend = scoped.view.legend
    assert legend.scoped
    assert any("every account in it" in line for line in legend.lines())
    scoped.set_view("billing")
    scoped.scene.router.route()
    assert not legend.scoped
    assert not any("every account in it" in line for line in legend.lines())


def _accounts(window: MainWindow) -> set[str]:
    return {a.id for a in window.controller.design.accounts}


def test_blast_radius_through_a_scoped_trust_highlights_it_and_the_accounts(
    scoped: MainWindow,
) -> None:
    scoped.selection.set([TOOLING])
    scoped.show_blast_radius()
    nodes, edge = scoped.scene.nodes, scoped.scene.edges[TRUST_OU]
    assert edge.highlight == "security-audit"
    assert edge.isVisible()
    assert edge.colour() == style.LEVEL_COLOURS["security-audit"]
    assert nodes[PROD].note == nodes[STAGING].note == "security-audit"
    assert nodes[DEV].dimmed
    assert nodes[TEST].dimmed
    rows = scoped.blast_panel.rows()
    assert sorted(r.name for r in rows) == ["Prod", "Staging"]
    assert all("(trust to OU Workloads)" in r.path for r in rows)


@popup_warnings
def test_drawing_a_relationship_into_an_ou_box_offers_the_valid_kinds(
    scoped: MainWindow, qtbot: QtBot
) -> None:
    view, scene = scoped.view, scoped.scene
    workloads = scene.containers[WORKLOADS].scene_rect()
    prod = scene.nodes[PROD].scene_rect()
    inside = QPointF(workloads.right() - 6, (prod.bottom() + workloads.bottom()) / 2)
    assert scene.container_at(inside) == WORKLOADS
    view.centerOn(inside)
    assert view.link_target_at(view.mapFromScene(inside)) == WORKLOADS
    menus: list[QMenu | None] = []
    view.connect_requested.disconnect()
    view.connect_requested.connect(
        lambda s, t, at: menus.append(scoped.edits.connect_menu(s, t, at))
    )
    view.start_link(TOOLING, scene.nodes[TOOLING].center())
    view.finish_link(view.link_target_at(view.mapFromScene(inside)), QPoint())
    (menu,) = menus
    assert menu is not None
    valid = edits.valid_kinds(scoped.controller.design, TOOLING, WORKLOADS)
    assert {"trust", "resource-share"} <= set(valid)
    assert [a.text() for a in menu.actions()] == [edits.KIND_TITLES[k] for k in valid]
    known = {r.id for r in scoped.controller.design.relationships}
    next(a for a in menu.actions() if a.text() == edits.KIND_TITLES["resource-share"]).trigger()
    menu.close()
    (added,) = [r for r in scoped.controller.design.relationships if r.id not in known]
    assert (added.kind, added.target) == ("resource-share", WORKLOADS)
    assert isinstance(scene.edges[added.id].target, ContainerItem)
    scoped.controller.undo_stack.undo()
    assert added.id not in scene.edges


# -- forms -----------------------------------------------------------------------------------------


class Form:
    """The property editor over the scoped design, and short ways to its fields."""

    def __init__(self, qtbot: QtBot) -> None:
        self.controller = DesignController(scoped_design())
        self.selection = SelectionModel()
        self.editor = PropertyEditor(self.controller, self.selection)
        qtbot.addWidget(self.editor)

    def show(self, entity_id: str) -> None:
        self.selection.set([entity_id])

    def widget(self, kind: type[Any], name: str) -> Any:
        found = self.editor.findChild(kind, f"field_{name}")
        assert found is not None, name
        return found

    def line_under(self, name: str) -> str:
        label = self.editor.findChild(QLabel, f"error_{name}")
        assert label is not None
        return "" if label.isHidden() else label.text()

    def choose(self, name: str, text: str) -> None:
        combo = self.widget(QComboBox, name)
        index = combo.findText(text)
        assert index >= 0, f"{text!r} not offered by {name}"
        combo.setCurrentIndex(index)

    def type_line(self, name: str, text: str) -> None:
        line = self.widget(QLineEdit, name)
        line.setText(text)
        line.editingFinished.emit()

    def checks(self, name: str) -> dict[str, bool]:
        box = self.widget(QListWidget, name)
        checked = Qt.CheckState.Checked
        return {box.item(i).text(): box.item(i).checkState() == checked for i in range(box.count())}

    def tick(self, name: str, text: str, on: bool) -> None:
        box = self.widget(QListWidget, name)
        (item,) = [box.item(i) for i in range(box.count()) if box.item(i).text() == text]
        item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def entity(self, entity_id: str) -> Any:
        return self.controller.document.get(entity_id)

    def undo(self) -> None:
        self.controller.undo_stack.undo()


@pytest.fixture
def form(qtbot: QtBot) -> Form:
    return Form(qtbot)


def test_excluded_accounts_offer_the_scope_and_edit_the_model_undoably(form: Form) -> None:
    form.show(TRUST_OU)
    assert form.editor.header_text() == "Trust 'AuditRole': Security Tooling → OU Workloads"
    assert form.widget(QListWidget, "excluded_accounts").isEnabled()
    assert form.checks("excluded_accounts") == {
        "Prod (333333333333)": False,
        "Dev (planned)": True,
        "Test (planned)": True,
        "Staging (planned)": False,
    }
    assert (
        "OU Workloads: every account in it" in form.editor.findChild(QLabel, "field_target").text()
    )
    form.tick("excluded_accounts", "Staging (planned)", True)
    assert form.entity(TRUST_OU).excluded_accounts == [DEV, TEST, STAGING]
    assert form.controller.undo_stack.count() == 1
    form.undo()
    assert form.entity(TRUST_OU).excluded_accounts == [DEV, TEST]
    assert form.checks("excluded_accounts")["Staging (planned)"] is False


def test_excluded_accounts_are_disabled_between_two_accounts(form: Form) -> None:
    form.show(sid("trust-vendor"))
    excluded = form.widget(QListWidget, "excluded_accounts")
    assert not excluded.isEnabled()
    assert excluded.count() == 0


def test_organization_wide_log_delivery_offers_every_account_and_no_flag(form: Form) -> None:
    form.show(LOGS_ORG)
    assert form.editor.findChild(QLabel, "field_organization_wide") is None
    assert form.widget(QListWidget, "excluded_accounts").isEnabled()
    assert len(form.checks("excluded_accounts")) == len(form.controller.design.accounts)
    form.tick("excluded_accounts", "Publishing (planned)", True)
    assert form.entity(LOGS_ORG).excluded_accounts == [sid("publishing")]


def test_a_long_scope_list_scrolls_instead_of_growing(form: Form) -> None:
    for n in range(12):
        form.controller.add(Account(name=f"Extra {n}", functions=["workload"]))
    form.show(LOGS_ORG)
    box = form.widget(QListWidget, "excluded_accounts")
    assert box.count() == 20
    assert box.height() < 9 * box.sizeHintForRow(0)


def test_delegated_admin_chooses_the_ou_it_administers(form: Form) -> None:
    delegated = edits.new_relationship(form.controller.design, "delegated-admin", sid("mgmt"), LOGS)
    form.controller.add(delegated)
    form.show(delegated.id)
    combo = form.widget(QComboBox, "administers")
    assert combo.currentText() == "(whole organization)"
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "(whole organization)",
        "Security",
        "Workloads",
    ]
    assert len(form.checks("excluded_accounts")) == len(form.controller.design.accounts)
    form.choose("administers", "Workloads")
    assert form.entity(delegated.id).administers == WORKLOADS
    assert set(form.checks("excluded_accounts")) == {
        "Prod (333333333333)",
        "Dev (planned)",
        "Test (planned)",
        "Staging (planned)",
    }
    form.undo()
    assert form.entity(delegated.id).administers is None
    assert combo.currentText() == "(whole organization)"


def test_principal_type_of_trust_and_federation(form: Form) -> None:
    form.show(TRUST_OU)
    assert form.widget(QComboBox, "principal_type").currentText() == "People (MFA applies)"
    form.choose("principal_type", "A workload: pipeline, service, vendor system")
    assert form.entity(TRUST_OU).principal_type == "workload"
    federation = edits.new_relationship(form.controller.design, "federation", sid("idp"), PROD)
    form.controller.add(federation)
    form.show(federation.id)
    form.choose("principal_type", "A workload: pipeline, service, vendor system")
    assert form.entity(federation.id).principal_type == "workload"


def test_the_confused_deputy_guard_is_offered_for_service_trusts_only(form: Form) -> None:
    form.show(sid("trust-service"))
    guard = form.widget(QCheckBox, "source_account_condition")
    assert guard.isEnabled()
    assert not form.widget(QWidget, "oidc_subjects").isEnabled()
    guard.setChecked(True)
    assert form.entity(sid("trust-service")).source_account_condition is True
    form.undo()
    assert form.entity(sid("trust-service")).source_account_condition is False
    assert not guard.isChecked()
    form.show(TRUST_OU)
    assert not form.widget(QCheckBox, "source_account_condition").isEnabled()


def test_oidc_subjects_are_offered_for_an_oidc_provider_only(form: Form) -> None:
    github = edits.new_identity_provider(form.controller.design, "oidc")
    form.controller.add(github)
    trust = edits.new_relationship(form.controller.design, "trust", github.id, PROD)
    form.controller.add(trust)
    form.show(trust.id)
    subjects = form.widget(QWidget, "oidc_subjects")
    assert subjects.isEnabled()
    assert form.widget(QComboBox, "principal_type").currentText().startswith("A workload")
    form.show(sid("trust-vendor"))
    assert not form.widget(QWidget, "oidc_subjects").isEnabled()


def test_outside_principal_kind_switches_to_a_valid_principal(form: Form) -> None:
    vendor = sid("vendor")
    form.show(vendor)
    assert form.editor.header_text() == "Outside principal 'Example Monitoring'"
    enabled = {
        name: form.widget(QLineEdit, name).isEnabled()
        for name in ("aws_account_id", "organization_id", "service_principal")
    }
    assert enabled == {
        "aws_account_id": True,
        "organization_id": False,
        "service_principal": False,
    }
    form.choose("kind", "Partner organization")
    principal = form.entity(vendor)
    assert (principal.kind, principal.aws_account_id) == ("partner-organization", None)
    assert principal.organization_id == PLACEHOLDERS[OutsideKind.PARTNER_ORGANIZATION]
    assert form.widget(QLineEdit, "organization_id").isEnabled()
    assert not form.widget(QLineEdit, "aws_account_id").isEnabled()
    assert "made-up" in form.line_under("organization_id")
    assert form.line_under("service_principal") == ""
    assert form.line_under("aws_account_id") == ""
    form.type_line("organization_id", "o-realpartner1")
    assert form.entity(vendor).organization_id == "o-realpartner1"
    assert form.line_under("organization_id") == ""
    form.choose("kind", "AWS service")
    assert form.entity(vendor).service_principal == PLACEHOLDERS[OutsideKind.SERVICE]
    assert form.entity(vendor).organization_id is None
    assert "made-up" in form.line_under("service_principal")
    assert form.line_under("organization_id") == ""
    form.choose("kind", "Anyone (public)")
    principal = form.entity(vendor)
    assert (principal.aws_account_id, principal.organization_id) == (None, None)
    assert principal.service_principal is None
    assert not any(
        form.widget(QLineEdit, name).isEnabled()
        for name in ("aws_account_id", "organization_id", "service_principal")
    )
    for _ in range(4):
        form.undo()
    principal = form.entity(vendor)
    assert (principal.kind, principal.aws_account_id) == ("external-account", "578389389050")
    assert form.widget(QLineEdit, "aws_account_id").text() == "578389389050"


def test_a_bad_identifier_is_refused_and_the_note_comes_back(form: Form) -> None:
    form.show(sid("partner"))
    form.type_line("organization_id", "not-an-org")
    assert form.entity(sid("partner")).organization_id == "o-partner1234"
    assert form.line_under("organization_id")  # why, in words
    assert form.widget(QLineEdit, "organization_id").text() == "o-partner1234"


def test_a_made_up_identifier_is_marked_until_replaced_and_the_mark_outlives_other_edits(
    form: Form,
) -> None:
    form.controller.update(
        sid("partner"), organization_id=PLACEHOLDERS[OutsideKind.PARTNER_ORGANIZATION]
    )
    form.show(sid("partner"))
    assert "made-up" in form.line_under("organization_id")
    form.type_line("owner", "Partner Inc.")
    assert "made-up" in form.line_under("organization_id")
    form.type_line("organization_id", "not-an-org")
    assert "made-up" not in form.line_under("organization_id")  # the refusal is shown
    form.type_line("organization_id", "o-realpartner1")
    assert form.line_under("organization_id") == ""


def test_outline_lists_outside_principals_with_kind_and_identifier(
    scoped: MainWindow,
) -> None:
    outline = scoped.outline
    assert outline.group_title(OUTSIDE_PRINCIPALS.key) == "Outside principals (4)"
    row = outline.row_index(sid("partner"))
    assert row.siblingAtColumn(1).data() == "Partner organization: o-partner1234"
    assert outline.row_index(sid("public")).siblingAtColumn(1).data() == (
        "Anyone (public): anyone at all"
    )


def test_a_kind_its_relationships_cannot_have_is_refused_in_words(form: Form) -> None:
    """The public is the target of a share; a share never goes to an AWS service."""
    public = sid("public")
    form.show(public)
    form.choose("kind", "AWS service")
    assert form.entity(public).kind == "anyone"
    assert form.line_under("kind")
    assert form.widget(QComboBox, "kind").currentText() == "Anyone (public)"
    assert form.controller.undo_stack.count() == 0
