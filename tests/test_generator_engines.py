"""Learned engines: manifests, checksums, clear errors, hole-only restoration, batching."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
pytest.importorskip("tensorflow")

from decensor_app.engines import EngineError, default_model, list_models, load_engine
from decensor_app.engines.base import EngineInput
from decensor_app.engines.generators import build_network, write_model
from decensor_app.masks import exact_green, green_mask
from decensor_app.mosaic import MosaicGrid, estimate_grid, match_block_means, pixelate
from decensor_app.pipeline import run_batch
from tests.conftest import Folders, box, paint, save_png, scene

SIZE = 64


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Small untrained models of both architectures, exported as the app ships them."""
    folder = tmp_path_factory.mktemp("models")
    write_model(
        build_network("gated-conv", {"cnum": 8}, SIZE), folder, "tiny-gated", "gated-conv",
        {"cnum": 8}, ["bar", "mosaic"], SIZE, default_for=["bar"],
    )  # fmt: skip
    write_model(
        build_network("edgeconnect", {"width": 8}, SIZE), folder, "tiny-edge", "edgeconnect",
        {"width": 8}, ["bar"], SIZE,
    )  # fmt: skip
    return folder


def _copy_model(source: Path, name: str, target: Path) -> Path:
    target.mkdir(exist_ok=True)
    for suffix in (".json", ".weights.h5"):
        (target / f"{name}{suffix}").write_bytes((source / f"{name}{suffix}").read_bytes())
    return target


def test_installed_models_are_listed_and_the_marked_one_is_the_default(models_dir: Path) -> None:
    listed = {info.name: info for info in list_models(models_dir)}
    assert listed["tiny-gated"].architecture == "gated-conv"
    assert listed["tiny-gated"].censor_types == ("bar", "mosaic")
    assert listed["tiny-gated"].parameters > 0
    assert listed["tiny-edge"].architecture == "edgeconnect"
    assert default_model("bar", models_dir) == "tiny-gated"
    assert default_model("mosaic", models_dir) == "mosaic-bicubic"


@pytest.mark.parametrize("name", ["tiny-gated", pytest.param("tiny-edge", marks=pytest.mark.slow)])
def test_learned_engines_restore_only_hole_pixels(
    models_dir: Path, folders: Folders, name: str
) -> None:
    hole = box(120, 160, 30, 20, 90, 60) | box(120, 160, 140, 100, 10, 10)
    save_png(folders.input / "pic.png", paint(scene(), hole))
    report = run_batch(folders.options(model=name, models_dir=models_dir, variations=2))
    assert report.files[0].status == "restored", report.files[0].error
    greened = paint(scene(), hole)
    mask = green_mask(greened)  # the hole plus the rim of a green disc touching it
    for variation in (1, 2):
        output = np.array(Image.open(folders.output / f"pic_v{variation}.png"))
        assert np.array_equal(output[~mask], greened[~mask])
        assert not exact_green(output).any()


def test_bar_models_see_a_zeroed_hole_and_mosaic_models_see_the_mosaic(
    models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = load_engine("tiny-gated", "mosaic", models_dir)
    seen: list[np.ndarray] = []
    predict = engine.network.predict_on_batch

    def record(inputs: list[np.ndarray]) -> object:
        seen.append(np.array(inputs[0]))
        return predict(inputs)

    monkeypatch.setattr(engine.network, "predict_on_batch", record)
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (SIZE, SIZE, 3), dtype=np.uint8)
    hole = box(SIZE, SIZE, 16, 16, 32, 32)
    mosaic = rng.integers(0, 255, (SIZE, SIZE, 3), dtype=np.uint8)
    engine.restore(EngineInput(image, hole))
    engine.restore(EngineInput(image, hole, mosaic))
    bar_input, mosaic_input = seen[0][0], seen[1][0]
    scaled = image.astype(np.float32) / 127.5 - 1
    assert np.allclose(bar_input[~hole], scaled[~hole]) and (bar_input[hole] == 0).all()
    assert np.allclose(mosaic_input[hole], mosaic[hole].astype(np.float32) / 127.5 - 1)
    assert np.allclose(mosaic_input[~hole], scaled[~hole])


@pytest.mark.slow
def test_an_untrained_residual_model_gives_its_classical_baseline(tmp_path: Path) -> None:
    """A residual model starts at Telea (bars) and interpolated block means (mosaics): the
    engine prepares exactly the fill the classical engines compute (and makes a mosaic result
    consistent with the mosaic)."""
    config = {"cnum": 8, "residual": True}
    write_model(
        build_network("gated-conv", config, SIZE), tmp_path, "residual", "gated-conv", config,
        ["bar", "mosaic"], SIZE,
    )  # fmt: skip
    picture = scene(SIZE, SIZE, seed=4)
    hole = box(SIZE, SIZE, 12, 8, 30, 24)
    blanked = np.where(hole[..., None], 0, picture).astype(np.uint8)
    restored = load_engine("residual", "bar", tmp_path).restore(EngineInput(blanked, hole))
    telea = load_engine("telea", "bar", tmp_path).restore(EngineInput(blanked, hole))
    assert np.abs(restored.astype(int) - telea)[hole].max() <= 1

    original = np.where(hole[..., None], pixelate(picture, MosaicGrid(6, 2, 4)), picture)
    grid = estimate_grid(original, hole)
    assert grid == MosaicGrid(6, 2, 4)
    mosaic_patch = EngineInput(blanked, hole, original, grid)
    restored = load_engine("residual", "mosaic", tmp_path).restore(mosaic_patch)
    lanczos = load_engine("mosaic-lanczos", "mosaic", tmp_path).restore(mosaic_patch)
    # ... then made consistent with the mosaic.
    consistent = match_block_means(lanczos, blanked, original, hole, grid)
    assert np.abs(restored.astype(int) - consistent)[hole].max() <= 1
    assert not np.array_equal(consistent[hole], lanczos[hole])


def test_a_batch_gives_what_each_patch_gives_alone(models_dir: Path) -> None:
    engine = load_engine("tiny-gated", "bar", models_dir)
    # An untrained network answers about 127 everywhere; amplify its last layer so that its
    # output depends visibly on the input.
    to_rgb = engine.network.merge_layers[-1]
    to_rgb.kernel.assign(np.asarray(to_rgb.kernel) * 300.0)
    rng = np.random.default_rng(1)
    images = [rng.integers(0, 255, (SIZE, SIZE, 3), dtype=np.uint8) for _ in range(3)]
    holes = [box(SIZE, SIZE, 8 * i, 10, 20, 30) for i in range(3)]
    batch = engine.restore_batch([EngineInput(i, h) for i, h in zip(images, holes, strict=True)])
    assert not np.array_equal(batch[0], batch[1])
    for image, hole, batched in zip(images, holes, batch, strict=True):
        alone = engine.restore(EngineInput(image, hole))
        # Equal up to float summation order (a rare one-level rounding difference).
        assert np.abs(alone.astype(int) - batched).max() <= 1
        assert np.mean(alone != batched) < 0.01


def test_missing_weights_name_the_file(models_dir: Path, tmp_path: Path) -> None:
    folder = _copy_model(models_dir, "tiny-gated", tmp_path / "m")
    (folder / "tiny-gated.weights.h5").unlink()
    with pytest.raises(EngineError, match=r"weights file .*tiny-gated\.weights\.h5.* is missing"):
        load_engine("tiny-gated", "bar", folder)


def test_corrupted_weights_are_refused_by_checksum(models_dir: Path, tmp_path: Path) -> None:
    folder = _copy_model(models_dir, "tiny-gated", tmp_path / "m")
    weights = folder / "tiny-gated.weights.h5"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(
        EngineError, match=r"tiny-gated\.weights\.h5 of model 'tiny-gated' is corrupt"
    ):
        load_engine("tiny-gated", "bar", folder)


def test_weights_of_another_architecture_are_refused(models_dir: Path, tmp_path: Path) -> None:
    folder = _copy_model(models_dir, "tiny-gated", tmp_path / "m")
    edge_weights = (models_dir / "tiny-edge.weights.h5").read_bytes()
    (folder / "tiny-gated.weights.h5").write_bytes(edge_weights)
    manifest = json.loads((folder / "tiny-gated.json").read_text())
    manifest["sha256"] = hashlib.sha256(edge_weights).hexdigest()
    (folder / "tiny-gated.json").write_text(json.dumps(manifest))
    with pytest.raises(EngineError, match="does not fit a gated-conv network"):
        load_engine("tiny-gated", "bar", folder)


def test_an_unreadable_manifest_is_reported_by_name(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(EngineError, match=r"broken\.json is unreadable"):
        load_engine("broken", "bar", tmp_path)
    assert "broken" not in {info.name for info in list_models(tmp_path)}


def test_a_model_is_refused_for_a_censor_type_it_does_not_restore(models_dir: Path) -> None:
    with pytest.raises(EngineError, match="restores bar, not mosaic"):
        load_engine("tiny-edge", "mosaic", models_dir)
