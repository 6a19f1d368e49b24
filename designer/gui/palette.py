"""The Add palette: one button per kind of item, with its icon. Click to add it in the first free
place (into the selected OU), or drag it onto the canvas to put it where you let go."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QMimeData, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QDrag, QIcon, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.drawing.views import OUTSIDE_STYLES
from designer.model.vocabulary import FUNCTION_LABELS, AccountFunction, OutsideKind
from designer.support.resources import resources_dir

MIME_TYPE = "application/x-account-designer-palette"
IDP_TITLES = {
    "saml": "SAML 2.0 provider",
    "oidc": "OIDC provider",
    "directory-service": "AWS Directory Service",
    "identity-center": "IAM Identity Center",
}

# What adding each kind of outside principal is for (tooltip and status bar).
OUTSIDE_TIPS = {
    OutsideKind.EXTERNAL_ACCOUNT: (
        "Add an AWS account outside the organization: a vendor's, an auditor's (trusts from it, "
        "shares to it)"
    ),
    OutsideKind.PARTNER_ORGANIZATION: (
        "Add another AWS organization: every account of a partner (its o- id to fill in)"
    ),
    OutsideKind.SERVICE: (
        "Add an AWS service principal that assumes a role, e.g. cloudtrail.amazonaws.com"
    ),
    OutsideKind.ANYONE: "Add the public: anyone at all, signed in to AWS or not (a public share)",
}


@dataclass(frozen=True)
class Entry:
    key: str  # what to add: "account:<function>", "ou", "log_bucket", "scp", "idp:<kind>",
    # "outside:<kind>"
    name: str  # the button's object name
    text: str
    icon: str
    tip: str
    draggable: bool = True  # log buckets and SCPs have no place on the canvas


def palette_groups() -> list[tuple[str, list[Entry]]]:
    accounts = [
        Entry(
            f"account:{f.value}",
            f"add_{f.value}",
            FUNCTION_LABELS[f].split(" (")[0],
            f.value,
            f"Add a {FUNCTION_LABELS[f].lower()} account (or drag it onto the canvas)",
        )
        for f in AccountFunction
    ]
    structure = [
        Entry("ou", "add_ou", "Organizational unit", "ou", "Add an OU (or drag it into an OU)"),
        Entry(
            "log_bucket",
            "add_log_bucket",
            "Log bucket (of the account)",
            "log-bucket",
            "Add a protected log bucket owned by the selected account",
            draggable=False,
        ),
        Entry(
            "scp",
            "add_scp",
            "Service control policy",
            "scp",
            "Add a service control policy (attach it in Properties)",
            draggable=False,
        ),
    ]
    identity = [
        Entry(
            f"idp:{kind}",
            f"add_idp_{kind}",
            title,
            f"idp-{kind}",
            f"Add an identity provider: {title}",
        )
        for kind, title in IDP_TITLES.items()
    ]
    outside = [
        Entry(
            f"outside:{kind.value}",
            f"add_outside_{kind.value}",
            OUTSIDE_STYLES[kind].title,
            OUTSIDE_STYLES[kind].icon,
            OUTSIDE_TIPS[kind],
        )
        for kind in OutsideKind
    ]
    return [
        ("Accounts", accounts),
        ("Structure", structure),
        ("Identity providers", identity),
        ("Outside principals", outside),
    ]


class PaletteButton(QToolButton):
    """A palette entry: clicks like a button, drags like an item."""

    def __init__(self, entry: Entry) -> None:
        super().__init__()
        self.entry = entry
        self._press: QPoint | None = None
        self.setObjectName(entry.name)
        self.setText(entry.text)
        self.setIcon(QIcon(str(resources_dir() / "icons" / f"{entry.icon}.svg")))
        self.setIconSize(QSize(18, 18))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(entry.tip)
        self.setStatusTip(entry.tip)
        self.setAccessibleName(f"Add {entry.text}")
        self.setAutoRaise(False)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        far = self._press is not None and (
            (event.position().toPoint() - self._press).manhattanLength()
            >= QApplication.startDragDistance()
        )
        if far and self.entry.draggable:
            self._press = None
            self.setDown(False)
            self._drag()
            return
        super().mouseMoveEvent(event)

    def _drag(self) -> None:
        mime = QMimeData()
        mime.setData(MIME_TYPE, QByteArray(self.entry.key.encode("utf-8")))
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(self.icon().pixmap(32, 32))
        drag.exec(Qt.DropAction.CopyAction)


class Palette(QWidget):
    """Signals:
    activated(str): an entry was clicked (its key): add it in the first free place.
    """

    activated = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("palette")
        self.setAccessibleName("Add palette")
        layout = QVBoxLayout(self)
        for title, entries in palette_groups():
            layout.addWidget(QLabel(f"<b>{title}</b>"))
            for entry in entries:
                button = PaletteButton(entry)
                button.clicked.connect(lambda _c=False, key=entry.key: self.activated.emit(key))
                layout.addWidget(button)
        hint = QLabel(
            "Drag an item onto the canvas to place it. Shift + drag from one item to another "
            "(or into an OU's box) to draw a relationship."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #607d8b")
        layout.addWidget(hint)
        layout.addStretch(1)
