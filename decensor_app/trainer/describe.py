"""Parameter counts of the networks at a given width."""

from __future__ import annotations

from typing import Any

from decensor_app import architectures


def describe(arch: str, width: int | None = None) -> dict[str, Any]:
    """``{"arch", "width", "parameters": {network: count}}`` for ``arch`` at ``width`` (what
    width means is the architecture's: ``ArchitectureSpec.width_help``; default: its paper's).

    Raises:
        ValueError: unknown architecture.
    """
    try:
        spec = architectures.get(arch)
    except KeyError as error:
        raise ValueError(error.args[0]) from None
    width = width or spec.paper_width
    return {"arch": arch, "width": width, "parameters": spec.parameter_counts(width)}
