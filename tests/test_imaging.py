"""Picture I/O: modes, bit depth, ICC profiles, pixel limit, atomic writes (pictures and
training checkpoints)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pytest
from PIL import Image, ImageCms

from decensor_app.imaging import (
    Picture,
    PictureError,
    load_picture,
    save_picture,
    to_uint8,
    write_atomically,
    write_file_atomically,
)
from decensor_app.trainer.run import CheckpointWriteError, RunDir
from tests.conftest import scene


@pytest.mark.parametrize(
    ("mode", "channels"), [("RGB", 3), ("RGBA", 4), ("L", 3), ("LA", 4), ("P", 3), ("1", 3)]
)
def test_every_mode_loads_as_rgb_or_rgba(tmp_path: Path, mode: str, channels: int) -> None:
    path = tmp_path / f"{mode}.png"
    Image.fromarray(scene()).convert(mode).save(path)
    picture = load_picture(path)
    assert picture.pixels.shape == (120, 160, channels)
    assert picture.pixels.dtype == np.uint8
    assert picture.source_mode == mode
    expected = np.array(Image.open(path).convert("RGB"))
    assert np.array_equal(picture.rgb8, expected)


def test_palette_with_transparency_keeps_it_as_alpha(tmp_path: Path) -> None:
    image = Image.fromarray(scene()).quantize(16)
    image.info["transparency"] = 0
    image.save(tmp_path / "p.png", transparency=0)
    picture = load_picture(tmp_path / "p.png")
    assert picture.has_alpha
    assert (picture.pixels[..., 3] == 0).any() and (picture.pixels[..., 3] == 255).any()


def test_sixteen_bit_rounds_to_eight_bits_for_processing() -> None:
    values = np.array([0, 128, 257, 65535], np.uint16)
    assert to_uint8(values).tolist() == [0, 0, 1, 255]


def test_icc_profile_is_carried_into_the_output(tmp_path: Path) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.fromarray(scene()).save(tmp_path / "icc.png", icc_profile=profile)
    picture = load_picture(tmp_path / "icc.png")
    assert picture.icc_profile == profile
    save_picture(tmp_path / "out.png", picture)
    assert Image.open(tmp_path / "out.png").info.get("icc_profile") == profile


@pytest.mark.parametrize("channels", [3, 4])
def test_sixteen_bit_outputs_keep_all_bits_and_the_icc_profile(
    tmp_path: Path, channels: int
) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 65536, (40, 50, channels), dtype=np.uint16)
    save_picture(tmp_path / "deep.png", Picture(pixels, "RGB;16", icc_profile=profile))
    loaded = load_picture(tmp_path / "deep.png")
    assert loaded.pixels.dtype == np.uint16 and np.array_equal(loaded.pixels, pixels)
    assert loaded.icc_profile == profile
    assert Image.open(tmp_path / "deep.png").info.get("icc_profile") == profile


def test_pictures_over_the_pixel_limit_are_refused_before_decoding(tmp_path: Path) -> None:
    Image.fromarray(scene()).save(tmp_path / "big.png")
    with pytest.raises(PictureError, match=r"over the limit of 100 pixels.*--max-pixels 19200"):
        load_picture(tmp_path / "big.png", max_pixels=100)
    assert load_picture(tmp_path / "big.png", max_pixels=None).width == 160


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PictureError, match="No space left on device"):
        write_atomically(tmp_path / "out.png", b"data")
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_write_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        save_picture(tmp_path / "out.png", Picture(scene(), "RGB"))
    assert list(tmp_path.iterdir()) == []


def test_written_files_get_normal_permissions(tmp_path: Path) -> None:
    write_atomically(tmp_path / "out.png", b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "out.png").stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_name_near_the_file_system_limit_still_gets_a_temporary(tmp_path: Path) -> None:
    # 250 + ".png" fits the usual 255-byte limit; a temporary named after the whole stem would not.
    path = tmp_path / ("a" * 250 + ".png")
    write_atomically(path, b"data")
    assert path.read_bytes() == b"data"
    assert list(tmp_path.iterdir()) == [path]


def test_the_folder_is_synced_after_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[bool] = []  # per fsync: was it a folder
    real_fsync = os.fsync

    def record(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", record)
    write_atomically(tmp_path / "out.png", b"x")
    assert synced == [False, True]  # the file's data, then the folder holding the new name


def test_writes_stream_through_a_callback(tmp_path: Path) -> None:
    def write(stream: BinaryIO) -> None:
        stream.write(b"one ")
        stream.write(b"two")

    write_file_atomically(tmp_path / "out.bin", write)
    assert (tmp_path / "out.bin").read_bytes() == b"one two"


def test_a_checkpoint_write_that_fails_midway_leaves_no_temporary_and_no_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = RunDir(tmp_path / "run")
    run.checkpoints.mkdir(parents=True)
    groups = {"generator": [np.arange(6, dtype=np.float32)]}
    first = run.save_checkpoint(1, groups, keep=3)

    def full_disk(stream: BinaryIO, **arrays: Any) -> None:
        stream.write(b"PK\x03\x04 half an archive")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", full_disk)
    with pytest.raises(CheckpointWriteError, match="No space left on device"):
        run.save_checkpoint(2, groups, keep=3)
    assert list(run.checkpoints.iterdir()) == [first]
    assert run.latest_checkpoint() == first
    with np.load(first) as archive:  # the earlier checkpoint is untouched
        assert int(archive["step"]) == 1
        assert np.array_equal(archive["generator/0000"], groups["generator"][0])
