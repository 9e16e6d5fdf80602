"""The generators and discriminators: sizes, shapes, gradients, spectral norm, attention, saving."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
tf = pytest.importorskip("tensorflow")
import keras  # noqa: E402

from decensor_app.networks.edgeconnect import build_edgeconnect  # noqa: E402
from decensor_app.networks.gated_conv import GatedConvGenerator, build_gated_conv  # noqa: E402
from decensor_app.networks.layers import ContextualAttention, Conv  # noqa: E402
from decensor_app.trainer.describe import describe  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SIZE = 64


def _batch(size: int = SIZE, count: int = 2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(image in [-1, 1] with the hole zeroed, mask with 1 = hole), different per sample."""
    rng = np.random.default_rng(seed)
    image = rng.uniform(-1, 1, (count, size, size, 3)).astype(np.float32)
    mask = np.zeros((count, size, size, 1), np.float32)
    for index in range(count):
        top, left = rng.integers(0, size // 2, 2)
        mask[index, top : top + size // 3, left : left + size // 4] = 1
    return image * (1 - mask), mask


@pytest.mark.slow
def test_parameter_counts_at_paper_width_are_within_three_percent_of_the_papers() -> None:
    gated = describe("gated-conv")["parameters"]
    edge = describe("edgeconnect")["parameters"]
    assert gated["generator"] == pytest.approx(4.05e6, rel=0.03)
    assert gated["discriminator"] == pytest.approx(5.95e6, rel=0.03)
    assert edge["edge_generator"] == pytest.approx(10.8e6, rel=0.03)
    assert edge["inpaint_generator"] == pytest.approx(10.8e6, rel=0.03)


@pytest.mark.slow
def test_describe_command_prints_the_counts_as_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "decensor_app.trainer", "describe", "--arch", "edgeconnect",
         "--width", "8", "--json"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["arch"] == "edgeconnect" and report["width"] == 8
    assert set(report["parameters"]) == {
        "edge_generator", "inpaint_generator", "edge_discriminator", "inpaint_discriminator"
    }  # fmt: skip
    assert all(count > 0 for count in report["parameters"].values())


def test_gated_conv_shapes_and_value_ranges() -> None:
    generator, discriminator = build_gated_conv(8, SIZE, discriminator_width=8)
    image, mask = _batch()
    coarse, refined = generator([image, mask])
    for output in (coarse, refined):
        assert output.shape == (2, SIZE, SIZE, 3)
        assert float(np.min(output)) >= -1.0 and float(np.max(output)) <= 1.0
    scores = discriminator([refined, mask])
    assert scores.shape == (2, SIZE // 64, SIZE // 64, 32)


@pytest.mark.slow
def test_edgeconnect_shapes_and_value_ranges() -> None:
    model, edge_d, inpaint_d = build_edgeconnect(8, SIZE)
    image, mask = _batch()
    rgb = (image + 1) / 2
    gray = rgb.mean(axis=-1, keepdims=True)
    edges = (np.random.default_rng(1).random(gray.shape) > 0.9).astype(np.float32) * (1 - mask)
    edges_full, restored = model([rgb, gray, edges, mask])
    assert edges_full.shape == (2, SIZE, SIZE, 1) and restored.shape == (2, SIZE, SIZE, 3)
    for output in (edges_full, restored):
        assert float(np.min(output)) >= 0.0 and float(np.max(output)) <= 1.0
    # Outside the hole the edge map is the real one.
    assert np.array_equal(np.asarray(edges_full)[mask == 0], edges[mask == 0])
    logits, features = inpaint_d(restored)
    assert logits.shape == (2, SIZE // 8 - 2, SIZE // 8 - 2, 1) and len(features) == 5
    assert edge_d(np.concatenate([edges, gray], axis=-1))[0].shape == logits.shape


def _gradients(model: keras.Model, loss_fn) -> list:
    with tf.GradientTape() as tape:
        loss = loss_fn()
    return tape.gradient(loss, model.trainable_weights)


def _assert_every_weight_gets_gradient(model: keras.Model, loss_fn) -> None:
    gradients = _gradients(model, loss_fn)
    starved = [
        weight.path
        for weight, gradient in zip(model.trainable_weights, gradients, strict=True)
        if gradient is None or not np.any(np.asarray(gradient))
    ]
    assert not starved, f"no gradient reaches {starved}"


@pytest.mark.slow
def test_gradients_reach_every_trainable_weight() -> None:
    generator, discriminator = build_gated_conv(8, SIZE, discriminator_width=8)
    image, mask = _batch()

    def generator_loss():
        coarse, refined = generator([image, mask])
        return tf.reduce_mean(tf.abs(coarse)) + tf.reduce_mean(tf.square(refined - 0.3))

    _assert_every_weight_gets_gradient(generator, generator_loss)
    _assert_every_weight_gets_gradient(
        discriminator, lambda: tf.reduce_mean(discriminator([image, mask], training=True))
    )
    model, edge_d, inpaint_d = build_edgeconnect(8, SIZE)
    rgb, gray = (image + 1) / 2, (image[..., :1] + 1) / 2
    _assert_every_weight_gets_gradient(
        model, lambda: tf.reduce_mean(tf.square(model([rgb, gray, gray * 0, mask])[1] - 0.3))
    )
    _assert_every_weight_gets_gradient(
        inpaint_d, lambda: tf.reduce_mean(inpaint_d(rgb, training=True)[0])
    )
    _assert_every_weight_gets_gradient(
        edge_d, lambda: tf.reduce_mean(edge_d(rgb[..., :2], training=True)[0])
    )


def test_gated_activation_has_finite_gradients_for_large_inputs() -> None:
    """ELU goes through expm1 (exact in bfloat16); large positive inputs must not overflow
    the discarded branch into NaN gradients."""
    from decensor_app.networks.layers import GatedConv

    layer = GatedConv(8)
    x = tf.constant(np.linspace(-200, 200, 2 * 4 * 4 * 3, dtype=np.float32).reshape(2, 4, 4, 3))
    layer(x)
    layer.conv.kernel.assign(np.full(layer.conv.kernel.shape, 5.0, np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x))
    gradients = tape.gradient(loss, [x, *layer.trainable_weights])
    assert all(np.isfinite(np.asarray(g)).all() for g in gradients)


@pytest.mark.slow
def test_spectral_norm_of_each_normalised_kernel_is_one_after_power_iterations() -> None:
    keras.utils.set_random_seed(3)
    _, discriminator = build_gated_conv(8, SIZE, discriminator_width=8)
    _, edge_d, _ = build_edgeconnect(8, SIZE)
    image, mask = _batch()
    for _ in range(40):
        discriminator([image, mask], training=True)
        edge_d(image[..., :2], training=True)
    layers = [*discriminator.convs, *edge_d.convs]
    for layer in layers:
        kernel_before = np.array(layer.kernel)
        normalised = np.asarray(layer.normalized_kernel())
        matrix = normalised.reshape(-1, normalised.shape[-1])
        assert np.linalg.svd(matrix, compute_uv=False)[0] == pytest.approx(1.0, rel=0.02)
        assert np.array_equal(np.array(layer.kernel), kernel_before)  # never overwritten
    # Without training calls u stays put: inference does not change state.
    u_before = np.array(layers[0].u)
    discriminator([image, mask], training=False)
    assert np.array_equal(np.array(layers[0].u), u_before)


def test_spectral_norm_also_normalises_transposed_convolutions() -> None:
    layer = Conv(6, 4, strides=2, transpose=True, spectral_norm=True)
    layer.build((None, 8, 8, 5))
    for _ in range(40):
        layer(np.ones((1, 8, 8, 5), np.float32), training=True)
    matrix = np.asarray(layer.normalized_kernel()).reshape(-1, 5)
    assert np.linalg.svd(matrix, compute_uv=False)[0] == pytest.approx(1.0, rel=0.02)


def test_contextual_attention_fills_a_hole_from_where_its_content_appears() -> None:
    """The hole's true content appears verbatim elsewhere: attention must copy it from there."""
    rng = np.random.default_rng(0)
    features = rng.normal(size=(1, 32, 32, 16)).astype(np.float32)
    features[0, 18:30, 18:30] = features[0, 2:14, 2:14]  # the copy, 16 px away
    mask = np.zeros((1, 32, 32, 1), np.float32)
    mask[0, 20:28, 20:28] = 1
    # A second sample with a different hole shows the mask is per sample.
    features = np.concatenate([features, features])
    mask = np.concatenate([mask, np.roll(mask, -14, axis=(1, 2))])
    output = np.asarray(ContextualAttention()([features, mask]))
    hole_interior = (0, slice(22, 26), slice(22, 26))
    copied = output[hole_interior]
    assert np.abs(copied - features[0, 6:10, 6:10]).mean() < 0.1 * np.abs(features).mean()
    # In the second sample the first sample's hole is background: it reconstructs itself.
    other = output[1, 22:26, 22:26]
    assert np.abs(other - features[1, 22:26, 22:26]).mean() < 0.1 * np.abs(features).mean()


def test_a_residual_generator_starts_at_its_input_and_learns_corrections() -> None:
    keras.utils.set_random_seed(3)
    image, mask = _batch()
    prefilled = np.where(mask > 0, 0.25, image).astype(np.float32)  # a "classical" fill
    generator = GatedConvGenerator(8, residual=True)
    coarse, refined = generator([prefilled, mask])
    assert np.array_equal(np.asarray(coarse), prefilled)
    assert np.array_equal(np.asarray(refined), prefilled)
    with tf.GradientTape() as tape:
        _, refined = generator([prefilled, mask])
        loss = tf.reduce_mean(tf.abs(refined - image))
    gradients = dict(
        zip([w.path for w in generator.trainable_weights],
            tape.gradient(loss, generator.trainable_weights), strict=True)
    )  # fmt: skip
    to_rgb = [path for path in gradients if "merge_to_rgb" in path and "kernel" in path]
    assert to_rgb and float(tf.reduce_max(tf.abs(gradients[to_rgb[0]]))) > 0
    assert GatedConvGenerator.from_config(generator.get_config()).residual


@pytest.mark.slow
def test_save_and_load_round_trip_gives_identical_outputs(tmp_path: Path) -> None:
    keras.utils.set_random_seed(1)
    image, mask = _batch()
    generator = GatedConvGenerator(8)
    expected = generator([image, mask])[1]
    generator.save_weights(tmp_path / "g.weights.h5")
    keras.utils.set_random_seed(2)
    loaded = GatedConvGenerator(8)
    loaded([image, mask])
    assert not np.array_equal(np.asarray(loaded([image, mask])[1]), np.asarray(expected))
    loaded.load_weights(tmp_path / "g.weights.h5")
    assert np.array_equal(np.asarray(loaded([image, mask])[1]), np.asarray(expected))

    model, _, _ = build_edgeconnect(8, SIZE)
    rgb, gray = (image + 1) / 2, (image[..., :1] + 1) / 2
    expected = model([rgb, gray, gray * 0, mask])[1]
    model.save_weights(tmp_path / "e.weights.h5")
    fresh, _, _ = build_edgeconnect(8, SIZE)
    fresh.load_weights(tmp_path / "e.weights.h5")
    assert np.array_equal(np.asarray(fresh([rgb, gray, gray * 0, mask])[1]), np.asarray(expected))


@pytest.mark.slow  # about 90 s of training on 2 cores
def test_a_small_generator_overfits_one_batch() -> None:
    """Proof the network can learn: 300 steps on one batch halve its L1 error."""
    import cv2

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    truth = np.stack(
        [cv2.GaussianBlur(rng.uniform(-1, 1, (SIZE, SIZE, 3)).astype(np.float32), (0, 0), 3) * 3
         for _ in range(4)]
    ).clip(-1, 1)  # fmt: skip
    mask = np.zeros((4, SIZE, SIZE, 1), np.float32)
    mask[:, 20:44, 16:40] = 1
    image = truth * (1 - mask)
    generator = GatedConvGenerator(8)
    generator([image, mask])
    optimizer = keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.999)

    def l1() -> float:
        _, refined = generator([image, mask])
        return float(np.abs(np.asarray(refined) - truth).mean())

    @tf.function
    def step() -> None:
        with tf.GradientTape() as tape:
            coarse, refined = generator([image, mask])
            loss = tf.reduce_mean(tf.abs(truth - coarse)) + tf.reduce_mean(tf.abs(truth - refined))
        gradients = tape.gradient(loss, generator.trainable_weights)
        optimizer.apply_gradients(zip(gradients, generator.trainable_weights, strict=True))

    before = l1()
    for _ in range(300):
        step()
    assert l1() <= 0.5 * before


JAX_FORWARD = """
import numpy as np
import keras
assert keras.backend.backend() == "jax"
from decensor_app.networks.gated_conv import build_gated_conv
from decensor_app.networks.edgeconnect import build_edgeconnect
image = np.zeros((2, 64, 64, 3), np.float32)
mask = np.zeros((2, 64, 64, 1), np.float32)
mask[0, 10:30, 10:30] = 1
mask[1, 30:50, 20:40] = 1
generator, discriminator = build_gated_conv(8, 64, discriminator_width=8)
coarse, refined = generator([image, mask])
assert refined.shape == (2, 64, 64, 3)
assert discriminator([refined, mask], training=True).shape == (2, 1, 1, 32)
model, edge_d, inpaint_d = build_edgeconnect(8, 64)
edges, restored = model([image, mask, mask * 0, mask])
assert restored.shape == (2, 64, 64, 3) and edges.shape == (2, 64, 64, 1)
from decensor_app import architectures
from decensor_app.engines.base import EngineInput
from decensor_app.mosaic import MosaicGrid, pixelate
picture = (np.indices((64, 64)).sum(0)[..., None] * np.array([1, 2, 3]) % 256).astype(np.uint8)
hole = mask[0, ..., 0] > 0
patch = EngineInput(np.where(hole[..., None], 0, picture).astype(np.uint8), hole)
mosaic_patch = EngineInput(patch.image, hole, pixelate(picture, MosaicGrid(8)), MosaicGrid(8))
for name in ("mosaic-sr", "fourier-bar"):
    spec = architectures.get(name)
    network = spec.build_inference({"width": 8, "blocks": 2}, 64)
    inputs = spec.encode([mosaic_patch if name == "mosaic-sr" else patch], {})
    assert spec.decode(network(inputs), [patch], {})[0].shape == (64, 64, 3), name
print("jax forward ok")
"""


@pytest.mark.slow  # a fresh process on Keras' JAX backend (about 150 s)
def test_every_generator_runs_forward_on_the_jax_backend() -> None:
    pytest.importorskip("jax")
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    result = subprocess.run(
        [sys.executable, "-c", JAX_FORWARD], capture_output=True, text=True, timeout=600,
        env=env, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "jax forward ok" in result.stdout


def test_a_spectral_transform_mixes_every_position_with_every_other() -> None:
    """A change in one corner reaches the opposite corner in one spectral transform (and so
    through the Fourier bar network), which no stack of a few 3x3 convolutions does."""
    from decensor_app.networks.fourier_bar import FourierBar, SpectralTransform

    size = 64
    rng = np.random.default_rng(0)

    def far_corner_change(layer: keras.layers.Layer, channels: int, *extra: np.ndarray) -> float:
        x = rng.uniform(-1, 1, (1, size, size, channels)).astype(np.float32)
        moved = x.copy()
        moved[0, :4, :4] += 1.0
        layer([x, *extra] if extra else x)
        for weight in layer.weights:  # zero-initialised output layers would hide everything
            weight.assign(rng.normal(0, 0.2, weight.shape).astype(np.float32))
        before = np.asarray(layer([x, *extra] if extra else x))
        after = np.asarray(layer([moved, *extra] if extra else moved))
        return float(np.abs(after - before)[0, -8:, -8:].max())

    assert far_corner_change(SpectralTransform(8), 8) > 1e-3
    convolutions = keras.Sequential([keras.layers.Conv2D(8, 3, padding="same") for _ in range(4)])
    assert far_corner_change(convolutions, 8) == 0.0
    network = FourierBar(width=8, blocks=2)
    assert far_corner_change(network, 4, np.zeros((1, size, size, 3), np.float32)) > 1e-3


def test_the_spectral_transform_is_fft2_through_pointwise_convolutions() -> None:
    """The DFT-by-matrices inside SpectralTransform equals NumPy's FFT: the layer computes
    x + expand(real(ifft2(frequency([Re, Im] of fft2(reduce(x)))))) on a non-square patch."""
    from decensor_app.networks.fourier_bar import SpectralTransform

    rng = np.random.default_rng(3)
    layer = SpectralTransform(8)
    x = rng.uniform(-1, 1, (2, 12, 20, 8)).astype(np.float32)
    layer(x)
    for weight in layer.weights:
        weight.assign(rng.normal(0, 0.3, weight.shape).astype(np.float32))

    def conv1x1(conv: keras.layers.Conv2D, planes: np.ndarray) -> np.ndarray:
        kernel, bias = (np.asarray(w) for w in conv.weights)
        out = planes @ kernel[0, 0] + bias
        return np.maximum(out, 0) if conv.activation is keras.activations.relu else out

    spectrum = np.fft.fft2(conv1x1(layer.reduce, x), axes=(1, 2))
    mixed = conv1x1(layer.frequency, np.concatenate([spectrum.real, spectrum.imag], axis=-1))
    hidden = mixed.shape[-1] // 2
    back = np.fft.ifft2(mixed[..., :hidden] + 1j * mixed[..., hidden:], axes=(1, 2)).real
    expected = x + conv1x1(layer.expand, back)
    np.testing.assert_allclose(np.asarray(layer(x)), expected, atol=2e-4)
