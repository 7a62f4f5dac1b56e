"""Background jobs: rows in the app database, each run by one claimant in a child process."""
