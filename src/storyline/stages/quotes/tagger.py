"""English attribution tagger: a linear-chain CRF over paragraph tokens.

Each token gets one of B-/I- SRC (source), CUE, CNT (content) or O, the way
PolNeAR annotates attributions (every token in at most one attribution). The
model (`data/attribution-en.crfsuite`) and its cue lexicon
(`data/cues-en.json`) were trained on PolNeAR train by `train.py`; they hold
feature weights and word statistics only, no text. See data/PROVENANCE.md.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from storyline.model import EntityMention

from .marks import Segment
from .tokens import Token, distance_bucket

DATA = Path(__file__).parent / "data"
MODEL_PATH = DATA / "attribution-en.crfsuite"
LEXICON_PATH = DATA / "cues-en.json"

# Version of the feature set the shipped model was trained with.
FEATURES = 2

PRONOUNS = {
    "he", "she", "they", "i", "we", "you", "it", "him", "her", "them", "his", "its",
    "their", "who", "which",
}  # fmt: skip


# Quotation marks PolNeAR's English never uses, read as the curly double marks it
# does use (opening, closing): the model learned `‘` and `«` as other words, and
# missed `‘…,’ X said. ‘…’`, which it finds with `“…”`.
_OTHER_MARKS = {m: ("“", "”") for m in ("‘", "’", "«", "»", "„", "‹", "›", "‚")}


def _shape(word: str) -> str:
    if word.isdigit():
        return "d"
    if not word[0].isalnum():
        return "p"
    if word.isupper():
        return "X" if len(word) > 1 else "X1"
    if word[0].isupper():
        return "Xx"
    return "x"


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# Speech, thought and stance verbs, a gazetteer beside the learned cue prior:
# rare inflections ("concludes", "mused") get no prior of their own.
_CUE_VERBS = (
    "say tell add ask write tweet post explain note argue insist warn declare state announce "
    "claim reply respond continue conclude recall acknowledge admit stress emphasize emphasise "
    "suggest predict promise pledge urge quip joke exclaim remark observe comment complain "
    "assert maintain contend deny confirm report estimate believe think affirm reiterate muse "
    "cry scream yell shout answer counter rebut retort recount describe accuse praise "
    "criticize criticise blame call vow threaten charge allege hint testify mention point "
    "concede agree disagree worry fear hope want plan expect doubt wonder feel know reckon "
    "recommend propose demand assure reassure boast brag whisper sigh laugh groan mutter "
    "interject clarify specify disclose reveal inform notify caution advise endorse back "
    "support oppose reject dismiss condemn denounce slam blast attack mock lambast chide "
    "scold question challenge acknowledge tout insist decry lament predict speculate"
)
_IRREGULAR = "said told wrote written thought felt knew known spoke spoken meant swore sworn quipped"


def _inflect(verb: str) -> set[str]:
    """The regular forms of an English verb."""
    forms = {verb}
    if verb.endswith("e"):
        forms |= {verb + "s", verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and verb[-2:-1] not in "aeiou":
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    else:
        es = "es" if verb.endswith(("s", "sh", "ch", "x", "z", "o")) else "s"
        forms |= {verb + es, verb + "ed", verb + "ing"}
        if len(verb) <= 4 and verb[-1] in "bdgmnprt" and verb[-2:-1] in "aeiou" and verb[-3:-2] not in "aeiou":
            forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}  # "quipped", "chatting"
    return forms


CUE_WORDS = set(_IRREGULAR.split()).union(*(_inflect(v) for v in _CUE_VERBS.split()))


def _bucket(value: float) -> str:
    if value >= 0.8:
        return "4"
    if value >= 0.5:
        return "3"
    if value >= 0.25:
        return "2"
    if value >= 0.1:
        return "1"
    return "0"


def _dist(d: int | None) -> str:
    return "none" if d is None else distance_bucket(d)


def token_features(
    tokens: list[Token],
    begin: int,
    end: int,
    quoted: list[int],
    ner: list[str],
    lexicon: dict[str, float],
    stems: dict[str, float] | None = None,
) -> list[list[str]]:
    """Feature strings of tokens[begin:end] (one paragraph).

    `quoted[i]` is 0 outside quotes, 1 inside, 2 on an opening mark, 3 on a
    closing mark; `ner[i]` is the BIO entity label of token i; `lexicon` and
    `stems` are the cue priors of words and of their stems.
    """
    words = [t.text.lower() for t in tokens[begin:end]]
    n = len(words)
    for i in range(n):
        if quoted[begin + i] in (2, 3) and words[i] in _OTHER_MARKS:
            words[i] = _OTHER_MARKS[words[i]][quoted[begin + i] - 2]
    prior = [lexicon.get(w, 0.0) for w in words]
    if FEATURES >= 2:
        stemmed = [_stem(w) for w in words]
        sprior = [max(p, (stems or {}).get(st, 0.0)) for p, st in zip(prior, stemmed)]
        gaz = [w in CUE_WORDS for w in words]
    strong = [p >= 0.45 and quoted[begin + i] == 0 for i, p in enumerate(prior)]
    sents = [t.sent for t in tokens[begin:end]]
    # Distance to the nearest strong cue word left/right in the same sentence.
    left: list[int | None] = [None] * n
    left_w = ["#"] * n
    last = None
    for i in range(n):
        if last is not None and sents[last] != sents[i]:
            last = None
        left[i] = None if last is None else i - last
        left_w[i] = "#" if last is None else words[last]
        if strong[i]:
            last = i
    right: list[int | None] = [None] * n
    right_w = ["#"] * n
    last = None
    for i in range(n - 1, -1, -1):
        if last is not None and sents[last] != sents[i]:
            last = None
        right[i] = None if last is None else last - i
        right_w[i] = "#" if last is None else words[last]
        if strong[i]:
            last = i
    # Distance to the nearest quote mark left/right in the same sentence.
    qmark = [quoted[begin + i] in (2, 3) for i in range(n)]
    qleft: list[int | None] = [None] * n
    last = None
    for i in range(n):
        if last is not None and sents[last] != sents[i]:
            last = None
        qleft[i] = None if last is None else i - last
        if qmark[i]:
            last = i
    qright: list[int | None] = [None] * n
    last = None
    for i in range(n - 1, -1, -1):
        if last is not None and sents[last] != sents[i]:
            last = None
        qright[i] = None if last is None else last - i
        if qmark[i]:
            last = i
    spos = [0] * n
    for i in range(1, n):
        spos[i] = 0 if sents[i] != sents[i - 1] else spos[i - 1] + 1
    qs = [str(q) for q in quoted[begin:end]]
    buckets = [_bucket(p) for p in prior]
    nr = ner[begin:end]
    # Neighbour features as precomputed strings: this loop is the stage's hot spot.
    nb = {
        off: (
            ["w%d=%s" % (off, w) for w in words],
            ["q%d=%s" % (off, q) for q in qs],
            ["cue%d=%s" % (off, b) for b in buckets],
            ["ner%d=%s" % (off, x) for x in nr],
        )
        for off in (-2, -1, 1, 2)
    }
    feats = []
    for i in range(n):
        w = words[i]
        f = [  # "cue=" stays at index 4: fill_empty reads it there
            "b",
            "w=" + w,
            "s3=" + w[-3:],
            "sh=" + _shape(tokens[begin + i].text),
            "cue=" + buckets[i],
            "q=" + qs[i],
            "ner=" + nr[i],
            "cL=" + _dist(left[i]),
            "cR=" + _dist(right[i]),
            "qL=" + _dist(qleft[i]),
            "qR=" + _dist(qright[i]),
            "sp=" + _dist(spos[i]),
            "st=" + _stem(w),
            "cLw=" + left_w[i],
            "cRw=" + right_w[i],
        ]
        if w in PRONOUNS:
            f.append("pron")
        if i == 0 or sents[i - 1] != sents[i]:
            f.append("sfirst")
        if i == n - 1 or sents[i + 1] != sents[i]:
            f.append("slast")
        if i == 0:
            f.append("pfirst")
        if FEATURES >= 2:
            f.append("cueS=" + _bucket(sprior[i]))
            if gaz[i]:
                f.append("gaz")
                if i > 0 and qs[i - 1] == "3":
                    f.append("gaz|afterq")
            if i > 0 and qs[i - 1] == "3":
                f.append("afterq=" + (words[i - 2] if i > 1 else "#") + "|" + _shape(tokens[begin + i].text))
            if i + 1 < n and gaz[i + 1]:
                f.append("gaz+1|sh=" + _shape(tokens[begin + i].text))
            if i + 2 < n and gaz[i + 2]:
                f.append("gaz+2")
            if i > 0 and gaz[i - 1]:
                f.append("gaz-1")
            for off in (-3, 3):
                j = i + off
                f.append("w%d=%s" % (off, words[j] if 0 <= j < n else "#"))
            for off in (-2, 2):
                j = i + off
                if 0 <= j < n:
                    f.append("ner%d=%s" % (off, nr[j]))
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                ws, qf, cf, nf = nb[off]
                f.append(ws[j])
                f.append(qf[j])
                f.append(cf[j])
                if off in (-1, 1):
                    f.append(nf[j])
            else:
                f.append("w%d=#" % off)
        if i + 1 < n:
            f.append("w|w1=" + w + "|" + words[i + 1])
        if i > 0:
            f.append("w-1|w=" + words[i - 1] + "|" + w)
        feats.append(f)
    return feats


def quote_states(tokens: list[Token], segments: list[Segment]) -> list[int]:
    """0 outside quotes, 1 inside, 2 on an opening mark, 3 on a closing mark."""
    states = [0] * len(tokens)
    si = 0
    for i, t in enumerate(tokens):
        while si < len(segments) and segments[si].end <= t.start:
            si += 1
        if si < len(segments):
            seg = segments[si]
            if seg.start <= t.start < seg.end:
                if t.start == seg.start:
                    states[i] = 2
                elif seg.closed and t.end == seg.end:
                    states[i] = 3
                else:
                    states[i] = 1
    return states


def ner_labels(tokens: list[Token], entities: list[EntityMention]) -> list[str]:
    """BIO-free entity label per token ('O' outside entities)."""
    labels = ["O"] * len(tokens)
    ents = sorted(entities, key=lambda e: e.start)
    ei = 0
    for i, t in enumerate(tokens):
        while ei < len(ents) and ents[ei].end <= t.start:
            ei += 1
        if ei < len(ents) and ents[ei].start <= t.start < ents[ei].end:
            labels[i] = ents[ei].label
    return labels


@lru_cache(maxsize=1)
def _lexicons() -> tuple[dict[str, float], dict[str, float]]:
    try:
        data = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, {}
    if "words" in data and isinstance(data["words"], dict):
        return data["words"], data.get("stems", {})
    return data, {}


def lexicon() -> dict[str, float]:
    """Cue prior per lower-cased word: how often PolNeAR train uses it as a cue."""
    return _lexicons()[0]


def stem_lexicon() -> dict[str, float]:
    """Cue prior per word stem (`_stem`), for inflections too rare to have their own."""
    return _lexicons()[1]


@lru_cache(maxsize=1)
def _tagger():
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL_PATH))
    return tagger


def available() -> bool:
    """True when the trained English model and its runtime are installed."""
    try:
        import pycrfsuite  # noqa: F401
    except ImportError:
        return False
    return MODEL_PATH.exists() and LEXICON_PATH.exists()


def tag(feats: list[list[str]]) -> list[str]:
    """Labels for one paragraph's features."""
    return _tagger().tag(feats)


def source_marginals(labels: list[str], wanted: list[bool]) -> list[float]:
    """Per token of the paragraph `tag` just labelled `labels`, the CRF's marginal
    probability that it is part of a source (`B-SRC` or `I-SRC`); 0.0 for tokens
    neither `wanted` nor tagged as source (reading a marginal costs a call per label).
    A candidate the best path left out can still be a likely source: the speaker
    linker reads it."""
    t = _tagger()
    return [
        t.marginal("B-SRC", i) + t.marginal("I-SRC", i) if want or lab[2:] == "SRC" else 0.0
        for i, (lab, want) in enumerate(zip(labels, wanted))
    ]


# Recall for sentences without quotation marks that the tagger leaves empty:
# when a likely cue word there (prior at least 0.25, bucket RECALL_CUE) is less
# than 1 - RECALL_MARGIN likely to be outside every attribution (CRF marginal),
# the paragraph is decoded again with RECALL_BIAS added to the score of `O`,
# and a cue with content that decoding finds in the sentence is kept. Chosen on
# PolNeAR train, seven-fold by slice (taggers that never saw the slice):
# attribution F1 0.6654 -> 0.6688, quotes unchanged.
RECALL_MARGIN = 0.5  # 0 disables
RECALL_BIAS = -0.5
RECALL_CUE = 2


@lru_cache(maxsize=1)
def _weights():
    import numpy as np

    info = _tagger().info()
    labels = sorted(info.labels, key=lambda lab: int(info.labels[lab]))
    index = {lab: i for i, lab in enumerate(labels)}
    attrs: dict[str, int] = {}
    rows: list[tuple[int, int, float]] = []
    for (a, lab), w in info.state_features.items():
        rows.append((attrs.setdefault(a, len(attrs)), index[lab], w))
    state = np.zeros((len(attrs), len(labels)))
    for a, li, w in rows:
        state[a, li] = w
    trans = np.zeros((len(labels), len(labels)))
    for (a, b), w in info.transitions.items():
        trans[index[a], index[b]] = w
    return labels, attrs, state, trans


def _viterbi(feats: list[list[str]], bias: float) -> list[str]:
    """Viterbi labels with `bias` added to every token's `O` score."""
    import numpy as np

    labels, attrs, state, trans = _weights()
    emit = np.zeros((len(feats), len(labels)))
    for i, f in enumerate(feats):
        idx = [attrs[x] for x in f if x in attrs]
        if idx:
            emit[i] = state[idx].sum(0)
    emit[:, labels.index("O")] += bias
    score = emit[0].copy()
    back = np.zeros(emit.shape, dtype=int)
    for i in range(1, len(feats)):
        cand = score[:, None] + trans
        back[i] = cand.argmax(0)
        score = cand.max(0) + emit[i]
    path = [int(score.argmax())]
    for i in range(len(feats) - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    return [labels[k] for k in reversed(path)]


def fill_empty(
    feats: list[list[str]], labels: list[str], sents: list[int], quoted: list[int]
) -> list[str] | None:
    """Labels of likely attributions in sentences `labels` (just returned by `tag(feats)`)
    leaves empty, `O` elsewhere; None when there are none.

    Sentences with quotation marks are left alone (`quoted` as `token_features` takes it,
    for these tokens only): quotes are scored apart, and these stay as they were.
    """
    if not RECALL_MARGIN:
        return None
    busy = {s for s, lab, q in zip(sents, labels, quoted) if lab != "O" or q}
    least = "cue=%d" % RECALL_CUE
    cueish = [f[4] >= least for f in feats]  # f[4] is "cue=<bucket>", see token_features
    open_ = {s for s, c in zip(sents, cueish) if c and s not in busy}
    if not open_:
        return None
    t = _tagger()
    flagged = {
        s for i, s in enumerate(sents) if s in open_ and cueish[i] and t.marginal("O", i) < 1 - RECALL_MARGIN
    }
    if not flagged:
        return None
    again = _viterbi(feats, RECALL_BIAS)
    out = ["O"] * len(labels)
    found = False
    for s in flagged:
        idx = [i for i, x in enumerate(sents) if x == s]
        cue = [i for i in idx if again[i].endswith("CUE")]
        if not any(cueish[i] for i in cue) or not any(again[i].endswith("CNT") for i in idx):
            continue
        for i in idx:
            out[i] = again[i]
        if out[idx[0]].startswith("I-"):
            out[idx[0]] = "B-" + out[idx[0]][2:]
        found = True
    return out if found else None
