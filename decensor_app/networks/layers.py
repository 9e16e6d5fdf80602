"""Building blocks of the generators and discriminators, in ``keras.ops`` only.

Every layer here runs unchanged on Keras' TensorFlow and JAX backends. Tensors are NHWC.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import ops

# --- convolution with optional spectral normalisation -------------------------------------------


def _l2_normalize(x: Any, epsilon: float = 1e-12) -> Any:
    return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x)), epsilon))


@keras.saving.register_keras_serializable(package="decensor")
class Conv(keras.layers.Layer):
    """2-D convolution or transposed convolution, optionally spectrally normalised.

    Spectral normalisation (Miyato et al. 2018) divides the kernel by its largest singular value,
    estimated by one power iteration per training call. Unlike ``keras.layers.
    SpectralNormalization`` the kernel variable is never overwritten: W / sigma is computed in
    :meth:`call`, so gradients flow to the raw kernel and nothing replica-local is assigned under
    ``tf.distribute``. The power-iteration vector ``u`` is a non-trainable weight aggregated as
    "only first replica" (every replica computes the same value from mirrored weights).

    Args:
        filters: output channels.
        kernel_size: square kernel side.
        strides, dilation_rate: as in Keras.
        padding: ``"same"``, ``"valid"`` or ``"reflect"`` (mirror padding by
            ``dilation_rate * (kernel_size - 1) // 2``, then valid; odd kernels only).
        use_bias: add a bias.
        spectral_norm: normalise the kernel.
        transpose: transposed convolution (kernel stored as ``(k, k, filters, in)``).
        kernel_initializer: Keras initializer for the kernel.
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int,
        strides: int = 1,
        dilation_rate: int = 1,
        padding: str = "same",
        use_bias: bool = True,
        spectral_norm: bool = False,
        transpose: bool = False,
        kernel_initializer: Any = "glorot_uniform",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if padding not in ("same", "valid", "reflect"):
            raise ValueError(f"unknown padding {padding!r}")
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.dilation_rate = dilation_rate
        self.padding = padding
        self.use_bias = use_bias
        self.spectral_norm = spectral_norm
        self.transpose = transpose
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(f"{self.name} needs a known channel count")
        k = self.kernel_size
        shape = (k, k, self.filters, channels) if self.transpose else (k, k, channels, self.filters)
        self.kernel = self.add_weight(
            name="kernel", shape=shape, initializer=self.kernel_initializer
        )
        self.bias = (
            self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")
            if self.use_bias
            else None
        )
        if self.spectral_norm:
            self.u = self.add_weight(
                name="sn_u",
                shape=(1, shape[-1]),
                initializer=keras.initializers.RandomNormal(stddev=1.0),
                trainable=False,
                aggregation="only_first_replica",
            )

    def normalized_kernel(self, training: bool = False) -> Any:
        """The kernel divided by its spectral norm (the kernel itself without spectral norm)."""
        if not self.spectral_norm:
            return self.kernel
        kernel = ops.convert_to_tensor(self.kernel)
        matrix = ops.reshape(kernel, (-1, kernel.shape[-1]))  # (k*k*in, out) or (k*k*out, in)
        u = ops.convert_to_tensor(self.u)
        v = ops.stop_gradient(_l2_normalize(ops.matmul(u, ops.transpose(matrix))))
        u_new = ops.stop_gradient(_l2_normalize(ops.matmul(v, matrix)))
        sigma = ops.sum(ops.matmul(v, matrix) * u_new)
        if training:
            self.u.assign(ops.cast(u_new, self.u.dtype))
        return kernel / sigma

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        kernel = ops.cast(self.normalized_kernel(bool(training)), inputs.dtype)
        padding = self.padding
        if padding == "reflect":
            pad = self.dilation_rate * (self.kernel_size - 1) // 2
            inputs = ops.pad(inputs, [[0, 0], [pad, pad], [pad, pad], [0, 0]], mode="reflect")
            padding = "valid"
        if self.transpose:
            outputs = ops.conv_transpose(
                inputs, kernel, strides=self.strides, padding=padding,
                dilation_rate=self.dilation_rate,
            )  # fmt: skip
        else:
            outputs = ops.conv(
                inputs, kernel, strides=self.strides, padding=padding,
                dilation_rate=self.dilation_rate,
            )  # fmt: skip
        if self.bias is not None:
            outputs = outputs + ops.cast(self.bias, outputs.dtype)
        return outputs

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        batch, height, width, _ = input_shape

        def size(n: int | None) -> int | None:
            if n is None:
                return None
            if self.transpose:
                return n * self.strides
            if self.padding == "valid":
                return (n - self.dilation_rate * (self.kernel_size - 1) - 1) // self.strides + 1
            return -(-n // self.strides)

        return (batch, size(height), size(width), self.filters)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            filters=self.filters,
            kernel_size=self.kernel_size,
            strides=self.strides,
            dilation_rate=self.dilation_rate,
            padding=self.padding,
            use_bias=self.use_bias,
            spectral_norm=self.spectral_norm,
            transpose=self.transpose,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
        )
        return config


# --- gated convolution (DeepFill v2) --------------------------------------------------------


@keras.saving.register_keras_serializable(package="decensor")
class GatedConv(keras.layers.Layer):
    """Gated convolution: one conv of ``width`` outputs split in halves a, g; ELU(a) * sigmoid(g).

    A layer "of width c" therefore yields c / 2 features (the DeepFill v2 convention). With
    ``upsample`` the input is first doubled in size by nearest-neighbour repetition.

    Args:
        width: outputs of the convolution (features out = width // 2).
        kernel_size, strides, dilation_rate: of the convolution ("same" padding).
        activation: ``"elu"`` (default), ``"relu"`` or ``None`` for the feature half.
        upsample: x2 nearest upsampling before the convolution.
    """

    def __init__(
        self,
        width: int,
        kernel_size: int = 3,
        strides: int = 1,
        dilation_rate: int = 1,
        activation: str | None = "elu",
        upsample: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if width % 2:
            raise ValueError("a gated convolution's width must be even")
        self.width = width
        self.kernel_size = kernel_size
        self.strides = strides
        self.dilation_rate = dilation_rate
        self.activation = activation
        self.upsample = upsample
        # He initialisation: with Glorot's, ELU(a) * sigmoid(g) shrinks the signal about 2.5x per
        # layer, and the paper-width generator's output starts near 1e-6 (measured), which the
        # paper's learning rate barely moves in hundreds of steps.
        self.conv = Conv(
            width,
            kernel_size,
            strides=strides,
            dilation_rate=dilation_rate,
            kernel_initializer="he_uniform",
        )

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        self.conv.build(input_shape)

    def call(self, inputs: Any) -> Any:
        if self.upsample:
            inputs = ops.repeat(ops.repeat(inputs, 2, axis=1), 2, axis=2)
        features, gate = ops.split(self.conv(inputs), 2, axis=-1)
        if self.activation == "elu":
            # ELU through expm1: TensorFlow's bfloat16 Elu computes exp(x) - 1 in bfloat16 and
            # rounds small negative values to 0 (17 dB PSNR against float32 for the whole
            # generator; 47.5 dB with expm1, benchmarks/bench_networks.py). The minimum keeps
            # expm1 finite on the branch `where` discards: inf there makes its gradient NaN.
            features = ops.where(features > 0, features, ops.expm1(ops.minimum(features, 0.0)))
        elif self.activation == "relu":
            features = ops.relu(features)
        return features * ops.sigmoid(gate)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        batch, height, width, _ = input_shape
        factor = 2 if self.upsample else 1

        def size(n: int | None) -> int | None:
            return None if n is None else -(-(n * factor) // self.strides)

        return (batch, size(height), size(width), self.width // 2)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            width=self.width,
            kernel_size=self.kernel_size,
            strides=self.strides,
            dilation_rate=self.dilation_rate,
            activation=self.activation,
            upsample=self.upsample,
        )
        return config


# --- contextual attention -------------------------------------------------------------------


def _patches(x: Any, size: int, stride: int, pad_before: int, pad_after: int) -> Any:
    """All size x size patches of NHWC ``x``, zero padded: (N, H', W', size*size*C).

    Patch values are ordered (row, column, channel), the order the reconstruction uses.
    """
    height, width = x.shape[1], x.shape[2]
    padded = ops.pad(x, [[0, 0], [pad_before, pad_after], [pad_before, pad_after], [0, 0]])
    rows = (height + pad_before + pad_after - size) // stride + 1
    cols = (width + pad_before + pad_after - size) // stride + 1
    span_y, span_x = stride * (rows - 1) + 1, stride * (cols - 1) + 1
    pieces = [
        padded[:, dy : dy + span_y : stride, dx : dx + span_x : stride, :]
        for dy in range(size)
        for dx in range(size)
    ]
    return ops.concatenate(pieces, axis=-1)


def _fuse_diagonal(scores: Any) -> Any:
    """Add each score's two diagonal neighbours: a 3x3 identity convolution on the score map.

    ``scores`` is (N, P, Q): foreground position x background patch. Neighbouring foreground
    positions matched to neighbouring background patches reinforce each other.
    """
    padded = ops.pad(scores, [[0, 0], [1, 1], [1, 1]])
    return padded[:, :-2, :-2] + padded[:, 1:-1, 1:-1] + padded[:, 2:, 2:]


@keras.saving.register_keras_serializable(package="decensor")
class ContextualAttention(keras.layers.Layer):
    """DeepFill's contextual attention, with one mask per sample.

    Foreground features are matched (cosine similarity, 3x3 patches at half resolution) against
    background patches that do not touch the hole; the softmax of the fused scores weighs raw
    4x4 background patches pasted back with stride 2 (a transposed convolution, divided by 4).

    Args:
        softmax_scale: multiplies the scores before the softmax (10 in the paper).
        rate: downscaling for matching (2).
        fuse: apply the 3x3 identity fusion (in both spatial orders).

    Call:
        inputs: ``[features (N, H, W, C), mask (N, H, W, 1), 1 = hole]``; H, W divisible by rate.

    Returns:
        (N, H, W, C) features reconstructed from the background.
    """

    def __init__(
        self, softmax_scale: float = 10.0, rate: int = 2, fuse: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.softmax_scale = softmax_scale
        self.rate = rate
        self.fuse = fuse

    def call(self, inputs: list[Any]) -> Any:
        features, mask = inputs
        rate = self.rate
        height, width, channels = features.shape[1], features.shape[2], features.shape[3]
        small_h, small_w = height // rate, width // rate
        positions = small_h * small_w
        raw_size = 2 * rate  # raw patches for pasting: 4x4, stride 2, "same" padding
        pad_before = (raw_size - rate) // 2
        raw = _patches(features, raw_size, rate, pad_before, raw_size - rate - pad_before)
        raw = ops.reshape(raw, (-1, positions, raw_size * raw_size * channels))

        small = features[:, ::rate, ::rate, :]
        small_mask = ops.cast(mask[:, ::rate, ::rate, :], features.dtype)
        foreground = ops.reshape(_patches(small, 3, 1, 1, 1), (-1, positions, 9 * channels))
        background = foreground / ops.maximum(
            ops.sqrt(ops.sum(ops.square(foreground), axis=-1, keepdims=True)), 1e-4
        )
        # A background patch is usable only if no pixel of it is hole.
        touched = ops.reshape(
            ops.max(_patches(small_mask, 3, 1, 1, 1), axis=-1), (-1, 1, positions)
        )
        usable = 1.0 - touched

        scores = ops.einsum("npk,nqk->npq", foreground, background)
        if self.fuse:
            scores = _fuse_diagonal(scores)
            # The same fusion along the other spatial axis: swap rows and columns of both the
            # foreground and the background index, fuse, swap back.
            grid = (-1, small_h, small_w, small_h, small_w)
            swapped = ops.transpose(ops.reshape(scores, grid), (0, 2, 1, 4, 3))
            swapped = _fuse_diagonal(ops.reshape(swapped, (-1, positions, positions)))
            swapped = ops.reshape(swapped, (-1, small_w, small_h, small_w, small_h))
            scores = ops.reshape(
                ops.transpose(swapped, (0, 2, 1, 4, 3)), (-1, positions, positions)
            )
        scores = scores * usable
        attention = ops.softmax(scores * self.softmax_scale, axis=-1) * usable

        pasted = ops.einsum("npq,nqk->npk", attention, raw)  # (N, P, 4*4*C)
        pasted = ops.reshape(pasted, (-1, small_h, small_w, raw_size, raw_size, channels))
        return _fold(pasted, rate) / float((raw_size // rate) ** 2)

    def compute_output_shape(self, input_shapes: list[tuple[int | None, ...]]) -> tuple:
        return tuple(input_shapes[0])

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(softmax_scale=self.softmax_scale, rate=self.rate, fuse=self.fuse)
        return config


def _fold(patches: Any, stride: int) -> Any:
    """Overlap-add (N, h, w, k, k, C) patches placed every ``stride`` pixels ("same" padding).

    The inverse of :func:`_patches` with ``k = 2 * stride``: output (N, h*stride, w*stride, C).
    Built from reshapes and pads only (a transposed convolution with an identity kernel would
    cost a dense (k*k*C) x C kernel).
    """
    _, rows, cols, size, _, channels = patches.shape
    blocks = size // stride
    total = None
    for block_y in range(blocks):
        for block_x in range(blocks):
            part = patches[
                :, :, :,
                block_y * stride : (block_y + 1) * stride,
                block_x * stride : (block_x + 1) * stride,
                :,
            ]  # fmt: skip
            # depth-to-space: pixel (r*stride + dy, c*stride + dx) = part[r, c, dy, dx]
            part = ops.reshape(
                ops.transpose(part, (0, 1, 3, 2, 4, 5)),
                (-1, rows * stride, cols * stride, channels),
            )
            shift_y, shift_x = block_y * stride, block_x * stride
            extra = (blocks - 1) * stride
            part = ops.pad(
                part,
                [[0, 0], [shift_y, extra - shift_y], [shift_x, extra - shift_x], [0, 0]],
            )
            total = part if total is None else total + part
    assert total is not None  # blocks >= 1
    crop = (size - stride) // 2  # "same" padding of the patch extraction
    return total[:, crop : crop + rows * stride, crop : crop + cols * stride, :]


def count_parameters(model: keras.Model) -> int:
    """Trainable parameters of ``model`` (built)."""
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))
