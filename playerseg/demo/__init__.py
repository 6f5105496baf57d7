"""The default catalog of the embedded default: its cards and segments, and seeding them."""

from playerseg.demo.catalog import CARDS, SEGMENTS
from playerseg.demo.seed import seed

__all__ = ["CARDS", "SEGMENTS", "seed"]
