"""Real-browser fixtures: Debian's Chromium driven by Playwright against a live `storyline serve`.

`playwright install` cannot download browsers here, so Chromium is launched by path.
scripts/install-system-deps.sh installs the `chromium` package when it is missing and
the test run is root; otherwise these tests skip with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from storyline.demo import CORPUS_DIR
from storyline.pipeline import analyze, ingest
from storyline.settings import load_settings
from storyline.stores.sqlite import SQLiteStore
from web_support import HOSTILE, RECORDS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium_browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")
    path = chromium_path()
    if path is None:
        pytest.skip("chromium not found: run scripts/install-system-deps.sh as root (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True,
                                             args=["--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def web_page(chromium_browser):
    """A fresh page at desktop size that records dialogs, console errors and requests."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs, page.console_errors, page.requests = [], [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: page.requests.append(r.url))
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo corpus plus our hostile and odd-unicode records, ingested and analysed."""
    root = tmp_path_factory.mktemp("browser")
    extra = root / "extra" / "extra.jsonl"
    extra.parent.mkdir()
    records = [HOSTILE] + [r for r in RECORDS if r["id"] == "unicode-1"]
    extra.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    path = root / "demo.db"
    settings = load_settings(environ={})
    with SQLiteStore(path) as store:
        report = ingest(store, [str(CORPUS_DIR), str(extra.parent)], settings)
        assert report.stored >= 40, report.as_dict()
        analyze(store, settings)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(demo_db, tmp_path_factory):
    """`storyline serve` in a subprocess on a free port; yields its base URL."""
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "storyline", "serve", "--db", str(demo_db), "--port", str(port),
                                 "--no-warm-up", "--log-level", "warning"], stdout=out, stderr=subprocess.STDOUT,
                                env=env, cwd=str(ROOT))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"storyline serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(base + "/api/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"storyline serve did not answer within 60 s:\n{log.read_text(errors='replace')}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
