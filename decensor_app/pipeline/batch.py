"""The batch loop: every input of a folder through one per-file step, with per-file results,
progress events and a cancel token. Restoring and ``--detect-only`` are two such steps."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from decensor_app.engines import CENSOR_TYPES, CensorType, Engine, EngineError, load_engine
from decensor_app.engines import default_model as default_model_for
from decensor_app.engines.ensemble import FlipAverage
from decensor_app.folders import DEFAULT_INPUT_DIR, DEFAULT_ORIGINAL_DIR, DEFAULT_OUTPUT_DIR
from decensor_app.imaging import (
    DEFAULT_MAX_PIXELS,
    INPUT_EXTENSIONS,
    Picture,
    PictureError,
    from_uint8,
    save_picture,
)
from decensor_app.masks import paint_green
from decensor_app.pipeline.core import Cancelled, CancelToken, restore_variations
from decensor_app.pipeline.files import (
    ORIGINAL_EXTENSIONS,
    FileError,
    broken_link_reason,
    discover_inputs,
    load,
    output_folder_claim,
    output_paths,
    variation_of,
)
from decensor_app.pipeline.results import (
    BatchReport,
    FileResult,
    Progress,
    ProgressCallback,
    Status,
)
from decensor_app.pipeline.sources import DetectedMosaics, GreenPaint, MaskSource, detected_mask
from decensor_app.planning import plan_restoration

VARIATION_COUNTS = (1, 2, 4)


class UsageError(Exception):
    """The batch cannot start (bad folder, option or model); nothing was processed."""


class OutputTaken(FileError):
    """Without overwrite: another run published this output after this one checked for it."""


@dataclass
class BatchOptions:
    """Everything a batch needs; defaults are DeepCreamPy's top-level folders."""

    input_dir: Path = DEFAULT_INPUT_DIR
    original_dir: Path = DEFAULT_ORIGINAL_DIR
    output_dir: Path = DEFAULT_OUTPUT_DIR
    censor: CensorType = "bar"
    model: str | None = None  # None = the default model for the censor type
    models_dir: Path | None = None
    #: How a learned model runs (:data:`~decensor_app.engines.RUNTIMES`).
    runtime: str = "auto"
    variations: int = 1
    #: Restore each patch in its eight flips and transposes and average the results
    #: (:class:`~decensor_app.engines.ensemble.FlipAverage`): a little better, 8x the work.
    average_flips: bool = False
    overwrite: bool = False
    #: Exact (0,255,0) only: no anti-aliased fringe and no near-green regions.
    strict_green: bool = False
    #: Also take the regions that JPEG compression or a colour-managed export shifted off pure
    #: green (:func:`~decensor_app.masks.near_green_regions`), and fail a file whose green is
    #: left outside the mask. False: green that is not exact (or its fringe) belongs to the
    #: picture; such a file is restored with a warning (:attr:`FileResult.warning`).
    near_green: bool = True
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

    def mask_source(self) -> MaskSource:
        """Where each input's hole comes from."""
        if self.auto_mask:
            return DetectedMosaics()
        return GreenPaint(self.censor, self.original_dir, self.strict_green, self.near_green)

    @property
    def input_extensions(self) -> tuple[str, ...]:
        return ORIGINAL_EXTENSIONS if self.auto_mask else INPUT_EXTENSIONS


RegionProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class StepResult:
    """What a :class:`FileStep` did with one file.

    Attributes:
        status: "restored" or "detected".
        regions: regions restored, or mosaics detected.
        detections: JSON records of the detected mosaics (auto-mask), else None.
        warning: what the user should check in the result (green left in it), else None.
    """

    status: Status
    regions: int
    detections: list[dict[str, object]] | None = None
    warning: str | None = None


class FileStep(Protocol):
    """What the batch does with one input file, writing ``outputs``."""

    @property
    def variations(self) -> int:
        """Outputs per input (the variations)."""
        ...

    def __call__(
        self,
        path: Path,
        outputs: list[Path],
        on_progress: RegionProgress,
        cancel: CancelToken | None,
    ) -> StepResult:
        """What was done.

        Raises:
            FileError: the reason this file cannot be done.
            Cancelled: the cancel token was set; nothing was written.
        """
        ...


@dataclass
class RestoreStep:
    """Restore an input's hole (from its mask source) with ``engine`` into its outputs."""

    options: BatchOptions
    engine: Engine

    @property
    def variations(self) -> int:
        return self.options.variations

    def __call__(
        self,
        path: Path,
        outputs: list[Path],
        on_progress: RegionProgress,
        cancel: CancelToken | None,
    ) -> StepResult:
        masked = self.options.mask_source().masked(path, self.options.max_pixels)
        base, hole, detections = masked.base, masked.hole, masked.detections
        base_rgb = base.rgb8
        mosaic = base_rgb if self.options.censor == "mosaic" else None
        plan = plan_restoration(hole, self.engine.native_size)
        variations = [variation_of(output, self.options.variations) for output in outputs]
        restored = restore_variations(
            base_rgb, hole, plan, self.engine, mosaic, variations,
            on_region=on_progress, cancel=cancel, known_grids=masked.known_grids,
        )  # fmt: skip
        region_count = len(plan.regions)
        masked_warning = masked.warning
        del plan, mosaic, base_rgb, masked  # full-size arrays; encoding big pictures needs it
        # Written only once every variation is done: a cancel never leaves a partial set.
        for output_path in outputs:
            rgb = restored.pop(0)
            pixels = base.pixels.copy()
            pixels[hole, :3] = from_uint8(rgb[hole], pixels.dtype)
            del rgb
            _save(
                output_path,
                Picture(pixels, base.source_mode, base.icc_profile),
                self.options.overwrite,
            )
        return StepResult("restored", region_count, detections, masked_warning)


@dataclass
class DetectStep:
    """``--detect-only``: write the input with its detected mosaics painted green."""

    options: BatchOptions
    variations: int = 1  # one greened picture per input

    def __call__(
        self,
        path: Path,
        outputs: list[Path],
        on_progress: RegionProgress,
        cancel: CancelToken | None,
    ) -> StepResult:
        picture = load(path, self.options.max_pixels)
        hole, regions, _ = detected_mask(picture.rgb8)
        _save(outputs[0], paint_green(picture, hole), self.options.overwrite)
        return StepResult("detected", len(regions), regions)


def _save(path: Path, picture: Picture, overwrite: bool) -> None:
    """Write ``picture`` to ``path``; without ``overwrite``, never over a file that another run
    published meanwhile (the check in :func:`_run_one` and the write are not one step).

    Raises:
        OutputTaken: without ``overwrite``, ``path`` appeared meanwhile.
        FileError: it cannot be written.
    """
    if path.is_dir():
        raise FileError(_folder_in_the_way(path))
    try:
        save_picture(path, picture, replace=overwrite)
    except FileExistsError as error:
        raise OutputTaken(
            f"{path.name} was written meanwhile by another run; it is kept (--overwrite redoes it)"
        ) from error
    except PictureError as error:
        raise FileError(str(error)) from error


def _folder_in_the_way(path: Path) -> str:
    return f"the output {path} is a folder; rename or remove it to write the result there"


def _check_folder(path: Path, role: str, extra: str = "") -> None:
    if path.is_dir():
        return
    if path.exists():
        raise UsageError(f"{role} {path} is a file, not a folder; give the folder that holds it")
    raise UsageError(f"{role} {path} does not exist{extra}")


def _check_apart(output_dir: Path, folder: Path, role: str) -> None:
    """Refuse an output folder that is ``folder``, inside it or around it (symlinks resolved):
    results would mix with, or replace, the pictures they come from."""
    output, other = output_dir.resolve(), folder.resolve()
    if output == other:
        raise UsageError(f"the output folder must not be the {role} (inputs are kept)")
    if output.is_relative_to(other):
        raise UsageError(f"the output folder must not be inside the {role} {folder}")
    if other.is_relative_to(output):
        raise UsageError(f"the output folder must not contain the {role} {folder}")


def check_options(options: BatchOptions) -> None:
    """Refuse a batch that cannot start.

    Raises:
        UsageError: the reason.
    """
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
    _check_folder(options.input_dir, "input folder")
    uses_originals = options.censor == "mosaic" and not options.auto_mask
    if uses_originals:
        _check_folder(options.original_dir, "originals folder", " (mosaic mode needs it)")
    # Before creating it: an output folder inside an input folder is refused, not made.
    _check_apart(options.output_dir, options.input_dir, "input folder")
    if uses_originals:
        _check_apart(options.output_dir, options.original_dir, "originals folder")
    if options.output_dir.exists() and not options.output_dir.is_dir():
        raise UsageError(f"output folder {options.output_dir} is a file, not a folder")
    try:
        options.output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"cannot create output folder {options.output_dir}: {error.strerror or error}"
        ) from error


def batch_engine(options: BatchOptions, engine: Engine | None = None) -> Engine:
    """``engine`` (checked to restore the censor type) or the one ``options`` names, wrapped
    in the flip average when asked.

    Raises:
        UsageError: the model cannot be loaded or does not restore this censor type.
    """
    if engine is None:
        try:
            engine = load_engine(
                options.model_name, options.censor, options.models_dir, options.runtime
            )
        except EngineError as error:
            raise UsageError(str(error)) from error
    elif not engine.supports(options.censor):
        raise UsageError(f"model {engine.info.name!r} does not restore {options.censor}")
    return FlipAverage(engine) if options.average_flips else engine


def run_batch(
    options: BatchOptions,
    engine: Engine | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> BatchReport:
    """Restore every PNG of ``options.input_dir`` into ``options.output_dir`` (or, with
    ``detect_only``, write each picture with its detected mosaics painted green).

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
    check_options(options)
    step: FileStep
    if options.detect_only:
        step, model = DetectStep(options), ""  # nothing is restored: no model to load
    else:
        loaded = batch_engine(options, engine)
        step, model = RestoreStep(options, loaded), loaded.info.name
    with output_folder_claim(options.output_dir):
        return run_steps(options, step, model, progress, cancel, on_result)


def run_steps(
    options: BatchOptions,
    step: FileStep,
    model: str,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> BatchReport:
    """The loop of :func:`run_batch`: ``step`` on every input, in name order.

    A KeyboardInterrupt (Ctrl-C; the command also turns SIGTERM into one) ends the batch like
    the cancel token: the report so far is returned, marked cancelled.
    """
    extensions = options.input_extensions
    entries = list(discover_inputs(options.input_dir, extensions))
    if options.only is not None:
        wanted = set(options.only)
        entries = [(path, is_picture) for path, is_picture in entries if path.name in wanted]
    report = BatchReport(model=model)
    count = sum(1 for _, is_picture in entries if is_picture)
    index = 0  # pictures started so far
    claimed: set[Path] = set()

    def record(result: FileResult) -> None:
        report.files.append(result)
        if on_result is not None:
            on_result(result)

    try:
        for path, is_picture in entries:
            if not is_picture:
                kinds = "/".join(extensions)
                reason = f"not a picture to restore (only {kinds})"
                record(FileResult(path, "skipped", error=reason))
                continue
            if cancel is not None and cancel.cancelled:
                report.cancelled = True
                break
            if progress is not None:
                progress(Progress(index, count, path))
            result = _run_one(path, index, count, options, step, claimed, progress, cancel)
            record(result)
            if result.status == "cancelled":
                report.cancelled = True
                break
            index += 1
            if progress is not None:
                progress(Progress(index, count, path))
    except KeyboardInterrupt:
        report.cancelled = True
    return report


def _run_one(
    path: Path,
    index: int,
    count: int,
    options: BatchOptions,
    step: FileStep,
    claimed: set[Path],
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> FileResult:
    started = time.perf_counter()
    link_problem = broken_link_reason(path)
    if link_problem is not None:
        return FileResult(path, "failed", error=link_problem)
    all_outputs = output_paths(path, options.output_dir, step.variations)
    if claimed.intersection(all_outputs):
        return FileResult(
            path,
            "failed",
            error=f"another input already writes {all_outputs[0].name}; rename one of them",
        )
    folders = [output for output in all_outputs if output.is_dir()]
    if folders:
        return FileResult(path, "failed", error=_folder_in_the_way(folders[0]))
    claimed.update(all_outputs)
    result = _run_step(path, index, count, all_outputs, options, step, progress, cancel, started)
    if result.status == "failed" and not any(output.exists() for output in all_outputs):
        # Nothing of it was written: a namesake (auto-mask: m.jpg, m.png) may still write it.
        claimed.difference_update(all_outputs)
    return result


def _run_step(
    path: Path,
    index: int,
    count: int,
    all_outputs: list[Path],
    options: BatchOptions,
    step: FileStep,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
    started: float,
) -> FileResult:
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

    def failed(error: str) -> FileResult:
        return FileResult(path, "failed", error=error, seconds=time.perf_counter() - started)

    try:
        done = step(path, todo, on_progress, cancel)
    except OutputTaken as error:
        written = [output for output in todo if output.exists()]
        return FileResult(path, "skipped", written, error=str(error))
    except FileError as error:
        return failed(str(error))
    except (Cancelled, KeyboardInterrupt):
        return FileResult(
            path, "cancelled", error="cancelled", seconds=time.perf_counter() - started
        )
    except MemoryError:
        return failed("not enough memory for this picture; close other programs or split it")
    except Exception as error:  # a bug must not end the batch; it is reported per file
        return failed(f"unexpected error ({type(error).__name__}: {error}); please report it")
    return FileResult(
        path, done.status, todo, regions=done.regions, seconds=time.perf_counter() - started,
        detections=done.detections, warning=done.warning,
    )  # fmt: skip
