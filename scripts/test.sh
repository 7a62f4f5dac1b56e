#!/usr/bin/env bash
# Install what the tests need into .venv, then lint, type-check and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/ruff check src tests
.venv/bin/mypy
# pytest exits 5 when it collected no test: with `set -e` that fails the run, as it should.
.venv/bin/python -m pytest "$@"
