"""Training the speaker linker: the listwise objective picks one candidate per attribution."""

from __future__ import annotations

import pytest

from storyline.stages.quotes import linker
from storyline.stages.quotes.train_linker import fit

pytest.importorskip("scipy")


def _groups(n: int) -> list[tuple[list[str], int, str]]:
    """Attributions with a subject before the cue (gold) and an object after it."""
    out = []
    for i in range(n):
        group = f"doc{i % 3}#{i}"
        out.append((["bias", "side=before", "before_cueword"], 1, group))
        out.append((["bias", "side=after", "after_prep"], 0, group))
        if i % 2:
            out.append((["bias", "side=before", "sent_initial"], 0, group))
    return out


@pytest.mark.parametrize("objective", ["listwise", "pointwise"])
def test_quotes_linker_fit_ranks_the_gold_candidate_first(objective):
    weights = fit(None, 1.0, _groups(12), objective)
    linker.use_weights(weights)
    try:
        cands = [((0, 3), ["bias", "side=after", "after_prep"]), ((10, 13), ["bias", "side=before", "before_cueword"]),
                 ((20, 23), ["bias", "side=before", "sent_initial"])]
        assert linker.choose(cands) == (10, 13)
    finally:
        linker.use_weights(linker.FROM_FILE)


def test_quotes_linker_listwise_ignores_groups_without_gold():
    # An attribution whose gold source is no candidate says nothing about which to pick:
    # adding many of them must not change the weights.
    base = fit(None, 1.0, _groups(12), "listwise")
    no_gold = [(["bias", "side=before", "before_cueword"], 0, f"x#{i}") for i in range(30)]
    assert fit(None, 1.0, _groups(12) + no_gold, "listwise") == base


def test_quotes_linker_offers_the_subject_after_an_inverted_cue():
    # `…,” says the film's voice-over`: no name, no role noun, yet the speaker.
    from storyline.stages.quotes.base import Attribution
    from storyline.stages.quotes.tokens import tokenize

    text = "“We open at nine,” says the film’s voice-over, going on."
    cue = text.index("says")
    att = Attribution(content=[(0, text.index(" says"))], cue=(cue, cue + 4))
    cands = linker.Candidates(text, tokenize(text), [], cue_words={"says"})
    spans = {text[s:e] for (s, e), _ in cands.of(att)}
    assert "the film’s voice-over" in spans
