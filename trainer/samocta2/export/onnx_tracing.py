"""Trace the four graphs of a SAM2Base to ONNX files (opset 17, fp32; fp16 on request)."""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import onnx
import torch
from sam2.modeling.backbones.hieradet import Hiera

from .graph_modules import (
    ImageEncoderGraph,
    MaskDecoderGraph,
    MemoryAttentionGraph,
    MemoryEncoderGraph,
)

OPSET = 17
GRAPH_NAMES = ("image_encoder", "mask_decoder", "memory_encoder", "memory_attention")

# Ops onnxruntime-web (WASM and WebGPU) runs; an exported graph may use nothing else.
WEB_SAFE_OPS = frozenset(
    "Add Sub Mul Div Pow Sqrt Erf Exp Neg Abs Sin Cos Tanh Sigmoid Relu Softmax MatMul Gemm "
    "Conv ConvTranspose Reshape Transpose Concat Slice Gather Unsqueeze Squeeze Flatten "
    "Expand Tile Shape ConstantOfShape Constant Cast Where Equal Greater Less Not And Or "
    "ReduceMean ReduceSum ReduceMax ArgMax Resize Pad Range Split MaxPool LayerNormalization "
    "Floor Ceil Identity Clip Min Max GreaterOrEqual LessOrEqual".split()
)


@dataclass(frozen=True)
class GraphSpec:
    """How to trace one graph: its module, example inputs, names and dynamic axes."""

    name: str
    module: torch.nn.Module
    inputs: tuple[torch.Tensor, ...]
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    dynamic_axes: dict[str, dict[int, str]]


def graph_specs(model: torch.nn.Module) -> list[GraphSpec]:
    """Example inputs of the right shapes for `model` (values do not matter for tracing)."""
    size = model.image_size
    side = size // model.backbone_stride
    c, mem = model.hidden_dim, model.mem_dim
    g = torch.Generator().manual_seed(0)

    def randn(*shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=g)

    embed = randn(1, c, side, side)
    feat0, feat1 = randn(1, c // 8, 4 * side, 4 * side), randn(1, c // 4, 2 * side, 2 * side)
    one = torch.ones(1)
    return [
        GraphSpec(
            "image_encoder",
            ImageEncoderGraph(model),
            (randn(1, 3, size, size),),
            ("image",),
            ("image_embed", "high_res_feat0", "high_res_feat1"),
            {},
        ),
        GraphSpec(
            "mask_decoder",
            MaskDecoderGraph(model),
            (
                embed,
                feat0,
                feat1,
                torch.rand(1, 3, 2, generator=g) * size,
                torch.tensor([[1, 0, 1]], dtype=torch.int32),
                randn(1, 1, 4 * side, 4 * side),
                one,
                one,
                one,
            ),
            (
                "image_embed",
                "high_res_feat0",
                "high_res_feat1",
                "point_coords",
                "point_labels",
                "mask_input",
                "has_mask_input",
                "no_memory",
                "multimask",
            ),
            ("masks", "iou", "obj_ptr", "object_score_logits"),
            {"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}},
        ),
        GraphSpec(
            "memory_encoder",
            MemoryEncoderGraph(model),
            (embed, randn(1, 1, 4 * side, 4 * side), torch.ones(1, 1), one),
            ("image_embed", "masks", "object_score_logits", "is_prompted"),
            ("maskmem_features",),
            {},
        ),
        GraphSpec(
            "memory_attention",
            MemoryAttentionGraph(model),
            (
                embed,
                randn(3, mem, side, side),
                torch.tensor([0, 5, 6], dtype=torch.int64),
                randn(2, c),
                torch.tensor([0.5, 0.25]),
            ),
            ("image_embed", "memory", "memory_tpos", "obj_ptrs", "obj_ptr_tpos"),
            ("conditioned",),
            {
                "memory": {0: "num_memories"},
                "memory_tpos": {0: "num_memories"},
                "obj_ptrs": {0: "num_obj_ptrs"},
                "obj_ptr_tpos": {0: "num_obj_ptrs"},
            },
        ),
    ]


@contextlib.contextmanager
def _static_hiera_pos_embed(spec: GraphSpec) -> Iterator[None]:
    """Hiera sizes its position embedding from the traced feature shape, which torch.onnx
    exports as shape arithmetic (bicubic Resize, a Tile whose repeats come from Shape) with two
    If nodes. onnxruntime-web's optimizer (1.30) rejects those If nodes' declared shapes
    ("[ShapeInferenceError] Can't merge shape info"). The image size is fixed per bundle, so
    the embedding depends on weights only: computed once eagerly, it is traced as a constant."""
    original = Hiera._get_pos_embed
    cache: dict[tuple[int, int, int], torch.Tensor] = {}

    def cached(self: Hiera, hw: tuple[int, int]) -> torch.Tensor:
        key = (id(self), int(hw[0]), int(hw[1]))
        if key not in cache:
            cache[key] = original(self, key[1:]).detach()
        return cache[key]

    Hiera._get_pos_embed = cached  # type: ignore[method-assign]
    try:
        with torch.no_grad():
            spec.module.eval()(*spec.inputs)  # fills the cache outside the tracer
        yield
    finally:
        Hiera._get_pos_embed = original  # type: ignore[method-assign]


def export_graph(spec: GraphSpec, path: Path) -> onnx.ModelProto:
    """Trace one graph to `path` and return the loaded, checked ONNX model."""
    with torch.no_grad(), warnings.catch_warnings(), _static_hiera_pos_embed(spec):
        warnings.simplefilter("ignore")  # tracer warnings about Python values are expected
        torch.onnx.export(
            spec.module.eval(),
            spec.inputs,
            str(path),
            input_names=list(spec.input_names),
            output_names=list(spec.output_names),
            dynamic_axes=spec.dynamic_axes,
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto)
    return proto


def op_types(proto: onnx.ModelProto) -> set[str]:
    return {node.op_type for node in proto.graph.node}


# Kept in float32 in float16 bundles: positional encodings (sin/cos), softmax, and the
# normalizations with their reductions (a float16 variance overflows easily).
FP32_OPS = ("Sin", "Cos", "Range", "Softmax", "LayerNormalization", "ReduceMean", "Pow", "Sqrt")


def to_fp16(path: Path) -> None:
    """Convert a graph's weights and math to float16 in place; inputs/outputs stay float32.

    Positional encodings stay float32: sin/cos and everything under the prompt encoder's
    random-Fourier point encoding or the object-pointer temporal encoding.
    """
    from onnxruntime.transformers.float16 import DEFAULT_OP_BLOCK_LIST, convert_float_to_float16

    proto = onnx.load(str(path))
    keep: Callable[[str], bool] = lambda n: any(  # noqa: E731
        key in n for key in ("pe_layer", "tpos", "position_encoding")
    )
    blocked = [node.name for node in proto.graph.node if keep(node.name)]
    converted = convert_float_to_float16(
        proto,
        keep_io_types=True,
        op_block_list=list(DEFAULT_OP_BLOCK_LIST) + list(FP32_OPS),
        node_block_list=blocked,
    )
    onnx.save(converted, str(path))
