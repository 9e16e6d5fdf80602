"""The batch loop: every input of a folder through one per-file step, with per-file results,
progress events and a cancel token. Restoring and ``--detect-only`` are two such steps."""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
from PIL import Image

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
from decensor_app.pipeline.sources import (
    DetectedMosaics,
    GreenPaint,
    MaskedPicture,
    MaskSource,
    detected_mask,
)
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
    #: Bar mode: where the context repeats with a clear period (fences, stripes, tiles), the
    #: hole continues the pattern instead of the model's fill
    #: (:mod:`~decensor_app.repetition`, applied by the pipeline at full resolution).
    continue_patterns: bool = True
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

#: What a step hands to the batch to write: an output path and how to make its picture (made
#: when it is written, so that several variations are not all composited at once).
Write = tuple[Path, Callable[[], Picture]]


@dataclass(frozen=True)
class StepResult:
    """What a :class:`FileStep` did with one file.

    Attributes:
        status: "restored" or "detected".
        regions: regions restored, or mosaics detected.
        detections: JSON records of the detected mosaics (auto-mask), else None.
        warning: what the user should check in the result (green left in it), else None.
        writes: the outputs to write, in order; the batch writes them (maybe in another
            thread, while the next file is restored).
    """

    status: Status
    regions: int
    detections: list[dict[str, object]] | None = None
    warning: str | None = None
    writes: tuple[Write, ...] = ()


Read = TypeVar("Read", contravariant=True)


class FileStep(Protocol[Read]):
    """What the batch does with one input file once it is read (:func:`reader` decodes and
    checks it, maybe ahead, in another thread, while the previous file is worked on): the
    work, which returns the pictures to write."""

    def __call__(
        self,
        read: Read,
        outputs: list[Path],
        on_progress: RegionProgress,
        cancel: CancelToken | None,
    ) -> StepResult:
        """What was done, with the pictures to write to ``outputs``.

        Raises:
            FileError: the reason this file cannot be done.
            Cancelled: the cancel token was set; nothing is to be written.
        """
        ...


def reader(options: BatchOptions) -> Callable[[Path], MaskedPicture | Picture]:
    """How the batch reads each input for its step: decoded with its hole and originals
    (:meth:`MaskSource.masked`), or for ``--detect-only`` decoded only. Only reads.

    The returned function raises :class:`FileError`: the reason the file cannot be done.
    """
    if options.detect_only:
        return functools.partial(load, max_pixels=options.max_pixels)
    return functools.partial(options.mask_source().masked, max_pixels=options.max_pixels)


def output_variations(options: BatchOptions) -> int:
    """Outputs per input: the variations, or one greened picture with ``--detect-only``."""
    return 1 if options.detect_only else options.variations


@dataclass
class RestoreStep:
    """Restore an input's hole (from its mask source) with ``engine`` into its outputs."""

    options: BatchOptions
    engine: Engine

    def __call__(
        self,
        read: MaskedPicture,
        outputs: list[Path],
        on_progress: RegionProgress,
        cancel: CancelToken | None,
    ) -> StepResult:
        base, hole = read.base, read.hole
        base_rgb = base.rgb8
        mosaic = base_rgb if self.options.censor == "mosaic" else None
        plan = plan_restoration(hole, self.engine.native_size)
        variations = [variation_of(output, self.options.variations) for output in outputs]
        restored: list[np.ndarray | None] = restore_variations(  # type: ignore[assignment]
            base_rgb, hole, plan, self.engine, mosaic, variations,
            on_region=on_progress, cancel=cancel, known_grids=read.known_grids,
            continue_patterns=self.options.continue_patterns,
        )  # fmt: skip
        region_count = len(plan.regions)
        del plan, mosaic, base_rgb  # full-size arrays; encoding big pictures needs the memory

        def composite(index: int) -> Picture:
            rgb = restored[index]
            assert rgb is not None, "each output is composited once"
            restored[index] = None  # each variation's array is let go once composited
            pixels = base.pixels.copy()
            pixels[hole, :3] = from_uint8(rgb[hole], pixels.dtype)
            return Picture(pixels, base.source_mode, base.icc_profile)

        writes = tuple(
            (output, functools.partial(composite, index)) for index, output in enumerate(outputs)
        )
        return StepResult("restored", region_count, read.detections, read.warning, writes)


class DetectStep:
    """``--detect-only``: write the input with its detected mosaics painted green."""

    def __call__(
        self,
        read: Picture,
        outputs: list[Path],
        on_progress: RegionProgress,
        cancel: CancelToken | None,
    ) -> StepResult:
        hole, regions, _ = detected_mask(read.rgb8)
        greened = paint_green(read, hole)
        return StepResult(
            "detected", len(regions), regions, writes=((outputs[0], lambda: greened),)
        )


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
    entries = _entries(options)
    runner = _Runner(options, entries, progress, cancel)
    try:
        pictures = runner.pictures
        if pictures:  # decoded (and its mask found) in the reader thread while the model loads
            runner.read_ahead(pictures[0], any_size=True)
        step: FileStep[Any]
        if options.detect_only:
            step, model = DetectStep(), ""  # nothing is restored: no model to load
        else:
            loaded = batch_engine(options, engine)
            step, model = RestoreStep(options, loaded), loaded.info.name
        with output_folder_claim(options.output_dir):
            return _run_steps(runner, entries, step, model, on_result)
    finally:
        runner.close()


def _entries(options: BatchOptions) -> list[tuple[Path, bool]]:
    """The batch's files in name order, each with whether it is a picture to do."""
    entries = list(discover_inputs(options.input_dir, options.input_extensions))
    if options.only is not None:
        wanted = set(options.only)
        entries = [(path, is_picture) for path, is_picture in entries if path.name in wanted]
    return entries


#: Pictures up to this many pixels are read ahead and written behind in threads while the
#: next or previous one is restored (about three pictures in memory at once); bigger ones are
#: done one stage after the other, so that an 8000x8000 picture has the memory to itself.
OVERLAP_MAX_PIXELS = 12_000_000


def _run_steps(
    runner: _Runner,
    entries: list[tuple[Path, bool]],
    step: FileStep[Any],
    model: str,
    on_result: Callable[[FileResult], None] | None,
) -> BatchReport:
    """The loop of :func:`run_batch`: ``step`` on every input of ``entries``, in order.

    A small pipeline of threads: while one picture is restored, the next is decoded (and its
    mask found) and the previous one encoded and written, so that a folder takes about the
    restorations' time (pictures up to :data:`OVERLAP_MAX_PIXELS`). Results are still
    reported in input order, each once its outputs are written.

    A KeyboardInterrupt (Ctrl-C; the command also turns SIGTERM into one) ends the batch like
    the cancel token: the report so far is returned, marked cancelled; outputs being written
    are finished first.
    """
    extensions = runner.options.input_extensions
    progress, cancel = runner.progress, runner.cancel
    report = BatchReport(model=model)
    pictures = runner.pictures
    count = len(pictures)
    claimed: set[Path] = set()
    writing: _Writing | None = None

    def record(result: FileResult) -> None:
        report.files.append(result)
        if on_result is not None:
            on_result(result)

    def finish_writing() -> None:
        nonlocal writing
        if writing is not None:
            done, writing = writing, None
            record(done.result())
            if progress is not None:
                progress(Progress(done.index + 1, count, done.path))

    index = 0  # pictures started so far
    try:
        for path, is_picture in entries:
            if not is_picture:
                finish_writing()
                kinds = "/".join(extensions)
                reason = f"not a picture to restore (only {kinds})"
                record(FileResult(path, "skipped", error=reason))
                continue
            if cancel is not None and cancel.cancelled:
                report.cancelled = True
                break
            if progress is not None:
                progress(Progress(index, count, path))
            following = pictures[index + 1] if index + 1 < count else None
            outcome = _run_one(path, index, following, runner, step, claimed)
            finish_writing()
            if isinstance(outcome, _Writing):
                writing = outcome
            else:
                record(outcome)
                if outcome.status == "cancelled":
                    report.cancelled = True
                    break
                if progress is not None:
                    progress(Progress(index + 1, count, path))
            index += 1
        finish_writing()
    except KeyboardInterrupt:
        report.cancelled = True
        with contextlib.suppress(KeyboardInterrupt):
            finish_writing()
    return report


@dataclass
class _Writing:
    """A file restored and being written (in the writer thread, or already)."""

    path: Path
    index: int
    outputs: list[Path]
    done: StepResult
    started: float
    written: Future[None] | None  # None: written in this thread, ``error`` says how it went
    error: FileResult | None = None

    def result(self) -> FileResult:
        """The file's result, once its outputs are written."""
        if self.written is not None:
            try:
                self.written.result()
            except Exception as error:
                self.error = _failure(self.path, self.outputs, error, self.started)
            except KeyboardInterrupt:
                self.error = _failure(self.path, self.outputs, Cancelled(), self.started)
        if self.error is not None:
            return self.error
        return FileResult(
            self.path, self.done.status, self.outputs, regions=self.done.regions,
            seconds=time.perf_counter() - self.started, detections=self.done.detections,
            warning=self.done.warning,
        )  # fmt: skip


class _Runner:
    """The threads of :func:`_run_steps`: one reads the next picture, one writes the previous
    one's outputs; the restoration stays in the calling thread (which can be interrupted)."""

    def __init__(
        self,
        options: BatchOptions,
        entries: list[tuple[Path, bool]],
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> None:
        self.options, self.progress, self.cancel = options, progress, cancel
        self.pictures = [path for path, is_picture in entries if is_picture]
        self.count = len(self.pictures)
        self.variations = output_variations(options)
        self._read = reader(options)
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="decensor-read")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="decensor-write")
        self._ahead: dict[Path, Future[Any]] = {}

    def close(self) -> None:
        for future in self._ahead.values():
            future.cancel()
        self._reader.shutdown(wait=True, cancel_futures=True)
        self._writer.shutdown(wait=True)

    def read(self, path: Path) -> Any:
        """The input ``path`` read for the step (:func:`reader`), from the read-ahead when it
        was started."""
        future = self._ahead.pop(path, None)
        if future is None:
            return self._read(path)
        return future.result()

    def read_ahead(self, path: Path, any_size: bool = False) -> None:
        """Start reading ``path`` in the reader thread, if it is still to do and small (or
        ``any_size``: nothing else is in memory yet)."""
        if path in self._ahead or broken_link_reason(path) is not None:
            return
        outputs = output_paths(path, self.options.output_dir, self.variations)
        if not self.options.overwrite and all(output.exists() for output in outputs):
            return
        if not any_size and not _overlaps(path):
            return
        self._ahead[path] = self._reader.submit(self._read, path)

    def forget(self, path: Path) -> None:
        """Drop the read-ahead of a file that will not be done."""
        future = self._ahead.pop(path, None)
        if future is not None:
            future.cancel()

    def write(self, writing: _Writing, small: bool) -> _Writing:
        """Write ``writing``'s outputs: in the writer thread when the picture is small."""
        if small:
            writing.written = self._writer.submit(_write_all, writing.done, self.options.overwrite)
            return writing
        try:
            _write_all(writing.done, self.options.overwrite)
        except Exception as error:
            writing.error = _failure(writing.path, writing.outputs, error, writing.started)
        return writing


def _overlaps(path: Path) -> bool:
    """Whether ``path`` is small enough to be read ahead and written behind (its header
    says; a file whose header cannot be read is left to the step, which reports why)."""
    try:
        with Image.open(path) as image:
            width, height = image.size
    except Exception:
        return False
    return width * height <= OVERLAP_MAX_PIXELS


def _write_all(done: StepResult, overwrite: bool) -> None:
    """Write every output of ``done``, in order.

    Raises:
        OutputTaken, FileError: as :func:`_save`.
    """
    for output_path, make_picture in done.writes:
        _save(output_path, make_picture(), overwrite)


def _run_one(
    path: Path,
    index: int,
    following: Path | None,
    runner: _Runner,
    step: FileStep[Any],
    claimed: set[Path],
) -> FileResult | _Writing:
    """One picture through ``runner``: its result when it ended early (skipped, failed,
    cancelled), else its outputs being written."""
    started = time.perf_counter()
    options = runner.options
    link_problem = broken_link_reason(path)
    if link_problem is not None:
        return FileResult(path, "failed", error=link_problem)
    all_outputs = output_paths(path, options.output_dir, runner.variations)
    if claimed.intersection(all_outputs):
        runner.forget(path)
        return FileResult(
            path,
            "failed",
            error=f"another input already writes {all_outputs[0].name}; rename one of them",
        )
    folders = [output for output in all_outputs if output.is_dir()]
    if folders:
        runner.forget(path)
        return FileResult(path, "failed", error=_folder_in_the_way(folders[0]))
    claimed.update(all_outputs)
    outcome = _run_step(path, index, following, all_outputs, runner, step, started)
    failed = isinstance(outcome, FileResult) and outcome.status == "failed"
    if failed and not any(output.exists() for output in all_outputs):
        # Nothing of it was written: a namesake (auto-mask: m.jpg, m.png) may still write it.
        claimed.difference_update(all_outputs)
    return outcome


def _run_step(
    path: Path,
    index: int,
    following: Path | None,
    all_outputs: list[Path],
    runner: _Runner,
    step: FileStep[Any],
    started: float,
) -> FileResult | _Writing:
    options = runner.options
    todo = all_outputs if options.overwrite else [p for p in all_outputs if not p.exists()]
    if not todo:
        runner.forget(path)
        return FileResult(
            path,
            "skipped",
            all_outputs,
            error=f"already restored ({all_outputs[0].name} exists; --overwrite redoes it)",
        )

    def on_progress(done: int, total: int) -> None:
        if runner.progress is not None:
            runner.progress(Progress(index, runner.count, path, done, total))

    small = _overlaps(path)
    try:
        read = runner.read(path)
        if following is not None:
            runner.read_ahead(following)
        done = step(read, todo, on_progress, runner.cancel)
        del read  # the decoded picture is referenced by the writes alone from here
    except (Exception, KeyboardInterrupt) as error:
        if following is not None:
            runner.forget(following)
        if isinstance(error, KeyboardInterrupt):
            error = Cancelled()
        return _failure(path, todo, error, started)
    return runner.write(_Writing(path, index, todo, done, started, None), small)


def _failure(path: Path, todo: list[Path], error: BaseException, started: float) -> FileResult:
    """The result of a file whose step or writing raised ``error``."""
    seconds = time.perf_counter() - started
    if isinstance(error, OutputTaken):
        written = [output for output in todo if output.exists()]
        return FileResult(path, "skipped", written, error=str(error))
    if isinstance(error, FileError):
        return FileResult(path, "failed", error=str(error), seconds=seconds)
    if isinstance(error, Cancelled):
        return FileResult(path, "cancelled", error="cancelled", seconds=seconds)
    if isinstance(error, MemoryError):
        return FileResult(
            path,
            "failed",
            error="not enough memory for this picture; close other programs or split it",
            seconds=seconds,
        )
    # A bug must not end the batch; it is reported per file.
    return FileResult(
        path,
        "failed",
        error=f"unexpected error ({type(error).__name__}: {error}); please report it",
        seconds=seconds,
    )
