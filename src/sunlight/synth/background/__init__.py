"""A large county's clean background, written column-wise: millions of residents in townships
of their own beside a small "case core" county that carries every case and trap.

`write_background` (in `county.py`'s large path) streams township by township: NumPy draws the
people and their payments, Arrow turns them into text and writes the CSV files. Nothing here
builds a Python object per person.
"""

from sunlight.synth.background.writing import BackgroundReport, write_background

__all__ = ["BackgroundReport", "write_background"]
