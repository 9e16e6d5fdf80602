"""Restoration engines behind one interface, and the registry that finds them by name.

Classical engines are built in; learned ones are the manifests in the models folder, loaded
(with Keras) only when used.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

from decensor_app.engines.base import CENSOR_TYPES, CensorType, Engine, EngineError, ModelInfo
from decensor_app.engines.classical import builtin_engines
from decensor_app.engines.manifest import Manifest, find_manifests

__all__ = [
    "CENSOR_TYPES",
    "RUNTIMES",
    "CensorType",
    "Engine",
    "EngineError",
    "ModelInfo",
    "broken_manifests",
    "default_model",
    "default_models_dir",
    "list_models",
    "load_engine",
]

#: How a learned model is run: ONNX Runtime on its exported graph (no TensorFlow import: the
#: first picture comes seconds sooner), Keras on its weights, Keras computing in bfloat16
#: (``keras-bf16``: weights float32, for CPUs with AVX512-BF16 or AMX), or "auto": ONNX when
#: the model has a graph and ONNX Runtime is installed, else Keras in float32. "auto" never
#: picks bfloat16: measured on an AMD EPYC with AVX512-BF16 (benchmarks/README.md, issue 21),
#: it was 0.8-0.97x the time of float32 Keras per patch and within 0.005 dB of it, but Keras
#: costs about 4.4 s to import and load against 0.1 s for ONNX Runtime (which has no bfloat16
#: convolutions on x86), so it pays only after some hundred patches in one process.
RUNTIMES = ("auto", "onnx", "keras", "keras-bf16")

#: The classical engine used when no installed model is marked default for a censor type.
CLASSICAL_DEFAULTS: dict[CensorType, str] = {"bar": "telea", "mosaic": "mosaic-bicubic"}


#: Environment variable naming another models folder than the shipped one.
MODELS_DIR_VARIABLE = "DECENSOR_MODELS_DIR"


def default_models_dir() -> Path:
    """``$DECENSOR_MODELS_DIR`` if set, else the models shipped with the package.

    An installed package holds them as ``decensor_app/models/`` (package data, see
    pyproject.toml); a checkout, used directly or through an editable install, keeps them in
    its top-level ``models/`` folder beside ``pyproject.toml``.
    """
    chosen = os.environ.get(MODELS_DIR_VARIABLE)
    if chosen:
        return Path(chosen)
    # A plain folder for every installed or checked-out package (zip imports are not supported:
    # Keras reads the weights from a file path).
    package = Path(str(resources.files("decensor_app")))
    shipped = package / "models"
    checkout = package.parent
    if not shipped.is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout / "models"
    return shipped


def _manifests(models_dir: Path | None) -> dict[str, tuple[Manifest, Path]]:
    """Valid manifests by model name; unreadable ones are left out of listings."""
    folder = models_dir or default_models_dir()
    found: dict[str, tuple[Manifest, Path]] = {}
    for path in find_manifests(folder):
        try:
            manifest = Manifest.load(path)
        except EngineError:
            continue
        found[manifest.name] = (manifest, folder)
    return found


def broken_manifests(models_dir: Path | None = None) -> list[tuple[Path, str]]:
    """(manifest file, why it cannot be loaded) of every unusable manifest in ``models_dir``,
    for ``--list-models`` to show beside the usable ones."""
    broken = []
    for path in find_manifests(models_dir or default_models_dir()):
        try:
            Manifest.load(path)
        except EngineError as error:
            broken.append((path, str(error)))
    return broken


def _may_be_default_for(path: Path, censor: CensorType) -> bool:
    """Whether the unusable manifest ``path`` may have been meant as ``censor``'s default:
    it says so, or it is too damaged to tell."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return censor in data.get("default_for", [censor])
    except (OSError, ValueError, TypeError, AttributeError):
        return True


def list_models(models_dir: Path | None = None) -> list[ModelInfo]:
    """Every engine that can be loaded: the classical ones and the models in ``models_dir``."""
    learned = [manifest.info() for manifest, _ in _manifests(models_dir).values()]
    return [engine.info for engine in builtin_engines()] + learned


def default_model(censor: CensorType, models_dir: Path | None = None) -> str:
    """The installed model marked default for ``censor``, else the classical engine.

    Raises:
        EngineError: a manifest that is, or may be, the default for ``censor`` cannot be loaded
            (a silent fall-back to the classical engine would hide the broken model).
    """
    for path, reason in broken_manifests(models_dir):
        if _may_be_default_for(path, censor):
            raise EngineError(
                f"{reason}; it may be the default {censor} model: repair or remove {path}, "
                "or pick an engine with --model"
            )
    for manifest, _ in _manifests(models_dir).values():
        if censor in manifest.default_for and censor in manifest.censor_types:
            return manifest.name
    return CLASSICAL_DEFAULTS[censor]


def load_engine(
    name: str, censor: CensorType, models_dir: Path | None = None, runtime: str = "auto"
) -> Engine:
    """The engine called ``name``, checked to restore ``censor``; a learned one run by
    ``runtime`` (:data:`RUNTIMES`; classical engines ignore it).

    Raises:
        EngineError: unknown name or runtime, unusable files (missing, corrupt, other
            architecture), ``runtime="onnx"`` for a model without a graph or without ONNX
            Runtime, or the engine does not restore this censor type.
    """
    if runtime not in RUNTIMES:
        raise EngineError(f"unknown runtime {runtime!r} (known: {', '.join(RUNTIMES)})")
    builtins = {engine.info.name: engine for engine in builtin_engines()}
    manifests = _manifests(models_dir)
    if name in builtins:
        info = builtins[name].info
    elif name in manifests:
        info = manifests[name][0].info()
    else:
        broken = (models_dir or default_models_dir()) / f"{name}.json"
        if broken.is_file():
            Manifest.load(broken)  # raises with the reason the manifest is unreadable
        known = ", ".join(info.name for info in list_models(models_dir))
        raise EngineError(f"unknown model {name!r}; installed models: {known}")
    if censor not in info.censor_types:
        raise EngineError(
            f"model {name!r} restores {'/'.join(info.censor_types)}, not {censor}; "
            f"pick one that lists {censor} in `decensor --list-models`"
        )
    if name in builtins:
        return builtins[name]
    from decensor_app.engines.native_log import quiet_native_stderr

    manifest, folder = manifests[name]
    from decensor_app.engines.onnx_engine import OnnxEngine, onnxruntime_available

    if runtime == "onnx" or (runtime == "auto" and manifest.onnx and onnxruntime_available()):
        return OnnxEngine(manifest, folder)
    with quiet_native_stderr():  # importing TensorFlow prints notices nobody can act on
        from decensor_app.engines.generators import load_generator  # imports Keras

        return load_generator(manifest, folder, bfloat16=runtime == "keras-bf16")
