"""Gated-Conv (DeepFill v2): its spec, and the one encoder of its inputs.

Bar models see the picture with the hole zeroed; mosaic models see the mosaic in the hole;
residual models (``config["residual"]``) see the classical restoration in the hole (Telea for
bars, interpolated block means on the patch's grid for mosaics) and refine it. A mosaic result
is then made consistent with the mosaic on its grid (:func:`match_block_means`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from decensor_app.architectures.spec import (
    ArchitectureSpec,
    ConfigField,
    NetworkConfig,
    consistent_with_mosaics,
    stack_patches,
    to_uint8,
)
from decensor_app.engines.base import EngineInput
from decensor_app.engines.classical import block_means_fill, telea_fill
from decensor_app.mosaic import match_block_means

if TYPE_CHECKING:  # pragma: no cover - types only
    from decensor_app.trainer.run import FitConfig

#: cnum of the paper (feature widths 24 / 48 / 96).
PAPER_WIDTH = 48


def classical_fill(patch: EngineInput) -> np.ndarray:
    """HxWx3 uint8: what a residual generator refines (Telea for bars, block means for mosaics)."""
    if patch.original is None:
        return telea_fill(patch.image, patch.hole)
    return block_means_fill(patch.original, patch.grid)


def encode(patches: Sequence[EngineInput], config: NetworkConfig) -> list[np.ndarray]:
    """``[image, mask]``: NxHxWx3 float32 in [-1, 1] (see the module docstring for what its
    hole holds) and NxHxWx1 float32, 1 = hole."""
    image, hole = stack_patches(patches)
    scaled = image.astype(np.float32) / 127.5 - 1.0
    if config.get("residual"):
        fill = np.stack([classical_fill(patch) for patch in patches])
        x = np.where(hole > 0, fill.astype(np.float32) / 127.5 - 1.0, scaled)
    elif patches[0].original is not None:
        mosaic = np.stack([patch.original for patch in patches])  # type: ignore[misc]
        x = np.where(hole > 0, mosaic.astype(np.float32) / 127.5 - 1.0, scaled)
    else:
        x = scaled * (1.0 - hole)  # 0 in [-1, 1] units
    return [x, hole]


def decode(outputs: Any, patches: Sequence[EngineInput], config: NetworkConfig) -> list[np.ndarray]:
    """The refined stage in uint8; mosaics with a grid made consistent with their mosaic
    (each block's mean is its colour: a projection that only brings it closer to the truth)."""
    _, refined = outputs
    restored = to_uint8(refined, -1.0, 1.0)
    return consistent_with_mosaics(restored, patches, match_block_means)


def network_config(config: FitConfig) -> dict[str, Any]:
    return {"cnum": config.width or PAPER_WIDTH, "residual": config.prefill}


def build_inference(config: NetworkConfig, size: int) -> Any:
    from decensor_app.networks.gated_conv import GatedConvGenerator

    model = GatedConvGenerator(**config)
    model([np.zeros((1, size, size, 3), np.float32), np.zeros((1, size, size, 1), np.float32)])
    return model


def parameter_counts(width: int) -> dict[str, int]:
    from decensor_app.networks.gated_conv import build_gated_conv
    from decensor_app.networks.layers import count_parameters

    generator, discriminator = build_gated_conv(width, 64)
    return {
        "generator": count_parameters(generator),
        "discriminator": count_parameters(discriminator),
    }


SPEC = ArchitectureSpec(
    name="gated-conv",
    paper_width=PAPER_WIDTH,
    width_help="cnum (paper 48)",
    censor_types=("bar", "mosaic"),
    network_config=network_config,
    config_fields={
        "cnum": ConfigField(int, 4, 256),
        "residual": ConfigField(bool, optional=True),
    },
    build_inference=build_inference,
    parameter_counts=parameter_counts,
    encode=encode,
    decode=decode,
    checkpoint_group="generator",
    trainers={
        "tensorflow": "decensor_app.trainer.fit_tf:GatedConvTrainer",
        "jax": "decensor_app.trainer.fit_jax:JaxGatedConvTrainer",
    },
)
