"""The workbench fixtures: the runner's tests run it in the web app, as a server does."""

from tests.web.conftest import sqlite_template, staff_app, staff_app_both

__all__ = ["sqlite_template", "staff_app", "staff_app_both"]
