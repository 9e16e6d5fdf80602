"""The flip average: any engine run on the eight flips and transposes of a patch, averaged.

A generator's guesses differ between orientations of the same patch (its receptive field and
training crops are not symmetric); their mean has a lower expected squared error than a typical
single guess, so the hole PSNR rises, at eight times the engine's work. (Geometric
self-ensembling, as in EDSR's "+" results for super-resolution.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from decensor_app.engines.base import BatchEngine, Engine, EngineInput
from decensor_app.symmetry import SYMMETRIES, Symmetry, untransform


class FlipAverage(BatchEngine):
    """Wraps ``engine``: each patch is restored in all eight orientations and the eight results,
    turned back, are averaged (rounded to uint8). Same interface, size and censor types."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.info = dataclasses.replace(
            engine.info, description=f"{engine.info.description} (average of 8 flips)"
        )
        self.native_size = engine.native_size

    def restore_batch(self, patches: Sequence[EngineInput]) -> list[np.ndarray]:
        # Every (patch, symmetry) pair, grouped by shape: the inner engine gets as few batches
        # as possible, each of one shape (a transpose turns an HxW patch into WxH).
        groups: dict[tuple[int, int], list[tuple[int, EngineInput, Symmetry]]] = {}
        for index, patch in enumerate(patches):
            for symmetry in SYMMETRIES:
                turned = patch.transformed(symmetry)
                groups.setdefault(turned.shape, []).append((index, turned, symmetry))
        sums = [np.zeros(patch.image.shape, np.float32) for patch in patches]
        for members in groups.values():
            outputs = self.engine.restore_batch([turned for _, turned, _ in members])
            for (index, _, symmetry), output in zip(members, outputs, strict=True):
                sums[index] += untransform(output, symmetry)
        return [np.rint(total / len(SYMMETRIES)).astype(np.uint8) for total in sums]
