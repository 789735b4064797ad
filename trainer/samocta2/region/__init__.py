"""Sparse annotation of vessel regions (paper, section III.C; issue 6, trainer side).

A 2D SwinUNETR learns, from a few hand-painted en-face layers, the region of a layer where
large vessels are visible; it then predicts that region on every non-blank layer of a volume,
for the user to review in the editor. Files:
  config.py     region experiment defaults and YAML loading (reuses samocta2.config)
  annotations.py  the annotated-layer formats: OCTA-500 PNG pairs and <name>.regions.nii.gz
  screen.py     blank-layer screening, the same measure as src/core/sparse/screenBlankLayers.ts
  model.py      SwinUNETR (spatial_dims=2) built from the config
  batches.py    seeded random crops with flips and rotations
  train.py      the training loop (checkpoints, resume, JSON-line progress like ../train.py)
  predict.py    sliding-window prediction, Gaussian smoothing, <name>.regionprob.nii.gz
  train_cli.py / predict_cli.py   `python -m samocta2 region-train | region-predict`
The file formats are in docs/sparse-annotation.md. monai is imported only when a model is
built, so the CLI starts fast and says how to install it when it is missing.
"""
