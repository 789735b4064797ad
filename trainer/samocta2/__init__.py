"""SAM-OCTA2 trainer: LoRA fine-tuning of SAM 2 on OCTA layer sequences, evaluation, export.

Entry point: `python -m samocta2 <train|eval|import-octa500|export>` (see cli.py).
"""

__version__ = "0.1.0"
