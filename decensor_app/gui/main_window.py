"""The main window: folders, censor type, model, variations; Decensor runs the pipeline in a
worker thread with progress, log and cancel; results show before/after."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QPoint,
    QSettings,
    QSize,
    QStandardPaths,
    Qt,
    QThread,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from decensor_app.engines import EngineError, default_model, default_models_dir, list_models
from decensor_app.engines.base import CensorType
from decensor_app.engines.manifest import Manifest, find_manifests
from decensor_app.folders import (
    DEFAULT_INPUT_DIR,
    DEFAULT_ORIGINAL_DIR,
    DEFAULT_OUTPUT_DIR,
    default_base_dir,
    output_write_problem,
)
from decensor_app.gui.actions import QT_TRANSLATE_NOOP, Shortcut, make_action
from decensor_app.gui.compare import BeforeAfterView, ScrolledView
from decensor_app.gui.worker import BatchWorker, ModelPreloader, engine_ready
from decensor_app.imaging import PictureError, load_picture
from decensor_app.pipeline import (
    VARIATION_COUNTS,
    BatchOptions,
    BatchReport,
    FileError,
    FileResult,
    Progress,
    UsageError,
    check_options,
    discover_inputs,
    find_original,
    output_paths,
)

if TYPE_CHECKING:  # imported when first opened: the window starts without it
    from decensor_app.gui.painter import PainterWindow

#: The folder rows by settings key; relative defaults start from ``base_dir``.
DEFAULT_FOLDERS = {
    "input": DEFAULT_INPUT_DIR,
    "original": DEFAULT_ORIGINAL_DIR,
    "output": DEFAULT_OUTPUT_DIR,
}

#: The pipeline's messages name the command's options; the window says its own words.
WINDOW_WORDS = (
    ("--overwrite redoes it", 'tick "Overwrite existing results" to redo it'),
    ("pick an engine with --model", "pick another model"),
    ("in `decensor --list-models`", "in the Model list"),
    ("needs --censor mosaic", "needs the censor type Mosaic"),
    ("raise the limit with --max-pixels", "the decensor command's --max-pixels raises it to"),
)

#: Added to a listed result whose input's mask was saved again in the painter.
OUT_OF_DATE = QT_TRANSLATE_NOOP("MainWindow", "(out of date: its mask changed)")

#: The results list's right-click menu, by the English text (the key of ``result_actions``).
RESULT_ACTIONS = (
    QT_TRANSLATE_NOOP("MainWindow", "Open in painter"),
    QT_TRANSLATE_NOOP("MainWindow", "Show in folder"),
    QT_TRANSLATE_NOOP("MainWindow", "Redo this picture"),
)

#: Where a message of the log shows in red.
ERROR_COLOUR = "#e0443a"  # readable on light and dark backgrounds

#: What the Variations choices mean, for their tooltip.
VARIATIONS_TIP = QT_TRANSLATE_NOOP(
    "MainWindow",
    "How many different restorations to make of each picture: 1 writes NAME.png; 2 or 4 "
    "write NAME_v1.png ... NAME_v4.png, each restored with another random seed, so that you "
    "can keep the best. Classical models give the same result each time.",
)

Stored = TypeVar("Stored", bool, int, str)

#: The window's size where the screen has room (it shrinks to fit smaller screens).
DESIGNED_SIZE = QSize(1150, 760)


@dataclass(frozen=True)
class ListedResult:
    """One entry of the results list (its item's UserRole data).

    Attributes:
        before: what the result is compared with (the green input, or in mosaic mode the
            original with the mosaic).
        output: the result file.
        input: the green input it was restored from.
        censor: the censor type it was restored as ("bar" or "mosaic").
        variations: how many results that restoration made (1, 2 or 4): ``output`` is one of
            them; redoing it makes the same files again.
    """

    before: Path
    output: Path
    input: Path
    censor: CensorType
    variations: int


def stored_setting(settings: QSettings, key: str, default: Stored) -> Stored:
    """``settings``' value for ``key`` converted by Qt to ``default``'s type (an INI file
    holds only text), or ``default`` when missing or not convertible."""
    value = settings.value(key, default, type=type(default))
    return value if isinstance(value, type(default)) else default


def window_words(message: str) -> str:
    """``message`` with the command's option names replaced by the window's controls."""
    for command, window in WINDOW_WORDS:
        message = message.replace(command, window)
    return message


def user_data_dir() -> Path:
    """The per-user folder for the window's default folders when the app has none beside it."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location or Path.home() / ".decensor")


def folder_is_valid(key: str, text: str) -> bool:
    """Whether ``text`` may be used (and saved) as folder ``key``: an existing folder; the
    output folder may also be one the batch can create (its parent exists)."""
    if not text.strip():
        return False
    path = Path(text).expanduser()
    if path.is_dir():
        return True
    return key == "output" and not path.exists() and path.parent.is_dir()


def window_icon() -> QIcon:
    """The app's icon, drawn: a picture (sky, hill) crossed by the censor's green bar."""
    icon = QIcon()
    for size in (16, 32, 64, 128):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(70, 130, 200))
        painter.drawRoundedRect(0, 0, size, size, size / 6, size / 6)
        painter.setBrush(QColor(240, 190, 120))
        painter.drawEllipse(-size // 4, size // 2, size * 3 // 2, size)
        painter.setBrush(QColor(0, 255, 0))
        painter.drawRect(size // 5, size * 2 // 5, size * 3 // 5, size // 5)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def app_version() -> str:
    try:
        return metadata.version("decensor_app")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def about_html(models_dir: Path) -> str:
    """The About box: version, and each model's card (what it restores, its description, the
    data it was trained on with their licences, from its manifest)."""
    parts = [
        f"<h3>decensor {html.escape(app_version())}</h3>",
        "<p>"
        + QCoreApplication.translate(
            "AboutDialog",
            "Restores the censored regions (bars or mosaics painted pure green) of "
            "illustrations. Nothing is downloaded: the models are the files in {folder}; "
            "their measurements are in its README.md.",
        ).format(folder=f"<code>{html.escape(str(models_dir))}</code>")
        + "</p>",
        "<h4>" + QCoreApplication.translate("AboutDialog", "Learned models") + "</h4>",
    ]
    manifests = []
    for path in find_manifests(models_dir):
        try:
            manifests.append(Manifest.load(path))
        except EngineError:
            continue  # the Model list and the log say why it cannot be used
    if not manifests:
        none = QCoreApplication.translate(
            "AboutDialog", "None installed: the classical models below restore."
        )
        parts.append(f"<p>{none}</p>")
    for manifest in manifests:
        censor = ", ".join(manifest.censor_types)
        parts.append(
            f"<p><b>{html.escape(manifest.name)}</b> ({html.escape(censor)}; "
            f"{html.escape(manifest.architecture)}, {manifest.parameters:,} parameters"
            f"{'; default for ' + ', '.join(manifest.default_for) if manifest.default_for else ''}"
            f")<br>{html.escape(manifest.description)}</p>"
        )
        data = manifest.training.get("data", {}) if isinstance(manifest.training, dict) else {}
        licences = data.get("licences", {}) if isinstance(data, dict) else {}
        if licences:
            items = "".join(
                f"<li>{html.escape(str(source))}: {count} pictures</li>"
                for source, count in licences.items()
            )
            trained = QCoreApplication.translate("AboutDialog", "Trained on (source, licence):")
            parts.append(f"<p>{trained}</p><ul>{items}</ul>")
        else:
            unknown = QCoreApplication.translate(
                "AboutDialog", "Training data: not recorded in its manifest."
            )
            parts.append(f"<p>{unknown}</p>")
    classical = QCoreApplication.translate(
        "AboutDialog", "Classical models (built in, no training data)"
    )
    parts.append(f"<h4>{classical}</h4><ul>")
    for info in list_models(models_dir):
        if info.parameters == 0:
            parts.append(
                f"<li><b>{html.escape(info.name)}</b> ({'/'.join(info.censor_types)}): "
                f"{html.escape(info.description)}</li>"
            )
    parts.append("</ul>")
    return "".join(parts)


#: Remembered check boxes that start checked (the command's defaults).
CHECKED_BY_DEFAULT = frozenset({"near_green", "continue_patterns"})


class AboutDialog(QDialog):
    """The About box: :func:`about_html` in a scrollable browser."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About decensor"))
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(620, 520)


class _SettingsScroll(QScrollArea):
    """``content`` in a scroll area that asks for its whole current height (QScrollArea
    caches its widget's size hint once, so text that grows later, a CJK font found after the
    first layout say, made it scroll where the window had room) and is never taller."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.content = content
        self.setWidget(content)
        content.installEventFilter(self)
        self.setMaximumHeight(content.sizeHint().height())

    def sizeHint(self) -> QSize:
        hint = self.content.sizeHint()
        return QSize(hint.width() + self.verticalScrollBar().sizeHint().width(), hint.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.content and event.type() == QEvent.Type.LayoutRequest:
            self.setMaximumHeight(self.content.sizeHint().height())
            self.updateGeometry()
        return super().eventFilter(watched, event)


class MainWindow(QMainWindow):
    """The decensor window. ``settings`` persists choices between runs (QSettings);
    ``base_dir`` is where the default folders are (by default :func:`default_base_dir`)."""

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
        self.base_dir = base_dir or default_base_dir(user_data_dir(), Path.cwd())
        # Not ``thread``: that would hide QObject.thread().
        self.batch_thread: QThread | None = None
        self.worker: BatchWorker | None = None
        self.painter: PainterWindow | None = None
        self.preloader = ModelPreloader(self)
        self.preloader.loaded.connect(self._on_model_loaded)
        self.loading_model: str | None = None  # being loaded in the background
        self._shown_once = False
        self.setWindowTitle(self.tr("decensor"))
        self.setWindowIcon(window_icon())
        self.setAcceptDrops(True)
        self._build()
        self._build_menus()
        self._restore_settings()
        self._censor_changed()
        self._fit_to_screen()
        self.list_earlier_results()

    # --- layout ----------------------------------------------------------------------------

    def _folder_row(self, key: str, tip: str) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        edit = QLineEdit()
        edit.setToolTip(tip)
        edit.editingFinished.connect(self.list_earlier_results)
        browse = QPushButton(self.tr("Browse..."))
        browse.setToolTip(
            self.tr("Choose the folder: {what}").format(what=tip[0].lower() + tip[1:])
        )
        browse.clicked.connect(lambda: self._browse(key))
        layout.addWidget(edit, 1)
        layout.addWidget(browse)
        self.folder_edits[key] = edit
        self.folder_rows[key] = row
        return row

    def _build(self) -> None:
        self.folder_edits: dict[str, QLineEdit] = {}
        self.folder_rows: dict[str, QWidget] = {}
        settings_box = QGroupBox(self.tr("Decensor"))
        form = QFormLayout(settings_box)
        form.addRow(
            self.tr("Input folder"),
            self._folder_row("input", self.tr("The PNG pictures with the censored areas painted "
                                               "pure green (0, 255, 0)")),
        )  # fmt: skip
        form.addRow(
            self.tr("Originals folder"),
            self._folder_row(
                "original",
                self.tr(
                    "Mosaic mode only: the same pictures without green (with the mosaic), same "
                    "names"
                ),
            ),
        )
        form.addRow(
            self.tr("Output folder"),
            self._folder_row(
                "output", self.tr("Where the results are written (created if missing)")
            ),
        )
        censor_row = QWidget()
        censor_layout = QHBoxLayout(censor_row)
        censor_layout.setContentsMargins(0, 0, 0, 0)
        self.bar_radio = QRadioButton(self.tr("Bar"))
        self.bar_radio.setToolTip(self.tr("The green covers areas to paint anew (bars, blots)"))
        self.mosaic_radio = QRadioButton(self.tr("Mosaic"))
        self.mosaic_radio.setToolTip(
            self.tr(
                "The green marks a mosaic; the original with the mosaic, from the originals "
                "folder, guides the restoration"
            )
        )
        self.censor_group = QButtonGroup(self)
        for radio in (self.bar_radio, self.mosaic_radio):
            self.censor_group.addButton(radio)
            censor_layout.addWidget(radio)
        censor_layout.addStretch(1)
        self.bar_radio.toggled.connect(self._censor_changed)
        form.addRow(self.tr("Censor type"), censor_row)
        self.model_combo = QComboBox()
        self.model_combo.setToolTip(self.tr("The model that restores: exactly this one is used"))
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        form.addRow(self.tr("Model"), self.model_combo)
        self.variations_combo = QComboBox()
        self.variations_combo.addItems([str(count) for count in VARIATION_COUNTS])
        self.variations_combo.setToolTip(self.tr(VARIATIONS_TIP))
        form.addRow(self.tr("Variations"), self.variations_combo)
        self.average_check = QCheckBox(self.tr("Average 8 flips (slightly better, 8x slower)"))
        self.average_check.setToolTip(
            self.tr(
                "Restore each region in its eight flips and rotations and average the results; "
                "gives one result per picture"
            )
        )
        self.average_check.toggled.connect(self._average_toggled)
        form.addRow(self.average_check)
        self.patterns_check = QCheckBox(self.tr("Continue repeated patterns (fences, stripes)"))
        self.patterns_check.setToolTip(
            self.tr(
                "Bar mode: where the picture around a bar repeats with a clear period, continue "
                "the pattern across it instead of the model's guess"
            )
        )
        form.addRow(self.patterns_check)
        self.overwrite_check = QCheckBox(self.tr("Overwrite existing results"))
        self.overwrite_check.setToolTip(
            self.tr(
                "Restore pictures again whose results exist, replacing them (off at every start)"
            )
        )
        self.strict_check = QCheckBox(self.tr("Exact green only (no anti-aliased fringe)"))
        self.strict_check.setToolTip(
            self.tr("Restore only the pure green pixels, not the blended ones at the paint's edge")
        )
        self.near_check = QCheckBox(self.tr("Take near-green paint (JPEG, colour-managed exports)"))
        self.near_check.setToolTip(
            self.tr(
                "Also take regions that are almost pure green, as JPEG or a colour profile leaves "
                "the paint; off: such a picture is restored with a warning that green is left"
            )
        )
        form.addRow(self.overwrite_check)
        form.addRow(self.strict_check)
        form.addRow(self.near_check)

        buttons = QHBoxLayout()
        self.decensor_button = QPushButton(self.tr("Decensor"))
        self.decensor_button.setDefault(True)
        self.decensor_button.setToolTip(
            self.tr("Restore every PNG of the input folder (Ctrl+Return)")
        )
        # Through lambdas where the slot has parameters: clicked(bool) would reach start() as
        # ``only`` and open_painter() as ``path``.
        self.decensor_button.clicked.connect(lambda: self.start())
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop after the current region (Esc)"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.paint_button = QPushButton(self.tr("Paint mask..."))
        self.paint_button.setToolTip(self.tr("Open the painting tool (Ctrl+P)"))
        self.paint_button.clicked.connect(lambda: self.open_painter())
        for button in (self.decensor_button, self.cancel_button, self.paint_button):
            buttons.addWidget(button)

        self.files_bar = QProgressBar()
        self.files_bar.setToolTip(self.tr("Pictures done of this batch"))
        self.regions_bar = QProgressBar()
        self.regions_bar.setToolTip(self.tr("Censored regions done of the current picture"))
        self._reset_bars()
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(5000)
        self.log.setToolTip(self.tr("What happened, with the time (File > Save log keeps it)"))

        # In a scroll area: on a small or scaled screen the window still fits (it scrolls).
        self.settings_scroll = settings_scroll = _SettingsScroll(settings_box)
        settings_scroll.setWidgetResizable(True)
        settings_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Never wider or taller than the settings need; shorter (scrolling) only when it must.
        settings_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        settings_scroll.setMinimumWidth(
            settings_box.minimumSizeHint().width()
            + settings_scroll.verticalScrollBar().sizeHint().width()
        )
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(settings_scroll)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.files_bar)
        left_layout.addWidget(self.regions_bar)
        left_layout.addWidget(QLabel(self.tr("Log")))
        left_layout.addWidget(self.log, 1)

        self.results = QListWidget()
        self.results.setToolTip(
            self.tr(
                "Results of this batch and earlier ones: select one to compare; right-click "
                "to fix its mask in the painter, show it in its folder or redo it"
            )
        )
        self.results.currentItemChanged.connect(self._show_result)
        self.results.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.results.customContextMenuRequested.connect(self._show_result_menu)
        self.compare = BeforeAfterView()
        self.compare_scroll = ScrolledView(self.compare)
        self.open_output_button = QPushButton(self.tr("Open output folder"))
        self.open_output_button.setToolTip(self.tr("Show the output folder in the file manager"))
        self.open_output_button.clicked.connect(self.open_output_folder)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(
            QLabel(self.tr("Results (drag the line: before | after; T toggles)"))
        )
        splitter_right = QSplitter(Qt.Orientation.Vertical)
        splitter_right.addWidget(self.results)
        splitter_right.addWidget(self.compare_scroll)
        splitter_right.setSizes([120, 480])
        right_layout.addWidget(splitter_right, 1)
        right_layout.addWidget(self.open_output_button)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 680])
        self.setCentralWidget(splitter)
        self.statusBar().showMessage(self.tr("Ready"))
        self.resize(DESIGNED_SIZE)

    def _build_menus(self) -> None:
        """Every action in a menu with its shortcut; window-wide (they work from any control,
        except that typing in a text box keeps its letters)."""
        self.actions_by_name: dict[str, QAction] = {}
        # Marked for translation here, translated below: the English text stays the
        # action's key in ``actions_by_name``, whatever the language.
        menus: dict[str, list[tuple[str, Shortcut | None, Callable[[], object], str] | None]] = {
            QT_TRANSLATE_NOOP("MainWindow", "&File"): [
                (
                    QT_TRANSLATE_NOOP("MainWindow", "&Decensor"),
                    "Ctrl+Return",
                    self.start,
                    QT_TRANSLATE_NOOP("MainWindow", "Restore every PNG of the input folder"),
                ),
                (
                    QT_TRANSLATE_NOOP("MainWindow", "&Cancel"),
                    "Escape",
                    self.cancel,
                    QT_TRANSLATE_NOOP("MainWindow", "Stop after the current region"),
                ),
                None,
                (
                    QT_TRANSLATE_NOOP("MainWindow", "&Paint mask..."),
                    "Ctrl+P",
                    self.open_painter,
                    QT_TRANSLATE_NOOP("MainWindow", "Open the painting tool"),
                ),
                (
                    QT_TRANSLATE_NOOP("MainWindow", "Choose &input folder..."),
                    "Ctrl+I",
                    lambda: self._browse("input"),
                    QT_TRANSLATE_NOOP("MainWindow", "Choose the folder of green-painted pictures"),
                ),
                (
                    QT_TRANSLATE_NOOP("MainWindow", "Choose o&riginals folder..."),
                    None,
                    lambda: self._browse("original"),
                    QT_TRANSLATE_NOOP(
                        "MainWindow", "Mosaic mode: choose the folder of the originals"
                    ),
                ),
                (
                    QT_TRANSLATE_NOOP("MainWindow", "Choose &output folder..."),
                    None,
                    lambda: self._browse("output"),
                    QT_TRANSLATE_NOOP("MainWindow", "Choose where the results go"),
                ),
                (
                    QT_TRANSLATE_NOOP("MainWindow", "Open output &folder"),
                    "Ctrl+Shift+O",
                    self.open_output_folder,
                    QT_TRANSLATE_NOOP("MainWindow", "Show the output folder in the file manager"),
                ),
                (
                    QT_TRANSLATE_NOOP("MainWindow", "&Save log..."),
                    QKeySequence.StandardKey.Save,
                    self.save_log,
                    QT_TRANSLATE_NOOP("MainWindow", "Save the log to a text file"),
                ),
                None,
                (
                    QT_TRANSLATE_NOOP("MainWindow", "&Quit"),
                    QKeySequence.StandardKey.Quit,
                    self.close,
                    QT_TRANSLATE_NOOP("MainWindow", "Close the window"),
                ),
            ],
            QT_TRANSLATE_NOOP("MainWindow", "&Edit"): [
                (
                    QT_TRANSLATE_NOOP("MainWindow", "&Copy log"),
                    "Ctrl+Shift+C",
                    self._copy_log,
                    QT_TRANSLATE_NOOP("MainWindow", "Copy the whole log"),
                ),
                (
                    QT_TRANSLATE_NOOP("MainWindow", "C&lear log"),
                    None,
                    self.log.clear,
                    QT_TRANSLATE_NOOP("MainWindow", "Empty the log"),
                ),
                (
                    QT_TRANSLATE_NOOP("MainWindow", "&Reset folders"),
                    None,
                    self.reset_folders,
                    QT_TRANSLATE_NOOP("MainWindow", "Use the default folders beside the app again"),
                ),
            ],
            QT_TRANSLATE_NOOP("MainWindow", "&View"): [
                (
                    QT_TRANSLATE_NOOP("MainWindow", "&Toggle before / after"),
                    "T",
                    self.compare.toggle,
                    QT_TRANSLATE_NOOP("MainWindow", "Show only before, only after, or both split"),
                ),
                (
                    QT_TRANSLATE_NOOP("MainWindow", "&Fit"),
                    "Ctrl+0",
                    self.compare.fit,
                    QT_TRANSLATE_NOOP("MainWindow", "Fit the picture in the view"),
                ),
                (
                    QT_TRANSLATE_NOOP("MainWindow", "Zoom &in"),
                    QKeySequence.StandardKey.ZoomIn,
                    lambda: self.compare.zoom(1.25),
                    QT_TRANSLATE_NOOP("MainWindow", "Zoom in"),
                ),
                (
                    QT_TRANSLATE_NOOP("MainWindow", "Zoom &out"),
                    QKeySequence.StandardKey.ZoomOut,
                    lambda: self.compare.zoom(0.8),
                    QT_TRANSLATE_NOOP("MainWindow", "Zoom out"),
                ),
            ],
            QT_TRANSLATE_NOOP("MainWindow", "&Help"): [
                (
                    QT_TRANSLATE_NOOP("MainWindow", "&About decensor"),
                    QKeySequence.StandardKey.HelpContents,
                    self.show_about,
                    QT_TRANSLATE_NOOP(
                        "MainWindow",
                        "Version and the models' cards: what they were trained on, licences",
                    ),
                ),
                (
                    QT_TRANSLATE_NOOP("MainWindow", "About &Qt"),
                    None,
                    QApplication.aboutQt,
                    QT_TRANSLATE_NOOP("MainWindow", "The Qt version"),
                ),
            ],
        }
        for title, entries in menus.items():
            menu = self.menuBar().addMenu(self.tr(title))
            menu.setToolTipsVisible(True)
            for entry in entries:
                if entry is None:
                    menu.addSeparator()
                    continue
                text, shortcut, slot, tip = entry
                action = make_action(self, self.tr(text), shortcut, slot, self.tr(tip))
                # Window-wide: also while focus is in the results list or the log.
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                menu.addAction(action)
                self.addAction(action)
                self.actions_by_name[text.replace("&", "").rstrip(".")] = action

    def _fit_to_screen(self) -> None:
        """Shrink the window to the screen's free area (scaled screens are small in logical
        pixels: 1920x1080 at QT_SCALE_FACTOR=2 is 960x540), and keep it on that screen."""
        available = self.screen().availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar, borders
        width = min(self.width(), available.width() - frame.width())
        height = min(self.height(), available.height() - frame.height())
        self.resize(max(width, 1), max(height, 1))
        geometry = self.frameGeometry()
        if not available.contains(geometry):
            geometry.moveTopLeft(available.topLeft())
            self.move(geometry.topLeft())

    # --- settings --------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        for key, default in DEFAULT_FOLDERS.items():
            fallback = str(self.base_dir / default)
            stored = stored_setting(self.settings, f"folders/{key}", fallback)
            if stored != fallback and not folder_is_valid(key, stored):
                message = self.tr("the saved {key} folder {folder} no longer exists: using {other}")
                self._append_log(message.format(key=self._folder_word(key), folder=stored,
                                                other=fallback), error=True)  # fmt: skip
                stored = fallback
            self.folder_edits[key].setText(stored)
        for key in ("input", "output"):  # said at launch, not after a model has loaded
            text = self.folder_edits[key].text()
            if not folder_is_valid(key, text):
                message = self.tr(
                    "the {key} folder {folder} does not exist: choose one (File menu)"
                )
                self._append_log(message.format(key=self._folder_word(key), folder=text),
                                 error=True)  # fmt: skip
        censor = stored_setting(self.settings, "censor", "bar")
        (self.mosaic_radio if censor == "mosaic" else self.bar_radio).setChecked(True)
        self.variations_combo.setCurrentText(str(stored_setting(self.settings, "variations", 1)))
        for key, check in self._checks().items():
            check.setChecked(stored_setting(self.settings, key, key in CHECKED_BY_DEFAULT))
        # A destructive choice is never remembered: each launch starts without overwriting.
        self.overwrite_check.setChecked(False)
        self.settings.remove("overwrite")  # stored by earlier versions
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def _folder_word(self, key: str) -> str:
        """A folder row's key ("input", "original", "output") as the log's sentences say it."""
        words = {"input": self.tr("input"), "original": self.tr("originals"),
                 "output": self.tr("output")}  # fmt: skip
        return words.get(key, key)

    def save_settings(self) -> None:
        for key, edit in self.folder_edits.items():
            if folder_is_valid(key, edit.text()):  # a wrong path is never remembered
                self.settings.setValue(f"folders/{key}", edit.text())
        self.settings.setValue("censor", self.censor)
        self.settings.setValue("variations", int(self.variations_combo.currentText()))
        self.settings.setValue(f"model/{self.censor}", self.model_combo.currentData() or "")
        for key, check in self._checks().items():
            self.settings.setValue(key, check.isChecked())
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.sync()

    def _checks(self) -> dict[str, QCheckBox]:
        """The remembered check boxes by their settings key (not "overwrite": destructive)."""
        return {
            "average_flips": self.average_check,
            "strict_green": self.strict_check,
            "near_green": self.near_check,
            "continue_patterns": self.patterns_check,
        }

    def reset_folders(self) -> None:
        for key, default in DEFAULT_FOLDERS.items():
            self.folder_edits[key].setText(str(self.base_dir / default))
        self.list_earlier_results()

    def _average_toggled(self, checked: bool) -> None:
        """The flip average gives one result per picture: variations are off while it is on."""
        if checked:
            self.variations_combo.setCurrentText("1")
        self.variations_combo.setEnabled(not checked)

    @property
    def censor(self) -> CensorType:
        return "mosaic" if self.mosaic_radio.isChecked() else "bar"

    def _censor_changed(self) -> None:
        # The originals folder means something in mosaic mode only.
        self.folder_rows["original"].setEnabled(self.censor == "mosaic")
        self.patterns_check.setEnabled(self.censor == "bar")
        self._refresh_models()

    def _refresh_models(self) -> None:
        """List the models that restore the chosen censor type; the default one first."""
        censor = self.censor
        wanted = stored_setting(self.settings, f"model/{censor}", "")
        try:
            default: str | None = default_model(censor, self.models_dir)
        except EngineError as error:  # a broken default manifest: said in the log, not hidden
            default = None
            self.statusBar().showMessage(
                self.tr("Default {censor} model: {error}").format(censor=censor, error=error)
            )
        blocked = self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for info in list_models(self.models_dir):
            if censor not in info.censor_types:
                continue
            label = f"{info.name} ({info.architecture})"
            if info.name == default:
                label += self.tr(" - default")
            self.model_combo.addItem(label, info.name)
            kind = self.tr("classical method") if info.parameters == 0 else self.tr("learned model")
            self.model_combo.setItemData(
                self.model_combo.count() - 1,
                f"{info.name}: {info.description} ({kind})",
                Qt.ItemDataRole.ToolTipRole,
            )
        index = self.model_combo.findData(wanted or default or "")
        self.model_combo.setCurrentIndex(max(index, 0))
        self.model_combo.blockSignals(blocked)
        self._model_changed()

    def _model_changed(self) -> None:
        tip = self.model_combo.currentData(Qt.ItemDataRole.ToolTipRole)
        self.model_combo.setToolTip(
            self.tr("The model that restores, exactly this one: {tip}").format(tip=tip) if tip
            else self.tr("The model that restores: exactly this one is used")
        )  # fmt: skip
        if self._shown_once:
            self.preload_model()

    # --- model loading ---------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self._fit_to_screen()  # again: the frame's size is known once shown
            # After the window is on screen: TensorFlow is imported by then, in the background.
            QTimer.singleShot(0, self.preload_model)

    def preload_model(self) -> None:
        """Load the chosen model in the background, the bars busy meanwhile."""
        try:
            options = self.options()
            name = options.model_name
        except EngineError:
            return  # a broken default: the status bar says so, the batch will too
        if self.preloader.preload(options):
            self.loading_model = name
            if not self.running:
                self._busy(self.tr("Loading model {name}...").format(name=name))

    def _busy(self, message: str) -> None:
        """Bars that move without a count (a busy indicator) while a model loads."""
        for bar in (self.files_bar, self.regions_bar):
            bar.setRange(0, 0)
        self.statusBar().showMessage(message)

    def _on_model_loaded(self, name: str, error: str) -> None:
        if name != self.loading_model:
            return
        self.loading_model = None
        if self.running:
            return  # the batch's own progress drives the bars now
        self._reset_bars()
        if error:
            self._append_log(
                self.tr("cannot load model {name}: {error}").format(name=name, error=error),
                error=True,
            )
            self.statusBar().showMessage(self.tr("Model {name} cannot be loaded").format(name=name))
        else:
            self.statusBar().showMessage(self.tr("Ready (model {name} loaded)").format(name=name))

    # --- running ---------------------------------------------------------------------------

    def options(
        self,
        only: list[str] | None = None,
        overwrite: bool | None = None,
        censor: CensorType | None = None,
        variations: int | None = None,
    ) -> BatchOptions:
        """The batch the window's controls describe; ``censor`` other than the window's
        (the painter's mosaic detection) uses that censor type's default model;
        ``variations`` other than the window's (redoing an earlier result) turns the flip
        average off when several (they exclude each other)."""
        chosen = censor or self.censor
        count = variations or int(self.variations_combo.currentText())
        return BatchOptions(
            input_dir=Path(self.folder_edits["input"].text()).expanduser(),
            original_dir=Path(self.folder_edits["original"].text()).expanduser(),
            output_dir=Path(self.folder_edits["output"].text()).expanduser(),
            censor=chosen,
            model=self.model_combo.currentData() if chosen == self.censor else None,
            models_dir=self.models_dir,
            variations=count,
            average_flips=self.average_check.isChecked() and count == 1,
            continue_patterns=self.patterns_check.isChecked(),
            overwrite=self.overwrite_check.isChecked() if overwrite is None else overwrite,
            strict_green=self.strict_check.isChecked(),
            near_green=self.near_check.isChecked(),
            only=only,
        )

    def preflight(self, options: BatchOptions) -> str | None:
        """Why ``options``' batch cannot start, found before any model loads: folders, an
        output folder that cannot be written, an input folder without pictures."""
        try:
            check_options(options)
            options.model_name  # noqa: B018 - a broken default model's manifest raises here
        except (UsageError, EngineError) as error:
            return str(error)
        problem = output_write_problem(options.output_dir)
        if problem is not None:
            return problem
        if options.only is None:
            extensions = options.input_extensions
            pictures = [
                path
                for path, is_picture in discover_inputs(options.input_dir, extensions)
                if is_picture
            ]
            if not pictures:
                kinds = "/".join(ext.lstrip(".").upper() for ext in extensions)
                return f"no {kinds} pictures in {options.input_dir}"
        return None

    @property
    def running(self) -> bool:
        return self.batch_thread is not None

    def start(
        self,
        only: list[str] | None = None,
        overwrite: bool | None = None,
        censor: CensorType | None = None,
        variations: int | None = None,
    ) -> bool:
        """Start a batch (:meth:`options` with these arguments) in a worker thread; False if
        one is already running or it cannot start (the log says why)."""
        if self.running:
            return False
        self.save_settings()
        try:
            options = self.options(only, overwrite, censor, variations)
            problem = self.preflight(options)
        except EngineError as error:  # a broken default model manifest
            problem = str(error)
        if problem is not None:
            self._append_log(self.tr("cannot start: {problem}").format(problem=problem), error=True)
            self.statusBar().showMessage(window_words(problem))
            return False
        self.results.clear()
        self.compare.clear()
        self._reset_bars()
        results = (
            self.tr("average of 8 flips")
            if options.average_flips
            else self.tr("{count} variation(s)").format(count=options.variations)
        )
        self._append_log(
            self.tr("Decensoring {folder} ({censor}, model {model}, {results})").format(
                folder=options.input_dir,
                censor=options.censor,
                model=options.model_name,
                results=results,
            )
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
        if engine_ready(options):
            self.statusBar().showMessage(self.tr("Working..."))
        else:
            self._busy(
                self.tr("Loading model {name} (once per session)...").format(
                    name=options.model_name
                )
            )
        self.batch_thread.start()
        return True

    def _reset_bars(self) -> None:
        """Idle bars: empty, saying what they count (no "0 of 1")."""
        self.files_bar.setRange(0, 1)
        self.files_bar.setValue(0)
        self.files_bar.setFormat(self.tr("files"))
        self.regions_bar.setRange(0, 1)
        self.regions_bar.setValue(0)
        self.regions_bar.setFormat(self.tr("regions"))

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self.statusBar().showMessage(self.tr("Cancelling after the current region..."))

    def _on_progress(self, event: Progress) -> None:
        self.files_bar.setFormat(self.tr("files %v of %m"))
        self.files_bar.setRange(0, max(event.file_count, 1))
        self.files_bar.setValue(event.files_done)
        if self.regions_bar.maximum() == 0:  # still busy from the model loading
            self.regions_bar.setRange(0, 1)
        if event.region_count:  # file start/end events carry no region counts
            self.regions_bar.setFormat(self.tr("regions %v of %m"))
            self.regions_bar.setMaximum(event.region_count)
            self.regions_bar.setValue(event.regions_done)
        if event.files_done < event.file_count:
            self.statusBar().showMessage(
                self.tr("{name}: file {done} of {count}").format(
                    name=event.file.name, done=event.files_done + 1, count=event.file_count
                )
            )

    def _before_path(self, input_path: Path, options: BatchOptions) -> Path:
        """What a result is compared with: in mosaic mode the original with the mosaic (the
        green copy hides what the model saw), else the green input."""
        if options.censor == "mosaic" and not options.auto_mask:
            try:
                return find_original(input_path, options.original_dir)
            except FileError:
                pass
        return input_path

    def _add_result(
        self, input_path: Path, output: Path, label: str, options: BatchOptions
    ) -> None:
        item = QListWidgetItem(label)
        before = self._before_path(input_path, options)
        # The count whose file names ``output`` has (an earlier result may have another).
        variations = next(
            (count for count in VARIATION_COUNTS
             if output in output_paths(input_path, output.parent, count)),
            options.variations,
        )  # fmt: skip
        entry = ListedResult(before, output, input_path, options.censor, variations)
        item.setData(Qt.ItemDataRole.UserRole, entry)
        item.setToolTip(
            self.tr("{output}\ncompared with {before}").format(output=output, before=before)
        )
        self.results.addItem(item)

    def _on_file(self, result: FileResult) -> None:
        name = result.input.name
        if result.status == "restored":
            outputs = ", ".join(path.name for path in result.outputs)
            self._append_log(
                self.tr("restored {name} -> {outputs} ({seconds} s)").format(
                    name=name, outputs=outputs, seconds=f"{result.seconds:.1f}"
                )
            )
            warning = getattr(result, "warning", None)  # what to check in the result
            if warning:
                self._append_log(
                    self.tr("warning {name}: {warning}").format(name=name, warning=warning),
                    error=True,
                )
        else:
            status = {"skipped": self.tr("skipped"), "failed": self.tr("failed")}
            self._append_log(
                self.tr("{status} {name}: {error}").format(
                    status=status.get(result.status, result.status), name=name, error=result.error
                ),
                error=result.status == "failed",
            )
        options = self.worker.options if self.worker is not None else self.options()
        # Restored now, or skipped because its results exist: either way they can be viewed.
        for output in result.outputs:
            if output.is_file():
                label = output.name if result.status == "restored" else self._earlier(output)
                self._add_result(result.input, output, label, options)
        if self.results.count() and self.results.currentRow() < 0:
            self.results.setCurrentRow(0)

    def _earlier(self, output: Path) -> str:
        """The results list's label of a result made before this batch."""
        return self.tr("{name} (earlier result)").format(name=output.name)

    def list_earlier_results(self) -> int:
        """List the results already in the output folder for the input folder's pictures
        (any number of variations); returns how many. Not while a batch runs."""
        if self.running:
            return 0
        options = self.options()
        self.results.clear()
        if not (options.input_dir.is_dir() and options.output_dir.is_dir()):
            return 0
        seen: set[Path] = set()
        try:
            inputs = [path for path, ok in discover_inputs(options.input_dir) if ok]
        except OSError:
            return 0
        for path in inputs:
            for variations in VARIATION_COUNTS:
                for output in output_paths(path, options.output_dir, variations):
                    if output not in seen and output.is_file():
                        seen.add(output)
                        self._add_result(path, output, self._earlier(output),
                                         options)  # fmt: skip
        if seen:
            self._append_log(
                self.tr("{count} earlier result(s) in {folder}").format(
                    count=len(seen), folder=options.output_dir
                )
            )
            self.results.setCurrentRow(0)
        return len(seen)

    def mark_out_of_date(self, name: str) -> int:
        """The painter saved a new mask for input ``name``: its listed results are marked out
        of date (Save and decensor, or Decensor with overwrite, redoes them). Returns how
        many."""
        marked = 0
        for row in range(self.results.count()):
            item = self.results.item(row)
            marker = self.tr(OUT_OF_DATE)
            if self._entry(item).input.name == name and marker not in item.text():
                item.setText(f"{item.text()} {marker}")
                marked += 1
        return marked

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
        summary = self.tr("{restored} restored, {skipped} skipped, {failed} failed").format(
            restored=report.count("restored"),
            skipped=report.count("skipped"),
            failed=report.count("failed"),
        )
        warnings = getattr(report, "warnings", 0)
        if warnings:
            summary += self.tr(" ({count} with a warning: see the log)").format(count=warnings)
        if report.cancelled:
            summary += self.tr(" - cancelled")
            self._reset_bars()  # a half-full bar would read as work still going on
        self._append_log(summary)
        self.statusBar().showMessage(summary)
        self.batch_finished.emit(report)

    def _on_failed(self, message: str) -> None:
        self._finish()
        self._reset_bars()
        self._append_log(self.tr("could not start: {message}").format(message=message), error=True)
        self.statusBar().showMessage(window_words(message))
        self.batch_finished.emit(None)

    def _append_log(self, message: str, error: bool = False) -> None:
        """One line of the log, with the time, in the window's words; errors in red."""
        line = f"[{datetime.now():%H:%M:%S}] {window_words(message)}"
        if error:
            self.log.appendHtml(f'<span style="color:{ERROR_COLOUR}">{html.escape(line)}</span>')
        else:
            self.log.appendPlainText(line)

    def save_log(self) -> Path | None:
        """Ask for a file and write the log into it; returns it (None when not saved)."""
        suggested = Path(self.folder_edits["output"].text()).expanduser() / "decensor-log.txt"
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save log"), str(suggested), self.tr("Text files (*.txt);;All files (*)")
        )
        if not chosen:
            return None
        target = Path(chosen)
        try:
            target.write_text(self.log.toPlainText() + "\n", encoding="utf-8")
        except OSError as error:
            message = self.tr("cannot save the log to {target}: {error}")
            self._append_log(message.format(target=target, error=error.strerror or error),
                             error=True)  # fmt: skip
            return None
        self.statusBar().showMessage(self.tr("Log saved to {target}").format(target=target))
        return target

    def _copy_log(self) -> None:
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.log.toPlainText())

    def show_about(self) -> None:
        AboutDialog(about_html(self.models_dir), self).exec()

    # --- results ---------------------------------------------------------------------------

    def _show_result(self, item: QListWidgetItem | None) -> None:
        if item is None:
            self.compare.clear()
            return
        entry = self._entry(item)
        try:
            before = load_picture(entry.before, max_pixels=None).rgb8
            after = load_picture(entry.output, max_pixels=None).rgb8
        except PictureError as error:
            self._append_log(str(error), error=True)
            return
        if before.shape != after.shape:  # not comparable pixel for pixel: show the result
            before = after
        self.compare.set_images(before, after)

    def open_output_folder(self) -> bool:
        """Show the output folder in the file manager; False (and said) when none opens it."""
        folder = Path(self.folder_edits["output"].text()).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            message = self.tr("cannot create output folder {folder}: {error}")
            self._append_log(message.format(folder=folder, error=error.strerror or error),
                             error=True)  # fmt: skip
            return False
        failure = self.tr("no file manager could open the output folder; it is {folder}")
        return self._show_folder(folder, failure.format(folder=folder.resolve()))

    def _show_folder(self, folder: Path, failure: str) -> bool:
        """Open ``folder`` in the file manager; when none opens it, the message ``failure``
        goes to the log and the status bar, and False is returned."""
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder.resolve()))):
            return True
        self._append_log(failure, error=True)
        self.statusBar().showMessage(failure)
        return False

    # --- the results list's right-click menu ------------------------------------------------

    @staticmethod
    def _entry(item: QListWidgetItem) -> ListedResult:
        entry = item.data(Qt.ItemDataRole.UserRole)
        assert isinstance(entry, ListedResult)
        return entry

    def result_menu(self, item: QListWidgetItem) -> QMenu:
        """The right-click menu of the result ``item`` (see :data:`RESULT_ACTIONS`); its
        actions by English text in ``result_actions``."""
        entry = self._entry(item)
        slots: dict[str, Callable[[], object]] = {
            "Open in painter": lambda: self.open_painter(entry.input),
            "Show in folder": lambda: self.show_result_in_folder(entry),
            "Redo this picture": lambda: self.redo_result(entry),
        }
        tips = {
            "Open in painter": self.tr("Open {name} in the painter to fix its mask"),
            "Show in folder": self.tr("Show the folder of {result} in the file manager"),
            "Redo this picture": self.tr("Restore {name} again, replacing only its own result"),
        }
        menu = QMenu(self.results)
        menu.setToolTipsVisible(True)
        self.result_actions: dict[str, QAction] = {}
        for text in RESULT_ACTIONS:
            tip = tips[text].format(name=entry.input.name, result=entry.output.name)
            action = make_action(menu, self.tr(text), None, slots[text], tip)
            menu.addAction(action)
            self.result_actions[text] = action
        self.result_actions["Redo this picture"].setEnabled(not self.running)
        return menu

    def _show_result_menu(self, position: QPoint) -> None:
        item = self.results.itemAt(position)
        if item is None:
            return
        menu = self.result_menu(item)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.results.viewport().mapToGlobal(position))

    def show_result_in_folder(self, entry: ListedResult) -> bool:
        """Show the folder holding ``entry``'s result in the file manager; False (and said)
        when none opens it."""
        folder = entry.output.parent
        failure = self.tr("no file manager could open the folder of {name}; it is {folder}")
        return self._show_folder(
            folder, failure.format(name=entry.output.name, folder=folder.resolve())
        )

    def redo_result(self, entry: ListedResult) -> bool:
        """Restore ``entry``'s input again as it was restored (censor type, number of
        variations), replacing its own results only; False when it did not start."""
        return self.decensor_picture(entry.input.name, entry.censor, entry.variations)

    def _browse(self, key: str) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Choose a folder"), self.folder_edits[key].text()
        )
        if chosen:
            self.folder_edits[key].setText(chosen)
            self.list_earlier_results()

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
                self.settings,  # the recent pictures are kept with the window's settings
            )
            self.painter.decensor_requested.connect(self.decensor_picture)
            # A mask from mosaic detection (or with an original) is restored as a mosaic.
            self.painter.decensor_as_requested.connect(self.decensor_picture)
            self.painter.mask_saved.connect(self.mark_out_of_date)
        if path is not None:
            self.painter.open_file(path)
        self.painter.show()
        self.painter.raise_()
        return self.painter

    def decensor_picture(
        self, name: str, censor: str | None = None, variations: int | None = None
    ) -> bool:
        """ "Save and decensor" and "Redo this picture": restore just the input ``name``
        (replacing its old result), as ``censor`` ("bar"/"mosaic") when given (the painter's
        mask came from mosaic detection, or the result was made so), else as the window's
        censor type; ``variations`` results when given, else as many as the window says.
        False when it did not start."""
        mode: CensorType | None = "mosaic" if censor == "mosaic" else (
            "bar" if censor == "bar" else None
        )  # fmt: skip
        if self.running:
            self._append_log(
                self.tr("a batch is running: decensor the picture when it ends"), error=True
            )
            return False
        started = self.start(only=[name], overwrite=True, censor=mode, variations=variations)
        self.raise_()
        return started

    #: The old name of :meth:`decensor_picture`.
    _decensor_one = decensor_picture

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
                self._append_log(self.tr("input folder: {folder}").format(folder=path))
            elif path.is_file():
                self.open_painter(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        # A batch still waiting for its model stops at once (the model loads in a daemon
        # thread that quitting does not wait for); one restoring stops after its region.
        if self.worker is not None:
            self.worker.cancel()
        if self.batch_thread is not None:
            self.batch_thread.quit()
            self.batch_thread.wait()
        self.save_settings()
        super().closeEvent(event)
