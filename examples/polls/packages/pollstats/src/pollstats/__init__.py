"""Vote tallying in C."""

from ._tally import share, winner

__all__ = ["share", "winner"]
