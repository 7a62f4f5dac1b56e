"""Publication: the public part of the warehouse copied, versioned, into the app database.

`privacy.py` (masks and the 查我家 key) is shared with the portal and imports nothing else;
`extract.py` reads the warehouse, `store.py` writes and withdraws publications.
"""
