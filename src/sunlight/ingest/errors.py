"""Errors that refuse a whole file."""


class UnusableFile(Exception):
    """A file that cannot be used at all: nothing of it is written.

    The message is English (the command line's); `chinese`, when given, says the same to a
    person in the workbench.
    """

    def __init__(self, message: str, chinese: str = "") -> None:
        super().__init__(message)
        self.chinese = chinese


class MissingColumns(UnusableFile):
    """A required column has no header the contract accepts."""
