"""Training sequences for nano's pretraining: the paper's draws plus the editor's use.

Three kinds, drawn at random per step (all seeded by (seed, step)):
- "paper": the trainer's sampling (1-3 prompted frames, 1-10 positive, 0-6 negative points);
- "baseline": the evaluation condition (2 prompted frames, 5 positive, 3 negative);
- "click": what the editor and `sam-octa2 track` do: one positive click on one layer, then
  consecutive (or nearly) layers around it, running past the object's depth extent, so the
  object score learns to close the track where the vessel ends.
"""

from __future__ import annotations

import numpy as np

from samocta2 import prompts
from samocta2.data.augment import augment_sequence
from samocta2.data.sequences import Draw, Sequence, SequenceSource

BASELINE = Draw(frames=4, prompted=2, positive=5, negative=3)
KINDS = ("paper", "baseline", "click")
# Layer strides of "click" sequences. Wider strides put more layers past the object's ends,
# where the track must stop (phases e2 and e3 of the shipped bundle used strides up to 8 and 4).
CLICK_STRIDES = {"choices": (1, 2)}


def draw_click(rng: np.random.Generator, source: SequenceSource, index: int, length: int) -> Sequence:
    """One click on a layer where the object shows most, layers at a CLICK_STRIDES stride around it."""
    ci, obj, present = source.objects[index % len(source.objects)]
    case = source.cases[ci]
    depth = case.frames.shape[0]
    area = (case.labels[present] == obj).sum(axis=(1, 2))
    # Clicks favour the layers where the object is large, as a user's (and the e2e test's) do.
    clicked = int(rng.choice(present, p=area / area.sum()))
    stride = int(rng.choice(CLICK_STRIDES["choices"]))
    length = min(length, depth // stride)
    first = clicked - stride * int(rng.integers(0, length))
    first = int(np.clip(first, 0, depth - 1 - stride * (length - 1)))
    layers = [first + stride * i for i in range(length)]
    if clicked not in layers:  # clipping at the volume's edge moved the window
        layers[int(np.argmin([abs(k - clicked) for k in layers]))] = clicked
    frames, masks = case.frames[layers], case.labels[layers] == obj
    s = source.sampling
    frames, masks = augment_sequence(rng, frames, masks, float(s["hflip"]), float(s["max_rotation_deg"]))
    seq = Sequence(case.name, obj, layers, frames, masks)
    p = layers.index(clicked)
    seq.prompts[p] = prompts.frame_prompt(rng, masks[p], 1, 0, int(s["gap"]), int(s["ring_width"]))
    if not (seq.prompts[p][1] == 1).any():  # rotation pushed the object out: no augmentation
        frames, masks = case.frames[layers], case.labels[layers] == obj
        seq = Sequence(case.name, obj, layers, frames, masks)
        seq.prompts[p] = prompts.frame_prompt(rng, masks[p], 1, 0, int(s["gap"]), int(s["ring_width"]))
    return seq


def draw_sequence(
    rng: np.random.Generator, source: SequenceSource, index: int, kind: str, length: int
) -> Sequence:
    if kind == "paper":
        return source.draw(rng, index, Draw(frames=length))
    if kind == "baseline":
        return source.draw(rng, index, BASELINE)
    if kind == "click":
        return draw_click(rng, source, index, length)
    raise ValueError(f"unknown sequence kind {kind!r} (known: {', '.join(KINDS)})")
