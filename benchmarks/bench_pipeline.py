"""Benchmark the batch pipeline (``run_batch``) on large pictures, bar or mosaic mode.

What it measures, per case (one synthetic illustration with green-painted regions):

* the wall time of one ``run_batch`` call over a folder holding that single PNG: everything the
  command does for the file (engine lookup, PNG decode, mask, regions, restoration, compositing,
  PNG encode and atomic write);
* the per-file ``seconds`` and ``regions`` the batch report gives;
* the peak resident memory of the process (``ru_maxrss``) just before ``run_batch`` (after the
  imports, with the picture already on disk) and after it, so that the pipeline's own share is
  visible; the picture's size as an uncompressed 8-bit RGB array is printed too, so the share
  can be read as a number of full-size copies.

Every run happens in a fresh Python process (this script re-invoked with a hidden ``--child``
flag), so each peak belongs to one case and one run only. The pictures are drawn in code
(deterministic, seeded), in another fresh process (``--make``), and written as PNG into a
temporary folder before any timing starts; the parent process stays small (see below).
After each timed run the output is checked (no exact green left, pixels outside the censor mask
bit-identical, the expected region count) and scored (PSNR against the uncensored picture over
the censor mask); neither is timed, and both come after the peak memory reading.

Cases: ``1024`` (1024x1024, 3 regions of 80-240 px), ``2048`` (2048x2048, 5 regions of
60-300 px) and ``8000`` (8000x8000, 3 regions of 200-1000 px).

Run from the repository root::

    .venv/bin/python benchmarks/bench_pipeline.py                  # both cases, one run each
    .venv/bin/python benchmarks/bench_pipeline.py --cases 8000 --repeat 3 --json result.json
    .venv/bin/python benchmarks/bench_pipeline.py --cases 8000 --profile   # + cProfile top 8
    .venv/bin/python benchmarks/bench_pipeline.py --cases 1024 --model gated-conv-bar --repeat 3
    .venv/bin/python benchmarks/bench_pipeline.py --cases 1024 --censor mosaic \
        --model gated-conv-mosaic --repeat 3

``--profile [N]`` adds one cProfiled run per case (not in the table) and prints its top N
cumulative entries on stderr. The markdown table goes to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# Only the standard library is imported at module level, on purpose. On Linux a child's
# ru_maxrss starts at the peak of the process that started it (the kernel keeps the high-water
# mark across fork and exec), so the parent must stay small for its whole life: it neither
# imports numpy/OpenCV nor draws the pictures; fresh child processes do both.

SEED = 20261123

#: One JSON-able result row (a run, or a case's summary).
Row = dict[str, Any]
PROFILE_TOP = 8
#: The engine a case runs when ``--model`` is not given.
CLASSICAL_ENGINES = {"bar": "telea", "mosaic": "mosaic-lanczos"}
#: Mosaic cases: 12 px blocks, the grid offset (x, y) from the picture's origin, in pixels.
MOSAIC_BLOCK, MOSAIC_OFFSET = 12, (5, 7)


@dataclass(frozen=True)
class Case:
    """One benchmark picture: a square of ``size`` px with ``regions`` green regions."""

    size: int
    regions: int
    min_side: int  # longer side of the smallest region, px
    max_side: int  # longer side of the largest region, px

    @property
    def name(self) -> str:
        return f"{self.size}x{self.size}"

    @property
    def rgb_mib(self) -> float:
        """The picture as an uncompressed HxWx3 uint8 array, in MiB."""
        return self.size * self.size * 3 / 2**20


CASES: dict[int, Case] = {
    # The learned models' yardstick (issue 6): a typical picture with three censor bars.
    1024: Case(1024, regions=3, min_side=80, max_side=240),
    2048: Case(2048, regions=5, min_side=60, max_side=300),
    8000: Case(8000, regions=3, min_side=200, max_side=1000),
}


# --- the synthetic pictures ------------------------------------------------------------------


def _colour(rng: np.random.Generator) -> tuple[int, int, int]:
    """A random RGB colour kept well away from the censor green."""
    import numpy as np

    from decensor_app.masks import GREEN

    green = np.array(GREEN, np.float64)
    while True:
        colour = rng.integers(0, 256, 3)
        if np.linalg.norm(colour - green) > 120:
            return int(colour[0]), int(colour[1]), int(colour[2])


def draw_illustration(size: int, seed: int = SEED) -> np.ndarray:
    """A size x size x 3 uint8 RGB picture: smooth gradients with flat shapes and line art."""
    import cv2
    import numpy as np

    from decensor_app.masks import exact_green

    rng = np.random.default_rng(seed)
    picture = np.empty((size, size, 3), np.uint8)
    ramp = np.linspace(0.0, 1.0, size, dtype=np.float32)
    top, bottom = rng.uniform(60, 200, 3), rng.uniform(120, 250, 3)
    tint = rng.uniform(-40, 40, 3)
    for channel in range(3):  # vertical sky-like blend plus a horizontal tint, channel by channel
        vertical = top[channel] + (bottom[channel] - top[channel]) * ramp
        horizontal = tint[channel] * (ramp - 0.5)
        blend = vertical[:, None] + horizontal[None, :]
        picture[..., channel] = np.clip(blend, 0, 255).astype(np.uint8)
    aa = cv2.LINE_AA
    unit = size / 1000  # shapes scale with the picture
    for _ in range(40):  # flat-coloured shapes, some with a dark outline
        centre = (int(rng.integers(0, size)), int(rng.integers(0, size)))
        colour = _colour(rng)
        kind = int(rng.integers(0, 4))
        extent = int(rng.uniform(20, 160) * unit)
        if kind == 0:
            cv2.circle(picture, centre, extent, colour, -1, aa)
        elif kind == 1:
            axes = (extent, int(extent * rng.uniform(0.3, 1.0)))
            cv2.ellipse(picture, centre, axes, float(rng.uniform(0, 180)), 0, 360, colour, -1, aa)
        elif kind == 2:
            corner = (centre[0] + extent, centre[1] + int(extent * rng.uniform(0.4, 1.5)))
            cv2.rectangle(picture, centre, corner, colour, -1)
        else:
            points = rng.normal(0, extent / 2, (6, 2)) + np.array(centre)
            hull = cv2.convexHull(points.astype(np.int32))
            cv2.fillPoly(picture, [hull], colour, aa)
        if rng.random() < 0.5:
            cv2.circle(picture, centre, extent, (30, 25, 35), max(1, int(2 * unit)), aa)
    for _ in range(60):  # line art: strokes of varying thickness
        points = np.cumsum(rng.normal(0, 60 * unit, (8, 2)), axis=0) + rng.uniform(0, size, 2)
        thickness = max(1, int(rng.uniform(1, 5) * unit))
        cv2.polylines(picture, [points.astype(np.int32)], False, _colour(rng), thickness, aa)
    for row in range(0, size, max(4, int(12 * unit))):  # a striped band (fine detail)
        band_top = size * 3 // 4
        if band_top <= row < band_top + size // 10:
            cv2.line(picture, (0, row), (size - 1, row), (235, 225, 200), max(1, int(3 * unit)))
    if exact_green(picture).any():
        raise RuntimeError("the synthetic picture contains censor green before censoring")
    return picture


def _boxes_overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int], gap: int) -> bool:
    return not (
        a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1]
    )


def paint_regions(picture: np.ndarray, case: Case, seed: int = SEED) -> None:
    """Paint ``case.regions`` disjoint green regions in place, longer sides evenly spread.

    Kinds cycle through a bar, a rotated bar, a rectangle, an anti-aliased blob (ellipse) and a
    thick brush stroke, the way people censor illustrations.
    """
    import cv2
    import numpy as np

    from decensor_app.masks import GREEN

    rng = np.random.default_rng(seed + 1)
    sides = np.linspace(case.min_side, case.max_side, case.regions).round().astype(int)
    rng.shuffle(sides)
    size = case.size
    boxes: list[tuple[int, int, int, int]] = []
    for index, side in enumerate(sides):
        side = int(side)
        for _ in range(1000):  # place it clear of the others and of the picture's edges
            x, y = (int(v) for v in rng.integers(side // 2 + 8, size - side // 2 - 8, 2))
            box = (x - side // 2, y - side // 2, x + side // 2, y + side // 2)
            if not any(_boxes_overlap(box, other, gap=16) for other in boxes):
                break
        else:
            raise RuntimeError(f"cannot place region {index} of {side} px in {case.name}")
        boxes.append(box)
        kind = index % 5
        if kind == 0:  # a horizontal bar
            half = max(4, side // 8)
            cv2.rectangle(picture, (box[0], y - half), (box[2], y + half), GREEN, -1)
        elif kind == 1:  # a bar at an angle
            rect = ((x, y), (side * 0.7, side / 6), float(rng.uniform(20, 70)))
            corners = cv2.boxPoints(rect).astype(np.int32)
            cv2.fillPoly(picture, [corners], GREEN)
        elif kind == 2:  # a rectangle
            cv2.rectangle(picture, (box[0], y - side // 3), (box[2], y + side // 3), GREEN, -1)
        elif kind == 3:  # a blob with a soft (anti-aliased) edge
            axes = (side // 2 - 2, side // 3)
            cv2.ellipse(picture, (x, y), axes, float(rng.uniform(0, 180)), 0, 360, GREEN, -1, 16)
        else:  # a thick brush stroke
            xs = np.linspace(box[0] + side // 10, box[2] - side // 10, 5)
            ys = y + rng.uniform(-side / 4, side / 4, 5)
            stroke = np.stack([xs, ys], axis=1).astype(np.int32)
            cv2.polylines(picture, [stroke], False, GREEN, max(3, side // 8), cv2.LINE_AA)


def write_case(
    case: Case, folder: Path, censor: str = "bar", original_dir: Path | None = None
) -> Path:
    """Draw, censor and save the case's picture as ``folder/<name>.png``; returns the path.

    Mosaic (``censor="mosaic"``): the original, saved as ``original_dir/<name>.png``, carries a
    mosaic of :data:`MOSAIC_BLOCK` px blocks over every block the green regions touch, as a
    censored picture does; the input is that original with the regions painted green.
    """
    import numpy as np
    from PIL import Image

    from decensor_app.masks import green_mask
    from decensor_app.mosaic import MosaicGrid, pixelate

    picture = draw_illustration(case.size)
    censored = picture.copy()
    paint_regions(censored, case)
    path = folder / f"bench_{case.size}.png"
    if censor == "mosaic":  # the regions are painted again, over the mosaic
        if original_dir is None:
            raise ValueError("a mosaic case needs original_dir")
        grid = MosaicGrid(MOSAIC_BLOCK, *MOSAIC_OFFSET)
        hole = green_mask(censored)
        # Every block the hole touches is pixelated, so the mosaic covers the green entirely.
        # Block indices, + 1 so that the partial blocks before the offset are index 0.
        rows = (np.arange(case.size) - grid.offset_y) // grid.block + 1
        cols = (np.arange(case.size) - grid.offset_x) // grid.block + 1
        touched = np.zeros((rows.max() + 1, cols.max() + 1), bool)
        hole_rows, hole_cols = np.nonzero(hole)
        touched[rows[hole_rows], cols[hole_cols]] = True
        covered = touched[rows[:, None], cols[None, :]]
        original = np.where(covered[..., None], pixelate(picture, grid), picture)
        Image.fromarray(original, "RGB").save(original_dir / path.name, compress_level=6)
        censored = original.copy()
        paint_regions(censored, case)
    Image.fromarray(censored, "RGB").save(path, compress_level=6)
    Image.fromarray(picture, "RGB").save(truth_path(folder, case), compress_level=6)
    return path


def truth_path(input_dir: Path, case: Case) -> Path:
    """Where the case's uncensored picture is kept: beside the input folder, not in it."""
    return input_dir.parent / f"truth_{case.size}.png"


def hole_psnr(input_path: Path, output_path: Path, truth: Path) -> float:
    """PSNR (dB) of the restored file against the uncensored picture, over the green mask."""
    from decensor_app.imaging import load_picture
    from decensor_app.masks import green_mask
    from decensor_app.trainer.evaluate import psnr

    hole = green_mask(load_picture(input_path, None).rgb8)
    restored = load_picture(output_path, None).rgb8
    return psnr(restored, load_picture(truth, None).rgb8, hole)


# --- the child processes: one picture, or one timed run -----------------------------------


def process_age_s() -> float | None:
    """Seconds since this process started (Linux ``/proc``), interpreter start-up and imports
    included: what a user waits for the first picture. None elsewhere."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def high_water_mib() -> float | None:
    """VmHWM of /proc/self/status in MiB (this address space's own peak), or None off Linux.

    A cross-check of :func:`peak_rss_mib`: the two agree when ru_maxrss inherited nothing.
    """
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def check_output(input_path: Path, output_path: Path) -> list[str]:
    """Problems with a restored file: wrong size, green left, pixels changed outside the mask."""
    import numpy as np

    from decensor_app.imaging import load_picture
    from decensor_app.masks import exact_green, green_mask

    source = load_picture(input_path, None).rgb8
    restored = load_picture(output_path, None).rgb8
    if restored.shape != source.shape:
        return [f"output is {restored.shape}, input {source.shape}"]
    problems: list[str] = []
    left = int(np.count_nonzero(exact_green(restored)))
    if left:
        problems.append(f"{left} exact-green pixels left in the output")
    hole = green_mask(source)
    changed = int(np.count_nonzero((restored != source).any(axis=2) & ~hole))
    if changed:
        problems.append(f"{changed} pixels outside the censor mask changed")
    return problems


def run_child(args: argparse.Namespace) -> int:
    """One timed ``run_batch`` over ``args.input_dir``; prints one JSON line on stdout."""
    import cv2
    import numpy as np
    import PIL

    from decensor_app.pipeline import BatchOptions, run_batch

    case = CASES[args.child]
    before = peak_rss_mib()
    options = BatchOptions(
        input_dir=args.input_dir,
        original_dir=args.original_dir,
        output_dir=args.output_dir,
        censor=args.censor,
        model=args.model,
        runtime=args.runtime,
        average_flips=args.average_flips,
        continue_patterns=args.continue_patterns,
        overwrite=True,
    )
    profiler = cProfile.Profile() if args.profile is not None else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    report = run_batch(options)
    if profiler is not None:
        profiler.disable()
    wall = time.perf_counter() - started
    since_start = process_age_s()
    peak = peak_rss_mib()
    high_water = high_water_mib()
    problems: list[str] = []
    hole_db = None
    if len(report.files) != args.pictures:
        problems.append(f"{len(report.files)} files in the report, {args.pictures} written")
    for result in report.files:
        if result.status != "restored":
            problems.append(f"{result.input.name}: status {result.status}: {result.error}")
            continue
        if result.regions != case.regions:
            problems.append(f"{result.regions} regions reported, {case.regions} painted")
        problems += check_output(result.input, result.outputs[0])
    result = report.files[0]
    if result.status == "restored":
        hole_db = hole_psnr(result.input, result.outputs[0], truth_path(args.input_dir, case))
    later = [other.seconds for other in report.files[1:]]
    if profiler is not None:
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).sort_stats("cumulative")
        stats.print_stats(args.profile)
        print(text.getvalue(), file=sys.stderr)
    row = {
        "case": case.size,
        "status": result.status,
        "wall_s": wall,
        "since_start_s": since_start,
        "file_s": result.seconds,
        "pictures": len(report.files),
        # Each further picture of the batch (the model is loaded by then), and the whole
        # batch's time per picture.
        "later_file_s_median": statistics.median(later) if later else None,
        "per_picture_s": wall / max(len(report.files), 1),
        "regions": result.regions,
        "hole_psnr_db": hole_db if result.status == "restored" else None,
        "rss_before_mib": before,
        "rss_peak_mib": peak,
        "vm_hwm_mib": high_water,
        "problems": problems,
        "versions": {"numpy": np.__version__, "opencv": cv2.__version__, "pillow": PIL.__version__},
    }
    print(json.dumps(row))
    return 0


# --- the parent: pictures, fresh processes, summary ------------------------------------------


def spawn(arguments: list[str]) -> Row:
    """Run this script in a fresh process with ``arguments``; return its last stdout line."""
    command = [sys.executable, str(Path(__file__).resolve()), *arguments]
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)}: exit status {completed.returncode}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def make_child(args: argparse.Namespace) -> int:
    """Draw one case's picture into ``args.input_dir``; prints one JSON line on stdout."""
    import shutil

    started = time.perf_counter()
    path = write_case(CASES[args.make], args.input_dir, args.censor, args.original_dir)
    for copy in range(2, args.pictures + 1):  # the same picture again under other names
        name = f"{path.stem}_{copy:03d}.png"
        shutil.copyfile(path, path.with_name(name))
        if args.censor == "mosaic":
            shutil.copyfile(args.original_dir / path.name, args.original_dir / name)
    row = {
        "path": str(path),
        "bytes": path.stat().st_size,
        "seconds": time.perf_counter() - started,
    }
    print(json.dumps(row))
    return 0


def machine() -> Row:
    model_name = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model_name = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model_name,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def summarise(case: Case, runs: list[Row]) -> Row:
    walls = [run["wall_s"] for run in runs]
    files = [run["file_s"] for run in runs]
    starts = [run["since_start_s"] for run in runs if run.get("since_start_s") is not None]
    per_picture = [run["per_picture_s"] for run in runs]
    before = max(run["rss_before_mib"] for run in runs)
    peak = max(run["rss_peak_mib"] for run in runs)
    problems = sorted({problem for run in runs for problem in run["problems"]})
    return {
        "case": case.size,
        "picture": case.name,
        "rgb_mib": case.rgb_mib,
        "regions": runs[0]["regions"],
        "hole_psnr_db": runs[0]["hole_psnr_db"],  # the engines are deterministic
        "runs": len(runs),
        "wall_s_min": min(walls),
        "wall_s_median": statistics.median(walls),
        "file_s_min": min(files),
        "file_s_median": statistics.median(files),
        "since_start_s_median": statistics.median(starts) if starts else None,
        "pictures": runs[0]["pictures"],
        "per_picture_s_median": statistics.median(per_picture),
        "rss_before_mib": before,
        "rss_peak_mib": peak,
        "pipeline_mib": peak - before,
        "copies": (peak - before) / case.rgb_mib,
        "problems": problems,
    }


def _cells(values: list[str]) -> str:
    return "| " + " | ".join(values) + " |"


def markdown_table(rows: list[Row]) -> str:
    """The summary rows as a markdown table."""
    header = [
        "case",
        "RGB array MiB",
        "regions",
        "hole PSNR dB",
        "runs",
        "run_batch s (min / median)",
        "from process start s (median)",
        "report s (min / median)",
        "pictures",
        "per picture s (median)",
        "RSS before MiB",
        "peak RSS MiB",
        "pipeline MiB",
        "≈ RGB copies",
        "check",
    ]
    lines = [_cells(header), _cells(["---"] * len(header))]
    for row in rows:
        lines.append(
            _cells(
                [
                    row["picture"],
                    f"{row['rgb_mib']:.1f}",
                    str(row["regions"]),
                    "-" if row["hole_psnr_db"] is None else f"{row['hole_psnr_db']:.2f}",
                    str(row["runs"]),
                    f"{row['wall_s_min']:.2f} / {row['wall_s_median']:.2f}",
                    "-"
                    if row["since_start_s_median"] is None
                    else f"{row['since_start_s_median']:.2f}",
                    f"{row['file_s_min']:.2f} / {row['file_s_median']:.2f}",
                    str(row["pictures"]),
                    f"{row['per_picture_s_median']:.2f}",
                    f"{row['rss_before_mib']:.0f}",
                    f"{row['rss_peak_mib']:.0f}",
                    f"{row['pipeline_mib']:.0f}",
                    f"{row['copies']:.1f}",
                    "; ".join(row["problems"]) or "ok",
                ]
            )
        )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--cases",
        type=int,
        nargs="+",
        choices=sorted(CASES),
        default=sorted(CASES),
        help="picture sizes to run (default: all)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="fresh-process runs per case (default 1)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--censor",
        choices=("bar", "mosaic"),
        default="bar",
        help="bar: green regions; mosaic: green regions over a mosaic of 12 px blocks in the "
        "original (default bar)",
    )
    parser.add_argument(
        "--model",
        default=None,
        help=f"engine to use (default {CLASSICAL_ENGINES['bar']} for bar, "
        f"{CLASSICAL_ENGINES['mosaic']} for mosaic)",
    )
    parser.add_argument(
        "--pictures",
        type=int,
        default=1,
        help="copies of the case's picture in the folder (a batch of N files; default 1)",
    )
    parser.add_argument(
        "--runtime",
        choices=("auto", "onnx", "keras"),
        default="auto",
        help="how a learned model runs (decensor --runtime; default auto)",
    )
    parser.add_argument(
        "--average-flips",
        action="store_true",
        help="restore with the flip average (decensor --average-flips)",
    )
    parser.add_argument(
        "--no-pattern-continuation",
        dest="continue_patterns",
        action="store_false",
        help="bar mode: without the pattern continuation (decensor --no-pattern-continuation)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=PROFILE_TOP,
        default=None,
        metavar="N",
        help=f"after the timed runs, one extra cProfiled run per case; its top N cumulative "
        f"entries (default {PROFILE_TOP}) go to stderr; not counted in the table",
    )
    # The hidden child modes: draw one picture, or one timed run, in this fresh process.
    parser.add_argument("--make", type=int, choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--child", type=int, choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--input-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--original-dir", type=Path, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.make is not None:
        return make_child(args)
    if args.child is not None:
        return run_child(args)
    if args.repeat < 1 or args.pictures < 1:
        parser.error("--repeat and --pictures must be at least 1")
    model = args.model or CLASSICAL_ENGINES[args.censor]
    summaries: list[Row] = []
    all_runs: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench_pipeline_") as temp:
        for size in dict.fromkeys(args.cases):  # keep the order given, drop duplicates
            case = CASES[size]
            input_dir, output_dir = Path(temp) / f"in_{size}", Path(temp) / f"out_{size}"
            original_dir = Path(temp) / f"original_{size}"
            input_dir.mkdir()
            original_dir.mkdir()
            folders = ["--input-dir", str(input_dir), "--original-dir", str(original_dir)]
            folders += ["--censor", args.censor]
            made = spawn(["--make", str(size), *folders, "--pictures", str(args.pictures)])
            print(
                f"{case.name}: picture written ({made['bytes'] / 2**20:.1f} MiB PNG, "
                f"{made['seconds']:.1f}s, not timed)",
                file=sys.stderr,
            )
            child = ["--child", str(size), *folders]
            child += ["--output-dir", str(output_dir), "--model", model]
            child += ["--runtime", args.runtime, "--pictures", str(args.pictures)]
            child += ["--average-flips"] if args.average_flips else []
            child += [] if args.continue_patterns else ["--no-pattern-continuation"]
            runs: list[Row] = []
            for index in range(args.repeat):
                run = spawn(child)
                run["repeat"] = index + 1
                print(
                    f"{case.name} run {index + 1}/{args.repeat}: run_batch {run['wall_s']:.2f}s,"
                    f" peak RSS {run['rss_peak_mib']:.0f} MiB"
                    f" (before {run['rss_before_mib']:.0f}), "
                    + ("ok" if not run["problems"] else "; ".join(run["problems"])),
                    file=sys.stderr,
                )
                runs.append(run)
            if args.profile is not None:
                print(f"{case.name}: cProfile run (not timed):", file=sys.stderr)
                spawn([*child, "--profile", str(args.profile)])
            all_runs += runs
            summaries.append(summarise(case, runs))
    table = markdown_table(summaries)
    parent_rss = peak_rss_mib()
    if parent_rss > min(row["rss_before_mib"] for row in summaries):
        print(
            f"warning: this process peaked at {parent_rss:.0f} MiB, above a child's starting "
            "peak; the children's ru_maxrss may include it (see vm_hwm_mib in --json)",
            file=sys.stderr,
        )
    if args.json is not None:
        result = {
            "benchmark": "bench_pipeline",
            "censor": args.censor,
            "model": model,
            "runtime": args.runtime,
            "average_flips": args.average_flips,
            "repeat": args.repeat,
            "machine": {**machine(), **all_runs[0]["versions"]},
            "parent_peak_rss_mib": parent_rss,
            "cases": summaries,
            "runs": all_runs,
        }
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    info = machine()
    print(
        f"censor: {args.censor}; model: {model} (runtime {args.runtime}); {info['cpus']} CPUs, "
        f"{info['cpu']}"
    )
    print(table)
    return 0 if all(not row["problems"] for row in summaries) else 1


if __name__ == "__main__":
    sys.exit(main())
