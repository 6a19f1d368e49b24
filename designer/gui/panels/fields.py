"""Editor widgets for single fields of the property editor.

Each FieldEditor owns one widget, shows a value with the widget's signals blocked (so showing a
value never looks like an edit) and calls `on_commit` when the user commits a new value. The
property editor then reads `value()`, which may raise DesignError for text it cannot parse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt
from PySide6.QtGui import QFontMetrics, QTextBlockFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from designer.model import DesignError

Options = Sequence[tuple[str, Any]]  # (label shown, model value)
HANGING_INDENT = 14.0


def _nothing() -> None:
    return None


class FieldEditor:
    """One widget editing one value."""

    def __init__(self, widget: QWidget, action: QWidget | None = None) -> None:
        self.widget = widget
        self.action = action  # a button for the label row; such fields span the form's width
        self.on_commit: Callable[[], None] = _nothing

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def value(self) -> Any:
        raise NotImplementedError

    def set_options(self, options: Options) -> None:
        """Replace the choices (only editors that offer choices use them)."""

    def is_editing(self) -> bool:
        """True while the widget holds input the user has not committed yet."""
        return False

    def _commit(self, *_args: object) -> None:
        self.on_commit()


class TextField(FieldEditor):
    """A line of text; an optional field maps empty text to None."""

    def __init__(self, optional: bool = False, placeholder: str = "") -> None:
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        super().__init__(self.edit)
        self.optional = optional
        self.edit.editingFinished.connect(self._commit)

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self.edit):
            self.edit.setText("" if value is None else str(value))
            self.edit.setCursorPosition(0)

    def value(self) -> str | None:
        text = self.edit.text()
        if self.optional and not text.strip():
            return None
        return text.strip() if self.optional else text

    def is_editing(self) -> bool:
        return self.edit.hasFocus() and self.edit.isModified()


class ReadOnlyField(FieldEditor):
    """A label: shows a value that this form does not change (a relationship's ends)."""

    def __init__(self) -> None:
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        super().__init__(self.label)

    def set_value(self, value: Any) -> None:
        self.label.setText(str(value))

    def value(self) -> str:
        return self.label.text()


class ChoiceField(FieldEditor):
    """One value out of a list (a vocabulary, or OUs / accounts / buckets of the design)."""

    def __init__(self, options: Options = ()) -> None:
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(12)
        super().__init__(self.combo)
        self._values: list[Any] = []
        self.set_options(options)
        self.combo.currentIndexChanged.connect(self._commit)

    def set_options(self, options: Options) -> None:
        values = [value for _, value in options]
        labels = [label for label, _ in options]
        if values == self._values and labels == self._labels():
            return
        current = self.value()
        with QSignalBlocker(self.combo):
            self.combo.clear()
            self.combo.addItems(labels)
            self._values = values
            self._select(current)

    def _labels(self) -> list[str]:
        return [self.combo.itemText(i) for i in range(self.combo.count())]

    def _select(self, value: Any) -> None:
        self.combo.setCurrentIndex(self._values.index(value) if value in self._values else -1)

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self.combo):
            self._select(value)

    def value(self) -> Any:
        index = self.combo.currentIndex()
        return self._values[index] if 0 <= index < len(self._values) else None


class MultiChoiceField(FieldEditor):
    """Several values out of a list: check boxes, as many rows high as there are options, or
    `max_rows` high with a scroll bar (the accounts of an OU may be thousands)."""

    def __init__(self, options: Options = (), max_rows: int | None = None) -> None:
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        super().__init__(self.list)
        self.max_rows = max_rows
        self._values: list[Any] = []
        self.set_options(options)
        self.list.itemChanged.connect(self._commit)

    def set_options(self, options: Options) -> None:
        if [value for _, value in options] == self._values:
            return
        checked = self.value()
        with QSignalBlocker(self.list):
            self.list.clear()
            self._values = [value for _, value in options]
            for label, _ in options:
                item = QListWidgetItem(label)
                item.setToolTip(label)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                self.list.addItem(item)
        self.set_value(checked)
        self._fit_height()

    def _fit_height(self) -> None:
        self.list.ensurePolished()
        rows = max(1, self.list.count())
        if self.max_rows is not None:
            rows = min(rows, self.max_rows)
        row = self.list.sizeHintForRow(0) if self.list.count() else 18
        self.list.setFixedHeight(rows * row + 2 * self.list.frameWidth() + 2)

    def item(self, value: Any) -> QListWidgetItem:
        """The check box row for a value (tests and keyboard users reach it this way)."""
        return self.list.item(self._values.index(value))

    def set_value(self, value: Any) -> None:
        chosen = set(value or ())
        with QSignalBlocker(self.list):
            for row, option in enumerate(self._values):
                state = Qt.CheckState.Checked if option in chosen else Qt.CheckState.Unchecked
                self.list.item(row).setCheckState(state)

    def value(self) -> list[Any]:
        return [
            option
            for row, option in enumerate(self._values)
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]


class BoolField(FieldEditor):
    def __init__(self, text: str) -> None:
        self.box = QCheckBox(text)
        super().__init__(self.box)
        self.box.toggled.connect(self._commit)

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self.box):
            self.box.setChecked(bool(value))

    def value(self) -> bool:
        return self.box.isChecked()


class IntField(FieldEditor):
    """A whole number; commits on arrows, Enter or leaving the field (not on every keystroke)."""

    def __init__(self, minimum: int, maximum: int, step: int = 1, suffix: str = "") -> None:
        self.spin = QSpinBox()
        self.spin.setRange(minimum, maximum)
        self.spin.setSingleStep(step)
        self.spin.setSuffix(suffix)
        self.spin.setKeyboardTracking(False)
        self.spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.spin.setMinimumWidth(110)
        super().__init__(self.spin)
        self.spin.valueChanged.connect(self._commit)

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self.spin):
            self.spin.setValue(int(value or 0))

    def value(self) -> int:
        return self.spin.value()


class TextBlockEdit(QWidget):
    """A few lines of text, and an Apply button the form shows on the field's label row."""

    def __init__(self, lines: int, hint: str, hanging: bool = False) -> None:
        super().__init__()
        self.text_edit = QTextEdit()
        self.text_edit.setAcceptRichText(False)
        self.text_edit.setPlaceholderText(hint)
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.text_edit.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        metrics = QFontMetrics(self.text_edit.font())
        frame = 2 * self.text_edit.frameWidth() + 8
        self.text_edit.setFixedHeight(lines * metrics.lineSpacing() + frame)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setEnabled(False)
        self.apply_button.setToolTip("Apply the edited text (leaving the field applies it too)")
        self.apply_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.hanging = hanging
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text_edit)

    def set_text(self, text: str) -> None:
        """Show text; a list's long items wrap with a hanging indent, so each reads as one."""
        self.text_edit.setPlainText(text)
        if self.hanging:
            block = QTextBlockFormat()
            block.setLeftMargin(HANGING_INDENT)
            block.setTextIndent(-HANGING_INDENT)
            cursor = QTextCursor(self.text_edit.document())
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.mergeBlockFormat(block)


class _FocusOut(QObject):
    """Calls back when the watched widget loses keyboard focus."""

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._callback()
        return False


class TextBlockField(FieldEditor):
    """Free text over several lines (a description)."""

    def __init__(self, lines: int = 3, hint: str = "", hanging: bool = False) -> None:
        self.block = TextBlockEdit(lines, hint, hanging)
        super().__init__(self.block, self.block.apply_button)
        self._shown = ""
        self._focus = _FocusOut(self._apply_if_edited)
        self.block.text_edit.installEventFilter(self._focus)
        self.block.text_edit.textChanged.connect(self._edited)
        self.block.apply_button.clicked.connect(self._commit)

    def format(self, value: Any) -> str:
        return str(value or "")

    def parse(self, text: str) -> Any:
        return text

    def set_value(self, value: Any) -> None:
        self._shown = self.format(value)
        with QSignalBlocker(self.block.text_edit):
            self.block.set_text(self._shown)
        self.block.apply_button.setEnabled(False)

    def value(self) -> Any:
        return self.parse(self.block.text_edit.toPlainText())

    def is_editing(self) -> bool:
        return self.block.text_edit.toPlainText() != self._shown

    def _edited(self) -> None:
        self.block.apply_button.setEnabled(self.is_editing())

    def _apply_if_edited(self) -> None:
        if self.is_editing():
            self._commit()


class StringListField(TextBlockField):
    """A list of strings, one per line; blank lines are dropped."""

    def __init__(self, hint: str, lines: int = 4) -> None:
        super().__init__(lines, hint, hanging=True)

    def format(self, value: Any) -> str:
        return "\n".join(str(v) for v in value or ())

    def parse(self, text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]


class TagsField(TextBlockField):
    """Tags as key=value lines."""

    def __init__(self) -> None:
        super().__init__(3, "key=value, one per line", hanging=True)

    def format(self, value: Any) -> str:
        return "\n".join(f"{k}={v}" for k, v in sorted(dict(value or {}).items()))

    def parse(self, text: str) -> dict[str, str]:
        tags: dict[str, str] = {}
        for line in filter(None, (raw.strip() for raw in text.splitlines())):
            key, equals, value = line.partition("=")
            if not equals or not key.strip():
                raise DesignError(f"tag line {line!r} is not key=value")
            if key.strip() in tags:
                raise DesignError(f"tag {key.strip()!r} is given twice")
            tags[key.strip()] = value.strip()
        return tags
