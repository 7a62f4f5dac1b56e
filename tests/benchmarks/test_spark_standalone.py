"""The standalone cluster of benchmarks/spark_standalone.py: its ports, commands and stop."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "spark_standalone.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("spark_standalone", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


standalone = _load()


def test_free_ports_are_distinct_bindable_and_never_sparks_defaults() -> None:
    ports = standalone.free_ports(6)
    assert len(set(ports)) == 6
    assert not set(ports) & {6066, 7077, 7078, 8080, 8081}
    for port in ports:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))


def test_a_plan_puts_every_daemon_on_loopback_and_its_own_port(tmp_path: Path) -> None:
    plan = standalone.plan(tmp_path, 2, cores=1, memory="3g", home=Path("/opt/spark"),
                           python="/venv/bin/python")
    ports = [plan.master_port, plan.master_ui_port, *(p for w in plan.worker_ports for p in w)]
    assert len(set(ports)) == 6
    master = plan.master_command()
    assert master[:2] == ["/opt/spark/bin/spark-class", "org.apache.spark.deploy.master.Master"]
    assert master[2:] == ["--host", "127.0.0.1", "--port", str(plan.master_port),
                          "--webui-port", str(plan.master_ui_port)]
    assert plan.master_url == f"spark://127.0.0.1:{plan.master_port}"
    assert plan.status_url == f"http://127.0.0.1:{plan.master_ui_port}/json/"
    for index, (port, ui_port) in enumerate(plan.worker_ports):
        worker = plan.worker_command(index)
        assert worker[1] == "org.apache.spark.deploy.worker.Worker"
        assert worker[-1] == plan.master_url
        options = dict(zip(worker[2:-1:2], worker[3:-1:2], strict=True))
        assert options == {"--host": "127.0.0.1", "--port": str(port),
                           "--webui-port": str(ui_port), "--cores": "1", "--memory": "3g",
                           "--work-dir": str(tmp_path / f"worker-{index + 1}")}


def test_the_daemons_environment_is_the_plans_not_the_users(tmp_path: Path) -> None:
    plan = standalone.plan(tmp_path, 1, home=Path("/opt/spark"), python="/venv/bin/python")
    user = {"PATH": "/usr/bin", "SPARK_MASTER_PORT": "7077", "SPARK_WORKER_WEBUI_PORT": "8081",
            "SPARK_CONF_DIR": "/etc/spark", "SPARK_LOCAL_IP": "0.0.0.0"}
    env = plan.environment(user)
    assert env["PATH"] == "/usr/bin"
    assert "SPARK_MASTER_PORT" not in env and "SPARK_WORKER_WEBUI_PORT" not in env
    assert env["SPARK_CONF_DIR"] == str(tmp_path / "conf")
    assert env["SPARK_LOCAL_DIRS"] == str(tmp_path / "local")
    assert env["SPARK_LOCAL_IP"] == "127.0.0.1"  # else the web UIs listen on every address
    assert env["SPARK_HOME"] == "/opt/spark"
    assert env["PYSPARK_PYTHON"] == "/venv/bin/python"
    assert "-Dspark.master.rest.enabled=false" in env["SPARK_MASTER_OPTS"]  # it takes 6066
    assert "-Dspark.port.maxRetries=0" in env["SPARK_WORKER_OPTS"]


def _group(tmp_path: Path, script: str) -> subprocess.Popen[bytes]:
    """A shell in a process group of its own that starts a child, as a worker its executor."""
    return subprocess.Popen(["sh", "-c", script], start_new_session=True, cwd=tmp_path)


def test_stop_ends_each_daemon_and_the_processes_it_started(tmp_path: Path) -> None:
    daemons = {"master": _group(tmp_path, "sleep 300 & sleep 300"),
               "worker-1": _group(tmp_path, "trap '' TERM; sleep 300 & sleep 300")}
    plan = standalone.plan(tmp_path, 1, home=tmp_path, python=sys.executable)
    cluster = standalone.Cluster(plan, daemons)
    groups = [p.pid for p in daemons.values()]
    assert _running(groups, 4)
    standalone.stop(cluster, grace=1.0)  # the worker ignores SIGTERM: SIGKILL after 1 s
    assert standalone.survivors(groups) == []
    assert all(p.poll() is not None for p in daemons.values())


def _running(groups: list[int], count: int) -> bool:
    """Whether `count` processes run in these groups within 5 s (the shells start theirs)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if len(standalone.survivors(groups)) >= count:
            return True
        time.sleep(0.1)
    return False


def _java_and_pyspark() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


@pytest.mark.slow
def test_a_real_cluster_comes_up_with_both_workers_alive_and_leaves_nothing(
        tmp_path: Path) -> None:
    if not _java_and_pyspark():
        if os.environ.get("CI"):
            pytest.fail("Java and PySpark are missing (CI is set: the Spark tests must run)")
        pytest.skip("Java or PySpark is missing")
    root = tmp_path / "cluster"
    with standalone.standalone_cluster(2, memory="1g", root=root) as cluster:
        status = cluster.status()
        groups = [p.pid for p in cluster.processes.values()]
        assert status["url"] == cluster.master_url
        assert len(cluster.alive_workers()) == 2
        planned = {f"http://127.0.0.1:{ui}" for _, ui in cluster.plan.worker_ports}
        assert {w["webuiaddress"] for w in status["workers"]} == planned
        assert {w["cores"] for w in status["workers"]} == {1}
        assert len(standalone.survivors(groups)) == 3
    assert standalone.survivors(groups) == []
    assert (root / "logs" / "master.log").is_file()  # a root given is the caller's to keep
