"""Datasets: NIfTI case folders, layer sequences, augmentation, the OCTA-500 importer."""
