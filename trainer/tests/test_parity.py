"""Parity: the exported bundle with the reference memory bank (onnxruntime) tracks like
sam2's SAM2VideoPredictor on the same model, and the committed test vectors
(test/fixtures/parity/) belong to the reproducible parity bundle."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from samocta2.export.bundle import write_bundle
from samocta2.export.fixtures import CASES, compare, parity_model, run_case
from samocta2.export.reference import Bundle
from samocta2.model import build_sam2_video_predictor

VECTORS = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "parity"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    model = parity_model()
    folder = tmp_path_factory.mktemp("parity-bundle")
    manifest = write_bundle(model, folder)
    predictor = build_sam2_video_predictor("nano")
    predictor.load_state_dict(model.state_dict())
    return Bundle(folder), predictor, manifest


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_onnx_track_matches_pytorch(setup, case) -> None:
    bundle, predictor, _ = setup
    name, seed, frames, prompts = case
    raw, ref, torch_ref = run_case(bundle, predictor, seed, frames, prompts)
    assert frames >= 6
    assert ref.order == torch_ref.order  # forward from the first prompt, then backward
    rows = compare(ref, torch_ref, *raw.shape[1:])
    for r in rows:
        print(f"{name} layer {r['layer']}: IoU {r['iou']:.4f}, max logit diff {r['max_logit_diff']:.2e}")
    assert len(rows) == frames
    assert all(r["iou"] >= 0.99 for r in rows), rows
    assert max(r["max_logit_diff"] for r in rows) < 1e-3
    # the case must exercise masks, not only empty frames
    assert sum(r["area_torch"] > 0 for r in rows) >= frames // 2


def test_committed_vectors_match_this_bundle(setup) -> None:
    bundle, predictor, manifest = setup
    vectors = json.loads((VECTORS / "vectors.json").read_text())
    shas = {k: g["sha256"] for k, g in manifest["graphs"].items()}
    assert vectors["bundle"]["graph_sha256"] == shas
    by_name = {c[0]: c for c in CASES}
    for case in vectors["cases"]:
        _, seed, frames, prompts = by_name[case["name"]]
        t, rows, cols = case["layers"]["shape"]
        raw = np.fromfile(VECTORS / case["layers"]["file"], np.uint8).reshape(t, rows, cols)
        expected = np.unpackbits(np.fromfile(VECTORS / case["expected"]["masks"]["file"], np.uint8))
        expected = expected[: t * rows * cols].reshape(t, rows, cols).astype(bool)
        again, _, torch_ref = run_case(bundle, predictor, seed, frames, prompts)
        assert np.array_equal(raw, again)
        for f in range(t):
            mask = torch_ref.layer_logits(f, rows, cols) > 0
            union = (mask | expected[f]).sum()
            assert union == 0 or (mask & expected[f]).sum() / union >= 0.99
        assert sum(len(p["points"]) for p in case["prompts"]) == sum(len(p) for p in prompts.values())
        assert vectors["cases"] and (VECTORS / case["expected"]["low_res_logits"]["file"]).stat().st_size == t * 4 * 64 * 64


def test_vectors_are_small() -> None:
    total = sum(p.stat().st_size for p in VECTORS.iterdir())
    assert total < 1_000_000


def test_bf16_rounding_is_round_to_nearest_even() -> None:
    from samocta2.export.preprocess import round_to_bfloat16

    x = np.random.default_rng(0).standard_normal(10_000).astype(np.float32) * 100
    want = torch.from_numpy(x).to(torch.bfloat16).float().numpy()
    assert np.array_equal(round_to_bfloat16(x), want)
