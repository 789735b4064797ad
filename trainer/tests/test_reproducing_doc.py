"""docs/reproducing-the-paper.md cannot go stale (issue 18 item 6): its `smoke` blocks run, in
order, in the repository root at their CPU sizes, and every real `python -m samocta2` command in
its plain `sh` blocks parses with the trainer's own argument parser."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, ensure_cli
from samocta2.cli import build_parser

DOC = REPO / "docs" / "reproducing-the-paper.md"
FENCE = re.compile(r"^```sh(?P<tag>[ \w-]*)\n(?P<body>.*?)^```$", re.M | re.S)


def blocks(tag: str) -> list[str]:
    return [m["body"] for m in FENCE.finditer(DOC.read_text()) if m["tag"].strip() == tag]


def commands(block: str) -> list[str]:
    """One string per command: continuation lines joined, comments and blank lines dropped."""
    joined = block.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_the_doc_has_its_steps():
    assert len(blocks("smoke")) >= 4 and len(blocks("")) >= 6


def test_every_real_trainer_command_parses():
    parser = build_parser()
    parsed = 0
    for block in blocks(""):
        for command in commands(block):
            words = shlex.split(command)
            if "samocta2" not in words or words[0] == "node":
                continue
            args = words[words.index("samocta2") + 1 :]
            try:
                parser.parse_args(args)
            except SystemExit:
                pytest.fail(f"docs/reproducing-the-paper.md: `{command}` does not parse")
            parsed += 1
    assert parsed >= 16, parsed


def test_every_config_the_doc_names_exists():
    named = set(re.findall(r"trainer/configs/[\w.]+\.yaml", "\n".join(blocks("") + blocks("smoke"))))
    assert named, "no configs named"
    for path in named:
        assert (REPO / path).is_file(), path


def test_smoke_blocks_run_in_order(tmp_path):
    ensure_cli()
    script = "set -euo pipefail\n" + "\n".join(blocks("smoke"))
    env = {
        **os.environ,
        "SMOKE": str(tmp_path),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO / "trainer"),
    }
    run = subprocess.run(["bash", "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    assert "Training plan (dry run" in run.stdout and "2 subjects" in run.stdout
    assert (tmp_path / "runs/3m_faz/best.pt").is_file() and (tmp_path / "runs/3m_faz/checkpoint.pt").is_file()
    result = json.loads((tmp_path / "runs/3m_faz/table2/eval.json").read_text())
    assert result["protocol"] == "paper" and result["sequence"][0]["n"] > 0
    assert "Protocol: paper" in (tmp_path / "runs/3m_faz/table2/eval.md").read_text()
    table1 = (tmp_path / "runs/enface_3m_faz/table1/eval.md").read_text()
    assert "En-face task (Table I)" in table1 and "| FAZ | 3M |" in table1
