"""The batch pipeline on real files in temporary folders."""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from decensor_app.engines import load_engine
from decensor_app.masks import GREEN, exact_green, green_mask
from decensor_app.mosaic import MosaicGrid, pixelate
from decensor_app.pipeline import (
    CancelToken,
    Progress,
    UsageError,
    restore_image,
    run_batch,
)
from tests.conftest import FILL, FillEngine, Folders, box, paint, save_png, scene, unwritable


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _load(path: Path) -> np.ndarray:
    return np.array(Image.open(path))


def _bar_input(folders: Folders, name: str = "pic.png", seed: int = 0) -> np.ndarray:
    """Write a greened picture; returns the hole."""
    hole = box(120, 160, 50, 40, 40, 30)
    save_png(folders.input / name, paint(scene(seed=seed), hole))
    return hole


# --- outputs -----------------------------------------------------------------------------------


def test_bar_batch_restores_only_hole_pixels_and_never_touches_inputs(folders: Folders) -> None:
    hole = _bar_input(folders)
    before = _digest(folders.input)
    report = run_batch(folders.options())
    assert [r.status for r in report.files] == ["restored"]
    assert report.files[0].regions == 1 and report.files[0].seconds > 0
    greened = _load(folders.input / "pic.png")
    output = _load(folders.output / "pic.png")
    assert np.array_equal(output[~hole], greened[~hole])
    assert not exact_green(output).any()
    assert _digest(folders.input) == before


def test_uppercase_extension_is_read_and_other_files_are_skipped(folders: Folders) -> None:
    _bar_input(folders, "UPPER.PNG")
    (folders.input / "notes.txt").write_text("hello")
    (folders.input / "photo.jpg").write_bytes(b"\xff\xd8")
    (folders.input / "sub").mkdir()
    report = run_batch(folders.options())
    statuses = {r.input.name: (r.status, r.error) for r in report.files}
    assert statuses["UPPER.PNG"][0] == "restored"
    assert statuses["notes.txt"] == ("skipped", "not a picture to restore (only .png)")
    assert statuses["photo.jpg"][0] == "skipped"
    assert "sub" not in statuses
    assert (folders.output / "UPPER.png").exists()
    assert report.ok


def test_existing_outputs_are_skipped_unless_overwrite(folders: Folders) -> None:
    _bar_input(folders)
    (folders.output).mkdir()
    (folders.output / "pic.png").write_bytes(b"keep me")
    report = run_batch(folders.options())
    assert report.files[0].status == "skipped"
    assert "--overwrite" in report.files[0].error
    assert (folders.output / "pic.png").read_bytes() == b"keep me"
    report = run_batch(folders.options(overwrite=True))
    assert report.files[0].status == "restored"
    assert _load(folders.output / "pic.png").shape == (120, 160, 3)


@pytest.mark.parametrize("variations", [2, 4])
def test_variations_are_flips_named_v_n(folders: Folders, variations: int) -> None:
    hole = _bar_input(folders)
    report = run_batch(folders.options(variations=variations))
    names = sorted(p.name for p in folders.output.iterdir())
    assert names == [f"pic_v{n}.png" for n in range(1, variations + 1)]
    assert len(report.files[0].outputs) == variations
    greened = _load(folders.input / "pic.png")
    for name in names:
        output = _load(folders.output / name)
        assert np.array_equal(output[~hole], greened[~hole])
        assert not exact_green(output).any()


def test_variations_give_the_engine_mirrored_patches_in_one_batch(folders: Folders) -> None:
    hole = _bar_input(folders)
    engine = FillEngine(None)
    run_batch(folders.options(variations=4), engine=engine)
    assert engine.batch_sizes == [4]
    (first, first_hole), *others = engine.patches
    mirrors = [first[:, ::-1], first[::-1], first[::-1, ::-1]]
    for (image, seen_hole), mirrored in zip(others, mirrors, strict=True):
        assert np.array_equal(image, mirrored)
        assert np.array_equal(seen_hole.sum(), first_hole.sum())
    for n in range(1, 5):
        output = _load(folders.output / f"pic_v{n}.png")
        assert (output[hole] == FILL).all()


def test_rgba_keeps_its_alpha_and_palette_grayscale_are_converted(folders: Folders) -> None:
    hole = box(120, 160, 50, 40, 40, 30)
    rgb = paint(scene(), hole)
    alpha = np.tile(np.linspace(0, 255, 160, dtype=np.uint8), (120, 1))
    save_png(folders.input / "rgba.png", np.dstack([rgb, alpha]), "RGBA")
    Image.fromarray(rgb).quantize(64).save(folders.input / "palette.png")
    report = run_batch(folders.options())
    assert [r.status for r in report.files] == ["restored", "restored"]
    rgba_out = Image.open(folders.output / "rgba.png")
    assert rgba_out.mode == "RGBA"
    assert np.array_equal(np.array(rgba_out)[..., 3], alpha)
    assert np.array_equal(np.array(rgba_out)[..., :3][~hole], rgb[~hole])
    palette_out = Image.open(folders.output / "palette.png")
    assert palette_out.mode == "RGB"
    palette_rgb = np.array(Image.open(folders.input / "palette.png").convert("RGB"))
    palette_hole = exact_green(palette_rgb)
    assert np.array_equal(np.array(palette_out)[~palette_hole], palette_rgb[~palette_hole])


def test_sixteen_bit_png_keeps_all_sixteen_bits_outside_the_hole(folders: Folders) -> None:
    hole = box(120, 160, 50, 40, 40, 30)
    rng = np.random.default_rng(1)
    # A smooth picture whose low bytes are random: they must all survive outside the hole.
    deep = scene().astype(np.uint16) * 256 + rng.integers(0, 256, (120, 160, 3), dtype=np.uint16)
    deep[hole] = (0, 65535, 0)
    cv2.imwrite(str(folders.input / "deep.png"), cv2.cvtColor(deep, cv2.COLOR_RGB2BGR))
    report = run_batch(folders.options())
    assert report.files[0].status == "restored"
    out = cv2.cvtColor(
        cv2.imread(str(folders.output / "deep.png"), cv2.IMREAD_UNCHANGED), cv2.COLOR_BGR2RGB
    )
    assert out.dtype == np.uint16
    assert np.array_equal(out[~hole], deep[~hole])
    assert not (out[hole] == (0, 65535, 0)).all(axis=-1).any()


def test_fringe_is_restored_by_default_and_kept_with_strict_green(folders: Folders) -> None:
    picture = scene()
    greened = picture.copy()
    cv2.line(greened, (20, 20), (140, 100), GREEN, 7, cv2.LINE_AA)
    save_png(folders.input / "aa.png", greened)
    fringe = green_mask(greened) & ~exact_green(greened)
    assert fringe.any()
    run_batch(folders.options())
    default_out = _load(folders.output / "aa.png")
    assert not np.array_equal(default_out[fringe], greened[fringe])
    run_batch(folders.options(strict_green=True, overwrite=True))
    strict_out = _load(folders.output / "aa.png")
    assert np.array_equal(strict_out[fringe], greened[fringe])


# --- mosaic mode -------------------------------------------------------------------------------


@pytest.mark.parametrize("original_name", ["pic.png", "pic.JPG", "pic.jpeg", "pic.webp"])
def test_mosaic_pairs_the_original_by_base_name(folders: Folders, original_name: str) -> None:
    truth = cv2.GaussianBlur(scene(seed=4), (0, 0), 2)
    hole = box(120, 160, 40, 32, 64, 48)
    mosaic = truth.copy()
    mosaic[hole] = pixelate(truth, MosaicGrid(8))[hole]
    save_png(folders.input / "pic.png", paint(mosaic, hole))
    lossless = {"lossless": True} if original_name.endswith("webp") else {}
    Image.fromarray(mosaic).save(folders.original / original_name, quality=100, **lossless)
    report = run_batch(folders.options(censor="mosaic"))
    assert report.files[0].status == "restored", report.files[0].error
    output = _load(folders.output / "pic.png")
    original = _load(folders.original / original_name)[..., :3]
    assert np.array_equal(output[~hole], original[~hole])  # bit-identical to the original
    # The engine restored from the mosaic pixels rather than inventing: it beats the mosaic.
    error_out = np.abs(output[hole].astype(int) - truth[hole]).mean()
    error_mosaic = np.abs(original[hole].astype(int) - truth[hole]).mean()
    assert error_out < error_mosaic


def test_mosaic_mode_uses_the_selected_mosaic_model(folders: Folders) -> None:
    _bar_input(folders)
    save_png(folders.original / "pic.png", scene())
    report = run_batch(folders.options(censor="mosaic", model="mosaic-lanczos"))
    assert report.model == "mosaic-lanczos"
    with pytest.raises(UsageError, match="restores bar, not mosaic"):
        run_batch(folders.options(censor="mosaic", model="telea"))


# --- bad inputs: each fails clearly, alone --------------------------------------------------


def _truncated_png() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(paint(scene(), box(120, 160, 10, 10, 20, 20))).save(buffer, "PNG")
    return buffer.getvalue()[:-200]


BAD_INPUTS: dict[str, tuple[object, str]] = {
    "zero-byte.png": (b"", "empty file"),
    "truncated.png": (_truncated_png, "truncated or corrupt"),
    "text.png": (b"this is not a picture\n", "is not a"),
    "no-green.png": (lambda: _png_bytes(scene()), "no green"),
    "all-green.png": (lambda: _png_bytes(np.full((20, 20, 3), GREEN, np.uint8)), "whole picture"),
    "gray.png": (lambda: _png_bytes(scene()[..., 0], "L"), "no green"),
}


def _png_bytes(pixels: np.ndarray, mode: str | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode).save(buffer, "PNG")
    return buffer.getvalue()


def test_corpus_of_bad_inputs_each_fails_with_its_reason_and_the_rest_is_done(
    folders: Folders,
) -> None:
    for name, (content, _) in BAD_INPUTS.items():
        data = content() if callable(content) else content
        (folders.input / name).write_bytes(data)
    good_hole = _bar_input(folders, "good.png")
    save_png(folders.input / "tiny.png", np.array([[GREEN]], np.uint8))  # 1x1, all green
    save_png(folders.input / "ünïcode 名前.png", paint(scene(seed=2), good_hole))
    report = run_batch(folders.options())
    results = {r.input.name: r for r in report.files}
    for name, (_, reason) in BAD_INPUTS.items():
        assert results[name].status == "failed", name
        assert reason in results[name].error, (name, results[name].error)
    assert results["tiny.png"].status == "failed"
    assert results["good.png"].status == "restored"
    assert results["ünïcode 名前.png"].status == "restored"
    assert sorted(p.name for p in folders.output.iterdir()) == ["good.png", "ünïcode 名前.png"]
    assert not report.ok


def test_mosaic_failures_missing_original_size_mismatch_and_no_green(folders: Folders) -> None:
    hole = box(120, 160, 50, 40, 40, 30)
    save_png(folders.input / "lonely.png", paint(scene(), hole))
    save_png(folders.input / "mismatch.png", paint(scene(), hole))
    save_png(folders.original / "mismatch.png", scene(161, 120))
    save_png(folders.input / "nogreen.png", scene())
    save_png(folders.original / "nogreen.png", scene())
    report = run_batch(folders.options(censor="mosaic"))
    errors = {r.input.name: r.error for r in report.files}
    assert all(r.status == "failed" for r in report.files)
    assert "no lonely.png/.jpg/.jpeg/.webp in" in errors["lonely.png"]
    assert (
        "size mismatch: the input is 160x120 but its original mismatch.png is 161x120"
        in (errors["mismatch.png"])
    )
    assert "no green" in errors["nogreen.png"] and "originals folder" in errors["nogreen.png"]
    assert not any(folders.output.iterdir())  # never a silent copy


def test_near_green_paint_is_explained(folders: Folders) -> None:
    picture = scene()
    picture[40:60, 40:80] = (2, 252, 1)
    save_png(folders.input / "shifted.png", picture)
    # Near-green detection restores such a region (test_shifted_export_bar_is_restored); off,
    # the error explains why nothing was found.
    report = run_batch(folders.options(near_green=False))
    assert "800 pixels are nearly green" in report.files[0].error


def test_read_only_output_folder_fails_each_file_and_leaves_nothing(folders: Folders) -> None:
    _bar_input(folders, "a.png")
    _bar_input(folders, "b.png")
    folders.output.mkdir()
    with unwritable(folders.output):
        report = run_batch(folders.options())
        assert [r.status for r in report.files] == ["failed", "failed"]
        assert all("cannot write into" in r.error for r in report.files)
        assert list(folders.output.iterdir()) == []


def test_pixel_limit_names_the_limit_and_how_to_raise_it(folders: Folders) -> None:
    _bar_input(folders)
    report = run_batch(folders.options(max_pixels=10_000))
    error = report.files[0].error
    assert "160x120 = 19,200 pixels, over the limit of 10,000" in error
    assert "--max-pixels 19200" in error
    assert run_batch(folders.options(max_pixels=None)).files[0].status == "restored"


def test_usage_errors_stop_before_any_work(folders: Folders) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        run_batch(folders.options(input_dir=folders.input / "missing"))
    with pytest.raises(UsageError, match="must not be the input folder"):
        run_batch(folders.options(output_dir=folders.input))
    with pytest.raises(UsageError, match="variations"):
        run_batch(folders.options(variations=3))
    with pytest.raises(UsageError, match="unknown model"):
        run_batch(folders.options(model="nope"))


def test_two_inputs_that_map_to_one_output_name_are_not_confused(folders: Folders) -> None:
    _bar_input(folders, "same.png")
    _bar_input(folders, "same.PNG", seed=3)
    report = run_batch(folders.options())
    assert [r.status for r in report.files] == ["restored", "failed"]
    assert "rename one of them" in report.files[1].error


# --- progress and cancel -----------------------------------------------------------------------


def test_progress_reports_files_and_regions(folders: Folders) -> None:
    for index in range(3):
        hole = box(120, 160, 10, 10, 20, 20) | box(120, 160, 100, 70, 30, 30)
        save_png(folders.input / f"{index}.png", paint(scene(seed=index), hole))
    events: list[Progress] = []
    run_batch(folders.options(), progress=events.append)
    assert events[0].files_done == 0 and events[-1].files_done == 3
    assert all(event.file_count == 3 for event in events)
    region_events = [e for e in events if e.region_count]
    assert {(e.file.name, e.regions_done, e.region_count) for e in region_events} >= {
        ("0.png", 2, 2),
        ("2.png", 2, 2),
    }


def test_cancel_stops_after_the_current_region_and_leaves_no_partial_file(
    folders: Folders,
) -> None:
    for index in range(3):
        hole = box(120, 160, 5, 5, 20, 20) | box(120, 160, 100, 70, 30, 30)
        save_png(folders.input / f"{index}.png", paint(scene(seed=index), hole))
    cancel = CancelToken()

    def cancel_in_second_file(event: Progress) -> None:
        if event.file.name == "1.png" and event.regions_done == 1:
            cancel.cancel()

    report = run_batch(folders.options(variations=2), progress=cancel_in_second_file, cancel=cancel)
    assert report.cancelled and not report.ok
    assert [(r.input.name, r.status) for r in report.files] == [
        ("0.png", "restored"),
        ("1.png", "cancelled"),
    ]
    assert sorted(p.name for p in folders.output.iterdir()) == ["0_v1.png", "0_v2.png"]


def test_cancel_from_another_thread_while_a_batch_runs(folders: Folders) -> None:
    for index in range(20):
        _bar_input(folders, f"{index:02}.png", seed=index)
    cancel = CancelToken()
    started = threading.Event()

    def on_progress(event: Progress) -> None:
        started.set()

    def cancel_soon() -> None:
        started.wait(10)
        cancel.cancel()

    canceller = threading.Thread(target=cancel_soon)
    canceller.start()
    report = run_batch(folders.options(), progress=on_progress, cancel=cancel)
    canceller.join()
    assert report.cancelled
    written = sorted(p.name for p in folders.output.iterdir())
    restored = sorted(f"{r.input.stem}.png" for r in report.files if r.status == "restored")
    assert written == restored and len(written) < 20
    assert not any(name.startswith(".") for name in written)


# --- properties --------------------------------------------------------------------------------


@st.composite
def picture_and_mask(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    height = draw(st.integers(1, 48))
    width = draw(st.integers(1, 48))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    picture = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    picture[..., 1] = np.minimum(picture[..., 1], 250)
    mask = rng.random((height, width)) < draw(st.floats(0.01, 0.9))
    if mask.all():
        mask.flat[0] = False
    return picture, mask


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=picture_and_mask(), engine_name=st.sampled_from(["telea", "navier-stokes"]))
def test_outside_mask_pixels_are_identical_and_no_green_remains(
    case: tuple[np.ndarray, np.ndarray], engine_name: str
) -> None:
    picture, mask = case
    greened = paint(picture, mask)
    restored = restore_image(greened, mask, load_engine(engine_name, "bar"))
    assert np.array_equal(restored[~mask], greened[~mask])
    assert not exact_green(restored)[mask].any()


# --- near green: JPEG-compressed and colour-managed paint -------------------------------------


def _green_like(rgb: np.ndarray) -> int:
    """Pixels of ``rgb`` (HxWx3 uint8) within 64 of pure green: green a viewer still sees."""
    distance = np.sqrt(((rgb.astype(np.float64) - GREEN) ** 2).sum(axis=-1))
    return int(np.count_nonzero(distance <= 64))


@pytest.mark.parametrize(
    ("colour", "quality"), [(GREEN, 90), ((2, 250, 8), None), ((2, 250, 8), 75)]
)
def test_jpeg_and_shifted_bars_are_restored_with_no_green_left(
    folders: Folders, colour: tuple[int, int, int], quality: int | None
) -> None:
    from tests.test_masks import BAR, barred, jpeg_roundtrip

    picture = barred(colour)
    if quality is not None:
        picture = jpeg_roundtrip(picture, quality)  # then saved as PNG, as an editor does
    save_png(folders.input / "bar.png", picture)
    assert _green_like(picture) > 0.95 * BAR.sum()
    report = run_batch(folders.options())
    result = report.files[0]
    assert result.status == "restored" and result.warning is None, result.error
    output = _load(folders.output / "bar.png")
    # Before: 6,797 of the JPEG bar's 7,200 pixels stayed green. Now a few edge pixels at most
    # (scene(0) has greenish art of its own, 70 from green, that JPEG brings within 64: only
    # the bar and the 2 px its edge is smeared over are counted).
    around_bar = cv2.dilate(BAR.view(np.uint8), np.ones((5, 5), np.uint8)).view(bool)
    assert _green_like(output[around_bar][None]) <= 0.01 * BAR.sum()
    hole = green_mask(picture)
    assert np.array_equal(output[~hole], picture[~hole])


def test_the_painter_counts_the_mask_the_batch_restores(folders: Folders) -> None:
    from decensor_app.painting import MaskDocument
    from decensor_app.pipeline.sources import GreenPaint
    from tests.test_masks import BAR, barred, jpeg_roundtrip

    path = save_png(folders.input / "bar.png", jpeg_roundtrip(barred(GREEN), 90))
    hole = GreenPaint("bar", folders.original).masked(path, None).hole
    assert hole.sum() > 0.98 * BAR.sum()
    assert np.array_equal(MaskDocument.open(path).mask, hole)


def _with_art_near_green(folders: Folders) -> np.ndarray:
    """An exact-green bar and a flat area of (10,250,10): 15 from pure green, not taken."""
    picture = paint(scene(), box(120, 160, 10, 10, 40, 30))
    picture[70:100, 100:130] = (10, 250, 10)
    save_png(folders.input / "left.png", picture)
    return picture


def test_green_left_outside_the_mask_fails_the_file_with_where_it_is(folders: Folders) -> None:
    _with_art_near_green(folders)
    result = run_batch(folders.options()).files[0]
    assert result.status == "failed"
    assert result.error is not None
    assert "nearly green pixels are left outside the mask" in result.error
    assert "x=102, y=72" in result.error and "--no-near-green" in result.error
    assert not any(folders.output.iterdir())  # never a result with green left


def test_green_left_with_near_green_off_is_restored_with_a_warning(
    folders: Folders, capsys: pytest.CaptureFixture[str]
) -> None:
    from decensor_app.cli import main

    picture = _with_art_near_green(folders)
    args = ["--input", str(folders.input), "--output", str(folders.output)]
    assert main(args) == 1  # failed
    assert "nearly green pixels are left" in capsys.readouterr().err
    assert main([*args, "--no-near-green", "--json"]) == 0
    captured = capsys.readouterr()
    assert "warning: " in captured.err and "1 with a warning" in captured.err
    import json

    data = json.loads(captured.out)
    assert data["restored"] == 1 and data["warnings"] == 1
    assert "kept green as asked" in data["files"][0]["warning"]
    output = _load(folders.output / "left.png")
    assert np.array_equal(output[70:100, 100:130], picture[70:100, 100:130])  # the art kept
    assert not exact_green(output).any()


def test_strict_green_fails_a_jpeg_bar_instead_of_keeping_it_green(folders: Folders) -> None:
    from tests.test_masks import barred, jpeg_roundtrip

    save_png(folders.input / "bar.png", jpeg_roundtrip(barred(GREEN), 90))
    result = run_batch(folders.options(strict_green=True)).files[0]
    assert result.status == "failed" and result.error is not None
    assert "--strict-green" in result.error
    assert not any(folders.output.iterdir())
