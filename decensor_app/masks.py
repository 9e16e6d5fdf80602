"""Finding the censor mask: exact green, its anti-aliased fringe, and connected regions."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from decensor_app.imaging import Picture, from_uint8

#: The censor colour users paint (DeepCreamPy's contract), RGB.
GREEN: tuple[int, int, int] = (0, 255, 0)

# Fringe acceptance. A fringe pixel is c = n + alpha * (GREEN - n) for a non-green neighbour n.
#: Smallest green share taken in. Lower values also catch natural edges that drift slightly
#: towards green (1.2% of the pixels around hard-edged boxes at 0.08, none at 0.15, measured on
#: 80 blurred synthetic scenes); a blend under 15% leaves only a faint tint.
FRINGE_MIN_ALPHA = 0.15
#: Largest distance (0-255 units, Euclidean in RGB) from the blend line still called a blend;
#: leaves room for 8-bit rounding and the neighbour not being exactly the blended colour.
FRINGE_MAX_RESIDUAL = 8.0
#: Anti-aliased brushes and resampling leave at most a few pixels of blend.
FRINGE_MAX_WIDTH = 3
#: A ring pixel this close to pure green (Euclidean, 0-255 units) is taken whatever its
#: neighbours: only a mostly-green blend gets there, and where the brush edge crossed an edge of
#: the picture no neighbour shows the colour that was blended with.
FRINGE_NEAR_GREEN_DISTANCE = 64.0

_NEIGHBOUR_OFFSETS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def exact_green(rgb: np.ndarray) -> np.ndarray:
    """HxW bool, True where ``rgb`` (HxWx3 RGB, uint8 or uint16) is exactly green: (0, 255, 0)
    in 8 bits, (0, 65535, 0) in 16 bits. 16-bit pictures are compared on their own values,
    never on a rounded 8-bit view (where anything within 128/65535 of green would count)."""
    full = np.iinfo(rgb.dtype).max
    return (rgb[..., 1] == full) & (rgb[..., 0] == 0) & (rgb[..., 2] == 0)


def _in_8bit_units(rgb: np.ndarray) -> np.ndarray:
    """float32 HxWx3 in 0-255 units, from uint8 or uint16 (no rounding of 16-bit values)."""
    scale = 255.0 / np.iinfo(rgb.dtype).max
    return rgb.astype(np.float32) * np.float32(scale)


def green_mask(rgb: np.ndarray, include_fringe: bool = True) -> np.ndarray:
    """The censor mask of a green-painted picture.

    Args:
        rgb: HxWx3 RGB, uint8 or uint16 (pass a 16-bit picture's own values,
            :attr:`Picture.rgb`, not its rounded 8-bit view). Fringe thresholds are in 0-255
            units at either depth.
        include_fringe: also take in the anti-aliased fringe: pixels touching an exact-green
            region (up to :data:`FRINGE_MAX_WIDTH` pixels out) whose colour is a blend of green
            with a non-green neighbour, or is nearly pure green. Green elsewhere in the picture
            is never taken.

    Returns:
        HxW bool, True = hole.
    """
    mask = exact_green(rgb)
    if not include_fringe or not mask.any():
        return mask
    height, width = mask.shape
    values = _in_8bit_units(rgb)
    green = np.array(GREEN, np.float32)
    kernel = np.ones((3, 3), np.uint8)
    for _ in range(FRINGE_MAX_WIDTH):
        ring = cv2.dilate(mask.view(np.uint8), kernel).view(bool) & ~mask
        ys, xs = np.nonzero(ring)
        if ys.size == 0:
            break
        colour = values[ys, xs]
        to_green = colour - green
        accepted = np.einsum("ij,ij->i", to_green, to_green) <= FRINGE_NEAR_GREEN_DISTANCE**2
        for dy, dx in _NEIGHBOUR_OFFSETS:
            ny, nx = ys + dy, xs + dx
            inside = (ny >= 0) & (ny < height) & (nx >= 0) & (nx < width)
            ny, nx = np.clip(ny, 0, height - 1), np.clip(nx, 0, width - 1)
            usable = inside & ~mask[ny, nx]
            neighbour = values[ny, nx]
            towards_green = green - neighbour
            length2 = np.einsum("ij,ij->i", towards_green, towards_green)
            offset = colour - neighbour
            alpha = np.einsum("ij,ij->i", offset, towards_green) / np.maximum(length2, 1.0)
            residual = offset - alpha[:, None] * towards_green
            distance = np.sqrt(np.einsum("ij,ij->i", residual, residual))
            accepted |= (
                usable
                & (length2 > 0)
                & (alpha >= FRINGE_MIN_ALPHA)
                & (alpha <= 1.0)
                & (distance <= FRINGE_MAX_RESIDUAL)
            )
        if not accepted.any():
            break
        mask[ys[accepted], xs[accepted]] = True
    return mask


def paint_green(picture: Picture, mask: np.ndarray) -> Picture:
    """A copy of ``picture`` with ``mask`` (HxW bool) painted exactly green, in the picture's
    own bit depth; alpha and ICC profile kept."""
    pixels = picture.pixels.copy()
    pixels[mask, :3] = from_uint8(np.array(GREEN, np.uint8), pixels.dtype)
    return Picture(pixels, picture.source_mode, picture.icc_profile)


def near_green_count(rgb: np.ndarray, tolerance: int = 24) -> int:
    """How many pixels are within ``tolerance`` of green per channel but not exactly green.

    Used to explain a "no green found" error: colour-managed exports shift pure green.
    ``rgb`` is HxWx3, uint8 or uint16; ``tolerance`` is in 0-255 units.
    """
    limit = tolerance * np.iinfo(rgb.dtype).max // 255
    top = np.iinfo(rgb.dtype).max - limit
    near = (rgb[..., 0] <= limit) & (rgb[..., 1] >= top) & (rgb[..., 2] <= limit)
    return int(np.count_nonzero(near & ~exact_green(rgb)))


@dataclass(frozen=True)
class Region:
    """One connected censored region.

    Attributes:
        label: its label in the label image of :func:`find_regions`.
        x, y, width, height: bounding box in pixels.
        area: number of hole pixels.
    """

    label: int
    x: int
    y: int
    width: int
    height: int
    area: int


def find_regions(mask: np.ndarray) -> tuple[np.ndarray, list[Region]]:
    """Connected components (8-connectivity) of ``mask``.

    Args:
        mask: HxW bool, True = hole.

    Returns:
        (labels HxW int32 with 0 = background, regions sorted by area, largest first).
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        mask.view(np.uint8), connectivity=8, ltype=cv2.CV_32S
    )
    regions = [
        Region(
            label,
            int(stats[label, cv2.CC_STAT_LEFT]),
            int(stats[label, cv2.CC_STAT_TOP]),
            int(stats[label, cv2.CC_STAT_WIDTH]),
            int(stats[label, cv2.CC_STAT_HEIGHT]),
            int(stats[label, cv2.CC_STAT_AREA]),
        )
        for label in range(1, count)
    ]
    regions.sort(key=lambda region: (-region.area, region.label))
    return labels, regions
