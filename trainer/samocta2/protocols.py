"""The two named protocols of the layer-sequence evaluation (Table II): `paper` and `project`.

`paper` follows the SAM-OCTA2 authors' published evaluation (ShellRedia/SAM-OCTA2,
`OCTA_Dataset_SAM2_Evaluation`, `PromptGeneration`, `MetricsStatistics`), so its figures can be
set beside the paper's Table II. `project` is this project's own protocol, kept because it
measures what the editor does (one object clicked inside its own depth span) and because every
figure recorded before the flag existed was made with it. docs/evaluation.md says why each rule
differs; data/paper_draws.py draws the `paper` sequences and points.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import TrainerError


@dataclass(frozen=True)
class Protocol:
    name: str
    # Dice and Jaccard of a frame where neither the prediction nor the truth has the object:
    # the authors' Dice 2|P∩T| / (|P| + |T| + eps) makes it 0.
    empty_score: float
    # "per_object": one sequence per object inside its own depth span (data/sequences.py);
    # "per_subject": one evenly spread sequence per subject, every object shown on its
    # prompted frames tracked through it (data/paper_draws.py).
    sequences: str
    # The third prompted frame: (T - 1) // 2 ("lower") or T // 2 ("upper").
    middle: str
    # Vessel objects with fewer pixels than this on a layer are absent there (truth and prompts),
    # as the authors' object masks are only written from 100 px (their utils.mark_rv_objects).
    min_object_px: int
    # Prompts drawn at the model's input resolution (the authors' 1024 px) instead of the label's.
    prompts_at_model_resolution: bool
    summary: str


PAPER = Protocol(
    name="paper",
    empty_score=0.0,
    sequences="per_subject",
    middle="upper",
    min_object_px=100,
    prompts_at_model_resolution=True,
    summary=(
        "the authors' conventions: one evenly spread sequence per subject over the objects on its "
        "prompted frames, middle frame T//2, points drawn at model resolution (negative ring 3-9 px, "
        "chessboard), vessels of 100+ px per layer, empty-vs-empty frames score 0"
    ),
)

PROJECT = Protocol(
    name="project",
    empty_score=1.0,
    sequences="per_object",
    middle="lower",
    min_object_px=0,
    prompts_at_model_resolution=False,
    summary=(
        "this project's: one sequence per object inside its own depth span, middle frame (T-1)//2, "
        "points drawn at label resolution (negative ring 3-11 px, Euclidean), every object size, "
        "empty-vs-empty frames score 1"
    ),
)

PROTOCOLS: dict[str, Protocol] = {p.name: p for p in (PAPER, PROJECT)}
# Evaluations recorded before `--protocol` existed were all made with the project's.
DEFAULT = PROJECT.name


def get_protocol(name: str) -> Protocol:
    if name not in PROTOCOLS:
        raise TrainerError(f"unknown protocol '{name}' (known: {', '.join(PROTOCOLS)})")
    return PROTOCOLS[name]
