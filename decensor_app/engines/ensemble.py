"""The flip average: any engine run on the eight flips and transposes of a patch, averaged.

A generator's guesses differ between orientations of the same patch (its receptive field and
training crops are not symmetric); their mean has a lower expected squared error than a typical
single guess, so the hole PSNR rises, at eight times the engine's work. (Geometric
self-ensembling, as in EDSR's "+" results for super-resolution.)
"""

from __future__ import annotations

import dataclasses

import numpy as np

from decensor_app.engines.base import BatchEngine, Engine
from decensor_app.mosaic import MosaicGrid
from decensor_app.symmetry import SYMMETRIES, Symmetry, transform, transform_grid, untransform


class FlipAverage(BatchEngine):
    """Wraps ``engine``: each patch is restored in all eight orientations and the eight results,
    turned back, are averaged (rounded to uint8). Same interface, size and censor types."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.info = dataclasses.replace(
            engine.info, description=f"{engine.info.description} (average of 8 flips)"
        )
        self.native_size = engine.native_size

    def restore_batch(
        self,
        images: list[np.ndarray],
        holes: list[np.ndarray],
        originals: list[np.ndarray | None],
        grids: list[MosaicGrid | None] | None = None,
    ) -> list[np.ndarray]:
        grids = grids or [None] * len(images)
        # Every (patch, symmetry) pair, grouped by shape: the inner engine gets as few batches
        # as possible, each of one shape (a transpose turns an HxW patch into WxH).
        groups: dict[tuple[int, ...], list[tuple[int, Symmetry]]] = {}
        for index, image in enumerate(images):
            for symmetry in SYMMETRIES:
                shape = (image.shape[1], image.shape[0]) if symmetry[1] else image.shape[:2]
                groups.setdefault(shape, []).append((index, symmetry))
        sums = [np.zeros(image.shape, np.float32) for image in images]
        for members in groups.values():
            outputs = self.engine.restore_batch(
                [transform(images[i], symmetry) for i, symmetry in members],
                [transform(holes[i], symmetry) for i, symmetry in members],
                [
                    None if originals[i] is None else transform(originals[i], symmetry)
                    for i, symmetry in members
                ],
                [transform_grid(grids[i], symmetry, holes[i].shape) for i, symmetry in members],
            )
            for (i, symmetry), output in zip(members, outputs, strict=True):
                sums[i] += untransform(output, symmetry)
        return [np.rint(total / len(SYMMETRIES)).astype(np.uint8) for total in sums]
