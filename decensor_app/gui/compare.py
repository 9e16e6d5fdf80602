"""A before/after view: two pictures of one size, split by a draggable line, zoom and pan.

Mouse buttons mean the same here as in the painting tool (:mod:`decensor_app.gui.painter`):
the left button does the view's primary action (here: place the split line), a right or
middle drag or space + left drag pans, the wheel zooms around the cursor.
:class:`ScrolledView` adds scrollbars.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QGridLayout, QScrollBar, QWidget

#: The side the view shows alone while toggled with ``T``.
Shown = Literal["before", "after"]

#: The buttons whose drag pans, as in the painting tool's canvas.
PAN_BUTTONS = (Qt.MouseButton.RightButton, Qt.MouseButton.MiddleButton)

#: Behind the view's label: dark and see-through, so white text reads on any picture.
LABEL_BACKGROUND = QColor(0, 0, 0, 170)
LABEL_TEXT = QColor(255, 255, 255)


def to_qimage(rgb: np.ndarray) -> QImage:
    """A QImage owning a copy of HxWx3 uint8 RGB (or HxWx4 RGBA) pixels."""
    rgb = np.ascontiguousarray(rgb)
    height, width, channels = rgb.shape
    fmt = QImage.Format.Format_RGBA8888 if channels == 4 else QImage.Format.Format_RGB888
    return QImage(rgb.data, width, height, channels * width, fmt).copy()


def draw_label(painter: QPainter, text: str, x: int = 6, y: int = 6) -> None:
    """``text`` at (x, y) (top-left, widget pixels) on a dark box: readable on light pictures."""
    metrics = painter.fontMetrics()
    box = QRectF(x, y, metrics.horizontalAdvance(text) + 12, metrics.height() + 6)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(LABEL_BACKGROUND)
    painter.drawRoundedRect(box, 4, 4)
    painter.setPen(LABEL_TEXT)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


class ZoomPan(QWidget):
    """Fit-to-window and zoom-around-a-point for a widget showing a picture.

    The picture's top-left sits at ``offset`` (widget coordinates), one picture pixel spans
    ``scale`` widget pixels. ``view_changed`` is emitted whenever either changes (scrollbars
    follow it). The base of the before/after view and the painting canvas.
    """

    view_changed = Signal()

    _scale: float = 1.0
    _offset: QPointF | None = None
    #: The picture's size (width, height) as last fitted; None before.
    content_size: tuple[int, int] | None = None

    @property
    def scale(self) -> float:
        return self._scale

    @scale.setter
    def scale(self, value: float) -> None:
        self._scale = value
        self.view_changed.emit()

    @property
    def offset(self) -> QPointF:
        if self._offset is None:
            self._offset = QPointF(0, 0)
        return self._offset

    @offset.setter
    def offset(self, value: QPointF) -> None:
        self._offset = QPointF(value)
        self.view_changed.emit()

    def fit_content(self, width: int, height: int) -> None:
        """Show the whole ``width`` x ``height`` picture, centred, never enlarged."""
        self.content_size = (width, height)
        self.scale = min(self.width() / width, self.height() / height, 1.0) or 1.0
        self.offset = QPointF(
            (self.width() - width * self.scale) / 2,
            (self.height() - height * self.scale) / 2,
        )
        self.update()

    def zoom(self, factor: float, around: QPointF | None = None) -> None:
        """Multiply the scale by ``factor`` (clamped to 2%-3200%), keeping ``around`` in place."""
        around = around or QPointF(self.width() / 2, self.height() / 2)
        new_scale = min(max(self.scale * factor, 0.02), 32.0)
        offset = around - (around - self.offset) * (new_scale / self.scale)
        self._scale = new_scale  # one view_changed for both
        self.offset = offset
        self.zoomed()
        self.update()

    def pan_by(self, delta: QPointF) -> None:
        """Move the picture by ``delta`` widget pixels."""
        self.offset = self.offset + delta
        self.update()

    def zoomed(self) -> None:
        """Called after every zoom; subclasses may announce it."""


class ScrolledView(QWidget):
    """``view`` with a horizontal and a vertical scrollbar that show which part of the picture
    it shows and move it: panning without a middle button. Always shown, so that zooming never
    changes the view's size (which would refit it)."""

    def __init__(self, view: ZoomPan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.horizontal = QScrollBar(Qt.Orientation.Horizontal)
        self.vertical = QScrollBar(Qt.Orientation.Vertical)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(view, 0, 0)
        layout.addWidget(self.vertical, 0, 1)
        layout.addWidget(self.horizontal, 1, 0)
        view.view_changed.connect(self.sync)
        self.horizontal.valueChanged.connect(self._scrolled)
        self.vertical.valueChanged.connect(self._scrolled)
        self.sync()

    def sync(self) -> None:
        """Set the bars from the view: value = picture widget pixels left of (above) the view;
        the range always holds the current position, also when panned past the picture."""
        size = self.view.content_size
        width, height = size if size is not None else (0, 0)
        scale, offset = self.view.scale, self.view.offset
        for bar, extent, viewport, position in (
            (self.horizontal, width * scale, self.view.width(), -offset.x()),
            (self.vertical, height * scale, self.view.height(), -offset.y()),
        ):
            blocked = bar.blockSignals(True)
            if size is None:
                bar.setRange(0, 0)
            else:
                bar.setRange(round(min(0.0, position)), round(max(extent - viewport, position)))
                bar.setPageStep(max(viewport, 1))
                bar.setSingleStep(max(viewport // 10, 1))
                bar.setValue(round(position))
            bar.blockSignals(blocked)

    def _scrolled(self) -> None:
        self.view.offset = QPointF(-self.horizontal.value(), -self.vertical.value())
        self.view.update()


class BeforeAfterView(ZoomPan):
    """Left of the split line: before; right: after. Left click or drag places the line,
    right or middle drag or space + left drag pans, wheel zooms around the cursor,
    double-click fits. ``T`` (the window's shortcut) toggles between showing only before and
    only after."""

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.before: QImage | None = None
        self.after: QImage | None = None
        self.split = 0.5  # share of the picture's width shown as "before"
        self.only: Shown | None = None  # only this side while toggled
        self._pan_from: QPointF | None = None
        self._space_held = False
        self._press_at: QPointF | None = None
        self._dragging = False
        self._second_click = False
        self._fitted = True  # refit on resize until the user zooms or pans
        # A click places the line only once it is not the first half of a double-click.
        self._click = QTimer(self)
        self._click.setSingleShot(True)
        self._click_x = 0.0
        self._click.timeout.connect(lambda: self._set_split(self._click_x))
        self.setMinimumSize(200, 150)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(
            self.tr(
                "Left click or drag: move the split line - wheel: zoom - right or middle drag, or "
                "space + drag: pan - double-click: fit - T: before / after / both"
            )
        )

    def set_images(self, before: np.ndarray, after: np.ndarray) -> None:
        self.before, self.after = to_qimage(before), to_qimage(after)
        self.fit()

    def clear(self) -> None:
        self.before = self.after = None
        self.content_size = None
        self.view_changed.emit()
        self.update()

    def fit(self) -> None:
        if self.after is not None:
            self.fit_content(self.after.width(), self.after.height())
            self._fitted = True
            self.zoomed()

    def zoom(self, factor: float, around: QPointF | None = None) -> None:
        super().zoom(factor, around)
        self._fitted = False

    def pan_by(self, delta: QPointF) -> None:
        super().pan_by(delta)
        self._fitted = False

    def zoomed(self) -> None:
        self.zoom_changed.emit(self.scale)

    def toggle(self) -> None:
        following: dict[Shown | None, Shown | None] = {
            None: "before", "before": "after", "after": None
        }  # fmt: skip
        self.only = following[self.only]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Dark))
        if self.before is None or self.after is None:
            painter.setPen(palette.color(QPalette.ColorRole.BrightText))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No result selected")
            )
            return
        width, height = self.after.width(), self.after.height()
        target = QRectF(self.offset.x(), self.offset.y(), width * self.scale, height * self.scale)
        smooth = self.scale < 1.0  # pixels stay crisp when zoomed in
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        split = {"before": 1.0, "after": 0.0}.get(self.only or "", self.split)
        cut = round(width * split)
        if cut > 0:
            painter.drawImage(
                QRectF(target.x(), target.y(), cut * self.scale, target.height()),
                self.before, QRectF(0, 0, cut, height),
            )  # fmt: skip
        if cut < width:
            painter.drawImage(
                QRectF(target.x() + cut * self.scale, target.y(), (width - cut) * self.scale,
                       target.height()),
                self.after, QRectF(cut, 0, width - cut, height),
            )  # fmt: skip
        if self.only is None:
            x = target.x() + cut * self.scale
            top, bottom = QPointF(x, target.top()), QPointF(x, target.bottom())
            painter.setPen(QPen(LABEL_BACKGROUND, 4))  # a dark edge: visible on light pictures
            painter.drawLine(top, bottom)
            painter.setPen(QPen(LABEL_TEXT, 2))
            painter.drawLine(top, bottom)
        label = {"before": self.tr("before"), "after": self.tr("after")}.get(
            self.only or "", self.tr("before | after")
        )
        draw_label(painter, f"{label}   {self.scale * 100:.0f}%")

    def _set_split(self, x: float) -> None:
        if self.after is None:
            return
        self.split = min(max((x - self.offset.x()) / (self.after.width() * self.scale), 0.0), 1.0)
        self.update()

    def _pans(self, event: QMouseEvent) -> bool:
        """Whether this press starts a pan: a pan button, or left with space held."""
        button = event.button()
        return button in PAN_BUTTONS or (button == Qt.MouseButton.LeftButton and self._space_held)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._pans(event):
            self._pan_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        elif event.button() == Qt.MouseButton.LeftButton:
            self._press_at = event.position()
            self._dragging = False
            self._second_click = self._click.isActive()  # a double-click's second press
            self._click.stop()
        else:
            event.ignore()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self.pan_by(event.position() - self._pan_from)
            self._pan_from = event.position()
        elif self._press_at is not None and event.buttons() & Qt.MouseButton.LeftButton:
            moved = (event.position() - self._press_at).manhattanLength()
            if self._dragging or moved >= QApplication.startDragDistance():
                self._dragging = True
                self._set_split(event.position().x())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self._update_cursor()
        elif event.button() == Qt.MouseButton.LeftButton and self._press_at is not None:
            if not self._dragging and not self._second_click:
                self._click_x = event.position().x()
                self._click.start(QApplication.doubleClickInterval())
            self._press_at = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._click.stop()
            self._second_click = True
            self._press_at = event.position()
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.zoom(1.25 if event.angleDelta().y() > 0 else 0.8, event.position())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space_held = True
                self._update_cursor()
        elif event.key() == Qt.Key.Key_T:
            self.toggle()
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = False
            self._update_cursor()
        else:
            super().keyReleaseEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._space_held = False  # its release goes elsewhere
        self._update_cursor()
        super().focusOutEvent(event)

    def _update_cursor(self) -> None:
        if self._space_held:
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.unsetCursor()

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._fitted:
            self.fit()
        else:
            self.view_changed.emit()  # the scrollbars' page size follows
