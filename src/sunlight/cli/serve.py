"""`sunlight serve`: the workbench (and portal) over this deployment's app database."""

from __future__ import annotations

import ctypes
import errno
import multiprocessing
import os
import signal
import socket
import sys
from dataclasses import dataclass
from typing import Annotated, Any

import typer
import uvicorn
from fastapi import FastAPI
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from sunlight.cli.console import console, errors
from sunlight.cli.database import usable
from sunlight.cli.exit_codes import BAD_INPUT, INTERNAL_ERROR
from sunlight.demo_home import foreign_batches
from sunlight.settings import Settings, get_settings
from sunlight.web.app import create_app, prepare
from sunlight.web.security import InsecureSecret


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or exit 2 saying why: taken before any work is done, and
    held, so that nothing else takes the port in between."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        bound = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        errors.print(f"[red]refused:[/red] cannot listen on {host}: {exc}")
        raise typer.Exit(BAD_INPUT) from exc
    bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        bound.bind((host, port))
        # Listening at once is what holds the port: a socket only bound would let another
        # server (with SO_REUSEADDR, as uvicorn sets it) bind and listen there meanwhile.
        bound.listen(2048)
    except OSError as exc:
        bound.close()
        why = ("another program already listens there: stop it or choose --port"
               if exc.errno == errno.EADDRINUSE else exc.strerror or str(exc))
        errors.print(f"[red]refused:[/red] cannot listen on {host}:{port}: {why}")
        raise typer.Exit(BAD_INPUT) from exc
    return bound


PR_SET_PDEATHSIG = 1  # prctl(2)
WORKER_PATIENCE = 60
"""Seconds a worker process may take to start or to answer the supervisor's health check
before it is replaced. uvicorn's 5 s is too short for the imports alone on a busy 2-core
machine: each worker was replaced before it ever served, over and over."""


@dataclass(frozen=True)
class WorkerApp:
    """The app factory each worker process calls: it rebuilds the app from the environment
    (which a spawned process inherits) and this flag, the parent having prepared it."""

    demo: bool

    def __call__(self) -> FastAPI:
        _end_with_parent()
        return create_app(get_settings(), demo=self.demo, prepared=True)


def _end_with_parent() -> None:
    """Have Linux stop this worker when its supervisor ends, even by SIGKILL: an orphaned
    worker would go on serving on the port, unseen."""
    parent = multiprocessing.parent_process()
    if sys.platform != "linux" or parent is None:
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent.pid:  # it ended before the request took effect
        raise SystemExit(0)


def serve(settings: Settings, listening: socket.socket, *, demo: bool = False,
          workers: int | None = None) -> None:
    """Check the set-up and migrate once (refusing an unsafe or unusable one with exit 2),
    then serve in `workers` processes (default: the setting) until interrupted."""
    processes = workers or settings.web_processes
    try:
        with usable(settings):
            app: FastAPI | None = None
            if processes == 1:
                app = create_app(settings, demo=demo)
            else:  # before any worker starts: they would race to migrate
                prepare(settings, demo=demo)
    except InsecureSecret as exc:
        errors.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(BAD_INPUT) from exc
    host, port = listening.getsockname()[:2]
    address = f"[{host}]" if ":" in host else host
    console.print(f"[bold]Workbench: http://{address}:{port}/staff[/bold]   "
                  f"[bold]Public portal: http://{address}:{port}/[/bold]   "
                  f"({processes} process{'es' if processes > 1 else ''}; Ctrl-C stops)")
    if app is not None:
        uvicorn.Server(server_config(app, settings)).run(sockets=[listening])
        return
    config = server_config(WorkerApp(demo), settings, factory=True, workers=processes,
                           timeout_worker_healthcheck=WORKER_PATIENCE)
    supervisor = Multiprocess(config, sockets=[listening])
    supervisor.run()
    if any(worker.exitcode == STARTUP_FAILURE for worker in supervisor.processes):
        errors.print("[red]the web server's worker processes could not start[/red] "
                     "(their error is above)")
        raise typer.Exit(INTERNAL_ERROR)


def server_config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration: X-Forwarded-For (and -Proto) believed only from the proxies
    SUNLIGHT_TRUSTED_PROXIES names; by default from nobody (uvicorn's own default would
    believe any program on the server itself, letting it pose as any address)."""
    trusted = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    # No access log: addresses carry searches (/staff/search?q=, maybe a whole ID number).
    return uvicorn.Config(app, log_level="warning", access_log=False,
                          proxy_headers=bool(trusted), forwarded_allow_ips=trusted or None,
                          **options)


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(
        min=0, max=65535, help="Port to listen on (0: any free port, printed).")] = 8000,
    demo: Annotated[bool, typer.Option(
        help="Serve a demo home: allows the built-in secret. Never for real data.")] = False,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Server processes [default: SUNLIGHT_WEB_WORKERS, else one per CPU core]."
    )] = None,
) -> None:
    """Serve the staff workbench at /staff and the public portal at /."""
    settings = get_settings()
    if demo:
        _refuse_unless_demo_home(settings)
    serve(settings, listening_socket(host, port), demo=demo, workers=workers)


def _refuse_unless_demo_home(settings: Settings) -> None:
    """--demo serves on a built-in secret with published passwords: never real data."""
    if settings.database_url:
        why = ("--demo serves the embedded demo database with a built-in secret; "
               "SUNLIGHT_DATABASE_URL names another database")
    elif foreign := foreign_batches(settings):
        why = (f"--demo serves a demo's home, with a built-in secret and published passwords, "
               f"but {settings.home.resolve()} holds {len(foreign)} ingested file(s) that are "
               "not the demo county's")
    else:
        return
    errors.print(f"[red]refused:[/red] {why}. Serve it without --demo, with SUNLIGHT_SECRET_KEY "
                 "set (README: 'Running it for a county').")
    raise typer.Exit(BAD_INPUT)
