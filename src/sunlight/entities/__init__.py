"""Entities (persons, households, accounts, companies, villages) and the links between them:
the index built at detection time, the pages' reads, the link view and the search box."""
