"""bench/torch_track_bench.py times a random-weight bundle (no lora.pt, no checkpoint) on the
bundle's own weights: rebuilt from the seed its manifest records, as the exporter built them."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from samocta2.cli import main

REPO = Path(__file__).resolve().parents[2]


def load_script():
    spec = importlib.util.spec_from_file_location("torch_track_bench", REPO / "bench" / "torch_track_bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def patch_embed_in_graph(bundle: Path, shape: tuple[int, ...]) -> list[np.ndarray]:
    graph = onnx.load(str(bundle / "image_encoder.onnx")).graph
    return [numpy_helper.to_array(t) for t in graph.initializer if tuple(t.dims) == shape]


def test_a_random_weight_bundle_is_rebuilt_with_its_own_weights(tmp_path):
    script = load_script()
    bundle = tmp_path / "random"
    assert main(["export", "--size", "nano", "--image-size", "64", "--seed", "3", "--out", str(bundle)]) == 0
    assert json.loads((bundle / "manifest.json").read_text())["provenance"]["random_seed"] == 3
    assert script.random_seed(str(bundle)) == 3
    weight = script.build_predictor(str(bundle)).image_encoder.trunk.patch_embed.proj.weight.detach().numpy()
    exported = patch_embed_in_graph(bundle, weight.shape)
    assert any(np.array_equal(weight, w) for w in exported), "the rebuilt weights are not the graph's"
    # Another seed gives other weights, so the check above can tell them apart.
    other = tmp_path / "other"
    assert main(["export", "--size", "nano", "--image-size", "64", "--seed", "4", "--out", str(other)]) == 0
    assert not any(np.array_equal(weight, w) for w in patch_embed_in_graph(other, weight.shape))


def test_a_trained_bundle_is_not_taken_for_a_random_one():
    script = load_script()
    assert script.random_seed(str(REPO / "models" / "samocta2-nano")) is None
