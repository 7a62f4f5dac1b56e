#!/usr/bin/env bash
# Install Sunlight into .venv and run the demo: a synthetic county generated, ingested and
# reported on, under $SUNLIGHT_HOME (default ./sunlight-home).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/sunlight demo "$@"
