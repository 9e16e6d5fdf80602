"""The painting tool as a finished tool (issue 20): re-saving inputs, replacing files, unsaved
work, the censor type handed to the window, shortcuts, panning, the dirty-rectangle brush."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

import decensor_app.gui.painter as painter_module
from decensor_app.gui.compare import ScrolledView
from decensor_app.gui.main_window import MainWindow
from decensor_app.gui.painter import SAVE_AS, PainterWindow
from decensor_app.imaging import Picture
from decensor_app.masks import GREEN, exact_green, green_mask
from decensor_app.painting import Edit, MaskDocument
from tests.conftest import Folders, box, paint, save_png, scene
from tests.test_gui import _drag, painter, settings, window  # noqa: F401 (fixtures)

Button = QMessageBox.StandardButton


class Answers:
    """Stands in for :func:`decensor_app.gui.painter.ask`: answers questions in order and
    records (title, text, extra button) of each. Unscripted questions (pytest-qt closing a
    painter with unsaved painting after the test) are answered Discard or No."""

    def __init__(self) -> None:
        self.queue: list[painter_module.Answer] = []
        self.asked: list[tuple[str, str, str | None]] = []

    def __call__(self, parent, title, text, buttons, default, extra=None):
        self.asked.append((title, text, extra))
        if self.queue:
            return self.queue.pop(0)
        return Button.Discard if buttons & Button.Discard else Button.No

    def script(self, *answers: painter_module.Answer) -> Answers:
        self.queue = list(answers)
        self.asked = []
        return self


@pytest.fixture(autouse=True)
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    """In every test: no real dialog (one would block pytest-qt closing a painter with unsaved
    painting after the test)."""
    scripted = Answers()
    monkeypatch.setattr(painter_module, "ask", scripted)
    return scripted


def _open(painter: PainterWindow, path: Path) -> None:  # noqa: F811
    assert painter.open_file(path)
    painter.canvas.scale, painter.canvas.offset = 2.0, QPointF(10, 10)


def _rectangle(qtbot, painter: PainterWindow, corner, opposite) -> None:  # noqa: F811
    painter.set_tool("rectangle")
    _drag(qtbot, painter.canvas, [corner, opposite])


def _mosaic_scene() -> np.ndarray:
    """320x240 RGB with a 12 px mosaic over x 96-216, y 60-156 (found by the detector)."""
    picture = scene(320, 240, seed=5)
    for y in range(60, 156, 12):
        for x in range(96, 216, 12):
            block = picture[y : y + 12, x : x + 12]
            block[:] = block.reshape(-1, 3).mean(axis=0).astype(np.uint8)
    return picture


# --- 3: re-saving a mask of the input folder ------------------------------------------------


def test_resaving_a_mosaic_input_keeps_its_original_and_marks_the_old_result_stale(
    qtbot,
    painter: PainterWindow,  # noqa: F811
    folders: Folders,
    answers: Answers,
) -> None:
    painter.censor["value"] = "mosaic"  # type: ignore[attr-defined]
    clean = scene(200, 150, seed=3)
    original = save_png(folders.original / "art.png", clean)
    original_bytes = original.read_bytes()
    path = save_png(folders.input / "art.png", paint(clean, box(150, 200, 20, 20, 30, 30)))
    _open(painter, path)
    _rectangle(qtbot, painter, (120, 60), (160, 100))
    answers.script(Button.Yes)
    with qtbot.waitSignal(painter.mask_saved) as saved:
        assert painter.save() == [path, original]
    assert saved.args == ["art.png"]
    assert answers.asked[0][2] == SAVE_AS  # the question offers another name
    assert "out of date" in painter.status.text()
    assert original.read_bytes() == original_bytes
    greened = np.array(Image.open(path).convert("RGB"))
    assert exact_green(greened)[60:100, 120:160].all()
    # Saving again (the same session) replaces its own file without asking.
    _rectangle(qtbot, painter, (10, 100), (30, 120))
    assert painter.save() == [path, original]
    assert answers.asked == answers.asked[:1]


def test_the_replace_question_offers_save_as_and_later_saves_go_there(
    qtbot,
    painter: PainterWindow,  # noqa: F811
    folders: Folders,
    answers: Answers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = save_png(
        folders.input / "art.png", paint(scene(200, 150, seed=3), box(150, 200, 20, 20, 30, 30))
    )
    before = path.read_bytes()
    _open(painter, path)
    _rectangle(qtbot, painter, (120, 60), (160, 100))
    chosen = folders.input / "art-fixed.png"
    dialogs: list[str] = []

    def save_dialog(parent, caption, directory, filter):
        dialogs.append(directory)
        return str(chosen), filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    answers.script(SAVE_AS)
    assert painter.save() == [chosen]
    assert dialogs == [str(path)]
    assert path.read_bytes() == before  # the opened file is untouched
    assert exact_green(np.array(Image.open(chosen).convert("RGB")))[60:100, 120:160].all()
    assert not painter.isWindowModified()
    _rectangle(qtbot, painter, (10, 100), (30, 120))
    assert painter.save() == [chosen]  # Save now writes the chosen file, without a question
    assert len(answers.asked) == 1


# --- 4: another picture's file of the same name ---------------------------------------------


def test_save_asks_before_replacing_another_input_of_the_same_name(
    qtbot,
    painter: PainterWindow,  # noqa: F811
    folders: Folders,
    answers: Answers,
) -> None:
    other = save_png(
        folders.input / "art.png", paint(scene(200, 150, seed=9), box(150, 200, 10, 10, 120, 90))
    )
    other_bytes = other.read_bytes()
    _rectangle(qtbot, painter, (30, 30), (60, 60))
    answers.script(Button.No)
    assert painter.save() == []
    _, text, extra = answers.asked[0]
    masked = int(green_mask(np.array(Image.open(other).convert("RGB"))).sum())  # about 10,800
    assert str(other) in text and f"{masked:,} px" in text and extra == SAVE_AS
    assert other.read_bytes() == other_bytes
    assert painter.isWindowModified()
    answers.script(Button.Yes)
    assert painter.save() == [other]
    saved = np.array(Image.open(other).convert("RGB"))
    assert np.array_equal(exact_green(saved), painter.document.mask)


def test_mosaic_mode_asks_before_replacing_another_pictures_original(
    qtbot,
    painter: PainterWindow,  # noqa: F811
    folders: Folders,
    answers: Answers,
) -> None:
    painter.censor["value"] = "mosaic"  # type: ignore[attr-defined]
    other = save_png(folders.original / "art.png", scene(200, 150, seed=9))
    other_bytes = other.read_bytes()
    _rectangle(qtbot, painter, (30, 30), (60, 60))
    answers.script(Button.No)
    assert painter.save() == []
    assert str(other) in answers.asked[0][1]
    assert other.read_bytes() == other_bytes
    assert not (folders.input / "art.png").exists()


# --- 5: unsaved painting --------------------------------------------------------------------


def test_the_title_marks_unsaved_painting(
    qtbot,
    painter: PainterWindow,  # noqa: F811
) -> None:
    assert "[*]" in painter.windowTitle() and not painter.isWindowModified()
    _rectangle(qtbot, painter, (30, 30), (60, 60))
    assert painter.isWindowModified()
    painter.undo_stack.undo()
    assert not painter.isWindowModified()
    painter.undo_stack.redo()
    assert painter.save()
    assert not painter.isWindowModified()


def test_opening_another_picture_asks_about_unsaved_painting(
    qtbot,
    painter: PainterWindow,  # noqa: F811
    folders: Folders,
    answers: Answers,
    tmp_path: Path,
) -> None:
    other = save_png(tmp_path / "other.png", scene(120, 90, seed=1))
    _rectangle(qtbot, painter, (30, 30), (60, 60))
    document = painter.document
    answers.script(Button.Cancel)
    assert not painter.open_file(other)
    assert painter.document is document and painter.isWindowModified()
    answers.script(Button.Save)
    assert painter.open_file(other)
    assert (folders.input / "art.png").exists()  # saved first
    assert painter.document.source == other
    _rectangle(qtbot, painter, (10, 10), (20, 20))
    answers.script(Button.Discard)
    assert painter.open_file(folders.input / "art.png")
    assert not (folders.input / "other.png").exists()


def test_closing_the_painter_asks_about_unsaved_painting(
    qtbot,
    painter: PainterWindow,  # noqa: F811
    answers: Answers,
) -> None:
    _rectangle(qtbot, painter, (30, 30), (60, 60))
    answers.script(Button.Cancel)
    assert not painter.close()
    assert painter.isVisible() and painter.document is not None
    answers.script(Button.Discard)
    assert painter.close()
    assert painter.document is None  # discarded: not shown again when reopened
    assert "Unsaved" in answers.asked[0][0]


def test_quitting_the_main_window_asks_about_unsaved_painting(
    qtbot,
    window: MainWindow,  # noqa: F811
    folders: Folders,
    answers: Answers,
) -> None:
    path = save_png(folders.input / "pic.png", scene(seed=2))
    window.show()
    painter = window.open_painter(path)  # noqa: F811
    painter.canvas.scale, painter.canvas.offset = 2.0, QPointF(10, 10)
    _rectangle(qtbot, painter, (30, 30), (60, 60))
    answers.script(Button.Cancel)
    assert not window.close()
    assert window.isVisible() and painter.isWindowModified()
    answers.script(Button.Discard)
    assert window.close()


# --- 2: the censor type the mask calls for --------------------------------------------------


def _recorders(qtbot, painter: PainterWindow) -> tuple[list, list]:  # noqa: F811
    plain: list[str] = []
    as_censor: list[tuple[str, str]] = []
    painter.decensor_requested.connect(plain.append)
    painter.decensor_as_requested.connect(lambda name, censor: as_censor.append((name, censor)))
    return plain, as_censor


def test_detected_mosaic_saves_the_original_and_restores_as_mosaic_in_bar_mode(
    qtbot,
    painter: PainterWindow,  # noqa: F811
    folders: Folders,
    answers: Answers,
    tmp_path: Path,
) -> None:
    picture = _mosaic_scene()
    _open(painter, save_png(tmp_path / "mosaic.png", picture))
    assert painter.detect_mosaic() == 1
    plain, as_censor = _recorders(qtbot, painter)
    answers.script(Button.Yes)  # restore as a mosaic
    painter.save_and_decensor()
    assert "mosaic" in answers.asked[0][0].lower()
    assert as_censor == [("mosaic.png", "mosaic")] and plain == []
    original = np.array(Image.open(folders.original / "mosaic.png").convert("RGB"))
    assert np.array_equal(original, picture)  # the mosaic without green, for the mosaic run
    greened = exact_green(np.array(Image.open(folders.input / "mosaic.png").convert("RGB")))
    assert greened[70:140, 110:200].all()


def test_an_existing_original_makes_save_and_decensor_restore_as_mosaic(
    qtbot,
    painter: PainterWindow,  # noqa: F811
    folders: Folders,
    answers: Answers,
) -> None:
    clean = scene(200, 150, seed=3)
    save_png(folders.original / "art.png", clean)
    path = save_png(folders.input / "art.png", paint(clean, box(150, 200, 20, 20, 30, 30)))
    _open(painter, path)
    _rectangle(qtbot, painter, (120, 60), (160, 100))
    plain, as_censor = _recorders(qtbot, painter)
    answers.script(Button.Yes, Button.Yes)  # as a mosaic; replace the opened file
    painter.save_and_decensor()
    assert as_censor == [("art.png", "mosaic")] and plain == []
    # Answering No restores it as the window says (a bar).
    _rectangle(qtbot, painter, (10, 100), (30, 120))
    answers.script(Button.No)
    painter.save_and_decensor()
    assert plain == ["art.png"] and len(as_censor) == 1


def test_without_the_windows_hook_a_mosaic_mask_is_saved_and_the_user_told(
    qtbot,
    painter: PainterWindow,  # noqa: F811
    folders: Folders,
    answers: Answers,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    _open(painter, save_png(tmp_path / "mosaic.png", _mosaic_scene()))
    painter.detect_mosaic()
    plain: list[str] = []
    painter.decensor_requested.connect(plain.append)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    answers.script(Button.Yes)
    painter.save_and_decensor()
    assert plain == []  # never restored as a bar behind the user's back
    assert told and "Mosaic" in told[0]
    assert (folders.original / "mosaic.png").exists()


def test_the_window_restores_a_detected_mosaic_in_mosaic_mode_while_set_to_bar(
    qtbot,
    window: MainWindow,  # noqa: F811
    folders: Folders,
    answers: Answers,
    tmp_path: Path,
) -> None:
    from tests.test_gui import WAIT_MS

    picture = _mosaic_scene()
    assert window.censor == "bar"
    painter = window.open_painter(save_png(tmp_path / "mosaic.png", picture))  # noqa: F811
    assert painter.detect_mosaic() == 1
    answers.script(Button.Yes)
    with qtbot.waitSignal(window.batch_finished, timeout=WAIT_MS) as finished:
        painter.save_and_decensor()
    report = finished.args[0]
    assert [(r.input.name, r.status) for r in report.files] == [("mosaic.png", "restored")]
    assert window.censor == "bar"  # the window's own setting is left as it was
    restored = np.array(Image.open(folders.output / "mosaic.png").convert("RGB"))
    outside = ~painter.document.mask
    assert np.array_equal(restored[outside], picture[outside])  # outside the mask: untouched


# --- 11: letter shortcuts -------------------------------------------------------------------


def test_letter_shortcuts_work_while_the_size_box_has_focus(
    qtbot,
    painter: PainterWindow,  # noqa: F811
) -> None:
    painter.activateWindow()
    painter.size_box.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is painter.size_box)
    focused = painter.size_box
    for key, tool in zip("ERLB", ("eraser", "rectangle", "lasso", "brush"), strict=True):
        qtbot.keyClick(focused, key)
        assert painter.canvas.tool == tool, key
    size = painter.size_box.value()
    qtbot.keyClick(focused, "]")
    assert painter.size_box.value() == size + 4
    qtbot.keyClick(focused, "[")
    assert painter.size_box.value() == size


# --- 12: panning and one mouse mapping ------------------------------------------------------


def test_space_drag_pans_instead_of_painting(
    qtbot,
    painter: PainterWindow,  # noqa: F811
) -> None:
    canvas = painter.canvas
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    offset = QPointF(canvas.offset)
    _drag(qtbot, canvas, [(20, 20), (60, 40)])
    assert not painter.document.mask.any()
    assert canvas.offset - offset == QPointF(80, 40)  # 40 and 20 picture px at 2x
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    _drag(qtbot, canvas, [(20, 20), (60, 40)])
    assert painter.document.mask.any()


def test_right_drag_pans_as_in_the_compare_view_and_shift_drag_erases(
    qtbot,
    painter: PainterWindow,  # noqa: F811
) -> None:
    canvas = painter.canvas
    _rectangle(qtbot, painter, (10, 10), (90, 70))
    mask = painter.document.mask.copy()
    offset = QPointF(canvas.offset)
    _drag(qtbot, canvas, [(50, 40), (30, 40)], Qt.MouseButton.RightButton)
    assert np.array_equal(painter.document.mask, mask)
    assert canvas.offset - offset == QPointF(-40, 0)
    painter.set_tool("brush")
    painter.size_box.setValue(6)
    canvas.offset = QPointF(10, 10)
    start = canvas._to_widget(40.5, 20.5).toPoint()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, start)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, start)
    assert not painter.document.mask[20, 40] and painter.document.mask[20, 60]


def test_scroll_bars_follow_the_zoom_and_scroll_the_picture(
    qtbot,
    painter: PainterWindow,  # noqa: F811
) -> None:
    area = painter.centralWidget()
    assert isinstance(area, ScrolledView)
    canvas = painter.canvas
    canvas.fit()
    assert area.horizontal.minimum() == area.horizontal.maximum()  # the whole picture shows
    canvas.zoom(4.0)
    assert area.horizontal.maximum() > 0 and area.vertical.maximum() > 0
    area.horizontal.setValue(area.horizontal.maximum())
    assert canvas.offset.x() == -area.horizontal.maximum()
    # Panning moves the bars along.
    _drag(qtbot, canvas, [(90, 70), (100, 70)], Qt.MouseButton.MiddleButton)
    assert 0 < area.horizontal.value() < area.horizontal.maximum()
    assert area.horizontal.value() == round(-canvas.offset.x())


# --- 16, 17: overlay, fit, zoom, toolbar ---------------------------------------------------


def test_overlay_colour_and_opacity_change_the_view_not_the_saved_green(
    qtbot,
    painter: PainterWindow,  # noqa: F811
    folders: Folders,
) -> None:
    _rectangle(qtbot, painter, (30, 30), (60, 60))
    painter.set_overlay_color(QColor(255, 0, 255))
    painter.opacity_box.setValue(100)
    assert tuple(painter.canvas._overlay_rgba[40, 40]) == (255, 0, 255, 255)
    assert tuple(painter.canvas._overlay_rgba[5, 5]) == (0, 0, 0, 0)
    painter.save()
    saved = np.array(Image.open(folders.input / "art.png").convert("RGB"))
    assert (saved[30:60, 30:60] == GREEN).all()


def test_fit_enlarges_small_pictures_and_the_zoom_is_shown(
    qtbot,
    painter: PainterWindow,  # noqa: F811
) -> None:
    painter.canvas.fit()  # 200x150 in an 800x600 window
    assert painter.canvas.scale > 2
    painter.canvas.scale = 1.0
    painter.canvas.zoom(1.25)
    ratio = painter.canvas.devicePixelRatioF()
    assert painter.zoom_label.text() == f"{125 * ratio:.0f}%"


def test_toolbar_buttons_have_icons_and_keep_their_width(
    qtbot,
    painter: PainterWindow,  # noqa: F811
) -> None:
    undo_button = next(
        bar.widgetForAction(painter.undo_action)
        for bar in painter.findChildren(painter_module.QToolBar)
        if bar.widgetForAction(painter.undo_action) is not None
    )
    width = undo_button.width()
    assert not painter.undo_action.icon().isNull()
    assert all(not action.icon().isNull() for action in painter.tool_actions.values())
    _rectangle(qtbot, painter, (30, 30), (60, 60))
    qtbot.wait(50)
    assert painter.undo_action.text() == "Undo" and undo_button.width() == width


# --- 15: the brush works on its dirty rectangle ---------------------------------------------


def _full_canvas_edit(document: MaskDocument, draw) -> Edit:
    """The edit as the painter made it before issue 20: draw on a full-picture canvas."""
    canvas = np.zeros(document.mask.shape, np.uint8)
    draw(canvas)
    ys, xs = np.nonzero(canvas)
    if ys.size == 0:
        return Edit(0, 0, np.zeros((0, 0), bool), np.zeros((0, 0), bool))
    top, bottom, left, right = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    before = document.mask[top:bottom, left:right].copy()
    region = canvas[top:bottom, left:right]
    after = before.copy()
    after[region == 1] = True
    after[region == 2] = False
    after |= document.unknown[top:bottom, left:right]
    document.mask[top:bottom, left:right] = after
    return Edit(int(left), int(top), before, after)


def _reference(document: MaskDocument, kind: str, points, size: int, erase: bool) -> Edit:
    value = 2 if erase else 1
    if kind == "stroke":

        def draw(canvas: np.ndarray) -> None:
            for x, y in points:
                cv2.circle(canvas, (int(x), int(y)), max(size // 2, 0), value, -1, cv2.LINE_8)
            if len(points) > 1:
                line = np.array(points, np.int32).reshape(-1, 1, 2)
                cv2.polylines(canvas, [line], False, value, max(size, 1), cv2.LINE_8)

    elif kind == "rectangle":

        def draw(canvas: np.ndarray) -> None:
            cv2.rectangle(canvas, points[0], points[1], value, -1, cv2.LINE_8)

    else:

        def draw(canvas: np.ndarray) -> None:
            outline = np.array(points, np.int32).reshape(-1, 1, 2)
            cv2.fillPoly(canvas, [outline], value, cv2.LINE_8)

    return _full_canvas_edit(document, draw)


def test_dirty_rectangle_edits_equal_full_picture_rasterisation() -> None:
    rng = np.random.default_rng(20)
    height, width = 97, 131
    unknown = rng.random((height, width)) < 0.01
    mask = unknown.copy()

    def document() -> MaskDocument:
        picture = Picture(np.zeros((height, width, 3), np.uint8), "RGB")
        return MaskDocument(picture, mask.copy(), unknown=unknown.copy())

    ours, theirs = document(), document()
    for step in range(400):
        kind = ("stroke", "rectangle", "polygon")[step % 3]
        count = {"stroke": int(rng.integers(1, 5)), "rectangle": 2, "polygon": 5}[kind]
        # Points up to 40 px outside the picture: clipping at its borders is covered.
        points = [
            (int(rng.integers(-40, width + 40)), int(rng.integers(-40, height + 40)))
            for _ in range(count)
        ]
        size = int(rng.integers(1, 40))
        erase = bool(rng.random() < 0.4)
        if kind == "stroke":
            edit = ours.stroke(points, size, erase)
        elif kind == "rectangle":
            edit = ours.rectangle(points[0], points[1], erase)
        else:
            edit = ours.polygon(points, erase)
        expected = _reference(theirs, kind, points, size, erase)
        assert np.array_equal(ours.mask, theirs.mask), (step, kind, points, size)
        if expected.changed:
            assert (edit.x, edit.y) == (expected.x, expected.y)
            assert np.array_equal(edit.after, expected.after)
            assert np.array_equal(edit.before, expected.before)
        assert ours.masked_count == np.count_nonzero(ours.mask)
    ours.undo(edit)
    assert ours.masked_count == np.count_nonzero(ours.mask)


def test_a_brush_move_on_a_large_picture_touches_only_its_dirty_rectangle(
    qtbot,
    folders: Folders,
) -> None:
    picture = Picture(np.full((3000, 4000, 3), 128, np.uint8), "RGB")
    document = MaskDocument(picture, np.zeros((3000, 4000), bool))
    owner = PainterWindow(lambda: (folders.input, folders.original, "bar"))
    qtbot.addWidget(owner)
    canvas = painter_module.PaintCanvas(document, owner.undo_stack)
    qtbot.addWidget(canvas)
    canvas.resize(800, 600)
    canvas.scale, canvas.offset = 0.25, QPointF(0, 0)
    start = QPointF(100, 100)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start.toPoint())
    tracemalloc.start()
    for step in range(1, 11):
        position = start + QPointF(4 * step, 2 * step)
        event = QMouseEvent(
            QMouseEvent.Type.MouseMove, position, position, Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
        canvas.mouseMoveEvent(event)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert document.mask[400:420, 400:460].any()
    assert peak < 1_000_000  # a full-picture canvas alone is 12 MB


# --- beyond the anchors: Open Recent, whole-mask edits ---------------------------------------


def _recent_entries(painter: PainterWindow) -> list[str]:  # noqa: F811
    """The pictures File > Open Recent shows when the File menu opens (its tooltips: paths)."""
    painter.menuBar().actions()[0].menu().aboutToShow.emit()
    return [a.toolTip() for a in painter.recent_menu.actions()
            if not a.isSeparator() and a.text() != "Clear list"]  # fmt: skip


def test_open_recent_keeps_the_last_ten_pictures_drops_deleted_ones_and_clears(
    qtbot,
    painter: PainterWindow,  # noqa: F811
    settings,  # noqa: F811
    folders: Folders,
    tmp_path: Path,
) -> None:
    first = tmp_path / "source" / "art.png"  # opened by the fixture
    assert _recent_entries(painter) == [str(first.resolve())]
    files = painter.menuBar().actions()[0].menu()
    assert painter.recent_menu.menuAction() in files.actions()
    pictures = [save_png(tmp_path / "pics" / f"p{n:02d}.png", scene(40, 30, seed=n))
                for n in range(12)]  # fmt: skip
    for path in pictures:
        assert painter.open_file(path)
    latest = [str(path.resolve()) for path in reversed(pictures)][:10]
    assert _recent_entries(painter) == latest
    texts = [a.text() for a in painter.recent_menu.actions() if not a.isSeparator()]
    assert texts[0] == "&1 p11.png" and texts[9] == "1&0 p02.png" and texts[-1] == "Clear list"
    # Kept in the settings: a painter opened later (the next start) lists the same.
    again = PainterWindow(lambda: (folders.input, folders.original, "bar"), settings=settings)
    qtbot.addWidget(again)
    assert _recent_entries(again) == latest
    # Opening one again puts it first; a deleted one is dropped from the menu and the settings.
    entry = next(a for a in again.recent_menu.actions() if a.toolTip() == latest[4])
    entry.trigger()
    assert again.document.source == Path(latest[4])
    pictures[11].unlink()
    shown = _recent_entries(again)
    assert shown == [latest[4], *latest[1:4], *latest[5:]]
    assert str(pictures[11].resolve()) not in settings.value("painter/recent", [], type=list)
    # Clear list empties it.
    clear = next(a for a in again.recent_menu.actions() if a.text() == "Clear list")
    assert clear.isEnabled()
    clear.trigger()
    assert _recent_entries(again) == [] and settings.value("painter/recent") is None
    clear = next(a for a in again.recent_menu.actions() if a.text() == "Clear list")
    assert not clear.isEnabled()


def test_clear_invert_and_fill_the_mask_from_the_edit_menu_each_undoable(
    qtbot,
    painter: PainterWindow,  # noqa: F811
) -> None:
    _rectangle(qtbot, painter, (30, 30), (59, 59))
    painted = painter.document.mask.copy()
    edit_menu = painter.menuBar().actions()[1].menu()
    assert edit_menu.title() == "&Edit"
    in_menu = {a.text(): a for a in edit_menu.actions() if not a.isSeparator()}
    assert {"Clear mask", "Invert mask", "Fill mask"} <= set(in_menu)
    # Shortcuts from the keyboard, while the canvas has focus.
    painter.activateWindow()
    painter.canvas.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is painter.canvas)
    control = Qt.KeyboardModifier.ControlModifier
    for key, expected in ((Qt.Key.Key_A, np.ones_like(painted)), (Qt.Key.Key_I, ~painted),
                          (Qt.Key.Key_D, np.zeros_like(painted))):  # fmt: skip
        qtbot.keyClick(painter.canvas, key, control)
        assert np.array_equal(painter.document.mask, expected), key
        assert painter.document.masked_count == int(expected.sum())
        assert painter.modified
        painter.undo_stack.undo()
        assert np.array_equal(painter.document.mask, painted), key
        assert np.array_equal(painter.canvas._overlay_rgba[..., 3] > 0, painted)  # redrawn
    in_menu["Invert mask"].trigger()
    painter.undo_stack.undo()
    painter.undo_stack.redo()
    assert np.array_equal(painter.document.mask, ~painted)
    assert painter.undo_stack.undoText() == "invert mask"
    # Nothing to clear: no empty step on the undo stack.
    in_menu["Clear mask"].trigger()
    steps = painter.undo_stack.count()
    assert not painter.clear_mask() and painter.undo_stack.count() == steps


def test_every_painter_shortcut_is_in_a_menu_and_none_is_taken_twice(
    painter: PainterWindow,  # noqa: F811
) -> None:
    menus = [a.menu() for a in painter.menuBar().actions()]
    assert [m.title().replace("&", "") for m in menus] == ["File", "Edit", "Tools", "View"]
    in_menus = {a for menu in menus for a in menu.actions() if not a.isSeparator()}
    shortcuts = [key.toString() for a in in_menus for key in a.shortcuts()]
    assert len(shortcuts) == len(set(shortcuts)), sorted(shortcuts)
    with_keys = {a for bar in painter.findChildren(painter_module.QToolBar)
                 for a in bar.actions() if not a.shortcut().isEmpty()}  # fmt: skip
    assert with_keys <= in_menus  # what the toolbars do by key, the menus show


def test_clearing_a_mask_without_its_original_keeps_the_unknown_green(
    painter: PainterWindow,  # noqa: F811
    folders: Folders,
) -> None:
    hole = box(150, 200, 20, 20, 30, 30)
    path = save_png(folders.input / "green.png", paint(scene(200, 150, seed=3), hole))
    assert painter.open_file(path)  # no original: what is under the green is unknown
    assert painter.clear_mask() is False  # nothing could be cleared
    assert np.array_equal(painter.document.mask, hole)
    assert painter.invert_mask()
    assert painter.document.mask.all()
