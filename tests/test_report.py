"""The self-contained HTML report (`storyline report`, `storyline brief --format html`)."""

from __future__ import annotations

import base64
import hashlib
import html
import re

from markupsafe import escape

from storyline.cli import cli
from storyline.report import render_report, render_report_document
from storyline.settings import load_settings
from storyline import views
from storyline.stores.sqlite import SQLiteStore
from web_support import web_db  # noqa: F401  (fixture)


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _storyline_with_briefing(store) -> str:
    for s in views.storylines(store):
        if (store.get_record("briefing", s["id"]) or {}).get("sentences"):
            return s["id"]
    raise AssertionError("no storyline has a briefing")


def test_report_is_self_contained_with_a_chart_and_working_citations(web_db):
    with SQLiteStore(web_db) as store:
        sid = _storyline_with_briefing(store)
        report = render_report_document(store, [sid], load_settings(environ={}))
        page = report.html
        # No external assets: nothing loaded by src/href other than in-page anchors.
        assert not re.search(r'<(link|img|iframe|object|embed)\b', page)
        assert not re.search(r'<script[^>]+src=', page)
        assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', page))
        assert "<svg" in page and "<circle" in page
        # The inline style and script are allowed by hash, nothing else.
        style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
        script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
        assert f"'{_hash(style)}'" in report.csp and f"'{_hash(script)}'" in report.csp
        assert html.escape(report.csp) in page or report.csp.replace("'", "&#39;") in page
        # Every citation points at a numbered source whose mark is exactly the cited text.
        sources = dict(re.findall(r'<li id="(src-\d+)" class="source"[^>]*>\s*<p class="source-text">.*?<mark>(.*?)</mark>',
                                  page, re.S))
        cites = re.findall(r'<a class="cite" href="#(src-\d+)" data-doc="([^"]+)" data-start="(\d+)" data-end="(\d+)"', page)
        assert cites and {c[0] for c in cites} == set(sources)
        for anchor, doc_id, start, end in cites:
            text = store.get_document(html.unescape(doc_id)).text
            assert html.unescape(sources[anchor]) == text[int(start):int(end)]


def test_report_covers_every_storyline_without_an_argument(web_db, runner, tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(cli, ["report", "--db", str(web_db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    with SQLiteStore(web_db) as store:
        stories = views.storylines(store)
    assert len(stories) > 1
    for s in stories:
        assert str(escape(s["title"])) in page
    assert page.count('class="story"') == len(stories)
    assert 'class="toc"' in page


def test_report_escapes_hostile_text(web_db):
    with SQLiteStore(web_db) as store:
        sid = store.get_document("hostile-1").storyline
        page = render_report(store, [sid])
    for needle in ("<script>window", "<img src=x", "<svg onload", "<iframe", 'href="javascript:'):
        assert needle not in page


def test_report_cli_errors_are_one_line(web_db, runner, tmp_path):
    result = runner.invoke(cli, ["report", "sl-missing", "--db", str(web_db)])
    assert result.exit_code == 1 and "no storyline 'sl-missing'" in result.stderr
    result = runner.invoke(cli, ["report", "--db", str(web_db), "-o", str(tmp_path / "no" / "dir" / "r.html")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_report_is_what_brief_html_prints(web_db, runner):
    with SQLiteStore(web_db) as store:
        sid = _storyline_with_briefing(store)
    result = runner.invoke(cli, ["brief", sid, "--db", str(web_db), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert 'class="report"' in result.stdout and "Content-Security-Policy" in result.stdout
    assert '<a class="cite" href="#src-1"' in result.stdout
