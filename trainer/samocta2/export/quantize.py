"""Smaller model bundles: int8 weights for the heavy graphs, or float16 (issue 17, item 2).

The image encoder runs once per layer and the memory attention once per tracked layer: they are
where propagation spends its time, and most of their weights are MatMul/Gemm matrices.
onnxruntime's dynamic quantization stores those matrices as int8 (per tensor, symmetric) and
quantizes the activations on the fly (DynamicQuantizeLinear + MatMulInteger), which every
onnxruntime CPU build has, including onnxruntime-web's WASM. The mask decoder and the memory
encoder stay float32: they are small, and the decoder draws the mask's edge (quantizing it cost
the shipped nano whole frames on the parity layers). float16 is the exporter's own conversion
(onnx_tracing.to_fp16, what `export --fp16` runs) applied to every graph. Both work on a bundle
folder, so a shipped bundle is made smaller without its checkpoint:

    python -m samocta2 quantize models/samocta2-nano --to int8 --out .cache/samocta2-nano-int8

What it costs in masks is measured on the parity layers (trainer/tests/test_quantize.py: IoU of
every frame against the float32 bundle) and in speed by `npm run bench -- tracking`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path
from typing import Any

import onnx

from ..errors import TrainerError
from .bundle import sha256
from .onnx_tracing import op_types, to_fp16

QUANTIZED_GRAPHS = ("image_encoder", "memory_attention")
INT8_PRECISION = (
    "int8 weights of MatMul/Gemm in a 7-bit range (onnxruntime dynamic quantization; activations float32)"
)
FP16_PRECISION = "float16 (inputs/outputs float32)"  # as export --fp16 writes it
KINDS = ("int8", "fp16")


def quantize_graph_int8(src: Path, dst: Path) -> None:
    """One graph's MatMul/Gemm weights to int8 (per tensor, signed). The graph is first
    simplified by onnxruntime's pre-processing (shape inference, basic optimizations): torch's
    export reaches a weight shared by several layers through Identity nodes, and the quantizer
    leaves such MatMuls in float32 (the parity bundle's memory attention grew instead of shrinking).

    Weights use 7 of the 8 bits (reduce_range). On x86 CPUs without VNNI (AVX2 and plain
    AVX-512: many AMD EPYC and older Intel machines) the uint8 x int8 products are summed in
    pairs into 16-bit registers that saturate; with full-range weights the parity bundle's int8
    masks fell to IoU 0.77-0.82 of float32's on such a machine (2026-12-07, AMD EPYC, AVX2
    only), where VNNI machines gave 0.97-1.0. With 7-bit weights: 0.965-1.0 there."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    simplified = dst.with_name(dst.name + ".pre")
    try:
        # Symbolic shape inference cannot follow the memory attention's dynamic memory count.
        quant_pre_process(str(src), str(simplified), skip_symbolic_shape=True)
        quantize_dynamic(
            str(simplified),
            str(dst),
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Gemm"],
            reduce_range=True,
        )
    finally:
        simplified.unlink(missing_ok=True)


def quantize_bundle(src: str | Path, out: str | Path, kind: str = "int8") -> dict[str, Any]:
    """Copy the float32 bundle at `src` to `out` (a new folder) and quantize the copy to `kind`
    (int8 | fp16); returns the new manifest."""
    src, out = Path(src), Path(out)
    manifest = _read_manifest(src)
    if out.exists() and any(out.iterdir()):
        raise TrainerError(f"--out {out} exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)
    for name in [*manifest["files"], "README.md", "manifest.json"]:  # the manifest is rewritten last
        if (src / name).is_file():
            shutil.copy2(src / name, out / name)
    return quantize_in_place(out, kind, source=str(src))


def quantize_in_place(
    folder: str | Path, kind: str = "int8", source: str | None = None, name: str | None = None
) -> dict[str, Any]:
    """Quantize the float32 bundle in `folder`: int8 for QUANTIZED_GRAPHS (what `export --quantize
    int8` runs after writing it), fp16 for every graph. The manifest is removed first and written
    last, so a folder cut short holds no manifest and no tracker takes it for a bundle."""
    if kind not in KINDS:
        raise TrainerError(f"unknown quantization {kind!r}: {' or '.join(KINDS)}")
    folder = Path(folder)
    manifest = _read_manifest(folder)
    graphs = QUANTIZED_GRAPHS if kind == "int8" else tuple(manifest["graphs"])
    before = {k: manifest["graphs"][k]["sha256"] for k in graphs}
    (folder / "manifest.json").unlink()
    ops: set[str] = set()
    for key, graph in manifest["graphs"].items():
        path = folder / graph["file"]
        if key in graphs:
            tmp = folder / f".{graph['file']}.tmp"
            if kind == "int8":
                quantize_graph_int8(path, tmp)
            else:
                shutil.copyfile(path, tmp)
                to_fp16(tmp)
            os.replace(tmp, path)
            precision = INT8_PRECISION if kind == "int8" else FP16_PRECISION
            graph.update(bytes=path.stat().st_size, sha256=sha256(path), precision=precision)
            manifest["files"][graph["file"]] = graph["sha256"]
        ops |= op_types(onnx.load(str(path)))
    manifest["ops"] = sorted(ops)
    manifest["name"] = name or f"{manifest['name']}-{kind}"
    manifest["provenance"]["quantization"] = {
        "kind": kind,
        "graphs": list(graphs),
        "from": source,
        "float32_graph_sha256": before,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    if not path.is_file():
        raise TrainerError(f"{folder} is not a model bundle (no manifest.json)")
    manifest = json.loads(path.read_text())
    not_fp32 = [g for g in manifest["graphs"] if manifest["graphs"][g].get("precision", "float32") != "float32"]
    if not_fp32:
        raise TrainerError(
            f"{folder}: {', '.join(not_fp32)} are not float32 ({manifest['graphs'][not_fp32[0]]['precision']}); "
            "quantize a float32 bundle"
        )
    return manifest


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("quantize", help="int8 or float16 copy of a model bundle (export/quantize.py)")
    p.add_argument("bundle", help="bundle folder (float32)")
    p.add_argument("--to", choices=KINDS, default="int8", help="int8 (the heavy graphs' weights) or fp16 (all graphs)")
    p.add_argument("--out", required=True, help="new bundle folder to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    manifest = quantize_bundle(args.bundle, args.out, args.to)
    sizes = {k: g["bytes"] for k, g in manifest["graphs"].items()}
    print(json.dumps({"event": "quantized", "out": str(args.out), "to": args.to, "graph_bytes": sizes}), flush=True)
    return 0
