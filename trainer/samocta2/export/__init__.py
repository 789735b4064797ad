"""ONNX model bundles: graphs, manifest, the reference tracker and the parity vectors.

See docs/model-bundle.md for the format; `python -m samocta2 export --help` for the command.
"""
