#!/usr/bin/env bash
# Install Sunlight into .venv and run the demo: a synthetic county generated, ingested and
# reported on, under $SUNLIGHT_HOME (default ./sunlight-home).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/sunlight demo "$@"
