"""``decensor-train benchmark``: whole pictures through the app's own pipeline.

Clean pictures are taken at their own sizes (long side at most ``HOLDOUT_LONG_SIDE``),
censored with seeded synthetic censors, written in the app's folder layout (the input with the
hole painted pure green; for mosaics the censored picture as its original) and restored by
every method exactly as ``decensor`` restores them: each method is an engine given to
:func:`~decensor_app.pipeline.run_batch`, which sees only those files (no mask, no grid).

Bar censors: free-form strokes and bars (:func:`~decensor_app.trainer.synthesis.sample_mask`),
bucketed by hole ratio 10-20, 20-30, 30-40, 40-50 %. Mosaic censors: block sizes 4-24 on the
origin-aligned grid or an offset one, some re-saved as JPEG
(:func:`~decensor_app.trainer.synthesis.sample_censor`), bucketed by block size.

Methods: the models asked for (default: the default model of the censor type) and the
classical baselines as the app runs them (bar: ``telea``, ``navier-stokes``; mosaic:
``mosaic-bicubic``, ``mosaic-lanczos`` on the grid the app estimates). Mosaics also get two
reference rows, not engine runs: block means interpolated on the *true* grid.

Per picture: hole PSNR and SSIM, whole-picture PSNR, seconds, and for mosaics consistency and
seam (:func:`~decensor_app.trainer.evaluate.seam`). Per method and bucket: their means, and
against the *strongest baseline* (the engine-run baseline with the best mean hole PSNR over all
pictures) the median per-picture hole-PSNR gain and how many pictures lose more than
:data:`WORSE_MARGIN_DB` to it. A mean of PSNRs is dominated by a few easy pictures; the median
gain and the worse-count are not.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from decensor_app.engines import CensorType, Engine, default_model, load_engine
from decensor_app.engines.classical import block_means_fill
from decensor_app.imaging import PICTURE_EXTENSIONS, Picture, load_picture, save_picture
from decensor_app.masks import GREEN
from decensor_app.mosaic import MosaicGrid
from decensor_app.pipeline import BatchOptions, FileResult, run_batch
from decensor_app.trainer.dataset import HOLDOUT_LONG_SIDE, read_rgb, shrink
from decensor_app.trainer.evaluate import (
    HOLE_BUCKETS,
    MOSAIC_BLOCKS,
    Case,
    check_report_path,
    psnr,
    scores,
    seam,
    write_grid,
)
from decensor_app.trainer.synthesis import (
    Censor,
    MaskKind,
    apply_censor,
    sample_censor,
    sample_mask,
)

#: The classical engines run as baselines, per censor type (names from ``--list-models``).
BASELINES: dict[CensorType, tuple[str, ...]] = {
    "bar": ("telea", "navier-stokes"),
    "mosaic": ("mosaic-bicubic", "mosaic-lanczos"),
}
#: Mosaic reference rows: block means on the true synthesis grid (no engine run).
TRUE_GRID_REFERENCES = {
    "block-means-bicubic (true grid)": cv2.INTER_CUBIC,
    "block-means-lanczos (true grid)": cv2.INTER_LANCZOS4,
}
#: A picture counts as made worse than the strongest baseline below this hole-PSNR gain.
WORSE_MARGIN_DB = 0.5
#: Per-picture PSNR of a perfect result (zero error) instead of infinity, so means stay finite.
MAX_PSNR_DB = 100.0
#: Hole ratio range of mosaic censors (buckets are by block size).
MOSAIC_HOLE_RATIO = (0.1, 0.5)
#: Share of mosaics re-saved as JPEG, as pictures passed around the web are.
JPEG_SHARE = 1 / 3
#: Pictures shown in the grid: this many worst and this many typical ones.
GRID_ROWS_EACH = 4
#: Side of a grid tile in pixels; the caption strip below it.
GRID_TILE = 384
GRID_CAPTION = 20
#: The book's mosaic test (``--book``): pictures with this long side, blocks of this size on
#: the picture's origin, over a centred box of this share of the picture.
BOOK_LONG_SIDE = 672
BOOK_BLOCK = 16
BOOK_HOLE_RATIO = 0.5
#: Per-picture metrics, averaged per bucket ("seam" and "consistency" for mosaics only).
METRICS = ("psnr_hole", "ssim_hole", "psnr", "l1_hole", "consistency", "seam", "seconds")


@dataclass
class PictureCase(Case):
    """One whole picture of the benchmark (see :class:`~decensor_app.trainer.evaluate.Case`):
    ``truth`` the clean HxWx3 uint8 picture, ``hole`` HxW bool, ``censored`` the truth with the
    hole zeroed (bar) or mosaicked (mosaic: also what the original file holds)."""

    name: str = ""  # file name in the folder layout
    source: str = ""  # the clean picture's path
    kind: str = ""  # mask kind
    jpeg_quality: int = 0  # mosaics: 0 = not re-saved as JPEG


def find_pictures(folders: Sequence[Path]) -> list[Path]:
    """Every picture (:data:`~decensor_app.imaging.PICTURE_EXTENSIONS`) under ``folders``, in
    name order per folder."""
    found: list[Path] = []
    for folder in folders:
        found.extend(
            path
            for path in sorted(Path(folder).rglob("*"))
            if path.is_file() and path.suffix.lower() in PICTURE_EXTENSIONS
        )
    return found


def bucket_label(low: float, high: float) -> str:
    """A hole-ratio bucket's name, e.g. "10-20%"."""
    return f"{round(low * 100)}-{round(high * 100)}%"


def make_picture_cases(
    pictures: Sequence[Path], censor: CensorType, seed: int, count: int | None = None
) -> list[PictureCase]:
    """Seeded censors for ``count`` pictures (default: one per picture).

    With fewer ``count`` than pictures, a seeded sample of them (in their order); with more,
    pictures are used again with fresh censors. Case ``i`` draws from the generator seeded
    ``[seed, i]``, alternates free-form strokes and bars, and cycles through the buckets
    (hole ratio for bars, block size for mosaics).
    """
    if not pictures:
        raise ValueError("no pictures to benchmark")
    count = len(pictures) if count is None else count
    if count <= len(pictures):
        chosen = np.sort(np.random.default_rng(seed).choice(len(pictures), count, replace=False))
    else:
        chosen = np.arange(count) % len(pictures)
    cases = []
    for index, picture_index in enumerate(chosen):
        path = pictures[int(picture_index)]
        truth = shrink(read_rgb(path, HOLDOUT_LONG_SIDE), HOLDOUT_LONG_SIDE)
        height, width = truth.shape[:2]
        rng = np.random.default_rng([seed, index])
        kind: MaskKind = "free-form" if index % 2 == 0 else "bars"
        grid = None
        quality = 0
        if censor == "bar":
            low, high = HOLE_BUCKETS[(index // 2) % len(HOLE_BUCKETS)]
            hole = sample_mask(rng, height, width, kind, (low, high))
            chosen_censor = Censor("bar")
            bucket = bucket_label(low, high)
        else:
            block = MOSAIC_BLOCKS[(index // 2) % len(MOSAIC_BLOCKS)]
            hole = sample_mask(rng, height, width, kind, MOSAIC_HOLE_RATIO)
            chosen_censor = sample_censor(rng, "mosaic", (block, block), 0.5, JPEG_SHARE)
            grid, quality = chosen_censor.grid, chosen_censor.jpeg_quality
            bucket = f"block {block}"
        censored = apply_censor(truth, hole, chosen_censor)
        cases.append(
            PictureCase(
                truth, hole, censored, bucket, grid, name=f"{index:04d}.png", source=str(path),
                kind=kind, jpeg_quality=quality,
            )
        )  # fmt: skip
    return cases


def make_book_cases(
    pictures: Sequence[Path], seed: int, count: int | None = None
) -> list[PictureCase]:
    """The book's test picture drawn again on each of ``pictures``: shrunk so the long side is
    at most :data:`BOOK_LONG_SIDE`, a :data:`BOOK_BLOCK` px block-means mosaic (grid on the
    picture's origin, no JPEG) over a centred box covering :data:`BOOK_HOLE_RATIO` of it.
    The sample of pictures is drawn as in :func:`make_picture_cases`."""
    if not pictures:
        raise ValueError("no pictures to benchmark")
    count = len(pictures) if count is None else min(count, len(pictures))
    chosen = np.sort(np.random.default_rng(seed).choice(len(pictures), count, replace=False))
    censor = Censor("mosaic", MosaicGrid(BOOK_BLOCK, 0, 0))
    cases = []
    for index, picture_index in enumerate(chosen):
        path = pictures[int(picture_index)]
        truth = shrink(read_rgb(path, BOOK_LONG_SIDE), BOOK_LONG_SIDE)
        height, width = truth.shape[:2]
        side = np.sqrt(BOOK_HOLE_RATIO)
        box_width, box_height = round(width * side), round(height * side)
        hole = np.zeros((height, width), bool)
        top, left = (height - box_height) // 2, (width - box_width) // 2
        hole[top : top + box_height, left : left + box_width] = True
        cases.append(
            PictureCase(
                truth, hole, apply_censor(truth, hole, censor), f"block {BOOK_BLOCK}",
                censor.grid, name=f"{index:04d}.png", source=str(path), kind="book",
            )
        )  # fmt: skip
    return cases


def write_layout(cases: Sequence[PictureCase], censor: CensorType, folder: Path) -> BatchOptions:
    """The cases as a user gives them to ``decensor``: ``folder/decensor_input/NAME.png`` with
    the hole painted pure green and, for mosaics, ``folder/decensor_input_original/NAME.png``
    (the censored picture). Returns the batch options for that layout; each method's run
    sets its own output folder."""
    options = BatchOptions(
        input_dir=folder / "decensor_input",
        original_dir=folder / "decensor_input_original",
        output_dir=folder / "decensor_output",
        censor=censor,
        overwrite=True,
    )
    options.input_dir.mkdir(parents=True, exist_ok=True)
    if censor == "mosaic":
        options.original_dir.mkdir(parents=True, exist_ok=True)
    for case in cases:
        greened = case.censored.copy()
        greened[case.hole] = GREEN
        save_picture(options.input_dir / case.name, Picture(greened, "RGB"))
        if censor == "mosaic":
            save_picture(options.original_dir / case.name, Picture(case.censored, "RGB"))
    return options


def _db(value: float) -> float:
    return min(value, MAX_PSNR_DB)


def score_picture(
    result: np.ndarray, case: PictureCase, seconds: float, status: str = "restored"
) -> dict[str, Any]:
    """The metrics of one restored picture (HxWx3 uint8) against ``case.truth``."""
    values = scores(result, case.truth, case.hole, case.grid, case.censored)
    row: dict[str, Any] = {
        "status": status,
        "psnr_hole": _db(psnr(result, case.truth, case.hole)),
        "ssim_hole": values["ssim_hole"],
        "psnr": _db(psnr(result, case.truth)),
        "l1_hole": values["l1_hole"],
        "seconds": seconds,
        # Pixels the app changed outside the synthesised hole (its green fringe rule can take
        # near-green picture pixels); 0 for a faithful run.
        "changed_outside": int(np.any(result != case.truth, axis=2)[~case.hole].sum()),
    }
    if case.grid is not None:
        row["consistency"] = values["mosaic_consistency"]
        row["seam"] = seam(result, case.truth, case.hole, case.grid)
    return row


def run_engine(
    engine: Engine, options: BatchOptions, cases: Sequence[PictureCase], output_dir: Path
) -> list[dict[str, Any]]:
    """Restore the layout of ``options`` with ``engine`` through :func:`run_batch` into
    ``output_dir``; one scored row per case. A picture the batch fails on is scored as left
    unrestored (the censored picture), as a user would be left with it."""
    report = run_batch(dataclasses.replace(options, output_dir=output_dir), engine=engine)
    by_name: dict[str, FileResult] = {result.input.name: result for result in report.files}
    rows = []
    for case in cases:
        result = by_name.get(case.name)
        if result is not None and result.status == "restored" and result.outputs:
            restored = np.ascontiguousarray(load_picture(result.outputs[0]).rgb8)
            rows.append(score_picture(restored, case, result.seconds))
        else:
            row = score_picture(case.censored, case, result.seconds if result else 0.0, "failed")
            row["error"] = result.error if result else "not run"
            rows.append(row)
    return rows


def run_true_grid_reference(
    interpolation: int, cases: Sequence[PictureCase]
) -> list[dict[str, Any]]:
    """Mosaic reference row: block means on each case's true grid, composited into the hole."""
    rows = []
    for case in cases:
        started = time.perf_counter()
        fill = block_means_fill(case.censored, case.grid, interpolation)
        result = np.where(case.hole[..., None], fill, case.censored)
        rows.append(score_picture(result, case, time.perf_counter() - started))
    return rows


def gain_summary(gains: Sequence[float]) -> dict[str, float | int]:
    """Median of per-picture hole-PSNR gains (dB) and how many are below -WORSE_MARGIN_DB."""
    values = np.asarray(gains, np.float64)
    return {
        "median_gain": float(np.median(values)) if values.size else float("nan"),
        "worse": int(np.count_nonzero(values < -WORSE_MARGIN_DB)),
    }


def _mean(values: Sequence[float]) -> float:
    finite = [v for v in values if np.isfinite(v)]
    return float(np.mean(finite)) if finite else float("nan")


def summarise(
    rows: Sequence[dict[str, Any]],
    baseline_rows: Sequence[dict[str, Any]],
    cases: Sequence[PictureCase],
) -> dict[str, dict[str, Any]]:
    """Per bucket (and "all"): count, failures, metric means, median gain and worse-count
    against ``baseline_rows`` (the strongest baseline's rows for the same cases)."""
    buckets = [*sorted({case.bucket for case in cases}, key=_bucket_order), "all"]
    summary = {}
    for bucket in buckets:
        picked = [i for i, case in enumerate(cases) if bucket in ("all", case.bucket)]
        entry: dict[str, Any] = {
            "count": len(picked),
            "failed": sum(rows[i]["status"] != "restored" for i in picked),
        }
        for metric in METRICS:
            if metric in rows[0]:
                entry[metric] = _mean([rows[i][metric] for i in picked])
        gains = [rows[i]["psnr_hole"] - baseline_rows[i]["psnr_hole"] for i in picked]
        entry.update(gain_summary(gains))
        summary[bucket] = entry
    return summary


def _bucket_order(bucket: str) -> float:
    """Buckets in numeric order ("block 4" before "block 12")."""
    return float(bucket.split()[-1].rstrip("%").split("-")[0])


def _nan_to_none(value: Any) -> Any:
    """JSON has no NaN: NaN (a seam without block borders in the hole) becomes null."""
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _nan_to_none(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nan_to_none(item) for item in value]
    return value


def benchmark(
    pictures: Sequence[Path],
    censor: CensorType = "bar",
    models: Sequence[str | Engine] = (),
    models_dir: Path | None = None,
    cases: int | None = None,
    seed: int = 1234,
    grid_path: Path | None = None,
    work_dir: Path | None = None,
    log: Callable[[str], None] = lambda message: None,
    book: bool = False,
    runtime: str = "auto",
) -> dict[str, Any]:
    """Run the benchmark; returns the report (see :func:`to_markdown`).

    Args:
        pictures: folders of clean pictures (searched recursively).
        models: model names (``--list-models``) or loaded engines; default: the default model
            of ``censor``. The baselines are always run.
        cases: how many pictures (default: every picture once).
        grid_path: where to write the picture grid (PNG), if anywhere.
        work_dir: write the folder layout and outputs here and keep them (default: a
            temporary folder).
        book: mosaics: the book's test (:func:`make_book_cases`) instead of sampled censors.
    """
    files = find_pictures(pictures)
    if book and censor != "mosaic":
        raise ValueError("the book's test is a mosaic test")
    picture_cases = (
        make_book_cases(files, seed, cases)
        if book
        else make_picture_cases(files, censor, seed, cases)
    )
    chosen: list[str | Engine] = list(models) or [default_model(censor, models_dir)]
    engines: dict[str, Engine] = {}
    model_names: list[str] = []  # what was asked for; it may be a baseline itself
    for position, item in enumerate([*chosen, *BASELINES[censor]]):
        engine = (
            item if isinstance(item, Engine) else load_engine(item, censor, models_dir, runtime)
        )
        engines.setdefault(engine.info.name, engine)
        if position < len(chosen) and engine.info.name not in model_names:
            model_names.append(engine.info.name)
    rows_by_method: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="decensor-benchmark-") as temporary:
        folder = Path(work_dir) if work_dir is not None else Path(temporary)
        log(f"writing {len(picture_cases)} censored pictures to {folder}")
        options = write_layout(picture_cases, censor, folder)
        outputs_by_method: dict[str, Path] = {}
        for index, (name, engine) in enumerate(engines.items()):
            log(f"restoring {len(picture_cases)} pictures with {name}")
            outputs_by_method[name] = folder / f"decensor_output_{index}"
            # Models run as the app runs them (repeated patterns continued in bar mode); the
            # baselines are the classical methods alone.
            method_options = (
                options
                if name in model_names
                else dataclasses.replace(options, continue_patterns=False)
            )
            rows_by_method[name] = run_engine(
                engine, method_options, picture_cases, outputs_by_method[name]
            )
        if censor == "mosaic":
            for name, interpolation in TRUE_GRID_REFERENCES.items():
                rows_by_method[name] = run_true_grid_reference(interpolation, picture_cases)
        strongest = max(
            BASELINES[censor],
            key=lambda name: _mean([row["psnr_hole"] for row in rows_by_method[name]]),
        )
        if grid_path is not None:
            write_benchmark_grid(
                grid_path, picture_cases, censor, model_names[0], strongest,
                {name: outputs_by_method[name] for name in (model_names[0], strongest)},
                rows_by_method,
            )  # fmt: skip
    baseline_rows = rows_by_method[strongest]
    report: dict[str, Any] = {
        "censor": censor,
        "pictures": len(picture_cases),
        "sources": [str(folder) for folder in pictures],
        "seed": seed,
        "long_side": BOOK_LONG_SIDE if book else HOLDOUT_LONG_SIDE,
        "book": book,
        "models": model_names,
        "baselines": list(BASELINES[censor]),
        "references": list(TRUE_GRID_REFERENCES) if censor == "mosaic" else [],
        "strongest_baseline": strongest,
        "worse_margin_db": WORSE_MARGIN_DB,
        "methods": {
            name: summarise(rows, baseline_rows, picture_cases)
            for name, rows in rows_by_method.items()
        },
        "rows": [
            {
                "picture": case.name,
                "source": case.source,
                "width": int(case.truth.shape[1]),
                "height": int(case.truth.shape[0]),
                "bucket": case.bucket,
                "kind": case.kind,
                "hole_ratio": float(case.hole.mean()),
                **(
                    {
                        "block": case.grid.block,
                        "offset": [case.grid.offset_x, case.grid.offset_y],
                        "jpeg_quality": case.jpeg_quality,
                    }
                    if case.grid is not None
                    else {}
                ),
                "methods": {name: rows[index] for name, rows in rows_by_method.items()},
            }
            for index, case in enumerate(picture_cases)
        ],
    }
    return report


def _tile(
    picture: np.ndarray, censor: CensorType, centre: tuple[int, int], caption: str
) -> np.ndarray:
    """A GRID_TILE-wide tile with a caption strip above: bar pictures shrunk whole to fit,
    mosaics cropped at full resolution around ``centre`` (x, y) so that a block grid left in the
    result stays visible. Tiles of one picture have one height."""
    height, width = picture.shape[:2]
    if censor == "mosaic":
        x = min(max(centre[0] - GRID_TILE // 2, 0), max(width - GRID_TILE, 0))
        y = min(max(centre[1] - GRID_TILE // 2, 0), max(height - GRID_TILE, 0))
        shown = picture[y : y + GRID_TILE, x : x + GRID_TILE]
    else:
        shown = shrink(picture, GRID_TILE)
    tile = np.full((GRID_CAPTION + shown.shape[0], GRID_TILE, 3), 255, np.uint8)
    tile[GRID_CAPTION:, : shown.shape[1]] = shown
    cv2.putText(tile, caption[:44], (3, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 1,
                cv2.LINE_AA)  # fmt: skip
    return tile


def grid_picks(gains: Sequence[float], each: int = GRID_ROWS_EACH) -> list[tuple[str, int]]:
    """(label, case index) of the grid's rows: the ``each`` largest losses against the baseline,
    then the ``each`` pictures whose gain is nearest the median (not already shown)."""
    order = np.argsort(np.asarray(gains), kind="stable")
    worst = [int(i) for i in order[:each]]
    median = float(np.median(gains))
    near = np.argsort(np.abs(np.asarray(gains) - median), kind="stable")
    typical = [int(i) for i in near if int(i) not in worst][:each]
    return [("worst", i) for i in worst] + [("typical", i) for i in typical]


def write_benchmark_grid(
    path: Path,
    cases: Sequence[PictureCase],
    censor: CensorType,
    model: str,
    baseline: str,
    outputs: dict[str, Path],
    rows_by_method: dict[str, list[dict[str, Any]]],
) -> None:
    """Rows of input / model / strongest baseline / truth for the worst and typical pictures
    (:func:`grid_picks`), captioned with the bucket and hole PSNR; drawn with evaluate's grid
    writer on tiles of one size."""
    gains = [
        model_row["psnr_hole"] - base_row["psnr_hole"]
        for model_row, base_row in zip(rows_by_method[model], rows_by_method[baseline], strict=True)
    ]
    tiles: list[Case] = []
    shown: dict[str, list[np.ndarray]] = {model: [], baseline: []}
    for label, index in grid_picks(gains):
        case = cases[index]
        ys, xs = np.nonzero(case.hole)
        centre = (int(xs.mean()), int(ys.mean()))
        given = case.censored.copy()
        if censor == "bar":
            given[case.hole] = GREEN
        caption = f"{label} {case.name} {case.bucket} gain {gains[index]:+.2f} dB"
        truth = _tile(case.truth, censor, centre, Path(case.source).name)
        tiles.append(
            Case(
                truth,
                np.zeros(truth.shape[:2], bool),
                _tile(given, censor, centre, caption),
                case.bucket,
            )
        )
        for name in shown:
            row = rows_by_method[name][index]
            output = outputs[name] / case.name
            restored = load_picture(output).rgb8 if row["status"] == "restored" else case.censored
            score = row["psnr_hole"]
            shown[name].append(_tile(restored, censor, centre, f"hole {score:.2f} dB"))
    write_grid(path, tiles, shown)


def to_markdown(report: dict[str, Any]) -> str:
    """Two tables: per bucket (hole PSNR / hole SSIM / median gain / worse-count) and overall
    (every metric)."""
    methods = report["methods"]
    first = next(iter(methods.values()))
    buckets = list(first)
    strongest = report["strongest_baseline"]
    mosaic = report["censor"] == "mosaic"
    lines = [
        f"{report['censor']} task, {report['pictures']} whole pictures (long side at most "
        f"{report['long_side']} px, seed {report['seed']}) from {', '.join(report['sources'])},"
        " restored through the app's pipeline. Gains are per-picture hole-PSNR differences to "
        f"the strongest baseline, **{strongest}**; worse = pictures more than "
        f"{report['worse_margin_db']} dB below it."
        + (
            f" The book's test: a {BOOK_BLOCK} px block-means mosaic on the picture's origin"
            " over the centred half of each picture."
            if report.get("book")
            else ""
        ),
        *(["", f"Command: `{report['command']}`"] if "command" in report else []),
        "",
        "Cells: mean hole PSNR dB / mean hole SSIM / median gain dB / worse.",
        "",
        "| method | " + " | ".join(f"{b} (n={first[b]['count']})" for b in buckets) + " |",
        "|" + " --- |" * (len(buckets) + 1),
    ]
    for name, values in methods.items():
        cells = [
            f"{v['psnr_hole']:.2f} / {v['ssim_hole']:.3f} / {v['median_gain']:+.2f} / {v['worse']}"
            for v in (values[b] for b in buckets)
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    columns = ["hole PSNR", "hole SSIM", "whole PSNR", "median gain", "worse", "failed"]
    columns += ["consistency", "seam"] if mosaic else []
    columns += ["s / picture"]
    lines += ["", "All pictures:", "", "| method | " + " | ".join(columns) + " |"]
    lines.append("|" + " --- |" * (len(columns) + 1))
    for name, values in methods.items():
        v = values["all"]
        cells = [
            f"{v['psnr_hole']:.2f}", f"{v['ssim_hole']:.3f}", f"{v['psnr']:.2f}",
            f"{v['median_gain']:+.2f}", str(v["worse"]), str(v["failed"]),
        ]  # fmt: skip
        if mosaic:
            cells += [f"{v['consistency']:.2f}", f"{v['seam']:.2f}"]
        cells.append(f"{v['seconds']:.2f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_benchmark_report(report: dict[str, Any], json_path: Path) -> None:
    """The report as JSON (NaN as null) and its tables beside it (``.md``)."""
    check_report_path(json_path)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(_nan_to_none(report), indent=2) + "\n")
    json_path.with_suffix(".md").write_text(to_markdown(report))
