"""Patch planning: context crops, scaling to the engine's size, and hole-only compositing."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from decensor_app.engines.base import EngineInput
from decensor_app.engines.ensemble import FlipAverage
from decensor_app.masks import Region, exact_green, find_regions
from decensor_app.mosaic import MosaicGrid, estimate_grid, pixelate
from decensor_app.pipeline import restore_image
from decensor_app.planning import (
    MIN_WORKING_BLOCK,
    context_crop,
    grid_tiles,
    patch_scale_and_grid,
    plan_patches,
)
from decensor_app.symmetry import (
    SYMMETRIES,
    Symmetry,
    flip,
    flip_grid,
    transform,
    transform_grid,
    untransform,
)
from tests.conftest import FILL, FillEngine, box, paint, scene


def _region(x: int, y: int, width: int, height: int) -> Region:
    return Region(1, x, y, width, height, width * height)


def test_context_crop_is_a_square_of_one_and_a_half_times_the_region() -> None:
    crop = context_crop(_region(400, 300, 100, 60), 1000, 1000, native_size=None)
    assert (crop.width, crop.height) == (150, 150)
    assert crop.x <= 400 and crop.x + crop.width >= 500
    assert crop.y <= 300 and crop.y + crop.height >= 360


def test_context_crop_is_at_least_the_native_size_and_shifted_inside_the_picture() -> None:
    crop = context_crop(_region(0, 990, 10, 10), 1000, 1000, native_size=256)
    assert (crop.width, crop.height) == (256, 256)
    assert (crop.x, crop.y) == (0, 1000 - 256)


def test_context_crop_is_cut_not_squeezed_when_the_picture_is_smaller() -> None:
    crop = context_crop(_region(10, 5, 50, 20), 300, 40, native_size=256)
    assert (crop.x, crop.y, crop.width, crop.height) == (0, 0, 256, 40)


def test_small_regions_inside_a_large_regions_crop_share_its_engine_call() -> None:
    hole = np.zeros((400, 400), bool)
    hole[100:200, 100:200] = True
    hole[90, 90] = hole[210, 215] = True  # specks near the big region
    hole[390, 390] = True  # far away
    _, regions = find_regions(hole)
    plans = plan_patches(regions, 400, 400, native_size=None)
    assert len(plans) == 2
    assert len(plans[0].labels) == 3 and len(plans[1].labels) == 1


@pytest.mark.parametrize("native_size", [None, 64])
def test_regions_larger_than_the_native_size_are_restored_completely(
    native_size: int | None,
) -> None:
    hole = box(200, 300, 40, 30, 220, 150)
    hole[5, :] = True  # a 1-pixel line across the picture, thinner than a scaled pixel
    picture = paint(scene(300, 200), hole)
    engine = FillEngine(native_size)
    restored = restore_image(picture, hole, engine)
    assert not exact_green(restored).any()
    assert np.array_equal(restored[~hole], picture[~hole])
    # Away from the hole's edge (where upscaling blends with the surroundings) the engine's
    # output arrives unchanged.
    interior = cv2.erode(hole.view(np.uint8), np.ones((9, 9), np.uint8)).view(bool)
    assert (restored[interior] == FILL).all()
    if native_size is not None:
        assert all(image.shape == (64, 64, 3) for image, _ in engine.patches)


def test_hole_pixels_are_zero_in_what_the_engine_sees() -> None:
    picture = scene(120, 90)
    hole = box(90, 120, 30, 30, 40, 20)
    engine = FillEngine(None)
    restore_image(picture, hole, engine)
    image, seen_hole = engine.patches[0]
    assert seen_hole.any() and (image[seen_hole] == 0).all()


def test_pictures_smaller_than_the_native_size_are_padded_not_upscaled() -> None:
    picture = scene(12, 9)
    hole = box(9, 12, 3, 3, 4, 4)
    engine = FillEngine(64)
    restored = restore_image(picture, hole, engine)
    image, seen_hole = engine.patches[0]
    assert image.shape == (64, 64, 3)
    assert np.array_equal(image[:9, :12][~seen_hole[:9, :12]], picture[~hole])
    assert (restored[hole] == FILL).all()


def test_a_later_region_sees_the_restored_pixels_of_an_earlier_one() -> None:
    picture = np.full((100, 200, 3), 90, np.uint8)
    # The wide second region straddles the first crop's edge, so it gets its own call.
    hole = box(100, 200, 10, 10, 70, 70) | box(100, 200, 95, 40, 100, 10)
    engine = FillEngine(None)
    # The second crop (around the small region) overlaps the first region: its pixels must
    # arrive as restored context (the fill colour), not as hole.
    restore_image(picture, hole, engine)
    assert len(engine.patches) == 2
    second_image, second_hole = engine.patches[1]
    known = second_image[~second_hole]
    assert (known == FILL).all(axis=-1).any()
    assert not (known == 0).all(axis=-1).any()


# --- mosaic grids ---------------------------------------------------------------------------


def _mosaic(width: int, height: int, grid: MosaicGrid, hole: np.ndarray) -> np.ndarray:
    picture = scene(width, height, seed=5)
    return np.where(hole[..., None], pixelate(picture, grid), picture).astype(np.uint8)


def test_a_mosaic_patch_gets_the_grid_and_keeps_blocks_on_whole_working_pixels() -> None:
    grid = MosaicGrid(24, 3, 7)
    hole = box(600, 700, 53, 47, 400, 300)
    original = _mosaic(700, 600, grid, hole)
    engine = FillEngine(128)
    restore_image(np.where(hole[..., None], 0, original), hole, engine, original)
    (image, seen_hole), patch_grid = engine.patches[0], engine.grids[0]
    # The crop (about 600 px) scaled to fit 128 px would make blocks 5.1 px wide; the patch
    # is scaled to blocks of exactly 5 px instead, and its grid says where they lie.
    assert len(engine.patches) == 1
    assert patch_grid is not None and patch_grid.block == 5
    scale, planned = patch_scale_and_grid(context_crop(find_regions(hole)[1][0], 700, 600, 128),
                                          128, grid)  # fmt: skip
    assert planned == patch_grid and scale == pytest.approx(5 / 24)
    assert image.shape == (128, 128, 3) and seen_hole.any()


def test_a_large_region_of_small_blocks_is_restored_in_tiles_that_keep_the_grid() -> None:
    # Scaled to 128 px in one piece, 4 px blocks over this region would become 0.8 px: the
    # grid would be lost. Tiles keep them at 3 working pixels or more.
    grid = MosaicGrid(4, 1, 2)
    hole = box(600, 700, 53, 47, 400, 300)
    original = _mosaic(700, 600, grid, hole)
    picture = np.where(hole[..., None], 0, original).astype(np.uint8)
    engine = FillEngine(128)
    progress: list[tuple[int, int]] = []
    restored = restore_image(
        picture, hole, engine, original, on_region=lambda *p: progress.append(p)
    )
    assert len(engine.grids) > 1
    assert all(g is not None and g.block >= MIN_WORKING_BLOCK for g in engine.grids)
    # Every hole pixel is the engine's, the tiles' borders included (upscaling blends only
    # at the region's own edge, with the known pixels).
    inner = cv2.erode(hole.view(np.uint8), np.ones((9, 9), np.uint8)).view(bool)
    assert np.all(restored[inner] == FILL)
    assert np.array_equal(restored[~hole], picture[~hole])
    assert progress == [(1, 1)]

    labels, regions = find_regions(hole)
    plan = plan_patches(regions, 700, 600, 128)[0]
    paste = np.isin(labels[plan.crop.slices], plan.labels)
    tiles = grid_tiles(plan, paste, labels, grid, 128)
    covered = np.zeros(hole.shape, np.int32)
    for crop, paste in tiles:
        assert max(crop.width, crop.height) <= 128 * 4 // MIN_WORKING_BLOCK
        covered[crop.slices] += paste
    assert np.array_equal(covered, hole.astype(np.int32))  # every hole pixel exactly once
    # Without a grid, or with blocks that survive the scaling, the plan is one call.
    assert len(grid_tiles(plan, paste, labels, None, 128)) == 1
    assert len(grid_tiles(plan, paste, labels, MosaicGrid(24, 0, 0), 128)) == 1


def test_a_full_resolution_patch_gets_the_grid_relative_to_its_crop() -> None:
    grid = MosaicGrid(8, 5, 2)
    hole = box(200, 240, 60, 50, 96, 80)
    original = _mosaic(240, 200, grid, hole)
    engine = FillEngine(None)
    restore_image(np.where(hole[..., None], 0, original), hole, engine, original)
    crop = context_crop(find_regions(hole)[1][0], 240, 200, None)
    assert engine.grids == [MosaicGrid(8, (5 - crop.x) % 8, (2 - crop.y) % 8)]
    # The grid is right: re-pixelating the crop on it reproduces the mosaic in the hole.
    rows, cols = crop.slices
    repixelated = pixelate(original[rows, cols], engine.grids[0])
    inner = cv2.erode(hole.view(np.uint8), np.ones((17, 17), np.uint8)).view(bool)[rows, cols]
    assert np.array_equal(repixelated[inner], original[rows, cols][inner])


@pytest.mark.parametrize("thin_is_mosaic", [True, False], ids=["mosaic", "not-mosaic"])
def test_a_region_too_thin_to_show_its_grid_borrows_the_pictures_grid_if_it_fits(
    thin_is_mosaic: bool,
) -> None:
    grid = MosaicGrid(12, 5, 3)
    large, thin = box(300, 400, 40, 30, 160, 120), box(300, 400, 245, 231, 81, 21)
    original = _mosaic(400, 300, grid, large | thin if thin_is_mosaic else large)
    assert estimate_grid(original, thin) is None  # fewer than two blocks across it
    engine = FillEngine(None)
    restore_image(np.where((large | thin)[..., None], 0, original), large | thin, engine, original)
    _, regions = find_regions(large | thin)
    crops = [context_crop(region, 400, 300, None) for region in regions]
    assert engine.grids[0] == grid.within(crops[0].x, crops[0].y)
    assert engine.grids[1] == (grid.within(crops[1].x, crops[1].y) if thin_is_mosaic else None)


def test_detected_grids_take_precedence_and_bar_mode_gets_none() -> None:
    hole = box(200, 240, 60, 50, 96, 80)
    original = _mosaic(240, 200, MosaicGrid(8, 5, 2), hole)
    engine = FillEngine(None)
    told = MosaicGrid(16, 0, 0)
    restore_image(original, hole, engine, original, known_grids=[(hole, told)])
    crop = context_crop(find_regions(hole)[1][0], 240, 200, None)
    assert engine.grids == [MosaicGrid(16, -crop.x % 16, -crop.y % 16)]
    bar = FillEngine(None)
    restore_image(original, hole, bar)
    assert bar.grids == [None]


@pytest.mark.parametrize("symmetry", SYMMETRIES)
def test_a_flipped_or_transposed_patch_gets_its_grid_and_turns_back(symmetry: Symmetry) -> None:
    picture = scene(45, 38, seed=2)
    grid = MosaicGrid(7, 3, 5)
    turned = transform_grid(grid, symmetry, picture.shape)
    assert np.array_equal(
        pixelate(transform(picture, symmetry), turned),
        transform(pixelate(picture, grid), symmetry),
    )
    hole = box(38, 45, 3, 4, 20, 9)
    for pixels in (picture, hole):
        assert np.array_equal(untransform(transform(pixels, symmetry), symmetry), pixels)
    assert transform(picture, symmetry).shape == ((45, 38, 3) if symmetry[1] else (38, 45, 3))


def test_the_eight_symmetries_are_eight_different_orientations() -> None:
    picture = scene(40, 40, seed=3)
    turned = {transform(picture, symmetry).tobytes() for symmetry in SYMMETRIES}
    assert len(turned) == 8 and SYMMETRIES[0] == (1, False)
    assert np.array_equal(transform(picture, (2, False)), flip(picture, 2))
    assert flip_grid(MosaicGrid(7, 3, 5), 1, picture.shape) == MosaicGrid(7, 3, 5)


def test_the_flip_average_shows_the_engine_every_orientation_in_one_batch_per_shape() -> None:
    picture = scene(50, 30, seed=4)
    hole = box(30, 50, 5, 6, 20, 12)
    engine = FillEngine(None)
    result = FlipAverage(engine).restore(EngineInput(np.where(hole[..., None], 0, picture), hole))
    assert engine.batch_sizes == [4, 4]  # 30x50 and, transposed, 50x30
    # In SYMMETRIES order (the untransposed ones first): each is the picture, turned.
    for (image, seen_hole), symmetry in zip(engine.patches, SYMMETRIES, strict=True):
        assert np.array_equal(untransform(seen_hole, symmetry), hole)
        assert np.array_equal(untransform(image, symmetry)[~hole], picture[~hole])
    assert (result[hole] == FILL).all()
