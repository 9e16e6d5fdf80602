"""Picture decoding defects of issue 18: formats, orientation, transparency, profiles,
animation, 16-bit green and damaged chunks, each through real files in tmp_path."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageCms, ImageOps

from decensor_app.imaging import (
    INPUT_FORMATS,
    PICTURE_FORMATS,
    PictureError,
    load_picture,
    save_picture,
)
from decensor_app.masks import green_mask
from decensor_app.painting import MaskDocument
from tests.conftest import scene

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def _insert_after_ihdr(png: bytes, chunk: bytes) -> bytes:
    end_of_ihdr = len(_SIGNATURE) + 25
    return png[:end_of_ihdr] + chunk + png[end_of_ihdr:]


def _png_bytes(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


# --- D1: only the accepted formats are decoded -------------------------------------------


def test_a_postscript_file_named_png_is_refused_without_running_ghostscript(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An endless PostScript loop: Ghostscript would never return. A fake `gs` on PATH records
    # whether it was started at all.
    marker = tmp_path / "gs-was-run"
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "gs").write_text(f"#!/bin/sh\ntouch {marker}\nsleep 30\n")
    (fake_bin / "gs").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_bin}")
    path = tmp_path / "loop.png"
    path.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n{ } loop\n")
    with pytest.raises(PictureError) as error:
        load_picture(path)
    assert not marker.exists()
    message = str(error.value)
    assert "PostScript" in message and "PNG" in message and "JPEG" in message


def test_a_green_input_must_be_a_png_and_the_message_says_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "painted.png"
    Image.fromarray(scene()).save(path, format="JPEG")
    assert load_picture(path).width == 160  # fine as an original
    with pytest.raises(PictureError, match=r"is a JPEG picture.*only PNG"):
        load_picture(path, formats=INPUT_FORMATS)


def test_the_accepted_formats_are_png_jpeg_and_webp() -> None:
    assert PICTURE_FORMATS == ("PNG", "JPEG", "WEBP")
    assert INPUT_FORMATS == ("PNG",)


def test_a_gif_named_png_is_refused_and_named(tmp_path: Path) -> None:
    path = tmp_path / "anim.png"
    Image.fromarray(scene()).save(path, format="GIF")
    with pytest.raises(PictureError, match="is a GIF picture"):
        load_picture(path)


# --- D7: EXIF orientation is applied -----------------------------------------------------


@pytest.mark.parametrize("orientation", range(1, 9))
def test_jpeg_exif_orientation_is_applied_as_viewers_do(tmp_path: Path, orientation: int) -> None:
    image = Image.fromarray(scene(40, 30))
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "photo.jpg"
    image.save(path, exif=exif, quality=95)
    expected = np.array(ImageOps.exif_transpose(Image.open(path)).convert("RGB"))
    picture = load_picture(path)
    assert np.array_equal(picture.rgb8, expected)
    assert picture.exif_orientation == orientation
    assert picture.pixels.flags["C_CONTIGUOUS"]


def test_png_exif_orientation_is_applied_for_sixteen_bit_too(tmp_path: Path) -> None:
    pixels = (np.arange(6 * 4 * 3).reshape(4, 6, 3) * 300).astype(np.uint16)
    ok, encoded = cv2.imencode(".png", pixels[..., ::-1])
    assert ok
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    data = _insert_after_ihdr(encoded.tobytes(), _chunk(b"eXIf", exif.tobytes()[6:]))
    path = tmp_path / "rot16.png"
    path.write_bytes(data)
    picture = load_picture(path)
    assert picture.pixels.dtype == np.uint16
    assert np.array_equal(picture.pixels, np.rot90(pixels, k=-1))


# --- D9: tRNS colour key in 8-bit RGB ----------------------------------------------------


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_a_trns_colour_key_becomes_alpha_and_is_kept_in_the_output(
    tmp_path: Path, mode: str
) -> None:
    pixels = scene(16, 12)
    pixels[2:5, 3:7] = (10, 20, 30)
    image = Image.fromarray(pixels).convert(mode)
    key = image.getpixel((3, 2))
    path = tmp_path / "keyed.png"
    image.save(path, transparency=key)
    picture = load_picture(path)
    assert picture.has_alpha
    transparent = picture.pixels[..., 3] == 0
    expected = np.array(Image.open(path).convert("RGBA"))[..., 3] == 0
    assert transparent[2:5, 3:7].all() and np.array_equal(transparent, expected)
    save_picture(tmp_path / "out.png", picture)
    assert np.array_equal(load_picture(tmp_path / "out.png").pixels, picture.pixels)


# --- D10: 16-bit ICC profile -------------------------------------------------------------


def test_a_sixteen_bit_png_keeps_its_icc_profile_through_load_and_save(tmp_path: Path) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    pixels = np.random.default_rng(1).integers(0, 65536, (10, 12, 3)).astype(np.uint16)
    ok, encoded = cv2.imencode(".png", pixels)
    assert ok
    body = b"iCCP" + b"icc\x00\x00" + zlib.compress(profile)
    path = tmp_path / "deep.png"
    path.write_bytes(_insert_after_ihdr(encoded.tobytes(), _chunk(b"iCCP", body[4:])))
    picture = load_picture(path)
    assert picture.icc_profile == profile
    save_picture(tmp_path / "out.png", picture)
    again = load_picture(tmp_path / "out.png")
    assert again.icc_profile == profile and again.pixels.dtype == np.uint16
    assert Image.open(tmp_path / "out.png").info["icc_profile"] == profile


# --- D13: animated PNG -------------------------------------------------------------------


def test_an_animated_png_is_refused_with_the_reason(tmp_path: Path) -> None:
    frames = [Image.fromarray(scene(seed=seed)) for seed in range(3)]
    path = tmp_path / "animated.png"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    with pytest.raises(PictureError, match=r"animated.*3 frames"):
        load_picture(path)


# --- D14: the green of 16-bit pictures is exact in 16 bits -------------------------------


def test_a_sixteen_bit_pixel_near_green_is_not_paint(tmp_path: Path) -> None:
    pixels = np.full((20, 20, 3), 30000, np.uint16)
    pixels[2, 2] = (0, 65535, 0)  # paint
    pixels[15, 15] = (100, 65500, 50)  # nearly green: rounds to (0, 255, 0) in 8 bits
    ok, encoded = cv2.imencode(".png", pixels[..., ::-1])
    assert ok
    path = tmp_path / "deep.png"
    path.write_bytes(encoded.tobytes())
    picture = load_picture(path)
    mask = green_mask(picture.rgb)
    assert mask[2, 2] and not mask[15, 15] and mask.sum() == 1
    document = MaskDocument.open(path)
    assert document.mask[2, 2] and not document.mask[15, 15]


# --- D28: damaged ancillary chunks -------------------------------------------------------


def _with_bad_crc(png: bytes, kind: bytes) -> bytes:
    start = png.index(kind) - 4
    length = int.from_bytes(png[start : start + 4], "big")
    crc_at = start + 8 + length
    bad = (int.from_bytes(png[crc_at : crc_at + 4], "big") ^ 0xFFFF).to_bytes(4, "big")
    return png[:crc_at] + bad + png[crc_at + 4 :]


def test_a_bad_checksum_in_a_text_chunk_is_tolerated(tmp_path: Path) -> None:
    pixels = scene()
    png = _insert_after_ihdr(_png_bytes(pixels), _chunk(b"tEXt", b"Comment\x00hello"))
    path = tmp_path / "text.png"
    path.write_bytes(_with_bad_crc(png, b"tEXt"))
    assert np.array_equal(load_picture(path).rgb8, pixels)


def test_a_bad_checksum_in_a_chunk_the_app_uses_is_named(tmp_path: Path) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.fromarray(scene()).save(buffer, format="PNG", icc_profile=profile)
    path = tmp_path / "icc.png"
    path.write_bytes(_with_bad_crc(buffer.getvalue(), b"iCCP"))
    with pytest.raises(PictureError) as error:
        load_picture(path)
    message = str(error.value)
    assert "iCCP" in message and "checksum" in message and "really a PNG" not in message


def test_a_bad_checksum_in_the_picture_data_is_named(tmp_path: Path) -> None:
    path = tmp_path / "data.png"
    path.write_bytes(_with_bad_crc(_png_bytes(scene()), b"IDAT"))
    with pytest.raises(PictureError, match="checksum of its IDAT chunk"):
        load_picture(path)
