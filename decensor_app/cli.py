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
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from decensor_app.engines import (
    CENSOR_TYPES,
    CLASSICAL_DEFAULTS,
    RUNTIMES,
    CensorType,
    EngineError,
    broken_manifests,
    default_model,
    default_models_dir,
    list_models,
)
from decensor_app.folders import DEFAULT_INPUT_DIR, DEFAULT_ORIGINAL_DIR, DEFAULT_OUTPUT_DIR
from decensor_app.imaging import DEFAULT_MAX_PIXELS, PICTURE_EXTENSIONS
from decensor_app.languages import LANGUAGES, load_translation
from decensor_app.pipeline import (
    VARIATION_COUNTS,
    BatchOptions,
    BatchReport,
    CancelToken,
    Progress,
    UsageError,
    run_batch,
)

if TYPE_CHECKING:  # QtCore is imported only when a translation is loaded
    from PySide6.QtCore import QTranslator

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

#: The translation of the messages (None: English), loaded by :func:`use_language`.
_translation: QTranslator | None = None


def use_language(language: str) -> None:
    """Show the messages in ``language`` (one of :data:`~decensor_app.languages.LANGUAGES`:
    "system" follows the system's; one without translation shows English)."""
    global _translation
    _translation = load_translation(language if language in LANGUAGES else "system")


def translate(context: str, source: str) -> str:
    """``source`` in the language :func:`use_language` chose (itself in English, or where
    the translation lacks it). Named as Qt's ``translate``: pyside6-lupdate collects the
    texts of its calls into the .ts files (scripts/update_translations.sh)."""
    if _translation is None:
        return source
    return _translation.translate(context, source) or source


def _language_asked(argv: Sequence[str]) -> str:
    """The ``--language`` of ``argv``, found before the parser is made (its help texts are
    translated): "system" when none, or not one it takes (the parser then says so)."""
    finder = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    finder.add_argument("--language", default="system")
    try:
        found, _ = finder.parse_known_args(list(argv))
    except argparse.ArgumentError:
        return "system"
    return found.language if found.language in LANGUAGES else "system"


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes: East Asian wide letters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (str.ljust counts letters)."""
    return text + " " * max(width - _columns(text), 0)


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
        description=translate(
            "Command",
            "Restore the green-painted (0,255,0) regions of the PNGs in the input folder and "
            "write the results to the output folder. Inputs are never modified.",
        ),
        add_help=False,  # added below, with its text translated
    )
    parser.add_argument(
        "-h", "--help", action="help", help=translate("Command", "show this help and exit")
    )
    parser.add_argument(
        "--censor",
        choices=CENSOR_TYPES,
        default="bar",
        help=translate(
            "Command",
            "bar: invent what is under the green; mosaic: restore from the original's mosaic "
            "pixels (default: bar)",
        ),
    )
    parser.add_argument(
        "--input",
        type=Path,
        default=DEFAULT_INPUT_DIR,
        help=translate("Command", "folder of green-painted PNGs (default: {folder})").format(
            folder=DEFAULT_INPUT_DIR
        ),
    )
    parser.add_argument(
        "--original",
        type=Path,
        default=DEFAULT_ORIGINAL_DIR,
        help=translate(
            "Command",
            "mosaic mode: folder of the same pictures without green, same base name, "
            "{extensions} (default: {folder})",
        ).format(extensions="/".join(PICTURE_EXTENSIONS), folder=DEFAULT_ORIGINAL_DIR),
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help=translate(
            "Command", "folder for results, created if missing (default: {folder})"
        ).format(folder=DEFAULT_OUTPUT_DIR),
    )
    parser.add_argument(
        "--model",
        default=None,
        help=translate(
            "Command",
            "engine to use, see --list-models (default: the installed model marked default "
            "for the censor type, else {classical})",
        ).format(
            classical=", ".join(
                translate("Command", "{name} for {censor}").format(name=name, censor=censor)
                for censor, name in CLASSICAL_DEFAULTS.items()
            )
        ),
    )
    parser.add_argument(
        "--runtime",
        choices=RUNTIMES,
        default="auto",
        help=translate(
            "Command",
            "how a learned model runs: onnx (ONNX Runtime on the model's exported graph: "
            "starts in a fraction of a second), keras (TensorFlow on its weights), keras-bf16 "
            "(TensorFlow computing in bfloat16: faster per patch on CPUs with AVX512-BF16 or "
            "AMX, slower to start than onnx), or auto: onnx when the model has a graph and ONNX "
            "Runtime is installed (default: auto)",
        ),
    )
    parser.add_argument(
        "--models-dir",
        type=Path,
        default=None,
        help=translate(
            "Command",
            "folder of installed models (default: the models/ folder shipped with the app)",
        ),
    )
    parser.add_argument(
        "--variations",
        type=int,
        choices=VARIATION_COUNTS,
        default=1,
        help=translate(
            "Command",
            "1, 2 or 4 results per picture (flipped inputs); several are named <base>_v<n>.png",
        ),
    )
    parser.add_argument(
        "--average-flips",
        action="store_true",
        help=translate(
            "Command",
            "restore each region in its 8 flips and rotations and average them: slightly "
            "better (about +0.2 dB on held-out patches) at 8x the model's work; one variation "
            "only",
        ),
    )
    parser.add_argument(
        "--no-pattern-continuation",
        dest="continue_patterns",
        action="store_false",
        help=translate(
            "Command",
            "bar mode: leave every hole to the model; by default, where the picture around a "
            "bar repeats with a clear period (a fence, stripes, tiles, a dot screen), the "
            "pattern is continued across it",
        ),
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help=translate("Command", "replace existing outputs (default: skip them)"),
    )
    parser.add_argument(
        "--strict-green",
        action="store_true",
        help=translate(
            "Command",
            "take only exact (0,255,0) pixels, not the anti-aliased fringe around them nor "
            "regions that JPEG or colour management shifted off pure green",
        ),
    )
    parser.add_argument(
        "--no-near-green",
        dest="near_green",
        action="store_false",
        help=translate(
            "Command",
            "leave alone green that is not exact (or its fringe): by default regions that "
            "JPEG or colour management shifted off pure green are restored too, and a picture "
            "with green left outside the mask fails; with this it is restored with a warning",
        ),
    )
    parser.add_argument(
        "--max-pixels",
        type=int,
        default=DEFAULT_MAX_PIXELS,
        help=translate(
            "Command",
            "refuse larger pictures (decompression-bomb guard; default {limit}; 0 = no limit)",
        ).format(limit=f"{DEFAULT_MAX_PIXELS:,}"),
    )
    parser.add_argument(
        "--auto-mask",
        action="store_true",
        help=translate(
            "Command",
            "mosaic mode without green paint: detect the mosaics and restore them (inputs may "
            "be {extensions}; each picture is its own original)",
        ).format(extensions="/".join(PICTURE_EXTENSIONS)),
    )
    parser.add_argument(
        "--detect-only",
        action="store_true",
        help=translate(
            "Command",
            "with --auto-mask: write the pictures with the detected mosaics painted green to "
            "the output folder for review (ready for {folder}/) and restore nothing",
        ).format(folder=DEFAULT_INPUT_DIR),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help=translate("Command", "print one JSON report on stdout (progress on stderr)"),
    )
    parser.add_argument(
        "--list-models",
        action="store_true",
        help=translate("Command", "list installed models and exit"),
    )
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default="system",
        help=translate(
            "Command", "the language of the messages, or the system's (default: system)"
        ),
    )
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
        line = f"[{bar}] " + translate("Command", "{done}/{count} files").format(
            done=event.files_done, count=event.file_count
        )
        if event.region_count and not finished:
            line += "  " + translate("Command", "{name}: region {done}/{count}").format(
                name=event.file.name, done=event.regions_done, count=event.region_count
            )
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
    header = (
        translate("Command", "NAME"),
        translate("Command", "ARCHITECTURE"),
        translate("Command", "CENSOR"),
        translate("Command", "PARAMETERS"),
        translate("Command", "DEFAULT"),
        translate("Command", "DESCRIPTION"),
    )
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
    widths = [max(_columns(row[i]) for row in [header, *rows_text]) for i in range(columns)]
    for row in [header, *rows_text]:
        cells = [_pad(cell, widths[i]) for i, cell in enumerate(row[:columns])]
        print("  ".join(cells) + "  " + row[columns])
    for path, reason in broken:
        print(translate("Command", "BROKEN") + f"  {path}: {reason}")


def _print_summary(report: BatchReport, stream: TextIO) -> None:
    statuses = {
        "restored": translate("Command", "restored"),
        "detected": translate("Command", "detected"),
        "skipped": translate("Command", "skipped"),
        "failed": translate("Command", "failed"),
    }
    for result in report.files:
        name = result.input.name
        status = _pad(statuses.get(result.status, result.status), 9)
        if result.status in ("restored", "detected"):
            outputs = ", ".join(str(path) for path in result.outputs)
            line = translate("Command", "{name} -> {outputs} ({regions} regions, {seconds}s)")
            print(status, line.format(name=name, outputs=outputs, regions=result.regions,
                                      seconds=f"{result.seconds:.1f}"), file=stream)  # fmt: skip
            if result.warning is not None:
                warning = translate("Command", "warning: {warning}")
                print(_pad("", 9), warning.format(warning=result.warning), file=stream)
        else:
            print(status, f"{name}: {result.error}", file=stream)
    counts = {
        "skipped": report.count("skipped"),
        "failed": report.count("failed"),
    }
    if report.count("detected"):
        summary = translate("Command", "{detected} detected, {skipped} skipped, {failed} failed")
        summary = summary.format(detected=report.count("detected"), **counts)
    else:
        summary = translate("Command", "{restored} restored, {skipped} skipped, {failed} failed")
        summary = summary.format(restored=report.count("restored"), **counts)
    if report.warnings:
        summary += translate("Command", " ({count} with a warning)").format(count=report.warnings)
    if report.model:
        summary += translate("Command", " (model: {model})").format(model=report.model)
    if report.cancelled:
        summary += translate("Command", "; interrupted")
    print(summary, file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    use_language(_language_asked(argv))  # before the parser: its help texts are translated
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.max_pixels < 0:
        parser.error(translate("Command", "--max-pixels must be 0 (no limit) or positive"))
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
        runtime=args.runtime,
        variations=args.variations,
        average_flips=args.average_flips,
        continue_patterns=args.continue_patterns,
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
        print(translate("Command", "decensor: error: {error}").format(error=error),
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    except KeyboardInterrupt:  # before the first file (loading the model)
        report = BatchReport(cancelled=True)
    progress.clear()
    _print_summary(report, sys.stderr)
    if report.cancelled:
        # Outputs are written atomically at the end of each file, so nothing partial is left.
        print(translate("Command", "decensor: interrupted; no partial output was left"),
              file=sys.stderr)  # fmt: skip
    if args.json:
        # ASCII with escapes: valid JSON in any locale. A name that is not UTF-8 comes through
        # as its os.fsdecode surrogates (\udcXX), which os.fsencode turns back into its bytes.
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=True))
    if report.cancelled:
        return EXIT_INTERRUPTED
    return EXIT_OK if report.ok else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
