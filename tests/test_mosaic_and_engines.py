"""Mosaic synthesis and grid estimation, and the classical engines behind the one interface."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from decensor_app.engines import EngineError, list_models, load_engine
from decensor_app.engines.base import EngineInput
from decensor_app.mosaic import (
    MosaicGrid,
    back_project,
    estimate_grid,
    match_block_means,
    pixelate,
    upscale_block_means,
)
from decensor_app.pipeline.grids import estimated_patch_grid
from decensor_app.trainer.evaluate import psnr, seam
from tests.conftest import box, scene


@pytest.mark.parametrize(("block", "offset_x", "offset_y"), [(3, 0, 0), (8, 3, 5), (16, 15, 2)])
def test_pixelate_makes_constant_blocks_on_the_intended_grid(
    block: int, offset_x: int, offset_y: int
) -> None:
    picture = scene(97, 83)
    mosaic = pixelate(picture, MosaicGrid(block, offset_x, offset_y))
    # Inside each block every pixel is the same; across a grid line colours change somewhere.
    for top in range(offset_y - block if offset_y else 0, 83, block):
        for left in range(offset_x - block if offset_x else 0, 97, block):
            cell = mosaic[max(top, 0) : top + block, max(left, 0) : left + block]
            assert (cell == cell[0, 0]).all()
    assert estimate_grid(mosaic) == MosaicGrid(block, offset_x, offset_y)


def test_estimate_grid_uses_only_the_region_and_finds_nothing_on_clean_pictures() -> None:
    picture = scene(160, 120, seed=5)
    hole = box(120, 160, 40, 30, 64, 48)
    mosaic = picture.copy()
    mosaic[hole] = pixelate(picture, MosaicGrid(8, 2, 6))[hole]
    assert estimate_grid(mosaic, hole) == MosaicGrid(8, 2, 6)
    assert estimate_grid(picture) is None
    assert estimate_grid(np.full((64, 64, 3), 128, np.uint8)) is None  # flat colour


def test_every_builtin_engine_is_listed_with_its_censor_type() -> None:
    listed = {info.name: info for info in list_models()}
    assert listed["telea"].censor_types == ("bar",)
    assert listed["mosaic-bicubic"].censor_types == ("mosaic",)
    assert all(info.parameters == 0 for info in listed.values())


def test_loading_an_engine_for_the_wrong_censor_type_is_refused_clearly() -> None:
    with pytest.raises(EngineError, match="restores bar, not mosaic"):
        load_engine("telea", "mosaic")
    with pytest.raises(EngineError, match=r"unknown model 'nope'.*telea"):
        load_engine("nope", "bar")


@pytest.mark.parametrize("name", ["telea", "navier-stokes"])
def test_inpainting_engines_fill_a_flat_area_with_its_colour(name: str) -> None:
    picture = np.full((64, 64, 3), (200, 120, 40), np.uint8)
    hole = box(64, 64, 20, 20, 20, 20)
    image = picture.copy()
    image[hole] = 0
    restored = load_engine(name, "bar").restore(EngineInput(image, hole))
    assert restored.shape == picture.shape and restored.dtype == np.uint8
    # Telea's fast marching rounds at every step: within a few levels of the flat colour.
    assert np.abs(restored[hole].astype(int) - picture[hole]).max() <= 4


@pytest.mark.parametrize("name", ["mosaic-bicubic", "mosaic-lanczos"])
def test_mosaic_engines_restore_closer_to_the_truth_than_the_mosaic(name: str) -> None:
    truth = cv2.GaussianBlur(scene(128, 128, seed=2), (0, 0), 3)
    hole = box(128, 128, 24, 24, 80, 80)
    mosaic = truth.copy()
    mosaic[hole] = pixelate(truth, MosaicGrid(8))[hole]
    image = truth.copy()
    image[hole] = 0
    grid = estimated_patch_grid(mosaic, hole)
    assert grid is not None and grid.block == 8
    restored = load_engine(name, "mosaic").restore(EngineInput(image, hole, mosaic, grid))

    def error(candidate: np.ndarray) -> float:
        return float(np.abs(candidate[hole].astype(float) - truth[hole]).mean())

    assert error(restored) < 0.8 * error(mosaic)


GRID = MosaicGrid(8, 3, 5)


def _mosaic_case(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(truth, hole, known pixels with the hole zeroed, mosaic in the hole), 120x120."""
    rng = np.random.default_rng(seed)
    small = rng.integers(40, 215, (20, 20, 3), dtype=np.uint8)
    truth = cv2.resize(small, (120, 120), interpolation=cv2.INTER_CUBIC)
    hole = np.zeros((120, 120), bool)
    hole[20:90, 30:100] = True
    mosaic = np.where(hole[..., None], pixelate(truth, GRID), truth).astype(np.uint8)
    known = np.where(hole[..., None], 0, truth).astype(np.uint8)
    return truth, hole, known, mosaic


def test_matching_block_means_makes_a_restoration_consistent_and_closer_to_the_truth() -> None:
    truth, hole, known, mosaic = _mosaic_case()
    rng = np.random.default_rng(1)
    guess = np.clip(truth.astype(int) + rng.integers(-30, 31, truth.shape), 0, 255).astype(np.uint8)
    matched = match_block_means(guess, known, mosaic, hole, GRID)
    assert np.array_equal(matched[~hole], guess[~hole])

    def error(result: np.ndarray) -> float:
        return float(((result[hole].astype(float) - truth[hole]) ** 2).mean())

    assert error(matched) < error(guess)
    # Every block at least half in the hole now averages to its mosaic colour (to rounding).
    composite = np.where(hole[..., None], matched, truth)
    repixelated = pixelate(composite, GRID).astype(int)
    blocks_in_hole = pixelate(np.repeat(hole[..., None] * 255, 3, 2).astype(np.uint8), GRID)
    mostly = (blocks_in_hole[..., 0] >= 128) & hole
    assert np.abs(repixelated - mosaic)[mostly].max() <= 1


def test_matching_block_means_leaves_thin_blocks_and_unknown_grids_alone() -> None:
    truth, hole, known, mosaic = _mosaic_case()
    guess = np.full_like(truth, 128)
    assert np.array_equal(match_block_means(guess, known, mosaic, hole, MosaicGrid(1)), guess)
    sliver = np.zeros_like(hole)
    sliver[40:80, 43] = True  # one column: under half of every block it touches
    assert np.array_equal(match_block_means(guess, known, mosaic, sliver, GRID), guess)


def test_estimate_grid_finds_mosaics_of_flat_art_where_few_grid_lines_change() -> None:
    """Flat art: a mosaic changes colour on few of its grid lines (neighbouring blocks share
    a colour), but never off them."""
    art = np.full((200, 200, 3), 240, np.uint8)
    cv2.circle(art, (90, 100), 45, (200, 40, 40), -1)
    cv2.rectangle(art, (120, 30), (170, 80), (30, 60, 200), -1)
    hole = box(200, 200, 20, 20, 170, 150)
    for grid in (MosaicGrid(4, 1, 3), MosaicGrid(6), MosaicGrid(8, 5, 2)):
        mosaic = np.where(hole[..., None], pixelate(art, grid), art)
        assert estimate_grid(mosaic, hole) == grid
    assert estimate_grid(art, hole) is None


def _smooth_picture() -> np.ndarray:
    return cv2.GaussianBlur(scene(192, 160, seed=8), (0, 0), 4)


def test_the_seam_is_about_one_on_the_truth_and_far_above_on_a_mosaic_or_a_block_shift() -> None:
    truth = _smooth_picture()
    hole = box(160, 192, 20, 16, 150, 120)
    grid = MosaicGrid(12, 5, 3)
    assert abs(seam(truth, truth, hole, grid) - 1.0) < 1e-6
    mosaic = np.where(hole[..., None], pixelate(truth, grid), truth)
    assert seam(mosaic, truth, hole, grid) > 50
    # A per-block constant shift (what match_block_means adds) draws the block edges again.
    ids = ((np.arange(160) - 3) // 12)[:, None] * 100 + ((np.arange(192) - 5) // 12)[None, :]
    shift = (np.random.default_rng(0).normal(0, 4, ids.max() + 1)[ids])[..., None]
    shifted = np.clip(truth + shift, 0, 255).astype(np.uint8)
    assert seam(shifted, truth, hole, grid) > 1.5
    smooth = upscale_block_means(mosaic, grid, cv2.INTER_LANCZOS4)
    assert seam(smooth, truth, hole, grid) < 1.3


def test_back_projection_makes_a_result_consistent_with_the_mosaic_without_a_seam() -> None:
    truth = _smooth_picture()
    hole = box(160, 192, 30, 20, 130, 110)
    grid = MosaicGrid(8, 3, 6)
    original = np.where(hole[..., None], pixelate(truth, grid), truth)
    known = np.where(hole[..., None], 0, original).astype(np.uint8)
    lanczos = upscale_block_means(original, grid, cv2.INTER_LANCZOS4)
    projected = back_project(lanczos, known, original, hole, grid)
    shifted = match_block_means(lanczos, known, original, hole, grid)

    def consistency(result: np.ndarray) -> float:
        composite = np.where(hole[..., None], result, truth)
        return float(np.abs(pixelate(composite, grid).astype(float) - original)[hole].mean())

    assert consistency(projected) < 0.35 * consistency(lanczos)
    assert psnr(projected, truth, hole) > psnr(lanczos, truth, hole)
    assert seam(projected, truth, hole, grid) < seam(shifted, truth, hole, grid)
    assert np.array_equal(projected[~hole], lanczos[~hole])
