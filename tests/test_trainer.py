"""The trainer: dataset splits, synthesis, distribution, resume, export, evaluation, the CLI.

Most tests run ``decensor-train`` in this process (``cli.main``: its parsing, exit status and
messages) on one dataset and one tiny run trained once per module, copied where a test changes
it; importing TensorFlow and tracing a fresh training step in a new process per command used to
take most of the suite's time. The tests marked ``slow`` are the ones that need a process
boundary: a SIGKILL, two logical CPU devices set before TensorFlow starts, and the command
chain as a user runs it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from decensor_app.engines import load_engine
from decensor_app.engines.base import EngineInput
from decensor_app.engines.classical import telea_fill
from decensor_app.engines.manifest import Manifest
from decensor_app.mosaic import MosaicGrid
from decensor_app.trainer.cli import main as train_main
from decensor_app.trainer.data import BatchSource
from decensor_app.trainer.dataset import BuildOptions, build_dataset, load_manifest
from decensor_app.trainer.evaluate import psnr, scores, ssim_map
from decensor_app.trainer.run import cpu_flags, cpu_training_precision, read_checkpoint
from decensor_app.trainer.synthesis import Censor, apply_censor, sample_censor, sample_mask
from tests.conftest import scene

REPO = Path(__file__).resolve().parents[1]
PATCH = 64


def _pictures(folder: Path, count: int = 24, seed: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        Image.fromarray(scene(200, 150, seed=seed + index)).save(folder / f"p{index:02d}.png")
    return folder


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trainer")
    pictures = _pictures(root / "pictures", 30)
    (pictures / "source.json").write_text(json.dumps({"source": "tests", "licence": "CC0"}))
    out = root / "data"
    build_dataset(
        BuildOptions([pictures], out, patch_size=PATCH, seed=3, test_fraction=0.2), log=print
    )
    return out


@dataclass
class Ran:
    """What a ``decensor-train`` command left: its exit status and what it wrote to stderr."""

    returncode: int
    stderr: str


def _train_cli(*args: str) -> Ran:
    """``decensor-train ARGS`` run in this process."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = train_main(list(args))
    return Ran(code, stderr.getvalue())


def _fit_args(data: Path, out: Path, *extra: str, steps: int) -> list[str]:
    """``fit`` arguments of a tiny gated-conv bar run; later ``extra`` flags override these."""
    return ["fit", "--arch", "gated-conv", "--censor", "bar", "--data", str(data), "--out",
            str(out), "--steps", str(steps), "--batch", "4", "--size", str(PATCH), "--width",
            "8", "--checkpoint-every", "2", "--log-every", "1", "--image-every", "2",
            "--strategy", "default", *extra]  # fmt: skip


def _train(data: Path, out: Path, *extra: str, steps: int = 4) -> Ran:
    return _train_cli(*_fit_args(data, out, *extra, steps=steps))


@pytest.fixture(scope="module")
def trained(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run of ``_train`` defaults trained to step 2; tests copy it (``_run_copy``)."""
    run = tmp_path_factory.mktemp("trained") / "run"
    result = _train(dataset, run, steps=2)
    assert result.returncode == 0, result.stderr[-2000:]
    return run


def _run_copy(trained: Path, destination: Path) -> Path:
    """A copy of the module's trained run at ``destination``, for a test to resume or export."""
    shutil.copytree(trained, destination)
    return destination


def _losses(run: Path) -> dict[int, float]:
    lines = (run / "log.jsonl").read_text().splitlines()
    return {record["step"]: record["g_loss"] for record in map(json.loads, lines)}


# --- dataset -------------------------------------------------------------------------------------


def test_no_source_picture_has_patches_in_two_splits(dataset: Path) -> None:
    manifest = load_manifest(dataset)
    assert sum(manifest["counts"].values()) == len(manifest["patch_sha256"])
    assert manifest["counts"]["test"] > 0 and manifest["counts"]["train"] > 0
    split_of_hash: dict[str, str] = {}
    for source in manifest["sources"]:
        for patch in source["patches"]:
            assert patch.startswith(source["split"] + "/")
            assert (dataset / patch).is_file()
            digest = manifest["patch_sha256"][patch]
            assert split_of_hash.setdefault(digest, source["split"]) == source["split"]
    assert manifest["licences"] == {"tests (CC0)": 30}


def test_small_grayscale_and_duplicate_pictures_are_dropped(tmp_path: Path) -> None:
    folder = _pictures(tmp_path / "pics", 3)
    Image.fromarray(scene(200, 150, seed=0)).save(folder / "copy.png")  # duplicate of p00
    Image.fromarray(scene(200, 150, seed=9)).convert("L").save(folder / "gray.png")
    Image.fromarray(scene(40, 30, seed=7)).save(folder / "small.png")
    (folder / "broken.png").write_bytes(b"not a picture")
    manifest = build_dataset(BuildOptions([folder], tmp_path / "data", patch_size=PATCH))
    assert manifest["skipped"] == {
        "too small": 1, "grayscale": 1, "duplicate": 1, "unreadable": 1,
        "artwork in two splits": 0,
    }  # fmt: skip
    assert len(manifest["sources"]) == 3


def test_variants_of_one_artwork_share_a_split_and_mixed_composites_are_dropped(
    tmp_path: Path,
) -> None:
    folder = _pictures(tmp_path / "pics", 40)
    files = {f"p{i:02d}.png": {"file": f"art/{i // 4}.svg"} for i in range(32)}  # 4 variants each
    files.update({f"p{i:02d}.png": {"members": [{"file": f"art/{j}.svg"} for j in range(8)]}
                  for i in range(32, 40)})  # fmt: skip
    (folder / "members.json").write_text(json.dumps({"files": files}))
    manifest = build_dataset(
        BuildOptions([folder], tmp_path / "data", patch_size=PATCH, test_fraction=0.3)
    )
    split_by_artwork: dict[str, set[str]] = {}
    for source in manifest["sources"]:
        name = Path(source["path"]).name
        if name in files and "file" in files[name]:
            split_by_artwork.setdefault(files[name]["file"], set()).add(source["split"])
    assert all(len(splits) == 1 for splits in split_by_artwork.values())
    assert {s for splits in split_by_artwork.values() for s in splits} >= {"train", "test"}
    # Composites of 8 artworks spread over splits are left out, not leaked.
    kept_composites = [s for s in manifest["sources"] if Path(s["path"]).name >= "p32.png"]
    assert len(kept_composites) + manifest["skipped"]["artwork in two splits"] == 8
    assert manifest["skipped"]["artwork in two splits"] > 0


def test_the_split_is_reproducible_with_the_seed(tmp_path: Path) -> None:
    folder = _pictures(tmp_path / "pics", 12)
    first = build_dataset(BuildOptions([folder], tmp_path / "a", patch_size=PATCH, seed=5))
    second = build_dataset(BuildOptions([folder], tmp_path / "b", patch_size=PATCH, seed=5))
    assert first["patch_sha256"] == second["patch_sha256"]


# --- synthesis -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["free-form", "bars", "mixed"])
def test_hole_ratios_cover_the_requested_range(kind: str) -> None:
    rng = np.random.default_rng(0)
    ratios = np.array([sample_mask(rng, 128, 128, kind).mean() for _ in range(150)])  # type: ignore[arg-type]
    assert ratios.min() >= 0.05 and ratios.max() <= 0.6
    assert ratios.std() > 0.08  # spread over the range, not clustered
    for low, high in ((0.05, 0.2), (0.2, 0.4), (0.4, 0.6)):
        assert np.mean((ratios >= low) & (ratios < high)) > 0.1, (low, high)


@pytest.mark.parametrize("offset", [(0, 0), (5, 2)])
def test_mosaic_synthesis_puts_constant_blocks_on_the_intended_grid(
    offset: tuple[int, int],
) -> None:
    picture = scene(96, 96, seed=4)
    hole = np.ones((96, 96), bool)
    grid = MosaicGrid(8, *offset)
    censored = apply_censor(picture, hole, Censor("mosaic", grid))
    ox, oy = offset
    for top in range(oy, 96 - 8, 8):
        for left in range(ox, 96 - 8, 8):
            block = censored[top : top + 8, left : left + 8]
            assert (block == block[0, 0]).all()
    # Across each grid line the colour changes somewhere; off the grid it never does.
    changes = np.any(censored[:, 1:] != censored[:, :-1], axis=(0, 2))
    assert set(np.flatnonzero(changes) + 1) <= set(range(ox, 96, 8))


def test_jpeg_mosaics_stay_close_to_their_blocks_and_censors_are_seeded() -> None:
    picture = scene(96, 96, seed=4)
    hole = np.ones((96, 96), bool)
    plain = apply_censor(picture, hole, Censor("mosaic", MosaicGrid(12)))
    jpeg = apply_censor(picture, hole, Censor("mosaic", MosaicGrid(12), jpeg_quality=85))
    assert 0 < np.abs(jpeg.astype(int) - plain).mean() < 4
    first = [sample_censor(np.random.default_rng(9), "mosaic") for _ in range(3)]
    again = [sample_censor(np.random.default_rng(9), "mosaic") for _ in range(3)]
    assert first == again
    blocks = [sample_censor(np.random.default_rng(i), "mosaic").grid.block for i in range(300)]
    assert min(blocks) == 3 and max(blocks) == 32


def test_batches_are_a_pure_function_of_seed_and_step(dataset: Path) -> None:
    source = BatchSource(dataset, "train", PATCH, "mosaic", seed=7)
    again = BatchSource(dataset, "train", PATCH, "mosaic", seed=7)
    assert np.array_equal(source.batch(5, 3).censored, again.batch(5, 3).censored)
    assert not np.array_equal(source.batch(5, 3).truth, source.batch(6, 3).truth)
    streamed = dict(source.stream(4, 7, 3))
    assert sorted(streamed) == [4, 5, 6]
    assert np.array_equal(streamed[5].mask, source.batch(5, 3).mask)


def test_prefilled_batches_hold_the_classical_restoration_in_the_hole(dataset: Path) -> None:
    residual = {"cnum": 8, "residual": True}
    bar = BatchSource(dataset, "train", PATCH, "bar", seed=2, config=residual).batch(0, 3)
    image = bar.inputs[0]
    hole = bar.mask[..., 0] > 0
    for index in range(3):
        censored = np.rint(bar.censored[index] * 255).astype(np.uint8)
        telea = telea_fill(censored, hole[index]).astype(np.float32) / 127.5 - 1
        assert np.allclose(image[index][hole[index]], telea[hole[index]], atol=1e-5)
        truth = bar.truth[index] * 2 - 1
        assert np.allclose(image[index][~hole[index]], truth[~hole[index]], atol=1e-5)
    mosaic = BatchSource(dataset, "train", PATCH, "mosaic", seed=2, config=residual).batch(0, 8)
    holes = mosaic.mask[..., 0] > 0
    # Interpolating the block means on the true grid comes closer to the truth than the mosaic.
    prefill = (mosaic.inputs[0] + 1.0) / 2.0
    prefill_error = np.abs(prefill - mosaic.truth)[holes].mean()
    mosaic_error = np.abs(mosaic.censored - mosaic.truth)[holes].mean()
    assert prefill_error < mosaic_error


# --- training ------------------------------------------------------------------------------------


MIRRORED = """
import sys, json
import tensorflow as tf
tf.config.set_logical_device_configuration(
    tf.config.list_physical_devices("CPU")[0],
    [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()],
)
import numpy as np
from decensor_app.trainer.run import FitConfig
from decensor_app.trainer.fit_tf import make_trainer
from decensor_app.trainer.data import BatchSource
import keras
results = {}
for strategy in ("default", "mirrored"):
    keras.utils.set_random_seed(0)
    config = FitConfig(arch="gated-conv", censor="bar", data=sys.argv[1], out="", batch=4,
                       size=64, width=8, strategy=strategy, precision="float32")
    trainer, distribution, _ = make_trainer(config)
    source = BatchSource(sys.argv[1], "train", 64, "bar", seed=0)
    losses = [trainer.train_step(step, source.batch(step, 4)) for step in range(2)]
    weights = [np.array(w) for w in trainer.generator.weights + trainer.discriminator.weights]
    results[strategy] = (distribution.num_replicas_in_sync, losses, weights)
(n1, l1, w1), (n2, l2, w2) = results["default"], results["mirrored"]
assert (n1, n2) == (1, 2), (n1, n2)
for a, b in zip(l1, l2):
    for key in a:
        assert abs(a[key] - b[key]) <= 1e-4 * max(1.0, abs(a[key])), (key, a[key], b[key])
worst = max(float(np.abs(a - b).max()) for a, b in zip(w1, w2))
assert worst < 1e-4, worst
print("same", json.dumps(l1), worst)
"""


@pytest.mark.slow  # two logical CPU devices must be set up before TensorFlow starts
def test_mirrored_over_two_devices_equals_one_device_on_the_same_global_batch(
    dataset: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", MIRRORED, str(dataset)], capture_output=True, text=True,
        timeout=600, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "same" in result.stdout


@pytest.mark.slow  # a real process killed mid-run
def test_a_killed_run_resumes_its_step_count_and_loss_curve(dataset: Path, tmp_path: Path) -> None:
    reference = _train(dataset, tmp_path / "reference", steps=6)
    assert reference.returncode == 0, reference.stderr[-2000:]
    argv = _fit_args(dataset, tmp_path / "killed", "--image-every", "500", steps=6)
    command = [sys.executable, "-m", "decensor_app.trainer", *argv]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first_checkpoint = tmp_path / "killed" / "checkpoints" / "ckpt-00000002.npz"
    deadline = time.monotonic() + 300
    while not first_checkpoint.exists() and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    resumed = _train(dataset, tmp_path / "killed", steps=6)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resumed" in resumed.stderr
    killed, uninterrupted = _losses(tmp_path / "killed"), _losses(tmp_path / "reference")
    assert sorted(killed) == [1, 2, 3, 4, 5, 6]
    for step, loss in uninterrupted.items():
        assert killed[step] == pytest.approx(loss, rel=1e-4, abs=1e-5), step
    assert (tmp_path / "killed" / "tensorboard").is_dir()
    assert sorted(p.name for p in (tmp_path / "killed" / "checkpoints").iterdir()) == [
        "ckpt-00000002.npz", "ckpt-00000004.npz", "ckpt-00000006.npz"
    ]  # fmt: skip


@pytest.mark.slow
def test_a_run_resumes_with_a_new_learning_rate(
    dataset: Path, trained: Path, tmp_path: Path
) -> None:
    # The module's run was trained to step 2 at the default --learning-rate, 1e-4.
    assert json.loads((trained / "config.json").read_text())["learning_rate"] == 1e-4
    _run_copy(trained, tmp_path / "run")
    resumed = _train(dataset, tmp_path / "run", "--learning-rate", "5e-4", steps=4)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    with np.load(tmp_path / "run" / "checkpoints" / "ckpt-00000004.npz") as archive:
        # Keras' Adam variables: iteration, learning rate, then the moments.
        assert float(archive["g_optimizer/0001"]) == pytest.approx(5e-4)
        assert float(archive["d_optimizer/0001"]) == pytest.approx(5e-4)


@pytest.mark.slow
def test_a_run_resumes_on_larger_crops_and_another_batch(dataset: Path, tmp_path: Path) -> None:
    assert _train(dataset, tmp_path / "run", "--size", "32", steps=2).returncode == 0
    resumed = _train(dataset, tmp_path / "run", "--batch", "2", steps=4)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resumed" in resumed.stderr
    saved = json.loads((tmp_path / "run" / "config.json").read_text())
    assert (saved["size"], saved["batch"]) == (PATCH, 2)
    assert sorted(_losses(tmp_path / "run")) == [1, 2, 3, 4]


@pytest.mark.slow
def test_a_run_cannot_be_resumed_with_other_fixed_settings(
    dataset: Path, trained: Path, tmp_path: Path
) -> None:
    _run_copy(trained, tmp_path / "run")
    other = _train(dataset, tmp_path / "run", "--seed", "9", steps=4)
    assert other.returncode == 1
    assert "was started with seed=0" in other.stderr


@pytest.mark.slow
def test_a_snapshot_resumes_on_a_fresh_machine_exactly_where_the_run_was(
    dataset: Path, trained: Path, tmp_path: Path
) -> None:
    """``snapshot`` writes config, log and one compressed resume point (what a session commits);
    a fresh folder with only those resumes at the run's step with all its state (optimiser
    included): the next steps' losses equal those of the run itself going on."""
    run = _run_copy(trained, tmp_path / "run")
    committed = tmp_path / "clone" / "training" / "run"
    made = _train_cli("snapshot", "--run", str(run), "--out", str(committed))
    assert made.returncode == 0, made.stderr
    assert sorted(path.name for path in committed.iterdir()) == [
        "config.json", "log.jsonl", "resume-point.npz",
    ]  # fmt: skip
    going_on = _train(dataset, run, steps=4)
    resumed = _train(dataset, committed, steps=4)
    assert resumed.returncode == 0, resumed.stderr
    assert "at step 2 from resume-point.npz" in resumed.stderr
    original, again = _losses(run), _losses(committed)
    assert going_on.returncode == 0 and sorted(again) == [1, 2, 3, 4]
    assert again[3] == pytest.approx(original[3], rel=1e-5)
    assert again[4] == pytest.approx(original[4], rel=1e-5)
    empty = _train_cli("snapshot", "--run", str(tmp_path / "none"))
    assert empty.returncode == 1 and "no checkpoint" in empty.stderr


@pytest.mark.slow  # three runs traced and trained, two exports (about a minute)
def test_a_new_run_warm_started_from_an_export_continues_its_generator(
    dataset: Path, tmp_path: Path
) -> None:
    from decensor_app.trainer.export import export

    # With no adversarial term the generator loss depends on the generator and the batch only, so
    # the warm start's first loss equals the original run's loss at the same step.
    no_gan = ("--gan-weight", "0")
    assert _train(dataset, tmp_path / "original", *no_gan, steps=2).returncode == 0
    export(tmp_path / "original", "base", tmp_path / "models")
    assert _train(dataset, tmp_path / "original", *no_gan, steps=3).returncode == 0
    base = tmp_path / "models" / "base.json"
    warm = _train(dataset, tmp_path / "warm", *no_gan, "--init-from", str(base), steps=3)
    assert warm.returncode == 0, warm.stderr[-2000:]
    assert "started from base (2 steps)" in warm.stderr
    assert sorted(_losses(tmp_path / "warm")) == [3]
    assert _losses(tmp_path / "warm")[3] == pytest.approx(
        _losses(tmp_path / "original")[3], rel=1e-4
    )
    manifest = export(
        tmp_path / "warm", "base", tmp_path / "models", overwrite=True
    )  # replaces what it began from
    assert manifest.training["steps"] == 3
    assert manifest.training["init_from"] == {"model": "base", "steps": 2}

    other = _train(dataset, tmp_path / "wider", "--init-from", str(base), "--width", "16", steps=3)
    assert other.returncode == 1
    assert "{'cnum': 8, 'residual': False}" in other.stderr and "pick matching" in other.stderr


@pytest.mark.slow
@pytest.mark.slow
def test_a_moving_average_of_the_weights_is_kept_resumed_into_and_exported(
    dataset: Path, trained: Path, tmp_path: Path
) -> None:
    """Switched on when resuming a run that had none: it starts at the restored weights, is
    updated with the warmed-up decay after every step, and the export takes it."""
    run = _run_copy(trained, tmp_path / "run")  # at step 2, without an average
    result = _train(dataset, run, "--ema-decay", "0.5", "--checkpoint-every", "1",
                    "--keep-checkpoints", "10", steps=5)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "weight average (decay 0.5) started at step 2" in result.stderr
    archives = {int(a["step"]): a for a in map(read_checkpoint, run.glob("checkpoints/*.npz"))}
    assert sorted(archives) == [2, 3, 4, 5]
    keys = sorted(k for k in archives[5] if k.startswith("generator/"))
    average = {k: archives[2][k].astype(np.float64) for k in keys}
    for updates, step in enumerate((3, 4, 5)):
        decay = min(0.5, (1 + updates) / (10 + updates))
        average = {k: decay * average[k] + (1 - decay) * archives[step][k] for k in keys}
    stored = {k: archives[5]["generator_ema/" + k.split("/")[1]] for k in keys}
    assert float(archives[5]["generator_ema_updates/0000"]) == 3
    for key in keys:
        np.testing.assert_allclose(stored[key], average[key], rtol=1e-5, atol=1e-6)
    assert any(not np.allclose(stored[k], archives[5][k]) for k in keys)  # not the last weights

    models = tmp_path / "models"
    exported = _train_cli("export", "--run", str(run), "--name", "m", "--models-dir", str(models))
    assert exported.returncode == 0, exported.stderr
    manifest = Manifest.load(models / "m.json")
    assert manifest.training["exported_weights"] == "moving average, decay 0.5"
    network = load_engine("m", "bar", models, "keras").network  # type: ignore[attr-defined]
    for key, weight in zip(keys, network.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(weight), stored[key])

    # a run with an average resumes it (and goes on counting its updates)
    again = _train(dataset, run, "--ema-decay", "0.5", "--checkpoint-every", "1",
                   "--keep-checkpoints", "10", steps=6)  # fmt: skip
    assert again.returncode == 0, again.stderr[-2000:]
    assert "weight average" not in again.stderr  # resumed, not started again
    sixth = read_checkpoint(run / "checkpoints" / "ckpt-00000006.npz")
    assert float(sixth["generator_ema_updates/0000"]) == 4
    decay = min(0.5, 4 / 13)
    for key in keys:
        expected = decay * stored[key] + (1 - decay) * sixth[key]
        np.testing.assert_allclose(sixth["generator_ema/" + key.split("/")[1]], expected,
                                   rtol=1e-5, atol=1e-6)  # fmt: skip


@pytest.mark.parametrize("prefill", [False, True], ids=["paper", "residual"])
def test_export_then_the_app_gives_the_trained_models_output(
    dataset: Path, trained: Path, tmp_path: Path, prefill: bool
) -> None:
    if prefill:
        extra = ("--prefill", "--discriminator-width", "8")
        assert _train(dataset, tmp_path / "run", *extra, steps=2).returncode == 0
    else:
        _run_copy(trained, tmp_path / "run")
    from decensor_app.engines import load_engine
    from decensor_app.networks.gated_conv import GatedConvGenerator
    from decensor_app.trainer.export import export
    from decensor_app.trainer.run import RunDir

    manifest = export(tmp_path / "run", "exported", tmp_path / "models")
    assert manifest.training["steps"] == 2
    assert manifest.training["data"]["licences"] == {"tests (CC0)": 30}
    assert manifest.config == {"cnum": 8, "residual": prefill}
    trained = GatedConvGenerator(8, residual=prefill)
    image = np.zeros((1, PATCH, PATCH, 3), np.float32)
    mask = np.zeros((1, PATCH, PATCH, 1), np.float32)
    trained([image, mask])
    run = RunDir(tmp_path / "run")
    run.restore_checkpoint(run.latest_checkpoint(), {"generator": trained.weights})
    picture = scene(PATCH, PATCH, seed=1)
    hole = np.zeros((PATCH, PATCH), bool)
    hole[10:40, 20:50] = True
    blanked = np.where(hole[..., None], 0, picture).astype(np.uint8)
    x = picture.astype(np.float32) / 127.5 - 1
    if prefill:
        x = np.where(hole[..., None], telea_fill(blanked, hole).astype(np.float32) / 127.5 - 1, x)
    else:
        x = x * (1 - hole[..., None])
    _, refined = trained([x[None], hole[None, ..., None].astype(np.float32)])
    expected = np.clip(np.rint((np.asarray(refined[0]) + 1) * 127.5), 0, 255)
    engine = load_engine("exported", "bar", tmp_path / "models")
    restored = engine.restore(EngineInput(blanked, hole))
    assert np.abs(restored.astype(int) - expected).max() <= 1


@pytest.mark.slow
def test_edgeconnect_trains_through_its_three_phases(dataset: Path, tmp_path: Path) -> None:
    result = _train_cli(
        "fit", "--arch", "edgeconnect", "--censor", "bar", "--data", str(dataset),
        "--out", str(tmp_path / "edge"), "--steps", "3", "--batch", "2", "--size", str(PATCH),
        "--width", "8", "--log-every", "1", "--strategy", "default",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(x) for x in (tmp_path / "edge" / "log.jsonl").read_text().splitlines()]
    assert [r["phase"] for r in records] == ["edge", "inpaint", "joint"]
    assert "edge_g_loss" in records[0] and "inpaint_g_loss" in records[1]
    assert {"edge_g_loss", "inpaint_g_loss"} <= set(records[2])
    assert all(np.isfinite(v) for r in records for k, v in r.items() if k.endswith("loss"))


# --- evaluation ----------------------------------------------------------------------------------


def test_metrics_give_known_values_on_constructed_cases() -> None:
    truth = scene(64, 64, seed=2)
    off_by_ten = np.clip(truth.astype(int) + 10, 0, 255).astype(np.uint8)
    exact = truth[..., 0] < 245  # where +10 did not clip
    assert psnr(off_by_ten, truth, exact) == pytest.approx(20 * np.log10(255 / 10), abs=1e-9)
    assert psnr(truth, truth) == float("inf")
    assert ssim_map(truth, truth).mean() == pytest.approx(1.0)
    hole = np.zeros((64, 64), bool)
    hole[16:48, 16:48] = True
    grid = MosaicGrid(8)
    mosaic = apply_censor(truth, np.ones((64, 64), bool), Censor("mosaic", grid))
    values = scores(mosaic, truth, hole, grid, mosaic)
    assert values["mosaic_consistency"] == 0.0  # the mosaic itself re-pixelates to itself
    assert values["mse_hole"] == pytest.approx(((mosaic.astype(float) - truth) ** 2)[hole].mean())
    from decensor_app.trainer.evaluate import _summary

    pooled = _summary({"mse": [0.0, 100.0], "mse_hole": [0.0, 0.0], "ssim": [1.0, 0.5]})
    assert pooled["psnr"] == pytest.approx(10 * np.log10(255**2 / 50))  # finite with a 0
    assert pooled["psnr_hole"] == float("inf") and pooled["count"] == 2
    assert values["l1_hole"] == pytest.approx(
        np.abs(mosaic.astype(float) - truth)[hole].mean() / 255
    )


def test_hole_losses_average_over_the_hole_only() -> None:
    from decensor_app.trainer.losses import hole_l1, hole_l2

    truth = np.zeros((2, 4, 4, 3), np.float32)
    prediction = np.zeros_like(truth)
    prediction[0, :2] = 0.5  # the hole of the first example: rows 0-1
    prediction[0, 2:] = 9.0  # known pixels: ignored
    mask = np.zeros((2, 4, 4, 1), np.float32)
    mask[0, :2] = 1
    mask[1, 0, 0] = 1
    assert np.allclose(np.asarray(hole_l1(prediction, truth, mask)), [0.5, 0.0])
    assert np.allclose(np.asarray(hole_l2(prediction, truth, mask)), [0.25, 0.0])


def test_training_time_leaves_out_pauses_between_sessions() -> None:
    from decensor_app.trainer.export import training_seconds

    records = [{"step": s, "time": t} for s, t in [(10, 0), (20, 10), (30, 20), (40, 5000),
                                                  (50, 5010), (60, 5020)]]  # fmt: skip
    assert training_seconds(records, 50) == 30.0
    assert training_seconds(records, 60) == 40.0


@pytest.mark.slow  # the commands as a user runs them, one process each
def test_build_fit_resume_export_evaluate_chain_from_the_command_line(tmp_path: Path) -> None:
    pictures = _pictures(tmp_path / "pictures", 36, seed=100)

    def train_cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "decensor_app.trainer", *args], capture_output=True,
            text=True, timeout=600, cwd=tmp_path,
        )  # fmt: skip

    steps = [
        ("build-dataset", "--images", str(pictures), "--out", "data", "--patch-size", "64"),
        ("fit", "--arch", "gated-conv", "--censor", "mosaic", "--data", "data", "--out", "run",
         "--steps", "2", "--batch", "2", "--size", "64", "--width", "8", "--prefill",
         "--discriminator-width", "8"),
        ("fit", "--arch", "gated-conv", "--censor", "mosaic", "--data", "data", "--out", "run",
         "--steps", "4", "--batch", "2", "--size", "64", "--width", "8", "--prefill",
         "--discriminator-width", "8"),
        ("export", "--run", "run", "--name", "chain", "--models-dir", "models"),
        ("evaluate", "--model", "chain", "--models-dir", "models", "--data", "data",
         "--json", "eval/report.json", "--grid", "eval/grid.png"),
    ]  # fmt: skip
    for args in steps:
        result = train_cli(*args)
        assert result.returncode == 0, (args, result.stderr[-2000:])
    report = json.loads((tmp_path / "eval" / "report.json").read_text())
    assert set(report["methods"]) == {
        "chain", "chain (true grid)", "chain (no grid)", "block-means-bicubic",
        "block-means-lanczos", "block-means-lanczos + consistency", "opencv-telea",
    }  # fmt: skip
    assert report["censor"] == "mosaic" and report["patches"] > 0
    assert "| block-means-lanczos |" in (tmp_path / "eval" / "report.md").read_text()
    grid = Image.open(tmp_path / "eval" / "grid.png")
    assert grid.width == 64 * 4  # input, ours, the Lanczos baseline, truth
    manifest = (tmp_path / "models" / "chain.json").read_text()
    assert json.loads(manifest)["training"]["steps"] == 4
    # A report aimed at the model's own manifest is refused before evaluating, and the manifest
    # survives (evaluate --json models/NAME.json used to replace it).
    over = train_cli("evaluate", "--model", "chain", "--models-dir", "models", "--data", "data",
                     "--json", "models/chain.json")  # fmt: skip
    assert over.returncode == 1
    assert "is a model manifest" in over.stderr
    assert (tmp_path / "models" / "chain.json").read_text() == manifest


@pytest.mark.slow
def test_evaluate_scores_a_mosaic_model_with_estimated_true_and_no_grid(
    dataset: Path, tmp_path: Path
) -> None:
    """An untrained residual model returns its block-means fill made consistent with the
    mosaic: with the true grid it equals that baseline, and without a grid it is worse; its
    flip average scores as well."""
    from decensor_app.engines.generators import build_network, write_model
    from decensor_app.trainer.evaluate import evaluate

    config = {"cnum": 8, "residual": True}
    write_model(
        build_network("gated-conv", config, PATCH), tmp_path, "fresh", "gated-conv", config,
        ["mosaic"], PATCH,
    )  # fmt: skip
    report = evaluate("fresh", dataset, "mosaic", tmp_path, limit=12, average_flips=True)
    psnr_of = {name: values["all"]["psnr_hole"] for name, values in report["methods"].items()}
    # The untrained model returns its (nearly symmetric) classical fill, so its flip average
    # scores the same: a patch turned back the wrong way would lose several dB.
    assert psnr_of["fresh (average of 8 flips)"] == pytest.approx(psnr_of["fresh"], abs=0.2)
    consistent = psnr_of["block-means-lanczos + consistency"]
    assert psnr_of["fresh (true grid)"] == pytest.approx(consistent, abs=0.05)
    assert consistent > psnr_of["block-means-lanczos"]
    assert psnr_of["fresh"] > psnr_of["fresh (no grid)"]
    assert psnr_of["fresh (true grid)"] > psnr_of["fresh (no grid)"] + 0.5


def test_missing_dataset_is_a_clear_error(tmp_path: Path) -> None:
    result = _train(tmp_path / "nothing", tmp_path / "run", steps=1)
    assert result.returncode == 1
    assert "build the dataset first" in result.stderr
    assert os.path.exists(tmp_path / "run" / "config.json")


@pytest.mark.slow
def test_perceptual_and_style_losses_run_when_a_vgg19_weights_file_is_given(
    dataset: Path, tmp_path: Path
) -> None:
    """No ImageNet weights can be downloaded here: a VGG19 with random weights, saved to a
    file, stands in for the user's file (the same architecture and loading path)."""
    import keras

    weights = tmp_path / "vgg19.weights.h5"
    keras.applications.VGG19(include_top=False, weights=None).save_weights(weights)
    result = _train_cli(
        "fit", "--arch", "edgeconnect", "--censor", "bar", "--data", str(dataset),
        "--out", str(tmp_path / "run"), "--steps", "1", "--batch", "2", "--size", str(PATCH),
        "--width", "8", "--phase", "inpaint", "--log-every", "1", "--strategy", "default",
        "--vgg19-weights", str(weights),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads((tmp_path / "run" / "log.jsonl").read_text().splitlines()[0])
    assert np.isfinite(record["inpaint_g_loss"])


def test_a_diverged_run_stops_before_checkpointing_broken_weights() -> None:
    from decensor_app.trainer.run import DivergedError, check_finite

    check_finite(5, {"g_loss": 0.3, "d_loss": 1.0})
    with pytest.raises(DivergedError, match=r"diverged at step 7 .*'g_loss': nan"):
        check_finite(7, {"g_loss": float("nan"), "d_loss": 1.0})


# --- precision ----------------------------------------------------------------------------------


def test_precision_auto_trains_in_bfloat16_only_on_cpus_with_amx(tmp_path: Path) -> None:
    assert cpu_training_precision(frozenset({"avx512f", "amx_tile", "amx_bf16"})) == (
        "mixed_bfloat16"
    )
    # AVX512-BF16 without AMX measured slower in bf16 than in float32
    assert cpu_training_precision(frozenset({"avx512f", "avx512_bf16"})) == "float32"
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 amx_bf16 amx_tile\n\n")
    assert {"amx_bf16", "amx_tile", "sse2"} <= cpu_flags(cpuinfo)
    assert cpu_flags(tmp_path / "absent") == frozenset()


@pytest.mark.slow
def test_a_mosaic_network_trained_in_bfloat16_restores_in_float32_as_it_did_in_bfloat16(
    dataset: Path, tmp_path: Path
) -> None:
    """The app runs exported weights in float32; weights trained under mixed_bfloat16 must
    give (nearly) what the network computed in bf16 while it trained."""
    import keras

    run, models = tmp_path / "run", tmp_path / "models"
    try:
        bf16_run = ["--precision", "mixed_bfloat16", "--learning-rate", "1e-3"]
        result = _train(dataset, run, "--arch", "mosaic-sr", "--censor", "mosaic", *bf16_run,
                        steps=3)  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        assert "mixed_bfloat16" in result.stderr
        exported = _train_cli(
            "export", "--run", str(run), "--name", "m", "--models-dir", str(models)
        )
        assert exported.returncode == 0, exported.stderr
        engine = load_engine("m", "mosaic", models, "keras")
        network = engine.network  # type: ignore[attr-defined]
        source = BatchSource(dataset, "test", PATCH, "mosaic", architecture="mosaic-sr",
                             config=engine.manifest.config, augment=False)  # type: ignore[attr-defined]  # fmt: skip
        inputs = source.batch(0, 4).inputs
        float32 = np.asarray(network.predict_on_batch(inputs), np.float32)
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
        from decensor_app.engines.generators import build_network

        bf16 = build_network("mosaic-sr", engine.manifest.config, PATCH)  # type: ignore[attr-defined]
        bf16.set_weights(network.get_weights())
        in_bf16 = np.asarray(bf16.predict_on_batch(inputs), np.float32)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    # [-1, 1] outputs: bf16 keeps 8 significant bits; 0.02 is 2.5 of 255 grey levels
    difference = np.abs(float32 - in_bf16)
    assert float(difference.mean()) < 0.005 and float(difference.max()) < 0.05
    assert float(np.abs(float32 - inputs[1]).max()) > 0.01  # trained: not the bare block means


# --- balanced sampling over sources --------------------------------------------------------------


@pytest.fixture(scope="module")
def two_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset, all train, of a large source (24 pictures) and a small one (3 pictures)."""
    root = tmp_path_factory.mktemp("two-sources")
    folders = []
    for name, count, seed in (("large", 24, 0), ("small", 3, 500)):
        folder = _pictures(root / name, count, seed=seed)
        (folder / "source.json").write_text(json.dumps({"source": name, "licence": "CC0"}))
        folders.append(folder)
    out = root / "data"
    build_dataset(
        BuildOptions(folders, out, patch_size=PATCH, val_fraction=0.0, test_fraction=0.0),
        log=print,
    )
    return out


def _small_share(source: BatchSource, picks: list[Path]) -> float:
    small = {source.files[i] for i in source.by_source["small"]}
    return sum(path in small for path in picks) / len(picks)


def test_balanced_sampling_gives_a_small_source_half_the_patches(two_sources: Path) -> None:
    balanced = BatchSource(two_sources, "train", PATCH, seed=4, balance_sources=True)
    plain = BatchSource(two_sources, "train", PATCH, seed=4)
    sizes = {name: len(group) for name, group in balanced.by_source.items()}
    assert sorted(sizes) == ["large", "small"] and sizes["large"] >= 6 * sizes["small"]
    drawn = balanced.picks(np.random.default_rng([4, 0]), 400)
    assert 0.42 < _small_share(balanced, drawn) < 0.58
    assert _small_share(plain, plain.picks(np.random.default_rng([4, 0]), 400)) < 0.25
    assert balanced.shares() == {"large": 0.5, "small": 0.5}
    assert plain.shares()["small"] == pytest.approx(sizes["small"] / len(plain.files))
    # Still a pure function of seed and step, and another stream than the unbalanced one.
    again = BatchSource(two_sources, "train", PATCH, seed=4, balance_sources=True)
    assert np.array_equal(balanced.batch(3, 8).truth, again.batch(3, 8).truth)
    assert not np.array_equal(balanced.batch(3, 8).truth, plain.batch(3, 8).truth)


def test_without_balancing_the_batches_are_drawn_as_before(two_sources: Path) -> None:
    source = BatchSource(two_sources, "train", PATCH, "mosaic", seed=5)
    # The formula of earlier versions: one draw over all files, then each sample from the rng.
    rng = np.random.default_rng([5, 7])
    old = [source.files[int(i)] for i in rng.integers(0, len(source.files), 6)]
    expected = [source.sample(rng, path) for path in old]
    assert source.picks(np.random.default_rng([5, 7]), 6) == old
    got = source.samples(7, 6)
    assert all(np.array_equal(a.truth, b.truth) and np.array_equal(a.censored, b.censored)
               for a, b in zip(got, expected, strict=True))  # fmt: skip


def test_fit_config_balance_sources_reaches_the_training_stream_and_its_log(
    two_sources: Path,
) -> None:
    from decensor_app.trainer.cli import build_parser
    from decensor_app.trainer.run import FitConfig

    parse = build_parser().parse_args
    assert parse(_fit_args(two_sources, Path("u"), "--balance-sources", steps=1)).balance_sources
    assert not parse(_fit_args(two_sources, Path("u"), steps=1)).balance_sources
    saved_before = {"arch": "gated-conv", "censor": "bar", "data": "d", "out": "o"}
    assert FitConfig.from_json(saved_before).balance_sources is False
    lines: list[str] = []
    config = FitConfig("gated-conv", "bar", str(two_sources), "unused", size=PATCH, width=8,
                       balance_sources=True)  # fmt: skip
    source = BatchSource.for_training(config, log=lines.append)
    assert source.balance_sources
    assert "a source, then a patch of it" in lines[0] and "2 source(s)" in lines[0]
    assert [line.split()[0] for line in lines[1:]] == ["50.0%", "50.0%"]
    assert lines[2].endswith("small")


def test_a_resume_point_without_the_optimizer_is_smaller_and_resumes_with_it_fresh(
    dataset: Path, tmp_path: Path
) -> None:
    run, point = tmp_path / "run", tmp_path / "point"
    first = _train(dataset, run, "--arch", "mosaic-sr", "--censor", "mosaic", steps=2)
    assert first.returncode == 0, first.stderr[-2000:]
    full = _train_cli("snapshot", "--run", str(run), "--out", str(tmp_path / "full"))
    small = _train_cli("snapshot", "--run", str(run), "--out", str(point), "--omit", "g_optimizer")
    assert full.returncode == small.returncode == 0, small.stderr
    size = (point / "resume-point.npz").stat().st_size
    assert size < 0.5 * (tmp_path / "full" / "resume-point.npz").stat().st_size
    archive = read_checkpoint(point / "resume-point.npz")
    assert not any(key.startswith("g_optimizer/") for key in archive)
    generator = {k: v for k, v in read_checkpoint(run / "checkpoints" / "ckpt-00000002.npz").items()
                 if k.startswith("generator/")}  # fmt: skip
    resumed = _train(dataset, point, "--arch", "mosaic-sr", "--censor", "mosaic", steps=3)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resumed" in resumed.stderr and "g_optimizer start fresh" in resumed.stderr
    assert sorted(_losses(point)) == [1, 2, 3]
    bad = _train_cli("snapshot", "--run", str(run), "--out", str(point), "--omit", "nothing")
    assert bad.returncode == 2 and "has no group nothing" in bad.stderr
    # the generator it resumed from is the run's step-2 generator, not a fresh one
    for key, value in generator.items():
        assert np.array_equal(archive[key], value)


def test_estimated_grids_give_some_mosaic_patches_the_apps_grid_and_leave_other_runs_alone(
    dataset: Path,
) -> None:
    from decensor_app.pipeline.grids import estimated_patch_grid

    def source(share: float) -> BatchSource:
        return BatchSource(dataset, "train", PATCH, "mosaic", architecture="mosaic-sr",
                           config={"width": 8}, wild_mosaics=True,
                           estimated_grids=share)  # fmt: skip

    plain, estimated = source(0.0).samples(3, 24), source(1.0).samples(3, 24)
    for before, after in zip(plain, estimated, strict=True):
        assert np.array_equal(before.truth, after.truth)  # same patches, holes and mosaics
        assert np.array_equal(before.censored, after.censored)
        assert after.patch.grid == estimated_patch_grid(after.censored, after.patch.hole)
    # the estimate differs from the truth on some of these (JPEG, centre-pixel mosaics)
    assert any(a.patch.grid != b.patch.grid for a, b in zip(plain, estimated, strict=True))
    refused = _train_cli("fit", "--arch", "mosaic-sr", "--censor", "mosaic", "--data",
                         str(dataset), "--out", "unused", "--estimated-grids", "1.5")  # fmt: skip
    assert refused.returncode == 2 and "--estimated-grids" in refused.stderr
