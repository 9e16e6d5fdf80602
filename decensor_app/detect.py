"""Finding mosaics without green paint: regions of constant square blocks on a common grid.

Classical image analysis, no training data. A mosaic (pixelation) of block size ``b`` with grid
offset ``(ox, oy)`` replaces every ``b x b`` block by one colour, so (a) the pixels inside a
block are equal and (b) colours change only across the grid lines ``x = ox + k*b``,
``y = oy + k*b``. The detector looks for both, in four stages.

1. Grid votes. Overlapping tiles (128 and 256 px) fold their column profile of horizontal
   gradients (and row profile of vertical ones) modulo every block size 3-40. The score of a
   period is the best residue's mean minus the next best one (the best residue's neighbours
   skipped: blur spreads a step onto them). The true block size wins over its multiples (they
   have a second strong residue) and over its divisors (only every k-th line of their residue
   is a block edge, so its mean drops to 1/k). A tile votes for ``(block, offset_x,
   offset_y)`` when both axes agree and the best residue clearly stands out. 64 px tiles
   propose further grids (a small mosaic beside a large one seldom wins a larger tile), but
   their votes do not count as evidence.
2. Cells. For each voted grid (the ten strongest, the divisors of the three strongest, and
   the ten that 64 px tiles propose),
   integral images give every grid cell's inner colour mean and spread (a one-pixel border is
   left out for blocks of 5 px and more, for blur and JPEG ringing) and the gradient on every
   grid-line segment between two cells. A cell is *flat* when its spread is small relative to
   the colour steps to its neighbours (JPEG rings around strong steps). A line segment is a
   *clean step* when both cells are flat and the gradient on the line is clearly above zero
   and sharper than on the pixel columns beside it (which rejects a grid off by one pixel).
   A cell with clean steps on two or more sides is *evidence*.
3. Regions. Flatness is loosened to the noise of the grid's evidence cells (JPEG noise is the
   same all over a picture; in a PNG it is zero). Evidence cells are closed (3x3) and filled
   into connected regions of flat cells; each region is then redone in a window with flatness
   set by the noise of its own evidence cells, so a gently shaded area next to a PNG mosaic is
   not taken in, and its border grows by flat cells that step into it but whose colour does not
   run on into a flat cell outside it (that would be the flat art around the mosaic). Each
   region's grid is checked once more on the gradients inside the region alone, among the
   multiples and divisors of its block size (the period score of 1.); a better one replaces it.
4. Decision. A region's confidence is the product of: the amount of evidence (cells, plus
   tile votes for the grid); grid lines with clean steps on *both* axes (one straight edge of
   the art lying on a grid line gives one axis only); clean steps well above the noise; the
   fold quality (the gradients inside the region peak on its own grid lines); and a palette
   term: mosaic blocks are averages, so a block straddling an edge of the art takes a colour
   *between* its neighbours' and blocks over texture all differ, while pixel art and
   checkerboards (exact blocks on a grid too) repeat a few colours with hard steps. The
   palette term is also pooled over all regions of a grid, since pixel art breaks into many,
   and waived for a region of more than 4 colours on a voted grid when the picture around it
   has edges off that grid (a mosaic of stripes inside an illustration; pixel art is on the
   grid all over).
   On JPEG's own 8x8 grid (offset 0) weak steps do not count: re-compressed smooth areas
   become flat 8x8 blocks. Regions at or above ``min_confidence`` (0.5) are kept; once a grid
   is confirmed, further regions on it need less (a few blocks, steps on one axis). Where
   regions of two grids overlap, the one with more evidence (in pixels) keeps the pixels.

Limits (numbers: ``benchmarks/bench_detect.py``):

* A mosaic over a flat area of the picture *is* that flat area: such blocks are invisible,
  and a region's outline across flat colour is a guess (it ends where the evidence ends).
  Masks cover the blocks that differ from their neighbours plus enclosed flat blocks; on flat
  clip art most of a censor bar can be such invisible blocks.
* Tiny regions (fewer than about 6 blocks with steps on two sides, or one block thick) and
  mosaics of smooth gradients that change along one axis only are usually missed, unless a
  larger region on the same grid confirms the grid.
* A nearest-neighbour upscale of a full-colour picture is a mosaic by definition and is
  reported as one; pixel art with many shades and smooth colour ramps may be too, and so may
  a many-coloured pixel-art patch inside a picture that is otherwise off its grid.
* Blocks of 3-4 px have no inner border to leave out: JPEG at quality 75 or blur (sigma 0.7)
  still find them, but their masks get ragged (IoU about 0.75 in the tests' pictures).
* About 70 bytes per pixel; pictures above ``max_pixels`` (default 2048 x 2048) are analysed
  in overlapping tiles whose regions are joined per grid.

Colours are compared on the sum of the RGB channels' absolute differences (0-765); spreads are
the Euclidean norm of the three channels' standard deviations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from decensor_app.mosaic import MosaicGrid, estimate_grid

MIN_BLOCK, MAX_BLOCK = 3, 40
#: Gradients are clipped to this (summed RGB) so that a few strong edges of the art do not
#: outweigh many block edges in the period profiles.
GRADIENT_CAP = 128.0
#: Tile sizes of the grid vote (stride: half a tile).
TILE_SIZES = (128, 256)
#: Smaller tiles that only propose grids to examine (their votes are not support), and how many.
SMALL_TILES = (64,)
MAX_SMALL_GRIDS = 10
#: Grid lines a tile must cross for a period to be judged.
MIN_LINES = 4
#: A tile votes when its best residue beats the next best by this share of its own mean.
MIN_PERIOD_CONTRAST = 0.5
#: Mean gradient (summed RGB) on the best residue below which a tile is too flat to judge.
MIN_LINE_GRADIENT = 4.0
#: Grids examined: the most voted ones.
MAX_GRIDS = 10
#: Flat cell: inner spread <= FLAT_ABS + FLAT_REL * (largest colour step to a neighbour).
FLAT_ABS = 4.0
FLAT_REL = 0.05
#: Blocks of 3-4 px keep their border pixels, which blur mixes with the neighbours.
FLAT_REL_SMALL = 0.15
#: Strict flatness inside a region: FLAT_FLOOR + NOISE_FACTOR * (region's noise) + FLAT_REL * step.
FLAT_FLOOR = 1.5
NOISE_FACTOR = 3.0
#: Smallest gradient (summed RGB) on a grid line for a clean step.
MIN_STEP = 4.0
#: The line's gradient must exceed the parallel pixel columns next to it by this factor.
SHARPNESS = 1.2
#: Clean steps around a cell that make it evidence.
MIN_SIDES = 2
#: Growth rounds at a region's border.
GROW_STEPS = 2
#: A region's own grid check must beat the grid it was found on by this factor to replace it.
REFINE_MARGIN = 1.15
#: Evidence cells below which a region is not refined (and only joins a confirmed grid).
MIN_EVIDENCE = 6
#: Tile votes (quality 0-1 each) count as this many evidence cells, up to MAX_SUPPORT votes.
SUPPORT_WEIGHT = 3.0
MAX_SUPPORT = 5.0
#: Pixels of evidence cells a further region on a confirmed grid needs for full confidence.
SECONDARY_AREA = 576.0
#: Median step (summed RGB) a region on JPEG's own 8x8 grid needs for full confidence.
JPEG_STEP = 24.0
#: Mean gradient (summed RGB) around a region below which its surroundings count as flat.
OUTSIDE_GRADIENT = 0.5
#: Hard step between palette colours (summed RGB).
HARD_STEP = 40.0
#: Pictures above this many pixels are analysed in overlapping tiles.
MAX_PIXELS = 2048 * 2048
TILE_OVERLAP = 96


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


# --------------------------------------------------------------------------- picture maps


@dataclass(frozen=True)
class _Maps:
    """Gradients and integral images of one picture."""

    height: int
    width: int
    dx: np.ndarray  # clipped horizontal gradients, (H, W-1) float32
    dy: np.ndarray  # clipped vertical gradients, (H-1, W) float32
    gx: np.ndarray  # integral of dx, (H+1, W)
    gy: np.ndarray  # integral of dy, (H, W+1)
    rgb: np.ndarray  # integral of the colours, (H+1, W+1, 3)
    rgb2: np.ndarray  # integral of the squared colours, (H+1, W+1, 3)


def _channel_sum(diff: np.ndarray) -> np.ndarray:
    """Sum over the last axis of an (..., 3) uint8 array, as float32."""
    flat = diff.reshape(-1, 3).astype(np.float32) @ np.ones(3, np.float32)
    return flat.reshape(diff.shape[:-1])


def _maps(rgb: np.ndarray) -> _Maps:
    image = np.ascontiguousarray(rgb)
    dx = np.minimum(_channel_sum(cv2.absdiff(image[:, 1:], image[:, :-1])), GRADIENT_CAP)
    dy = np.minimum(_channel_sum(cv2.absdiff(image[1:], image[:-1])), GRADIENT_CAP)
    sums, squares = cv2.integral2(image, sdepth=cv2.CV_64F, sqdepth=cv2.CV_64F)
    return _Maps(
        image.shape[0],
        image.shape[1],
        dx,
        dy,
        cv2.integral(dx, sdepth=cv2.CV_64F),
        cv2.integral(dy, sdepth=cv2.CV_64F),
        sums,
        squares,
    )


def _box(
    integral: np.ndarray, r0: np.ndarray, r1: np.ndarray, c0: np.ndarray, c1: np.ndarray
) -> np.ndarray:
    """Sums over rows [r0, r1) x columns [c0, c1), for every row range and column range."""
    top, bottom = r0[:, None], r1[:, None]
    left, right = c0[None, :], c1[None, :]
    return (
        integral[bottom, right]
        - integral[top, right]
        - integral[bottom, left]
        + integral[top, left]
    )


# --------------------------------------------------------------------------- 1. grid votes


def _period_scores(profiles: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per profile (row) and block size 3-40: score, offset and the best residue's mean.

    ``profiles[:, i]`` is the gradient between positions i and i+1, so a peak at i means blocks
    start at i + 1. Blocks whose lines the profile crosses fewer than MIN_LINES times score
    -inf.
    """
    count, length = profiles.shape
    blocks = np.arange(MIN_BLOCK, MAX_BLOCK + 1)
    score = np.full((count, blocks.size), -np.inf)
    offset = np.zeros((count, blocks.size), np.int64)
    strength = np.zeros((count, blocks.size))
    rows = np.arange(count)
    for k, block in enumerate(blocks):
        lines = length // block
        if lines < MIN_LINES:
            break
        by_offset = profiles[:, : lines * block].reshape(count, lines, block).mean(axis=1)
        best = by_offset.argmax(axis=1)
        on = by_offset[rows, best]
        by_offset[rows, best] = -np.inf
        if block >= 5:  # blur spreads a step onto the neighbouring columns
            by_offset[rows, (best + 1) % block] = -np.inf
            by_offset[rows, (best - 1) % block] = -np.inf
        score[:, k] = on - by_offset.max(axis=1)
        offset[:, k] = (best + 1) % block
        strength[:, k] = on
    return score, offset, strength


def _tile_starts(length: int, tile: int, stride: int) -> np.ndarray:
    return np.array(sorted(set(range(0, length - tile + 1, stride)) | {length - tile}))


def _grid_votes(maps: _Maps, tile_sizes: tuple[int, ...] = TILE_SIZES) -> dict[MosaicGrid, float]:
    """Grids that tiles vote for, each with the summed quality (0-1) of its votes."""
    height, width = maps.height, maps.width
    votes: dict[MosaicGrid, float] = {}
    blocks = np.arange(MIN_BLOCK, MAX_BLOCK + 1)
    for tile in tile_sizes:
        th, tw = min(tile, height), min(tile, width)
        if min(th, tw) < MIN_LINES * MIN_BLOCK + 1:
            continue
        ys = _tile_starts(height, th, tile // 2)
        xs = _tile_starts(width, tw, tile // 2)
        # Column profiles of horizontal gradients per tile, from band sums of the integral.
        columns = np.diff(maps.gx[ys + th] - maps.gx[ys], axis=1) / th  # (tiles_y, W-1)
        prof_x = columns[:, xs[:, None] + np.arange(tw - 1)].reshape(-1, tw - 1)
        rows_ = np.diff(maps.gy[:, xs + tw] - maps.gy[:, xs], axis=0).T / tw  # (tiles_x, H-1)
        prof_y = rows_[:, ys[:, None] + np.arange(th - 1)].transpose(1, 0, 2).reshape(-1, th - 1)
        score_x, offset_x, on_x = _period_scores(prof_x)
        score_y, offset_y, on_y = _period_scores(prof_y)
        score = np.minimum(score_x, score_y)
        with np.errstate(invalid="ignore"):
            quality = np.minimum(score_x / np.maximum(on_x, 1e-6), score_y / np.maximum(on_y, 1e-6))
        score[np.minimum(on_x, on_y) < MIN_LINE_GRADIENT] = -np.inf
        pick = score.argmax(axis=1)
        index = np.arange(score.shape[0])
        good = np.isfinite(score[index, pick]) & (quality[index, pick] >= MIN_PERIOD_CONTRAST)
        tile_y = np.repeat(ys, len(xs))
        tile_x = np.tile(xs, len(ys))
        for t in np.nonzero(good)[0]:
            k = pick[t]
            block = int(blocks[k])
            grid = MosaicGrid(
                block,
                int((tile_x[t] + offset_x[t, k]) % block),
                int((tile_y[t] + offset_y[t, k]) % block),
            )
            votes[grid] = votes.get(grid, 0.0) + float(quality[t, k])
    return votes


# --------------------------------------------------------------------------- 2. cells


def _cell_edges(offset: int, block: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of every cell along one axis, partial cells included."""
    starts = np.arange(offset, length, block)
    if offset > 0:
        starts = np.concatenate([[0], starts])
    ends = np.concatenate([starts[1:], [length]])
    return starts, ends


@dataclass
class _Cells:
    """Statistics of every cell of one grid (arrays indexed by cell row, cell column)."""

    grid: MosaicGrid
    y0: np.ndarray
    y1: np.ndarray
    x0: np.ndarray
    x1: np.ndarray
    means: np.ndarray  # inner mean colour (rows, cols, 3)
    spread: np.ndarray  # inner spread (rows, cols)
    contrast: np.ndarray  # largest colour step to a neighbour cell (rows, cols)
    flat: np.ndarray  # (rows, cols) bool
    line_v: np.ndarray  # gradient on the line between columns j and j+1 (rows, cols-1)
    line_h: np.ndarray  # (rows-1, cols)
    sharp_v: np.ndarray  # a step on that line, sharper than beside it (rows, cols-1) bool
    sharp_h: np.ndarray  # (rows-1, cols) bool


@dataclass
class _Steps:
    """Clean steps and evidence for one flatness map (a whole grid or one region's window)."""

    flat: np.ndarray
    step_v: np.ndarray
    step_h: np.ndarray
    evidence: np.ndarray


def _steps(flat: np.ndarray, sharp_v: np.ndarray, sharp_h: np.ndarray) -> _Steps:
    step_v = sharp_v & flat[:, :-1] & flat[:, 1:]
    step_h = sharp_h & flat[:-1] & flat[1:]
    sides = np.zeros(flat.shape, np.int8)
    sides[:, :-1] += step_v
    sides[:, 1:] += step_v
    sides[:-1] += step_h
    sides[1:] += step_h
    return _Steps(flat, step_v, step_h, flat & (sides >= MIN_SIDES))


def _cells(maps: _Maps, grid: MosaicGrid) -> _Cells:
    block = grid.block
    y0, y1 = _cell_edges(grid.offset_y, block, maps.height)
    x0, x1 = _cell_edges(grid.offset_x, block, maps.width)
    margin = 1 if block >= 5 else 0
    iy0 = np.where(y1 - y0 > 2 * margin, y0 + margin, y0)
    iy1 = np.where(y1 - y0 > 2 * margin, y1 - margin, y1)
    ix0 = np.where(x1 - x0 > 2 * margin, x0 + margin, x0)
    ix1 = np.where(x1 - x0 > 2 * margin, x1 - margin, x1)
    area = ((iy1 - iy0)[:, None] * (ix1 - ix0)[None, :])[..., None]
    means = _box(maps.rgb, iy0, iy1, ix0, ix1) / area
    squares = _box(maps.rgb2, iy0, iy1, ix0, ix1) / area
    spread = np.sqrt(np.maximum(squares - means * means, 0).sum(axis=2))

    # JPEG rings around strong steps, so flatness is judged relative to the largest step.
    contrast = np.zeros(spread.shape)
    diff_v = np.abs(np.diff(means, axis=1)).sum(axis=2)
    diff_h = np.abs(np.diff(means, axis=0)).sum(axis=2)
    contrast[:, :-1] = np.maximum(contrast[:, :-1], diff_v)
    contrast[:, 1:] = np.maximum(contrast[:, 1:], diff_v)
    contrast[:-1] = np.maximum(contrast[:-1], diff_h)
    contrast[1:] = np.maximum(contrast[1:], diff_h)
    flat = spread <= FLAT_ABS + (FLAT_REL if margin else FLAT_REL_SMALL) * contrast

    # Gradient on each grid-line segment (the pixel pair across the line, averaged along the
    # cell's inner rows) and on the parallel pixel pairs one to the left and to the right.
    last_x, last_y = maps.width - 2, maps.height - 2
    lx, ly = x0[1:], y0[1:]
    heights = np.maximum(iy1 - iy0, 1)[:, None]
    widths = np.maximum(ix1 - ix0, 1)[None, :]
    line_v = _box(maps.gx, iy0, iy1, lx - 1, lx) / heights
    beside_v = (
        np.maximum(
            _box(maps.gx, iy0, iy1, np.maximum(lx - 2, 0), np.maximum(lx - 1, 0)),
            _box(maps.gx, iy0, iy1, np.minimum(lx, last_x), np.minimum(lx + 1, last_x + 1)),
        )
        / heights
    )
    line_h = _box(maps.gy, ly - 1, ly, ix0, ix1) / widths
    beside_h = (
        np.maximum(
            _box(maps.gy, np.maximum(ly - 2, 0), np.maximum(ly - 1, 0), ix0, ix1),
            _box(maps.gy, np.minimum(ly, last_y), np.minimum(ly + 1, last_y + 1), ix0, ix1),
        )
        / widths
    )
    sharp_v = (line_v >= MIN_STEP) & (line_v >= SHARPNESS * beside_v)
    sharp_h = (line_h >= MIN_STEP) & (line_h >= SHARPNESS * beside_h)
    return _Cells(
        grid, y0, y1, x0, x1, means, spread, contrast, flat, line_v, line_h, sharp_v, sharp_h
    )


# --------------------------------------------------------------------------- 3. regions


def _close(cells: np.ndarray) -> np.ndarray:
    """Morphological closing (3x3) with nothing beyond the array's edges."""
    padded = np.pad(cells.astype(np.uint8), 2)
    closed = cv2.morphologyEx(padded, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    return closed[2:-2, 2:-2] > 0


def _fill_holes(cells: np.ndarray) -> np.ndarray:
    """Cells enclosed by the region belong to it."""
    flood = np.pad(cells.astype(np.uint8), 1)
    cv2.floodFill(flood, None, (0, 0), 1)
    return cells | (flood[1:-1, 1:-1] == 0)


@dataclass
class _Region:
    """A candidate region: cells of one grid inside a window of its cell array."""

    cells: _Cells
    window: tuple[slice, slice]  # cell rows, cell columns
    inside: np.ndarray  # bool, the window's shape
    steps: _Steps  # the window's steps and evidence, for the region's own flatness
    support: float
    features: dict[str, float] = field(default_factory=dict)
    confidence: float = 0.0

    @property
    def grid(self) -> MosaicGrid:
        return self.cells.grid

    def pixel_box(self) -> tuple[int, int, int, int]:
        """(top, bottom, left, right) of the window in pixels."""
        rows, cols = self.window
        c = self.cells
        return (
            int(c.y0[rows.start]),
            int(c.y1[rows.stop - 1]),
            int(c.x0[cols.start]),
            int(c.x1[cols.stop - 1]),
        )

    def pixel_crop(self) -> np.ndarray:
        """The region as pixels, over :meth:`pixel_box` only."""
        rows, cols = self.window
        c = self.cells
        heights = (c.y1 - c.y0)[rows]
        widths = (c.x1 - c.x0)[cols]
        return np.repeat(np.repeat(self.inside, heights, axis=0), widths, axis=1)

    def mask(self, shape: tuple[int, int]) -> np.ndarray:
        top, bottom, left, right = self.pixel_box()
        full = np.zeros(shape, bool)
        full[top:bottom, left:right] = self.pixel_crop()
        return full


def _grow(
    cells: _Cells,
    window: tuple[slice, slice],
    inside: np.ndarray,
    steps: _Steps,
    noise: float,
    flat: np.ndarray,
) -> np.ndarray:
    """Add border cells: flat cells with a clean step into the region whose colour does not
    run on into a flat cell outside it (that would be the flat art around the mosaic)."""
    rows, cols = window
    same = max(MIN_STEP, NOISE_FACTOR * noise)
    low_v = cells.line_v[rows, cols.start : cols.stop - 1] < same
    low_h = cells.line_h[rows.start : rows.stop - 1, cols] < same
    for _ in range(GROW_STEPS):
        into = np.zeros_like(inside)
        into[:, :-1] |= steps.step_v & inside[:, 1:]
        into[:, 1:] |= steps.step_v & inside[:, :-1]
        into[:-1] |= steps.step_h & inside[1:]
        into[1:] |= steps.step_h & inside[:-1]
        runs_on = np.zeros_like(inside)
        runs_on[:, :-1] |= low_v & flat[:, 1:] & ~inside[:, 1:]
        runs_on[:, 1:] |= low_v & flat[:, :-1] & ~inside[:, :-1]
        runs_on[:-1] |= low_h & flat[1:] & ~inside[1:]
        runs_on[1:] |= low_h & flat[:-1] & ~inside[:-1]
        add = into & steps.flat & ~runs_on & ~inside
        if not add.any():
            break
        inside = inside | add
    return inside


def _regions(cells: _Cells, support: float) -> list[_Region]:
    """Connected groups of flat cells held together by evidence, on one grid.

    Found with the grid's flatness, then each redone in a window around it with flatness
    tightened (or, under JPEG, loosened) to the noise of its own evidence cells.
    """
    whole = _steps(cells.flat, cells.sharp_v, cells.sharp_h)
    if whole.evidence.sum() < 3:
        return []
    # JPEG noise is the same all over the picture: loosen flatness to the evidence's noise.
    noise = float(np.median(cells.spread[whole.evidence]))
    loosened = cells.spread <= FLAT_FLOOR + NOISE_FACTOR * noise + FLAT_REL * cells.contrast
    flat_all = cells.flat | loosened
    whole = _steps(flat_all, cells.sharp_v, cells.sharp_h)
    evidence = whole.evidence
    loose = _fill_holes(_close(evidence) & flat_all) | evidence
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        loose.astype(np.uint8), connectivity=8
    )
    rows_total, cols_total = evidence.shape
    pad = GROW_STEPS + 2
    out = []
    for label in range(1, count):
        x, y, w, h, _ = stats[label]
        core = labels[y : y + h, x : x + w] == label
        own = core & evidence[y : y + h, x : x + w]
        if own.sum() < 3:
            continue
        noise = float(np.median(cells.spread[y : y + h, x : x + w][own]))
        rows = slice(max(y - pad, 0), min(y + h + pad, rows_total))
        cols = slice(max(x - pad, 0), min(x + w + pad, cols_total))
        window = (rows, cols)
        near = np.zeros((rows.stop - rows.start, cols.stop - cols.start), np.uint8)
        near[y - rows.start : y - rows.start + h, x - cols.start : x - cols.start + w] = core
        near = cv2.dilate(near, np.ones((3, 3), np.uint8)) > 0
        flat = cells.spread[window] <= (
            FLAT_FLOOR + NOISE_FACTOR * noise + FLAT_REL * cells.contrast[window]
        )
        steps = _steps(
            flat, cells.sharp_v[rows, cols.start : cols.stop - 1],
            cells.sharp_h[rows.start : rows.stop - 1, cols],
        )  # fmt: skip
        seeds = steps.evidence & near
        inside = _fill_holes((_close(seeds) & flat) | seeds)
        inside = _grow(cells, window, inside, steps, noise, flat_all[window])
        region = _Region(cells, window, inside, steps, support)
        region.features["noise"] = noise
        region.features["support"] = support
        out.append(region)
    return out


def _fold(
    profile: np.ndarray, weight: np.ndarray, start: int, block: int, at: int | None = None
) -> tuple[float, int, float]:
    """(score, offset, on) of one weighted gradient profile folded by ``block``, as in the
    vote: ``on`` is the mean of the best residue (or of the one for offset ``at``) and the
    score is ``on`` minus the next best residue.

    ``profile[i]`` is the gradient between absolute positions start+i and start+i+1.
    """
    residue = (start + np.arange(profile.size) + 1) % block
    sums = np.bincount(residue, weights=profile * weight, minlength=block)
    counts = np.bincount(residue, weights=weight, minlength=block)
    lines = np.bincount(residue, weights=(weight > 0).astype(float), minlength=block)
    if lines.max() < 2:
        return -math.inf, 0, 0.0
    means = sums / np.maximum(counts, 1e-6)
    best = int(np.argmax(means)) if at is None else at
    on = float(means[best])
    means[best] = -np.inf
    if block >= 5:
        means[(best + 1) % block] = -np.inf
        means[(best - 1) % block] = -np.inf
    return on - float(means.max()), best, on


def _related_blocks(block: int) -> list[int]:
    out = {block}
    for k in (2, 3, 4):
        if block * k <= MAX_BLOCK:
            out.add(block * k)
        if block % k == 0 and block // k >= MIN_BLOCK:
            out.add(block // k)
    return sorted(out)


_Profiles = tuple[np.ndarray, np.ndarray, int, np.ndarray, np.ndarray, int]


def _profiles(maps: _Maps, region: _Region) -> _Profiles | None:
    """Mean gradient per pixel column and per pixel row, over the pixel pairs inside the
    region, with their pair counts: (profile_x, weight_x, left, profile_y, weight_y, top)."""
    top, bottom, left, right = region.pixel_box()
    mask = region.pixel_crop()
    pairs_x = (mask[:, :-1] & mask[:, 1:]).astype(np.float32)
    pairs_y = (mask[:-1] & mask[1:]).astype(np.float32)
    if pairs_x.shape[1] < 2 or pairs_y.shape[0] < 2:
        return None
    weight_x = pairs_x.sum(axis=0)
    weight_y = pairs_y.sum(axis=1)
    profile_x = (maps.dx[top:bottom, left : right - 1] * pairs_x).sum(axis=0)
    profile_y = (maps.dy[top : bottom - 1, left:right] * pairs_y).sum(axis=1)
    profile_x /= np.maximum(weight_x, 1)
    profile_y /= np.maximum(weight_y, 1)
    return profile_x, weight_x, left, profile_y, weight_y, top


def _refine_grid(profiles: _Profiles | None, grid: MosaicGrid) -> MosaicGrid:
    """The grid (block among the multiples and divisors of ``grid``'s, and offset) that the
    gradients inside a region fold best on."""
    if profiles is None:
        return grid
    profile_x, weight_x, left, profile_y, weight_y, top = profiles
    best = (-math.inf, grid)
    for block in _related_blocks(grid.block):
        score_x, offset_x, _ = _fold(profile_x, weight_x, left, block)
        score_y, offset_y, _ = _fold(profile_y, weight_y, top, block)
        score = min(score_x, score_y)
        if block == grid.block:
            score *= REFINE_MARGIN
        if score > best[0]:
            best = (score, MosaicGrid(block, offset_x, offset_y))
    return best[1]


def _fold_quality(profiles: _Profiles | None, grid: MosaicGrid) -> float:
    """How clearly the gradients inside a region peak on its own grid lines, on the weaker
    axis: (line mean - next best residue) / line mean, at most 1; 0 when they do not."""
    if profiles is None:
        return 0.0
    profile_x, weight_x, left, profile_y, weight_y, top = profiles
    block = grid.block
    score_x, _, on_x = _fold(profile_x, weight_x, left, block, grid.offset_x % block)
    score_y, _, on_y = _fold(profile_y, weight_y, top, block, grid.offset_y % block)
    if on_x <= 0 or on_y <= 0:
        return 0.0
    return _clip(min(score_x / on_x, score_y / on_y))


def _off_grid_outside(maps: _Maps, region: _Region) -> float:
    """1 when the picture around the region (a block away from it) has edges off the region's
    grid lines, 0 when it is flat or folds on the grid too (pixel art: all on the grid)."""
    grid = region.grid
    shape = (maps.height, maps.width)
    near = cv2.dilate(
        region.mask(shape).view(np.uint8), np.ones((3, 3), np.uint8), iterations=grid.block
    )
    away = near == 0
    pairs_x = (away[:, :-1] & away[:, 1:]).astype(np.float32)
    pairs_y = (away[:-1] & away[1:]).astype(np.float32)
    weight_x, weight_y = pairs_x.sum(axis=0), pairs_y.sum(axis=1)
    if weight_x.sum() == 0 or weight_y.sum() == 0:
        return 0.0
    sum_x = (maps.dx * pairs_x).sum(axis=0)
    if sum_x.sum() / weight_x.sum() < OUTSIDE_GRADIENT:
        return 0.0  # flat around: nothing to tell
    profile_x = sum_x / np.maximum(weight_x, 1)
    profile_y = (maps.dy * pairs_y).sum(axis=1) / np.maximum(weight_y, 1)
    block = grid.block
    score_x, _, on_x = _fold(profile_x, weight_x, 0, block, grid.offset_x % block)
    score_y, _, on_y = _fold(profile_y, weight_y, 0, block, grid.offset_y % block)
    if on_x <= 0 or on_y <= 0:
        return 0.0
    quality = max(score_x / on_x, score_y / on_y)
    return _clip((0.3 - quality) / 0.3)


# --------------------------------------------------------------------------- 4. decision


def _blends(means: np.ndarray) -> np.ndarray:
    """Cells whose colour lies between those of two opposite neighbours, as a mosaic block
    straddling an edge of the art does."""
    out = np.zeros(means.shape[:2], bool)
    for axis in (0, 1):
        n = means.shape[axis]
        if n < 3:
            continue
        a = np.take(means, range(0, n - 2), axis=axis)
        c = np.take(means, range(1, n - 1), axis=axis)
        b = np.take(means, range(2, n), axis=axis)
        d = b - a
        length2 = (d * d).sum(axis=-1)
        t = ((c - a) * d).sum(axis=-1) / np.maximum(length2, 1e-6)
        off = np.linalg.norm(c - a - t[..., None] * d, axis=-1)
        ok = (t > 0.1) & (t < 0.9) & (off < 0.25 * np.sqrt(length2)) & (length2 > 9)
        if axis == 0:
            out[1:-1] |= ok
        else:
            out[:, 1:-1] |= ok
    return out


def _repeats(colours: np.ndarray) -> np.ndarray:
    """For each colour (N, 3), how many of the colours fall in its 6-level bin (the better of
    two bin phases, so that equal colours split by a bin edge still count together)."""
    best = np.zeros(len(colours), np.int64)
    for shift in (0.0, 3.0):
        q = np.floor((colours + shift) / 6).astype(np.int64)
        key = (q[:, 0] * 64 + q[:, 1]) * 64 + q[:, 2]
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        best = np.maximum(best, counts[inverse.ravel()])
    return best


def _describe(region: _Region) -> None:
    """Fill ``region.features`` (see :func:`_confidence`)."""
    cells, (rows, cols), inside = region.cells, region.window, region.inside
    evidence = region.steps.evidence & inside
    step_v = region.steps.step_v & inside[:, :-1] & inside[:, 1:]
    step_h = region.steps.step_h & inside[:-1] & inside[1:]
    size_v = cells.line_v[rows, cols.start : cols.stop - 1]
    size_h = cells.line_h[rows.start : rows.stop - 1, cols]
    steps = np.concatenate([size_v[step_v], size_h[step_h]])
    means = cells.means[rows, cols]
    repeats = np.zeros(inside.shape, np.int64)
    repeats[inside] = _repeats(means[inside])
    hard_v = step_v & (size_v >= HARD_STEP) & (repeats[:, :-1] >= 4) & (repeats[:, 1:] >= 4)
    hard_h = step_h & (size_h >= HARD_STEP) & (repeats[:-1] >= 4) & (repeats[1:] >= 4)
    n_steps = int(step_v.sum() + step_h.sum())
    blends = _blends(means)
    region.features.update(
        colours=float(len(np.unique(np.floor(means[inside] / 6).astype(np.int64), axis=0))),
        evidence=float(evidence.sum()),
        steps_v=float(step_v.sum()),
        steps_h=float(step_h.sum()),
        lines_x=float(step_v.any(axis=0).sum()),
        lines_y=float(step_h.any(axis=1).sum()),
        step=float(np.median(steps)) if steps.size else 0.0,
        blend=float(blends[evidence].mean()) if evidence.any() else 0.0,
        unique=float((repeats[evidence] <= 2).mean()) if evidence.any() else 0.0,
        hard=float((hard_v.sum() + hard_h.sum()) / max(n_steps, 1)),
    )


def _clip(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def _palette_term(blend: float, unique: float, hard: float) -> float:
    """1 for block colours that are blends or all different (a mosaic of an illustration or a
    photo), 0 for a palette of repeated colours with hard steps (pixel art, checkerboards)."""
    mosaic_like = max(_clip((blend - 0.12) / 0.2), _clip((unique - 0.3) / 0.3))
    return mosaic_like * _clip(1 - (hard - 2 * blend) / 0.3)


def _confidence(f: dict[str, float], secondary: bool = False) -> float:
    """0-1 from a region's features: the product of

    * the amount of evidence: evidence cells, plus tile votes for the grid (each worth up to
      SUPPORT_WEIGHT cells); a grid that no tile voted for (a divisor tried on spec) needs
      three times as many cells;
    * grid lines with steps on both axes;
    * clean steps well above the noise (median step / median evidence spread), and that noise
      itself not beyond what JPEG leaves in a block;
    * the palette term of the region and of all regions on its grid (pooled), waived for a
      region of more than 4 colours on a voted grid when the picture around it has edges off
      that grid (a mosaic of stripes or flat shapes inside an illustration; pixel art is all
      on the grid);
    * the fold quality: the gradients inside the region peak on its own grid lines;
    * on the grid of JPEG's own blocks (8 or 16 px at offset 0, 0), a median step of at least
      JPEG_STEP: re-compressed smooth areas become flat 8x8 blocks with weak steps.

    A further region on a grid that another region confirmed (``secondary``) is judged on its
    own evidence cells only (no votes; and at least SECONDARY_AREA pixels of them), needs a
    few clean steps on any axis, not both, and only a hint of a fold (a few blocks fold
    noisily).
    """
    if secondary:
        area = f["evidence"] * f["block"] ** 2  # a few small blocks are mostly chance
        amount = (1 - math.exp(-f["evidence"] / 4)) * _clip(area / SECONDARY_AREA)
        axes = _clip((f["steps_v"] + f["steps_h"]) / 3)
    else:
        support = SUPPORT_WEIGHT * min(f["support"], MAX_SUPPORT)
        scale = 8.0 if f["support"] > 0 else 24.0
        amount = 1 - math.exp(-(f["evidence"] + support) / scale)
        axes = _clip(min(f["lines_x"], f["lines_y"]) / 3) * _clip(
            min(f["steps_v"], f["steps_h"]) / 2
        )
    clean = _clip((f["step"] / (f["noise"] + 1) - 1.5) / 2.0) * _clip((22 - f["noise"]) / 6)
    palette = min(
        _palette_term(f["blend"], f["unique"], f["hard"]),
        _palette_term(f["grid_blend"], f["grid_unique"], f["grid_hard"]),
    )
    if f["colours"] > 4 and f["support"] > 0:  # palette-like, in a picture off the grid
        palette = max(palette, f.get("off_grid", 0.0))
    fold = _clip(f["fold"] / 0.2) if secondary else _clip((f["fold"] - 0.2) / 0.3)
    if f["jpeg_grid"]:  # JPEG's own blocks: weak steps on the 8 px grid at offset 0
        clean *= _clip((f["step"] - JPEG_STEP / 2) / (JPEG_STEP / 2))
    return amount * axes * clean * palette * fold


def _candidates(maps: _Maps) -> list[_Region]:
    """All candidate regions, on the voted grids and on the grids they refine to."""
    votes = _grid_votes(maps)
    ranked = sorted(votes.items(), key=lambda item: -item[1])[:MAX_GRIDS]
    grids = dict(ranked)
    # A small mosaic beside a large one (or in busy art) rarely wins a 128 px tile's vote:
    # 64 px tiles propose more grids. Their votes do not count as support (the confidence's
    # evidence term): on text and pixel art small tiles vote for chance grids too.
    small = _grid_votes(maps, SMALL_TILES)
    for grid, _ in sorted(small.items(), key=lambda item: -item[1])[:MAX_SMALL_GRIDS]:
        grids.setdefault(grid, 0.0)
    for grid, _ in ranked[:3]:
        for k in (2, 3):
            if grid.block % k == 0 and grid.block // k >= MIN_BLOCK:
                block = grid.block // k
                grids.setdefault(MosaicGrid(block, grid.offset_x % block, grid.offset_y % block), 0)
    cache: dict[MosaicGrid, list[_Region]] = {}

    def regions_of(grid: MosaicGrid) -> list[_Region]:
        if grid not in cache:
            cache[grid] = _regions(_cells(maps, grid), grids.get(grid, 0.0))
            for region in cache[grid]:
                _describe(region)
        return cache[grid]

    chosen: dict[int, _Region] = {}
    for grid in list(grids):
        for region in regions_of(grid):
            if region.features["evidence"] < MIN_EVIDENCE:
                chosen[id(region)] = region  # too small to check; may join a confirmed grid
                continue
            better = _refine_grid(_profiles(maps, region), grid)
            if better == grid:
                chosen[id(region)] = region
                continue
            top, bottom, left, right = region.pixel_box()
            crop = region.pixel_crop()
            for other in regions_of(better):
                o_top, o_bottom, o_left, o_right = other.pixel_box()
                y0, y1 = max(top, o_top), min(bottom, o_bottom)
                x0, x1 = max(left, o_left), min(right, o_right)
                if y0 >= y1 or x0 >= x1 or other.features["evidence"] < MIN_EVIDENCE:
                    continue
                mine = crop[y0 - top : y1 - top, x0 - left : x1 - left]
                theirs = other.pixel_crop()[y0 - o_top : y1 - o_top, x0 - o_left : x1 - o_left]
                if (mine & theirs).any():
                    # The votes for the grid it was found on count for the refined one too.
                    other.support = max(other.support, region.support)
                    other.features["support"] = other.support
                    chosen[id(other)] = other
    result = list(chosen.values())
    for region in result:
        grid = region.grid
        region.features["fold"] = _fold_quality(_profiles(maps, region), grid)
        region.features["block"] = float(grid.block)
        region.features["jpeg_grid"] = float(
            grid.block in (8, 16) and grid.offset_x % 8 == 0 and grid.offset_y % 8 == 0
        )
    # Pixel art and checkerboards break into many regions: judge their palette per grid too.
    for grid in {region.grid for region in result}:
        same = [region for region in result if region.grid == grid]
        weights = np.array([r.features["evidence"] for r in same]) + 1e-9
        step_weights = np.array([r.features["steps_v"] + r.features["steps_h"] for r in same])
        blend = float(np.average([r.features["blend"] for r in same], weights=weights))
        unique = float(np.average([r.features["unique"] for r in same], weights=weights))
        hard = float(np.average([r.features["hard"] for r in same], weights=step_weights + 1e-9))
        for region in same:
            region.features["grid_blend"] = blend
            region.features["grid_unique"] = unique
            region.features["grid_hard"] = hard
    return result


def _detect(rgb: np.ndarray, min_confidence: float) -> list[MosaicRegion]:
    shape = rgb.shape[:2]
    maps = _maps(rgb)
    candidates = _candidates(maps)
    accepted: list[_Region] = []
    confirmed: dict[MosaicGrid, float] = {}
    for region in candidates:
        region.confidence = _confidence(region.features)
        features = region.features
        if region.confidence < min_confidence and features["colours"] > 4 and features["support"]:
            # Palette-like colours (stripes, flat shapes) pass when the rest of the picture
            # is not on the grid: pixel art is all on it. Measured only where it matters.
            region.features["off_grid"] = 1.0
            if _confidence(region.features) >= min_confidence:
                region.features["off_grid"] = _off_grid_outside(maps, region)
                region.confidence = _confidence(region.features)
            else:
                region.features["off_grid"] = 0.0
        if region.confidence >= min_confidence:
            accepted.append(region)
            confirmed[region.grid] = max(confirmed.get(region.grid, 0.0), region.confidence)
    for region in candidates:
        if region.grid in confirmed and region.confidence < min_confidence:
            further = _confidence(region.features, secondary=True)
            if further >= min_confidence:
                region.confidence = min(further, confirmed[region.grid])
                accepted.append(region)
    # Overlaps between grids: the region with more evidence (in pixels) keeps them.
    accepted.sort(key=lambda r: -r.features["evidence"] * r.grid.block**2 * r.confidence)
    taken = np.zeros(shape, bool)
    kept = []
    for region in accepted:
        mask = region.mask(shape)
        area = int(mask.sum())
        if area == 0 or (mask & taken).sum() > 0.3 * area:
            continue
        mask &= ~taken
        taken |= mask
        kept.append(MosaicRegion(mask, region.grid, float(region.confidence)))
    kept.sort(key=lambda region: -int(region.mask.sum()))
    return kept


def _detect_tiled(rgb: np.ndarray, min_confidence: float, tile: int) -> list[MosaicRegion]:
    """Large pictures: overlapping tiles, then the regions of each grid joined."""
    height, width = rgb.shape[:2]
    step = tile - TILE_OVERLAP
    # Per grid (in picture coordinates): the highest confidence seen at each pixel, 0-255.
    maps: dict[MosaicGrid, np.ndarray] = {}
    for top in range(0, max(height - TILE_OVERLAP, 1), step):
        for left in range(0, max(width - TILE_OVERLAP, 1), step):
            part = rgb[top : top + tile, left : left + tile]
            for region in _detect(part, min_confidence):
                grid = region.grid
                absolute = MosaicGrid(
                    grid.block,
                    (grid.offset_x + left) % grid.block,
                    (grid.offset_y + top) % grid.block,
                )
                if absolute not in maps:
                    maps[absolute] = np.zeros((height, width), np.uint8)
                view = maps[absolute][top : top + part.shape[0], left : left + part.shape[1]]
                level = max(1, round(255 * region.confidence))
                view[region.mask] = np.maximum(view[region.mask], level)
    found = []
    for grid, levels in maps.items():
        count, labels = cv2.connectedComponents((levels > 0).astype(np.uint8), connectivity=8)
        for label in range(1, count):
            component = labels == label
            found.append(MosaicRegion(component, grid, float(levels[component].max()) / 255))
    found.sort(key=lambda region: -int(region.mask.sum()))
    taken = np.zeros((height, width), bool)
    kept = []
    for region in found:
        if (region.mask & taken).sum() > 0.3 * region.mask.sum():
            continue
        region.mask &= ~taken
        taken |= region.mask
        kept.append(region)
    return kept


def detect_mosaics(
    rgb: np.ndarray, *, min_confidence: float = 0.5, max_pixels: int = MAX_PIXELS
) -> list[MosaicRegion]:
    """All mosaic regions of a picture.

    Args:
        rgb: HxWx3 uint8 RGB.
        min_confidence: regions below this confidence (0-1) are dropped.
        max_pixels: larger pictures are analysed in overlapping tiles of about this many pixels
            (bounds memory: about 70 bytes per pixel analysed at once).

    Returns:
        Regions, largest first; where regions of two grids claim the same pixels, the one with
        more evidence keeps them.
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected HxWx3 uint8 RGB, got {rgb.dtype} {rgb.shape}")
    height, width = rgb.shape[:2]
    if min(height, width) < 2 * MIN_BLOCK:
        return []
    if height * width > max_pixels:
        return _detect_tiled(rgb, min_confidence, max(int(math.sqrt(max_pixels)), 512))
    return _detect(rgb, min_confidence)


def region_grid(rgb: np.ndarray, region: np.ndarray) -> MosaicGrid | None:
    """The grid of the mosaic inside ``region``: the exact estimate
    (:func:`decensor_app.mosaic.estimate_grid`), or, where that finds none (JPEG noise and
    blur break its equal-colour test), the grid of the detected mosaic covering most of it.

    Args:
        rgb: HxWx3 uint8 RGB, the picture (or a crop with context around the region).
        region: HxW bool, True where the mosaic is (a green region).

    Returns:
        The grid in ``rgb``'s pixels, or None when neither finds one.
    """
    found = estimate_grid(rgb, region)
    if found is not None or not region.any():
        return found
    return grid_covering([(r.mask, r.grid) for r in detect_mosaics(rgb)], region)


def grid_covering(
    masks_and_grids: Sequence[tuple[np.ndarray, MosaicGrid]], region: np.ndarray
) -> MosaicGrid | None:
    """The grid whose mask (HxW bool, like ``region``) covers most of ``region``; None when
    none touches it."""
    overlaps = [(int(np.count_nonzero(mask & region)), grid) for mask, grid in masks_and_grids]
    covered, grid = max(overlaps, key=lambda item: item[0], default=(0, None))
    return grid if covered else None


def detection_mask(regions: list[MosaicRegion], shape: tuple[int, int]) -> np.ndarray:
    """Union of the regions' masks: HxW bool."""
    mask = np.zeros(shape, bool)
    for region in regions:
        mask |= region.mask
    return mask
