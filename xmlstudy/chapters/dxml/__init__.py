"""The DXML chapter (Zhang et al., *Deep Extreme Multi-label Learning*, ICMR 2018), as a package."""
from .tables import *  # noqa: F401,F403
