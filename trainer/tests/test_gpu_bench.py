"""bench/gpu/run.sh's plan (issue 17, item 6): the GPU run measures everything the issue asks
for, a step that cannot run is reported with its reason, and a part of the CPU smoke plan runs
here end to end (its LoRA training step, through the same runner and table as the GPU run)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def load_bench():
    spec = importlib.util.spec_from_file_location("gpu_bench", REPO / "bench" / "gpu" / "gpu_bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def test_the_gpu_plan_covers_both_bundles_every_engine_and_both_training_runs(tmp_path):
    plan = bench.make_plan(smoke=False, work=tmp_path)
    tracks = {(s.model, s.engine) for s in plan.steps if s.kind == "track"}
    assert tracks == {
        (size, engine)
        for size in ("tiny", "base_plus")
        for engine in ("ort-node-cuda", "chromium-webgpu", "pytorch-cuda-eager")
    }
    assert all(m.image_size == 1024 for m in plan.models)
    train = [s for s in plan.steps if s.kind == "train"]
    assert [("--checkpointing" in s.argv) for s in train] == [False, True]
    for s in train:
        assert s.argv[s.argv.index("--size") + 1] == "base_plus"
        assert s.argv[s.argv.index("--frames") + 1] == "8"
        assert "--no-bf16" not in s.argv and s.argv[s.argv.index("--device") + 1] == "cuda"
    # Within the 8 minutes, bundles exported first (their steps use them).
    assert plan.budget_s <= 480
    exports = [i for i, s in enumerate(plan.steps) if s.kind == "export"]
    assert len(exports) == 2 and all(plan.steps[i + 1].model == plan.steps[i].model for i in exports)


def test_a_step_that_cannot_run_says_why():
    plan = bench.make_plan(smoke=False, work=Path("/nonexistent"))
    cuda_rows = [s for s in plan.steps if s.engine == "ort-node-cuda"]
    why = bench.missing(cuda_rows[0], {"node": True, "chromium": True, "ort-node-cuda": False})
    assert "ONNXRUNTIME_NODE_INSTALL=cuda12" in why
    webgpu = next(s for s in plan.steps if s.engine == "chromium-webgpu")
    assert "Chromium" in bench.missing(webgpu, {"node": True, "chromium": False})
    assert bench.missing(webgpu, {"node": True, "chromium": True}) is None


def test_part_of_the_smoke_plan_runs_and_reports_rows(tmp_path):
    plan = bench.make_plan(smoke=True, work=tmp_path)
    bench.write_inputs(plan, tmp_path)
    assert (tmp_path / "volume-48x48x4.u8").stat().st_size == 48 * 48 * 4
    train_step = next(s for s in plan.steps if s.kind == "train" and "--checkpointing" not in s.argv)
    row = bench.row_of(train_step, bench.run_step(train_step, 300))
    assert "skip" not in row, row
    assert row["stepMs"] > 0 and row["peakRssMiB"] > 0 and row["torchPeakGpuMiB"] is None
    table = bench.table([row])
    assert table.count("\n") == 2 and "nano LoRA step, 2 frames" in table
    json.dumps(row)  # the JSON the run writes


if __name__ == "__main__":
    pytest.main([__file__, "-q"])
