"""Milliseconds per mouse move of a brush stroke in the painter (issue 20: target under 8 ms at
4000x3000).

For each picture size a seeded synthetic PNG is written to a temporary folder and opened in a
real :class:`~decensor_app.gui.painter.PainterWindow` (1200x900, fitted, Qt's offscreen
platform unless ``$DISPLAY`` is set). A stroke is one press and ``--moves`` mouse moves of 5
widget pixels each along a zigzag, with the brush at 24 picture pixels. Two times per move:

* ``handler``: ``PaintCanvas.mouseMoveEvent`` alone: the mask edit, the overlay update and the
  status line;
* ``with paint``: the handler followed by ``QApplication.processEvents()``, which paints the
  region the move marked dirty.

The first 5 moves are warm-up and not counted. Only the painter's public parts are used, so the
same script times an older checkout (``PYTHONPATH=that/checkout``).

    .venv/bin/python benchmarks/bench_brush.py
    # options: --sizes 640x480 2000x1500 4000x3000, --moves N, --zoom fit|1, --json FILE
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")

import numpy as np
from PIL import Image
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

WARM_UP = 5


def picture(width: int, height: int) -> np.ndarray:
    """HxWx3 uint8: gradients and a few discs, seeded; no pure green."""
    rng = np.random.default_rng(0)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    rgb = np.stack([60 + 120 * xs / width, 80 + 100 * ys / height, 200 - 80 * xs / width], 2)
    for _ in range(8):
        cx, cy, r = rng.integers(0, width), rng.integers(0, height), rng.integers(20, 300)
        rgb[(xs - cx) ** 2 + (ys - cy) ** 2 < r * r] = rng.integers(20, 230, 3)
    return rgb.astype(np.uint8)


def move(canvas, position: QPointF) -> None:  # canvas: a PaintCanvas of any checkout
    event = QMouseEvent(
        QMouseEvent.Type.MouseMove, position, position, Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    canvas.mouseMoveEvent(event)


def time_stroke(path: Path, moves: int, zoom: str) -> dict[str, float]:
    from decensor_app.gui.painter import PainterWindow

    folder = path.parent
    window = PainterWindow(lambda: (folder / "in", folder / "orig", "bar"))
    window.resize(1200, 900)
    window.show()
    assert window.open_file(path)
    app = QApplication.instance()
    for _ in range(5):
        app.processEvents()
    canvas = window.canvas
    window.size_box.setValue(24)
    if zoom == "1":
        canvas.scale, canvas.offset = 1.0, QPointF(0, 0)
    start = QPointF(canvas.width() * 0.1, canvas.height() * 0.3)
    press = QMouseEvent(
        QMouseEvent.Type.MouseButtonPress, start, start, Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    canvas.mousePressEvent(press)
    app.processEvents()
    handler: list[float] = []
    painted: list[float] = []
    for step in range(1, moves + WARM_UP + 1):
        # 5 px to the right each move, 3 px up or down in 40-move zigzags.
        position = start + QPointF(
            5.0 * (step % 160), 3.0 * (step % 40 if step % 80 < 40 else 40 - step % 40)
        )
        began = time.perf_counter()
        move(canvas, position)
        handled = time.perf_counter()
        app.processEvents()
        ended = time.perf_counter()
        if step > WARM_UP:
            handler.append((handled - began) * 1000)
            painted.append((ended - began) * 1000)
    masked = int(np.count_nonzero(window.document.mask))
    window.undo_stack.clear()  # nothing to ask about on close
    window.close()
    window.deleteLater()
    app.processEvents()
    assert masked > 0, "the stroke painted nothing"
    return {
        "scale": canvas.scale,
        "handler_median_ms": statistics.median(handler),
        "handler_p95_ms": float(np.percentile(handler, 95)),
        "paint_median_ms": statistics.median(painted),
        "paint_p95_ms": float(np.percentile(painted, 95)),
        "paint_max_ms": max(painted),
        "masked_px": masked,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["640x480", "2000x1500", "4000x3000"])
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--zoom", choices=["fit", "1"], default="fit")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    QApplication(sys.argv[:1])
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-brush-") as tmp:
        for size in args.sizes:
            width, height = (int(v) for v in size.split("x"))
            path = Path(tmp) / f"bench-{size}.png"
            Image.fromarray(picture(width, height)).save(path, compress_level=1)
            figures = {
                "size": size,
                "moves": args.moves,
                **time_stroke(path, args.moves, args.zoom),
            }
            results.append(figures)
            print(
                f"{size:>10}  zoom {figures['scale'] * 100:5.1f}%  handler median "
                f"{figures['handler_median_ms']:6.2f} ms (p95 {figures['handler_p95_ms']:6.2f})  "
                f"with paint median {figures['paint_median_ms']:6.2f} ms "
                f"(p95 {figures['paint_p95_ms']:6.2f}, max {figures['paint_max_ms']:6.2f})",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
