"""The in-memory core: picture + hole (+ mosaic original) -> restored picture."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from decensor_app import repetition
from decensor_app.engines import Engine
from decensor_app.mosaic import MosaicGrid
from decensor_app.pipeline.grids import KnownGrid, patch_grids
from decensor_app.planning import (
    RestorationPlan,
    grid_tiles,
    make_patch,
    paste_patch,
    plan_restoration,
)
from decensor_app.symmetry import untransform


class Cancelled(Exception):
    """Raised inside the pipeline when the cancel token is set."""


class CancelToken:
    """Thread-safe flag the window sets to stop a batch after the current region."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled


def restore_image(
    rgb: np.ndarray,
    hole: np.ndarray,
    engine: Engine,
    original: np.ndarray | None = None,
    on_region: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
    known_grids: Sequence[KnownGrid] = (),
    continue_patterns: bool = False,
) -> np.ndarray:
    """Restore every hole pixel of a picture.

    Args:
        rgb: HxWx3 uint8 RGB; hole pixels are ignored.
        hole: HxW bool, True = hole.
        engine: any engine; it sees patches planned by :func:`plan_restoration`.
        original: mosaic mode: HxWx3 uint8 whose hole pixels hold the mosaic; None for bars.
        on_region: called with (regions done, region count) after each engine call.
        cancel: checked before each engine call.
        known_grids: mosaic mode: grids found by detection, each with its HxW bool mask;
            regions they do not cover get a grid estimated at full resolution.
        continue_patterns: bar mode: where a patch's context repeats with a clear period,
            its hole continues the pattern (:mod:`decensor_app.repetition`) instead
            of the engine's fill.

    Returns:
        HxWx3 uint8: ``rgb`` with every hole pixel replaced, all others bit-identical.
    """
    plan = plan_restoration(hole, engine.native_size)
    return restore_variations(
        rgb, hole, plan, engine, original, (1,), on_region, cancel, known_grids,
        continue_patterns,
    )[0]  # fmt: skip


def restore_variations(
    rgb: np.ndarray,
    hole: np.ndarray,
    plan: RestorationPlan,
    engine: Engine,
    original: np.ndarray | None = None,
    variations: Sequence[int] = (1,),
    on_region: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
    known_grids: Sequence[KnownGrid] = (),
    continue_patterns: bool = False,
) -> list[np.ndarray]:
    """:func:`restore_image` for several variations at once, one result per variation.

    A variation is DeepCreamPy's flip of the engine's input (:func:`decensor_app.symmetry.flip`);
    it is applied to each patch, so all variations share one plan and each engine call gets them
    as one batch. In mosaic mode each patch's grid is resolved first
    (:func:`~decensor_app.pipeline.grids.patch_grids`), once for all variations, and a patch
    whose scaling would shrink the blocks too far is restored in tiles
    (:func:`~decensor_app.planning.grid_tiles`). With ``continue_patterns`` (bars only) each
    patch's repeated pattern is continued on the full-resolution crop, from the picture's own
    known pixels (not the engine's scaled patch, where thin patterns blur), after the engine.
    """
    results = [np.array(rgb, dtype=np.uint8, order="C") for _ in variations]
    pending = hole.copy()
    done = 0
    pastes = [
        np.isin(plan.labels[patch_plan.crop.slices], patch_plan.labels)
        for patch_plan in plan.patches
    ]
    grids: list[MosaicGrid | None] = [None] * len(plan.patches)
    if original is not None:
        grids = patch_grids(original, plan, pastes, known_grids)
    for patch_plan, plan_paste, grid in zip(plan.patches, pastes, grids, strict=True):
        tiles = grid_tiles(patch_plan, plan_paste, plan.labels, grid, engine.native_size)
        for crop, paste in tiles:
            if cancel is not None:
                cancel.check()
            rows, cols = crop.slices
            patches = [
                make_patch(result, pending, original, crop, engine.native_size, grid)
                for result in results
            ]
            symmetries = [(variation, False) for variation in variations]
            outputs = engine.restore_batch(
                [
                    patch.engine_input().transformed(symmetry)
                    for patch, symmetry in zip(patches, symmetries, strict=True)
                ]
            )
            for result, patch, output, symmetry in zip(
                results, patches, outputs, symmetries, strict=True
            ):
                paste_patch(untransform(output, symmetry), patch, crop, result, paste)
            if continue_patterns and original is None:
                # From the input's own known pixels (its hole pixels are never read).
                fill, taken = repetition.continue_patterns(rgb[rows, cols], hole[rows, cols], paste)
                for result in results:  # the same for every variation: it is the picture's
                    result[rows, cols][taken] = fill[taken]
            pending[rows, cols][paste] = False
        done += len(patch_plan.labels)
        if on_region is not None:
            on_region(done, len(plan.regions))
    return results
