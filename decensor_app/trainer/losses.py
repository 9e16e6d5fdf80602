"""GAN and reconstruction losses in ``keras.ops`` (the same on TensorFlow and JAX).

Every function returns one value *per example* (shape (B,)): the training step averages them
over the global batch, so that losses and gradients are the same however the batch is split
across replicas.
"""

from __future__ import annotations

from typing import Any

from keras import ops


def _per_example_mean(x: Any) -> Any:
    return ops.mean(ops.reshape(x, (ops.shape(x)[0], -1)), axis=1)


def l1(prediction: Any, target: Any) -> Any:
    """Mean absolute error per example."""
    return _per_example_mean(ops.abs(_difference(prediction, target)))


def hole_l1(prediction: Any, target: Any, mask: Any) -> Any:
    """Mean absolute error over the hole (mask (B, H, W, 1), 1 = hole) per example."""
    return _hole_mean(ops.abs(_difference(prediction, target)), mask)


def hole_l2(prediction: Any, target: Any, mask: Any) -> Any:
    """Mean squared error over the hole (mask (B, H, W, 1), 1 = hole) per example."""
    return _hole_mean(ops.square(_difference(prediction, target)), mask)


def _difference(prediction: Any, target: Any) -> Any:
    return ops.cast(prediction, "float32") - ops.cast(target, "float32")


def _hole_mean(error: Any, mask: Any) -> Any:
    mask = ops.cast(mask, "float32")
    per_example = ops.sum(ops.reshape(error * mask, (ops.shape(error)[0], -1)), axis=1)
    holes = ops.sum(ops.reshape(mask, (ops.shape(mask)[0], -1)), axis=1) * ops.cast(
        ops.shape(error)[-1], "float32"
    )
    return per_example / ops.maximum(holes, 1.0)


def gated_conv_reconstruction(
    coarse: Any, refined: Any, truth: Any, mask: Any, residual: bool, kind: str = "l1"
) -> Any:
    """The generator's reconstruction loss per example: L1 (or L2) of both stages.

    The paper's generator is scored with L1 over the whole patch (it also redraws the known
    pixels). A residual generator starts from a restoration whose known pixels are already
    exact, and only its hole is used; scoring the known pixels too mostly teaches it to change
    nothing, which held its loss flat for the first 600 steps (measured), so it is scored on
    the hole. ``kind="l2"`` (residual only) scores the squared error, whose optimum is the
    conditional mean, the prediction with the best PSNR where the content is uncertain; alone
    it leaves faint noise in flat areas (cheap in squared error, costly in SSIM: measured, hole
    SSIM below Telea's at +0.8 dB PSNR), which ``"l1+l2"`` adds L1's constant pull against.
    """
    if not residual:
        return l1(coarse, truth) + l1(refined, truth)
    total = None
    for name, hole_loss in (("l1", hole_l1), ("l2", hole_l2)):
        if name in kind.split("+"):
            term = hole_loss(coarse, truth, mask) + hole_loss(refined, truth, mask)
            total = term if total is None else total + term
    if total is None:
        raise ValueError(f"unknown reconstruction loss {kind!r} (l1, l2 or l1+l2)")
    return total


def hinge_discriminator(real: Any, fake: Any) -> Any:
    """SN-PatchGAN's discriminator hinge loss per example:
    0.5 mean(relu(1 - D(real))) + 0.5 mean(relu(1 + D(fake)))."""
    real, fake = ops.cast(real, "float32"), ops.cast(fake, "float32")
    return 0.5 * _per_example_mean(ops.relu(1.0 - real)) + 0.5 * _per_example_mean(
        ops.relu(1.0 + fake)
    )


def hinge_generator(fake: Any) -> Any:
    """-mean(D(fake)) per example."""
    return -_per_example_mean(ops.cast(fake, "float32"))


def binary_cross_entropy(logits: Any, target: float) -> Any:
    """EdgeConnect's "nsgan" loss: sigmoid cross-entropy against a constant label, per example."""
    logits = ops.cast(logits, "float32")
    labels = ops.full_like(logits, target)
    return _per_example_mean(ops.binary_crossentropy(labels, logits, from_logits=True))


def feature_matching(real_features: list[Any], fake_features: list[Any]) -> Any:
    """Sum over discriminator layers of the mean L1 distance between real and fake features."""
    total = None
    for real, fake in zip(real_features, fake_features, strict=True):
        term = l1(ops.stop_gradient(real), fake)
        total = term if total is None else total + term
    return total


def gram(features: Any) -> Any:
    """Gram matrices (B, C, C) of (B, H, W, C) features, normalised by H*W*C."""
    shape = ops.shape(features)
    flat = ops.reshape(features, (shape[0], -1, shape[3]))
    return ops.einsum("bnc,bnd->bcd", flat, flat) / ops.cast(
        shape[1] * shape[2] * shape[3], "float32"
    )


def perceptual_and_style(real_features: list[Any], fake_features: list[Any]) -> tuple[Any, Any]:
    """EdgeConnect's perceptual loss (L1 of VGG19 relu1_1..relu5_1) and style loss (L1 of Gram
    matrices of relu2_2, relu3_4, relu4_4, relu5_2, approximated here by the same five
    layers' Gram matrices), per example."""
    perceptual = None
    style = None
    for real, fake in zip(real_features, fake_features, strict=True):
        p = l1(ops.stop_gradient(real), fake)
        s = l1(ops.stop_gradient(gram(real)), gram(fake))
        perceptual = p if perceptual is None else perceptual + p
        style = s if style is None else style + s
    return perceptual, style
