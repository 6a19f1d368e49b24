"""The findings panel: validation as the design changes, grouped by severity, with waivers.

Validation never runs in the GUI thread: `revalidate()` (400 ms after the last edit, at once
when a design is opened) validates a snapshot of the design in a background job, one rule group
at a time, and the tree fills in as the groups finish ("Validating…" with a progress bar until
the end). One validation runs at a time: a newer request cancels the running one at its next
group and runs once it has stopped, so an answer about an older design is never shown over a
newer one. `report_changed` is emitted with each complete report.
"""

from __future__ import annotations

import getpass
import html
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, QEventLoop, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.core.events import DesignEvent
from designer.gui import background
from designer.gui.commands import entity_label
from designer.gui.controller import DesignController
from designer.gui.selection import SelectionModel
from designer.model import Design, DesignError
from designer.model.governance import Waiver
from designer.rules import (
    Finding,
    Report,
    Rule,
    Severity,
    Step,
    all_rules,
    apply_waivers,
    validate_in_steps,
)
from designer.rules.engine import SEVERITY_ORDER, WaivedFinding
from designer.rules.out_of_scope import SCOPE_RULE_ID

DEBOUNCE_MS = 400
STEP_MS = 100  # partial results redraw the tree at most this often
MAX_JUSTIFICATION = 200  # Waiver.justification is a Name: 1 to 200 characters

# The same hues as the canvas badges (designer/gui/canvas/style.py SEVERITY_COLOURS).
SEVERITY_COLOURS: dict[Severity, str] = {
    Severity.CRITICAL: "#8e0000",
    Severity.HIGH: "#d32f2f",
    Severity.MEDIUM: "#f57c00",
    Severity.LOW: "#fbc02d",
    Severity.INFO: "#1976d2",
}
WAIVED_COLOUR = "#607d8b"
STALE_COLOUR = "#9e9e9e"

WAIVED_GROUP = "waived"
STALE_GROUP = "stale"
GROUP_TITLES: dict[str, str] = {
    **{s.value: s.value.capitalize() for s in SEVERITY_ORDER},
    WAIVED_GROUP: "Waived",
    STALE_GROUP: "Stale waivers",
}
GROUP_ORDER: tuple[str, ...] = (*(s.value for s in SEVERITY_ORDER), WAIVED_GROUP, STALE_GROUP)

ENTRY_ROLE = Qt.ItemDataRole.UserRole  # index into FindingsPanel._entries (finding rows)
GROUP_ROLE = Qt.ItemDataRole.UserRole + 1  # group key (group rows)

_URL = re.compile(r"https?://[^\s<>\"'()]+")


@dataclass(frozen=True)
class _Entry:
    """What one row shows: an active or waived finding, or a stale waiver."""

    finding: Finding | None = None
    waiver: Waiver | None = None  # the waiver that hides `finding`, or the stale waiver itself

    @property
    def is_active(self) -> bool:
        return self.finding is not None and self.waiver is None

    @property
    def key(self) -> tuple[object, ...]:
        """Stable across validations, so the selection survives a refresh (and a waive)."""
        if self.finding is not None:
            f = self.finding
            return ("finding", f.rule_id, f.subjects, f.message)
        assert self.waiver is not None
        return ("stale", self.waiver.rule_id, self.waiver.subject)

    @property
    def subjects(self) -> tuple[str, ...]:
        if self.finding is not None:
            return self.finding.subjects
        assert self.waiver is not None
        return (self.waiver.subject,)


def _dot_icon(colour: str, hollow: bool = False) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(colour), 1.6))
    painter.setBrush(Qt.BrushStyle.NoBrush if hollow else QBrush(QColor(colour)))
    painter.drawEllipse(2, 2, 8, 8)
    painter.end()
    return QIcon(pixmap)


def _linkify(text: str) -> str:
    """HTML-escaped text with its http(s) URLs as links (trailing punctuation left outside)."""
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:")
        end = match.start() + len(url)
        parts.append(html.escape(text[last : match.start()]))
        parts.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        last = end
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def _evidence_html(finding: Finding) -> str:
    """How the rule concluded (the hops of a path, the setting read), one line per item; for
    an out-of-scope note, the findings it stands for. Nothing when the finding has none."""
    if not finding.evidence:
        return ""
    e = html.escape
    items = "".join(f"<li>{e(line)}</li>" for line in finding.evidence)
    if finding.rule_id == SCOPE_RULE_ID:
        return (
            f"<h4>Not counted ({len(finding.evidence)})</h4><ul>{items}</ul>"
            "<p>Tick the structure under <b>Covers</b> in the design's properties to count "
            "these findings.</p>"
        )
    return f"<h4>Evidence</h4><ul>{items}</ul>"


def design_snapshot(design: Design) -> Design:
    """A copy of `design` that no later edit can change, for a worker thread to read.

    The Document edits a design in place, but only by putting other entities into its lists
    (its organization, usage policy and layout are replaced whole) and entities are frozen. So
    copying the lists, pointers only, is enough: 0.05 ms for 10,000 accounts where a deep copy
    takes 450 ms.
    """
    copies = {
        name: value.copy()
        for name, value in design.__dict__.items()
        if isinstance(value, (list, dict))
    }
    return design.model_copy(update=copies)


def _validation(design: Design) -> background.Work:
    """The job's work: validate_in_steps(design), telling each step but the last (the answer)."""

    def work(tell: background.Tell, _cancel: threading.Event) -> Report:
        report = Report([], [], [])
        for step in validate_in_steps(design):
            if step.last:
                report = step.report
            else:
                tell(step)  # raises Cancelled once a newer request made this one stale
        return report

    return work


class _Cancel:
    """Cancels the panel's job when the panel is destroyed (holds no reference to the panel)."""

    def __init__(self) -> None:
        self.job: background.Job | None = None

    def __call__(self, *_args: Any) -> None:
        if self.job is not None:
            self.job.cancel()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in this environment
        return "unknown"


class FindingsPanel(QWidget):
    """Findings of the current design, grouped by severity, with details and waivers.

    Signals:
        report_changed(Report): emitted after every validation with the new, complete report.
        busy_changed(bool): a background validation started (True) or ended (False).
    """

    report_changed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(
        self,
        controller: DesignController,
        selection: SelectionModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("FindingsPanel")
        self._controller = controller
        self._selection = selection
        self._rules: dict[str, Rule] = {r.id: r for r in all_rules()}
        self._report = Report([], [], [])  # the last complete report
        self._shown = self._report  # what the tree shows: while validating, partly newer
        self._report_for: tuple[object, int] | None = None  # (document, version) it answers
        self._generation = 0  # validations asked for; only the newest one's answers are shown
        self._job: background.Job | None = None  # the one validation running
        self._job_generation = 0
        self._job_for: tuple[object, int] | None = None
        self._base = self._report  # what the running job's partial steps are laid over
        self._step: Step | None = None  # the newest partial step, not drawn yet
        self._cancel = _Cancel()
        self.destroyed.connect(self._cancel)
        self._entries: list[_Entry] = []
        self._groups: dict[str, QTreeWidgetItem] = {}
        self._rows: dict[str, list[QTreeWidgetItem]] = {}  # finding rows per group
        self._collapsed: set[str] = set()  # groups the user closed; kept across refreshes
        self._rebuilding = False
        self._icons = {s: _dot_icon(c) for s, c in SEVERITY_COLOURS.items()}
        self._waived_icon = _dot_icon(WAIVED_COLOUR, hollow=True)
        self._stale_icon = _dot_icon(STALE_COLOUR, hollow=True)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.revalidate)
        self._step_timer = QTimer(self)
        self._step_timer.setSingleShot(True)
        self._step_timer.setInterval(STEP_MS)
        self._step_timer.timeout.connect(self._show_step)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by rule id or text")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._apply_filter)

        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Rule", "Finding"])
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setAllColumnsShowFocus(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, self._rule_column_width())
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemActivated.connect(self._item_activated)
        self.tree.itemCollapsed.connect(self._group_toggled)
        self.tree.itemExpanded.connect(self._group_toggled)

        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Validation progress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(100)
        self.progress.hide()
        self.waive_button = QPushButton("Waive…", self)
        self.waive_button.setToolTip("Accept this finding, with a justification (undoable)")
        self.waive_button.setEnabled(False)
        self.waive_button.clicked.connect(self.waive_current)

        self.details = QTextBrowser(self)
        self.details.setOpenExternalLinks(True)
        self.details.setPlaceholderText("Select a finding to see why it matters and how to fix it.")

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.progress)
        bar.addWidget(self.waive_button)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.tree, 1)
        top_layout.addLayout(bar)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.splitter, 1)

        controller.changed.connect(self._design_changed)
        controller.reset.connect(self._design_reset)
        self.revalidate()

    # -- public ---------------------------------------------------------------------------------
    @property
    def report(self) -> Report:
        """The last complete validation's report (empty until the first one of a newly opened
        design has finished)."""
        return self._report

    @property
    def validating(self) -> bool:
        """A validation is running in the background, or due after the last edit."""
        return self._job is not None or self._timer.isActive()

    def wait(self, timeout_ms: int = 60_000) -> bool:
        """Process events until no validation is running or due (scripts, screenshots, tests);
        False if it took longer than `timeout_ms`."""
        deadline = time.monotonic() + timeout_ms / 1000
        ticker = QTimer(self)  # wakes the wait below now and then to look at the clock
        ticker.start(50)
        try:
            while self.validating:
                if time.monotonic() > deadline:
                    return False
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        finally:
            ticker.stop()
            ticker.deleteLater()
        return True

    def counts(self) -> dict[Severity, int]:
        """Active findings per severity (every severity present, worst first)."""
        return self._report.counts()

    def worst_severity_by_subject(self) -> dict[str, Severity]:
        """For each id named by an active finding, the worst severity naming it (node badges)."""
        worst: dict[str, Severity] = {}
        for finding in self._report.findings:
            for subject in finding.subjects:
                current = worst.get(subject)
                if current is None or finding.severity.rank > current.rank:
                    worst[subject] = finding.severity
        return worst

    def revalidate(self) -> None:
        """Start validating the design as it is now, in the background (no debounce).

        The tree fills in as rule groups finish; report_changed follows with the complete
        report. A validation still running is stale now: it is cancelled, and this one starts
        once it has stopped (wait with `wait()` or for report_changed).
        """
        self._timer.stop()
        self._generation += 1
        if self._job is not None:
            self._job.cancel()  # _job_finished starts the newest request
            return
        self._start()

    def waive_current(self) -> None:
        """Ask for a justification and waive the selected finding (one undo step)."""
        entry = self._current_entry()
        if entry is None or not entry.is_active or entry.finding is None:
            return
        finding = entry.finding
        text, ok = QInputDialog.getMultiLineText(
            self,
            f"Waive {finding.rule_id}",
            f"Why is this acceptable? ({finding.title})\n"
            f"The waiver is recorded with your name and today's date.",
            "",
        )
        if not ok:
            return
        justification = text.strip()
        if len(justification) > MAX_JUSTIFICATION:
            self._refuse(
                f"a justification is at most {MAX_JUSTIFICATION} characters "
                f"(this one has {len(justification)})"
            )
            return
        current = self._is_current()
        try:
            self._controller.waive(finding.rule_id, finding.subjects, justification, _user())
        except DesignError as exc:
            self._refuse(str(exc))
            return
        except ValidationError as exc:  # the waiver's own field checks
            errors = exc.errors()
            self._refuse(str(errors[0]["msg"]) if errors else "the waiver was refused")
            return
        if not current:
            self.revalidate()  # the Waived group shows it when this validation ends
            return
        # Rules never read waivers: the report shown, its waivers applied again, is complete.
        self._timer.stop()
        document = self._controller.document
        self._report_for = (document, document.version)
        self._show_report(apply_waivers(document.design, self._report))

    # -- validation -----------------------------------------------------------------------------
    def _design_changed(self, _event: DesignEvent) -> None:
        self._timer.start()  # restarts: validation runs 400 ms after the last change

    def _design_reset(self) -> None:
        # Another design: the old one's findings mean nothing now (their ids are gone).
        self._report_for = None
        self._report = self._shown = self._base = Report([], [], [])
        self._rebuild()
        self.revalidate()

    def _is_current(self) -> bool:
        """The report shown is the complete answer for the design as it is now."""
        document = self._controller.document
        return (
            not self.validating
            and self._report_for is not None
            and self._report_for[0] is document
            and self._report_for[1] == document.version
        )

    def _start(self) -> None:
        document = self._controller.document
        job = background.Job(_validation(design_snapshot(document.design)), "validation")
        job.progressed.connect(self._job_progressed)
        job.finished.connect(self._job_finished)
        self._job, self._job_generation = job, self._generation
        self._job_for = (document, document.version)
        self._cancel.job = job
        self._base = self._shown
        self.progress.setRange(0, 0)  # busy until the first group says how many there are
        started = self.progress.isHidden()  # not a re-run straight after a stale validation
        self.progress.show()
        self._update_summary()
        if started:
            self.busy_changed.emit(True)
        job.start()

    def _job_progressed(self, job: object, step: object) -> None:
        if job is not self._job or self._job_generation != self._generation:
            return  # stale: a newer validation is wanted
        if not isinstance(step, Step):
            return
        self.progress.setRange(0, step.total)
        self.progress.setValue(step.done)
        self._step = step
        if not self._step_timer.isActive():
            self._step_timer.start()

    def _show_step(self) -> None:
        step, self._step = self._step, None
        if step is None or self._job is None or self._job_generation != self._generation:
            return
        self._shown = step.over(self._base)
        self._rebuild()

    def _job_finished(self, job: object, result: object, problem: str) -> None:
        if job is not self._job:
            return
        self._job, self._cancel.job, self._step = None, None, None
        self._step_timer.stop()
        if self._job_generation != self._generation:
            self._start()  # edits arrived meanwhile: validate once more, the newest design
            return
        self.progress.hide()
        if isinstance(result, Report) and not problem:
            self._report_for = self._job_for
            self._show_report(result)
        else:  # a failure (a broken rule is a finding, so this is rare), or cancelled
            self._update_summary(problem)
        self.busy_changed.emit(False)

    def _show_report(self, report: Report) -> None:
        """Show a complete report and tell report_changed."""
        self._report = self._shown = report
        self._rebuild()
        self.report_changed.emit(report)

    # -- the tree -------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        current = self._current_entry()
        selected_key = current.key if current is not None else None
        scroll = self.tree.verticalScrollBar().value()
        report = self._shown

        by_group: dict[str, list[_Entry]] = {key: [] for key in GROUP_ORDER}
        for finding in report.findings:
            by_group[finding.severity.value].append(_Entry(finding))
        for waived in report.waived:
            by_group[WAIVED_GROUP].append(self._waived_entry(waived))
        by_group[STALE_GROUP] = [_Entry(waiver=w) for w in report.stale_waivers]

        self._rebuilding = True
        self.tree.setUpdatesEnabled(False)
        try:
            with QSignalBlocker(self.tree):
                self.tree.clear()
            self._entries = []
            self._groups = {}
            self._rows = {}
            restore: QTreeWidgetItem | None = None
            restore_group = ""
            grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            for key in GROUP_ORDER:
                entries = by_group[key]
                group = QTreeWidgetItem(self.tree)
                group.setData(0, GROUP_ROLE, key)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setIcon(0, self._group_icon(key))
                if not entries:
                    group.setForeground(0, QBrush(grey))
                group.setFirstColumnSpanned(True)
                self._groups[key] = group
                rows = []
                for entry in entries:
                    item = self._row(entry, len(self._entries))
                    self._entries.append(entry)
                    rows.append(item)
                    if entry.key == selected_key:
                        restore, restore_group = item, key
                group.addChildren(rows)
                self._rows[key] = rows
                group.setExpanded(key not in self._collapsed)
            self._apply_filter()
            if restore is not None and not restore.isHidden():
                self._groups[restore_group].setExpanded(True)
                restore.setSelected(True)
                self.tree.setCurrentItem(restore)
        finally:
            self.tree.setUpdatesEnabled(True)
            self._rebuilding = False
        self.tree.verticalScrollBar().setValue(scroll)
        self._update_summary()
        self._selection_changed(focus=False)

    def _waived_entry(self, waived: WaivedFinding) -> _Entry:
        return _Entry(waived.finding, waived.waiver)

    def _row(self, entry: _Entry, index: int) -> QTreeWidgetItem:
        item = QTreeWidgetItem()
        item.setData(0, ENTRY_ROLE, index)
        if entry.finding is not None:
            f = entry.finding
            item.setText(0, f.rule_id)
            item.setText(1, f.message)
            item.setIcon(0, self._icons[f.severity])
            tip = f"<b>{html.escape(f.title)}</b><br>{html.escape(f.message)}"
            if entry.waiver is not None:
                tip += f"<br><i>Waived by {html.escape(entry.waiver.author)}</i>"
        else:
            assert entry.waiver is not None
            w = entry.waiver
            item.setText(0, w.rule_id)
            item.setText(1, f"no longer matches a finding: {self._name(w.subject)}")
            rule = self._rules.get(w.rule_id)
            title = rule.title if rule else w.rule_id
            tip = (
                f"<b>{html.escape(title)}</b><br>This waiver no longer matches any finding "
                f"of {html.escape(w.rule_id)}."
            )
        item.setToolTip(0, tip)
        item.setToolTip(1, tip)
        return item

    def _group_icon(self, key: str) -> QIcon:
        if key == WAIVED_GROUP:
            return self._waived_icon
        if key == STALE_GROUP:
            return self._stale_icon
        return self._icons[Severity(key)]

    def _group_toggled(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, GROUP_ROLE)
        if self._rebuilding or key is None:
            return
        if item.isExpanded():
            self._collapsed.discard(key)
        else:
            self._collapsed.add(key)

    def _apply_filter(self) -> None:
        needle = self.filter_edit.text().strip().casefold()
        for key, group in self._groups.items():
            children = self._rows[key]
            total = len(children)
            shown = 0
            for child in children:
                match = not needle or any(
                    needle in child.text(column).casefold() for column in (0, 1)
                )
                child.setHidden(not match)
                shown += match
            title = GROUP_TITLES[key]
            label = f"{title} ({shown} of {total})" if needle else f"{title} ({total})"
            group.setText(0, label)
            group.setHidden(bool(needle) and shown == 0)

    def _update_summary(self, problem: str = "") -> None:
        shown = self._shown
        counts = shown.counts()
        worst = [f"{counts[s]} {s.value}" for s in SEVERITY_ORDER if counts[s]]
        text = ", ".join(worst) if worst else "No findings"
        if shown.waived:
            text += f"; {len(shown.waived)} waived"
        if self._job is not None:
            text = f"Validating… {text if worst or shown.waived else ''}".rstrip()
        elif problem and problem != background.CANCELLED:
            text = f"Validation failed: {problem}"
        self.summary.setText(text)

    # -- selection and details ------------------------------------------------------------------
    def _current_entry(self) -> _Entry | None:
        items = self.tree.selectedItems()
        if not items:
            return None
        index = items[0].data(0, ENTRY_ROLE)
        if index is None or not 0 <= index < len(self._entries):
            return None
        return self._entries[index]

    def _selection_changed(self, focus: bool = True) -> None:
        if self._rebuilding:
            return
        entry = self._current_entry()
        self.waive_button.setEnabled(
            entry is not None and entry.is_active and bool(self._existing(entry.subjects))
        )
        if entry is None:
            self.details.clear()
            return
        self.details.setHtml(self._details_html(entry))
        if focus:
            self._focus(entry)

    def _item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        entry = self._current_entry()
        if entry is not None and item.data(0, ENTRY_ROLE) is not None:
            self._focus(entry)  # double-click / Enter: centre on it again

    def _focus(self, entry: _Entry) -> None:
        present = self._existing(entry.subjects)
        if present:
            self._selection.focus(present)

    def _existing(self, ids: Iterable[str]) -> list[str]:
        present = []
        for entity_id in ids:
            try:
                self._controller.document.kind(entity_id)
            except DesignError:
                continue
            present.append(entity_id)
        return present

    def _name(self, entity_id: str) -> str:
        try:
            return entity_label(self._controller.document.get(entity_id))
        except DesignError:
            return f"{entity_id} (no longer in the design)"

    def _details_html(self, entry: _Entry) -> str:
        e = html.escape
        parts: list[str] = []
        if entry.finding is None:
            assert entry.waiver is not None
            w = entry.waiver
            rule = self._rules.get(w.rule_id)
            parts.append(f"<h3>Stale waiver: {e(w.rule_id)}</h3>")
            if rule is not None:
                parts.append(f"<p><i>{e(rule.title)}</i></p>")
            parts.append(
                f"<p>The waiver for <b>{e(self._name(w.subject))}</b> no longer matches any "
                "finding of this rule: the problem was fixed or the design changed. Remove the "
                "waiver so that it cannot hide a future finding.</p>"
            )
            parts.append(self._waiver_html(w))
            return "".join(parts)

        f = entry.finding
        rule = self._rules.get(f.rule_id)
        colour = SEVERITY_COLOURS[f.severity]
        parts.append(f"<h3>{e(f.title)}</h3>")
        parts.append(
            f'<p><span style="color:{colour}">&#9679;</span> '
            f"<b>{e(f.severity.value.capitalize())}</b> &middot; {e(f.rule_id)}"
            + (" &middot; <i>waived</i>" if entry.waiver is not None else "")
            + "</p>"
        )
        parts.append(f"<p>{e(f.message)}</p>")
        if f.subjects:
            names = ", ".join(e(self._name(s)) for s in f.subjects)
            parts.append(f"<p><b>Involves:</b> {names}</p>")
        parts.append(_evidence_html(f))
        if entry.waiver is not None:
            parts.append(self._waiver_html(entry.waiver))
        if rule is not None:
            parts.append(f"<h4>Why</h4><p>{e(rule.rationale)}</p>")
            parts.append(f"<h4>Fix</h4><p>{e(rule.remediation)}</p>")
            if rule.references:
                items = "".join(f"<li>{_linkify(ref)}</li>" for ref in rule.references)
                parts.append(f"<h4>References</h4><ul>{items}</ul>")
        return "".join(parts)

    @staticmethod
    def _waiver_html(waiver: Waiver) -> str:
        e = html.escape
        return (
            f"<p><b>Waived</b> by {e(waiver.author)} on {e(waiver.date.isoformat())}:<br>"
            f"{e(waiver.justification).replace(chr(10), '<br>')}</p>"
        )

    def _refuse(self, message: str) -> None:
        QMessageBox.warning(self, "Waiver refused", message.splitlines()[0] if message else "")

    def _rule_column_width(self) -> int:
        metrics = self.tree.fontMetrics()
        widest = max((metrics.horizontalAdvance(r) for r in self._rules), default=80)
        # Rows sit one level down: two indentations (root decoration + level), icon, text, margins.
        return 2 * self.tree.indentation() + 16 + 6 + widest + 16
