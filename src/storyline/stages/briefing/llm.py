"""Optional LLM rewrite of an extractive briefing, with every sentence checked.

Never runs by itself: `rewrite` needs an OpenAI-compatible endpoint given by
the user (e.g. a local llama.cpp or vLLM server, `http://127.0.0.1:8080/v1`).
The model sees the numbered extractive sentences and must end each output
sentence with the numbers it used, `[1][3]`. Each output sentence is then
checked against the spans it cites and rejected when it cites nothing, cites
a number that does not exist, states a number no cited span has, or uses too
many content words the cited spans do not contain.

Example:
    >>> extractive = brief(docs)
    >>> result = rewrite(extractive, "http://127.0.0.1:8080/v1", model="qwen2.5-7b-instruct")
    >>> for s in result.accepted:
    ...     print(s.text, [(c.document, c.start, c.end) for c in s.citations])
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from storyline.errors import ConfigError, StageError
from storyline.model import BriefingSentence
from storyline.text import fold

__all__ = ["rewrite", "supported", "RewrittenSentence", "RewriteResult", "PROMPT"]

MIN_SUPPORT = 0.7  # share of an output sentence's content words found in its cited spans
PROMPT = (
    "Rewrite the numbered news sentences below into a short, fluent briefing of at most "
    "{n} sentences. Use only facts stated in them. End every sentence with the numbers of "
    "the source sentences it uses, in square brackets, like [1][3]. Write one sentence per line "
    "and nothing else."
)
_CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset(
    """the and for that with this from have has had was were are been will would could should
    their there they them than then which while what when where who whom into over under about
    after before also but not its his her our said says one two three more most some such other
    only both each very just can may might must shall""".split()
)


@dataclass
class RewrittenSentence:
    """One LLM-written sentence, the extractive spans it cites, and its support check."""

    text: str
    citations: list[BriefingSentence] = field(default_factory=list)
    support: float = 0.0
    reason: str = ""  # why it was rejected; empty when accepted


@dataclass
class RewriteResult:
    accepted: list[RewrittenSentence]
    rejected: list[RewrittenSentence]


def rewrite(
    sentences: list[BriefingSentence],
    endpoint: str,
    *,
    model: str = "default",
    api_key: str | None = None,
    timeout: float = 60.0,
    min_support: float = MIN_SUPPORT,
) -> RewriteResult:
    """Ask an OpenAI-compatible chat endpoint to rewrite `sentences`; keep only supported output.

    Args:
        sentences: an extractive briefing (`brief(...)`); its spans are what
            the output may cite.
        endpoint: base URL of the API (`http://host:port/v1`) or the full
            `.../chat/completions` URL. Required: nothing is sent anywhere
            without it.
        model: model name passed to the server.
        api_key: sent as a Bearer token when given.
        timeout: seconds to wait for the server.
        min_support: share of an output sentence's content words that its
            cited spans must contain.

    Returns:
        RewriteResult: `accepted` sentences, each citing its spans, and the
        `rejected` ones with the reason.

    Raises:
        ConfigError: no endpoint, or one that is not an http(s) URL.
        StageError: the server could not be reached or answered nonsense.
    """
    if not endpoint or not re.match(r"https?://", endpoint):
        raise ConfigError("LLM rewrite needs an OpenAI-compatible endpoint URL, e.g. http://127.0.0.1:8080/v1")
    if not sentences:
        return RewriteResult([], [])
    url = endpoint.rstrip("/")
    if not url.endswith("/chat/completions"):
        url += "/chat/completions"
    numbered = "\n".join(f"[{i}] {s.text}" for i, s in enumerate(sentences, 1))
    body = {
        "model": model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": PROMPT.format(n=len(sentences))},
            {"role": "user", "content": numbered},
        ],
    }
    content = _post(url, body, api_key, timeout)
    return check_output(content, sentences, min_support=min_support)


def check_output(content: str, sentences: list[BriefingSentence], *, min_support: float = MIN_SUPPORT) -> RewriteResult:
    """Split a model answer into sentences and check each against the spans it cites."""
    accepted, rejected = [], []
    for line in content.splitlines():
        line = line.strip().lstrip("-*• ").strip()
        if not line:
            continue
        numbers = [int(n) for group in _CITATION.findall(line) for n in re.split(r"\s*[,;]\s*", group)]
        text = _CITATION.sub("", line).strip()
        text = re.sub(r"\s+([.,;:!?])", r"\1", text)
        out = RewrittenSentence(text)
        if not numbers:
            out.reason = "cites no sentence"
        elif any(n < 1 or n > len(sentences) for n in numbers):
            out.reason = "cites a sentence that does not exist"
        else:
            out.citations = [sentences[n - 1] for n in dict.fromkeys(numbers)]
            ok, out.support, why = supported(text, [c.text for c in out.citations], min_support)
            out.reason = "" if ok else why
        (rejected if out.reason else accepted).append(out)
    return RewriteResult(accepted, rejected)


def supported(text: str, cited: list[str], min_support: float = MIN_SUPPORT) -> tuple[bool, float, str]:
    """Is `text` backed by the `cited` sentences? (ok, support, reason if not)

    Every number in `text` must appear in a cited sentence, and at least
    `min_support` of its content words (folded, compared on their first five
    letters so "visited" matches "visit") must too.
    """
    source = " ".join(cited)
    source_numbers = {_norm_number(n) for n in _NUMBER.findall(source)}
    missing = [n for n in _NUMBER.findall(text) if _norm_number(n) not in source_numbers]
    if missing:
        return False, 0.0, f"number not in the cited spans: {missing[0]}"
    words = _stems(text)
    if not words:
        return False, 0.0, "no content words"
    support = len(words & _stems(source)) / len(words)
    if support < min_support:
        return False, round(support, 3), f"only {support:.0%} of its content words are in the cited spans"
    return True, round(support, 3), ""


def _stems(text: str) -> set[str]:
    return {w[:5] for w in (fold(x) for x in _WORD.findall(text)) if w not in _STOP}


def _norm_number(n: str) -> str:
    return n.replace(",", "").rstrip(".")


def _post(url: str, body: dict, api_key: str | None, timeout: float) -> str:
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise StageError("briefing", None, f"LLM endpoint {url} could not be reached: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise StageError("briefing", None, f"LLM endpoint {url} did not answer JSON") from exc
    try:
        return payload["choices"][0]["message"]["content"] or ""
    except (KeyError, IndexError, TypeError) as exc:
        raise StageError("briefing", None, f"LLM endpoint {url} answered without choices[0].message.content") from exc
