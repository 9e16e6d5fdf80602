"""Grid-aware mosaic super-resolution: its spec and encoder.

A mosaic on a known grid is a box-filtered low-resolution picture, so the network refines the
interpolated block means (Lanczos) and is told where each pixel lies in its block. Its input
channels, per pixel of the patch:

- 0-2: the interpolated block means in the hole, the known pixels outside, in [-1, 1]
  (also the base the network's correction is added to);
- 3-5: the mosaic in the hole (the block means at full detail, with their edges), known pixels
  outside, in [-1, 1];
- 6: the hole (1 = hole);
- 7-8: position inside the block, x and y, in [-0.5, 0.5) (0 where no grid is known);
- 9: log2 of the block size / 5 (0 without a grid).

The result is then made consistent with the mosaic by a seam-free back-projection
(:func:`~decensor_app.mosaic.back_project`), not by a per-block shift.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from decensor_app.architectures.spec import (
    NetworkConfig,
    consistent_with_mosaics,
    refiner_spec,
    to_uint8,
)
from decensor_app.engines.base import EngineInput
from decensor_app.engines.classical import block_means_fill
from decensor_app.mosaic import MosaicGrid, back_project

#: Default body width (there is no paper: chosen by measurement).
DEFAULT_WIDTH = 64
DEFAULT_BLOCKS = 8


def block_position(shape: tuple[int, int], grid: MosaicGrid | None) -> np.ndarray:
    """HxWx3 float32: position inside the block (x, y in [-0.5, 0.5)) and log2(block) / 5."""
    height, width = shape
    position = np.zeros((height, width, 3), np.float32)
    if grid is None or grid.block <= 1:
        return position
    block = grid.block
    xs = ((np.arange(width) - grid.offset_x) % block + 0.5) / block - 0.5
    ys = ((np.arange(height) - grid.offset_y) % block + 0.5) / block - 0.5
    position[..., 0] = xs[None, :]
    position[..., 1] = ys[:, None]
    position[..., 2] = np.log2(block) / 5.0
    return position


def _features(patch: EngineInput) -> tuple[np.ndarray, np.ndarray]:
    if patch.original is None:
        raise ValueError("the mosaic network restores mosaics: it needs the original")
    hole = patch.hole[..., None]
    base = np.where(hole, block_means_fill(patch.original, patch.grid), patch.image)
    mosaic = np.where(hole, patch.original, patch.image)
    base_scaled = base.astype(np.float32) / 127.5 - 1.0
    features = np.concatenate(
        [
            base_scaled,
            mosaic.astype(np.float32) / 127.5 - 1.0,
            hole.astype(np.float32),
            block_position(patch.shape, patch.grid),
        ],
        axis=-1,
    )
    return features, base_scaled


def encode(patches: Sequence[EngineInput], config: NetworkConfig) -> list[np.ndarray]:
    """``[features, base]``: NxHxWx10 float32 (module docstring) and NxHxWx3 in [-1, 1]."""
    pairs = [_features(patch) for patch in patches]
    return [np.stack([f for f, _ in pairs]), np.stack([b for _, b in pairs])]


def decode(outputs: Any, patches: Sequence[EngineInput], config: NetworkConfig) -> list[np.ndarray]:
    """uint8, then back-projected onto the mosaic where the grid is known."""
    restored = to_uint8(outputs, -1.0, 1.0)
    return consistent_with_mosaics(restored, patches, back_project)


#: Channels of the encoder's features (the module docstring lists them).
INPUT_CHANNELS = 10

SPEC = refiner_spec(
    name="mosaic-sr",
    censor_types=("mosaic",),
    network="decensor_app.networks.mosaic_sr:MosaicSR",
    input_channels=INPUT_CHANNELS,
    default_width=DEFAULT_WIDTH,
    default_blocks=DEFAULT_BLOCKS,
    encode=encode,
    decode=decode,
)
