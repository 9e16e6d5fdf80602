"""Seeded synthesis of censor masks and censored pictures for training and evaluation.

Masks: DeepFill v2's free-form strokes, bars and rectangles (axis-aligned and rotated, as
censor bars are painted), and mixes of both, drawn until the hole ratio is in a wanted range.
Censors: zeroed hole (bar), mosaic (block means on a grid aligned to the picture or offset,
optionally re-saved as JPEG), white-out.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from decensor_app.mosaic import MosaicGrid, pixelate

MaskKind = Literal["free-form", "bars", "mixed"]
CensorStyle = Literal["bar", "mosaic", "white"]
MASK_KINDS: tuple[MaskKind, ...] = ("free-form", "bars", "mixed")
#: How far past its target ratio a sampled mask may land.
TARGET_TOLERANCE = 0.08


def free_form_mask(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """DeepFill v2's free-form mask: 1-3 strokes of 4-11 vertices, OR-ed with a random box.

    Turn angles alternate around 2pi/5 (spread 2pi/15); segment lengths ~ N(r, r/2) clipped to
    [0, 2r] with r = diagonal / 8; widths 12-40 px at 256 px (scaled with the picture), round
    joints; the box is up to half the picture per side (128 px at 256).

    Returns:
        HxW bool, True = hole.
    """
    scale = math.sqrt(height * width) / 256.0
    canvas = np.zeros((height, width), np.uint8)
    radius = math.hypot(height, width) / 8
    mean_angle, angle_spread = 2 * math.pi / 5, 2 * math.pi / 15
    for _ in range(int(rng.integers(1, 4))):
        vertices = int(rng.integers(4, 12))
        stroke = max(1, round(rng.uniform(12, 40) * scale))
        angle_min, angle_max = mean_angle - angle_spread, mean_angle + angle_spread
        angles = [
            rng.uniform(angle_min, angle_max) if i % 2 == 0
            else 2 * math.pi - rng.uniform(angle_min, angle_max)
            for i in range(vertices)
        ]  # fmt: skip
        x, y = float(rng.integers(0, width)), float(rng.integers(0, height))
        points = [(x, y)]
        for angle in angles:
            length = float(np.clip(rng.normal(radius, radius / 2), 0, 2 * radius))
            x = float(np.clip(x + length * math.cos(angle), 0, width - 1))
            y = float(np.clip(y + length * math.sin(angle), 0, height - 1))
            points.append((x, y))
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            cv2.line(canvas, (round(x0), round(y0)), (round(x1), round(y1)), 1, stroke)
        for px, py in points:
            cv2.circle(canvas, (round(px), round(py)), stroke // 2, 1, -1)
    box_h = int(rng.integers(1, max(2, height // 2 + 1)))
    box_w = int(rng.integers(1, max(2, width // 2 + 1)))
    top, left = int(rng.integers(0, height - box_h + 1)), int(rng.integers(0, width - box_w + 1))
    canvas[top : top + box_h, left : left + box_w] = 1
    return canvas.astype(bool)


def bar_mask(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """1-4 censor bars or rectangles, some rotated, of varied thickness. HxW bool."""
    canvas = np.zeros((height, width), np.uint8)
    short = min(height, width)
    for _ in range(int(rng.integers(1, 5))):
        long_side = rng.uniform(0.2, 0.9) * short
        thickness = rng.uniform(0.05, 0.35) * short
        if rng.random() < 0.3:  # a rectangle rather than a bar
            thickness = rng.uniform(0.3, 0.8) * long_side
        angle = 0.0 if rng.random() < 0.5 else float(rng.uniform(-60, 60))
        centre = (float(rng.uniform(0, width)), float(rng.uniform(0, height)))
        corners = cv2.boxPoints((centre, (long_side, thickness), angle))
        cv2.fillPoly(canvas, [np.rint(corners).astype(np.int32)], 1)
    return canvas.astype(bool)


def sample_mask(
    rng: np.random.Generator,
    height: int,
    width: int,
    kind: MaskKind = "mixed",
    ratio: tuple[float, float] = (0.05, 0.6),
    tries: int = 50,
) -> np.ndarray:
    """A mask of ``kind`` whose hole ratio lies in ``ratio``, spread evenly over it.

    A target ratio is drawn uniformly from the range, then strokes or bars ("mixed": either, at
    random, per draw) are added until the target is reached; a mask that overshoots the target
    by more than :data:`TARGET_TOLERANCE` (or the range) is redrawn. One draw alone would rarely
    cover large holes, and usually overshoots small targets.

    Returns:
        HxW bool, True = hole.
    """
    low, high = ratio
    draws = {"free-form": free_form_mask, "bars": bar_mask}
    mask = np.zeros((height, width), bool)
    target = rng.uniform(low, high)  # kept across retries, so that the targets stay uniform
    for _ in range(tries):
        mask = np.zeros((height, width), bool)
        while mask.mean() < target:
            chosen = kind if kind != "mixed" else ("free-form" if rng.random() < 0.5 else "bars")
            mask |= draws[chosen](rng, height, width)
        if mask.mean() <= min(high, target + TARGET_TOLERANCE):
            return mask
    # Rare: shrink the last draw into the range.
    kernel = np.ones((5, 5), np.uint8)
    while mask.mean() > high:
        mask = cv2.erode(mask.view(np.uint8), kernel).view(bool)
    if not mask.any():
        mask[height // 2, width // 2] = True
    return mask


#: How a mosaic's block colour was made: the block's mean (most editors), its centre pixel
#: (some editors), or the mean taken on the picture at half size, then enlarged.
MosaicMethod = Literal["mean", "centre", "half-size"]


@dataclass(frozen=True)
class Censor:
    """How a picture was censored: style, and for mosaics the grid, JPEG quality (0 = none)
    and how block colours were made."""

    style: CensorStyle
    grid: MosaicGrid | None = None
    jpeg_quality: int = 0
    method: MosaicMethod = "mean"


def sample_censor(
    rng: np.random.Generator,
    style: CensorStyle,
    block_range: tuple[int, int] = (3, 32),
    offset_probability: float = 0.5,
    jpeg_probability: float = 0.3,
    wild: bool = False,
) -> Censor:
    """A random censor of ``style``: mosaic blocks uniform in ``block_range`` (inclusive), grid
    offset with ``offset_probability`` (else aligned to the picture), JPEG re-save (quality
    75-95) with ``jpeg_probability``.

    ``wild``: mosaics as found in the wild too: JPEG quality 60-95, and one in five made from
    centre pixels and one in five on the half-size picture (even blocks only).
    """
    if style != "mosaic":
        return Censor(style)
    block = int(rng.integers(block_range[0], block_range[1] + 1))
    if rng.random() < offset_probability:
        offset = (int(rng.integers(0, block)), int(rng.integers(0, block)))
    else:
        offset = (0, 0)
    lowest = 60 if wild else 75
    quality = int(rng.integers(lowest, 96)) if rng.random() < jpeg_probability else 0
    method: MosaicMethod = "mean"
    if wild:
        draw = rng.random()
        if draw < 0.2:
            method = "centre"
        elif draw < 0.4 and block % 2 == 0 and not offset[0] % 2 and not offset[1] % 2:
            method = "half-size"
    return Censor("mosaic", MosaicGrid(block, *offset), quality, method)


def _mosaic(rgb: np.ndarray, grid: MosaicGrid, method: MosaicMethod) -> np.ndarray:
    """HxWx3 uint8 mosaic of ``rgb`` on ``grid`` made by ``method`` (see :class:`Censor`)."""
    if method == "centre":
        height, width = rgb.shape[:2]
        block = grid.block
        # each pixel takes the pixel at the centre of its block (clamped to the picture)
        ys = np.clip((np.arange(height) - grid.offset_y) // block * block + grid.offset_y
                     + block // 2, 0, height - 1)  # fmt: skip
        xs = np.clip((np.arange(width) - grid.offset_x) // block * block + grid.offset_x
                     + block // 2, 0, width - 1)  # fmt: skip
        return np.ascontiguousarray(rgb[ys[:, None], xs[None, :]])
    if method == "half-size":
        height, width = rgb.shape[:2]
        half = cv2.resize(rgb, ((width + 1) // 2, (height + 1) // 2), interpolation=cv2.INTER_AREA)
        small = pixelate(half, MosaicGrid(grid.block // 2, grid.offset_x // 2, grid.offset_y // 2))
        enlarged = cv2.resize(small, (2 * small.shape[1], 2 * small.shape[0]),
                              interpolation=cv2.INTER_NEAREST)  # fmt: skip
        return np.ascontiguousarray(enlarged[:height, :width])
    return pixelate(rgb, grid)


def apply_censor(rgb: np.ndarray, hole: np.ndarray, censor: Censor) -> np.ndarray:
    """The censored picture: ``rgb`` (HxWx3 uint8) with the hole zeroed, mosaicked or white."""
    censored = rgb.copy()
    if censor.style == "bar":
        censored[hole] = 0
    elif censor.style == "white":
        censored[hole] = 255
    else:
        assert censor.grid is not None
        mosaic = _mosaic(rgb, censor.grid, censor.method)
        if censor.jpeg_quality:
            ok, encoded = cv2.imencode(
                ".jpg", mosaic[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, censor.jpeg_quality]
            )
            decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR) if ok else None
            assert decoded is not None
            mosaic = np.ascontiguousarray(decoded[..., ::-1])
        censored[hole] = mosaic[hole]
    return censored
