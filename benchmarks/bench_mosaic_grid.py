"""Does knowing the mosaic's grid help a whole-picture restoration? (issue 7)

Held-out pictures (the test split of ``data/opy-256/manifest.json``, full size, 400-800 px, the
same ones ``bench_detect.py`` uses) get one green-free mosaic region each, seeded: a censor bar
or rectangle shape from the trainer's mask sampler snapped to whole blocks, 10-40 % of the
picture, block size 4-24 px, random grid offset; one picture in three is re-saved as JPEG
quality 85. Regions are often larger than a learned model's 256 px patch, so the pipeline
scales them down.

Each picture is restored through ``restore_image`` (the app's pipeline) three ways:

* ``grid``: as the app does: the grid is estimated at full resolution on the region with its
  original and passed to the engine; scaled patches keep whole-pixel blocks;
* ``no grid``: the pipeline passes no grid (``mosaic_grid`` returns None) and scales to the
  native size as for bars; the engine estimates the grid itself on the scaled patch;
* ``true grid``: the synthesis grid is passed (the detector's or estimator's best case).

Scores: hole PSNR (pooled MSE) and mean hole SSIM against the clean picture, per mode, overall
and for the pictures whose patch was scaled.

    .venv/bin/python benchmarks/bench_mosaic_grid.py --model gated-conv-mosaic --pictures 60
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_detect import held_out_paths, jpeg, load, snap  # noqa: E402

from decensor_app import pipeline  # noqa: E402
from decensor_app.engines import Engine, load_engine  # noqa: E402
from decensor_app.mosaic import MosaicGrid, pixelate  # noqa: E402
from decensor_app.pipeline import grids as grid_resolver  # noqa: E402
from decensor_app.trainer.evaluate import ssim_map  # noqa: E402
from decensor_app.trainer.synthesis import sample_mask  # noqa: E402

MODES = ("grid", "no grid", "true grid")


def make_case(
    rgb: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, MosaicGrid]:
    """(mosaic picture, region HxW bool, grid) for one clean picture."""
    height, width = rgb.shape[:2]
    block = int(rng.integers(4, 25))
    grid = MosaicGrid(block, int(rng.integers(block)), int(rng.integers(block)))
    region = snap(sample_mask(rng, height, width, "bars", (0.1, 0.4)), grid)
    mosaic = np.where(region[..., None], pixelate(rgb, grid), rgb).astype(np.uint8)
    if rng.random() < 1 / 3:
        mosaic = jpeg(mosaic)
    return mosaic, region, grid


def restore(
    mode: str, engine: Engine, mosaic: np.ndarray, region: np.ndarray, grid: MosaicGrid
) -> np.ndarray:
    """The pipeline's restoration of ``region`` in ``mosaic`` with the grid ``mode`` says."""
    blanked = np.where(region[..., None], 0, mosaic).astype(np.uint8)
    if mode == "grid":
        return pipeline.restore_image(blanked, region, engine, mosaic)
    if mode == "true grid":
        return pipeline.restore_image(blanked, region, engine, mosaic, known_grids=[(region, grid)])
    # No grid: the resolver finds none, so engines get None for every patch.
    estimate = grid_resolver.mosaic_grid
    grid_resolver.mosaic_grid = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        return pipeline.restore_image(blanked, region, engine, mosaic)
    finally:
        grid_resolver.mosaic_grid = estimate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="gated-conv-mosaic")
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--pictures", type=int, default=60)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    engine = load_engine(args.model, "mosaic", args.models_dir)
    squared: dict[tuple[str, bool], list[np.ndarray]] = {}
    similarity: dict[tuple[str, bool], list[float]] = {}
    scaled_count = 0
    for index, path in enumerate(held_out_paths(args.pictures, args.seed)):
        clean = load(path)
        mosaic, region, grid = make_case(clean, np.random.default_rng([args.seed, index]))
        longest = max(np.ptp(np.nonzero(region)[0]), np.ptp(np.nonzero(region)[1])) + 1
        scaled = engine.native_size is not None and 1.5 * longest > engine.native_size
        scaled_count += scaled
        for mode in MODES:
            result = restore(mode, engine, mosaic, region, grid)
            error = (result[region].astype(np.float64) - clean[region]) ** 2
            ssim = float(ssim_map(result, clean)[region].mean())
            for key in [(mode, False)] + ([(mode, True)] if scaled else []):
                squared.setdefault(key, []).append(error.ravel())
                similarity.setdefault(key, []).append(ssim)
        print(f"{index + 1}/{args.pictures} {path.name} block {grid.block}", file=sys.stderr)
    print(
        f"model {args.model}, {args.pictures} held-out pictures (seed {args.seed}), "
        f"{scaled_count} with a scaled patch. Cells: hole PSNR dB / hole SSIM.\n"
    )
    print("| mode | all pictures | scaled patches only |")
    print("| --- | --- | --- |")
    for mode in MODES:
        cells = []
        for scaled in (False, True):
            if (mode, scaled) not in squared:
                cells.append("-")
                continue
            mse = float(np.concatenate(squared[(mode, scaled)]).mean())
            cells.append(
                f"{10 * np.log10(255**2 / mse):.2f} / {np.mean(similarity[(mode, scaled)]):.3f}"
            )
        print(f"| {mode} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
