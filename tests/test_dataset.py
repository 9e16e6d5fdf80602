"""``build-dataset`` with held-out sources: whole pictures in ``holdout/``, none in training."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from decensor_app.trainer.cli import main as train_main
from decensor_app.trainer.dataset import HOLDOUT_LONG_SIDE, SPLITS, load_manifest
from tests.conftest import scene

PATCH = 64


def _source(
    folder: Path, name: str, licence: str, count: int, seed: int, inverted: bool = False
) -> Path:
    """``count`` drawn 200x150 pictures in ``folder`` with a ``source.json``; ``inverted``
    ones (colours turned round) share no patch with the others, whose backgrounds match."""
    folder.mkdir(parents=True)
    for index in range(count):
        picture = scene(200, 150, seed=seed + index)
        Image.fromarray(255 - picture if inverted else picture).save(folder / f"p{index:02d}.png")
    (folder / "source.json").write_text(json.dumps({"source": name, "licence": licence}))
    return folder


def _build(*args: str) -> tuple[int, str]:
    """``decensor-train build-dataset ARGS`` in this process: (exit status, stderr)."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = train_main(["build-dataset", "--patch-size", str(PATCH), *args])
    return code, stderr.getvalue()


def test_held_out_sources_never_reach_train_val_or_test(tmp_path: Path) -> None:
    kept = _source(tmp_path / "kept", "kept-art 1.0 (Debian)", "CC0", 16, seed=0)
    held = _source(tmp_path / "held", "held-art 2.0 (Debian)", "CC-BY-4.0", 6, 100, inverted=True)
    # One larger than the benchmark's long side: shrunk, aspect kept.
    big = 255 - scene(1600, 1000, seed=500)
    Image.fromarray(big).save(held / "big.png")
    out = tmp_path / "data"
    # Named by the folder holding its source.json (what the fetch script prints).
    code, stderr = _build("--images", str(kept), str(held), "--out", str(out),
                          "--test-fraction", "0.3", "--holdout-source", "held")  # fmt: skip
    assert code == 0, stderr
    manifest = load_manifest(out)

    held_pictures = sorted(str(path) for path in held.glob("*.png"))
    assert all(source["source"] == "kept-art 1.0 (Debian)" for source in manifest["sources"])
    assert all(source["split"] in SPLITS for source in manifest["sources"])
    holdout = manifest["holdout"]
    assert holdout["sources"] == ["held"]
    assert holdout["per_source"] == {"held-art 2.0 (Debian)": 7}
    assert sorted(entry["path"] for entry in holdout["pictures"]) == held_pictures
    assert {entry["licence"] for entry in holdout["pictures"]} == {"CC-BY-4.0"}

    # No patch of any split is cut from a held-out picture: every patch occurs in a kept one.
    kept_pixels = [np.asarray(Image.open(path).convert("RGB")) for path in kept.glob("*.png")]
    held_pixels = [np.asarray(Image.open(path).convert("RGB")) for path in held.glob("*.png")]
    assert sum(manifest["counts"].values()) == len(manifest["patch_sha256"]) > 0
    for name in manifest["patch_sha256"]:
        patch = np.asarray(Image.open(out / name))
        assert any(_contains(picture, patch) for picture in kept_pixels), name
        assert not any(_contains(picture, patch) for picture in held_pixels), name

    # Held-out pictures are written whole (the big one shrunk to the benchmark's long side).
    for entry in holdout["pictures"]:
        written = np.asarray(Image.open(out / entry["file"]))
        if entry["path"].endswith("big.png"):
            assert written.shape == (640, HOLDOUT_LONG_SIDE, 3)
        else:
            original = np.asarray(Image.open(entry["path"]).convert("RGB"))
            np.testing.assert_array_equal(written, original)
    assert len(list((out / "holdout").glob("*.png"))) == 7


def _contains(picture: np.ndarray, patch: np.ndarray) -> bool:
    """Whether ``patch`` (hxwx3) occurs pixel for pixel in ``picture`` (HxWx3)."""
    size = patch.shape[0]
    rows, cols = np.nonzero(np.all(picture[: 1 - size or None, : 1 - size or None]
                                   == patch[0, 0], axis=2))  # fmt: skip
    return any(
        np.array_equal(picture[y : y + size, x : x + size], patch)
        for y, x in zip(rows, cols, strict=True)
    )


def test_an_unknown_held_out_source_is_an_error(tmp_path: Path) -> None:
    kept = _source(tmp_path / "kept", "kept-art", "CC0", 3, seed=0)
    code, stderr = _build("--images", str(kept), "--out", str(tmp_path / "data"),
                          "--holdout-source", "kept-artt")  # fmt: skip
    assert code == 1
    assert "held-out source not found: kept-artt" in stderr
    assert not (tmp_path / "data" / "manifest.json").exists()


def test_a_malformed_source_json_names_the_file(tmp_path: Path) -> None:
    folder = _source(tmp_path / "art", "art", "CC0", 2, seed=0)
    (folder / "source.json").write_text('{"source": "art", "licence": }')
    code, stderr = _build("--images", str(folder), "--out", str(tmp_path / "data"))
    assert code == 1
    assert f"{folder / 'source.json'}: not valid JSON" in stderr


def test_the_fetch_script_reads_each_pictures_licence_from_a_dep5_copyright_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location(
        "fetch_training_art", Path(__file__).resolve().parents[1] / "scripts/fetch_training_art.py"
    )
    assert spec is not None and spec.loader is not None
    fetch = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, fetch)  # its dataclasses look themselves up
    spec.loader.exec_module(fetch)
    copyright_file = tmp_path / "copyright"
    copyright_file.write_text(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
        "Files: *\nCopyright: someone\nLicense: GPL-3+\n\n"
        "Files: images/*\nLicense: CC-BY-SA-4.0\n\n"
        "Files:\n images/land/photo0*\n ./images//land/photo1*\nLicense: public-domain\n"
        " a free-form line that is not a field\n"
    )
    stanzas = fetch.dep5_stanzas(copyright_file)
    licence = {rel: fetch.dep5_licence(rel, stanzas, "unknown")
               for rel in ("data/x.png", "images/land/sky.jpg", "images/land/photo0.jpg",
                           "images/land/photo1.jpg")}  # fmt: skip
    assert licence == {
        "data/x.png": "GPL-3+",
        "images/land/sky.jpg": "CC-BY-SA-4.0",  # the last matching stanza wins; * spans /
        "images/land/photo0.jpg": "public-domain",
        "images/land/photo1.jpg": "public-domain",
    }


def test_grayscale_pictures_are_kept_only_from_sources_marked_monochrome_ok(
    tmp_path: Path,
) -> None:
    folders = {}
    for name, flag in (("manga", True), ("scans", False)):
        folder = tmp_path / name
        folder.mkdir()
        for index in range(3):
            grey = Image.fromarray(scene(200, 150, seed=10 * len(folders) + index)).convert("L")
            grey.convert("RGB").save(folder / f"p{index:02d}.png")  # grey stored as RGB
        (folder / "source.json").write_text(
            json.dumps({"source": name, "licence": "CC0", "monochrome_ok": flag})
        )
        folders[name] = folder
    out = tmp_path / "data"
    code, stderr = _build("--images", str(folders["manga"]), str(folders["scans"]),
                          "--out", str(out), "--test-fraction", "0")  # fmt: skip
    assert code == 0, stderr
    manifest = load_manifest(out)
    assert manifest["skipped"]["grayscale"] == 3
    assert sorted({s["source"] for s in manifest["sources"]}) == ["manga"]
    assert len(manifest["sources"]) == 3


def _fetch_module(monkeypatch: pytest.MonkeyPatch) -> object:
    spec = importlib.util.spec_from_file_location(
        "fetch_training_art", Path(__file__).resolve().parents[1] / "scripts/fetch_training_art.py"
    )
    assert spec is not None and spec.loader is not None
    fetch = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, fetch)  # its dataclasses look themselves up
    spec.loader.exec_module(fetch)
    return fetch


SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="200" height="160">
<ellipse cx="100" cy="80" rx="90" ry="70" fill="#e0a040" stroke="#000" stroke-width="4"/>
<rect x="50" y="40" width="60" height="50" fill="#3060c0"/>
<circle cx="140" cy="90" r="25" fill="#f0e0d0"/></svg>"""


def test_screentone_pages_are_grey_seeded_and_printed_in_ink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("cairosvg")
    fetch: Any = _fetch_module(monkeypatch)
    (tmp_path / "art.svg").write_text(SVG)
    fetch._WORKER_POOLS = {"openclipart": [(str(tmp_path / "art.svg"), "svg/art.svg")]}
    pages = {}
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        for key in ("page00000", "page00001"):
            task = fetch.Task("screentone", "screentone", key, "", "", str(tmp_path / run),
                              (f"{key}.png",), 0, {})  # fmt: skip
            record = fetch.run_task(task)
            assert record.failed is None, record.failed
            assert record.records[f"{key}.png"]["members"][0]["file"] == "svg/art.svg"
            pages[run, key] = np.asarray(Image.open(tmp_path / run / f"{key}.png"))
    first = pages["a", "page00000"]
    assert first.shape == (512, 512, 3)
    assert np.array_equal(first, pages["b", "page00000"])  # a function of seed and key
    assert not np.array_equal(first, pages["a", "page00001"])
    for page in pages.values():
        assert (page == page[..., :1]).all()  # grey stored as RGB
        # Ink on paper: nearly every pixel black or white (grey only on anti-aliased edges).
        grey = page[..., 0]
        assert float(((grey < 40) | (grey > 215)).mean()) > 0.75
        assert 0.03 < float((grey < 128).mean()) < 0.9
