"""Benchmark the two generator networks' CPU inference against the machine's conv2d throughput.

What it measures (TensorFlow backend, float32 unless stated):

1. **Seconds per 256x256 patch** for both architectures at paper width (``gated-conv``:
   ``GatedConvGenerator(cnum=48)``; ``edgeconnect``: ``EdgeConnect(width=64)``, i.e. both of its
   generators), at each batch size. The timed call is ``model.predict_on_batch(inputs)`` with
   NumPy inputs, which is what the app's engines do; 2 warm-up calls (tracing), then the median
   of ``--repeats`` calls. The same inputs also go through ``tf.function(model.call,
   jit_compile=False)`` (tensors already on the device, no NumPy conversion of the outputs), to
   show what ``predict_on_batch`` adds; the two are timed interleaved (A, B, A, B, ...) so that
   drifts of this shared VM hit both alike. Keras resolves ``jit_compile="auto"`` to False on a
   CPU-only machine, so neither path uses XLA. Inputs: seeded random (blocky) image content, a
   rectangular hole of 25 % of the area plus a brush stroke, the hole zeroed as the engines do;
   EdgeConnect gets Canny edges of the known pixels (``decensor_app.edges.canny_edges``).
   The networks have their random initial weights: the cost does not depend on the values.
   Beside each timing: the cores this process used (its CPU seconds per wall second), the
   cores other processes kept busy (from /proc/stat) and the cores the hypervisor stole, so a
   contended run shows itself.
2. **FLOPs per patch** (a multiply-add counts 2), from the TF graph of a concrete function of
   ``model.call`` at batch 1 with ``tf.compat.v1.profiler.profile(graph,
   ProfileOptionBuilder.float_operation())``. Under TF 2.21 that profiler counts the
   ``Conv2D`` and ``Conv2DBackpropInput`` ops (dilated convolutions appear as SpaceToBatchND +
   Conv2D and are counted exactly), ``MatMul`` and some element-wise ops (Mul, AddV2, Softmax,
   Mean, ...; not Elu, Sigmoid or Tanh). It does not count ``Einsum`` (the contextual
   attention's two matrix products), so those are computed from the ops' static shapes in the
   same graph: 2*(product of all index sizes). The convolutions are cross-checked the same way
   (2*k*k*Cin*Cout*Hout*Wout*N for Conv2D, 2*k*k*Cin*Cout*Hin*Win for a transposed
   convolution, from the op shapes). The total is the profiler's count plus the shape-derived
   count of every op type the profiler gave 0 for (here: Einsum only).
3. **Achieved GFLOP/s** = FLOPs per patch / seconds per patch.
4. **A conv2d peak** of the same machine in the same run: ``tf.nn.conv2d`` 3x3, "SAME", batch 8,
   64x64x96 -> 192 channels, inside ``tf.function``, median of 20 calls, in float32 and in
   bfloat16 (inputs and kernel cast to ``tf.bfloat16``), once before the networks and once
   after them. The CPU's ``amx_bf16`` /
   ``avx512_bf16`` flags from ``lscpu`` are printed beside it.
5. Unless ``--no-bf16``: ``gated-conv`` at the largest batch under
   ``keras.mixed_precision.set_global_policy("mixed_bfloat16")``, in a fresh subprocess (the
   policy is global): the float32 model's weights are saved to a temporary ``.weights.h5`` and
   loaded into the bfloat16 model, the same inputs go through ``predict_on_batch``, and the
   refined output is compared with the float32 one (max abs difference, relative RMS error and
   PSNR for the range [-1, 1], over the whole patch and over the hole only). Untrained, the
   generator's outputs are about 1e-3, so before saving, the two to-RGB kernels are scaled to
   give outputs of picture-like spread (std about 0.4); see :func:`scale_outputs`. It runs
   twice: with Keras' ELU as it is, and with ELU computed through ``expm1`` (patched into
   ``keras.ops.elu`` in that subprocess only), because TensorFlow's bfloat16 Elu computes
   exp(x) - 1 in bfloat16 and loses small negative activations; see :func:`_patch_elu`.

Run from the repository root (a full run takes several minutes on 2 cores)::

    .venv/bin/python benchmarks/bench_networks.py
    .venv/bin/python benchmarks/bench_networks.py --archs gated-conv --batches 1 8 \\
        --repeats 5 --json networks.json

The markdown tables go to stdout, progress to stderr.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse
import datetime
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

SIZE = 256
SEED = 20261123
WARMUP = 2
PEAK_REPEATS = 20
ARCHS = ("gated-conv", "edgeconnect")
#: The peak convolution: batch, height, width, channels in, channels out, kernel side.
PEAK_SHAPE = (8, 64, 64, 96, 192, 3)
#: Other processes busier than this many cores make a measurement "contended".
OTHERS_LIMIT = 0.25
#: Timed blocks per measurement at most, while contended (with --wait-idle > 0).
ATTEMPTS = 3
#: Seconds to wait for other processes to go quiet before each timed block (--wait-idle).
IDLE_WAIT_S = 0.0

Row = dict[str, Any]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- machine ---------------------------------------------------------------------------------


def machine_info() -> Row:
    """nproc, the lscpu model name and the bf16-relevant CPU flags."""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        lscpu = ""
    model = re.search(r"^Model name:\s*(.+)$", lscpu, re.MULTILINE)
    flags_line = re.search(r"^Flags:\s*(.+)$", lscpu, re.MULTILINE)
    flags = set(flags_line.group(1).split()) if flags_line else set()
    wanted = ("amx_bf16", "amx_tile", "avx512_bf16", "avx512f", "avx512_vnni")
    return {
        "nproc": os.cpu_count(),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "bf16_flags": sorted(flag for flag in ("amx_bf16", "avx512_bf16") if flag in flags),
        "flags": [flag for flag in wanted if flag in flags],
        "python": platform.python_version(),
    }


# --- inputs ----------------------------------------------------------------------------------


def make_hole(batch: int, rng: np.random.Generator) -> np.ndarray:
    """(N, S, S, 1) float32, 1 = hole: a rectangle of 25 % of the area plus a brush stroke."""
    hole = np.zeros((batch, SIZE, SIZE), np.float32)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    side = SIZE // 2  # 128 x 128 = 25 % of 256 x 256
    for i in range(batch):
        top, left = rng.integers(16, SIZE - side - 16, size=2)
        hole[i, top : top + side, left : left + side] = 1.0
        # A stroke: discs of radius 6 along a random line crossing the patch.
        start = rng.uniform(10, SIZE - 10, size=2)
        end = rng.uniform(10, SIZE - 10, size=2)
        for t in np.linspace(0.0, 1.0, 120):
            cy, cx = start + t * (end - start)
            hole[i][(yy - cy) ** 2 + (xx - cx) ** 2 <= 36.0] = 1.0
    return hole[..., None]


def make_inputs(arch: str, batch: int) -> list[np.ndarray]:
    """The network inputs the engines would build for ``batch`` random patches."""
    rng = np.random.default_rng(SEED + batch)
    coarse = rng.random((batch, SIZE // 8, SIZE // 8, 3), dtype=np.float32)
    rgb01 = np.repeat(np.repeat(coarse, 8, axis=1), 8, axis=2)
    rgb01 = np.clip(rgb01 + 0.05 * rng.standard_normal(rgb01.shape, np.float32), 0.0, 1.0)
    hole = make_hole(batch, rng)
    known = 1.0 - hole
    if arch == "gated-conv":
        return [(rgb01 * 2.0 - 1.0) * known, hole]
    from decensor_app.edges import canny_edges

    rgb8 = np.rint(rgb01 * 255.0).astype(np.uint8)
    edges = np.stack([canny_edges(rgb8[i], hole[i, ..., 0] > 0) for i in range(batch)])[..., None]
    gray = (rgb01 @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
    return [rgb01 * known, gray * known, edges * known, hole]


def build_model(arch: str) -> Any:
    """The paper-width network, built for SIZE x SIZE inputs."""
    if arch == "gated-conv":
        from decensor_app.networks.gated_conv import GatedConvGenerator

        model = GatedConvGenerator(cnum=48)
    elif arch == "edgeconnect":
        from decensor_app.networks.edgeconnect import EdgeConnect

        model = EdgeConnect(width=64)
    else:
        raise ValueError(f"unknown architecture {arch!r}")
    model(make_inputs(arch, 1))
    return model


def count_parameters(model: Any) -> int:
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))


# --- timing ----------------------------------------------------------------------------------


def _system_cpu() -> tuple[float, float]:
    """(busy, stolen) CPU seconds of the whole machine so far, from /proc/stat (NaN if absent)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return float("nan"), float("nan")
    hz = os.sysconf("SC_CLK_TCK")
    busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6]  # user nice system irq softirq
    return busy / hz, (fields[7] if len(fields) > 7 else 0) / hz


def wait_for_idle(limit_s: float, threshold: float = OTHERS_LIMIT) -> float:
    """Wait (up to ``limit_s``) until other processes keep fewer than ``threshold`` cores busy.

    Samples /proc/stat over 1 s windows. Returns the seconds waited.
    """
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        own0, (busy0, _) = time.process_time(), _system_cpu()
        time.sleep(1.0)
        busy1, _ = _system_cpu()
        others = busy1 - busy0 - (time.process_time() - own0)
        if not others > threshold:  # also stops when /proc/stat is missing (NaN)
            break
    return time.perf_counter() - start


def time_calls(
    calls: dict[str, Callable[[], Any]],
    repeats: int,
    warmup: int = WARMUP,
    idle_wait_s: float | None = None,
) -> tuple[dict[str, list[float]], Row]:
    """Seconds of ``repeats`` calls of each callable, interleaved, after ``warmup`` untimed ones.

    Interleaving (A, B, A, B, ...) lets slow drifts of this shared VM hit every variant alike.
    Also returns the CPU use over the timed calls: ``own_cores``, this process's CPU seconds per
    wall second (all its threads); ``other_cores``, the rest of the machine's busy CPU seconds
    per wall second (other processes competing for the cores); ``steal_cores``, CPU time the
    hypervisor took; ``cpu_s_per_call``, this process's CPU seconds of each call (all threads),
    which contention inflates far less than the wall time.

    With ``idle_wait_s`` (default: the ``--wait-idle`` setting) the timed calls start only once
    other processes are quiet (or the wait ran out), and a block during which they kept more
    than ``OTHERS_LIMIT`` cores busy is measured again, up to ``ATTEMPTS`` times in all; the
    least contended attempt is returned (``attempts`` and ``waited_s`` record what happened).
    """
    wait = IDLE_WAIT_S if idle_wait_s is None else idle_wait_s
    for call in calls.values():
        for _ in range(warmup):
            call()
    best: tuple[dict[str, list[float]], Row] | None = None
    waited = 0.0
    for attempt in range(1, ATTEMPTS + 1 if wait > 0 else 2):
        if wait > 0:
            waited += wait_for_idle(wait)
        times: dict[str, list[float]] = {name: [] for name in calls}
        cpu_times: dict[str, list[float]] = {name: [] for name in calls}
        wall0, own0, (busy0, steal0) = time.perf_counter(), time.process_time(), _system_cpu()
        for _ in range(repeats):
            for name, call in calls.items():
                start, start_cpu = time.perf_counter(), time.process_time()
                call()
                times[name].append(time.perf_counter() - start)
                cpu_times[name].append(time.process_time() - start_cpu)
        wall = time.perf_counter() - wall0
        own = time.process_time() - own0
        busy1, steal1 = _system_cpu()
        cpu: Row = {
            "own_cores": own / wall,
            "other_cores": max(busy1 - busy0 - own, 0.0) / wall,
            "steal_cores": (steal1 - steal0) / wall,
            "attempts": attempt,
            "waited_s": waited,
            "cpu_s_per_call": cpu_times,
        }
        if best is None or cpu["other_cores"] < best[1]["other_cores"]:
            best = times, cpu
        if not cpu["other_cores"] > OTHERS_LIMIT:
            break
        log(f"  contended ({cpu['other_cores']:.2f} cores busy elsewhere), measuring again")
    assert best is not None
    best[1]["attempts"] = attempt
    return best


def _block(outputs: Any) -> None:
    """Wait for a tf.function's outputs (pulls one element of each to the host)."""
    for tensor in outputs:
        _ = tensor.numpy().flat[0]


# --- FLOPs -----------------------------------------------------------------------------------


def _shape(tensor: Any) -> list[int]:
    return [int(n) for n in tensor.shape]


def _einsum_flops(equation: str, operands: Sequence[list[int]]) -> int:
    """2 x the product of every index's size (a contraction of two operands)."""
    inputs = equation.split("->")[0].split(",")
    sizes: dict[str, int] = {}
    for letters, shape in zip(inputs, operands, strict=True):
        sizes.update(zip(letters, shape, strict=True))
    return 2 * int(np.prod(list(sizes.values()), dtype=np.int64))


def count_flops(model: Any, arch: str) -> Row:
    """FLOPs of one batch-1 forward pass: the TF profiler plus shape-derived counts."""
    import tensorflow as tf

    specs = [tf.TensorSpec((1, *x.shape[1:]), tf.float32) for x in make_inputs(arch, 1)]
    graph = tf.function(model.call, jit_compile=False).get_concrete_function(specs).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    verbosity = tf.get_logger().level
    tf.get_logger().setLevel("ERROR")  # the profiler's v1 deprecation warnings
    try:
        profile = tf.compat.v1.profiler.profile(graph, cmd="graph", options=options)
    finally:
        tf.get_logger().setLevel(verbosity)
    op_types = {op.name: op.type for op in graph.get_operations()}
    by_node: dict[str, int] = {}  # FLOPs the profiler gives each node (once per name)
    nodes = list(profile.children)
    while nodes:
        node = nodes.pop()
        nodes.extend(node.children)
        if node.float_ops:
            by_node[node.name] = int(node.float_ops)
    profiled: dict[str, int] = {}  # ... summed by op type
    for name, count in by_node.items():
        op_type = op_types.get(name, "?")
        profiled[op_type] = profiled.get(op_type, 0) + count

    conv = transposed = einsum = 0
    for op in graph.get_operations():
        if op.type == "Conv2D":
            n, height, width, c_out = _shape(op.outputs[0])
            k_h, k_w, c_in, _ = _shape(op.inputs[1])
            conv += 2 * n * height * width * c_out * k_h * k_w * c_in
        elif op.type == "Conv2DBackpropInput":  # transposed convolution
            k_h, k_w, _, c_in = _shape(op.inputs[1])  # filter (k, k, out, in)
            n, height, width, c_in = _shape(op.inputs[2])
            c_out = _shape(op.outputs[0])[-1]
            transposed += 2 * n * height * width * c_in * k_h * k_w * c_out
        elif op.type == "Einsum":
            equation = op.get_attr("equation").decode()
            einsum += _einsum_flops(equation, [_shape(t) for t in op.inputs])
    profiler_total = int(profile.total_float_ops)
    # Shape-derived counts are added only for op types the profiler gave nothing for.
    added = sum(
        count
        for op_type, count in (("Conv2DBackpropInput", transposed), ("Einsum", einsum))
        if not profiled.get(op_type)
    )
    return {
        "profiler_total": profiler_total,
        "profiler_by_op_type": dict(sorted(profiled.items(), key=lambda item: -item[1])),
        "conv2d_from_shapes": conv,
        "conv_transpose_from_shapes": transposed,
        "einsum_from_shapes": einsum,
        "added_from_shapes": added,
        "total": profiler_total + added,
    }


# --- networks --------------------------------------------------------------------------------


def bench_arch(arch: str, batches: Sequence[int], repeats: int, bf16_dir: Path | None) -> Row:
    import tensorflow as tf

    log(f"[{arch}] building")
    model = build_model(arch)
    flops = count_flops(model, arch)
    log(
        f"[{arch}] {count_parameters(model):,} parameters, {flops['total'] / 1e9:.2f} GFLOPs per "
        f"patch (profiler {flops['profiler_total'] / 1e9:.2f})"
    )
    compiled_call = tf.function(model.call, jit_compile=False)
    rows = []
    for batch in batches:
        inputs = make_inputs(arch, batch)
        tensors = [tf.constant(x) for x in inputs]
        log(f"[{arch}] batch {batch}: predict_on_batch and tf.function, interleaved")
        timed, cpu = time_calls(
            {
                "predict_on_batch": lambda inputs=inputs: model.predict_on_batch(inputs),
                "tf_function": lambda t=tensors: _block(compiled_call(t)),
            },
            repeats,
        )
        row: Row = {"batch": batch, "cpu": cpu}
        for key, times in timed.items():
            call_s = statistics.median(times)
            log(f"[{arch}] batch {batch}: {key} {call_s:.3f} s  (cpu {cpu})")
            row[key] = {
                "times_s": times,
                "median_s": call_s,
                "s_per_patch": call_s / batch,
                "cpu_s_per_patch": statistics.median(cpu["cpu_s_per_call"][key]) / batch,
                "gflops_per_s": flops["total"] * batch / call_s / 1e9,
            }
        rows.append(row)
        if bf16_dir is not None and arch == "gated-conv" and batch == max(batches):
            scale_outputs(model, inputs)
            model.save_weights(bf16_dir / "fp32.weights.h5")
            np.savez(bf16_dir / "io.npz", *inputs, refined=model.predict_on_batch(inputs)[1])
    return {
        "arch": arch,
        "parameters": count_parameters(model),
        "jit_compile": bool(model.jit_compile),
        "flops": flops,
        "runs": rows,
    }


def scale_outputs(model: Any, inputs: list[np.ndarray], target_std: float = 0.5) -> None:
    """Scale the two to-RGB kernels so that coarse and refined outputs have picture-like spread.

    Freshly initialised, the generator's outputs are about 1e-3 (std), so an error measured in
    output units would say nothing about a trained model, whose outputs span [-1, 1]. Scaling the
    last convolution of each stage (coarse first: it feeds stage 2) to an output std near
    ``target_std`` gives the float32-vs-bfloat16 comparison a realistic signal. It does not
    change the cost.
    """
    for index, layer in ((0, model.coarse_layers[-1]), (1, model.merge_layers[-1])):
        output = np.asarray(model.predict_on_batch(inputs)[index])
        # Pre-tanh spread: arctanh of the (small, so nearly linear) output.
        spread = float(np.std(np.arctanh(np.clip(output, -0.999, 0.999))))
        layer.kernel.assign(layer.kernel * (target_std / max(spread, 1e-12)))


# --- conv2d peak -----------------------------------------------------------------------------


def conv_peak(repeats: int = PEAK_REPEATS, when: str = "") -> list[Row]:
    import tensorflow as tf

    batch, height, width, c_in, c_out, k = PEAK_SHAPE
    rng = np.random.default_rng(SEED)
    x32 = tf.constant(rng.standard_normal((batch, height, width, c_in), np.float32))
    w32 = tf.constant(0.05 * rng.standard_normal((k, k, c_in, c_out), np.float32))
    flops = 2 * batch * height * width * c_out * k * k * c_in

    @tf.function(jit_compile=False)
    def conv(x: Any, w: Any) -> Any:
        return tf.nn.conv2d(x, w, strides=1, padding="SAME")

    rows = []
    reference = conv(x32, w32).numpy()
    for name, dtype in (("float32", tf.float32), ("bfloat16", tf.bfloat16)):
        x, w = tf.cast(x32, dtype), tf.cast(w32, dtype)
        timed, cpu = time_calls({name: lambda x=x, w=w: _block([conv(x, w)])}, repeats, warmup=3)
        times = timed[name]
        error = float(np.max(np.abs(tf.cast(conv(x, w), tf.float32).numpy() - reference)))
        call_s = statistics.median(times)
        rows.append(
            {
                "when": when,
                "dtype": name,
                "cpu": cpu,
                "gflop_per_call": flops / 1e9,
                "median_s": call_s,
                "min_s": min(times),
                "cpu_s": statistics.median(cpu["cpu_s_per_call"][name]),
                "gflops_per_s": flops / call_s / 1e9,
                "max_abs_diff_vs_fp32": error,
            }
        )
        log(
            f"[conv2d peak, {when}] {name}: {call_s * 1e3:.1f} ms, "
            f"{flops / call_s / 1e9:.1f} GFLOP/s  (cpu {cpu})"
        )
    return rows


# --- mixed_bfloat16 gated-conv (child process) ---------------------------------------------


def _psnr(a: np.ndarray, b: np.ndarray, peak_to_peak: float = 2.0) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(peak_to_peak**2 / mse)


ELU_VARIANTS = ("native", "expm1")


def _patch_elu() -> None:
    """Make ``keras.ops.elu`` compute expm1 for negative inputs (this process only).

    TensorFlow's bfloat16 Elu computes exp(x) - 1 in bfloat16: for small negative x the result
    is quantised in steps of 2**-8 near zero (elu(-1e-3) = 0, elu(-1e-2) = -0.0117), an absolute
    error that does not shrink with the activations. ``expm1`` in bfloat16 is accurate.
    """
    import keras
    from keras import ops

    def elu(x: Any, alpha: float = 1.0) -> Any:
        return ops.where(x > 0, x, alpha * ops.expm1(ops.minimum(x, 0)))

    keras.ops.elu = elu


def bf16_child(folder: Path, repeats: int, total_flops: int, elu: str) -> None:
    """Run in a fresh process: gated-conv under mixed_bfloat16 with the float32 weights."""
    import keras

    if elu == "expm1":
        _patch_elu()
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    model = build_model("gated-conv")
    model.load_weights(folder / "fp32.weights.h5")
    saved = np.load(folder / "io.npz")
    inputs = [saved["arr_0"], saved["arr_1"]]
    batch = len(inputs[0])
    timed, cpu = time_calls({"bf16": lambda: model.predict_on_batch(inputs)}, repeats)
    times = timed["bf16"]
    output = model.predict_on_batch(inputs)[1]
    refined = np.asarray(output, np.float32)
    reference = saved["refined"]
    error = refined - reference
    hole = np.broadcast_to(inputs[1] > 0, reference.shape)
    call_s = statistics.median(times)
    result = {
        "policy": keras.mixed_precision.global_policy().name,
        "elu": elu,
        "cpu": cpu,
        "output_dtype": str(output.dtype),
        "batch": batch,
        "times_s": times,
        "median_s": call_s,
        "s_per_patch": call_s / batch,
        "cpu_s_per_patch": statistics.median(cpu["cpu_s_per_call"]["bf16"]) / batch,
        "gflops_per_s": total_flops * batch / call_s / 1e9,
        "reference_std": float(np.std(reference)),
        "max_abs_diff": float(np.max(np.abs(error))),
        "mean_abs_diff": float(np.mean(np.abs(error))),
        "relative_rms_error": float(np.sqrt(np.mean(error**2)) / np.sqrt(np.mean(reference**2))),
        "psnr_db": _psnr(refined, reference),
        "psnr_hole_db": _psnr(refined[hole], reference[hole]),
    }
    (folder / f"bf16_{elu}.json").write_text(json.dumps(result))


def run_bf16(folder: Path, repeats: int, total_flops: int) -> list[Row]:
    """One fresh process per ELU variant; failed variants are left out."""
    results = []
    for elu in ELU_VARIANTS:
        log(f"[gated-conv mixed_bfloat16, elu {elu}] fresh process")
        command = [
            sys.executable, __file__, "--bf16-child", str(folder), "--bf16-elu", elu,
            "--repeats", str(repeats), "--child-flops", str(total_flops),
            "--wait-idle", str(IDLE_WAIT_S),
        ]  # fmt: skip
        done = subprocess.run(command, check=False)
        if done.returncode != 0:
            log(f"[gated-conv mixed_bfloat16] failed with exit status {done.returncode}")
            continue
        result: Row = json.loads((folder / f"bf16_{elu}.json").read_text())
        log(f"[gated-conv mixed_bfloat16, elu {elu}] {result['s_per_patch']:.3f} s per patch")
        results.append(result)
    return results


# --- report ----------------------------------------------------------------------------------


def _cores(cpu: Row) -> str:
    text = f"{cpu['own_cores']:.2f} / {cpu['other_cores']:.2f} / {cpu['steal_cores']:.2f}"
    return text + (f" ({cpu['attempts']} tries)" if cpu.get("attempts", 1) > 1 else "")


def markdown(report: Row) -> str:
    lines = [
        "| arch | parameters | GFLOPs / patch | batch | predict_on_batch s / call | s / patch "
        "| CPU s / patch | GFLOP/s | tf.function s / call | s / patch | GFLOP/s "
        "| predict_on_batch overhead | cores: own / others / stolen |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| --- |",
    ]
    for arch in report["networks"]:
        gflops = arch["flops"]["total"] / 1e9
        for run in arch["runs"]:
            pob, fn = run["predict_on_batch"], run["tf_function"]
            overhead = pob["median_s"] / fn["median_s"] - 1.0
            lines.append(
                f"| {arch['arch']} | {arch['parameters'] / 1e6:.2f}M | {gflops:.1f} "
                f"| {run['batch']} | {pob['median_s']:.3f} | {pob['s_per_patch']:.3f} "
                f"| {pob['cpu_s_per_patch']:.3f} | {pob['gflops_per_s']:.1f} "
                f"| {fn['median_s']:.3f} | {fn['s_per_patch']:.3f} "
                f"| {fn['gflops_per_s']:.1f} | {overhead * 100:+.1f} % | {_cores(run['cpu'])} |"
            )
    lines += [
        "",
        "| GFLOPs per patch | profiler total | profiler: Conv2D | profiler: Conv2DBackpropInput "
        "| profiler: other ops | Conv2D from shapes | transposed conv from shapes "
        "| einsum from shapes (not profiled) | total |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for arch in report["networks"]:
        f = arch["flops"]
        by_type = f["profiler_by_op_type"]
        conv, transposed = by_type.get("Conv2D", 0), by_type.get("Conv2DBackpropInput", 0)
        other = f["profiler_total"] - conv - transposed
        lines.append(
            f"| {arch['arch']} | {f['profiler_total'] / 1e9:.2f} | {conv / 1e9:.2f} "
            f"| {transposed / 1e9:.2f} | {other / 1e9:.2f} "
            f"| {f['conv2d_from_shapes'] / 1e9:.2f} "
            f"| {f['conv_transpose_from_shapes'] / 1e9:.2f} "
            f"| {f['einsum_from_shapes'] / 1e9:.2f} | {f['total'] / 1e9:.2f} |"
        )
    if report.get("conv_peak"):
        batch, height, width, c_in, c_out, k = PEAK_SHAPE
        lines += [
            "",
            f"| conv2d peak ({k}x{k}, {batch}x{height}x{width}x{c_in} -> {c_out}) | when "
            "| GFLOP / call | median s | CPU s | GFLOP/s | max abs diff vs fp32 "
            "| cores: own / others / stolen |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for row in report["conv_peak"]:
            lines.append(
                f"| {row['dtype']} | {row['when']} | {row['gflop_per_call']:.2f} "
                f"| {row['median_s']:.4f} | {row['cpu_s']:.4f} | {row['gflops_per_s']:.1f} "
                f"| {row['max_abs_diff_vs_fp32']:.3g} | {_cores(row['cpu'])} |"
            )
    if report.get("bf16"):
        lines += [
            "",
            "| gated-conv mixed_bfloat16, refined vs float32 | batch | predict_on_batch s / call "
            "| s / patch | CPU s / patch | GFLOP/s | fp32 output std | max abs diff "
            "| mean abs diff "
            "| relative RMS error | PSNR dB (patch) | PSNR dB (hole) "
            "| cores: own / others / stolen |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
            "| --- |",
        ]
        for bf16 in report["bf16"]:
            lines.append(
                f"| ELU {bf16['elu']} | {bf16['batch']} | {bf16['median_s']:.3f} "
                f"| {bf16['s_per_patch']:.3f} | {bf16['cpu_s_per_patch']:.3f} "
                f"| {bf16['gflops_per_s']:.1f} "
                f"| {bf16['reference_std']:.3f} | {bf16['max_abs_diff']:.3g} "
                f"| {bf16['mean_abs_diff']:.3g} | {bf16['relative_rms_error']:.3g} "
                f"| {bf16['psnr_db']:.1f} | {bf16['psnr_hole_db']:.1f} | {_cores(bf16['cpu'])} |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archs", nargs="+", choices=ARCHS, default=list(ARCHS))
    parser.add_argument("--batches", nargs="+", type=int, default=[1, 8])
    parser.add_argument("--repeats", type=int, default=5, help="timed calls (median), >= 1")
    parser.add_argument("--json", type=Path, help="write the full results here")
    parser.add_argument("--no-peak", action="store_true", help="skip the conv2d peak")
    parser.add_argument("--no-bf16", action="store_true", help="skip the mixed_bfloat16 run")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="S",
        help="before each timed block wait up to S seconds for other processes to go quiet, "
        f"and re-measure (up to {ATTEMPTS} times) a block they contended (default 0: off)",
    )
    parser.add_argument("--bf16-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-flops", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--bf16-elu", choices=ELU_VARIANTS, default="native", help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.repeats < 1 or min(args.batches) < 1:
        parser.error("--repeats and --batches must be positive")
    global IDLE_WAIT_S
    IDLE_WAIT_S = max(args.wait_idle, 0.0)
    if args.bf16_child is not None:
        bf16_child(args.bf16_child, args.repeats, args.child_flops, args.bf16_elu)
        return 0

    import keras
    import tensorflow as tf

    report: Row = {
        "date": datetime.date.today().isoformat(),
        "machine": machine_info(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "size": SIZE,
        "repeats": args.repeats,
        "wait_idle_s": IDLE_WAIT_S,
        "warmup": WARMUP,
        "networks": [],
    }
    log(f"machine: {report['machine']}")
    with tempfile.TemporaryDirectory(prefix="bench_networks_") as tmp:
        want_bf16 = not args.no_bf16 and "gated-conv" in args.archs
        bf16_dir = Path(tmp) if want_bf16 else None
        # The peak before and after the networks brackets how the shared VM behaved meanwhile.
        report["conv_peak"] = [] if args.no_peak else conv_peak(when="before")
        for arch in args.archs:
            report["networks"].append(bench_arch(arch, args.batches, args.repeats, bf16_dir))
        if not args.no_peak:
            report["conv_peak"] += conv_peak(when="after")
        if want_bf16:
            gated = next(a for a in report["networks"] if a["arch"] == "gated-conv")
            report["bf16"] = run_bf16(Path(tmp), args.repeats, gated["flops"]["total"])
    machine = report["machine"]
    print(
        f"{machine['nproc']} CPUs, {machine['cpu']}, flags {' '.join(machine['flags'])}; "
        f"TensorFlow {report['tensorflow']}, Keras {report['keras']}, "
        f"jit_compile={[a['jit_compile'] for a in report['networks']]}\n"
    )
    print(markdown(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
