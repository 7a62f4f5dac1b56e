"""`sunlight serve` and `sunlight demo` listen where they say, or refuse at once."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.cli.exit_codes import BAD_INPUT
from sunlight.cli.serve import listening_socket
from tests.conftest import write_csv
from tests.serving import free_port

runner = CliRunner()
SUNLIGHT = Path(sys.executable).parent / "sunlight"


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def test_a_port_in_use_is_refused_before_the_app_is_built(home: Path, taken_port: int):
    result = runner.invoke(app, ["serve", "--demo", "--port", str(taken_port)])
    assert result.exit_code == BAD_INPUT, result.output
    assert f"cannot listen on 127.0.0.1:{taken_port}" in result.output
    assert "already listens there" in result.output
    assert "Workbench: http" not in result.output
    assert not (home / "sunlight.db").exists()


def test_the_demo_refuses_a_port_in_use_before_making_its_county(home: Path, taken_port: int):
    result = runner.invoke(app, ["demo", "--persons", "500", "--port", str(taken_port)])
    assert result.exit_code == BAD_INPUT, result.output
    assert not (home / "demo-county").exists()


def test_the_demo_takes_port_0_as_any_free_port(home: Path):
    # Port 0 passes the option's check: only the address, none of this machine's, refuses it.
    result = runner.invoke(app, ["demo", "--persons", "500", "--host", "192.0.2.1",
                                 "--port", "0"])
    assert result.exit_code == BAD_INPUT, result.output
    assert "cannot listen on 192.0.2.1:0" in result.output


def test_an_address_that_is_not_this_machines_is_refused(home: Path):
    result = runner.invoke(app, ["serve", "--demo", "--host", "192.0.2.1", "--port", "8000"])
    assert result.exit_code == BAD_INPUT, result.output
    assert "cannot listen on 192.0.2.1:8000" in result.output


def test_serve_answers_at_the_address_it_prints(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "SUNLIGHT_HOME": str(tmp_path / "home")}
    server = subprocess.Popen([str(SUNLIGHT), "serve", "--demo", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        printed = server.stdout.readline()
        assert f"http://127.0.0.1:{port}/staff" in printed
        assert f"http://127.0.0.1:{port}/" in printed
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert answer.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/staff/login").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_demo_mode_will_not_serve_a_countys_own_data(tmp_path: Path, home: Path):
    write_csv(tmp_path / "delivery" / "payments" / "三月.csv", [
        ["项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号"],
        ["低保", "610327197106050172", "王芳", "2024-03", "500", "6217493730820689217"]])
    assert runner.invoke(app, ["ingest", str(tmp_path / "delivery")]).exit_code == 0
    result = runner.invoke(app, ["serve", "--demo", "--port", str(free_port())])
    assert result.exit_code == BAD_INPUT, result.output
    assert "not the demo county's" in result.output and "SUNLIGHT_SECRET_KEY" in result.output


def test_the_port_is_held_from_the_start_so_nothing_takes_it_meanwhile():
    held = listening_socket("127.0.0.1", 0)
    try:
        port = held.getsockname()[1]
        with pytest.raises(typer.Exit):  # as a second server started during a demo would be
            listening_socket("127.0.0.1", port)
    finally:
        held.close()


def test_demo_mode_will_not_serve_another_database(home: Path,
                                                   monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SUNLIGHT_DATABASE_URL", "postgresql://127.0.0.1/test")
    result = runner.invoke(app, ["serve", "--demo", "--port", str(free_port())])
    assert result.exit_code == BAD_INPUT and "SUNLIGHT_DATABASE_URL" in result.output


def printed_port(server: subprocess.Popen[str]) -> int:
    """The port `sunlight serve --port 0` says it listens on."""
    assert server.stdout is not None
    found = re.search(r"http://127\.0\.0\.1:(\d+)/staff", server.stdout.readline())
    assert found, "no address printed"
    return int(found.group(1))


def worker_processes(parent: int) -> list[int]:
    """The uvicorn worker processes (spawned children) of a server process."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [int(pid) for pid in children
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def running(pid: int) -> bool:
    """Whether the process exists and has not ended (a zombie not yet reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@contextmanager
def two_workers(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, list[int]]]:
    """`sunlight serve --demo --port 0 --workers 2` once both workers run and it answers:
    the server, its address and its workers; stopped afterwards unless the test did."""
    env = {**os.environ, "SUNLIGHT_HOME": str(tmp_path / "home")}
    server = subprocess.Popen([str(SUNLIGHT), "serve", "--demo", "--port", "0", "--workers", "2"],
                              env=env, stdout=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{printed_port(server)}"
        deadline = time.monotonic() + 60
        while len(workers := worker_processes(server.pid)) < 2 or not answers(base):
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        yield server, base, workers
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=20)


def test_serve_runs_several_worker_processes_on_one_port(tmp_path: Path):
    with two_workers(tmp_path) as (_server, base, workers):
        assert len(workers) == 2
        with httpx.Client(base_url=base) as browser:  # each page from either worker
            for _ in range(6):
                assert "登录" in browser.get("/staff/login").text
                assert browser.get("/").status_code == 200
    assert not any(running(pid) for pid in workers)  # stopped with it


def test_workers_stop_when_their_supervisor_is_killed(tmp_path: Path):
    with two_workers(tmp_path) as (server, base, workers):
        server.kill()  # no chance to stop its workers itself
        server.wait(timeout=20)
    deadline = time.monotonic() + 30
    try:
        while any(running(pid) for pid in workers):  # not left serving, orphaned
            assert time.monotonic() < deadline, "a worker outlived its supervisor"
            time.sleep(0.2)
    finally:
        for pid in filter(running, workers):
            os.kill(pid, signal.SIGKILL)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{base}/healthz", timeout=2)


def answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False
