"""What the app and the trainer know about one learned architecture: its spec.

A spec is plain data plus functions; importing it imports no Keras (the builders import the
networks when called), so manifest validation, the command's choices and ``--list-models`` stay
fast. The engine and the trainers are named by ``"module:attribute"`` and imported on use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from decensor_app.engines.base import CensorType, EngineInput
from decensor_app.mosaic import MosaicGrid

if TYPE_CHECKING:  # pragma: no cover - types only
    from decensor_app.trainer.run import FitConfig

#: The networks' constructor arguments, as a manifest's ``config`` records them.
NetworkConfig = Mapping[str, Any]
#: Patches -> the inference network's input arrays (batch first), pure NumPy.
Encoder = Callable[[Sequence[EngineInput], NetworkConfig], list[np.ndarray]]
#: (network outputs, the patches they were made from, config) -> NxHxWx3 uint8 restorations.
Decoder = Callable[[Any, Sequence[EngineInput], NetworkConfig], list[np.ndarray]]


@dataclass(frozen=True)
class ConfigField:
    """One entry of a network config: its type, the values a manifest may hold, and whether
    it may be left out (the network's constructor then takes its own default)."""

    kind: type
    minimum: int | None = None
    maximum: int | None = None
    optional: bool = False


@dataclass(frozen=True)
class ArchitectureSpec:
    """One learned architecture, everywhere it is used.

    Attributes:
        name: what manifests' ``architecture`` and ``decensor-train fit --arch`` say.
        paper_width: the width its paper uses (``--width`` default).
        width_help: what "width" means for it, for ``describe`` and ``--help``.
        censor_types: what it can be trained to restore.
        network_config: a run's config -> the inference network's constructor arguments.
        config_fields: the keys of that config, validated when a manifest is read.
        build_inference: (config, patch side) -> the inference network, weights created.
        parameter_counts: width -> {network name: trainable parameters} (``describe``).
        encode: patches -> network inputs; the one encoder of the engine and the trainer.
        decode: network outputs -> restored patches (ranges, consistency with a mosaic).
        checkpoint_group: the checkpoint group that holds the inference network's variables.
        trainers: backend -> ``"module:Class"`` of its trainer.
        engine: ``"module:Class"`` of its engine.
        truth_edges: training batches also carry Canny edges of the truth (edge targets).
    """

    name: str
    paper_width: int
    width_help: str
    censor_types: tuple[CensorType, ...]
    network_config: Callable[[FitConfig], dict[str, Any]]
    config_fields: Mapping[str, ConfigField]
    build_inference: Callable[[NetworkConfig, int], Any]
    parameter_counts: Callable[[int], dict[str, int]]
    encode: Encoder
    decode: Decoder
    checkpoint_group: str
    trainers: Mapping[str, str]
    engine: str = "decensor_app.engines.generators:GeneratorEngine"
    truth_edges: bool = False

    def trainer_class(self, backend: str) -> Any:
        """The trainer class for ``backend`` (imports it, and so Keras and the backend)."""
        if backend not in self.trainers:
            raise ValueError(f"{self.name} trains on {', '.join(self.trainers)}, not on {backend}")
        return load_attribute(self.trainers[backend])

    def engine_class(self) -> Any:
        return load_attribute(self.engine)

    def input_shapes(
        self, config: NetworkConfig, censor: CensorType, size: int
    ) -> list[tuple[int, ...]]:
        """Shapes (without the batch axis) of the network's inputs for ``size`` px patches."""
        return [array.shape[1:] for array in self.encode([example_patch(censor, size)], config)]

    def check_config(self, config: object) -> str | None:
        """Why ``config`` (a manifest's) does not describe a network of this spec, or None."""
        if not isinstance(config, Mapping):
            return f"config {config!r} is not an object"
        unknown = sorted(set(config) - set(self.config_fields))
        if unknown:
            return f"unknown config keys {unknown} (known: {sorted(self.config_fields)})"
        for key, rule in self.config_fields.items():
            if key not in config:
                if rule.optional:
                    continue
                return f"config lacks {key!r}"
            value = config[key]
            if type(value) is not rule.kind:
                return f"config {key}={value!r} is not a {rule.kind.__name__}"
            if isinstance(value, int) and not isinstance(value, bool):
                if rule.minimum is not None and value < rule.minimum:
                    return f"config {key}={value!r} is below {rule.minimum}"
                if rule.maximum is not None and value > rule.maximum:
                    return f"config {key}={value!r} is above {rule.maximum}"
        return None


def example_patch(censor: CensorType, size: int, seed: int = 0) -> EngineInput:
    """A ``size`` x ``size`` patch of ``censor`` (noise from ``seed``, a square hole; a mosaic
    on an 8 px grid), for tracing networks and checking their input shapes."""
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
    hole = np.zeros((size, size), bool)
    hole[size // 4 : size // 2, size // 4 : size // 2] = True
    image[hole] = 0
    if censor == "bar":
        return EngineInput(image, hole)
    original = image.copy()
    original[hole] = 128
    return EngineInput(image, hole, original, MosaicGrid(8, 0, 0))


def load_attribute(path: str) -> Any:
    """``"package.module:name"`` -> that attribute of the imported module."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def stack_patches(patches: Sequence[EngineInput]) -> tuple[np.ndarray, np.ndarray]:
    """(NxHxWx3 uint8 images, NxHxWx1 float32 holes with 1 = hole) of same-size patches."""
    image = np.stack([patch.image for patch in patches])
    hole = np.stack([patch.hole for patch in patches])[..., None].astype(np.float32)
    return image, hole


def to_uint8(values: Any, low: float, high: float) -> np.ndarray:
    """Network output in [low, high] -> uint8 (rounded, clipped)."""
    scaled = (np.asarray(values, np.float32) - low) * (255.0 / (high - low))
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


#: (restored, known image, mosaic original, hole, grid) -> restored made consistent with the
#: mosaic (``mosaic.match_block_means`` or ``mosaic.back_project``).
Projection = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Any], np.ndarray]


def consistent_with_mosaics(
    restored: np.ndarray, patches: Sequence[EngineInput], project: Projection
) -> list[np.ndarray]:
    """Each restored patch (``restored``: NxHxWx3 uint8) made consistent with its mosaic by
    ``project`` where the patch is a mosaic with a known grid; the others as they are."""
    return [
        output
        if patch.original is None or patch.grid is None
        else project(output, patch.image, patch.original, patch.hole, patch.grid)
        for output, patch in zip(restored, patches, strict=True)
    ]


def refiner_spec(
    *,
    name: str,
    censor_types: tuple[CensorType, ...],
    network: str,
    input_channels: int,
    default_width: int,
    default_blocks: int,
    encode: Encoder,
    decode: Decoder,
) -> ArchitectureSpec:
    """The spec of a refining network: ``Network(width=..., blocks=...)`` called on ``[features
    (N, H, W, input_channels), base (N, H, W, 3)]``, trained on the hole's reconstruction alone.

    ``network`` is ``"module:Class"``, imported only when a network is built (the registry
    imports no Keras). Its config is ``width`` (``--width``, default ``default_width``) and
    ``blocks`` (``default_blocks``).
    """

    def network_config(config: FitConfig) -> dict[str, Any]:
        return {"width": config.width or default_width, "blocks": default_blocks}

    def build_inference(config: NetworkConfig, size: int) -> Any:
        module, class_name = network.split(":")
        model = getattr(importlib.import_module(module), class_name)(**config)
        model([np.zeros((1, size, size, input_channels), np.float32),
               np.zeros((1, size, size, 3), np.float32)])  # fmt: skip
        return model

    def parameter_counts(width: int) -> dict[str, int]:
        from decensor_app.networks.layers import count_parameters

        return {"generator": count_parameters(build_inference({"width": width}, 32))}

    return ArchitectureSpec(
        name=name,
        paper_width=default_width,
        width_help=f"body channels (default {default_width})",
        censor_types=censor_types,
        network_config=network_config,
        config_fields={
            "width": ConfigField(int, 4, 512),
            "blocks": ConfigField(int, 1, 64, optional=True),
        },
        build_inference=build_inference,
        parameter_counts=parameter_counts,
        encode=encode,
        decode=decode,
        checkpoint_group="generator",
        trainers={"tensorflow": "decensor_app.trainer.fit_tf:ReconstructionTrainer"},
    )
