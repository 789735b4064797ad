"""Write a model bundle: four ONNX graphs and manifest.json (format: docs/model-bundle.md).

A bundle is valid only through its manifest, which names every file with its sha256. So an
export first removes the folder's old manifest.json (durably), writes every other file through
durable.py, and writes the manifest last, atomically: a killed export leaves either the new,
complete bundle or a folder without manifest.json ("not a model bundle"), never a manifest that
names missing graphs or graphs of other bytes (docs/reliability.md)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

import onnx
import torch

from ..durable import commit_file, remove_abandoned_temps, remove_durably, temp_path, write_atomic
from .onnx_tracing import OPSET, export_graph, graph_specs, op_types, to_fp16
from .preprocess import LOWER_PERCENTILE, MEAN, STD, UPPER_PERCENTILE

FORMAT = "samocta2-model-bundle"
FORMAT_VERSION = 1
_ONNX_DTYPES = {1: "float32", 6: "int32", 7: "int64", 10: "float16", 9: "bool"}


@contextlib.contextmanager
def _single_batch_repeat_interleave() -> Iterator[None]:
    """sam2's decoder repeats the dense position encoding per prompt batch with
    torch.repeat_interleave(x, n); traced with a symbolic n this becomes OneHot, which
    onnxruntime-web's WebGPU lacks. Our graphs always have batch 1, so n == 1."""
    original = torch.repeat_interleave

    def repeat(x: torch.Tensor, repeats: Any = None, dim: Any = None, **kw: Any) -> torch.Tensor:
        if dim == 0 and (not isinstance(repeats, torch.Tensor) or repeats.numel() == 1) and int(repeats) == 1:
            return x
        return original(x, repeats, dim=dim, **kw)

    torch.repeat_interleave = repeat  # type: ignore[assignment]
    try:
        yield
    finally:
        torch.repeat_interleave = original  # type: ignore[assignment]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _io(values: Any) -> list[dict[str, Any]]:
    out = []
    for v in values:
        t = v.type.tensor_type
        shape = [d.dim_param if d.dim_param else int(d.dim_value) for d in t.shape.dim]
        out.append({"name": v.name, "dtype": _ONNX_DTYPES.get(t.elem_type, str(t.elem_type)), "shape": shape})
    return out


def git_state(cwd: Path) -> dict[str, Any]:
    """The commit the exporter ran from and whether the tree had uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd, capture_output=True, text=True, check=True,
        ).stdout.strip()
        return {"git_commit": commit, "git_dirty": bool(dirty)}
    except (OSError, subprocess.CalledProcessError):
        return {"git_commit": None, "git_dirty": None}


def _versions() -> dict[str, str]:
    out = {}
    for pkg in ("torch", "sam2", "onnx", "onnxruntime", "peft"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[pkg] = metadata.version(pkg)
    return out


def model_section(model: torch.nn.Module) -> dict[str, Any]:
    side = model.image_size // model.backbone_stride
    return {
        "family": "SAM 2.1",
        "size": getattr(model, "samocta2_size", "unknown"),
        "image_size": model.image_size,
        "backbone_stride": model.backbone_stride,
        "feature_size": side,
        "low_res_mask_size": 4 * side,
        "hidden_dim": model.hidden_dim,
        "mem_dim": model.mem_dim,
        "parameters": sum(p.numel() for p in model.parameters()),
    }


def memory_section(model: torch.nn.Module) -> dict[str, Any]:
    return {
        "num_maskmem": model.num_maskmem,
        "max_obj_ptrs_in_encoder": model.max_obj_ptrs_in_encoder,
        "max_cond_frames_in_attn": model.max_cond_frames_in_attn,
        "memory_temporal_stride": model.memory_temporal_stride_for_eval,
        "storage_dtype": "bfloat16",
        "only_obj_ptrs_in_the_past": bool(model.only_obj_ptrs_in_the_past_for_eval),
        "signed_obj_ptr_tpos": bool(model.use_signed_tpos_enc_to_obj_ptrs),
        "obj_ptr_tpos_divisor": "min(num_frames, max_obj_ptrs_in_encoder) - 1",
        "memory_tpos": "0 = conditioning frame; num_maskmem - d = frame d steps back in tracking order",
        "multimask_output_in_sam": bool(model.multimask_output_in_sam),
        "multimask_output_for_tracking": bool(model.multimask_output_for_tracking),
        "multimask_max_points": model.multimask_max_pt_num,
        "binarize_prompted_masks": bool(model.binarize_mask_from_pts_for_mem_enc),
    }


STATIC_SECTIONS: dict[str, Any] = {
    "preprocessing": {
        "intensity_window": {
            "lower_percentile": LOWER_PERCENTILE,
            "upper_percentile": UPPER_PERCENTILE,
            "scope": "volume",
            "interpolation": "linear (numpy default)",
            "clip": [0.0, 1.0],
        },
        "resize": {"mode": "bilinear", "align_corners": False, "antialias": False},
        "channels": "the grey layer fills all 3 channels",
        "mean": list(MEAN),
        "std": list(STD),
    },
    "prompts": {
        "coordinates": "model pixels: x_model = (x_layer + 0.5) * image_size / cols, y_model = (y_layer + 0.5) * image_size / rows",
        "labels": {"positive": 1, "negative": 0, "not_a_point": -1},
        "mask_input_clamp": [-32.0, 32.0],
    },
    "postprocessing": {
        "upsample": {"mode": "bilinear", "align_corners": False, "to": "layer size (rows, cols)"},
        "threshold": 0.0,
        "object_present": "object_score_logits > 0",
        "no_object_logit": -1024.0,
    },
}


def prompts_section(model: torch.nn.Module) -> dict[str, Any]:
    """The static prompt contract, plus `dense_prior` for a model trained with one (prompt_prior.py)."""
    from ..prompt_prior import manifest_entry

    section = dict(STATIC_SECTIONS["prompts"])
    if getattr(model, "point_prior", False):
        section["dense_prior"] = manifest_entry(
            carry=getattr(model, "carry_prior", False), carve=getattr(model, "carve_prior", False)
        )
    return section


MANIFEST = "manifest.json"


def retract_manifest(out: Path) -> None:
    """Create `out` if needed and remove its manifest (durably) before any bundle file changes:
    until the new manifest is written, the folder is no bundle at all rather than a wrong one."""
    out.mkdir(parents=True, exist_ok=True)
    remove_durably(out / MANIFEST)


def write_bundle(
    model: torch.nn.Module,
    out_dir: str | Path,
    *,
    fp16: bool = False,
    name: str | None = None,
    provenance: dict[str, Any] | None = None,
    metrics: dict[str, Any] | None = None,
    training: dict[str, Any] | None = None,
    task: str = "sequence",
) -> dict[str, Any]:
    """Export `model` (eval mode, LoRA already merged) to `out_dir`; returns the manifest.

    `training` (optional) becomes the manifest's `training` section, e.g. the `lora` entry
    for LoRA weights already written into `out_dir` (bundle_lora.py); they are listed in
    `files` like every other file. `task`: what the model was trained to track, 'sequence'
    (the layers of a volume) or 'enface' (the three projection maps as one clip, data/enface.py)."""
    out = Path(out_dir)
    retract_manifest(out)
    model = model.eval()
    graphs: dict[str, Any] = {}
    all_ops: set[str] = set()
    started = time.perf_counter()
    with _single_batch_repeat_interleave():
        for spec in graph_specs(model):
            path = out / f"{spec.name}.onnx"
            remove_abandoned_temps(path)
            (out / f".{path.name}.tmp").unlink(missing_ok=True)  # earlier exports' name
            tmp = temp_path(path)
            try:
                export_graph(spec, tmp)
                if fp16:
                    to_fp16(tmp)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            commit_file(tmp, path)
            proto = onnx.load(str(path))
            all_ops |= op_types(proto)
            graphs[spec.name] = {
                "file": path.name,
                "bytes": path.stat().st_size,
                "sha256": sha256(path),
                "precision": "float16 (inputs/outputs float32)" if fp16 else "float32",
                "inputs": _io(proto.graph.input),
                "outputs": _io(proto.graph.output),
            }
    export_seconds = time.perf_counter() - started
    files = {
        p.name: sha256(p)
        for p in sorted(out.iterdir())
        if p.is_file() and p.name not in (MANIFEST, "README.md") and not p.name.startswith(".")
    }
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name or f"samocta2-{model_section(model)['size']}",
        "task": task,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "opset": OPSET,
        "model": model_section(model),
        **STATIC_SECTIONS,
        "prompts": prompts_section(model),
        "memory": memory_section(model),
        "graphs": graphs,
        "ops": sorted(all_ops),
        "files": files,
        "provenance": {
            **git_state(Path(__file__).resolve().parent),
            "versions": _versions(),
            "command": sys.argv,
            "export_seconds": round(export_seconds, 2),
            **(provenance or {}),
        },
        "metrics": metrics or {},
        **({"training": training} if training else {}),
    }
    text = json.dumps(manifest, indent=2) + "\n"
    write_atomic(out / MANIFEST, lambda f: f.write(text.encode()))
    return manifest
