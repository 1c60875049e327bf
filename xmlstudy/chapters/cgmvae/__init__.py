"""The C-GMVAE chapter, a package (its modules are split by concern in the next steps)."""
from xmlstudy.chapters.cgmvae.tables import *  # noqa: F401,F403
from xmlstudy.chapters.cgmvae.tables import _fewer  # noqa: F401 - the notebook's figure reads it
