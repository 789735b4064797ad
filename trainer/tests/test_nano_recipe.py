"""The nano bundle's recipe (models/samocta2-nano/recipe/) is a frozen record of how the shipped
weights were made, kept beside the trainer rather than in it. What keeps it runnable: every
recipe module still imports against the trainer as it is now (a renamed or removed trainer
function fails here, not in a multi-hour rebuild), and make.sh still parses."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

RECIPE = Path(__file__).resolve().parents[2] / "models" / "samocta2-nano" / "recipe"
MODULES = sorted(p.stem for p in RECIPE.glob("*.py"))


def test_the_recipe_is_where_the_card_says():
    assert {"pretrain_nano", "pretrain_loss", "pretrain_memory"} <= set(MODULES)
    assert (RECIPE / "make.sh").is_file()


@pytest.mark.parametrize("name", MODULES)
def test_each_recipe_module_imports_against_the_current_trainer(name, monkeypatch):
    monkeypatch.syspath_prepend(str(RECIPE))
    for stale in [m for m in sys.modules if m in MODULES]:
        monkeypatch.delitem(sys.modules, stale)
    module = importlib.import_module(name)
    assert module.__file__ is not None and Path(module.__file__).parent == RECIPE


@pytest.mark.parametrize("script", sorted(p.name for p in RECIPE.glob("*.sh")))
def test_each_recipe_script_parses(script):
    subprocess.run(["bash", "-n", str(RECIPE / script)], check=True)


def test_freeze_keeps_modules_and_bare_parameters_and_refuses_unknown_names(monkeypatch):
    monkeypatch.syspath_prepend(str(RECIPE))
    from pretrain_memory import freeze
    from samocta2.model import build_sam2_model

    model = build_sam2_model("nano", image_size=64)
    freeze(model, "memory_attention,maskmem_tpos_enc")
    assert not model.maskmem_tpos_enc.requires_grad
    assert not any(p.requires_grad for p in model.memory_attention.parameters())
    assert all(p.requires_grad for p in model.sam_mask_decoder.parameters())
    with pytest.raises(AttributeError):
        freeze(model, "memory_atention")
