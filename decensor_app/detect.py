"""Finding mosaics without green paint: regions of constant square blocks on a common grid.

Classical image analysis in two stages, no training data:

1. Grid candidates. The picture is cut into overlapping tiles. In a mosaic, colour changes only
   across block boundaries, so each tile's column profile of horizontal gradients (and row
   profile of vertical ones) peaks on one residue class modulo the block size. A tile votes for
   ``(block, offset_x, offset_y)`` when both axes show the same period with strong contrast.
2. Regions. For every grid with votes, the picture is cut into that grid's cells. A cell is
   *flat* when its inner pixels (one pixel in from the border, for blur and JPEG ringing) barely
   vary; it is *evidence* when it is flat and differs clearly from a flat neighbour cell. The
   mosaic is the flat cells within reach of evidence, grouped into connected regions; each must
   hold enough evidence and enough distinct colours. That last test rejects pixel art and
   checkerboards (exact blocks on a grid too, but from a small palette), while requiring grid
   evidence rejects flat areas and text.

Colours are compared on the sum of the RGB channels' absolute differences (0-765).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import cv2
import numpy as np

from decensor_app.mosaic import MosaicGrid

MIN_BLOCK, MAX_BLOCK = 3, 40
TILE, TILE_STRIDE = 192, 96
#: Grid lines a tile must cross for a period to be judged.
MIN_LINES = 4
#: Tile periodicity: (on-grid - off-grid) / (on-grid + off-grid) of the gradient profile.
MIN_PERIOD_CONTRAST = 0.55
#: Mean gradient on the grid lines (summed RGB) below which a tile is too flat to judge.
MIN_LINE_GRADIENT = 6.0
#: Largest inner standard deviation (per channel, 0-255) of a flat cell: JPEG q75 noise fits.
MAX_CELL_STD = 7.0
#: Smallest colour step (summed RGB) between neighbouring cells that counts as evidence.
MIN_STEP = 12.0
MIN_EVIDENCE_CELLS = 6
#: Evidence cells / region cells: chance alignments of flat art with a grid are sparse.
MIN_EVIDENCE_DENSITY = 0.2
#: Distinct cell colours / cells: pixel art and checkerboards use a few colours only.
MIN_COLOUR_VARIETY = 0.12


@dataclass
class MosaicRegion:
    """One detected mosaic.

    Attributes:
        mask: HxW bool, True on the region's blocks.
        grid: block size and offset (block boundaries at x = offset_x + k * block).
        confidence: 0-1, how strongly the grid and the cells agree.
    """

    mask: np.ndarray
    grid: MosaicGrid
    confidence: float

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        """(x, y, width, height) of the mask."""
        ys, xs = np.nonzero(self.mask)
        return (
            int(xs.min()),
            int(ys.min()),
            int(xs.max() - xs.min() + 1),
            int(ys.max() - ys.min() + 1),
        )

    def to_json(self) -> dict[str, object]:
        return {
            "bbox": list(self.bbox),
            "block": self.grid.block,
            "offset": [self.grid.offset_x, self.grid.offset_y],
            "confidence": round(self.confidence, 3),
        }


def _period_scores(profile: np.ndarray) -> list[tuple[float, int, int, float]]:
    """(contrast, block, offset, on-grid mean) for every block size, for one gradient profile.

    ``profile[i]`` is the gradient between positions i and i+1; the block boundary after i
    means blocks start at i + 1, so the offset reported is (i + 1) mod block.
    """
    results = []
    length = profile.size
    for block in range(MIN_BLOCK, min(MAX_BLOCK, length // MIN_LINES) + 1):
        usable = length - length % block
        lines = profile[:usable].reshape(-1, block)
        by_offset = lines.mean(axis=0)
        best = int(np.argmax(by_offset))
        # The median line, not the mean: for half the true block size, every other line of the
        # residue class runs through block interiors, and the median drops to them.
        on = float(np.median(lines[:, best]))
        off = float((by_offset.sum() - by_offset[best]) / (block - 1))
        contrast = (on - off) / (on + off + 1e-6)
        results.append((contrast, block, (best + 1) % block, on))
    return results


def _tile_grid(patch: np.ndarray, left: int, top: int) -> tuple[MosaicGrid, float] | None:
    """The grid one tile (HxWx3 float32) shows, in picture coordinates, or None."""
    gx = np.abs(np.diff(patch, axis=1)).sum(axis=2)
    gy = np.abs(np.diff(patch, axis=0)).sum(axis=2)
    scores_x = {b: (c, o, on) for c, b, o, on in _period_scores(gx.mean(axis=0))}
    scores_y = {b: (c, o, on) for c, b, o, on in _period_scores(gy.mean(axis=1))}
    candidates = []
    for block, (cx, ox, on_x) in scores_x.items():
        if block not in scores_y:
            continue
        cy, oy, on_y = scores_y[block]
        if min(on_x, on_y) < MIN_LINE_GRADIENT:
            continue
        candidates.append((min(cx, cy), block, ox, oy))
    if not candidates:
        return None
    best = max(c[0] for c in candidates)
    if best < MIN_PERIOD_CONTRAST:
        return None
    # Multiples of the block size score as high; the smallest near-best period is the block.
    contrast, block, ox, oy = min((c for c in candidates if c[0] >= 0.9 * best), key=lambda c: c[1])
    return MosaicGrid(block, (left + ox) % block, (top + oy) % block), contrast


def grid_votes(rgb: np.ndarray) -> dict[MosaicGrid, list[tuple[int, int, float]]]:
    """Tiles voting for each grid: grid -> [(tile x, tile y, contrast)]."""
    image = rgb.astype(np.float32)
    height, width = rgb.shape[:2]
    tile = min(TILE, height, width)
    votes: dict[MosaicGrid, list[tuple[int, int, float]]] = {}
    ys = list(range(0, max(height - tile, 0) + 1, TILE_STRIDE)) or [0]
    xs = list(range(0, max(width - tile, 0) + 1, TILE_STRIDE)) or [0]
    if ys[-1] != height - tile:
        ys.append(height - tile)
    if xs[-1] != width - tile:
        xs.append(width - tile)
    for top in ys:
        for left in xs:
            found = _tile_grid(image[top : top + tile, left : left + tile], left, top)
            if found is not None:
                votes.setdefault(found[0], []).append((left, top, found[1]))
    return votes


def _cells(rgb: np.ndarray, grid: MosaicGrid) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Per grid cell: mean colour (rows, cols, 3) and inner std (rows, cols); and the cell
    origin in picture coordinates (may be negative: the first partial row/column)."""
    block = grid.block
    left = grid.offset_x - block if grid.offset_x else 0
    top = grid.offset_y - block if grid.offset_y else 0
    height, width = rgb.shape[:2]
    pad_left, pad_top = -left, -top
    rows = -(-(height + pad_top) // block)
    cols = -(-(width + pad_left) // block)
    canvas = np.full((rows * block, cols * block, 3), np.nan, np.float32)
    canvas[pad_top : pad_top + height, pad_left : pad_left + width] = rgb
    cells = canvas.reshape(rows, block, cols, block, 3).transpose(0, 2, 1, 3, 4)
    inner = cells[:, :, 1 : block - 1, 1 : block - 1] if block >= 5 else cells
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells beyond the picture
        means = np.nanmean(cells, axis=(2, 3))
        spread = np.nanstd(inner, axis=(2, 3)).max(axis=2)
    return means, spread, top, left


def _regions_for_grid(rgb: np.ndarray, grid: MosaicGrid, support: float) -> list[MosaicRegion]:
    means, spread, top, left = _cells(rgb, grid)
    complete = np.isfinite(spread) & np.isfinite(means).all(axis=2)
    flat = complete & (spread <= MAX_CELL_STD)
    evidence = np.zeros_like(flat)
    for axis in (0, 1):
        step = np.abs(np.diff(means, axis=axis)).sum(axis=2)
        pair = flat.take(range(flat.shape[axis] - 1), axis=axis) & flat.take(
            range(1, flat.shape[axis]), axis=axis
        )
        strong = pair & (step >= MIN_STEP)
        if axis == 0:
            evidence[:-1] |= strong
            evidence[1:] |= strong
        else:
            evidence[:, :-1] |= strong
            evidence[:, 1:] |= strong
    # Flat cells count where evidence surrounds them (flat areas inside the mosaic), not in
    # the open flat surroundings.
    reach = cv2.morphologyEx(evidence.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    candidate = flat & (reach > 0)
    count, labels = cv2.connectedComponents(candidate.astype(np.uint8), connectivity=4)
    regions = []
    for label in range(1, count):
        cells = labels == label
        evidence_cells = int((cells & evidence).sum())
        if evidence_cells < MIN_EVIDENCE_CELLS:
            continue
        colours = np.unique(np.rint(means[cells]).astype(np.int16), axis=0)
        variety = len(colours) / cells.sum()
        if variety < MIN_COLOUR_VARIETY:
            continue
        filled = _fill_holes(cells)
        if evidence_cells / filled.sum() < MIN_EVIDENCE_DENSITY:
            continue
        mask = np.repeat(np.repeat(filled, grid.block, axis=0), grid.block, axis=1)
        height, width = rgb.shape[:2]
        mask = mask[-top : -top + height, -left : -left + width]
        density = evidence_cells / filled.sum()
        confidence = float(np.clip(0.5 * support + 0.5 * min(1.0, 2 * density), 0, 1))
        regions.append(MosaicRegion(np.ascontiguousarray(mask), grid, confidence))
    return regions


def _fill_holes(cells: np.ndarray) -> np.ndarray:
    """Cells enclosed by the region belong to it (a flat patch in the middle of the mosaic)."""
    padded = np.pad(cells.astype(np.uint8), 1)
    flood = padded.copy()
    cv2.floodFill(flood, None, (0, 0), 1)
    return (cells | (flood[1:-1, 1:-1] == 0)).astype(bool)


def detect_mosaics(rgb: np.ndarray, min_votes: int = 1) -> list[MosaicRegion]:
    """All mosaic regions of a picture.

    Args:
        rgb: HxWx3 uint8 RGB.
        min_votes: tiles that must agree on a grid before its cells are examined.

    Returns:
        Regions (largest first); where two grids claim the same pixels, the more confident one
        keeps them.
    """
    votes = grid_votes(rgb)
    found: list[MosaicRegion] = []
    for grid, tiles in votes.items():
        if len(tiles) < min_votes:
            continue
        support = float(np.mean([contrast for _, _, contrast in tiles]))
        found.extend(_regions_for_grid(rgb, grid, support))
    found.sort(key=lambda region: -region.confidence)
    taken = np.zeros(rgb.shape[:2], bool)
    kept = []
    for region in found:
        overlap = (region.mask & taken).sum() / region.mask.sum()
        if overlap > 0.5:
            continue
        region.mask &= ~taken
        taken |= region.mask
        kept.append(region)
    kept.sort(key=lambda region: -int(region.mask.sum()))
    return kept


def detection_mask(regions: list[MosaicRegion], shape: tuple[int, int]) -> np.ndarray:
    """Union of the regions' masks: HxW bool."""
    mask = np.zeros(shape, bool)
    for region in regions:
        mask |= region.mask
    return mask
