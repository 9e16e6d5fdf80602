"""EdgeConnect (Nazeri et al., "EdgeConnect: Generative Image Inpainting with Adversarial Edge
Learning", ICCVW 2019): an edge generator, an inpainting generator, 70x70 PatchGANs.

``width`` is the first layer's channels (64 in the paper, about 10.8M parameters per generator).
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from decensor_app.architectures.edgeconnect import PAPER_WIDTH
from decensor_app.networks.layers import Conv

RESIDUAL_BLOCKS = 8


def _init() -> keras.initializers.Initializer:
    """EdgeConnect initialises every convolution from N(0, 0.02)."""
    return keras.initializers.RandomNormal(stddev=0.02)


def _instance_norm(name: str) -> keras.layers.Layer:
    """Instance normalisation without affine parameters (PyTorch's InstanceNorm2d default)."""
    return keras.layers.GroupNormalization(
        groups=-1, epsilon=1e-5, center=False, scale=False, name=name
    )


@keras.saving.register_keras_serializable(package="decensor")
class ResidualBlock(keras.layers.Layer):
    """x + IN(conv3x3(ReLU(IN(conv3x3 dilated 2 (x))))), reflection padded."""

    def __init__(self, channels: int, spectral_norm: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.channels = channels
        self.spectral_norm = spectral_norm
        options = {
            "padding": "reflect",
            "use_bias": not spectral_norm,
            "spectral_norm": spectral_norm,
            "kernel_initializer": _init(),
        }
        self.conv1 = Conv(channels, 3, dilation_rate=2, name="conv1", **options)
        self.norm1 = _instance_norm("norm1")
        self.conv2 = Conv(channels, 3, name="conv2", **options)
        self.norm2 = _instance_norm("norm2")

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        x = ops.relu(self.norm1(self.conv1(inputs, training=training)))
        return inputs + self.norm2(self.conv2(x, training=training))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "channels": self.channels,
            "spectral_norm": self.spectral_norm,
        }


class _EncoderDecoder(keras.Model):
    """The shared generator body: 7x7 in, two stride-2 downs, residual blocks, two ups, 7x7."""

    output_channels: int

    def __init__(self, width: int, spectral_norm: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.width = width
        sn: dict[str, Any] = {"spectral_norm": spectral_norm, "use_bias": not spectral_norm}
        init: dict[str, Any] = {"kernel_initializer": _init()}
        self.encoder = [
            (Conv(width, 7, padding="reflect", name="enc1", **sn, **init), _instance_norm("enc1n")),
            (Conv(2 * width, 4, strides=2, name="enc2", **sn, **init), _instance_norm("enc2n")),
            (Conv(4 * width, 4, strides=2, name="enc3", **sn, **init), _instance_norm("enc3n")),
        ]
        self.blocks = [
            ResidualBlock(4 * width, spectral_norm, name=f"res{i + 1}")
            for i in range(RESIDUAL_BLOCKS)
        ]
        self.decoder = [
            (Conv(2 * width, 4, strides=2, transpose=True, name="dec1", **sn, **init),
             _instance_norm("dec1n")),
            (Conv(width, 4, strides=2, transpose=True, name="dec2", **sn, **init),
             _instance_norm("dec2n")),
        ]  # fmt: skip
        # The last convolution is never spectrally normalised.
        self.head = Conv(self.output_channels, 7, padding="reflect", name="head", **init)

    def body(self, x: Any, training: bool | None) -> Any:
        for conv, norm in self.encoder:
            x = ops.relu(norm(conv(x, training=training)))
        for block in self.blocks:
            x = block(x, training=training)
        for conv, norm in self.decoder:
            x = ops.relu(norm(conv(x, training=training)))
        return self.head(x)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "width": self.width}


@keras.saving.register_keras_serializable(package="decensor")
class EdgeGenerator(_EncoderDecoder):
    """G1: predicts edges in the hole. Spectral norm on all but the last convolution.

    Call:
        inputs: ``[gray, edges, mask]``, each (N, H, W, 1): gray in [0, 1] and edges in {0, 1},
            both zero in the hole; mask 1 = hole. H, W divisible by 4.

    Returns:
        (N, H, W, 1) edge probability in [0, 1].
    """

    output_channels = 1

    def __init__(self, width: int = PAPER_WIDTH, **kwargs: Any) -> None:
        super().__init__(width, spectral_norm=True, **kwargs)

    def call(self, inputs: list[Any], training: bool | None = None) -> Any:
        gray, edges, mask = inputs
        x = ops.concatenate([gray, edges, ops.cast(mask, gray.dtype)], axis=-1)
        return ops.sigmoid(self.body(x, training))


@keras.saving.register_keras_serializable(package="decensor")
class InpaintGenerator(_EncoderDecoder):
    """G2: paints the hole guided by an edge map. No spectral norm.

    Call:
        inputs: ``[image, edges]``: image (N, H, W, 3) in [0, 1] with the hole zeroed (or the
            mosaic in it); edges (N, H, W, 1): real edges outside the hole, G1's inside.

    Returns:
        (N, H, W, 3) in [0, 1].
    """

    output_channels = 3

    def __init__(self, width: int = PAPER_WIDTH, **kwargs: Any) -> None:
        super().__init__(width, spectral_norm=False, **kwargs)

    def call(self, inputs: list[Any], training: bool | None = None) -> Any:
        image, edges = inputs
        x = ops.concatenate([image, edges], axis=-1)
        return (ops.tanh(self.body(x, training)) + 1.0) / 2.0


@keras.saving.register_keras_serializable(package="decensor")
class PatchGANDiscriminator(keras.Model):
    """70x70 PatchGAN with spectral norm: 4x4 convs 64, 128, 256 (stride 2), 512, 1 (stride 1).

    Call:
        inputs: (N, H, W, C) (edge discriminator: edges + gray; inpainting: RGB in [0, 1]).

    Returns:
        ``(logits, features)``: logits (N, H/8 - 2, W/8 - 2, 1) before the sigmoid, and the five
        layers' outputs for the feature-matching loss.
    """

    def __init__(self, width: int = PAPER_WIDTH, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.width = width
        spec = [(width, 2), (2 * width, 2), (4 * width, 2), (8 * width, 1), (1, 1)]
        self.convs = [
            Conv(filters, 4, strides=stride, padding="valid", use_bias=False,
                 spectral_norm=True, kernel_initializer=_init(), name=f"conv{i + 1}")
            for i, (filters, stride) in enumerate(spec)
        ]  # fmt: skip

    def call(self, inputs: Any, training: bool | None = None) -> tuple[Any, list[Any]]:
        features = []
        x = inputs
        for index, conv in enumerate(self.convs):
            # PyTorch's padding=1 on every 4x4 convolution.
            x = conv(ops.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), training=training)
            if index < len(self.convs) - 1:
                x = ops.leaky_relu(x, negative_slope=0.2)
            features.append(x)
        return x, features

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "width": self.width}


@keras.saving.register_keras_serializable(package="decensor")
class EdgeConnect(keras.Model):
    """Both generators in one model, so one weights file holds the whole inpainting pipeline.

    Call:
        inputs: ``[image, gray, edges, mask]``: image (N, H, W, 3) in [0, 1], gray (N, H, W, 1)
            in [0, 1], edges (N, H, W, 1) in {0, 1}, all zero in the hole; mask 1 = hole.

    Returns:
        ``(edges_full, restored)``: the edge map (real outside, predicted inside) and the RGB
        output in [0, 1].
    """

    def __init__(self, width: int = PAPER_WIDTH, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.width = width
        self.edge_generator = EdgeGenerator(width, name="edge_generator")
        self.inpaint_generator = InpaintGenerator(width, name="inpaint_generator")

    def call(self, inputs: list[Any], training: bool | None = None) -> tuple[Any, Any]:
        image, gray, edges, mask = inputs
        mask = ops.cast(mask, image.dtype)
        predicted = self.edge_generator([gray, edges, mask], training=training)
        edges_full = edges * (1.0 - mask) + predicted * mask
        return edges_full, self.inpaint_generator([image, edges_full], training=training)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "width": self.width}


def build_edgeconnect(
    width: int = PAPER_WIDTH, size: int = 256
) -> tuple[EdgeConnect, PatchGANDiscriminator, PatchGANDiscriminator]:
    """(generators, edge discriminator, inpainting discriminator), built for size x size."""
    model = EdgeConnect(width, name="edgeconnect")
    edge_discriminator = PatchGANDiscriminator(width, name="edge_discriminator")
    inpaint_discriminator = PatchGANDiscriminator(width, name="inpaint_discriminator")
    one = ops.zeros((1, size, size, 1))
    rgb = ops.zeros((1, size, size, 3))
    model([rgb, one, one, one])
    edge_discriminator(ops.concatenate([one, one], axis=-1))
    inpaint_discriminator(rgb)
    return model, edge_discriminator, inpaint_discriminator
