"""`sparse sample`: N non-blank layers drawn at random, pooled across subjects, as the to-do
list the editor opens layer by layer (<work>/todo.json).

Every (subject, non-blank layer) pair is equally likely, so subjects with more visible layers
give more; the draw is a seeded permutation of the pool, so the same seed and screening give
the same list, and a larger N with the same seed extends it. Layers already annotated are not
excluded: they appear as done, which keeps the list stable while the user works through it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError
from ..progress import Progress
from .dataset import subject_map
from .lists import TODO_NAME, done_flags, write_layer_list
from .screen import read_screen

DEFAULT_COUNT = 1000


def draw(pool: list[tuple[str, int, int]], count: int, seed: int) -> list[tuple[str, int, int]]:
    order = np.random.default_rng(seed).permutation(len(pool))
    return [pool[int(i)] for i in order[:count]]


def run_sample(
    root: Path,
    work: Path,
    *,
    count: int = DEFAULT_COUNT,
    seed: int = 0,
    threshold: float | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    progress = progress or Progress()
    if count < 1:
        raise DataError(f"--count must be at least 1; got {count}")
    subjects = subject_map(root)
    screened, level = read_screen(work, subjects, threshold)
    pool = [(rel, axis, k) for rel in sorted(screened) for axis, layers in [screened[rel]] for k in layers]
    if not pool:
        raise DataError("every layer of every subject is blank: lower --blank-threshold or check the volumes")
    if count > len(pool):
        progress.log(f"warning: {count} layers asked for but only {len(pool)} are non-blank; taking them all")
    items = [{"volume": rel, "axis": "ijk"[axis], "layer": k} for rel, axis, k in draw(pool, count, seed)]
    path = work / TODO_NAME
    write_layer_list(
        path, root, "annotate", items, seed=seed, requested=count, pool=len(pool), blank_threshold=level
    )
    done = sum(done_flags(items, subjects))
    per_subject = len({item["volume"] for item in items})
    progress.log(f"{len(items)} layers from {per_subject} subjects ({done} already annotated) -> {path}")
    progress.emit(
        "done", path=str(path), items=len(items), subjects=per_subject, annotated=done, pool=len(pool)
    )
    return {"path": str(path), "items": items, "annotated": done}
