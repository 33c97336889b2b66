"""Safety checks made on an ONNX file's bytes before any ONNX Runtime session exists.

ONNX files are code in all but name: they can point at external data anywhere on disk, pull in
custom operator domains, or claim absurd shapes. A file from a colleague, a forum or a stranger's
drive must not be able to do any of that, so every model passes :func:`check_onnx_bytes` first, and
the very bytes that were checked and hashed are the ones later handed to the session.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import ModelRejectedError

DEFAULT_ALLOWED_DOMAINS = frozenset({"", "ai.onnx"})


@dataclass(frozen=True)
class ModelLimits:
    """What a model file may be and do."""

    max_bytes: int = 64 * 1024 * 1024
    allowed_domains: frozenset[str] = field(default_factory=lambda: DEFAULT_ALLOWED_DOMAINS)
    max_nodes: int = 10_000
    min_opset: int = 11
    max_channels: int = 64


@dataclass(frozen=True)
class OnnxFacts:
    """What the check learned about the graph."""

    sha256: str
    size: int
    opset: int
    node_count: int
    inputs: tuple[tuple[str, tuple[int | str | None, ...]], ...]
    outputs: tuple[tuple[str, tuple[int | str | None, ...]], ...]
    domains: frozenset[str]


def _shape_of(value_info: Any) -> tuple[int | str | None, ...]:
    tensor_type = value_info.type.tensor_type
    if not tensor_type.HasField("shape"):
        return ()
    dims: list[int | str | None] = []
    for dim in tensor_type.shape.dim:
        if dim.HasField("dim_value"):
            dims.append(int(dim.dim_value))
        elif dim.HasField("dim_param"):
            dims.append(str(dim.dim_param))
        else:
            dims.append(None)
    return tuple(dims)


def _walk_nodes(graph: Any) -> Any:
    """Every node, including those inside If/Loop/Scan subgraphs."""
    for node in graph.node:
        yield node
        for attribute in node.attribute:
            if attribute.HasField("g"):
                yield from _walk_nodes(attribute.g)
            for sub in attribute.graphs:
                yield from _walk_nodes(sub)


def _walk_tensors(graph: Any) -> Any:
    yield from graph.initializer
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.HasField("t"):
                yield attribute.t
            yield from attribute.tensors
            if attribute.HasField("g"):
                yield from _walk_tensors(attribute.g)
            for sub in attribute.graphs:
                yield from _walk_tensors(sub)


def check_onnx_bytes(
    data: bytes, *, name: str = "model", limits: ModelLimits | None = None
) -> OnnxFacts:
    """Refuse anything but a self-contained image model in allowed operator domains.

    Raises :class:`ModelRejectedError` with a reason a user can act on.
    """
    limits = limits or ModelLimits()
    model = _load(data, name, limits)
    _check_self_contained(model, name)
    opset = _check_opset(model, name, limits)
    count, domains = _check_nodes(model, name, limits)
    inputs, outputs = _check_io(model, name, limits)
    return OnnxFacts(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        opset=opset,
        node_count=count,
        inputs=inputs,
        outputs=outputs,
        domains=frozenset(domains),
    )


def _load(data: bytes, name: str, limits: ModelLimits) -> Any:
    """The parsed model, if the bytes are of an allowed size and hold a graph."""
    if len(data) > limits.max_bytes:
        raise ModelRejectedError(
            f"{name}: the file is {len(data) / 1e6:.1f} MB; models larger than "
            f"{limits.max_bytes / 1e6:.0f} MB are refused"
        )
    if len(data) == 0:
        raise ModelRejectedError(f"{name}: the file is empty")

    import onnx
    from google.protobuf.message import DecodeError

    try:
        model = onnx.load_model_from_string(data)
    except (DecodeError, ValueError, RuntimeError, TypeError, OSError) as exc:
        raise ModelRejectedError(
            f"{name}: not a readable ONNX file ({exc.__class__.__name__})"
        ) from None
    if not model.HasField("graph") or len(model.graph.node) == 0:
        raise ModelRejectedError(f"{name}: the ONNX file holds no graph")
    return model


def _check_self_contained(model: Any, name: str) -> None:
    import onnx

    for tensor in _walk_tensors(model.graph):
        if tensor.data_location == onnx.TensorProto.EXTERNAL or len(tensor.external_data) > 0:
            raise ModelRejectedError(
                f"{name}: tensor {tensor.name!r} refers to external data; only self-contained "
                "models are accepted",
                hint="re-export the model with all weights inside the .onnx file",
            )


def _check_opset(model: Any, name: str, limits: ModelLimits) -> int:
    """The default domain's opset, once every imported domain is allowed and functions absent."""
    opset = 0
    for entry in model.opset_import:
        if entry.domain not in limits.allowed_domains:
            raise ModelRejectedError(
                f"{name}: imports operator domain {entry.domain!r}, which is not allowed "
                f"(allowed: {', '.join(sorted(d or 'ai.onnx' for d in limits.allowed_domains))})"
            )
        if entry.domain in ("", "ai.onnx"):
            opset = int(entry.version)
    if opset < limits.min_opset:
        raise ModelRejectedError(
            f"{name}: opset {opset} is older than the minimum {limits.min_opset}"
        )
    if len(model.functions) > 0:
        raise ModelRejectedError(f"{name}: model-local functions are not accepted")
    return opset


def _check_nodes(model: Any, name: str, limits: ModelLimits) -> tuple[int, set[str]]:
    """(node count, domains used), subgraphs included, within the limits."""
    domains: set[str] = set()
    count = 0
    for node in _walk_nodes(model.graph):
        count += 1
        if count > limits.max_nodes:
            raise ModelRejectedError(f"{name}: more than {limits.max_nodes} nodes")
        if node.domain not in limits.allowed_domains:
            raise ModelRejectedError(
                f"{name}: node {node.name or node.op_type!r} uses operator domain "
                f"{node.domain!r}, which is not allowed"
            )
        domains.add(node.domain)
    return count, domains


_Shapes = tuple[tuple[str, tuple[int | str | None, ...]], ...]


def _check_io(model: Any, name: str, limits: ModelLimits) -> tuple[_Shapes, _Shapes]:
    """(inputs, outputs) with their shapes; every input an NCHW image tensor."""
    initializer_names = {t.name for t in model.graph.initializer}
    inputs = tuple(
        (vi.name, _shape_of(vi)) for vi in model.graph.input if vi.name not in initializer_names
    )
    outputs = tuple((vi.name, _shape_of(vi)) for vi in model.graph.output)
    if not inputs:
        raise ModelRejectedError(f"{name}: the graph has no inputs")
    for input_name, shape in inputs:
        if len(shape) != 4:
            raise ModelRejectedError(
                f"{name}: input {input_name!r} has rank {len(shape)}; image models take NCHW tensors"
            )
        channels = shape[1]
        if isinstance(channels, int) and not 1 <= channels <= limits.max_channels:
            raise ModelRejectedError(f"{name}: input {input_name!r} has {channels} channels")
        for dim in shape:
            if isinstance(dim, int) and dim < 0:
                raise ModelRejectedError(f"{name}: input {input_name!r} has a negative dimension")
    return inputs, outputs
