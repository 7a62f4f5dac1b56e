"""Errors that refuse a whole file."""


class UnusableFile(Exception):
    """A file that cannot be used at all: nothing of it is written."""


class MissingColumns(UnusableFile):
    """A required column has no header the contract accepts."""
