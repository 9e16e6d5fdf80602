"""``decensor-train evaluate``: a model against the classical baselines on held-out patches.

Bar task: free-form and bar masks bucketed by hole ratio (10-20, 20-30, 30-40, 40-50 %),
baselines OpenCV Telea and Navier-Stokes. Mosaic task: blocks of 4, 6, 8, 12, 16, 24 px on a
grid aligned to the patch origin (as editing tools do; ``benchmarks/bench_mosaic_grid.py``
covers random offsets on whole pictures), baselines the block means upscaled bicubically and
with Lanczos (from the true grid) and OpenCV Telea; a mosaic model is scored three ways: with
the grid estimated from the mosaic (as the app does), given the true grid, and given no grid
(block size 1: the mosaic's pixels as they are). Every method sees the same inputs (masks are
seeded per patch) through the same engine interface; results are composited into the known
pixels.

Scores: PSNR (from the mean squared error pooled over a bucket's patches) and SSIM (mean of
patches) in the hole and over the whole patch, mean L1 in the hole, and for
mosaics the consistency (re-pixelating the result on the same grid reproduces the observed
mosaic: mean absolute difference in the hole, 0 is perfect).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
from PIL import Image

from decensor_app.engines import Engine, load_engine
from decensor_app.engines.base import CensorType, EngineInput
from decensor_app.engines.ensemble import FlipAverage
from decensor_app.imaging import write_atomically
from decensor_app.mosaic import MosaicGrid, match_block_means, pixelate, upscale_block_means
from decensor_app.pipeline.grids import estimated_patch_grid
from decensor_app.trainer.dataset import TRAINER_PILLOW_FORMATS, split_files
from decensor_app.trainer.synthesis import Censor, MaskKind, apply_censor, sample_mask

HOLE_BUCKETS = ((0.1, 0.2), (0.2, 0.3), (0.3, 0.4), (0.4, 0.5))
MOSAIC_BLOCKS = (4, 6, 8, 12, 16, 24)
BATCH = 8


def psnr(prediction: np.ndarray, truth: np.ndarray, where: np.ndarray | None = None) -> float:
    """PSNR in dB of uint8 pictures, over the pixels ``where`` (HxW bool) or all."""
    difference = prediction.astype(np.float64) - truth.astype(np.float64)
    squared = difference**2 if where is None else (difference**2)[where]
    mse = float(squared.mean())
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def ssim_map(prediction: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per-pixel SSIM (Wang et al. 2004: 11x11 Gaussian, sigma 1.5), averaged over channels."""
    x, y = prediction.astype(np.float64), truth.astype(np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(a: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(a, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)

    mu_x, mu_y = blur(x), blur(y)
    var_x = blur(x * x) - mu_x**2
    var_y = blur(y * y) - mu_y**2
    cov = blur(x * y) - mu_x * mu_y
    value = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / (
        (mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2)
    )
    return value.mean(axis=2) if value.ndim == 3 else value


def _border_ratio(rgb: np.ndarray, hole: np.ndarray, grid: MosaicGrid) -> float:
    """Mean |step| between hole neighbours across block borders over that inside blocks."""
    pixels = rgb.astype(np.float32)
    across, inside = [], []
    for axis, offset in ((1, grid.offset_x), (0, grid.offset_y)):
        steps = np.abs(np.diff(pixels, axis=axis)).mean(axis=-1)
        both = hole[:, 1:] & hole[:, :-1] if axis == 1 else hole[1:] & hole[:-1]
        # the step between index i and i + 1 crosses a border when i + 1 starts a block
        starts = (np.arange(1, rgb.shape[axis]) - offset) % grid.block == 0
        border = np.broadcast_to(starts[None, :] if axis == 1 else starts[:, None], both.shape)
        across.append(steps[both & border])
        inside.append(steps[both & ~border])
    crossing, within = np.concatenate(across), np.concatenate(inside)
    if crossing.size == 0 or within.size == 0:
        return float("nan")
    return float(crossing.mean() / max(float(within.mean()), 1e-6))


def seam(result: np.ndarray, truth: np.ndarray, hole: np.ndarray, grid: MosaicGrid) -> float:
    """How much of the block grid a mosaic restoration left: in the hole, the mean step between
    neighbouring pixels across block borders over the mean step inside blocks, divided by the
    same ratio on the clean picture. 1.0: no grid left; a mosaic scores in the thousands; a
    per-block constant shift of a smooth picture draws the edges again (well above 1).
    NaN where the hole has no block border or no inside step to compare."""
    if grid.block <= 1:
        return float("nan")
    clean = _border_ratio(truth, hole, grid)
    return _border_ratio(result, hole, grid) / max(clean, 1e-6)


def scores(
    result: np.ndarray, truth: np.ndarray, hole: np.ndarray, grid: MosaicGrid | None,
    mosaic: np.ndarray | None,
) -> dict[str, float]:  # fmt: skip
    """All metrics of one restored patch (uint8 HxWx3) against its truth."""
    similarity = ssim_map(result, truth)
    squared = (result.astype(np.float64) - truth.astype(np.float64)) ** 2
    values = {
        "mse_hole": float(squared[hole].mean()),
        "mse": float(squared.mean()),
        "ssim_hole": float(similarity[hole].mean()),
        "ssim": float(similarity.mean()),
        "l1_hole": float(np.abs(result.astype(float) - truth)[hole].mean() / 255.0),
    }
    if grid is not None and mosaic is not None:
        repixelated = pixelate(result, grid)
        values["mosaic_consistency"] = float(
            np.abs(repixelated.astype(float) - mosaic)[hole].mean()
        )
    return values


@dataclass
class Case:
    """One evaluation input: truth, hole, what the methods see, and its bucket."""

    truth: np.ndarray
    hole: np.ndarray
    censored: np.ndarray
    bucket: str
    grid: MosaicGrid | None = None


def make_cases(files: list[Path], size: int, censor: CensorType, seed: int) -> list[Case]:
    """Seeded cases: each patch gets one mask (and block size), cycling through the buckets."""
    cases = []
    for index, path in enumerate(files):
        with Image.open(path, formats=TRAINER_PILLOW_FORMATS) as image:
            rgb = np.array(image.convert("RGB"))
        top, left = (rgb.shape[0] - size) // 2, (rgb.shape[1] - size) // 2
        truth = np.ascontiguousarray(rgb[top : top + size, left : left + size])
        rng = np.random.default_rng([seed, index])
        kind: MaskKind = "free-form" if index % 2 == 0 else "bars"
        if censor == "bar":
            low, high = HOLE_BUCKETS[(index // 2) % len(HOLE_BUCKETS)]
            hole = sample_mask(rng, size, size, kind, (low, high))
            censored = apply_censor(truth, hole, Censor("bar"))
            cases.append(Case(truth, hole, censored, f"{int(low * 100)}-{int(high * 100)}%"))
        else:
            block = MOSAIC_BLOCKS[(index // 2) % len(MOSAIC_BLOCKS)]
            hole = sample_mask(rng, size, size, kind, (0.1, 0.5))
            grid = MosaicGrid(block)  # aligned to the patch origin, as editing tools do
            censored = apply_censor(truth, hole, Censor("mosaic", grid))
            cases.append(Case(truth, hole, censored, f"block {block}", grid))
    return cases


Method = Callable[[list[Case]], list[np.ndarray]]
GridSource = Literal["estimated", "true", "none"]
#: What a mosaic model is told about the grid, per :data:`GridSource`.
GRID_LABELS = {"true": "true grid", "none": "no grid"}
FLIP_AVERAGE_LABEL = "average of 8 flips"


def engine_method(engine: Engine, censor: CensorType, grids: GridSource = "estimated") -> Method:
    """Run ``engine`` on cases through the engine interface, in batches.

    ``grids`` (mosaics): "estimated" resolves the grid from the mosaic as the pipeline does
    (:func:`~decensor_app.pipeline.grids.estimated_patch_grid`), "true" passes the synthesis
    grid, "none" passes no grid (no block structure known).
    """

    def patch_of(case: Case) -> EngineInput:
        image = np.where(case.hole[..., None], 0, case.censored).astype(np.uint8)
        if censor != "mosaic":
            return EngineInput(image, case.hole)
        grid = None
        if grids == "true":
            grid = case.grid
        elif grids == "estimated":
            grid = estimated_patch_grid(case.censored, case.hole)
        return EngineInput(image, case.hole, case.censored, grid)

    def run(cases: list[Case]) -> list[np.ndarray]:
        outputs: list[np.ndarray] = []
        for start in range(0, len(cases), BATCH):
            outputs.extend(
                engine.restore_batch([patch_of(c) for c in cases[start : start + BATCH]])
            )
        return outputs

    return run


def block_means_method(interpolation: int, consistent: bool = False) -> Method:
    """The mosaic baseline: block means from the true grid, interpolated smoothly; with
    ``consistent``, then made consistent with the mosaic as the learned engines' results are
    (:func:`match_block_means`), to show what that step alone is worth."""

    def run(cases: list[Case]) -> list[np.ndarray]:
        results = []
        for case in cases:
            assert case.grid is not None
            result = upscale_block_means(case.censored, case.grid, interpolation)
            if consistent:
                known = np.where(case.hole[..., None], 0, case.censored).astype(np.uint8)
                result = match_block_means(result, known, case.censored, case.hole, case.grid)
            results.append(result)
        return results

    return run


def evaluate(
    model: str,
    data: Path,
    censor: CensorType | None = None,
    models_dir: Path | None = None,
    split: str = "test",
    limit: int | None = None,
    seed: int = 1234,
    grid_path: Path | None = None,
    grid_examples: int = 6,
    average_flips: bool = False,
    runtime: str = "auto",
) -> dict[str, Any]:
    """Score ``model`` (run by ``runtime``, :data:`~decensor_app.engines.RUNTIMES`) and the
    baselines; returns the report (see :func:`to_markdown`).

    With ``average_flips`` the model is also scored as the app's flip average runs it
    (:class:`~decensor_app.engines.ensemble.FlipAverage`), in a row of its own.
    """
    from decensor_app.engines import list_models

    info = {i.name: i for i in list_models(models_dir)}.get(model)
    if info is None:
        raise ValueError(f"unknown model {model!r}")
    censor = censor or info.censor_types[0]
    files = split_files(data, split)[:limit]
    if not files:  # before any work, and so before any report is written
        raise ValueError(f"the {split} split of {data} has no patches: nothing to evaluate")
    engine = load_engine(model, censor, models_dir, runtime)
    if engine.native_size:
        size = engine.native_size
    else:
        with Image.open(files[0], formats=TRAINER_PILLOW_FORMATS) as first:
            size = int(first.size[0])
    cases = make_cases(files, size, censor, seed)
    methods: dict[str, Method] = {model: engine_method(engine, censor)}
    if average_flips:
        methods[f"{model} ({FLIP_AVERAGE_LABEL})"] = engine_method(FlipAverage(engine), censor)
    if censor == "mosaic":
        for source, label in GRID_LABELS.items():
            methods[f"{model} ({label})"] = engine_method(engine, censor, source)  # type: ignore[arg-type]
    if censor == "bar":
        methods["opencv-telea"] = engine_method(load_engine("telea", "bar"), "bar")
        methods["opencv-navier-stokes"] = engine_method(load_engine("navier-stokes", "bar"), "bar")
    else:
        methods["block-means-bicubic"] = block_means_method(cv2.INTER_CUBIC)
        methods["block-means-lanczos"] = block_means_method(cv2.INTER_LANCZOS4)
        methods["block-means-lanczos + consistency"] = block_means_method(
            cv2.INTER_LANCZOS4, consistent=True
        )
        telea = load_engine("telea", "bar")
        methods["opencv-telea"] = lambda cs: [
            telea.restore(EngineInput(c.censored, c.hole)) for c in cs
        ]
    per_method: dict[str, dict[str, dict[str, list[float]]]] = {}
    results_by_method: dict[str, list[np.ndarray]] = {}
    for name, method in methods.items():
        outputs = method(cases)
        composited = [
            np.where(c.hole[..., None], o, c.truth) for c, o in zip(cases, outputs, strict=True)
        ]
        results_by_method[name] = composited
        buckets: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for case, result in zip(cases, composited, strict=True):
            for key, value in scores(
                result, case.truth, case.hole, case.grid, case.censored
            ).items():
                buckets[case.bucket][key].append(value)
                buckets["all"][key].append(value)
        per_method[name] = buckets
    report: dict[str, Any] = {
        "model": model,
        "censor": censor,
        "split": split,
        "patches": len(cases),
        "size": size,
        "seed": seed,
        "methods": {
            name: {bucket: _summary(values) for bucket, values in buckets.items()}
            for name, buckets in per_method.items()
        },
    }
    if grid_path is not None:
        # Input / ours / the strongest baseline / truth, for cases spread over the buckets.
        baseline = "opencv-telea" if censor == "bar" else "block-means-lanczos"
        shown = {name: results_by_method[name] for name in (model, baseline)}
        step = max(1, len(cases) // grid_examples)
        picked = list(range(0, len(cases), step))[:grid_examples]
        write_grid(
            grid_path,
            [cases[i] for i in picked],
            {name: [results[i] for i in picked] for name, results in shown.items()},
        )
    return report


def _summary(values: dict[str, list[float]]) -> dict[str, float]:
    """Means over a bucket; PSNR from the pooled mean squared error, so that a perfect patch
    (infinite PSNR on its own) counts as a zero error instead of making the mean infinite."""
    summary = {"count": len(values["mse"]), **{k: float(np.mean(v)) for k, v in values.items()}}
    for key in ("", "_hole"):
        mse = summary[f"mse{key}"]
        summary[f"psnr{key}"] = float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)
    return summary


def to_markdown(report: dict[str, Any]) -> str:
    """Rows = methods, columns = buckets, cells = hole PSNR / hole SSIM (and counts)."""
    methods = report["methods"]
    first = next(iter(methods.values()))
    buckets = [b for b in first if b != "all"] + ["all"]
    header = "| method | " + " | ".join(f"{b} (n={first[b]['count']})" for b in buckets) + " |"
    lines = [
        f"{report['censor']} task, {report['patches']} held-out patches ({report['split']} split,"
        f" {report['size']} px). Cells: hole PSNR dB / hole SSIM"
        + (" / mosaic consistency" if report["censor"] == "mosaic" else "")
        + "; last column also whole-patch PSNR.",
        "",
        header,
        "|" + " --- |" * (len(buckets) + 1),
    ]
    for name, values in methods.items():
        cells = []
        for bucket in buckets:
            cell = f"{values[bucket]['psnr_hole']:.2f} / {values[bucket]['ssim_hole']:.3f}"
            if "mosaic_consistency" in values[bucket]:
                cell += f" / {values[bucket]['mosaic_consistency']:.2f}"
            if bucket == "all":
                cell += f" (whole {values[bucket]['psnr']:.2f})"
            cells.append(cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_grid(path: Path, cases: list[Case], results: dict[str, list[np.ndarray]]) -> None:
    """A picture grid, one row per case: input | each method | truth."""
    rows = []
    for index, case in enumerate(cases):
        shown = case.censored.copy()
        if case.grid is None:
            shown[case.hole] = (0, 255, 0)
        tiles = [shown] + [results[name][index] for name in results] + [case.truth]
        rows.append(np.concatenate(tiles, axis=1))
    grid = np.concatenate(rows, axis=0)
    labels = ["input", *results, "truth"]
    band = np.full((24, grid.shape[1], 3), 255, np.uint8)
    tile = cases[0].truth.shape[1]
    for i, label in enumerate(labels):
        cv2.putText(band, label[:28], (i * tile + 4, 17), cv2.FONT_HERSHEY_SIMPLEX, 0.45,
                    (0, 0, 0), 1, cv2.LINE_AA)  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.concatenate([band, grid], axis=0)).save(path)


def check_report_path(json_path: Path) -> None:
    """Refuse to write a report over a model's manifest (``models/NAME.json`` has the model's
    name, so ``--json models/NAME.json`` would otherwise replace it)."""
    try:
        existing = json.loads(json_path.read_text())
    except (OSError, ValueError):
        return
    if isinstance(existing, dict) and {"architecture", "weights", "sha256"} <= existing.keys():
        raise ValueError(f"{json_path} is a model manifest: write the report elsewhere")


def write_report(report: dict[str, Any], json_path: Path) -> None:
    check_report_path(json_path)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(json_path, (json.dumps(report, indent=2) + "\n").encode("utf-8"))
    write_atomically(json_path.with_suffix(".md"), to_markdown(report).encode("utf-8"))
