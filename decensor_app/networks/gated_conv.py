"""DeepFill v2 (Yu et al., "Free-Form Image Inpainting with Gated Convolution", ICCV 2019).

The generator is two stages of gated convolutions: a coarse network, then a refinement network
with a dilated "hallucination" branch and a contextual-attention branch. ``cnum`` sets the width
(48 in the paper, 4.05M parameters); smaller widths come from the same code.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from decensor_app.architectures.gated_conv import PAPER_WIDTH
from decensor_app.networks.layers import ContextualAttention, Conv, GatedConv


def _output_layers(cnum: int, prefix: str, residual: bool) -> list[keras.layers.Layer]:
    """The shared decoder tail: up c2, c2, up c1, c1/2, plain conv to RGB.

    A residual generator's RGB conv starts at zero, so that it starts out returning its input.
    """
    return [
        GatedConv(2 * cnum, upsample=True, name=f"{prefix}_up1"),
        GatedConv(2 * cnum, name=f"{prefix}_up1_conv"),
        GatedConv(cnum, upsample=True, name=f"{prefix}_up2"),
        GatedConv(cnum // 2, name=f"{prefix}_up2_conv"),
        Conv(
            3,
            3,
            kernel_initializer="zeros" if residual else "glorot_uniform",
            name=f"{prefix}_to_rgb",
        ),
    ]


def _dilated(cnum: int, prefix: str) -> list[keras.layers.Layer]:
    return [GatedConv(4 * cnum, dilation_rate=r, name=f"{prefix}_dil{r}") for r in (2, 4, 8, 16)]


def _run(layers: list[keras.layers.Layer], x: Any) -> Any:
    for layer in layers:
        x = layer(x)
    return x


@keras.saving.register_keras_serializable(package="decensor")
class GatedConvGenerator(keras.Model):
    """DeepFill v2 generator.

    Args:
        cnum: width (48 in the paper).
        residual: our deviation for small training budgets. The hole of ``image`` holds a
            classical restoration (Telea for bars, interpolated block means for mosaics) and
            each stage outputs ``clip(its input + correction, -1, 1)``, with the corrections'
            last conv initialised to zero: training starts at the classical result and only
            has to learn what improves on it. False: the paper's generator (tanh outputs).

    Call:
        inputs: ``[image, mask]``: image (N, H, W, 3) float in [-1, 1]; its hole is zeroed
            (bar models), holds the mosaic (mosaic models) or the classical restoration
            (residual models); mask (N, H, W, 1), 1 = hole. H and W divisible by 8.

    Returns:
        ``(coarse, refined)``, each (N, H, W, 3) in [-1, 1] (whole images; callers paste the
        hole into the known pixels).
    """

    def __init__(self, cnum: int = PAPER_WIDTH, residual: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if cnum % 4:
            raise ValueError("cnum must be divisible by 4")
        self.cnum = cnum
        self.residual = residual
        c = cnum
        self.coarse_layers = [
            GatedConv(c, 5, name="coarse_conv1"),
            GatedConv(2 * c, strides=2, name="coarse_down1"),
            GatedConv(2 * c, name="coarse_conv2"),
            GatedConv(4 * c, strides=2, name="coarse_down2"),
            GatedConv(4 * c, name="coarse_conv3"),
            GatedConv(4 * c, name="coarse_conv4"),
            *_dilated(c, "coarse"),
            GatedConv(4 * c, name="coarse_conv5"),
            GatedConv(4 * c, name="coarse_conv6"),
            *_output_layers(c, "coarse", residual),
        ]
        self.hallucination_layers = [
            GatedConv(c, 5, name="refine_conv1"),
            GatedConv(c, strides=2, name="refine_down1"),
            GatedConv(2 * c, name="refine_conv2"),
            GatedConv(2 * c, strides=2, name="refine_down2"),
            GatedConv(4 * c, name="refine_conv3"),
            GatedConv(4 * c, name="refine_conv4"),
            *_dilated(c, "refine"),
        ]
        self.attention_in_layers = [
            GatedConv(c, 5, name="attention_conv1"),
            GatedConv(c, strides=2, name="attention_down1"),
            GatedConv(2 * c, name="attention_conv2"),
            GatedConv(4 * c, strides=2, name="attention_down2"),
            GatedConv(4 * c, name="attention_conv3"),
            GatedConv(4 * c, activation="relu", name="attention_conv4"),
        ]
        # float32 also under mixed precision: a softmax over ~1,000 patches at scale 10.
        self.attention = ContextualAttention(
            softmax_scale=10.0, rate=2, name="attention", dtype="float32"
        )
        self.attention_out_layers = [
            GatedConv(4 * c, name="attention_conv5"),
            GatedConv(4 * c, name="attention_conv6"),
        ]
        self.merge_layers = [
            GatedConv(4 * c, name="merge_conv1"),
            GatedConv(4 * c, name="merge_conv2"),
            *_output_layers(c, "merge", residual),
        ]

    def call(self, inputs: list[Any], training: bool | None = None) -> tuple[Any, Any]:
        del training  # no layer behaves differently in training
        image, mask = inputs
        mask = ops.cast(mask, image.dtype)
        ones = ops.ones_like(mask)
        coarse = self._to_image(
            _run(self.coarse_layers, ops.concatenate([image, ones, mask], -1)), image
        )
        # Stage 2 sees the coarse result only in the hole.
        pasted = coarse * mask + image * (1.0 - mask)
        stage2_in = ops.concatenate([pasted, ones, mask], axis=-1)
        hallucinated = _run(self.hallucination_layers, stage2_in)
        features = _run(self.attention_in_layers, stage2_in)
        mask_quarter = mask[:, ::4, ::4, :]  # nearest resize to the feature resolution
        features = self.attention([features, mask_quarter])
        features = _run(self.attention_out_layers, features)
        merged = ops.concatenate([hallucinated, features], axis=-1)
        refined = self._to_image(_run(self.merge_layers, merged), pasted)
        return coarse, refined

    def _to_image(self, raw: Any, stage_input: Any) -> Any:
        if self.residual:
            return ops.clip(stage_input + raw, -1.0, 1.0)
        return ops.tanh(raw)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cnum": self.cnum, "residual": self.residual}


@keras.saving.register_keras_serializable(package="decensor")
class SNPatchGANDiscriminator(keras.Model):
    """SN-PatchGAN: six 5x5 stride-2 spectral-norm convolutions with LeakyReLU(0.2).

    Call:
        inputs: ``[image (N, H, W, 3) in [-1, 1], mask (N, H, W, 1)]``.

    Returns:
        (N, H/64, W/64, 4*width) scores; every element is one GAN output (hinge loss).
    """

    def __init__(self, width: int = 64, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.width = width
        widths = [width, 2 * width, 4 * width, 4 * width, 4 * width, 4 * width]
        self.convs = [
            Conv(w, 5, strides=2, spectral_norm=True, name=f"conv{i + 1}")
            for i, w in enumerate(widths)
        ]

    def call(self, inputs: list[Any], training: bool | None = None) -> Any:
        image, mask = inputs
        x = ops.concatenate([image, ops.cast(mask, image.dtype)], axis=-1)
        for conv in self.convs:
            x = ops.leaky_relu(conv(x, training=training), negative_slope=0.2)
        return x

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "width": self.width}


def build_gated_conv(
    cnum: int = PAPER_WIDTH,
    size: int = 256,
    discriminator_width: int = 64,
    residual: bool = False,
) -> tuple[GatedConvGenerator, SNPatchGANDiscriminator]:
    """Generator and discriminator, built (weights created) for ``size`` x ``size`` inputs."""
    generator = GatedConvGenerator(cnum, residual=residual, name="generator")
    discriminator = SNPatchGANDiscriminator(discriminator_width, name="discriminator")
    image = ops.zeros((1, size, size, 3))
    mask = ops.zeros((1, size, size, 1))
    generator([image, mask])
    discriminator([image, mask])
    return generator, discriminator
