"""File -> Export: pick formats and a folder; the export runs in a worker thread."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.artefacts.tokens import PARTITIONS
from designer.gui import background
from exporters.base import REGISTRY, CancelToken, ExportCancelled, export_design
from exporters.registry import load_all

if TYPE_CHECKING:
    from designer.model import Design


class ExportWorker(QObject):
    """Runs one export off the GUI thread.

    Signals:
        file_written(str): a file was written (its path inside the folder).
        noticed(str): a one-line notice (e.g. Graphviz missing: what to install).
        finished(str): done; empty on success, else the one-line reason (or "cancelled").
    """

    file_written = Signal(str)
    noticed = Signal(str)
    finished = Signal(str)

    def __init__(
        self,
        design: Design,
        folder: Path,
        formats: list[str],
        redact: bool = False,
        partition: str = "aws",
    ) -> None:
        super().__init__()
        self.design = design.model_copy(deep=True)  # the window may go on editing meanwhile
        self.folder, self.formats, self.redact = folder, formats, redact
        self.partition = partition
        self.cancel = CancelToken()

    def run(self) -> None:
        def work() -> None:
            export_design(
                self.design,
                self.folder,
                self.formats,
                self.file_written.emit,
                self.cancel,
                redact=self.redact,
                notice=self.noticed.emit,
                partition=self.partition,
            )

        self.finished.emit(background.failure(work, (ExportCancelled,)))


class ExportDialog(QDialog):
    def __init__(self, design: Design, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setObjectName("export_dialog")
        self.design = design
        self.worker: ExportWorker | None = None
        self.thread_: QThread | None = None
        load_all()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Formats</b>"))
        self.boxes: dict[str, QCheckBox] = {}
        for name in sorted(REGISTRY):
            box = QCheckBox(REGISTRY[name].title)
            box.setObjectName(f"format_{name}")
            box.setChecked(True)
            self.boxes[name] = box
            layout.addWidget(box)
        layout.addWidget(QLabel("<b>Sharing</b>"))
        self.redact_box = QCheckBox("Mask account ids and e-mail addresses (for sharing outside)")
        self.redact_box.setObjectName("redact_box")
        layout.addWidget(self.redact_box)
        layout.addWidget(QLabel("<b>Partition</b>"))
        partition_row = QHBoxLayout()
        partition_row.addWidget(QLabel("ARNs in the policies, the plan and the document:"))
        self.partition_box = QComboBox()
        self.partition_box.setObjectName("partition_box")
        self.partition_box.addItems(PARTITIONS)
        self.partition_box.setToolTip(
            "aws: commercial Regions; aws-us-gov: AWS GovCloud (US); aws-cn: China Regions. "
            "CloudFormation templates use ${AWS::Partition} and work in any."
        )
        partition_row.addWidget(self.partition_box)
        partition_row.addStretch()
        layout.addLayout(partition_row)
        layout.addWidget(QLabel("<b>Folder</b>"))
        row = QHBoxLayout()
        self.folder_edit = QLineEdit(str(folder))
        self.folder_edit.setObjectName("folder_edit")
        browse = QPushButton("Browse...")
        browse.clicked.connect(self._browse)
        row.addWidget(self.folder_edit)
        row.addWidget(browse)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.files = QListWidget()
        self.files.setObjectName("written_files")
        layout.addWidget(self.files)
        self.notices = QLabel("")
        self.notices.setObjectName("export_notices")
        self.notices.setWordWrap(True)
        self.notices.setTextFormat(Qt.TextFormat.PlainText)
        self.notices.setStyleSheet("color: #b35900")
        layout.addWidget(self.notices)
        self.status = QLabel("")
        self.status.setObjectName("export_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("export_button")
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancel_button")
        self.cancel_button.clicked.connect(self._cancel_or_close)
        self.open_button = QPushButton("Open folder")
        self.open_button.setObjectName("open_folder_button")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_folder)
        for button in (self.export_button, self.open_button, self.cancel_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.resize(520, 520)

    def chosen_formats(self) -> list[str]:
        return [name for name, box in self.boxes.items() if box.isChecked()]

    def start(self) -> None:
        formats = self.chosen_formats()
        if not formats:
            self.status.setText("Choose at least one format.")
            return
        self.files.clear()
        self.notices.clear()
        self.status.setText("Exporting...")
        self.progress.show()
        self.export_button.setEnabled(False)
        self.open_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        folder = Path(self.folder_edit.text())
        self.worker = ExportWorker(
            self.design,
            folder,
            formats,
            self.redact_box.isChecked(),
            self.partition_box.currentText(),
        )
        self.worker.file_written.connect(self.files.addItem)
        self.worker.noticed.connect(self._noticed)
        self.worker.finished.connect(self._finished)
        self.thread_ = background.start(self, self.worker, self.worker.run)

    def _finished(self, problem: str) -> None:
        self.progress.hide()
        self.export_button.setEnabled(True)
        self.cancel_button.setText("Close")
        if problem == "cancelled":
            self.status.setText(f"Cancelled after {self.files.count()} files.")
        elif problem:
            self.status.setText(f"Export failed: {problem}")
        else:
            self.status.setText(f"{self.files.count()} files written to {self.folder_edit.text()}")
            self.open_button.setEnabled(True)
        background.stop(self.thread_)

    def _noticed(self, text: str) -> None:
        shown = self.notices.text()
        self.notices.setText(f"{shown}\n{text}" if shown else text)

    @property
    def running(self) -> bool:
        return background.running(self.thread_)

    def _cancel_or_close(self) -> None:
        if self.running and self.worker is not None:
            self.worker.cancel.cancel()
        else:
            self.reject()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.folder_edit.text()))

    def done(self, result: int) -> None:
        if self.running and self.worker is not None:
            self.worker.cancel.cancel()
            background.stop(self.thread_)  # its loop ends once the cancelled export returns
        super().done(result)
