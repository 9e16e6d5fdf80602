"""The main window as a new user meets it (issue 20: items 6-10, 12-14, 19-21), through real
widgets (offscreen) on real files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import namedtuple
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QContextMenuEvent, QImage, QMouseEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStyleFactory,
)

import decensor_app.folders as folders_module
import decensor_app.gui.main_window as main_window_module
import decensor_app.gui.worker as worker_module
from decensor_app.engines import Engine
from decensor_app.engines.classical import builtin_engines
from decensor_app.engines.native_log import quiet_native_stderr
from decensor_app.gui.app import dark_palette
from decensor_app.gui.main_window import MainWindow
from decensor_app.pipeline import BatchReport
from tests.conftest import Folders, box, paint, save_png, scene, unwritable

REPO = Path(__file__).resolve().parents[1]
WAIT_MS = 120_000


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _window(qtbot, settings: QSettings, tmp_path: Path, **kwargs: object) -> MainWindow:
    main = MainWindow(settings=settings, models_dir=tmp_path / "no-models", **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(main)
    return main


@pytest.fixture
def window(qtbot, settings: QSettings, folders: Folders, tmp_path: Path) -> MainWindow:
    # Its own empty default folders: what the checkout's decensor_output/ holds (after
    # ./decensor.sh, say) must not reach the log the tests read.
    base = tmp_path / "base"
    for name in main_window_module.DEFAULT_FOLDERS.values():
        (base / name).mkdir(parents=True)
    main = _window(qtbot, settings, tmp_path, base_dir=base)
    main.folder_edits["input"].setText(str(folders.input))
    main.folder_edits["original"].setText(str(folders.original))
    main.folder_edits["output"].setText(str(folders.output))
    return main


def _greened(folders: Folders, count: int) -> None:
    for index in range(count):
        hole = box(120, 160, 10 + index, 10, 30, 30) | box(120, 160, 100, 60, 25, 25)
        save_png(folders.input / f"{index:02d}.png", paint(scene(seed=index), hole))


def _run(qtbot, window: MainWindow) -> BatchReport:
    with qtbot.waitSignal(window.batch_finished, timeout=WAIT_MS) as signal:
        assert window.start()
    return signal.args[0]


def _pixels(image: QImage) -> np.ndarray:
    """HxWx3 uint8 RGB of ``image``."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    row = np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(), rgb.bytesPerLine())
    return row[:, : rgb.width() * 3].reshape(rgb.height(), rgb.width(), 3).copy()


def _isolated(tmp_path: Path) -> dict[str, str]:
    """The environment for a window in a subprocess: its own (empty) settings and data
    folders, not the user's saved window size and folders."""
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


def _log(window: MainWindow) -> str:
    return window.log.toPlainText()


# --- 7: default folders, checked before anything loads, never saved when wrong --------------


def test_started_from_another_folder_the_defaults_are_the_folders_beside_the_app(
    qtbot, settings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "desktop"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # a desktop launcher's working folder
    main = _window(qtbot, settings, tmp_path)
    assert Path(main.folder_edits["input"].text()) == REPO / "decensor_input"
    assert Path(main.folder_edits["output"].text()) == REPO / "decensor_output"
    assert not (elsewhere / "decensor_input").exists()


def test_without_folders_beside_the_app_a_user_folder_is_laid_out_with_the_sample(
    qtbot, settings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(folders_module, "APP_TOP_LEVEL", tmp_path / "site-packages")
    monkeypatch.setattr(main_window_module, "user_data_dir", lambda: tmp_path / "data")
    main = _window(qtbot, settings, tmp_path)
    data = tmp_path / "data"
    assert Path(main.folder_edits["input"].text()) == data / "decensor_input"
    assert (data / "decensor_input" / "sample.png").is_file()
    assert (data / "decensor_input_original").is_dir() and (data / "decensor_output").is_dir()


def test_a_wrong_folder_is_refused_before_loading_and_never_saved(
    qtbot, settings: QSettings, window: MainWindow, folders: Folders, tmp_path: Path
) -> None:
    _greened(folders, 1)
    window.save_settings()
    gone = tmp_path / "gone"
    window.folder_edits["input"].setText(str(gone))
    assert not window.start()
    assert window.worker is None and window.batch_thread is None  # no model loading started
    assert f"input folder {gone} does not exist" in _log(window)
    window.close()  # saves the settings
    assert settings.value("folders/input") == str(folders.input)  # the good one is kept
    # A saved folder that disappeared is not used at the next launch.
    settings.setValue("folders/input", str(gone))
    again = _window(qtbot, settings, tmp_path)
    assert again.folder_edits["input"].text() != str(gone)
    assert f"the saved input folder {gone} no longer exists" in _log(again)


# --- 8: an empty input folder; the idle bar ---------------------------------------------------


def test_an_empty_input_folder_says_so_and_the_idle_bars_count_nothing(
    window: MainWindow, folders: Folders
) -> None:
    assert "0 of 1" not in window.files_bar.text()
    save_png(folders.original / "not-an-input.png", scene())
    assert not window.start()
    assert f"no PNG pictures in {folders.input}" in _log(window)
    assert "0 restored" not in _log(window)
    assert "0 of 1" not in window.files_bar.text() and "0 of 1" not in window.regions_bar.text()


# --- 10: overwrite is not remembered ----------------------------------------------------------


def test_overwrite_is_not_remembered_across_launches(
    qtbot, settings: QSettings, window: MainWindow, tmp_path: Path
) -> None:
    window.overwrite_check.setChecked(True)
    window.strict_check.setChecked(True)
    window.close()
    assert settings.value("overwrite") is None
    again = _window(qtbot, settings, tmp_path)
    assert not again.overwrite_check.isChecked()
    assert again.strict_check.isChecked()  # the harmless choices still are


# --- 21: an output folder that cannot take the results; no file manager ----------------------


def test_a_read_only_output_folder_is_found_before_anything_is_restored(
    window: MainWindow, folders: Folders
) -> None:
    _greened(folders, 2)
    folders.output.mkdir()
    with unwritable(folders.output):
        assert not window.start()
    assert "cannot write into output folder" in _log(window)
    assert window.worker is None and not list(folders.output.iterdir())


def test_a_full_output_folder_is_found_before_anything_is_restored(
    window: MainWindow, folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    _greened(folders, 2)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(folders_module.shutil, "disk_usage", lambda _: usage(10**9, 10**9, 4096))
    assert not window.start()
    assert f"output folder {folders.output} is full" in _log(window)
    assert window.worker is None


def test_open_output_folder_says_when_no_file_manager_opens_it(
    window: MainWindow, folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def no_file_manager(url) -> bool:
        opened.append(url.toLocalFile())
        return False

    monkeypatch.setattr(main_window_module.QDesktopServices, "openUrl", no_file_manager)
    window.open_output_folder()
    assert opened == [str(folders.output.resolve())]
    assert "no file manager could open the output folder" in _log(window)
    assert str(folders.output.resolve()) in _log(window)


# --- 6 and 9: what the results list and the compare view show ---------------------------------


def test_mosaic_mode_compares_the_result_with_the_original_not_the_green_copy(
    qtbot, window: MainWindow, folders: Folders
) -> None:
    hole = box(120, 160, 30, 30, 40, 40)
    original = scene(seed=5)
    save_png(folders.input / "pic.png", paint(original, hole))
    save_png(folders.original / "pic.png", original)
    window.mosaic_radio.setChecked(True)
    report = _run(qtbot, window)
    assert report.count("restored") == 1
    assert window.compare.before is not None
    assert np.array_equal(_pixels(window.compare.before), original)


def test_earlier_results_are_listed_at_launch_in_the_windows_words(
    qtbot, settings: QSettings, window: MainWindow, folders: Folders, tmp_path: Path
) -> None:
    _greened(folders, 2)
    window.variations_combo.setCurrentText("2")
    assert _run(qtbot, window).count("restored") == 2
    window.close()
    again = _window(qtbot, settings, tmp_path)
    labels = sorted(again.results.item(i).text() for i in range(again.results.count()))
    assert labels == [f"0{n}_v{v}.png (earlier result)" for n in (0, 1) for v in (1, 2)]
    assert again.compare.after is not None  # the first one is shown
    # Run again: skipped, and said with the window's own words.
    report = _run(qtbot, again)
    assert report.count("skipped") == 2
    assert "--overwrite" not in _log(again)
    assert '"Overwrite existing results"' in _log(again)


# --- 13 and 12: the compare view's keys and mouse ---------------------------------------------


@pytest.fixture
def shown(qtbot, window: MainWindow) -> MainWindow:
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    picture = scene(seed=1)
    window.compare.set_images(picture, picture[::-1].copy())
    return window


@pytest.mark.parametrize("where", ["results", "log", "decensor_button"])
def test_t_toggles_the_compare_view_from_anywhere_in_the_window(
    qtbot, shown: MainWindow, where: str
) -> None:
    widget = getattr(shown, where)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    qtbot.keyClick(widget, Qt.Key.Key_T)
    assert shown.compare.only == "before"
    qtbot.keyClick(widget, Qt.Key.Key_T)
    assert shown.compare.only == "after"


def test_a_double_click_fits_without_moving_the_split_line(qtbot, shown: MainWindow) -> None:
    compare = shown.compare
    compare.zoom(2.0)
    left = QPoint(round(compare.offset.x()) + 5, compare.height() // 2)
    # What the window system sends for a double-click: press, release, press, double-click,
    # release (QTest's mouseDClick sends no first press).
    qtbot.mousePress(compare, Qt.MouseButton.LeftButton, pos=left)
    qtbot.mouseRelease(compare, Qt.MouseButton.LeftButton, pos=left)
    qtbot.mousePress(compare, Qt.MouseButton.LeftButton, pos=left)
    double = QMouseEvent(
        QEvent.Type.MouseButtonDblClick, QPointF(left), compare.mapToGlobal(QPointF(left)),
        Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(compare, double)
    qtbot.mouseRelease(compare, Qt.MouseButton.LeftButton, pos=left)
    qtbot.wait(QApplication.doubleClickInterval() + 100)
    assert compare.split == 0.5
    assert compare.scale < 2.0  # fitted
    # A single click still places the line (once it cannot be a double-click).
    qtbot.mouseClick(compare, Qt.MouseButton.LeftButton, pos=left)
    qtbot.waitUntil(lambda: compare.split < 0.2, timeout=3000)


def _drag(qtbot, widget, button: Qt.MouseButton, start: QPoint, delta: QPoint) -> None:
    qtbot.mousePress(widget, button, pos=start)
    move = QMouseEvent(
        QEvent.Type.MouseMove, QPointF(start + delta), widget.mapToGlobal(QPointF(start + delta)),
        Qt.MouseButton.NoButton, button, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(widget, move)
    qtbot.mouseRelease(widget, button, pos=start + delta)


@pytest.mark.parametrize("how", ["space+left", "right", "middle"])
def test_the_compare_view_pans_like_the_painter_without_moving_the_line(
    qtbot, shown: MainWindow, how: str
) -> None:
    # The painter's canvas pans with a right or middle drag or space + left drag.
    compare = shown.compare
    compare.zoom(4.0)
    compare.setFocus()
    qtbot.waitUntil(compare.hasFocus)
    start = QPointF(compare.offset)
    centre = QPoint(compare.width() // 2, compare.height() // 2)
    button = {"right": Qt.MouseButton.RightButton, "middle": Qt.MouseButton.MiddleButton}.get(
        how, Qt.MouseButton.LeftButton
    )
    if how == "space+left":
        qtbot.keyPress(compare, Qt.Key.Key_Space)
    _drag(qtbot, compare, button, centre, QPoint(30, 20))
    if how == "space+left":
        qtbot.keyRelease(compare, Qt.Key.Key_Space)
    assert compare.offset - start == QPointF(30, 20)
    assert compare.split == 0.5  # panning moved no line
    _drag(qtbot, compare, Qt.MouseButton.LeftButton, centre, QPoint(-100, 0))
    assert compare.split != 0.5  # without space, the left drag moves the line


def test_the_compare_view_has_scrollbars_that_pan(qtbot, shown: MainWindow) -> None:
    compare, bars = shown.compare, shown.compare_scroll
    compare.zoom(8.0)
    assert bars.horizontal.maximum() > bars.horizontal.minimum()
    assert bars.vertical.maximum() > bars.vertical.minimum()
    bars.horizontal.setValue(bars.horizontal.minimum())
    assert compare.offset.x() == -bars.horizontal.minimum()
    compare.pan_by(QPointF(-40, 0))
    assert bars.horizontal.value() == bars.horizontal.minimum() + 40


# --- 14: the model loads in the background, with a busy indicator ----------------------------


class _SlowLoad:
    """Replaces the model loader: blocks until released (at most ``limit`` seconds)."""

    def __init__(self, limit: float = 8.0) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.limit = limit

    def __call__(self, name: str, censor: str, models_dir: Path | None) -> Engine:
        self.started.set()
        self.release.wait(self.limit)
        return {engine.info.name: engine for engine in builtin_engines()}[name]


def test_the_model_loads_when_the_window_opens_with_a_busy_indicator(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = _SlowLoad()
    monkeypatch.setattr(worker_module, "load_engine", slow)
    window.show()
    qtbot.waitUntil(slow.started.is_set, timeout=5000)
    assert window.files_bar.maximum() == 0  # Qt's busy indicator
    assert "Loading model telea" in window.statusBar().currentMessage()
    slow.release.set()
    qtbot.waitUntil(lambda: window.files_bar.maximum() != 0, timeout=5000)
    assert "loaded" in window.statusBar().currentMessage()


def test_quitting_while_the_model_loads_does_not_freeze(
    qtbot, window: MainWindow, folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = _SlowLoad()
    monkeypatch.setattr(worker_module, "load_engine", slow)
    _greened(folders, 1)
    window.show()
    assert window.start()
    qtbot.waitUntil(slow.started.is_set, timeout=5000)
    assert window.files_bar.maximum() == 0
    began = time.perf_counter()
    window.close()
    assert time.perf_counter() - began < 2.0
    slow.release.set()
    assert not list(folders.output.glob("*.png"))


@pytest.mark.slow
def test_a_learned_model_loads_after_the_window_shows_and_tensorflow_stays_quiet(
    tmp_path: Path,
) -> None:
    code = (
        "import os, sys, time\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from decensor_app.gui.main_window import MainWindow\n"
        "app = QApplication([]); w = MainWindow()\n"
        "print('before show', 'tensorflow' in sys.modules, flush=True)\n"
        "w.show(); app.processEvents()\n"
        "end = time.time() + 200\n"
        # Sleeping between rounds: PySide6 on Python 3.11 leaks a reference to None per
        # processEvents() call, which millions of calls turn into a crash.
        "while w.loading_model is not None and time.time() < end:\n"
        "    app.processEvents(); time.sleep(0.02)\n"
        "print('loaded', 'keras' in sys.modules, w.files_bar.maximum(), flush=True)\n"
    )
    env = {
        **_isolated(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
        "DECENSOR_MODELS_DIR": str(REPO / "models"),
    }
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO,
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The shipped models have ONNX graphs: the window never imports Keras or TensorFlow.
    assert result.stdout.splitlines() == ["before show False", "loaded False 1"]
    for chatter in ("oneDNN", "cuda", "absl", "I0000", "E0000"):
        assert chatter not in result.stderr, result.stderr


@pytest.mark.slow
def test_quitting_while_a_learned_model_loads_exits_at_once(tmp_path: Path) -> None:
    code = (
        "import sys, time\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from decensor_app.gui.main_window import MainWindow\n"
        "app = QApplication([]); w = MainWindow(); w.show(); app.processEvents()\n"
        "assert w.loading_model is not None\n"
        "began = time.time(); w.close(); app.quit()\n"
        "print(f'{time.time() - began:.2f}', flush=True)\n"
    )
    env = {
        **_isolated(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
        "DECENSOR_MODELS_DIR": str(REPO / "models"),
    }
    began = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO,
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.strip()) < 1.0
    assert time.perf_counter() - began < 30


# --- 19: a scaled screen ----------------------------------------------------------------------


def test_at_scale_factor_2_the_window_fits_the_screen(tmp_path: Path) -> None:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [
        {"name": "hd", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96,
         "logicalBaseDpi": 96, "dpr": 1},
    ]}))  # fmt: skip
    code = (
        "from PySide6.QtWidgets import QApplication\n"
        "from decensor_app.gui.main_window import MainWindow\n"
        "app = QApplication([]); w = MainWindow(); w.show(); app.processEvents()\n"
        "a = app.primaryScreen().availableGeometry(); f = w.frameGeometry()\n"
        "print(a.width(), a.height(), a.contains(f), f.width(), f.height())\n"
    )
    env = {
        **_isolated(tmp_path),
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": "2",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO,
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    width, height, fits, *_ = result.stdout.split()
    assert (width, height) == ("960", "540")  # the scale factor applies
    assert fits == "True", result.stdout


# --- 20: menus, About, icon, tooltips, originals row, log, bars after cancel ------------------


def test_every_action_is_in_a_menu_with_its_shortcut(window: MainWindow) -> None:
    menus = {action.text().replace("&", ""): action.menu() for action in window.menuBar().actions()}
    assert list(menus) == ["File", "Edit", "View", "Help"]
    in_menus = {a for menu in menus.values() for a in menu.actions() if not a.isSeparator()}
    assert set(window.actions()) <= in_menus  # every shortcut of the window is in a menu
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in in_menus}
    assert shortcuts["Decensor"] == "Ctrl+Return"
    assert shortcuts["Toggle before / after"] == "T"
    assert shortcuts["Paint mask..."] == "Ctrl+P"
    assert shortcuts["Save log..."] == "Ctrl+S"
    assert {"About decensor", "Quit", "Cancel", "Open output folder"} <= set(shortcuts)


def test_the_about_box_shows_the_version_and_the_models_cards(
    qtbot, settings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        main_window_module.AboutDialog,
        "exec",
        lambda self: shown.append(self.browser.toPlainText()),
    )
    main = MainWindow(settings=settings, models_dir=REPO / "models")
    qtbot.addWidget(main)
    main.actions_by_name["About decensor"].trigger()
    assert len(shown) == 1
    text = shown[0]
    assert re.search(r"decensor \d+\.\d+", text)
    for model in ("gated-conv-bar", "mosaic-sr", "gated-conv-mosaic", "telea"):
        assert model in text
    assert "CC-BY-SA-4.0" in text and "openclipart" in text and "GPL-2" in text


def test_icon_tooltips_and_the_originals_folder_only_in_mosaic_mode(window: MainWindow) -> None:
    assert not window.windowIcon().isNull()
    kinds = (QPushButton, QCheckBox, QRadioButton, QComboBox, QLineEdit, QProgressBar,
             QListWidget, QPlainTextEdit)  # fmt: skip
    untipped = [
        f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"
        for kind in kinds
        for w in window.findChildren(kind)
        if not w.toolTip() and w.window() is window and not isinstance(w.parent(), QComboBox)
    ]
    assert untipped == []
    assert "_v1" in window.variations_combo.toolTip()
    combo = window.model_combo
    for index in range(combo.count()):
        assert combo.itemData(index, Qt.ItemDataRole.ToolTipRole)
    window.bar_radio.setChecked(True)
    assert not window.folder_edits["original"].isEnabled()
    window.mosaic_radio.setChecked(True)
    assert window.folder_edits["original"].isEnabled()


def test_the_log_has_times_and_can_be_saved(
    window: MainWindow, folders: Folders, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not window.start()  # empty input: one line in the log
    assert re.match(r"\[\d\d:\d\d:\d\d\] cannot start: no PNG", _log(window))
    target = tmp_path / "log.txt"
    monkeypatch.setattr(
        main_window_module.QFileDialog, "getSaveFileName", lambda *args, **kw: (str(target), "")
    )
    window.actions_by_name["Save log"].trigger()
    assert target.read_text(encoding="utf-8").strip() == _log(window).strip()


def test_the_bars_are_reset_after_cancel(qtbot, window: MainWindow, folders: Folders) -> None:
    _greened(folders, 12)
    window.variations_combo.setCurrentText("4")
    with qtbot.waitSignal(window.batch_finished, timeout=WAIT_MS) as signal:
        window.start()
        qtbot.waitUntil(lambda: window.results.count() > 0, timeout=WAIT_MS)
        window.cancel()
    assert signal.args[0].cancelled
    assert window.files_bar.value() == 0 and window.files_bar.text() == "files"
    assert window.regions_bar.value() == 0 and window.regions_bar.text() == "regions"


# --- 18 and 22: readable label, the system's colour scheme ------------------------------------


def test_the_compare_label_is_readable_on_a_white_picture(qtbot, shown: MainWindow) -> None:
    white = np.full((300, 400, 3), 255, np.uint8)
    compare = shown.compare
    compare.set_images(white, white)
    compare.scale, compare.offset = 4.0, QPointF(-10, -10)  # the picture under the label
    shot = compare.grab().toImage()
    behind_label = _pixels(shot)[8:20, 8:60]
    assert behind_label.mean() < 128  # a dark box under the white text


def test_the_dark_colour_scheme_gives_a_dark_window(tmp_path: Path) -> None:
    code = (
        "from PySide6.QtGui import QPalette\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from decensor_app.gui.app import apply_colour_scheme\n"
        "from decensor_app.gui.main_window import MainWindow\n"
        "app = QApplication([])\n"
        "for theme in ('dark', 'light'):\n"
        "    apply_colour_scheme(app, theme); w = MainWindow(); w.show(); app.processEvents()\n"
        "    window = w.palette().color(QPalette.ColorRole.Window).lightness()\n"
        "    view = w.compare.grab().toImage().pixelColor(3, 100).lightness()\n"
        "    print(theme, window, view)\n"
    )
    env = {**_isolated(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO,
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    values = {
        line.split()[0]: [int(v) for v in line.split()[1:]] for line in result.stdout.splitlines()
    }
    assert values["dark"][0] < 100 < values["light"][0]
    assert values["dark"][1] < values["light"][1]  # the compare view follows the palette


def _lightness(rgb: np.ndarray) -> np.ndarray:
    """CIE L* (0-100, perceived lightness) of sRGB ``rgb`` (...x3, 0-255)."""
    linear = rgb / 255.0
    linear = np.where(linear <= 0.04045, linear / 12.92, ((linear + 0.055) / 1.055) ** 2.4)
    luminance = linear @ np.array([0.2126, 0.7152, 0.0722])
    return np.where(luminance > 216 / 24389, 116 * np.cbrt(luminance) - 16,
                    luminance * 24389 / 27)  # fmt: skip


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("kind", [QCheckBox, QRadioButton])
@pytest.mark.parametrize("checked", [False, True])
def test_check_box_and_radio_button_indicators_stand_out_from_the_window(
    qtbot, theme: str, kind: type, checked: bool
) -> None:
    """Drawn by Fusion (as apply_colour_scheme sets it) in the palette: the indicator has
    pixels that differ clearly from the window (at least 15 L*: about what the light
    palette's outline gives an unchecked box, 18)."""
    fusion = QStyleFactory.create("Fusion")
    palette = fusion.standardPalette()
    if theme == "dark":
        palette = dark_palette(palette)
    widget = kind("")
    qtbot.addWidget(widget)
    widget.setStyle(fusion)
    widget.setPalette(palette)
    widget.setChecked(checked)
    widget.show()
    qtbot.waitExposed(widget)
    shot = _pixels(widget.grab().toImage()).astype(float)
    indicator = shot[:, : shot.shape[0]]  # the square at the left, as high as the widget
    window = palette.color(QPalette.ColorRole.Window)
    background = _lightness(np.array([window.red(), window.green(), window.blue()], float))
    contrast = np.abs(_lightness(indicator) - background)
    assert np.count_nonzero(contrast >= 15) >= 20, f"at most {contrast.max():.1f} L* apart"


def test_the_dark_palette_keeps_bevels_in_order_and_fields_apart_from_the_window() -> None:
    dark = dark_palette(QStyleFactory.create("Fusion").standardPalette())
    role = QPalette.ColorRole
    order = [dark.color(r).lightness() for r in
             (role.Light, role.Button, role.Mid, role.Dark, role.Shadow)]  # fmt: skip
    assert order == sorted(order, reverse=True), order  # lighter to darker, as in Qt's own
    assert dark.color(role.Base).lightness() > dark.color(role.Window).lightness()
    assert dark.color(role.Window).lightness() < 100 and dark.color(role.Text).lightness() > 200

    # Disabled texts (Undo in a menu before anything is painted) readable on the fields, on
    # which Fusion draws menus, and on the window: 15 L* apart, as in the light palette.
    def lightness(colour) -> float:
        return float(_lightness(np.array([colour.red(), colour.green(), colour.blue()], float)))

    disabled = QPalette.ColorGroup.Disabled
    for text in (role.Text, role.WindowText, role.ButtonText):
        for behind in (role.Base, role.Window):
            apart = abs(lightness(dark.color(disabled, text)) - lightness(dark.color(behind)))
            assert apart >= 15, (text, behind, apart)


def test_tensorflows_native_start_up_lines_are_held_back_and_the_rest_passed_on(capfd) -> None:
    with quiet_native_stderr() as held:
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called\n")
        os.write(2, b"I0000 00:00:1796225882.485705   27932 port.cc:153] oneDNN custom ops\n")
        os.write(2, b"E0000 00:00:1796225888.917186   27932 cuda_platform.cc:52] cuInit\n")
        os.write(2, b"a real problem\n")
    err = capfd.readouterr().err
    assert err == "a real problem\n"
    assert "oneDNN" in held[0] and "cuInit" in held[0]


def test_save_and_decensor_can_ask_for_mosaic_mode_while_the_window_is_on_bar(
    qtbot, window: MainWindow, folders: Folders
) -> None:
    # The painter's hook: a mask from mosaic detection is restored as a mosaic.
    original = scene(seed=6)
    save_png(folders.input / "pic.png", paint(original, box(120, 160, 30, 30, 40, 40)))
    save_png(folders.original / "pic.png", original)
    assert window.censor == "bar"
    with qtbot.waitSignal(window.batch_finished, timeout=WAIT_MS) as signal:
        assert window.decensor_picture("pic.png", "mosaic")
    report: BatchReport = signal.args[0]
    assert report.model == "mosaic-bicubic"  # the mosaic default, not the bar model
    assert [r.status for r in report.files] == ["restored"]
    assert np.array_equal(_pixels(window.compare.before), original)
    assert window.censor == "bar"  # the window's own choice is left alone
    # The old one-argument call restores in the window's mode.
    with qtbot.waitSignal(window.batch_finished, timeout=WAIT_MS) as signal:
        assert window.decensor_picture("pic.png")
    assert signal.args[0].model == "telea"


def test_typing_t_in_a_folder_box_types_it(qtbot, shown: MainWindow) -> None:
    edit = shown.folder_edits["output"]
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    before = edit.text()
    qtbot.keyClicks(edit, "t")
    assert edit.text() == before + "t"
    assert shown.compare.only is None


def test_the_painters_signals_restore_as_mosaic_and_mark_old_results_out_of_date(
    qtbot, window: MainWindow, folders: Folders
) -> None:
    original = scene(seed=7)
    save_png(folders.input / "pic.png", paint(original, box(120, 160, 30, 30, 40, 40)))
    save_png(folders.original / "pic.png", original)
    _greened(folders, 1)
    assert _run(qtbot, window).count("restored") == 2
    painter = window.open_painter()
    painter.mask_saved.emit("pic.png")
    labels = [window.results.item(i).text() for i in range(window.results.count())]
    assert labels == ["00.png", "pic.png (out of date: its mask changed)"]
    with qtbot.waitSignal(window.batch_finished, timeout=WAIT_MS) as signal:
        painter.decensor_as_requested.emit("pic.png", "mosaic")
    report: BatchReport = signal.args[0]
    assert report.model == "mosaic-bicubic" and report.count("restored") == 1


# --- beyond the anchors: the near-green option -------------------------------------------------


def test_near_green_paint_is_taken_unless_unticked_and_the_choice_is_remembered(
    qtbot, settings: QSettings, window: MainWindow, tmp_path: Path
) -> None:
    assert window.near_check.isChecked() and window.options().near_green
    window.near_check.setChecked(False)
    assert not window.options().near_green
    window.close()
    again = _window(qtbot, settings, tmp_path)
    assert not again.near_check.isChecked() and not again.options().near_green


def test_repeated_patterns_are_continued_in_bar_mode_unless_unticked_and_it_is_remembered(
    qtbot, settings: QSettings, window: MainWindow, tmp_path: Path
) -> None:
    assert window.patterns_check.isChecked() and window.options().continue_patterns
    assert window.patterns_check.isEnabled()
    window.mosaic_radio.setChecked(True)
    assert not window.patterns_check.isEnabled()  # mosaics carry their own evidence
    window.bar_radio.setChecked(True)
    window.patterns_check.setChecked(False)
    assert not window.options().continue_patterns
    window.close()
    again = _window(qtbot, settings, tmp_path)
    assert not again.patterns_check.isChecked() and not again.options().continue_patterns


# --- beyond the anchors: the results list's right-click menu -----------------------------------


def _result_item(window: MainWindow, name: str):
    """The results list's item of the result file ``name``."""
    for row in range(window.results.count()):
        item = window.results.item(row)
        if window._entry(item).output.name == name:
            return item
    raise AssertionError(f"{name} is not listed")


def _right_click(window: MainWindow, item) -> QMenu:
    """Right-click ``item`` as the mouse does; returns the menu that pops up."""
    viewport = window.results.viewport()
    position = window.results.visualItemRect(item).center()
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, position, viewport.mapToGlobal(position)
    )
    QApplication.sendEvent(viewport, event)
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    return menu


def test_right_clicking_a_result_opens_its_input_in_the_painter(
    qtbot, window: MainWindow, folders: Folders
) -> None:
    _greened(folders, 2)
    assert _run(qtbot, window).count("restored") == 2
    window.show()
    qtbot.waitExposed(window)
    menu = _right_click(window, _result_item(window, "01.png"))
    texts = [action.text() for action in menu.actions()]
    assert texts == ["Open in painter", "Show in folder", "Redo this picture"]
    assert all(action.toolTip() for action in menu.actions())
    window.result_actions["Open in painter"].trigger()
    menu.close()
    assert window.painter is not None and window.painter.isVisible()
    assert window.painter.document.source == folders.input / "01.png"
    assert window.painter.document.mask.any()  # its green, ready to be fixed


def test_show_in_folder_opens_the_results_folder_or_says_why_not(
    qtbot, window: MainWindow, folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    _greened(folders, 1)
    assert _run(qtbot, window).count("restored") == 1
    opened: list[str] = []
    answer = {"opens": True}

    def file_manager(url) -> bool:
        opened.append(url.toLocalFile())
        return answer["opens"]

    monkeypatch.setattr(main_window_module.QDesktopServices, "openUrl", file_manager)
    window.result_menu(_result_item(window, "00.png"))
    window.result_actions["Show in folder"].trigger()
    assert opened == [str(folders.output.resolve())]
    assert "no file manager" not in _log(window)
    answer["opens"] = False
    window.result_actions["Show in folder"].trigger()
    assert f"no file manager could open the folder of 00.png; it is {folders.output.resolve()}" in (
        _log(window)
    )


def test_redo_this_picture_replaces_only_its_own_results(
    qtbot, window: MainWindow, folders: Folders
) -> None:
    _greened(folders, 2)
    window.variations_combo.setCurrentText("2")
    assert _run(qtbot, window).count("restored") == 2
    outputs = {name: folders.output / name for name in
               ("00_v1.png", "00_v2.png", "01_v1.png", "01_v2.png")}  # fmt: skip
    stale = scene(seed=9)  # stands for results the user wants redone (and one kept)
    for path in outputs.values():
        save_png(path, stale)
    kept = {name: path.read_bytes() for name, path in outputs.items()}
    window.variations_combo.setCurrentText("1")  # the window now says 1: the redo keeps 2
    assert not window.overwrite_check.isChecked()
    window.result_menu(_result_item(window, "00_v2.png"))
    with qtbot.waitSignal(window.batch_finished, timeout=WAIT_MS) as signal:
        window.result_actions["Redo this picture"].trigger()
    report: BatchReport = signal.args[0]
    assert [(r.input.name, r.status) for r in report.files] == [("00.png", "restored")]
    assert outputs["00_v1.png"].read_bytes() != kept["00_v1.png"]
    assert outputs["00_v2.png"].read_bytes() != kept["00_v2.png"]
    assert outputs["01_v1.png"].read_bytes() == kept["01_v1.png"]  # another picture's: kept
    assert outputs["01_v2.png"].read_bytes() == kept["01_v2.png"]
    assert not (folders.output / "00.png").exists()  # not the window's 1 variation
    assert not window.overwrite_check.isChecked()
    # While a batch runs, redoing waits for it.
    _greened(folders, 12)
    window.variations_combo.setCurrentText("4")
    with qtbot.waitSignal(window.batch_finished, timeout=WAIT_MS):
        window.start()
        qtbot.waitUntil(lambda: window.results.count() > 0, timeout=WAIT_MS)
        window.result_menu(window.results.item(0))
        assert not window.result_actions["Redo this picture"].isEnabled()
        window.cancel()


def test_the_settings_never_scroll_when_the_window_has_room_even_if_their_text_grows(
    qtbot, window: MainWindow
) -> None:
    """QScrollArea caches its content's size hint once: text that grew afterwards (a CJK font
    found after the first layout, in Japanese) made the settings scroll at the designed size."""
    window.resize(main_window_module.DESIGNED_SIZE)
    window.show()
    qtbot.waitExposed(window)
    scroll = window.settings_scroll
    assert not scroll.verticalScrollBar().isVisible()
    box = scroll.widget()
    font = box.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    box.setFont(font)  # every label a little taller, after the first layout
    qtbot.waitUntil(lambda: scroll.height() >= box.sizeHint().height())
    assert not scroll.verticalScrollBar().isVisible()
