#!/usr/bin/env bash
# Issue 13's FAZ candidate (NOT shipped; models/samocta2-nano/README.md, "What a sixth step
# tried"): the synthetic-only bundle's weights (base + LoRA merged; as shipped at 781f4a6) with
# the encoder frozen, its heads and memory path trained further on FAZ-heavy sequences of
# OCTA-500's projection layers (the real 3D FAZ at each depth: the whole FAZ on shallow layers,
# rings and crescents deeper)
# and on the synthetic 640-layer windows, at the shipped 256 px. About 50 minutes on 2 CPU cores.
#   bash models/samocta2-nano/recipe/make_faz.sh      # writes .cache/nano-f/base-f1.pt
#   VARIANT=f2 bash models/samocta2-nano/recipe/make_faz.sh   # .cache/nano-f/base-f2.pt: the same
#     training with the dense prompt (docs/model-bundle.md 5.8) on prompted layers and carried to
#     tracked ones, so the heads learn a correction to the threshold's region rather than the region
#   VARIANT=f3 bash models/samocta2-nano/recipe/make_faz.sh   # .cache/nano-f/base-f3.pt: f2 on FAZ
#     stacks from the foveal pit's floor down (projection-layers --faz-window floor), the depths
#     OCTA-500's own layer stacks show, where the label is the dark FAZ a threshold finds
#   VARIANT=f4 bash models/samocta2-nano/recipe/make_faz.sh   # .cache/nano-f/base-f4.pt: f2's weights
#     trained further on f3's stacks with the dense prompt cut at the negative points inside it
#     (prompt_prior.carve_region); needs base-f2.pt
#   VARIANT=f5 bash models/samocta2-nano/recipe/make_faz.sh   # .cache/nano-f/base-f5.pt: f4's weights
#     trained further on f4's stacks and on en-face FAZ stacks (--faz-window enface: the projection
#     with the whole en-face FAZ on every layer), meant to answer a prompted layer that shows the
#     whole FAZ whole again (it did not: the model card's ninth step says why); needs base-f4.pt
#   VARIANT=f6 bash models/samocta2-nano/recipe/make_faz.sh   # .cache/nano-f/base-f6.pt: f5 trained
#     30 minutes more with prompted layers choosing among the decoder's three candidates by its IoU
#     head, as tracked layers do (--multimask-max-points 16); needs base-f5.pt
#   VARIANT=f7 bash models/samocta2-nano/recipe/make_faz.sh   # .cache/nano-f/base-f7.pt: f5 trained
#     further on f4's stacks and on disc stacks (--faz-window disc: the capillary mesh lit in a
#     narrowing disc around the whole en-face FAZ, as OCTA-500's FAZ layers look), 10304 and 10004
#     left out of them: their disc and floor stacks (seed 1) are the decision set, read before
#     10301; needs base-f5.pt
#   VARIANT=f8 bash models/samocta2-nano/recipe/make_faz.sh   # .cache/nano-f/base-f8.pt: f7 trained
#     30 minutes more, FAZ drawn four times as often as vessels and disc stacks (a second draw,
#     seed 2) as often as floor ones; the same decision set; needs base-f7.pt
#   VARIANT=f9 bash models/samocta2-nano/recipe/make_faz.sh   # .cache/nano-f/base-f9.pt: f8 trained
#     20 minutes more on f8's stacks (its feature cache too), lr 3e-5; needs base-f8.pt
#   VARIANT=f10 bash models/samocta2-nano/recipe/make_faz.sh  # .cache/nano-f/base-f10.pt: f8 trained
#     30 minutes more on f8's stacks and on disc-floor stacks (--faz-window disc-floor: the disc
#     window's layers labelled with the 3D FAZ from the pit's floor down, whole to crescent, as
#     OCTA-500's own stack), the decision set gaining the held-out subjects' disc-floor stacks;
#     needs base-f8.pt
#   VARIANT=f11 bash models/samocta2-nano/recipe/make_faz.sh  # .cache/nano-f/base-f11.pt: f8 trained
#     30 minutes more with the synthetic windows drawn six times as often (each folder passed six
#     times) and one-click sequences as often as prompted ones, FAZ : vessels = 2 : 1, meant to let
#     a one-click FAZ track end at the FAZ's ends again (f8's never does: the model card's eleventh
#     step; nor did f11's); f8's stacks without the second disc draw (f8's feature cache); needs
#     base-f8.pt
#   VARIANT=f12 bash models/samocta2-nano/recipe/make_faz.sh  # .cache/nano-f/base-f12.pt: the
#     synthetic-only bundle's weights trained 40 minutes on f8's stacks with its whole tracking path kept as it is
#     (memory encoder and attention, the decoder's transformer, object-score head and pointer
#     projections, the no-prompt embeddings): only the prompt encoder and the decoder's mask and IoU
#     heads learn, so real stacks that hold the FAZ on every layer cannot teach the tracker that the
#     FAZ never ends (f8's one-click track never does); f8's feature cache. It keeps the one-click
#     FAZ but its heads lose the one-click vessel (the model card's twelfth step)
#   VARIANT=f13 bash models/samocta2-nano/recipe/make_faz.sh  # .cache/nano-f/base-f13.pt: f12's frozen
#     tracking path with f11's mix (the synthetic windows drawn six times as often, one-click and
#     prompted sequences 1 : 1, FAZ : vessels 2 : 1), meant to keep the synthetic one-click vessel
#     that f12's retrained heads lose; f8's feature cache. Part of it came back (0.289 against
#     f12's 0.197 and the synthetic bundle's 0.367), the real-stack vessels fell (0.520)
# Needs `npm run build`, the trainer's venv and ../shared/data/octa500, whose subject 10301 is
# left out of training (its layer stacks are the validation set).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
py="${PYTHON:-$root/.venv/bin/python}"
export PYTHONPATH="$root/trainer${PYTHONPATH:+:$PYTHONPATH}"
data=.cache/nano-data run=.cache/nano-f variant="${VARIANT:-f1}"
window=label stacks=projection-layers-f extra=() decide=()
case $variant in
  f1) prior=() ;;
  f2) prior=(--point-prior --carry-prior) ;;
  f3) prior=(--point-prior --carry-prior) window=floor stacks=projection-layers-g ;;
  f4) prior=(--point-prior --carry-prior --carve-prior) window=floor stacks=projection-layers-g init=base-f2.pt ;;
  f5) prior=(--point-prior --carry-prior --carve-prior) window=floor stacks=projection-layers-g init=base-f4.pt
      extra=("$data/projection-layers-e") ;;
  f6) prior=(--point-prior --carry-prior --carve-prior --multimask-max-points 16) window=floor stacks=projection-layers-g
      init=base-f5.pt extra=("$data/projection-layers-e") minutes=30 lr=5e-5 ;;
  f7) prior=(--point-prior --carry-prior --carve-prior) window=floor stacks=projection-layers-g init=base-f5.pt
      extra=("$data/projection-layers-d") ;;
  f8) prior=(--point-prior --carry-prior --carve-prior) window=floor stacks=projection-layers-g init=base-f7.pt
      extra=("$data/projection-layers-d" "$data/projection-layers-d2") minutes=30 lr=5e-5 targets=rv:1,faz:4 ;;
  f9) prior=(--point-prior --carry-prior --carve-prior) window=floor stacks=projection-layers-g init=base-f8.pt
      extra=("$data/projection-layers-d" "$data/projection-layers-d2") minutes=20 lr=3e-5 targets=rv:1,faz:4
      features=f8 ;;
  f10) prior=(--point-prior --carry-prior --carve-prior) window=floor stacks=projection-layers-g init=base-f8.pt
      extra=("$data/projection-layers-d" "$data/projection-layers-d2" "$data/projection-layers-df") minutes=30 lr=5e-5
      targets=rv:1,faz:4 ;;
  f11) prior=(--point-prior --carry-prior --carve-prior) window=floor stacks=projection-layers-g init=base-f8.pt
      synthetic=("$data/deep-train-r" "$data/deep-train-small-r")
      extra=("$data/projection-layers-d" "${synthetic[@]}" "${synthetic[@]}" "${synthetic[@]}" "${synthetic[@]}"
             "${synthetic[@]}") minutes=30 lr=5e-5 targets=rv:1,faz:2 kinds=click:1,baseline:1 features=f8 ;;
  f12|f13) prior=(--point-prior --carry-prior --carve-prior) window=floor stacks=projection-layers-g
      extra=("$data/projection-layers-d" "$data/projection-layers-d2") minutes=40 targets=rv:1,faz:4 features=f8
      tracking=memory_encoder,memory_attention,sam_mask_decoder.transformer,sam_mask_decoder.obj_score_token
      tracking+=,sam_mask_decoder.pred_obj_score_head,obj_ptr_proj,obj_ptr_tpos_proj,maskmem_tpos_enc,no_mem_embed
      tracking+=,no_mem_pos_enc,no_obj_ptr,no_obj_embed_spatial,sam_prompt_encoder.no_mask_embed
      tracking+=,sam_prompt_encoder.not_a_point_embed ;;&  # ;;& goes on matching: f13 changes the mix
  f13) synthetic=("$data/deep-train-r" "$data/deep-train-small-r")
      extra=("$data/projection-layers-d" "${synthetic[@]}" "${synthetic[@]}" "${synthetic[@]}" "${synthetic[@]}"
             "${synthetic[@]}") targets=rv:1,faz:2 kinds=click:1,baseline:1 ;;
  f12) ;;
  *) echo "VARIANT must be f1 to f13, not $variant" >&2; exit 2 ;;
esac
if [[ -n "${init:-}" && ! -f "$run/$init" ]]; then
  echo "VARIANT=$variant starts from $run/$init: make it first" >&2; exit 2
fi
mkdir -p "$run"

deep() { node dist/cli.js synth --out "$data/deep-$1" --seed "$2" --size "$3" --layers 240,319 >/dev/null; }
for s in $(seq 1001 1008); do deep train-r "$s" 128x128x640; done
for s in $(seq 1101 1104); do deep train-small-r "$s" 96x96x640; done
rm -f "$data"/*/*.json
"$py" -m samocta2 projection-layers "$root/../shared/data/octa500/OCTA-500" "$data/$stacks" \
  --exclude 10301 --rv-stacks 4 --faz-stacks 12 --seed 0 --vessel-dilation 1 --faz-window "$window"
faz_only() {  # folder, window, stacks per subject, subjects left out, seed
  "$py" -m samocta2 projection-layers "$root/../shared/data/octa500/OCTA-500" "$1" \
    --exclude "$4" --rv-stacks 0 --faz-stacks "$3" --seed "$5" --faz-window "$2"
}
case $variant in
  f5|f6) faz_only "$data/projection-layers-e" enface 6 10301 0 ;;
  f7|f8|f9|f10|f11|f12|f13) faz_only "$data/projection-layers-d" disc 8 10301,10304,10004 0
      [[ $variant == f7 ]] || faz_only "$data/projection-layers-d2" disc 8 10301,10304,10004 2
      windows=(disc floor)
      if [[ $variant == f10 ]]; then
        faz_only "$data/projection-layers-df" disc-floor 16 10301,10304,10004 0
        windows+=(disc-floor)
      fi
      # The decision set: held-out subjects' disc stacks and (new draws of) their floor stacks
      # (f10: and their disc-floor stacks).
      for w in "${windows[@]}"; do
        faz_only "$run/decide-$w" "$w" 4 10301,10302,10303,10001,10002,10003 1
        decide+=("$run/decide-$w")
      done ;;
esac

# The synthetic-only bundle (make.sh's, the one shipped) as a plain nano checkpoint: what it tracks
# with, LoRA folded in. Taken from the commit that shipped it, so every variant starts from the
# same weights whatever models/samocta2-nano holds later; SYNTHETIC_BUNDLE=<folder> names another
# (make.sh's own output, say).
synthetic="${SYNTHETIC_BUNDLE:-$run/synthetic-bundle}"
if [[ ! -f "$synthetic/manifest.json" ]]; then
  mkdir -p "$synthetic"
  git archive 781f4a6 models/samocta2-nano | tar -x --strip-components=2 -C "$synthetic"
fi
"$py" - "$run/init.pt" "$synthetic" <<'PY'
import sys
import torch
from samocta2.export.bundle_lora import model_from_bundle
from samocta2.lora import merge_lora
from samocta2.model import build_sam2_model
plain = build_sam2_model("nano", image_size=256)
plain.load_state_dict(merge_lora(model_from_bundle(sys.argv[2])).state_dict())
torch.save({"model": plain.state_dict()}, sys.argv[1])
PY

# The memory path's hand-set parts stay as they are (the zeroed image projection, the mask
# downsampler, the localized lookup's query and key); FAZ drawn three times as often as vessels.
lookup=memory_attention.layers.0.cross_attn_image
frozen=memory_encoder.pix_feat_proj,memory_encoder.mask_downsampler,$lookup.q_proj,$lookup.k_proj${tracking:+,$tracking}
"$py" models/samocta2-nano/recipe/pretrain_memory.py --data "$data/$stacks" "${extra[@]}" "$data/deep-train-r" \
  "$data/deep-train-small-r" --init "$run/${init:-init.pt}" --image-size 256 --no-transposes --cache-projected \
  --feature-cache "$run/features-256-${features:-$variant}.pt" --targets "${targets:-rv:1,faz:3}" \
  --kinds "${kinds:-click:1,baseline:2}" --frames 4,8 --click-strides 1,2,4 --lr "${lr:-1e-4}" --score-weight 3 \
  --freeze "$frozen" --minutes "${minutes:-45}" --save-every 100 \
  --seed 1101 "${prior[@]}" --out "$run/base-$variant.pt" | tee "$run/$variant.log"

# Once, on the real 10301 stacks (never trained on): per layer of the FAZ stack, and both targets
# beside the classical baseline (the trainer's draws, baseline condition, seed 1234).
for t in faz rv; do
  mkdir -p "$run/val-$t"
  for f in "10301_$t.nii.gz" "10301_$t.label.nii.gz"; do ln -sf "$root/../shared/data/octa500/layers/$f" "$run/val-$t/$f"; done
done
"$py" - "$run/base-$variant.pt" "$run" "$variant" "${decide[@]}" <<'PY'
import json
import sys
from pathlib import Path
import numpy as np
sys.path.insert(0, "models/samocta2-nano/recipe")
import probe_faz_layers
from samocta2.config import DEFAULTS
from samocta2.data.sequences import SequenceSource, load_folder
from samocta2.evaluate import evaluate_sequences, table2_conditions

run, (_, _, draw) = sys.argv[2], table2_conditions("baseline")[0]
model = probe_faz_layers.model_from_checkpoint(sys.argv[1])
decide = sys.argv[4:]
if decide:  # the output rule for prompted layers, chosen on the decision set before 10301 is read;
    # ship_faz.sh builds the bundle with it
    means = {}
    for most in (model.multimask_max_pt_num, 16):
        model.multimask_max_pt_num = most
        rows = [r for folder in decide for r in probe_faz_layers.frame_scores(model, str(folder), 1234, 2)]
        means[most] = float(np.mean([r[3] for r in rows]))
        print(f"decision set, multimask_max_points {most}:", probe_faz_layers.report(rows).splitlines()[-1])
    model.multimask_max_pt_num = max(means, key=means.get)
    print("chosen multimask_max_points:", model.multimask_max_pt_num)
    rule = {"multimask_max_points": model.multimask_max_pt_num, "decision_set": means}
    Path(run, f"rule-{sys.argv[3]}.json").write_text(json.dumps(rule) + "\n")
print(probe_faz_layers.report(probe_faz_layers.frame_scores(model, f"{run}/val-faz", 1234, 20)))
for target, per in (("faz", 20), ("rv", 10)):
    source = SequenceSource(load_folder(f"{run}/val-{target}", target), DEFAULTS["sampling"])
    print(target, evaluate_sequences(model, source, target, draw, "cpu", 1234, per).fields())
PY
