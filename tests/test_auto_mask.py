"""Mosaics without green paint: --auto-mask, --detect-only and the painting tool's detection.

The detector itself is tested in test_detect.py; these tests check that its regions reach the
user: as the mask the pipeline restores, as greened files with a JSON report, as an undoable
mask in the painting tool.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from decensor_app.masks import exact_green
from decensor_app.mosaic import MosaicGrid, pixelate, upscale_block_means
from decensor_app.pipeline import UsageError, run_batch
from tests.conftest import Folders, save_png

REPO = Path(__file__).resolve().parents[1]
GRID = MosaicGrid(12, 5, 7)


def mosaic_picture(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(clean picture, the same with a mosaic, the mosaic's blocks), 400x320."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (40, 50, 3), dtype=np.uint8)
    clean = cv2.resize(small, (400, 320), interpolation=cv2.INTER_CUBIC)
    region = np.zeros((320, 400), bool)
    region[7 + 12 * 4 : 7 + 12 * 16, 5 + 12 * 6 : 5 + 12 * 22] = True
    censored = clean.copy()
    censored[region] = pixelate(clean, GRID)[region]
    return clean, censored, region


def test_auto_mask_restores_the_detected_mosaic_and_nothing_else(folders: Folders) -> None:
    clean, censored, region = mosaic_picture()
    Image.fromarray(censored).save(folders.input / "m.jpg", quality=95)
    save_png(folders.input / "clean.png", clean)
    report = run_batch(folders.options(censor="mosaic", auto_mask=True, model="mosaic-bicubic"))
    results = {r.input.name: r for r in report.files}
    assert results["m.jpg"].status == "restored", results["m.jpg"].error
    assert results["m.jpg"].detections[0]["block"] == 12
    assert results["clean.png"].status == "failed"
    assert "no mosaic found" in results["clean.png"].error
    output = np.array(Image.open(folders.output / "m.png"))
    source = np.array(Image.open(folders.input / "m.jpg"))
    assert np.array_equal(output[~region], source[~region])  # only the mosaic changed
    # The engine got the detected grid: the result is the block means of exactly that grid,
    # interpolated (the classical bicubic engine works at full resolution).
    expected = upscale_block_means(source, GRID, cv2.INTER_CUBIC)
    assert np.abs(output[region].astype(int) - expected[region]).max() <= 1
    assert np.abs(output[region].astype(int) - source[region]).mean() > 5


def test_auto_mask_needs_mosaic_mode(folders: Folders) -> None:
    with pytest.raises(UsageError, match="needs --censor mosaic"):
        run_batch(folders.options(censor="bar", auto_mask=True))


def test_detect_only_writes_greened_pictures_and_lists_regions_in_json(folders: Folders) -> None:
    _, censored, region = mosaic_picture(1)
    save_png(folders.input / "m.png", censored)
    result = subprocess.run(
        [sys.executable, "-m", "decensor_app", "--censor", "mosaic", "--detect-only", "--json",
         "--input", str(folders.input), "--output", str(folders.output)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["detected"] == 1 and report["restored"] == 0
    found = report["files"][0]["regions"]
    assert found[0]["block"] == 12 and found[0]["offset"] == [5, 7]
    assert found[0]["bbox"] == [5 + 72, 7 + 48, 192, 144]
    assert 0 <= found[0]["confidence"] <= 1
    greened = np.array(Image.open(folders.output / "m.png"))
    assert np.array_equal(exact_green(greened), region)  # ready for decensor_input/


def test_the_painting_tool_fills_the_mask_from_the_detector(qtbot, tmp_path: Path) -> None:
    from decensor_app.gui.painter import PainterWindow

    _, censored, region = mosaic_picture(2)
    save_png(tmp_path / "m.png", censored)
    painter = PainterWindow(lambda: (tmp_path / "in", tmp_path / "orig", "mosaic"))
    qtbot.addWidget(painter)
    assert painter.open_file(tmp_path / "m.png")
    assert painter.detect_mosaic() == 1
    assert np.array_equal(painter.document.mask, region)
    painter.undo_stack.undo()
    assert not painter.document.mask.any()
