"""Training batches: patches read from a dataset split, masks and censors synthesised on the fly.

Batch ``step`` is a pure function of ``(seed, step)``: a run killed and resumed at step s sees
exactly the batches it would have seen, with no iterator state to save. Only NumPy, Pillow and
OpenCV are used, so the same batches feed the TensorFlow and JAX backends.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from decensor_app.edges import canny_edges
from decensor_app.engines.classical import block_means_fill, telea_fill
from decensor_app.trainer.dataset import split_files
from decensor_app.trainer.run import FitConfig
from decensor_app.trainer.synthesis import (
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
        edges: (B, S, S, 1) Canny edges of ``truth`` in {0, 1} (EdgeConnect only, else None).
        prefill: (B, S, S, 3) in [0, 1], the classical restoration of ``censored`` (Telea for
            bars, interpolated block means on the true grid for mosaics) for residual
            generators, else None.
    """

    truth: np.ndarray
    mask: np.ndarray
    censored: np.ndarray
    style: CensorStyle = "bar"
    edges: np.ndarray | None = None
    prefill: np.ndarray | None = None

    def gated_conv_input(self) -> np.ndarray:
        """The gated-conv generator's image input in [-1, 1], as the engine prepares it: the
        classical restoration in the hole for residual models, the mosaic for mosaic models,
        else the hole zeroed (0 in [-1, 1] units)."""
        if self.prefill is not None:
            return np.where(self.mask > 0, self.prefill, self.truth) * 2.0 - 1.0
        if self.style == "mosaic":
            return self.censored * 2.0 - 1.0
        return (self.truth * 2.0 - 1.0) * (1.0 - self.mask)


class BatchSource:
    """Deterministic batches from ``data``'s ``split``.

    Args:
        data: the dataset folder.
        split: "train", "val" or "test".
        size: patch side fed to the network (random crop when the stored patches are larger).
        censor: "bar" (zeroed hole), "mosaic" or "white".
        mask_kind, hole_ratio, block_range: synthesis settings.
        seed: stream seed.
        with_edges: also compute Canny edges (EdgeConnect).
        prefill: also compute the classical restoration (residual gated-conv models).
        augment: random crops and left-right flips (off for evaluation).
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
        with_edges: bool = False,
        prefill: bool = False,
        augment: bool = True,
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
        self.with_edges = with_edges
        self.prefill = prefill
        self.augment = augment

    @classmethod
    def for_training(cls, config: FitConfig) -> BatchSource:
        """The training stream a run's config describes."""
        return cls(
            Path(config.data), "train", config.size, config.censor,  # type: ignore[arg-type]
            config.mask_kind, (config.hole_min, config.hole_max),  # type: ignore[arg-type]
            (config.block_min, config.block_max), config.seed,
            with_edges=config.arch == "edgeconnect", prefill=config.prefill,
        )  # fmt: skip

    def _patch(self, rng: np.random.Generator, path: Path) -> np.ndarray:
        rgb = np.array(Image.open(path).convert("RGB"))
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

    def sample(self, rng: np.random.Generator, path: Path) -> tuple[np.ndarray, ...]:
        """(truth uint8, hole bool, censored uint8, edges float32 or None, prefill uint8 or
        None) for one patch."""
        truth = self._patch(rng, path)
        hole = sample_mask(rng, self.size, self.size, self.mask_kind, self.hole_ratio)
        censor = sample_censor(rng, self.censor, self.block_range)
        censored = apply_censor(truth, hole, censor)
        edges = canny_edges(truth) if self.with_edges else None
        prefill = None
        if self.prefill:
            prefill = (
                block_means_fill(censored, hole, censor.grid)
                if censor.style == "mosaic"
                else telea_fill(censored, hole)
            )
        return truth, hole, censored, edges, prefill

    def batch(self, step: int, batch_size: int) -> Batch:
        """Batch number ``step`` (a pure function of seed and step)."""
        rng = np.random.default_rng([self.seed, step])
        picks = rng.integers(0, len(self.files), batch_size)
        samples = [self.sample(rng, self.files[int(i)]) for i in picks]
        truth = np.stack([s[0] for s in samples]).astype(np.float32) / 255.0
        mask = np.stack([s[1] for s in samples]).astype(np.float32)[..., None]
        censored = np.stack([s[2] for s in samples]).astype(np.float32) / 255.0
        edges = np.stack([s[3] for s in samples])[..., None] if self.with_edges else None
        prefill = None
        if self.prefill:
            prefill = np.stack([s[4] for s in samples]).astype(np.float32) / 255.0
        return Batch(truth, mask, censored, self.censor, edges, prefill)

    def stream(
        self, start: int, stop: int, batch_size: int, prefetch: int = 4
    ) -> Iterator[tuple[int, Batch]]:
        """(step, batch) for steps [start, stop), prepared ahead in a background thread."""
        ready: queue.Queue[tuple[int, Batch] | None] = queue.Queue(maxsize=prefetch)
        stop_flag = threading.Event()

        def produce() -> None:
            for step in range(start, stop):
                if stop_flag.is_set():
                    return
                ready.put((step, self.batch(step, batch_size)))
            ready.put(None)

        worker = threading.Thread(target=produce, daemon=True)
        worker.start()
        try:
            while (item := ready.get()) is not None:
                yield item
        finally:
            stop_flag.set()
            while not ready.empty():
                ready.get_nowait()
