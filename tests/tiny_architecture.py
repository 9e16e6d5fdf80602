"""A test-only architecture: one convolution over gated-conv's inputs, residual over them.

It shows that a new architecture is this one module plus :func:`register`: it trains (with
the generic reconstruction trainer), exports, lists and restores without any other file
knowing of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from decensor_app.architectures import gated_conv
from decensor_app.architectures.spec import ArchitectureSpec, ConfigField, NetworkConfig, to_uint8
from decensor_app.engines.base import EngineInput

if TYPE_CHECKING:
    from decensor_app.trainer.run import FitConfig

NAME = "tiny-test-arch"


def build_inference(config: NetworkConfig, size: int) -> Any:
    import keras
    from keras import ops

    class OneLayer(keras.Model):
        """``[image (N,H,W,3) in [-1, 1], mask (N,H,W,1)]`` -> image + one 3x3 conv, clipped."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.conv = keras.layers.Conv2D(3, 3, padding="same", kernel_initializer="zeros")

        def call(self, inputs: list[Any]) -> Any:
            image, mask = inputs
            return ops.clip(image + self.conv(ops.concatenate([image, mask], -1)), -1.0, 1.0)

    model = OneLayer(name="tiny")
    model([np.zeros((1, size, size, 3), np.float32), np.zeros((1, size, size, 1), np.float32)])
    return model


def parameter_counts(width: int) -> dict[str, int]:
    from decensor_app.networks.layers import count_parameters

    return {"generator": count_parameters(build_inference({}, 16))}


def decode(outputs: Any, patches: Sequence[EngineInput], config: NetworkConfig) -> list[np.ndarray]:
    return list(to_uint8(outputs, -1.0, 1.0))


def network_config(config: FitConfig) -> dict[str, Any]:
    return {}


SPEC = ArchitectureSpec(
    name=NAME,
    paper_width=1,
    width_help="unused",
    censor_types=("bar", "mosaic"),
    network_config=network_config,
    config_fields={"unused": ConfigField(int, optional=True)},
    build_inference=build_inference,
    parameter_counts=parameter_counts,
    encode=gated_conv.encode,
    decode=decode,
    checkpoint_group="generator",
    trainers={"tensorflow": "decensor_app.trainer.fit_tf:ReconstructionTrainer"},
)
