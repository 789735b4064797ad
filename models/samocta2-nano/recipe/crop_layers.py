"""Keep a window of consecutive layers of every synthetic case in a folder, in place.

    python models/samocta2-nano/recipe/crop_layers.py DIR --layers 240,320

The nano model is trained on volumes generated at OCTA-500's depth sampling (640 layers over
2 mm, about 3 µm a layer): there a vessel is seen on 12-40 consecutive layers and its mask
changes little from one layer to the next, as in OCTA-500's layer-wise labels (10301: overlap
of consecutive masks 0.97-1.0). At 96 layers (21 µm a layer, the sizes used before) a vessel
spanned 3-14 layers and its masks jumped between them (overlap 0.3-0.7): little to track. Only
the inner-retina window holding the large vessels and the FAZ is kept, so that a training
volume costs what a 96-layer one did. The affine's origin moves with the first kept layer.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nibabel as nib
import numpy as np


def crop_file(path: Path, first: int, stop: int) -> None:
    image = nib.load(str(path))
    if image.shape[2] == 1:  # en-face maps stay as they are
        return
    if image.shape[2] < stop:
        raise SystemExit(f"{path}: {image.shape[2]} layers, cannot keep layers {first}-{stop - 1}")
    data = np.asarray(image.dataobj)[:, :, first:stop]
    affine = image.affine.copy()
    affine[:3, 3] += affine[:3, 2] * first
    header = image.header.copy()
    out = nib.Nifti1Image(np.ascontiguousarray(data), affine, header)
    tmp = path.with_name(path.name + ".tmp.nii.gz")
    nib.save(out, str(tmp))
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", type=Path)
    p.add_argument("--layers", required=True, help="FIRST,STOP: keep layers FIRST..STOP-1")
    args = p.parse_args(argv)
    first, stop = (int(v) for v in args.layers.split(","))
    if not 0 <= first < stop:
        raise SystemExit(f"--layers {args.layers}: need 0 <= FIRST < STOP")
    files = sorted(args.folder.glob("*.nii.gz"))
    if not files:
        raise SystemExit(f"{args.folder}: no .nii.gz files")
    for path in files:
        crop_file(path, first, stop)
    print(f"{args.folder}: {len(files)} files cropped to layers {first}-{stop - 1}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
