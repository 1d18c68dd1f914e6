"""Tests for the `briefing` stage and its optional LLM rewrite."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from storyline.errors import ConfigError, StageError
from storyline.evaluation.flags_articles import ARTICLES
from storyline.model import BriefingSentence, Document
from storyline.stages.briefing import _similarity, brief, verify_sentence
from storyline.stages.briefing.llm import rewrite, supported
from storyline.stages.briefing.reports import collapse_reports
from storyline.text import sentence_spans

ART = {a["id"]: a["text"] for a in ARTICLES}
# Two outlets on the same strike, in their own words, a day apart.
DAY1 = ART["a02"]
DAY2 = """Northway Air pilots will strike again next Wednesday after talks with the airline collapsed for a second time on Monday, the Pilots' Association said.

The first strike on Friday grounded 84 flights and stranded about 9,000 passengers across the north.

Union chairman Victor Ames said the airline had refused to discuss a cap on consecutive early starts. "We offered three compromises. Northway rejected all of them," Ames said.

Northway chief executive Laura Fennimore said the union's demands would force the airline to hire 40 more pilots it could not afford.

The transport ministry said it was ready to appoint a mediator if both sides agreed."""


def _doc(id, text, published=None, language="en", source=None):
    return Document(id=id, text=text, published=published, language=language, source=source)


def _by_id(docs):
    return {d.id: d for d in docs}


def test_briefing_sentences_are_verified_whole_sentences():
    docs = [_doc("d1", DAY1, "2024-05-03"), _doc("d2", DAY2, "2024-05-06"), _doc("x", ART["a07"], "2024-05-04")]
    out = brief(docs, sentences=6)
    assert 1 <= len(out) <= 6
    for s in out:
        text = _by_id(docs)[s.document].text
        assert text[s.start : s.end] == s.text
        assert verify_sentence(text, s)
        assert (s.start, s.end) in sentence_spans(text)  # never cut, never fused


def test_briefing_verify_rejects_cut_or_wrong_spans():
    text = ART["a01"]
    a, b = sentence_spans(text)[0]
    assert verify_sentence(text, BriefingSentence(text[a:b], "d", a, b))
    assert not verify_sentence(text, BriefingSentence(text[a : b - 5], "d", a, b - 5))  # cut
    assert not verify_sentence(text, BriefingSentence("something else", "d", a, b))
    assert not verify_sentence(text, BriefingSentence(text[a:b], "d", a, len(text) + 5))


def test_briefing_orders_by_publication_then_position():
    docs = [_doc("later", DAY2, "2024-05-06"), _doc("earlier", DAY1, "2024-05-03")]
    out = brief(docs, sentences=6)
    days = [_by_id(docs)[s.document].published for s in out]
    assert days == sorted(days)
    for doc_id in ("later", "earlier"):
        starts = [s.start for s in out if s.document == doc_id]
        assert starts == sorted(starts)


def test_briefing_removes_redundant_sentences():
    # Three outlets running the same wire text: each fact appears once.
    docs = [_doc(f"c{i}", DAY1, "2024-05-03") for i in range(3)] + [_doc("d2", DAY2, "2024-05-06")]
    out = brief(docs, sentences=7)
    texts = [s.text for s in out]
    assert len(texts) == len(set(texts))
    sim = _similarity(texts, "en")
    off_diagonal = sim[~__import__("numpy").eye(len(texts), dtype=bool)]
    assert off_diagonal.max() < 0.5


def test_briefing_prefers_the_clean_source_for_a_fact():
    clean = _doc("clean", DAY1, "2024-05-03")
    translated = _doc("translated", DAY1, "2024-05-03")
    translated.flag("machine_translated", 0.9, ["calque: \"x\""])
    spun = _doc("spun", DAY1, "2024-05-03")
    spun.flag("incoherent", 0.8, [])
    out = brief([translated, spun, clean], sentences=5)
    assert out and all(s.document == "clean" for s in out)


def test_briefing_prefers_the_original_over_its_copies():
    docs = [_doc("copy", DAY1, "2024-05-03"), _doc("orig", DAY1, "2024-05-03"), _doc("d2", DAY2, "2024-05-06")]
    reports = collapse_reports(docs)
    assert {r.original for r in reports} >= {"d2"}
    original = next(r.original for r in reports if r.copies)
    out = brief(docs, sentences=6, reports=reports)
    assert not any(s.document in next(r.copies for r in reports if r.copies) for s in out)
    assert any(s.document == original for s in out)


def test_briefing_skips_junk_sentences():
    junk = ("Northway Air pilots are seen at Hollin airport on Friday.   © Reuters\n\n"
            "READ ALSO  Airline shares fall as the strike grounds dozens of flights across the north\n\n"
            "Will the strike spread to other airlines in the country this summer?\n\n"
            "By Jane Reporter and John Writer, Hollin\n\n")
    doc = _doc("j", junk + DAY1, "2024-05-03")
    out = brief([doc], sentences=10)
    assert out
    for s in out:
        assert "©" not in s.text and "READ ALSO" not in s.text and not s.text.endswith("?")
        assert not s.text.startswith("By ") and not s.text.startswith("Northway Air pilots are seen")


def test_briefing_prefers_english_over_other_languages():
    fr = _doc("fr", "Les pilotes de Northway Air ont fait grève vendredi, et 84 vols ont été annulés selon la compagnie.", language="fr")
    out = brief([fr, _doc("en", DAY1)], sentences=5)
    assert out and all(s.document == "en" for s in out)
    out = brief([fr], sentences=5)  # no English document: use what there is
    assert [s.document for s in out] == ["fr"]


def test_briefing_length_is_configurable():
    docs = [_doc("d1", DAY1), _doc("d2", DAY2), _doc("d3", ART["a07"])]
    assert len(brief(docs, sentences=3)) == 3
    assert len(brief(docs, sentences=10)) <= 10
    assert brief(docs, sentences=0) == []


@pytest.mark.parametrize("text", ["", "   ", "?", "\u200b\U0001f600", "word " * 3000])
def test_briefing_odd_input_does_not_crash(text):
    out = brief([_doc("o", text)], sentences=5)
    for s in out:
        assert text[s.start : s.end] == s.text


# --- LLM rewrite --------------------------------------------------------------------


class _FakeChat(BaseHTTPRequestHandler):
    answer = ""
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": type(self).answer}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_llm():
    server = HTTPServer(("127.0.0.1", 0), _FakeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeChat.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", _FakeChat
    server.shutdown()
    server.server_close()


def test_briefing_rewrite_keeps_only_supported_sentences(fake_llm):
    url, handler = fake_llm
    extractive = brief([_doc("d1", DAY1)], sentences=4)
    first = extractive[0].text  # "Northway Air cancelled 84 flights on Friday as pilots walked out ..."
    assert "84 flights" in first
    handler.answer = "\n".join([
        "Northway Air cancelled 84 flights on Friday when its pilots walked out over rest periods. [1]",
        "Northway Air cancelled 120 flights and fired its pilots. [1]",  # invented number
        "The airline will be sold to a rival next month. [2]",  # unsupported
        "Pilots walked out on Friday.",  # no citation
        "Passengers were stranded. [9]",  # cites nothing that exists
    ])
    result = rewrite(extractive, url, model="test-model", api_key="k")
    assert [s.text for s in result.accepted] == [
        "Northway Air cancelled 84 flights on Friday when its pilots walked out over rest periods."]
    assert result.accepted[0].citations == [extractive[0]]
    assert len(result.rejected) == 4
    assert all(r.reason for r in result.rejected)
    request = handler.seen[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer k"
    assert request["body"]["model"] == "test-model" and "[1]" in request["body"]["messages"][1]["content"]


def test_briefing_rewrite_needs_an_endpoint():
    s = [BriefingSentence("A sentence here.", "d", 0, 16)]
    with pytest.raises(ConfigError):
        rewrite(s, "")
    with pytest.raises(ConfigError):
        rewrite(s, "file:///etc/passwd")


def test_briefing_rewrite_unreachable_endpoint_is_a_stage_error():
    s = [BriefingSentence("A sentence here.", "d", 0, 16)]
    with pytest.raises(StageError):
        rewrite(s, "http://127.0.0.1:9/v1", timeout=2)


def test_briefing_support_check():
    src = ["Velto will build a battery factory near Brennick, creating about 1,800 jobs by 2028."]
    assert supported("Velto is building a battery factory near Brennick with 1,800 jobs.", src)[0]
    assert not supported("Velto is building a battery factory near Brennick with 2,500 jobs.", src)[0]
    assert not supported("The mayor of Brennick resigned after a corruption scandal.", src)[0]
