"""Dataset-scale sparse annotation end to end (samocta2/sparse; docs/sparse-annotation.md §6):
screen, sample, (paint as the editor would), train, retrain, predict, review, finish, over a
dataset of generator subjects in split subfolders; the shared OCTA-500 sparse pairs as subjects;
the doubt measure against the editor's TypeScript; the refusals that keep files safe."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from conftest import REPO, SHARED_OCTA500
from region_helpers import one_torch_thread  # noqa: F401
from scipy import ndimage as ndi

from samocta2.cli import main
from samocta2.region.annotations import write_region_annotation
from samocta2.sparse.dataset import subject_map
from samocta2.sparse.doubt import doubt_scores
from samocta2.sparse.lists import done_flags, read_layer_list

TINY = [
    "--roi-size",
    "64",
    "--feature-size",
    "12",
    "--batch-size",
    "2",
    "--device",
    "cpu",
    "--checkpoint-every",
    "2",
]
BLANK_TAIL = 3  # zero layers appended to one subject: screening must drop them


def run(capsys, *argv: str) -> tuple[int, list[dict]]:
    code = main(["sparse", *argv])
    out = capsys.readouterr().out
    return code, [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def paint(dataset: Path, items: list[dict], truth: dict[str, np.ndarray]) -> None:
    """What the editor writes when the user paints the to-do layers: per subject a regions
    volume (the true vessels dilated by 3 px on each listed layer) and its sidecar."""
    by_volume: dict[str, list[int]] = {}
    for item in items:
        by_volume.setdefault(item["volume"], []).append(item["layer"])
    for rel, layers in by_volume.items():
        volume = dataset / rel
        regions = np.zeros(truth[rel].shape, np.uint8)
        for k in layers:
            regions[:, :, k] = ndi.binary_dilation(truth[rel][:, :, k] > 0, iterations=3)
        name = volume.name[: -len(".nii.gz")]
        write_region_annotation(volume.parent, name, regions, layers, nib.load(str(volume)).affine)


@pytest.fixture(scope="module")
def dataset(synthetic_data, tmp_path_factory):
    """train/ (2 subjects) and val/ (1) with volume and en-face RV only; the generator's 3D
    vessels kept aside as the painter's truth. The first subject gets BLANK_TAIL zero layers."""
    root = tmp_path_factory.mktemp("sparse-dataset") / "octa"
    truth = {}
    for split in ("train", "val"):
        (root / split).mkdir(parents=True)
        for n, vessels in enumerate(sorted((synthetic_data / split).glob("*.vessels.nii.gz"))):
            name = vessels.name[: -len(".vessels.nii.gz")]
            shutil.copy(synthetic_data / split / f"{name}.rv2d.nii.gz", root / split)
            source = nib.load(str(synthetic_data / split / f"{name}.nii.gz"))
            data, gt = np.asarray(source.dataobj), np.asarray(nib.load(str(vessels)).dataobj)
            if split == "train" and n == 0:
                data = np.concatenate([data, np.zeros(data.shape[:2] + (BLANK_TAIL,), data.dtype)], axis=2)
                gt = np.concatenate([gt, np.zeros(gt.shape[:2] + (BLANK_TAIL,), gt.dtype)], axis=2)
            nib.save(
                nib.Nifti1Image(data, source.affine, source.header), str(root / split / f"{name}.nii.gz")
            )
            truth[f"{split}/{name}.nii.gz"] = gt
    return root, truth


def test_the_loop_over_a_dataset_writes_vessels_for_every_subject(dataset, capsys):
    root, truth = dataset
    work = root / "sparse"

    # screen: every subject, blank tail dropped
    code, events = run(capsys, "screen", str(root))
    assert code == 0 and events[-1]["event"] == "done" and events[-1]["subjects"] == 3
    screen = json.loads((work / "screen.json").read_text())
    records = {r["volume"]: r for r in screen["subjects"]}
    assert sorted(records) == sorted(truth)
    padded = next(
        rel for rel in truth if rel.startswith("train/") and records[rel]["layers"] == truth[rel].shape[2]
    )
    assert records[padded]["layers"] == 32 + BLANK_TAIL
    assert not set(records[padded]["non_blank"]) & set(range(32, 32 + BLANK_TAIL))
    assert all(r["axis"] == "k" and len(r["non_blank"]) >= 3 for r in records.values())

    # sample: pooled, non-blank, seeded; a larger count extends the same list
    code, events = run(capsys, "sample", str(root), "--count", "9", "--seed", "3")
    todo, todo_root = read_layer_list(work / "todo.json")
    assert code == 0 and todo_root == root.resolve() and todo["kind"] == "annotate"
    items = todo["items"]
    assert len(items) == 9 and len({i["volume"] for i in items}) >= 2
    assert all(i["layer"] in records[i["volume"]]["non_blank"] for i in items)
    assert len({(i["volume"], i["layer"]) for i in items}) == 9
    run(capsys, "sample", str(root), "--count", "12", "--seed", "3")
    longer = read_layer_list(work / "todo.json")[0]["items"]
    assert longer[:9] == items
    run(capsys, "sample", str(root), "--count", "9", "--seed", "3")

    # the editor paints the to-do layers: every item is then done
    subjects = subject_map(root)
    assert not any(done_flags(items, subjects))
    paint(root, items, truth)
    assert all(done_flags(items, subjects))

    # train twice: the second run starts from the first one's weights
    code, events = run(capsys, "train", str(root), "--steps", "2", *TINY)
    assert code == 0 and events[-1]["event"] == "done"
    assert (work / "runs/run-001/checkpoint.pt").is_file()
    assert events[0]["layers"] == 9
    code, events = run(capsys, "train", str(root), "--steps", "2", *TINY)
    import torch

    second = torch.load(work / "runs/run-002/checkpoint.pt", weights_only=True)
    assert code == 0 and second["init"] == str(work / "runs/run-001/checkpoint.pt")

    # predict: the screen's non-blank layers of every subject, with the newest run
    code, events = run(capsys, "predict", str(root), "--device", "cpu")
    assert code == 0 and events[-1]["volumes"] == 3
    for rel, record in records.items():
        sidecar = json.loads((root / rel.replace(".nii.gz", ".regionprob.json")).read_text())
        assert sidecar["layers"] == record["non_blank"]
        assert sidecar["checkpoint"] == str(work / "runs/run-002/checkpoint.pt")

    # review: predicted, not yet annotated layers, most doubtful first
    code, events = run(capsys, "review", str(root), "--count", "0")
    review = read_layer_list(work / "review.json")[0]
    ranked = review["items"]
    annotated = {(i["volume"], i["layer"]) for i in items}
    expected = sum(len(r["non_blank"]) for r in records.values()) - len(annotated)
    assert code == 0 and review["kind"] == "review" and len(ranked) == expected
    assert not annotated & {(i["volume"], i["layer"]) for i in ranked}
    doubts = [i["doubt"] for i in ranked]
    assert doubts == sorted(doubts, reverse=True) and 0 <= doubts[-1] <= doubts[0] <= 1
    run(capsys, "review", str(root), "--count", "4")
    assert read_layer_list(work / "review.json")[0]["items"] == ranked[:4]

    # finish: every subject; annotated layers exactly en-face RV ∩ painted region
    code, events = run(capsys, "finish", str(root))
    assert code == 0 and events[-1]["subjects"] == 3
    for rel in truth:
        volume = root / rel
        out = nib.load(str(volume).replace(".nii.gz", ".vessels.nii.gz"))
        vessels = np.asarray(out.dataobj)
        assert vessels.dtype == np.uint16 and vessels.shape == nib.load(str(volume)).shape
        assert out.header.get_intent()[0] == "label"
        rv = np.asarray(nib.load(str(volume).replace(".nii.gz", ".rv2d.nii.gz")).dataobj)[:, :, 0] > 0
        ids, _ = ndi.label(rv.T, structure=np.ones((3, 3)))
        painted = np.asarray(nib.load(str(volume).replace(".nii.gz", ".regions.nii.gz")).dataobj) > 0
        for k in range(vessels.shape[2]):
            layer = vessels[:, :, k].T
            assert not layer[~rv.T].any()  # only on the en-face RV
            np.testing.assert_array_equal(layer[layer > 0], ids[layer > 0])  # ids of the en-face RV
            if (rel, k) in annotated:
                np.testing.assert_array_equal(layer > 0, rv.T & painted[:, :, k].T)
        assert not vessels[
            :,
            :,
            [
                k
                for k in range(vessels.shape[2])
                if k not in records[rel]["non_blank"] and (rel, k) not in annotated
            ],
        ].any()

    # a second finish would replace them: refused without --overwrite, nothing touched
    before = {rel: (root / rel.replace(".nii.gz", ".vessels.nii.gz")).stat().st_mtime_ns for rel in truth}
    code, events = run(capsys, "finish", str(root))
    assert code == 2 and "--overwrite" in events[-1]["message"]
    assert before == {
        rel: (root / rel.replace(".nii.gz", ".vessels.nii.gz")).stat().st_mtime_ns for rel in truth
    }
    assert run(capsys, "finish", str(root), "--overwrite")[0] == 0


def test_bad_datasets_get_clear_errors_and_lose_nothing(dataset, tmp_path, capsys):
    root, truth = dataset
    copy = tmp_path / "copy"
    copy.mkdir()
    (rel,) = [rel for rel in truth if rel.startswith("val/")]
    name = Path(rel).name[: -len(".nii.gz")]
    for suffix in ("", ".rv2d"):  # one subject, not annotated, no work folder yet
        shutil.copy(root / "val" / f"{name}{suffix}.nii.gz", copy)

    code, events = run(capsys, "sample", str(copy))
    assert code == 2 and "sparse screen" in events[-1]["message"]
    code, events = run(capsys, "train", str(copy), "--steps", "1", *TINY)
    assert code == 2 and "todo.json" in events[-1]["message"]
    code, events = run(capsys, "review", str(copy))
    assert code == 2 and "sparse predict" in events[-1]["message"]

    # finish checks every subject before writing: no en-face RV -> nothing written
    (copy / f"{name}.rv2d.nii.gz").unlink()
    code, events = run(capsys, "finish", str(copy))
    assert code == 2 and f"{name}.rv2d.nii.gz" in events[-1]["message"]
    assert not list(copy.glob("*.vessels.nii.gz"))

    # a subject added after screening must be screened before sampling
    run(capsys, "screen", str(copy))
    shutil.copy(copy / f"{name}.nii.gz", copy / "late.nii.gz")
    code, events = run(capsys, "sample", str(copy))
    assert code == 2 and "late.nii.gz" in events[-1]["message"] and "screen" in events[-1]["message"]

    code, events = run(capsys, "screen", str(tmp_path / "missing"))
    assert code == 2 and "not found" in events[-1]["message"]
    bad = copy / "sparse" / "todo.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(Exception, match="not a layer list"):
        read_layer_list(bad)


def test_the_shared_octa500_sparse_pairs_as_subjects(tmp_path, capsys):
    """Two shared pairs become subjects: a 304 x 304 x 4 volume (its real layer at depths 1-2, the
    first dimmed, and two blank layers), the pair's region painted on depth 2, an en-face RV from
    the brightest pixels of the layer. The loop runs on them as on any dataset; all five pairs
    join the training as extra data."""
    from PIL import Image

    pairs = sorted((SHARED_OCTA500 / "sparse").glob("*_layer.png"))
    if not pairs:
        pytest.fail(
            f"the shared sparse pairs are missing from {SHARED_OCTA500 / 'sparse'} (see its README.md)"
        )
    root = tmp_path / "pairs"
    root.mkdir()
    regions_by_subject = {}
    for path in pairs[:2]:
        stem = path.name[: -len("_layer.png")]
        layer = np.asarray(Image.open(path).convert("L"), np.float32)
        region = np.asarray(Image.open(SHARED_OCTA500 / "sparse" / f"{stem}_region.png").convert("L")) > 0
        volume = np.zeros(layer.T.shape + (4,), np.float32)
        for k, gain in ((1, 0.7), (2, 1.0)):
            volume[:, :, k] = gain * layer.T
        nib.save(nib.Nifti1Image(volume, np.eye(4)), str(root / f"{stem}.nii.gz"))
        rv = (layer > np.percentile(layer, 92)).T.astype(np.uint8)[:, :, None]
        nib.save(nib.Nifti1Image(rv, np.eye(4)), str(root / f"{stem}.rv2d.nii.gz"))
        regions = np.zeros(volume.shape, np.uint8)
        regions[:, :, 2] = region.T
        write_region_annotation(root, stem, regions, [2], np.eye(4))
        regions_by_subject[stem] = region

    assert run(capsys, "screen", str(root))[0] == 0
    screen = json.loads((root / "sparse/screen.json").read_text())
    assert all(r["non_blank"] == [1, 2] for r in screen["subjects"])
    code, events = run(capsys, "sample", str(root), "--count", "1000")
    assert code == 0 and events[-1]["items"] == 4 and events[-1]["annotated"] == 2  # the whole pool
    # train on the subjects' painted layers plus the shared pairs themselves
    code, events = run(
        capsys, "train", str(root), "--steps", "2", "--data", str(SHARED_OCTA500 / "sparse"), *TINY
    )
    assert code == 0 and events[0]["layers"] == 2 + len(pairs)
    assert run(capsys, "predict", str(root), "--device", "cpu", "--overlap", "0")[0] == 0
    code, events = run(capsys, "review", str(root))
    assert code == 0 and events[-1]["items"] == 2  # depth 1 of each subject
    assert run(capsys, "finish", str(root))[0] == 0
    for stem, region in regions_by_subject.items():
        vessels = np.asarray(nib.load(str(root / f"{stem}.vessels.nii.gz")).dataobj)
        rv = np.asarray(nib.load(str(root / f"{stem}.rv2d.nii.gz")).dataobj)[:, :, 0].T > 0
        np.testing.assert_array_equal(vessels[:, :, 2].T > 0, rv & region)
        assert not vessels[:, :, [0, 3]].any()
        assert not (vessels[:, :, 1].T[~rv]).any()


def test_doubt_matches_the_editors_typescript():
    rng = np.random.default_rng(7)
    maps: list[np.ndarray | None] = [rng.integers(0, 256, (6, 5)).astype(np.uint8) for _ in range(6)]
    maps[2] = None  # a blank layer between predicted ones
    maps[4] = np.full((6, 5), 20, np.uint8)  # no candidate pixels, empty region
    maps[5] = np.full((6, 5), 20, np.uint8)  # both empty: Dice 1
    script = (
        "const m = await import('./src/core/sparse/doubtScores.ts'); const { doubtScores } = m.default ?? m;"
        "let s = ''; for await (const c of process.stdin) s += c;"
        "const r = doubtScores(JSON.parse(s), 5, 6, { scale: 255 });"
        "const plain = (a) => [...a].map((v) => (Number.isNaN(v) ? null : v));"
        "console.log(JSON.stringify([plain(r.doubt), plain(r.disagreement), plain(r.uncertainty)]));"
    )
    ts = subprocess.run(
        ["node", "--conditions=import", "--import", "tsx", "--input-type=module", "-e", script],
        input=json.dumps([None if m is None else m.ravel().tolist() for m in maps]),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ts.returncode == 0, ts.stderr[-2000:]
    expected = json.loads(ts.stdout)
    for ours, theirs in zip(doubt_scores(maps), expected):
        np.testing.assert_allclose(
            np.nan_to_num(ours, nan=-1.0), [-1.0 if v is None else v for v in theirs], rtol=1e-6, atol=1e-6
        )
    assert np.isnan(doubt_scores(maps)[0][2]) and doubt_scores(maps)[1][5] == 0.0
