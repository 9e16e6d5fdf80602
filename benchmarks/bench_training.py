"""Training speed of the gated-conv GAN on this machine: images per second per configuration.

One full training step (generator and discriminator forward, both backward passes, both Adam
updates) through the trainer's own compiled, distributed step, on synthetic batches (data
loading excluded: it runs in a background thread during real training). Each configuration runs
in a fresh process (the precision policy is global).

Run from the repository root::

    .venv/bin/python benchmarks/bench_training.py                 # the issue's grid
    .venv/bin/python benchmarks/bench_training.py --widths 16 --sizes 128 --precisions float32
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ONE = """
import os, sys, json, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
from decensor_app.trainer.data import Batch
from decensor_app.trainer.fit_tf import make_trainer
from decensor_app.trainer.run import FitConfig
width, size, batch, precision, repeats = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]),
                                          sys.argv[4], int(sys.argv[5]))
config = FitConfig(arch="gated-conv", censor="bar", data="", out="", batch=batch, size=size,
                   width=width, strategy="default", precision=precision)
trainer, _, policy = make_trainer(config)
rng = np.random.default_rng(0)
truth = rng.random((batch, size, size, 3)).astype(np.float32)
mask = np.zeros((batch, size, size, 1), np.float32)
mask[:, size // 4 : size // 2, size // 4 : 3 * size // 4] = 1
data = Batch(truth, mask, truth * (1 - mask), [(truth * 2 - 1) * (1 - mask), mask])
for step in range(2):
    trainer.train_step(step, data)
times = []
for step in range(repeats):
    started = time.perf_counter()
    trainer.train_step(step, data)
    times.append(time.perf_counter() - started)
print(json.dumps({"seconds_per_step": float(np.median(times)), "policy": policy}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[48, 16])
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 256])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--precisions", nargs="+", default=["float32", "mixed_bfloat16"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows = []
    for width in args.widths:
        for size in args.sizes:
            for precision in args.precisions:
                started = time.time()
                result = subprocess.run(
                    [sys.executable, "-c", ONE, str(width), str(size), str(args.batch),
                     precision, str(args.repeats)],
                    capture_output=True, text=True, check=True,
                )  # fmt: skip
                measured = json.loads(result.stdout.strip().splitlines()[-1])
                seconds = measured["seconds_per_step"]
                row = {
                    "width": width, "size": size, "batch": args.batch, "precision": precision,
                    "seconds_per_step": round(seconds, 3),
                    "images_per_second": round(args.batch / seconds, 2),
                    "wall_seconds": round(time.time() - started, 1),
                }  # fmt: skip
                rows.append(row)
                print(json.dumps(row), flush=True)
    print("\n| width (cnum) | size | batch | precision | s/step | images/s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| {row['width']} | {row['size']} | {row['batch']} | {row['precision']} | "
            f"{row['seconds_per_step']:.2f} | {row['images_per_second']:.2f} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
