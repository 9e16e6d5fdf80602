"""Learned engines: a generator network from ``models/``, run through its architecture's spec.

Each model is a manifest ``<name>.json`` beside its weights ``<name>.weights.h5``. Weights load
as weights (HDF5 arrays into a network built from the manifest's config), never by
deserialising code, and only after their SHA-256 matches the manifest's. What the network sees
and how its output becomes pixels is the architecture's encoder and decoder
(:mod:`decensor_app.architectures`), the same the trainer uses.

Importing this module imports Keras; the registry imports it only when a model is loaded.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from decensor_app import architectures
from decensor_app.engines.base import (
    MAX_BATCH,
    BatchEngine,
    CensorType,
    EngineError,
    EngineInput,
)
from decensor_app.engines.manifest import Manifest, sha256_file, verified_file

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter

import keras

from decensor_app.networks.layers import count_parameters


def build_network(architecture: str, config: dict[str, Any], size: int) -> keras.Model:
    """The inference network of ``architecture``, built for ``size`` x ``size`` inputs."""
    try:
        spec = architectures.get(architecture)
    except KeyError as error:
        raise EngineError(error.args[0]) from None
    model: keras.Model = spec.build_inference(config, size)
    return model


def write_model(
    model: keras.Model,
    models_dir: Path,
    name: str,
    architecture: str,
    config: dict[str, Any],
    censor_types: list[CensorType],
    input_size: int,
    overwrite: bool = False,
    onnx_model: bytes | None = None,
    **extra: Any,
) -> Manifest:
    """Save ``model``'s weights (and ``onnx_model``, the same network as a serialised ONNX
    graph, as ``<name>.onnx``) and its manifest, with the files' checksums, into models_dir.

    Every file is written under a hidden temporary name and fsynced, then renamed into place,
    and the manifest is published last, atomically: a kill at any moment leaves the earlier
    model whole, no model of that name (an old one being replaced: its manifest goes first),
    or the new model whole, never a manifest whose files do not match it.

    Raises:
        FileExistsError: a model called ``name`` is installed and ``overwrite`` is false.
        ValueError: ``name`` is not a plain file name.
    """
    models_dir = Path(models_dir)
    if not name or name.startswith(".") or Path(name).name != name or "\\" in name:
        raise ValueError(f"model name {name!r} must be a plain file name (no folders)")
    manifest_path = models_dir / f"{name}.json"
    if manifest_path.exists() and not overwrite:
        raise FileExistsError(
            f"a model called {name!r} is already installed ({manifest_path}): pass --overwrite "
            "to replace it, or choose another --name"
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    weights = f"{name}.weights.h5"
    onnx = f"{name}.onnx" if onnx_model is not None else ""
    # Keras insists on the .weights.h5 suffix; the dot prefix hides them from manifest scans.
    stem = f".{name[:32]}.{secrets.token_hex(4)}.partial"
    staged: dict[str, Path] = {weights: models_dir / f"{stem}.weights.h5"}
    if onnx_model is not None:
        staged[onnx] = models_dir / f"{stem}.onnx"
    try:
        model.save_weights(staged[weights])
        if onnx_model is not None:
            staged[onnx].write_bytes(onnx_model)
        checksums = {}
        for final, temporary in staged.items():
            with open(temporary, "rb+") as stream:
                os.fsync(stream.fileno())
            checksums[final] = sha256_file(temporary)
        manifest_path.unlink(missing_ok=True)  # an old manifest never meets the new files
        for final, temporary in staged.items():
            os.replace(temporary, models_dir / final)
        if onnx_model is None:  # an earlier export's graph is not this model's
            (models_dir / f"{name}.onnx").unlink(missing_ok=True)
    except BaseException:
        for temporary in staged.values():
            with contextlib.suppress(OSError):
                temporary.unlink()
        raise
    manifest = Manifest(
        name=name,
        architecture=architecture,
        config=config,
        censor_types=censor_types,
        input_size=input_size,
        parameters=count_parameters(model),
        weights=weights,
        sha256=checksums[weights],
        onnx=onnx,
        onnx_sha256=checksums.get(onnx, ""),
        **extra,
    )
    manifest.save(manifest_path)  # atomic, and it syncs the folder (the renames above too)
    return manifest


class GeneratorEngine(BatchEngine):
    """Loading, batching and compiled inference of a learned model.

    Patches go through the architecture's :attr:`~ArchitectureSpec.encode`, the network and
    its :attr:`~ArchitectureSpec.decode`, in batches of at most :data:`MAX_BATCH`.
    """

    runtime = "keras"

    def __init__(self, manifest: Manifest, models_dir: Path, bfloat16: bool = False) -> None:
        """``bfloat16``: compute in bfloat16 (Keras' ``mixed_bfloat16``: weights and the
        spectral transforms stay float32), the ``keras-bf16`` runtime."""
        self.manifest = manifest
        self.spec = architectures.get(manifest.architecture)
        self.info = manifest.info()
        self.native_size = manifest.input_size
        if bfloat16:
            self.runtime = "keras-bf16"
        weights_file = verified_file(manifest, manifest.weights, manifest.sha256, models_dir)
        with _dtype_policy("mixed_bfloat16" if bfloat16 else None):
            self.network = build_network(manifest.architecture, manifest.config, self.native_size)
        try:
            self.network.load_weights(weights_file)
        except (ValueError, KeyError, OSError) as error:
            raise EngineError(
                f"weights file {weights_file} does not fit a {manifest.architecture} network "
                f"with config {manifest.config}: {error}"
            ) from error

    def encode(self, patches: Sequence[EngineInput]) -> list[np.ndarray]:
        """The network's inputs for ``patches`` (the trainer's encoder, with this config)."""
        return self.spec.encode(patches, self.manifest.config)

    def restore_batch(self, patches: Sequence[EngineInput]) -> list[np.ndarray]:
        results: list[np.ndarray] = []
        for start in range(0, len(patches), MAX_BATCH):
            chunk = list(patches[start : start + MAX_BATCH])
            count = len(chunk)
            # Padded to 1, 2, 4 or 8: one compiled trace each.
            padded = 1 << (count - 1).bit_length()
            chunk += chunk[-1:] * (padded - count)
            outputs = self.network.predict_on_batch(self.encode(chunk))
            restored = self.spec.decode(outputs, chunk, self.manifest.config)
            results.extend(restored[:count])
        return results


@contextlib.contextmanager
def _dtype_policy(name: str | None) -> Iterator[None]:
    """Layers built inside take Keras' global dtype policy ``name`` (None: leave it as it
    is); the previous policy is back afterwards, so other networks stay float32."""
    if name is None:
        yield
        return
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def load_generator(manifest: Manifest, models_dir: Path, bfloat16: bool = False) -> GeneratorEngine:
    """The engine of ``manifest``'s architecture (its spec's engine class); ``bfloat16``: see
    :class:`GeneratorEngine`."""
    engine_class = architectures.get(manifest.architecture).engine_class()
    engine: GeneratorEngine = engine_class(manifest, models_dir, bfloat16=bfloat16)
    return engine
