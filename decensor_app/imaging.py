"""Loading and saving pictures: PNG modes, alpha, bit depth, size limits, atomic writes.

Every picture is brought to one in-memory form, :class:`Picture`, whose ``pixels`` array is
``HxWx3`` (RGB) or ``HxWx4`` (RGBA), ``uint8`` or ``uint16``. Restoration works on the 8-bit RGB
view (:attr:`Picture.rgb8`); the output keeps the base picture's channels and bit depth, so the
pixels outside the mask can be written back bit-identical.

How source modes map to output modes (documented in the README):

=====================  ===========================  ==========================
source                 in memory / output           note
=====================  ===========================  ==========================
RGBA (8-bit)           same                         alpha kept as is
RGB (8-bit)            RGB, or RGBA if it has a     the colour key becomes
                       tRNS colour key              alpha 0, kept in the output
P (palette)            RGB, or RGBA if transparent  restored colours are not in
                                                    the palette
L, 1 (grayscale)       RGB (R = G = B), or RGBA if  as for RGB
                       it has a tRNS colour key
LA                     RGBA
16-bit RGB(A)/gray     16-bit RGB(A) (RGBA if tRNS) hole = restored 8-bit x 257
=====================  ===========================  ==========================

Only the formats the app accepts are decoded (:data:`PICTURE_FORMATS`, :data:`INPUT_FORMATS`
for green-painted inputs): Pillow would otherwise try every format it knows, and hand a
PostScript file named ``.png`` to Ghostscript. A refused file's message says what it really is
when its first bytes tell. Animated PNG and WebP files are refused (only one frame would be
restored). The EXIF orientation (JPEG, WebP, PNG eXIf) is applied, as viewers do, and the
output is written upright without EXIF.

Damaged PNG chunks (a checksum that does not match): like libpng and the browsers, a damaged
ancillary chunk that the app does not use (text, time, resolution, gamma...) is dropped and the
picture read; a damaged chunk that holds pixels or what the app keeps or applies (IHDR, PLTE,
IDAT, tRNS, iCCP, eXIf, animation chunks) refuses the file with a message naming the chunk, as
the result could silently differ from the picture.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import tempfile
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from struct import error as struct_error
from typing import BinaryIO

import cv2
import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

#: Suffixes (lower case) of the pictures the app reads: mosaic mode's originals, auto-mask
#: inputs, training sources. When several originals share a base name, the first suffix wins.
PICTURE_EXTENSIONS: tuple[str, ...] = (".png", ".jpg", ".jpeg", ".webp")

#: Suffixes of green-painted inputs: only lossless PNG keeps the paint exactly (0, 255, 0).
INPUT_EXTENSIONS: tuple[str, ...] = (".png",)

#: Pillow format names decoded for pictures (originals, auto-mask inputs, the painter, training
#: sources): PNG, JPEG, WebP, matching :data:`PICTURE_EXTENSIONS`. Nothing else is ever decoded.
PICTURE_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "WEBP")

#: Pillow format names decoded for green-painted inputs, matching :data:`INPUT_EXTENSIONS`.
INPUT_FORMATS: tuple[str, ...] = ("PNG",)

# Pillow's decompression-bomb guard, kept as the default limit. It is enforced in load_picture
# with a message that names the limit and how to raise it (Pillow's own error names neither).
DEFAULT_MAX_PIXELS: int = Image.MAX_IMAGE_PIXELS or 89_478_485

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PictureError(Exception):
    """A picture cannot be read or written; the message says which file and what to do."""


@dataclass
class Picture:
    """A decoded picture.

    Attributes:
        pixels: HxWx3 (RGB) or HxWx4 (RGBA) array, uint8 or uint16, C-contiguous.
        source_mode: what the file held, e.g. ``"RGB"``, ``"P"``, ``"LA"``, ``"RGB;16"``.
        icc_profile: the embedded ICC profile (bytes) or None; written back into outputs.
        exif_orientation: the EXIF orientation (1-8) that was applied to ``pixels`` when
            loading; 1 = none. 5-8 swap width and height compared with the stored pixels.
    """

    pixels: np.ndarray
    source_mode: str
    icc_profile: bytes | None = None
    exif_orientation: int = 1

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def has_alpha(self) -> bool:
        return self.pixels.shape[2] == 4

    @property
    def rgb(self) -> np.ndarray:
        """HxWx3 RGB at the picture's own depth (uint8 or uint16), a view (no copy)."""
        return self.pixels[..., :3]

    @property
    def rgb8(self) -> np.ndarray:
        """HxWx3 uint8 RGB. A view (no copy) for 8-bit pictures; 16-bit is rounded to 8 bits."""
        rgb = self.pixels[..., :3]
        if rgb.dtype == np.uint8:
            return rgb
        return to_uint8(rgb)


def to_uint8(values16: np.ndarray) -> np.ndarray:
    """uint16 in [0, 65535] -> uint8 in [0, 255], rounding to nearest (65535 -> 255, 0 -> 0)."""
    return ((values16.astype(np.uint32) + 128) // 257).astype(np.uint8)


def from_uint8(values8: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """uint8 -> ``dtype`` (uint8 or uint16), scaling 255 -> 65535 so that to_uint8 inverts it."""
    if np.dtype(dtype) == np.uint8:
        return values8
    return values8.astype(np.uint16) * 257


def _png_bit_depth(header: bytes) -> int | None:
    """Bit depth from a PNG's IHDR chunk (it always comes first), or None if not a PNG."""
    if len(header) < 26 or not header.startswith(_PNG_SIGNATURE) or header[12:16] != b"IHDR":
        return None
    return header[24]


def load_picture(
    path: Path,
    max_pixels: int | None = DEFAULT_MAX_PIXELS,
    formats: tuple[str, ...] = PICTURE_FORMATS,
) -> Picture:
    """Decode ``path`` into a :class:`Picture`, upright (EXIF orientation applied).

    Args:
        path: the file.
        max_pixels: refuse pictures with more pixels than this (decompression-bomb guard);
            None or 0 means no limit.
        formats: the Pillow formats accepted (:data:`PICTURE_FORMATS`, or
            :data:`INPUT_FORMATS` for green-painted inputs); no other decoder is ever run.

    Raises:
        PictureError: empty, unreadable, truncated, damaged, animated, not an accepted format,
            or over the pixel limit.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PictureError(f"cannot read {path}: {error.strerror or error}") from error
    if not data:
        raise PictureError(f"{path.name} is an empty file (0 bytes)")
    png_exif: bytes | None = None
    if data.startswith(_PNG_SIGNATURE) and "PNG" in formats:
        data, png_exif = _checked_png(data, path)

    with warnings.catch_warnings():
        # Our own limit below replaces Pillow's warning; Pillow's hard error (2x its limit) is
        # lifted only when the caller raised the limit explicitly.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with _pillow_pixel_limit(max_pixels):
                image = Image.open(io.BytesIO(data), formats=list(formats))
                width, height = image.size
                _check_pixel_limit(path, width, height, max_pixels)
                frames = getattr(image, "n_frames", 1)
                if image.format in ("PNG", "WEBP") and frames > 1:
                    raise PictureError(
                        f"{path.name} is an animated {image.format} ({frames} frames): only "
                        "still pictures can be restored; export the frame you want as a PNG"
                    )
                if _png_bit_depth(data[:32]) == 16:
                    picture = _decode_png16(data, path)
                else:
                    image.load()  # decode now, so truncation is reported here
                    picture = _from_pillow(image)
                if image.format == "PNG":
                    orientation = _exif_orientation(png_exif)
                else:
                    orientation = _orientation_tag(image.getexif())
        except PictureError:
            raise
        except Image.DecompressionBombError as error:
            raise PictureError(_limit_message(path, *_size_or_zero(data), max_pixels)) from error
        except UnidentifiedImageError as error:
            raise PictureError(_unaccepted_message(path, data, formats)) from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise PictureError(f"{path.name} is truncated or corrupt: {error}") from error
    picture.pixels = _oriented(picture.pixels, orientation)
    picture.exif_orientation = orientation
    picture.icc_profile = image.info.get("icc_profile") or None
    return picture


#: What a file is, from its first bytes: (signature, offset, description). Only to explain a
#: refusal; nothing is decoded from it.
_KNOWN_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (_PNG_SIGNATURE, 0, "a PNG picture"),
    (b"\xff\xd8\xff", 0, "a JPEG picture"),
    (b"WEBP", 8, "a WebP picture"),
    (b"GIF8", 0, "a GIF picture"),
    (b"BM", 0, "a BMP picture"),
    (b"II*\x00", 0, "a TIFF picture"),
    (b"MM\x00*", 0, "a TIFF picture"),
    (b"%!PS", 0, "a PostScript document"),
    (b"\xc5\xd0\xd3\xc6", 0, "an EPS (PostScript) document"),
    (b"%PDF", 0, "a PDF document"),
    (b"8BPS", 0, "a Photoshop (PSD) file"),
    (b"\x00\x00\x01\x00", 0, "an icon (ICO) file"),
    (b"ftypheic", 4, "a HEIC picture"),
    (b"ftypavif", 4, "an AVIF picture"),
    (b"\x00\x00\x00\x0cjP  ", 0, "a JPEG 2000 picture"),
    (b"<svg", 0, "an SVG drawing"),
    (b"<?xml", 0, "an XML file (an SVG drawing?)"),
    (b"PK\x03\x04", 0, "a ZIP archive"),
)

_FORMAT_NAMES = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}


def _unaccepted_message(path: Path, data: bytes, formats: tuple[str, ...]) -> str:
    """Why ``path`` was not decoded: what it really is (if its first bytes tell), and what is
    accepted."""
    names = [_FORMAT_NAMES.get(name, name) for name in formats]
    accepted = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    only = f"only {accepted} is accepted" if len(names) == 1 else f"accepted: {accepted}"
    what = next(
        (text for magic, at, text in _KNOWN_SIGNATURES if data[at : at + len(magic)] == magic),
        None,
    )
    if what is None:
        return f"{path.name} is not a {accepted} picture (its contents are not a known format)"
    if what.endswith(("PNG picture", "JPEG picture", "WebP picture")) and any(
        what.endswith(f"{name} picture") for name in names
    ):
        return f"{path.name} is {what} that is damaged and cannot be read"
    hint = ""
    if formats == INPUT_FORMATS:
        hint = "; green paint must be saved as PNG, other formats change the exact green"
    readable = any(what.endswith(f"{name} picture") for name in _FORMAT_NAMES.values())
    kind = "which is not accepted here" if readable else "not a picture the app reads"
    return f"{path.name} is {what}, {kind}: {only}{hint}"


#: Chunks whose damage refuses the file: they hold the pixels, or what the app keeps or
#: applies (transparency, colour profile, orientation, animation). Other ancillary chunks with
#: a bad checksum are dropped, as libpng does.
_TRUSTED_CHUNKS = frozenset(
    {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"iCCP", b"eXIf", b"acTL", b"fcTL", b"fdAT"}
)

_CHUNK_ROLES = {
    b"IHDR": "the picture's size and format",
    b"PLTE": "the palette",
    b"IDAT": "the picture data",
    b"tRNS": "the transparency",
    b"iCCP": "the colour profile",
    b"eXIf": "the EXIF data, with the orientation",
}


def _checked_png(data: bytes, path: Path) -> tuple[bytes, bytes | None]:
    """Verify every chunk's checksum; returns (the PNG without damaged chunks the app may
    ignore, the eXIf chunk's data or None). A truncated file is left to the decoders, which
    report truncation.

    Raises:
        PictureError: a chunk that matters (:data:`_TRUSTED_CHUNKS`, or any critical one) is
            damaged; the message names it.
    """
    position = len(_PNG_SIGNATURE)
    kept: list[bytes] = []
    dropped = False
    exif: bytes | None = None
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        end = position + 12 + length
        if end > len(data):
            break
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : end - 4]
        if zlib.crc32(kind + body) != int.from_bytes(data[end - 4 : end], "big"):
            critical = not kind[:1].islower()
            if critical or kind in _TRUSTED_CHUNKS:
                name = kind.decode("ascii", "replace")
                role = _CHUNK_ROLES.get(kind, "animation" if not critical else "a required part")
                raise PictureError(
                    f"{path.name} is damaged: the checksum of its {name} chunk ({role}) does "
                    "not match its contents (an incomplete download or a disk error?); get "
                    "the file again or re-save it from an editor"
                )
            dropped = True
        else:
            kept.append(data[position:end])
            if kind == b"eXIf":
                exif = body
        position = end
        if kind == b"IEND":
            break
    if not dropped:
        return data, exif
    return _PNG_SIGNATURE + b"".join(kept) + data[position:], exif


_ORIENTATION_TAG = 0x0112


def _orientation_tag(exif: Image.Exif) -> int:
    value = exif.get(_ORIENTATION_TAG, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _exif_orientation(exif_data: bytes | None) -> int:
    """The orientation in a PNG's eXIf chunk (a TIFF structure), 1 if none or unreadable."""
    if not exif_data:
        return 1
    exif = Image.Exif()
    try:
        exif.load(exif_data)
    except (SyntaxError, ValueError, OSError, struct_error):
        return 1
    return _orientation_tag(exif)


def _oriented(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """``pixels`` (HxWxC) turned as EXIF ``orientation`` says a viewer shows them (the same as
    PIL.ImageOps.exif_transpose), C-contiguous."""
    if orientation == 1:
        return pixels
    turned = {
        2: lambda p: p[:, ::-1],
        3: lambda p: p[::-1, ::-1],
        4: lambda p: p[::-1],
        5: lambda p: p.transpose(1, 0, 2),
        6: lambda p: np.rot90(p, k=-1),
        7: lambda p: p.transpose(1, 0, 2)[::-1, ::-1],
        8: lambda p: np.rot90(p, k=1),
    }[orientation](pixels)
    return np.ascontiguousarray(turned)


@contextlib.contextmanager
def _pillow_pixel_limit(max_pixels: int | None) -> Iterator[None]:
    """Make Pillow's own hard limit no stricter than ours while decoding."""
    previous = Image.MAX_IMAGE_PIXELS
    if not max_pixels:
        Image.MAX_IMAGE_PIXELS = None
    elif previous is not None and max_pixels > previous:
        Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _size_or_zero(data: bytes) -> tuple[int, int]:
    if _png_bit_depth(data[:32]) is not None:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 0, 0


def _limit_message(path: Path, width: int, height: int, max_pixels: int | None) -> str:
    size = f"{width}x{height} = {width * height:,} pixels" if width else "too many pixels"
    return (
        f"{path.name} is {size}, over the limit of {max_pixels:,} pixels that guards against "
        f"decompression bombs; if you trust the file, raise the limit with "
        f"--max-pixels {max(width * height, 1)} (0 = no limit)"
    )


def _check_pixel_limit(path: Path, width: int, height: int, max_pixels: int | None) -> None:
    if max_pixels and width * height > max_pixels:
        raise PictureError(_limit_message(path, width, height, max_pixels))


def _from_pillow(image: Image.Image) -> Picture:
    mode = image.mode
    if mode == "RGBA":
        converted = image
    elif mode == "RGB":
        # A tRNS colour key becomes alpha (Pillow keeps it only as info["transparency"]).
        converted = image.convert("RGBA") if "transparency" in image.info else image
    elif mode == "P" or mode == "PA":
        has_alpha = mode == "PA" or "transparency" in image.info
        converted = image.convert("RGBA" if has_alpha else "RGB")
    elif mode in ("LA", "La", "RGBa"):
        converted = image.convert("RGBA")
    elif mode in ("L", "1"):
        converted = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode.startswith("I;16") or mode == "I":
        # 16-bit grayscale that was not caught as a PNG (e.g. TIFF): scale to 8 bits.
        gray = np.asarray(image, dtype=np.uint32)
        gray8 = np.clip(gray / 257.0 + 0.5, 0, 255).astype(np.uint8)
        return Picture(np.ascontiguousarray(np.repeat(gray8[..., None], 3, axis=2)), mode)
    else:
        has_alpha = "A" in mode or "transparency" in image.info
        converted = image.convert("RGBA" if has_alpha else "RGB")
    pixels = np.array(converted, dtype=np.uint8)  # a fresh, writable, contiguous copy
    return Picture(pixels, mode)


def _decode_png16(data: bytes, path: Path) -> Picture:
    """16-bit PNGs through OpenCV, which keeps all 16 bits (Pillow drops the low byte of RGB)."""
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if decoded is None:
        raise PictureError(f"{path.name} is truncated or corrupt (16-bit PNG could not be decoded)")
    if decoded.dtype != np.uint16:
        decoded = decoded.astype(np.uint16) * 257
    if decoded.ndim == 2:
        pixels, mode = np.repeat(decoded[..., None], 3, axis=2), "L;16"
    elif decoded.shape[2] == 2:
        gray, alpha = decoded[..., 0], decoded[..., 1]
        pixels, mode = np.dstack([gray, gray, gray, alpha]), "LA;16"
    elif decoded.shape[2] == 3:
        pixels, mode = cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB), "RGB;16"
    else:
        pixels, mode = cv2.cvtColor(decoded, cv2.COLOR_BGRA2RGBA), "RGBA;16"
    return Picture(np.ascontiguousarray(pixels), mode)


def encode_png(picture: Picture) -> bytes:
    """PNG bytes of ``picture`` (8- or 16-bit, RGB or RGBA), with its ICC profile if any."""
    pixels = picture.pixels
    if pixels.dtype == np.uint16:
        code = cv2.COLOR_RGBA2BGRA if picture.has_alpha else cv2.COLOR_RGB2BGR
        ok, encoded = cv2.imencode(".png", cv2.cvtColor(pixels, code))
        if not ok:
            raise PictureError("OpenCV could not encode the 16-bit PNG")
        if picture.icc_profile:
            return _with_icc_profile(encoded.tobytes(), picture.icc_profile)
        return encoded.tobytes()
    buffer = io.BytesIO()
    image = Image.fromarray(pixels, "RGBA" if picture.has_alpha else "RGB")
    options = {"icc_profile": picture.icc_profile} if picture.icc_profile else {}
    # Level 6 is zlib's default trade-off; outputs are final results, not scratch files.
    image.save(buffer, format="PNG", compress_level=6, **options)
    return buffer.getvalue()


def _with_icc_profile(png: bytes, profile: bytes) -> bytes:
    """``png`` with an iCCP chunk holding ``profile`` right after IHDR.

    OpenCV, which writes the 16-bit files, cannot embed a profile. The PNG specification wants
    iCCP before PLTE and IDAT, and IHDR (a fixed 13 bytes of data) always comes first.
    """
    # Keyword (Pillow's), its NUL terminator, compression method 0 (zlib), compressed profile.
    body = b"iCCP" + b"ICC Profile\x00\x00" + zlib.compress(profile)
    chunk = (len(body) - 4).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    end_of_ihdr = len(_PNG_SIGNATURE) + 4 + 4 + 13 + 4  # length, type, data, CRC
    return png[:end_of_ihdr] + chunk + png[end_of_ihdr:]


#: The longest part of a target's name kept in its temporary's name, so that the temporary of a
#: name near the file system's limit (255 bytes) still fits.
_TEMP_STEM_CHARS = 32


def write_file_atomically(
    path: Path, write: Callable[[BinaryIO], object], replace: bool = True
) -> None:
    """Create ``path`` by calling ``write(stream)`` on a temporary file in the same folder, then
    renaming it over ``path`` (``replace``), or else publishing it only if ``path`` does not
    exist (:func:`publish_without_replacing`: another writer's file that appeared meanwhile is
    never replaced).

    Guarantees: a crash, cancel, power cut or full disk never leaves a half-written file at
    ``path``, only the old state or the complete new file. The data is on disk (fsync) before
    the rename, and the folder is synced after it so that the rename itself is durable. The
    temporary is removed on any error (KeyboardInterrupt included). Its name is hidden (batch
    folder scans skip dot files) and short: ``.<at most 32 characters of the stem>.<random>
    .partial``. ``write`` streams into the file, so large archives (np.savez of a checkpoint)
    are never built in memory first.

    Raises:
        FileExistsError: not ``replace``, and ``path`` exists; it is left as it is.
        OSError: whatever creating, writing or renaming raised; when the temporary cannot even
            be created (missing or read-only folder), ``filename`` is the folder.
    """
    path = Path(path)
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.stem[:_TEMP_STEM_CHARS]}.", suffix=".partial", dir=path.parent
        )
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path.parent)) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); give it the permissions a normal file gets.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp_name, 0o666 & ~umask)
        if replace:
            os.replace(temp_name, path)
        else:
            publish_without_replacing(Path(temp_name), path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    sync_folder(path.parent)


#: link() errors that mean "this file system has no hard links", not "this cannot be written".
_NO_HARD_LINKS = {
    errno.EPERM, errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EMLINK,
    errno.ENOTSUP, getattr(errno, "EOPNOTSUPP", errno.ENOTSUP),
}  # fmt: skip


def publish_without_replacing(temp: Path, final: Path) -> None:
    """Give the complete file ``temp`` the name ``final`` unless ``final`` exists, atomically
    (a hard link, which never replaces; where the file system has none, an exclusive create and
    copy). ``temp`` is removed in every case; syncing the folder is the caller's
    (:func:`write_file_atomically` does).

    Raises:
        FileExistsError: ``final`` exists (another run wrote it); it is left as it is.
        OSError: anything else that stopped the publishing.
    """
    try:
        try:
            os.link(temp, final)
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno not in _NO_HARD_LINKS:
                raise
            _copy_exclusively(temp, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _copy_exclusively(source: Path, final: Path) -> None:
    """Copy ``source`` to a new file ``final`` (O_EXCL: refused when it exists); a failed copy
    removes what it created."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(final, flags, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as stream, source.open("rb") as data:
            shutil.copyfileobj(data, stream)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(final)
        raise


def sync_folder(folder: Path) -> None:
    """fsync ``folder`` so that a rename in it survives a power cut (POSIX; Windows cannot open
    folders and makes renames durable itself)."""
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomically(path: Path, data: bytes, replace: bool = True) -> None:
    """Write ``data`` to ``path`` with :func:`write_file_atomically`'s guarantees.

    Raises:
        FileExistsError: not ``replace``, and ``path`` exists (left as it is).
        PictureError: the folder is missing or not writable, or the disk is full.
    """
    path = Path(path)
    try:
        write_file_atomically(path, lambda stream: stream.write(data), replace)
    except OSError as error:
        if not replace and isinstance(error, FileExistsError):
            raise  # another writer's file: the caller decides (the batch reports it skipped)
        place = f"into {path.parent}" if error.filename == str(path.parent) else str(path)
        raise PictureError(f"cannot write {place}: {error.strerror or error}") from error


def save_picture(path: Path, picture: Picture, replace: bool = True) -> None:
    """Encode ``picture`` as PNG and write it atomically to ``path`` (see
    :func:`write_atomically` for ``replace``)."""
    write_atomically(path, encode_png(picture), replace)


# Truncated files must fail loudly, never decode as a partly grey picture.
ImageFile.LOAD_TRUNCATED_IMAGES = False
