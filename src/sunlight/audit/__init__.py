"""The tamper-evident audit log of everything staff do."""
