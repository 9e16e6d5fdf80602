"""Shared fixtures: pictures drawn in code, folders laid out as the app expects."""

from __future__ import annotations

import contextlib
import os
import tempfile

# Qt widgets run offscreen in tests (CI has no display); set before pytest-qt makes the app.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests of the pipeline, command and window run on the classical engines (fast, exact): the
# default models folder is an empty one. The shipped models are tested by name and folder
# (tests/test_shipped_models.py); subprocesses inherit the setting.
os.environ["DECENSOR_MODELS_DIR"] = tempfile.mkdtemp(prefix="decensor-no-models-")
# Windows made without a settings object (QSettings("decensor_app", "decensor"): the painter's
# recent pictures, say) write into an empty folder, not into the user's own settings.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="decensor-config-")
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from decensor_app.engines import Engine, ModelInfo
from decensor_app.engines.base import EngineInput
from decensor_app.masks import GREEN
from decensor_app.mosaic import MosaicGrid
from decensor_app.pipeline import BatchOptions

FILL = np.array([255, 0, 255], np.uint8)


class FillEngine(Engine):
    """A fixed-size engine that paints holes magenta and records every patch it is given."""

    def __init__(self, native_size: int | None) -> None:
        self.native_size = native_size
        self.info = ModelInfo("fill", "test", ("bar", "mosaic"), 0, "fills holes")
        self.patches: list[tuple[np.ndarray, np.ndarray]] = []
        self.grids: list[MosaicGrid | None] = []
        self.batch_sizes: list[int] = []

    def restore_batch(self, patches: Sequence[EngineInput]) -> list[np.ndarray]:
        self.batch_sizes.append(len(patches))
        return super().restore_batch(patches)

    def restore(self, patch: EngineInput) -> np.ndarray:
        self.patches.append((patch.image.copy(), patch.hole.copy()))
        self.grids.append(patch.grid)
        out = patch.image.copy()
        out[patch.hole] = FILL
        return out


def scene(width: int = 160, height: int = 120, seed: int = 0) -> np.ndarray:
    """HxWx3 uint8 RGB illustration-like picture with no pure green anywhere."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    picture = np.stack(
        [60 + 120 * xs / width, 80 + 100 * ys / height, 200 - 80 * xs / width], axis=2
    ).astype(np.uint8)
    for _ in range(6):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        colour = tuple(int(c) for c in rng.integers(20, 230, 3))
        cv2.circle(picture, centre, int(rng.integers(5, 30)), colour, -1, cv2.LINE_AA)
    picture[..., 1] = np.minimum(picture[..., 1], 240)  # keep it off exact green
    return np.ascontiguousarray(picture)


def paint(picture: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """Copy of HxWx3 ``picture`` with ``hole`` (HxW bool) painted exact green."""
    greened = picture.copy()
    greened[hole] = GREEN
    return greened


def box(height: int, width: int, x: int, y: int, box_width: int, box_height: int) -> np.ndarray:
    """HxW bool with one True rectangle."""
    hole = np.zeros((height, width), bool)
    hole[y : y + box_height, x : x + box_width] = True
    return hole


def save_png(path: Path, pixels: np.ndarray, mode: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels, mode).save(path)
    return path


@dataclass
class Folders:
    """A temporary input / originals / output layout."""

    input: Path
    original: Path
    output: Path

    def options(self, **overrides: object) -> BatchOptions:
        values: dict[str, object] = {
            "input_dir": self.input,
            "original_dir": self.original,
            "output_dir": self.output,
        }
        values.update(overrides)
        return BatchOptions(**values)  # type: ignore[arg-type]


@pytest.fixture
def folders(tmp_path: Path) -> Folders:
    layout = Folders(tmp_path / "in", tmp_path / "orig", tmp_path / "out")
    layout.input.mkdir()
    layout.original.mkdir()
    return layout


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """Make ``folder`` refuse new files, also for root (immutable flag), or skip the test."""
    folder.chmod(0o555)
    immutable = False
    if os.geteuid() == 0:
        immutable = (
            subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
        )
    try:
        probe = folder / ".probe"
        try:
            probe.touch()
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip("cannot make a folder unwritable on this file system")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)
