"""Peak memory of a web server sent many simultaneous large batches through POST
/api/v1/screen: a call beyond `SUNLIGHT_API_SCREENINGS_AT_ONCE` is refused (503) before its
body is read, so the peak no longer grows with the number of callers.

    .venv/bin/python benchmarks/api_busy.py --calls 8 --slots 2

A server process over an empty home (`sunlight` app on uvicorn, a free port), an officer's
token, then `--calls` threads each POSTing the same 100,000-row JSON batch (~21 MB) at once;
the server's VmRSS is sampled every 50 ms. Prints the RSS before, the peak and each status.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROW = {"program": "DIBAO", "id_number": "610327197106050172", "name": "王芳",
       "period": "2025-01", "amount": "500", "account": "6217493730820689217",
       "township": "城关镇", "village": "东风村"}


def serve(home: Path, port: int, slots: int) -> None:
    import uvicorn

    from sunlight.accounts.tokens import issue
    from sunlight.accounts.users import add_user
    from sunlight.settings import Settings
    from sunlight.web.app import create_app

    settings = Settings(home=home, database_url=f"sqlite:///{home}/app.db",
                        secret_key="benchmark-" * 5, api_screenings_at_once=slots,
                        api_screens_per_minute=1000)
    app = create_app(settings)
    with app.state.sessions() as session:
        user = add_user(session, "payer", "officer", "a long enough password 123",
                        datasets=["payments"])
        secret = issue(session, user, "bench", 30, issued_by="admin",
                       now=datetime.now(UTC)).secret
        session.commit()
    (home / "token").write_text(secret)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def measure(calls: int, slots: int) -> None:
    import httpx

    with tempfile.TemporaryDirectory(prefix="sunlight-api-busy-") as folder:
        home = Path(folder)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(home),
                                   "--port", str(port), "--slots", str(slots)])
        try:
            while not (home / "token").exists():
                time.sleep(0.2)
            time.sleep(3)  # uvicorn listening
            body = json.dumps({"rows": [ROW] * 100_000}).encode()
            before, peak, statuses = rss_mb(server.pid), [0], []
            done = threading.Event()

            def sample() -> None:
                while not done.is_set():
                    peak[0] = max(peak[0], rss_mb(server.pid))
                    time.sleep(0.05)

            def call() -> None:
                try:
                    answer = httpx.post(
                        f"http://127.0.0.1:{port}/api/v1/screen", content=body, timeout=600,
                        headers={"Authorization": "Bearer " + (home / "token").read_text(),
                                 "Content-Type": "application/json"})
                    statuses.append(str(answer.status_code))
                except httpx.HTTPError as error:
                    statuses.append(type(error).__name__)

            threading.Thread(target=sample, daemon=True).start()
            threads = [threading.Thread(target=call) for _ in range(calls)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            done.set()
        finally:
            server.terminate()
            server.wait()
    print(f"body {len(body) / 2**20:.1f} MB, {calls} calls, {slots} slots: "
          f"RSS {before} MB -> peak {peak[0]} MB; statuses {sorted(statuses)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=8)
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.serve, options.port, options.slots)
    else:
        measure(options.calls, options.slots)


if __name__ == "__main__":
    main()
