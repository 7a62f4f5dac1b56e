"""The case workflow: from a warning or a report to a closed case."""
