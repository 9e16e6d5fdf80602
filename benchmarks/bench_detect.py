"""Benchmark the classical mosaic detector (``decensor_app.detect.detect_mosaics``).

Positives: held-out pictures (the test split of ``data/opy-256/manifest.json``, full size,
400-800 px) with synthetic mosaics. Per picture, seeded:

* one grid (three pictures in four) or two grids (one in four, in separate places), each with a
  block size drawn from 4-24 px and a random grid offset;
* region shapes from the trainer's mask sampler (``sample_mask``): censor bars and rectangles,
  some rotated, 1-4 per draw (so often several regions on one grid), or, for one region in
  three, free-form brush strokes; each snapped to whole blocks (a block is in the region when
  more than half of it is covered), 5-30 % of the picture in all;
* the blocks replaced by their mean colour (``decensor_app.mosaic.pixelate``); every third
  picture is then re-saved as JPEG at quality 85.

Measures on the positives:

* ``IoU strict``: detected mask (union of all regions) vs the truth (all mosaic blocks).
* ``IoU detectable``: the same, but truth blocks that the mosaic did not change (no pixel moved
  by more than 6 levels in any channel, before JPEG: a mosaic of a flat area *is* the flat area)
  are "don't care": left out of both intersection and union. This is what a detector can see;
  missing or adding such blocks changes no pixel of a restoration.
* ``strict IoU of a mask of exactly the changed blocks``: for reference, what the strict IoU
  of a perfect detector of visible blocks would be (its gap to 1 is the invisible share).
* ``block exact``: per truth grid, the detected region overlapping that grid's blocks most has
  the right block size (picture counts when all its grids do); ``grid exact`` also needs the
  offset to be right.
* ``missed``: pictures where nothing was detected.
* Per truth grid with at least 4 blocks that the mosaic changed ("visible"): the share found
  (some detected region overlaps it), and the block size exact among those found; plus the
  picture-level block score over the pictures whose grids are all visible.

Negatives (false positives = pictures with any detection):

* ``held-out clean``: the same held-out pictures, unmodified (PNG); ``held-out JPEG``: the same
  re-saved as JPEG quality 85 (JPEG's 8x8 blocking is a grid of flat-ish blocks);
* synthetic ``pixel-art`` (a small picture of 3-16 palette colours, shapes drawn without
  anti-aliasing, scaled up 3-16x by nearest neighbour), ``checkerboard`` (2 colours, squares
  3-40 px, random phase), ``flat`` (one colour, or a few flat shapes on a flat background),
  ``text`` (``cv2.putText`` lines, several fonts, sizes and thicknesses, on flat or gradient
  backgrounds); one in three of each re-saved as JPEG quality 85.

Speed: wall seconds for one 2048x2048 picture (a held-out picture scaled up, with a 20 % mosaic
of block 16), and for the same picture without mosaic; three runs each, the best and the first
(cold: fresh memory for the integral images) are reported. The per-picture mean over the
held-out pictures (400-800 px) is reported too. Timings share the machine with whatever else
runs on it.

Run from the repository root::

    .venv/bin/python benchmarks/bench_detect.py                       # 200 pictures
    .venv/bin/python benchmarks/bench_detect.py --pictures 150 --seed 1 --json det.json
    .venv/bin/python benchmarks/bench_detect.py --pictures 30 --verbose   # list the misses

The table goes to stdout, progress (and ``--verbose`` details) to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from decensor_app.detect import detect_mosaics, detection_mask  # noqa: E402
from decensor_app.mosaic import MosaicGrid, pixelate  # noqa: E402
from decensor_app.trainer.synthesis import sample_mask  # noqa: E402

MANIFEST = ROOT / "data" / "opy-256" / "manifest.json"
BLOCKS = (4, 24)
JPEG_QUALITY = 85
#: A truth block the mosaic moved by at most this much (any pixel, any channel) is invisible.
UNCHANGED = 6
#: Truth grids with fewer changed blocks than this are left out of the "visible" block scores.
VISIBLE_BLOCKS = 4
NEGATIVE_KINDS = ("pixel-art", "checkerboard", "flat", "text")


@dataclass
class Case:
    """One synthetic mosaic: the picture and, per grid, its truth blocks."""

    picture: np.ndarray
    grids: list[MosaicGrid]
    truths: list[np.ndarray]  # HxW bool per grid
    dont_care: np.ndarray  # HxW bool: truth blocks the mosaic did not change
    jpeg: bool


def jpeg(rgb: np.ndarray, quality: int = JPEG_QUALITY) -> np.ndarray:
    """``rgb`` re-saved as JPEG (OpenCV's encoder, 4:2:0) and decoded."""
    ok, data = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return np.ascontiguousarray(cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1])


def snap(mask: np.ndarray, grid: MosaicGrid) -> np.ndarray:
    """Whole blocks of ``grid`` more than half covered by ``mask``."""
    cover = np.repeat((mask.astype(np.uint8) * 255)[..., None], 3, axis=2)
    return pixelate(cover, grid)[..., 0] > 127


def touched(mask: np.ndarray, grid: MosaicGrid) -> np.ndarray:
    """Whole blocks of ``grid`` that ``mask`` touches at all."""
    cover = np.repeat((mask.astype(np.uint8) * 255)[..., None], 3, axis=2)
    return pixelate(cover, grid)[..., 0] > 0


def changed_blocks(rgb: np.ndarray, grid: MosaicGrid) -> np.ndarray:
    """HxW bool: the blocks of ``grid`` that pixelating ``rgb`` visibly changes."""
    moved = np.abs(pixelate(rgb, grid).astype(np.int16) - rgb).max(axis=2) > UNCHANGED
    return touched(moved, grid)


def make_case(
    rgb: np.ndarray, rng: np.random.Generator, use_jpeg: bool, min_visible: float = 0.0
) -> Case:
    """One synthetic mosaic of ``rgb``; with ``min_visible`` > 0 each grid's region is drawn
    again (up to 20 times) until that share of its blocks (and at least VISIBLE_BLOCKS) is
    changed by the mosaic: a censor covers something, not an empty background."""
    height, width = rgb.shape[:2]
    count = 2 if rng.random() < 0.25 else 1
    ratio = (0.05, 0.3) if count == 1 else (0.03, 0.15)
    grids: list[MosaicGrid] = []
    truths: list[np.ndarray] = []
    taken = np.zeros((height, width), bool)
    dont_care = np.zeros((height, width), bool)  # truth blocks the mosaic does not change
    for _ in range(count):
        block = int(rng.integers(BLOCKS[0], BLOCKS[1] + 1))
        grid = MosaicGrid(block, int(rng.integers(0, block)), int(rng.integers(0, block)))
        changed = changed_blocks(rgb, grid)
        kind = "free-form" if rng.random() < 1 / 3 else "bars"
        truth, best = np.zeros((height, width), bool), -1.0
        for _ in range(20):
            shape = sample_mask(rng, height, width, kind, ratio)
            drawn = snap(shape, grid)
            if taken.any():  # keep apart from the other grid's blocks (one block between)
                near = cv2.dilate(taken.view(np.uint8), np.ones((3, 3), np.uint8), iterations=block)
                drawn &= ~touched(near.view(bool), grid)
            if drawn.sum() < 16 * block * block:
                truth = drawn if best < 0 else truth  # nothing larger drawn yet: keep the last
                continue
            visible = (drawn & changed).sum() / (block * block)
            share = visible / (drawn.sum() / (block * block))
            if share > best:
                truth, best = drawn, share
            if min_visible <= 0 or (share >= min_visible and visible >= VISIBLE_BLOCKS):
                break
        if not truth.any():
            continue
        grids.append(grid)
        truths.append(truth)
        taken |= truth
        dont_care |= truth & ~changed
    mosaic = rgb.copy()
    for grid, truth in zip(grids, truths, strict=True):
        mosaic[truth] = pixelate(rgb, grid)[truth]
    if use_jpeg:
        mosaic = jpeg(mosaic)
    return Case(mosaic, grids, truths, dont_care, use_jpeg)


def score_case(case: Case, regions: list) -> dict[str, object]:
    height, width = case.picture.shape[:2]
    found = detection_mask(regions, (height, width))
    truth = np.zeros((height, width), bool)
    for mask in case.truths:
        truth |= mask
    union = (found | truth).sum()
    strict = float((found & truth).sum() / union) if union else 1.0
    care = ~case.dont_care
    union_care = ((found | truth) & care).sum()
    detectable = float((found & truth & care).sum() / union_care) if union_care else 1.0
    block_ok, grid_ok = True, True
    per_grid = []
    for grid, mask in zip(case.grids, case.truths, strict=True):
        visible = int((mask & care).sum()) // (grid.block * grid.block)
        overlaps = [int((region.mask & mask).sum()) for region in regions]
        if not overlaps or max(overlaps) == 0:
            block_ok = grid_ok = False
            per_grid.append({"visible_blocks": visible, "found": False, "block": None})
            continue
        best = regions[int(np.argmax(overlaps))]
        block_ok &= best.grid.block == grid.block
        grid_ok &= best.grid == grid
        per_grid.append(
            {"visible_blocks": visible, "found": True, "block": best.grid.block == grid.block}
        )
    # What a detector that marks exactly the changed blocks would score on the strict IoU.
    visible_only = float((truth & care).sum() / truth.sum()) if truth.any() else 1.0
    return {
        "strict": strict,
        "strict_if_exactly_visible": visible_only,
        "detectable": detectable,
        "block": block_ok,
        "grid": grid_ok,
        "missed": not regions,
        "per_grid": per_grid,
    }


# --------------------------------------------------------------------------- negatives


def pixel_art(rng: np.random.Generator) -> np.ndarray:
    """A sprite of a few palette colours, no anti-aliasing, scaled up by nearest neighbour."""
    scale = int(rng.integers(3, 17))
    small_h, small_w = int(rng.integers(16, 65)), int(rng.integers(16, 65))
    palette = rng.integers(0, 256, (int(rng.integers(3, 17)), 3))
    small = np.empty((small_h, small_w, 3), np.uint8)
    small[:] = palette[0]
    for _ in range(int(rng.integers(5, 30))):
        colour = tuple(int(c) for c in palette[int(rng.integers(0, len(palette)))])
        x, y = int(rng.integers(0, small_w)), int(rng.integers(0, small_h))
        size = int(rng.integers(2, max(3, min(small_h, small_w) // 2)))
        shape = rng.integers(0, 3)
        if shape == 0:
            cv2.rectangle(small, (x, y), (x + size, y + size // 2 + 1), colour, -1, cv2.LINE_8)
        elif shape == 1:
            cv2.circle(small, (x, y), size // 2 + 1, colour, -1, cv2.LINE_8)
        else:
            end = (int(rng.integers(0, small_w)), int(rng.integers(0, small_h)))
            cv2.line(small, (x, y), end, colour, 1, cv2.LINE_8)
    big = np.repeat(np.repeat(small, scale, axis=0), scale, axis=1)
    top, left = int(rng.integers(0, scale)), int(rng.integers(0, scale))
    return np.ascontiguousarray(big[top:, left:][:800, :800])


def checkerboard(rng: np.random.Generator) -> np.ndarray:
    square = int(rng.integers(3, 41))
    height, width = int(rng.integers(200, 700)), int(rng.integers(200, 700))
    ys, xs = np.mgrid[0:height, 0:width]
    phase_y, phase_x = int(rng.integers(0, square)), int(rng.integers(0, square))
    odd = (((ys + phase_y) // square + (xs + phase_x) // square) % 2).astype(bool)
    colours = rng.integers(0, 256, (2, 3)).astype(np.uint8)
    return np.where(odd[..., None], colours[1], colours[0]).astype(np.uint8)


def flat(rng: np.random.Generator) -> np.ndarray:
    height, width = int(rng.integers(200, 700)), int(rng.integers(200, 700))
    picture = np.empty((height, width, 3), np.uint8)
    picture[:] = rng.integers(0, 256, 3)
    if rng.random() < 0.5:
        for _ in range(int(rng.integers(1, 8))):
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            line = cv2.LINE_AA if rng.random() < 0.5 else cv2.LINE_8
            x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
            size = int(rng.integers(20, 200))
            if rng.random() < 0.5:
                cv2.rectangle(picture, (x, y), (x + size, y + size), colour, -1, line)
            else:
                cv2.circle(picture, (x, y), size // 2, colour, -1, line)
    return picture


FONTS = (
    cv2.FONT_HERSHEY_SIMPLEX,
    cv2.FONT_HERSHEY_PLAIN,
    cv2.FONT_HERSHEY_DUPLEX,
    cv2.FONT_HERSHEY_COMPLEX,
    cv2.FONT_HERSHEY_TRIPLEX,
    cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
)
WORDS = (
    "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "MOSAIC", "0123456789",
    "Lorem", "ipsum", "dolor", "sit", "amet",
)  # fmt: skip


def text(rng: np.random.Generator) -> np.ndarray:
    height, width = int(rng.integers(200, 700)), int(rng.integers(300, 800))
    if rng.random() < 0.5:
        picture = np.empty((height, width, 3), np.uint8)
        picture[:] = rng.integers(0, 256, 3)
    else:
        ramp = np.linspace(0, 1, width, dtype=np.float32)[None, :, None]
        start, end = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        picture = np.broadcast_to(start + (end - start) * ramp, (height, width, 3))
        picture = np.rint(picture).astype(np.uint8)
    font = FONTS[int(rng.integers(0, len(FONTS)))]
    scale = float(rng.uniform(0.5, 4.0))
    thickness = int(rng.integers(1, 9))
    line = cv2.LINE_AA if rng.random() < 0.5 else cv2.LINE_8
    colour = tuple(int(c) for c in rng.integers(0, 256, 3))
    spacing = int(30 * scale) + 10
    for y in range(spacing, height, spacing):
        words = " ".join(WORDS[int(i)] for i in rng.integers(0, len(WORDS), 8))
        cv2.putText(picture, words, (10, y), font, scale, colour, thickness, line)
    return np.ascontiguousarray(picture)


MAKERS: dict[str, Callable[[np.random.Generator], np.ndarray]] = {
    "pixel-art": pixel_art,
    "checkerboard": checkerboard,
    "flat": flat,
    "text": text,
}


# --------------------------------------------------------------------------- main


def held_out_paths(limit: int, seed: int) -> list[Path]:
    manifest = json.loads(MANIFEST.read_text())
    paths = [ROOT / s["path"] for s in manifest["sources"] if s["split"] == "test"]
    paths.sort()
    np.random.default_rng(seed).shuffle(paths)
    return paths[:limit]


def load(path: Path) -> np.ndarray:
    return np.array(Image.open(path).convert("RGB"))


def run_times(rgb: np.ndarray, repeat: int = 3) -> list[float]:
    """Wall seconds of ``repeat`` detections of ``rgb``, in order (the first one is cold)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        detect_mosaics(rgb)
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pictures", type=int, default=200, help="held-out pictures (max all)")
    parser.add_argument("--negatives", type=int, default=50, help="pictures per synthetic kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--verbose", action="store_true", help="list misses and false alarms")
    parser.add_argument("--no-timing", action="store_true", help="skip the 2048 px timing")
    parser.add_argument(
        "--min-visible", type=float, default=0.25,
        help="share of a mosaic's blocks that must change pixels (0: regions anywhere, "
        "also over empty background)",
    )  # fmt: skip
    args = parser.parse_args(argv)

    paths = held_out_paths(args.pictures, args.seed)
    rows: list[dict[str, object]] = []
    fp = {"held-out clean": 0, "held-out JPEG": 0}
    seconds: list[float] = []
    for index, path in enumerate(paths):
        rng = np.random.default_rng([args.seed, index])
        original = load(path)
        case = make_case(original, rng, use_jpeg=index % 3 == 0, min_visible=args.min_visible)
        start = time.perf_counter()
        regions = detect_mosaics(case.picture)
        seconds.append(time.perf_counter() - start)
        row = score_case(case, regions)
        row["path"] = path.name
        row["grids"] = [[g.block, g.offset_x, g.offset_y] for g in case.grids]
        row["found"] = [r.to_json() for r in regions]
        row["jpeg"] = case.jpeg
        clean = detect_mosaics(original)
        clean_jpeg = detect_mosaics(jpeg(original))
        row["fp_clean"] = [r.to_json() for r in clean]
        row["fp_jpeg"] = [r.to_json() for r in clean_jpeg]
        fp["held-out clean"] += bool(clean)
        fp["held-out JPEG"] += bool(clean_jpeg)
        rows.append(row)
        bad = row["detectable"] < 0.8 or not row["block"] or clean or clean_jpeg
        if args.verbose and bad:
            print(
                f"{index:3d} {path.name[:40]:40s} grids {row['grids']} jpeg {case.jpeg} "
                f"strict {row['strict']:.2f} detectable {row['detectable']:.2f} "
                f"found {[(f['block'], f['offset'], f['confidence']) for f in row['found']]} "
                f"FP {[(f['block'], f['bbox']) for f in row['fp_clean']]} "
                f"FPjpeg {[(f['block'], f['bbox']) for f in row['fp_jpeg']]}",
                file=sys.stderr,
            )
        elif (index + 1) % 25 == 0:
            print(f"{index + 1}/{len(paths)} pictures", file=sys.stderr)
    counts = {kind: len(paths) for kind in fp}
    negatives: dict[str, list[object]] = {}
    for kind in NEGATIVE_KINDS:
        fp[kind] = 0
        counts[kind] = args.negatives
        negatives[kind] = []
        for index in range(args.negatives):
            rng = np.random.default_rng([args.seed, 1000 + NEGATIVE_KINDS.index(kind), index])
            picture = MAKERS[kind](rng)
            if index % 3 == 0:
                picture = jpeg(picture)
            found = detect_mosaics(picture)
            fp[kind] += bool(found)
            negatives[kind].append([r.to_json() for r in found])
            if args.verbose and found:
                print(f"FP {kind} #{index}: {[r.to_json() for r in found]}", file=sys.stderr)

    timing: dict[str, float] = {}
    if not args.no_timing and paths:
        big = cv2.resize(load(paths[0]), (2048, 2048), interpolation=cv2.INTER_CUBIC)
        region = np.zeros((2048, 2048), bool)
        region[600:1520, 500:1400] = True
        grid = MosaicGrid(16, 5, 11)
        cells = snap(region, grid)
        mosaic = big.copy()
        mosaic[cells] = pixelate(big, grid)[cells]
        for name, picture in (("mosaic", mosaic), ("clean", big)):
            times = run_times(picture)
            timing[f"seconds_2048_{name}_best"] = min(times)
            timing[f"seconds_2048_{name}_first"] = times[0]

    n = len(rows)
    # Per truth grid with at least VISIBLE_BLOCKS blocks that the mosaic changed.
    visible = [g for r in rows for g in r["per_grid"] if g["visible_blocks"] >= VISIBLE_BLOCKS]
    found = [g for g in visible if g["found"]]
    pictures_visible = [
        r for r in rows if all(g["visible_blocks"] >= VISIBLE_BLOCKS for g in r["per_grid"])
    ]
    summary: dict[str, object] = {
        "pictures": n,
        "seed": args.seed,
        "min_visible": args.min_visible,
        "iou_strict": float(np.mean([r["strict"] for r in rows])),
        "iou_detectable": float(np.mean([r["detectable"] for r in rows])),
        "iou_strict_if_exactly_visible": float(
            np.mean([r["strict_if_exactly_visible"] for r in rows])
        ),
        "iou_strict_jpeg": float(np.mean([r["strict"] for r in rows if r["jpeg"]])),
        "iou_detectable_jpeg": float(np.mean([r["detectable"] for r in rows if r["jpeg"]])),
        "block_exact": float(np.mean([r["block"] for r in rows])),
        "grid_exact": float(np.mean([r["grid"] for r in rows])),
        "block_exact_visible_pictures": float(np.mean([r["block"] for r in pictures_visible])),
        "visible_pictures": len(pictures_visible),
        "regions_visible": len(visible),
        "regions_found": float(len(found) / max(len(visible), 1)),
        "block_exact_when_found": float(np.mean([g["block"] for g in found])) if found else 0.0,
        "missed": float(np.mean([r["missed"] for r in rows])),
        "false_positive_rate": {kind: fp[kind] / max(counts[kind], 1) for kind in fp},
        "false_positive_counts": {kind: [fp[kind], counts[kind]] for kind in fp},
        "seconds_per_picture_mean": float(np.mean(seconds)),
        **timing,
    }
    print(f"| measure | value |\n| --- | --- |\n| held-out pictures | {n} |")
    print(
        f"| mean IoU strict (all / JPEG third) | {summary['iou_strict']:.3f} / "
        f"{summary['iou_strict_jpeg']:.3f} |"
    )
    print(
        f"| mean IoU detectable-only (all / JPEG third) | {summary['iou_detectable']:.3f} / "
        f"{summary['iou_detectable_jpeg']:.3f} |"
    )
    print(
        "| strict IoU of a mask of exactly the changed blocks (reference) | "
        f"{summary['iou_strict_if_exactly_visible']:.3f} |"
    )
    print(f"| block size exact | {summary['block_exact']:.1%} |")
    print(f"| grid (block and offset) exact | {summary['grid_exact']:.1%} |")
    print(
        f"| block size exact, pictures whose every grid has >= {VISIBLE_BLOCKS} changed blocks "
        f"({len(pictures_visible)}) | {summary['block_exact_visible_pictures']:.1%} |"
    )
    print(
        f"| truth grids with >= {VISIBLE_BLOCKS} changed blocks found ({len(visible)}) | "
        f"{summary['regions_found']:.1%} |"
    )
    print(f"| block size exact where found | {summary['block_exact_when_found']:.1%} |")
    print(f"| nothing found | {summary['missed']:.1%} |")
    for kind in fp:
        print(
            f"| false positives, {kind} | {fp[kind]}/{counts[kind]} "
            f"({fp[kind] / max(counts[kind], 1):.1%}) |"
        )
    print(f"| seconds per held-out picture (mean) | {summary['seconds_per_picture_mean']:.3f} |")
    for key, value in timing.items():
        print(f"| {key.replace('_', ' ')} | {value:.2f} |")
    if args.json:
        args.json.write_text(
            json.dumps({"summary": summary, "pictures": rows, "negatives": negatives}, indent=1)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
