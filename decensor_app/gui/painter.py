"""The painting tool: paint or erase the exact green mask over a picture, then save it into the
app's folders (and optionally decensor it at once).

What is painted is exactly (0, 255, 0) with no anti-aliasing (see :mod:`decensor_app.painting`);
the on-screen overlay is semi-transparent only for visibility.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Literal

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QUndoCommand,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSpinBox,
    QToolBar,
    QWidget,
)

from decensor_app.engines.base import CensorType
from decensor_app.gui.actions import Shortcut, make_action
from decensor_app.gui.compare import ZoomPan, to_qimage
from decensor_app.imaging import PICTURE_EXTENSIONS, PictureError
from decensor_app.painting import Edit, MaskDocument, SourceWouldBeReplaced
from decensor_app.pipeline import FileError, find_original

Tool = Literal["brush", "eraser", "rectangle", "lasso"]
TOOLS: tuple[Tool, ...] = ("brush", "eraser", "rectangle", "lasso")
#: Called at open and save time: (input folder, originals folder, censor type) as now chosen.
FolderSource = Callable[[], tuple[Path, Path, CensorType]]
#: The open dialog's filter: both cases, as file dialogs may match case-sensitively.
PICTURE_PATTERNS = " ".join(f"*{ext} *{ext.upper()}" for ext in PICTURE_EXTENSIONS)
#: Overlay colour: the censor green at 55% opacity, so the picture stays visible under it.
OVERLAY_RGBA = (0, 255, 0, 140)


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

    Left button paints (the eraser tool erases), right button erases with any tool. Wheel
    zooms around the cursor; middle-drag or space+drag pans.
    """

    changed = Signal()

    def __init__(self, document: MaskDocument, undo_stack: QUndoStack) -> None:
        super().__init__()
        self.document = document
        self.undo_stack = undo_stack
        self.tool: Tool = "brush"
        self.brush_size = 24
        self.scale = 1.0
        self.offset = QPointF(0, 0)
        self._picture = to_qimage(document.picture.rgb8)
        self._overlay_rgba = np.zeros((document.height, document.width, 4), np.uint8)
        self._overlay = QImage()
        self._rebuild_overlay()
        self._points: list[tuple[int, int]] = []
        self._edits: list[Edit] = []
        self._erasing = False
        self._pan_from: QPointF | None = None
        self._cursor = QPointF(-1, -1)
        self.setMouseTracking(True)
        self.setMinimumSize(300, 200)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # --- display ---------------------------------------------------------------------------

    def _rebuild_overlay(self) -> None:
        self._overlay_rgba[:] = 0
        self._overlay_rgba[self.document.mask] = OVERLAY_RGBA
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
        else:
            height, width = edit.after.shape
            view = self._overlay_rgba[edit.y : edit.y + height, edit.x : edit.x + width]
            view[:] = 0
            view[self.document.mask[edit.y : edit.y + height, edit.x : edit.x + width]] = (
                OVERLAY_RGBA
            )
        self.update()
        self.changed.emit()

    def fit(self) -> None:
        self.fit_content(self.document.width, self.document.height)

    def to_image(self, position: QPointF) -> tuple[int, int]:
        """Widget position -> picture pixel (x, y)."""
        point = (position - self.offset) / self.scale
        return int(np.floor(point.x())), int(np.floor(point.y()))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(60, 60, 60))
        target = QRectF(
            self.offset.x(), self.offset.y(),
            self.document.width * self.scale, self.document.height * self.scale,
        )  # fmt: skip
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.scale < 1.0)
        painter.drawImage(target, self._picture)
        painter.drawImage(target, self._overlay)
        painter.setPen(QPen(QColor(255, 255, 255), 1, Qt.PenStyle.DashLine))
        if self.tool in ("brush", "eraser") and self._cursor.x() >= 0:
            radius = self.brush_size * self.scale / 2
            painter.drawEllipse(self._cursor, radius, radius)
        if self.tool == "rectangle" and len(self._points) == 2:
            (x0, y0), (x1, y1) = self._points
            painter.drawRect(QRectF(self._to_widget(x0, y0), self._to_widget(x1, y1)))
        if self.tool == "lasso" and len(self._points) > 1:
            painter.drawPolyline(QPolygonF([self._to_widget(x, y) for x, y in self._points]))

    def _to_widget(self, x: float, y: float) -> QPointF:
        return QPointF(x, y) * self.scale + self.offset

    # --- input -----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position()
            return
        self._erasing = event.button() == Qt.MouseButton.RightButton or self.tool == "eraser"
        point = self.to_image(event.position())
        self._points = [point]
        self._edits = []
        if self.tool in ("brush", "eraser"):
            self._edits.append(self.document.stroke([point], self.brush_size, self._erasing))
            self.refresh(self._edits[-1])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._cursor = event.position()
        if self._pan_from is not None:
            self.offset += event.position() - self._pan_from
            self._pan_from = event.position()
            self.update()
            return
        if not self._points:
            self.update()
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
        verb = "erase" if self._erasing else "paint"
        command = EditCommand(self, self._edits, f"{verb} ({self.tool})")
        if command.edits:
            self.undo_stack.push(command)
        self._points, self._edits = [], []
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.zoom(1.25 if event.angleDelta().y() > 0 else 0.8, event.position())

    def leaveEvent(self, event: QEvent) -> None:
        self._cursor = QPointF(-1, -1)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        if not self.undo_stack.count():
            self.fit()


class PainterWindow(QMainWindow):
    """Open a picture, paint the mask, save into the input (and originals) folder.

    Signals:
        decensor_requested(name): the greened file ``name`` was saved into the input folder and
            should be restored now ("Save and decensor").
    """

    decensor_requested = Signal(str)

    def __init__(self, folders: FolderSource, parent: QWidget | None = None) -> None:
        """``folders()`` returns (input dir, originals dir, censor type) when opening and
        saving."""
        super().__init__(parent)
        self.setWindowTitle("Paint the censor mask")
        self.folders = folders
        self.undo_stack = QUndoStack(self)
        self.canvas: PaintCanvas | None = None
        self.document: MaskDocument | None = None
        self._build_toolbar()
        self.status = QLabel("Open a picture (Ctrl+O) or drop one here")
        self.statusBar().addWidget(self.status, 1)
        self.setAcceptDrops(True)
        self.resize(1000, 750)

    def _action(self, text: str, shortcut: Shortcut | None, slot: Callable[[], object]) -> QAction:
        return make_action(self, text, shortcut, slot)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Painting")
        bar.setMovable(False)
        self.addToolBar(bar)
        bar.addAction(self._action("Open...", QKeySequence.StandardKey.Open, self.choose_file))
        self.save_action = self._action("Save", QKeySequence.StandardKey.Save, self.save)
        self.save_decensor_action = self._action(
            "Save and decensor", "Ctrl+Shift+S", self.save_and_decensor
        )
        bar.addAction(self.save_action)
        bar.addAction(self.save_decensor_action)
        bar.addSeparator()
        self.tool_actions: dict[Tool, QAction] = {}
        group = QActionGroup(self)
        for key, tool in zip("BERL", TOOLS, strict=True):
            action = self._action(tool.capitalize(), key, partial(self.set_tool, tool))
            action.setCheckable(True)
            group.addAction(action)
            bar.addAction(action)
            self.tool_actions[tool] = action
        self.tool_actions["brush"].setChecked(True)
        bar.addWidget(QLabel(" Size "))
        self.size_box = QSpinBox()
        self.size_box.setRange(1, 500)
        self.size_box.setValue(24)
        self.size_box.setToolTip("Brush and eraser diameter in picture pixels ([ and ] change it)")
        self.size_box.valueChanged.connect(self._size_changed)
        bar.addWidget(self.size_box)
        bar.addAction(self._action("Smaller", "[", lambda: self.size_box.stepBy(-4)))
        bar.addAction(self._action("Larger", "]", lambda: self.size_box.stepBy(4)))
        bar.addSeparator()
        undo = self.undo_stack.createUndoAction(self, "Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        bar.addAction(undo)
        bar.addAction(redo)
        bar.addSeparator()
        bar.addAction(self._action("Detect mosaic", "Ctrl+M", self.detect_mosaic))
        bar.addSeparator()
        bar.addAction(self._action("Zoom in", QKeySequence.StandardKey.ZoomIn, self._zoom_in))
        bar.addAction(self._action("Zoom out", QKeySequence.StandardKey.ZoomOut, self._zoom_out))
        bar.addAction(self._action("Fit", "Ctrl+0", self._fit))

    # --- document --------------------------------------------------------------------------

    def open_file(self, path: Path) -> bool:
        """Open ``path``; a greened file from the input folder is paired with its original."""
        path = Path(path)
        input_dir, original_dir, _ = self.folders()
        original: Path | None = None
        if path.parent.resolve() == input_dir.resolve():
            # Paired as the batch pairs it (any extension case); none: the green stays unknown.
            with contextlib.suppress(FileError):
                original = find_original(path, original_dir)
        try:
            document = MaskDocument.open(path, original)
        except (PictureError, ValueError) as error:
            QMessageBox.warning(self, "Cannot open", str(error))
            return False
        self.document = document
        self.undo_stack.clear()
        self.canvas = PaintCanvas(document, self.undo_stack)
        self.canvas.tool = next(t for t, a in self.tool_actions.items() if a.isChecked())
        self.canvas.brush_size = self.size_box.value()
        self.canvas.changed.connect(self._update_status)
        self.setCentralWidget(self.canvas)
        self.canvas.fit()
        self.setWindowTitle(f"Paint the censor mask - {path.name}")
        self._update_status()
        if document.unknown.any():
            self.status.setText(
                self.status.text() + " - no clean original found: existing green stays"
            )
        return True

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open a picture", "", f"Pictures ({PICTURE_PATTERNS})"
        )
        if name:
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
            self.status.setText("no mosaic found: paint the censored area by hand")
            return 0
        found = detection_mask(regions, self.document.mask.shape)
        edit = self.document.set_mask(self.document.mask | found)
        self.undo_stack.push(EditCommand(self.canvas, [edit], "detect mosaic"))
        self.canvas.refresh()
        blocks = ", ".join(f"{r.grid.block} px" for r in regions)
        self.status.setText(f"found {len(regions)} mosaic region(s), blocks {blocks}: check them")
        return len(regions)

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

    def _update_status(self) -> None:
        if self.document is None:
            return
        share = self.document.mask.mean() * 100
        self.status.setText(
            f"{self.document.width}x{self.document.height} - {share:.1f}% masked - "
            "left: paint, right: erase, wheel: zoom, middle drag: pan"
        )

    def save(self) -> list[Path]:
        """Save the greened picture (and the original in mosaic mode); returns the files."""
        if self.document is None:
            return []
        input_dir, original_dir, censor = self.folders()
        originals = original_dir if censor == "mosaic" else None
        try:
            try:
                written = self.document.save(input_dir, originals)
            except SourceWouldBeReplaced as conflict:
                # A green input reopened from the input folder: saving it back is the point,
                # but it replaces the user's file, so ask (default: no).
                if not self._confirm_replace(conflict.path):
                    self.status.setText("not saved: the opened file was kept")
                    return []
                written = self.document.save(input_dir, originals, replace_source=True)
        except (PictureError, ValueError, OSError) as error:
            QMessageBox.warning(self, "Cannot save", str(error))
            return []
        self.undo_stack.setClean()
        self.status.setText("saved " + ", ".join(str(p) for p in written))
        return written

    def _confirm_replace(self, path: Path) -> bool:
        lost = (
            ""
            if self.document is not None and self.document.original_source is not None
            else " What is under the newly painted areas is replaced by green in that file."
        )
        answer = QMessageBox.question(
            self,
            "Replace the opened file?",
            f"Save the repainted mask over {path}?{lost}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def save_and_decensor(self) -> None:
        written = self.save()
        if written:
            self.decensor_requested.emit(written[0].name)

    # --- drops -----------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            self.open_file(Path(urls[0].toLocalFile()))
