"""Learned engines run by ONNX Runtime: a model's exported graph (``<name>.onnx``), no Keras.

The graph is the inference network ``decensor-train export`` traced and converted
(:mod:`decensor_app.trainer.onnx_export`); patches go through the same architecture encoder
and decoder as the Keras engine (:mod:`decensor_app.engines.generators`), so only the network
call differs. Importing ONNX Runtime and building a session takes a fraction of a second where
TensorFlow takes seconds (``benchmarks/bench_runtimes.py``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from decensor_app import architectures
from decensor_app.engines.base import MAX_BATCH, BatchEngine, EngineError, EngineInput
from decensor_app.engines.manifest import Manifest, verified_file

#: ONNX Runtime's log severity for errors only (0 verbose ... 4 fatal).
SESSION_LOG_ERRORS_ONLY = 3


def onnxruntime_available() -> bool:
    """Whether ONNX Runtime can be imported (without importing it)."""
    import importlib.util

    return importlib.util.find_spec("onnxruntime") is not None


def _session(graph: bytes, threads: int | None) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = SESSION_LOG_ERRORS_ONLY  # no optimiser notices for users
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        options.intra_op_num_threads = threads
    return onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])


class OnnxEngine(BatchEngine):
    """A learned model's exported graph run by ONNX Runtime on the CPU.

    Raises (from the constructor):
        EngineError: the model has no ONNX graph, the file is missing or does not match the
            manifest's SHA-256, ONNX Runtime is not installed, or the graph's inputs are not
            what the architecture's encoder makes.
    """

    runtime = "onnx"

    def __init__(self, manifest: Manifest, models_dir: Path, threads: int | None = None) -> None:
        if not manifest.onnx:
            raise EngineError(
                f"model {manifest.name!r} has no ONNX graph: export it again with "
                "`decensor-train export` (or `decensor-train export-onnx`), or run it with "
                "--runtime keras"
            )
        if not onnxruntime_available():
            raise EngineError(
                "ONNX Runtime is not installed (pip install onnxruntime); run the model with "
                "--runtime keras"
            )
        self.manifest = manifest
        self.spec = architectures.get(manifest.architecture)
        self.info = manifest.info()
        self.native_size: int = manifest.input_size
        path = verified_file(manifest, manifest.onnx, manifest.onnx_sha256, models_dir, "ONNX file")
        graph = path.read_bytes()
        # Checked again on the bytes the session is made from: the file may change after the
        # check above, and nothing unverified is loaded.
        if hashlib.sha256(graph).hexdigest() != manifest.onnx_sha256:
            raise EngineError(f"ONNX file {path} of model {manifest.name!r} changed while loading")
        try:
            self.session = _session(graph, threads or _threads_from_environment())
        except Exception as error:  # onnxruntime raises its own exception types
            raise EngineError(
                f"ONNX file {path} of model {manifest.name!r} is unusable: {error}"
            ) from error
        self._check_inputs(path)

    def _check_inputs(self, path: Path) -> None:
        censor = self.manifest.censor_types[0]
        wanted = self.spec.input_shapes(self.manifest.config, censor, self.native_size)
        found = [tuple(node.shape[1:]) for node in self.session.get_inputs()]
        if found != [tuple(shape) for shape in wanted]:
            raise EngineError(
                f"ONNX file {path} of model {self.manifest.name!r} takes inputs {found}, its "
                f"architecture's encoder makes {wanted}: export it again"
            )
        self._input_names = [node.name for node in self.session.get_inputs()]

    def restore_batch(self, patches: Sequence[EngineInput]) -> list[np.ndarray]:
        results: list[np.ndarray] = []
        for start in range(0, len(patches), MAX_BATCH):
            chunk = list(patches[start : start + MAX_BATCH])
            inputs = self.spec.encode(chunk, self.manifest.config)
            feeds = {
                name: np.ascontiguousarray(array, np.float32)
                for name, array in zip(self._input_names, inputs, strict=True)
            }
            outputs = self.session.run(None, feeds)
            network_output = outputs[0] if len(outputs) == 1 else outputs
            results.extend(self.spec.decode(network_output, chunk, self.manifest.config))
        return results


def _threads_from_environment() -> int | None:
    """``TF_NUM_INTRAOP_THREADS`` also limits ONNX Runtime (one knob for both runtimes, e.g.
    a benchmark beside a training on one core); None: one per core."""
    value = os.environ.get("TF_NUM_INTRAOP_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else None
