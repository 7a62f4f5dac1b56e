"""The web app: the staff workbench under /staff (and, later, the public portal at /)."""
