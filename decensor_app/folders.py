"""The default folders of a batch, relative to the working directory (the quick start's layout).

The command line, the batch options and the window all start from these.
"""

from __future__ import annotations

from pathlib import Path

#: Green-painted PNGs to restore.
DEFAULT_INPUT_DIR = Path("decensor_input")

#: Mosaic mode: the same pictures without green paint, same base name.
DEFAULT_ORIGINAL_DIR = Path("decensor_input_original")

#: Results, created if missing.
DEFAULT_OUTPUT_DIR = Path("decensor_output")
