"""EdgeConnect: its spec, and the one encoder of its inputs.

Canny edges of the known pixels, the grayscale picture and the RGB picture enter with the hole
zeroed (a mosaic model keeps the mosaic in the RGB hole: that is what it restores from); the
edge generator completes the edges and the inpainting generator paints the hole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from decensor_app.architectures.spec import (
    ArchitectureSpec,
    ConfigField,
    NetworkConfig,
    stack_patches,
    to_uint8,
)
from decensor_app.edges import canny_edges
from decensor_app.engines.base import EngineInput

if TYPE_CHECKING:  # pragma: no cover - types only
    from decensor_app.trainer.run import FitConfig

#: Base channels of the paper.
PAPER_WIDTH = 64
#: ITU-R BT.601 luma weights, as EdgeConnect's grayscale.
LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def encode(patches: Sequence[EngineInput], config: NetworkConfig) -> list[np.ndarray]:
    """``[image, gray, edges, mask]``: NxHxWx3 float32 in [0, 1] (hole zeroed, or the mosaic),
    NxHxWx1 gray in [0, 1] and Canny edges in {0, 1}, both zero in the hole, and the mask
    (1 = hole)."""
    _, hole = stack_patches(patches)
    rgb = np.stack(
        [
            patch.image
            if patch.original is None
            else np.where(patch.hole[..., None], patch.original, patch.image)
            for patch in patches
        ]
    )
    known = 1.0 - hole
    edges = np.stack([canny_edges(rgb[i], patch.hole) for i, patch in enumerate(patches)])
    gray = (rgb.astype(np.float32) @ LUMA)[..., None] / 255.0
    x = rgb.astype(np.float32) / 255.0
    if patches[0].original is None:
        x = x * known
    return [x, gray * known, edges[..., None] * known, hole]


def decode(outputs: Any, patches: Sequence[EngineInput], config: NetworkConfig) -> list[np.ndarray]:
    _, restored = outputs
    return list(to_uint8(restored, 0.0, 1.0))


def network_config(config: FitConfig) -> dict[str, Any]:
    return {"width": config.width or PAPER_WIDTH}


def build_inference(config: NetworkConfig, size: int) -> Any:
    from decensor_app.networks.edgeconnect import EdgeConnect

    model = EdgeConnect(**config)
    one = np.zeros((1, size, size, 1), np.float32)
    model([np.zeros((1, size, size, 3), np.float32), one, one, one])
    return model


def parameter_counts(width: int) -> dict[str, int]:
    from decensor_app.networks.edgeconnect import build_edgeconnect
    from decensor_app.networks.layers import count_parameters

    model, edge_discriminator, inpaint_discriminator = build_edgeconnect(width, 64)
    return {
        "edge_generator": count_parameters(model.edge_generator),
        "inpaint_generator": count_parameters(model.inpaint_generator),
        "edge_discriminator": count_parameters(edge_discriminator),
        "inpaint_discriminator": count_parameters(inpaint_discriminator),
    }


SPEC = ArchitectureSpec(
    name="edgeconnect",
    paper_width=PAPER_WIDTH,
    width_help="base channels (paper 64)",
    censor_types=("bar", "mosaic"),
    network_config=network_config,
    config_fields={"width": ConfigField(int, 4, 256)},
    build_inference=build_inference,
    parameter_counts=parameter_counts,
    encode=encode,
    decode=decode,
    checkpoint_group="generators",
    trainers={"tensorflow": "decensor_app.trainer.fit_tf:EdgeConnectTrainer"},
    truth_edges=True,
)
