"""The app database: detection runs and warnings now; users, cases and the audit log later."""
