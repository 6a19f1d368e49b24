"""The property editor: a form for the one selected entity, or for the design and its usage policy.

Every commit goes through the DesignController with only the changed field(s), so it is validated
by the Document and undoable. A refused value is explained in red under its field and the field
shows the model's value again. The form follows document events (undo, edits made elsewhere)
without rebuilding its widgets, so the scroll position and any unapplied text stay put.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from designer.core.events import DesignEvent, Subject
from designer.gui.controller import DesignController
from designer.gui.panels.fields import FieldEditor
from designer.gui.panels.forms import form_items, form_key
from designer.gui.panels.policy_fields import requirement_of, with_requirement
from designer.gui.panels.specs import FieldSpec, FormItem, Section, Target
from designer.gui.selection import SelectionModel
from designer.model import DesignError, EntityKind

ERROR_STYLE = "color: #c62828;"
NOTE_STYLE = "color: #b35900;"  # a caution about a kept value (a made-up identifier)
QUIET_SUBJECTS = frozenset({Subject.POSITION, Subject.WAIVER})  # nothing a form shows
KIND_TITLES: dict[EntityKind, str] = {
    EntityKind.ACCOUNT: "Account",
    EntityKind.OU: "OU",
    EntityKind.IDENTITY_PROVIDER: "Identity provider",
    EntityKind.OUTSIDE: "Outside principal",
    EntityKind.LOG_BUCKET: "Log bucket",
    EntityKind.ORGANIZATION: "Organization",
    EntityKind.SCP: "SCP",
}


def error_message(exc: Exception) -> str:
    """One line for the user, shown under the field it is about."""
    if isinstance(exc, ValidationError):
        errors = exc.errors()
        return str(errors[0]["msg"]) if errors else "invalid value"
    if isinstance(exc, DesignError) and exc.problems:
        return exc.problems[0].message  # the field is plain to see: no JSON path needed
    return str(exc) or "invalid value"


def label_row(text: str, action: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(QLabel(text))
    layout.addStretch(1)
    layout.addWidget(action)
    return row


class BuiltForm(QWidget):
    """The widgets of one form: per field an editor, and a red error line under it."""

    def __init__(self, items: list[FormItem]) -> None:
        super().__init__()
        self.specs: dict[str, FieldSpec] = {}
        self.editors: dict[str, FieldEditor] = {}
        self.errors: dict[str, QLabel] = {}
        self._noted: set[str] = set()  # fields whose line under them is a note, not an error
        fields = QWidget()
        self.layout_ = QFormLayout(fields)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.layout_.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.layout_.setContentsMargins(8, 4, 8, 8)
        self.layout_.setVerticalSpacing(6)
        for item in items:
            if isinstance(item, Section):
                self._add_section(item.title)
            else:
                self._add_field(item)
        outer = QVBoxLayout(self)  # the stretch keeps rows at their height in a tall panel
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(fields)
        outer.addStretch(1)

    def _add_section(self, title: str) -> None:
        label = QLabel(title)
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
        label.setContentsMargins(0, 8 if self.layout_.rowCount() else 0, 0, 0)
        self.layout_.addRow(label)

    def _add_field(self, spec: FieldSpec) -> None:
        editor = spec.make()
        editor.widget.setObjectName(f"field_{spec.name}")
        if spec.tip:
            editor.widget.setToolTip(spec.tip)
        error = QLabel()
        error.setObjectName(f"error_{spec.name}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor.widget)
        column.addWidget(error)
        if editor.action is None and not spec.wide:
            self.layout_.addRow(spec.label, cell)
        elif editor.action is None:  # long option labels: the label above, the list full width
            self.layout_.addRow(QLabel(spec.label))
            self.layout_.addRow(cell)
        else:  # a text block: label and button above it, the text as wide as the form
            self.layout_.addRow(label_row(spec.label, editor.action))
            self.layout_.addRow(cell)
        self.specs[spec.name], self.editors[spec.name], self.errors[spec.name] = spec, editor, error

    def fields(self) -> Iterator[tuple[FieldSpec, FieldEditor]]:
        for name, spec in self.specs.items():
            yield spec, self.editors[name]

    def pending(self, name: str) -> Any:
        """What another field holds right now, committed or not (None if the form lacks it)."""
        editor = self.editors.get(name)
        return editor.value() if editor is not None else None

    def show_error(self, name: str, message: str) -> None:
        self._noted.discard(name)
        self._show_line(name, message, ERROR_STYLE)

    def show_note(self, name: str, message: str) -> None:
        """A caution under the field; an error shown there stays until it is cleared."""
        label = self.errors[name]
        if not label.isHidden() and name not in self._noted:
            return
        if message:
            self._noted.add(name)
            self._show_line(name, message, NOTE_STYLE)
        elif name in self._noted:
            self._noted.discard(name)
            label.clear()
            label.hide()

    def _show_line(self, name: str, message: str, style: str) -> None:
        label = self.errors[name]
        label.setStyleSheet(style)
        label.setText(message)
        label.setToolTip(message)
        label.show()
        self._fit_lines()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_lines()

    def _fit_lines(self) -> None:
        """A wrapped line's height at its width: the scroll area around the form does not pass
        height-for-width down, so a two-line note would be clipped to one line's height."""
        for label in self.errors.values():
            if not label.isHidden() and label.width() > 0:
                label.setMinimumHeight(label.heightForWidth(label.width()))

    def clear_errors(self) -> None:
        """Hide the errors (the notes stay: they go when their value changes)."""
        for name, label in self.errors.items():
            if not label.isHidden() and name not in self._noted:
                label.clear()
                label.hide()


class PropertyEditor(QWidget):
    """Edits the selected entity, or (nothing or several selected) the design and usage policy."""

    def __init__(
        self,
        controller: DesignController,
        selection: SelectionModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("property_editor")
        self._controller = controller
        self._selection = selection
        self._form: BuiltForm | None = None
        self._key = ""
        self._subject_id: str | None = None
        self._filling = False
        self._refresh_queued = False
        self._header = QLabel()
        self._header.setObjectName("property_header")
        self._header.setWordWrap(True)
        self._header.setContentsMargins(8, 6, 8, 2)
        font = QFont(self._header.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self._header.setFont(font)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._header)
        layout.addWidget(self._scroll, 1)
        controller.changed.connect(self._on_changed)
        controller.reset.connect(self.show_selection)
        selection.selection_changed.connect(self.show_selection)
        self.show_selection()

    # -- what is shown -------------------------------------------------------------------------
    @property
    def shown_id(self) -> str | None:
        """The entity the form edits; None while it shows the design."""
        return self._subject_id

    @property
    def form(self) -> BuiltForm | None:
        return self._form

    def header_text(self) -> str:
        return self._header.text()

    def show_selection(self, *_args: object) -> None:
        """Show the form that fits the current selection (also called on selection changes)."""
        key, subject_id = self._choose(self._selection.ids)
        if key != self._key or self._form is None:
            self._build(key)
        self._subject_id = subject_id
        if self._form is not None:
            self._form.clear_errors()
        self._load(force=True)

    def _choose(self, ids: list[str]) -> tuple[str, str | None]:
        if len(ids) == 1 and self._exists(ids[0]):
            document = self._controller.document
            return form_key(document.kind(ids[0]), document.get(ids[0])), ids[0]
        return "design", None

    def _build(self, key: str) -> None:
        form = BuiltForm(form_items(key))
        for spec, editor in form.fields():
            editor.on_commit = self._committer(form, spec)
        self._form, self._key = form, key
        self._scroll.setWidget(form)  # the previous form is deleted by the scroll area

    def _committer(self, form: BuiltForm, spec: FieldSpec) -> Callable[[], None]:
        # A form being replaced may still report a focus-out: only the shown form commits.
        return lambda: self._commit(spec) if form is self._form else None

    def _exists(self, entity_id: str) -> bool:
        try:
            self._controller.document.kind(entity_id)
        except DesignError:
            return False
        return True

    # -- model -> widgets ------------------------------------------------------------------------
    def _subject(self, target: Target) -> Any:
        design = self._controller.design
        if target == "policy":
            return design.usage_policy
        if target == "requirement" and self._subject_id is not None:
            return requirement_of(design.usage_policy, self._subject_id)
        if target == "design" or self._subject_id is None:
            return design
        return self._controller.document.get(self._subject_id)

    def _load(self, force: bool, names: set[str] | None = None) -> None:
        """Show model values; fields the user is typing in are left alone unless forced."""
        if self._form is None:
            return
        document = self._controller.document
        self._filling = True
        try:
            for spec, editor in self._form.fields():
                if (names is not None and spec.name not in names) or (
                    not force and editor.is_editing()
                ):
                    continue
                subject = self._subject(spec.target)
                if spec.options is not None:
                    editor.set_options(spec.options(document, subject))
                value = spec.read(subject, document) if spec.read else getattr(subject, spec.name)
                editor.set_value(value)
                if spec.enabled is not None:
                    editor.widget.setEnabled(spec.enabled(subject, document))
                if spec.note is not None:
                    self._form.show_note(spec.name, spec.note(subject))
        finally:
            self._filling = False
        self._header.setText(self._header_for(len(self._selection.ids)))

    def _header_for(self, selected: int) -> str:
        if self._subject_id is None:
            if selected > 1:
                return f"{selected} items selected — showing the design"
            return f"Design '{self._controller.design.name}'"
        document = self._controller.document
        entity = document.get(self._subject_id)
        kind = document.kind(self._subject_id)
        if kind != EntityKind.RELATIONSHIP:
            return f"{KIND_TITLES[kind]} '{entity.name}'"
        ends = f"{self._end_name(entity.source)} → {self._end_name(entity.target)}"
        title = entity.kind.replace("-", " ").capitalize()
        role = getattr(entity, "role_name", None)
        return f"{title} '{role}': {ends}" if role else f"{title}: {ends}"

    def _end_name(self, entity_id: str) -> str:
        """A relationship's end in the header: an OU says it is one."""
        document = self._controller.document
        name = str(document.get(entity_id).name)
        return f"OU {name}" if document.kind(entity_id) == EntityKind.OU else name

    def _on_changed(self, event: DesignEvent) -> None:
        if event.subject in QUIET_SUBJECTS:
            return
        entity_id = getattr(event.entity, "id", None)
        if self._subject_id is None:
            if entity_id is not None and entity_id in self._selection.ids:
                self.show_selection()  # e.g. undoing the delete of the selected entity
            elif event.subject in (Subject.DESIGN, Subject.USAGE_POLICY):
                self._load(force=False)
            return
        if entity_id == self._subject_id or event.subject == Subject.USAGE_POLICY:
            self._refresh()  # the usage policy holds the shown OU's requirement
        elif entity_id in self._selection.ids:
            self.show_selection()
        elif not self._refresh_queued:  # names and choices may have changed: once per burst
            self._refresh_queued = True
            QTimer.singleShot(0, self, self._refresh)

    def _refresh(self) -> None:
        self._refresh_queued = False
        if self._subject_id is not None and self._exists(self._subject_id):
            self._load(force=False)
        else:
            self.show_selection()

    # -- widgets -> model --------------------------------------------------------------------------
    def _commit(self, spec: FieldSpec) -> None:
        if self._filling or self._form is None:
            return
        form = self._form
        subject = self._subject(spec.target)
        try:
            value = form.editors[spec.name].value()
            changes = spec.write(value, subject, form.pending) if spec.write else {spec.name: value}
            changed = any(getattr(subject, k) != v for k, v in changes.items())
            if changed:
                self._send(spec.target, changes)
        except (DesignError, ValidationError) as exc:
            form.show_error(spec.name, error_message(exc))
            self._load(force=True, names={spec.name})
            return
        if changed:
            form.clear_errors()
        self._load(force=True, names={spec.name, *changes})

    def _send(self, target: Target, changes: dict[str, Any]) -> None:
        if target == "policy":
            self._controller.set_usage_policy(**changes)
        elif target == "design":
            self._controller.set_design_info(**changes)
        elif target == "requirement" and self._subject_id is not None:
            policy = self._controller.design.usage_policy
            needs = with_requirement(policy, self._subject_id, changes)
            name = self._controller.document.get(self._subject_id).name
            self._controller.set_usage_policy(
                text=f"Edit usage policy of OU {name}", ou_requirements=needs
            )
        elif self._subject_id is not None:
            self._controller.update(self._subject_id, **changes)
