#!/usr/bin/env bash
# Install Sunlight into .venv (with the extras named, e.g. `test`), unless it already is:
# the install is editable, so only a change to pyproject.toml asks for it again. A machine
# that installed once runs the demo and the tests without reaching a package index.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
stamp=".venv/.installed${extras:+-$extras}"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"

# Spark (the `spark` extra, and `test` for the parity test) runs on a Java runtime; the demo
# and the default DuckDB engine need none.
java_for_spark() {
    case ",$extras," in *,spark,*|*,test,*) ;; *) return 0 ;; esac
    command -v java >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends openjdk-17-jre-headless >/dev/null
    else
        echo "Spark needs Java 17, which is missing: install openjdk-17-jre-headless" \
             "(Debian/Ubuntu, as root) or any Java 17 runtime on PATH." >&2
    fi
}
java_for_spark
if [ -x .venv/bin/sunlight ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    exit 0
fi
python3 -m venv .venv
# A newer pip is welcome, not needed: offline (PIP_NO_INDEX=1 PIP_FIND_LINKS=wheels) there is none.
.venv/bin/python -m pip install --quiet --upgrade pip || true
.venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
echo "$wanted" > "$stamp"
