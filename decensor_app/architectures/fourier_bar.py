"""Fourier bar network: Telea's fill refined by a folded body with spectral transforms.

Its input channels, per pixel of the patch: 0-2 Telea's fill in the hole and the known pixels
outside, in [-1, 1] (also the base the correction is added to); 3 the hole (1 = hole). See
:mod:`decensor_app.networks.fourier_bar` for the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from decensor_app.architectures.spec import NetworkConfig, refiner_spec, to_uint8
from decensor_app.engines.base import EngineInput
from decensor_app.engines.classical import telea_fill

#: Default body width (no paper: the mosaic network's, which trains well on these CPUs).
DEFAULT_WIDTH = 48
DEFAULT_BLOCKS = 8


def _features(patch: EngineInput) -> tuple[np.ndarray, np.ndarray]:
    hole = patch.hole[..., None]
    base = np.where(hole, telea_fill(patch.image, patch.hole), patch.image)
    base_scaled = base.astype(np.float32) / 127.5 - 1.0
    return np.concatenate([base_scaled, hole.astype(np.float32)], axis=-1), base_scaled


def encode(patches: Sequence[EngineInput], config: NetworkConfig) -> list[np.ndarray]:
    """``[features, base]``: NxHxWx4 float32 (module docstring) and NxHxWx3 in [-1, 1]."""
    pairs = [_features(patch) for patch in patches]
    return [np.stack([f for f, _ in pairs]), np.stack([b for _, b in pairs])]


def decode(outputs: Any, patches: Sequence[EngineInput], config: NetworkConfig) -> list[np.ndarray]:
    """uint8 patches (the pipeline pastes only the hole)."""
    return list(to_uint8(outputs, -1.0, 1.0))


#: Channels of the encoder's features (the module docstring lists them).
INPUT_CHANNELS = 4

SPEC = refiner_spec(
    name="fourier-bar",
    censor_types=("bar",),
    network="decensor_app.networks.fourier_bar:FourierBar",
    input_channels=INPUT_CHANNELS,
    default_width=DEFAULT_WIDTH,
    default_blocks=DEFAULT_BLOCKS,
    encode=encode,
    decode=decode,
)
