"""The experiment grids behind ``make results``: for each paper, the list of run configurations
of its ``full`` (or ``smoke``) profile. ``python -m xmlstudy run --paper NAME`` runs one grid,
skipping records that already exist."""
from __future__ import annotations

# --- baselines (foundation) ---------------------------------------------------------------------

# --- dxml (seed 002) ----------------------------------------------------------------------------

# --- cgmvae (seed 004) --------------------------------------------------------------------------

GRIDS: dict = {}
