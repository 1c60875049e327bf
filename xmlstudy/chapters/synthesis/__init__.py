"""The cross-paper chapter (moved whole into grid.py first, to be split by concern)."""
from .grid import *  # noqa: F401,F403
from .grid import _judge_best, _judge_fewer, _judge_noise, _winners  # noqa: F401
