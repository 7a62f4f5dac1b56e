#!/usr/bin/env bash
# Install Sunlight into .venv (with the extras named, e.g. `test`), unless it already is:
# the install is editable, so only a change to pyproject.toml asks for it again. A machine
# that installed once runs the demo and the tests without reaching a package index.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
stamp=".venv/.installed${extras:+-$extras}"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ -x .venv/bin/sunlight ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    exit 0
fi
python3 -m venv .venv
# A newer pip is welcome, not needed: offline (PIP_NO_INDEX=1 PIP_FIND_LINKS=wheels) there is none.
.venv/bin/python -m pip install --quiet --upgrade pip || true
.venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
echo "$wanted" > "$stamp"
