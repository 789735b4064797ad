"""`samocta2 eval --task enface`: paper Table I, the en-face task, the model beside the baseline.

Rows FAZ / RV x 3M / 6M. Each row's model is the checkpoint trained for that target and field of
view (its config's data.target and data.fov; `--checkpoint` once per row) or such a model bundle
(`--bundle`, its own base + LoRA weights; a layer-sequence bundle scores every row), or, without
either, the one base model of --config / --size for every row. Per eye: the projection clip
with the paper's prompt on all three maps (data/enface.py, projection_prompts.py); the middle
map's prediction is scored against the whole FAZ or vessel map, as the authors score it, and
Dice / Jaccard are averaged over eyes (`n`). The classical baseline (classical.py) gets the same
clips and points.

    python -m samocta2 eval --task enface --data data/octa500/3M/test --data data/octa500/6M/test \\
        --checkpoint runs/enface_3m_faz/checkpoint.pt --checkpoint runs/enface_3m_rv/checkpoint.pt ...
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path
from typing import Any

import numpy as np

from .classical import classical_masks
from .config import load_config
from .data.enface import SCORED_FRAME, EnfaceCase, EnfaceSource, load_enface_folder
from .errors import DataError, TrainerError
from .metrics import dice_jaccard
from .progress import Progress
from .tracking import predict_masks
from .train import resolve_device

TARGETS = ("faz", "rv")
FOVS = ("3M", "6M")


def score_cases(model, cases: list[EnfaceCase], target: str, device, seed: int) -> dict[str, Any]:
    """Row fields: the model's dice/jaccard (null without a model), classical_*, n (eyes)."""
    source = EnfaceSource(cases, {}, target)
    model_scores, classical_scores = [], []
    for i in range(len(source)):
        seq = source.draw(np.random.default_rng([seed, i]), i, augment=False)
        truth = seq.masks[SCORED_FRAME]
        if model is not None:
            model_scores.append(dice_jaccard(predict_masks(model, seq, device)[SCORED_FRAME], truth))
        baseline = classical_masks(seq.frames, seq.prompts, target)[SCORED_FRAME]
        classical_scores.append(dice_jaccard(baseline, truth))

    def mean(scores: list, k: int) -> float | None:
        return float(np.mean([s[k] for s in scores])) if scores else None

    return {
        "dice": mean(model_scores, 0),
        "jaccard": mean(model_scores, 1),
        "n": len(source),
        "classical_dice": mean(classical_scores, 0),
        "classical_jaccard": mean(classical_scores, 1),
    }


def _row_models(args: argparse.Namespace, device) -> dict[tuple[str, str | None], tuple[Any, dict, str]]:
    """(target, fov or None = every fov) -> (model, config, description)."""
    from .evaluate import load_model_for_eval

    models: dict[tuple[str, str | None], tuple[Any, dict, str]] = {}
    for path in args.checkpoint or []:
        one = copy.copy(args)
        one.checkpoint = path
        model, config, source = load_model_for_eval(one, device)
        data = config["data"]
        if data.get("task", "sequence") != "enface":
            raise TrainerError(
                f"{path} was trained on layer sequences (data.task {data.get('task')!r}), not en-face clips"
            )
        key = (data["target"], data.get("fov"))
        if key in models:
            raise TrainerError(f"two checkpoints for the same Table I row {key}: {models[key][2]} and {source}")
        models[key] = (model, config, source)
    for folder in getattr(args, "bundle", None) or []:
        key, entry = _bundle_model(folder, device)
        for k in [key] if key[0] else [(t, None) for t in TARGETS]:
            if k in models:
                raise TrainerError(f"two models for the same Table I row {k}: {models[k][2]} and {entry[2]}")
            models[k] = entry
    if not args.checkpoint and not getattr(args, "bundle", None):
        model, config, source = load_model_for_eval(args, device)
        for target in TARGETS:
            models[(target, None)] = (model, config, source)
    return models


def _bundle_model(folder: str, device) -> tuple[tuple[str | None, str | None], tuple[Any, dict, str]]:
    """A model bundle's own weights (base + LoRA); an en-face bundle keys its row by the target
    and field of view it was trained on, a layer bundle (key (None, None)) scores every row."""
    from .export.bundle_lora import model_from_bundle

    model = model_from_bundle(folder, device)  # refuses a folder that is no bundle with LoRA weights
    manifest = json.loads((Path(folder) / "manifest.json").read_text())
    description = f"bundle {manifest.get('name', folder)} ({folder})"
    if manifest.get("task") != "enface":
        return (None, None), (model, {}, description)
    data = ((manifest.get("provenance") or {}).get("config") or {}).get("data") or {}
    return (data.get("target"), data.get("fov")), (model, {}, description)


def run_enface_evaluation(args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    device = resolve_device(args.device)
    classical_only = bool(getattr(args, "classical_only", False))
    if classical_only and (args.checkpoint or args.bundle or args.size or args.model_checkpoint or args.image_size):
        raise TrainerError(
            "--classical-only scores no model: drop --checkpoint, --bundle, --size, --model-checkpoint, --image-size"
        )
    models = {} if classical_only else _row_models(args, device)
    config = load_config(args.config)
    seed = args.seed if args.seed is not None else int(config["eval"]["seed"])
    targets = [args.target] if args.target else list(TARGETS)
    rows = []
    for target in targets:
        cases: list[EnfaceCase] = []
        for folder in args.data:
            cases += load_enface_folder(folder, target)
        fovs = sorted({c.fov for c in cases}, key=lambda f: (f not in FOVS, f))
        for fov in fovs:
            model, _, source = models.get((target, fov)) or models.get((target, None)) or (None, None, None)
            row_cases = [c for c in cases if c.fov == fov]
            fields = score_cases(model, row_cases, target, device, seed)
            rows.append({"target": target, "fov": fov, "model": source or "none", **fields})
            progress.log(f"{target.upper()} {fov}: {json.dumps(fields)}")
    if not rows:
        raise DataError(f"{', '.join(map(str, args.data))}: no en-face clips with {' or '.join(targets)} labels")
    scored = {(r["target"], r["fov"]) for r in rows}
    unused = [m[2] for key, m in models.items() if key[1] is not None and key not in scored]
    if unused:
        raise DataError(f"no en-face clips in --data for {', '.join(unused)}")
    return {"task": "enface", "data": [str(d) for d in args.data], "seed": seed, "table1": rows}


def rows_of_checkpoint(result: dict[str, Any], checkpoint: str) -> dict[str, Any]:
    """An en-face eval.json cut to the Table I rows that `checkpoint` scored, for its bundle's
    manifest: the other rows are other models' (the model picker reads every row's Dice)."""
    mine = Path(checkpoint).resolve()
    rows = [r for r in result["table1"] if Path(str(r["model"]).rsplit(" (step ", 1)[0]).resolve() == mine]
    if not rows:
        raise TrainerError(f"--metrics: no Table I row was scored by {checkpoint} (rows: "
                           f"{', '.join(sorted({str(r['model']) for r in result['table1']}))})")  # fmt: skip
    return {**result, "table1": rows}


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.2f}"


def format_table1(result: dict[str, Any]) -> str:
    """Table I's layout: one row per target and field of view, the model beside the baseline."""
    lines = [
        f"En-face task (Table I)  Data: {', '.join(result['data'])}  Seed: {result['seed']}",
        "",
        "| Target | FOV | Dice (%) | Jaccard (%) | Classical Dice (%) | Classical Jaccard (%) | Eyes | Model |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in result["table1"]:
        cells = (r["dice"], r["jaccard"], r["classical_dice"], r["classical_jaccard"])
        scores = " | ".join(_percent(v) for v in cells)
        lines.append(f"| {r['target'].upper()} | {r['fov']} | {scores} | {r['n']} | {r['model']} |")
    return "\n".join(lines)


def run_enface_eval_command(args: argparse.Namespace) -> int:
    from .evaluate import report_evaluation  # evaluate.py imports this module lazily

    progress = Progress()
    result = run_enface_evaluation(args, progress)
    return report_evaluation(result, format_table1(result), args.out, progress)
