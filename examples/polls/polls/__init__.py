"""A small Django polls application."""

__version__ = "0.1.0"
