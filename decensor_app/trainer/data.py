"""Training batches: patches read from a dataset split, masks and censors synthesised on the fly.

Batch ``step`` is a pure function of ``(seed, step)``: a run killed and resumed at step s sees
exactly the batches it would have seen, with no iterator state to save. Only NumPy, Pillow and
OpenCV are used, so the same batches feed the TensorFlow and JAX backends.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from decensor_app import architectures
from decensor_app.edges import canny_edges
from decensor_app.engines.base import EngineInput
from decensor_app.trainer.dataset import TRAINER_PILLOW_FORMATS, split_files
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
    ) -> None:
        self.files = split_files(data, split)
        if not self.files:
            raise ValueError(f"the {split} split of {data} has no patches")
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
    def for_training(cls, config: FitConfig) -> BatchSource:
        """The training stream a run's config describes."""
        return cls(
            Path(config.data), "train", config.size, config.censor,  # type: ignore[arg-type]
            config.mask_kind, (config.hole_min, config.hole_max),  # type: ignore[arg-type]
            (config.block_min, config.block_max), config.seed,
            architecture=config.arch, config=network_config(config),
            wild_mosaics=config.wild_mosaics,
        )  # fmt: skip

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

    def sample(self, rng: np.random.Generator, path: Path) -> Sample:
        """One patch of ``path``, masked and censored with ``rng``."""
        truth = self._patch(rng, path)
        hole = sample_mask(rng, self.size, self.size, self.mask_kind, self.hole_ratio)
        censor = sample_censor(rng, self.censor, self.block_range, wild=self.wild_mosaics)
        censored, patch = engine_input(truth, hole, censor)
        return Sample(truth, censored, patch)

    def samples(self, step: int, batch_size: int) -> list[Sample]:
        """The patches of batch number ``step`` (a pure function of seed and step)."""
        rng = np.random.default_rng([self.seed, step])
        picks = rng.integers(0, len(self.files), batch_size)
        return [self.sample(rng, self.files[int(i)]) for i in picks]

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
