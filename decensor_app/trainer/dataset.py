"""``decensor-train build-dataset``: an OPY-style patch dataset from folders of illustrations.

Pictures are filtered (too small, grayscale, near-duplicates), split into train / val / test by
*source picture* with a seed (no patch of a test picture is ever in training), and cut into
square patches stored as plain PNG files. Where a folder's ``members.json`` says which artworks
a picture was made from, the split follows the artworks, so re-renderings of one artwork and
composites of several never leak from training into test::

    DATA/manifest.json      counts, sources with licence and split, patch hashes, statistics
    DATA/train/000123_02.png
    DATA/val/...
    DATA/test/...
    DATA/holdout/000456.png whole pictures of held-out sources (``--holdout-source``)

Sources named in ``holdout_sources`` are held out whole: none of their pictures reaches
train / val / test; each is written whole (long side at most ``HOLDOUT_LONG_SIDE``, never
upscaled) to ``holdout/`` for the whole-picture benchmark, and listed with its source and
licence under the manifest's ``holdout``. Near-duplicates are removed across all splits, so a
held-out picture never reappears in training as a copy either.

The manifest and PNGs need nothing but Python and an image library to read, so a JAX-backend
run on a machine without TensorFlow reads them the same way. A folder may hold a
``source.json`` (``{"source": ..., "licence": ...}``) recorded for each of its pictures; a
``members.json`` entry's ``"licence"`` overrides it for that picture. A source is named, for
``holdout_sources``, by its ``source.json`` ``"source"`` or ``"name"`` or by the name of the
folder holding that file (the given folder's name when there is none).

Grayscale pictures are dropped (black-and-white scans teach a colour model no colour), except
those of a source whose ``source.json`` says ``"monochrome_ok": true``: black-and-white art made
on purpose, such as the fetch script's synthetic manga screentone pages, which users restore too
(black-and-white manga pages were a known gap of DeepCreamPy).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from decensor_app.imaging import (
    PICTURE_EXTENSIONS,
    PictureError,
    load_picture,
    write_atomically,
)

SPLITS = ("train", "val", "test")
#: The split of held-out sources' whole pictures (not one of SPLITS: nothing trains on it).
HOLDOUT = "holdout"
#: Long side, in pixels, that held-out pictures are shrunk to when larger.
HOLDOUT_LONG_SIDE = 1024
MANIFEST = "manifest.json"
#: Suffixes of the source pictures the builder reads (SVG needs cairosvg).
TRAINING_PICTURE_SUFFIXES: tuple[str, ...] = (*PICTURE_EXTENSIONS, ".svg")
#: Pillow formats the trainer decodes (``Image.open(..., formats=...)``): patches and rendered
#: SVGs are PNG; sources are read by :func:`~decensor_app.imaging.load_picture`. Any other
#: format Pillow knows (PostScript runs Ghostscript) is refused whatever the file is named.
TRAINER_PILLOW_FORMATS: tuple[str, ...] = ("PNG",)
#: Largest mean absolute difference between colour channels still called grayscale.
GRAYSCALE_TOLERANCE = 3.0
#: Hamming distance (of 64 bits) under which two difference hashes count as duplicates.
DUPLICATE_DISTANCE = 4


@dataclass
class BuildOptions:
    images: list[Path]
    out: Path
    patch_size: int = 256
    seed: int = 0
    val_fraction: float = 0.05
    test_fraction: float = 0.1
    patches_per_megapixel: float = 8.0
    max_patches_per_picture: int = 16
    boxes: Path | None = None  # JSON {picture path or name: [[x, y, w, h], ...]}
    svg_size: int = 768
    #: Sources held out whole (see the module docstring): their pictures go to ``holdout/``.
    holdout_sources: list[str] = field(default_factory=list)


@dataclass
class SourceRecord:
    """One source picture in the manifest."""

    path: str
    split: str
    width: int
    height: int
    source: str
    licence: str
    patches: list[str] = field(default_factory=list)


def is_near_duplicate(fingerprint: int, seen: list[int]) -> bool:
    """Whether a :func:`difference_hash` lies within :data:`DUPLICATE_DISTANCE` bits of one in
    ``seen``."""
    return any(bin(fingerprint ^ other).count("1") <= DUPLICATE_DISTANCE for other in seen)


def difference_hash(rgb: np.ndarray) -> int:
    """64-bit dHash: is each pixel of a 9x8 grayscale thumbnail brighter than its neighbour."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(gray, (9, 8), interpolation=cv2.INTER_AREA).astype(np.int16)
    bits = (small[:, 1:] > small[:, :-1]).flatten()
    return int(sum(1 << i for i, bit in enumerate(bits) if bit))


def is_grayscale(rgb: np.ndarray) -> bool:
    """True when the channels barely differ (HxWx3 uint8): black-and-white art carries no colour
    to learn from for a colour model."""
    data = rgb.astype(np.int16)
    spread = np.abs(data[..., 0] - data[..., 1]) + np.abs(data[..., 1] - data[..., 2])
    return float(spread.mean()) < GRAYSCALE_TOLERANCE


def _split_of(key: str, seed: int, val_fraction: float, test_fraction: float) -> str:
    """Deterministic split by a hash of the source's content and the seed."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    position = int.from_bytes(digest[:8], "big") / 2**64
    if position < test_fraction:
        return "test"
    if position < test_fraction + val_fraction:
        return "val"
    return "train"


def _rasterise_svg(path: Path, size: int) -> np.ndarray:
    """Render an SVG on white with its long side ``size`` px (needs the optional cairosvg)."""
    try:
        import cairosvg
    except ImportError as error:
        raise PictureError(
            f"{path.name}: SVG needs cairosvg (pip install cairosvg, or the [train] extra)"
        ) from error
    try:
        data = cairosvg.svg2png(url=str(path), output_width=size)
    except Exception as error:  # cairosvg raises many types on malformed SVG
        raise PictureError(f"{path.name}: SVG could not be rendered ({error})") from error
    image = Image.open(io.BytesIO(data), formats=TRAINER_PILLOW_FORMATS).convert("RGBA")
    background = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return np.array(Image.alpha_composite(background, image).convert("RGB"))


def read_rgb(path: Path, svg_size: int) -> np.ndarray:
    """HxWx3 uint8 RGB; transparency is composited on white."""
    if path.suffix.lower() == ".svg":
        return _rasterise_svg(path, svg_size)
    picture = load_picture(path)
    if not picture.has_alpha:
        return np.ascontiguousarray(picture.rgb8)
    alpha = picture.pixels[..., 3:].astype(np.float32) / (
        65535.0 if picture.pixels.dtype == np.uint16 else 255.0
    )
    rgb = picture.rgb8.astype(np.float32) * alpha + 255.0 * (1 - alpha)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def _walk(folders: list[Path], with_svg: bool) -> Iterator[tuple[Path, Path]]:
    """(folder given, picture file) pairs, sorted within each folder."""
    extensions = TRAINING_PICTURE_SUFFIXES if with_svg else PICTURE_EXTENSIONS
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix.lower() in extensions:
                yield folder, path


def _read_json_object(path: Path) -> dict[str, Any]:
    """A JSON file holding an object; ValueError naming the file when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object, found {type(data).__name__}")
    return data


@dataclass(frozen=True)
class SourceInfo:
    """What a picture's nearest ``source.json`` says: the source, its licence, its names."""

    source: str
    licence: str
    names: frozenset[str]  # what --holdout-source may call it
    #: The source is black-and-white art on purpose: its grayscale pictures are kept.
    monochrome_ok: bool = False


def _source_info(folder: Path, path: Path, cache: dict[Path, SourceInfo]) -> SourceInfo:
    """The nearest source.json between the picture and ``folder``, read once per file."""
    for parent in [path.parent, *path.parent.parents]:
        info = parent / "source.json"
        if info in cache:
            return cache[info]
        if info.is_file():
            data = _read_json_object(info)
            source = str(data.get("source", parent.name))
            names = frozenset({source, str(data.get("name", source)), parent.name})
            cache[info] = SourceInfo(source, str(data.get("licence", "unknown")), names,
                                     data.get("monochrome_ok") is True)  # fmt: skip
            return cache[info]
        if parent == folder:
            break
    return SourceInfo(folder.name, "unknown", frozenset({folder.name}))


def _source_names(folders: list[Path]) -> set[str]:
    """Every name ``_source_info`` can give a picture under ``folders``."""
    names = {folder.name for folder in folders}
    cache: dict[Path, SourceInfo] = {}
    for folder in folders:
        for info in sorted(folder.rglob("source.json")):
            names |= _source_info(folder, info, cache).names
    return names


def _load_members(folder: Path) -> dict[str, dict[str, Any]]:
    """Entries per picture name from a folder's ``members.json``, if it has one.

    The file maps ``{"files": {picture: {"file": origin, "members": [{"file": ...}],
    "background": "landscape <origin> ...", "licence": ...}}}``: the artworks a picture was
    made from and, optionally, its own licence.
    """
    path = folder / "members.json"
    if not path.is_file():
        return {}
    files = _read_json_object(path).get("files", {})
    if not isinstance(files, dict) or not all(isinstance(e, dict) for e in files.values()):
        raise ValueError(f'{path}: "files" must map picture names to objects')
    return files


def _origins(entry: dict[str, Any]) -> list[str]:
    """The artworks (package files) a ``members.json`` entry says its picture was made from."""
    found = [entry["file"]] if "file" in entry else []
    found += [member["file"] for member in entry.get("members", []) if "file" in member]
    background = str(entry.get("background", ""))
    if background.startswith("landscape "):
        found.append(background.split()[1])
    return sorted(set(found))


def shrink(rgb: np.ndarray, long_side: int) -> np.ndarray:
    """HxWx3 uint8 RGB with its long side at most ``long_side`` (area filter; never upscaled)."""
    height, width = rgb.shape[:2]
    scale = long_side / max(height, width)
    if scale >= 1:
        return rgb
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def split_for_origins(
    origins: list[str], content_key: str, seed: int, val_fraction: float, test_fraction: float
) -> str | None:
    """The split of a picture made from ``origins`` (artworks), or None to leave it out.

    Pictures made from one artwork (re-renderings, crops, other backgrounds) follow that
    artwork, so its variants never straddle splits; a composite is kept only when all its
    artworks fall in the same split. Without known origins the picture's content decides.
    """
    if not origins:
        return _split_of(content_key, seed, val_fraction, test_fraction)
    splits = {_split_of(origin, seed, val_fraction, test_fraction) for origin in origins}
    return splits.pop() if len(splits) == 1 else None


def crop_boxes(
    rng: np.random.Generator,
    width: int,
    height: int,
    size: int,
    count: int,
    boxes: list[list[int]] | None = None,
) -> list[tuple[int, int]]:
    """Top-left corners of ``count`` random size x size crops; with regions of interest
    (``[x, y, w, h]`` boxes) every crop contains the centre of one of them."""
    corners = []
    for index in range(count):
        if boxes:
            x, y, w, h = boxes[index % len(boxes)]
            cx, cy = x + w // 2, y + h // 2
            left = int(rng.integers(max(0, cx - size + 1), min(width - size, cx) + 1))
            top = int(rng.integers(max(0, cy - size + 1), min(height - size, cy) + 1))
        else:
            left = int(rng.integers(0, width - size + 1))
            top = int(rng.integers(0, height - size + 1))
        corners.append((left, top))
    return corners


def build_dataset(options: BuildOptions, log: Callable[[str], None] = print) -> dict[str, object]:
    """Build the dataset described in the module docstring; returns the manifest."""
    out = options.out
    holdout = set(options.holdout_sources)
    missing = sorted(holdout - _source_names(options.images))
    if missing:  # a typo would otherwise silently train on what was meant to be held out
        raise ValueError(
            f"held-out source not found: {', '.join(missing)} (a source is named by its "
            "source.json's source or name, or the folder holding that file)"
        )
    with_svg = True
    # Every JSON file is read before anything is written: a malformed one stops the build with
    # its name, and an earlier dataset in ``out`` stays whole.
    boxes_by_name: dict[str, list[list[int]]] = {}
    if options.boxes is not None:
        boxes_by_name = _read_json_object(options.boxes)
    members: dict[Path, dict[str, dict[str, Any]]] = {}
    for _, path in _walk(options.images, with_svg):
        if path.parent not in members:
            members[path.parent] = _load_members(path.parent)
    # Patches are written over the old dataset's: without its manifest it no longer looks
    # complete until the new manifest, written last, says it is.
    (out / MANIFEST).unlink(missing_ok=True)
    for subfolder in (*SPLITS, *([HOLDOUT] if holdout else [])):
        (out / subfolder).mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(options.seed)
    seen_hashes: list[int] = []
    skipped = {
        "too small": 0, "grayscale": 0, "duplicate": 0, "unreadable": 0,
        "artwork in two splits": 0,
    }  # fmt: skip
    source_files: dict[Path, SourceInfo] = {}
    sources: list[SourceRecord] = []
    held_out: list[SourceRecord] = []
    patch_hashes: dict[str, str] = {}
    counts = dict.fromkeys(SPLITS, 0)
    channel_sum = np.zeros(3)
    channel_square = np.zeros(3)
    pixel_count = 0
    size = options.patch_size
    for index, (folder, path) in enumerate(_walk(options.images, with_svg)):
        try:
            rgb = read_rgb(path, options.svg_size)
        except PictureError as error:
            skipped["unreadable"] += 1
            log(f"skipped {path}: {error}")
            continue
        height, width = rgb.shape[:2]
        if min(height, width) < size:
            skipped["too small"] += 1
            continue
        info = _source_info(folder, path, source_files)
        if is_grayscale(rgb) and not info.monochrome_ok:
            skipped["grayscale"] += 1
            continue
        fingerprint = difference_hash(rgb)
        if is_near_duplicate(fingerprint, seen_hashes):
            skipped["duplicate"] += 1
            continue
        seen_hashes.append(fingerprint)
        entry = members[path.parent].get(path.name, {})
        licence = str(entry.get("licence", info.licence))
        if info.names & holdout:
            whole = shrink(rgb, HOLDOUT_LONG_SIDE)
            name = f"{HOLDOUT}/{index:06d}.png"
            Image.fromarray(whole).save(out / name, compress_level=3)
            record = SourceRecord(str(path), HOLDOUT, width, height, info.source, licence)
            record.patches.append(name)
            held_out.append(record)
            continue
        split = split_for_origins(
            _origins(entry),
            hashlib.sha256(rgb.tobytes()).hexdigest(),
            options.seed,
            options.val_fraction,
            options.test_fraction,
        )
        if split is None:
            skipped["artwork in two splits"] += 1
            continue
        record = SourceRecord(str(path), split, width, height, info.source, licence)
        megapixels = width * height / 1e6
        count = int(np.clip(math.ceil(megapixels * options.patches_per_megapixel), 1,
                            options.max_patches_per_picture))  # fmt: skip
        boxes = boxes_by_name.get(str(path)) or boxes_by_name.get(path.name)
        for number, (left, top) in enumerate(crop_boxes(rng, width, height, size, count, boxes)):
            patch = rgb[top : top + size, left : left + size]
            name = f"{split}/{index:06d}_{number:02d}.png"
            Image.fromarray(patch).save(out / name, compress_level=3)
            patch_hashes[name] = hashlib.sha256(patch.tobytes()).hexdigest()
            record.patches.append(name)
            counts[split] += 1
            values = patch.reshape(-1, 3).astype(np.float64) / 255.0
            channel_sum += values.sum(0)
            channel_square += (values**2).sum(0)
            pixel_count += len(values)
        sources.append(record)
    mean = channel_sum / max(pixel_count, 1)
    std = np.sqrt(np.maximum(channel_square / max(pixel_count, 1) - mean**2, 0))
    licences: dict[str, int] = {}
    for record in sources:
        licences[f"{record.source} ({record.licence})"] = (
            licences.get(f"{record.source} ({record.licence})", 0) + 1
        )
    manifest: dict[str, object] = {
        "version": 1,
        "patch_size": size,
        "seed": options.seed,
        "counts": counts,
        "pictures": {split: sum(1 for s in sources if s.split == split) for split in SPLITS},
        "skipped": skipped,
        "licences": licences,
        "statistics": {"mean_rgb": mean.round(4).tolist(), "std_rgb": std.round(4).tolist()},
        "sources": [asdict(record) for record in sources],
        "patch_sha256": patch_hashes,
    }
    if holdout:
        per_source: dict[str, int] = {}
        for record in held_out:
            per_source[record.source] = per_source.get(record.source, 0) + 1
        manifest["holdout"] = {
            "sources": sorted(holdout),
            "long_side": HOLDOUT_LONG_SIDE,
            "count": len(held_out),
            "per_source": per_source,
            "pictures": [
                {"file": r.patches[0], "path": r.path, "width": r.width, "height": r.height,
                 "source": r.source, "licence": r.licence}
                for r in held_out
            ],
        }  # fmt: skip
    write_atomically(out / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode("utf-8"))
    log(
        f"{len(sources)} pictures -> patches: {counts}; "
        + (f"{len(held_out)} held-out pictures in {HOLDOUT}/; " if holdout else "")
        + f"skipped: {skipped}; manifest: {out / MANIFEST}"
    )
    return manifest


def load_manifest(data: Path) -> dict[str, object]:
    path = Path(data) / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: build the dataset first (decensor-train build-dataset)"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def split_files(data: Path, split: str) -> list[Path]:
    """The patch files of ``split``, in manifest order."""
    manifest = load_manifest(data)
    patches = manifest["patch_sha256"]
    assert isinstance(patches, dict), "manifest: patch_sha256 is not a mapping"
    names = [name for name in patches if name.startswith(f"{split}/")]
    return [Path(data) / name for name in names]
