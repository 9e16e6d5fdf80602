"""Patch planning: context crops around regions, scaling to the engine's size, compositing.

The large-image strategy lives here, once, for every engine: each region gets a square crop of
about 1.5x its size (at least the engine's native size), kept inside the picture; the crop is
scaled down to the native size when larger (never up: small pictures are padded instead) and the
restored patch is scaled back and pasted into the hole pixels only.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import cv2
import numpy as np

from decensor_app.engines.base import EngineInput
from decensor_app.masks import Region, find_regions
from decensor_app.mosaic import MosaicGrid

#: Context around a region, as a factor of its longer side (DeepCreamPy's habit, kept).
CONTEXT_FACTOR = 1.5
#: Smallest context margin in pixels for engines that run at full resolution.
MIN_CONTEXT_MARGIN = 16
#: Smallest mosaic block, in working pixels, for which a patch keeps the mosaic's grid.
MIN_PATCH_BLOCK = 2
#: Scaling never shrinks a known mosaic's blocks below this many working pixels (the smallest
#: block the mosaic networks are trained on): a region too large for that is restored in tiles
#: (:func:`grid_tiles`). Without tiles a 4 px mosaic over a 900 px region became 1 px blocks,
#: lost its grid and came out up to 8 dB below the interpolated block means.
MIN_WORKING_BLOCK = 3


@dataclass(frozen=True)
class Crop:
    """A rectangle of the picture in pixels: columns [x, x + width), rows [y, y + height)."""

    x: int
    y: int
    width: int
    height: int

    @property
    def slices(self) -> tuple[slice, slice]:
        return slice(self.y, self.y + self.height), slice(self.x, self.x + self.width)


@dataclass(frozen=True)
class PatchPlan:
    """One engine call: a crop, and the regions (labels) whose pixels it restores."""

    crop: Crop
    labels: tuple[int, ...]


def context_crop(
    region: Region, picture_width: int, picture_height: int, native_size: int | None
) -> Crop:
    """The square context crop of ``region``, shifted (never squeezed) to lie in the picture.

    Its side is ``max(1.5 x longer side, native size, longer side + 2 x 16)``; where the picture
    is smaller than that along an axis the crop takes the whole axis, so it is never distorted,
    only cut. It always contains the whole region.
    """
    longest = max(region.width, region.height)
    side = max(
        math.ceil(CONTEXT_FACTOR * longest), native_size or 0, longest + 2 * MIN_CONTEXT_MARGIN
    )
    width, height = min(side, picture_width), min(side, picture_height)
    x = min(max(region.x - (width - region.width) // 2, 0), picture_width - width)
    y = min(max(region.y - (height - region.height) // 2, 0), picture_height - height)
    return Crop(x, y, width, height)


def plan_patches(
    regions: list[Region], picture_width: int, picture_height: int, native_size: int | None
) -> list[PatchPlan]:
    """Group regions into engine calls, largest region first.

    Each plan is the context crop of the largest region not yet planned; every other unplanned
    region lying wholly inside that crop is restored by the same call (a cloud of small marks
    costs one call, not hundreds).
    """
    if not regions:
        return []
    boxes = np.array([(r.x, r.y, r.x + r.width, r.y + r.height) for r in regions], np.int64)
    planned = np.zeros(len(regions), bool)
    plans: list[PatchPlan] = []
    for index, region in enumerate(regions):  # regions come largest first
        if planned[index]:
            continue
        crop = context_crop(region, picture_width, picture_height, native_size)
        inside = (
            ~planned
            & (boxes[:, 0] >= crop.x)
            & (boxes[:, 1] >= crop.y)
            & (boxes[:, 2] <= crop.x + crop.width)
            & (boxes[:, 3] <= crop.y + crop.height)
        )
        inside[index] = True
        planned |= inside
        plans.append(PatchPlan(crop, tuple(regions[i].label for i in np.flatnonzero(inside))))
    return plans


@dataclass
class RestorationPlan:
    """Everything planned for one picture, shared by all its variations.

    Attributes:
        labels: HxW int32 region labels (0 = not hole).
        regions: the connected regions, largest first.
        patches: the engine calls, in order.
    """

    labels: np.ndarray
    regions: list[Region]
    patches: list[PatchPlan]


def plan_restoration(hole: np.ndarray, native_size: int | None) -> RestorationPlan:
    """Find the regions of ``hole`` (HxW bool, True = hole) and plan the engine calls."""
    labels, regions = find_regions(hole)
    height, width = hole.shape
    return RestorationPlan(labels, regions, plan_patches(regions, width, height, native_size))


@dataclass
class Patch:
    """What an engine sees for one plan, at working scale.

    Attributes:
        image: SxSx3 uint8 (S = native size, or the crop size at full resolution); hole = 0.
        hole: SxS bool, True = hole.
        original: SxSx3 uint8 mosaic pixels, or None (bar mode).
        content_width, content_height: the scaled crop inside the patch; the rest is padding.
        scale: working size / picture size (<= 1).
        grid: the mosaic's grid in the patch's pixels, or None (bar mode, no grid known, or
            blocks under :data:`MIN_PATCH_BLOCK` working pixels: then the scaled mosaic has no
            block structure left to keep).
    """

    image: np.ndarray
    hole: np.ndarray
    original: np.ndarray | None
    content_width: int
    content_height: int
    scale: float
    grid: MosaicGrid | None = None

    def engine_input(self) -> EngineInput:
        """What the engine is given for this patch."""
        return EngineInput(self.image, self.hole, self.original, self.grid)


def patch_scale_and_grid(
    crop: Crop, native_size: int | None, grid: MosaicGrid | None
) -> tuple[float, MosaicGrid | None]:
    """The working scale of ``crop`` and the mosaic grid (picture pixels) in patch pixels.

    Without a grid, the crop is scaled down to fit the native size. With one, the scale is
    lowered a little further so that a block becomes a whole number of working pixels: the
    blocks then land on an integer grid, as in training, instead of a fractional one the
    engine could not estimate. The offsets become relative to the crop (rounded when scaled).
    """
    scale = 1.0
    if native_size is not None:
        scale = min(1.0, native_size / max(crop.width, crop.height))
    if grid is None:
        return scale, None
    in_crop = grid.within(crop.x, crop.y)
    if scale == 1.0:
        return scale, in_crop
    offset_x, offset_y = in_crop.offset_x, in_crop.offset_y
    # The epsilon keeps an exact product (6 px x 0.5) from flooring to one less.
    block = math.floor(grid.block * scale + 1e-9)
    if block < MIN_PATCH_BLOCK:
        return scale, None
    scale = block / grid.block
    return scale, MosaicGrid(
        block, round(offset_x * scale) % block, round(offset_y * scale) % block
    )


def grid_tiles(
    patch_plan: PatchPlan,
    paste: np.ndarray,
    labels: np.ndarray,
    grid: MosaicGrid | None,
    native_size: int | None,
) -> list[tuple[Crop, np.ndarray]]:
    """The engine calls for one plan: its own crop, or tiles when scaling would lose the grid.

    A crop scaled to the native size shrinks a mosaic's blocks by the same factor; where they
    would fall under :data:`MIN_WORKING_BLOCK` working pixels (or the picture's own block, if
    smaller) the plan's hole pixels are split into square tiles, each with its own context
    crop small enough to keep them. Tiles are restored in order, so each sees the ones before
    it as known pixels.

    Args:
        patch_plan: from :func:`plan_patches`.
        paste: crop-sized bool, the plan's hole pixels (its regions' labels in its crop).
        labels: HxW int32 region labels of the picture (:class:`RestorationPlan`).
        grid: the plan's mosaic grid in picture pixels, or None (then nothing is tiled).
        native_size: the engine's patch side, or None for full resolution.

    Returns:
        (crop, paste) per engine call: paste is crop-sized bool, the pixels that call restores;
        together the pastes cover the plan's hole pixels exactly once.
    """
    crop = patch_plan.crop
    if grid is None or native_size is None:
        return [(crop, paste)]
    target = min(MIN_WORKING_BLOCK, grid.block)
    largest_side = native_size * grid.block // target
    if max(crop.width, crop.height) <= largest_side:
        return [(crop, paste)]
    core = max(
        1,
        min(math.floor(largest_side / CONTEXT_FACTOR), largest_side - 2 * MIN_CONTEXT_MARGIN),
    )
    rows, cols = np.nonzero(paste)
    top, left = crop.y + int(rows.min()), crop.x + int(cols.min())
    bottom, right = crop.y + int(rows.max()) + 1, crop.x + int(cols.max()) + 1
    row_edges = np.linspace(top, bottom, math.ceil((bottom - top) / core) + 1).round().astype(int)
    col_edges = np.linspace(left, right, math.ceil((right - left) / core) + 1).round().astype(int)
    picture_height, picture_width = labels.shape
    tiles: list[tuple[Crop, np.ndarray]] = []
    for y0, y1 in itertools.pairwise(row_edges):
        for x0, x1 in itertools.pairwise(col_edges):
            box = Region(0, int(x0), int(y0), int(x1 - x0), int(y1 - y0), 0)
            tile = context_crop(box, picture_width, picture_height, native_size)
            in_core = np.zeros((tile.height, tile.width), bool)
            in_core[y0 - tile.y : y1 - tile.y, x0 - tile.x : x1 - tile.x] = True
            tile_paste = in_core & np.isin(labels[tile.slices], patch_plan.labels)
            if tile_paste.any():
                tiles.append((tile, tile_paste))
    return tiles


def _scale_down(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)


def _pad_to(pixels: np.ndarray, side: int) -> np.ndarray:
    """Mirror-pad the bottom and right of ``pixels`` to side x side (symmetric: works at 1 px)."""
    extra = ((0, side - pixels.shape[0]), (0, side - pixels.shape[1]))
    return np.pad(pixels, extra + ((0, 0),) * (pixels.ndim - 2), mode="symmetric")


def make_patch(
    rgb: np.ndarray,
    pending: np.ndarray,
    original: np.ndarray | None,
    crop: Crop,
    native_size: int | None,
    grid: MosaicGrid | None = None,
) -> Patch:
    """Cut, scale and pad the engine's input for ``crop``.

    Args:
        rgb: HxWx3 uint8, the picture being restored (already restored regions included).
        pending: HxW bool, hole pixels not yet restored (all of them are hole for the engine,
            also those of regions another plan will paste).
        original: HxWx3 uint8 mosaic pixels, or None.
        crop: from :func:`plan_patches`.
        native_size: the engine's patch side, or None for full resolution.
        grid: mosaic mode: the mosaic's grid in picture pixels, if known
            (see :func:`patch_scale_and_grid`).
    """
    rows, cols = crop.slices
    image = rgb[rows, cols]
    hole = pending[rows, cols]
    mosaic = original[rows, cols] if original is not None else None
    scale, patch_grid = patch_scale_and_grid(crop, native_size, grid)
    if scale < 1.0:
        size = (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
        image = _scale_down(image, size)
        # A scaled pixel touching any hole pixel is hole: nearest sampling could drop thin
        # strokes, which would then never be restored and leak green into known pixels.
        hole = _scale_down(hole.astype(np.float32), size) > 0
        if mosaic is not None:
            mosaic = _scale_down(mosaic, size)
    content_height, content_width = hole.shape
    if native_size is not None:
        image = _pad_to(image, native_size)
        hole = _pad_to(hole, native_size)
        if mosaic is not None:
            mosaic = _pad_to(mosaic, native_size)
    image = np.array(image, dtype=np.uint8)  # own copy: the hole is zeroed below
    image[hole] = 0
    if mosaic is not None:
        mosaic = np.ascontiguousarray(mosaic)
    return Patch(
        image, np.ascontiguousarray(hole), mosaic, content_width, content_height, scale, patch_grid
    )


def paste_patch(
    restored: np.ndarray, patch: Patch, crop: Crop, target: np.ndarray, paste: np.ndarray
) -> None:
    """Write the engine's result back into ``target`` at the ``paste`` pixels of ``crop``.

    Args:
        restored: SxSx3 uint8, the engine's output for ``patch``.
        patch: the engine's input.
        crop: where the patch came from.
        target: HxWx3 uint8, modified in place.
        paste: crop-sized bool, the pixels to overwrite (True = restored by this plan).
    """
    height, width = patch.content_height, patch.content_width
    # Keep the engine's pixels only in the hole, so that the upscaling filter blends hole
    # content with the true surroundings, not with the engine's re-rendering of them.
    hole = patch.hole[:height, :width]
    result = np.where(hole[..., None], restored[:height, :width], patch.image[:height, :width])
    if patch.scale < 1.0:
        result = cv2.resize(result, (crop.width, crop.height), interpolation=cv2.INTER_CUBIC)
    rows, cols = crop.slices
    target[rows, cols][paste] = result[paste]
