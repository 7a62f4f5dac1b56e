"""Exit codes that mean something to a script calling `sunlight`."""

OK = 0  # done, nothing to report
WARNINGS = 1  # done, and there is something to look at
BAD_INPUT = 2  # refused: the input does not follow the contract; nothing was written
INTERNAL_ERROR = 3  # a fault of Sunlight itself
ENGINE_FAILED = 4  # the engine failed while running (a warehouse file unreadable, a worker lost)
