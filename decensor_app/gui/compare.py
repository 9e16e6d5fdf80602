"""A before/after view: two pictures of one size, split by a draggable line, zoom and pan."""

from __future__ import annotations

from typing import Literal

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

#: The side the view shows alone while toggled with ``T``.
Shown = Literal["before", "after"]


def to_qimage(rgb: np.ndarray) -> QImage:
    """A QImage owning a copy of HxWx3 uint8 RGB (or HxWx4 RGBA) pixels."""
    rgb = np.ascontiguousarray(rgb)
    height, width, channels = rgb.shape
    fmt = QImage.Format.Format_RGBA8888 if channels == 4 else QImage.Format.Format_RGB888
    return QImage(rgb.data, width, height, channels * width, fmt).copy()


class ZoomPan(QWidget):
    """Fit-to-window and zoom-around-a-point for a widget showing a picture.

    The picture's top-left sits at ``offset`` (widget coordinates), one picture pixel spans
    ``scale`` widget pixels. The base of the before/after view and the painting canvas.
    """

    scale: float = 1.0
    offset: QPointF

    def fit_content(self, width: int, height: int) -> None:
        """Show the whole ``width`` x ``height`` picture, centred, never enlarged."""
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
        self.offset = around - (around - self.offset) * (new_scale / self.scale)
        self.scale = new_scale
        self.zoomed()
        self.update()

    def zoomed(self) -> None:
        """Called after every zoom; subclasses may announce it."""


class BeforeAfterView(ZoomPan):
    """Left of the split line: before; right: after. Drag with the left button to move the
    line, wheel to zoom (around the cursor), drag with the right or middle button to pan,
    double-click to fit. ``T`` toggles between showing only before and only after."""

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.before: QImage | None = None
        self.after: QImage | None = None
        self.split = 0.5  # share of the picture's width shown as "before"
        self.scale = 1.0
        self.offset = QPointF(0, 0)  # top-left of the picture in widget coordinates
        self.only: Shown | None = None  # only this side while toggled
        self._pan_from: QPointF | None = None
        self.setMinimumSize(200, 150)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(
            "Drag: move the split - wheel: zoom - right drag: pan - double-click: fit - T: toggle"
        )

    def set_images(self, before: np.ndarray, after: np.ndarray) -> None:
        self.before, self.after = to_qimage(before), to_qimage(after)
        self.fit()

    def clear(self) -> None:
        self.before = self.after = None
        self.update()

    def fit(self) -> None:
        if self.after is not None:
            self.fit_content(self.after.width(), self.after.height())
            self.zoomed()

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
        painter.fillRect(self.rect(), QColor(48, 48, 48))
        if self.before is None or self.after is None:
            painter.setPen(QColor(200, 200, 200))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No result selected")
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
            painter.setPen(QPen(QColor(255, 255, 255), 2))
            painter.drawLine(QPointF(x, target.top()), QPointF(x, target.bottom()))
        painter.setPen(QColor(255, 255, 255))
        label = self.only or "before | after"
        painter.drawText(8, 18, f"{label}   {self.scale * 100:.0f}%")

    def _set_split(self, x: float) -> None:
        if self.after is None:
            return
        self.split = min(max((x - self.offset.x()) / (self.after.width() * self.scale), 0.0), 1.0)
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._set_split(event.position().x())
        else:
            self._pan_from = event.position()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self.offset += event.position() - self._pan_from
            self._pan_from = event.position()
            self.update()
        elif event.buttons() & Qt.MouseButton.LeftButton:
            self._set_split(event.position().x())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._pan_from = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.zoom(1.25 if event.angleDelta().y() > 0 else 0.8, event.position())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_T:
            self.toggle()
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.fit()
