"""Shared fixtures for the web, report and browser tests: a small hand-written corpus
(plus a hostile document) ingested and analysed once per session.

Import the fixtures into a test module with `from web_support import web_db  # noqa: F401`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import write
from storyline.pipeline import analyze, ingest
from storyline.settings import load_settings
from storyline.stores.sqlite import SQLiteStore

TOKEN = "test-token-1234567890"

# Invented articles (not from ../shared): two reports of one harbour stoppage, a follow-up,
# a French report, an unrelated council vote, and odd unicode.
TEXTS = {
    "harbour-a.txt": (
        "Crane operators halt work at Port Brenna\n\n"
        "PORT BRENNA — Crane operators at the Port Brenna container terminal stopped work on Monday over "
        "night-shift pay, the terminal operator said.\n\n"
        "\"We will not load a single ship until the rota is fixed,\" union steward Ilse Marrin said.\n\n"
        "Read also: Ferry timetable changes this winter\n\n"
        "About 300 operators joined the stoppage, according to the union. The operator, Brenna Terminals, "
        "said 250 workers had stopped."),
    "tram-vote.txt": (
        "Lindqvist council approves tram extension\n\n"
        "The Lindqvist city council voted on Tuesday to extend the tram line to the university campus. "
        "The extension will cost 240 million euros, mayor Oskar Lind said.\n\n"
        "\"This line has been promised for twenty years,\" Lind told reporters after the vote."),
}
RECORDS = [
    {"id": "harbour-b", "title": "Port Brenna cranes idle as pay dispute escalates", "source": "Coastal Courier",
     "published": "2024-03-05", "url": "https://courier.example/2024/03/05/brenna-cranes",
     "text": "Cranes at Port Brenna stood idle on Monday after operators walked out over night-shift pay. "
             "Union steward Ilse Marrin said the operators would not load a single ship until the rota was "
             "fixed.\n\nBrenna Terminals said about 250 of its workers had joined the stoppage."},
    {"id": "harbour-c", "title": "Port Brenna crane stoppage ends with new rota", "source": "Harbour Times",
     "published": "2024-03-12", "url": "https://harbourtimes.example/brenna-deal",
     "text": "The crane stoppage at Port Brenna ended on Monday after Brenna Terminals agreed a new night-shift "
             "rota with the union.\n\n\"It took a week, but the rota is fixed,\" Ilse Marrin said. Ships "
             "queued outside the harbour began to berth on Tuesday."},
    {"id": "harbour-fr", "title": "Port Brenna : les grutiers cessent le travail", "source": "Le Quai",
     "published": "2024-03-05", "url": "https://lequai.example/brenna",
     "text": "Les grutiers du terminal à conteneurs de Port Brenna ont cessé le travail lundi pour protester "
             "contre la rémunération des équipes de nuit. Selon le syndicat, environ 300 grutiers ont rejoint "
             "le mouvement, tandis que l'opérateur Brenna Terminals parle de 250 salariés."},
    {"id": "unicode-1", "title": "Émoji 🚢 et accents: the ferry “Ærø” sails again", "source": "Coastal Courier",
     "published": "2024-03-20",
     "text": "The ferry 🚢 “Ærø” returned to service on Wednesday after a refit, the operator said. "
             "Passengers 👍 welcomed the return of the Ærø crossing, which had been suspended for a month."},
]
# Hostile metadata and text: none of it may run in a browser (issue 8, security).
HOSTILE = {
    "id": "hostile-1",
    "title": "\"><svg onload=\"window.__xss=1;alert('title')\"> Brenna <script>window.__xss=2;alert('t2')</script> vote",
    "source": "<img src=x onerror=\"window.__xss=3;alert('outlet')\">Evil Outlet",
    "author": "<script>window.__xss=4;alert('author')</script>",
    "url": "javascript:window.__xss=5;alert('url')",
    "published": "2024-03-06",
    "text": "<script>window.__xss=6;alert('body')</script> The Brenna harbour board met on Tuesday. "
            "<img src=x onerror=\"window.__xss=7;alert('img')\"> Its chair said \"we will publish every "
            "figure we have, whatever it costs\" after the vote.\n\nA second paragraph mentions the "
            "<a href=\"javascript:alert('link')\">harbour levy</a> and <iframe src=\"javascript:alert(8)\"></iframe>.",
}


def write_corpus(folder: Path, *, with_hostile: bool = True) -> Path:
    for name, text in TEXTS.items():
        write(folder, name, text)
    records = RECORDS + ([HOSTILE] if with_hostile else [])
    write(folder, "wire.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return folder


def build_db(path: Path, corpus: Path) -> Path:
    settings = load_settings(environ={})
    with SQLiteStore(path) as store:
        report = ingest(store, [str(corpus)], settings, engine="serial")
        assert report.stored >= len(TEXTS) + len(RECORDS), report.as_dict()
        analyze(store, settings, engine="serial")
    return path


@pytest.fixture(scope="session")
def web_db(tmp_path_factory) -> Path:
    """A store with the small corpus, analysed; treat it as read-only (copy it to write)."""
    root = tmp_path_factory.mktemp("web")
    return build_db(root / "web.db", write_corpus(root / "corpus"))


@pytest.fixture
def writable_db(web_db, tmp_path) -> Path:
    """A private copy of `web_db` for tests that write."""
    target = tmp_path / "copy.db"
    shutil.copy(web_db, target)
    return target
