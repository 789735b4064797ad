#!/usr/bin/env bash
# Rebuild models/samocta2-nano from nothing but this repository (no data from ../shared is
# used for training; ../shared/data/octa500/layers is only evaluated on, through symlinks).
#   bash models/samocta2-nano/recipe/make.sh
# Steps: synthetic volumes -> pretrain all nano weights -> LoRA fine-tuning (the
# paper's method, samocta2 train) -> evaluation -> export with LoRA merged. Work files go to .cache/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
py="${PYTHON:-$root/.venv/bin/python}"
export PYTHONPATH="$root/trainer${PYTHONPATH:+:$PYTHONPATH}"
data=.cache/nano-data run=.cache/nano-run out=models/samocta2-nano
LORA_STEPS="${LORA_STEPS:-20}"

# 1. synthetic volumes (sam-octa2 synth; same seed and size give identical files)
synth() { node dist/cli.js synth --out "$data/$1" --seed "$2" --size "${3:-128x128x96}" --slab 0.2,0.8 >/dev/null; }
for s in $(seq 1001 1016); do synth train "$s"; done
for s in $(seq 1101 1108); do synth train-small "$s" 96x96x48; done  # the e2e test's size
for s in 2001 2002; do synth val "$s"; done
for s in 3001 3002 3003 3004; do synth test "$s"; done
rm -f "$data"/*/*.json

# 2. pretrain every nano weight from random (nano has no released checkpoint), SAM 2's way
#    (pretrain_nano.py): batches of single prompted layers, then layer sequences through the
#    memory path; SAM 2's loss (focal + Dice on the best candidate mask, IoU head, object score).
#    Each phase also stops after its wall-time limit (the learning rate then decays by time).
# (REUSE_PRETRAIN=1 keeps existing checkpoints: the same commands made them)
mkdir -p "$run"
pretrain() { "$py" models/samocta2-nano/recipe/pretrain_nano.py --data "$data/train" "$data/train-small" \
  --image-batch 8 --frames 3,5 --save-every 100 "$@"; }
#  2a. 800 image steps from random weights. This phase ran as the first 800 of 2000 planned
#      steps (hence --steps 2000 --stop-after 800: the same learning-rate schedule) and with
#      sam2's L1 loss on the IoU head's sigmoid, which left that head dead (predicting 0).
if [[ -z "${REUSE_PRETRAIN:-}" || ! -f "$run/base-a.pt" ]]; then
  pretrain --steps 2000 --image-steps 800 --stop-after 800 --lr 8e-4 --iou-loss l1 --max-minutes 40 \
    --out "$run/base-a.pt" | tee "$run/pretrain-a.log"
fi
#  2b. 200 image steps (BCE on the IoU logits revives the head), then sequences with every
#      other step an image step
if [[ -z "${REUSE_PRETRAIN:-}" || ! -f "$run/base.pt" ]]; then
  pretrain --init "$run/base-a.pt" --seed 1 --steps 1100 --image-steps 200 --image-share 0.5 --lr 4e-4 \
    --max-minutes 16 --out "$run/base.pt" | tee "$run/pretrain-b.log"
fi

# 3. LoRA fine-tuning on vessels (encoder qkv, r=32, alpha=32, dropout 0.1)
rm -rf "$run/lora"
"$py" -m samocta2 train --size nano --model-checkpoint "$run/base.pt" --data "$data/train" \
  --val-data "$data/val" --target rv --steps "$LORA_STEPS" --lr 1e-4 --seed 0 \
  --checkpoint-every "$LORA_STEPS" --val-every 0 --set sampling.frames=[4,4] --out "$run/lora" | tee "$run/lora.log"

# 4. evaluation: held-out synthetic volumes and the real OCTA-500 layers (paper baseline condition)
mkdir -p "$run/octa500-faz" "$run/octa500-rv"
layers="$root/../shared/data/octa500/layers"
for f in 10301_faz.nii.gz 10301_faz.label.nii.gz; do ln -sf "$layers/$f" "$run/octa500-faz/$f"; done
for f in 10301_rv.nii.gz 10301_rv.label.nii.gz; do ln -sf "$layers/$f" "$run/octa500-rv/$f"; done
ev() { "$py" -m samocta2 eval --checkpoint "$run/lora/checkpoint.pt" --data "$1" --target "$2" \
  --task sequence --conditions baseline --out "$run/eval-$3" >/dev/null; }
ev "$data/test" rv synth-rv
ev "$data/test" faz synth-faz
ev "$run/octa500-rv" rv octa500-rv
ev "$run/octa500-faz" faz octa500-faz
"$py" - "$run" <<'PY'
import json, sys
from pathlib import Path
run = Path(sys.argv[1])
out = {name: json.loads((run / f"eval-{name}" / "eval.json").read_text())
       for name in ("synth-rv", "synth-faz", "octa500-rv", "octa500-faz")}
(run / "metrics.json").write_text(json.dumps(out, indent=2) + "\n")
PY

# 5. export (LoRA merged into the encoder), fp32, with lora.pt and a copy of the pretrained base
#    (base.pt) so that fine-tuning can continue from this bundle on any machine
rm -rf "$out"/*.onnx "$out/manifest.json"
"$py" -m samocta2 export --checkpoint "$run/lora/checkpoint.pt" --metrics "$run/metrics.json" \
  --name samocta2-nano --with-base --out "$out"
