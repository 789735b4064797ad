"""`sparse review`: every subject's prediction (`sparse predict`) ranked by doubt, pooled across
the dataset, as a layer list the editor opens like the to-do list (<work>/review.json).

Layers already annotated are left out (their prediction no longer matters); the most doubtful
`count` layers are kept. Accepting or correcting one in the editor annotates it, so the next
`sparse train` learns from it: the paper's review-and-retrain loop.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..data.volumes import read_nifti
from ..errors import DataError
from ..progress import Progress
from ..region.annotations import PREDICTION_SUFFIX, layer_of, volume_3d
from .dataset import Subject, annotated_layers, find_subjects
from .doubt import doubt_scores
from .lists import REVIEW_NAME, write_layer_list

DEFAULT_COUNT = 200


def read_prediction(subject: Subject) -> tuple[dict[str, Any], Any] | None:
    """(the <id>.regionprob.json record, the uint8 map volume), None when not predicted."""
    sidecar = subject.beside(PREDICTION_SUFFIX, ".json")
    nii = subject.beside(PREDICTION_SUFFIX)
    if not sidecar.is_file() or not nii.is_file():
        return None
    try:
        record = json.loads(sidecar.read_text())
        axis, layers = "ijk".index(record["axis"]), [int(k) for k in record["layers"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"cannot read the prediction record {sidecar}: {exc}") from exc
    maps = volume_3d(read_nifti(nii), nii)
    if any(not 0 <= k < maps.shape[axis] for k in layers):
        raise DataError(f"{sidecar} lists layers outside its volume {nii.name}: predict again")
    return {**record, "axis_index": axis, "layers": layers}, maps


def run_review(
    root: Path, work: Path, *, count: int = DEFAULT_COUNT, progress: Progress | None = None
) -> dict[str, Any]:
    progress = progress or Progress()
    if count < 0:
        raise DataError(f"--count must be 0 (all) or more; got {count}")
    subjects = find_subjects(root)
    items: list[dict[str, Any]] = []
    missing, checkpoints = [], set()
    for subject in subjects:
        found = read_prediction(subject)
        if found is None:
            missing.append(subject.rel)
            continue
        record, maps = found
        axis = record["axis_index"]
        predicted = set(record["layers"])
        per_layer = [layer_of(maps, axis, k) if k in predicted else None for k in range(maps.shape[axis])]
        doubt, disagreement, uncertainty = doubt_scores(per_layer, float(record.get("scale", 255)))
        annotated = annotated_layers(subject, maps.shape)
        done = set(annotated[1]) if annotated and annotated[0] == axis else set()
        checkpoints.add((str(record.get("checkpoint")), record.get("step")))
        for k in sorted(predicted - done):
            items.append(
                {
                    "volume": subject.rel,
                    "axis": "ijk"[axis],
                    "layer": k,
                    "doubt": round(float(doubt[k]), 6),
                    "disagreement": round(float(disagreement[k]), 6),
                    "uncertainty": round(float(uncertainty[k]), 6),
                }
            )
    if len(missing) == len(subjects):
        raise DataError(
            f"no subject of {root} has a prediction: run `python -m samocta2 sparse predict` first"
        )
    if missing:
        progress.log(
            f"warning: {len(missing)} subjects have no prediction and are not reviewed (e.g. {missing[0]})"
        )
    if len(checkpoints) > 1:
        progress.log(
            "warning: the predictions come from different checkpoints; predict again to rank them alike"
        )
    items.sort(key=lambda item: (-item["doubt"], item["volume"], item["layer"]))
    kept = items[:count] if count else items
    path = work / REVIEW_NAME
    write_layer_list(
        path,
        root,
        "review",
        kept,
        requested=count,
        candidates=len(items),
        unpredicted=missing,
        checkpoints=[{"checkpoint": c, "step": s} for c, s in sorted(checkpoints, key=str)],
        measure="doubt = 1/2 disagreement + 1/2 uncertainty (src/core/sparse/doubtScores.ts)",
    )
    progress.log(f"{len(kept)} of {len(items)} predicted layers to review, most doubtful first -> {path}")
    progress.emit("done", path=str(path), items=len(kept), candidates=len(items), unpredicted=len(missing))
    return {"path": str(path), "items": kept}
