"""Model manifests: what a learned model in ``models/`` is, readable without importing Keras."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from decensor_app import architectures
from decensor_app.engines.base import CensorType, EngineError, ModelInfo

MANIFEST_VERSION = 1


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
        weights: weights file name, in the same folder.
        sha256: of the weights file.
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
        problem = spec.check_config(manifest.config)
        if problem is not None:
            raise EngineError(f"model manifest {path}: {problem}")
        return manifest

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    def info(self) -> ModelInfo:
        return ModelInfo(
            self.name,
            self.architecture,
            tuple(self.censor_types),
            self.parameters,
            self.description or f"{self.architecture} generator",
        )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def find_manifests(models_dir: Path) -> list[Path]:
    """Manifest files of ``models_dir``, sorted (an absent folder has none)."""
    if not Path(models_dir).is_dir():
        return []
    return sorted(Path(models_dir).glob("*.json"))
