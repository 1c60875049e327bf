"""The chapter on the non-negative autoencoder paper (being split by concern)."""
from xmlstudy.chapters.nnae.grid import *  # noqa: F401,F403
