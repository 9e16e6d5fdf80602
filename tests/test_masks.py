"""The censor mask: exact green, its anti-aliased fringe, green elsewhere, regions."""

from __future__ import annotations

import cv2
import numpy as np

from decensor_app.masks import (
    FRINGE_MIN_ALPHA,
    GREEN,
    exact_green,
    find_regions,
    green_mask,
    near_green_count,
)
from tests.conftest import scene


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
