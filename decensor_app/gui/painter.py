"""The painting tool: paint or erase the exact green mask over a picture, then save it into the
app's folders (and optionally decensor it at once).

What is painted is exactly (0, 255, 0) with no anti-aliasing (see :mod:`decensor_app.painting`);
the on-screen overlay is semi-transparent only for visibility, in a colour and opacity the user
may change.

Mouse mapping, the same as the before/after view's (:mod:`decensor_app.gui.compare`): the left
button uses the tool, the right or middle button drags to pan, the wheel zooms around the
cursor. Space + left drag pans too (for a touchpad or a one-button mouse); Shift + left drag
erases with any tool.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Literal

import numpy as np
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMetaMethod,
    QObject,
    QPointF,
    QRect,
    QRectF,
    QSettings,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QEnterEvent,
    QFocusEvent,
    QIcon,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QUndoCommand,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QColorDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSpinBox,
    QStyle,
    QToolBar,
    QToolButton,
    QWidget,
)

from decensor_app.engines.base import CensorType
from decensor_app.gui.actions import QT_TRANSLATE_NOOP, Shortcut, make_action
from decensor_app.gui.compare import ScrolledView, ZoomPan, to_qimage
from decensor_app.imaging import PICTURE_EXTENSIONS, PictureError
from decensor_app.painting import Edit, MaskDocument, SourceWouldBeReplaced, WouldReplaceOther
from decensor_app.pipeline import FileError, find_original

Tool = Literal["brush", "eraser", "rectangle", "lasso"]
TOOLS: tuple[Tool, ...] = ("brush", "eraser", "rectangle", "lasso")
#: The tools' shortcuts, in the order of :data:`TOOLS`.
TOOL_KEYS = "BERL"
#: Called at open and save time: (input folder, originals folder, censor type) as now chosen.
FolderSource = Callable[[], tuple[Path, Path, CensorType]]
#: The open dialog's filter: both cases, as file dialogs may match case-sensitively.
PICTURE_PATTERNS = " ".join(f"*{ext} *{ext.upper()}" for ext in PICTURE_EXTENSIONS)
#: Default overlay: the censor green at 55% opacity, so the picture stays visible under it.
OVERLAY_RGBA = (0, 255, 0, 140)
#: Buttons that drag to pan, in the painter as in the before/after view; left uses the tool.
PAN_BUTTONS = (Qt.MouseButton.RightButton, Qt.MouseButton.MiddleButton)
#: Zoom limits (picture pixel -> widget pixels), as :meth:`ZoomPan.zoom` clamps them.
MIN_SCALE, MAX_SCALE = 0.02, 32.0
#: The text of the "Save As..." button in questions that offer it.
SAVE_AS = QT_TRANSLATE_NOOP("PainterWindow", "Save As...")
#: How many pictures File > Open Recent lists, and its settings key (a list of paths, the
#: latest first).
RECENT_COUNT = 10
RECENT_KEY = "painter/recent"
#: The whole-mask edits of the Edit menu: shortcuts as for a selection in painting programs
#: (Ctrl+A select all, Ctrl+D deselect, Ctrl+I invert), none of them taken in the painter.
MASK_ACTIONS: tuple[tuple[str, str], ...] = (
    (QT_TRANSLATE_NOOP("PainterWindow", "Clear mask"), "Ctrl+D"),
    (QT_TRANSLATE_NOOP("PainterWindow", "Invert mask"), "Ctrl+I"),
    (QT_TRANSLATE_NOOP("PainterWindow", "Fill mask"), "Ctrl+A"),
)

Answer = QMessageBox.StandardButton | str


def ask(
    parent: QWidget,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton,
    default: QMessageBox.StandardButton,
    extra: str | None = None,
) -> Answer:
    """A modal question; returns the standard button clicked, or ``extra`` (the text of one
    more button, e.g. :data:`SAVE_AS`) when that was clicked. Closing the box answers with its
    escape button (No or Cancel). Tests replace this function to answer without a dialog."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, parent)
    box.setDefaultButton(default)
    extra_button = (
        box.addButton(
            QCoreApplication.translate("PainterWindow", extra), QMessageBox.ButtonRole.ActionRole
        )
        if extra is not None
        else None
    )
    box.exec()
    clicked = box.clickedButton()
    if extra is not None and clicked is extra_button:
        return extra
    return box.standardButton(clicked)


def _drawn_icon(draw: Callable[[QPainter], None], palette: QPalette) -> QIcon:
    """A 32x32 icon drawn in code in the palette's text colour (no image files to ship)."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = palette.color(QPalette.ColorRole.WindowText)
    painter.setPen(QPen(colour, 2.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    draw(painter)
    painter.end()
    return QIcon(pixmap)


def _disc(x: float, diameter: float) -> Callable[[QPainter], None]:
    """A filled circle at (x, x), ``diameter`` across."""

    def draw(painter: QPainter) -> None:
        painter.setBrush(painter.pen().color())
        painter.drawEllipse(QRectF(x, x, diameter, diameter))

    return draw


def _draw_eraser(painter: QPainter) -> None:
    painter.drawEllipse(QRectF(7, 7, 18, 18))
    painter.drawLine(9, 23, 23, 9)


def _magnifier(sign: str) -> Callable[[QPainter], None]:
    def draw(painter: QPainter) -> None:
        painter.drawEllipse(QRectF(4, 4, 18, 18))
        painter.drawLine(QPointF(19, 19), QPointF(28, 28))
        painter.drawLine(QPointF(9, 13), QPointF(17, 13))
        if sign == "+":
            painter.drawLine(QPointF(13, 9), QPointF(13, 17))

    return draw


def _draw_fit(painter: QPainter) -> None:
    for x, y, dx, dy in ((4, 4, 1, 1), (28, 4, -1, 1), (4, 28, 1, -1), (28, 28, -1, -1)):
        painter.drawLine(QPointF(x, y), QPointF(x + 8 * dx, y))
        painter.drawLine(QPointF(x, y), QPointF(x, y + 8 * dy))


def _draw_mosaic(painter: QPainter) -> None:
    colour = painter.pen().color()
    for row in range(3):
        for column in range(3):
            shade = QColor(colour)
            shade.setAlpha(255 if (row + column) % 2 == 0 else 110)
            painter.fillRect(QRectF(4 + 8 * column, 4 + 8 * row, 8, 8), shade)


TOOL_ICONS: dict[str, Callable[[QPainter], None]] = {
    "brush": _disc(7, 18),
    "eraser": _draw_eraser,
    "rectangle": lambda p: p.drawRect(QRectF(5, 8, 22, 16)),
    "lasso": lambda p: p.drawPolygon(
        QPolygonF([QPointF(x, y) for x, y in ((5, 14), (14, 5), (27, 9), (22, 25), (10, 22))])
    ),
    "smaller": _disc(12, 8),
    "larger": _disc(4, 24),
    "zoom in": _magnifier("+"),
    "zoom out": _magnifier("-"),
    "fit": _draw_fit,
    "detect": _draw_mosaic,
}


class EditCommand(QUndoCommand):
    """One user action (a whole stroke or shape) = a list of mask edits, undone in reverse."""

    def __init__(self, canvas: PaintCanvas, edits: list[Edit], text: str) -> None:
        super().__init__(text)
        self.canvas = canvas
        self.edits = [edit for edit in edits if edit.changed]
        self._applied = True  # the edits were applied while the user painted

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        for edit in self.edits:
            self.canvas.document.redo(edit)
            self.canvas.refresh(edit)

    def undo(self) -> None:
        for edit in reversed(self.edits):
            self.canvas.document.undo(edit)
            self.canvas.refresh(edit)


class PaintCanvas(ZoomPan):
    """Shows the picture with the mask overlay; turns mouse input into mask edits.

    Left button uses the tool (Shift + left erases with any tool); right or middle drag, or
    space + left drag, pans; the wheel zooms around the cursor. Each change redraws only its
    rectangle of the screen.

    Signals:
        changed: the mask changed.
        view_changed (from :class:`ZoomPan`): the zoom or the scroll position changed.
    """

    changed = Signal()

    def __init__(
        self,
        document: MaskDocument,
        undo_stack: QUndoStack,
        overlay: tuple[int, int, int, int] = OVERLAY_RGBA,
    ) -> None:
        super().__init__()
        self.document = document
        self.undo_stack = undo_stack
        self.tool: Tool = "brush"
        self.brush_size = 24
        self.scale = 1.0
        self.offset = QPointF(0, 0)
        self.content_size = (document.width, document.height)  # for the scroll bars
        self.overlay_rgba = overlay
        self._picture = to_qimage(document.picture.rgb8)
        self._overlay_rgba = np.zeros((document.height, document.width, 4), np.uint8)
        self._overlay = QImage()
        self._rebuild_overlay()
        self._points: list[tuple[int, int]] = []
        self._edits: list[Edit] = []
        self._erasing = False
        self._pan_from: QPointF | None = None
        self._space = False
        self._cursor = QPointF(-1, -1)
        self.setMouseTracking(True)
        self.setMinimumSize(300, 200)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # --- display ---------------------------------------------------------------------------

    def set_overlay(self, rgba: tuple[int, int, int, int]) -> None:
        """Show the mask in ``rgba`` (0-255 each) instead; the saved green is unchanged."""
        self.overlay_rgba = rgba
        self._rebuild_overlay()
        self.update()

    def _rebuild_overlay(self) -> None:
        self._overlay_rgba[:] = 0
        self._overlay_rgba[self.document.mask] = self.overlay_rgba
        self._wrap_overlay()

    def _wrap_overlay(self) -> None:
        height, width = self.document.mask.shape
        # The QImage shares the array's memory: keep the array, refresh by updating it.
        self._overlay = QImage(
            self._overlay_rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888
        )

    def refresh(self, edit: Edit | None = None) -> None:
        """Redraw after the mask changed (only the edit's rectangle when given)."""
        if edit is None or edit.after.size == 0:
            self._rebuild_overlay()
            self.update()
        else:
            height, width = edit.after.shape
            view = self._overlay_rgba[edit.y : edit.y + height, edit.x : edit.x + width]
            view[:] = 0
            view[self.document.mask[edit.y : edit.y + height, edit.x : edit.x + width]] = (
                self.overlay_rgba
            )
            self.update(self._widget_rect(edit.x, edit.y, width, height))
        self.changed.emit()

    def _widget_rect(self, x: float, y: float, width: float, height: float) -> QRect:
        """The widget pixels showing picture pixels (x, y, width, height), with a margin for
        smoothing."""
        corner = self._to_widget(x, y)
        rect = QRectF(corner.x(), corner.y(), width * self.scale, height * self.scale)
        return rect.adjusted(-2, -2, 2, 2).toAlignedRect()

    def _cursor_rect(self) -> QRect:
        radius = self.brush_size * self.scale / 2 + 3
        return QRectF(
            self._cursor.x() - radius, self._cursor.y() - radius, 2 * radius, 2 * radius
        ).toAlignedRect()

    def fit(self) -> None:
        """Show the whole picture, centred; small pictures are enlarged to fill the view."""
        width, height = self.document.width, self.document.height
        scale = min(self.width() / width, self.height() / height)
        self.scale = min(max(scale, MIN_SCALE), MAX_SCALE)
        self.offset = QPointF(
            (self.width() - width * self.scale) / 2, (self.height() - height * self.scale) / 2
        )
        self.update()

    def to_image(self, position: QPointF) -> tuple[int, int]:
        """Widget position -> picture pixel (x, y)."""
        point = (position - self.offset) / self.scale
        return int(np.floor(point.x())), int(np.floor(point.y()))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        exposed = event.rect()
        painter.fillRect(exposed, self.palette().color(QPalette.ColorRole.Dark))
        # Only the picture pixels under the exposed rectangle: a brush dab on a 4000x3000
        # picture repaints a few dozen pixels, not the whole scaled picture.
        left = max(math.floor((exposed.left() - self.offset.x()) / self.scale) - 1, 0)
        top = max(math.floor((exposed.top() - self.offset.y()) / self.scale) - 1, 0)
        right = min(math.ceil((exposed.right() + 1 - self.offset.x()) / self.scale) + 1,
                    self.document.width)  # fmt: skip
        bottom = min(math.ceil((exposed.bottom() + 1 - self.offset.y()) / self.scale) + 1,
                     self.document.height)  # fmt: skip
        if right > left and bottom > top:
            source = QRectF(left, top, right - left, bottom - top)
            corner = self._to_widget(left, top)
            target = QRectF(
                corner.x(), corner.y(), source.width() * self.scale, source.height() * self.scale
            )
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.scale < 1.0)
            painter.drawImage(target, self._picture, source)
            painter.drawImage(target, self._overlay, source)
        if self.tool in ("brush", "eraser") and self._cursor.x() >= 0 and not self._panning:
            # A dark and a light ring: the outline shows on any picture.
            radius = self.brush_size * self.scale / 2
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(0, 0, 0, 200), 3))
            painter.drawEllipse(self._cursor, radius, radius)
            painter.setPen(QPen(QColor(255, 255, 255), 1))
            painter.drawEllipse(self._cursor, radius, radius)
        shape_pen = QPen(QColor(255, 255, 255), 1, Qt.PenStyle.DashLine)
        if self.tool == "rectangle" and len(self._points) == 2:
            (x0, y0), (x1, y1) = self._points
            rect = QRectF(self._to_widget(x0, y0), self._to_widget(x1, y1))
            painter.setPen(QPen(QColor(0, 0, 0), 3))
            painter.drawRect(rect)
            painter.setPen(shape_pen)
            painter.drawRect(rect)
        if self.tool == "lasso" and len(self._points) > 1:
            line = QPolygonF([self._to_widget(x, y) for x, y in self._points])
            painter.setPen(QPen(QColor(0, 0, 0), 3))
            painter.drawPolyline(line)
            painter.setPen(shape_pen)
            painter.drawPolyline(line)

    def _to_widget(self, x: float, y: float) -> QPointF:
        return QPointF(x, y) * self.scale + self.offset

    # --- input -----------------------------------------------------------------------------

    @property
    def _panning(self) -> bool:
        return self._pan_from is not None or self._space

    def _move_cursor(self, position: QPointF) -> None:
        """Track the brush outline; repaint where it was and where it is."""
        self.update(self._cursor_rect())
        self._cursor = position
        self.update(self._cursor_rect())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        button = event.button()
        if button in PAN_BUTTONS or (self._space and button == Qt.MouseButton.LeftButton):
            self._pan_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if button != Qt.MouseButton.LeftButton:
            return
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self._erasing = shift or self.tool == "eraser"
        point = self.to_image(event.position())
        self._points = [point]
        self._edits = []
        if self.tool in ("brush", "eraser"):
            self._edits.append(self.document.stroke([point], self.brush_size, self._erasing))
            self.refresh(self._edits[-1])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self.offset += event.position() - self._pan_from
            self._pan_from = event.position()
            self._cursor = event.position()
            self.update()
            return
        self._move_cursor(event.position())
        if not self._points:
            return
        point = self.to_image(event.position())
        if self.tool in ("brush", "eraser"):
            segment = [self._points[-1], point]
            self._edits.append(self.document.stroke(segment, self.brush_size, self._erasing))
            self._points.append(point)
            self.refresh(self._edits[-1])
        elif self.tool == "rectangle":
            self._points = [self._points[0], point]
            self.update()
        else:
            self._points.append(point)
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self._set_pan_cursor()
            return
        if not self._points:
            return
        point = self.to_image(event.position())
        if self.tool == "rectangle":
            self._edits.append(self.document.rectangle(self._points[0], point, self._erasing))
        elif self.tool == "lasso":
            self._edits.append(self.document.polygon([*self._points, point], self._erasing))
        for edit in self._edits[-1:]:
            self.refresh(edit)
        # The undo stack's text, shown in the Undo / Redo tooltips ("Undo paint (brush)").
        tools = {"brush": self.tr("brush"), "eraser": self.tr("eraser"),
                 "rectangle": self.tr("rectangle"), "lasso": self.tr("lasso")}  # fmt: skip
        text = self.tr("{verb} ({tool})").format(
            verb=self.tr("erase") if self._erasing else self.tr("paint"), tool=tools[self.tool]
        )
        command = EditCommand(self, self._edits, text)
        if command.edits:
            self.undo_stack.push(command)
        self._points, self._edits = [], []
        self.update()

    def _set_pan_cursor(self) -> None:
        if self._space:
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.unsetCursor()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space = True
                self._set_pan_cursor()
                self.update()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space = False
                self._set_pan_cursor()
                self.update()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._space = False  # the release went elsewhere
        self._set_pan_cursor()
        super().focusOutEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.zoom(1.25 if event.angleDelta().y() > 0 else 0.8, event.position())

    def enterEvent(self, event: QEnterEvent) -> None:
        # Keys (space to pan) reach the canvas under the mouse without a click first.
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.update(self._cursor_rect())
        self._cursor = QPointF(-1, -1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        if not self.undo_stack.count():
            self.fit()
        else:
            self.view_changed.emit()


class _WrappingLabel(QLabel):
    """A status bar label that wraps instead of cutting its text (with a note added, "no clean
    original found...", translated texts outgrow the window), one line high when it fits.

    QStatusBar sizes its widgets by their size hints, and a wrapping QLabel's hint assumes a
    narrow column (several lines): the hints here are the height the text needs at the
    label's own width.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setWordWrap(True)

    def _height(self) -> int:
        return self.heightForWidth(max(self.width(), 1))

    def hasHeightForWidth(self) -> bool:
        return False  # the hints below already follow the width

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # another width may need another number of lines


class _ShortcutsThrough(QObject):
    """Lets letter and bracket shortcuts through a focused number box (which would take every
    printable key as typing): digits and editing keys still go to the box."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            text = event.text()
            if text and text.isprintable() and not text.isdigit() and text not in "+-":
                event.ignore()  # not overridden: the window's shortcut runs
                return True
        return False


class PainterWindow(QMainWindow):
    """Open a picture, paint the mask, save into the input (and originals) folder.

    Signals:
        decensor_requested(name): the greened file ``name`` was saved into the input folder and
            should be restored now in the window's censor type ("Save and decensor").
        decensor_as_requested(name, censor): the same, in censor type ``censor`` ("bar" or
            "mosaic"), which differs from the window's: the mask came from "Detect mosaic" or
            the picture has an original without green. Emitted instead of
            ``decensor_requested`` only then; when nothing is connected, the user is told to
            switch the window's censor type.
        mask_saved(name): the greened file ``name`` was written; earlier results restored from
            it are out of date.
    """

    decensor_requested = Signal(str)
    decensor_as_requested = Signal(str, str)
    mask_saved = Signal(str)

    def __init__(
        self,
        folders: FolderSource,
        parent: QWidget | None = None,
        settings: QSettings | None = None,
    ) -> None:
        """``folders()`` returns (input dir, originals dir, censor type) when opening and
        saving; ``settings`` keeps the recent pictures (by default the app's, as the main
        window's)."""
        super().__init__(parent)
        self.folders = folders
        self.settings = settings or QSettings("decensor_app", "decensor")
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(lambda clean: self.setWindowModified(not clean))
        self.canvas: PaintCanvas | None = None
        self.document: MaskDocument | None = None
        #: Where Save writes the greened file once Save As chose it (None: input folder).
        self.target: Path | None = None
        #: The mask holds regions "Detect mosaic" found: it is a mosaic's, not a bar's.
        self.mosaic_detected = False
        self.overlay_color = QColor(*OVERLAY_RGBA[:3])
        self._shortcuts_through = _ShortcutsThrough(self)
        self._build_toolbars()
        self._build_menus()
        self.status = _WrappingLabel(self.tr("Open a picture (Ctrl+O) or drop one here"))
        self.statusBar().addWidget(self.status, 1)
        self._show_empty()
        self.setAcceptDrops(True)
        self.resize(1000, 750)
        if parent is not None:
            # Quitting the main window asks about unsaved painting first (see eventFilter).
            parent.installEventFilter(self)

    def _action(
        self,
        text: str,
        shortcut: Shortcut | None,
        slot: Callable[[], object],
        icon: QIcon | None = None,
        tip: str | None = None,
    ) -> QAction:
        action = make_action(self, text, shortcut, slot)
        if icon is not None:
            action.setIcon(icon)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip((tip or text) + (f" ({keys})" if keys else ""))
        return action

    def _standard(self, pixmap: QStyle.StandardPixmap) -> QIcon:
        return self.style().standardIcon(pixmap)

    def _drawn(self, name: str) -> QIcon:
        return _drawn_icon(TOOL_ICONS[name], self.palette())

    def _toolbar(
        self, title: str, area: Qt.ToolBarArea = Qt.ToolBarArea.TopToolBarArea
    ) -> QToolBar:
        bar = QToolBar(title)
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.addToolBar(area, bar)
        return bar

    def _build_toolbars(self) -> None:
        sp = QStyle.StandardPixmap
        files = self._toolbar(self.tr("File"))
        self.open_action = open_action = self._action(
            self.tr("Open..."), QKeySequence.StandardKey.Open, self.choose_file,
            self._standard(sp.SP_DialogOpenButton), self.tr("Open a picture"),
        )  # fmt: skip
        self.save_action = self._action(
            self.tr("Save"), QKeySequence.StandardKey.Save, self.save,
            self._standard(sp.SP_DialogSaveButton),
            self.tr("Save the greened picture (input folder)"),
        )  # fmt: skip
        self.save_as_action = self._action(
            self.tr("Save As..."), "Ctrl+Alt+S", self.save_as,
            self._standard(sp.SP_DriveHDIcon),
            self.tr("Save the greened picture under another name"),
        )  # fmt: skip
        self.save_decensor_action = self._action(
            self.tr("Save and decensor"), "Ctrl+Shift+S", self.save_and_decensor,
            self._standard(sp.SP_MediaPlay), self.tr("Save, then restore this picture now"),
        )  # fmt: skip
        for action in (open_action, self.save_action, self.save_as_action,
                       self.save_decensor_action):  # fmt: skip
            files.addAction(action)

        edit = self._toolbar(self.tr("Edit"))
        # The tools as a palette on the left, as in painting programs; the rest on top.
        tools = self._toolbar(self.tr("Tools"), Qt.ToolBarArea.LeftToolBarArea)
        self.tool_actions: dict[Tool, QAction] = {}
        group = QActionGroup(self)
        tips = {
            "brush": self.tr("Brush: paint green (Shift+drag erases)"),
            "eraser": self.tr("Eraser: erase back to the picture"),
            "rectangle": self.tr("Rectangle: drag a box"),
            "lasso": self.tr("Lasso: draw around an area to fill it"),
        }
        names = {
            "brush": self.tr("Brush"),
            "eraser": self.tr("Eraser"),
            "rectangle": self.tr("Rectangle"),
            "lasso": self.tr("Lasso"),
        }
        for key, tool in zip(TOOL_KEYS, TOOLS, strict=True):
            action = self._action(
                names[tool], key, partial(self.set_tool, tool), self._drawn(tool),
                tips[tool],
            )  # fmt: skip
            action.setCheckable(True)
            group.addAction(action)
            tools.addAction(action)
            self.tool_actions[tool] = action
        self.tool_actions["brush"].setChecked(True)
        tools.addSeparator()
        tools.addWidget(QLabel(self.tr("Size")))
        self.size_box = QSpinBox()
        self.size_box.setRange(1, 500)
        self.size_box.setValue(24)
        self.size_box.setSuffix(self.tr(" px"))
        self.size_box.setToolTip(
            self.tr("Brush and eraser diameter in picture pixels ([ and ] change it)")
        )
        self.size_box.valueChanged.connect(self._size_changed)
        # Letter shortcuts work while the box has focus (it would take them as typing).
        self.size_box.installEventFilter(self._shortcuts_through)
        tools.addWidget(self.size_box)
        sizes = (
            ("smaller", self.tr("Smaller"), self.tr("Smaller brush"), "[", -4),
            ("larger", self.tr("Larger"), self.tr("Larger brush"), "]", 4),
        )
        self.size_actions = [
            self._action(
                text, key, partial(self.size_box.stepBy, step), self._drawn(icon), tip,
            )
            for icon, text, tip, key, step in sizes
        ]  # fmt: skip
        for action in self.size_actions:
            tools.addAction(action)
        # Own actions with fixed texts: Qt's undo actions rename themselves ("Undo paint
        # (brush)"), which makes the toolbar's buttons change width.
        self.undo_action = self._action(
            self.tr("Undo"), QKeySequence.StandardKey.Undo, self.undo_stack.undo,
            self._standard(sp.SP_ArrowBack),
        )  # fmt: skip
        self.redo_action = self._action(
            self.tr("Redo"), QKeySequence.StandardKey.Redo, self.undo_stack.redo,
            self._standard(sp.SP_ArrowForward),
        )  # fmt: skip
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda text: self.undo_action.setToolTip(
                self.tr("Undo {what}").format(what=text).strip()
            )
        )
        self.undo_stack.redoTextChanged.connect(
            lambda text: self.redo_action.setToolTip(
                self.tr("Redo {what}").format(what=text).strip()
            )
        )
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        self.detect_action = self._action(
            self.tr("Detect mosaic"), "Ctrl+M", self.detect_mosaic, self._drawn("detect"),
            self.tr("Find mosaics and add them to the mask (check the result)"),
        )  # fmt: skip
        edit.addAction(self.detect_action)
        # In the Edit menu only (see _build_menus): the toolbar has no room for them.
        slots = {"Clear mask": self.clear_mask, "Invert mask": self.invert_mask,
                 "Fill mask": self.fill_mask}  # fmt: skip
        tips = {
            "Clear mask": self.tr("Erase the whole mask (green without an original stays)"),
            "Invert mask": self.tr("Mask what is not masked, and unmask what is"),
            "Fill mask": self.tr("Mask the whole picture"),
        }
        self.mask_actions = {
            text: self._action(self.tr(text), key, slots[text], tip=tips[text])
            for text, key in MASK_ACTIONS
        }

        self.addToolBarBreak()
        view = self._toolbar(self.tr("View"))
        self.view_actions = [
            self._action(self.tr("Zoom in"), QKeySequence.StandardKey.ZoomIn, self._zoom_in,
                         self._drawn("zoom in")),
            self._action(self.tr("Zoom out"), QKeySequence.StandardKey.ZoomOut, self._zoom_out,
                         self._drawn("zoom out")),
            self._action(self.tr("Fit"), "Ctrl+0", self._fit, self._drawn("fit"),
                         self.tr("Fit the picture to the window")),
        ]  # fmt: skip
        for action in self.view_actions:
            view.addAction(action)
        self.zoom_label = QLabel()
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setToolTip(self.tr("Zoom: screen pixels per picture pixel"))
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("88888%"))
        view.addWidget(self.zoom_label)
        view.addSeparator()
        self.overlay_button = QToolButton()
        self.overlay_button.setText(self.tr("Overlay colour"))
        self.overlay_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.overlay_button.setToolTip(
            self.tr("Colour the mask is shown in (the saved mask stays green)")
        )
        self.overlay_button.clicked.connect(self.choose_overlay_color)
        view.addWidget(self.overlay_button)
        view.addWidget(QLabel(self.tr(" Opacity ")))
        self.opacity_box = QSpinBox()
        self.opacity_box.setRange(10, 100)
        self.opacity_box.setSuffix(" %")
        self.opacity_box.setValue(round(OVERLAY_RGBA[3] * 100 / 255))
        self.opacity_box.setToolTip(self.tr("Opacity of the mask on screen"))
        self.opacity_box.valueChanged.connect(lambda _: self._apply_overlay())
        self.opacity_box.installEventFilter(self._shortcuts_through)
        view.addWidget(self.opacity_box)
        self._apply_overlay()
        self._update_zoom()
        for bar in (edit, tools, view):  # File's "Save and decensor" would widen them all
            _even_widths(bar)

    def _build_menus(self) -> None:
        """A menu bar with every action and its shortcut (the toolbars' and the whole-mask
        edits); File > Open Recent lists the pictures opened last."""
        bar = self.menuBar()
        files = bar.addMenu(self.tr("&File"))
        files.addAction(self.open_action)
        self.recent_menu = files.addMenu(self.tr("Open &Recent"))
        self.recent_menu.setToolTipsVisible(True)
        # Filled when the File menu opens: pictures deleted meanwhile are left out.
        files.aboutToShow.connect(self._fill_recent_menu)
        files.addSeparator()
        for action in (self.save_action, self.save_as_action, self.save_decensor_action):
            files.addAction(action)
        files.addSeparator()
        files.addAction(self._action(self.tr("Close"), QKeySequence.StandardKey.Close,
                                     self.close, tip=self.tr("Close the painter")))  # fmt: skip
        edit = bar.addMenu(self.tr("&Edit"))
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        for action in self.mask_actions.values():
            edit.addAction(action)
        edit.addSeparator()
        edit.addAction(self.detect_action)
        tools = bar.addMenu(self.tr("&Tools"))
        for action in self.tool_actions.values():
            tools.addAction(action)
        tools.addSeparator()
        for action in self.size_actions:
            tools.addAction(action)
        view = bar.addMenu(self.tr("&View"))
        for action in self.view_actions:
            view.addAction(action)
        view.addSeparator()
        view.addAction(self._action(self.tr("Overlay colour..."), None,
                                    self.choose_overlay_color,
                                    tip=self.tr("Colour the mask is shown in (the saved mask "
                                                "stays green)")))  # fmt: skip
        for menu in (files, edit, tools, view):
            menu.setToolTipsVisible(True)
        self._fill_recent_menu()

    # --- recent pictures -------------------------------------------------------------------

    def recent_files(self) -> list[Path]:
        """The pictures opened last, the latest first (at most :data:`RECENT_COUNT`); those
        that no longer exist are dropped from the setting."""
        stored = self.settings.value(RECENT_KEY, [], type=list)
        paths = [Path(str(path)) for path in stored] if isinstance(stored, list) else []
        existing = [path for path in paths if path.is_file()][:RECENT_COUNT]
        if existing != paths:
            self._store_recent(existing)
        return existing

    def _store_recent(self, paths: list[Path]) -> None:
        if paths:
            self.settings.setValue(RECENT_KEY, [str(path) for path in paths])
        else:
            self.settings.remove(RECENT_KEY)
        self.settings.sync()  # another window (or the next start) reads the same list

    def _remember_opened(self, path: Path) -> None:
        opened = path.resolve()
        others = [known for known in self.recent_files() if known != opened]
        self._store_recent([opened, *others][:RECENT_COUNT])
        self._fill_recent_menu()

    def clear_recent(self) -> None:
        """Empty File > Open Recent."""
        self._store_recent([])
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        files = self.recent_files()
        for number, path in enumerate(files, 1):
            # "&1 art.png" ... "1&0 art.png": a key for each; a "&" of a name is no key.
            index = f"&{number}" if number < 10 else f"1&{number - 10}"
            action = make_action(menu, f"{index} {path.name.replace('&', '&&')}", None,
                                 partial(self.open_recent, path), str(path))  # fmt: skip
            menu.addAction(action)
        menu.addSeparator()
        clear = make_action(menu, self.tr("Clear list"), None, self.clear_recent,
                            self.tr("Forget the pictures opened last"))  # fmt: skip
        clear.setEnabled(bool(files))
        menu.addAction(clear)

    def open_recent(self, path: Path) -> bool:
        """Open ``path`` from File > Open Recent; a picture deleted meanwhile is dropped from
        the list (and said) instead."""
        if not path.is_file():
            self.status.setText(self.tr("{path} no longer exists").format(path=path))
            self._fill_recent_menu()
            return False
        return self.open_file(path)

    # --- document --------------------------------------------------------------------------

    @property
    def modified(self) -> bool:
        """Painting not saved yet."""
        return self.document is not None and not self.undo_stack.isClean()

    def confirm_discard(self, doing: str | None = None) -> bool:
        """Ask what to do with unsaved painting before ``doing``: save (True if it was
        saved), discard (True) or cancel (False). True at once when nothing is unsaved."""
        if not self.modified:
            return True
        name = self.document.source.name if self.document and self.document.source else "mask"
        answer = ask(
            self,
            self.tr("Unsaved painting"),
            self.tr(
                "The mask of {name} has changes that are not saved. Save them before {doing}?"
            ).format(name=name, doing=doing or self.tr("continuing")),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return bool(self.save())
        return answer == QMessageBox.StandardButton.Discard

    def _show_empty(self) -> None:
        """No picture: a hint in the middle, no document."""
        self.document = None
        self.canvas = None
        self.target = None
        self.mosaic_detected = False
        self.undo_stack.clear()
        hint = QLabel(self.tr("Open a picture (Ctrl+O) or drop one here"))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(hint)
        self.setWindowTitle(self.tr("Paint the censor mask"))
        self._update_zoom()

    def open_file(self, path: Path) -> bool:
        """Open ``path``; a greened file from the input folder is paired with its original.
        Unsaved painting is asked about first."""
        path = Path(path)
        if not self.confirm_discard(self.tr("opening {name}").format(name=path.name)):
            return False
        input_dir, original_dir, _ = self.folders()
        original: Path | None = None
        if path.parent.resolve() == input_dir.resolve():
            # Paired as the batch pairs it (any extension case); none: the green stays unknown.
            with contextlib.suppress(FileError):
                original = find_original(path, original_dir)
        try:
            document = MaskDocument.open(path, original)
        except (PictureError, ValueError) as error:
            QMessageBox.warning(self, self.tr("Cannot open"), str(error))
            return False
        self.document = document
        self.target = None
        self.mosaic_detected = False
        self.undo_stack.clear()
        self.canvas = PaintCanvas(document, self.undo_stack, self._overlay_rgba())
        self.canvas.tool = next(t for t, a in self.tool_actions.items() if a.isChecked())
        self.canvas.brush_size = self.size_box.value()
        self.canvas.changed.connect(self._update_status)
        self.canvas.view_changed.connect(self._update_zoom)
        self.setCentralWidget(ScrolledView(self.canvas))
        self.canvas.fit()
        self.canvas.setFocus()
        self.setWindowTitle(self.tr("Paint the censor mask - {name}[*]").format(name=path.name))
        self.setWindowModified(False)
        self._remember_opened(path)
        self._update_status()
        if document.unknown.any():
            self.status.setText(
                self.status.text() + self.tr(" - no clean original found: existing green stays")
            )
        return True

    def choose_file(self) -> None:
        if not self.confirm_discard(self.tr("opening another picture")):
            return
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open a picture"),
            "",
            self.tr("Pictures ({patterns})").format(patterns=PICTURE_PATTERNS),
        )
        if name:
            self.undo_stack.setClean()  # already asked: do not ask again in open_file
            self.open_file(Path(name))

    def set_tool(self, tool: Tool) -> None:
        self.tool_actions[tool].setChecked(True)
        if self.canvas is not None:
            self.canvas.tool = tool
            self.canvas.update()

    def detect_mosaic(self) -> int:
        """Add the mosaics the detector finds to the mask (one undoable step); returns how many
        regions were found. The user reviews and edits the result before saving."""
        if self.document is None or self.canvas is None:
            return 0
        from decensor_app.detect import detect_mosaics, detection_mask

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            regions = detect_mosaics(self.document.picture.rgb8)
        finally:
            QApplication.restoreOverrideCursor()
        if not regions:
            self.status.setText(self.tr("no mosaic found: paint the censored area by hand"))
            return 0
        found = detection_mask(regions, self.document.mask.shape)
        self._replace_mask(self.document.mask | found, self.tr("detect mosaic"))
        self.mosaic_detected = True
        blocks = ", ".join(f"{r.grid.block} px" for r in regions)
        self.status.setText(
            self.tr("found {count} mosaic region(s), blocks {blocks}: check them").format(
                count=len(regions), blocks=blocks
            )
        )
        return len(regions)

    def _replace_mask(self, mask: np.ndarray, text: str) -> bool:
        """Make ``mask`` (HxW bool) the mask, as one step of the undo stack named ``text``;
        green without a clean original stays masked. False when nothing changed (no step)."""
        if self.document is None or self.canvas is None:
            return False
        edit = self.document.set_mask(mask)
        self.canvas.refresh()
        if not edit.changed:
            return False
        self.undo_stack.push(EditCommand(self.canvas, [edit], text))
        return True

    def clear_mask(self) -> bool:
        """Erase the whole mask (one undoable step)."""
        if self.document is None:
            return False
        return self._replace_mask(np.zeros_like(self.document.mask), self.tr("clear mask"))

    def invert_mask(self) -> bool:
        """Mask what is not masked and unmask what is (one undoable step)."""
        if self.document is None:
            return False
        return self._replace_mask(~self.document.mask, self.tr("invert mask"))

    def fill_mask(self) -> bool:
        """Mask the whole picture (one undoable step)."""
        if self.document is None:
            return False
        return self._replace_mask(np.ones_like(self.document.mask), self.tr("fill mask"))

    # --- view ------------------------------------------------------------------------------

    def _size_changed(self, value: int) -> None:
        if self.canvas is not None:
            self.canvas.brush_size = value
            self.canvas.update()

    def _zoom_in(self) -> None:
        if self.canvas is not None:
            self.canvas.zoom(1.25)

    def _zoom_out(self) -> None:
        if self.canvas is not None:
            self.canvas.zoom(0.8)

    def _fit(self) -> None:
        if self.canvas is not None:
            self.canvas.fit()

    def _update_zoom(self) -> None:
        if self.canvas is None:
            self.zoom_label.setText("")
            return
        # Screen pixels per picture pixel (a scaled screen has several per widget pixel).
        percent = self.canvas.scale * self.canvas.devicePixelRatioF() * 100
        self.zoom_label.setText(f"{percent:.0f}%")

    def _overlay_rgba(self) -> tuple[int, int, int, int]:
        colour = self.overlay_color
        alpha = round(self.opacity_box.value() * 255 / 100)
        return colour.red(), colour.green(), colour.blue(), alpha

    def _apply_overlay(self) -> None:
        swatch = QPixmap(32, 32)
        swatch.fill(self.overlay_color)
        self.overlay_button.setIcon(QIcon(swatch))
        if self.canvas is not None:
            self.canvas.set_overlay(self._overlay_rgba())

    def set_overlay_color(self, colour: QColor) -> None:
        """Show the mask in ``colour`` (the saved mask stays exact green)."""
        self.overlay_color = QColor(colour)
        self._apply_overlay()

    def choose_overlay_color(self) -> None:
        colour = QColorDialog.getColor(self.overlay_color, self, self.tr("Overlay colour"))
        if colour.isValid():
            self.set_overlay_color(colour)

    def _update_status(self) -> None:
        if self.document is None:
            return
        share = self.document.masked_count * 100 / (self.document.width * self.document.height)
        self.status.setText(
            self.tr(
                "{width}x{height} - {share}% masked - left: paint, Shift+left: erase, "
                "right drag or space+drag: pan, wheel: zoom"
            ).format(width=self.document.width, height=self.document.height, share=f"{share:.1f}")
        )

    # --- saving ----------------------------------------------------------------------------

    def _save_censor(self, censor: CensorType) -> CensorType:
        """Mosaic also in bar mode when the mask came from "Detect mosaic": the original is
        kept then, which a mosaic restore needs (and which tells a mosaic from a bar)."""
        known = self.document is not None and not self.document.unknown.any()
        return "mosaic" if self.mosaic_detected and known else censor

    def save(self, censor: CensorType | None = None, target: Path | None = None) -> list[Path]:
        """Save the greened picture (and the original in mosaic mode); returns the files.

        Args:
            censor: the censor type to save for (default: the window's, or mosaic when the
                mask came from "Detect mosaic"); mosaic also keeps the original.
            target: the greened file to write (default: the name Save As chose, else the
                opened file's name in the input folder).
        """
        if self.document is None:
            return []
        input_dir, original_dir, window_censor = self.folders()
        censor = censor or self._save_censor(window_censor)
        originals = original_dir if censor == "mosaic" else None
        stem = self.document.source.stem if self.document.source else "painted"
        target = target or self.target or input_dir / f"{stem}.png"
        replace_source = replace_existing = False
        existed = target.exists()
        while True:
            try:
                written = self.document.save(
                    target.parent, originals, target.stem, replace_source, replace_existing
                )
                break
            except SourceWouldBeReplaced as conflict:
                answer = self._confirm_replace(conflict.path)
                replace_source = True
            except WouldReplaceOther as conflict:
                answer = self._confirm_replace_other(conflict.paths)
                replace_existing = True
            except (PictureError, ValueError, OSError) as error:
                QMessageBox.warning(self, self.tr("Cannot save"), str(error))
                return []
            if answer == SAVE_AS:
                return self.save_as(censor)
            if answer != QMessageBox.StandardButton.Yes:
                self.status.setText(self.tr("not saved: the existing files were kept"))
                return []
        self.target = written[0]
        self.undo_stack.setClean()
        self.setWindowModified(False)
        stale = self.tr(" - earlier results of it are out of date (Save and decensor redoes them)")
        self.status.setText(
            self.tr("saved {files}").format(files=", ".join(str(p) for p in written))
            + (stale if existed else "")
        )
        self.mask_saved.emit(written[0].name)
        return written

    def save_as(self, censor: CensorType | None = None) -> list[Path]:
        """Ask for the greened file's name (in the input folder by default), then save."""
        if self.document is None:
            return []
        input_dir = self.folders()[0]
        stem = self.document.source.stem if self.document.source else "painted"
        suggested = self.target or input_dir / f"{stem}.png"
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the greened picture as"),
            str(suggested),
            self.tr("PNG pictures (*.png)"),
        )
        if not name:
            self.status.setText(self.tr("not saved"))
            return []
        return self.save(censor, Path(name).with_suffix(".png"))

    def _confirm_replace(self, path: Path) -> Answer:
        lost = (
            ""
            if self.document is not None and self.document.original_source is not None
            else self.tr(
                " What is under the newly painted areas is replaced by green in that file."
            )
        )
        return ask(
            self,
            self.tr("Replace the opened file?"),
            self.tr(
                "Save the repainted mask over {path}?{lost} Its original without green is not "
                "changed."
            ).format(path=path, lost=lost),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
            SAVE_AS,
        )

    def _confirm_replace_other(self, paths: list[Path]) -> Answer:
        lines = []
        for path in paths:
            try:
                masked = MaskDocument.open(path).masked_count
                lines.append(
                    self.tr("{path} (a mask of {masked} px)").format(
                        path=path, masked=f"{masked:,}"
                    )
                    if masked
                    else str(path)
                )
            except (PictureError, ValueError):
                lines.append(str(path))
        ours = self.document.masked_count if self.document is not None else 0
        return ask(
            self,
            self.tr("Replace existing files?"),
            self.tr(
                "These files exist and are another picture's or an earlier save's:\n{files}"
                "\n\nReplace them with this picture (a mask of {ours} px)?"
            ).format(files="\n".join(lines), ours=f"{ours:,}"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
            SAVE_AS,
        )

    def needed_censor(self) -> CensorType:
        """The censor type the painted mask calls for: mosaic when it came from "Detect
        mosaic" or an original without green exists for the picture, else the window's."""
        input_dir, original_dir, window_censor = self.folders()
        if self.document is None:
            return window_censor
        if self.mosaic_detected or self.document.original_source is not None:
            return "mosaic"
        stem = (self.target or Path(f"{self.document.source or 'painted'}")).stem
        with contextlib.suppress(FileError):
            if not self.document.unknown.any() and find_original(
                input_dir / f"{stem}.png", original_dir
            ):
                return "mosaic"
        return window_censor

    def save_and_decensor(self) -> None:
        """Save, then ask the main window to restore this picture, in mosaic mode when the
        mask is a mosaic's (asked when the window is set to Bar)."""
        if self.document is None:
            return
        window_censor = self.folders()[2]
        censor = self.needed_censor()
        if censor != window_censor:
            answer = ask(
                self,
                self.tr("Restore as a mosaic?"),
                self.tr(
                    "This mask marks a mosaic (found by Detect mosaic, or the picture has an "
                    "original without green), but the window is set to Bar. Restore it as a "
                    "mosaic (the original is kept in the originals folder)? No restores it as "
                    "a bar, inventing what is under it."
                ),
                QMessageBox.StandardButton.Yes
                | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.No:
                censor = window_censor
        written = self.save(censor)
        if not written:
            return
        name = written[0].name
        if censor == window_censor:
            self.decensor_requested.emit(name)
        elif self.isSignalConnected(QMetaMethod.fromSignal(self.decensor_as_requested)):
            self.decensor_as_requested.emit(name, censor)
        else:
            QMessageBox.information(
                self,
                self.tr("Switch to mosaic"),
                self.tr(
                    "Saved {name} and its original. Set the window's censor type to Mosaic "
                    "and press Decensor to restore it."
                ).format(name=name),
            )

    # --- drops and closing -----------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            self.open_file(Path(urls[0].toLocalFile()))

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.confirm_discard(self.tr("closing the painter")):
            event.ignore()
            return
        if self.modified:  # discarded: do not show it again next time
            self._show_empty()
        super().closeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The main window (the parent) is closing: ask about unsaved painting first; a
        cancel keeps both windows open."""
        if watched is self.parent() and event.type() == QEvent.Type.Close and self.modified:
            if not self.confirm_discard(self.tr("quitting")):
                event.ignore()
                return True
            self.undo_stack.setClean()  # discarded or saved: do not ask again
        return super().eventFilter(watched, event)


def _even_widths(bar: QToolBar) -> None:
    """Give the toolbar's buttons one width (the widest), so that they line up and a label
    never makes one jump."""
    buttons = [
        widget
        for action in bar.actions()
        if isinstance(widget := bar.widgetForAction(action), QToolButton)
    ]
    if buttons:
        width = max(button.sizeHint().width() for button in buttons)
        for button in buttons:
            button.setMinimumWidth(width)
