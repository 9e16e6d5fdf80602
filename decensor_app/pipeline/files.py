"""Files of a batch: discovering inputs, pairing them with originals, naming outputs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from decensor_app.imaging import INPUT_EXTENSIONS, Picture, PictureError, load_picture
from decensor_app.imaging import PICTURE_EXTENSIONS as ORIGINAL_EXTENSIONS


class FileError(Exception):
    """A file cannot be restored; the message is the reason shown to the user."""


def output_paths(input_path: Path, output_dir: Path, variations: int) -> list[Path]:
    """``<base>.png`` for one variation, ``<base>_v<n>.png`` for several."""
    stem = input_path.stem
    if variations == 1:
        return [output_dir / f"{stem}.png"]
    return [output_dir / f"{stem}_v{n}.png" for n in range(1, variations + 1)]


def variation_of(output_path: Path, variations: int) -> int:
    """The variation (1-4) an output of :func:`output_paths` holds."""
    if variations == 1:
        return 1
    return int(output_path.stem.rsplit("_v", 1)[1])


def find_original(input_path: Path, original_dir: Path) -> Path:
    """The original with the same base name (.png/.jpg/.jpeg/.webp, any case).

    Raises:
        FileError: none found.
    """
    wanted = input_path.stem
    candidates: dict[str, Path] = {}
    if original_dir.is_dir():
        for path in original_dir.iterdir():
            suffix = path.suffix.lower()
            if path.stem == wanted and suffix in ORIGINAL_EXTENSIONS and path.is_file():
                candidates.setdefault(suffix, path)
    for suffix in ORIGINAL_EXTENSIONS:
        if suffix in candidates:
            return candidates[suffix]
    raise FileError(
        f"mosaic mode needs the original without green: no {wanted}"
        f"{'/'.join(ORIGINAL_EXTENSIONS)} in {original_dir}"
    )


def discover_inputs(
    input_dir: Path, extensions: tuple[str, ...] = INPUT_EXTENSIONS
) -> Iterator[tuple[Path, bool]]:
    """Files of ``input_dir`` sorted by name, each with whether it is a picture to restore
    (its suffix, any case, is one of ``extensions``).

    Hidden files (dot files, such as our own partial writes) and folders are left out.
    """
    for path in sorted(input_dir.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or not path.is_file():
            continue
        yield path, path.suffix.lower() in extensions


def load(path: Path, max_pixels: int | None) -> Picture:
    """:func:`load_picture`, its errors as :class:`FileError`."""
    try:
        return load_picture(path, max_pixels)
    except PictureError as error:
        raise FileError(str(error)) from error
