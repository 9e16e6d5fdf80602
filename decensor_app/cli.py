"""The ``decensor`` command: batch restoration of a folder, a thin shell over the pipeline.

Exit status: 0 when every file was restored or skipped, 1 when any failed, 2 for usage errors,
130 when interrupted (Ctrl-C or SIGTERM; the report of the files done so far is still printed).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from decensor_app.engines import (
    CENSOR_TYPES,
    CLASSICAL_DEFAULTS,
    CensorType,
    EngineError,
    broken_manifests,
    default_model,
    default_models_dir,
    list_models,
)
from decensor_app.folders import DEFAULT_INPUT_DIR, DEFAULT_ORIGINAL_DIR, DEFAULT_OUTPUT_DIR
from decensor_app.imaging import DEFAULT_MAX_PIXELS, PICTURE_EXTENSIONS
from decensor_app.pipeline import (
    VARIATION_COUNTS,
    BatchOptions,
    BatchReport,
    CancelToken,
    Progress,
    UsageError,
    run_batch,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a service manager, ``kill``) stops a batch as Ctrl-C does: the current file is
    abandoned without partial output and the report is still printed."""
    previous = signal.getsignal(signal.SIGTERM)
    if previous == signal.SIG_IGN:  # whoever started us asked for it to be ignored
        yield
        return
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _tolerate_undecodable_names(stream: TextIO) -> None:
    """File names that are not valid in the locale's encoding (kept by Python as surrogates)
    are shown escaped on the terminal instead of ending the program."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors="backslashreplace")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="decensor",
        description=(
            "Restore the green-painted (0,255,0) regions of the PNGs in the input folder and "
            "write the results to the output folder. Inputs are never modified."
        ),
    )
    parser.add_argument(
        "--censor",
        choices=CENSOR_TYPES,
        default="bar",
        help="bar: invent what is under the green; mosaic: restore from the original's mosaic "
        "pixels (default: bar)",
    )
    parser.add_argument(
        "--input",
        type=Path,
        default=DEFAULT_INPUT_DIR,
        help=f"folder of green-painted PNGs (default: {DEFAULT_INPUT_DIR})",
    )
    parser.add_argument(
        "--original",
        type=Path,
        default=DEFAULT_ORIGINAL_DIR,
        help="mosaic mode: folder of the same pictures without green, same base name, "
        f"{'/'.join(PICTURE_EXTENSIONS)} (default: {DEFAULT_ORIGINAL_DIR})",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help=f"folder for results, created if missing (default: {DEFAULT_OUTPUT_DIR})",
    )
    parser.add_argument(
        "--model",
        default=None,
        help="engine to use, see --list-models (default: the installed model marked default "
        "for the censor type, else "
        + ", ".join(f"{name} for {censor}" for censor, name in CLASSICAL_DEFAULTS.items())
        + ")",
    )
    parser.add_argument(
        "--models-dir",
        type=Path,
        default=None,
        help="folder of installed models (default: the models/ folder shipped with the app)",
    )
    parser.add_argument(
        "--variations",
        type=int,
        choices=VARIATION_COUNTS,
        default=1,
        help="1, 2 or 4 results per picture (flipped inputs); several are named <base>_v<n>.png",
    )
    parser.add_argument(
        "--average-flips",
        action="store_true",
        help="restore each region in its 8 flips and rotations and average them: slightly "
        "better (about +0.2 dB on held-out patches) at 8x the model's work; one variation only",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace existing outputs (default: skip them)"
    )
    parser.add_argument(
        "--strict-green",
        action="store_true",
        help="take only exact (0,255,0) pixels, not the anti-aliased fringe around them nor "
        "regions that JPEG or colour management shifted off pure green",
    )
    parser.add_argument(
        "--no-near-green",
        dest="near_green",
        action="store_false",
        help="leave alone green that is not exact (or its fringe): by default regions that "
        "JPEG or colour management shifted off pure green are restored too, and a picture "
        "with green left outside the mask fails; with this it is restored with a warning",
    )
    parser.add_argument(
        "--max-pixels",
        type=int,
        default=DEFAULT_MAX_PIXELS,
        help=f"refuse larger pictures (decompression-bomb guard; default {DEFAULT_MAX_PIXELS:,};"
        " 0 = no limit)",
    )
    parser.add_argument(
        "--auto-mask",
        action="store_true",
        help="mosaic mode without green paint: detect the mosaics and restore them (inputs may "
        f"be {'/'.join(PICTURE_EXTENSIONS)}; each picture is its own original)",
    )
    parser.add_argument(
        "--detect-only",
        action="store_true",
        help="with --auto-mask: write the pictures with the detected mosaics painted green to the "
        f"output folder for review (ready for {DEFAULT_INPUT_DIR}/) and restore nothing",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON report on stdout (progress on stderr)"
    )
    parser.add_argument("--list-models", action="store_true", help="list installed models and exit")
    return parser


class TerminalProgress:
    """One self-rewriting status line on a terminal, plain lines elsewhere (logs, pipes)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._interactive = stream.isatty()
        self._started = time.monotonic()
        self._last_draw = 0.0

    def __call__(self, event: Progress) -> None:
        if not self._interactive:
            return
        now = time.monotonic()
        finished = event.files_done == event.file_count
        if now - self._last_draw < 0.1 and not finished:
            return
        self._last_draw = now
        width = 24
        filled = int(width * event.files_done / max(event.file_count, 1))
        bar = "#" * filled + "-" * (width - filled)
        line = f"[{bar}] {event.files_done}/{event.file_count} files"
        if event.region_count and not finished:
            line += f"  {event.file.name}: region {event.regions_done}/{event.region_count}"
        line += f"  {now - self._started:.0f}s"
        self._stream.write("\r\x1b[K" + line[:200])
        self._stream.flush()

    def clear(self) -> None:
        if self._interactive:
            self._stream.write("\r\x1b[K")
            self._stream.flush()


def _default_or_none(censor: CensorType, models_dir: Path | None) -> str | None:
    """The default model of ``censor``, or None when a broken manifest may be it (listed)."""
    try:
        return default_model(censor, models_dir)
    except EngineError:
        return None


def _print_models(as_json: bool, models_dir: Path | None) -> None:
    models = list_models(models_dir)
    broken = broken_manifests(models_dir)
    defaults = {censor: _default_or_none(censor, models_dir) for censor in CENSOR_TYPES}

    def default_for(name: str) -> list[str]:
        return [censor for censor, chosen in defaults.items() if chosen == name]

    if as_json:
        rows = [
            {
                "name": info.name,
                "architecture": info.architecture,
                "censor_types": list(info.censor_types),
                "parameters": info.parameters,
                "default_for": default_for(info.name),
                "description": info.description,
            }
            for info in models
        ]
        unusable = [{"manifest": str(path), "reason": reason} for path, reason in broken]
        print(json.dumps({"models": rows, "broken": unusable}, indent=2))
        return
    header = ("NAME", "ARCHITECTURE", "CENSOR", "PARAMETERS", "DEFAULT", "DESCRIPTION")
    rows_text = [
        (
            info.name,
            info.architecture,
            "/".join(info.censor_types),
            f"{info.parameters:,}",
            "/".join(default_for(info.name)) or "-",
            info.description,
        )
        for info in models
    ]
    columns = len(header) - 1  # the description is left unpadded
    widths = [max(len(row[i]) for row in [header, *rows_text]) for i in range(columns)]
    for row in [header, *rows_text]:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:columns])]
        print("  ".join(cells) + "  " + row[columns])
    for path, reason in broken:
        print(f"BROKEN  {path}: {reason}")


def _print_summary(report: BatchReport, stream: TextIO) -> None:
    for result in report.files:
        name = result.input.name
        if result.status in ("restored", "detected"):
            outputs = ", ".join(str(path) for path in result.outputs)
            print(
                f"{result.status:<9} {name} -> {outputs} ({result.regions} regions, "
                f"{result.seconds:.1f}s)",
                file=stream,
            )
            if result.warning is not None:
                print(f"{'':<9} warning: {result.warning}", file=stream)
        else:
            print(f"{result.status:<9} {name}: {result.error}", file=stream)
    done = (
        f"{report.count('detected')} detected"
        if report.count("detected")
        else f"{report.count('restored')} restored"
    )
    summary = f"{done}, {report.count('skipped')} skipped, {report.count('failed')} failed"
    if report.warnings:
        summary += f" ({report.warnings} with a warning)"
    if report.model:
        summary += f" (model: {report.model})"
    if report.cancelled:
        summary += "; interrupted"
    print(summary, file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.max_pixels < 0:
        parser.error("--max-pixels must be 0 (no limit) or positive")
    models_dir = args.models_dir or default_models_dir()
    if args.list_models:
        _print_models(args.json, models_dir)
        return EXIT_OK

    options = BatchOptions(
        input_dir=args.input,
        original_dir=args.original,
        output_dir=args.output,
        censor=args.censor,
        model=args.model,
        models_dir=models_dir,
        variations=args.variations,
        average_flips=args.average_flips,
        overwrite=args.overwrite,
        strict_green=args.strict_green,
        near_green=args.near_green,
        max_pixels=args.max_pixels or None,
        auto_mask=args.auto_mask or args.detect_only,
        detect_only=args.detect_only,
    )
    _tolerate_undecodable_names(sys.stderr)
    progress = TerminalProgress(sys.stderr)
    cancel = CancelToken()
    try:
        with _terminate_as_interrupt():
            report = run_batch(options, progress=progress, cancel=cancel)
    except UsageError as error:
        print(f"decensor: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # before the first file (loading the model)
        report = BatchReport(cancelled=True)
    progress.clear()
    _print_summary(report, sys.stderr)
    if report.cancelled:
        # Outputs are written atomically at the end of each file, so nothing partial is left.
        print("decensor: interrupted; no partial output was left", file=sys.stderr)
    if args.json:
        # ASCII with escapes: valid JSON in any locale. A name that is not UTF-8 comes through
        # as its os.fsdecode surrogates (\udcXX), which os.fsencode turns back into its bytes.
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=True))
    if report.cancelled:
        return EXIT_INTERRUPTED
    return EXIT_OK if report.ok else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
