"""The one interface every restoration engine implements, learned or classical."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from decensor_app.mosaic import MosaicGrid
from decensor_app.symmetry import Symmetry, transform, transform_grid

CensorType = Literal["bar", "mosaic"]
CENSOR_TYPES: tuple[CensorType, ...] = ("bar", "mosaic")

#: Most patches per network call of a learned engine (memory stays bounded on many variations).
MAX_BATCH = 8


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


@dataclass(frozen=True, eq=False)
class EngineInput:
    """What an engine restores: one patch, everything about its censor a user gave.

    Attributes:
        image: HxWx3 uint8 RGB; hole pixels are 0 (their content is unknown).
        hole: HxW bool, True = hole; at least one pixel is False.
        original: mosaic mode only: HxWx3 uint8 RGB whose hole pixels hold the mosaic
            (outside the hole it equals ``image``); None in bar mode.
        grid: mosaic mode: the mosaic's block size and offset in this patch's pixels, resolved
            by the pipeline (detection, or estimated at full resolution); None when no grid is
            known (bar mode, or no block structure could be found). Engines never estimate it.
    """

    image: np.ndarray
    hole: np.ndarray
    original: np.ndarray | None = None
    grid: MosaicGrid | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) of the patch."""
        return self.hole.shape[0], self.hole.shape[1]

    def transformed(self, symmetry: Symmetry) -> EngineInput:
        """The same patch flipped and transposed by ``symmetry``, its grid moved with it."""
        return EngineInput(
            transform(self.image, symmetry),
            transform(self.hole, symmetry),
            None if self.original is None else transform(self.original, symmetry),
            transform_grid(self.grid, symmetry, self.shape),
        )


class Engine(abc.ABC):
    """Restores the hole of one patch. Planning, resizing and compositing are the pipeline's.

    Subclasses set :attr:`info` and :attr:`native_size`, and implement :meth:`restore` or
    (engines that run faster on batches) :meth:`restore_batch`.
    """

    info: ModelInfo
    #: Side in pixels of the square patches the engine works at best, or None when it works at
    #: any size at full resolution (the pipeline then never rescales).
    native_size: int | None = None

    @abc.abstractmethod
    def restore(self, patch: EngineInput) -> np.ndarray:
        """Fill the hole of ``patch``.

        Returns:
            HxWx3 uint8 RGB; only its hole pixels are used by the caller.
        """

    def restore_batch(self, patches: Sequence[EngineInput]) -> list[np.ndarray]:
        """:meth:`restore` for several patches of one size (e.g. the variations of a region).

        Engines that run faster on batches (the generators) override this; the result must
        equal restoring each patch alone.
        """
        return [self.restore(patch) for patch in patches]

    def supports(self, censor: CensorType) -> bool:
        return censor in self.info.censor_types


class BatchEngine(Engine):
    """An engine whose work is done on batches (:meth:`restore_batch`); one patch is a batch
    of one."""

    def restore(self, patch: EngineInput) -> np.ndarray:
        return self.restore_batch([patch])[0]

    @abc.abstractmethod
    def restore_batch(self, patches: Sequence[EngineInput]) -> list[np.ndarray]:
        """See :meth:`Engine.restore_batch`."""
