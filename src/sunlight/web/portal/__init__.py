"""The public portal (阳光公示): no login, reads the publication tables only."""
