"""Canny edge maps for EdgeConnect, shared by its engine and its trainer."""

from __future__ import annotations

import cv2
import numpy as np

#: EdgeConnect's Canny sigma.
CANNY_SIGMA = 2.0
# scikit-image's default hysteresis thresholds (0.1 and 0.2 of the range) that EdgeConnect used,
# on OpenCV's 0-255 scale.
CANNY_LOW, CANNY_HIGH = 0.1 * 255, 0.2 * 255


def canny_edges(
    rgb: np.ndarray, hole: np.ndarray | None = None, sigma: float = CANNY_SIGMA
) -> np.ndarray:
    """Edges of a picture outside its hole.

    Args:
        rgb: HxWx3 uint8 RGB.
        hole: HxW bool, True = hole, or None. The hole is first filled by OpenCV inpainting so
            that its border makes no edges of its own; edges inside it are then dropped.
        sigma: Gaussian smoothing before Canny.

    Returns:
        HxW float32 in {0, 1}.
    """
    if hole is not None and hole.any():
        rgb = cv2.inpaint(rgb, hole.view(np.uint8), 3, cv2.INPAINT_TELEA)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if sigma > 0:
        gray = cv2.GaussianBlur(gray, (0, 0), sigma)
    edges = cv2.Canny(gray, CANNY_LOW, CANNY_HIGH, L2gradient=True) > 0
    if hole is not None:
        edges &= ~hole
    return edges.astype(np.float32)
