"""``decensor-train export``: a run's generator weights and manifest into the models folder."""

from __future__ import annotations

import itertools
import json
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

from decensor_app import architectures
from decensor_app.engines.base import CensorType, EngineError
from decensor_app.engines.generators import GeneratorEngine, build_network, write_model
from decensor_app.engines.manifest import Manifest, find_manifests, install_graph
from decensor_app.trainer.dataset import load_manifest
from decensor_app.trainer.onnx_export import checked_graph
from decensor_app.trainer.run import RunDir, ema_group, network_config, read_checkpoint

#: Gaps between log records longer than this are pauses between sessions, not training.
PAUSE_SECONDS = 300.0


def training_seconds(records: list[dict[str, Any]], up_to_step: int) -> float:
    """Wall seconds spent training up to ``up_to_step``, from the log's record times (pauses
    between sessions left out)."""
    times = [r["time"] for r in records if "time" in r and r.get("step", 0) <= up_to_step]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return float(sum(gap for gap in gaps if 0 < gap <= PAUSE_SECONDS))


def export(
    run_path: Path,
    name: str,
    models_dir: Path,
    description: str = "",
    default: bool = False,
    input_size: int | None = None,
    overwrite: bool = False,
    log: Callable[[str], None] = print,
    onnx: bool = True,
) -> Manifest:
    """Write ``name``'s weights and manifest from the newest checkpoint of ``run_path``, and
    with ``onnx`` its network as an ONNX graph for ONNX Runtime (checked against the Keras
    network, :func:`~decensor_app.trainer.onnx_export.checked_graph`).

    ``input_size`` is the patch side the app will run the network at (default: the training
    size). The networks are fully convolutional, so a model trained on 128 px crops may run on
    256 px patches: large regions then lose less detail to the pipeline's downscaling.

    An installed model of the same name (the shipped default too) is replaced only with
    ``overwrite``; the files are published as :func:`write_model` says. With ``default``, the
    new model takes the default for its censor type over from any other installed model
    (their manifests are rewritten without it, after the new model is published), so there is
    never more than one default, and a kill in between leaves the old default standing.

    Raises:
        FileExistsError: ``name`` is installed and ``overwrite`` is false.
        ValueError: the ONNX graph's outputs differ from the network's.
    """
    existing = Path(models_dir) / f"{name}.json"
    if existing.exists() and not overwrite:  # before any work
        raise FileExistsError(
            f"a model called {name!r} is already installed ({existing}): pass --overwrite to "
            "replace it, or choose another --name"
        )
    run = RunDir(run_path)
    config = run.config()
    checkpoint = run.latest_good_checkpoint(log)
    if checkpoint is None:
        raise FileNotFoundError(f"{run.path} has no checkpoint to export: train it first")
    settings = network_config(config)
    network = build_network(config.arch, settings, config.size)
    group = architectures.get(config.arch).checkpoint_group
    # The weights' moving average when the run kept one (--ema-decay), else the last weights.
    averaged = any(key.startswith(f"{ema_group(group)}/") for key in read_checkpoint(checkpoint))
    step = run.restore_checkpoint(
        checkpoint, {ema_group(group) if averaged else group: network.weights}
    )
    records = run.read_log(log)
    init = json.loads(run.init_record.read_text()) if run.init_record.is_file() else None
    earlier_hours = float(init["training"].get("training_hours", 0.0)) if init else 0.0
    training: dict[str, Any] = {
        "steps": step,
        "batch": config.batch,
        "size": config.size,
        "censor": config.censor,
        "mask_kind": config.mask_kind,
        "hole_ratio": [config.hole_min, config.hole_max],
        "block_range": [config.block_min, config.block_max],
        "learning_rate": config.learning_rate,
        "gan_weight": config.gan_weight,
        "discriminator_width": config.discriminator_width,
        "prefill": config.prefill,
        "reconstruction": config.reconstruction,
        "exported_weights": (
            f"moving average, decay {config.ema_decay}" if averaged else "last step"
        ),
        "precision": config.precision,
        "backend": config.backend,
        "training_hours": round(training_seconds(records, step) / 3600 + earlier_hours, 2),
        "run": str(run.path),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "init_from": (
            {"model": init["name"], "steps": init["training"].get("steps", 0)} if init else None
        ),
        "final_losses": {
            k: v
            for k, v in (records[-1] if records else {}).items()
            if k not in ("step", "time", "phase")
        },
    }
    try:
        data = load_manifest(Path(config.data))
        training["data"] = {
            "path": config.data,
            "counts": data["counts"],
            "pictures": data["pictures"],
            "licences": data["licences"],
        }
    except FileNotFoundError:
        training["data"] = {"path": config.data}
    size = input_size or config.size
    graph = None
    if onnx:
        censor: CensorType = config.censor  # type: ignore[assignment]
        graph, difference = checked_graph(network, config.arch, settings, censor, size)
        log(f"ONNX graph: outputs within {difference:.1e} of the Keras network's")
    manifest = write_model(
        network,
        models_dir,
        name,
        config.arch,
        settings,
        [config.censor],  # type: ignore[list-item]
        size,
        description=description or f"{config.arch} {config.censor} model trained {step} steps",
        training=json.loads(json.dumps(training)),
        default_for=[config.censor] if default else [],
        overwrite=overwrite,
        onnx_model=graph,
    )
    if default:
        hand_over_default(models_dir, name, config.censor, log)
    return manifest


def export_graph(name: str, models_dir: Path, log: Callable[[str], None] = print) -> Manifest:
    """Add the ONNX graph to the installed model ``name`` (made from its verified weights; the
    weights and everything else in its manifest stay as they are).

    Raises:
        EngineError: no such model, or its weights do not load.
        ValueError: the graph's outputs differ from the network's.
    """
    folder = Path(models_dir)
    manifest = Manifest.load(folder / f"{name}.json")
    engine = GeneratorEngine(manifest, folder)  # checks the weights' SHA-256
    censor = manifest.censor_types[0]
    graph, difference = checked_graph(
        engine.network, manifest.architecture, manifest.config, censor, manifest.input_size
    )
    log(f"{name}: ONNX graph within {difference:.1e} of the Keras network's outputs")
    return install_graph(manifest, folder, graph)


def hand_over_default(
    models_dir: Path, new_default: str, censor: str, log: Callable[[str], None] = print
) -> None:
    """Take ``censor``'s default away from every installed model but ``new_default``."""
    for path in find_manifests(Path(models_dir)):
        try:
            other = Manifest.load(path)
        except EngineError:
            continue  # a broken manifest is reported by --list-models, not rewritten here
        if other.name != new_default and censor in other.default_for:
            other.default_for = [c for c in other.default_for if c != censor]
            other.save(path)
            log(f"{other.name} is no longer the default {censor} model")
