"""The canvas's budgets at 2,000 and 10,000 accounts (offscreen), measured against the issue's.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py [ACCOUNTS ...]
     [--repeats N] [--no-expanded] [--unscoped]

Each size runs in a process of its own (this script again, with --child), so the peak memory
(ru_maxrss) is that size's alone; the parent writes the synthetic design
(benchmarks/synthetic.py) to a file first, so the child's memory is what opening it costs. In
the child:

- window shown: a MainWindow on a blank design, shown, events processed;
- first useful paint: that window opens the file (load_design + controller.load), the edges
  are routed, the view fitted and rendered once;
- then, as opened (OUs collapsed to the level that fits) and fully expanded
  (controller.set_collapsed([])): full repaint of the fitted view and at 100 %, a drag of an
  account at 100 % (mouse events sent to the viewport: press, 20 moves, each with the events it
  posts and so Qt's repaint of what changed, and again with a full viewport repaint added; then
  the drop), switching views, select all, adding and deleting an account, blast radius,
  expanding or collapsing one OU, peak RSS.

Every edit or view change is timed until its edges are routed (the scene's `settled` signal)
and the events it posted are processed (which paints the viewport). Before each sample the
event loop is left idle until the debounced work (the minimap, the background validation) is
done, so a sample never pays for the one before; validation itself is not timed here
(bench_validate.py). Medians of --repeats samples (3 up to 2,000 accounts, 1 above: an edit
at 10,000 costs seconds with the validation it is followed by); a drag frame's budget is judged
on its 90th percentile over 20 frames.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ACCOUNT_DESIGNER_STATE", tempfile.mkdtemp())

from benchmarks.synthetic import sid, synthetic_design

if TYPE_CHECKING:
    from designer.gui.canvas.items import NodeItem
    from designer.gui.main_window import MainWindow

SIZES = (2000, 10_000)
DRAG_FRAMES = 20
DRAG_STEP = (7, 3)  # pixels per frame at 100 %: stays inside the account's OU
ROUTE_TIMEOUT = 120.0  # seconds: an edit that never settles is reported, not waited for
IDLE_S = 0.3  # longer than the minimap's debounce (250 ms)
NO_BUDGET = "-"
OUTSIDE = "outside budget"


@dataclass
class Row:
    section: str
    operation: str
    measured: str  # as printed
    value: float | None  # what the budget is judged on (ms, or MB for memory)
    budget: float | None  # None: no budget for this row
    budget_text: str
    short: str = ""  # the name in the summary line


# -- budgets (the issue's, on the 2-core machine) ---------------------------------------------
def budget(kind: str, accounts: int, in_budget: bool) -> tuple[float | None, str]:
    """The budget of a kind of measurement at this size; in_budget False: 10,000 expanded."""
    if not in_budget:
        return None, OUTSIDE
    limits: dict[str, list[tuple[int, float]]] = {
        "window": [(10_000, 1000)],
        "first_paint": [(10_000, 3000)],
        "drag_frame": [(2000, 30), (10_000, 50)],
        "edit": [(2000, 150)],  # view switch, select all, add, delete, blast radius
        "repaint_fit": [(2000, 50)],
        "memory": [(10_000, 1024)],
    }
    for most, limit in limits.get(kind, []):
        if accounts <= most:
            if kind == "memory":
                return limit, f"< {limit / 1024:g} GB"
            return limit, f"< {limit / 1000:g} s" if limit >= 1000 else f"< {limit:g} ms"
    return None, NO_BUDGET


def ms(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    return f"{value:,.1f} ms" if value < 10 else f"{value:,.0f} ms"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# -- the child: one size, one process -----------------------------------------------------------
class Child:
    def __init__(self, path: Path, accounts: int, repeats: int, expanded: bool) -> None:
        self.path, self.accounts, self.repeats, self.expanded = path, accounts, repeats, expanded
        self.rows: list[Row] = []
        self.section = ""

    def add(
        self,
        operation: str,
        value: float | None,
        kind: str = "",
        in_budget: bool = True,
        measured: str | None = None,
        short: str = "",
    ) -> None:
        limit, text = budget(kind, self.accounts, in_budget) if kind else (None, NO_BUDGET)
        if not kind and not in_budget:
            text = OUTSIDE
        shown = measured if measured is not None else ("n/a" if value is None else ms(value))
        self.rows.append(Row(self.section, operation, shown, value, limit, text, short))

    def run(self) -> list[Row]:
        start = time.perf_counter()
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from designer.gui import app as gui_app
        from designer.gui import (
            collector,
            main_window,  # what app.run has imported when it opens one
        )

        del main_window
        imported = (time.perf_counter() - start) * 1000
        qapp = QApplication.instance() or QApplication(sys.argv[:1])
        collector.install(qapp)  # as app.run does: collections on the GUI thread only
        self.section = "opening"
        self.add("import PySide6 and the GUI modules (before the window)", imported)
        settings_file = self.path.parent / f"settings-{self.accounts}.ini"  # not the user's
        settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
        self.settled = 0
        self._open_in_background(gui_app.open_window, settings)
        window = self.window
        self.section = "as opened (collapsed to fit)"
        self._state(in_budget=True)
        self.add(
            "peak RSS, as opened",
            peak_mb(),
            "memory",
            measured=f"{peak_mb():,.0f} MB",
            short="peak RSS",
        )
        if self.expanded:
            in_budget = self.accounts <= 2000
            self.section = "fully expanded" + ("" if in_budget else " (outside the budgets)")
            self.add(
                "expand everything (set_collapsed([]) + route)",
                self._timed(lambda: window.controller.set_collapsed([], "Expand all")),
                in_budget=in_budget,
            )
            self._idle(edited=True)
            self._state(in_budget=in_budget)
            self.add(
                "peak RSS, after expanding everything",
                peak_mb(),
                "memory",
                in_budget,
                measured=f"{peak_mb():,.0f} MB",
                short="peak RSS",
            )
        window.controller.undo_stack.clear()
        window.close()
        return self.rows

    # -- event-loop helpers ----------------------------------------------------------------------
    def _settled(self) -> None:
        self.settled += 1

    def _flush(self) -> None:
        from PySide6.QtWidgets import QApplication

        for _ in range(3):  # what the step posted, and what that posted (labels, panels, paint)
            QApplication.processEvents()

    def _timed(self, op: Callable[[], object], routes: bool = True) -> float:
        """Milliseconds for `op`, then (when it re-routes) until the edges are routed, and the
        events it posted (including the viewport's repaint)."""
        from PySide6.QtWidgets import QApplication

        before = self.settled
        start = time.perf_counter()
        op()
        QApplication.processEvents()
        while routes and self.settled == before:
            if time.perf_counter() - start > ROUTE_TIMEOUT:
                raise RuntimeError("the scene never settled (no route after the edit)")
            QApplication.processEvents()
        self._flush()
        return (time.perf_counter() - start) * 1000

    def _wait_validation(self) -> float:
        """Wait for the background validation (if this version of the findings panel runs it
        in the background); milliseconds waited."""
        start = time.perf_counter()
        wait = getattr(self.window.findings, "wait", None)
        if wait is not None:
            wait(600_000)
        return (time.perf_counter() - start) * 1000

    def _idle(self, edited: bool = False) -> None:
        """Let the debounced work of the last step finish (minimap; validation after an edit)."""
        from PySide6.QtWidgets import QApplication

        end = time.perf_counter() + IDLE_S
        while time.perf_counter() < end:
            QApplication.processEvents()
            time.sleep(0.01)
        if edited:
            self._wait_validation()
            self._flush()

    # -- opening ---------------------------------------------------------------------------------
    def _open_in_background(self, opener: Callable[..., MainWindow], settings: Any) -> None:
        """app.open_window: the window on a blank design at once, the file read in a job;
        first useful paint when the design is shown, routed, fitted and rendered."""
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtWidgets import QApplication

        marks: dict[str, float] = {}
        outcome: list[str] = []
        settled_at_open: list[int] = []

        def handed_over(_path: object) -> None:
            marks.setdefault("read", time.perf_counter())

        def opened(_path: object, problem: str) -> None:
            marks.setdefault("opened", time.perf_counter())
            outcome.append(problem)
            settled_at_open.append(self.settled)

        start = time.perf_counter()
        window = opener(self.path, "all", (1600, 1000), settings)
        window.scene.settled.connect(self._settled)
        window.controller.path_changed.connect(handed_over)
        window.files.opened.connect(opened)
        QApplication.processEvents()
        shown = time.perf_counter()
        self.window = window
        self.add(
            "window shown (app.open_window + events; the file is read in the background)",
            (shown - start) * 1000,
            "window",
            short="window shown",
        )
        ticker = QTimer()  # wakes the waits below now and then to look at the clock
        ticker.start(50)
        while not outcome and time.perf_counter() - start < ROUTE_TIMEOUT:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        while (
            outcome
            and self.settled == settled_at_open[0]
            and time.perf_counter() - start < ROUTE_TIMEOUT
        ):
            QApplication.processEvents()
        ticker.stop()
        if not outcome or outcome[0] or self.settled == settled_at_open[0]:
            why = outcome[0] if outcome and outcome[0] else "no answer or no route"
            self.add("first useful paint", None, "first_paint", measured=f"failed: {why}")
            return
        self._flush()
        routed = time.perf_counter()
        window.view.fit()
        self._render()
        painted = time.perf_counter()
        self.add(
            "first useful paint (open_window until shown, routed, fitted, rendered)",
            (painted - start) * 1000,
            "first_paint",
            short="first useful paint",
        )
        read = marks.get("read", marks["opened"])
        self.add("  of which the window, as above", (shown - start) * 1000)
        self.add(
            "  of which reading the file (load_design in a job; Document)", (read - shown) * 1000
        )
        self.add("  of which controller.load (scene, panels)", (marks["opened"] - read) * 1000)
        self.add("  of which events and routing", (routed - marks["opened"]) * 1000)
        self.add("  of which fit and one render of the viewport", (painted - routed) * 1000)
        self._wait_validation()
        self.add(
            "findings complete (validation after opening)", (time.perf_counter() - start) * 1000
        )
        self._idle()

    def _state(self, in_budget: bool) -> None:
        window, scene, controller = self.window, self.window.scene, self.window.controller
        shown = controller.visibility()
        self.add(
            f"drawn: {len(scene.nodes):,} nodes, {len(scene.containers)} OU boxes "
            f"({len(shown.collapsed)} collapsed), {len(scene.edges):,} edges",
            None,
            measured="",
        )
        window.set_view("all")
        self._idle()
        window.view.fit()
        self.add(
            f"full repaint, fitted (zoom {window.view.zoom():.0%}; median of 5)",
            statistics.median(self._render() for _ in range(5)),
            "repaint_fit",
            in_budget,
            short="full repaint, fitted",
        )
        node = self._drag_node()
        window.view.resetTransform()
        window.view.centerOn(node)
        self._flush()
        self.add(
            "full repaint at 100 % (median of 5)",
            statistics.median(self._render() for _ in range(5)),
            in_budget=in_budget,
        )
        self._drag(node, in_budget)
        workload = scene.nodes.get(sid("account", "workload-0"))  # drawn once expanded
        if workload is not None:
            self._drag(workload, in_budget)
        self._view_switch(in_budget)
        self._select_all(in_budget)
        self._add_delete(in_budget)
        self._blast_radius(in_budget)
        self._collapse_expand(in_budget)

    def _render(self) -> float:
        """Milliseconds to render the viewport into an image, as a full repaint does."""
        from PySide6.QtGui import QImage, QPainter

        view = self.window.view
        image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
        start = time.perf_counter()
        painter = QPainter(image)
        view.render(painter)
        painter.end()
        return (time.perf_counter() - start) * 1000

    def _drag_node(self) -> NodeItem:
        """The drawn account with the most drawn edges (the costliest to drag)."""
        scene = self.window.scene
        accounts = {a.id for a in self.window.controller.design.accounts}
        drawn = [n for i, n in scene.nodes.items() if i in accounts]
        return max(drawn, key=lambda n: len(n.edges))

    def _drag(self, node: NodeItem, in_budget: bool) -> None:
        """Press on the node at 100 %, move it DRAG_FRAMES times, release.

        A frame is the move event and the events it posts, in which Qt repaints the part of
        the viewport that changed, as on screen (checked: a frame without a paint is reported);
        then the whole viewport is repainted as well (viewport().repaint()), the worst case.
        """
        from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
        from PySide6.QtGui import QMouseEvent
        from PySide6.QtWidgets import QApplication

        class Paints(QObject):
            def __init__(self) -> None:
                super().__init__()
                self.count = 0

            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    self.count += 1
                return False

        window, view = self.window, self.window.view
        viewport = view.viewport()
        view.resetTransform()
        view.centerOn(node)
        self._flush()
        self._idle()
        left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
        plain = Qt.KeyboardModifier.NoModifier

        def send(
            kind: QEvent.Type, at: QPoint, button: Qt.MouseButton, held: Qt.MouseButton
        ) -> None:
            local = QPointF(at)
            event = QMouseEvent(kind, local, QPointF(viewport.mapToGlobal(at)), button, held, plain)
            QApplication.sendEvent(viewport, event)

        origin = view.mapFromScene(node.center())
        before = node.pos()
        start = time.perf_counter()
        send(QEvent.Type.MouseButtonPress, origin, left, left)
        self._flush()
        pressed = (time.perf_counter() - start) * 1000
        paints = Paints()
        viewport.installEventFilter(paints)
        frames, forced, unpainted = [], [], 0
        at = origin
        for step in range(1, DRAG_FRAMES + 1):
            at = origin + QPoint(DRAG_STEP[0] * step, DRAG_STEP[1] * step)
            painted = paints.count
            start = time.perf_counter()
            send(QEvent.Type.MouseMove, at, none, left)
            QApplication.processEvents()
            handled = time.perf_counter()
            unpainted += paints.count == painted
            viewport.repaint()
            done = time.perf_counter()
            frames.append((handled - start) * 1000)
            forced.append((done - start) * 1000)
        viewport.removeEventFilter(paints)
        moved = node.pos() != before
        name = f"{node.title} ({len(node.edges)} edges)"
        short = "drag frame" + ("" if node.entity_id in self._hubs() else " (workload)")
        self.add(f"drag {name}: press", pressed, in_budget=in_budget)
        if not moved:
            self.add(
                f"drag {name}: frame",
                None,
                "drag_frame",
                in_budget,
                measured="not measured: the node did not move",
                short=short,
            )
        else:
            p90 = statistics.quantiles(frames, n=10, method="inclusive")[-1]
            note = f"; {unpainted} frames without a paint" if unpainted else ""
            self.add(
                f"drag {name}: frame ({DRAG_FRAMES} moves, Qt's repaint; judged on p90{note})",
                p90,
                "drag_frame",
                in_budget,
                measured=f"median {ms(statistics.median(frames))}, p90 {ms(p90)}",
                short=short,
            )
            p90 = statistics.quantiles(forced, n=10, method="inclusive")[-1]
            self.add(
                "  the same, plus a full viewport repaint per frame",
                p90,
                in_budget=in_budget,
                measured=f"median {ms(statistics.median(forced))}, p90 {ms(p90)}",
            )
        self.add(
            f"drag {name}: drop (commit, arrange, route)",
            self._timed(lambda: send(QEvent.Type.MouseButtonRelease, at, left, none), moved),
            in_budget=in_budget,
        )
        self._idle(edited=moved)
        if moved:
            window.controller.undo_stack.undo()  # the next state starts from the same design
            self._flush()
            self._idle(edited=True)

    def _hubs(self) -> set[str]:
        """The core accounts of the synthetic design (the rest are workloads)."""
        return {
            sid("account", key)
            for key in ("management", "log-archive", "audit", "identity", "network")
        }

    def _view_switch(self, in_budget: bool) -> None:
        window = self.window
        to_logging, to_all = [], []
        for _ in range(self.repeats):
            to_logging.append(self._timed(lambda: window.set_view("logging")))
            self._idle()
            to_all.append(self._timed(lambda: window.set_view("all")))
            self._idle()
        self.add(
            "view switch to Logging (set_view, route, paint)",
            statistics.median(to_logging),
            "edit",
            in_budget,
            short="view switch to Logging",
        )
        self.add(
            "view switch back to All",
            statistics.median(to_all),
            "edit",
            in_budget,
            short="view switch to All",
        )

    def _select_all(self, in_budget: bool) -> None:
        window = self.window
        selected, cleared = [], []
        for _ in range(self.repeats):
            selected.append(self._timed(window.edits.select_all, routes=False))
            count = len(window.selection.ids)
            self._idle()
            cleared.append(self._timed(lambda: window.selection.set([]), routes=False))
            self._idle()
        self.add(
            f"select all ({count:,} ids selected)",
            statistics.median(selected),
            "edit",
            in_budget,
            short="select all",
        )
        self.add("clear the selection", statistics.median(cleared), in_budget=in_budget)

    def _add_delete(self, in_budget: bool) -> None:
        from designer.core.edits import new_account
        from designer.model.vocabulary import AccountFunction

        controller = self.window.controller
        sandbox = sid("ou", "Sandbox")
        added_ms, deleted_ms = [], []
        made: list[str] = []

        def add() -> None:
            account = new_account(controller.design, AccountFunction.WORKLOAD, sandbox)
            made.append(account.id)
            controller.add(account)

        for _ in range(self.repeats):
            added_ms.append(self._timed(add))
            drawn = made[-1] in self.window.scene.nodes
            self._idle(edited=True)
            deleted_ms.append(self._timed(lambda: controller.remove([made[-1]])))
            self._idle(edited=True)
        where = "Sandbox OU" + ("" if drawn else ", not drawn: inside a collapsed OU")
        self.add(
            f"add account (new_account + controller.add; {where})",
            statistics.median(added_ms),
            "edit",
            in_budget,
            short="add account",
        )
        self.add(
            "delete it (controller.remove)",
            statistics.median(deleted_ms),
            "edit",
            in_budget,
            short="delete account",
        )

    def _blast_radius(self, in_budget: bool) -> None:
        window = self.window
        audit = sid("account", "audit")
        radius: list[float] = []
        back: list[float] = []
        for _ in range(self.repeats):
            radius.append(self._timed(lambda: window.scene.show_blast_radius(audit)))
            self._idle()
            back.append(self._timed(window.clear_highlight))
            self._idle()
        self.add(
            "blast radius of Security Tooling (scene.show_blast_radius + route)",
            statistics.median(radius),
            "edit",
            in_budget,
            short="blast radius",
        )
        self.add(
            "leave it (clear_highlight: back to All)", statistics.median(back), in_budget=in_budget
        )
        window.selection.set([audit])
        self._flush()
        self._idle()
        self.add(
            "  the same from the window (panel, focus: MainWindow.show_blast_radius)",
            self._timed(window.show_blast_radius),
            in_budget=in_budget,
        )
        self._idle()
        window.clear_highlight()
        window.selection.set([])
        self._flush()
        self._idle()

    def _collapse_expand(self, in_budget: bool) -> None:
        controller = self.window.controller
        unit = sid("ou", "bu", 0, "Prod")
        name = "BU 00/Prod"
        accounts = sum(1 for a in controller.design.accounts if a.parent == unit)
        collapsed = unit in controller.visibility().collapsed
        first, undone = [], []
        for _ in range(self.repeats):
            if collapsed:
                first.append(self._timed(lambda: controller.expand([unit])))
            else:
                first.append(self._timed(lambda: controller.collapse([unit])))
            self._idle(edited=True)
            undone.append(self._timed(controller.undo_stack.undo))
            self._idle(edited=True)
        verb, back = ("expand", "collapse") if collapsed else ("collapse", "expand")
        self.add(
            f"{verb} OU {name} ({accounts} accounts)", statistics.median(first), in_budget=in_budget
        )
        self.add(f"{back} it again (undo)", statistics.median(undone), in_budget=in_budget)


# -- the parent: one child per size, then the tables -------------------------------------------
def run_size(accounts: int, args: argparse.Namespace, folder: Path) -> tuple[str, list[Row]]:
    from designer.model import save_design

    design = synthetic_design(accounts, scoped=not args.unscoped)
    title = (
        f"{accounts:,} accounts ({len(design.organizational_units)} OUs, "
        f"{len(design.relationships):,} relationships"
    )
    path = folder / f"synthetic-{accounts}.json"
    save_design(design, path)
    del design
    repeats = args.repeats or (3 if accounts <= 2000 else 1)
    title += f"; file {path.stat().st_size / 1e6:.1f} MB; medians of {repeats})"
    out = folder / f"rows-{accounts}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        str(accounts),
        "--child",
        str(path),
        "--out",
        str(out),
        "--repeats",
        str(repeats),
    ]
    if args.no_expanded:
        command.append("--no-expanded")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    noise = "This plugin does not support propagateSizeHints"
    for line in done.stderr.splitlines():
        if noise not in line:
            print(line, file=sys.stderr)
    if done.returncode != 0:
        return title, [
            Row("", "the child failed", f"exit {done.returncode}", None, None, NO_BUDGET)
        ]
    return title, [Row(**row) for row in json.loads(out.read_text())]


def verdict(row: Row) -> str:
    if row.budget is None:
        return ""
    if row.value is None:
        return "n/a"
    return "ok" if row.value < row.budget else "OVER"


def print_table(title: str, rows: list[Row]) -> None:
    width = max(len(r.operation) for r in rows)
    measured = max(12, *(len(r.measured) for r in rows))
    print(f"\n== {title} ==")
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            print(f"-- {section}")
            print(f"{'operation':<{width}} | {'measured':<{measured}} | {'budget':<14} | ok/over")
        print(
            f"{row.operation:<{width}} | {row.measured:<{measured}} | {row.budget_text:<14} | "
            f"{verdict(row)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("accounts", nargs="*", type=int, default=list(SIZES))
    parser.add_argument(
        "--repeats", type=int, default=0, help="samples per step (3 up to 2,000 accounts, else 1)"
    )
    parser.add_argument("--no-expanded", action="store_true", help="only the state as opened")
    parser.add_argument("--unscoped", action="store_true", help="one trust per account")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        accounts = args.accounts[0] if args.accounts else 0
        rows = Child(args.child, accounts, args.repeats, not args.no_expanded).run()
        args.out.write_text(json.dumps([asdict(r) for r in rows]))
        return
    start = time.perf_counter()
    load = os.getloadavg()[0]
    print(f"GUI budgets on {os.cpu_count()} cores, load average {load:.1f} at the start")
    results: list[tuple[int, str, list[Row]]] = []
    with tempfile.TemporaryDirectory() as folder:
        for accounts in args.accounts:
            title, rows = run_size(accounts, args, Path(folder))
            results.append((accounts, title, rows))
            print_table(title, rows)
    judged = [(n, r) for n, _, rs in results for r in rs if r.budget is not None]
    over = [(n, r) for n, r in judged if verdict(r) != "ok"]
    listed = ", ".join(
        f"{n:,} {r.section.split(' (')[0]}: {r.short or r.operation} {r.measured} ({r.budget_text})"
        for n, r in over
    )
    print(
        f"\nGUI budgets: {len(judged) - len(over)} of {len(judged)} within budget"
        + (f"; over or not measured: {listed}" if over else "")
        + f" (bench took {time.perf_counter() - start:.0f} s, load average "
        f"{load:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
