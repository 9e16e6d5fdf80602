"""The architecture registry: one spec per architecture, one encoder for trainer and engine."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
pytest.importorskip("tensorflow")

from decensor_app import architectures
from decensor_app.cli import main as decensor_main
from decensor_app.engines import Engine, EngineError, list_models, load_engine
from decensor_app.engines.generators import GeneratorEngine, build_network, write_model
from decensor_app.engines.manifest import Manifest
from decensor_app.masks import GREEN
from decensor_app.pipeline import BatchOptions, mosaic_grid, run_batch
from decensor_app.planning import Crop, make_patch
from decensor_app.trainer.cli import main as train_main
from decensor_app.trainer.data import BatchSource
from decensor_app.trainer.dataset import BuildOptions, build_dataset
from tests import tiny_architecture
from tests.conftest import scene

SIZE = 64
#: (architecture, network config) of every built-in architecture, small.
CONFIGS: list[Any] = [
    ("gated-conv", {"cnum": 8, "residual": False}),
    ("gated-conv", {"cnum": 8, "residual": True}),
    # EdgeConnect's Canny and two generators make it the slowest case (about 15 s each)
    pytest.param("edgeconnect", {"width": 8}, marks=pytest.mark.slow),
    ("mosaic-sr", {"width": 8, "blocks": 2}),
    ("fourier-bar", {"width": 8, "blocks": 2}),
]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("architectures")
    pictures = root / "pictures"
    pictures.mkdir()
    for index in range(12):
        Image.fromarray(scene(160, 120, seed=40 + index)).save(pictures / f"p{index:02d}.png")
    (pictures / "source.json").write_text(json.dumps({"source": "tests", "licence": "CC0"}))
    build_dataset(
        BuildOptions([pictures], root / "data", patch_size=SIZE, seed=1, test_fraction=0.25),
        log=print,
    )
    return root / "data"


def test_every_built_in_architecture_is_registered_once_and_found_by_name() -> None:
    assert architectures.names()[:3] == ("gated-conv", "edgeconnect", "mosaic-sr")
    covered = {case.values[0] if hasattr(case, "values") else case[0] for case in CONFIGS}
    assert covered == set(architectures.names())
    for name in architectures.names():
        assert architectures.get(name).name == name
    with pytest.raises(KeyError, match="known: gated-conv, edgeconnect, mosaic-sr"):
        architectures.get("no-such")
    with pytest.raises(ValueError, match="already registered"):
        architectures.register(architectures.get("gated-conv"))


@pytest.mark.parametrize(("architecture", "config"), CONFIGS)
@pytest.mark.parametrize("censor", ["bar", "mosaic"])
def test_the_trainer_feeds_the_network_what_the_engine_feeds_it_in_the_app(
    architecture: str, config: dict[str, object], censor: str, dataset: Path, tmp_path: Path
) -> None:
    """Training batches and the pipeline's patches of the same censored picture reach the
    network as the same arrays (one encoder; the trainer's patch equals make_patch's)."""
    if censor not in architectures.get(architecture).censor_types:
        pytest.skip(f"{architecture} does not restore {censor}")
    write_model(
        build_network(architecture, config, SIZE), tmp_path, "m", architecture, config,
        [censor], SIZE,
    )  # fmt: skip
    engine = load_engine("m", censor, tmp_path)  # type: ignore[arg-type]
    assert isinstance(engine, GeneratorEngine)
    source = BatchSource(
        dataset, "train", SIZE, censor, seed=5, architecture=architecture, config=config
    )  # type: ignore[arg-type]
    batch = source.batch(3, 4)
    crop = Crop(0, 0, SIZE, SIZE)
    for index, sample in enumerate(source.samples(3, 4)):
        hole = sample.patch.hole
        if censor == "mosaic":
            # The mosaic as the app reads it from the original; its grid as detection gives it.
            original = sample.censored
            grid = mosaic_grid(original, crop, hole, [(hole, sample.patch.grid)])
            assert grid == sample.patch.grid
            patch = make_patch(original, hole, original, crop, SIZE, grid)
        else:
            greened = np.where(hole[..., None], GREEN, sample.truth).astype(np.uint8)
            patch = make_patch(greened, hole, None, crop, SIZE)
        seen_by_engine = engine.encode([patch.engine_input()])
        assert len(seen_by_engine) == len(batch.inputs)
        for trained, applied in zip(batch.inputs, seen_by_engine, strict=True):
            assert trained.dtype == applied.dtype
            assert np.array_equal(trained[index], applied[0])


def test_a_manifest_config_is_validated_against_the_architecture_spec(tmp_path: Path) -> None:
    base = {
        "name": "m", "architecture": "gated-conv", "censor_types": ["bar"], "input_size": 64,
        "parameters": 1, "weights": "m.weights.h5", "sha256": "0" * 64,
    }  # fmt: skip
    for config, reason in [
        ({"cnum": 10**6}, "above 256"),
        ({"cnum": "16"}, "is not a int"),
        ({"cnum": 16, "depth": 3}, "unknown config keys"),
        ({"residual": True}, "lacks 'cnum'"),
        ([16], "is not an object"),
    ]:
        path = tmp_path / "m.json"
        path.write_text(json.dumps({**base, "config": config}))
        with pytest.raises(EngineError, match=reason):
            Manifest.load(path)


@pytest.fixture
def tiny_registered() -> Iterator[str]:
    architectures.register(tiny_architecture.SPEC)
    try:
        yield tiny_architecture.NAME
    finally:
        architectures.unregister(tiny_architecture.NAME)


def _run(main: object, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))  # type: ignore[operator]
    return code, out.getvalue(), err.getvalue()


def test_a_new_architecture_is_one_module_and_one_registration(
    tiny_registered: str, dataset: Path, tmp_path: Path
) -> None:
    """tests/tiny_architecture.py trains, exports, lists and restores through the pipeline."""
    run, models = tmp_path / "run", tmp_path / "models"
    code, _, err = _run(
        train_main, "fit", "--arch", tiny_registered, "--censor", "bar", "--data", str(dataset),
        "--out", str(run), "--steps", "30", "--batch", "4", "--size", str(SIZE),
        "--learning-rate", "0.01", "--checkpoint-every", "15", "--log-every", "1",
        "--strategy", "default",
    )  # fmt: skip
    assert code == 0, err
    assert len((run / "log.jsonl").read_text().splitlines()) == 30
    code, _, err = _run(train_main, "export", "--run", str(run), "--name", "tiny-bar",
                        "--models-dir", str(models))  # fmt: skip
    assert code == 0, err
    code, out, _ = _run(train_main, "describe", "--arch", tiny_registered, "--json")
    assert code == 0 and json.loads(out)["parameters"]["generator"] == 3 * 3 * 4 * 3 + 3

    # It learned: on held-back patches its hole is closer to the truth than the untrained
    # network's (which starts as the identity, a gray hole).
    samples = BatchSource(dataset, "test", SIZE, "bar", seed=9).samples(0, 8)
    trained = load_engine("tiny-bar", "bar", models)
    write_model(build_network(tiny_registered, {}, SIZE), tmp_path / "untrained", "tiny-bar",
                tiny_registered, {}, ["bar"], SIZE)  # fmt: skip
    untrained = load_engine("tiny-bar", "bar", tmp_path / "untrained")

    def hole_error(engine: Engine) -> float:
        outputs = engine.restore_batch([sample.patch for sample in samples])
        return float(np.mean([np.abs(o.astype(float) - s.truth)[s.patch.hole].mean()
                              for o, s in zip(outputs, samples, strict=True)]))  # fmt: skip

    assert hole_error(trained) < 0.95 * hole_error(untrained)

    code, out, err = _run(decensor_main, "--list-models", "--json", "--models-dir", str(models))
    assert code == 0, err
    listed = {row["name"]: row for row in json.loads(out)["models"]}
    assert listed["tiny-bar"]["architecture"] == tiny_registered
    assert [info.name for info in list_models(models)][-1] == "tiny-bar"

    folders = [tmp_path / name for name in ("in", "orig", "out")]
    for folder in folders[:2]:
        folder.mkdir()
    picture = scene(100, 80, seed=9)
    hole = np.zeros((80, 100), bool)
    hole[20:50, 30:70] = True
    Image.fromarray(np.where(hole[..., None], GREEN, picture).astype(np.uint8)).save(
        folders[0] / "pic.png"
    )
    options = BatchOptions(*folders, model="tiny-bar", models_dir=models)
    report = run_batch(options)
    assert report.count("restored") == 1, report.to_json()
    restored = np.array(Image.open(folders[2] / "pic.png"))
    assert np.array_equal(restored[~hole], picture[~hole])
    assert not (restored[hole] == GREEN).all(axis=-1).any()


def test_an_unregistered_architecture_is_refused_by_name(tmp_path: Path) -> None:
    architectures.register(tiny_architecture.SPEC)
    try:
        config: dict[str, object] = {}
        write_model(
            build_network(tiny_architecture.NAME, config, 16), tmp_path, "t",
            tiny_architecture.NAME, config, ["bar"], 16,
        )  # fmt: skip
    finally:
        architectures.unregister(tiny_architecture.NAME)
    with pytest.raises(EngineError, match="unknown architecture 'tiny-test-arch'"):
        Manifest.load(tmp_path / "t.json")
