"""Shared fixtures: synthetic volumes from the project's generator, a tiny training config."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import torch
from factory import write_case

TRAINER = Path(__file__).resolve().parents[1]
REPO = TRAINER.parent
SHARED_OCTA500 = REPO.parent / "shared" / "data" / "octa500"
FIXTURES = REPO / "test" / "fixtures"


def assert_vectors_current(script: str, vectors: str) -> None:
    """A TypeScript port's committed reference (test/fixtures/`vectors`) is what its writer
    (test/fixtures/`script`, build_vectors()) computes from the trainer as it is now."""
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location(Path(script).stem, FIXTURES / script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = json.loads((FIXTURES / vectors).read_text())
    assert module.build_vectors() == committed, (
        f"regenerate: .venv/bin/python test/fixtures/{script} test/fixtures/{vectors}"
    )

# Small enough for CPU: nano at 128 px, 4-6 frames, rank-8 LoRA.
TINY_CONFIG = {
    "model": {"size": "nano", "image_size": 128},
    "lora": {"r": 8, "alpha": 8, "dropout": 0.1, "target_modules": ["qkv"]},
    "sampling": {"frames": [4, 6], "max_rotation_deg": 5.0},
    "train": {
        "steps": 4,
        "lr": 1.0e-3,
        "checkpoint_every": 2,
        "val_every": 0,
        "val_sequences": 2,
        "device": "cpu",
        "seed": 0,
    },
}


def pytest_configure(config):
    # One thread per process: on a shared 2-core machine, OpenMP threads spinning against
    # other work made each op up to 8x slower. Subprocesses (CLI tests) inherit the variable.
    os.environ["OMP_NUM_THREADS"] = "1"
    torch.set_num_threads(1)


def ensure_cli() -> tuple[str, Path]:
    """(node, dist/cli.js), building the CLI when it is missing."""
    cli = REPO / "dist" / "cli.js"
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node is not on PATH: the synthetic test volumes come from `node dist/cli.js synth` (Node >= 20)"
        )
    if not cli.exists():
        build = subprocess.run(["npm", "run", "build"], cwd=REPO, capture_output=True, text=True)
        if build.returncode != 0 or not cli.exists():
            pytest.fail(
                f"could not build {cli} with `npm run build` in {REPO}:\n{build.stdout[-2000:]}\n{build.stderr[-2000:]}"
            )
    return node, cli


def _synth(out: Path, seed: int) -> None:
    node, cli = ensure_cli()
    run = subprocess.run(
        [node, str(cli), "synth", "--seed", str(seed), "--size", "64x64x32", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        pytest.fail(f"`sam-octa2 synth --seed {seed}` failed ({run.returncode}):\n{run.stderr[-2000:]}")


@pytest.fixture(scope="session")
def synthetic_data(tmp_path_factory) -> Path:
    """<root>/train (seeds 1, 2) and <root>/val (seed 3): 64 x 64 x 32 generator volumes."""
    root = tmp_path_factory.mktemp("synth")
    for split, seeds in (("train", (1, 2)), ("val", (3,))):
        (root / split).mkdir()
        for seed in seeds:
            _synth(root / split, seed)
    return root


@pytest.fixture(scope="session")
def handmade_data(tmp_path_factory) -> Path:
    """<root>/train (2 cases) and <root>/val (1 case) from tests/factory.py."""
    root = tmp_path_factory.mktemp("handmade")
    write_case(root / "train", "a", seed=0)
    write_case(root / "train", "b", seed=1)
    write_case(root / "val", "c", seed=2)
    return root


@pytest.fixture
def tiny_config(tmp_path):
    from samocta2.config import DEFAULTS, deep_merge

    config = deep_merge(DEFAULTS, TINY_CONFIG)
    config["train"]["out"] = str(tmp_path / "run")
    return config
