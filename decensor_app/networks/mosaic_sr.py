"""Grid-aware mosaic restoration as super-resolution (``keras.ops`` only).

The input (see :mod:`decensor_app.architectures.mosaic_sr` for its encoding) is folded by
space-to-depth into quarter resolution, so the body (residual blocks with squeeze-excitation
channel attention, some dilated for context) runs on 1/16 of the pixels and can be many times
wider than a full-resolution network at the same cost; pixel shuffle unfolds its output into a
correction added to the interpolated block means.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

#: Space-to-depth factor: the body runs at 1/FOLD of the patch's side.
FOLD = 4


class SqueezeExcitation(keras.layers.Layer):
    """Channel attention: a per-channel gate from the global mean of the features."""

    def __init__(self, channels: int, reduction: int = 4, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.channels, self.reduction = channels, reduction
        self.squeeze = keras.layers.Dense(max(channels // reduction, 4), activation="relu")
        self.excite = keras.layers.Dense(channels, activation="sigmoid")

    def call(self, x: Any) -> Any:
        gate = self.excite(self.squeeze(ops.mean(x, axis=(1, 2), keepdims=True)))
        return x * gate

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "channels": self.channels, "reduction": self.reduction}


class ResidualBlock(keras.layers.Layer):
    """x + SE(conv(relu(conv(x)))), the first conv dilated by ``dilation``."""

    def __init__(self, channels: int, dilation: int = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.channels, self.dilation = channels, dilation
        self.first = keras.layers.Conv2D(
            channels, 3, padding="same", dilation_rate=dilation, activation="relu"
        )
        self.second = keras.layers.Conv2D(channels, 3, padding="same")
        self.attention = SqueezeExcitation(channels)

    def call(self, x: Any) -> Any:
        return x + self.attention(self.second(self.first(x)))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "channels": self.channels, "dilation": self.dilation}


class MosaicSR(keras.Model):
    """Mosaic restoration network.

    Args:
        width: channels of the body.
        blocks: residual blocks; every third is dilated (rates 2, 4, 2, ...).

    Call:
        inputs: ``[features, base]``: features (N, H, W, 10) float (the encoder's), base
            (N, H, W, 3) in [-1, 1], the interpolated block means in the hole, the known pixels
            elsewhere; H and W divisible by 4.

    Returns:
        (N, H, W, 3) in [-1, 1]: ``clip(base + correction)``; the correction's last conv
        starts at zero, so an untrained network gives the interpolated block means.
    """

    def __init__(self, width: int = 64, blocks: int = 8, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.width, self.blocks = width, blocks
        self.head = keras.layers.Conv2D(width, 3, padding="same", name="head")
        self.body = [
            ResidualBlock(width, dilation=(2 if i % 6 == 2 else 4) if i % 3 == 2 else 1,
                          name=f"block{i + 1}")
            for i in range(blocks)
        ]  # fmt: skip
        self.tail = keras.layers.Conv2D(width, 3, padding="same", name="tail")
        self.to_pixels = keras.layers.Conv2D(
            3 * FOLD * FOLD, 3, padding="same", kernel_initializer="zeros", name="to_pixels"
        )

    def call(self, inputs: list[Any]) -> Any:
        features, base = inputs
        folded = space_to_depth(features, FOLD)
        x = self.head(folded)
        skip = x
        for block in self.body:
            x = block(x)
        x = self.tail(x) + skip
        correction = depth_to_space(self.to_pixels(x), FOLD)
        return ops.clip(ops.cast(base, correction.dtype) + correction, -1.0, 1.0)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "width": self.width, "blocks": self.blocks}


def space_to_depth(x: Any, factor: int) -> Any:
    """(N, H, W, C) -> (N, H/f, W/f, f*f*C), each f x f cell's pixels as channels."""
    n, h, w, c = ops.shape(x)
    x = ops.reshape(x, (n, h // factor, factor, w // factor, factor, c))
    x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
    return ops.reshape(x, (n, h // factor, w // factor, factor * factor * c))


def depth_to_space(x: Any, factor: int) -> Any:
    """The inverse of :func:`space_to_depth` (pixel shuffle)."""
    n, h, w, c = ops.shape(x)
    channels = c // (factor * factor)
    x = ops.reshape(x, (n, h, w, factor, factor, channels))
    x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
    return ops.reshape(x, (n, h * factor, w * factor, channels))
