"""Training batches: patches read from a dataset split, masks and censors synthesised on the fly.

Batch ``step`` is a pure function of ``(seed, step)``: a run killed and resumed at step s sees
exactly the batches it would have seen, with no iterator state to save. Only NumPy, Pillow and
OpenCV are used, so the same batches feed the TensorFlow and JAX backends.

Patches are drawn uniformly from the split, so a source with many patches (clip art) fills most
batches. With ``balance_sources`` (``fit --balance-sources``) each patch's source, as the
dataset manifest records it, is drawn uniformly first and then a patch of that source: every
source gets an equal share of the batches, however few patches it has.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from decensor_app import architectures
from decensor_app.edges import canny_edges
from decensor_app.engines.base import EngineInput
from decensor_app.pipeline.grids import estimated_patch_grid
from decensor_app.trainer.dataset import TRAINER_PILLOW_FORMATS, load_manifest, split_files
from decensor_app.trainer.run import FitConfig, network_config
from decensor_app.trainer.synthesis import (
    Censor,
    CensorStyle,
    MaskKind,
    apply_censor,
    sample_censor,
    sample_mask,
)


@dataclass
class Batch:
    """One batch, all float32, NHWC.

    Attributes:
        truth: (B, S, S, 3) in [0, 1], the uncensored patches.
        mask: (B, S, S, 1), 1 = hole.
        censored: (B, S, S, 3) in [0, 1], the censored patches (hole zeroed, mosaic or white).
        inputs: the network's inputs, made by the architecture's encoder from the patches as
            the engine gets them (:meth:`BatchSource.engine_inputs`).
        style: the censor style.
        edges: (B, S, S, 1) Canny edges of ``truth`` in {0, 1} (edge targets of architectures
            whose spec asks for them, else None).
    """

    truth: np.ndarray
    mask: np.ndarray
    censored: np.ndarray
    inputs: list[np.ndarray]
    style: CensorStyle = "bar"
    edges: np.ndarray | None = None


@dataclass(frozen=True)
class Sample:
    """One training patch: the truth, and the censored patch as the engine would get it."""

    truth: np.ndarray  # SxSx3 uint8
    censored: np.ndarray  # SxSx3 uint8
    patch: EngineInput


def engine_input(
    truth: np.ndarray, hole: np.ndarray, censor: Censor
) -> tuple[np.ndarray, EngineInput]:
    """(censored SxSx3 uint8, the engine's input) for a patch ``truth`` censored by ``censor``
    in ``hole`` (SxS bool): the picture with the hole zeroed, and for mosaics the mosaic and
    its grid, as the pipeline hands them to an engine."""
    censored = apply_censor(truth, hole, censor)
    image = np.where(hole[..., None], 0, truth).astype(np.uint8)
    if censor.style == "mosaic":
        return censored, EngineInput(image, hole, censored, censor.grid)
    return censored, EngineInput(image, hole)


def patches_by_source(data: Path, files: list[Path]) -> dict[str, list[int]]:
    """Indices into ``files`` (patches of ``data``) grouped by the source the dataset manifest
    records for the picture each was cut from, sources sorted by name; a patch no manifest
    source lists (hand-made datasets) counts under "unknown"."""
    records = load_manifest(data).get("sources", [])
    assert isinstance(records, list), "manifest: sources is not a list"
    source_of: dict[str, str] = {}
    for record in records:
        for patch in record.get("patches", []):
            source_of[patch] = str(record.get("source", "unknown"))
    groups: dict[str, list[int]] = {}
    for index, path in enumerate(files):
        name = source_of.get(path.relative_to(data).as_posix(), "unknown")
        groups.setdefault(name, []).append(index)
    return dict(sorted(groups.items()))


class BatchSource:
    """Deterministic batches from ``data``'s ``split``.

    Args:
        data: the dataset folder.
        split: "train", "val" or "test".
        size: patch side fed to the network (random crop when the stored patches are larger).
        censor: "bar" (zeroed hole), "mosaic" or "white".
        mask_kind, hole_ratio, block_range: synthesis settings.
        seed: stream seed.
        architecture: whose encoder makes the network inputs (registry name).
        config: that network's config (as its manifest records it).
        augment: random crops and left-right flips (off for evaluation).
        wild_mosaics: also mosaics as found in the wild (:func:`sample_censor`'s ``wild``).
        balance_sources: draw a source uniformly, then a patch of it (module docstring), instead
            of a patch uniformly; off, batches are those of earlier versions.
        estimated_grids: share (0-1) of mosaic patches whose network input gets the grid the
            app's resolver estimates from the mosaic (as the pipeline hands it to the engine:
            sometimes wrong on JPEG-damaged or centre-pixel mosaics, sometimes none) instead of
            the true one, so the network learns to live with the estimate's errors.
    """

    def __init__(
        self,
        data: Path,
        split: str,
        size: int,
        censor: CensorStyle = "bar",
        mask_kind: MaskKind = "mixed",
        hole_ratio: tuple[float, float] = (0.05, 0.6),
        block_range: tuple[int, int] = (3, 32),
        seed: int = 0,
        architecture: str = "gated-conv",
        config: Mapping[str, Any] | None = None,
        augment: bool = True,
        wild_mosaics: bool = False,
        balance_sources: bool = False,
        estimated_grids: float = 0.0,
    ) -> None:
        self.files = split_files(data, split)
        if not self.files:
            raise ValueError(f"the {split} split of {data} has no patches")
        self.balance_sources = balance_sources
        self.estimated_grids = estimated_grids
        #: Source name -> indices into ``files`` of its patches, sources sorted by name.
        self.by_source = patches_by_source(data, self.files)
        self._groups = [np.array(group, np.intp) for group in self.by_source.values()]
        self.size = size
        self.censor = censor
        self.mask_kind = mask_kind
        self.hole_ratio = hole_ratio
        self.block_range = block_range
        self.seed = seed
        self.spec = architectures.get(architecture)
        self.config = dict(config or {})
        self.augment = augment
        self.wild_mosaics = wild_mosaics

    @classmethod
    def for_training(cls, config: FitConfig, log: Callable[[str], None] = print) -> BatchSource:
        """The training stream a run's config describes; logs each source's share of it."""
        source = cls(
            Path(config.data), "train", config.size, config.censor,  # type: ignore[arg-type]
            config.mask_kind, (config.hole_min, config.hole_max),  # type: ignore[arg-type]
            (config.block_min, config.block_max), config.seed,
            architecture=config.arch, config=network_config(config),
            wild_mosaics=config.wild_mosaics, balance_sources=config.balance_sources,
            estimated_grids=config.estimated_grids,
        )  # fmt: skip
        how = "a source, then a patch of it" if source.balance_sources else "patches uniformly"
        log(f"training batches draw {how} from {len(source.files)} patches of "
            f"{len(source.by_source)} source(s):")  # fmt: skip
        for name, share in source.shares().items():
            log(f"  {share:6.1%}  {len(source.by_source[name]):6d} patches  {name}")
        return source

    def shares(self) -> dict[str, float]:
        """Each source's expected share (0-1) of the patches drawn, by source name."""
        if self.balance_sources:
            return {name: 1 / len(self.by_source) for name in self.by_source}
        return {name: len(group) / len(self.files) for name, group in self.by_source.items()}

    def picks(self, rng: np.random.Generator, count: int) -> list[Path]:
        """``count`` patch files drawn with ``rng`` (uniformly, or source first when balanced).

        Unbalanced, this is one ``rng.integers`` call over all files, as earlier versions drew
        them, so their runs' batches are unchanged."""
        if not self.balance_sources:
            return [self.files[int(i)] for i in rng.integers(0, len(self.files), count)]
        chosen = rng.integers(0, len(self._groups), count)
        sizes = np.array([len(group) for group in self._groups], np.int64)
        within = rng.integers(0, sizes[chosen])
        return [self.files[int(self._groups[g][i])] for g, i in zip(chosen, within, strict=True)]

    def _patch(self, rng: np.random.Generator, path: Path) -> np.ndarray:
        with Image.open(path, formats=TRAINER_PILLOW_FORMATS) as image:
            rgb = np.array(image.convert("RGB"))
        height, width = rgb.shape[:2]
        if min(height, width) < self.size:
            raise ValueError(f"{path} is smaller than the training size {self.size}")
        if self.augment:
            top = int(rng.integers(0, height - self.size + 1))
            left = int(rng.integers(0, width - self.size + 1))
        else:
            top, left = (height - self.size) // 2, (width - self.size) // 2
        rgb = rgb[top : top + self.size, left : left + self.size]
        if self.augment and rng.random() < 0.5:
            rgb = rgb[:, ::-1]
        return np.ascontiguousarray(rgb)

    def sample(
        self, rng: np.random.Generator, path: Path, grid_rng: np.random.Generator | None = None
    ) -> Sample:
        """One patch of ``path``, masked and censored with ``rng``; ``grid_rng`` draws whether
        it gets the estimated grid (``estimated_grids``), apart from ``rng`` so that the
        patches, holes and mosaics of a stream do not depend on that setting."""
        truth = self._patch(rng, path)
        hole = sample_mask(rng, self.size, self.size, self.mask_kind, self.hole_ratio)
        censor = sample_censor(rng, self.censor, self.block_range, wild=self.wild_mosaics)
        censored, patch = engine_input(truth, hole, censor)
        chooser = grid_rng or rng
        if (
            censor.style == "mosaic"
            and self.estimated_grids
            and chooser.random() < self.estimated_grids
        ):
            grid = estimated_patch_grid(censored, hole)
            patch = EngineInput(patch.image, hole, patch.original, grid)
        return Sample(truth, censored, patch)

    def samples(self, step: int, batch_size: int) -> list[Sample]:
        """The patches of batch number ``step`` (a pure function of seed and step)."""
        rng = np.random.default_rng([self.seed, step])
        grid_rng = np.random.default_rng([self.seed, step, 1])
        return [self.sample(rng, path, grid_rng) for path in self.picks(rng, batch_size)]

    def batch(self, step: int, batch_size: int) -> Batch:
        """Batch number ``step``: :meth:`samples` through the architecture's encoder."""
        samples = self.samples(step, batch_size)
        truth = np.stack([s.truth for s in samples]).astype(np.float32) / 255.0
        mask = np.stack([s.patch.hole for s in samples]).astype(np.float32)[..., None]
        censored = np.stack([s.censored for s in samples]).astype(np.float32) / 255.0
        inputs = self.spec.encode([s.patch for s in samples], self.config)
        edges = None
        if self.spec.truth_edges:
            edges = np.stack([canny_edges(s.truth) for s in samples])[..., None]
        return Batch(truth, mask, censored, inputs, self.censor, edges)

    def stream(
        self, start: int, stop: int, batch_size: int, prefetch: int = 4
    ) -> Iterator[tuple[int, Batch]]:
        """(step, batch) for steps [start, stop), prepared ahead in a background thread.

        Raises:
            Exception: whatever preparing a batch raised (e.g. a patch smaller than ``size``, a
                corrupt patch), here in the consumer, instead of leaving it waiting forever.
        """
        if batch_size <= 0:
            raise ValueError(f"the batch size must be positive, not {batch_size}")
        ready: queue.Queue[tuple[int, Batch] | BaseException | None] = queue.Queue(prefetch)
        stop_flag = threading.Event()

        def produce() -> None:
            try:
                for step in range(start, stop):
                    if stop_flag.is_set():
                        return
                    ready.put((step, self.batch(step, batch_size)))
            except BaseException as error:  # handed to the consumer, which raises it
                ready.put(error)
                return
            ready.put(None)

        worker = threading.Thread(target=produce, daemon=True)
        worker.start()
        try:
            while (item := ready.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop_flag.set()
            while not ready.empty():
                ready.get_nowait()
