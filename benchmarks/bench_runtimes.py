"""Compare the ways a shipped model can run at inference (issue 21): ONNX Runtime, Keras on
TensorFlow (float32, and the app's ``keras-bf16`` runtime for CPUs with AMX or AVX512-BF16),
Keras on JAX (with and without its persistent compilation cache) and LiteRT.

For each runtime, in a fresh Python process (this script re-invoked with ``--child``):

* ``import s``: importing what the runtime needs (onnxruntime; keras with TensorFlow; keras
  with JAX; ai_edge_litert), measured from before the import to after it;
* ``load s``: building the engine from the verified files in ``models/`` (for LiteRT: the
  interpreter from a ``.tflite`` converted beforehand from the same weights, not timed);
* ``first patch s``: the first 256 px patch (tracing and compiling, where the runtime does);
* ``per patch ms``: the median of the next calls on one patch (batch 1), encode and decode
  included, as the pipeline calls it;
* the hole PSNR on ``--cases`` test-split patches (``data/opy-256/test``) and its change
  from Keras on TensorFlow in float32, the reference (the issue allows at most 0.05 dB);
* the installed size of the runtime's packages in the virtual environment.

LiteRT needs ``pip install ai-edge-litert`` (not a project dependency; the row is left out
without it). Run from the repository root, a training paused::

    DECENSOR_MODELS_DIR=models .venv/bin/python benchmarks/bench_runtimes.py \\
        --model gated-conv-bar --censor bar --cases 40
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RUNTIMES = (
    "onnx",
    "keras-tensorflow",
    "keras-tensorflow-bf16",
    "keras-jax",
    "keras-jax-cached",
    "litert",
)
_KERAS_TENSORFLOW = ["tensorflow", "keras", "tensorboard", "ml_dtypes", "h5py", "optree"]
_KERAS_JAX = ["jax", "jaxlib", "keras", "ml_dtypes", "h5py", "optree", "opt_einsum"]
#: The packages each runtime installs (their folders in site-packages), for the size column.
PACKAGES = {
    "onnx": ["onnxruntime"],
    "keras-tensorflow": _KERAS_TENSORFLOW,
    "keras-tensorflow-bf16": _KERAS_TENSORFLOW,
    "keras-jax": _KERAS_JAX,
    "keras-jax-cached": _KERAS_JAX,
    "litert": ["ai_edge_litert"],
}
SIZE = 256
TIMED_CALLS = 10


def _site_packages() -> Path:
    import sysconfig

    return Path(sysconfig.get_paths()["purelib"])


def installed_mib(runtime: str) -> float:
    """MiB of the runtime's package folders (and their ``.libs``) in site-packages."""
    site = _site_packages()
    total = 0
    for package in PACKAGES[runtime]:
        for folder in (site / package, site / f"{package}.libs"):
            if folder.is_dir():
                total += sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return total / 2**20


def _cases(censor: str, count: int) -> list[Any]:
    from decensor_app.trainer.evaluate import make_cases

    files = sorted(Path("data/opy-256/test").glob("*.png"))[:count]
    if not files:
        raise SystemExit("no test split in data/opy-256/test: build the dataset first")
    return make_cases(files, SIZE, censor, seed=1234)  # type: ignore[arg-type]


class _LiteRtEngine:
    """A ``.tflite`` of the model run by LiteRT around the architecture's encode/decode."""

    def __init__(self, manifest: Any, tflite: Path) -> None:
        from ai_edge_litert.interpreter import Interpreter

        from decensor_app import architectures

        self.manifest, self.spec = manifest, architectures.get(manifest.architecture)
        interpreter = Interpreter(model_path=str(tflite), num_threads=os.cpu_count())
        # The converted signature names its arguments input_0, input_1, ... and its results
        # output_0, output_1, ... in the network's order (see convert_tflite).
        self.runner = interpreter.get_signature_runner()

    def restore_batch(self, patches: list[Any]) -> list[Any]:
        import numpy as np

        results = []
        for patch in patches:  # converted at batch 1
            arrays = self.spec.encode([patch], self.manifest.config)
            named = {
                f"input_{i}": np.ascontiguousarray(a, np.float32) for i, a in enumerate(arrays)
            }
            outputs = self.runner(**named)
            ordered = tuple(outputs[f"output_{i}"] for i in range(len(outputs)))
            results.extend(self.spec.decode(ordered, [patch], self.manifest.config))
        return results


def convert_tflite(model: str, censor: str, out: Path) -> None:
    """Convert the installed model's Keras network (TensorFlow backend) to ``out``."""
    import tensorflow as tf

    from decensor_app.engines import load_engine

    engine: Any = load_engine(model, censor, runtime="keras")  # type: ignore[arg-type]
    from decensor_app.architectures.spec import example_patch

    network = engine.network
    # The network's inputs are what the encoder makes of one patch (batch 1).
    example = engine.encode([example_patch(censor, SIZE)])
    specs = [tf.TensorSpec(array.shape, tf.float32) for array in example]

    names = [f"input_{i}" for i in range(len(specs))]
    specs = [
        tf.TensorSpec(spec.shape, spec.dtype, name=n) for spec, n in zip(specs, names, strict=True)
    ]

    @tf.function(input_signature=specs)
    def serve(*inputs: Any) -> Any:
        outputs = network(list(inputs), training=False)
        outputs = outputs if isinstance(outputs, list | tuple) else (outputs,)
        return {f"output_{i}": output for i, output in enumerate(outputs)}

    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [serve.get_concrete_function()], network
    )
    out.write_bytes(converter.convert())


def run_child(args: argparse.Namespace) -> int:
    """One runtime in this process; prints one JSON line."""
    runtime = args.child
    if runtime.startswith("keras-jax"):
        os.environ["KERAS_BACKEND"] = "jax"
    elif runtime.startswith("keras-tensorflow"):
        os.environ["KERAS_BACKEND"] = "tensorflow"
    import numpy as np

    from decensor_app.architectures.spec import example_patch
    from decensor_app.engines import _manifests, load_engine
    from decensor_app.trainer.evaluate import engine_method, psnr

    cases = _cases(args.censor, args.cases)
    began = time.perf_counter()
    if runtime == "onnx":
        import onnxruntime  # noqa: F401
    elif runtime == "litert":
        from ai_edge_litert.interpreter import Interpreter  # noqa: F401
    else:
        if runtime == "keras-jax-cached":
            import jax

            jax.config.update("jax_compilation_cache_dir", str(args.jax_cache))
            jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
            jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
        import keras  # noqa: F401
    imported = time.perf_counter()
    engine: Any
    if runtime == "litert":
        engine = _LiteRtEngine(_manifests(None)[args.model][0], args.tflite)
    else:
        which = {"onnx": "onnx", "keras-tensorflow-bf16": "keras-bf16"}.get(runtime, "keras")
        engine = load_engine(args.model, args.censor, runtime=which)
    loaded = time.perf_counter()
    patch = example_patch(args.censor, SIZE)
    engine.restore_batch([patch])
    first = time.perf_counter()
    times = []
    for _ in range(TIMED_CALLS):
        start = time.perf_counter()
        engine.restore_batch([patch])
        times.append(time.perf_counter() - start)
    outputs = engine_method(engine, args.censor)(cases)
    np.save(args.outputs, np.stack(outputs))
    scores = [psnr(out, case.truth, case.hole) for out, case in zip(outputs, cases, strict=True)]
    row = {
        "runtime": runtime,
        "import_s": imported - began,
        "load_s": loaded - imported,
        "first_patch_s": first - loaded,
        "per_patch_ms": 1000 * statistics.median(times),
        "hole_psnr": float(np.mean(scores)),
    }
    print(json.dumps(row), flush=True)
    return 0


def spawn(arguments: list[str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, *arguments], capture_output=True, text=True, check=False
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"child {arguments} failed:\n{result.stderr[-3000:]}")
    row: dict[str, Any] = json.loads(lines[-1])
    return row


def _litert_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("ai_edge_litert") is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--censor", choices=("bar", "mosaic"), required=True)
    parser.add_argument("--cases", type=int, default=40, help="test-split patches scored")
    parser.add_argument("--runtimes", nargs="+", choices=RUNTIMES, default=list(RUNTIMES))
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--child", choices=RUNTIMES, help=argparse.SUPPRESS)
    parser.add_argument("--convert", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--outputs", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--tflite", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--jax-cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.convert is not None:
        convert_tflite(args.model, args.censor, args.convert)
        print(json.dumps({"converted": str(args.convert)}), flush=True)
        return 0
    if args.child is not None:
        return run_child(args)

    import numpy as np

    runtimes = list(args.runtimes)
    if "litert" in runtimes and not _litert_available():
        print("ai_edge_litert is not installed: no LiteRT row", file=sys.stderr)
        runtimes.remove("litert")
    base = ["--model", args.model, "--censor", args.censor, "--cases", str(args.cases)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_runtimes_") as temp:
        folder = Path(temp)
        tflite, cache = folder / "model.tflite", folder / "jax-cache"
        if "litert" in runtimes:
            spawn([*base, "--convert", str(tflite)])
        if "keras-jax-cached" in runtimes:  # a first process fills the cache
            spawn([*base, "--child", "keras-jax-cached", "--jax-cache", str(cache),
                   "--outputs", str(folder / "warmup.npy")])  # fmt: skip
        for runtime in ["keras-tensorflow", *[r for r in runtimes if r != "keras-tensorflow"]]:
            print(f"{runtime}...", file=sys.stderr, flush=True)
            outputs = folder / f"{runtime}.npy"
            row = spawn([*base, "--child", runtime, "--outputs", str(outputs),
                         "--tflite", str(tflite), "--jax-cache", str(cache)])  # fmt: skip
            reference = np.load(folder / "keras-tensorflow.npy").astype(np.int16)
            row["max_level_difference"] = int(np.abs(np.load(outputs) - reference).max())
            row["installed_mib"] = installed_mib(runtime)
            rows.append(row)
    keras_psnr = rows[0]["hole_psnr"]
    print(f"model: {args.model}; {args.cases} test-split patches; {os.cpu_count()} CPUs")
    print("| runtime | import s | load s | first patch s | per patch ms | hole PSNR dB | "
          "change dB | max level diff | installed MiB |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| {row['runtime']} | {row['import_s']:.2f} | {row['load_s']:.2f} | "
            f"{row['first_patch_s']:.2f} | {row['per_patch_ms']:.0f} | {row['hole_psnr']:.4f} | "
            f"{row['hole_psnr'] - keras_psnr:+.4f} | {row['max_level_difference']} | "
            f"{row['installed_mib']:.0f} |"
        )
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
