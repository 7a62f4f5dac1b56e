"""A Spark standalone cluster on this machine: a master and its workers, started and stopped.

    with standalone_cluster(workers=2) as cluster:
        ...  # sunlight detect --engine spark --spark-master cluster.master_url

The daemons come from the PySpark distribution (its `bin/spark-class`, SPARK_HOME the
package's folder), listen on 127.0.0.1 only, on free ports (never Spark's defaults: 7077,
8080 and 8081 may belong to someone else on a shared machine), with their logs, work and
shuffle folders under a folder the cluster owns. Leaving the block stops every process the
daemons started (executors and their Python workers too) or says which survived.
Used by `spark_cluster.py` and the province benchmark.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
LOOPBACK = "127.0.0.1"
SPARK_DEFAULT_PORTS = frozenset({6066, 7077, 7078, 8080, 8081})
# A port another program takes between our probe and Spark's bind makes the daemon exit; the
# whole start is then tried again on other ports.
START_ATTEMPTS = 3
PORT_TAKEN = ("Address already in use", "BindException", "Failed to bind")


class ClusterError(RuntimeError):
    """The cluster did not come up, or a process outlived its stop."""


def spark_home() -> Path:
    """The PySpark package's folder, which holds Spark's bin/ and jars/."""
    import pyspark  # here, not at the top: the argument logic is usable without PySpark

    return Path(pyspark.__file__).parent


def free_ports(count: int) -> list[int]:
    """`count` distinct ports free on the loopback now, none of Spark's defaults."""
    probes: list[socket.socket] = []
    ports: list[int] = []
    try:  # held open together, so the kernel cannot hand out one port twice
        while len(ports) < count:
            probe = socket.socket()
            probes.append(probe)
            probe.bind((LOOPBACK, 0))
            port = int(probe.getsockname()[1])
            if port not in SPARK_DEFAULT_PORTS:
                ports.append(port)
    finally:
        for probe in probes:
            probe.close()
    return ports


@dataclass(frozen=True)
class Plan:
    """Where every daemon of one cluster listens and keeps its files, and with what."""

    root: Path
    spark_home: Path
    python: str
    master_port: int
    master_ui_port: int
    worker_ports: tuple[tuple[int, int], ...]  # (port, web UI port) per worker
    cores: int = 1
    memory: str = "2g"
    daemon_memory: str = "512m"

    @property
    def master_url(self) -> str:
        return f"spark://{LOOPBACK}:{self.master_port}"

    @property
    def status_url(self) -> str:
        return f"http://{LOOPBACK}:{self.master_ui_port}/json/"

    def master_command(self) -> list[str]:
        return [str(self.spark_home / "bin" / "spark-class"), MASTER_CLASS,
                "--host", LOOPBACK, "--port", str(self.master_port),
                "--webui-port", str(self.master_ui_port)]

    def worker_command(self, index: int) -> list[str]:
        port, ui_port = self.worker_ports[index]
        return [str(self.spark_home / "bin" / "spark-class"), WORKER_CLASS,
                "--host", LOOPBACK, "--port", str(port), "--webui-port", str(ui_port),
                "--cores", str(self.cores), "--memory", self.memory,
                "--work-dir", str(self.root / f"worker-{index + 1}"), self.master_url]

    def log(self, name: str) -> Path:
        return self.root / "logs" / f"{name}.log"

    def environment(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """The daemons' environment: loopback only, our folders, no outside configuration."""
        env = dict(os.environ if base is None else base)
        # Options a user's environment may carry for their own Spark must not reach ours.
        for name in ("SPARK_MASTER_HOST", "SPARK_MASTER_PORT", "SPARK_MASTER_WEBUI_PORT",
                     "SPARK_WORKER_PORT", "SPARK_WORKER_WEBUI_PORT", "SPARK_WORKER_DIR",
                     "SPARK_WORKER_INSTANCES", "SPARK_WORKER_OPTS", "SPARK_MASTER_OPTS"):
            env.pop(name, None)
        fixed = {
            "SPARK_HOME": str(self.spark_home),
            "SPARK_CONF_DIR": str(self.root / "conf"),  # empty: no spark-env.sh of anyone's
            "SPARK_LOCAL_DIRS": str(self.root / "local"),  # shuffle and spill files
            # The web UIs bind 0.0.0.0 unless SPARK_LOCAL_IP says otherwise.
            "SPARK_LOCAL_IP": LOOPBACK,
            "SPARK_PUBLIC_DNS": LOOPBACK,
            "SPARK_DAEMON_MEMORY": self.daemon_memory,
            # No retry on the next port: a taken port fails the start, which is retried on
            # other free ports (else the master would end up where the URL does not say).
            # The master's REST submission server would take 6066; nothing here uses it.
            "SPARK_MASTER_OPTS": "-Dspark.port.maxRetries=0 -Dspark.master.rest.enabled=false",
            "SPARK_WORKER_OPTS": "-Dspark.port.maxRetries=0",
            "PYSPARK_PYTHON": self.python,
        }
        return {**env, **fixed}


def plan(root: Path, workers: int = 2, *, cores: int = 1, memory: str = "2g",
         home: Path | None = None, python: str = sys.executable) -> Plan:
    """A cluster of `workers` workers on free ports, its files under `root`."""
    ports = free_ports(2 + 2 * workers)
    return Plan(root=root, spark_home=home or spark_home(), python=python,
                master_port=ports[0], master_ui_port=ports[1],
                worker_ports=tuple((ports[2 + 2 * i], ports[3 + 2 * i])
                                   for i in range(workers)),
                cores=cores, memory=memory)


@dataclass
class Cluster:
    """A running cluster: where to reach it and the daemons' processes."""

    plan: Plan
    processes: dict[str, subprocess.Popen[bytes]]
    started_seconds: float = 0.0

    @property
    def master_url(self) -> str:
        return self.plan.master_url

    def status(self) -> dict[str, object]:
        """The master's JSON status page."""
        with urllib.request.urlopen(self.plan.status_url, timeout=5) as response:
            answer: dict[str, object] = json.load(response)
        return answer

    def alive_workers(self) -> list[str]:
        """The IDs of the workers the master reports ALIVE."""
        workers = self.status().get("workers", [])
        assert isinstance(workers, list)
        return [str(w["id"]) for w in workers if w.get("state") == "ALIVE"]

    def log_tails(self, lines: int = 25) -> str:
        """The last lines of every daemon's log, for an error message."""
        parts = []
        for name in self.processes:
            path = self.plan.log(name)
            text = path.read_text("utf-8", "replace") if path.is_file() else ""
            tail = "\n".join(text.splitlines()[-lines:]) or "(empty)"
            parts.append(f"--- {name} ({path}) ---\n{tail}")
        return "\n".join(parts)

    def cpu_seconds(self) -> float:
        """CPU seconds the daemons have spent so far, with every process they started:
        executors still running by their own count, those ended through their worker's
        (a reaped child's time is added to its parent's). Linux only."""
        groups = {p.pid for p in self.processes.values()}
        ticks = sum(sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
                    for fields in group_members(groups).values())
        return ticks / os.sysconf("SC_CLK_TCK")

    def exited(self) -> dict[str, int]:
        """Daemons that have ended, with their exit codes."""
        return {name: code for name, p in self.processes.items()
                if (code := p.poll()) is not None}


def group_members(groups: set[int]) -> dict[int, list[str]]:
    """The processes in these process groups now, each with the fields of its
    /proc/PID/stat after the command's name (state, ppid, pgrp, ...). Linux only."""
    members = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) in groups:
            members[int(entry.name)] = fields
    return members


def _die_with_parent() -> None:
    """In the child before exec: its own process group, and SIGTERM when we die, even by
    SIGKILL, so that no JVM outlives the script (the worker's shutdown hook then ends its
    executors). The signal follows the thread that started the child: start clusters from
    a thread that outlives them."""
    os.setsid()
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _start(cluster: Cluster, name: str, command: list[str], env: dict[str, str]) -> None:
    log = cluster.plan.log(name)
    with log.open("wb") as out:  # the child keeps its own descriptor
        cluster.processes[name] = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            cwd=cluster.plan.root, preexec_fn=_die_with_parent)


def _wait(cluster: Cluster, ready: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if gone := cluster.exited():
            raise ClusterError(f"{what}: {', '.join(f'{n} exited ({c})' for n, c in gone.items())}"
                               f"\n{cluster.log_tails()}")
        with contextlib.suppress(OSError, ValueError):  # not listening yet, or half-written
            if ready():
                return
        time.sleep(0.5)
    raise ClusterError(f"{what}: not within {timeout:.0f} s\n{cluster.log_tails()}")


def start(cluster_plan: Plan, timeout: float = 120.0) -> Cluster:
    """The master, then the workers; returns once the master reports every worker ALIVE."""
    for folder in ("conf", "local", "logs"):
        (cluster_plan.root / folder).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    cluster = Cluster(cluster_plan, {})
    env = cluster_plan.environment()
    try:
        _start(cluster, "master", cluster_plan.master_command(), env)
        _wait(cluster, lambda: cluster.status().get("status") == "ALIVE", "the master",
              timeout)
        for index in range(len(cluster_plan.worker_ports)):
            _start(cluster, f"worker-{index + 1}", cluster_plan.worker_command(index), env)
        wanted = len(cluster_plan.worker_ports)
        _wait(cluster, lambda: len(cluster.alive_workers()) == wanted,
              f"{wanted} workers ALIVE at the master", timeout)
    except BaseException:
        stop(cluster)
        raise
    cluster.started_seconds = time.perf_counter() - started
    return cluster


def stop(cluster: Cluster, grace: float = 30.0) -> None:
    """SIGTERM to each daemon's process group, SIGKILL to what is left after `grace`
    seconds; raises ClusterError naming any process that survived even that."""
    groups = [p.pid for p in cluster.processes.values()]  # each daemon leads its group
    for name in reversed(list(cluster.processes)):  # workers first: they end their executors
        _signal_group(cluster.processes[name].pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while survivors(groups) and time.monotonic() < deadline:
        time.sleep(0.25)
    for group in groups:
        _signal_group(group, signal.SIGKILL)
    for process in cluster.processes.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
    if left := survivors(groups, wait=5.0):
        raise ClusterError("processes outlived the cluster's stop:\n" + "\n".join(left))


def _signal_group(group: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)


def survivors(groups: list[int], wait: float = 0.0) -> list[str]:
    """`ps` lines of live processes in these process groups (zombies are gone already)."""
    deadline = time.monotonic() + wait
    while True:
        table = subprocess.run(["ps", "-eo", "pid=,pgid=,stat=,args="], capture_output=True,
                               text=True, check=True).stdout
        left = [line.strip()[:200] for line in table.splitlines()
                if (cells := line.split(None, 3))[1:2] and int(cells[1]) in groups
                and not cells[2].startswith("Z")]
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.25)


@contextlib.contextmanager
def _stopping_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP end the block like Ctrl-C does, so that `finally` stops the
    daemons; only the main thread may set handlers, elsewhere nothing changes."""
    def leave(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    if sys.platform == "win32" or not _in_main_thread():
        yield
        return
    before = {s: signal.signal(s, leave) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def standalone_cluster(workers: int = 2, *, cores: int = 1, memory: str = "2g",
                       root: Path | None = None, timeout: float = 120.0) -> Iterator[Cluster]:
    """A master and `workers` workers of `cores` cores and `memory` each, ALIVE, for the
    block; stopped however the block ends. Files go to `root`, else to a temporary folder
    removed afterwards."""
    owned = root is None
    folder = Path(tempfile.mkdtemp(prefix="sunlight-spark-")) if root is None else root
    with _stopping_on_signals():
        try:
            cluster = _started(folder, workers, cores, memory, timeout)
            try:
                yield cluster
            finally:
                stop(cluster)
        finally:
            if owned:
                shutil.rmtree(folder, ignore_errors=True)


def _started(folder: Path, workers: int, cores: int, memory: str, timeout: float) -> Cluster:
    """A started cluster, on other free ports when another program took one of ours."""
    for attempt in range(1, START_ATTEMPTS + 1):
        cluster_plan = plan(folder, workers, cores=cores, memory=memory)
        try:
            return start(cluster_plan, timeout)
        except ClusterError as error:
            if attempt == START_ATTEMPTS or not any(s in str(error) for s in PORT_TAKEN):
                raise
    raise AssertionError("unreachable")
