"""The classical mosaic detector: what it finds, what it must not find, and its result format."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from decensor_app.detect import MosaicRegion, detect_mosaics, detection_mask, region_grid
from decensor_app.mosaic import MosaicGrid, estimate_grid, pixelate
from decensor_app.pipeline.grids import estimated_patch_grid
from tests.conftest import box, scene


def busy(width: int, height: int, seed: int = 0) -> np.ndarray:
    """An illustration-like picture with detail everywhere: a scene plus strokes and dots."""
    picture = scene(width, height, seed)
    rng = np.random.default_rng(seed + 100)
    for _ in range(width * height // 1500):
        colour = tuple(int(c) for c in rng.integers(20, 230, 3))
        start = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        if rng.random() < 0.5:
            cv2.circle(picture, start, int(rng.integers(3, 25)), colour, -1, cv2.LINE_AA)
        else:
            end = (int(rng.integers(0, width)), int(rng.integers(0, height)))
            cv2.line(picture, start, end, colour, int(rng.integers(1, 6)), cv2.LINE_AA)
    return picture


def whole_blocks(region: np.ndarray, grid: MosaicGrid) -> np.ndarray:
    """The blocks of ``grid`` more than half covered by ``region`` (HxW bool)."""
    cover = np.repeat(region.astype(np.uint8)[..., None] * 255, 3, axis=2)
    return pixelate(cover, grid)[..., 0] > 127


def censor(
    picture: np.ndarray, grid: MosaicGrid, region: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``picture`` with a mosaic on the whole blocks of ``region``; and those blocks."""
    blocks = whole_blocks(region, grid)
    out = picture.copy()
    out[blocks] = pixelate(picture, grid)[blocks]
    return out, blocks


def jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return np.ascontiguousarray(cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1])


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max((a | b).sum(), 1))


def centre_box(width: int, height: int) -> np.ndarray:
    return box(height, width, width // 5, height // 5, width * 3 // 5, height * 3 // 5)


# --------------------------------------------------------------------------- finds mosaics


@pytest.mark.parametrize(
    ("block", "offset_x", "offset_y"),
    [(3, 1, 2), (4, 0, 0), (6, 5, 1), (8, 3, 5), (13, 6, 12), (24, 12, 23), (40, 20, 39)],
)
def test_finds_the_mosaic_with_its_block_size_and_offset(
    block: int, offset_x: int, offset_y: int
) -> None:
    width, height = (480, 360) if block >= 20 else (320, 240)
    grid = MosaicGrid(block, offset_x, offset_y)
    picture, truth = censor(busy(width, height, seed=block), grid, centre_box(width, height))
    regions = detect_mosaics(picture)
    assert regions, "nothing found"
    assert regions[0].grid == grid
    assert iou(detection_mask(regions, (height, width)), truth) >= 0.85
    assert all(0.0 < region.confidence <= 1.0 for region in regions)


def test_finds_several_regions_with_different_grids_in_one_picture() -> None:
    width, height = 480, 360
    picture = busy(width, height, seed=3)
    fine, coarse = MosaicGrid(6, 2, 4), MosaicGrid(16, 9, 3)
    picture, fine_blocks = censor(picture, fine, box(height, width, 20, 30, 150, 120))
    picture, coarse_blocks = censor(picture, coarse, box(height, width, 260, 150, 190, 180))
    regions = detect_mosaics(picture)
    by_grid = {region.grid: region for region in regions}
    assert set(by_grid) == {fine, coarse}
    assert iou(by_grid[fine].mask, fine_blocks) >= 0.8
    assert iou(by_grid[coarse].mask, coarse_blocks) >= 0.8
    # Largest first.
    sizes = [int(region.mask.sum()) for region in regions]
    assert sizes == sorted(sizes, reverse=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_finds_a_small_mosaic_beside_a_large_one(seed: int) -> None:
    """60 x 60 px of 5 px blocks rarely wins a tile's vote next to a large 16 px mosaic: the
    64 px tiles propose its grid (before they did, this was found in 2 of 8 seeds)."""
    width, height = 640, 480
    large, small = MosaicGrid(16, 3, 9), MosaicGrid(5, 2, 1)
    picture, _ = censor(busy(width, height, seed), large, box(height, width, 40, 40, 360, 300))
    picture, small_blocks = censor(picture, small, box(height, width, 470, 330, 60, 60))
    by_grid = {region.grid: region for region in detect_mosaics(picture)}
    assert set(by_grid) == {large, small}
    found = by_grid[small].mask
    assert (found & small_blocks).sum() >= 0.85 * found.sum()
    # The busy scene leaves some of the 144 blocks flat, so unchanged: IoU 0.67-0.93 by seed.
    assert iou(found, small_blocks) >= 0.6


def test_finds_two_separate_regions_on_one_grid() -> None:
    width, height = 400, 300
    grid = MosaicGrid(10, 4, 7)
    region = box(height, width, 20, 20, 120, 100) | box(height, width, 240, 160, 140, 120)
    picture, truth = censor(busy(width, height, seed=4), grid, region)
    regions = detect_mosaics(picture)
    assert len(regions) == 2
    assert {r.grid for r in regions} == {grid}
    assert iou(detection_mask(regions, (height, width)), truth) >= 0.85


def test_finds_a_region_of_irregular_shape_made_of_whole_blocks() -> None:
    width, height = 360, 280
    grid = MosaicGrid(9, 4, 2)
    shape = np.zeros((height, width), np.uint8)
    cv2.ellipse(shape, (150, 130), (90, 60), 30, 0, 360, 1, -1)
    cv2.rectangle(shape, (200, 40), (330, 90), 1, -1)  # an arm sticking out
    cv2.circle(shape, (150, 130), 25, 0, -1)  # a hole in the middle
    picture, truth = censor(busy(width, height, seed=5), grid, shape.astype(bool))
    regions = detect_mosaics(picture)
    assert regions[0].grid == grid
    assert iou(detection_mask(regions, (height, width)), truth) >= 0.85


@pytest.mark.parametrize("block", [8, 16])
def test_survives_jpeg_quality_75(block: int) -> None:
    width, height = 400, 300
    grid = MosaicGrid(block, 3, 5)
    picture, truth = censor(busy(width, height, seed=block), grid, centre_box(width, height))
    regions = detect_mosaics(jpeg(picture, 75))
    assert regions[0].grid == grid
    assert iou(detection_mask(regions, (height, width)), truth) >= 0.7


@pytest.mark.parametrize(("block", "sigma"), [(4, 0.7), (7, 0.7), (12, 0.5)])
def test_survives_light_blur(block: int, sigma: float) -> None:
    width, height = 320, 240
    grid = MosaicGrid(block, 1, 2)
    picture, truth = censor(busy(width, height, seed=block), grid, centre_box(width, height))
    regions = detect_mosaics(cv2.GaussianBlur(picture, (0, 0), sigma))
    assert regions[0].grid == grid
    assert iou(detection_mask(regions, (height, width)), truth) >= 0.85


@pytest.mark.parametrize(("block", "quality"), [(6, 85), (12, 85), (20, 75)])
def test_region_grid_finds_the_grid_of_a_jpeg_mosaic(block: int, quality: int) -> None:
    """The exact estimate needs equal colours inside blocks; after JPEG the detector's grid is
    used, so the mosaic engines get the block size from the green region of a JPEG too."""
    width, height = 400, 300
    grid = MosaicGrid(block, block // 2, 1)
    picture, blocks = censor(busy(width, height, seed=block), grid, centre_box(width, height))
    picture = jpeg(picture, quality)
    assert region_grid(picture, blocks) == grid
    assert estimate_grid(picture, blocks) in (None, grid)
    # The pipeline's grid resolver (what every mosaic engine is given) uses it too.
    assert estimated_patch_grid(picture, blocks) == grid
    assert region_grid(busy(width, height, seed=1), blocks) is None


def test_large_pictures_are_analysed_in_tiles_with_offsets_in_picture_coordinates() -> None:
    width, height = 480, 360
    grid = MosaicGrid(11, 7, 3)
    region = box(height, width, 100, 80, 300, 200)
    picture, truth = censor(busy(width, height, seed=6), grid, region)
    regions = detect_mosaics(picture, max_pixels=260 * 260)  # tiles of 260 px
    assert {r.grid for r in regions} == {grid}
    assert iou(detection_mask(regions, (height, width)), truth) >= 0.85


# --------------------------------------------------------------------------- result format


def test_region_json_and_bbox() -> None:
    width, height = 320, 240
    grid = MosaicGrid(8, 3, 6)
    picture, truth = censor(busy(width, height, seed=7), grid, box(height, width, 64, 40, 120, 96))
    regions = detect_mosaics(picture)
    region = regions[0]
    assert iou(region.mask, truth) >= 0.85
    assert isinstance(region, MosaicRegion)
    assert region.mask.shape == (height, width) and region.mask.dtype == bool
    x, y, w, h = region.bbox
    ys, xs = np.nonzero(region.mask)
    assert (x, y, x + w - 1, y + h - 1) == (xs.min(), ys.min(), xs.max(), ys.max())
    data = region.to_json()
    assert set(data) == {"bbox", "block", "offset", "confidence"}
    assert data["bbox"] == [x, y, w, h]
    assert data["block"] == 8 and data["offset"] == [3, 6]
    assert isinstance(data["confidence"], float) and 0.0 <= data["confidence"] <= 1.0
    assert all(isinstance(v, int) for v in data["bbox"])
    union = detection_mask(regions, (height, width))
    assert union.dtype == bool and union.shape == (height, width)
    assert detection_mask([], (height, width)).sum() == 0


def test_rejects_other_inputs_and_tiny_pictures() -> None:
    with pytest.raises(ValueError):
        detect_mosaics(np.zeros((64, 64), np.uint8))
    with pytest.raises(ValueError):
        detect_mosaics(np.zeros((64, 64, 3), np.float32))
    assert detect_mosaics(np.zeros((4, 4, 3), np.uint8)) == []


# --------------------------------------------------------------------------- no false alarms


@pytest.mark.parametrize("quality", [0, 75])
def test_flat_colour_and_flat_shapes_are_not_mosaics(quality: int) -> None:
    plain = np.full((300, 400, 3), (180, 90, 40), np.uint8)
    shapes = plain.copy()
    cv2.rectangle(shapes, (40, 40), (200, 160), (20, 120, 200), -1)  # grid-aligned edges too
    cv2.circle(shapes, (300, 200), 70, (250, 250, 250), -1, cv2.LINE_AA)
    for picture in (plain, shapes):
        assert detect_mosaics(jpeg(picture, quality) if quality else picture) == []


@pytest.mark.parametrize(("scale", "colours", "seed"), [(4, 4, 0), (8, 8, 1), (12, 16, 2)])
def test_pixel_art_is_not_a_mosaic(scale: int, colours: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    palette = rng.integers(0, 256, (colours, 3)).astype(np.uint8)
    small = np.empty((40, 48, 3), np.uint8)
    small[:] = palette[0]
    for _ in range(25):
        colour = tuple(int(c) for c in palette[int(rng.integers(0, colours))])
        x, y = int(rng.integers(0, 48)), int(rng.integers(0, 40))
        if rng.random() < 0.5:
            cv2.rectangle(small, (x, y), (x + int(rng.integers(1, 12)), y + 3), colour, -1)
        else:
            cv2.circle(small, (x, y), int(rng.integers(1, 8)), colour, -1, cv2.LINE_8)
    picture = np.repeat(np.repeat(small, scale, axis=0), scale, axis=1)
    assert detect_mosaics(picture) == []
    assert detect_mosaics(jpeg(picture, 85)) == []


@pytest.mark.parametrize(("square", "phase"), [(3, 1), (8, 0), (16, 5), (37, 20)])
def test_checkerboards_are_not_mosaics(square: int, phase: int) -> None:
    ys, xs = np.mgrid[0:360, 0:480]
    odd = ((ys + phase) // square + (xs + phase) // square) % 2 == 1
    picture = np.where(odd[..., None], (230, 230, 230), (90, 90, 90)).astype(np.uint8)
    assert detect_mosaics(picture) == []
    assert detect_mosaics(jpeg(picture, 85)) == []


@pytest.mark.parametrize(
    ("font", "scale", "thickness"),
    [
        (cv2.FONT_HERSHEY_SIMPLEX, 1.0, 2),
        (cv2.FONT_HERSHEY_PLAIN, 3.0, 4),
        (cv2.FONT_HERSHEY_DUPLEX, 2.0, 8),
    ],
)
def test_text_is_not_a_mosaic(font: int, scale: float, thickness: int) -> None:
    picture = np.full((360, 640, 3), 245, np.uint8)
    step = int(40 * scale)
    for row, y in enumerate(range(step, 360, step)):
        words = f"Mosaic {row} the QUICK brown fox 0123456789"
        cv2.putText(picture, words, (8, y), font, scale, (20, 20, 20), thickness, cv2.LINE_8)
    assert detect_mosaics(picture) == []
    assert detect_mosaics(jpeg(picture, 85)) == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_clean_illustrations_are_not_mosaics_even_after_jpeg(seed: int) -> None:
    for picture in (scene(400, 300, seed), busy(400, 300, seed)):
        assert detect_mosaics(picture) == []
        assert detect_mosaics(jpeg(picture, 75)) == []  # JPEG's own 8x8 blocking


def test_a_chessboard_inside_an_illustration_is_not_a_mosaic() -> None:
    picture = busy(480, 360, seed=8)
    ys, xs = np.mgrid[0:160, 0:160]
    odd = ((ys // 20 + xs // 20) % 2 == 1)[..., None]
    picture[100:260, 160:320] = np.where(odd, (240, 230, 200), (60, 40, 30)).astype(np.uint8)
    assert detect_mosaics(picture) == []
