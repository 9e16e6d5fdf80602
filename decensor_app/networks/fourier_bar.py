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

import math
from typing import Any

import keras
from keras import ops

from decensor_app.networks.mosaic_sr import FOLD, ResidualBlock, depth_to_space, space_to_depth


def dft_matrices(n: Any) -> tuple[Any, Any]:
    """cos and sin of the n-point DFT's angles, (n, n) float32 each (symmetric).

    The discrete Fourier transform along an axis of length n is a product with ``C - iS``, its
    inverse with ``(C + iS) / n``. ``n`` may be a traced size: the angles are reduced modulo n
    before scaling, so they stay exact in float32 for any patch this network sees.
    """
    k = ops.arange(n, dtype="float32")
    turns = ops.mod(ops.expand_dims(k, 1) * ops.expand_dims(k, 0), ops.cast(n, "float32"))
    angle = turns * (2.0 * math.pi / ops.cast(n, "float32"))
    return ops.cos(angle), ops.sin(angle)


class SpectralTransform(keras.layers.Layer):
    """x + conv1x1(real(ifft2(relu(conv1x1([Re, Im] of fft2(relu(conv1x1(x)))))))).

    The 2-D DFTs are written as products with cos/sin matrices over the two spatial axes (real
    arithmetic only, so every runtime the app exports to can run them, ONNX included; at the
    body's 1/4 resolution this costs little more than an FFT) and run in float32 whatever the
    precision policy (bf16 loses too much there). The last 1x1 convolution starts at zero, so a
    new block is the identity.
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
        y = ops.cast(self.reduce(x), "float32")  # (N, H, W, hidden)
        height, width = ops.shape(y)[1], ops.shape(y)[2]
        cos_h, sin_h = dft_matrices(height)
        cos_w, sin_w = dft_matrices(width)

        def along_h(matrix: Any, planes: Any) -> Any:
            return ops.einsum("kh,nhwc->nkwc", matrix, planes)

        def along_w(planes: Any, matrix: Any) -> Any:
            return ops.einsum("nhwc,wl->nhlc", planes, matrix)

        # fft2: (C_h - iS_h) y (C_w - iS_w)
        a, b = along_h(cos_h, y), along_h(sin_h, y)
        real = along_w(a, cos_w) - along_w(b, sin_w)
        imag = -(along_w(a, sin_w) + along_w(b, cos_w))
        mixed = ops.cast(self.frequency(ops.concatenate([real, imag], axis=-1)), "float32")
        real, imag = ops.split(mixed, 2, axis=-1)
        # real part of ifft2: (C_h + iS_h) (real + i imag) (C_w + iS_w) / (H W)
        p = along_h(cos_h, real) - along_h(sin_h, imag)
        q = along_h(cos_h, imag) + along_h(sin_h, real)
        area = ops.cast(height * width, "float32")
        spatial = (along_w(p, cos_w) - along_w(q, sin_w)) / area
        return x + self.expand(ops.cast(spatial, x.dtype))

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
