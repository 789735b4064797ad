"""`sparse screen`: the blank layers of every subject, written to <work>/screen.json.

The measure is samocta2.region.screen's (the editor's screenBlankLayers.ts): a layer is blank
when the fraction of its pixels whose 3x3 mean exceeds the middle of the volume's 1-99.5 %
window is below the threshold. Every layer's score is kept, so `sparse sample --blank-threshold`
can move the threshold without reading the volumes again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..data.volumes import read_nifti
from ..errors import DataError
from ..progress import Progress
from ..region.annotations import resolve_axis, volume_3d
from ..region.predict import write_json_atomic
from ..region.screen import DEFAULT_BLANK_THRESHOLD, layer_scores
from .dataset import Subject, annotated_layers, find_subjects

SCREEN_FORMAT = "samocta2.sparse-screen"
SCREEN_VERSION = 1
SCREEN_NAME = "screen.json"
MEASURE = (
    "fraction of layer pixels whose 3x3 mean exceeds the middle of the volume's "
    "1-99.5 percentile window (src/core/sparse/screenBlankLayers.ts)"
)


def depth_axis(subject: Subject, shape: tuple[int, int, int], axis: str) -> int:
    """The annotation's axis when the subject has one (the editor's layers must stay the same),
    else `axis` ('auto' resolves as the editor's resolveDepthAxis)."""
    found = annotated_layers(subject, shape)
    return found[0] if found else resolve_axis(axis, shape, "--axis")


def non_blank(scores: list[float], threshold: float) -> list[int]:
    return [k for k, score in enumerate(scores) if score >= threshold]


def check_threshold(threshold: float) -> float:
    if not 0 <= threshold <= 1:
        raise DataError(f"--blank-threshold must be a fraction of a layer, 0..1; got {threshold}")
    return threshold


def run_screen(
    root: Path,
    work: Path,
    *,
    threshold: float = DEFAULT_BLANK_THRESHOLD,
    axis: str = "auto",
    progress: Progress | None = None,
) -> dict[str, Any]:
    progress = progress or Progress()
    check_threshold(threshold)
    subjects = find_subjects(root)
    progress.emit("start", total=len(subjects))
    records = []
    for n, subject in enumerate(subjects):
        volume = volume_3d(read_nifti(subject.volume), subject.volume)
        depth = depth_axis(subject, volume.shape, axis)
        scores = [round(float(s), 6) for s in layer_scores(volume, depth)]
        kept = non_blank(scores, threshold)
        records.append(
            {
                "volume": subject.rel,
                "axis": "ijk"[depth],
                "layers": len(scores),
                "scores": scores,
                "non_blank": kept,
            }
        )
        progress.emit(
            "subject",
            volume=subject.rel,
            non_blank=len(kept),
            layers=len(scores),
            done=n + 1,
            total=len(subjects),
        )
    path = work / SCREEN_NAME
    work.mkdir(parents=True, exist_ok=True)
    data = {
        "format": SCREEN_FORMAT,
        "version": SCREEN_VERSION,
        "measure": MEASURE,
        "threshold": threshold,
        "subjects": records,
    }
    write_json_atomic(data, path)
    total = sum(len(r["non_blank"]) for r in records)
    progress.log(f"screened {len(records)} subjects: {total} non-blank layers -> {path}")
    progress.emit("done", subjects=len(records), non_blank=total, path=str(path))
    return data


def read_screen(
    work: Path, subjects: dict[str, Subject], threshold: float | None = None
) -> tuple[dict[str, tuple[int, list[int]]], float]:
    """(volume rel path -> (depth axis, non-blank layers), the threshold used): the screen's
    threshold, or `threshold` applied to the stored scores.

    Every subject of the dataset must have been screened (a subject added later would silently
    be left out of the sample and the prediction)."""
    path = work / SCREEN_NAME
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise DataError(f"{path} not found: run `python -m samocta2 sparse screen` first") from None
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc
    if (
        not isinstance(data, dict)
        or data.get("format") != SCREEN_FORMAT
        or not isinstance(data.get("subjects"), list)
    ):
        raise DataError(f"{path} is not a screening result (format {SCREEN_FORMAT!r})")
    if int(data.get("version", 0)) > SCREEN_VERSION:
        raise DataError(f"{path} has version {data['version']}; this trainer reads up to {SCREEN_VERSION}")
    level = check_threshold(float(data["threshold"] if threshold is None else threshold))
    out = {}
    for record in data["subjects"]:
        out[record["volume"]] = ("ijk".index(record["axis"]), non_blank(record["scores"], level))
    missing = sorted(set(subjects) - set(out))
    if missing:
        raise DataError(
            f"{len(missing)} subjects are not in {path} (e.g. {', '.join(missing[:3])}): "
            "run `sparse screen` again"
        )
    gone = sorted(set(out) - set(subjects))
    if gone:
        raise DataError(
            f"{path} lists {len(gone)} volumes that are no longer in the dataset (e.g. {', '.join(gone[:3])}): "
            "run `sparse screen` again"
        )
    return out, level
