"""create_app(): the FastAPI application, its database, templates, static assets and routes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from sunlight.appdb.database import (
    IMMEDIATE,
    database_url,
    make_engine,
    session_factory,
    upgrade,
    writing,
)
from sunlight.audit.chain import seal
from sunlight.audit.key import bind
from sunlight.jobs.runner import JobRunner
from sunlight.publish.jobs import Publisher
from sunlight.screenings.retention import remove_expired
from sunlight.settings import Settings, get_settings
from sunlight.uploads.worker import IngestWorker
from sunlight.warehouse.spill import remove_stale
from sunlight.web import middleware
from sunlight.web.api import PREFIX as API_PREFIX
from sunlight.web.api import create_api
from sunlight.web.api_workers import ApiWorkers
from sunlight.web.compression import Compression
from sunlight.web.deps import LoginRequired
from sunlight.web.entity_href import stored_salt
from sunlight.web.errors import BadParameters, UserError, from_http
from sunlight.web.pages import error_page as staff_error_page
from sunlight.web.portal import reports as portal_reports
from sunlight.web.portal import routes as portal
from sunlight.web.portal.cache import PortalCache
from sunlight.web.portal.routes import error_page as portal_error_page
from sunlight.web.portal.routes import public_page
from sunlight.web.routes import (
    account,
    admin,
    admin_tokens,
    auth,
    case_files,
    case_list,
    cases,
    dashboard,
    entities,
    entity_links,
    exports,
    health,
    oversight,
    publications,
    reports,
    screening,
    search,
    self_corrections,
    townships,
    uploads,
    warnings,
)
from sunlight.web.security import check_secret
from sunlight.web.static_files import StaticAssets
from sunlight.web.templating import make_templates

STATIC = Path(__file__).with_name("static")


def prepare(settings: Settings, *, demo: bool = False) -> None:
    """What is done once before the app serves, in however many processes: the secret
    checked (outside demo mode the default one is refused: InsecureSecret), the app
    database's schema brought up to date, a killed run's spill files removed, the audit log
    sealed with this deployment's key (another key is refused: AuditKeyMismatch)."""
    check_secret(settings, demo=demo)
    url = database_url(settings)
    upgrade(url)
    remove_stale(settings.engine_temp_dir)  # spill files of a run killed before this start
    engine = make_engine(url)
    try:
        _seal_audit_log(bind(session_factory(engine), settings))
    finally:
        engine.dispose()


def create_app(settings: Settings | None = None, *, demo: bool = False,
               prepared: bool = False) -> FastAPI:
    """The web app over the app database in `settings`; `prepare` runs first unless
    `prepared` says it ran already (a worker process of `sunlight serve`)."""
    settings = settings or get_settings()
    if prepared:
        check_secret(settings, demo=demo)
    else:
        prepare(settings, demo=demo)
    url = database_url(settings)
    app = FastAPI(title="Sunlight 阳光监督", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=_lifespan)
    engine = make_engine(url)
    app.state.settings = settings
    app.state.engine = engine
    # What a POST's session is bound to (see deps.db): made once, not per request.
    app.state.writer_engine = engine.execution_options(**{IMMEDIATE: True})
    app.state.sessions = bind(session_factory(engine), settings)
    app.state.templates = make_templates()
    app.state.demo = demo
    # Background jobs run in child processes, one at a time across every server process;
    # those cut off by the last stop say what they left, queued ones start.
    app.state.jobs = JobRunner(settings, app.state.sessions)
    app.state.ingest_worker = IngestWorker(app.state.jobs, app.state.sessions, settings)
    app.state.publisher = Publisher(app.state.jobs, app.state.sessions)
    app.state.ingest_worker.recover()
    _remove_expired_verdicts(app.state.sessions, settings)
    # The API's screening threads and warm application screener (web/api_workers.py).
    app.state.api_workers = ApiWorkers(settings)
    # Made now if need be (web/entity_href.py says why).
    app.state.entity_salt = stored_salt(app.state.sessions)
    assets = StaticAssets(STATIC)
    app.state.templates.env.globals["static_url"] = assets.url
    app.router.add_route("/static/{name}", assets.respond, methods=["GET", "HEAD"],
                         name="static", include_in_schema=False)
    app.router.add_route("/favicon.ico", _to(assets.url("favicon.svg")), methods=["GET", "HEAD"],
                         include_in_schema=False)  # asked for by every browser on a first visit
    # The HTTP API, before the portal's pages (whose addresses take any path segment).
    app.mount(API_PREFIX, create_api(app))
    # exports before warnings: /staff/warnings/export.xlsx is not a warning ID.
    for router in (health.router, auth.router, account.router, uploads.router,
                   screening.router, admin.router, admin_tokens.router,
                   townships.router, dashboard.router, oversight.router, exports.router,
                   warnings.router,
                   case_list.router, cases.router, case_files.router, entities.router,
                   reports.router, search.router, self_corrections.router,
                   publications.router, entity_links.router, portal_reports.router,
                   portal.router):
        app.include_router(router)
    _handle_errors(app)
    _serve_lightly(app, settings, engine)
    middleware.install(app, settings)  # outside the cache: kept pages get the headers too
    return app


def _to(address: str) -> Callable[[Request], Awaitable[Response]]:
    async def redirect(_request: Request) -> Response:
        return RedirectResponse(address, status_code=302)

    return redirect


def _seal_audit_log(sessions: sessionmaker[Session]) -> None:
    """Refuse to start with another audit key than the log's (AuditKeyMismatch), rather than
    fail at every login; a log from before keys is sealed now."""
    with sessions() as session:
        writing(session)
        seal(session)
        session.commit()


def _remove_expired_verdicts(sessions: sessionmaker[Session], settings: Settings) -> None:
    """Screenings' verdict files past their days are removed at start (and after each
    screening job), not only refused for download."""
    with sessions() as session:
        writing(session)
        remove_expired(settings, session)
        session.commit()


def _serve_lightly(app: FastAPI, settings: Settings, engine: Engine) -> None:
    """gzip where it is safe, and the portal's pages from memory while the publication
    shown is the same. The cache sits inside the compression: it hands out pages it keeps
    compressed already, which the compression then leaves alone."""
    app.add_middleware(PortalCache, engine=engine,
                       max_bytes=settings.portal_cache_mb * 1024 * 1024)
    app.add_middleware(Compression)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # A serving process also runs jobs queued by the others and finds those cut off.
    app.state.jobs.keep_running()
    yield
    # A job under way finishes in its own process; queued ones wait for the next runner.
    app.state.jobs.stop()
    app.state.api_workers.close()


def _handle_errors(app: FastAPI) -> None:
    """One handler per kind of failure; every refusal a person sees is a UserError, shown
    as a page of the area it happened in."""

    @app.exception_handler(Exception)
    def server_error(request: Request, _exc: Exception) -> Response:
        return middleware.server_error(request.url.path)

    @app.exception_handler(UserError)
    def refused(request: Request, exc: UserError) -> Response:
        return _shown(request, exc)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        area = "portal" if public_page(request.url.path) else "staff"
        return _shown(request, from_http(exc.status_code, area))

    @app.exception_handler(RequestValidationError)
    def bad_request(request: Request, _exc: RequestValidationError) -> Response:
        # A hand-edited address or a form not sent by our pages: a page in Chinese, not
        # FastAPI's English JSON.
        return _shown(request, BadParameters())

    @app.exception_handler(LoginRequired)
    def login_required(request: Request, _exc: LoginRequired) -> Response:
        if request.method == "GET" and "x-sunlight-partial" not in request.headers:
            # A search may be a whole ID number: it is not carried into the login address.
            query = "" if request.url.path == search.PATH else request.url.query
            target = quote(str(request.url.path) + (f"?{query}" if query else ""))
            return RedirectResponse(f"/staff/login?next={target}", status_code=303)
        return JSONResponse({"detail": "请先登录"}, status_code=401)


def _shown(request: Request, error: UserError) -> Response:
    """The error as a page of its area: the portal's, the workbench's, else plain text."""
    path = request.url.path
    if public_page(path):
        return portal_error_page(request, error)
    if path.startswith("/staff"):
        return staff_error_page(request, error)
    return PlainTextResponse(error.message, status_code=error.status)
