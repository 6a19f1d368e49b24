"""File -> Import from AWS: read a live organization in the background, then open it.

The import only reads (designer.live.guard); credentials come from boto3's chain (a profile,
SSO, environment variables) and are never shown, stored or written.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from designer.gui import background
from designer.live.aws import Connection
from designer.live.defaults import DEFAULT_DEADLINE
from designer.live.importer import DEFAULT_ROLE, ImportCancelled, ImportReport, import_organization
from designer.model import Design


class ImportWorker(QObject):
    """Signals:
    progressed(int, int): accounts done, accounts in all.
    finished(object, object, str): the design and report, or (None, None, the reason).
    """

    progressed = Signal(int, int)
    finished = Signal(object, object, str)

    def __init__(self, connection: Connection, role_name: str) -> None:
        super().__init__()
        self.connection, self.role_name = connection, role_name
        self.cancel = threading.Event()

    def run(self) -> None:
        read: list[tuple[Design, ImportReport]] = []

        def work() -> None:
            read.append(
                import_organization(
                    self.connection,
                    self.role_name,
                    self.progressed.emit,
                    self.cancel,
                    deadline=DEFAULT_DEADLINE,  # as the command line's --timeout
                )
            )

        problem = background.failure(work, (ImportCancelled,))
        design, report = read[0] if read else (None, None)
        self.finished.emit(design, report, problem)


class ImportDialog(QDialog):
    """Signals:
    imported(object): the design read, when the user opens it.
    compared(object): the design read, when the user compares the open design with it.
    """

    imported = Signal(object)
    compared = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import from AWS")
        self.setObjectName("import_dialog")
        self.design: Design | None = None
        self.report: ImportReport | None = None
        self.worker: ImportWorker | None = None
        self.thread_: QThread | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Reads the organization with read-only calls from the management account, then "
                "each member account through a role."
            )
        )
        form = QFormLayout()
        self.profile = QLineEdit()
        self.profile.setPlaceholderText("default credentials")
        self.region = QLineEdit("us-east-1")
        self.role = QLineEdit(DEFAULT_ROLE)
        self.endpoint = QLineEdit()
        self.endpoint.setPlaceholderText("AWS")
        self.workers = QSpinBox()
        self.workers.setRange(1, 32)
        self.workers.setValue(8)
        for label, field, name in (
            ("Profile", self.profile, "profile"),
            ("Region", self.region, "region"),
            ("Role in member accounts", self.role, "role"),
            ("Endpoint URL", self.endpoint, "endpoint"),
            ("Accounts at once", self.workers, "workers"),
        ):
            field.setObjectName(f"import_{name}")
            form.addRow(label, field)
        layout.addLayout(form)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m accounts")
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = QLabel("")
        self.status.setObjectName("import_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        self.gaps = QListWidget()
        self.gaps.setObjectName("import_gaps")
        layout.addWidget(self.gaps)
        buttons = QHBoxLayout()
        self.start_button = QPushButton("Import")
        self.start_button.setObjectName("import_button")
        self.start_button.clicked.connect(self.start)
        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("open_import_button")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open)
        self.compare_button = QPushButton("Compare with current design")
        self.compare_button.setObjectName("compare_import_button")
        self.compare_button.setEnabled(False)
        self.compare_button.clicked.connect(self._compare)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancel_import_button")
        self.cancel_button.clicked.connect(self._cancel_or_close)
        for button in (
            self.start_button,
            self.open_button,
            self.compare_button,
            self.cancel_button,
        ):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.resize(560, 480)

    @property
    def running(self) -> bool:
        return background.running(self.thread_)

    def connection(self) -> Connection:
        return Connection(
            self.profile.text().strip() or None,
            self.region.text().strip() or "us-east-1",
            self.endpoint.text().strip() or None,
            self.workers.value(),
        )

    def start(self) -> None:
        self.gaps.clear()
        self.design, self.report = None, None
        self.status.setText("Reading the organization...")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.start_button.setEnabled(False)
        self.open_button.setEnabled(False)
        self.compare_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        role = self.role.text().strip() or DEFAULT_ROLE
        self.worker = ImportWorker(self.connection(), role)
        self.worker.progressed.connect(self._progressed)
        self.worker.finished.connect(self._finished)
        self.thread_ = background.start(self, self.worker, self.worker.run)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _finished(self, design: object, report: object, problem: str) -> None:
        background.stop(self.thread_)
        self.progress.hide()
        self.start_button.setEnabled(True)
        self.cancel_button.setText("Close")
        if problem:
            self.status.setText("Import cancelled." if problem == "cancelled" else problem)
            return
        if not isinstance(design, Design) or not isinstance(report, ImportReport):
            return
        self.design, self.report = design, report
        self.status.setText(
            f"{report.scanned} of {report.accounts} accounts read in {report.duration:.1f} s "
            f"with {report.api_calls} API calls; {len(report.gaps)} gaps."
        )
        for gap in report.gaps:
            self.gaps.addItem(f"{gap.account or 'organization'}: {gap.what}: {gap.reason}")
        self.open_button.setEnabled(True)
        self.compare_button.setEnabled(True)

    def _open(self) -> None:
        if self.design is not None:
            self.imported.emit(self.design)
            self.accept()

    def _compare(self) -> None:
        if self.design is not None:
            self.compared.emit(self.design)
            self.accept()

    def _cancel_or_close(self) -> None:
        if self.running and self.worker is not None:
            self.worker.cancel.set()
        else:
            self.reject()

    def done(self, result: int) -> None:
        if self.running and self.worker is not None:
            self.worker.cancel.set()
            background.stop(self.thread_)
        super().done(result)
