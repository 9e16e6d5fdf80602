"""GAN training on the TensorFlow backend, through ``tf.distribute``.

The strategy is chosen automatically (TPU when one is configured, all visible GPUs with
MirroredStrategy, else the default strategy) or forced. Networks and optimizers are built in the
strategy's scope; every replica gets its slice of the global batch and losses are averaged over
the *global* batch (``tf.nn.compute_average_loss``), so a split batch trains exactly like a
whole one. One discriminator step per generator step, both from one forward pass.

Several machines train one run with ``--strategy multiworker`` (``MultiWorkerMirroredStrategy``,
the cluster in ``TF_CONFIG``): every worker runs the same command, builds the same global batch
(a function of the seed and the step) and feeds its replicas their slices of it, so the cluster
trains exactly like one process on that batch. Only the chief writes the run folder (config,
checkpoints, log, TensorBoard); it alone resumes from it, and the other workers start from the
chief's step and variables (:func:`start_like_the_chief`), so they need no copy of the folder.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from decensor_app import architectures
from decensor_app.networks.edgeconnect import build_edgeconnect
from decensor_app.networks.gated_conv import build_gated_conv
from decensor_app.trainer import losses
from decensor_app.trainer.data import Batch, BatchSource
from decensor_app.trainer.dataset import load_manifest
from decensor_app.trainer.run import (
    STRATEGIES,
    FitConfig,
    ProgressLine,
    RunDir,
    check_finite,
    cpu_training_precision,
    ema_group,
    gan_checkpoint_groups,
    network_config,
    numpy_dtype,
    warm_start,
)


def choose_strategy(name: str) -> tf.distribute.Strategy:
    """The ``tf.distribute`` strategy called ``name`` (see the module docstring for "auto").

    "mirrored" mirrors over all GPUs, or over all logical CPU devices when there is no GPU.
    """
    if name not in STRATEGIES:
        raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}")
    if name == "tpu" or (name == "auto" and _tpu_configured()):
        # Without a variable naming a TPU to reach over the network, the TPU is this TPU VM's
        # own ("local"): the resolver's own discovery would only raise there.
        named = any(os.environ.get(k) for k in _TPU_ADDRESS_VARIABLES)
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(None if named else "local")
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    gpus = tf.config.list_logical_devices("GPU")
    if name == "mirrored":
        devices = gpus or tf.config.list_logical_devices("CPU")
        return tf.distribute.MirroredStrategy([device.name for device in devices])
    if name == "auto" and gpus:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


#: What TPUClusterResolver() finds a remote TPU by (a Cloud TPU node, GKE, a node config).
_TPU_ADDRESS_VARIABLES = ("TPU_NAME", "KUBE_GOOGLE_CLOUD_TPU_ENDPOINTS", "TPU_CONFIG")


def _tpu_configured() -> bool:
    # Probing a resolver without a TPU can wait on cloud metadata servers: only probe when the
    # environment says a TPU is there.
    return any(os.environ.get(k) for k in ("TPU_NAME", "COLAB_TPU_ADDR", "TPU_ACCELERATOR_TYPE"))


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Whether this process writes the run folder: True except on the non-chief workers of a
    multi-worker cluster (the chief is ``TF_CONFIG``'s "chief" task, else worker 0)."""
    return bool(strategy.extended.should_checkpoint)


def _all_sum(strategy: tf.distribute.Strategy, value: Callable[[int], np.ndarray]) -> np.ndarray:
    """The sum over every replica of the cluster of ``value(replica id)`` (1-D float64), as
    this worker receives it: one all-reduce, which every worker must call in the same order."""
    values = strategy.experimental_distribute_values_from_function(
        lambda context: tf.constant(value(context.replica_id_in_sync_group))
    )
    summed = strategy.run(
        lambda v: tf.distribute.get_replica_context().all_reduce(tf.distribute.ReduceOp.SUM, v),
        args=(values,),
    )
    return np.asarray(strategy.experimental_local_results(summed)[0])


#: Settings that only change what the chief writes: they may differ between the workers'
#: commands (and --data and --out may be other paths on every machine).
_WORKER_LOCAL_SETTINGS = frozenset(
    ("data", "out", "init_from", "vgg19_weights", "checkpoint_every", "keep_checkpoints",
     "log_every", "image_every")
)  # fmt: skip


def _fingerprint(config: FitConfig) -> float:
    """48 bits of a hash of what every worker must share, exact as a float64: the settings and
    the dataset's patches (their SHA-256s, in the order batches pick them)."""
    shared = {k: v for k, v in config.to_json().items() if k not in _WORKER_LOCAL_SETTINGS}
    # its path may differ between machines; whether there is one changes the losses
    shared["vgg19_weights"] = bool(config.vgg19_weights)
    shared["patches"] = load_manifest(Path(config.data))["patch_sha256"]
    digest = hashlib.sha256(json.dumps(shared, sort_keys=True).encode()).digest()
    return float(int.from_bytes(digest[:6], "big"))


def start_like_the_chief(
    strategy: tf.distribute.Strategy, config: FitConfig, groups: dict[str, list[Any]], start: int
) -> int:
    """Give every worker the chief's start step and variables (``groups``); returns the step.

    Only the chief resumes from the run folder (or warm-starts), so the workers would otherwise
    train from their fresh weights, or wait forever at another step. A broadcast is one sum
    over the replicas where only replica 0 (the chief's first) contributes, in float64: exact
    for float32 weights and integer counters. Collective: every worker must call it.

    Raises:
        ValueError: on every worker, when some worker's command differs from the chief's in a
            setting that changes the training (e.g. --steps or --batch: they would hang), or
            its dataset from the chief's.
    """
    variables = [variable for group in groups.values() for variable in group]
    sizes = [int(np.prod(variable.shape)) for variable in variables]
    fingerprint = _fingerprint(config)

    def chief_state(replica: int) -> np.ndarray:
        if replica != 0:
            return np.zeros(2 + sum(sizes))
        arrays = [np.asarray(variable, np.float64).ravel() for variable in variables]
        return np.concatenate([[start, fingerprint], *arrays])

    state = _all_sum(strategy, chief_state)
    differing = _all_sum(strategy, lambda _: np.array([float(fingerprint != state[1])]))[0]
    if differing:
        raise ValueError(
            f"{int(differing)} of {strategy.num_replicas_in_sync} replicas run other settings "
            "or another dataset than the chief: run the same `decensor-train fit` command on "
            "every worker, on copies of one dataset (only the paths of --data, --out, "
            "--init-from and --vgg19-weights, and the chief's --*-every and --keep-checkpoints "
            "may differ)"
        )
    offset = 2
    for variable, size in zip(variables, sizes, strict=True):
        piece = state[offset : offset + size].reshape(tuple(variable.shape))
        variable.assign(piece.astype(numpy_dtype(variable)))
        offset += size
    return int(state[0])


def choose_precision(config: FitConfig, strategy: tf.distribute.Strategy) -> str:
    """``config.precision``, or for "auto": mixed_bfloat16 on TPUs, mixed_float16 on GPUs, and
    on CPUs :func:`~decensor_app.trainer.run.cpu_training_precision` (bf16 where there is AMX)."""
    if config.precision != "auto":
        return config.precision
    if isinstance(strategy, tf.distribute.TPUStrategy):
        return "mixed_bfloat16"
    if tf.config.list_logical_devices("GPU"):
        return "mixed_float16"
    return cpu_training_precision()


def _optimizer(learning_rate: float, beta_1: float, beta_2: float, policy: str) -> Any:
    optimizer = keras.optimizers.Adam(learning_rate, beta_1=beta_1, beta_2=beta_2)
    if policy == "mixed_float16":
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def _average(per_example: Any, global_batch: int) -> Any:
    return tf.nn.compute_average_loss(per_example, global_batch_size=global_batch)


def _apply(optimizer: Any, tape: tf.GradientTape, loss: Any, variables: list[Any]) -> None:
    scaled = optimizer.scale_loss(loss) if hasattr(optimizer, "scale_loss") else loss
    gradients = tape.gradient(scaled, variables)
    optimizer.apply_gradients(zip(gradients, variables, strict=True))


class Trainer:
    """Networks, optimizers and the compiled distributed step of one architecture."""

    def __init__(self, config: FitConfig, strategy: tf.distribute.Strategy, policy: str) -> None:
        self.config = config
        self.strategy = strategy
        self.global_batch = config.batch
        #: the network width trained (the architecture's paper width unless --width)
        self.width = config.width or architectures.get(config.arch).paper_width
        if config.batch % strategy.num_replicas_in_sync:
            raise ValueError(
                f"--batch {config.batch} must be divisible by the "
                f"{strategy.num_replicas_in_sync} replicas"
            )
        self._compiled: dict[str, Callable[..., Any]] = {}
        self.ema_weights: list[Any] = []  # see _average_weights

    def groups(self) -> dict[str, list[Any]]:
        """Variables to checkpoint, by group."""
        raise NotImplementedError

    def _average_weights(self, network: keras.Model) -> None:
        """Keep an exponential moving average of ``network``'s weights (``--ema-decay``).

        Averaged weights usually score a little higher than the last ones and need no extra
        training. It starts at the weights training starts from (:meth:`start_average`: a new
        run's, or a resumed run's whose checkpoint holds no average), and its decay is warmed
        up, ``min(decay, (1 + t) / (10 + t))`` after ``t`` updates, so that it soon forgets a
        new run's first weights; the update count is checkpointed with it.
        """
        self.averaged = network
        self.ema_decay = float(self.config.ema_decay)
        if not self.ema_decay:
            return
        # ONLY_FIRST_REPLICA: every replica holds the same synchronised weights and computes
        # the same average, which may then be assigned in replica context.
        sync = {"trainable": False, "aggregation": tf.VariableAggregation.ONLY_FIRST_REPLICA}
        self.ema_weights = [tf.Variable(tf.identity(w), **sync) for w in network.weights]
        self.ema_updates = tf.Variable(0.0, dtype=tf.float32, **sync)

    def _update_average(self) -> None:
        """One moving-average update, after the optimizer's step (no-op without an average)."""
        if not self.ema_weights:
            return
        count = self.ema_updates
        decay = tf.minimum(self.ema_decay, (1.0 + count) / (10.0 + count))
        for average, weight in zip(self.ema_weights, self.averaged.weights, strict=True):
            value = tf.cast(weight, average.dtype)
            if average.dtype.is_floating:
                value = decay * average + (1.0 - decay) * value
            average.assign(value)
        count.assign_add(1.0)

    def average_groups(self, group: str) -> dict[str, list[Any]]:
        """The average's checkpoint groups (none without one) for the weights of ``group``."""
        if not self.ema_weights:
            return {}
        average = ema_group(group)
        return {average: self.ema_weights, f"{average}_updates": [self.ema_updates]}

    def start_average(self) -> bool:
        """Start an average that has had no update at the network's weights as they are now
        (restored or warm-started); returns whether it did."""
        if not self.ema_weights or float(self.ema_updates.numpy()) > 0:
            return False
        for average, weight in zip(self.ema_weights, self.averaged.weights, strict=True):
            average.assign(tf.identity(weight))
        return True

    @property
    def optional_groups(self) -> tuple[str, ...]:
        """Groups a checkpoint may lack (see :meth:`RunDir.restore_checkpoint`)."""
        return tuple(name for name in self.groups() if name.endswith(("_ema", "_ema_updates")))

    def inputs(self, batch: Batch) -> tuple[np.ndarray, ...]:
        raise NotImplementedError

    def replica_step(self, phase: str, *inputs: Any) -> dict[str, Any]:
        raise NotImplementedError

    def phase(self, step: int) -> str:
        return "gan"

    def train_step(self, step: int, batch: Batch) -> dict[str, float]:
        phase = self.phase(step)
        if phase not in self._compiled:

            @tf.function
            def distributed(*values: Any, phase: str = phase) -> dict[str, Any]:
                step_fn = functools.partial(self.replica_step, phase)
                per_replica = self.strategy.run(step_fn, args=values)
                return {
                    k: self.strategy.reduce(tf.distribute.ReduceOp.SUM, v, axis=None)
                    for k, v in per_replica.items()
                }

            self._compiled[phase] = distributed
        arrays = self.inputs(batch)
        replicas = self.strategy.num_replicas_in_sync
        share = self.global_batch // replicas

        def replica_slice(context: tf.distribute.InputContext) -> tuple[Any, ...]:
            start = context.replica_id_in_sync_group * share
            return tuple(tf.constant(a[start : start + share]) for a in arrays)

        values = self.strategy.experimental_distribute_values_from_function(replica_slice)
        result = self._compiled[phase](*values)
        return {k: float(v) for k, v in result.items()}

    def preview(self, batch: Batch) -> np.ndarray:
        """(N, S, 3*S, 3) float in [0, 1]: input | output | truth, for TensorBoard."""
        raise NotImplementedError


class GatedConvTrainer(Trainer):
    """DeepFill v2: hinge SN-PatchGAN + L1 on both stages, Adam 1e-4 (0.5, 0.999)."""

    def __init__(self, config: FitConfig, strategy: tf.distribute.Strategy, policy: str) -> None:
        super().__init__(config, strategy, policy)
        self.generator, self.discriminator = build_gated_conv(
            self.width, config.size, config.discriminator_width, residual=config.prefill
        )
        self.g_optimizer = _optimizer(config.learning_rate, 0.5, 0.999, policy)
        self.d_optimizer = _optimizer(config.learning_rate, 0.5, 0.999, policy)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self._average_weights(self.generator)

    def groups(self) -> dict[str, list[Any]]:
        return {
            **gan_checkpoint_groups(
                self.generator, self.discriminator, self.g_optimizer, self.d_optimizer
            ),
            **self.average_groups("generator"),
        }

    def inputs(self, batch: Batch) -> tuple[np.ndarray, ...]:
        image, mask = batch.inputs
        return (image, mask, batch.truth * 2.0 - 1.0)

    def replica_step(self, phase: str, image: Any, mask: Any, truth: Any) -> dict[str, Any]:
        batch = self.global_batch
        generator, discriminator = self.generator, self.discriminator
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            coarse, refined = generator([image, mask], training=True)
            coarse, refined = ops.cast(coarse, "float32"), ops.cast(refined, "float32")
            completed = refined * mask + truth * (1.0 - mask)
            scores = discriminator(
                [ops.concatenate([truth, completed], 0), ops.concatenate([mask, mask], 0)],
                training=True,
            )
            real, fake = ops.split(ops.cast(scores, "float32"), 2, axis=0)
            reconstruction = losses.gated_conv_reconstruction(
                coarse, refined, truth, mask, self.config.prefill, self.config.reconstruction
            )
            adversarial = losses.hinge_generator(fake)
            g_loss = _average(reconstruction + self.config.gan_weight * adversarial, batch)
            d_loss = _average(losses.hinge_discriminator(real, fake), batch)
        _apply(self.g_optimizer, g_tape, g_loss, generator.trainable_variables)
        _apply(self.d_optimizer, d_tape, d_loss, discriminator.trainable_variables)
        self._update_average()
        return {
            "g_loss": g_loss,
            "d_loss": d_loss,
            "l1": _average(reconstruction, batch),
            "g_adv": _average(adversarial, batch),
        }

    def preview(self, batch: Batch) -> np.ndarray:
        image, mask, truth = (a[:4] for a in self.inputs(batch))
        _, refined = self.generator([image, mask], training=False)
        completed = np.asarray(refined) * mask + truth * (1 - mask)
        return (np.concatenate([image, completed, truth], axis=2) + 1.0) / 2.0


class ReconstructionTrainer(Trainer):
    """One generator trained on the hole's L1 (or L2) alone, no discriminator: for any
    architecture whose network maps its encoder's inputs to the restored patch in [-1, 1]
    (its last output, if it has several). A new architecture can name it as its trainer."""

    def __init__(self, config: FitConfig, strategy: tf.distribute.Strategy, policy: str) -> None:
        super().__init__(config, strategy, policy)
        spec = architectures.get(config.arch)
        self.generator = spec.build_inference(network_config(config), config.size)
        self.g_optimizer = _optimizer(config.learning_rate, 0.9, 0.999, policy)
        self.g_optimizer.build(self.generator.trainable_variables)
        self._average_weights(self.generator)

    def groups(self) -> dict[str, list[Any]]:
        return {
            "generator": self.generator.weights,
            "g_optimizer": self.g_optimizer.variables,
            **self.average_groups("generator"),
        }

    def inputs(self, batch: Batch) -> tuple[np.ndarray, ...]:
        return (*batch.inputs, batch.mask, batch.truth * 2.0 - 1.0)

    def _restored(self, inputs: tuple[Any, ...], training: bool) -> Any:
        output = self.generator(list(inputs), training=training)
        return ops.cast(output[-1] if isinstance(output, (list, tuple)) else output, "float32")

    def replica_step(self, phase: str, *values: Any) -> dict[str, Any]:
        *inputs, mask, truth = values
        with tf.GradientTape() as tape:
            restored = self._restored(tuple(inputs), training=True)
            if self.config.reconstruction == "l2":
                per_example = losses.hole_l2(restored, truth, mask)
            elif self.config.reconstruction == "l1+l2":
                per_example = losses.hole_l1(restored, truth, mask) + losses.hole_l2(
                    restored, truth, mask
                )
            else:
                per_example = losses.hole_l1(restored, truth, mask)
            loss = _average(per_example, self.global_batch)
        _apply(self.g_optimizer, tape, loss, self.generator.trainable_variables)
        self._update_average()
        return {"g_loss": loss}

    def preview(self, batch: Batch) -> np.ndarray:
        *inputs, mask, truth = (a[:4] for a in self.inputs(batch))
        restored = np.asarray(self._restored(tuple(inputs), training=False))
        completed = restored * mask + truth * (1 - mask)
        return (np.concatenate([truth * (1 - mask), completed, truth], axis=2) + 1.0) / 2.0


class EdgeConnectTrainer(Trainer):
    """EdgeConnect's three phases: edge model, inpainting model (on real edges), joint.

    With ``phase="auto"`` the steps are split in thirds. The joint phase trains the edge model
    on its own losses and the inpainting model on the predicted edges (the predicted edges are
    not back-propagated into the edge model).
    """

    def __init__(self, config: FitConfig, strategy: tf.distribute.Strategy, policy: str) -> None:
        super().__init__(config, strategy, policy)
        if config.ema_decay:
            raise ValueError("--ema-decay is not implemented for edgeconnect's two generators")
        self.model, self.edge_d, self.inpaint_d = build_edgeconnect(self.width, config.size)
        lr = config.learning_rate
        self.optimizers = {
            "edge_g": _optimizer(lr, 0.0, 0.9, policy),
            "edge_d": _optimizer(lr * 0.1, 0.0, 0.9, policy),
            "inpaint_g": _optimizer(lr, 0.0, 0.9, policy),
            "inpaint_d": _optimizer(lr * 0.1, 0.0, 0.9, policy),
        }
        self.optimizers["edge_g"].build(self.model.edge_generator.trainable_variables)
        self.optimizers["edge_d"].build(self.edge_d.trainable_variables)
        self.optimizers["inpaint_g"].build(self.model.inpaint_generator.trainable_variables)
        self.optimizers["inpaint_d"].build(self.inpaint_d.trainable_variables)
        self.vgg = _vgg19_features(config.vgg19_weights) if config.vgg19_weights else None

    def groups(self) -> dict[str, list[Any]]:
        groups = {
            "generators": self.model.weights,
            "edge_discriminator": self.edge_d.weights,
            "inpaint_discriminator": self.inpaint_d.weights,
        }
        groups.update({name: opt.variables for name, opt in self.optimizers.items()})
        return groups

    def phase(self, step: int) -> str:
        if self.config.phase != "auto":
            return self.config.phase
        third = max(self.config.steps // 3, 1)
        return ("edge", "inpaint", "joint")[min(step // third, 2)]

    def inputs(self, batch: Batch) -> tuple[np.ndarray, ...]:
        """The encoder's ``image, gray, edges, mask`` (what the engine feeds the model), then
        the targets: the truth, its gray and its Canny edges."""
        assert batch.edges is not None
        truth_gray = (batch.truth @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
        return (*batch.inputs, batch.truth, truth_gray, batch.edges)

    def _edge_losses(
        self, gray_in: Any, edges_in: Any, mask: Any, gray: Any, edges: Any
    ) -> tuple[Any, Any, Any]:
        predicted = self.model.edge_generator([gray_in, edges_in, mask], training=True)
        predicted = ops.cast(predicted, "float32")
        real_in = ops.concatenate([edges, gray], axis=-1)
        fake_in = ops.concatenate([predicted, gray], axis=-1)
        logits, features = self.edge_d(ops.concatenate([real_in, fake_in], 0), training=True)
        real_logits, fake_logits = ops.split(logits, 2, axis=0)
        pairs = [ops.split(f, 2, axis=0) for f in features]
        d_loss = 0.5 * (
            losses.binary_cross_entropy(real_logits, 1.0)
            + losses.binary_cross_entropy(fake_logits, 0.0)
        )
        g_loss = losses.binary_cross_entropy(fake_logits, 1.0) + 10.0 * losses.feature_matching(
            [p[0] for p in pairs], [p[1] for p in pairs]
        )
        return predicted, g_loss, d_loss

    def _inpaint_losses(
        self, image: Any, edge_map: Any, mask: Any, truth: Any
    ) -> tuple[Any, Any, Any]:
        output = ops.cast(self.model.inpaint_generator([image, edge_map], training=True), "float32")
        logits, _ = self.inpaint_d(ops.concatenate([truth, output], 0), training=True)
        real_logits, fake_logits = ops.split(logits, 2, axis=0)
        d_loss = 0.5 * (
            losses.binary_cross_entropy(real_logits, 1.0)
            + losses.binary_cross_entropy(fake_logits, 0.0)
        )
        hole_share = ops.maximum(ops.mean(ops.reshape(mask, (ops.shape(mask)[0], -1)), 1), 1e-3)
        g_loss = (
            0.1 * losses.binary_cross_entropy(fake_logits, 1.0)
            + losses.l1(output, truth) / hole_share
        )
        if self.vgg is not None:
            real_f = self.vgg(keras.applications.vgg19.preprocess_input(truth * 255.0))
            fake_f = self.vgg(keras.applications.vgg19.preprocess_input(output * 255.0))
            perceptual, style = losses.perceptual_and_style(real_f, fake_f)
            g_loss = g_loss + 0.1 * perceptual + 250.0 * style
        return output, g_loss, d_loss

    def replica_step(
        self,
        phase: str,
        image: Any,
        gray_in: Any,
        edges_in: Any,
        mask: Any,
        truth: Any,
        gray: Any,
        edges: Any,
    ) -> dict[str, Any]:
        batch = self.global_batch
        opt = self.optimizers
        results: dict[str, Any] = {}
        with tf.GradientTape(persistent=True) as tape:
            if phase in ("edge", "joint"):
                predicted, e_g, e_d = self._edge_losses(gray_in, edges_in, mask, gray, edges)
                results["edge_g_loss"] = _average(e_g, batch)
                results["edge_d_loss"] = _average(e_d, batch)
            if phase in ("inpaint", "joint"):
                edge_map = edges
                if phase == "joint":
                    edge_map = edges * (1.0 - mask) + ops.stop_gradient(predicted) * mask
                _, i_g, i_d = self._inpaint_losses(image, edge_map, mask, truth)
                results["inpaint_g_loss"] = _average(i_g, batch)
                results["inpaint_d_loss"] = _average(i_d, batch)
        if "edge_g_loss" in results:
            _apply(opt["edge_g"], tape, results["edge_g_loss"],
                   self.model.edge_generator.trainable_variables)  # fmt: skip
            _apply(opt["edge_d"], tape, results["edge_d_loss"], self.edge_d.trainable_variables)
        if "inpaint_g_loss" in results:
            _apply(opt["inpaint_g"], tape, results["inpaint_g_loss"],
                   self.model.inpaint_generator.trainable_variables)  # fmt: skip
            _apply(opt["inpaint_d"], tape, results["inpaint_d_loss"],
                   self.inpaint_d.trainable_variables)  # fmt: skip
        del tape
        return results

    def preview(self, batch: Batch) -> np.ndarray:
        image, gray_in, edges_in, mask, truth, _, _ = (a[:4] for a in self.inputs(batch))
        _, restored = self.model([image, gray_in, edges_in, mask], training=False)
        completed = np.asarray(restored) * mask + truth * (1 - mask)
        return np.concatenate([image, completed, truth], axis=2)


def _vgg19_features(weights: str) -> keras.Model:
    """VGG19 relu1_1 ... relu5_1 from a user-supplied ImageNet weights file (never downloaded)."""
    vgg = keras.applications.VGG19(include_top=False, weights=None)
    vgg.load_weights(weights)
    vgg.trainable = False
    names = ["block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"]
    return keras.Model(vgg.input, [vgg.get_layer(n).output for n in names])


def make_trainer(
    config: FitConfig, strategy: tf.distribute.Strategy | None = None
) -> tuple[Trainer, tf.distribute.Strategy, str]:
    """The trainer of ``config`` built in ``strategy``'s scope (default: ``config.strategy``'s),
    the strategy and the precision policy."""
    if strategy is None:
        strategy = choose_strategy(config.strategy)
    policy = choose_precision(config, strategy)
    keras.mixed_precision.set_global_policy(policy)
    with strategy.scope():
        trainer_class = architectures.get(config.arch).trainer_class("tensorflow")
        trainer = trainer_class(config, strategy, policy)
    return trainer, strategy, policy


def fit(config: FitConfig, log: Callable[[str], None] = print) -> dict[str, float]:
    """Train (or resume) the run in ``config.out`` up to ``config.steps``; returns last losses.

    On a multi-worker cluster only the chief touches ``config.out``; the other workers write
    nothing (checkpoints are NumPy files written outside any collective, so they need no
    scratch folder either) and start from the chief's state.
    """
    # First: MultiWorkerMirroredStrategy configures the cluster's collectives, which TensorFlow
    # only allows before it runs any other op.
    strategy = choose_strategy(config.strategy)
    chief = is_chief(strategy)
    run = RunDir(Path(config.out))
    if chief:
        config = run.prepare(config, log)
    keras.utils.set_random_seed(config.seed)
    trainer, strategy, policy = make_trainer(config, strategy)
    start = 0
    if chief:
        groups = trainer.groups()
        start = run.resume(groups, log, trainer.optional_groups) or warm_start(
            run, config, groups, log
        )
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        start = start_like_the_chief(strategy, config, trainer.groups(), start)
        if not chief:
            resolver = strategy.cluster_resolver
            log(f"{resolver.task_type} {resolver.task_id} is not the chief: it writes nothing "
                f"to {run.path}; starting at step {start} with the chief's variables")  # fmt: skip
    if trainer.start_average() and start:
        log(f"weight average (decay {config.ema_decay}) started at step {start}")
    log(
        f"training {config.arch} ({config.censor}) width {trainer.width}, {config.size}px, "
        f"batch {config.batch} on {strategy.num_replicas_in_sync} replica(s) "
        f"({type(strategy).__name__}), {policy}"
    )
    source = BatchSource.for_training(config, log)
    writer = tf.summary.create_file_writer(str(run.tensorboard)) if chief else None
    progress = ProgressLine(start, config.steps)
    values: dict[str, float] = {}
    started = time.time()
    for step, batch in source.stream(start, config.steps, config.batch):
        values = trainer.train_step(step, batch)
        done = step + 1
        check_finite(done, values)
        if writer is not None and (done % config.log_every == 0 or done == config.steps):
            record = {"step": done, "phase": trainer.phase(step), **values,
                      "learning_rate": config.learning_rate, "time": time.time()}  # fmt: skip
            run.log(record)
            with writer.as_default(step=done):
                for name, value in values.items():
                    tf.summary.scalar(f"loss/{name}", value)
                tf.summary.scalar("learning_rate", config.learning_rate)
        if writer is not None and (done % config.image_every == 0 or done == config.steps):
            with writer.as_default(step=done):
                tf.summary.image("input | output | truth", trainer.preview(batch), max_outputs=4)
        if chief and (done % config.checkpoint_every == 0 or done == config.steps):
            run.save_checkpoint(done, trainer.groups(), config.keep_checkpoints)
        progress.update(done, values)
    if writer is not None:
        writer.flush()
    log(f"stopped at step {max(start, config.steps)} after {time.time() - started:.0f}s")
    return values
