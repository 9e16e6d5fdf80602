"""The registry of learned architectures: one :class:`ArchitectureSpec` per architecture.

Manifest validation, ``decensor-train``'s choices, ``describe``, ``export``, ``fit`` and the
engines all read it. Adding an architecture is one module with its ``SPEC`` and one line in
:data:`_BUILT_IN` (or :func:`register` at run time, as the tests do for a tiny one).
Importing this package imports no Keras.
"""

from __future__ import annotations

from decensor_app.architectures import edgeconnect, fourier_bar, gated_conv, mosaic_sr
from decensor_app.architectures.spec import ArchitectureSpec

__all__ = ["ArchitectureSpec", "get", "names", "register", "unregister"]

_BUILT_IN: tuple[ArchitectureSpec, ...] = (
    gated_conv.SPEC,
    edgeconnect.SPEC,
    mosaic_sr.SPEC,
    fourier_bar.SPEC,
)
_REGISTRY: dict[str, ArchitectureSpec] = {spec.name: spec for spec in _BUILT_IN}


def names() -> tuple[str, ...]:
    """Every registered architecture's name, in registration order."""
    return tuple(_REGISTRY)


def get(name: str) -> ArchitectureSpec:
    """The spec called ``name``.

    Raises:
        KeyError: no such architecture (the message lists the known ones).
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown architecture {name!r} (known: {', '.join(names())})") from None


def register(spec: ArchitectureSpec) -> None:
    """Add ``spec`` (e.g. a plug-in's); a name may be registered once."""
    if spec.name in _REGISTRY:
        raise ValueError(f"architecture {spec.name!r} is already registered")
    _REGISTRY[spec.name] = spec


def unregister(name: str) -> None:
    """Remove a spec added by :func:`register` (built-in ones stay)."""
    if any(spec.name == name for spec in _BUILT_IN):
        raise ValueError(f"architecture {name!r} is built in")
    _REGISTRY.pop(name, None)
