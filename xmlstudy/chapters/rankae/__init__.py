"""The Rank-AE chapter (a package: its modules follow in the next commit)."""
from xmlstudy.chapters.rankae.tables import *  # noqa: F401,F403
from xmlstudy.chapters.rankae.tables import _judge_margin, _judge_noise  # noqa: F401
