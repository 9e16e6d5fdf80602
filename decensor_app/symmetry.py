"""Flips and transposes of a patch and of its mosaic grid.

DeepCreamPy's variations are the four flips of the engine's input (:func:`flip`); with a
transpose on top they make the eight symmetries of a square (:data:`SYMMETRIES`), which the
flip average (:class:`decensor_app.engines.ensemble.FlipAverage`) runs an engine on.
"""

from __future__ import annotations

import numpy as np

from decensor_app.mosaic import MosaicGrid

#: A symmetry: (DeepCreamPy variation 1-4, transposed after the flip).
Symmetry = tuple[int, bool]
#: The eight symmetries of a square, the identity first.
SYMMETRIES: tuple[Symmetry, ...] = tuple(
    (variation, transposed) for transposed in (False, True) for variation in (1, 2, 3, 4)
)


def flip(pixels: np.ndarray, variation: int) -> np.ndarray:
    """DeepCreamPy's variations: 1 identity, 2 left-right, 3 top-bottom, 4 both (self-inverse).

    Args:
        pixels: HxW or HxWxC, any dtype.

    Returns:
        A contiguous copy, or ``pixels`` itself for variation 1.
    """
    if variation in (2, 4):
        pixels = pixels[:, ::-1]
    if variation in (3, 4):
        pixels = pixels[::-1]
    return np.ascontiguousarray(pixels)


def flip_grid(grid: MosaicGrid | None, variation: int, shape: tuple[int, ...]) -> MosaicGrid | None:
    """``grid`` of an HxW patch, as it lies on ``flip(patch, variation)``.

    A block boundary at column x (between x - 1 and x) lands between W - 1 - x and W - x.
    """
    if grid is None:
        return None
    height, width = shape[:2]
    offset_x, offset_y = grid.offset_x, grid.offset_y
    if variation in (2, 4):
        offset_x = (width - offset_x) % grid.block
    if variation in (3, 4):
        offset_y = (height - offset_y) % grid.block
    return MosaicGrid(grid.block, offset_x, offset_y)


def transform(pixels: np.ndarray, symmetry: Symmetry) -> np.ndarray:
    """``pixels`` (HxW or HxWxC) flipped, then transposed if the symmetry says so (WxH...)."""
    variation, transposed = symmetry
    flipped = flip(pixels, variation)
    return np.ascontiguousarray(flipped.swapaxes(0, 1)) if transposed else flipped


def untransform(pixels: np.ndarray, symmetry: Symmetry) -> np.ndarray:
    """The inverse of :func:`transform`: back to the orientation of the untransformed patch."""
    variation, transposed = symmetry
    return flip(pixels.swapaxes(0, 1) if transposed else pixels, variation)


def transform_grid(
    grid: MosaicGrid | None, symmetry: Symmetry, shape: tuple[int, ...]
) -> MosaicGrid | None:
    """``grid`` of an HxW patch, as it lies on ``transform(patch, symmetry)``."""
    variation, transposed = symmetry
    flipped = flip_grid(grid, variation, shape)
    if flipped is None or not transposed:
        return flipped
    return MosaicGrid(flipped.block, flipped.offset_y, flipped.offset_x)
