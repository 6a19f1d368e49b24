"""Semantic zoom: the canvas stays readable at every zoom. OU titles (and their account counts) are
drawn at a constant size on screen once the header band is too small to read them, nested titles
never cover each other, cards show their name (its distinguishing end kept), then id and badges
as space allows, and a collapsed OU is one card summarising what it holds.

The text decisions are pure functions (names.py) tested with the real fonts; the render tests draw
a scene into an image and record what the items ask the painter to write, and where."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QGraphicsScene

from benchmarks.synthetic import synthetic_design
from designer.drawing.collapse import OuSummary
from designer.drawing.layout import HEADER, Box
from designer.gui.canvas import style
from designer.gui.canvas.items import (
    TEXT_LOD,
    TEXT_WIDTH,
    TITLE_POINTS,
    TWO_LINE_POINTS,
    ContainerItem,
    NodeItem,
    TitleLabel,
    label_height,
    text_metrics,
    title_metrics,
)
from designer.gui.canvas.names import (
    ELLIPSIS,
    Entry,
    card_text,
    elide_keeping_end,
    fit_row,
    header_text,
    name_lines,
    summary_count,
)
from designer.gui.canvas.scene import DesignScene
from designer.gui.controller import DesignController
from designer.gui.selection import SelectionModel
from designer.model import Account
from tests.helpers.factories import small_design

pytestmark = pytest.mark.gui

ZOOMS = [0.03, 0.05, 0.1, 0.2, 0.35, 0.6, 1.0, 2.0, 4.0]


# -- names keep their distinguishing end ---------------------------------------------------------
NAMES = [
    "BU 02 workload 1234",
    "Payments Production",
    "Retail analytics platform - production - eu-west-1",
    "Averyveryverylongsinglewordaccountnamewithoutspaces-0042",
    "BU 02 workload analytics platform for the payments team 1234",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("width", [60, 90, 120, 162, 240])
def test_one_line_names_keep_their_end(qapp: QApplication, name: str, width: int) -> None:
    metrics = text_metrics(style.SCREEN_NAME_POINTS, True)
    shown = elide_keeping_end(name, metrics, width)
    assert metrics.horizontalAdvance(shown) <= width
    if shown:
        assert shown.replace(" ", "")[-2:] == name.replace(" ", "")[-2:], shown
        assert shown[0] in (name[0], ELLIPSIS)


def test_a_trailing_number_survives_whole(qapp: QApplication) -> None:
    metrics = text_metrics(style.SCREEN_NAME_POINTS, True)
    for width in range(50, 140, 5):
        shown = elide_keeping_end("BU 02 workload 1234", metrics, width)
        assert shown == "" or shown.endswith("1234"), (width, shown)
        assert not shown.endswith(ELLIPSIS)
    assert elide_keeping_end("BU 02 workload 1234", metrics, 1000) == "BU 02 workload 1234"


def test_too_narrow_for_a_few_characters_shows_nothing(qapp: QApplication) -> None:
    metrics = text_metrics(style.SCREEN_NAME_POINTS, True)
    assert elide_keeping_end("Infrastructure", metrics, 12) == ""
    assert elide_keeping_end("BU 07", metrics, 28) == ELLIPSIS + "07"  # tells BU 07 apart


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("points", [TITLE_POINTS, TWO_LINE_POINTS])
def test_two_line_names_keep_their_end(qapp: QApplication, name: str, points: float) -> None:
    metrics = title_metrics(points)
    lines = name_lines(name, metrics, TEXT_WIDTH)
    assert 1 <= len(lines) <= 2
    assert all(metrics.horizontalAdvance(line) <= TEXT_WIDTH for line in lines)
    assert name.replace(" ", "")[-4:] in "".join(lines).replace(" ", ""), lines
    assert not lines[-1].endswith(ELLIPSIS)


def test_cards_at_sixty_percent_keep_the_number(qapp: QApplication) -> None:
    """At 60 % a card shows one line: 'BU 02 wor… 1234', never 'BU 02 workload …'."""
    node = _account_node("BU 02 workload analytics platform 1234")
    card = node.compact_text(0.6)
    assert card.text.name.endswith(" 1234"), card.text.name
    assert card.text.name.startswith("BU 02")
    assert card.text.detail == "123456789012"


# -- titles ----------------------------------------------------------------------------------------
def test_header_shows_the_name_then_the_count(qapp: QApplication) -> None:
    metrics = text_metrics(style.SCREEN_TITLE_POINTS, True)
    assert header_text("Workloads", 1995, 400, metrics) == ("Workloads", " · 1,995 accounts")
    assert header_text("Sandbox", 1, 400, metrics) == ("Sandbox", " · 1 account")
    assert header_text("Empty", 0, 400, metrics) == ("Empty", "")
    # Too narrow for both: the whole name, never a shortened name beside the count.
    wide = metrics.horizontalAdvance("Workloads")
    assert header_text("Workloads", 1995, wide + 10, metrics) == ("Workloads", "")
    name, counted = header_text("Business unit 0042 workloads", 1995, 90, metrics)
    assert counted == ""
    assert name.endswith("loads")
    assert name.startswith("Bus")
    assert ELLIPSIS in name
    assert header_text("Workloads", 1995, 10, metrics) == ("", "")


def test_card_text_fills_in_as_space_allows(qapp: QApplication) -> None:
    name_m = text_metrics(style.SCREEN_NAME_POINTS, True)
    detail_m = text_metrics(style.SCREEN_DETAIL_POINTS)
    heights = (name_m.height(), detail_m.height())
    name, detail, tag = "BU 02 workload 1234", "123456789012", 40.0
    whole = max(name_m.horizontalAdvance(name), detail_m.horizontalAdvance(detail) + tag + 6) + 1

    def at(width: float, height: float, tag: float = tag) -> tuple[str, str, bool]:
        text = card_text(name, detail, tag, (width, height), name_m, detail_m, heights)
        return text.name, text.detail, text.tag

    assert at(whole, 60) == (name, detail, True)
    id_only = detail_m.horizontalAdvance(detail) + 10  # no room for the badge beside the id
    assert at(id_only, 60)[1:] == (detail, False)
    assert at(id_only, 60)[0].endswith("1234")
    assert at(whole, 60, tag=0) == (name, detail, False)
    assert at(whole, heights[0] + 1) == (name, "", False)  # one line only
    assert at(whole, heights[0] - 3) == ("", "", False)  # too short for a legible line
    narrow = at(60, 60)
    assert narrow[0].endswith("1234")
    assert narrow[1] == ""  # the id is shown whole or not at all
    assert narrow[2]  # the badge (40 px) fits where the id does not


def test_rows_of_a_collapsed_card_shorten_then_count(qapp: QApplication) -> None:
    metrics = text_metrics(7.5)
    entries = [Entry("workload", "WL"), Entry("network", "NET"), Entry("backup", "BAK")]

    def room(labels: list[str]) -> float:  # a 10 px mark, the label and 2 px, 7 px apart
        return sum(10 + metrics.horizontalAdvance(t) + 2 + 7 for t in labels) - 7

    full, short = room(["workload", "network", "backup"]), room(["WL", "NET", "BAK"])
    assert fit_row(entries, full, metrics, 10, 7) == (["workload", "network", "backup"], 0)
    assert fit_row(entries, full - 1, metrics, 10, 7) == (["WL", "NET", "BAK"], 0)
    assert fit_row(entries, short - 1, metrics, 10, 7) == (["", "", ""], 0)
    labels, left_out = fit_row(entries, 30, metrics, 10, 7)
    assert len(labels) + left_out == 3
    assert left_out > 0


# -- OU boxes, expanded and collapsed --------------------------------------------------------------
SUMMARY = OuSummary(
    accounts=1995,
    units=3,
    functions=(("workload", 1900), ("network", 60), ("backup", 35)),
    environments=(("production", 1000), ("non-production", 900), ("development", 95)),
)


def test_a_collapsed_ou_is_one_card_clicked_anywhere(qapp: QApplication) -> None:
    box = ContainerItem("ou-1", is_root=False)
    box.set_title("Workloads")
    box.set_box(Box(0, 0, 200, 90))
    assert box.shape().boundingRect().height() == HEADER  # expanded: the header band only
    box.summary = SUMMARY
    assert box.shape().boundingRect() == QRectF(0, 0, 200, 90)
    tip = box.toolTip()
    for part in ("Workloads", "1,995 accounts", "3 OUs", "workload 1,900", "network 60",
                 "production 1,000", "development 95", "Double-click to expand"):  # fmt: skip
        assert part in tip, part
    box.summary = None
    assert box.shape().boundingRect().height() == HEADER


def test_collapsed_counts_shorten_but_never_cut_the_number(qapp: QApplication) -> None:
    metrics = text_metrics(style.SCREEN_DETAIL_POINTS)
    full = "1,995 accounts · 3 OUs"
    assert summary_count(1995, 3, 500, metrics) == full
    assert summary_count(1995, 3, metrics.horizontalAdvance(full) - 1, metrics) == "1,995 accounts"
    assert summary_count(1995, 3, metrics.horizontalAdvance("1,995 acc"), metrics) == "1,995"
    assert summary_count(1995, 0, 500, metrics) == "1,995 accounts"
    assert summary_count(1995, 3, 5, metrics) == ""


def test_title_labels_come_and_go_with_their_boxes(qapp: QApplication) -> None:
    scene = DesignScene(DesignController(small_design()), SelectionModel())

    def labels() -> int:
        return sum(isinstance(i, TitleLabel) for i in scene.items())

    assert labels() == len(scene.containers)
    assert all(c.label.scene() is scene for c in scene.containers.values())
    unit = scene.controller.design.organizational_units[0]
    box = scene.containers[unit.id]
    box.setPos(box.pos() + QPointF(40, 0))
    assert box.label.pos() == box.pos()  # it follows a drag
    box.hide()
    assert not box.label.isVisible()
    box.show()
    scene.controller.remove([unit.id])
    assert unit.id not in scene.containers
    assert box.label.scene() is None
    assert labels() == len(scene.containers)


def test_expanded_ou_header_counts_accounts(qapp: QApplication) -> None:
    box = ContainerItem("ou-1", is_root=False)
    box.set_title("Workloads")
    box.set_box(Box(0, 0, 900, 400))
    box.account_count = 1995
    assert box.header()[:2] == ("Workloads", " · 1,995 accounts")
    assert "1,995 accounts" in box.toolTip()
    box.set_box(Box(0, 0, 120, 400))  # narrow: the name, not the count
    assert box.header()[:2] == ("Workloads", "")


# -- what is drawn, zoom by zoom -------------------------------------------------------------------
@dataclass(frozen=True)
class Drawn:
    text: str
    at: QPointF  # where it starts on screen (the baseline's left end, or a rectangle's top-left)


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[Drawn]:
    """Every text the items ask the painter to write while rendering, with its screen place."""
    drawn: list[Drawn] = []
    original = QPainter.drawText

    def record(painter: QPainter, *args: object) -> None:
        text = next((a for a in reversed(args) if isinstance(a, str)), "")
        first = args[0]
        place = first.topLeft() if isinstance(first, QRectF) else first
        if isinstance(place, QPointF):
            drawn.append(Drawn(text, painter.worldTransform().map(place)))
        original(painter, *args)  # type: ignore[call-overload]

    monkeypatch.setattr(QPainter, "drawText", record)
    return drawn


def _render(scene: QGraphicsScene, zoom: float, corner: QPointF) -> QImage:
    """The scene at `zoom` in a 900 x 700 image whose top-left corner, 20 pixels in, is the
    scene point `corner` (as a view scrolled there shows it)."""
    image = QImage(900, 700, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    source = QRectF(corner.x() - 20 / zoom, corner.y() - 20 / zoom, 900 / zoom, 700 / zoom)
    scene.render(painter, QRectF(0, 0, 900, 700), source)
    painter.end()
    return image


def _ou_scene() -> QGraphicsScene:
    """An OU 4,000 x 2,000 wide holding a child OU at the usual offset."""
    scene = QGraphicsScene()
    parent = ContainerItem("ou-parent", is_root=False)
    child = ContainerItem("ou-child", is_root=False)
    for item, title, box, count in (
        (parent, "Workloads", Box(0, 0, 4000, 2000), 1995),
        (child, "BU 07", Box(16, HEADER + 16, 1200, 1000), 100),
    ):
        scene.addItem(item)
        item.set_title(title)
        item.set_box(box)
        item.account_count = count
    return scene


@pytest.mark.parametrize("zoom", [0.05, 0.2, 0.6, 1.0])
def test_ou_titles_are_drawn_at_every_zoom(
    qapp: QApplication, written: list[Drawn], zoom: float
) -> None:
    scene = _ou_scene()
    image = _render(scene, zoom, QPointF(0, 0))
    titles = {d.text: d.at for d in written}
    assert "Workloads" in titles, titles
    assert "BU 07" in titles, titles
    # The title's place holds dark pixels: text, not just a background.
    at = titles["Workloads"]
    height = 12 if zoom < TEXT_LOD else 12 * zoom
    region = image.copy(int(at.x()), int(at.y() - height), 40, int(height) + 2)
    assert _dark_pixels(region) > 10
    # Legible: the parent's and the child's titles lie on different lines.
    assert abs(titles["Workloads"].y() - titles["BU 07"].y()) >= min(label_height(), 28 * zoom)
    if zoom < TEXT_LOD:
        assert " · 1,995 accounts" in titles  # the count, after the name


def _dark_pixels(image: QImage) -> int:
    return sum(
        1
        for x in range(image.width())
        for y in range(image.height())
        if QColor(image.pixel(x, y)).lightness() < 110
    )


def test_a_box_too_small_on_screen_shows_no_title(qapp: QApplication, written: list[Drawn]) -> None:
    scene = QGraphicsScene()
    box = ContainerItem("ou-small", is_root=False)
    scene.addItem(box)
    box.set_title("Infrastructure")
    box.set_box(Box(0, 0, 200, 90))
    _render(scene, 0.05, QPointF(0, 0))
    assert not [d for d in written if d.text and d.text != ELLIPSIS], written


def test_a_collapsed_card_shows_its_summary(qapp: QApplication, written: list[Drawn]) -> None:
    scene = QGraphicsScene()
    card = ContainerItem("ou-card", is_root=False)
    scene.addItem(card)
    card.set_title("Workloads")
    card.set_box(Box(0, 0, 200, 90))
    card.summary = SUMMARY
    _render(scene, 1.0, QPointF(0, 0))
    texts = {d.text for d in written}
    assert {"Workloads", "1,995 accounts · 3 OUs"} <= texts, texts
    assert {"workload", "network", "backup"} <= texts or {"WL", "NET", "BAK"} <= texts, texts
    assert any(t.startswith("PROD") for t in texts), texts
    written.clear()
    _render(scene, 0.45, QPointF(0, 0))  # small: the title at a legible size, then counts
    texts = {d.text for d in written}
    assert "Workloads" in texts, texts
    assert any(t.startswith("1,995") for t in texts), texts  # as much as fits the card


def test_account_cards_between_blocks_and_full_detail(
    qapp: QApplication, written: list[Drawn]
) -> None:
    scene = QGraphicsScene()
    node = _account_node("BU 02 workload 1234")
    scene.addItem(node)
    _render(scene, 1.0, QPointF(0, 0))
    assert {"BU 02 workload 1234", "123456789012", "PROD"} <= {d.text for d in written}
    for zoom in (0.3, 0.45, 0.6):
        written.clear()
        _render(scene, zoom, QPointF(0, 0))
        texts = [d.text for d in written]
        assert texts, zoom
        assert texts[0].endswith("1234"), (zoom, texts)
    written.clear()
    _render(scene, 0.1, QPointF(0, 0))  # 22 px: a colour block
    assert not written


def _account_node(name: str) -> NodeItem:
    node = NodeItem("a-1", "account")
    account = Account(
        id="6f1c2a3b-0000-4000-8000-000000000001",
        name=name,
        functions=["workload"],
        environment="production",
        aws_account_id="123456789012",
    )
    node.set_content(account)
    return node


# -- the synthetic organization, zoomed from 3 % to 400 % -----------------------------------------
@pytest.fixture(scope="module")
def synthetic(qapp: QApplication) -> DesignScene:
    controller = DesignController(synthetic_design(400))
    controller.set_collapsed([], "Expand all")
    return DesignScene(controller, SelectionModel())


@pytest.mark.parametrize("zoom", ZOOMS)
def test_every_wide_ou_is_named_and_titles_never_overlap(
    synthetic: DesignScene, written: list[Drawn], zoom: float
) -> None:
    scene = synthetic
    root = scene.containers[scene.controller.design.organization.id]
    corner = root.scene_rect().topLeft()
    _render(scene, zoom, corner)
    drawn = {d.text for d in written}
    for box in scene.containers.values():
        rect = box.scene_rect()
        left, top = (rect.left() - corner.x()) * zoom, (rect.top() - corner.y()) * zoom
        wide = rect.width() * zoom >= 110  # room for any title of the design and its padding
        if wide and 0 <= left < 800 and 0 <= top < 600:
            assert box.title in drawn or box.title + " · " in " ".join(drawn), (box.title, zoom)
    if zoom < TEXT_LOD:  # the constant-size titles: none covers another
        labels = {
            c.label.text_at(zoom).name: c.label.text_at(zoom).width
            for c in scene.containers.values()
        }
        titles = [(d.at, labels[d.text]) for d in written if d.text in labels and d.text]
        for index, (one, one_width) in enumerate(titles):
            for other, other_width in titles[index + 1 :]:
                same_line = abs(one.y() - other.y()) < label_height() - 2
                across = one.x() < other.x() + other_width and other.x() < one.x() + one_width
                assert not (same_line and across), (
                    one,
                    other,
                    zoom,
                    [d for d in written if d.at in (one, other)],
                )
