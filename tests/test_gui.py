"""The window and the painting tool, driven through real widgets (offscreen)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent, QMouseEvent

from decensor_app.gui.main_window import MainWindow
from decensor_app.gui.painter import PainterWindow
from decensor_app.masks import GREEN, exact_green
from decensor_app.pipeline import BatchReport, Progress
from tests.conftest import Folders, box, paint, save_png, scene

REPO = Path(__file__).resolve().parents[1]
WAIT_MS = 120_000


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings: QSettings, folders: Folders, tmp_path: Path) -> MainWindow:
    main = MainWindow(settings=settings, models_dir=tmp_path / "no-models")
    qtbot.addWidget(main)
    main.folder_edits["input"].setText(str(folders.input))
    main.folder_edits["original"].setText(str(folders.original))
    main.folder_edits["output"].setText(str(folders.output))
    return main


def _greened_files(folders: Folders, count: int) -> None:
    for index in range(count):
        hole = box(120, 160, 10 + index, 10, 30, 30) | box(120, 160, 100, 60, 25, 25)
        save_png(folders.input / f"{index:02d}.png", paint(scene(seed=index), hole))


def _run(qtbot, window: MainWindow, **start: object) -> BatchReport:
    with qtbot.waitSignal(window.batch_finished, timeout=WAIT_MS) as signal:
        assert window.start(**start)  # type: ignore[arg-type]
    return signal.args[0]


def test_decensor_writes_the_outputs_and_reports_progress(
    qtbot, window: MainWindow, folders: Folders
) -> None:
    _greened_files(folders, 3)
    events: list[Progress] = []
    window.files_bar.valueChanged.connect(lambda value: events.append(value))
    report = _run(qtbot, window)
    assert report.count("restored") == 3
    assert sorted(p.name for p in folders.output.iterdir()) == ["00.png", "01.png", "02.png"]
    assert window.files_bar.value() == window.files_bar.maximum() == 3
    assert window.regions_bar.value() == window.regions_bar.maximum() == 2
    assert events and events[-1] == 3
    assert window.results.count() == 3 and window.compare.after is not None
    assert "3 restored, 0 skipped, 0 failed" in window.log.toPlainText()
    assert window.decensor_button.isEnabled() and not window.cancel_button.isEnabled()
    # Again: the results exist, are skipped, and can still be viewed.
    report = _run(qtbot, window)
    assert report.count("skipped") == 3
    assert window.results.count() == 3 and "(earlier result)" in window.results.item(0).text()


def test_failures_are_logged_per_file_with_their_reason(
    qtbot, window: MainWindow, folders: Folders
) -> None:
    _greened_files(folders, 1)
    save_png(folders.input / "plain.png", scene())
    report = _run(qtbot, window)
    assert report.count("failed") == 1
    log = window.log.toPlainText()
    assert "failed plain.png: no green" in log and "1 restored, 0 skipped, 1 failed" in log


def test_cancel_mid_batch_stops_and_leaves_no_partial_file(
    qtbot, window: MainWindow, folders: Folders
) -> None:
    _greened_files(folders, 12)
    window.variations_combo.setCurrentText("4")
    with qtbot.waitSignal(window.batch_finished, timeout=WAIT_MS) as signal:
        window.start()
        qtbot.waitUntil(lambda: window.results.count() > 0, timeout=WAIT_MS)
        window.cancel()
    report: BatchReport = signal.args[0]
    assert report.cancelled
    restored = [r for r in report.files if r.status == "restored"]
    assert 0 < len(restored) < 12
    written = sorted(p.name for p in folders.output.iterdir())
    expected = sorted(f"{r.input.stem}_v{n}.png" for r in restored for n in range(1, 5))
    assert written == expected  # complete sets only, no temporary files
    assert "cancelled" in window.log.toPlainText()


def test_the_model_and_censor_type_chosen_reach_the_pipeline(
    qtbot, window: MainWindow, folders: Folders
) -> None:
    _greened_files(folders, 1)
    save_png(folders.original / "00.png", scene(seed=0))
    window.mosaic_radio.setChecked(True)
    names = [window.model_combo.itemData(i) for i in range(window.model_combo.count())]
    assert names == ["mosaic-bicubic", "mosaic-lanczos"]  # only models that restore mosaics
    window.model_combo.setCurrentIndex(names.index("mosaic-lanczos"))
    report = _run(qtbot, window)
    assert report.model == "mosaic-lanczos"
    assert window.options().censor == "mosaic"
    window.bar_radio.setChecked(True)
    assert window.model_combo.currentData() == "telea"


def test_settings_persist_between_runs(
    qtbot, settings: QSettings, window: MainWindow, folders: Folders, tmp_path: Path
) -> None:
    window.mosaic_radio.setChecked(True)
    window.variations_combo.setCurrentText("4")
    window.overwrite_check.setChecked(True)
    window.model_combo.setCurrentIndex(window.model_combo.findData("mosaic-lanczos"))
    window.strict_check.setChecked(False)
    window.close()
    again = MainWindow(settings=settings, models_dir=tmp_path / "no-models")
    qtbot.addWidget(again)
    assert again.folder_edits["input"].text() == str(folders.input)
    assert again.censor == "mosaic"
    assert again.variations_combo.currentText() == "4"
    assert not again.overwrite_check.isChecked()  # destructive: never remembered (issue 20.10)
    assert not again.strict_check.isChecked()  # a stored "false" is not a true string
    assert again.model_combo.currentData() == "mosaic-lanczos"


def test_averaging_the_flips_turns_variations_off_runs_and_persists(
    qtbot, settings: QSettings, window: MainWindow, folders: Folders, tmp_path: Path
) -> None:
    window.variations_combo.setCurrentText("4")
    window.average_check.setChecked(True)
    assert window.variations_combo.currentText() == "1"
    assert not window.variations_combo.isEnabled()
    assert window.options().average_flips
    _greened_files(folders, 1)
    report = _run(qtbot, window)
    assert report.count("restored") == 1
    assert [p.name for p in folders.output.iterdir()] == ["00.png"]
    assert "average of 8 flips" in window.log.toPlainText()
    window.close()
    again = MainWindow(settings=settings, models_dir=tmp_path / "no-models")
    qtbot.addWidget(again)
    assert again.average_check.isChecked() and not again.variations_combo.isEnabled()
    again.average_check.setChecked(False)
    assert again.variations_combo.isEnabled() and not again.options().average_flips


def test_a_dropped_folder_becomes_the_input_folder(window: MainWindow, tmp_path: Path) -> None:
    data = QMimeData()  # kept here: the event does not own it
    data.setUrls([QUrl.fromLocalFile(str(tmp_path))])
    drop = QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.dropEvent(drop)
    assert window.folder_edits["input"].text() == str(tmp_path)


def test_clicking_decensor_restores_the_whole_folder(
    qtbot, window: MainWindow, folders: Folders
) -> None:
    # clicked(bool) reaching start(only=...) would restrict the batch to "False" and fail it.
    _greened_files(folders, 2)
    with qtbot.waitSignal(window.batch_finished, timeout=WAIT_MS) as signal:
        qtbot.mouseClick(window.decensor_button, Qt.MouseButton.LeftButton)
    report: BatchReport | None = signal.args[0]
    assert report is not None, window.log.toPlainText()
    assert report.count("restored") == 2
    assert sorted(p.name for p in folders.output.iterdir()) == ["00.png", "01.png"]


def test_clicking_paint_mask_opens_an_empty_painter(qtbot, window: MainWindow) -> None:
    # clicked(bool) reaching open_painter(path=...) would try to open the file "False".
    qtbot.mouseClick(window.paint_button, Qt.MouseButton.LeftButton)
    assert window.painter is not None and window.painter.isVisible()
    assert window.painter.document is None


def test_the_painter_pairs_originals_like_the_batch_any_extension_case(
    qtbot, window: MainWindow, folders: Folders
) -> None:
    hole = box(120, 160, 30, 30, 40, 40)
    save_png(folders.input / "pic.png", paint(scene(seed=4), hole))
    Image.fromarray(scene(seed=4)).save(folders.original / "pic.JPG", quality=95)
    window.mosaic_radio.setChecked(True)
    painter = window.open_painter(folders.input / "pic.png")
    assert painter.document is not None
    assert np.array_equal(painter.document.mask, hole)
    assert not painter.document.unknown.any()  # the original was found: green can be erased
    assert "no clean original" not in painter.status.text()


def test_the_window_shows_without_importing_tensorflow() -> None:
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM']='offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from decensor_app.gui.main_window import MainWindow\n"
        "app = QApplication([]); w = MainWindow(); w.show(); app.processEvents()\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_screenshot_option_renders_the_window_with_a_sample_result(tmp_path: Path) -> None:
    target = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "decensor_app.gui.app", "--screenshot", str(target)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    shot = np.array(Image.open(target).convert("RGB"))
    assert shot.shape[0] > 400 and shot.shape[1] > 800
    assert len(np.unique(shot.reshape(-1, 3), axis=0)) > 1000  # a picture is shown, not blank


# --- painting tool ---------------------------------------------------------------------------


@pytest.fixture
def painter(qtbot, folders: Folders, tmp_path: Path, settings: QSettings) -> PainterWindow:
    censor = {"value": "bar"}
    window = PainterWindow(
        lambda: (folders.input, folders.original, censor["value"]), settings=settings
    )
    window.censor = censor  # type: ignore[attr-defined]
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    source = tmp_path / "source" / "art.png"
    save_png(source, scene(200, 150, seed=3))
    assert window.open_file(source)
    qtbot.waitExposed(window)
    qtbot.wait(200)  # let the first layout pass (which fits the picture) finish
    # Zoom 2x so that every picture pixel has whole screen pixels to click on.
    window.canvas.scale, window.canvas.offset = 2.0, QPointF(10, 10)
    return window


def _drag(qtbot, canvas, points: list[tuple[int, int]], button=Qt.MouseButton.LeftButton) -> None:
    """Press, move through and release at picture coordinates (mapped like the canvas does)."""
    screen = [canvas._to_widget(x + 0.5, y + 0.5).toPoint() for x, y in points]
    qtbot.mousePress(canvas, button, pos=screen[0])
    for position in screen[1:]:
        event = QMouseEvent(
            QMouseEvent.Type.MouseMove, QPointF(position), QPointF(position), button, button,
            Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
        canvas.mouseMoveEvent(event)
    qtbot.mouseRelease(canvas, button, pos=screen[-1])


def test_brush_strokes_paint_exact_green_only_where_painted_and_undo_redo(
    qtbot, painter: PainterWindow, folders: Folders
) -> None:
    painter.size_box.setValue(10)
    _drag(qtbot, painter.canvas, [(20, 20), (60, 30), (100, 40)])
    mask = painter.document.mask.copy()
    assert 300 < mask.sum() < 2000
    assert mask[30, 60] and not mask[100, 150]
    painter.undo_stack.undo()
    assert not painter.document.mask.any()
    painter.undo_stack.redo()
    assert np.array_equal(painter.document.mask, mask)
    written = painter.save()
    assert written == [folders.input / "art.png"]
    saved = np.array(Image.open(written[0]).convert("RGB"))
    source = scene(200, 150, seed=3)
    assert np.array_equal(exact_green(saved), mask)  # exact green, no anti-aliased edge
    assert (saved[mask] == GREEN).all()
    assert np.array_equal(saved[~mask], source[~mask])
    assert not any(folders.original.iterdir())  # bar mode writes no original


def test_eraser_restores_the_pictures_own_pixels(
    qtbot, painter: PainterWindow, folders: Folders
) -> None:
    painter.set_tool("rectangle")
    _drag(qtbot, painter.canvas, [(10, 10), (90, 70)])
    assert painter.document.mask[10:70, 10:90].all()
    painter.set_tool("eraser")
    painter.size_box.setValue(8)
    _drag(qtbot, painter.canvas, [(50, 12), (50, 68)])
    painter.set_tool("lasso")
    _drag(qtbot, painter.canvas, [(120, 20), (180, 20), (180, 100), (120, 100)])
    assert painter.document.mask[50:90, 130:170].all()
    painter.save()
    saved = np.array(Image.open(folders.input / "art.png").convert("RGB"))
    source = scene(200, 150, seed=3)
    assert np.array_equal(saved[30:50, 49:52], source[30:50, 49:52])  # erased: picture again
    assert (saved[20:60, 20:40] == GREEN).all()
    assert painter.undo_stack.count() == 3


def test_mosaic_mode_saves_the_untouched_picture_into_the_originals_folder(
    qtbot, painter: PainterWindow, folders: Folders
) -> None:
    painter.censor["value"] = "mosaic"  # type: ignore[attr-defined]
    painter.set_tool("rectangle")
    _drag(qtbot, painter.canvas, [(30, 30), (80, 80)])
    written = painter.save()
    assert written == [folders.input / "art.png", folders.original / "art.png"]
    original = np.array(Image.open(folders.original / "art.png").convert("RGB"))
    assert np.array_equal(original, scene(200, 150, seed=3))
    # Reopening the greened file pairs it with its original: erasing works again.
    assert painter.open_file(folders.input / "art.png")
    assert painter.document.mask[30:80, 30:80].all()
    assert not painter.document.unknown.any()


def test_save_and_decensor_restores_just_that_picture(
    qtbot, window: MainWindow, folders: Folders, tmp_path: Path
) -> None:
    _greened_files(folders, 2)
    painter = window.open_painter()
    source = tmp_path / "new.png"
    save_png(source, scene(160, 120, seed=8))
    assert painter.open_file(source)
    painter.document.rectangle((40, 40), (90, 80))
    with qtbot.waitSignal(window.batch_finished, timeout=WAIT_MS) as signal:
        painter.save_and_decensor()
    report: BatchReport = signal.args[0]
    assert [r.input.name for r in report.files] == ["new.png"]
    assert sorted(p.name for p in folders.output.iterdir()) == ["new.png"]


def _answer_the_next_dialog(qtbot, button) -> list[str]:
    """Click ``button`` in the next modal dialog once it shows; returns its texts."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    texts: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        texts.append(dialog.text())
        chosen = dialog.button(button)
        if chosen is None:  # not the expected question (e.g. "Cannot save"): just close it
            texts.append("unexpected dialog")
            dialog.reject()
        else:
            chosen.click()

    QTimer.singleShot(0, answer)
    return texts


def test_a_green_input_reopened_from_the_input_folder_can_be_repainted_and_saved_back(
    qtbot, painter: PainterWindow, folders: Folders
) -> None:
    from PySide6.QtWidgets import QMessageBox

    old_hole = box(150, 200, 20, 20, 30, 30)
    path = save_png(folders.input / "art.png", paint(scene(200, 150, seed=3), old_hole))
    assert painter.open_file(path)
    assert painter.document.unknown.any()  # no original: the old green stays
    painter.canvas.scale, painter.canvas.offset = 2.0, QPointF(10, 10)
    painter.set_tool("rectangle")
    _drag(qtbot, painter.canvas, [(120, 60), (160, 100)])
    # Declining keeps the user's file as it was.
    before = path.read_bytes()
    texts = _answer_the_next_dialog(qtbot, QMessageBox.StandardButton.No)
    assert painter.save() == []
    assert texts and str(path) in texts[0]
    assert path.read_bytes() == before
    # Confirming saves the repainted mask back into the input folder.
    texts = _answer_the_next_dialog(qtbot, QMessageBox.StandardButton.Yes)
    assert painter.save() == [path]
    saved = np.array(Image.open(path).convert("RGB"))
    assert np.array_equal(exact_green(saved), old_hole | painter.document.mask)
    assert exact_green(saved)[60:100, 120:160].all() and exact_green(saved)[20:50, 20:50].all()
    assert np.array_equal(saved[~exact_green(saved)], scene(200, 150, seed=3)[~exact_green(saved)])


def test_a_repainted_mosaic_input_is_saved_back_and_its_original_is_left_untouched(
    qtbot, painter: PainterWindow, folders: Folders
) -> None:
    from PySide6.QtWidgets import QMessageBox

    painter.censor["value"] = "mosaic"  # type: ignore[attr-defined]
    clean = scene(200, 150, seed=3)
    original = save_png(folders.original / "art.png", clean)
    original_bytes = original.read_bytes()
    path = save_png(folders.input / "art.png", paint(clean, box(150, 200, 20, 20, 30, 30)))
    assert painter.open_file(path)
    painter.canvas.scale, painter.canvas.offset = 2.0, QPointF(10, 10)
    painter.set_tool("eraser")
    painter.size_box.setValue(6)
    _drag(qtbot, painter.canvas, [(35, 22), (35, 48)])  # erase a stripe of the old green
    _answer_the_next_dialog(qtbot, QMessageBox.StandardButton.Yes)
    assert painter.save() == [path, original]
    saved = np.array(Image.open(path).convert("RGB"))
    assert np.array_equal(exact_green(saved), painter.document.mask)
    assert not exact_green(saved)[30:40, 34].any()  # erased back to the picture
    assert original.read_bytes() == original_bytes
