"""Evaluation the paper's way: Dice and Jaccard per object per frame, averaged.

Layer-sequence task (paper Table II): the baseline is 4 frames, 2 prompted frames, 5 positive
and 3 negative points; each factor is varied alone: frame length 4/6/8, prompted frames 1/2/3,
positive points 1/5/10, negative points 0/3/6. The en-face task (paper Table I, `--task enface`)
has its own models and data: evaluate_enface.py.

Two protocols (protocols.py, `--protocol`): `project` (the default, this project's draws; a
frame where neither the prediction nor the truth has the object counts as Dice = Jaccard = 1)
and `paper` (the authors' evaluation code: one evenly spread sequence per subject, points at
model resolution, empty-vs-empty frames 0; data/paper_draws.py). Every table and eval.json says
which one made it.
Every row also scores the classical baseline (classical.py: a smoothed threshold set from the
same points) on the same sequences and points, as `classical_dice` / `classical_jaccard`: a model
has to beat it to be worth clicking (docs/evaluation.md). `--classical-only` skips the model.
Vessels' tracked frames pass the visibility gate (visibility.py), as the editor's tracker applies
it; the baseline is scored bare and through the same gate (`gated_classical_*`).
Sequences are tracked in the model bundle's order (tracking.py: prompted frames, forward from the
earliest, then backward), the order of the editor and `sam-octa2 eval`, so the two evaluations of
one model agree (test/unit/cli/commands/eval.test.ts).

    python -m samocta2 eval --checkpoint runs/nano_rv/checkpoint.pt --data data/synth/test --out runs/nano_rv/eval
    python -m samocta2 eval --classical-only --data data/octa500/val --target faz
    python -m samocta2 eval --checkpoint runs/bp_3m_rv/best.pt --data data/octa500/3M/test --protocol paper
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import torch

from . import checkpoint as ckpt_io
from .classical import classical_masks
from .config import load_config, set_value
from .data import paper_draws
from .data.sequences import Draw, Sequence, SequenceSource, load_folder
from .errors import DataError, TrainerError
from .lora import load_lora_state_dict
from .metrics import dice_jaccard
from .progress import Progress
from .protocols import DEFAULT, PROTOCOLS, Protocol, get_protocol
from .tracking import predict_masks
from .visibility import gate_masks
from .train import BASELINE, build_lora_model, resolve_device

FACTORS: list[tuple[str, str, tuple[int, ...]]] = [
    ("Frame length", "frames", (4, 6, 8)),
    ("Prompted frames", "prompted", (1, 2, 3)),
    ("Positive points", "positive", (1, 5, 10)),
    ("Negative points", "negative", (0, 3, 6)),
]


@dataclass
class Score:
    dice: float
    jaccard: float
    n: int  # object-frame pairs averaged


def table2_conditions(kind: str = "table2") -> list[tuple[str, int, Draw]]:
    """(factor label, value, draw settings); the baseline row comes first."""
    rows: list[tuple[str, int, Draw]] = [("Baseline", 0, BASELINE)]
    if kind == "baseline":
        return rows
    for label, field, values in FACTORS:
        for v in values:
            rows.append((label, v, Draw(**{**asdict(BASELINE), field: v})))
    return rows


@dataclass
class Scores:
    """The model's (None when it was not run) and the classical baseline's, bare and through the
    visibility gate, on the same draws."""

    model: Score | None
    classical: Score
    gated_classical: Score

    def fields(self) -> dict[str, Any]:
        """Row fields: the model's dice/jaccard (null without a model), classical_*, n."""
        c = self.classical
        m = self.model
        return {
            "dice": m.dice if m else None,
            "jaccard": m.jaccard if m else None,
            "n": c.n,
            "classical_dice": c.dice,
            "classical_jaccard": c.jaccard,
            "gated_classical_dice": self.gated_classical.dice,
            "gated_classical_jaccard": self.gated_classical.jaccard,
        }


def _mean(scores: list[tuple[float, float]]) -> Score:
    if not scores:
        return Score(float("nan"), float("nan"), 0)
    a = np.asarray(scores)
    return Score(float(a[:, 0].mean()), float(a[:, 1].mean()), len(scores))


def _score_sequence(model, seq: Sequence, target: str, device, scores: dict[str, list], empty: float = 1.0):
    """Appends each frame's (Dice, Jaccard) of the model (when given; gated as the editor tracks),
    the classical baseline and the gated baseline to `scores`; `empty`: the score of a frame where
    neither has the object (protocols.py)."""

    def add(key: str, masks) -> None:
        scores[key] += [dice_jaccard(p, t, empty) for p, t in zip(masks, seq.masks)]

    prompted = list(seq.prompts)
    if model is not None:
        masks = np.asarray(predict_masks(model, seq, device))
        add("model", gate_masks(seq.frames, prompted, masks, target, seq.pixel_mm))
    baseline = classical_masks(seq.frames, seq.prompts, target)
    add("classical", baseline)
    add("gated_classical", gate_masks(seq.frames, prompted, baseline, target, seq.pixel_mm))


def _scores(model, scores: dict[str, list]) -> Scores:
    return Scores(
        _mean(scores["model"]) if model is not None else None,
        _mean(scores["classical"]),
        _mean(scores["gated_classical"]),
    )


def condition_sequences(
    source: SequenceSource, target: str, draw: Draw, seed: int, per_object: int, protocol: Protocol, side: int
) -> Iterator[Sequence]:
    """The sequences one Table II condition scores, in order (test/fixtures/evalPrompts.py writes
    them for `sam-octa2 eval --prompts`). `project`: repetition `rep` of object `obj` from
    default_rng([seed, obj, rep]); `paper`: repetition `rep` of subject `ci` from
    default_rng([seed, ci, rep]), its objects drawn in turn. `side`: the model's input size,
    where `paper` draws its points."""
    if protocol.sequences == "per_subject":
        min_px = protocol.min_object_px if target == "rv" else 0
        for ci, case in enumerate(source.cases):
            for rep in range(per_object):
                rng = np.random.default_rng([seed, ci, rep])
                yield from paper_draws.subject_sequences(case, draw, rng, side, min_px)
        return
    for obj in range(len(source)):
        for rep in range(per_object):
            yield source.draw(np.random.default_rng([seed, obj, rep]), obj, draw, augment=False)


def evaluate_sequences(
    model,
    source: SequenceSource,
    target: str,
    draw: Draw,
    device,
    seed: int,
    per_object: int,
    protocol: Protocol = PROTOCOLS[DEFAULT],
    side: int = 1024,
) -> Scores:
    """The model (None: skipped) and the classical baseline on the same drawn sequences and points."""
    scores: dict[str, list] = {"model": [], "classical": [], "gated_classical": []}
    for seq in condition_sequences(source, target, draw, seed, per_object, protocol, side):
        _score_sequence(model, seq, target, device, scores, protocol.empty_score)
    return _scores(model, scores)


def load_model_for_eval(args: argparse.Namespace, device) -> tuple[torch.nn.Module, dict[str, Any], str]:
    """(model in eval mode, config, a description of where its weights came from)."""
    if args.checkpoint:
        ckpt = ckpt_io.load_checkpoint(args.checkpoint)
        config = ckpt["config"]
        model = build_lora_model(config, device)
        if abs(ckpt["base_fingerprint"] - ckpt_io.base_fingerprint(model)) > 1e-6 * max(
            1.0, abs(ckpt["base_fingerprint"])
        ):
            raise TrainerError(
                f"{args.checkpoint}: the base model built from its config differs from the one it was "
                f"trained on (is model.checkpoint {config['model']['checkpoint']!r} still the same file?)"
            )
        load_lora_state_dict(model, ckpt["lora"])
        source = f"{args.checkpoint} (step {ckpt['step']})"
    else:
        config = load_config(args.config)
        for attr, key in (
            ("size", "model.size"),
            ("model_checkpoint", "model.checkpoint"),
            ("image_size", "model.image_size"),
        ):
            if getattr(args, attr, None) is not None:
                set_value(config, key, getattr(args, attr))
        model = build_lora_model(config, device)  # LoRA B starts at zero: the base model's output
        source = f"base {config['model']['size']} ({config['model']['checkpoint'] or 'random weights'})"
    return model.eval(), config, source


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.2f}"


def _columns(score: dict[str, Any]) -> str:
    """Model Dice | Jaccard | Classical Dice | Jaccard | gated ones, cells of a row (model "–" when
    skipped; rows written before the gate existed have "–" for it)."""
    keys = ("dice", "jaccard", "classical_dice", "classical_jaccard", "gated_classical_dice", "gated_classical_jaccard")
    cells = tuple(score.get(key) for key in keys)
    return " | ".join(_percent(v) for v in cells)


def format_table(result: dict[str, Any]) -> str:
    """Markdown table in the paper's layout: factor, value, Dice, Jaccard, then the classical baseline's."""
    scores = (
        "Dice (%) | Jaccard (%) | Classical Dice (%) | Classical Jaccard (%) | "
        "Classical + gate Dice (%) | Classical + gate Jaccard (%)"
    )
    lines = [f"Target: {result['target']}  Model: {result['model']}  Data: {result['data']}"]
    if result.get("sequence"):  # the protocols are Table II's
        protocol = PROTOCOLS[result.get("protocol", DEFAULT)]
        lines.append(f"Protocol: {protocol.name} ({protocol.summary})")
    lines.append("")
    if result.get("sequence"):
        lines += [
            "Layer-sequence task (Table II)",
            "",
            f"| Condition | Value | {scores} |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in result["sequence"]:
            value = "4, 2, 5, 3" if row["factor"] == "Baseline" else str(row["value"])
            lines.append(f"| {row['factor']} | {value} | {_columns(row)} |")
        lines.append("")
    return "\n".join(lines)


def _log_line(label: str, scores: Scores) -> str:
    c = scores.classical
    model = f"Dice {scores.model.dice:.4f} Jaccard {scores.model.jaccard:.4f}; " if scores.model else ""
    g = scores.gated_classical
    return (
        f"{label}: {model}classical Dice {c.dice:.4f} Jaccard {c.jaccard:.4f}; "
        f"classical + gate Dice {g.dice:.4f} Jaccard {g.jaccard:.4f} ({c.n} object-frames)"
    )


def prompt_side(config: dict[str, Any]) -> int:
    """Without a model, `paper` draws its points at the config's input size, else the authors' 1024."""
    return int(config["model"]["image_size"] or 1024)


def run_evaluation(args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    device = resolve_device(args.device)
    if getattr(args, "classical_only", False):
        given = [f"--{name.replace('_', '-')}" for name in ("checkpoint", "size", "model_checkpoint", "image_size")
                 if getattr(args, name, None) is not None]  # fmt: skip
        if given:
            raise TrainerError(f"--classical-only scores no model: drop {', '.join(given)}")
        model, config, model_source = None, load_config(args.config), "none (classical baseline only)"
    else:
        model, config, model_source = load_model_for_eval(args, device)
    target = args.target or config["data"]["target"]
    seed = args.seed if args.seed is not None else int(config["eval"]["seed"])
    per_object = args.sequences_per_object or int(config["eval"]["sequences_per_object"])
    protocol = get_protocol(getattr(args, "protocol", None) or DEFAULT)
    source = SequenceSource(load_folder(args.data, target), config["sampling"])
    if len(source) == 0:
        raise DataError(f"{args.data} has no '{target}' objects to evaluate")
    side = model.image_size if model is not None else prompt_side(config)
    result: dict[str, Any] = {
        "target": target,
        "model": model_source,
        "data": str(args.data),
        "seed": seed,
        "protocol": protocol.name,
    }
    if args.task == "sequence":
        rows = []
        for factor, value, draw in table2_conditions(args.conditions):
            scores = evaluate_sequences(model, source, target, draw, device, seed, per_object, protocol, side)
            rows.append({"factor": factor, "value": value, **asdict(draw), **scores.fields()})
            progress.log(_log_line(f"{factor} {value or ''}", scores))
        result["sequence"] = rows
    return result


def run_eval_command(args: argparse.Namespace) -> int:
    if args.task == "enface":
        from .evaluate_enface import run_enface_eval_command

        return run_enface_eval_command(args)
    if getattr(args, "bundle", None):
        raise TrainerError("--bundle is for --task enface; for layer sequences use sam-octa2 eval --model")
    for name in ("data", "checkpoint"):  # repeatable for the en-face task's rows only
        values = getattr(args, name, None)
        if isinstance(values, list):
            if len(values) > 1:
                raise TrainerError(f"--{name} is given {len(values)} times; --task sequence takes one")
            setattr(args, name, values[0])
    progress = Progress()
    result = run_evaluation(args, progress)
    return report_evaluation(result, format_table(result), args.out, progress)


def report_evaluation(result: dict[str, Any], table: str, out: str | None, progress: Progress) -> int:
    """Prints the table, writes eval.json and eval.md under `out` (when given) and emits the
    `eval` event: the one way every task's evaluation reports."""
    progress.log(table)
    if out:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "eval.json").write_text(json.dumps(result, indent=2))
        (folder / "eval.md").write_text(table + "\n")
    progress.emit("eval", **result)
    return 0
