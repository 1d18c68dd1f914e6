"""Issue 8 in a real browser: headless Chromium against a live `storyline serve` on the demo
corpus (plus a hostile document). Screenshots go to test-artifacts/ for people to look at."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from .conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.issue(8)]


def api(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.loads(response.read())


def csp_errors(page) -> list[str]:
    return [m for m in page.console_errors if "Content Security Policy" in m]


def open_storyline_with_citation(page, base: str):
    """Home → the first storyline whose briefing has a citation, the way a reader gets there."""
    page.goto(base + "/")
    links = page.locator(".story-title")
    assert links.count() > 0
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for number, href in enumerate(hrefs):
        if number == 0:
            links.first.click()
        else:
            page.goto(base + href)
        page.wait_for_selector("h1")
        if page.locator(".briefing a.cite").count():
            return href
    pytest.fail("no storyline on the home page has a cited briefing")


def test_browser_citation_highlights_the_source_sentence(web_page, live_server, artifacts):
    page = web_page
    open_storyline_with_citation(page, live_server)
    page.screenshot(path=str(artifacts / "storyline-desktop.png"), full_page=True)
    cite = page.locator(".briefing a.cite").first
    sentence = cite.locator("xpath=..").locator(".sentence").inner_text()
    cite.click()
    mark = page.locator("#source-panel mark")
    mark.wait_for()
    assert mark.inner_text().strip() == sentence.strip()
    assert page.locator(".briefing li.active .sentence").inner_text() == sentence
    assert cite.get_attribute("aria-current") == "true"
    page.screenshot(path=str(artifacts / "storyline-citation.png"))
    # The same citation without JavaScript: the document page with the sentence highlighted.
    page.locator("#source-panel a", has_text="Open the article").click()
    page.wait_for_selector("mark#hl")
    assert page.locator("mark.hl").all_inner_texts() and "".join(page.locator("mark.hl").all_inner_texts()).strip() == sentence.strip()
    assert page.evaluate("document.activeElement && document.activeElement.id") == "hl"
    assert csp_errors(page) == [] and page.dialogs == []


def test_browser_citations_work_from_the_keyboard(web_page, live_server):
    page = web_page
    open_storyline_with_citation(page, live_server)
    page.locator(".briefing a.cite").first.focus()
    page.keyboard.press("Enter")
    page.locator("#source-panel mark").wait_for()
    assert page.evaluate("document.activeElement.id") == "source-panel"


def test_browser_panel_slices_by_code_point_like_python(web_page, live_server):
    page = web_page
    doc = api(live_server, "/api/documents/unicode-1")["document"]
    start = doc["text"].index("“Ærø”")
    end = doc["text"].index(".", start) + 1
    open_storyline_with_citation(page, live_server)
    # A citation into a text with emoji before the span (JS strings count UTF-16 units).
    page.evaluate("""([start, end]) => {
        const a = document.createElement('a');
        a.className = 'cite'; a.textContent = '[x]'; a.id = 'probe';
        a.href = '/documents/unicode-1?hl=' + start + '-' + end + '#hl';
        a.dataset.doc = 'unicode-1'; a.dataset.start = start; a.dataset.end = end;
        document.querySelector('.briefing').appendChild(a);
    }""", [start, end])
    page.click("#probe")
    # Selectors, not wait_for_function: its in-page polling evaluates a string, which our CSP
    # (no 'unsafe-eval') blocks whenever the first check is not yet true.
    page.wait_for_selector("#source-panel .panel-doc strong:has-text('Ærø')")
    page.wait_for_selector("#source-panel mark")
    assert page.locator("#source-panel mark").inner_text() == doc["text"][start:end]


def test_browser_storyline_fits_a_phone(chromium_browser, live_server, artifacts):
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(live_server + "/")
        page.screenshot(path=str(artifacts / "home-phone.png"))
        href = page.locator(".story-title").first.get_attribute("href")
        page.goto(live_server + href)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(artifacts / "storyline-phone.png"), full_page=True)
        if page.locator(".briefing a.cite").count():
            page.locator(".briefing a.cite").first.tap()
            page.locator("#source-panel.open mark").wait_for()
            assert page.locator("#source-panel").is_visible()
            page.screenshot(path=str(artifacts / "storyline-phone-source.png"))
            page.keyboard.press("Escape")
            assert not page.locator("#source-panel").is_visible()
    finally:
        context.close()


def test_browser_search_finds_a_document(web_page, live_server, artifacts):
    page = web_page
    page.goto(live_server + "/")
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)
    page.fill("#top-q", "Halvik inquiry")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hits")
    assert page.locator(".hit").count() >= 1
    assert page.locator(".hit .snippet mark").count() >= 1
    page.screenshot(path=str(artifacts / "search.png"), full_page=True)
    title = page.locator(".hit-title").first.inner_text()
    page.locator(".hit-title").first.click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == title
    assert page.locator(".clean-text").inner_text().strip()


def test_browser_hostile_document_does_not_execute(web_page, live_server, artifacts):
    page = web_page
    doc = api(live_server, "/api/documents/hostile-1")["document"]
    urls = [f"/documents/hostile-1", f"/storylines/{doc['storyline']}", f"/events/{doc['event']}",
            "/search?q=Brenna+harbour+board", "/search?outlet=" + urllib.request.quote(doc["source"]), "/",
            f"/storylines/{doc['storyline']}/report"]
    for url in urls:
        page.goto(live_server + url)
        page.wait_for_load_state("load")
        if "/storylines/" in url and "report" not in url and page.locator(".briefing a.cite").count():
            page.locator(".briefing a.cite").first.click()  # the panel inserts the text too
            page.locator("#source-panel mark").wait_for()
        page.wait_for_timeout(150)
        assert page.evaluate("window.__xss === undefined"), url
        assert page.locator("img[src='x'], svg[onload], iframe, [onerror]").count() == 0, url
        assert page.locator("script:not([src])").count() == (1 if "report" in url else 0), url
        if url == "/documents/hostile-1":
            page.screenshot(path=str(artifacts / "hostile-document.png"), full_page=True)
            assert "<script>" in page.locator("h1").inner_text()  # shown as text
            assert page.locator("a[href^='javascript']").count() == 0
    assert page.dialogs == []


def test_browser_document_boilerplate_toggle(web_page, live_server, demo_db, artifacts):
    from storyline.stores.sqlite import SQLiteStore

    with SQLiteStore(demo_db) as store:
        doc_id = next(d.id for d in store.iter_documents() if any(r.reason != "headline" for r in d.removed))
    page = web_page
    page.goto(f"{live_server}/documents/{doc_id}")
    assert page.locator(".clean-text").is_visible() and not page.locator(".body-text").is_visible()
    page.locator("label.toggle").click()
    assert page.locator(".body-text").is_visible() and not page.locator(".clean-text").is_visible()
    removed = page.locator(".body-text del.removed")
    assert removed.count() >= 1 and removed.first.inner_text().strip()
    page.screenshot(path=str(artifacts / "document-boilerplate.png"), full_page=True)
    page.keyboard.press("Space")  # the toggle is a real checkbox: focusable and keyboard-operable
    assert page.locator(".clean-text").is_visible()


def test_browser_report_is_self_contained_and_cites_on_click(web_page, live_server, demo_db, artifacts, tmp_path):
    page = web_page
    sid = api(live_server, "/api/storylines?limit=1")["items"][0]["id"]
    out = tmp_path / "report.html"
    env_path = str(ROOT / "src")
    subprocess.run([sys.executable, "-m", "storyline", "report", "--db", str(demo_db), "-o", str(out)],
                   check=True, cwd=str(ROOT), env={**__import__("os").environ, "PYTHONPATH": env_path},
                   capture_output=True, timeout=300)
    page.goto(out.as_uri())
    assert all(u.startswith(("file:", "data:")) for u in page.requests), page.requests
    assert page.locator("svg.timeline-svg").count() >= 1 and page.locator("svg circle").count() >= 1
    assert page.locator("article.story").count() == api(live_server, "/api/storylines?limit=1")["total"]
    page.goto(f"{live_server}/storylines/{sid}/report")
    cite = page.locator(".briefing a.cite").first
    assert cite.get_attribute("title")  # hover shows the source sentence
    cite.click()
    popover = page.locator("#popover")
    popover.wait_for(state="visible")
    assert popover.locator("mark").inner_text().strip() == cite.get_attribute("title").strip()
    page.screenshot(path=str(artifacts / "report.png"), full_page=True)
    page.keyboard.press("Escape")
    assert not popover.is_visible()
    assert csp_errors(page) == [] and page.dialogs == []


def test_browser_api_docs_work_offline(web_page, live_server, artifacts):
    page = web_page
    page.goto(live_server + "/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "storyline" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() >= 10
    assert all(u.startswith((live_server, "data:")) for u in page.requests), page.requests
    page.screenshot(path=str(artifacts / "api-docs.png"))
