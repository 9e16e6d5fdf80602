"""Files in, results out: the one pipeline API that the command and the window both call.

``run_batch`` restores every PNG of the input folder (pairing each with its original in mosaic
mode), reports per-file results, calls a progress callback and honours a cancel token.
``restore_image`` is the in-memory core: picture + mask (+ mosaic original) -> restored picture.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from decensor_app.detect import grid_covering, region_grid
from decensor_app.engines import CENSOR_TYPES, CensorType, Engine, EngineError, load_engine
from decensor_app.engines import default_model as default_model_for
from decensor_app.engines.ensemble import FlipAverage
from decensor_app.imaging import (
    DEFAULT_MAX_PIXELS,
    Picture,
    PictureError,
    from_uint8,
    load_picture,
    save_picture,
)
from decensor_app.masks import green_mask, near_green_count, paint_green
from decensor_app.mosaic import MosaicGrid, grid_fits
from decensor_app.planning import Crop, RestorationPlan, make_patch, paste_patch, plan_restoration
from decensor_app.symmetry import flip, flip_grid

#: Extensions accepted for originals (mosaic mode), in order of preference.
ORIGINAL_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp")
VARIATION_COUNTS = (1, 2, 4)

#: A detected mosaic: (HxW bool mask, its grid in picture pixels).
KnownGrid = tuple[np.ndarray, MosaicGrid]
Status = Literal["restored", "detected", "skipped", "failed", "cancelled"]


class UsageError(Exception):
    """The batch cannot start (bad folder, option or model); nothing was processed."""


class Cancelled(Exception):
    """Raised inside the pipeline when the cancel token is set."""


class FileError(Exception):
    """A file cannot be restored; the message is the reason shown to the user."""


class CancelToken:
    """Thread-safe flag the window sets to stop a batch after the current region."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled


@dataclass(frozen=True)
class Progress:
    """A progress event. Indices are 0-based counts of work *done*.

    ``files_done`` of ``file_count`` files are finished; in the current file, ``regions_done``
    of ``region_count`` regions are restored (for all variations at once).
    """

    files_done: int
    file_count: int
    file: Path
    regions_done: int = 0
    region_count: int = 0


ProgressCallback = Callable[[Progress], None]


@dataclass
class BatchOptions:
    """Everything a batch needs; defaults are DeepCreamPy's top-level folders."""

    input_dir: Path = Path("decensor_input")
    original_dir: Path = Path("decensor_input_original")
    output_dir: Path = Path("decensor_output")
    censor: CensorType = "bar"
    model: str | None = None  # None = the default model for the censor type
    models_dir: Path | None = None
    variations: int = 1
    #: Restore each patch in its eight flips and transposes and average the results
    #: (:class:`~decensor_app.engines.ensemble.FlipAverage`): a little better, 8x the work.
    average_flips: bool = False
    overwrite: bool = False
    strict_green: bool = False
    max_pixels: int | None = DEFAULT_MAX_PIXELS
    only: list[str] | None = None  # restrict the batch to these input file names
    #: Mosaic mode without green paint: detected mosaics are the mask, the picture its own
    #: original. Inputs may then also be JPEG or WebP.
    auto_mask: bool = False
    #: With auto_mask: write the greened pictures for review instead of restoring.
    detect_only: bool = False

    @property
    def model_name(self) -> str:
        return self.model or default_model_for(self.censor, self.models_dir)


@dataclass
class FileResult:
    """The outcome for one input file."""

    input: Path
    status: Status
    outputs: list[Path] = field(default_factory=list)
    error: str | None = None
    regions: int = 0
    seconds: float = 0.0
    detections: list[dict[str, object]] | None = None  # auto-mask: the mosaics found

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "input": str(self.input),
            "status": self.status,
            "output": str(self.outputs[0]) if self.outputs else None,
            "outputs": [str(path) for path in self.outputs],
            "error": self.error,
            # --detect-only lists the mosaics found; a restoration counts its regions.
            "regions": self.detections if self.status == "detected" else self.regions,
            "seconds": round(self.seconds, 3),
        }
        if self.detections is not None and self.status != "detected":
            data["detections"] = self.detections
        return data


@dataclass
class BatchReport:
    """All per-file results of a batch, in input order."""

    files: list[FileResult] = field(default_factory=list)
    model: str = ""
    cancelled: bool = False

    def count(self, status: Status) -> int:
        return sum(1 for result in self.files if result.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0 and not self.cancelled

    def to_json(self) -> dict[str, object]:
        return {
            "files": [result.to_json() for result in self.files],
            "restored": self.count("restored"),
            "detected": self.count("detected"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "cancelled": self.cancelled,
            "model": self.model,
        }


# --- in-memory core --------------------------------------------------------------------------


def restore_image(
    rgb: np.ndarray,
    hole: np.ndarray,
    engine: Engine,
    original: np.ndarray | None = None,
    on_region: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
    known_grids: Sequence[KnownGrid] = (),
) -> np.ndarray:
    """Restore every hole pixel of a picture.

    Args:
        rgb: HxWx3 uint8 RGB; hole pixels are ignored.
        hole: HxW bool, True = hole.
        engine: any engine; it sees patches planned by :func:`plan_restoration`.
        original: mosaic mode: HxWx3 uint8 whose hole pixels hold the mosaic; None for bars.
        on_region: called with (regions done, region count) after each engine call.
        cancel: checked before each engine call.
        known_grids: mosaic mode: grids found by detection, each with its HxW bool mask;
            regions they do not cover get a grid estimated at full resolution.

    Returns:
        HxWx3 uint8: ``rgb`` with every hole pixel replaced, all others bit-identical.
    """
    plan = plan_restoration(hole, engine.native_size)
    return restore_variations(
        rgb, hole, plan, engine, original, (1,), on_region, cancel, known_grids
    )[0]


def restore_variations(
    rgb: np.ndarray,
    hole: np.ndarray,
    plan: RestorationPlan,
    engine: Engine,
    original: np.ndarray | None = None,
    variations: Sequence[int] = (1,),
    on_region: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
    known_grids: Sequence[KnownGrid] = (),
) -> list[np.ndarray]:
    """:func:`restore_image` for several variations at once, one result per variation.

    A variation is DeepCreamPy's flip of the engine's input (see :func:`flip`); it is applied to
    each patch, so all variations share one plan and each engine call gets them as one batch.
    In mosaic mode each call also gets the mosaic's grid (:func:`mosaic_grid`), in its pixels.
    """
    results = [np.array(rgb, dtype=np.uint8, order="C") for _ in variations]
    pending = hole.copy()
    done = 0
    pastes = [
        np.isin(plan.labels[patch_plan.crop.slices], patch_plan.labels)
        for patch_plan in plan.patches
    ]
    grids: list[MosaicGrid | None] = [None] * len(plan.patches)
    if original is not None:
        grids = patch_grids(original, plan, pastes, known_grids)
    for patch_plan, paste, grid in zip(plan.patches, pastes, grids, strict=True):
        if cancel is not None:
            cancel.check()
        crop = patch_plan.crop
        rows, cols = crop.slices
        patches = [
            make_patch(result, pending, original, crop, engine.native_size, grid)
            for result in results
        ]
        outputs = engine.restore_batch(
            [flip(patch.image, v) for patch, v in zip(patches, variations, strict=True)],
            [flip(patch.hole, v) for patch, v in zip(patches, variations, strict=True)],
            [
                None if patch.original is None else flip(patch.original, v)
                for patch, v in zip(patches, variations, strict=True)
            ],
            [
                flip_grid(patch.grid, v, patch.hole.shape)
                for patch, v in zip(patches, variations, strict=True)
            ],
        )
        for result, patch, output, v in zip(results, patches, outputs, variations, strict=True):
            paste_patch(flip(output, v), patch, crop, result, paste)
        pending[rows, cols][paste] = False
        done += len(patch_plan.labels)
        if on_region is not None:
            on_region(done, len(plan.regions))
    return results


def patch_grids(
    original: np.ndarray,
    plan: RestorationPlan,
    pastes: Sequence[np.ndarray],
    known_grids: Sequence[KnownGrid] = (),
) -> list[MosaicGrid | None]:
    """The mosaic grid (picture pixels) of each patch of ``plan``, or None.

    Each patch's grid comes from :func:`mosaic_grid`. A region too small to show its grid
    (a thin bar of blocks) borrows one found for another region of the same picture, if its
    pixels fit it exactly (:func:`decensor_app.mosaic.grid_fits`): one picture is usually
    pixelated with one tool setting.

    Args:
        original: HxWx3 uint8, the picture with the mosaic.
        plan: the picture's plan; ``pastes`` holds each patch's crop-sized bool hole pixels.
    """
    grids = [
        mosaic_grid(original, patch_plan.crop, paste, known_grids)
        for patch_plan, paste in zip(plan.patches, pastes, strict=True)
    ]
    # Borrowed grids in order of how much of the picture they were found on.
    found_on: dict[MosaicGrid, int] = {}
    for grid, paste in zip(grids, pastes, strict=True):
        if grid is not None:
            found_on[grid] = found_on.get(grid, 0) + int(np.count_nonzero(paste))
    candidates = sorted(found_on, key=found_on.__getitem__, reverse=True)
    for index, (patch_plan, paste) in enumerate(zip(plan.patches, pastes, strict=True)):
        if grids[index] is not None:
            continue
        crop = patch_plan.crop
        rows, cols = crop.slices
        for grid in candidates:
            if grid_fits(original[rows, cols], paste, grid.within(crop.x, crop.y)):
                grids[index] = grid
                break
    return grids


def mosaic_grid(
    original: np.ndarray, crop: Crop, region: np.ndarray, known_grids: Sequence[KnownGrid] = ()
) -> MosaicGrid | None:
    """The grid (picture pixels) of the mosaic a patch restores.

    Args:
        original: HxWx3 uint8, the picture with the mosaic.
        crop: the patch's crop.
        region: crop-sized bool, the hole pixels the patch restores.
        known_grids: (HxW bool mask, grid) from detection; the one covering most of ``region``
            wins.

    Returns:
        The grid, or None where none is known and none can be estimated at full resolution.
    """
    rows, cols = crop.slices
    known = grid_covering([(mask[rows, cols], grid) for mask, grid in known_grids], region)
    if known is not None:
        return known
    found = region_grid(original[rows, cols], region)
    if found is None:
        return None
    return found.within(-crop.x, -crop.y)


# --- files -----------------------------------------------------------------------------------


def output_paths(input_path: Path, output_dir: Path, variations: int) -> list[Path]:
    """``<base>.png`` for one variation, ``<base>_v<n>.png`` for several."""
    stem = input_path.stem
    if variations == 1:
        return [output_dir / f"{stem}.png"]
    return [output_dir / f"{stem}_v{n}.png" for n in range(1, variations + 1)]


def find_original(input_path: Path, original_dir: Path) -> Path:
    """The original with the same base name (.png/.jpg/.jpeg/.webp, any case).

    Raises:
        FileError: none found.
    """
    wanted = input_path.stem
    candidates: dict[str, Path] = {}
    if original_dir.is_dir():
        for path in original_dir.iterdir():
            suffix = path.suffix.lower()
            if path.stem == wanted and suffix in ORIGINAL_EXTENSIONS and path.is_file():
                candidates.setdefault(suffix, path)
    for suffix in ORIGINAL_EXTENSIONS:
        if suffix in candidates:
            return candidates[suffix]
    raise FileError(
        f"mosaic mode needs the original without green: no {wanted}.png/.jpg/.jpeg/.webp "
        f"in {original_dir}"
    )


def _no_green_message(rgb: np.ndarray, censor: CensorType) -> str:
    message = "no green (0,255,0) pixels found: paint the censored areas pure green"
    near = near_green_count(rgb)
    if near:
        message += (
            f"; {near:,} pixels are nearly green, which suggests the green was changed by "
            "colour management or JPEG compression: export as PNG without a colour profile"
        )
    if censor == "mosaic":
        message += (
            "; in mosaic mode the input is a copy with the mosaic painted green and the "
            "original (with the mosaic, no green) goes into the originals folder"
        )
    return message


def _load(path: Path, max_pixels: int | None) -> Picture:
    try:
        return load_picture(path, max_pixels)
    except PictureError as error:
        raise FileError(str(error)) from error


def restore_file(
    input_path: Path,
    options: BatchOptions,
    engine: Engine,
    outputs: list[Path],
    on_progress: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
) -> tuple[int, list[dict[str, object]] | None]:
    """Restore one input file into ``outputs`` (the variations still to write).

    Args:
        on_progress: called with (regions done, region count).

    Returns:
        The number of regions, and with auto-mask the mosaics detected.

    Raises:
        FileError: the reason this file cannot be restored.
        Cancelled: the cancel token was set; nothing was written.
    """
    picture = _load(input_path, options.max_pixels)
    base = picture
    if options.auto_mask:
        hole, detections, known_grids = detected_mask(picture.rgb8)
        regions = _restore_hole(
            picture, hole, options, engine, outputs, on_progress, cancel, known_grids
        )
        return regions, detections
    if options.censor == "mosaic":
        original_path = find_original(input_path, options.original_dir)
        base = _load(original_path, options.max_pixels)
        if (base.width, base.height) != (picture.width, picture.height):
            raise FileError(
                f"size mismatch: the input is {picture.width}x{picture.height} but its "
                f"original {original_path.name} is {base.width}x{base.height}"
            )
    hole = green_mask(picture.rgb8, include_fringe=not options.strict_green)
    del picture  # the base (or the input itself) is all that is needed from here
    if not hole.any():
        raise FileError(_no_green_message(base.rgb8, options.censor))
    if options.censor == "bar" and hole.all():
        raise FileError(
            "the whole picture is green: a bar restoration needs some of the picture to work from"
        )
    return _restore_hole(base, hole, options, engine, outputs, on_progress, cancel), None


def detected_mask(
    rgb: np.ndarray,
) -> tuple[np.ndarray, list[dict[str, object]], list[KnownGrid]]:
    """Mosaics found in ``rgb`` (HxWx3 uint8): (HxW bool mask, per-region JSON records,
    per-region (mask, grid)).

    Raises:
        FileError: no mosaic found.
    """
    from decensor_app.detect import detect_mosaics, detection_mask

    regions = detect_mosaics(rgb)
    if not regions:
        raise FileError(
            "no mosaic found: paint it green instead (or check that its blocks are visible)"
        )
    return (
        detection_mask(regions, rgb.shape[:2]),
        [region.to_json() for region in regions],
        [(region.mask, region.grid) for region in regions],
    )


def _restore_hole(
    base: Picture,
    hole: np.ndarray,
    options: BatchOptions,
    engine: Engine,
    outputs: list[Path],
    on_progress: Callable[[int, int], None] | None,
    cancel: CancelToken | None,
    known_grids: Sequence[KnownGrid] = (),
) -> int:
    """Restore ``hole`` of ``base`` into ``outputs``; returns the number of regions."""
    base_rgb = base.rgb8
    mosaic = base_rgb if options.censor == "mosaic" else None
    plan = plan_restoration(hole, engine.native_size)
    variations = [_variation_of(path, options.variations) for path in outputs]
    restored = restore_variations(
        base_rgb,
        hole,
        plan,
        engine,
        mosaic,
        variations,
        on_region=on_progress,
        cancel=cancel,
        known_grids=known_grids,
    )
    region_count = len(plan.regions)
    del plan, mosaic, base_rgb  # full-size arrays; big pictures need the memory for encoding
    # Written only once every variation is done: a cancel never leaves a partial set.
    for output_path in outputs:
        rgb = restored.pop(0)
        pixels = base.pixels.copy()
        pixels[hole, :3] = from_uint8(rgb[hole], pixels.dtype)
        del rgb
        try:
            save_picture(output_path, Picture(pixels, base.source_mode, base.icc_profile))
        except PictureError as error:
            raise FileError(str(error)) from error
    return region_count


def detect_file(input_path: Path, options: BatchOptions, output: Path) -> list[dict[str, object]]:
    """Write ``input_path`` with its detected mosaics painted green to ``output``.

    Returns:
        The regions found (bbox, block, offset, confidence).

    Raises:
        FileError: unreadable, or no mosaic found.
    """
    picture = _load(input_path, options.max_pixels)
    hole, regions, _ = detected_mask(picture.rgb8)
    try:
        save_picture(output, paint_green(picture, hole))
    except PictureError as error:
        raise FileError(str(error)) from error
    return regions


def _variation_of(output_path: Path, variations: int) -> int:
    if variations == 1:
        return 1
    return int(output_path.stem.rsplit("_v", 1)[1])


def discover_inputs(
    input_dir: Path, extensions: tuple[str, ...] = (".png",)
) -> Iterator[tuple[Path, bool]]:
    """Files of ``input_dir`` sorted by name, each with whether it is a picture to restore
    (its suffix, any case, is one of ``extensions``).

    Hidden files (dot files, such as our own partial writes) and folders are left out.
    """
    for path in sorted(input_dir.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or not path.is_file():
            continue
        yield path, path.suffix.lower() in extensions


def _check_options(options: BatchOptions) -> None:
    if options.censor not in CENSOR_TYPES:
        raise UsageError(f"censor type must be one of {', '.join(CENSOR_TYPES)}")
    if options.variations not in VARIATION_COUNTS:
        raise UsageError("variations must be 1, 2 or 4")
    if options.average_flips and options.variations != 1:
        raise UsageError(
            "averaging the flips gives one result per picture: use it with 1 variation"
        )
    if (options.auto_mask or options.detect_only) and options.censor != "mosaic":
        raise UsageError("automatic mosaic detection needs --censor mosaic")
    if not options.input_dir.is_dir():
        raise UsageError(f"input folder {options.input_dir} does not exist")
    if options.censor == "mosaic" and not options.auto_mask and not options.original_dir.is_dir():
        raise UsageError(
            f"originals folder {options.original_dir} does not exist (mosaic mode needs it)"
        )
    try:
        options.output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"cannot create output folder {options.output_dir}: {error.strerror or error}"
        ) from error
    if options.output_dir.resolve() == options.input_dir.resolve():
        raise UsageError("the output folder must not be the input folder (inputs are kept)")


def run_batch(
    options: BatchOptions,
    engine: Engine | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> BatchReport:
    """Restore every PNG of ``options.input_dir`` into ``options.output_dir``.

    Args:
        options: folders, censor type, model, variations...
        engine: an already loaded engine to use; by default the one ``options`` names.
        progress: called on every file start, region and file end.
        cancel: set it to stop after the current region; no partial file is left.
        on_result: called with each file's result as soon as it is known.

    Returns:
        The per-file report. Failures are reported in it, never raised.

    Raises:
        UsageError: the batch cannot start.
    """
    _check_options(options)
    if options.detect_only:
        engine = None  # nothing is restored: no model to load
    elif engine is None:
        try:
            engine = load_engine(options.model_name, options.censor, options.models_dir)
        except EngineError as error:
            raise UsageError(str(error)) from error
    elif not engine.supports(options.censor):
        raise UsageError(f"model {engine.info.name!r} does not restore {options.censor}")
    if engine is not None and options.average_flips:
        engine = FlipAverage(engine)

    extensions = ORIGINAL_EXTENSIONS if options.auto_mask else (".png",)
    entries = list(discover_inputs(options.input_dir, extensions))
    if options.only is not None:
        wanted = set(options.only)
        entries = [(path, is_png) for path, is_png in entries if path.name in wanted]
    report = BatchReport(model=engine.info.name if engine is not None else "")
    png_count = sum(1 for _, is_png in entries if is_png)
    index = 0  # PNGs started so far
    claimed: set[Path] = set()

    def record(result: FileResult) -> None:
        report.files.append(result)
        if on_result is not None:
            on_result(result)

    for path, is_png in entries:
        if not is_png:
            kinds = "/".join(extensions)
            record(FileResult(path, "skipped", error=f"not a picture to restore (only {kinds})"))
            continue
        if cancel is not None and cancel.cancelled:
            report.cancelled = True
            break
        if progress is not None:
            progress(Progress(index, png_count, path))
        result = _run_one(path, index, png_count, options, engine, claimed, progress, cancel)
        record(result)
        if result.status == "cancelled":
            report.cancelled = True
            break
        index += 1
        if progress is not None:
            progress(Progress(index, png_count, path))
    return report


def _run_one(
    path: Path,
    index: int,
    count: int,
    options: BatchOptions,
    engine: Engine | None,
    claimed: set[Path],
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> FileResult:
    started = time.perf_counter()
    variations = 1 if options.detect_only else options.variations
    all_outputs = output_paths(path, options.output_dir, variations)
    if claimed.intersection(all_outputs):
        return FileResult(
            path,
            "failed",
            error=f"another input already writes {all_outputs[0].name}; rename one of them",
        )
    claimed.update(all_outputs)
    todo = all_outputs if options.overwrite else [p for p in all_outputs if not p.exists()]
    if not todo:
        return FileResult(
            path,
            "skipped",
            all_outputs,
            error=f"already restored ({all_outputs[0].name} exists; --overwrite redoes it)",
        )

    def on_progress(done: int, total: int) -> None:
        if progress is not None:
            progress(Progress(index, count, path, done, total))

    try:
        if options.detect_only:
            found = detect_file(path, options, todo[0])
            return FileResult(path, "detected", todo, regions=len(found), detections=found,
                              seconds=_since(started))  # fmt: skip
        assert engine is not None
        regions, detections = restore_file(path, options, engine, todo, on_progress, cancel)
    except FileError as error:
        return FileResult(path, "failed", error=str(error), seconds=_since(started))
    except Cancelled:
        return FileResult(path, "cancelled", error="cancelled", seconds=_since(started))
    except MemoryError:
        return FileResult(
            path,
            "failed",
            error="not enough memory for this picture; close other programs or split it",
            seconds=_since(started),
        )
    except Exception as error:  # a bug must not end the batch; it is reported per file
        return FileResult(
            path,
            "failed",
            error=f"unexpected error ({type(error).__name__}: {error}); please report it",
            seconds=_since(started),
        )
    return FileResult(
        path, "restored", todo, regions=regions, seconds=_since(started), detections=detections
    )


def _since(started: float) -> float:
    return time.perf_counter() - started
