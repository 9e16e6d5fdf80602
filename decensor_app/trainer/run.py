"""A training run's folder: its config, checkpoints, loss log and progress display.

Checkpoints are plain ``.npz`` archives of every variable (networks and optimizers) plus the
step, written atomically; they are read and written the same way on TensorFlow (also under a
``tf.distribute`` strategy, from the cross-replica context) and JAX, so a run can move between
machines. Only the newest few are kept.
"""

from __future__ import annotations

import json
import sys
import time
import zipfile
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import numpy as np

from decensor_app.imaging import write_atomically, write_file_atomically

CHECKPOINT_PATTERN = "ckpt-*.npz"
#: Temporary files of checkpoint writes a killed process left (write_file_atomically's, and the
#: ``tempfile`` names of earlier versions).
PARTIAL_PATTERNS = (".*.partial", "tmp*.partial")
#: What reading a damaged .npz raises (truncated, torn or overwritten archives).
CORRUPT_ARCHIVE_ERRORS = (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile)


class CheckpointWriteError(RuntimeError):
    """A checkpoint could not be written (disk full, read-only); nothing partial was left."""


#: ``tf.distribute`` strategies ``fit --strategy`` takes (fit_tf.choose_strategy builds them);
#: here, not in fit_tf, so that the command line lists them without importing TensorFlow.
STRATEGIES = ("auto", "default", "mirrored", "tpu", "multiworker")


@dataclass
class FitConfig:
    """Everything ``decensor-train fit`` takes. Saved in RUN/config.json on the first start."""

    arch: str
    censor: str
    data: str
    out: str
    steps: int = 10_000
    batch: int = 8
    size: int = 256
    width: int | None = None
    strategy: str = "auto"
    backend: str = "tensorflow"
    precision: str = "auto"  # auto: mixed on GPUs and TPUs, on CPUs cpu_training_precision()
    learning_rate: float = 1e-4
    gan_weight: float = 1.0
    discriminator_width: int = 64
    # gated-conv: residual generator over a classical restoration (GatedConvGenerator.residual)
    prefill: bool = False
    # residual gated-conv: "l1", "l2" or "l1+l2" over the hole; like the learning rate it may change
    # when a run is resumed (e.g. L1 first, then L2 for PSNR)
    reconstruction: str = "l1"
    checkpoint_every: int = 500
    keep_checkpoints: int = 3
    log_every: int = 10
    image_every: int = 500
    seed: int = 0
    mask_kind: str = "mixed"
    hole_min: float = 0.05
    hole_max: float = 0.6
    block_min: int = 3
    block_max: int = 32
    # mosaics as found in the wild too (JPEG 60-95, centre-pixel and half-size mosaics)
    wild_mosaics: bool = False
    # draw a source uniformly, then a patch of it, so small sources (painted art) are not
    # drowned by large ones (clip art); off: patches uniformly, as runs before it had
    balance_sources: bool = False
    # share of mosaic patches trained with the grid the app estimates instead of the true one
    estimated_grids: float = 0.0
    vgg19_weights: str | None = None
    phase: str = "auto"  # edgeconnect: edge, inpaint, joint, or auto (thirds of the steps)
    # manifest of an exported model whose generator weights a new run starts from (warm_start)
    init_from: str | None = None
    # decay of an exponential moving average of the generator's weights, kept beside them and
    # exported instead of them (0: none). It may be switched on when a run is resumed.
    ema_decay: float = 0.0

    # Settings a resumed run must share with the run it continues. The patch size and the batch
    # may change: the networks are fully convolutional and Adam's state is per weight, so a run
    # trained on small crops can be fine-tuned on the full patches the app feeds it.
    FIXED = ("arch", "censor", "width", "seed", "discriminator_width", "prefill")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FitConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def network_config(config: FitConfig) -> dict[str, Any]:
    """The inference network's constructor arguments for a run (what its export's manifest
    records as ``config``): the architecture spec's rule."""
    from decensor_app import architectures

    return architectures.get(config.arch).network_config(config)


def warm_start(
    run: RunDir, config: FitConfig, groups: dict[str, list[Any]], log: Any = print
) -> int:
    """Start a new run from the generator weights of the exported model ``config.init_from``
    (its manifest's path); returns the step to count on from, or 0 without ``init_from``.

    This fine-tunes a shipped model when the run that made it is gone, or adapts it to other
    art. The discriminator and the optimizers start fresh. Steps count on from the model's
    trained steps, so that step totals in the next export's card stay true and the batch stream
    (a function of the seed and the step) goes on where that run stopped.
    """
    if not config.init_from:
        return 0
    from decensor_app.engines.base import EngineError
    from decensor_app.engines.generators import load_generator
    from decensor_app.engines.manifest import Manifest

    manifest_path = Path(config.init_from)
    try:
        manifest = Manifest.load(manifest_path)
        wanted = network_config(config)
        if manifest.architecture != config.arch or manifest.config != wanted:
            raise ValueError(
                f"{manifest_path} is a {manifest.architecture} network with {manifest.config}; "
                f"this run trains {config.arch} with {wanted}: pick matching "
                "--arch/--width/--prefill"
            )
        # The app's loader: it checks the weights against the manifest's SHA-256.
        network = load_generator(manifest, manifest_path.parent).network
    except EngineError as error:
        raise ValueError(str(error)) from error
    from decensor_app import architectures

    targets = groups[architectures.get(config.arch).checkpoint_group]
    for source, target in zip(network.weights, targets, strict=True):
        target.assign(np.asarray(source).astype(numpy_dtype(target)))
    step = int(manifest.training.get("steps", 0))
    # The manifest may be overwritten by this run's own export: keep what it said.
    run.init_record.write_text(
        json.dumps({"name": manifest.name, "training": manifest.training}, indent=2) + "\n"
    )
    log(f"started from {manifest.name} ({step} steps) in {manifest_path}")
    return step


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The CPU's feature flags as Linux lists them (empty where there is no /proc/cpuinfo)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.split(":", 1)[1].split())
    return frozenset()


def cpu_training_precision(flags: frozenset[str] | None = None) -> str:
    """The precision ``--precision auto`` trains in on a CPU: ``mixed_bfloat16`` where the CPU
    has AMX (``amx_bf16``), else ``float32``.

    Measured with TensorFlow (oneDNN): on a Xeon with AMX a 256 px gated-conv step took 2.9 s
    in bf16 against 6.9 s in float32; on an AMD EPYC with AVX512-BF16 but no AMX bf16 was
    slower than float32 (1.25 against 0.92 s a step at 128 px), so AVX512-BF16 alone does not
    qualify. Weights stay float32 either way (only the computation is bf16), and the app runs
    the exported weights in float32.
    """
    return (
        "mixed_bfloat16" if "amx_bf16" in (cpu_flags() if flags is None else flags) else "float32"
    )


def numpy_dtype(variable: Any) -> np.dtype[Any]:
    """The NumPy dtype of a Keras variable (dtype ``"float32"``) or a TensorFlow one (dtype
    ``tf.float32``, as the weight average's are)."""
    dtype = variable.dtype
    return np.dtype(getattr(dtype, "as_numpy_dtype", dtype))


#: Key of a resume point's list of the checkpoint groups ``snapshot --omit`` left out.
OMITTED_GROUPS = "omitted_groups"


def ema_group(group: str) -> str:
    """The checkpoint group of the moving average of ``group``'s weights (``--ema-decay``):
    the same variables in the same order, so an export loads it into the same network."""
    return f"{group}_ema"


def gan_checkpoint_groups(
    generator: Any, discriminator: Any, g_optimizer: Any, d_optimizer: Any
) -> dict[str, list[Any]]:
    """The checkpoint layout of a one-generator GAN run. Both backends' gated-conv trainers
    use it, so that a run can move between TensorFlow and JAX machines."""
    return {
        "generator": generator.weights,
        "discriminator": discriminator.weights,
        "g_optimizer": g_optimizer.variables,
        "d_optimizer": d_optimizer.variables,
    }


class RunDir:
    """The folder of one run: config.json, checkpoints/, log.jsonl, tensorboard/."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.checkpoints = self.path / "checkpoints"
        self.log_path = self.path / "log.jsonl"
        self.tensorboard = self.path / "tensorboard"
        # the exported model a warm-started run began from (warm_start)
        self.init_record = self.path / "init_from.json"
        # a committed snapshot of the newest checkpoint (snapshot), resumed from when the run
        # folder has no checkpoints
        self.resume_point = self.path / "resume-point.npz"

    def prepare(self, config: FitConfig, log: Callable[[str], None] = print) -> FitConfig:
        """Create the folder or check that ``config`` may resume the run already there.

        Temporary files of checkpoint writes a killed process left behind are removed.
        Returns the config to use: the saved one with ``steps`` (and other non-fixed settings)
        taken from ``config``.
        """
        self.checkpoints.mkdir(parents=True, exist_ok=True)
        stale = sorted({p for pattern in PARTIAL_PATTERNS for p in self.checkpoints.glob(pattern)})
        for partial in stale:
            partial.unlink(missing_ok=True)
        if stale:
            log(f"removed {len(stale)} unfinished checkpoint file(s) of an interrupted run "
                f"from {self.checkpoints}")  # fmt: skip
        saved_path = self.path / "config.json"
        if saved_path.is_file():
            saved = FitConfig.from_json(json.loads(saved_path.read_text()))
            for name in FitConfig.FIXED:
                if getattr(saved, name) != getattr(config, name):
                    raise ValueError(
                        f"{self.path} was started with {name}={getattr(saved, name)!r}, not "
                        f"{getattr(config, name)!r}: use another --out to start a new run"
                    )
        write_atomically(saved_path, (json.dumps(config.to_json(), indent=2) + "\n").encode())
        return config

    def config(self) -> FitConfig:
        return FitConfig.from_json(json.loads((self.path / "config.json").read_text()))

    def latest_checkpoint(self) -> Path | None:
        """The newest checkpoint; without any, the run's committed resume point, if there is
        one (a fresh clone has no checkpoints/: :meth:`snapshot`)."""
        found = sorted(self.checkpoints.glob(CHECKPOINT_PATTERN))
        if found:
            return found[-1]
        return self.resume_point if self.resume_point.is_file() else None

    def snapshot(self, destination: Path, omit: Collection[str] = ()) -> Path:
        """Write what resuming this run needs, small enough to commit, into ``destination``:
        its config, loss log (and warm-start record) and its newest checkpoint as one
        compressed ``resume-point.npz``. ``fit --out destination`` then resumes from it on a
        machine that has none of this run's files. Returns the resume point's path.

        ``omit`` names checkpoint groups left out to keep it small (an optimizer's moments
        are two more copies of its network); the resume point records them, and a run resumed
        from it starts those groups fresh (Adam with zero moments) instead of refusing it.

        Raises:
            FileNotFoundError: the run has no checkpoint yet.
            ValueError: ``omit`` names a group the checkpoint does not hold.
        """
        checkpoint = self.latest_good_checkpoint()
        if checkpoint is None:
            raise FileNotFoundError(f"{self.path} has no checkpoint to snapshot: train it first")
        target = RunDir(Path(destination))
        target.path.mkdir(parents=True, exist_ok=True)
        for source in (self.path / "config.json", self.log_path, self.init_record):
            if source.is_file() and source.resolve() != (target.path / source.name).resolve():
                write_file_atomically(target.path / source.name, _writer(source.read_bytes()))
        if checkpoint.resolve() != target.resume_point.resolve():
            with np.load(checkpoint) as archive:
                arrays: dict[str, Any] = {key: archive[key] for key in archive.files}
            stored = {key.split("/")[0] for key in arrays if "/" in key}
            unknown = sorted(set(omit) - stored)
            if unknown:
                raise ValueError(
                    f"{checkpoint} has no group {', '.join(unknown)} (its groups: "
                    f"{', '.join(sorted(stored))})"
                )
            if omit:
                arrays = {k: v for k, v in arrays.items() if k.split("/")[0] not in omit}
                arrays[OMITTED_GROUPS] = np.array(sorted(omit))
            write_file_atomically(
                target.resume_point, lambda stream: np.savez_compressed(stream, **arrays)
            )
        return target.resume_point

    def save_checkpoint(self, step: int, groups: dict[str, list[Any]], keep: int) -> Path:
        """Write every variable of ``groups`` (name -> variables) and the step, atomically."""
        # Any, not ndarray: NumPy's stubs read savez's **arrays as if one could be allow_pickle.
        arrays: dict[str, Any] = {"step": np.array(step)}
        for group, variables in groups.items():
            for index, variable in enumerate(variables):
                arrays[f"{group}/{index:04d}"] = np.array(variable)
        path = self.checkpoints / f"ckpt-{step:08d}.npz"
        # Streamed into the temporary file (fsynced before it is renamed into place): the
        # archive is never built a second time in memory. On any error the temporary is gone.
        try:
            write_file_atomically(path, lambda stream: np.savez(stream, **arrays))
        except OSError as error:
            raise CheckpointWriteError(
                f"cannot write checkpoint {path}: {error.strerror or error}; the newest "
                "checkpoint before it is intact: free space (or fix the folder) and run the "
                "same command again to resume"
            ) from error
        for old in sorted(self.checkpoints.glob(CHECKPOINT_PATTERN))[:-keep]:
            old.unlink()
        return path

    def restore_checkpoint(
        self, path: Path, groups: dict[str, list[Any]], optional: Collection[str] = ()
    ) -> int:
        """Assign every variable of ``groups`` from ``path``; returns the step it was taken at.

        Optimizers' learning rates are left as built from the run's config, so that a run can
        be resumed with a new ``--learning-rate`` (a step schedule across sessions). Groups
        named in ``optional`` that the checkpoint does not hold at all (say, a weight average
        switched on when the run was resumed) keep their values.

        Raises:
            CorruptCheckpointError: the archive cannot be read whole (nothing was assigned).
            ValueError: it holds other variables than ``groups`` (other settings).
        """
        archive = read_checkpoint(path)
        omitted = {str(name) for name in archive.get(OMITTED_GROUPS, np.array([]))}
        for group, variables in groups.items():
            stored = sorted(k for k in archive if k.startswith(f"{group}/"))
            if not stored and (group in optional or group in omitted):
                continue
            if len(stored) != len(variables):
                raise ValueError(
                    f"{path}: {group} has {len(stored)} variables, the model {len(variables)}"
                    " (was the run started with other settings?)"
                )
            for key, variable in zip(stored, variables, strict=True):
                if getattr(variable, "path", "").endswith("/learning_rate"):
                    continue
                variable.assign(archive[key].astype(numpy_dtype(variable)))
        return int(archive["step"])

    def resume(
        self, groups: dict[str, list[Any]], log: Any = print, optional: Collection[str] = ()
    ) -> int:
        """Restore the newest checkpoint into ``groups`` (if any); returns the step to start at.

        Log lines written after that checkpoint by a killed process are dropped: those steps are
        trained again, so the loss curve continues without duplicates.
        """
        checkpoint = self.latest_good_checkpoint(log)
        if checkpoint is None:
            return 0
        start = self.restore_checkpoint(checkpoint, groups, optional)
        kept = [record for record in self.read_log(log) if record["step"] <= start]
        text = "".join(json.dumps(record) + "\n" for record in kept)
        write_atomically(self.log_path, text.encode("utf-8"))
        log(f"resumed {self.path} at step {start} from {checkpoint.name}")
        with np.load(checkpoint) as archive:
            if OMITTED_GROUPS in archive.files:
                names = ", ".join(str(name) for name in archive[OMITTED_GROUPS])
                log(f"{names} start fresh: the resume point was written without them")
        return start

    def latest_good_checkpoint(self, log: Callable[[str], None] = print) -> Path | None:
        """The newest checkpoint that reads whole; damaged newer ones (a truncated file of a
        crash before checkpoints were fsynced, a bad disk) are renamed ``*.corrupt``, said so
        in ``log``, and the next older one is tried."""
        while (checkpoint := self.latest_checkpoint()) is not None:
            try:
                read_checkpoint(checkpoint)
                return checkpoint
            except CorruptCheckpointError as error:
                if checkpoint == self.resume_point:  # a committed file: not renamed
                    raise
                aside = checkpoint.with_name(checkpoint.name + ".corrupt")
                checkpoint.replace(aside)
                older = self.latest_checkpoint()
                log(
                    f"{error}; set it aside as {aside.name} and "
                    + (f"using the newest good one, {older.name}" if older else "starting over")
                )
        return None

    def log(self, record: dict[str, Any]) -> None:
        with open(self.log_path, "a", encoding="utf-8") as stream:
            stream.write(json.dumps(record) + "\n")

    def read_log(self, log: Callable[[str], None] = print) -> list[dict[str, Any]]:
        """The loss log's records. A torn last line (a process killed while appending it) is
        left out and said so in ``log``.

        Raises:
            ValueError: a line before the last is not a JSON object (naming file and line).
        """
        if not self.log_path.is_file():
            return []
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        records: list[dict[str, Any]] = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("step"), int):
                    raise ValueError("not a record with a step")
            except ValueError as error:
                if number == len(lines):
                    log(f"{self.log_path}: ignored its torn last line {number} ({error})")
                    break
                raise ValueError(
                    f"{self.log_path} line {number} is not a log record ({error}): repair or "
                    "remove that line"
                ) from error
            records.append(record)
        return records


class CorruptCheckpointError(ValueError):
    """A checkpoint archive cannot be read whole."""


def read_checkpoint(path: Path) -> dict[str, np.ndarray]:
    """Every array of the checkpoint ``path``, read whole (so every CRC is checked).

    Raises:
        CorruptCheckpointError: truncated, torn or not a checkpoint (naming the file).
    """
    try:
        with np.load(path) as archive:
            arrays = {key: archive[key] for key in archive.files}
        int(arrays["step"])
    except CORRUPT_ARCHIVE_ERRORS as error:
        raise CorruptCheckpointError(f"checkpoint {path} is corrupt ({error})") from error
    return arrays


def _writer(data: bytes) -> Callable[[BinaryIO], object]:
    return lambda stream: stream.write(data)


class DivergedError(RuntimeError):
    """A loss became NaN or infinite; nothing after the last checkpoint was saved."""


def check_finite(step: int, values: dict[str, float]) -> None:
    """Stop a run whose losses are no longer finite, before it checkpoints broken weights.

    Raises:
        DivergedError: naming the step and the losses.
    """
    bad = {name: value for name, value in values.items() if not np.isfinite(value)}
    if bad:
        raise DivergedError(
            f"training diverged at step {step} ({bad}); the newest checkpoint is from before "
            "it: resume from there with a lower --learning-rate"
        )


class ProgressLine:
    """Step, losses, speed and ETA: one rewriting line on a terminal, periodic lines otherwise."""

    def __init__(self, start: int, stop: int, stream: TextIO = sys.stderr) -> None:
        self.start, self.stop = start, stop
        self.stream = stream
        self.interactive = stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0

    def update(self, step: int, values: dict[str, float]) -> None:
        now = time.monotonic()
        done = step - self.start
        if done <= 0 or (
            now - self.last < (0.5 if self.interactive else 30.0) and step < self.stop
        ):
            return
        self.last = now
        rate = done / (now - self.started)
        eta = (self.stop - step) / rate if rate > 0 else 0.0
        losses = " ".join(f"{k} {v:.4f}" for k, v in values.items())
        line = (
            f"step {step}/{self.stop} {losses} | {rate:.2f} steps/s, "
            f"ETA {int(eta // 3600)}:{int(eta % 3600 // 60):02d}:{int(eta % 60):02d}"
        )
        if self.interactive:
            self.stream.write("\r\x1b[K" + line)
            if step >= self.stop:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
