"""One function per figure of the book. Each takes records or datasets and returns a matplotlib
Figure; notebooks call them and show the result."""
from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: F401

# --- data and baselines chapter ---------------------------------------------------------------

# --- DXML chapter (seed 002) --------------------------------------------------------------------

# --- C-GMVAE chapter (seed 004) -----------------------------------------------------------------
