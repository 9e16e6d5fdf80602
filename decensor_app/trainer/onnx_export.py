"""Inference networks as ONNX graphs, for the app's lean runtime
(:mod:`decensor_app.engines.onnx_engine`).

The graph is traced from the Keras network with TensorFlow and converted by ``tf2onnx`` (the
trainer's extras; the app itself needs only ``onnxruntime``). Its inputs are the architecture
encoder's arrays, in order, named ``input_0``, ``input_1``, ...; its outputs are the network's,
in order. The batch axis is free; the spatial size is the manifest's ``input_size`` (the
engine always feeds patches of that side, and contextual attention needs it static).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from decensor_app import architectures
from decensor_app.architectures.spec import example_patch
from decensor_app.engines.base import CensorType

#: ONNX operator set of the exported graphs: ONNX Runtime 1.17 and later run it.
OPSET = 18


def _expm1_as_exp_minus_one(ctx: Any, node: Any, name: str, args: Sequence[Any]) -> None:
    """tf2onnx handler: ONNX has no Expm1 (the gated convolutions' ELU uses it), so it becomes
    Exp followed by subtracting 1 (the same to float32 precision for the ELU's inputs <= 0)."""
    from tf2onnx import utils

    node.type = "Exp"
    one = ctx.make_const(utils.make_name(f"{node.name}_one"), np.array(1.0, np.float32))
    ctx.insert_new_node_on_output("Sub", node.output[0], inputs=[node.output[0], one.output[0]])


def onnx_bytes(network: Any, shapes: Sequence[tuple[int, ...]]) -> bytes:
    """The serialised ONNX model of Keras ``network`` called on inputs of ``shapes`` (batch
    axis free), in inference mode."""
    import tensorflow as tf
    import tf2onnx

    signature = [
        tf.TensorSpec((None, *shape), tf.float32, name=f"input_{index}")
        for index, shape in enumerate(shapes)
    ]

    def call(*inputs: Any) -> Any:
        outputs = network(list(inputs), training=False)
        return list(outputs) if isinstance(outputs, (list, tuple)) else outputs

    model, _ = tf2onnx.convert.from_function(
        tf.function(call, input_signature=signature),
        input_signature=signature,
        opset=OPSET,
        custom_op_handlers={"Expm1": (_expm1_as_exp_minus_one, [])},
    )
    serialised: bytes = model.SerializeToString()
    return serialised


#: Largest difference allowed between the graph's and the Keras network's outputs on the
#: example patches (outputs lie in [-1, 1]; a level of uint8 is 0.0078): float32 rounding of
#: reordered sums stays near 1e-5.
TOLERANCE = 1e-3


def largest_difference(network: Any, graph: bytes, inputs: Sequence[np.ndarray]) -> float:
    """Largest absolute difference between Keras ``network``'s outputs and those of the ONNX
    ``graph`` (run by ONNX Runtime) on the batch ``inputs``."""
    import onnxruntime

    expected = network(list(inputs), training=False)
    expected = list(expected) if isinstance(expected, (list, tuple)) else [expected]
    session = onnxruntime.InferenceSession(graph, providers=["CPUExecutionProvider"])
    names = [node.name for node in session.get_inputs()]
    found = session.run(None, dict(zip(names, inputs, strict=True)))
    return max(
        float(np.max(np.abs(np.asarray(a, np.float32) - b)))
        for a, b in zip(expected, found, strict=True)
    )


def float32_copy(network: Any, architecture: str, config: dict[str, Any], size: int) -> Any:
    """``network`` computing in float32: a run trained in mixed precision exports its layers'
    bfloat16 casts otherwise, and ONNX Runtime's CPU convolutions take float32 only (the
    app's Keras engine, too, runs the weights in float32)."""
    import keras

    from decensor_app.engines.generators import build_network

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("float32")
    try:
        copy = build_network(architecture, config, size)
    finally:
        keras.config.set_dtype_policy(previous)
    copy.set_weights(network.get_weights())
    return copy


def checked_graph(
    network: Any, architecture: str, config: dict[str, Any], censor: CensorType, size: int
) -> tuple[bytes, float]:
    """(ONNX graph of ``network`` for ``size`` px patches, its largest difference from the
    Keras network on example patches).

    Raises:
        ValueError: the graph's outputs differ from the network's by more than
            :data:`TOLERANCE` (a conversion that changed the maths is never shipped).
    """
    spec = architectures.get(architecture)
    network = float32_copy(network, architecture, config, size)
    graph = onnx_bytes(network, spec.input_shapes(config, censor, size))
    patches = [example_patch(censor, size, seed) for seed in (1, 2)]
    difference = largest_difference(network, graph, spec.encode(patches, config))
    if not difference <= TOLERANCE:
        raise ValueError(
            f"the ONNX graph's outputs differ from the Keras network's by {difference:.2g} "
            f"(at most {TOLERANCE} allowed): not exported"
        )
    return graph, difference
