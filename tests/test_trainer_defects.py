"""Defects of issue 18 on the trainer's and the engines' side, each reproduced in tmp_path."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import stat
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import EpsImagePlugin, Image

from decensor_app.engines import EngineError, broken_manifests, default_model, load_engine
from decensor_app.engines.manifest import Manifest
from decensor_app.trainer.cli import main as train_main
from decensor_app.trainer.data import BatchSource
from decensor_app.trainer.dataset import BuildOptions, build_dataset
from decensor_app.trainer.evaluate import make_cases
from decensor_app.trainer.run import FitConfig, RunDir
from tests import test_trainer
from tests.conftest import unwritable
from tests.test_trainer import PATCH, _pictures, _run_copy, _train, _train_cli

# The trainer tests' module fixtures: one tiny dataset and one tiny trained run.
dataset = test_trainer.dataset
trained = test_trainer.trained

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "models" / "gated-conv-bar.json"

POSTSCRIPT = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 64 64\n"
    b"newpath 0 0 moveto 64 0 lineto 64 64 lineto closepath fill\nshowpage\n%%EOF\n"
)


def _usage(*args: str) -> tuple[int, str]:
    """Exit status and stderr of ``decensor-train ARGS`` that may stop in argparse."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        try:
            code = train_main(list(args))
        except SystemExit as stop:
            code = int(stop.code or 0)
    return code, stderr.getvalue()


def _manifest_data(**changes: object) -> dict[str, object]:
    data = json.loads(SHIPPED.read_text())
    data.update(changes)
    return data


def _models_folder(tmp_path: Path, **changes: object) -> Path:
    """A models folder holding one manifest ``m.json`` (the shipped default's, changed)."""
    folder = tmp_path / "models"
    folder.mkdir(exist_ok=True)
    data = _manifest_data(name="m", **changes)
    (folder / "m.json").write_text(json.dumps(data))
    return folder


# --- D1: Pillow decodes only the trainer's formats -----------------------------------------------


@pytest.fixture
def fake_ghostscript(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``gs`` on PATH that only leaves a marker file: did anything run Ghostscript?"""
    binaries = tmp_path / "bin"
    binaries.mkdir()
    marker = tmp_path / "ghostscript-ran"
    script = binaries / "gs"
    script.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{binaries}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(EpsImagePlugin, "gs_binary", None)  # found again on the new PATH
    return marker


def _dataset_with_postscript(dataset: Path, tmp_path: Path) -> tuple[Path, Path]:
    copy = tmp_path / "data"
    shutil.copytree(dataset, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    name = next(n for n in manifest["patch_sha256"] if n.startswith("train/"))
    (copy / name).write_bytes(POSTSCRIPT)
    return copy, copy / name


def test_a_postscript_patch_named_png_is_refused_without_running_ghostscript(
    dataset: Path, tmp_path: Path, fake_ghostscript: Path
) -> None:
    data, patch = _dataset_with_postscript(dataset, tmp_path)
    source = BatchSource(data, "train", PATCH)
    with pytest.raises(Image.UnidentifiedImageError):
        source.sample(np.random.default_rng(0), patch)
    with pytest.raises(Image.UnidentifiedImageError):
        make_cases([patch], PATCH, "bar", 0)
    assert not fake_ghostscript.exists()


# --- D2: weights confined to the models folder ---------------------------------------------------


@pytest.mark.parametrize("where", ["parent", "absolute"])
def test_a_manifest_whose_weights_lie_outside_the_models_folder_is_refused_unread(
    tmp_path: Path, where: str
) -> None:
    secret = tmp_path / "secret.bin"
    secret.write_bytes(b"not yours")
    weights = "../secret.bin" if where == "parent" else str(secret)
    folder = _models_folder(tmp_path, weights=weights)
    with pytest.raises(EngineError, match="outside the models folder") as refused:
        Manifest.load(folder / "m.json")
    with pytest.raises(EngineError, match="outside the models folder") as refused:
        load_engine("m", "bar", folder)
    assert "SHA-256" not in str(refused.value)


# --- D8: broken manifests are reported, a broken default or named model fails --------------------


def test_a_truncated_or_unknown_architecture_manifest_is_listed_as_broken_and_fails_the_default(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "cut.json").write_text(SHIPPED.read_text()[:100])
    unknown = _manifest_data(name="alien", architecture="no-such-net", default_for=["mosaic"])
    (folder / "alien.json").write_text(json.dumps(unknown))
    broken = dict(broken_manifests(folder))
    assert set(broken) == {folder / "cut.json", folder / "alien.json"}
    assert "no-such-net" in broken[folder / "alien.json"]
    # A truncated manifest may have been the default of either censor type: no silent Telea.
    with pytest.raises(EngineError, match=r"cut\.json"):
        default_model("bar", folder)
    (folder / "cut.json").unlink()
    with pytest.raises(EngineError, match=r"alien\.json"):
        default_model("mosaic", folder)
    assert default_model("bar", folder) == "telea"  # alien is no bar model
    with pytest.raises(EngineError, match="no-such-net"):
        load_engine("alien", "mosaic", folder)


# --- D18: manifest config and input_size validated ----------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"input_size": "256"},
        {"input_size": 0},
        {"input_size": 1_000_000},
        {"input_size": 250},
        {"input_size": True},
        {"config": {"cnum": 10**9}},
        {"config": {"cnum": "48"}},
        {"config": [48]},
        {"censor_types": ["bars"]},
        {"censor_types": "bar"},
        {"weights": 3},
        {"parameters": "many"},
        {"default_for": ["mosaic"]},
    ],
    ids=lambda c: "-".join(f"{k}={v!r}" for k, v in c.items())[:40],
)
def test_a_manifest_with_wrong_types_or_absurd_values_is_refused_clearly(
    tmp_path: Path, changes: dict[str, object]
) -> None:
    folder = _models_folder(tmp_path, **changes)
    with pytest.raises(EngineError, match=r"m\.json"):
        Manifest.load(folder / "m.json")


# --- D17: errors of the batch producer reach fit -------------------------------------------------


def test_an_error_in_the_batch_producer_is_raised_instead_of_waiting_forever(
    dataset: Path,
) -> None:
    source = BatchSource(dataset, "train", PATCH * 2)  # larger than the patches
    outcome: list[BaseException | object] = []

    def consume() -> None:
        try:
            outcome.append(next(iter(source.stream(0, 4, 2))))
        except BaseException as error:  # the test inspects it
            outcome.append(error)

    worker = threading.Thread(target=consume, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert outcome, "the consumer is still waiting for a batch"
    assert isinstance(outcome[0], ValueError)
    assert "smaller than the training size" in str(outcome[0])


@pytest.mark.slow  # traces a training step
def test_fit_with_a_size_larger_than_the_patches_exits_1_with_the_reason(
    dataset: Path, tmp_path: Path
) -> None:
    result = _train(dataset, tmp_path / "run", "--size", str(PATCH * 2), steps=2)
    assert result.returncode == 1
    assert "smaller than the training size" in result.stderr


# --- D25: non-positive counts are usage errors --------------------------------------------------


@pytest.mark.parametrize(
    "option",
    ["--checkpoint-every", "--keep-checkpoints", "--log-every", "--image-every", "--batch",
     "--size", "--steps", "--width"],
)  # fmt: skip
@pytest.mark.parametrize("value", ["0", "-3"])
def test_non_positive_counts_are_refused_as_usage_errors(
    tmp_path: Path, option: str, value: str
) -> None:
    code, stderr = _usage(
        "fit", "--arch", "gated-conv", "--censor", "bar", "--data", str(tmp_path),
        "--out", str(tmp_path / "run"), option, value,
    )  # fmt: skip
    assert code == 2
    assert option in stderr and "positive" in stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "args",
    [["build-dataset", "--images", ".", "--out", "x", "--patch-size", "0"],
     ["evaluate", "--model", "telea", "--data", "x", "--limit", "0"],
     ["export", "--run", "x", "--name", "n", "--input-size", "-8"]],
)  # fmt: skip
def test_non_positive_sizes_and_limits_are_usage_errors(args: list[str]) -> None:
    code, stderr = _usage(*args)
    assert code == 2 and "positive" in stderr


# --- D23: evaluate on an empty split -------------------------------------------------------------


def test_evaluate_on_an_empty_split_is_refused_before_writing_a_report(
    dataset: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(dataset, data)
    manifest = json.loads((data / "manifest.json").read_text())
    manifest["patch_sha256"] = {
        k: v for k, v in manifest["patch_sha256"].items() if not k.startswith("val/")
    }
    (data / "manifest.json").write_text(json.dumps(manifest))
    report = tmp_path / "report.json"
    result = _train_cli(
        "evaluate", "--model", "telea", "--data", str(data), "--split", "val", "--json", str(report)
    )
    assert result.returncode == 1
    assert "val split" in result.stderr and "no patches" in result.stderr
    assert not report.exists() and not report.with_suffix(".md").exists()


# --- D24: malformed source.json / members.json ---------------------------------------------------


@pytest.mark.parametrize("broken", ["source.json", "members.json"])
def test_a_malformed_json_file_is_named_and_no_half_built_dataset_is_left(
    tmp_path: Path, broken: str
) -> None:
    pictures = _pictures(tmp_path / "pictures", 4)
    sub = _pictures(pictures / "zz-late", 2, seed=50)  # read after the others' patches
    (sub / broken).write_text('{"source": "x", ')
    out = tmp_path / "data"
    with pytest.raises(ValueError, match=re.escape(str(sub / broken))):
        build_dataset(BuildOptions([pictures], out, patch_size=PATCH), log=lambda _: None)
    assert not out.exists()


def test_a_failed_rebuild_keeps_the_earlier_dataset_whole(tmp_path: Path) -> None:
    pictures = _pictures(tmp_path / "pictures", 4)
    out = tmp_path / "data"
    build_dataset(BuildOptions([pictures], out, patch_size=PATCH), log=lambda _: None)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    late = _pictures(pictures / "zz-late", 2, seed=50)  # read after the others' patches
    (late / "members.json").write_text("[")
    with pytest.raises(ValueError, match=r"members\.json"):
        build_dataset(BuildOptions([pictures], out, patch_size=PATCH, seed=9), log=print)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


# --- D26: stale temporary files of killed checkpoint writes --------------------------------------


def test_stale_partial_files_in_the_checkpoint_folder_are_removed_at_the_next_start(
    tmp_path: Path,
) -> None:
    run = RunDir(tmp_path / "run")
    run.checkpoints.mkdir(parents=True)
    stale = [run.checkpoints / "tmpab12cd.partial", run.checkpoints / ".ckpt-00000004.x1.partial"]
    for path in stale:
        path.write_bytes(b"half a checkpoint")
    kept = run.checkpoints / "notes.txt"
    kept.write_text("mine")
    messages: list[str] = []
    run.prepare(FitConfig("gated-conv", "bar", "data", str(run.path)), log=messages.append)
    assert not any(path.exists() for path in stale)
    assert kept.exists()
    assert any("2 unfinished" in message for message in messages)


# --- D21: torn last line of log.jsonl ------------------------------------------------------------


def test_a_torn_last_log_line_is_ignored_and_reported(tmp_path: Path) -> None:
    run = RunDir(tmp_path)
    run.log_path.write_text('{"step": 1, "g_loss": 1.0}\n{"step": 2, "g_lo')
    messages: list[str] = []
    assert run.read_log(log=messages.append) == [{"step": 1, "g_loss": 1.0}]
    assert any(str(run.log_path) in message and "torn" in message for message in messages)
    run.log_path.write_text('{"step": 1\n{"step": 2}\n')
    with pytest.raises(ValueError, match=re.escape(str(run.log_path)) + " line 1"):
        run.read_log()


# --- D20: a corrupt newest checkpoint ------------------------------------------------------------


def _truncated_newer_checkpoint(run: Path) -> Path:
    good = sorted((run / "checkpoints").glob("ckpt-*.npz"))[-1]
    newer = good.with_name("ckpt-00000004.npz")
    newer.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return newer


def test_a_truncated_newest_checkpoint_is_set_aside_and_the_newest_good_one_resumed(
    tmp_path: Path,
) -> None:
    pytest.importorskip("tensorflow")
    import keras

    run = RunDir(tmp_path / "run")
    run.checkpoints.mkdir(parents=True)
    weights = [keras.Variable(np.zeros((2, 3), np.float32))]
    run.save_checkpoint(2, {"generator": [np.ones((2, 3), np.float32)]}, keep=3)
    corrupt = _truncated_newer_checkpoint(run.path)
    messages: list[str] = []
    assert run.resume({"generator": weights}, messages.append) == 2
    assert np.all(np.asarray(weights[0]) == 1)
    assert any(corrupt.name in m and "ckpt-00000002.npz" in m for m in messages)
    assert not corrupt.exists() and corrupt.with_name(corrupt.name + ".corrupt").exists()


@pytest.mark.slow  # resumes a real run
def test_fit_resumes_from_the_newest_good_checkpoint(trained: Path, tmp_path: Path) -> None:
    run = _run_copy(trained, tmp_path / "run")
    data = json.loads((run / "config.json").read_text())["data"]
    _truncated_newer_checkpoint(run)
    result = _train(Path(data), run, steps=4)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "corrupt" in result.stderr and "ckpt-00000002.npz" in result.stderr


# --- D22: a checkpoint that cannot be written ----------------------------------------------------


@pytest.mark.slow  # resumes a real run
def test_a_checkpoint_that_cannot_be_written_exits_1_with_the_reason_and_leaves_no_partial(
    trained: Path, tmp_path: Path
) -> None:
    run = _run_copy(trained, tmp_path / "run")
    data = json.loads((run / "config.json").read_text())["data"]
    with unwritable(run / "checkpoints"):
        result = _train(Path(data), run, steps=4)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "cannot write checkpoint" in result.stderr and "Traceback" not in result.stderr
    assert not list((run / "checkpoints").glob("*partial*"))


# --- D5: export --------------------------------------------------------------------------------


@pytest.mark.slow  # builds a network
def test_export_refuses_an_existing_model_name_without_overwrite(
    trained: Path, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    first = _train_cli("export", "--run", str(trained), "--name", "m", "--models-dir", str(models))
    assert first.returncode == 0, first.stderr
    manifest = (models / "m.json").read_bytes()
    again = _train_cli("export", "--run", str(trained), "--name", "m", "--models-dir", str(models))
    assert again.returncode == 1 and "--overwrite" in again.stderr
    assert (models / "m.json").read_bytes() == manifest
    replaced = _train_cli(
        "export", "--run", str(trained), "--name", "m", "--models-dir", str(models), "--overwrite",
        "--description", "second",
    )  # fmt: skip
    assert replaced.returncode == 0, replaced.stderr
    assert Manifest.load(models / "m.json").description == "second"
    assert sorted(p.name for p in models.iterdir()) == ["m.json", "m.onnx", "m.weights.h5"]
    assert load_engine("m", "bar", models).native_size == PATCH


@pytest.mark.slow  # builds a network
def test_export_default_takes_the_default_over_from_the_installed_one(
    trained: Path, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    first = _train_cli(
        "export", "--run", str(trained), "--name", "old", "--models-dir", str(models), "--default"
    )
    assert first.returncode == 0, first.stderr
    assert default_model("bar", models) == "old"
    second = _train_cli(
        "export", "--run", str(trained), "--name", "new", "--models-dir", str(models), "--default"
    )
    assert second.returncode == 0, second.stderr
    assert "old is no longer the default bar model" in second.stderr
    assert Manifest.load(models / "old.json").default_for == []
    assert Manifest.load(models / "new.json").default_for == ["bar"]
    assert default_model("bar", models) == "new"
    load_engine("old", "bar", models)  # still installed and loadable, only not the default
