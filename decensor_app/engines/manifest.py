"""Model manifests: what a learned model in ``models/`` is, readable without importing Keras."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from decensor_app import architectures
from decensor_app.engines.base import CENSOR_TYPES, CensorType, EngineError, ModelInfo
from decensor_app.imaging import write_atomically

MANIFEST_VERSION = 1

#: Patch sides a manifest's ``input_size`` may hold: the networks downsample by up to 8, and
#: sides beyond the maximum would only exhaust memory (the pipeline tiles larger regions).
INPUT_SIZE_RANGE = (16, 2048)
INPUT_SIZE_MULTIPLE = 8


@dataclass
class Manifest:
    """A model's manifest (``<name>.json`` in the models folder).

    Attributes:
        name: what ``--model`` takes.
        architecture: a name in the architecture registry (:mod:`decensor_app.architectures`).
        config: the network constructor's arguments (e.g. ``{"cnum": 48}``).
        censor_types: what it restores.
        input_size: native patch side in pixels.
        parameters: trainable parameters of the inference network.
        weights: weights file name (Keras HDF5), in the same folder.
        sha256: of the weights file.
        onnx: the same network as an ONNX graph (``decensor-train export`` writes it), file
            name in the same folder, or "" when the model has none; ONNX Runtime runs it
            without TensorFlow (:mod:`decensor_app.engines.onnx_engine`).
        onnx_sha256: of the ONNX file ("" without one).
        description, training, metrics, default_for: for people, model cards and defaults.
    """

    name: str
    architecture: str
    config: dict[str, Any]
    censor_types: list[CensorType]
    input_size: int
    parameters: int
    weights: str
    sha256: str
    description: str = ""
    training: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    default_for: list[CensorType] = field(default_factory=list)
    onnx: str = ""
    onnx_sha256: str = ""
    version: int = MANIFEST_VERSION

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read and validate ``path``. Raises EngineError naming the file."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            manifest = cls(**data)
        except (OSError, ValueError, TypeError) as error:
            raise EngineError(f"model manifest {path} is unreadable: {error}") from error
        try:
            spec = architectures.get(manifest.architecture)
        except KeyError as error:
            raise EngineError(f"model manifest {path}: {error.args[0]}") from None
        problem = spec.check_config(manifest.config) or manifest._field_problem()
        if problem is not None:
            raise EngineError(f"model manifest {path}: {problem}")
        # Refuses files outside the folder before anything opens them.
        weights_path(manifest, Path(path).parent, path)
        if manifest.onnx:
            model_file(manifest, manifest.onnx, Path(path).parent, path)
        return manifest

    def _field_problem(self) -> str | None:
        """Why the fields other than ``config`` are unusable, or None."""
        low, high = INPUT_SIZE_RANGE
        size = self.input_size
        if type(size) is not int or not low <= size <= high or size % INPUT_SIZE_MULTIPLE:
            return (
                f"input_size {size!r} is not a whole number of pixels from {low} to {high} "
                f"divisible by {INPUT_SIZE_MULTIPLE}"
            )
        for key in ("censor_types", "default_for"):
            values = getattr(self, key)
            if not isinstance(values, list) or not set(values) <= set(CENSOR_TYPES):
                return f"{key} {values!r} is not a list of {', '.join(CENSOR_TYPES)}"
        if not self.censor_types:
            return "censor_types is empty"
        if not set(self.default_for) <= set(self.censor_types):
            return f"default_for {self.default_for} names a censor type it does not restore"
        strings = ("name", "architecture", "weights", "sha256", "description", "onnx")
        for key in (*strings, "onnx_sha256"):
            if not isinstance(getattr(self, key), str):
                return f"{key} {getattr(self, key)!r} is not a string"
        if bool(self.onnx) != bool(self.onnx_sha256):
            return "onnx and onnx_sha256 must both be given, or neither"
        if type(self.parameters) is not int or self.parameters < 0:
            return f"parameters {self.parameters!r} is not a count"
        for key in ("training", "metrics"):
            if not isinstance(getattr(self, key), dict):
                return f"{key} is not an object"
        return None

    def save(self, path: Path) -> None:
        """Write the manifest atomically (a kill never leaves half a manifest)."""
        text = json.dumps(asdict(self), indent=2) + "\n"
        write_atomically(Path(path), text.encode("utf-8"))

    def info(self) -> ModelInfo:
        return ModelInfo(
            self.name,
            self.architecture,
            tuple(self.censor_types),
            self.parameters,
            self.description or f"{self.architecture} generator",
        )


def install_graph(manifest: Manifest, models_dir: Path, graph: bytes) -> Manifest:
    """Add ``graph`` (the model's network as a serialised ONNX graph) to the installed model
    ``manifest`` as ``<name>.onnx``, its weights untouched; returns the updated manifest.

    The manifest first drops any earlier graph, then the file is replaced atomically, then the
    manifest names it with its checksum: at no moment does a manifest name a file that does
    not match it.
    """
    path = Path(models_dir) / f"{manifest.name}.json"
    if manifest.onnx:
        manifest.onnx = manifest.onnx_sha256 = ""
        manifest.save(path)
    file_name = f"{manifest.name}.onnx"
    write_atomically(model_file(manifest, file_name, Path(models_dir)), graph)
    manifest.onnx = file_name
    manifest.onnx_sha256 = hashlib.sha256(graph).hexdigest()
    manifest.save(path)
    return manifest


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def weights_path(manifest: Manifest, models_dir: Path, source: Path | None = None) -> Path:
    """The weights file of ``manifest`` (see :func:`model_file`)."""
    return model_file(manifest, manifest.weights, models_dir, source)


def model_file(
    manifest: Manifest, file_name: str, models_dir: Path, source: Path | None = None
) -> Path:
    """``file_name`` (a file ``manifest`` names: weights, ONNX graph), which must lie in
    ``models_dir`` itself.

    Checked before anything opens the file: a manifest naming ``../`` or an absolute path
    would otherwise have any readable file hashed (and, with a matching hash, loaded).

    Raises:
        EngineError: the path leaves the models folder.
    """
    folder = Path(models_dir).resolve()
    candidate = Path(models_dir) / file_name
    name = Path(file_name)
    if name.is_absolute() or len(name.parts) != 1 or candidate.resolve().parent != folder:
        raise EngineError(
            f"model manifest {source or Path(models_dir) / (manifest.name + '.json')}: "
            f"{file_name!r} lies outside the models folder {models_dir}; a manifest may only "
            "name files beside it"
        )
    return candidate


def verified_file(
    manifest: Manifest, file_name: str, sha256: str, models_dir: Path, kind: str = "weights file"
) -> Path:
    """The path of ``file_name`` in ``models_dir`` after checking it exists and its SHA-256 is
    ``sha256`` (what the manifest records), so nothing unverified is ever loaded. ``kind``
    names the file in messages.

    Raises:
        EngineError: the file is missing, outside the folder, or its contents differ.
    """
    path = model_file(manifest, file_name, models_dir)
    if not path.is_file():
        raise EngineError(
            f"{kind} {path} of model {manifest.name!r} is missing; reinstall the model or "
            "export it again"
        )
    actual = sha256_file(path)
    if actual != sha256:
        raise EngineError(
            f"{kind} {path} of model {manifest.name!r} is corrupt (SHA-256 {actual[:12]}..., the "
            f"manifest expects {sha256[:12]}...); reinstall the model or export it again"
        )
    return path


def find_manifests(models_dir: Path) -> list[Path]:
    """Manifest files of ``models_dir``, sorted (an absent folder has none)."""
    if not Path(models_dir).is_dir():
        return []
    return sorted(Path(models_dir).glob("*.json"))
