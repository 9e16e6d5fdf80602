"""The main window: folders, censor type, model, variations; Decensor runs the pipeline in a
worker thread with progress, log and cancel; results show before/after."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from PySide6.QtCore import QSettings, Qt, QThread, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from decensor_app.engines import EngineError, default_model, default_models_dir, list_models
from decensor_app.engines.base import CensorType
from decensor_app.folders import DEFAULT_INPUT_DIR, DEFAULT_ORIGINAL_DIR, DEFAULT_OUTPUT_DIR
from decensor_app.gui.actions import Shortcut, make_action
from decensor_app.gui.compare import BeforeAfterView
from decensor_app.gui.worker import BatchWorker
from decensor_app.imaging import PictureError, load_picture
from decensor_app.pipeline import BatchOptions, BatchReport, FileResult, Progress

if TYPE_CHECKING:  # imported when first opened: the window starts without it
    from decensor_app.gui.painter import PainterWindow

#: The folder rows by settings key; relative defaults start from ``base_dir``.
DEFAULT_FOLDERS = {
    "input": DEFAULT_INPUT_DIR,
    "original": DEFAULT_ORIGINAL_DIR,
    "output": DEFAULT_OUTPUT_DIR,
}

Stored = TypeVar("Stored", bool, int, str)


def stored_setting(settings: QSettings, key: str, default: Stored) -> Stored:
    """``settings``' value for ``key`` converted by Qt to ``default``'s type (an INI file
    holds only text), or ``default`` when missing or not convertible."""
    value = settings.value(key, default, type=type(default))
    return value if isinstance(value, type(default)) else default


class MainWindow(QMainWindow):
    """The decensor window. ``settings`` persists choices between runs (QSettings)."""

    batch_finished = Signal(object)  # BatchReport, after the window has shown it

    def __init__(
        self,
        settings: QSettings | None = None,
        models_dir: Path | None = None,
        base_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or QSettings("decensor_app", "decensor")
        self.models_dir = models_dir or default_models_dir()
        self.base_dir = base_dir or Path.cwd()
        # Not ``thread``: that would hide QObject.thread().
        self.batch_thread: QThread | None = None
        self.worker: BatchWorker | None = None
        self.painter: PainterWindow | None = None
        self.setWindowTitle("decensor")
        self.setAcceptDrops(True)
        self._build()
        self._restore_settings()
        self._refresh_models()

    # --- layout ----------------------------------------------------------------------------

    def _folder_row(self, key: str, tip: str) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        edit = QLineEdit()
        edit.setToolTip(tip)
        browse = QPushButton("Browse...")
        browse.clicked.connect(lambda: self._browse(key))
        layout.addWidget(edit, 1)
        layout.addWidget(browse)
        self.folder_edits[key] = edit
        return row

    def _build(self) -> None:
        self.folder_edits: dict[str, QLineEdit] = {}
        settings_box = QGroupBox("Decensor")
        form = QFormLayout(settings_box)
        form.addRow("Input folder", self._folder_row("input", "PNGs painted pure green"))
        form.addRow(
            "Originals folder",
            self._folder_row("original", "Mosaic mode: the same pictures without green"),
        )
        form.addRow("Output folder", self._folder_row("output", "Where results are written"))
        censor_row = QWidget()
        censor_layout = QHBoxLayout(censor_row)
        censor_layout.setContentsMargins(0, 0, 0, 0)
        self.bar_radio = QRadioButton("Bar")
        self.mosaic_radio = QRadioButton("Mosaic")
        self.censor_group = QButtonGroup(self)
        for radio in (self.bar_radio, self.mosaic_radio):
            self.censor_group.addButton(radio)
            censor_layout.addWidget(radio)
        censor_layout.addStretch(1)
        self.bar_radio.toggled.connect(self._refresh_models)
        form.addRow("Censor type", censor_row)
        self.model_combo = QComboBox()
        self.model_combo.setToolTip("The model that restores: exactly this one is used")
        form.addRow("Model", self.model_combo)
        self.variations_combo = QComboBox()
        self.variations_combo.addItems(["1", "2", "4"])
        form.addRow("Variations", self.variations_combo)
        self.average_check = QCheckBox("Average 8 flips (slightly better, 8x slower)")
        self.average_check.setToolTip(
            "Restore each region in its eight flips and rotations and average the results; "
            "gives one result per picture"
        )
        self.average_check.toggled.connect(self._average_toggled)
        form.addRow(self.average_check)
        self.overwrite_check = QCheckBox("Overwrite existing results")
        self.strict_check = QCheckBox("Exact green only (no anti-aliased fringe)")
        form.addRow(self.overwrite_check)
        form.addRow(self.strict_check)

        buttons = QHBoxLayout()
        self.decensor_button = QPushButton("Decensor")
        self.decensor_button.setDefault(True)
        self.decensor_button.setToolTip("Restore every PNG of the input folder (Ctrl+Return)")
        # Through lambdas where the slot has parameters: clicked(bool) would reach start() as
        # ``only`` and open_painter() as ``path``.
        self.decensor_button.clicked.connect(lambda: self.start())
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop after the current region (Esc)")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.paint_button = QPushButton("Paint mask...")
        self.paint_button.setToolTip("Open the painting tool (Ctrl+P)")
        self.paint_button.clicked.connect(lambda: self.open_painter())
        for button in (self.decensor_button, self.cancel_button, self.paint_button):
            buttons.addWidget(button)

        self.files_bar = QProgressBar()
        self.files_bar.setFormat("files %v of %m")
        self.regions_bar = QProgressBar()
        self._reset_bars()
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(5000)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(settings_box)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.files_bar)
        left_layout.addWidget(self.regions_bar)
        left_layout.addWidget(QLabel("Log"))
        left_layout.addWidget(self.log, 1)

        self.results = QListWidget()
        self.results.currentItemChanged.connect(self._show_result)
        self.compare = BeforeAfterView()
        open_output = QPushButton("Open output folder")
        open_output.clicked.connect(self.open_output_folder)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(QLabel("Results (drag the line: before | after; T toggles)"))
        splitter_right = QSplitter(Qt.Orientation.Vertical)
        splitter_right.addWidget(self.results)
        splitter_right.addWidget(self.compare)
        splitter_right.setSizes([120, 480])
        right_layout.addWidget(splitter_right, 1)
        right_layout.addWidget(open_output)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 680])
        self.setCentralWidget(splitter)
        self.statusBar().showMessage("Ready")
        self.resize(1150, 760)

        shortcuts: list[tuple[str, Shortcut, Callable[[], object]]] = [
            ("Decensor", "Ctrl+Return", self.start),
            ("Cancel", "Escape", self.cancel),
            ("Paint mask", "Ctrl+P", self.open_painter),
            ("Open output folder", "Ctrl+Shift+O", self.open_output_folder),
            ("Quit", QKeySequence.StandardKey.Quit, self.close),
        ]
        for text, shortcut, slot in shortcuts:
            self.addAction(make_action(self, text, shortcut, slot))

    # --- settings --------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        for key, default in DEFAULT_FOLDERS.items():
            stored = stored_setting(self.settings, f"folders/{key}", str(self.base_dir / default))
            self.folder_edits[key].setText(stored)
        censor = stored_setting(self.settings, "censor", "bar")
        (self.mosaic_radio if censor == "mosaic" else self.bar_radio).setChecked(True)
        self.variations_combo.setCurrentText(str(stored_setting(self.settings, "variations", 1)))
        for key, check in self._checks().items():
            check.setChecked(stored_setting(self.settings, key, False))
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def save_settings(self) -> None:
        for key, edit in self.folder_edits.items():
            self.settings.setValue(f"folders/{key}", edit.text())
        self.settings.setValue("censor", self.censor)
        self.settings.setValue("variations", int(self.variations_combo.currentText()))
        self.settings.setValue(f"model/{self.censor}", self.model_combo.currentData() or "")
        for key, check in self._checks().items():
            self.settings.setValue(key, check.isChecked())
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.sync()

    def _checks(self) -> dict[str, QCheckBox]:
        """The check boxes by their settings key."""
        return {
            "average_flips": self.average_check,
            "overwrite": self.overwrite_check,
            "strict_green": self.strict_check,
        }

    def _average_toggled(self, checked: bool) -> None:
        """The flip average gives one result per picture: variations are off while it is on."""
        if checked:
            self.variations_combo.setCurrentText("1")
        self.variations_combo.setEnabled(not checked)

    @property
    def censor(self) -> CensorType:
        return "mosaic" if self.mosaic_radio.isChecked() else "bar"

    def _refresh_models(self) -> None:
        """List the models that restore the chosen censor type; the default one first."""
        censor = self.censor
        wanted = stored_setting(self.settings, f"model/{censor}", "")
        try:
            default: str | None = default_model(censor, self.models_dir)
        except EngineError as error:  # a broken default manifest: said in the log, not hidden
            default = None
            self.statusBar().showMessage(f"Default {censor} model: {error}")
        self.model_combo.clear()
        for info in list_models(self.models_dir):
            if censor not in info.censor_types:
                continue
            label = f"{info.name} ({info.architecture})"
            if info.name == default:
                label += " - default"
            self.model_combo.addItem(label, info.name)
        index = self.model_combo.findData(wanted or default or "")
        self.model_combo.setCurrentIndex(max(index, 0))

    # --- running ---------------------------------------------------------------------------

    def options(self, only: list[str] | None = None, overwrite: bool | None = None) -> BatchOptions:
        return BatchOptions(
            input_dir=Path(self.folder_edits["input"].text()),
            original_dir=Path(self.folder_edits["original"].text()),
            output_dir=Path(self.folder_edits["output"].text()),
            censor=self.censor,
            model=self.model_combo.currentData(),
            models_dir=self.models_dir,
            variations=int(self.variations_combo.currentText()),
            average_flips=self.average_check.isChecked(),
            overwrite=self.overwrite_check.isChecked() if overwrite is None else overwrite,
            strict_green=self.strict_check.isChecked(),
            only=only,
        )

    @property
    def running(self) -> bool:
        return self.batch_thread is not None

    def start(self, only: list[str] | None = None, overwrite: bool | None = None) -> bool:
        """Start a batch in a worker thread; False if one is already running."""
        if self.running:
            return False
        self.save_settings()
        options = self.options(only, overwrite)
        self.results.clear()
        self.compare.clear()
        self._reset_bars()
        results = (
            "average of 8 flips" if options.average_flips else f"{options.variations} variation(s)"
        )
        self._append_log(
            f"Decensoring {options.input_dir} ({options.censor}, model {options.model_name}, "
            f"{results})"
        )
        self.batch_thread = QThread(self)
        self.worker = BatchWorker(options)
        self.worker.moveToThread(self.batch_thread)
        self.batch_thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._on_progress)
        self.worker.file_finished.connect(self._on_file)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.decensor_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.statusBar().showMessage("Working... (loading the model on first use)")
        self.batch_thread.start()
        return True

    def _reset_bars(self) -> None:
        self.files_bar.setRange(0, 1)
        self.files_bar.setValue(0)
        self.regions_bar.setRange(0, 1)
        self.regions_bar.setValue(0)
        self.regions_bar.setFormat("regions")

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self.statusBar().showMessage("Cancelling after the current region...")

    def _on_progress(self, event: Progress) -> None:
        self.files_bar.setMaximum(max(event.file_count, 1))
        self.files_bar.setValue(event.files_done)
        if event.region_count:  # file start/end events carry no region counts
            self.regions_bar.setFormat("regions %v of %m")
            self.regions_bar.setMaximum(event.region_count)
            self.regions_bar.setValue(event.regions_done)
        if event.files_done < event.file_count:
            self.statusBar().showMessage(
                f"{event.file.name}: file {event.files_done + 1} of {event.file_count}"
            )

    def _on_file(self, result: FileResult) -> None:
        name = result.input.name
        if result.status == "restored":
            outputs = ", ".join(path.name for path in result.outputs)
            self._append_log(f"restored {name} -> {outputs} ({result.seconds:.1f} s)")
        else:
            self._append_log(
                f"{result.status} {name}: {result.error}", error=result.status == "failed"
            )
        # Restored now, or skipped because its results exist: either way they can be viewed.
        for output in result.outputs:
            if output.is_file():
                label = output.name + ("" if result.status == "restored" else " (earlier result)")
                item = QListWidgetItem(label)
                item.setData(Qt.ItemDataRole.UserRole, (str(result.input), str(output)))
                self.results.addItem(item)
        if self.results.count() and self.results.currentRow() < 0:
            self.results.setCurrentRow(0)

    def _finish(self) -> None:
        if self.batch_thread is not None:
            self.batch_thread.quit()
            self.batch_thread.wait()
            self.batch_thread.deleteLater()
        self.batch_thread = None
        self.worker = None
        self.decensor_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _on_finished(self, report: BatchReport) -> None:
        self._finish()
        summary = (
            f"{report.count('restored')} restored, {report.count('skipped')} skipped, "
            f"{report.count('failed')} failed"
        )
        if report.cancelled:
            summary += " - cancelled"
        self._append_log(summary)
        self.statusBar().showMessage(summary)
        self.batch_finished.emit(report)

    def _on_failed(self, message: str) -> None:
        self._finish()
        self._append_log(f"could not start: {message}", error=True)
        self.statusBar().showMessage(message)
        self.batch_finished.emit(None)

    def _append_log(self, message: str, error: bool = False) -> None:
        if error:
            self.log.appendHtml(f'<span style="color:#c0392b">{html.escape(message)}</span>')
        else:
            self.log.appendPlainText(message)

    # --- results ---------------------------------------------------------------------------

    def _show_result(self, item: QListWidgetItem | None) -> None:
        if item is None:
            self.compare.clear()
            return
        before_path, after_path = item.data(Qt.ItemDataRole.UserRole)
        try:
            before = load_picture(Path(before_path), max_pixels=None).rgb8
            after = load_picture(Path(after_path), max_pixels=None).rgb8
        except PictureError as error:
            self._append_log(str(error), error=True)
            return
        if before.shape != after.shape:  # mosaic mode compares with the original
            before = np.zeros_like(after)
        self.compare.set_images(before, after)

    def open_output_folder(self) -> None:
        folder = Path(self.folder_edits["output"].text())
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder.resolve())))

    def _browse(self, key: str) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "Choose a folder", self.folder_edits[key].text()
        )
        if chosen:
            self.folder_edits[key].setText(chosen)

    # --- painting tool ---------------------------------------------------------------------

    def open_painter(self, path: Path | None = None) -> PainterWindow:
        """Show the painting tool (one per window), with ``path`` opened when given."""
        from decensor_app.gui.painter import PainterWindow

        if self.painter is None:
            self.painter = PainterWindow(
                lambda: (
                    Path(self.folder_edits["input"].text()),
                    Path(self.folder_edits["original"].text()),
                    self.censor,
                ),
                self,
            )
            self.painter.decensor_requested.connect(self._decensor_one)
        if path is not None:
            self.painter.open_file(path)
        self.painter.show()
        self.painter.raise_()
        return self.painter

    def _decensor_one(self, name: str) -> None:
        """ "Save and decensor": restore just that picture (replacing its old result)."""
        if not self.start(only=[name], overwrite=True):
            self._append_log("a batch is running: decensor the picture when it ends", error=True)
        self.raise_()

    # --- drops and closing -----------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """A dropped folder becomes the input folder; a dropped picture opens for painting."""
        for url in event.mimeData().urls():
            path = Path(url.toLocalFile())
            if path.is_dir():
                self.folder_edits["input"].setText(str(path))
                self._append_log(f"input folder: {path}")
            elif path.is_file():
                self.open_painter(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.worker is not None:
            self.worker.cancel()
        if self.batch_thread is not None:
            self.batch_thread.quit()
            self.batch_thread.wait()
        self.save_settings()
        super().closeEvent(event)
