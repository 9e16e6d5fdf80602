"""Restoration engines behind one interface, and the registry that finds them by name."""

from __future__ import annotations

from pathlib import Path

from decensor_app.engines.base import CENSOR_TYPES, CensorType, Engine, ModelInfo
from decensor_app.engines.classical import builtin_engines

__all__ = [
    "CENSOR_TYPES",
    "CensorType",
    "Engine",
    "EngineError",
    "ModelInfo",
    "default_model",
    "list_models",
    "load_engine",
]

#: The engine used when ``--model`` is not given, per censor type.
DEFAULT_MODELS: dict[CensorType, str] = {"bar": "telea", "mosaic": "mosaic-bicubic"}


class EngineError(Exception):
    """An engine cannot be found, loaded, or used for the requested censor type."""


def default_models_dir() -> Path:
    """The top-level ``models/`` folder shipped next to the package."""
    return Path(__file__).resolve().parents[2] / "models"


def list_models(models_dir: Path | None = None) -> list[ModelInfo]:
    """Every engine that can be loaded: the classical ones and the models in ``models_dir``."""
    del models_dir  # learned models arrive with the generator engines
    return [engine.info for engine in builtin_engines()]


def default_model(censor: CensorType) -> str:
    return DEFAULT_MODELS[censor]


def load_engine(name: str, censor: CensorType, models_dir: Path | None = None) -> Engine:
    """The engine called ``name``, checked to restore ``censor``.

    Raises:
        EngineError: unknown name, or the engine does not restore this censor type.
    """
    engines = {engine.info.name: engine for engine in builtin_engines()}
    if name not in engines:
        known = ", ".join(info.name for info in list_models(models_dir))
        raise EngineError(f"unknown model {name!r}; installed models: {known}")
    engine = engines[name]
    if not engine.supports(censor):
        raise EngineError(
            f"model {name!r} restores {'/'.join(engine.info.censor_types)}, not {censor}; "
            f"pick one that lists {censor} in `decensor --list-models`"
        )
    return engine
