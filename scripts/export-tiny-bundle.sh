#!/usr/bin/env bash
# Export a SAM 2.1 tiny-size bundle with random weights at 1024 px, for speed measurements
# on the real architecture size (npm run bench). Not committed: about 150 MB.
#   usage: scripts/export-tiny-bundle.sh [OUT_DIR] [--fp16]
# Default OUT_DIR: .cache/samocta2-tiny-random (git-ignored). Weights are seeded (seed 0),
# so the graphs are the same bytes on every run with the same package versions.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/.cache/samocta2-tiny-random}"
shift || true
python="${PYTHON:-$root/.venv/bin/python}"
PYTHONPATH="$root/trainer${PYTHONPATH:+:$PYTHONPATH}" "$python" -m samocta2 export \
  --size tiny --image-size 1024 --seed 0 --name samocta2-tiny-random --out "$out" "$@"
