"""The one interface every restoration engine implements, learned or classical."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Literal

import numpy as np

from decensor_app.mosaic import MosaicGrid

CensorType = Literal["bar", "mosaic"]
CENSOR_TYPES: tuple[CensorType, ...] = ("bar", "mosaic")


class EngineError(Exception):
    """An engine cannot be found, loaded, or used for the requested censor type."""


@dataclass(frozen=True)
class ModelInfo:
    """What ``decensor --list-models`` shows about an installed engine.

    Attributes:
        name: what ``--model`` takes.
        architecture: e.g. ``"opencv-telea"``, ``"gated-conv"``.
        censor_types: the censor types it restores.
        parameters: trainable parameter count (0 for classical methods).
        description: one line for people.
    """

    name: str
    architecture: str
    censor_types: tuple[CensorType, ...]
    parameters: int
    description: str


class Engine(abc.ABC):
    """Restores the hole of one patch. Planning, resizing and compositing are the pipeline's.

    Subclasses set :attr:`info` and :attr:`native_size`.
    """

    info: ModelInfo
    #: Side in pixels of the square patches the engine works at best, or None when it works at
    #: any size at full resolution (the pipeline then never rescales).
    native_size: int | None = None

    @abc.abstractmethod
    def restore(
        self,
        image: np.ndarray,
        hole: np.ndarray,
        original: np.ndarray | None = None,
        grid: MosaicGrid | None = None,
    ) -> np.ndarray:
        """Fill the hole.

        Args:
            image: HxWx3 uint8 RGB; hole pixels are 0 (their content is unknown).
            hole: HxW bool, True = hole; at least one pixel is False.
            original: mosaic mode only: HxWx3 uint8 RGB whose hole pixels hold the mosaic
                (outside the hole it equals ``image``); None in bar mode.
            grid: mosaic mode: the mosaic's block size and offset in this patch's pixels
                (from detection, or estimated by the pipeline at full resolution); None: the
                engine estimates it from ``original`` if it needs it. ``MosaicGrid(1)`` says
                that no block structure is known (each pixel its own block).

        Returns:
            HxWx3 uint8 RGB; only its hole pixels are used by the caller.
        """

    def restore_batch(
        self,
        images: list[np.ndarray],
        holes: list[np.ndarray],
        originals: list[np.ndarray | None],
        grids: list[MosaicGrid | None] | None = None,
    ) -> list[np.ndarray]:
        """:meth:`restore` for several patches of one size (e.g. the variations of a region).

        Engines that run faster on batches (the generators) override this; the result must
        equal restoring each patch alone.
        """
        grids = grids or [None] * len(images)
        return [
            self.restore(image, hole, original, grid)
            for image, hole, original, grid in zip(images, holes, originals, grids, strict=True)
        ]

    def supports(self, censor: CensorType) -> bool:
        return censor in self.info.censor_types


class BatchEngine(Engine):
    """An engine whose work is done on batches (:meth:`restore_batch`); one patch is a batch
    of one."""

    def restore(
        self,
        image: np.ndarray,
        hole: np.ndarray,
        original: np.ndarray | None = None,
        grid: MosaicGrid | None = None,
    ) -> np.ndarray:
        return self.restore_batch([image], [hole], [original], [grid])[0]

    @abc.abstractmethod
    def restore_batch(
        self,
        images: list[np.ndarray],
        holes: list[np.ndarray],
        originals: list[np.ndarray | None],
        grids: list[MosaicGrid | None] | None = None,
    ) -> list[np.ndarray]:
        """See :meth:`Engine.restore_batch`."""
