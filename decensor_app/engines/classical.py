"""Classical restoration: OpenCV inpainting for bars, block-mean interpolation for mosaics.

They need no weights, run at full resolution, and are the baselines every learned model is
measured against.
"""

from __future__ import annotations

import cv2
import numpy as np

from decensor_app.engines.base import Engine, EngineInput, ModelInfo
from decensor_app.mosaic import MosaicGrid, upscale_block_means

#: Telea's and Navier-Stokes' neighbourhood radius in pixels (OpenCV's documented example uses 3).
INPAINT_RADIUS = 5


def telea_fill(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """Telea's fast-marching inpainting of ``hole`` (HxW bool) in ``image`` (HxWx3 uint8).

    Returns HxWx3 uint8; also the starting point the residual generators refine.
    """
    return cv2.inpaint(image, hole.view(np.uint8), INPAINT_RADIUS, cv2.INPAINT_TELEA)


def block_means_fill(
    original: np.ndarray, grid: MosaicGrid | None, interpolation: int = cv2.INTER_LANCZOS4
) -> np.ndarray:
    """Classical mosaic restoration of ``original`` (HxWx3 uint8, the mosaic in its hole).

    The block means on ``grid`` are interpolated smoothly; without a grid (the hole is not a
    clean mosaic, or too fine to keep one) the pixels are smoothed with a Gaussian instead, so
    the result never repeats the mosaic unchanged.

    Returns HxWx3 uint8; also the starting point the residual mosaic generators refine.
    """
    if grid is None:
        return cv2.GaussianBlur(original, (0, 0), sigmaX=2.0)
    return upscale_block_means(original, grid, interpolation)


class InpaintEngine(Engine):
    """Bar restoration with ``cv2.inpaint`` (Telea's fast marching or Navier-Stokes)."""

    native_size = None

    def __init__(self, name: str, method: int, description: str) -> None:
        self._method = method
        architecture = "opencv-telea" if method == cv2.INPAINT_TELEA else "opencv-navier-stokes"
        self.info = ModelInfo(name, architecture, ("bar",), 0, description)

    def restore(self, patch: EngineInput) -> np.ndarray:
        return cv2.inpaint(patch.image, patch.hole.view(np.uint8), INPAINT_RADIUS, self._method)


class BlockMeanEngine(Engine):
    """Mosaic restoration: :func:`block_means_fill` on the patch's grid."""

    native_size = None

    def __init__(self, name: str, interpolation: int, description: str) -> None:
        self._interpolation = interpolation
        kind = "bicubic" if interpolation == cv2.INTER_CUBIC else "lanczos"
        self.info = ModelInfo(name, f"block-means-{kind}", ("mosaic",), 0, description)

    def restore(self, patch: EngineInput) -> np.ndarray:
        if patch.original is None:
            raise ValueError("the mosaic engine needs the original (mosaic) pixels")
        return block_means_fill(patch.original, patch.grid, self._interpolation)


def builtin_engines() -> list[Engine]:
    """The classical engines, always installed."""
    return [
        InpaintEngine("telea", cv2.INPAINT_TELEA, "OpenCV inpainting, Telea's fast marching"),
        InpaintEngine("navier-stokes", cv2.INPAINT_NS, "OpenCV inpainting, Navier-Stokes"),
        BlockMeanEngine(
            "mosaic-bicubic", cv2.INTER_CUBIC, "Mosaic block means, bicubic interpolation"
        ),
        BlockMeanEngine(
            "mosaic-lanczos", cv2.INTER_LANCZOS4, "Mosaic block means, Lanczos interpolation"
        ),
    ]
