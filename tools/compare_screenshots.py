"""The README's pictures of File -> Compare with Live: the reference landing zone compared with two
imports kept beside it, and an account the import could not read.

The earlier import lacks the planned Developer Sandbox. By the newer one, the monitoring vendor's
ExternalId was rotated, an unplanned account "Shadow IT" appeared, Retail Production changed
owner, and the import could not enter Network.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tools/compare_screenshots.py OUT_DIR
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from designer.gui.controller import DesignController
from designer.gui.main_window import MainWindow
from designer.live.history import history_dir, keep
from designer.model import Design, save_design
from designer.model.templates import load_template
from designer.model.vocabulary import Unread

SIZE = (1600, 1000)  # as tools/user_session.py's pictures


def settle_events(window: MainWindow) -> None:
    """Edges are routed once the event loop is idle; findings come from a background worker."""
    for _ in range(3):
        QApplication.processEvents()
    window.findings.wait()
    QApplication.processEvents()


def _named(design: Design, name: str) -> str:
    return next(a.id for a in design.accounts if a.name == name)


def imports(planned: Design) -> tuple[Design, Design]:
    baseline = planned.model_copy(deep=True)
    sandbox = _named(baseline, "Developer Sandbox")
    baseline.accounts = [a for a in baseline.accounts if a.id != sandbox]
    baseline.relationships = [
        r for r in baseline.relationships if sandbox not in (r.source, r.target)
    ]
    baseline.layout.positions.pop(sandbox, None)
    live = baseline.model_copy(deep=True)
    network, retail = _named(live, "Network"), _named(live, "Retail Production")
    org = live.organization.id
    live.relationships = [
        r.model_copy(update={"external_id": "rotated-0001"})
        if r.kind == "trust" and r.external_id
        else r.model_copy(update={"excluded_accounts": [network]})
        if r.kind == "trust" and r.target == org
        else r
        for r in live.relationships
    ]
    shadow = live.accounts[-1].model_copy(
        update={
            "id": "5e1f0000-0000-4000-8000-000000000001",
            "name": "Shadow IT",
            "aws_account_id": "999999999999",
            "email": "shadow-it@example.com",
        }
    )
    live.accounts = [
        a.model_copy(update={"unread": [Unread.CONTENTS]})
        if a.id == network
        else a.model_copy(update={"owner": "Data Platform"})
        if a.id == retail
        else a
        for a in live.accounts
    ] + [shadow]
    return baseline, live


def run(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        planned = load_template("reference-landing-zone")
        path = Path(folder) / "organization.json"
        save_design(planned, path)
        baseline, live = imports(planned)
        first = keep(history_dir(path), baseline, {})
        second = keep(history_dir(path), live, {})
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(DesignController(planned, path), settings)
        window.resize(*SIZE)
        window.show()
        settle_events(window)
        window.compare_with_live(second.path, first.path)
        settle_events(window)
        window.view.fit()
        settle_events(window)
        compared = out / "compare-three-way.png"
        window.grab().save(str(compared))
        window.close()
        unread = Path(folder) / "live.json"
        save_design(live, unread)
        window = MainWindow(DesignController(live, unread), settings)
        window.resize(*SIZE)
        window.show()
        settle_events(window)
        window.view.fit()
        window.selection.set([_named(live, "Network")])
        settle_events(window)
        window.view.centerOn(window.scene.nodes[_named(live, "Network")])
        settle_events(window)
        shown = out / "import-unread.png"
        window.grab().save(str(shown))
        window.close()
    return [compared, shown]


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("ACCOUNT_DESIGNER_STATE", tempfile.mkdtemp())
    app = QApplication(sys.argv[:1])
    for picture in run(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")):
        sys.stdout.write(f"{picture}\n")
