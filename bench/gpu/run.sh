#!/usr/bin/env bash
# The GPU benchmark (issue 17, item 6): one run on an NVIDIA GPU machine, one JSON and one
# table under bench/results/ (gpu-gpu.json / .md), within 8 minutes. Without a GPU, or with
# --smoke, a CPU smoke run of the same plan at toy sizes (gpu-smoke.json / .md).
#   usage: bench/gpu/run.sh [--smoke] [--budget SECONDS] [--out DIR] [--only export,track,train]
# Needs: the trainer's Python (.venv, or python3 with torch, sam2, peft, onnx; offline wheels
# carried in bench/gpu/wheels/ are installed from there), and for the Node rows node 20+ with
# this checkout's node_modules (onnxruntime-node installed with ONNXRUNTIME_NODE_INSTALL=cuda12
# for the CUDA row) and Chromium (CHROMIUM_PATH) for the WebGPU row. What is missing becomes
# a row that says so.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
[[ -x "$python" ]] || python="$(command -v python3)"
wheels="$root/bench/gpu/wheels"
if ! PYTHONPATH="$root/trainer" "$python" -c 'import sam2, peft, samocta2' 2>/dev/null; then
  if [[ -d "$wheels" ]]; then
    echo "Installing the trainer's missing packages from $wheels (offline)…"
    "$python" -m pip install --quiet --no-index --find-links "$wheels" sam2 peft hydra-core iopath
  else
    echo "The trainer's Python lacks sam2/peft: installing from PyPI…"
    SAM2_BUILD_CUDA=0 "$python" -m pip install --quiet --no-build-isolation sam2==1.1.0 peft
  fi
fi
[[ -f "$root/dist/webview/trackerWorker.js" ]] || { command -v node >/dev/null && (cd "$root" && npm run build >/dev/null); } || true
export PYTHONPATH="$root/trainer${PYTHONPATH:+:$PYTHONPATH}"
exec "$python" "$root/bench/gpu/gpu_bench.py" "$@"
