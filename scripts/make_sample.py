"""Draw the sample picture shipped in decensor_input/ (the project makes its own art).

A flat-coloured illustration (sky gradient, sun, hills, house, tree, stripes) with three
censored regions painted pure green: a bar, a rectangle, and an anti-aliased brush stroke
whose fringe exercises the mask's fringe detection. Run: python scripts/make_sample.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

GREEN = (0, 255, 0)


def draw_scene(width: int = 640, height: int = 480) -> np.ndarray:
    """HxWx3 uint8 RGB illustration."""
    rows = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    top, bottom = np.array([70, 130, 220], np.float32), np.array([200, 225, 250], np.float32)
    picture = np.broadcast_to(top + (bottom - top) * rows, (height, width, 3)).astype(np.uint8)
    picture = np.ascontiguousarray(picture)
    aa = cv2.LINE_AA
    cv2.circle(picture, (520, 90), 48, (255, 214, 60), -1, aa)
    cv2.ellipse(picture, (160, 480), (360, 170), 0, 180, 360, (90, 170, 80), -1, aa)
    cv2.ellipse(picture, (520, 500), (320, 190), 0, 180, 360, (60, 140, 70), -1, aa)
    for x in range(0, width, 32):  # a striped fence across the hills
        cv2.rectangle(picture, (x, 360), (x + 14, 430), (235, 225, 200), -1)
    cv2.rectangle(picture, (0, 380), (width, 390), (170, 130, 90), -1)
    cv2.rectangle(picture, (250, 230), (420, 360), (220, 90, 70), -1)
    cv2.rectangle(picture, (250, 230), (420, 360), (60, 40, 40), 3, aa)
    roof = np.array([[235, 232], [335, 160], [435, 232]], np.int32)
    cv2.fillPoly(picture, [roof], (120, 60, 50), aa)
    cv2.rectangle(picture, (315, 290), (355, 360), (90, 60, 40), -1)
    cv2.rectangle(picture, (270, 255), (305, 285), (250, 240, 160), -1)
    cv2.rectangle(picture, (370, 255), (405, 285), (250, 240, 160), -1)
    cv2.rectangle(picture, (95, 260), (115, 360), (110, 75, 45), -1)
    cv2.circle(picture, (105, 240), 50, (40, 120, 50), -1, aa)
    cv2.circle(picture, (80, 260), 30, (50, 135, 60), -1, aa)
    return picture


def censor(picture: np.ndarray) -> np.ndarray:
    """The picture with three green-painted regions (the last one anti-aliased)."""
    greened = picture.copy()
    cv2.rectangle(greened, (300, 250), (420, 275), GREEN, -1)  # a bar across the windows
    cv2.rectangle(greened, (60, 215), (135, 290), GREEN, -1)  # a block over the tree
    stroke = np.array([[430, 410], [480, 395], [540, 420], [590, 400]], np.int32)
    cv2.polylines(greened, [stroke], False, GREEN, 14, cv2.LINE_AA)  # soft-edged brush
    return greened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("decensor_input/sample.png"))
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(censor(draw_scene())).save(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
