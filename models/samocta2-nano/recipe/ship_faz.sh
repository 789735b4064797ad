#!/usr/bin/env bash
# A bundle from one of make_faz.sh's checkpoints (issue 13): the paper's LoRA step on top (encoder
# qkv, r 32, lr 5e-6, 4 steps on vessels: it changes little, and makes the bundle's lora.pt for a
# user's own fine-tuning), the trainer's evaluation for the manifest, export with the base, and the
# evaluation that matters: the editor's own tracker (sam-octa2 eval, onnxruntime-node) on the real
# 10301 stacks, beside the classical baseline, on the trainer's draws.
# Last, one click tracked through the whole stack (recipe/one_click.py).
#   VARIANT=f8 bash models/samocta2-nano/recipe/ship_faz.sh              # .cache/nano-f/bundle-f8
#   VARIANT=f8 OUT=models/samocta2-nano bash models/samocta2-nano/recipe/ship_faz.sh
# Needs make_faz.sh's .cache/nano-f/base-$VARIANT.pt (and its data), `npm run build` and the venv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
py="${PYTHON:-$root/.venv/bin/python}"
export PYTHONPATH="$root/trainer${PYTHONPATH:+:$PYTHONPATH}"
data=.cache/nano-data run=.cache/nano-f variant="${VARIANT:?VARIANT=fN: a make_faz.sh variant (f7 and later)}"
base="$run/base-$variant.pt" out="${OUT:-$run/bundle-$variant}"
[[ -f "$base" ]] || { echo "$base is missing: run VARIANT=$variant make_faz.sh first" >&2; exit 2; }

# The held-out synthetic windows the shipped bundle's metrics always used (make.sh, step 1).
for s in 3001 3002 3003 3004; do
  node dist/cli.js synth --out "$data/deep-test" --seed "$s" --size 128x128x640 --layers 240,319 >/dev/null
done
rm -f "$data"/deep-test/*.json

# The dense prompt the checkpoint was trained with (its own flags) and the output rule for
# prompted layers that make_faz.sh chose on its decision set (rule-$variant.json, where it made one).
mapfile -t settings < <("$py" - "$base" "$run/rule-$variant.json" <<'PY'
import json, sys
from pathlib import Path
import torch
saved, rule = torch.load(sys.argv[1], map_location="cpu"), Path(sys.argv[2])
most = json.loads(rule.read_text())["multimask_max_points"] if rule.is_file() else saved.get("multimask_max_points", 1)
for key in ("point_prior", "carry_prior", "carve_prior"):
    print(f"--set\nmodel.{key}={str(bool(saved.get(key))).lower()}")
print(f"--set\nmodel.multimask_max_points={most}")
PY
)
rm -rf "$run/lora-$variant"
"$py" -m samocta2 train --size nano --model-checkpoint "$base" --image-size 256 "${settings[@]}" \
  --data "$data/projection-layers-g" --target rv --steps 4 --lr 5e-6 --seed 0 --checkpoint-every 4 --val-every 0 \
  --set sampling.frames=[4,4] --out "$run/lora-$variant" | tee "$run/lora-$variant.log"
checkpoint="$run/lora-$variant/checkpoint.pt"

for t in faz rv; do  # the links make_faz.sh makes too, so a copied checkpoint needs no make_faz run
  mkdir -p "$run/val-$t"
  for f in "10301_$t.nii.gz" "10301_$t.label.nii.gz"; do ln -sf "$root/../shared/data/octa500/layers/$f" "$run/val-$t/$f"; done
done
ev() { "$py" -m samocta2 eval --checkpoint "$checkpoint" --data "$1" --target "$2" --task sequence \
  --conditions baseline --out "$run/eval-$variant-$3" >/dev/null; }
ev "$data/deep-test" rv synth-rv
ev "$data/deep-test" faz synth-faz
ev "$run/val-rv" rv octa500-rv
ev "$run/val-faz" faz octa500-faz
"$py" - "$run" "$variant" <<'PY'
import json, sys
from pathlib import Path
run, variant = Path(sys.argv[1]), sys.argv[2]
out = {name: json.loads((run / f"eval-{variant}-{name}" / "eval.json").read_text())
       for name in ("synth-rv", "synth-faz", "octa500-rv", "octa500-faz")}
(run / f"metrics-{variant}.json").write_text(json.dumps(out, indent=2) + "\n")
PY
rm -rf "$out"/*.onnx "$out/manifest.json"
"$py" -m samocta2 export --checkpoint "$checkpoint" --metrics "$run/metrics-$variant.json" --with-base \
  --name samocta2-nano --out "$out"

for t in faz rv; do
  per=$([[ $t == faz ]] && echo 20 || echo 10)
  "$py" test/fixtures/evalPrompts.py "$run/val-$t" --target "$t" --conditions baseline --seed 1234 \
    --sequences-per-object "$per" --out "$run/prompts-$t.json"
  node dist/cli.js eval "$run/val-$t" --model "$out" --target "$t" --conditions baseline \
    --prompts "$run/prompts-$t.json" --threads 2 --json "$run/eval-$variant-$t.json"
done

# One click tracked through the whole stack, as a user starts and as the e2e test asks: on six
# synthetic volumes the e2e test does not use (its size and window) and on every object of the
# 10301 stacks, beside the synthetic-only bundle (make_faz.sh's synthetic-bundle).
for s in 4001 4002 4003 4004 4005 4006; do
  node dist/cli.js synth --out "$data/deep-click" --seed "$s" --size 96x96x640 --layers 240,319 >/dev/null
done
rm -f "$data"/deep-click/*.json
mkdir -p "$run/val-both"
ln -sf "$root"/../shared/data/octa500/layers/10301_{faz,rv}{,.label}.nii.gz "$run/val-both/"
for folder in "$data/deep-click" "$run/val-both"; do
  "$py" models/samocta2-nano/recipe/one_click.py "$folder" "${SYNTHETIC_BUNDLE:-$run/synthetic-bundle}" "$out"
done
