"""The web app: one FastAPI application serving the HTTP API (`/api/...`), the HTML
pages and the OpenAPI docs (`/docs`, assets shipped in the package, no CDN).

Handlers stay thin: each opens the thread's store, calls one view from
`storyline.views` and renders JSON or a template. Everything the app adds is here:
the per-thread stores, the security headers, the request-size limit and the one
error handler that turns `StorylineError` into `{"ok": false, "error", "status"}`
(or an error page).

Example:
    from storyline.web import create_app
    app = create_app("news.db")          # then: uvicorn.run(app)
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import (ConfigError, ConflictError, InputError, MissingExtra, NotFound, StorylineError,
                      StoreUnavailable)
from ..engines import SerialEngine
from ..settings import Settings, load_settings
from ..stores import open_store
from .render import STATIC_DIR, make_env

log = logging.getLogger("storyline.web")

MAX_UPLOAD_BYTES = 20_000_000
# No inline script or style anywhere in the app, so 'self' is all a page needs.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# Swagger UI sets inline style attributes; its page gets that and nothing more.
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


class WebState:
    """What the handlers share: settings, flags, one store per worker thread, one write lock."""

    def __init__(self, store_url: str, *, allow_ingest: bool, token: str | None, settings: Settings,
                 max_upload_bytes: int):
        self.store_url = store_url
        self.allow_ingest = allow_ingest
        self.token = token
        self.settings = settings
        self.max_upload_bytes = max_upload_bytes
        # One writer at a time inside this process (ingest, corrections, full analysis);
        # SQLite's own locking orders us against other processes.
        self.write_lock = threading.RLock()
        self._local = threading.local()
        self._stores: list[Any] = []
        self._stores_lock = threading.Lock()
        self._analysed_marker: Any = None
        # Analysis triggered by a request runs in-process: forking a worker pool from a
        # threaded server can copy a held lock into the child and hang it.
        self.engine = SerialEngine()
        self._facets: tuple[Any, Any] | None = None
        self._facets_running = False

    def store(self):
        """This thread's store, opened on first use (SQLite connections stay in their thread)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.store_url)
            self._local.store = store
            with self._stores_lock:
                self._stores.append(store)
        return store

    def close_thread_store(self) -> None:
        """Close this thread's store (for threads that end, like the warm-up)."""
        store = getattr(self._local, "store", None)
        if store is not None:
            self._local.store = None
            with self._stores_lock:
                self._stores = [s for s in self._stores if s is not store]
            store.close()

    def close(self) -> None:
        with self._stores_lock:
            for store in self._stores:
                try:
                    store.close()
                except StorylineError:  # a store that fails to close must not stop the others
                    log.warning("could not close a store", exc_info=True)
            self._stores.clear()

    def ensure_all_analysis(self, store) -> None:
        """Run pending lazy analysis for the whole corpus once per change of the documents."""
        from ..pipeline import analyze

        marker = store.change_marker()
        if marker == self._analysed_marker:
            return
        with self.write_lock:
            marker = store.change_marker()
            if marker != self._analysed_marker:
                analyze(store, self.settings, engine=self.engine)
                self._analysed_marker = marker

    def facets(self, store) -> dict[str, Any] | None:
        """Outlets and languages for the filter form, or None while they are being counted.

        Counting them scans every document, so past 20,000 documents it runs in a
        background thread and pages use the last result (or none) meanwhile.
        """
        marker = store.change_marker()
        cached = self._facets
        if cached is not None and cached[0] == marker:
            return cached[1]
        if marker <= 20_000:
            self._facets = (marker, store.web_facets())
            return self._facets[1]
        with self._stores_lock:
            start = not self._facets_running
            self._facets_running = True
        if start:
            threading.Thread(target=self._count_facets, name="storyline-facets", daemon=True).start()
        return cached[1] if cached else None

    def _count_facets(self) -> None:
        try:
            store = self.store()
            marker = store.change_marker()
            self._facets = (marker, store.web_facets())
        except StorylineError:
            log.warning("could not count outlets and languages", exc_info=True)
        finally:
            self._facets_running = False
            self.close_thread_store()

    def check_token(self, supplied: str | None) -> None:
        """Refuse writes unless ingest is allowed and `supplied` is the token.

        Raises:
            HTTPException: 403 when writes are off, 401 for a missing or wrong token.
        """
        if not self.allow_ingest:
            raise HTTPException(403, "writes are disabled on this server; start it with "
                                     "`storyline serve --allow-ingest`")
        if not supplied or not self.token or not hmac.compare_digest(supplied.encode(), self.token.encode()):
            raise HTTPException(401, "a valid token is required: send 'Authorization: Bearer <token>'",
                                headers={"WWW-Authenticate": "Bearer"})


# --- middleware (plain ASGI, so they also cover static files and errors) -------------

class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every HTTP response, and a Server-Timing."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        csp = DOCS_CSP if scope["path"] == "/docs" else CSP

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                         (b"x-frame-options", b"DENY"), (b"cross-origin-opener-policy", b"same-origin"),
                         (b"content-security-policy", csp.encode())]
                headers += [(k, v) for k, v in extra if k not in names]
                headers.append((b"server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over `limit` bytes with a 413 JSON error, before any parsing.

    A declared Content-Length is checked up front; a body without one (chunked) is read
    up to the limit first and then replayed to the app.
    """

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                return await self._refuse(send, 400, "invalid Content-Length header")
            if size > self.limit:
                return await self._too_large(send)
            return await self.app(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                return await self._too_large(send)
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send):
        await self._refuse(send, 413, f"request body larger than {self.limit / 1e6:g} MB; "
                                      "split the upload or raise --max-upload-mb")

    async def _refuse(self, send, status: int, message: str):
        response = JSONResponse({"ok": False, "error": message, "status": status}, status_code=status,
                                headers={"connection": "close"})
        await response({"type": "http"}, None, send)


# --- errors -----------------------------------------------------------------------------

def status_for(exc: StorylineError) -> int:
    """The HTTP status of a storyline error: the client's fault is 4xx, ours 5xx."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, (ConfigError, InputError)):
        return 422
    if isinstance(exc, StoreUnavailable):
        return 503
    if isinstance(exc, MissingExtra):
        return 501
    return 500


TITLES = {400: "Bad request", 401: "Token required", 403: "Not allowed", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 413: "Too large", 422: "Bad parameters",
          500: "Something went wrong", 501: "Not available", 503: "Store unavailable"}


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/api" or path.endswith(".json")


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None,
                   details: list[dict[str, Any]] | None = None):
    if wants_json(request):
        body: dict[str, Any] = {"ok": False, "error": message, "status": status}
        if details:
            body["details"] = details
        return JSONResponse(body, status_code=status, headers=headers)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", page_context(
        request, status=status, title=TITLES.get(status, "Error"), message=message),
        status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    details, parts = [], []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where = ".".join(loc[1:]) if len(loc) > 1 else ".".join(loc)
        kind = loc[0] if loc else "request"
        parts.append(f"{kind} parameter '{where}': {err.get('msg', 'invalid')}")
        details.append({"location": kind, "name": where, "message": err.get("msg", "invalid")})
    return "; ".join(parts) or "invalid request", details


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError):
        return error_response(request, status_for(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        message, details = _validation_message(exc)
        return error_response(request, 422, message, details=details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "error")
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        return error_response(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error_response(request, 500, f"internal error ({type(exc).__name__}); the server log has the "
                                            "details (set STORYLINE_DEBUG=1 to see them here)")


# --- templates ----------------------------------------------------------------------------

def page_context(request: Request, **values: Any) -> dict[str, Any]:
    """The variables every page template uses, plus the page's own."""
    state: WebState = request.app.state.web
    return {"version": __version__, "q": "", "allow_ingest": state.allow_ingest, **values}


def _docs_assets() -> Path | None:
    """Swagger UI files shipped by the fastapi-offline package (no CDN)."""
    try:
        path = Path(str(resources.files("fastapi_offline") / "static"))
    except ModuleNotFoundError:
        return None
    return path if (path / "swagger-ui-bundle.js").exists() else None


# --- the factory ----------------------------------------------------------------------------

def create_app(store_url: str, *, allow_ingest: bool = False, token: str | None = None,
               settings: Settings | None = None, max_upload_bytes: int = MAX_UPLOAD_BYTES) -> FastAPI:
    """Build the web app over the store at `store_url` (a SQLite path or postgresql:// URL).

    Args:
        store_url: where the store is; opened once here to fail early, then once per worker thread.
        allow_ingest: enable the write endpoints (upload, alias corrections); each needs `token`.
        token: the bearer token writes must carry; required when `allow_ingest`.
        settings: resolved settings for the lazy analysis (defaults when None).
        max_upload_bytes: larger request bodies get a 413 JSON error.

    Returns:
        A FastAPI app; serve it with uvicorn, or test it with `fastapi.testclient.TestClient`.

    Raises:
        StoreUnavailable: the store cannot be opened.
        ConfigError: `allow_ingest` without a token.
    """
    if allow_ingest and not token:
        raise ConfigError("--allow-ingest needs a token (--token or STORYLINE_TOKEN)")
    settings = settings or load_settings()
    open_store(store_url).close()  # fail now, with a clear message, rather than on the first request
    state = WebState(store_url, allow_ingest=allow_ingest, token=token, settings=settings,
                     max_upload_bytes=max_upload_bytes)
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        state.close()

    app = FastAPI(title="storyline", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  openapi_url="/openapi.json",
                  description="News story intelligence over HTTP: storylines, events, documents, entities, "
                              "quotes, figures and full-text search. Every list is paginated with "
                              "`limit`/`offset` and answers `{ok, items, total, limit, offset, next, prev}`; "
                              "every error answers `{ok: false, error, status}`. See docs/api.md.")
    app.state.web = state
    env = make_env()
    app.state.templates = Jinja2Templates(env=env)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    assets = _docs_assets()
    if assets is not None:
        app.mount("/docs-assets", StaticFiles(directory=str(assets)), name="docs-assets")

    from . import api, feeds, pages

    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(pages.router)

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(request: Request):
        if assets is None:
            raise HTTPException(501, "Swagger UI assets are missing (pip install fastapi-offline); "
                                     "the schema is at /openapi.json")
        return app.state.templates.TemplateResponse(request, "docs.html", page_context(request))

    return app
