"""Sunlight: big-data supervision of public subsidy payments."""

__version__ = "0.1.0"
