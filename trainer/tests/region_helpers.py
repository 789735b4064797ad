"""Helpers for the sparse-annotation tests (test_sparse_*.py): a small region config and an
annotation folder made from the generator's vessels."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
import torch
from scipy import ndimage as ndi

# Small enough for CPU: width 12, 64 px crops (the synthetic layers are 64 x 64).
TINY_REGION = {"feature_size": 12, "roi_size": 64}


def region_config(out: Path, data, steps: int = 4) -> dict:
    from samocta2.region.config import REGION_DEFAULTS

    config = copy.deepcopy(REGION_DEFAULTS)
    config["model"].update(TINY_REGION)
    config["data"]["train"] = [str(d) for d in data] if isinstance(data, list) else str(data)
    config["train"].update(
        steps=steps,
        batch_size=4,
        lr=1e-3,
        scheduler="constant",
        device="cpu",
        checkpoint_every=2,
        out=str(out),
    )
    return config


def synthetic_annotations(synth_folder: Path, out: Path, per_volume: int = 4) -> Path:
    """Copy the generator's volumes into `out` with regions = vessel masks dilated by 3 px on
    `per_volume` layers with vessels and one layer without (an annotated negative)."""
    out.mkdir(parents=True, exist_ok=True)
    for volume in sorted(synth_folder.glob("*.vessels.nii.gz")):
        name = volume.name[: -len(".vessels.nii.gz")]
        shutil.copy(synth_folder / f"{name}.nii.gz", out / f"{name}.nii.gz")
        vessels = np.asarray(nib.load(str(volume)).dataobj) > 0
        regions = np.zeros(vessels.shape, np.uint8)
        with_vessels = [k for k in range(vessels.shape[2]) if vessels[:, :, k].sum() > 20]
        without = [k for k in range(vessels.shape[2]) if not vessels[:, :, k].any()]
        picked = [with_vessels[i] for i in np.linspace(0, len(with_vessels) - 1, per_volume).astype(int)]
        for k in picked:
            regions[:, :, k] = ndi.binary_dilation(vessels[:, :, k], iterations=3)
        from samocta2.region.annotations import write_region_annotation

        write_region_annotation(out, name, regions, picked + without[:1], nib.load(str(volume)).affine)
    return out


@pytest.fixture(autouse=True)
def one_torch_thread():
    """SwinUNETR's many small ops: on two shared cores a second thread mostly waits."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
