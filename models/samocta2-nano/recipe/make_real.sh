#!/usr/bin/env bash
# The real-layer candidate of issue 13 (NOT shipped yet; models/samocta2-nano/README.md, "Next
# bundle"): the shipped nano's base.pt (recipe/make.sh, phase g3) trained on layer-like stacks made
# from OCTA-500's real projections, at 512 px, with the dense prompt (docs/model-bundle.md 5.8).
#   bash models/samocta2-nano/recipe/make_real.sh      # writes .cache/nano-real/bundle
# Needs `npm run build`, the trainer's venv and ../shared/data/octa500 (whose subject 10301 is
# left out of training: its layer stacks are the validation set).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
py="${PYTHON:-$root/.venv/bin/python}"
export PYTHONPATH="$root/trainer${PYTHONPATH:+:$PYTHONPATH}"
data=.cache/nano-data run=.cache/nano-real out="${OUT:-.cache/nano-real/bundle}"
mkdir -p "$run"

# Data: the 640-layer synthetic windows (seeds 1001-1008 at 128 px, 1101-1104 at 96 px) and the
# projection layers, with vessel labels as OCTA-500 draws them (r1-r5) and grown by 1 px a side,
# the width of the layer labels (r6 on; docs/synthetic-octa.md). The images are the same.
deep() { node dist/cli.js synth --out "$data/deep-$1" --seed "$2" --size "$3" --layers 240,319 >/dev/null; }
for s in $(seq 1001 1008); do deep train-r "$s" 128x128x640; done
for s in $(seq 1101 1104); do deep train-small-r "$s" 96x96x640; done
for s in 3001 3002; do deep test "$s" 128x128x640; done
rm -f "$data"/*/*.json
for grow in 0 1; do
  "$py" -m samocta2 projection-layers "$root/../shared/data/octa500/OCTA-500" "$data/projection-layers-$grow" \
    --exclude 10301 --rv-stacks 8 --faz-stacks 4 --seed 0 --vessel-dilation "$grow"
done

# Training (pretrain_memory.py): the encoder frozen, its outputs cached once (features-512.pt);
# 512 px input (128 px masks: a 5-px real vessel spans more than a mask cell); the memory lookup's
# scale 5 instead of 7.5 (denormal floats at 7.5 made ONNX propagation slow). r1 learns the real
# layers from points; r2 on adds the dense prompt (since r4 as a skip connection to the masks;
# since r5 only on layers with a negative point), the object score weighted 3 since r3, labels
# grown since r6, the prompt carried to tracked layers since r7; r8 leans on FAZ and click
# sequences (the synthetic FAZ click track had fallen behind copying the clicked mask). r1-r3 ran
# before the skip connection existed (with today's code it is there from r2). Each stage went on
# from the previous one's last saved checkpoint (--stop-after: where it was stopped by hand).
real() { "$py" models/samocta2-nano/recipe/pretrain_memory.py --data "$data/projection-layers-${grow:-0}" \
  "$data/deep-train-r" "$data/deep-train-small-r" --image-size 512 --no-transposes --cache-projected \
  --feature-cache "$run/features-512.pt" --frames 4,8 --click-strides 1,2,4 --save-every 50 "$@"; }
mix="--targets rv:3,faz:2 --kinds click:1,baseline:2 --lr 2e-4"
frozen=memory_encoder.pix_feat_proj,memory_encoder.mask_downsampler
lookup=memory_attention.layers.0.cross_attn_image
grow=0 real $mix --init models/samocta2-nano/base.pt --local-attention 5 --freeze "$frozen" --stop-after 250 \
  --minutes 60 --seed 201 --out "$run/base-r1.pt" | tee "$run/r1.log"
frozen="$frozen,$lookup.q_proj,$lookup.k_proj"
grow=0 real $mix --init "$run/base-r1.pt" --point-prior --freeze "$frozen" --stop-after 300 --minutes 50 \
  --seed 301 --out "$run/base-r2.pt" | tee "$run/r2.log"
grow=0 real $mix --init "$run/base-r2.pt" --point-prior --freeze "$frozen" --score-weight 3 --stop-after 800 \
  --minutes 40 --seed 401 --out "$run/base-r3.pt" | tee "$run/r3.log"
grow=0 real $mix --init "$run/base-r3.pt" --point-prior --freeze "$frozen" --score-weight 3 --stop-after 100 \
  --minutes 30 --seed 501 --out "$run/base-r4.pt" | tee "$run/r4.log"
grow=0 real $mix --init "$run/base-r4.pt" --point-prior --freeze "$frozen" --score-weight 3 --stop-after 150 \
  --minutes 28 --seed 601 --out "$run/base-r5.pt" | tee "$run/r5.log"
grow=1 real $mix --init "$run/base-r5.pt" --point-prior --freeze "$frozen" --score-weight 3 --minutes 22 \
  --seed 701 --out "$run/base-r6.pt" | tee "$run/r6.log"
grow=1 real $mix --init "$run/base-r6.pt" --point-prior --carry-prior --freeze "$frozen" --score-weight 3 \
  --minutes 15 --lr 1.5e-4 --seed 801 --out "$run/base-r7.pt" | tee "$run/r7.log"
grow=1 real --init "$run/base-r7.pt" --point-prior --carry-prior --freeze "$frozen" --score-weight 3 \
  --targets rv:1,faz:2 --kinds click:2,baseline:1 --frames 6,12 --lr 5e-5 --minutes 6 --seed 901 \
  --out "$run/base.pt" | tee "$run/r8.log"

# LoRA, the paper's method and learning rate (encoder qkv, r 32, lr 5e-6), 4 steps on the vessel
# stacks: they change little; they make the bundle's lora.pt for a user's own fine-tuning.
rm -rf "$run/lora"
"$py" -m samocta2 train --size nano --model-checkpoint "$run/base.pt" --image-size 512 \
  --set model.point_prior=true --set model.carry_prior=true --data "$data/projection-layers-1" --target rv \
  --steps 4 --lr 5e-6 --seed 0 --checkpoint-every 4 --val-every 0 --set sampling.frames=[4,4] \
  --out "$run/lora" | tee "$run/lora.log"
"$py" -m samocta2 export --checkpoint "$run/lora/checkpoint.pt" --with-base --name samocta2-nano --out "$out"

# Evaluation on the real 10301 stacks (never trained on), the trainer's draws replayed by the
# TypeScript tracker, the classical baseline beside the model (docs/evaluation.md).
for t in faz rv; do
  mkdir -p "$run/val-$t"
  for f in "10301_$t.nii.gz" "10301_$t.label.nii.gz"; do ln -sf "$root/../shared/data/octa500/layers/$f" "$run/val-$t/$f"; done
  per=$([[ $t == faz ]] && echo 20 || echo 10)
  "$py" test/fixtures/evalPrompts.py "$run/val-$t" --target "$t" --conditions baseline --seed 1234 \
    --sequences-per-object "$per" --out "$run/prompts-$t.json"
  node dist/cli.js eval "$run/val-$t" --model "$out" --target "$t" --prompts "$run/prompts-$t.json" \
    --threads 2 --json "$run/eval-$t.json"
done
