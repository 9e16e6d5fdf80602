"""The shipped models' outputs stay bit-identical across refactors.

The outputs of the shipped bar models (``gated-conv-bar``, ``fourier-bar``) on the README sample
and of the mosaic models (``gated-conv-mosaic``, ``mosaic-sr``) on a mosaic over a drawn picture
(both through the pipeline, which resolves the mosaic grid) and on 10 synthesised patches per
model (through the engine, mosaics with the true grid) are hashed and compared with hashes
stored in ``tests/golden/shipped_outputs.json``.

Each runtime is checked (Keras on TensorFlow, and ONNX Runtime on the exported graphs). Float
kernels differ between CPU instruction sets, runtimes and their builds, and a last-bit
difference can flip a rounded pixel, so the stored hashes are keyed by the machine's kind
(the runtime's versions and the CPU's vector extensions). A machine kind with no stored
hashes is skipped with the command that records them: record them *before* a change that must
keep the outputs, on the unchanged code, then check after it::

    DECENSOR_RECORD_OUTPUTS=1 .venv/bin/python -m pytest tests/test_shipped_outputs.py
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
pytest.importorskip("tensorflow")

from decensor_app.engines import load_engine
from decensor_app.engines.base import EngineInput
from decensor_app.imaging import load_picture
from decensor_app.masks import green_mask
from decensor_app.mosaic import MosaicGrid, pixelate
from decensor_app.pipeline import restore_image
from decensor_app.trainer.synthesis import apply_censor, sample_censor, sample_mask
from tests.conftest import box, scene

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "models"
STORE = Path(__file__).resolve().parent / "golden" / "shipped_outputs.json"
RECORD = os.environ.get("DECENSOR_RECORD_OUTPUTS") == "1"
#: CPU extensions that select different oneDNN / Eigen kernels.
KERNEL_FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16")
PATCH_SIZE = 256
PATCHES_PER_MODEL = 10
#: The shipped models of each censor type and the name their hashes are stored under (each
#: first model's keys predate the second).
BAR_MODELS = {"gated-conv-bar": "bar", "fourier-bar": "fourier-bar"}
MOSAIC_MODELS = {"gated-conv-mosaic": "mosaic", "mosaic-sr": "mosaic-sr"}


def machine_kind(runtime: str) -> str:
    """``tf <v> keras <v> <flags>`` or ``onnxruntime <v> <flags>``: what decides the float
    kernels the models run on."""
    if runtime == "keras":
        import keras
        import tensorflow as tf

        versions = f"tf {tf.__version__} keras {keras.__version__}"
    else:
        import onnxruntime

        versions = f"onnxruntime {onnxruntime.__version__}"
    flags: set[str] = set()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    present = "+".join(flag for flag in KERNEL_FLAGS if flag in flags) or "none"
    return f"{versions} {present}"


def digest(pixels: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(pixels).tobytes()).hexdigest()


def sample_outputs(runtime: str) -> dict[str, str]:
    """The README sample through the bar models, and a 16 px mosaic through the mosaic models."""
    picture = load_picture(REPO / "decensor_input" / "sample.png", None).rgb8
    hole = green_mask(picture)
    hashes = {}
    for model, key in BAR_MODELS.items():
        bar_engine = load_engine(model, "bar", SHIPPED, runtime)
        hashes[f"sample-{key}"] = digest(restore_image(picture, hole, bar_engine))

    clean = scene(672, 512, seed=3)
    mosaic_hole = box(512, 672, 96, 80, 336, 256)
    original = np.where(mosaic_hole[..., None], pixelate(clean, MosaicGrid(16)), clean)
    greened = np.where(mosaic_hole[..., None], 0, original).astype(np.uint8)
    for model, key in MOSAIC_MODELS.items():
        engine = load_engine(model, "mosaic", SHIPPED, runtime)
        restored = restore_image(greened, mosaic_hole, engine, original.astype(np.uint8))
        hashes[f"{key}-16px"] = digest(restored)
    return hashes


def patch_outputs(runtime: str) -> dict[str, str]:
    """Seeded 256 px patches through each engine directly, mosaics with their true grid."""
    hashes: dict[str, str] = {}
    models = {model: ("bar", key) for model, key in BAR_MODELS.items()}
    models.update({model: ("mosaic", key) for model, key in MOSAIC_MODELS.items()})
    for model, (censor, key) in models.items():
        engine = load_engine(model, censor, SHIPPED, runtime)
        for index in range(PATCHES_PER_MODEL):
            rng = np.random.default_rng([7, index, censor == "mosaic"])
            truth = scene(PATCH_SIZE, PATCH_SIZE, seed=100 + index)
            hole = sample_mask(rng, PATCH_SIZE, PATCH_SIZE)
            image = np.where(hole[..., None], 0, truth).astype(np.uint8)
            if censor == "bar":
                output = engine.restore(EngineInput(image, hole))
            else:
                style = sample_censor(rng, "mosaic")
                mosaic = apply_censor(truth, hole, style)
                output = engine.restore(EngineInput(image, hole, mosaic, style.grid))
            hashes[f"patch-{key}-{index:02d}"] = digest(output)
    return hashes


def stored_hashes() -> dict[str, dict[str, str]]:
    return json.loads(STORE.read_text()) if STORE.is_file() else {}


@pytest.mark.slow
@pytest.mark.parametrize("runtime", ["keras", "onnx"])
def test_the_shipped_models_outputs_are_bit_identical_to_the_recorded_ones(runtime: str) -> None:
    if runtime == "onnx":
        pytest.importorskip("onnxruntime")
    kind = machine_kind(runtime)
    actual = {**sample_outputs(runtime), **patch_outputs(runtime)}
    assert len(actual) == (1 + PATCHES_PER_MODEL) * (len(BAR_MODELS) + len(MOSAIC_MODELS))
    store = stored_hashes()
    if RECORD:
        store[kind] = actual
        STORE.parent.mkdir(parents=True, exist_ok=True)
        STORE.write_text(json.dumps(store, indent=2, sort_keys=True) + "\n")
    if kind not in store:
        pytest.skip(
            f"no recorded outputs for this machine kind ({kind}); record them on unchanged "
            "code with DECENSOR_RECORD_OUTPUTS=1"
        )
    expected = store[kind]
    changed = sorted(name for name in expected if actual.get(name) != expected[name])
    assert not changed, f"outputs changed on {kind}: {changed}"
    unrecorded = sorted(set(actual) - set(expected))
    if unrecorded:  # a model shipped since this machine kind's outputs were recorded
        pytest.skip(
            f"the recorded outputs matched; {len(unrecorded)} newer ones ({unrecorded[0]}, ...) "
            f"are not recorded for {kind}: record them with DECENSOR_RECORD_OUTPUTS=1"
        )
