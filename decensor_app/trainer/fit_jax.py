"""Gated-conv GAN training on Keras' JAX backend (machines with JAX and no TensorFlow).

Same networks, losses, optimiser settings, batches and checkpoints as the TensorFlow trainer;
the step is a jitted pure function of the variables (``stateless_call``, ``jax.vjp`` for the two
losses from one forward pass, ``stateless_apply``). TensorBoard needs TensorFlow or tensorboard;
without them only RUN/log.jsonl is written. One device (data parallelism over several GPUs is
left to the TensorFlow trainer's MirroredStrategy).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ["KERAS_BACKEND"] = "jax"

import jax
import keras
from keras import ops

from decensor_app import architectures
from decensor_app.networks.gated_conv import build_gated_conv
from decensor_app.trainer import losses
from decensor_app.trainer.data import BatchSource
from decensor_app.trainer.run import (
    FitConfig,
    ProgressLine,
    RunDir,
    check_finite,
    gan_checkpoint_groups,
    warm_start,
)


def _precision(config: FitConfig) -> str:
    if config.precision != "auto":
        return config.precision
    return "mixed_bfloat16" if any(d.platform != "cpu" for d in jax.devices()) else "float32"


class JaxGatedConvTrainer:
    """Networks, optimisers and the jitted step."""

    def __init__(self, config: FitConfig) -> None:
        self.config = config
        self.width = config.width or architectures.get(config.arch).paper_width
        self.generator, self.discriminator = build_gated_conv(
            self.width, config.size, config.discriminator_width, residual=config.prefill
        )
        self.g_optimizer = keras.optimizers.Adam(config.learning_rate, beta_1=0.5, beta_2=0.999)
        self.d_optimizer = keras.optimizers.Adam(config.learning_rate, beta_1=0.5, beta_2=0.999)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self._step = jax.jit(self._pure_step)

    def groups(self) -> dict[str, list[Any]]:
        return gan_checkpoint_groups(
            self.generator, self.discriminator, self.g_optimizer, self.d_optimizer
        )

    def _state(self) -> tuple[list[Any], ...]:
        g, d = self.generator, self.discriminator
        return (
            [v.value for v in g.trainable_variables],
            [v.value for v in g.non_trainable_variables],
            [v.value for v in d.trainable_variables],
            [v.value for v in d.non_trainable_variables],
            [v.value for v in self.g_optimizer.variables],
            [v.value for v in self.d_optimizer.variables],
        )

    def _pure_step(
        self, state: tuple[list[Any], ...], image: Any, mask: Any, truth: Any
    ) -> tuple[tuple[list[Any], ...], dict[str, Any]]:
        g_train, g_fixed, d_train, d_fixed, g_opt, d_opt = state
        gan_weight = self.config.gan_weight

        def forward(g_t: list[Any], d_t: list[Any]) -> tuple[tuple[Any, Any], Any]:
            (coarse, refined), g_new = self.generator.stateless_call(
                g_t, g_fixed, [image, mask], training=True
            )
            coarse, refined = ops.cast(coarse, "float32"), ops.cast(refined, "float32")
            completed = refined * mask + truth * (1.0 - mask)
            scores, d_new = self.discriminator.stateless_call(
                d_t, d_fixed,
                [ops.concatenate([truth, completed], 0), ops.concatenate([mask, mask], 0)],
                training=True,
            )  # fmt: skip
            real, fake = ops.split(ops.cast(scores, "float32"), 2, axis=0)
            reconstruction = losses.gated_conv_reconstruction(
                coarse, refined, truth, mask, self.config.prefill, self.config.reconstruction
            )
            adversarial = losses.hinge_generator(fake)
            g_loss = ops.mean(reconstruction + gan_weight * adversarial)
            d_loss = ops.mean(losses.hinge_discriminator(real, fake))
            aux = (g_new, d_new, ops.mean(reconstruction), ops.mean(adversarial))
            return (g_loss, d_loss), aux

        (g_loss, d_loss), pullback, aux = jax.vjp(forward, g_train, d_train, has_aux=True)
        g_grads, _ = pullback((1.0, 0.0))
        _, d_grads = pullback((0.0, 1.0))
        g_new, d_new, reconstruction, adversarial = aux
        g_train, g_opt = self.g_optimizer.stateless_apply(g_opt, g_grads, g_train)
        d_train, d_opt = self.d_optimizer.stateless_apply(d_opt, d_grads, d_train)
        metrics = {"g_loss": g_loss, "d_loss": d_loss, "l1": reconstruction, "g_adv": adversarial}
        return (g_train, g_new, d_train, d_new, g_opt, d_opt), metrics

    def _store(self, state: tuple[list[Any], ...]) -> None:
        g, d = self.generator, self.discriminator
        targets = (
            g.trainable_variables, g.non_trainable_variables,
            d.trainable_variables, d.non_trainable_variables,
            self.g_optimizer.variables, self.d_optimizer.variables,
        )  # fmt: skip
        for variables, values in zip(targets, state, strict=True):
            for variable, value in zip(variables, values, strict=True):
                variable.assign(value)

    def train(self, batches: Any, on_step: Callable[[int, dict[str, float]], None]) -> None:
        """Run the steps of ``batches`` ((step, Batch) pairs), keeping state on the device and
        writing it back into the Keras variables before every ``on_step`` that checkpoints."""
        state = self._state()
        for step, batch in batches:
            image, mask = batch.inputs
            state, metrics = self._step(state, image, mask, batch.truth * 2.0 - 1.0)
            self._store(state)
            on_step(step, {k: float(v) for k, v in metrics.items()})


def fit(config: FitConfig, log: Callable[[str], None] = print) -> dict[str, float]:
    """Train (or resume) the gated-conv run in ``config.out`` up to ``config.steps``."""
    trainer_class = architectures.get(config.arch).trainer_class("jax")
    run = RunDir(Path(config.out))
    config = run.prepare(config, log)
    keras.utils.set_random_seed(config.seed)
    policy = _precision(config)
    keras.mixed_precision.set_global_policy(policy)
    trainer = trainer_class(config)
    start = run.resume(trainer.groups(), log) or warm_start(run, config, trainer.groups(), log)
    devices = ", ".join(sorted({d.platform for d in jax.devices()}))
    log(
        f"training {config.arch} ({config.censor}) width {trainer.width}, {config.size}px, batch "
        f"{config.batch} on JAX ({devices}), {policy}"
    )
    source = BatchSource.for_training(config, log)
    progress = ProgressLine(start, config.steps)
    last: dict[str, float] = {}

    def on_step(step: int, values: dict[str, float]) -> None:
        done = step + 1
        check_finite(done, values)
        last.update(values)
        if done % config.log_every == 0 or done == config.steps:
            run.log({"step": done, "phase": "gan", **values,
                     "learning_rate": config.learning_rate, "time": time.time()})  # fmt: skip
        if done % config.checkpoint_every == 0 or done == config.steps:
            run.save_checkpoint(done, trainer.groups(), config.keep_checkpoints)
        progress.update(done, values)

    trainer.train(source.stream(start, config.steps, config.batch), on_step)
    return last
