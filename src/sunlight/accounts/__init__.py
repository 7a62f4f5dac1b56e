"""Staff accounts: roles, passwords, login throttling."""
