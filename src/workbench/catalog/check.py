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


def allowed_domains_text(domains: frozenset[str]) -> str:
    """The allowed operator domains for a message: each once, the default (ai.onnx) first.

    The default domain has two spellings, ``""`` and ``"ai.onnx"``; a reader sees one.
    """
    named = {d or "ai.onnx" for d in domains}
    return ", ".join(sorted(named, key=lambda d: (d != "ai.onnx", d)))


def format_size(size: int) -> str:
    """A byte count in the binary units the size cap is set in (``64 MiB``)."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def too_large(name: str, size: int, limits: ModelLimits) -> ModelRejectedError:
    """The refusal of a file over the size cap, both figures in the same unit."""
    have, cap = format_size(size), format_size(limits.max_bytes)
    if have == cap:  # just over the cap: the rounded figures alone would read as equal
        have, cap = f"{size:,} bytes", f"{limits.max_bytes:,} bytes"
    return ModelRejectedError(f"{name}: the file is {have}; models larger than {cap} are refused")


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


#: Where a message sits in the model: (where its parent sits, field name, index or None).
_Where = tuple[Any, str, int | None] | None


def _repeated(field: Any) -> bool:
    flag = getattr(field, "is_repeated", None)
    if flag is not None:
        return bool(flag)
    return bool(field.label == field.LABEL_REPEATED)  # protobuf before 5.28


def _where_text(where: _Where) -> str:
    parts: list[str] = []
    while where is not None:
        where, name, index = where
        parts.append(name if index is None else f"{name}[{index}]")
    return ".".join(reversed(parts))


def _external_tensor(model: Any) -> tuple[str, str] | None:
    """(where, name) of the first tensor that refers to external data, anywhere in the model.

    The walk follows the protobuf descriptors rather than a list of known fields, so every
    TensorProto is seen wherever it sits — dense and sparse initializers, the values and indices
    of a sparse tensor, Constant and other node attributes, If/Loop/Scan bodies, training info,
    functions — and so is any place a future onnx release adds.
    """
    from google.protobuf.descriptor import FieldDescriptor
    from onnx import TensorProto

    stack: list[tuple[Any, _Where]] = [(model, None)]
    while stack:
        message, where = stack.pop()
        if message.DESCRIPTOR.full_name == TensorProto.DESCRIPTOR.full_name:
            if message.data_location == TensorProto.EXTERNAL or len(message.external_data) > 0:
                return _where_text(where), str(message.name)
            continue
        for descriptor, value in message.ListFields():
            if descriptor.type != FieldDescriptor.TYPE_MESSAGE:
                continue
            if not _repeated(descriptor):
                stack.append((value, (where, descriptor.name, None)))
            elif descriptor.message_type.GetOptions().map_entry:
                stack.extend((item, (where, descriptor.name, None)) for item in value.values())
            else:
                stack.extend((item, (where, descriptor.name, i)) for i, item in enumerate(value))
    return None


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
        raise too_large(name, len(data), limits)
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
    found = _external_tensor(model)
    if found is not None:
        where, tensor = found
        raise ModelRejectedError(
            f"{name}: tensor {tensor!r} at {where} refers to external data; only "
            "self-contained models are accepted",
            hint="re-export the model with all weights inside the .onnx file",
        )


def _check_opset(model: Any, name: str, limits: ModelLimits) -> int:
    """The default domain's opset, once every imported domain is allowed and functions absent."""
    opset = 0
    for entry in model.opset_import:
        if entry.domain not in limits.allowed_domains:
            raise ModelRejectedError(
                f"{name}: imports operator domain {entry.domain!r}, which is not allowed "
                f"(allowed: {allowed_domains_text(limits.allowed_domains)})"
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
                f"{node.domain!r}, which is not allowed "
                f"(allowed: {allowed_domains_text(limits.allowed_domains)})"
            )
        domains.add(node.domain)
    return count, domains


_Shapes = tuple[tuple[str, tuple[int | str | None, ...]], ...]


def _check_io(model: Any, name: str, limits: ModelLimits) -> tuple[_Shapes, _Shapes]:
    """(inputs, outputs) with their shapes; every input an NCHW image tensor."""
    initializer_names = {t.name for t in model.graph.initializer}
    initializer_names.update(t.values.name for t in model.graph.sparse_initializer)
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
