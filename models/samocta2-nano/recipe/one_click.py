"""One click, tracked through the whole stack: how a user starts, and what the e2e test asks of the
shipped bundle (test/e2e/tracking.test.ts), measured on synthetic volumes the test does not use.

For each `synth-<seed>.nii.gz` in a folder: the vessel instance with the largest cross-section on
one layer and the FAZ on its largest layer (in a real layer stack, `<case>.nii.gz` beside
`<case>.label.nii.gz`: every labelled object on its largest layer), each clicked once at the pixel
nearest its centroid. That is test/e2e/syntheticTargets.ts's rule, written again here because the
recipe runs in Python; on the e2e volume (seed 7) both click layer 23 at (25, 62) and layer 34 at
(50, 45). Each click is tracked over every layer by `sam-octa2 track` (the editor's tracker,
onnxruntime-node) and scored by 3D Dice against the object, beside the better of the two answers
that need no tracking (the clicked layer's mask alone; that mask copied to every layer).

    python one_click.py FOLDER BUNDLE [BUNDLE ...]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import nibabel as nib
import numpy as np

ROOT = Path(__file__).resolve().parents[3]


def centroid_pixel(mask: np.ndarray) -> tuple[int, int]:
    """The pixel of a 2D (x, y) mask nearest its centroid: a click inside the object."""
    xs, ys = np.nonzero(mask)
    k = int(np.argmin(np.hypot(xs - xs.mean(), ys - ys.mean())))
    return int(xs[k]), int(ys[k])


def largest_layers(labels: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """Each labelled object's 3D mask and the layer where its cross-section is largest."""
    objects = []
    for i in np.unique(labels[labels > 0]):
        mask = labels == i
        objects.append((mask, int(np.argmax(mask.sum(axis=(0, 1))))))
    return objects


def targets(volume: Path) -> dict[str, list[tuple[np.ndarray, int]]]:
    """The objects clicked, by kind: each one's 3D truth (x, y, layer) and its clicked layer. A
    synthetic volume: the vessel instance with the largest cross-section, and the FAZ. A real
    layer stack (<case>_rv or <case>_faz with <case>.label.nii.gz): every labelled object."""
    stem = volume.name.removesuffix(".nii.gz")
    label = volume.with_name(f"{stem}.label.nii.gz")
    if label.is_file():
        kind = "faz" if stem.endswith("_faz") else "vessel"
        return {kind: largest_layers(np.asarray(nib.load(label).dataobj))}
    vessels = largest_layers(np.asarray(nib.load(volume.with_name(f"{stem}.vessels.nii.gz")).dataobj))
    faz = np.asarray(nib.load(volume.with_name(f"{stem}.faz.nii.gz")).dataobj) > 0
    largest = max(vessels, key=lambda v: v[0][..., v[1]].sum())
    return {"vessel": [largest], "faz": largest_layers(faz.astype(np.uint8))}


def dice(a: np.ndarray, b: np.ndarray) -> float:
    return float(2 * (a & b).sum() / max(1, a.sum() + b.sum()))


def score(volume: Path, bundle: Path, kind: str, truth: np.ndarray, layer: int) -> tuple[float, float]:
    """The tracked object's 3D Dice and the better no-tracking answer's."""
    x, y = centroid_pixel(truth[..., layer])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "seg.nii.gz")
        subprocess.run(
            ["node", str(ROOT / "dist/cli.js"), "track", str(volume), "--model", str(bundle), "--object", kind,
             "--kind", kind, "--prompt", f"{layer}:{x},{y}", "--out", str(out)],
            check=True, capture_output=True,
        )
        tracked = np.asarray(nib.load(out).dataobj) > 0
    only = np.zeros_like(tracked)
    only[..., layer] = tracked[..., layer]
    copied = np.repeat(tracked[..., layer : layer + 1], tracked.shape[2], axis=2)
    return dice(tracked, truth), max(dice(only, truth), dice(copied, truth))


def main(argv: list[str]) -> int:
    folder, bundles = Path(argv[0]), [Path(b) for b in argv[1:]]
    volumes = sorted(v for v in folder.glob("*.nii.gz") if v.name.count(".") == 2)
    clicked = [(v, kind, obj) for v in volumes for kind, objects in targets(v).items() for obj in objects]
    for bundle in bundles:
        for kind in ("vessel", "faz"):
            rows = [score(v, bundle, kind, *obj) for v, k, obj in clicked if k == kind]
            if not rows:
                continue
            tracked, trivial = np.array(rows).T
            print(f"{bundle} {kind}: one click, {len(rows)} objects: tracked 3D Dice {tracked.mean():.3f}, "
                  f"no tracking {trivial.mean():.3f}; tracked beats it by 0.02 on {(tracked > trivial + 0.02).sum()}"
                  f" of {len(rows)} ({' '.join(f'{t:.2f}/{n:.2f}' for t, n in rows)})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
