"""Screening a batch before it is paid (contract §7): verdicts from the same readers and models
as ingestion and detection, with nothing written to the warehouse."""
