"""xmlstudy: a reproducible study of deep (extreme) multi-label learning."""
__version__ = "0.1.0"
