"""decensor-train benchmark: whole pictures through the pipeline, scored against baselines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from decensor_app.masks import GREEN, green_mask
from decensor_app.mosaic import MosaicGrid, pixelate
from decensor_app.pipeline import BatchOptions, run_batch
from decensor_app.trainer.benchmark import (
    BASELINES,
    TRUE_GRID_REFERENCES,
    WORSE_MARGIN_DB,
    benchmark,
    bucket_label,
    gain_summary,
    make_book_cases,
    make_picture_cases,
)
from decensor_app.trainer.cli import main
from decensor_app.trainer.evaluate import HOLE_BUCKETS, MOSAIC_BLOCKS
from tests.conftest import FillEngine, save_png, scene


@pytest.fixture
def pictures(tmp_path: Path) -> Path:
    folder = tmp_path / "pictures"
    for seed in range(3):
        save_png(folder / f"picture{seed}.png", scene(160 + 24 * seed, 120, seed=seed))
    return folder


def _by_hand(report: dict[str, Any], method: str, bucket: str) -> tuple[float, int]:
    """Median gain and worse-count of ``method`` in ``bucket``, from the per-picture rows."""
    strongest = report["strongest_baseline"]
    gains = [
        row["methods"][method]["psnr_hole"] - row["methods"][strongest]["psnr_hole"]
        for row in report["rows"]
        if bucket in ("all", row["bucket"])
    ]
    return float(np.median(gains)), sum(gain < -WORSE_MARGIN_DB for gain in gains)


def test_gain_summary_median_and_worse_count() -> None:
    # sorted: -3, -0.6, -0.5, -0.4, 1, 2 -> median (-0.5 + -0.4) / 2; -0.5 itself is not worse
    summary = gain_summary([1.0, -0.6, -0.4, 2.0, -3.0, -0.5])
    assert summary["median_gain"] == pytest.approx(-0.45)
    assert summary["worse"] == 2


def test_bar_report_has_every_method_bucket_and_row(pictures: Path, tmp_path: Path) -> None:
    grid, work = tmp_path / "grid.png", tmp_path / "work"
    report = benchmark([pictures], "bar", cases=8, seed=7, grid_path=grid, work_dir=work)
    buckets = [bucket_label(low, high) for low, high in HOLE_BUCKETS]
    assert report["models"] == ["telea"]  # the default without learned models
    assert set(report["methods"]) == set(BASELINES["bar"])
    means = {name: report["methods"][name]["all"]["psnr_hole"] for name in BASELINES["bar"]}
    assert report["strongest_baseline"] == max(means, key=means.__getitem__)
    assert len(report["rows"]) == 8
    for name, summary in report["methods"].items():
        assert list(summary) == [*buckets, "all"]
        assert [summary[b]["count"] for b in buckets] == [2, 2, 2, 2]
        for bucket in summary:
            median, worse = _by_hand(report, name, bucket)
            assert summary[bucket]["median_gain"] == pytest.approx(median)
            assert summary[bucket]["worse"] == worse
        assert summary["all"]["psnr_hole"] == pytest.approx(
            np.mean([row["methods"][name]["psnr_hole"] for row in report["rows"]])
        )
    for row in report["rows"]:
        low, high = HOLE_BUCKETS[buckets.index(row["bucket"])]
        assert low <= row["hole_ratio"] <= high
        for values in row["methods"].values():
            assert values["status"] == "restored"
            assert values["seconds"] > 0
            assert "seam" not in values
    _assert_known_pixels_kept(report, make_picture_cases(_files(pictures), "bar", 7, 8), work)
    assert grid.is_file()


def test_mosaic_engines_see_only_the_users_files(pictures: Path, tmp_path: Path) -> None:
    """The model is an engine given to run_batch; what it gets is what `decensor` gives it for
    the green picture and its original (the grid from the pipeline's resolver, never the
    synthesis grid), and it loses on every picture by painting the hole magenta."""
    fill = FillEngine(None)
    work = tmp_path / "work"
    report = benchmark([pictures], "mosaic", [fill], cases=6, seed=3, work_dir=work)
    methods = ["fill", *BASELINES["mosaic"], *TRUE_GRID_REFERENCES]
    assert list(report["methods"]) == methods
    assert list(report["methods"]["fill"]) == ["block 4", "block 6", "block 8", "all"]
    assert report["methods"]["fill"]["all"]["worse"] == 6
    for row in report["rows"]:
        assert row["block"] in MOSAIC_BLOCKS
        for name in methods:
            assert {"consistency", "seam"} <= row["methods"][name].keys()
    assert report["methods"]["mosaic-lanczos"]["all"]["seam"] < 100  # a mosaic is in thousands

    # Only the user's two folders (and the outputs) were written: the greened input and the
    # censored original, nothing about the mask or grid.
    cases = make_picture_cases(_files(pictures), "mosaic", 3, 6)
    _assert_known_pixels_kept(report, cases, work)
    layout = BatchOptions(
        work / "decensor_input", work / "decensor_input_original", tmp_path / "again", "mosaic"
    )
    assert {p.name for p in work.iterdir() if not p.name.startswith("decensor_output_")} == {
        layout.input_dir.name,
        layout.original_dir.name,
    }
    for case in cases:
        greened = np.array(_load(layout.input_dir / case.name))
        assert (greened[case.hole] == GREEN).all()
        assert (greened[~case.hole] == case.truth[~case.hole]).all()
        assert (np.array(_load(layout.original_dir / case.name)) == case.censored).all()
    # A plain batch on those files gives an engine the very same patches and grids.
    again = FillEngine(None)
    run_batch(layout, engine=again)
    assert again.grids == fill.grids
    assert any(grid is not None for grid in fill.grids)  # grids were resolved, and compared
    assert len(again.patches) == len(fill.patches)
    for (image, hole), (image_again, hole_again) in zip(fill.patches, again.patches, strict=True):
        assert (hole == hole_again).all() and (image == image_again).all()
        assert not image[hole].any()  # the hole's pixels are not given


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.png"))


def _assert_known_pixels_kept(report: dict[str, Any], cases: list[Any], work: Path) -> None:
    """Every engine's output equals the truth outside the app's own mask (the hole, and the
    green fringe rule's near-green neighbours, which it may take); reference rows outside the
    hole."""
    engine_runs = list(dict.fromkeys([*report["models"], *report["baselines"]]))
    for row, case in zip(report["rows"], cases, strict=True):
        taken = green_mask(_load(work / "decensor_input" / case.name))
        assert taken[case.hole].all()
        for name, values in row["methods"].items():
            if name not in engine_runs:
                assert values["changed_outside"] == 0
                continue
            assert values["changed_outside"] <= np.count_nonzero(taken & ~case.hole)
            output = _load(work / f"decensor_output_{engine_runs.index(name)}" / case.name)
            assert (output[~taken] == case.truth[~taken]).all()


def _load(path: Path) -> np.ndarray:
    return np.array(Image.open(path).convert("RGB"))


def test_censors_are_reproducible_from_the_seed(pictures: Path) -> None:
    files = sorted(pictures.glob("*.png"))
    first = make_picture_cases(files, "mosaic", 11, 6)
    again = make_picture_cases(files, "mosaic", 11, 6)
    other = make_picture_cases(files, "mosaic", 12, 6)
    for a, b in zip(first, again, strict=True):
        assert (a.hole == b.hole).all() and (a.censored == b.censored).all()
        assert (a.grid, a.jpeg_quality, a.source) == (b.grid, b.jpeg_quality, b.source)
    assert any((a.hole != c.hole).any() for a, c in zip(first, other, strict=True))
    assert [c.grid.block for c in first if c.grid] == [4, 4, 6, 6, 8, 8]
    # More cases than pictures: pictures are used again, with fresh censors.
    assert len({c.source for c in first}) == len(files)


def test_pictures_are_shrunk_to_a_long_side_of_1024(tmp_path: Path) -> None:
    save_png(tmp_path / "wide.png", scene(1500, 600))
    (case,) = make_picture_cases([tmp_path / "wide.png"], "bar", 0)
    assert case.truth.shape == (410, 1024, 3)


def test_command_writes_json_table_and_grid(pictures: Path, tmp_path: Path) -> None:
    out = tmp_path / "eval" / "bench.json"
    grid = tmp_path / "eval" / "bench.png"
    common = ["benchmark", "--pictures", str(pictures), "--cases", "2"]
    assert main([*common, "--censor", "mosaic", "--json", str(out), "--grid", str(grid)]) == 0
    report = json.loads(out.read_text(), parse_constant=pytest.fail)  # no NaN in the JSON
    assert report["censor"] == "mosaic" and len(report["rows"]) == 2
    table = out.with_suffix(".md").read_text()
    assert "median gain" in table
    assert report["command"].startswith("decensor-train benchmark --pictures")
    assert report["command"] in table
    assert grid.is_file()
    missing = ["--json", str(out), "--grid", str(grid)]
    assert main(["benchmark", "--pictures", str(tmp_path / "none"), *missing]) == 2
    assert main([*common, "--model", "no-such-model", *missing]) == 2
    assert main([*common, "--model", "telea", "--censor", "mosaic", *missing]) == 2


def test_the_books_test_is_a_16_px_mosaic_over_the_centred_half(tmp_path: Path) -> None:
    save_png(tmp_path / "tall.png", scene(500, 900))
    save_png(tmp_path / "small.png", scene(320, 240, seed=1))
    cases = make_book_cases(sorted(tmp_path.glob("*.png")), seed=3)
    by_source = {Path(case.source).name: case for case in cases}
    tall, small = by_source["tall.png"], by_source["small.png"]
    assert tall.truth.shape == (672, 373, 3)  # shrunk to a long side of 672, never enlarged
    assert small.truth.shape == (240, 320, 3)
    for case in cases:
        assert case.grid == MosaicGrid(16, 0, 0) and case.jpeg_quality == 0
        assert case.hole.mean() == pytest.approx(0.5, abs=0.01)
        rows, cols = np.nonzero(case.hole)
        height, width = case.hole.shape
        assert abs(rows.min() - (height - 1 - rows.max())) <= 1  # centred
        assert abs(cols.min() - (width - 1 - cols.max())) <= 1
        # The censored picture is the truth with the block means of its grid in the box.
        assert np.array_equal(case.censored[~case.hole], case.truth[~case.hole])
        assert np.array_equal(case.censored[case.hole], pixelate(case.truth, case.grid)[case.hole])


def test_book_command_runs_mosaics_only(pictures: Path, tmp_path: Path) -> None:
    out, grid = tmp_path / "book.json", tmp_path / "book.png"
    common = ["benchmark", "--pictures", str(pictures), "--book", "--cases", "2"]
    files = ["--json", str(out), "--grid", str(grid)]
    assert main([*common, *files]) == 2  # the bar default
    assert main([*common, "--censor", "mosaic", *files]) == 0
    report = json.loads(out.read_text())
    assert report["book"] and "--book" in report["command"]
    assert {row["block"] for row in report["rows"]} == {16}
    assert "centred half" in out.with_suffix(".md").read_text()
