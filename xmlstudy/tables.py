"""One function per table of the book. Each takes result records (and published numbers) and
returns a pandas DataFrame; notebooks display them."""
from __future__ import annotations

import pandas as pd  # noqa: F401

# --- shared helpers -----------------------------------------------------------------------------

# --- data and baselines chapter ---------------------------------------------------------------

# --- DXML chapter (seed 002) --------------------------------------------------------------------

# --- C-GMVAE chapter (seed 004) -----------------------------------------------------------------
