"""`python -m samocta2 sparse screen|sample|train|predict|review|finish DATASET`: the sparse
annotation loop over a whole dataset folder (docs/sparse-annotation.md, section 6).

  screen   blank layers of every subject               -> <work>/screen.json
  sample   N non-blank layers pooled across subjects    -> <work>/todo.json (the editor opens it)
  train    SwinUNETR on every annotated layer           -> <work>/runs/run-NNN (from the newest run)
  predict  the region on every non-blank layer          -> <id>.regionprob.* beside each volume
  review   predicted layers, most doubtful first        -> <work>/review.json (the editor opens it)
  finish   layer RV = en-face RV ∩ region               -> <id>.vessels.nii.gz beside each volume
Progress is JSON lines on stdout, messages on stderr, exit codes as samocta2.cli.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    from ..region.train_cli import add_train_arguments

    parser = sub.add_parser(
        "sparse", help="sparse annotation over a dataset folder (screen, sample, train, ...)"
    )
    steps = parser.add_subparsers(dest="sparse_command", required=True)

    def step(name: str, help: str, func) -> argparse.ArgumentParser:
        p = steps.add_parser(name, help=help)
        p.add_argument(
            "dataset", type=Path, help="dataset folder (<id>.nii.gz ..., or split subfolders of them)"
        )
        p.add_argument("--work", type=Path, help="folder for the lists and runs (default: DATASET/sparse)")
        p.set_defaults(func=func)
        return p

    p = step("screen", "find the blank layers of every subject", _screen)
    p.add_argument("--blank-threshold", type=float, default=0.002, help="fraction of a layer (default 0.002)")
    p.add_argument(
        "--axis",
        choices=["auto", "i", "j", "k"],
        default="auto",
        help="depth axis where a subject has no annotation yet (default auto, k for en-face stacks)",
    )

    p = step("sample", "draw N non-blank layers pooled across subjects: the to-do list", _sample)
    p.add_argument("--count", "-n", type=int, default=1000, help="layers to annotate (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="same seed, same list; a larger count extends it")
    p.add_argument(
        "--blank-threshold", type=float, help="re-screen from the stored scores (default: the screen's)"
    )

    p = step("train", "train the region model on every annotated layer of the dataset", _train)
    add_train_arguments(p)
    p.add_argument("--fresh", action="store_true", help="start from random weights, not the newest run")

    p = step("predict", "predict the region on every non-blank layer of every subject", _predict)
    p.add_argument("--checkpoint", type=Path, help="region checkpoint (default: the newest run's)")
    p.add_argument(
        "--blank-threshold", type=float, help="re-screen from the stored scores (default: the screen's)"
    )
    p.add_argument("--sigma", type=float, help="Gaussian smoothing in px, 0 = none (2)")
    p.add_argument("--overlap", type=float, help="sliding-window tile overlap 0..1 (0.25)")
    p.add_argument("--device", default="auto", help="auto | cpu | cuda | cuda:N")

    p = step("review", "rank the predicted layers by doubt: the review list", _review)
    p.add_argument("--count", "-n", type=int, default=200, help="layers to list, 0 = all (default 200)")

    p = step("finish", "write <id>.vessels.nii.gz for every subject", _finish)
    p.add_argument("--overwrite", action="store_true", help="replace existing <id>.vessels.nii.gz files")


def _work(args: argparse.Namespace) -> Path:
    from .dataset import work_folder

    return work_folder(args.dataset, args.work)


def _screen(args: argparse.Namespace) -> int:
    from .screen import run_screen

    run_screen(args.dataset, _work(args), threshold=args.blank_threshold, axis=args.axis)
    return 0


def _sample(args: argparse.Namespace) -> int:
    from .sample import run_sample

    run_sample(args.dataset, _work(args), count=args.count, seed=args.seed, threshold=args.blank_threshold)
    return 0


def _newest_checkpoint(work: Path) -> Path | None:
    from ..region.checkpoint import CHECKPOINT_NAME
    from .dataset import newest_run

    run = newest_run(work)
    return run / CHECKPOINT_NAME if run is not None and (run / CHECKPOINT_NAME).is_file() else None


def _train(args: argparse.Namespace) -> int:
    from ..errors import DataError
    from ..region.train import run_region_training
    from ..region.train_cli import config_from_args
    from .dataset import find_subjects, newest_run, next_run

    work = _work(args)
    annotated = sorted(
        {s.volume.parent for s in find_subjects(args.dataset) if s.beside("regions", ".json").is_file()}
    )
    if not annotated and not args.data:
        raise DataError(
            f"no subject of {args.dataset} has annotated layers (<id>.regions.json): open {work / 'todo.json'} "
            "in the editor (SAM-OCTA2: Open Sparse To-do List) and paint the sampled layers first"
        )
    init = args.init
    if args.out is None:
        if args.resume:
            last = newest_run(work)
            if last is None:
                raise DataError(f"--resume: no run in {work / 'runs'} to continue")
            args.out = str(last)
        else:
            if init is None and not args.fresh:
                init = _newest_checkpoint(work)
            args.out = str(next_run(work))
    args.data = [str(f) for f in annotated] + list(args.data or [])
    run_region_training(
        config_from_args(args),
        resume=args.resume,
        stop_after=args.stop_after,
        init=str(init) if init else None,
    )
    return 0


def _predict(args: argparse.Namespace) -> int:
    from ..errors import DataError
    from ..region.predict import run_region_prediction
    from .dataset import subject_map
    from .screen import read_screen

    work = _work(args)
    checkpoint = args.checkpoint or _newest_checkpoint(work)
    if checkpoint is None:
        raise DataError(f"no region model in {work / 'runs'}: run `sparse train` first, or pass --checkpoint")
    subjects = subject_map(args.dataset)
    screened, level = read_screen(work, subjects, args.blank_threshold)
    plan = {subjects[rel].volume: screened[rel] for rel in subjects}
    run_region_prediction(
        checkpoint,
        [s.volume for s in subjects.values()],
        blank_threshold=level,
        sigma=args.sigma,
        overlap=args.overlap,
        device=args.device,
        plan=plan,
    )
    return 0


def _review(args: argparse.Namespace) -> int:
    from .review import run_review

    run_review(args.dataset, _work(args), count=args.count)
    return 0


def _finish(args: argparse.Namespace) -> int:
    from .finish import run_finish

    run_finish(args.dataset, overwrite=args.overwrite)
    return 0
