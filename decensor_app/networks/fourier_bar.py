"""Bar restoration with a global receptive field (``keras.ops`` only).

Local convolutions smear what repeats across a picture (fences, stripes, hatching): to continue
it, a pixel in the hole must see the pattern on the other side. Fast Fourier convolution (LaMa,
Suvorov et al. 2022) gives every layer the whole patch: a pointwise convolution in the
frequency domain mixes every position with every other. Here its spectral transform sits
between the residual blocks of the folded body that :mod:`decensor_app.networks.mosaic_sr` uses
(space-to-depth by 4, so the FFTs run on 1/16 of the pixels), and the output is a correction
added to Telea's fill, so training starts at Telea.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from decensor_app.networks.mosaic_sr import FOLD, ResidualBlock, depth_to_space, space_to_depth


class SpectralTransform(keras.layers.Layer):
    """x + conv1x1(real(ifft2(relu(conv1x1([Re, Im] of fft2(relu(conv1x1(x)))))))).

    The FFTs run in float32 whatever the precision policy (bf16 loses too much there). The
    last 1x1 convolution starts at zero, so a new block is the identity.
    """

    def __init__(self, channels: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.channels = channels
        hidden = max(channels // 2, 4)
        self.hidden = hidden
        self.reduce = keras.layers.Conv2D(hidden, 1, activation="relu")
        self.frequency = keras.layers.Conv2D(2 * hidden, 1, activation="relu")
        self.expand = keras.layers.Conv2D(channels, 1, kernel_initializer="zeros")

    def call(self, x: Any) -> Any:
        y = ops.cast(self.reduce(x), "float32")
        planes = ops.transpose(y, (0, 3, 1, 2))  # the FFT runs over the last two axes
        real, imag = ops.fft2((planes, ops.zeros_like(planes)))
        spectrum = ops.concatenate(
            [ops.transpose(real, (0, 2, 3, 1)), ops.transpose(imag, (0, 2, 3, 1))], axis=-1
        )
        mixed = ops.cast(self.frequency(spectrum), "float32")
        real, imag = ops.split(ops.transpose(mixed, (0, 3, 1, 2)), 2, axis=1)
        back, _ = ops.ifft2((real, imag))
        spatial = ops.cast(ops.transpose(back, (0, 2, 3, 1)), x.dtype)
        return x + self.expand(spatial)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "channels": self.channels}


class FourierBar(keras.Model):
    """Bar restoration network.

    Args:
        width: channels of the body.
        blocks: residual blocks (every third dilated, as in MosaicSR); a spectral transform
            follows every second one.

    Call:
        inputs: ``[features, base]``: features (N, H, W, 4) float (the encoder's), base
            (N, H, W, 3) in [-1, 1], Telea's fill in the hole and the known pixels elsewhere;
            H and W divisible by 4.

    Returns:
        (N, H, W, 3) in [-1, 1]: ``clip(base + correction)``; an untrained network gives Telea.
    """

    def __init__(self, width: int = 48, blocks: int = 8, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.width, self.blocks = width, blocks
        self.head = keras.layers.Conv2D(width, 3, padding="same", name="head")
        self.body: list[keras.layers.Layer] = []
        for i in range(blocks):
            dilation = (2 if i % 6 == 2 else 4) if i % 3 == 2 else 1
            self.body.append(ResidualBlock(width, dilation=dilation, name=f"block{i + 1}"))
            if i % 2 == 1:
                self.body.append(SpectralTransform(width, name=f"spectral{i // 2 + 1}"))
        self.tail = keras.layers.Conv2D(width, 3, padding="same", name="tail")
        self.to_pixels = keras.layers.Conv2D(
            3 * FOLD * FOLD, 3, padding="same", kernel_initializer="zeros", name="to_pixels"
        )

    def call(self, inputs: list[Any]) -> Any:
        features, base = inputs
        x = self.head(space_to_depth(features, FOLD))
        skip = x
        for layer in self.body:
            x = layer(x)
        x = self.tail(x) + skip
        correction = depth_to_space(self.to_pixels(x), FOLD)
        return ops.clip(ops.cast(base, correction.dtype) + correction, -1.0, 1.0)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "width": self.width, "blocks": self.blocks}
