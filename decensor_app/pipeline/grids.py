"""The mosaic grid of each patch, resolved once, here, for every engine.

Engines are given a grid (or None: no grid known) and never estimate one; detection results,
estimates at full resolution and grids borrowed from other regions of the picture are all
decided here, before planning scales a patch (see :func:`decensor_app.planning.patch_scale_and_grid`
for what scaling does to a grid).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from decensor_app.detect import grid_covering, region_grid
from decensor_app.mosaic import MosaicGrid, grid_fits
from decensor_app.planning import Crop, RestorationPlan

#: A detected mosaic: (HxW bool mask, its grid in picture pixels).
KnownGrid = tuple[np.ndarray, MosaicGrid]


def patch_grids(
    original: np.ndarray,
    plan: RestorationPlan,
    pastes: Sequence[np.ndarray],
    known_grids: Sequence[KnownGrid] = (),
) -> list[MosaicGrid | None]:
    """The mosaic grid (picture pixels) of each patch of ``plan``, or None.

    Each patch's grid comes from :func:`mosaic_grid`. A region too small to show its grid
    (a thin bar of blocks) borrows one found for another region of the same picture, if its
    pixels fit it exactly (:func:`decensor_app.mosaic.grid_fits`): one picture is usually
    pixelated with one tool setting.

    Args:
        original: HxWx3 uint8, the picture with the mosaic.
        plan: the picture's plan; ``pastes`` holds each patch's crop-sized bool hole pixels.
    """
    grids = [
        mosaic_grid(original, patch_plan.crop, paste, known_grids)
        for patch_plan, paste in zip(plan.patches, pastes, strict=True)
    ]
    # Borrowed grids in order of how much of the picture they were found on.
    found_on: dict[MosaicGrid, int] = {}
    for grid, paste in zip(grids, pastes, strict=True):
        if grid is not None:
            found_on[grid] = found_on.get(grid, 0) + int(np.count_nonzero(paste))
    candidates = sorted(found_on, key=found_on.__getitem__, reverse=True)
    for index, (patch_plan, paste) in enumerate(zip(plan.patches, pastes, strict=True)):
        if grids[index] is not None:
            continue
        crop = patch_plan.crop
        rows, cols = crop.slices
        for grid in candidates:
            if grid_fits(original[rows, cols], paste, grid.within(crop.x, crop.y)):
                grids[index] = grid
                break
    return grids


def mosaic_grid(
    original: np.ndarray, crop: Crop, region: np.ndarray, known_grids: Sequence[KnownGrid] = ()
) -> MosaicGrid | None:
    """The grid (picture pixels) of the mosaic a patch restores.

    Args:
        original: HxWx3 uint8, the picture with the mosaic.
        crop: the patch's crop.
        region: crop-sized bool, the hole pixels the patch restores.
        known_grids: (HxW bool mask, grid) from detection; the one covering most of ``region``
            wins.

    Returns:
        The grid, or None where none is known and none can be estimated at full resolution.
    """
    rows, cols = crop.slices
    known = grid_covering([(mask[rows, cols], grid) for mask, grid in known_grids], region)
    if known is not None:
        return known
    found = region_grid(original[rows, cols], region)
    if found is None:
        return None
    return found.within(-crop.x, -crop.y)


def estimated_patch_grid(original: np.ndarray, hole: np.ndarray) -> MosaicGrid | None:
    """The grid of a patch that is already at working scale (evaluation's "estimated grid"):
    the same resolver as the pipeline's, with the whole patch as the crop."""
    height, width = hole.shape
    return mosaic_grid(original, Crop(0, 0, width, height), hole)
