"""Learned engines: Gated-Conv (DeepFill v2) and EdgeConnect generators loaded from ``models/``.

Each model is a manifest ``<name>.json`` beside its weights ``<name>.weights.h5``. Weights load
as weights (HDF5 arrays into a network built from the manifest's config), never by
deserialising code, and only after their SHA-256 matches the manifest's.

Importing this module imports Keras; the registry imports it only when a model is loaded.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from decensor_app.detect import region_grid
from decensor_app.engines.base import BatchEngine, CensorType, EngineError
from decensor_app.engines.manifest import Manifest, sha256_file
from decensor_app.mosaic import MosaicGrid, match_block_means

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter

import keras

from decensor_app.edges import canny_edges
from decensor_app.engines.classical import block_means_fill, telea_fill
from decensor_app.networks.edgeconnect import EdgeConnect
from decensor_app.networks.gated_conv import GatedConvGenerator

#: Most patches per network call; batches are padded to a power of two (one compiled trace
#: each for 1, 2, 4, 8).
MAX_BATCH = 8


def build_network(architecture: str, config: dict[str, Any], size: int) -> keras.Model:
    """The inference network of ``architecture``, built for ``size`` x ``size`` inputs."""
    if architecture == "gated-conv":
        model: keras.Model = GatedConvGenerator(**config)
        model([np.zeros((1, size, size, 3), np.float32), np.zeros((1, size, size, 1), np.float32)])
    elif architecture == "edgeconnect":
        model = EdgeConnect(**config)
        one = np.zeros((1, size, size, 1), np.float32)
        model([np.zeros((1, size, size, 3), np.float32), one, one, one])
    else:
        raise EngineError(f"unknown architecture {architecture!r}")
    return model


def count_parameters(model: keras.Model) -> int:
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))


def write_model(
    model: keras.Model,
    models_dir: Path,
    name: str,
    architecture: str,
    config: dict[str, Any],
    censor_types: list[CensorType],
    input_size: int,
    **extra: Any,
) -> Manifest:
    """Save ``model``'s weights and its manifest (with the weights' checksum) into models_dir."""
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    weights = f"{name}.weights.h5"
    model.save_weights(models_dir / weights)
    manifest = Manifest(
        name=name,
        architecture=architecture,
        config=config,
        censor_types=censor_types,
        input_size=input_size,
        parameters=count_parameters(model),
        weights=weights,
        sha256=sha256_file(models_dir / weights),
        **extra,
    )
    manifest.save(models_dir / f"{name}.json")
    return manifest


class GeneratorEngine(BatchEngine):
    """Shared loading, batching and compiled inference of the learned engines."""

    architecture: str

    def __init__(self, manifest: Manifest, models_dir: Path) -> None:
        self.manifest = manifest
        self.info = manifest.info()
        self.native_size = manifest.input_size
        weights_path = Path(models_dir) / manifest.weights
        if not weights_path.is_file():
            raise EngineError(
                f"weights file {weights_path} of model {manifest.name!r} is missing; "
                "reinstall the model or export it again"
            )
        actual = sha256_file(weights_path)
        if actual != manifest.sha256:
            raise EngineError(
                f"weights file {weights_path} of model {manifest.name!r} is corrupt "
                f"(SHA-256 {actual[:12]}..., the manifest expects {manifest.sha256[:12]}...); "
                "reinstall the model or export it again"
            )
        self.network = build_network(manifest.architecture, manifest.config, self.native_size)
        try:
            self.network.load_weights(weights_path)
        except (ValueError, KeyError, OSError) as error:
            raise EngineError(
                f"weights file {weights_path} does not fit a {manifest.architecture} network "
                f"with config {manifest.config}: {error}"
            ) from error

    def restore_batch(
        self,
        images: list[np.ndarray],
        holes: list[np.ndarray],
        originals: list[np.ndarray | None],
        grids: list[MosaicGrid | None] | None = None,
    ) -> list[np.ndarray]:
        grids = grids or [None] * len(images)
        results: list[np.ndarray] = []
        for start in range(0, len(images), MAX_BATCH):
            chunk = slice(start, start + MAX_BATCH)
            count = len(images[chunk])
            padded = 1 << (count - 1).bit_length()  # 1, 2, 4 or 8: few compiled shapes
            image = _stack(images[chunk], padded)
            hole = _stack([h[..., None] for h in holes[chunk]], padded).astype(np.float32)
            chunk_originals = originals[chunk]
            original = None if chunk_originals[0] is None else _stack(list(chunk_originals), padded)
            chunk_grids = grids[chunk] + grids[chunk][-1:] * (padded - count)
            output = self._run(image, hole, original, chunk_grids)
            results.extend(list(output[:count]))
        return results

    def _run(
        self,
        image: np.ndarray,
        hole: np.ndarray,
        original: np.ndarray | None,
        grids: list[MosaicGrid | None],
    ) -> np.ndarray:
        """NxSxSx3 uint8, NxSxSx1 float32 (1 = hole), mosaic or None, N grids -> NxSxSx3 uint8."""
        raise NotImplementedError


def _stack(arrays: list[np.ndarray], size: int) -> np.ndarray:
    stacked = np.stack(arrays)
    if size > len(arrays):
        filler = np.repeat(stacked[-1:], size - len(arrays), axis=0)
        stacked = np.concatenate([stacked, filler])
    return stacked


def _to_uint8(values: np.ndarray, low: float, high: float) -> np.ndarray:
    scaled = (np.asarray(values, np.float32) - low) * (255.0 / (high - low))
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


class GatedConvEngine(GeneratorEngine):
    """DeepFill v2 generator; its refined output fills the hole.

    Bar models see the picture with the hole zeroed; mosaic models see the mosaic in the hole;
    residual models (``config["residual"]``) see the classical restoration in the hole
    (Telea for bars, interpolated block means for mosaics) and refine it. A mosaic result is
    then made consistent with the mosaic on its grid (:func:`match_block_means`).
    """

    architecture = "gated-conv"

    def _run(
        self,
        image: np.ndarray,
        hole: np.ndarray,
        original: np.ndarray | None,
        grids: list[MosaicGrid | None],
    ) -> np.ndarray:
        scaled = image.astype(np.float32) / 127.5 - 1.0
        holes = hole[..., 0] > 0
        if original is not None:
            grids = [
                grid if grid is not None else region_grid(original[i], holes[i])
                for i, grid in enumerate(grids)
            ]
        if self.manifest.config.get("residual"):
            fill = np.stack(
                [
                    telea_fill(image[i], holes[i])
                    if original is None
                    else block_means_fill(original[i], holes[i], grids[i])
                    for i in range(len(image))
                ]
            )
            x = np.where(hole > 0, fill.astype(np.float32) / 127.5 - 1.0, scaled)
        elif original is not None:
            x = np.where(hole > 0, original.astype(np.float32) / 127.5 - 1.0, scaled)
        else:
            x = scaled * (1.0 - hole)  # 0 in [-1, 1] units, as in training
        _, refined = self.network.predict_on_batch([x, hole])
        restored = _to_uint8(refined, -1.0, 1.0)
        if original is None:
            return restored
        # Mosaics: the result is made consistent with the mosaic (each block's mean is its
        # colour), a projection that only brings it closer to the truth.
        return np.stack(
            [
                restored[i]
                if grid is None
                else match_block_means(restored[i], image[i], original[i], holes[i], grid)
                for i, grid in enumerate(grids)
            ]
        )


class EdgeConnectEngine(GeneratorEngine):
    """EdgeConnect: Canny edges of the known pixels, G1 completes them, G2 paints the hole."""

    architecture = "edgeconnect"

    def _run(
        self,
        image: np.ndarray,
        hole: np.ndarray,
        original: np.ndarray | None,
        grids: list[MosaicGrid | None],
    ) -> np.ndarray:
        del grids  # EdgeConnect sees the mosaic pixels as they are
        holes = hole[..., 0] > 0
        rgb = image if original is None else np.where(holes[..., None], original, image)
        edges = np.stack([canny_edges(rgb[i], holes[i]) for i in range(len(rgb))])[..., None]
        known = 1.0 - hole
        gray = np.stack(
            [
                np.dot(rgb[i].astype(np.float32), [0.299, 0.587, 0.114]) / 255.0
                for i in range(len(rgb))
            ]
        )[..., None]
        x = rgb.astype(np.float32) / 255.0
        if original is None:
            x, gray = x * known, gray * known
        _, restored = self.network.predict_on_batch([x, gray, edges * known, hole])
        return _to_uint8(restored, 0.0, 1.0)


ENGINES: dict[str, type[GeneratorEngine]] = {
    "gated-conv": GatedConvEngine,
    "edgeconnect": EdgeConnectEngine,
}


def load_generator(manifest: Manifest, models_dir: Path) -> GeneratorEngine:
    return ENGINES[manifest.architecture](manifest, models_dir)
