"""The ``decensor-train`` command: build-dataset, fit, export, evaluate, benchmark, describe.

Exit status: 0 success, 1 failure (e.g. a missing dataset or checkpoint), 2 usage errors.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from decensor_app import architectures
from decensor_app.engines import RUNTIMES
from decensor_app.trainer.dataset import BuildOptions
from decensor_app.trainer.run import STRATEGIES, FitConfig

BACKENDS = ("tensorflow", "jax")


def dataclass_defaults(options: type) -> dict[str, Any]:
    """Field name -> default of the dataclass ``options`` (fields without one are left out).

    For ``subparser.set_defaults`` before its options are added: an option without its own
    ``default=`` then takes the field's, so the command line cannot drift from the options
    object it fills.
    """
    defaults = {}
    for field in dataclasses.fields(options):
        if field.default is not dataclasses.MISSING:
            defaults[field.name] = field.default
        elif field.default_factory is not dataclasses.MISSING:
            defaults[field.name] = field.default_factory()
    return defaults


def positive_int(text: str) -> int:
    """argparse type of counts and sizes: a whole number above 0 (0 checkpoints every 0 steps
    and batches of 0 patches would fail deep inside training)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="decensor-train", description="Build datasets, train, export and evaluate models."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build-dataset", help="cut a patch dataset from picture folders")
    build.set_defaults(**dataclass_defaults(BuildOptions))  # before the options: they take these
    build.add_argument("--images", type=Path, nargs="+", required=True, help="picture folders")
    build.add_argument("--out", type=Path, required=True, help="dataset folder to write")
    build.add_argument("--patch-size", type=positive_int)
    build.add_argument("--seed", type=int)
    build.add_argument("--val-fraction", type=float)
    build.add_argument("--test-fraction", type=float)
    build.add_argument("--patches-per-megapixel", type=float)
    build.add_argument("--max-patches-per-picture", type=positive_int)
    build.add_argument(
        "--boxes", type=Path,
        help="JSON {picture path or name: [[x, y, w, h], ...]}: crops focus on these regions",
    )  # fmt: skip
    build.add_argument(
        "--holdout-source", dest="holdout_sources", action="append", metavar="NAME",
        help="hold this source out whole (repeatable): its pictures go, whole, to DATA/holdout/ "
        "for the whole-picture benchmark and none to train/val/test",
    )  # fmt: skip

    fit = commands.add_parser("fit", help="train a GAN (resumes an existing run)")
    fit.set_defaults(**dataclass_defaults(FitConfig))  # before the options: they take these
    fit.add_argument("--arch", choices=architectures.names(), required=True)
    fit.add_argument("--censor", choices=("bar", "mosaic"), required=True)
    fit.add_argument("--data", type=Path, required=True)
    fit.add_argument("--out", type=Path, required=True, help="run folder (resumed if it exists)")
    fit.add_argument("--steps", type=positive_int, help="train up to this step")
    fit.add_argument("--batch", type=positive_int, help="global batch size")
    fit.add_argument("--size", type=positive_int, help="patch side fed to the network")
    fit.add_argument("--width", type=positive_int, help="network width (default: paper)")
    fit.add_argument("--strategy", choices=STRATEGIES)
    fit.add_argument("--backend", choices=BACKENDS)
    fit.add_argument(
        "--precision", choices=("auto", "float32", "mixed_bfloat16", "mixed_float16"),
        help="auto: mixed precision on GPUs/TPUs, bfloat16 on CPUs with AMX (amx_bf16), "
        "else float32",
    )  # fmt: skip
    fit.add_argument("--learning-rate", type=float)
    fit.add_argument(
        "--gan-weight", type=float,
        help="weight of the generator's adversarial loss against the L1 loss (paper: 1)",
    )  # fmt: skip
    fit.add_argument(
        "--discriminator-width", type=positive_int,
        help="SN-PatchGAN width (paper: 64); its cost rivals a small generator's",
    )  # fmt: skip
    fit.add_argument(
        "--prefill", action="store_true",
        help="gated-conv: residual generator refining a classical restoration (Telea for bars, "
        "interpolated block means for mosaics) instead of painting an empty hole",
    )  # fmt: skip
    fit.add_argument(
        "--reconstruction", choices=("l1", "l2", "l1+l2"),
        help="with --prefill: L1, squared error or both over the hole (l2 optimises PSNR; "
        "adding l1 keeps flat areas clean); may change when a run is resumed",
    )  # fmt: skip
    fit.add_argument(
        "--init-from", type=Path, metavar="MANIFEST",
        help="a new run starts from this exported model's generator (e.g. "
        "models/gated-conv-bar.json) and counts on from its steps; ignored when resuming",
    )  # fmt: skip
    fit.add_argument("--checkpoint-every", type=positive_int)
    fit.add_argument("--keep-checkpoints", type=positive_int)
    fit.add_argument("--log-every", type=positive_int)
    fit.add_argument("--image-every", type=positive_int)
    fit.add_argument("--seed", type=int)
    fit.add_argument("--mask-kind", choices=("free-form", "bars", "mixed"))
    fit.add_argument("--hole-min", type=float)
    fit.add_argument("--hole-max", type=float)
    fit.add_argument("--block-min", type=positive_int)
    fit.add_argument("--block-max", type=positive_int)
    fit.add_argument(
        "--wild-mosaics", action="store_true",
        help="mosaics as found in the wild too: JPEG 60-95, centre-pixel and half-size mosaics",
    )  # fmt: skip
    fit.add_argument(
        "--balance-sources", action="store_true",
        help="draw each patch's source (as the dataset manifest records it) uniformly, then a "
        "patch of it, so small sources are not drowned by large ones; may change on resuming",
    )  # fmt: skip
    fit.add_argument(
        "--vgg19-weights",
        help="EdgeConnect: VGG19 ImageNet weights file for perceptual and style losses",
    )
    fit.add_argument("--phase", choices=("auto", "edge", "inpaint", "joint"))
    fit.add_argument(
        "--estimated-grids", type=float, metavar="SHARE",
        help="mosaics: this share (0-1) of patches gets the grid the app estimates from the "
        "mosaic, errors included, instead of the true one (default 0)",
    )  # fmt: skip
    fit.add_argument(
        "--ema-decay", type=float,
        help="keep a moving average of the generator's weights with this decay (e.g. 0.999) "
        "and export it instead of the last weights; may be switched on when resuming",
    )  # fmt: skip

    export = commands.add_parser("export", help="write a run's generator into the models folder")
    export.add_argument("--run", type=Path, required=True)
    export.add_argument("--name", required=True)
    export.add_argument("--models-dir", type=Path, default=Path("models"))
    export.add_argument("--description", default="")
    export.add_argument("--default", action="store_true", help="make it the default model")
    export.add_argument(
        "--overwrite", action="store_true",
        help="replace an installed model of the same name (without it, an existing name is "
        "refused)",
    )  # fmt: skip
    export.add_argument(
        "--input-size", type=positive_int, default=None,
        help="patch side the app runs the model at (default: the training size)",
    )  # fmt: skip
    export.add_argument(
        "--no-onnx", dest="onnx", action="store_false",
        help="write no ONNX graph beside the weights (the app then runs the model with "
        "TensorFlow, which starts seconds slower)",
    )  # fmt: skip

    export_onnx = commands.add_parser(
        "export-onnx",
        help="add the ONNX graph (for ONNX Runtime) to an installed model, from its weights",
    )
    export_onnx.add_argument("--model", dest="models", action="append", required=True,
                             metavar="NAME", help="installed model (repeatable)")  # fmt: skip
    export_onnx.add_argument("--models-dir", type=Path, default=Path("models"))

    evaluate = commands.add_parser("evaluate", help="score a model against the baselines")
    evaluate.add_argument("--model", required=True)
    evaluate.add_argument("--models-dir", type=Path, default=None)
    evaluate.add_argument("--data", type=Path, required=True)
    evaluate.add_argument("--split", default="test", choices=("train", "val", "test"))
    evaluate.add_argument("--censor", choices=("bar", "mosaic"), default=None)
    evaluate.add_argument("--limit", type=positive_int, default=None, help="use at most N patches")
    evaluate.add_argument("--seed", type=int, default=1234)
    evaluate.add_argument("--json", type=Path, default=None, help="report file (.json and .md)")
    evaluate.add_argument("--grid", type=Path, default=None, help="side-by-side picture grid")
    evaluate.add_argument("--runtime", choices=RUNTIMES, default="auto",
                          help="how the model runs (see `decensor --help`)")  # fmt: skip
    evaluate.add_argument(
        "--average-flips",
        action="store_true",
        help="also score the model as `decensor --average-flips` runs it (8x its time)",
    )

    bench = commands.add_parser(
        "benchmark", help="whole pictures through the app's pipeline, against the baselines"
    )
    bench.add_argument(
        "--pictures", type=Path, nargs="+", required=True, help="folders of clean pictures"
    )
    bench.add_argument("--censor", choices=("bar", "mosaic"), default="bar")
    bench.add_argument(
        "--model", dest="models", action="append", default=None, metavar="NAME",
        help="model to measure (repeatable; default: the censor type's default model)",
    )  # fmt: skip
    bench.add_argument("--models-dir", type=Path, default=None)
    bench.add_argument("--runtime", choices=RUNTIMES, default="auto",
                       help="how the learned models run (see `decensor --help`)")  # fmt: skip
    bench.add_argument(
        "--cases", type=positive_int, default=None, help="pictures to censor (default: each once)"
    )
    bench.add_argument("--seed", type=int, default=1234)
    bench.add_argument("--json", type=Path, required=True, help="report file (.json and .md)")
    bench.add_argument("--grid", type=Path, required=True, help="picture grid (PNG)")
    bench.add_argument(
        "--book", action="store_true",
        help="mosaic: the book's test instead: each picture at 672 px with a 16 px mosaic over"
        " its centred half",
    )  # fmt: skip
    bench.add_argument(
        "--work-dir", type=Path, default=None,
        help="write the censored folders and every method's outputs here and keep them",
    )  # fmt: skip

    snapshot = commands.add_parser(
        "snapshot", help="write a run's newest checkpoint as a small resume point to commit"
    )
    snapshot.add_argument("--run", type=Path, required=True)
    snapshot.add_argument(
        "--out", type=Path, default=None,
        help="folder to write config.json, log.jsonl and resume-point.npz into (default: RUN)",
    )  # fmt: skip
    snapshot.add_argument(
        "--omit", action="append", default=[], metavar="GROUP",
        help="leave this checkpoint group out (repeatable), e.g. g_optimizer: the resumed run "
        "starts it fresh; halves a resume point of a reconstruction-only run",
    )  # fmt: skip

    describe = commands.add_parser("describe", help="parameter counts of a network")
    describe.add_argument("--arch", choices=architectures.names(), required=True)
    describe.add_argument(
        "--width", type=positive_int, default=None,
        help="cnum for gated-conv (paper 48), base channels for edgeconnect (paper 64)",
    )  # fmt: skip
    describe.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _log(message: str) -> None:
    print(message, file=sys.stderr)


def _build_dataset(args: argparse.Namespace) -> int:
    from decensor_app.trainer.dataset import build_dataset

    missing = [str(folder) for folder in args.images if not folder.is_dir()]
    if missing:
        _log(f"decensor-train: error: not a folder: {', '.join(missing)}")
        return 2
    build_dataset(
        BuildOptions(
            images=args.images, out=args.out, patch_size=args.patch_size, seed=args.seed,
            val_fraction=args.val_fraction, test_fraction=args.test_fraction,
            patches_per_megapixel=args.patches_per_megapixel,
            max_patches_per_picture=args.max_patches_per_picture, boxes=args.boxes,
            holdout_sources=args.holdout_sources,
        ),
        log=_log,
    )  # fmt: skip
    return 0


def _fit(args: argparse.Namespace) -> int:
    from decensor_app.trainer.run import FitConfig

    values = {k: v for k, v in vars(args).items() if k != "command"}
    values["data"], values["out"] = str(args.data), str(args.out)
    values["init_from"] = str(args.init_from) if args.init_from else None
    config = FitConfig(**values)
    if not 0.0 <= config.estimated_grids <= 1.0:
        _log("decensor-train: error: --estimated-grids must be a share from 0 to 1")
        return 2
    if not 0.0 <= config.ema_decay < 1.0:
        _log("decensor-train: error: --ema-decay must be at least 0 and below 1")
        return 2
    if args.backend == "jax":
        if config.ema_decay:
            _log("decensor-train: error: --ema-decay is not implemented on --backend jax")
            return 2
        if "jax" not in architectures.get(args.arch).trainers:
            _log(f"decensor-train: error: --backend jax does not train {args.arch}")
            return 2
        os.environ["KERAS_BACKEND"] = "jax"
        from decensor_app.trainer.fit_jax import fit
    else:
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        from decensor_app.trainer.fit_tf import fit
    fit(config, log=_log)
    return 0


def _export(args: argparse.Namespace) -> int:
    from decensor_app.trainer.export import export

    manifest = export(
        args.run, args.name, args.models_dir, args.description, args.default, args.input_size,
        overwrite=args.overwrite, log=_log, onnx=args.onnx,
    )  # fmt: skip
    _log(f"exported {manifest.name} ({manifest.parameters:,} parameters) to {args.models_dir}")
    return 0


def _export_onnx(args: argparse.Namespace) -> int:
    from decensor_app.engines import EngineError
    from decensor_app.trainer.export import export_graph

    for name in args.models:
        try:
            manifest = export_graph(name, args.models_dir, log=_log)
        except EngineError as error:
            _log(f"decensor-train: error: {error}")
            return 2
        _log(f"wrote {args.models_dir / manifest.onnx} and its checksum into {name}.json")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from decensor_app.trainer.evaluate import check_report_path, evaluate, to_markdown, write_report

    if args.json is not None:
        check_report_path(args.json)  # before the evaluation, not after it
    report = evaluate(
        args.model, args.data, args.censor, args.models_dir, args.split, args.limit, args.seed,
        args.grid, average_flips=args.average_flips, runtime=args.runtime,
    )  # fmt: skip
    if args.json is not None:
        write_report(report, args.json)
    print(to_markdown(report))
    return 0


def _benchmark(args: argparse.Namespace) -> int:
    from decensor_app.engines import EngineError
    from decensor_app.trainer.benchmark import benchmark, to_markdown, write_benchmark_report
    from decensor_app.trainer.evaluate import check_report_path

    missing = [str(folder) for folder in args.pictures if not folder.is_dir()]
    if missing:
        _log(f"decensor-train: error: not a folder: {', '.join(missing)}")
        return 2
    if args.book and args.censor != "mosaic":
        _log("decensor-train: error: --book is a mosaic test: add --censor mosaic")
        return 2
    check_report_path(args.json)  # before the benchmark, not after it
    try:
        report = benchmark(
            args.pictures, args.censor, args.models or (), args.models_dir, args.cases,
            args.seed, args.grid, args.work_dir, log=_log, book=args.book, runtime=args.runtime,
        )  # fmt: skip
    except EngineError as error:  # unknown model, or one that does not restore this censor
        _log(f"decensor-train: error: {error}")
        return 2
    report["command"] = shlex.join(
        ["decensor-train", "benchmark", "--pictures", *map(str, args.pictures)]
        + ["--censor", args.censor, "--seed", str(args.seed)]
        + (["--cases", str(args.cases)] if args.cases is not None else [])
        + (["--book"] if args.book else [])
        + (["--models-dir", str(args.models_dir)] if args.models_dir is not None else [])
        + (["--runtime", args.runtime] if args.runtime != "auto" else [])
        + [option for model in args.models or () for option in ("--model", model)]
        + ["--json", str(args.json), "--grid", str(args.grid)]
    )
    write_benchmark_report(report, args.json)
    print(to_markdown(report))
    return 0


def _describe(args: argparse.Namespace) -> int:
    from decensor_app.trainer.describe import describe

    if args.width is not None and args.width <= 0:
        _log("decensor-train: error: --width must be positive")
        return 2
    result = describe(args.arch, args.width)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['arch']} at width {result['width']}:")
        for network, count in result["parameters"].items():
            print(f"  {network:<22} {count:>12,}")
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    from decensor_app.trainer.run import RunDir

    try:
        point = RunDir(args.run).snapshot(args.out or args.run, args.omit)
    except ValueError as error:
        _log(f"decensor-train: error: {error}")
        return 2
    _log(f"wrote {point} ({point.stat().st_size / 2**20:.1f} MiB): `fit --out {point.parent}` "
         "resumes from it")  # fmt: skip
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {
        "build-dataset": _build_dataset,
        "fit": _fit,
        "export": _export,
        "export-onnx": _export_onnx,
        "evaluate": _evaluate,
        "benchmark": _benchmark,
        "describe": _describe,
        "snapshot": _snapshot,
    }
    try:
        return handlers[args.command](args)
    except (FileNotFoundError, FileExistsError, ValueError, RuntimeError) as error:
        _log(f"decensor-train: error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
