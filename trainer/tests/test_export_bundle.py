"""The bundle's manifest and the export command's bad-input handling."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import onnx
import pytest
import torch

from samocta2.cli import main
from samocta2.export.bundle import FORMAT, FORMAT_VERSION, sha256, write_bundle
from samocta2.export.cli import _metrics
from samocta2.model import build_sam2_model


# An eval.json row as `samocta2 eval` writes it: the model's scores and the classical baseline's.
EVAL_ROW = {"factor": "Baseline", "value": 0, "frames": 4, "prompted": 2, "positive": 5, "negative": 3,
            "dice": 0.5, "jaccard": 0.4, "n": 80, "classical_dice": 0.62, "classical_jaccard": 0.49}  # fmt: skip


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("bundle")
    eval_json = folder.parent / "eval.json"
    eval_json.write_text(json.dumps({"target": "faz", "sequence": [EVAL_ROW]}))
    torch.manual_seed(0)
    # As `export --metrics eval.json` reads it.
    manifest = write_bundle(build_sam2_model("nano"), folder, metrics=_metrics(str(eval_json)))
    return folder, manifest


def test_manifest_describes_every_file(exported) -> None:
    folder, manifest = exported
    on_disk = json.loads((folder / "manifest.json").read_text())
    assert on_disk == manifest
    assert manifest["format"] == FORMAT and manifest["format_version"] == FORMAT_VERSION
    assert manifest["task"] == "sequence"  # the default; en-face exports: test_enface.py
    assert set(manifest["graphs"]) == {"image_encoder", "mask_decoder", "memory_encoder", "memory_attention"}
    for name, graph in manifest["graphs"].items():
        path = folder / graph["file"]
        assert graph["sha256"] == sha256(path) == manifest["files"][graph["file"]]
        assert graph["bytes"] == path.stat().st_size
        assert graph["inputs"] and graph["outputs"], name
    # The metrics travel whole, the classical baseline's columns with the model's; an eval.json
    # from before `--protocol` existed is marked as the project protocol's (issue 18).
    assert manifest["metrics"] == {"target": "faz", "sequence": [EVAL_ROW], "protocol": "project"}


def test_metrics_name_their_protocol() -> None:
    from samocta2.export.cli import with_protocol

    paper = {"target": "rv", "protocol": "paper", "sequence": [EVAL_ROW]}
    named = with_protocol({"octa500-rv": paper, "synth-faz": {"target": "faz", "sequence": []}})
    assert named["octa500-rv"]["protocol"] == "paper" and named["synth-faz"]["protocol"] == "project"


def test_manifest_shapes_and_memory_settings(exported) -> None:
    _, manifest = exported
    g = manifest["graphs"]
    assert g["image_encoder"]["inputs"] == [{"name": "image", "dtype": "float32", "shape": [1, 3, 256, 256]}]
    mem = {i["name"]: i for i in g["memory_attention"]["inputs"]}
    assert mem["memory"]["shape"] == ["num_memories", 64, 16, 16]
    assert mem["memory_tpos"]["dtype"] == "int64"
    assert mem["obj_ptrs"]["shape"] == ["num_obj_ptrs", 128]
    dec = {i["name"]: i for i in g["mask_decoder"]["inputs"]}
    assert dec["point_labels"] == {"name": "point_labels", "dtype": "int32", "shape": [1, "num_points"]}
    outs = [o["name"] for o in g["mask_decoder"]["outputs"]]
    assert outs == ["masks", "iou", "obj_ptr", "object_score_logits"]
    memory = manifest["memory"]
    assert memory["num_maskmem"] == 7 and memory["max_obj_ptrs_in_encoder"] == 16
    assert memory["storage_dtype"] == "bfloat16"
    assert manifest["preprocessing"]["mean"] == [0.485, 0.456, 0.406]
    assert manifest["model"]["low_res_mask_size"] == 64


def test_export_command_rejects_bad_checkpoints(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not torch")
    assert main(["export", "--size", "nano", "--model-checkpoint", str(bad), "--out", str(tmp_path / "b")]) == 2
    assert "not a readable PyTorch checkpoint" in capsys.readouterr().out
    assert main(["export", "--checkpoint", str(tmp_path / "missing.pt"), "--out", str(tmp_path / "c")]) == 2
    assert "not found" in capsys.readouterr().out
    assert not (tmp_path / "b").exists() and not (tmp_path / "c").exists()


def test_export_command_rejects_unreadable_metrics(tmp_path: Path, capsys) -> None:
    (tmp_path / "m.json").write_text("{oops")
    code = main(["export", "--metrics", str(tmp_path / "m.json"), "--out", str(tmp_path / "d")])
    assert code == 2
    assert "not a readable JSON file" in capsys.readouterr().out


def _recorded_export(source: Path):
    """An export_graph that writes the graph already exported to `source`, with a changed doc
    string: other bytes than the bundle there (as a new export's are), without tracing again."""

    def export(spec, path: Path) -> None:
        proto = onnx.load(str(source / f"{spec.name}.onnx"))
        proto.doc_string = "a later export"
        onnx.save(proto, str(path))

    return export


def _consistent_or_absent(folder: Path) -> str:
    """'none' without manifest.json, 'whole' when it names every file with its bytes' sha256."""
    if not (folder / "manifest.json").exists():
        return "none"
    manifest = json.loads((folder / "manifest.json").read_text())  # a cut manifest fails here
    for graph in manifest["graphs"].values():
        assert sha256(folder / graph["file"]) == graph["sha256"] == manifest["files"][graph["file"]]
    for name, digest in manifest["files"].items():
        assert sha256(folder / name) == digest, name
    return "whole"


def test_an_export_killed_at_any_file_operation_leaves_the_new_bundle_or_none(
    exported, tmp_path: Path, monkeypatch
) -> None:
    """Re-exporting over a bundle, killed (SIGKILL, in a forked child) at each file operation:
    never a manifest naming missing graphs or other bytes, and the next export leaves no
    temporary file (issue 15)."""
    from samocta2 import durable
    from samocta2.export import bundle

    source, _ = exported
    monkeypatch.setattr(bundle, "export_graph", _recorded_export(source))
    model = build_sam2_model("nano")
    outcomes = {"none": 0, "whole": 0}
    kills = 0
    for kill_at in range(1, 40):
        folder = tmp_path / f"kill-{kill_at}"
        shutil.copytree(source, folder)
        pid = os.fork()
        if pid == 0:  # the exporter, killed by durable.py's own fault point
            durable._KILL_AT, durable._operations = kill_at, 0
            try:
                write_bundle(model, folder)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        if not os.WIFSIGNALED(status):
            assert os.WEXITSTATUS(status) == 0
            assert _consistent_or_absent(folder) == "whole"
            break
        assert os.WTERMSIG(status) == signal.SIGKILL
        kills += 1
        outcomes[_consistent_or_absent(folder)] += 1
        write_bundle(model, folder)
        assert _consistent_or_absent(folder) == "whole"
        assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []
    assert kills >= 10 and outcomes["none"] > 0, (kills, outcomes)
