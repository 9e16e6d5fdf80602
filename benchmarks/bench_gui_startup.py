"""Seconds from launching ``decensor-gui`` to its window being shown (target: under 2 s).

Each run is a fresh process (``python -m decensor_app.gui.app``) that prints when its event loop
first runs with the window shown; the wall time from ``Popen`` to that line is measured here,
so interpreter start-up and imports are included. The process is then closed. With ``$DISPLAY``
set (e.g. under Xvfb) the real X11 platform is used, otherwise Qt's offscreen platform.

    .venv/bin/python benchmarks/bench_gui_startup.py --repeat 5
    xvfb-run -a .venv/bin/python benchmarks/bench_gui_startup.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

SHOWN = "window shown after"


def launch_once(env: dict[str, str]) -> tuple[float, float]:
    """(seconds from Popen to the window shown, seconds the app measured from its main())."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "decensor_app.gui.app"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if SHOWN in line:
                wall = time.perf_counter() - started
                inside = float(line.split(SHOWN)[1].strip().rstrip("s"))
                return wall, inside
        raise RuntimeError(f"the window never reported being shown (exit {process.poll()})")
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    platform = env.get("QT_QPA_PLATFORM", "xcb (DISPLAY=" + env.get("DISPLAY", "") + ")")
    launch_once(env)  # warm the file cache: the first launch after install reads more from disk
    runs = [launch_once(env) for _ in range(args.repeat)]
    walls = [wall for wall, _ in runs]
    print(f"platform: {platform}; {args.repeat} launches after one warm-up")
    print(f"launch -> window shown: median {statistics.median(walls):.2f} s, "
          f"min {min(walls):.2f} s, max {max(walls):.2f} s")  # fmt: skip
    print(f"of which inside main(): median {statistics.median(i for _, i in runs):.2f} s")


if __name__ == "__main__":
    main()
