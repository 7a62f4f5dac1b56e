#!/usr/bin/env bash
# Try both README commands as a newcomer would, in the README's order: clone the repository
# afresh, run the demo (installing it) and keep it serving in the background, wait until it
# answers /healthz, run the test command beside it, then stop the demo. Exits with the test
# command's code (or 1 when the demo never came up).
#
#   bash scripts/check-fresh-clone.sh                      # the demo as the README runs it
#   DEMO_ARGS="--persons 3000" bash scripts/check-fresh-clone.sh
#   KEEP=1 bash scripts/check-fresh-clone.sh               # leave the clone for a look
#
# The clone gets the shared/ folder beside it (a link to this checkout's ../shared, when there
# is one), as CI has it. The demo listens on a free port, so a demo already serving elsewhere
# on this machine (say on 8000) changes nothing.
set -euo pipefail
source_repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/sunlight-fresh.XXXXXX")"
clone="$work/sunlight"
demo_pid=""

finish() {
    if [ -n "$demo_pid" ] && kill -0 "$demo_pid" 2>/dev/null; then
        kill -INT -- "-$demo_pid" 2>/dev/null || kill -INT "$demo_pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 1; done
        kill -KILL -- "-$demo_pid" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        echo "check-fresh-clone: the clone stays in $clone (demo log: $work/demo.log)"
    else
        rm -rf "$work"
    fi
}
trap finish EXIT

git clone --quiet "$source_repo" "$clone"
if [ -d "$source_repo/../shared" ]; then
    ln -s "$(cd "$source_repo/../shared" && pwd)" "$work/shared"
else
    echo "check-fresh-clone: no shared/ beside $source_repo; the tests that read it will skip"
fi
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

echo "check-fresh-clone: demo in $clone, port $port (log: $work/demo.log)"
# A session of its own, so that stopping it stops uvicorn's worker processes as well.
# shellcheck disable=SC2086  # DEMO_ARGS is a list of options
(cd "$clone" && exec setsid bash scripts/demo.sh --port "$port" ${DEMO_ARGS:-}) \
    > "$work/demo.log" 2>&1 < /dev/null &
demo_pid=$!

deadline=$((SECONDS + ${DEMO_WAIT_SECONDS:-1800}))
until curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; do
    if ! kill -0 "$demo_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
        echo "check-fresh-clone: the demo did not come up; its log ends:" >&2
        tail -n 40 "$work/demo.log" >&2
        exit 1
    fi
    sleep 2
done
echo "check-fresh-clone: the demo answers /healthz after ${SECONDS}s; its summary:"
grep -E "示例县|Published version|Workbench" "$work/demo.log" || true

status=0
(cd "$clone" && bash scripts/test.sh -q) || status=$?
curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null \
    || { echo "check-fresh-clone: the demo stopped answering during the tests" >&2; status=1; }
echo "check-fresh-clone: the test command exited with $status"
exit "$status"
