"""Security: ids cannot become paths, outputs go exactly where asked, nothing is fetched
from where it must not be, and the API's write endpoints need the token."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import threading

import pytest

from conftest import write
from harness import TRACEBACK, run_cli
from storyline.errors import InputError, NotFound
from storyline.pipeline import ingest
from storyline.fetch import check_url
from storyline.stores.sqlite import SQLiteStore

BODY = ("The harbour board of Ellisport voted on Monday to dredge the northern channel, ending a dispute "
        "that had kept large ships away for a month. Work starts in June, officials said.")
HOSTILE_IDS = ["../../etc/passwd", "..", ".", "/etc/shadow", "C:\\Windows\\system32", "a\x00b", "x" * 5000,
               "~root/.ssh/id_rsa", "%2e%2e%2f%2e%2e%2f", "\u202egpj.exe", "con", "a/../../b", "", "   "]


def _tree(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_security_hostile_ids_are_stored_as_harmless_names(tmp_path, settings):
    lines = [json.dumps({"id": doc_id, "text": f"{BODY} Number {i}."}) for i, doc_id in enumerate(HOSTILE_IDS)]
    inputs = tmp_path / "in"
    write(inputs, "ids.jsonl", "\n".join(lines) + "\n")
    before = _tree(tmp_path)
    with SQLiteStore(tmp_path / "store.db") as store:
        report = ingest(store, [inputs], settings, engine="serial")
        ids = store.document_ids()
    assert report.stored + report.versions == len(HOSTILE_IDS) and not report.rejected
    for doc_id in ids:
        assert doc_id and set(doc_id) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        assert doc_id.strip(".") and len(doc_id) <= 120
    assert "con" in ids and "__" in ids  # plain ids kept; '..' is not a path any more
    # Nothing was written anywhere but the store's own files.
    after = [p for p in _tree(tmp_path) if not p.startswith("store.db")]
    assert after == before


@pytest.mark.parametrize("doc_id", ["../../etc/passwd", "/etc/passwd", "..", "a\x00b"])
def test_security_lookup_by_hostile_id_is_not_found(tmp_path, doc_id):
    with SQLiteStore(tmp_path / "s.db") as store:
        with pytest.raises(NotFound):
            store.get_document(doc_id)


@pytest.mark.slow
def test_security_export_and_brief_write_exactly_where_asked(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus, "dock.txt", "Dredging starts in Ellisport\n\n" + BODY)
    db = tmp_path / "s.db"
    assert run_cli("ingest", corpus, "--db", db).returncode == 0
    target = tmp_path / "out dir" / "export file.json"
    target.parent.mkdir()
    result = run_cli("export", "--db", db, "-o", target)
    assert result.returncode == 0, result.stderr
    assert json.loads(target.read_text())["documents"][0]["id"] == "dock"
    assert sorted(os.listdir(target.parent)) == ["export file.json"]  # no temp file left, no id-named file
    # A folder that does not exist: one clear error, no traceback, nothing written.
    missing = tmp_path / "nope" / "x.json"
    result = run_cli("export", "--db", db, "-o", missing)
    assert result.returncode == 1 and "cannot write" in result.stderr and not TRACEBACK.search(result.stderr)
    assert not missing.parent.exists()


@pytest.mark.slow
def test_security_ingest_never_fetches_listed_urls(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    hits = []

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                hits.append(conn)
                conn.close()
            except OSError:
                pass

    stop = threading.Event()
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    write(tmp_path, "in/links.urls", f"http://127.0.0.1:{port}/admin\nfile:///etc/passwd\n")
    write(tmp_path, "in/links.txt", f"http://127.0.0.1:{port}/a\nhttp://localhost:{port}/b\n")
    try:
        result = run_cli("ingest", tmp_path / "in", "--db", tmp_path / "s.db")
    finally:
        stop.set()
        thread.join()
        server.close()
    assert result.returncode == 1 and result.stderr.count("not fetched") == 4
    assert hits == []


def _resolver(*addresses):
    """A getaddrinfo stand-in: IP literals resolve to themselves, names to `addresses`."""
    def resolve(host, port, **kw):
        try:
            answers = [str(ipaddress.ip_address(host))]
        except ValueError:
            answers = list(addresses)
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in answers]
    return resolve


PUBLIC = "93.184.216.34"


@pytest.mark.parametrize("url, why", [
    ("file:///etc/passwd", "only http and https"),
    ("ftp://example.org/x", "only http and https"),
    ("gopher://example.org/", "only http and https"),
    ("javascript:alert(1)", "only http and https"),
    ("data:text/html,<script>", "only http and https"),
    ("//example.org/no-scheme", "scheme-less"),
    ("http://127.0.0.1/admin", "non-public address"),
    ("http://[::1]:8080/", "non-public address"),
    ("http://[::ffff:127.0.0.1]/", "non-public address"),
    ("http://10.1.2.3/", "non-public address"),
    ("http://192.168.0.1/", "non-public address"),
    ("http://169.254.169.254/latest/meta-data/", "non-public address"),  # cloud metadata
    ("http://0.0.0.0/", "non-public address"),
    ("http://224.0.0.1/", "non-public address"),
    ("http://[fd00::1]/", "non-public address"),
    ("http:///no-host", "no host"),
    ("http://example.org:99999/", "malformed URL"),
])
def test_security_fetch_guard_refuses(url, why):
    with pytest.raises(InputError, match=why):
        check_url(url, resolve=_resolver(PUBLIC))


@pytest.mark.parametrize("answer", ["127.0.0.1", "10.0.0.5", "::1", "169.254.169.254"])
def test_security_fetch_guard_checks_what_a_name_resolves_to(answer):
    # 'localhost', '2130706433', '0x7f000001' or an attacker's DNS name pointing inwards.
    with pytest.raises(InputError, match="non-public address"):
        check_url("http://innocent.example/", resolve=_resolver(PUBLIC, answer))


def test_security_fetch_guard_allows_public_and_opted_in_private():
    check_url("https://news.example/a", resolve=_resolver(PUBLIC))
    check_url("http://127.0.0.1:8000/", allow_private=True, resolve=_resolver())
    with pytest.raises(InputError, match="no address|cannot resolve"):
        check_url("http://no-such-host.invalid/", resolve=_resolver())


def _write_routes(app) -> set[tuple[str, str]]:
    """(path, method) of every write endpoint: from the schema and from the routes
    (HTML form handlers are left out of the schema)."""
    out = {(path, method.upper()) for path, methods in app.openapi()["paths"].items()
           for method in methods if method in ("post", "put", "patch", "delete")}

    def walk(routes):
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(inner.routes)
            for method in getattr(route, "methods", None) or ():
                if method in {"POST", "PUT", "PATCH", "DELETE"}:
                    out.add((route.path, method))

    walk(app.routes)
    return out


TOKEN = "s3cret-token"


def _request(path: str, token: str | None) -> dict:
    """A valid request body for each known write endpoint, carrying `token` where it belongs."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if path == "/api/documents":
        return {"headers": {**headers, "Content-Type": "application/x-ndjson"},
                "content": json.dumps({"id": "web-1", "text": BODY}).encode()}
    if path.startswith("/api/"):
        return {"headers": headers, "json": {"action": "merge", "variant": "Ellisport Harbour Board"}}
    # HTML forms carry the token as a field.
    return {"data": {"action": "merge", "variant": "Ellisport Harbour Board", "token": token or ""}}


@pytest.mark.parametrize("allow_ingest", [False, True])
def test_security_api_write_endpoints_require_the_token(tmp_path, allow_ingest):
    web = pytest.importorskip("storyline.web.app", reason="storyline.web is not merged yet")
    from fastapi.testclient import TestClient

    db = tmp_path / "s.db"
    SQLiteStore(db).close()
    app = web.create_app(str(db), allow_ingest=allow_ingest, token=TOKEN if allow_ingest else None)
    writes = _write_routes(app)
    assert ("/api/documents", "POST") in writes
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    for path, method in sorted(writes):
        url = path.replace("{entity_id}", "en-missing").replace("{", "").replace("}", "")
        for token in (None, "wrong-token", TOKEN.upper()):
            response = client.request(method, url, **_request(path, token))
            assert response.status_code in (401, 403), f"{method} {path} with token {token!r}: {response.status_code}"
        if allow_ingest:  # the right token gets past the check (the entity may still be missing)
            response = client.request(method, url, **_request(path, TOKEN))
            assert response.status_code not in (401, 403), f"{method} {path}: {response.status_code}"
    with SQLiteStore(db) as store:
        assert store.document_ids() == (["web-1"] if allow_ingest else [])
