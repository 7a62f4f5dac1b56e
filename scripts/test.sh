#!/usr/bin/env bash
# Install what the tests need into .venv, then lint, type-check and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
.venv/bin/ruff check src tests
.venv/bin/mypy
# The layers of ARCHITECTURE.md, as the [tool.importlinter] contracts in pyproject.toml state them.
.venv/bin/lint-imports --no-cache --no-logo
# The app-database tests also run on PostgreSQL (tests/appdb/conftest.py), and where CI is set
# they fail rather than skip without it: start the local cluster if it is down. Only root may;
# anyone else just tries, and the tests then say what is missing.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    for version in $(ls /etc/postgresql 2>/dev/null); do
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
fi
# The browser tests drive Debian's Chromium (Playwright's own browser download fails offline),
# with a CJK font so that Chinese pages render. Where CI is set they fail rather than skip.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            chromium fonts-wqy-microhei >/dev/null
    else
        echo "note: chromium and fonts-wqy-microhei are missing; the browser tests need them" >&2
    fi
fi
# pytest exits 5 when it collected no test: with `set -e` that fails the run, as it should.
# On every core, at least two (much of a test's time is waited on Chromium, PostgreSQL or a
# child process), with pytest-xdist: a module per worker, the Spark tests together, the
# longest first (tests/scheduling.py). On 2 shared cores the tests took 7-10 minutes so, 12 in
# one process (benchmarks/RESULTS.md); `bash scripts/test.sh -n 0` runs them in one process.
# The slowest tests are listed at the end: where the run's minutes go.
workers="$(nproc 2>/dev/null || echo 2)"
[ "$workers" -ge 2 ] || workers=2
.venv/bin/python -m pytest -n "$workers" --dist loadscope --durations=25 "$@"
