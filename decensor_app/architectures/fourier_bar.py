"""Fourier bar network: Telea's fill refined by a folded body with spectral transforms.

Its input channels, per pixel of the patch: 0-2 Telea's fill in the hole and the known pixels
outside, in [-1, 1] (also the base the correction is added to); 3 the hole (1 = hole). See
:mod:`decensor_app.networks.fourier_bar` for the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from decensor_app.architectures.spec import ArchitectureSpec, ConfigField, NetworkConfig, to_uint8
from decensor_app.engines.base import EngineInput
from decensor_app.engines.classical import telea_fill

if TYPE_CHECKING:  # pragma: no cover - types only
    from decensor_app.trainer.run import FitConfig

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


def network_config(config: FitConfig) -> dict[str, Any]:
    return {"width": config.width or DEFAULT_WIDTH, "blocks": DEFAULT_BLOCKS}


def build_inference(config: NetworkConfig, size: int) -> Any:
    from decensor_app.networks.fourier_bar import INPUT_CHANNELS, FourierBar

    model = FourierBar(**config)
    model([np.zeros((1, size, size, INPUT_CHANNELS), np.float32),
           np.zeros((1, size, size, 3), np.float32)])  # fmt: skip
    return model


def parameter_counts(width: int) -> dict[str, int]:
    from decensor_app.networks.layers import count_parameters

    return {"generator": count_parameters(build_inference({"width": width}, 32))}


SPEC = ArchitectureSpec(
    name="fourier-bar",
    paper_width=DEFAULT_WIDTH,
    width_help="body channels (default 48)",
    censor_types=("bar",),
    network_config=network_config,
    config_fields={
        "width": ConfigField(int, 4, 512),
        "blocks": ConfigField(int, 1, 64, optional=True),
    },
    build_inference=build_inference,
    parameter_counts=parameter_counts,
    encode=encode,
    decode=decode,
    checkpoint_group="generator",
    trainers={"tensorflow": "decensor_app.trainer.fit_tf:ReconstructionTrainer"},
)
