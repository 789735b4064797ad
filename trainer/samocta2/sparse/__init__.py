"""Dataset-scale sparse annotation (paper, section III.C; issue 18 item 4).

The per-volume loop of samocta2.region (and the editor's Sparse annotation panel) run over a
whole dataset folder: `python -m samocta2 sparse screen|sample|train|predict|review|finish`.
  dataset.py  the subjects of a dataset folder, its work folder, which layers are annotated
  lists.py    the layer lists the editor opens (to-do and review, docs/sparse-annotation.md §6)
  screen.py   blank layers of every subject -> <work>/screen.json
  sample.py   N non-blank layers pooled across subjects -> <work>/todo.json
  doubt.py    doubt scores of predicted layers, the measure of src/core/sparse/doubtScores.ts
  review.py   every subject's prediction ranked by doubt -> <work>/review.json
  finish.py   <id>.vessels.nii.gz for every subject: layer RV = en-face RV ∩ region
  cli.py      the `sparse` command and its six subcommands (train and predict reuse
              samocta2.region's model, training loop and prediction)
"""
