"""Layer-like stacks from OCTA-500 projections (samocta2/data/projection_layers.py), on the real
sample in ../shared: labels come from the real annotations, the validation subject stays out."""

import nibabel as nib
import numpy as np
import pytest
from conftest import SHARED_OCTA500
from scipy import ndimage as ndi

from samocta2.cli import build_parser, main
from samocta2.data import projection_layers as pl
from samocta2.data.octa500 import find_subjects
from samocta2.data.sequences import load_folder
from samocta2.errors import DataError

RELEASE = SHARED_OCTA500 / "OCTA-500"
needs_release = pytest.mark.skipif(not RELEASE.is_dir(), reason="../shared/data/octa500 is not beside the repo")


def subject(sid):
    return next(s for s in find_subjects(RELEASE) if s.id == sid)


@pytest.fixture(scope="module")
def maps_10303():
    return pl.load_subject(subject(10303))


@needs_release
def test_boundaries_line_up_with_the_fovea():
    """The inner retina is thinnest at the fovea: in the projection maps' layout the thinnest
    place of ILM..OPL lies inside the en-face FAZ's neighbourhood (a wrong flip moves it away)."""
    for sid in (10303, 10003):
        maps = pl.load_subject(subject(sid))
        thickness = ndi.gaussian_filter(maps.opl - maps.ilm, 3)
        thin = np.array(ndi.center_of_mass(thickness <= np.percentile(thickness, 1)))
        faz = np.array(ndi.center_of_mass(maps.faz2d))
        assert np.linalg.norm(thin - faz) < 0.05 * maps.faz2d.shape[0], sid


@needs_release
def test_vessel_stack_labels_are_annotated_vessels_where_visible(maps_10303):
    maps = maps_10303
    rng = np.random.default_rng(3)
    frames, labels = pl.vessel_stack(rng, maps, 10)
    assert frames.shape == labels.shape == (10, *maps.vessels.shape)
    assert frames.dtype == np.float32 and 0.0 <= frames.min() and frames.max() <= 1.0
    # every labelled pixel is that vessel in the en-face annotation
    shown = labels > 0
    assert shown.any()
    assert np.array_equal(labels[shown], np.broadcast_to(maps.vessels, labels.shape)[shown])
    # the visible band moves with depth: not every layer shows the same pixels
    assert len({int(m.sum()) for m in shown}) > 1
    # vessels are bright where shown: their mean is above the layer's mean there
    k = int(np.argmax(shown.sum(axis=(1, 2))))
    assert frames[k][shown[k]].mean() > frames[k].mean()


@needs_release
def test_faz_stack_uses_the_3d_label_at_each_depth(maps_10303):
    maps = maps_10303
    assert maps.faz3d is not None
    frames, labels = pl.faz_stack(np.random.default_rng(1), maps, 8)
    assert labels.any()
    union = maps.faz3d.any(axis=2)
    assert not (labels.astype(bool) & ~union).any()


@needs_release
def test_command_writes_trainable_cases_and_leaves_out_excluded_subjects(tmp_path):
    out = tmp_path / "stacks"
    src = tmp_path / "release"
    (src / "OCTA_3M").mkdir(parents=True)
    for folder in (RELEASE / "OCTA_3M").iterdir():  # one subject only, to stay fast
        (src / "OCTA_3M" / folder.name).mkdir()
        for f in folder.iterdir():
            if f.name.startswith(("10302", "10303")) or folder.name == "ProjectionMaps":
                target = src / "OCTA_3M" / folder.name / f.name
                target.symlink_to(f, target_is_directory=f.is_dir())
    assert main(["projection-layers", str(src), str(out), "--exclude", "10301,10302,10304", "--rv-stacks", "1",
                 "--faz-stacks", "1", "--layers", "4", "--sides", "304"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert not any(n.startswith("10302") for n in names)
    assert "10303_rv0.vessels.nii.gz" in names and "10303_faz0.faz.nii.gz" in names
    volume = nib.load(str(out / "10303_rv0.nii.gz"))
    assert volume.shape == (304, 304, 4) and volume.get_data_dtype() == np.uint8
    assert np.allclose(np.diag(volume.affine)[:3], [3 / 304, 3 / 304, 2 / 640])
    rv = load_folder(out, "rv")
    assert {c.name for c in rv} == {"10303_rv0", "10303_faz0"} and rv[1].labels.max() >= 1
    assert load_folder(out, "faz")[0].labels.max() == 1


def test_command_offers_every_faz_window():
    """The CLI spells its choices out (importing the module would slow every command's start)."""
    action = next(a for a in build_parser()._subparsers._group_actions[0].choices["projection-layers"]._actions
                  if a.dest == "faz_window")
    assert tuple(action.choices) == pl.FAZ_WINDOWS


def test_missing_boundaries_is_a_clear_error(tmp_path):
    root = tmp_path / "OCTA_3M"
    (root / "GT_LargeVessel").mkdir(parents=True)
    (root / "GT_LargeVessel" / "10302.bmp").write_bytes(b"")
    with pytest.raises(DataError, match="GT_Layers"):
        pl.load_subject(find_subjects(tmp_path)[0])


@needs_release
def test_vessel_dilation_grows_each_component_by_its_own_id(maps_10303):
    thin = pl.load_subject(subject(10303), vessel_dilation=0).vessels
    grown = maps_10303.vessels  # the default, 1 px a side
    assert pl.VESSEL_DILATION_PX == 1
    assert np.array_equal(grown[thin > 0], thin[thin > 0])  # annotated pixels keep their vessel
    added = (grown > 0) & (thin == 0)
    assert added.sum() > 0.5 * (thin > 0).sum()
    # every added pixel took the id of a vessel it touches (the largest id among them)
    touching = ndi.maximum_filter(thin, footprint=np.ones((3, 3), bool))
    assert np.array_equal(grown[added], touching[added])


@needs_release
def test_floor_window_starts_where_the_layer_is_under_the_ilm_over_the_faz():
    """--faz-window floor: no depth above the foveal pit's floor (or 4 layers above the 3D label's
    bottom, whichever is higher up); the label window reaches above it, into the pit."""
    for sid in (10303, 10304):
        maps = pl.load_subject(subject(sid))
        bottom = np.nonzero(maps.faz3d.any(axis=(0, 1)))[0].max()
        lo = min(pl.pit_floor(maps), bottom - 4)
        floor = [pl.faz_depths(np.random.default_rng(k), maps, 8, "floor").min() for k in range(10)]
        label = [pl.faz_depths(np.random.default_rng(k), maps, 8, "label").min() for k in range(10)]
        assert min(floor) >= lo, sid
        assert min(label) < lo - 5, sid
    with pytest.raises(ValueError, match="window"):
        pl.faz_depths(np.random.default_rng(0), maps, 8, "deep")


@needs_release
def test_floor_window_stacks_show_the_faz_a_threshold_finds(maps_10303):
    """Why the floor window exists (issue 13): on the label window's upper layers the layer cuts
    the pit above the ILM, a dark disk far wider than the FAZ, and the classical threshold's
    region from the paper's points (5 positive, 3 negative 3 px outside) floods it. Measured on
    10303, 8 stacks of 8 layers each (its FAZ labels are mostly crescents, where any threshold
    takes the whole dark FAZ): the region's area over the label's is 21 on average on floor
    stacks and 48 on label stacks (medians 4.4 and 10.9); the test asks for under 0.6 times."""
    from samocta2.classical import SIGMA_PX, frame_mask
    from samocta2.prompts import frame_prompt

    def mean_flood(window: str) -> float:
        ratios = []
        for k in range(8):
            rng = np.random.default_rng(k)
            frames, labels = pl.faz_stack(rng, maps_10303, 8, window)
            for frame, label in zip(frames, labels.astype(bool)):
                if label.sum() < 50:
                    continue
                coords, flags = frame_prompt(rng, label, 5, 3)
                region = frame_mask(ndi.gaussian_filter(frame, SIGMA_PX), coords, flags, "faz")
                ratios.append(region.sum() / label.sum())
        return float(np.mean(ratios))

    floor, label = mean_flood("floor"), mean_flood("label")
    assert floor < 0.6 * label, (floor, label)


@needs_release
def test_enface_window_labels_the_whole_faz_on_every_layer(maps_10303):
    """--faz-window enface (issue 13): every layer is the projection with its own speckle and
    gain, labelled with the whole en-face FAZ, where floor-window labels are mostly crescents
    smaller than it (on 10303, 4 stacks of 8 layers: 0.21 of the en-face FAZ's area on average; the
    test asks for under 0.5)."""
    frames, labels = pl.faz_stack(np.random.default_rng(0), maps_10303, 6, "enface")
    assert frames.shape == labels.shape == (6, *maps_10303.faz2d.shape)
    assert all(np.array_equal(label.astype(bool), maps_10303.faz2d) for label in labels)
    assert not np.allclose(frames[0], frames[1])  # a different layer for the frozen encoder each time
    assert frames.min() >= 0 and frames.max() <= 1
    floor = [pl.faz_stack(np.random.default_rng(k), maps_10303, 8, "floor")[1].sum(axis=(1, 2)).mean()
             for k in range(4)]
    assert np.mean(floor) < 0.5 * maps_10303.faz2d.sum(), (np.mean(floor), maps_10303.faz2d.sum())
    with pytest.raises(ValueError, match="depth windows"):
        pl.faz_depths(np.random.default_rng(0), maps_10303, 8, "enface")


@needs_release
def test_disc_window_lights_the_mesh_in_a_narrowing_disc_around_the_whole_faz(maps_10303):
    """--faz-window disc (issue 13): OCTA-500's FAZ layers show the capillary mesh lit in a disc
    around the whole FAZ, dark outside, with no bright large vessels. The stack's labels are the
    en-face FAZ; its lit area shrinks layer by layer but always holds the FAZ with a margin; the
    large vessels, 1.5x as bright as the mesh on the full projection of 10303, are no brighter
    than it (0.71-1.04x over five draws; the test asks for under 1.1x, and for over 1.2x on the
    projection, so that it can fail)."""
    rng = np.random.default_rng(0)
    frames, labels = pl.faz_stack(rng, maps_10303, 6, "disc")
    assert frames.shape == labels.shape == (6, *maps_10303.faz2d.shape)
    assert all(np.array_equal(label.astype(bool), maps_10303.faz2d) for label in labels)
    assert frames.min() >= 0 and frames.max() <= 1

    discs = pl.lit_discs(np.random.default_rng(1), maps_10303, 6)
    lit = (discs > 0.5).sum(axis=(1, 2))
    assert np.all(np.diff(lit) <= 0) and lit[-1] < lit[0], lit
    faz = maps_10303.faz2d
    margin = ndi.binary_dilation(faz, iterations=10) & ~faz
    assert (discs[:, faz] > 0.5).all() and (discs[:, margin] > 0.5).all()
    corners = np.zeros_like(faz)
    corners[:10, :10] = corners[:10, -10:] = corners[-10:, :10] = corners[-10:, -10:] = True
    assert discs[:, corners].max() < 0.2  # dark outside: at most the dim floor

    trunks = maps_10303.vessels > 0
    mesh = ~ndi.binary_dilation(trunks, iterations=3) & ~ndi.binary_dilation(faz, iterations=5)
    assert maps_10303.full[trunks].mean() > 1.2 * maps_10303.full[mesh].mean()
    source = pl.capillary_source(np.random.default_rng(2), maps_10303)
    assert source[trunks].mean() < 1.1 * source[mesh].mean()


@needs_release
def test_disc_floor_window_labels_disc_layers_from_the_whole_faz_down_to_a_crescent():
    """--faz-window disc-floor (issue 13): the disc window's layers (the same draw gives the same
    frames), labelled with the 3D FAZ from the pit's floor to the label's bottom, as OCTA-500's
    own stack (10301_faz: 8,396 px on its first layer, 1,144 on its last). On 10304 the label
    shrinks down the stack (no layer grows by more than 2 % of the first: the real label wobbles,
    by 1.2 % on this draw) to under half, and no layer is empty; each label lies inside the 3D
    label's footprint. A subject without a usable 3D label (10002) gets the en-face FAZ on every
    layer."""
    maps = pl.load_subject(subject(10304))
    frames, labels = pl.faz_stack(np.random.default_rng(4), maps, 8, "disc-floor")
    disc_frames, _ = pl.faz_stack(np.random.default_rng(4), maps, 8, "disc")
    assert np.array_equal(frames, disc_frames)
    areas = labels.sum(axis=(1, 2))
    assert np.all(np.diff(areas) <= 0.02 * areas[0]) and areas[-1] < 0.5 * areas[0] and areas.min() > 0, areas
    assert not (labels.astype(bool) & ~maps.faz3d.any(axis=2)).any()
    no_3d = pl.load_subject(subject(10002))
    assert no_3d.faz3d is None or pl._faz_label(no_3d) is None
    _, whole = pl.faz_stack(np.random.default_rng(0), no_3d, 4, "disc-floor")
    assert all(np.array_equal(label.astype(bool), no_3d.faz2d) for label in whole)
