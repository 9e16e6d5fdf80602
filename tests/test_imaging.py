"""Picture I/O: modes, bit depth, ICC profiles, pixel limit, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

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
)
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
