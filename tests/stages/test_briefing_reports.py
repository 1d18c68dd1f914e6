"""Tests for independent-report collapsing (stages/reports.py)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from storyline.evaluation.flags import TEST_SPIN, spin
from storyline.evaluation.flags_articles import ARTICLES
from storyline.model import Document
from storyline.stages.briefing.reports import collapse_reports, coverage, link_copies

WIRE = next(a["text"] for a in ARTICLES if a["id"] == "a07")  # the Velto battery plant story

# The same event told by another outlet, in its own words: same names and numbers.
INDEPENDENT = """Brennick is to get a battery plant after Velto chose the town over sites in three other countries, the company confirmed on Wednesday.

The factory, which Velto values at about 2.1 billion dollars, is expected to employ up to 1,800 people when fully running in 2028.

Local union leader Petra Sandoval said the jobs were badly needed. "Half of the young people in my street have left to find work," she said.

Velto chief executive Marcus Hale told the Brennick Gazette that the town's rail connections had been decisive.

Residents living near the planned site said they were worried about lorry traffic on the narrow road through the village of Ostend Marsh.

The regional government said it would contribute 300 million dollars and widen that road.

Construction is expected to start early next year."""

# A French version of the wire story (our own translation).
FRENCH = """Le constructeur automobile Velto a annoncé mercredi qu'il construira une usine de batteries près de la ville de Brennick, créant environ 1 800 emplois d'ici 2028.

L'usine produira des cellules pour les fourgons électriques de l'entreprise et coûtera environ 2,1 milliards de dollars, a précisé Velto dans un communiqué. Les travaux doivent commencer au premier trimestre de l'année prochaine.

Le directeur général Marcus Hale a indiqué que l'entreprise avait étudié des sites dans quatre pays avant de choisir Brennick, qui accueille déjà l'une de ses chaînes de montage.

« Nous avons ici une main-d'œuvre qualifiée, de bonnes liaisons ferroviaires et un gouvernement régional qui a répondu à nos questions en quelques semaines, pas en quelques mois », a déclaré Hale lors d'un événement à l'usine existante.

Le gouvernement régional a accepté de verser 300 millions de dollars de subventions et de moderniser la route entre le site et l'autoroute.

La ministre de l'Économie Clara Duval a déclaré que cet investissement était le plus important de la région depuis les années 1990. « C'est un vote de confiance envers nos travailleurs et envers notre plan pour une industrie propre », a-t-elle déclaré.

Les groupes écologistes ont indiqué qu'ils étudieraient les projets de consommation d'eau, la production de batteries nécessitant de grandes quantités d'eau pour le refroidissement et le nettoyage.

L'action de Velto a gagné 3 % dans les échanges de l'après-midi."""


def _doc(id, text, source=None, published=None, language="en"):
    return Document(id=id, text=text, source=source, published=published, language=language)


def _wire_copies():
    paras = WIRE.split("\n\n")
    return [
        _doc("wire", WIRE, "Wire Agency", "2024-03-06T09:00:00"),
        _doc("copy1", WIRE, "Daily One", "2024-03-06T10:00:00"),
        _doc("copy2", "\n\n".join(paras[:-1]), "Evening Two", "2024-03-06T11:30:00"),  # trimmed
        _doc("copy3", WIRE.replace("announced on Wednesday", "said on Wednesday"), "Three Times", "2024-03-06T12:00:00"),
    ]


def test_reports_collapse_wire_copies_into_one_report():
    docs = _wire_copies()
    reports = collapse_reports(docs)
    assert len(reports) == 1
    assert reports[0].original == "wire"
    assert sorted(reports[0].copies) == ["copy1", "copy2", "copy3"]
    summary = coverage(docs, reports)
    assert summary["outlets"] == 4 and summary["independent_reports"] == 1


def test_reports_keep_independent_reports_apart():
    docs = [_doc("wire", WIRE, "Wire Agency"), _doc("other", INDEPENDENT, "Gazette")]
    assert len(collapse_reports(docs)) == 2
    assert link_copies(docs) == []


def test_reports_translation_collapses_onto_its_original():
    docs = [_doc("fr", FRENCH, "Le Quotidien", "2024-03-06T08:00:00", "fr"),
            _doc("en", WIRE, "Wire Agency", "2024-03-06T09:00:00"),
            _doc("other", INDEPENDENT, "Gazette", "2024-03-06T09:30:00")]
    reports = collapse_reports(docs)
    assert [(r.original, r.copies) for r in reports] == [("fr", ["en"]), ("other", [])]
    assert [link.relation for link in link_copies(docs)] == ["translation"]


def test_reports_spun_rewrite_collapses_onto_its_original():
    spun = spin(WIRE, TEST_SPIN, random.Random(3))
    assert spun != WIRE
    docs = [_doc("orig", WIRE, "A", "2024-03-06"), _doc("spun", spun, "B", "2024-03-07")]
    reports = collapse_reports(docs)
    assert [(r.original, r.copies) for r in reports] == [("orig", ["spun"])]


def test_reports_original_is_earliest_then_longest():
    paras = WIRE.split("\n\n")
    short = "\n\n".join(paras[:-2])
    docs = [_doc("late_full", WIRE, "A", "2024-03-07"), _doc("early_short", short, "B", "2024-03-06")]
    assert collapse_reports(docs)[0].original == "early_short"
    docs = [_doc("short", short, "A"), _doc("full", WIRE, "B")]
    assert collapse_reports(docs)[0].original == "full"


def test_reports_honour_dedup_links():
    a = _doc("a", "Short text one.")
    b = _doc("b", "Entirely different words here.")
    b.duplicate_of = "a"
    reports = collapse_reports([a, b])
    assert len(reports) == 1 and {reports[0].original, *reports[0].copies} == {"a", "b"}
    c = _doc("c", "Short text two.")
    c.duplicate_of = "a"  # same length: the unlinked document is the original
    assert [(r.original, r.copies) for r in collapse_reports([c, a])] == [("a", ["c"])]


def test_reports_outlets_fall_back_to_documents():
    docs = [_doc("x", WIRE), _doc("y", INDEPENDENT), _doc("z", WIRE, "Daily One")]
    assert coverage(docs)["outlets"] == 3


def test_reports_empty_and_odd_input():
    assert collapse_reports([]) == []
    docs = [_doc("e", ""), _doc("u", "\u200b\U0001f600 ?"), _doc("n", "1 2 3 4 5 6 7 8 9")]
    assert len(collapse_reports(docs)) == 3


def _shared() -> Path:
    return Path(os.environ.get("STORYLINE_SHARED", Path(__file__).resolve().parents[2] / ".." / "shared"))


def test_reports_seed_2020_reports_are_independent():
    """Judgement (docs/flags.md): 000 and 001 share a background block in the same
    order (a common wire source) but have different ledes and news; 002 patches
    several sources; 004 is an original. None is mostly a copy of another."""
    seeds = _shared() / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"../shared not found: {seeds}")
    docs = []
    for prefix in ("000", "001", "002", "004"):
        path = next(seeds.glob(f"{prefix}_*.txt"), None)
        if path is None:
            pytest.skip(f"seed {prefix} missing")
        docs.append(_doc(prefix, path.read_text(encoding="utf-8")))
    assert len(collapse_reports(docs)) == 4
