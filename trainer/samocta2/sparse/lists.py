"""The layer lists the editor walks through: the to-do list (`sparse sample`) and the review
list (`sparse review`), one format (docs/sparse-annotation.md, section 6).

An item names a subject's volume (relative to the dataset), the depth axis and a layer. Whether
an item is done is not stored here: it is done when the layer is listed in that subject's
`<id>.regions.json`, which the editor and `sparse train` already read. So the list is never out
of date with the annotations, and rewriting it loses no work.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..region.predict import write_json_atomic
from .dataset import Subject, annotated_layers, volume_shape

LIST_FORMAT = "samocta2.sparse-layer-list"
LIST_VERSION = 1
KINDS = ("annotate", "review")
TODO_NAME = "todo.json"
REVIEW_NAME = "review.json"


def write_layer_list(
    path: Path, root: Path, kind: str, items: list[dict[str, Any]], **meta: Any
) -> dict[str, Any]:
    """Write atomically; `dataset` is stored relative to the list's folder."""
    assert kind in KINDS
    data = {
        "format": LIST_FORMAT,
        "version": LIST_VERSION,
        "kind": kind,
        "dataset": Path(os.path.relpath(root.resolve(), path.parent.resolve())).as_posix(),
        **meta,
        "items": items,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(data, path)
    return data


def read_layer_list(path: Path) -> tuple[dict[str, Any], Path]:
    """(the list, the dataset folder it refers to); a DataError names what is wrong."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read the layer list {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != LIST_FORMAT:
        raise DataError(f"{path} is not a layer list (format {LIST_FORMAT!r})")
    if int(data.get("version", 0)) > LIST_VERSION:
        raise DataError(f"{path} has version {data['version']}; this trainer reads up to {LIST_VERSION}")
    items = data.get("items")
    if data.get("kind") not in KINDS or not isinstance(items, list):
        raise DataError(f'{path} needs "kind" ({" or ".join(KINDS)}) and "items": [...]')
    for n, item in enumerate(items):
        ok = (
            isinstance(item, dict)
            and isinstance(item.get("volume"), str)
            and item.get("axis") in ("i", "j", "k")
            and isinstance(item.get("layer"), int)
            and item["layer"] >= 0
        )
        if not ok:
            raise DataError(
                f'{path}: item {n} must be {{"volume": "...", "axis": "i|j|k", "layer": N}}; got {item!r}'
            )
    return data, (path.parent / str(data.get("dataset", "."))).resolve()


def done_flags(items: list[dict[str, Any]], subjects: dict[str, Subject]) -> list[bool]:
    """Per item: is its layer annotated (in the subject's regions sidecar, along the same axis)?"""
    annotated: dict[str, tuple[str, set[int]]] = {}
    flags = []
    for item in items:
        rel = item["volume"]
        if rel not in annotated:
            subject = subjects.get(rel)
            found = annotated_layers(subject, volume_shape(subject.volume)) if subject else None
            annotated[rel] = ("ijk"[found[0]], set(found[1])) if found else ("", set())
        axis, layers = annotated[rel]
        flags.append(axis == item["axis"] and item["layer"] in layers)
    return flags
