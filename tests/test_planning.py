"""Patch planning: context crops, scaling to the engine's size, and hole-only compositing."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from decensor_app.masks import Region, exact_green, find_regions
from decensor_app.pipeline import restore_image
from decensor_app.planning import context_crop, plan_patches
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
