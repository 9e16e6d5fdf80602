"""The default folders of a batch, relative to the working directory (the quick start's layout),
where the window finds them when started from anywhere, and a write check of an output folder.

The command line, the batch options and the window all start from these.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

#: Green-painted PNGs to restore.
DEFAULT_INPUT_DIR = Path("decensor_input")

#: Mosaic mode: the same pictures without green paint, same base name.
DEFAULT_ORIGINAL_DIR = Path("decensor_input_original")

#: Results, created if missing.
DEFAULT_OUTPUT_DIR = Path("decensor_output")

#: The folder holding the ``decensor_app`` package: a checkout's (or an installed prefix's)
#: top level, where the quick start's folders sit beside ``pyproject.toml``.
APP_TOP_LEVEL = Path(__file__).resolve().parents[1]

#: The sample picture copied into a per-user input folder on first run: package data, so that
#: an installed wheel has it too (a checkout's ``decensor_input/sample.png``, which the quick
#: start restores, is the same file; tests/test_packaging.py checks that they are equal).
SAMPLE_PICTURE = Path(__file__).resolve().parent / "resources" / "sample.png"

#: Free space below which an output folder counts as full: a few results' worth (a 4000x3000
#: PNG result is about 20 MiB).
MIN_FREE_BYTES = 64 * 1024 * 1024


def has_layout(folder: Path) -> bool:
    """Whether ``folder`` holds the quick start's input folder."""
    return (folder / DEFAULT_INPUT_DIR).is_dir()


def default_base_dir(user_data_dir: Path, working_dir: Path | None = None) -> Path:
    """The folder the window's default folders start from, whatever folder it was started in.

    In order: ``working_dir`` when it holds ``decensor_input/`` (the command's layout), the
    app's own top level when it does (a checkout), else ``user_data_dir``, laid out on first
    use: the three folders made, the sample picture copied into the input folder when the app
    has it. Nothing is created when ``user_data_dir`` cannot be written: the window then says
    that its folders do not exist.
    """
    for candidate in (working_dir, APP_TOP_LEVEL):
        if candidate is not None and has_layout(candidate):
            return candidate
    try:
        for name in (DEFAULT_INPUT_DIR, DEFAULT_ORIGINAL_DIR, DEFAULT_OUTPUT_DIR):
            (user_data_dir / name).mkdir(parents=True, exist_ok=True)
        sample = user_data_dir / DEFAULT_INPUT_DIR / SAMPLE_PICTURE.name
        if SAMPLE_PICTURE.is_file() and not sample.exists():
            shutil.copyfile(SAMPLE_PICTURE, sample)
    except OSError:
        pass
    return user_data_dir


def output_write_problem(folder: Path, min_free: int = MIN_FREE_BYTES) -> str | None:
    """Why results cannot be written into the existing folder ``folder`` (read-only, no
    permission, full), or None when a probe file can be written, synced and removed and at
    least ``min_free`` bytes are free. A batch checks this before it restores anything."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError as error:
        return f"cannot use output folder {folder}: {error.strerror or error}"
    if free < min_free:
        return (
            f"output folder {folder} is full ({free / 2**20:.0f} MiB free, at least "
            f"{min_free / 2**20:.0f} MiB needed): free some space or choose another folder"
        )
    try:
        # Hidden, so that no listing shows it; not one of the pipeline's temporary names.
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".decensor-write-check-") as probe:
            probe.write(b"\0" * 65536)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as error:
        if error.errno == errno.ENOSPC:
            return f"output folder {folder} is full: free some space or choose another folder"
        if error.errno == errno.EROFS:
            return f"output folder {folder} is on a read-only disk: choose another folder"
        return (
            f"cannot write into output folder {folder} ({error.strerror or error}): "
            "choose another folder or change its permissions"
        )
    return None
