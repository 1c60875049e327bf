"""The glossary of methods, the book's page ``book/methods.md``: every method of the methods
registry (:data:`xmlstudy.methods.METHODS`) with its one name, its one-line definition, the
work it comes from and the colour and marker every figure draws it with, grouped by family.

The entries are written from the registry when the page is built, so the page cannot say other
than the tables and figures do. Each entry carries the label of :func:`xmlstudy.methods.anchor`
(``method-<key>``), the target of :func:`xmlstudy.methods.glossary_link` in prose and of the
links :func:`xmlstudy.tables.styled` puts on the method names of every table.
"""
from __future__ import annotations

import base64

from matplotlib.lines import Line2D

from xmlstudy import figures, methods

# The families, in the order of the page: each method belongs to exactly one (tests/test_citations.py
# checks that they cover the registry). MLP (BCE) is with the baselines: no paper ran it, and the
# study runs it beside every paper's model.
FAMILIES: dict[str, tuple[str, ...]] = {
    "baselines": ("knn", "ovr-linear", "parabel", "mlknn", "c2ae", "mlp-bce"),
    "dxml": ("dxml", "dxml-linear", "dxml-random-emb", "dxml-svd-emb", "dxml-nocluster", "dxml-l2"),
    "rankae": ("rankae", "rankae-no-attn", "bce-ae", "rankae-bilstm", "fasttext", "kim-cnn"),
    "cgmvae": ("cgmvae", "cgmvae-uni-gaussian", "cgmvae-gm-only", "cgmvae-contrastive-only",
               "cgmvae-official"),
    "nnae": ("nnae", "nnae-softplus", "nmf", "lda", "pca", "random-groups", "nnae-image",
             "image-bce"),
}

# What a method without a citation is (Method.cite is None only for these).
CONTROL = "a control this study made up; no paper describes it"


def swatch(key: str) -> str:
    """An inline image of ``key``'s colour and marker as its figures' legends show them."""
    entry = methods.method(key)
    svg = figures.marker_swatch(entry.colour, entry.marker)
    shape = Line2D.markers.get(entry.marker, entry.marker).replace("_", " ")
    data = base64.b64encode(svg.encode()).decode()
    return (f'<img class="method-swatch" src="data:image/svg+xml;base64,{data}" width="40" '
            f'height="20" alt="{shape} in {entry.colour}" title="{shape}, {entry.colour}">')


def _definition(entry: methods.Method) -> str:
    """The registry's definition without the name it often starts with ("C2AE: a feature..."):
    the entry already shows the name in bold just before."""
    text = entry.definition
    if text.startswith(f"{entry.name}: "):
        text = text[len(entry.name) + 2:]
        text = text[0].upper() + text[1:]
    return text


def entry(key: str) -> str:
    """One method's entry, as MyST markdown: its label, swatch, name, record key, definition and
    source (a citation that resolves in ``book/references.bib``, or :data:`CONTROL`)."""
    item = methods.method(key)
    source = f"{{cite:t}}`{item.cite}`" if item.cite else CONTROL
    return (f"({methods.anchor(key)})=\n{swatch(key)} **{item.name}** (records: `{key}`). "
            f"{_definition(item)} Source: {source}.")


def family(name: str) -> str:
    """The entries of one family of :data:`FAMILIES`, in order, as MyST markdown."""
    if name not in FAMILIES:
        raise ValueError(f"unknown family {name!r}; valid: {', '.join(FAMILIES)}")
    return "\n\n".join(entry(key) for key in FAMILIES[name])
