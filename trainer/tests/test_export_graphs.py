"""The exported graphs: real-valued RoPE equals sam2's complex one, the graph modules equal
sam2's own code paths, and the ONNX files equal the modules for varying memory sizes."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from sam2.modeling.backbones.hieradet import Hiera
from sam2.modeling.sam.transformer import apply_rotary_enc

from samocta2.export.bundle import write_bundle
from samocta2.export.graph_modules import (
    ImageEncoderGraph,
    MaskDecoderGraph,
    MemoryAttentionGraph,
    MemoryEncoderGraph,
)
from samocta2.export.onnx_tracing import OPSET, WEB_SAFE_OPS
from samocta2.export.rope import rope_tables, rotate
from samocta2.model import build_sam2_model

# Shape arithmetic that Hiera's window partition leaves in the traced encoder; onnxruntime
# folds it at load time (the input size is fixed), and onnxruntime-web's WASM runs it. No `If`:
# onnxruntime-web 1.30's optimizer rejected the If nodes of Hiera's position embedding.
SHAPE_OPS = {"Mod"}


@pytest.fixture(scope="module")
def model() -> torch.nn.Module:
    torch.manual_seed(1)
    return build_sam2_model("nano")


@pytest.fixture(scope="module")
def bundle(model: torch.nn.Module, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("bundle")
    return folder, write_bundle(model, folder)


def _session(folder, name: str) -> ort.InferenceSession:
    return ort.InferenceSession(str(folder / f"{name}.onnx"), providers=["CPUExecutionProvider"])


@pytest.mark.parametrize("repeat", [1, 3])
def test_real_rope_equals_complex(model: torch.nn.Module, repeat: int) -> None:
    attn = model.memory_attention.layers[0].cross_attn_image
    cos, sin = rope_tables(attn, 16)
    q = torch.randn(1, 1, 256, 128)
    k = torch.randn(1, 1, 256 * repeat, 128)
    q_ref, k_ref = apply_rotary_enc(q, k, freqs_cis=attn.compute_cis(end_x=16, end_y=16),
                                    repeat_freqs_k=repeat > 1)
    assert torch.allclose(rotate(q, cos, sin), q_ref, atol=1e-5)
    assert torch.allclose(rotate(k, cos, sin), k_ref, atol=1e-5)


def test_memory_attention_graph_equals_sam2(model: torch.nn.Module) -> None:
    """Against SAM2Base's own assembly: memories, temporal encodings, pointer tokens."""
    torch.manual_seed(2)
    graph = MemoryAttentionGraph(model)
    side, c, m = 16, model.hidden_dim, model.mem_dim
    embed = torch.randn(1, c, side, side)
    memory = torch.randn(3, m, side, side)
    tpos = torch.tensor([0, 4, 6])
    ptrs, ptr_pos = torch.randn(2, c), torch.tensor([0.2, 1.0 / 15])
    with torch.no_grad():
        ours = graph(embed, memory, tpos, ptrs, ptr_pos)
        mem_pos = model.memory_encoder.position_encoding(memory[:1])
        tokens = memory.flatten(2).permute(0, 2, 1).reshape(-1, 1, m)
        pos = torch.cat([
            mem_pos.flatten(2).permute(2, 0, 1) + model.maskmem_tpos_enc[model.num_maskmem - int(t) - 1]
            for t in tpos
        ])
        from sam2.modeling.sam2_utils import get_1d_sine_pe

        p_pos = model.obj_ptr_tpos_proj(get_1d_sine_pe(ptr_pos, dim=c)).repeat_interleave(c // m, 0)
        p_tok = ptrs.reshape(-1, c // m, m).reshape(-1, 1, m)
        curr_pos = model.image_encoder.neck.position_encoding(embed)
        theirs = model.memory_attention(
            curr=[embed.flatten(2).permute(2, 0, 1)],
            curr_pos=[curr_pos.flatten(2).permute(2, 0, 1)],
            memory=torch.cat([tokens, p_tok]),
            memory_pos=torch.cat([pos, p_pos[:, None]]),
            num_obj_ptr_tokens=p_tok.shape[0],
        ).permute(1, 2, 0).reshape(1, c, side, side)
    assert torch.allclose(ours, theirs, atol=1e-4), (ours - theirs).abs().max()


# [2, 3, 1]: a box (SAM 2's corner labels 2 and 3, as its predictor sends a box) and a click
# (issue 20): every bundle's embed loop covers the 4 point embeddings, so no graph change.
@pytest.mark.parametrize("label_list,multimask", [([1], True), ([1, 0, 1], False), ([2, 3, 1], False)])
def test_mask_decoder_graph_equals_forward_sam_heads(
    model: torch.nn.Module, label_list: list[int], multimask: bool
) -> None:
    torch.manual_seed(3)
    side, c = 16, model.hidden_dim
    embed = torch.randn(1, c, side, side)
    feats = [torch.randn(1, c // 8, 64, 64), torch.randn(1, c // 4, 32, 32)]
    coords = torch.rand(1, len(label_list), 2) * 256
    labels = torch.tensor([label_list], dtype=torch.int32)
    with torch.no_grad():
        mask, iou, ptr, score = MaskDecoderGraph(model)(
            embed, *feats, coords, labels, torch.zeros(1, 1, 64, 64), torch.zeros(1),
            torch.zeros(1), torch.tensor([float(multimask)]),
        )
        _, _, ious, low, _, ptr_ref, score_ref = model._forward_sam_heads(
            embed, {"point_coords": coords, "point_labels": labels}, None, feats, multimask
        )
    assert torch.allclose(mask, low, atol=1e-4)
    assert torch.allclose(ptr, ptr_ref, atol=1e-5)
    assert torch.allclose(score, score_ref, atol=1e-5)


@pytest.mark.parametrize("prompted", [0.0, 1.0])
def test_memory_encoder_graph_equals_encode_new_memory(model: torch.nn.Module, prompted: float) -> None:
    torch.manual_seed(4)
    embed, low = torch.randn(1, model.hidden_dim, 16, 16), torch.randn(1, 1, 64, 64) * 5
    score = torch.tensor([[-0.5]])
    with torch.no_grad():
        ours = MemoryEncoderGraph(model)(embed, low, score, torch.tensor([prompted]))
        high = torch.nn.functional.interpolate(low, size=(256, 256), mode="bilinear", align_corners=False)
        theirs, _ = model._encode_new_memory(
            [embed.flatten(2).permute(2, 0, 1)], [(16, 16)], high, score, is_mask_from_pts=bool(prompted)
        )
    assert torch.allclose(ours, theirs, atol=1e-5)


@pytest.mark.parametrize("n_mem,n_ptr", [(1, 1), (8, 5), (13, 16)])
def test_onnx_memory_attention_dynamic_sizes(model, bundle, n_mem: int, n_ptr: int) -> None:
    folder, _ = bundle
    rng = np.random.default_rng(n_mem)
    feeds = {
        "image_embed": rng.standard_normal((1, model.hidden_dim, 16, 16)).astype(np.float32),
        "memory": rng.standard_normal((n_mem, model.mem_dim, 16, 16)).astype(np.float32),
        "memory_tpos": rng.integers(0, model.num_maskmem, n_mem).astype(np.int64),
        "obj_ptrs": rng.standard_normal((n_ptr, model.hidden_dim)).astype(np.float32),
        "obj_ptr_tpos": rng.uniform(0, 1, n_ptr).astype(np.float32),
    }
    (got,) = _session(folder, "memory_attention").run(None, feeds)
    with torch.no_grad():
        want = MemoryAttentionGraph(model)(*(torch.from_numpy(v) for v in feeds.values())).numpy()
    assert np.abs(got - want).max() < 1e-4


@pytest.mark.parametrize("n_points,box", [(1, False), (4, False), (2, True)])
def test_onnx_mask_decoder_point_counts(model, bundle, n_points: int, box: bool) -> None:
    folder, _ = bundle
    rng = np.random.default_rng(n_points)
    # A box is its two corners with labels 2 and 3 (issue 20), through the same graph.
    labels = np.array([[2, 3]], np.int32) if box else rng.integers(0, 2, (1, n_points)).astype(np.int32)
    c = model.hidden_dim
    feeds = {
        "image_embed": rng.standard_normal((1, c, 16, 16)).astype(np.float32),
        "high_res_feat0": rng.standard_normal((1, c // 8, 64, 64)).astype(np.float32),
        "high_res_feat1": rng.standard_normal((1, c // 4, 32, 32)).astype(np.float32),
        "point_coords": (rng.uniform(0, 256, (1, n_points, 2))).astype(np.float32),
        "point_labels": labels,
        "mask_input": rng.standard_normal((1, 1, 64, 64)).astype(np.float32),
        "has_mask_input": np.ones(1, np.float32),
        "no_memory": np.ones(1, np.float32),
        "multimask": np.array([1.0 if n_points == 1 else 0.0], np.float32),
    }
    got = _session(folder, "mask_decoder").run(None, feeds)
    with torch.no_grad():
        want = MaskDecoderGraph(model)(*(torch.from_numpy(v) for v in feeds.values()))
    for g, w in zip(got, want):
        assert np.abs(g - w.numpy()).max() < 1e-4


def test_image_encoder_equals_module_with_position_embedding_baked_in(model, bundle) -> None:
    folder, _ = bundle
    image = np.random.default_rng(2).standard_normal((1, 3, 256, 256)).astype(np.float32)
    got = _session(folder, "image_encoder").run(None, {"image": image})
    with torch.no_grad():
        want = ImageEncoderGraph(model)(torch.from_numpy(image))
    for g, w in zip(got, want):
        assert np.abs(g - w.numpy()).max() < 1e-4
    # the export's constant position embedding does not outlive the export
    assert Hiera._get_pos_embed.__name__ == "_get_pos_embed"


def test_graphs_use_web_ops_only_and_no_complex(bundle) -> None:
    folder, manifest = bundle
    for name, graph in manifest["graphs"].items():
        proto = onnx.load(str(folder / graph["file"]))
        assert proto.opset_import[0].version == OPSET
        ops = {n.op_type for n in proto.graph.node}
        assert ops <= WEB_SAFE_OPS | SHAPE_OPS, (name, ops - WEB_SAFE_OPS - SHAPE_OPS)
        complex_types = {onnx.TensorProto.COMPLEX64, onnx.TensorProto.COMPLEX128}
        assert all(t.data_type not in complex_types for t in proto.graph.initializer)


def test_fp16_bundle_is_close(model, tmp_path) -> None:
    manifest = write_bundle(model, tmp_path, fp16=True)
    assert manifest["graphs"]["image_encoder"]["precision"].startswith("float16")
    image = np.random.default_rng(0).standard_normal((1, 3, 256, 256)).astype(np.float32)
    got = _session(tmp_path, "image_encoder").run(None, {"image": image})
    with torch.no_grad():
        out = model.forward_image(torch.from_numpy(image))
    want = out["backbone_fpn"][-1].numpy()
    assert got[0].dtype == np.float32
    assert np.abs(got[0] - want).max() < 0.05 * np.abs(want).max()


@pytest.mark.parametrize("points,multimask", [(1, True), (3, False)])
def test_mask_decoder_graph_with_the_dense_prompt_equals_forward_sam_heads(points: int, multimask: bool) -> None:
    """A bundle trained with prompt_prior: the graph's mask input and its residual add are
    sam2's own path with that mask input, and without a mask input nothing is added."""
    from samocta2 import prompt_prior

    torch.manual_seed(1)
    model = prompt_prior.enable(build_sam2_model("nano"))
    torch.manual_seed(4)
    side, c = 16, model.hidden_dim
    embed = torch.randn(1, c, side, side)
    feats = [torch.randn(1, c // 8, 64, 64), torch.randn(1, c // 4, 32, 32)]
    coords = torch.rand(1, points, 2) * 256
    labels = torch.tensor([[1, 0, 1][:points]], dtype=torch.int32)
    prior = torch.rand(1, 1, 64, 64) * 2 - 1
    graph = MaskDecoderGraph(model)
    with torch.no_grad():
        for has_mask in (1.0, 0.0):
            mask, _, ptr, score = graph(
                embed, *feats, coords, labels, prior, torch.tensor([has_mask]),
                torch.zeros(1), torch.tensor([float(multimask)]),
            )
            _, _, _, low, _, ptr_ref, score_ref = model._forward_sam_heads(
                embed, {"point_coords": coords, "point_labels": labels},
                prior if has_mask else None, feats, multimask,
            )
            assert model.prior_for_decoder is None  # consumed by its decoder call
            assert torch.allclose(mask, low, atol=1e-4), (has_mask, (mask - low).abs().max())
            assert torch.allclose(ptr, ptr_ref, atol=1e-5)
            assert torch.allclose(score, score_ref, atol=1e-5)
        # the prompt moves the masks: the same call without it differs
        plain, *_ = graph(embed, *feats, coords, labels, prior, torch.zeros(1), torch.zeros(1),
                          torch.tensor([float(multimask)]))
        with_prior, *_ = graph(embed, *feats, coords, labels, prior, torch.ones(1), torch.zeros(1),
                               torch.tensor([float(multimask)]))
        assert (plain - with_prior).abs().max() > 1.0
