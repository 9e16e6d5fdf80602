"""Parameter counts of the networks at a given width."""

from __future__ import annotations

from typing import Any

from decensor_app.engines.generators import count_parameters

#: Parameter counts are independent of the input size; this one is small and valid for both.
_BUILD_SIZE = 64


def describe(arch: str, width: int | None = None) -> dict[str, Any]:
    """``{"arch", "width", "parameters": {network: count}}`` for ``arch`` at ``width``.

    Width is ``cnum`` for gated-conv (paper: 48) and the base channels for EdgeConnect (64).
    """
    if arch == "gated-conv":
        from decensor_app.networks.gated_conv import PAPER_WIDTH, build_gated_conv

        width = width or PAPER_WIDTH
        generator, discriminator = build_gated_conv(width, _BUILD_SIZE)
        parameters = {
            "generator": count_parameters(generator),
            "discriminator": count_parameters(discriminator),
        }
    elif arch == "edgeconnect":
        from decensor_app.networks.edgeconnect import PAPER_WIDTH, build_edgeconnect

        width = width or PAPER_WIDTH
        model, edge_discriminator, inpaint_discriminator = build_edgeconnect(width, _BUILD_SIZE)
        parameters = {
            "edge_generator": count_parameters(model.edge_generator),
            "inpaint_generator": count_parameters(model.inpaint_generator),
            "edge_discriminator": count_parameters(edge_discriminator),
            "inpaint_discriminator": count_parameters(inpaint_discriminator),
        }
    else:
        raise ValueError(f"unknown architecture {arch!r}")
    return {"arch": arch, "width": width, "parameters": parameters}
