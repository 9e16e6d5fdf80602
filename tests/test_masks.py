"""The censor mask: exact green, its anti-aliased fringe, green elsewhere, regions."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from decensor_app.masks import (
    FRINGE_MIN_ALPHA,
    GREEN,
    exact_green,
    find_regions,
    green_left,
    green_mask,
    near_green_count,
)
from tests.conftest import box, scene


def _antialiased_stroke(picture: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Draw a soft-edged green stroke; returns (greened picture, pixels the stroke touched)."""
    greened = picture.copy()
    points = np.array([[20, 30], [70, 90], [140, 40]], np.int32)
    cv2.polylines(greened, [points], False, GREEN, 9, cv2.LINE_AA)
    touched = np.any(greened != picture, axis=2)
    return greened, touched


def test_exact_green_only_matches_pure_green() -> None:
    rgb = np.array([[[0, 255, 0], [1, 255, 0], [0, 254, 0], [0, 255, 1]]], np.uint8)
    assert exact_green(rgb).tolist() == [[True, False, False, False]]


def test_fringe_of_antialiased_stroke_is_taken_so_no_green_halo_survives() -> None:
    picture = scene(seed=3)
    greened, touched = _antialiased_stroke(picture)
    mask = green_mask(greened)
    exact = exact_green(greened)
    assert mask[exact].all()
    assert mask.sum() > exact.sum()  # the fringe was added
    # What is left outside the mask carries at most a faint trace of green: its green share
    # (projection of the change onto the way to green, from the known clean picture) is small.
    leftover = touched & ~mask
    clean = picture[leftover].astype(float)
    change = greened[leftover].astype(float) - clean
    towards_green = np.array(GREEN, float) - clean
    share = (change * towards_green).sum(1) / (towards_green**2).sum(1)
    assert np.quantile(share, 0.95) < FRINGE_MIN_ALPHA
    assert share.max(initial=0) < 0.5
    # And the mask never reaches beyond the pixels the brush touched.
    assert not (mask & ~touched).any()


def test_strict_mode_takes_exact_green_only() -> None:
    greened, _ = _antialiased_stroke(scene(seed=3))
    assert np.array_equal(green_mask(greened, include_fringe=False), exact_green(greened))


def test_green_elsewhere_in_the_picture_is_left_alone() -> None:
    picture = scene()
    # A natural green object away from the censor, and a near-pure green one too.
    cv2.circle(picture, (130, 30), 12, (40, 200, 50), -1, cv2.LINE_AA)
    cv2.rectangle(picture, (100, 80), (120, 100), (10, 250, 10), -1)
    picture[10:30, 10:40] = GREEN
    mask = green_mask(picture)
    assert not mask[:, 60:].any()
    assert mask[10:30, 10:40].all()


def test_green_object_touching_the_censor_loses_at_most_the_fringe_width() -> None:
    picture = np.full((40, 80, 3), (30, 150, 40), np.uint8)  # a green shirt
    picture[:, :20] = GREEN
    mask = green_mask(picture)
    assert not mask[:, 23:].any()


def test_near_green_pixels_are_counted_for_the_error_message() -> None:
    picture = scene()
    picture[:5, :5] = (3, 250, 2)
    assert near_green_count(picture) == 25
    assert not green_mask(picture).any()


def test_regions_are_connected_components_largest_first() -> None:
    mask = np.zeros((50, 50), bool)
    mask[1:4, 1:4] = True  # 9 px
    mask[10:20, 10:20] = True  # 100 px
    mask[30, 30] = mask[31, 31] = True  # diagonal neighbours: one region (8-connectivity)
    labels, regions = find_regions(mask)
    assert [region.area for region in regions] == [100, 9, 2]
    big = regions[0]
    assert (big.x, big.y, big.width, big.height) == (10, 10, 10, 10)
    assert (labels == big.label).sum() == 100


# --- near green: JPEG and colour-managed exports --------------------------------------------


def jpeg_roundtrip(rgb: np.ndarray, quality: int) -> np.ndarray:
    """``rgb`` (HxWx3 uint8) through a JPEG file of ``quality`` (Pillow's 4:2:0 default)."""
    encoded = io.BytesIO()
    Image.fromarray(rgb).save(encoded, "JPEG", quality=quality)
    return np.array(Image.open(encoded).convert("RGB"))


def _distance_to_green(rgb: np.ndarray) -> np.ndarray:
    return np.sqrt(((rgb.astype(np.float64) - GREEN) ** 2).sum(axis=-1))


BAR = box(120, 160, 30, 30, 90, 80)  # 7,200 px, the bar


def barred(colour: tuple[int, int, int], seed: int = 0) -> np.ndarray:
    picture = scene(seed=seed)
    picture[BAR] = colour
    return picture


def _far_from_bar() -> np.ndarray:
    """HxW bool: more than 2 px away from :data:`BAR` (a JPEG smears the bar's edge 2 px)."""
    return ~cv2.dilate(BAR.view(np.uint8), np.ones((5, 5), np.uint8)).view(bool)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_jpeg_q90_green_bar_is_taken_whole(seed: int) -> None:
    compressed = jpeg_roundtrip(barred(GREEN, seed), 90)
    assert exact_green(compressed)[BAR].sum() < 0.1 * BAR.sum()  # the exact rule alone fails
    mask = green_mask(compressed)
    # Measured: at most 61 of the 7,200 stay out, on the bar's outermost, half-mixed row.
    assert (BAR & ~mask).sum() <= 0.015 * BAR.sum()
    assert (mask & _far_from_bar()).sum() <= 0.01 * BAR.sum()
    assert green_left(compressed, mask) is None


@pytest.mark.parametrize("quality", [None, 75])
def test_colour_managed_shifted_bar_is_taken(quality: int | None) -> None:
    shifted = barred((2, 250, 8))  # no exact green anywhere
    if quality is not None:
        shifted = jpeg_roundtrip(shifted, quality)
    mask = green_mask(shifted)
    assert (BAR & ~mask).sum() <= 0.015 * BAR.sum()
    assert (mask & _far_from_bar()).sum() <= 0.01 * BAR.sum()
    # The option off, or strict: the old exact-only rule, which finds (nearly) nothing.
    assert green_mask(shifted, near_green=False)[BAR].sum() < 0.1 * BAR.sum()
    assert green_mask(shifted, include_fringe=False)[BAR].sum() < 0.1 * BAR.sum()


def test_green_art_near_the_censor_colour_is_not_taken() -> None:
    picture = barred((2, 250, 8))
    leaf = np.zeros(BAR.shape, np.uint8)
    cv2.circle(leaf, (140, 20), 14, 1, -1)
    picture[leaf.view(bool)] = (40, 200, 60)  # a leaf, 91 from pure green
    shirt = box(120, 160, 120, 60, 30, 50)  # touching the bar's right edge
    picture[shirt] = (20, 230, 30)  # 44 from pure green
    picture[100:106, 10:16] = (3, 250, 2)  # a small near-pure detail (36 px)
    for pixels in (picture, jpeg_roundtrip(picture, 90)):
        mask = green_mask(pixels)
        assert (BAR & ~mask).sum() <= 0.015 * BAR.sum()
        assert not mask[leaf.view(bool)].any()
        assert not mask[100:106, 10:16].any()
        # As with exact paint, art that touches the censor loses at most its edge: here the
        # reach of the near-green region and its fringe (the shirt starts at x=120).
        assert mask[shirt].any() and not mask[:, 126:][shirt[:, 126:]].any()
        assert green_left(pixels, mask) is None


def test_near_green_beside_exact_paint_is_art_and_is_reported_left() -> None:
    picture = scene()
    picture[10:40, 10:40] = GREEN  # clean paint: the censor colour is pure green
    picture[70:100, 100:130] = (10, 250, 10)  # 15 from pure green, a flat area of the art
    mask = green_mask(picture)
    assert np.array_equal(mask, green_mask(picture, near_green=False))
    left = green_left(picture, mask)
    assert left is not None
    # Its inside: the 5x5 mean mixes its outer 2 px with what is around it.
    assert (left.x, left.y, left.width, left.height) == (102, 72, 26, 26)
    assert left.pixels == 26 * 26
    assert left.colour == (10, 250, 10)
    assert green_left(scene(), np.zeros(BAR.shape, bool)) is None


@pytest.mark.parametrize("seed", range(8))
def test_clean_png_masks_are_unchanged_by_near_green(seed: int) -> None:
    picture = scene(seed=seed)
    rng = np.random.default_rng(seed)
    points = rng.integers(0, 160, (4, 2)).astype(np.int32)
    cv2.polylines(picture, [points], False, GREEN, int(rng.integers(3, 15)), cv2.LINE_AA)
    picture[box(120, 160, 100, 70, 40, 30)] = GREEN
    assert np.array_equal(green_mask(picture), green_mask(picture, near_green=False))
    assert green_left(picture, green_mask(picture)) is None
