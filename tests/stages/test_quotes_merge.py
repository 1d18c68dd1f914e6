"""Cross-document quote merging, and the seeds end to end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storyline.model import EntityMention, QuoteMention
from storyline.stages.quotes import extract_quotes, merge_quotes

ENGLISH = (
    "“We will provide safe refuge and asylum to every family fleeing the war in the north,”"
    " Health Minister Dana Reyes said on Monday."
)


def mention(text: str, quoted: str, speaker: str | None, direct: bool = True) -> QuoteMention:
    start = text.index(quoted)
    return QuoteMention(start, start + len(quoted), quoted, speaker=speaker, direct=direct)


def corpus(**docs: tuple[str, str, str | None, bool]):
    texts, mentions = {}, {}
    for doc, (text, quoted, speaker, direct) in docs.items():
        texts[doc] = text
        mentions[doc] = [mention(text, quoted, speaker, direct)]
    return texts, mentions


def by_doc(quote) -> dict[str, bool]:
    return {m["document"]: m["verbatim"] for m in quote.mentions}


QUOTE = ENGLISH[: ENGLISH.index("”") + 1]


def test_quotes_merge_verbatim_copy_and_partial_quote():
    partial = "Reyes promised “safe refuge and asylum to every family fleeing the war” as fighting went on."
    texts, mentions = corpus(
        a=(ENGLISH, QUOTE, "Dana Reyes", True),
        b=("Wire copy. " + ENGLISH, QUOTE, "Dana Reyes", True),
        c=(partial, "“safe refuge and asylum to every family fleeing the war”", "Reyes", True),
    )
    (quote,) = merge_quotes(mentions, texts)
    assert by_doc(quote) == {"a": True, "b": True, "c": True}
    assert quote.speaker == "Dana Reyes"
    assert all(m.quote == quote.id for ms in mentions.values() for m in ms)


def test_quotes_merge_paraphrase_is_not_verbatim():
    para = (
        "Dana Reyes said her government would give refuge and asylum to families fleeing "
        "the war in the north."
    )
    texts, mentions = corpus(
        a=(ENGLISH, QUOTE, "Dana Reyes", True),
        p=(para, para[para.index("her") : -1], "Dana Reyes", False),
    )
    (quote,) = merge_quotes(mentions, texts)
    assert by_doc(quote) == {"a": True, "p": False}


def test_quotes_merge_french_translation():
    french = (
        "« Nous offrirons refuge et asile à chaque famille qui fuit la guerre dans le nord », "
        "a déclaré lundi la ministre de la Santé, Dana Reyes."
    )
    texts, mentions = corpus(
        a=(ENGLISH, QUOTE, "Dana Reyes", True),
        f=(french, french[: french.index("»") + 1], "Dana Reyes", True),
    )
    (quote,) = merge_quotes(mentions, texts)
    assert by_doc(quote) == {"a": True, "f": False}


def test_quotes_merge_keeps_different_statements_apart():
    other = "“Taxes on fuel will not rise before the elections,” Dana Reyes said."
    texts, mentions = corpus(
        a=(ENGLISH, QUOTE, "Dana Reyes", True),
        o=(other, other[: other.index("”") + 1], "Dana Reyes", True),
    )
    assert len(merge_quotes(mentions, texts)) == 2


def test_quotes_merge_ids_do_not_depend_on_input_order():
    texts, mentions = corpus(
        a=(ENGLISH, QUOTE, "Dana Reyes", True),
        b=("Wire copy. " + ENGLISH, QUOTE, "Dana Reyes", True),
    )
    first = merge_quotes(mentions, texts)
    texts2, mentions2 = corpus(
        b=("Wire copy. " + ENGLISH, QUOTE, "Dana Reyes", True),
        a=(ENGLISH, QUOTE, "Dana Reyes", True),
    )
    second = merge_quotes(dict(reversed(list(mentions2.items()))), texts2)
    assert [q.id for q in first] == [q.id for q in second]
    assert first[0].id.startswith("q-")


def test_quotes_merge_uses_canonical_speaker_names():
    texts, mentions = corpus(
        a=(ENGLISH, QUOTE, "Dana Reyes", True),
        b=("Copy. " + ENGLISH, QUOTE, "Minister Reyes", True),
    )
    (quote,) = merge_quotes(mentions, texts, canonical=lambda name: "Dana Reyes")
    assert quote.speaker == "Dana Reyes"


def test_quotes_merge_empty():
    assert merge_quotes({}, {}) == []


# --- the seeds -------------------------------------------------------------------


def _shared() -> Path:
    env = os.environ.get("STORYLINE_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / ".." / "shared"


@pytest.fixture(scope="module")
def seeds():
    folder = _shared() / "seeds"
    if not folder.is_dir():
        pytest.skip(f"../shared not found: {folder}")
    from storyline import nlp

    pipe = nlp.load("en", ("tok2vec", "ner"))
    texts, mentions = {}, {}
    for path in sorted(folder.glob("*.txt")):
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        ents = [EntityMention(e.start_char, e.end_char, e.text, e.label_) for e in pipe(text).ents]
        texts[path.stem[:3]] = text
        mentions[path.stem[:3]] = extract_quotes(text, ents, "en")
    return texts, mentions


def test_quotes_seeds_asylum_statement_merges_across_three_outlets(seeds):
    texts, mentions = seeds
    merge_quotes(mentions, texts)

    def asylum(doc):
        return {m.quote for m in mentions[doc] if "asylum" in m.text and m.direct}

    ids = asylum("000") & asylum("001") & asylum("004")
    assert len(ids) == 1
    assert all(m.speaker and m.speaker.endswith("Pompeo") for d in ("000", "001", "004")
               for m in mentions[d] if m.quote in ids and m.direct)


def test_quotes_seeds_foreign_minister_quote_has_the_right_speaker(seeds):
    texts, mentions = seeds
    text = texts["004"]
    role = text.index("foreign minister")
    # The person named right before the role, in the same sentence.
    (q,) = [m for m in mentions["004"] if m.direct and 0 < m.start - role < 80]
    assert q.speaker is not None and q.speaker in text[text.rfind("\n", 0, role) : role]


def test_quotes_seeds_he_said_after_a_paragraph_about_someone_else(seeds):
    texts, mentions = seeds
    text = texts["004"]
    (q,) = [m for m in mentions["004"] if "fanning" in m.text]
    assert text[q.speaker_start : q.speaker_end] == "he"
    # The president named in the paragraph before, not the secretary quoted earlier.
    before = text[text.rfind("\n\n", 0, q.start - 2) : q.start]
    assert q.speaker and q.speaker in before and "Pompeo" not in q.speaker


def test_quotes_seeds_spans_are_faithful(seeds):
    texts, mentions = seeds
    for doc, found in mentions.items():
        for m in found:
            assert texts[doc][m.start : m.end] == m.text
