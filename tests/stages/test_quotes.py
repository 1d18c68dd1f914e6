"""Per-document quote extraction: marks, cues, speakers, languages."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.model import Document, EntityMention
from storyline.stages.quotes import extract_quotes, quotes, tagger
from storyline.stages.quotes.marks import find_segments


def ents(text: str, *names: str, label: str = "PERSON") -> list[EntityMention]:
    """PERSON mentions for every occurrence of each name, as NER would give them."""
    out: list[EntityMention] = []
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            if not any(e.start < m.end() and m.start() < e.end for e in out):
                out.append(EntityMention(m.start(), m.end(), name, label))
    return sorted(out, key=lambda e: e.start)


def speaker_text(text, q):
    return None if q.speaker_start is None else text[q.speaker_start : q.speaker_end]


@pytest.fixture(params=["tagger", "rules"])
def english(request, monkeypatch):
    """Run English through the trained tagger and through the rules alone."""
    if request.param == "tagger" and not tagger.available():
        pytest.skip("English attribution model not installed")
    if request.param == "rules":
        monkeypatch.setattr(tagger, "available", lambda: False)
    return request.param


# --- quotation marks -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, quoted",
    [
        ('He said "hello there," and left.', ['"hello there,"']),
        ("“We will win,” she said.", ["“We will win,”"]),
        ("«Nous gagnerons», a-t-elle dit.", ["«Nous gagnerons»"]),
        ("« Nous gagnerons » , dit-elle.", ["« Nous gagnerons »"]),
        ("''It's risky,'' Mr. Prince said.", ["''It's risky,''"]),
        ("‘We will not back down,’ Smith said.", ["‘We will not back down,’"]),
        ("The Smiths’ house and ‘a disaster’ there.", ["‘a disaster’"]),
        ("„Wir schaffen das“, sagte sie.", ["„Wir schaffen das“"]),
        # Machine translation flips the closing mark.
        ("“We ask for asylum, “said Pompeo.", ["“We ask for asylum, “"]),
    ],
)
def test_quotes_marks_pair_every_style(text, quoted):
    assert [text[s.start : s.end] for s in find_segments(text)] == quoted


def test_quotes_marks_multi_paragraph_quote_is_one_segment():
    text = "“First part of it.\n\n“Second part of it.”\n\nNarration."
    segs = find_segments(text)
    assert [(text[s.start : s.end]) for s in segs] == ["“First part of it.\n\n“Second part of it.”"]


def test_quotes_marks_unclosed_quote_stops_at_paragraph_end():
    text = "“Never closed here.\n\nA new paragraph without marks."
    (seg,) = find_segments(text)
    assert text[seg.start : seg.end] == "“Never closed here." and not seg.closed


# --- English -------------------------------------------------------------------


def test_quotes_direct_quote_with_named_speaker(english):
    text = "The council met on Monday.\n\n“We will rebuild the bridge,” Maria Lopez said."
    (q,) = [q for q in extract_quotes(text, ents(text, "Maria Lopez")) if q.direct]
    assert q.text == "“We will rebuild the bridge,”"
    assert speaker_text(text, q) == "Maria Lopez" and q.speaker == "Maria Lopez"


def test_quotes_interrupted_quote_is_one_mention(english):
    text = (
        "Tom Hale spoke after the vote.\n\n"
        '"We lost this round," Hale said, "but the campaign is far from over."'
    )
    found = [q for q in extract_quotes(text, ents(text, "Tom Hale", "Hale")) if q.direct]
    assert len(found) == 1
    q = found[0]
    assert q.text.startswith('"We lost') and q.text.endswith('over."')
    assert q.speaker == "Tom Hale"


def test_quotes_short_name_resolves_to_full_name(english):
    text = "Senator Maria Lopez visited the plant.\n\n“The jobs are staying here,” Lopez said."
    (q,) = [q for q in extract_quotes(text, ents(text, "Maria Lopez", "Lopez")) if q.direct]
    assert speaker_text(text, q) == "Lopez" and q.speaker == "Maria Lopez"


def test_quotes_he_said_goes_to_the_subject_not_the_nearest_name(english):
    text = (
        "Mayor John Carter opened the new station on Friday.\n\n"
        "Carter met with union chief Paul Dunn and thanked him for the deal.\n\n"
        "“We built this together, and it will serve the city for decades,” he said."
    )
    entities = ents(text, "John Carter", "Carter", "Paul Dunn")
    (q,) = [q for q in extract_quotes(text, entities) if q.direct]
    assert speaker_text(text, q) == "he"
    assert q.speaker == "John Carter"


def test_quotes_role_resolves_to_the_named_minister(english):
    text = (
        "Foreign Minister Anna Berg met her counterparts in Oslo on Tuesday.\n\n"
        "The talks covered trade and fishing rights.\n\n"
        "“We are ready to sign the agreement this year,” the foreign minister said."
    )
    (q,) = [q for q in extract_quotes(text, ents(text, "Anna Berg")) if q.direct]
    assert speaker_text(text, q).lower().endswith("foreign minister")
    assert q.speaker == "Anna Berg"


def test_quotes_markless_translated_quote(english):
    text = (
        "Secretary Mike Pompeo visited the capital on Sunday.\n\n"
        "We simply ask them to provide safe haven for those who flee, Pompeo said "
        "in a press briefing."
    )
    found = extract_quotes(text, ents(text, "Mike Pompeo", "Pompeo"))
    (q,) = [q for q in found if q.text.startswith("We simply")]
    assert q.direct and q.text.endswith("who flee")
    assert q.speaker == "Mike Pompeo"


def test_quotes_indirect_speech_is_not_direct(english):
    text = "Maria Lopez said that the bridge would reopen in the spring."
    found = extract_quotes(text, ents(text, "Maria Lopez"))
    assert found and not any(q.direct for q in found)
    assert found[0].speaker == "Maria Lopez"
    assert "bridge would reopen" in found[0].text


def test_quotes_straight_and_single_marks(english):
    text = "‘We will not back down,’ Dana Reyes said after the vote."
    (q,) = extract_quotes(text, ents(text, "Dana Reyes"))
    assert q.text == "‘We will not back down,’" and q.speaker == "Dana Reyes"


# --- French and Spanish (rules) ---------------------------------------------------


def test_quotes_french_guillemets_and_inversion():
    text = (
        "Le ministre Jean Dupont était à Lyon mardi.\n\n"
        "« Nous ne céderons pas sur la réforme », a déclaré Jean Dupont.\n\n"
        "« C'est une question de justice », a-t-il ajouté."
    )
    found = extract_quotes(text, ents(text, "Jean Dupont"), "fr")
    assert [q.text for q in found] == [
        "« Nous ne céderons pas sur la réforme »",
        "« C'est une question de justice »",
    ]
    assert [q.speaker for q in found] == ["Jean Dupont", "Jean Dupont"]
    assert speaker_text(text, found[1]) == "il"


def test_quotes_french_indirect_speech():
    text = "Jean Dupont a affirmé que la réforme serait votée avant l'été."
    (q,) = extract_quotes(text, ents(text, "Jean Dupont"), "fr")
    assert not q.direct and q.text.startswith("que la réforme")
    assert q.speaker == "Jean Dupont"


def test_quotes_spanish_quote_and_indirect_speech():
    text = (
        "La ministra Ana García habló en Madrid.\n\n"
        "«No vamos a ceder ante la presión», dijo García.\n\n"
        "García aseguró que el acuerdo está cerca."
    )
    found = extract_quotes(text, ents(text, "Ana García", "García"), "es")
    assert [q.direct for q in found] == [True, False]
    assert found[0].text == "«No vamos a ceder ante la presión»"
    assert all(q.speaker == "Ana García" for q in found)


# --- robustness and the stage -------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "   \n\n ", "\u200b\u202e“", "”" * 50, "« » “ ” ‘ ’ ''", "said said said"]
)
def test_quotes_odd_input_does_not_crash(text):
    for lang in ("en", "fr", "es", "xx", None):
        for q in extract_quotes(text, [], lang):
            assert text[q.start : q.end] == q.text


def test_quotes_huge_text_does_not_crash():
    para = "“We will keep going,” Maria Lopez said. The council said it agreed.\n\n"
    text = para * 400
    found = extract_quotes(text, ents(text, "Maria Lopez"))
    assert len(found) >= 400


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("ab .,\n\"“”«»‘’'") + ["said ", "he ", "Lopez ", "que ", "We "]),
        max_size=60,
    ).map("".join)
)
def test_quotes_spans_are_faithful(text):
    for q in extract_quotes(text, ents(text, "Lopez")):
        assert text[q.start : q.end] == q.text
        if q.speaker_start is not None:
            assert 0 <= q.speaker_start < q.speaker_end <= len(text)


def test_quotes_stage_fills_document():
    text = "“We will rebuild the bridge,” Maria Lopez said."
    doc = Document(id="d1", text=text, language="en", entities=ents(text, "Maria Lopez"))
    assert quotes(doc) is doc
    assert doc.quotes and doc.quotes[0].speaker == "Maria Lopez"


def test_quotes_unquoted_content_is_cut_at_sentence_ends():
    from storyline.stages.quotes.extract import _split_content
    from storyline.stages.quotes.tokens import tokenize

    text = "Vessa said the levy would pass. The board met on Friday. Orlan said: ‘It fails. We know why.’"
    tokens = tokenize(text)
    quoted = tagger.quote_states(tokens, find_segments(text))
    said = [i for i, t in enumerate(tokens) if t.text == "said"]
    # One content run from after the first "said" to the end of the second sentence.
    board_end = next(i for i, t in enumerate(tokens) if t.text == "Friday") + 2
    runs = [("SRC", 0, 1), ("CUE", said[0], said[0] + 1), ("CNT", said[0] + 1, board_end)]
    out, cut = _split_content(tokens, runs, quoted)
    pieces = [text[tokens[b].start : tokens[e - 1].end] for role, b, e in out if role == "CNT"]
    assert pieces == ["the levy would pass.", "The board met on Friday."]
    assert len(cut) == 2
    # A run that goes on into a sentence opening with a quotation mark stays whole.
    colon = next(i for i, t in enumerate(tokens) if t.text == ":")
    run = ("CNT", colon + 1, len(tokens))
    out, cut = _split_content(tokens, [run], quoted)
    assert out == [run] and not cut



@pytest.mark.parametrize(
    "text",
    [
        "Vessa is expected to back the levy next week. The board met on Friday and voted it down.",
        "Orlan said the levy would pass. Critics fear higher prices, and the mayor plans a vote.\n\n"
        "The plan, which the council drafted in May, cuts the budget by a tenth.",
        "“It fails,” Orlan said, sitting at his desk. The levy comes up again in June.",
    ],
)
def test_quotes_english_mentions_have_a_cue_or_quotation_marks(english, text):
    # Tagged content with neither a cue nor marks rarely matches an attribution: dropped.
    from storyline.stages.quotes.extract import has_marks

    for q in extract_quotes(text, ents(text, "Vessa", "Orlan"), "en"):
        assert q.cue_start is not None or has_marks(q.text), q


def test_quotes_single_marks_quote_continues_after_its_cue_sentence(english):
    # `‘X,’ Y told reporters …. ‘Z.’` is one quote, as it is with double marks.
    text = ("The inquiry ended late on Tuesday.\n\n‘Somebody chose to let the crack wait a year,’ Ivo Stenn "
            "told reporters outside the hall in Brel. ‘We will learn who it was.’\n\nThe hearing resumes in May.")
    found = extract_quotes(text, ents(text, "Ivo Stenn"), "en")
    assert any("Somebody chose" in q.text and "We will learn who" in q.text for q in found), found
    assert all(q.speaker == "Ivo Stenn" for q in found if "We will learn" in q.text)


def test_quotes_sentence_long_quote_before_its_cue_is_kept_when_the_tagger_misses_it():
    # Reworded text can defeat the tagger; the rules' `"…," X stated` still counts,
    # while a short scare quote near a verb does not.
    from storyline.stages.quotes import rules
    from storyline.stages.quotes.extract import combine
    from storyline.stages.quotes.tokens import tokenize

    text = ("The bank will certainly fund about half of the work.\n\n"
            "\"This passage is not a highway or a railway. It is a vow that our ports will never sit idle,\" "
            "Mara Tellen stated at the signing ceremony.\n\nCritics called it \"a vanity,\" Tellen said.")
    ruled = rules.attributions(text, tokenize(text), find_segments(text), ents(text, "Mara Tellen", "Tellen"), "en")
    kept = [text[a.hull[0] : a.hull[1]] for a in combine([], ruled)]
    assert any(k.startswith('"This passage') for k in kept), kept
    assert not any("vanity" in k for k in kept), kept


def test_quotes_cue_words_used_as_nouns_are_no_cues():
    # `States` in `the United States`, `states` after a number: nouns, not `X states`.
    from storyline.stages.quotes import rules
    from storyline.stages.quotes.tokens import tokenize

    text = ("Mara Tellen won in 30 states last year.\n\n"
            "The ports matter to the economy of the region, the United States has long held.\n\n"
            "The ministry states that the ports will open in May.")
    found = rules.attributions(text, tokenize(text), find_segments(text), ents(text, "Mara Tellen"), "en")
    cues = [text[a.cue[0] : a.cue[1]] for a in found if a.cue is not None]
    assert cues == ["states"], cues
    assert text[found[0].hull[0] : found[0].hull[1]] == "that the ports will open in May", found


def _paragraph_features(text):
    from storyline.stages.quotes.tokens import tokenize

    tokens = tokenize(text)
    quoted = tagger.quote_states(tokens, find_segments(text))
    feats = tagger.token_features(tokens, 0, len(tokens), quoted, ["O"] * len(tokens),
                                  tagger.lexicon(), tagger.stem_lexicon())
    return tokens, quoted, feats


@pytest.mark.skipif(not tagger.available(), reason="needs the trained English tagger")
def test_quotes_recall_pass_finds_an_attribution_in_a_sentence_left_empty():
    text = "Anna Berg visited the plant on Monday. Most analysts expected a recession in the spring."
    tokens, quoted, feats = _paragraph_features(text)
    tagger.tag(feats)
    empty = ["O"] * len(tokens)  # as if the tagger had found nothing
    labels = tagger.fill_empty(feats, empty, [t.sent for t in tokens], quoted)
    assert labels is not None
    assert [t.text for t, lab in zip(tokens, labels) if lab.endswith("CUE")] == ["expected"]
    assert "recession" in [t.text for t, lab in zip(tokens, labels) if lab.endswith("CNT")]
    assert all(lab == "O" for t, lab in zip(tokens, labels) if t.sent == tokens[0].sent)


@pytest.mark.skipif(not tagger.available(), reason="needs the trained English tagger")
def test_quotes_recall_pass_leaves_sentences_with_quotation_marks_alone():
    text = 'Anna Berg visited the plant on Monday. Most analysts expected "a recession in the spring."'
    tokens, quoted, feats = _paragraph_features(text)
    tagger.tag(feats)
    assert tagger.fill_empty(feats, ["O"] * len(tokens), [t.sent for t in tokens], quoted) is None


# --- strong cue words in sentences nothing claimed (lonecue) ----------------------

_LEX = {"said": 0.92, "told": 0.84, "about": 0.3, "hopes": 0.4}


def _lone(text, claimed=()):
    from storyline.stages.quotes.lonecue import lone_cue_attributions
    from storyline.stages.quotes.tokens import tokenize

    tokens = tokenize(text)
    found = lone_cue_attributions(tokens, tagger.quote_states(tokens, find_segments(text)), list(claimed), _LEX)
    return [(text[a.cue[0] : a.cue[1]], text[a.hull[0] : a.hull[1]]) for a in found]


def test_quotes_lone_cue_takes_the_rest_of_the_sentence_after_the_cue():
    text = "The weather was mild. Officials told the council the depot would close in June."
    assert _lone(text) == [("told", "the council the depot would close in June")]


def test_quotes_lone_cue_at_the_end_takes_the_clause_before_it():
    # The subject stays in (cutting at the last comma matched no more often on train).
    text = "The depot will close in June, officials said."
    assert _lone(text) == [("said", "The depot will close in June, officials")]


def test_quotes_lone_cue_skips_weak_cues_claimed_and_quoted_sentences():
    # A weak cue word alone is no attribution ...
    assert _lone("They talked about the depot for an hour.") == []
    # ... unless `that` follows it.
    assert _lone("The union hopes that the depot will stay open.") == [("hopes", "that the depot will stay open")]
    assert _lone("Nobody doubts that the depot will close.") == []  # no cue word at all
    # A sentence another attribution already covers is left to it.
    text = "Officials told the council the depot would close."
    assert _lone(text, [(text.index("the depot"), len(text) - 1)]) == []
    # Sentences with quotation marks are the tagger's.
    assert _lone('Officials told the council "the depot would close."') == []


# --- the tagger's source marginals as a speaker-linker feature --------------------


@pytest.mark.skipif(not tagger.available(), reason="needs the trained English tagger")
def test_quotes_source_marginals_mark_the_tagged_source_likely():
    from storyline.stages.quotes import linker

    text = '"We will keep the plant open," Anna Berg said on Monday.'
    tokens, _, feats = _paragraph_features(text)
    labels = tagger.tag(feats)
    wanted = linker.candidate_words(tokens)
    probs = tagger.source_marginals(labels, wanted)
    by_word = {t.text: p for t, p in zip(tokens, probs)}
    assert by_word["Berg"] > 0.5  # the speaker
    assert by_word["We"] < 0.2  # a pronoun inside the quote
    assert by_word["Monday"] < 0.2
    assert all(p == 0.0 for p, w, lab in zip(probs, wanted, labels) if not w and not lab.endswith("SRC"))


def _linker_candidates(text, entities):
    """The speaker linker's candidates and their features for the one attribution of `text`
    (what `extract(..., record=...)` records for training)."""
    import importlib

    # The package exports a function `extract` that hides the module of that name.
    extract_module = importlib.import_module("storyline.stages.quotes.extract")
    found: list = []
    extract_module.extract(text, entities, "en", record=found)
    (_, cands), = found
    return cands


@pytest.mark.skipif(not tagger.available(), reason="needs the trained English tagger")
def test_quotes_linker_candidates_carry_the_source_marginal():
    # The shipped linker reads the marginal (feature set 5): every candidate gets a
    # bucket of it, the tagged speaker a higher one than another name of the paragraph.
    from storyline.stages.quotes import linker

    assert linker.FEATURES >= 5
    text = 'Anna Berg met Paul Dunn on Monday. "We will keep the plant open," Anna Berg said.'
    cands = _linker_candidates(text, ents(text, "Anna Berg", "Paul Dunn"))
    buckets = {s: next(f for f in feats if f.startswith("srcp=")) for (s, e), feats in cands}
    assert buckets[text.index("Anna Berg said")] >= "srcp=4"
    assert buckets[text.index("Paul Dunn")] < buckets[text.index("Anna Berg said")]


@pytest.mark.skipif(not tagger.available(), reason="needs the trained English tagger")
def test_quotes_linker_marks_the_subject_of_a_wrapping_report():
    # PolNeAR names the outer source of a nested attribution (`…, the Courier reported`):
    # the report's subject is marked, the inner cue's subject is not.
    from storyline.stages.quotes import linker

    assert linker.FEATURES >= 6
    text = 'Anna Berg said "we will keep the plant open," the Courier reported.'
    cands = _linker_candidates(text, ents(text, "Anna Berg") + ents(text, "the Courier", label="ORG"))
    outer = {text[s:e]: [f for f in feats if f.startswith("outer=")] for (s, e), feats in cands}
    assert "outer=report|after|end" in outer["the Courier"]
    assert outer["Anna Berg"] == []
