"""The numbers the seed papers publish, transcribed once, each with the table or figure it comes
from. Values are as printed (percentages stay percentages; see ``scale``). Nothing here is a
result of this study: tables put these beside our own records."""
from __future__ import annotations

# --- dataset statistics (seed 002 Table 1, seed 003 Table 1, seed 004 Table 6) -----------------

# --- Extreme Classification Repository numbers quoted in the notes -----------------------------

# --- seed 002 (DXML) ----------------------------------------------------------------------------

# --- seed 004 (C-GMVAE) -------------------------------------------------------------------------
