"""Files of a batch: discovering inputs, pairing them with originals, naming outputs."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from decensor_app.imaging import (
    INPUT_EXTENSIONS,
    PICTURE_FORMATS,
    Picture,
    PictureError,
    load_picture,
)
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

    Hidden files (dot files, such as our own partial writes) and folders are left out. Symbolic
    links that cannot be followed are kept, so that they are reported (:func:`broken_link_reason`).
    """
    for path in sorted(input_dir.iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            continue
        if not path.is_file() and broken_link_reason(path) is None:
            continue
        yield path, path.suffix.lower() in extensions


def load(path: Path, max_pixels: int | None, formats: tuple[str, ...] = PICTURE_FORMATS) -> Picture:
    """:func:`load_picture` (decoding only ``formats``), its errors as :class:`FileError`."""
    try:
        return load_picture(path, max_pixels, formats)
    except PictureError as error:
        raise FileError(str(error)) from error


def broken_link_reason(path: Path) -> str | None:
    """Why the symbolic link ``path`` cannot be followed (dangling, looping), or None when
    ``path`` is no such link."""
    if not path.is_symlink():
        return None
    try:
        os.stat(path)
    except OSError as error:
        target = os.readlink(path)
        if error.errno == errno.ELOOP:
            return (
                f"{path.name} is a symbolic link that loops (to {target}); replace it by the file"
            )
        return (
            f"{path.name} is a symbolic link to {target}, which cannot be opened "
            f"({error.strerror or error}); replace it by the file"
        )
    return None


# --- publishing outputs ------------------------------------------------------------------------

#: The names of the app's temporary files (imaging.write_file_atomically's, tempfile.mkstemp
#: under the hood): hidden, at most 32 characters of the stem, 8 random characters.
TEMPORARY_NAME = re.compile(r"\..{0,32}\.[a-z0-9_]{8}\.partial", re.DOTALL)

#: Without a lock to tell, a temporary this old is no live run's (its writer touches it as it
#: writes, and publishes it right after).
STALE_AFTER_SECONDS = 3600.0


@contextlib.contextmanager
def output_folder_claim(output_dir: Path) -> Iterator[None]:
    """Hold ``output_dir`` for one batch, first removing the temporaries that killed runs left
    in it (only the app's own names, only in this folder).

    While another batch holds the folder, its live temporaries are left alone: a shared lock per
    folder (a file in the system's temporary folder) tells. Without locks (Windows), only
    temporaries older than :data:`STALE_AFTER_SECONDS` are removed.
    """
    lock = _lock_file(output_dir)
    try:
        alone = lock is not None and _try_lock(lock, exclusive=True)
        _remove_temporaries(output_dir, None if alone else STALE_AFTER_SECONDS)
        if lock is not None:
            _try_lock(lock, exclusive=False)
        yield
    finally:
        if lock is not None:
            os.close(lock)  # releases the lock


def _lock_file(output_dir: Path) -> int | None:
    try:
        import fcntl  # noqa: F401  (POSIX only)
    except ImportError:
        return None
    key = hashlib.sha256(os.fsencode(output_dir.resolve())).hexdigest()[:20]
    try:
        return os.open(Path(tempfile.gettempdir()) / f"decensor-{key}.lock", os.O_RDWR | os.O_CREAT)
    except OSError:
        return None


def _try_lock(descriptor: int, exclusive: bool) -> bool:
    import fcntl

    try:
        if exclusive:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            fcntl.flock(descriptor, fcntl.LOCK_SH)
    except OSError:
        return False
    return True


def _remove_temporaries(folder: Path, older_than: float | None) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        if not TEMPORARY_NAME.fullmatch(entry.name):
            continue
        with contextlib.suppress(OSError):
            if not entry.is_file(follow_symlinks=False):
                continue
            if older_than is not None and now - entry.stat().st_mtime < older_than:
                continue
            os.unlink(entry.path)
