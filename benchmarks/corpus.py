"""Synthetic news corpora for the scale benchmark: real-looking articles made by mixing
and perturbing real ones.

The pool is the demo corpus shipped with storyline plus, when ../shared is present,
the ECB+ texts (read at run time, never copied into the repository). Each synthetic
article takes a base article's paragraphs, swaps names and numbers, drops or
reorders a few sentences and tops it up with paragraphs from articles on the same
topic, to about 370 words (the contract's article size). A few percent are
near-copies of earlier ones (wire copies with an edited lede), so dedup has work.
Formats are mixed like a real archive: JSONL records, HTML pages with navigation
junk, and plain-text files.

    python benchmarks/corpus.py OUT_DIR 10000 [--seed 1] [--days 730]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import sys
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "storyline" / "demo" / "corpus"
TARGET_WORDS = 370
SHARE_HTML, SHARE_TEXT = 0.2, 0.1  # the rest is JSONL
SHARE_COPIES = 0.04
JSONL_PER_FILE = 1000
OUTLETS = ["Meridian Wire", "The Coastline Herald", "Northgate Courier", "Valdoria Public Radio",
           "Ledger Daily", "Kharzem Today", "Bayline Post", "Gazette du Nord", "Evening Standard-Times",
           "Harbour Chronicle", "Capital Reporter", "Metro Observer"]
NAMES = ["Amara Okafor", "Lena Brandt", "Tomas Varga", "Yusuf Demir", "Mei Tanaka", "Rafael Costa",
         "Ingrid Holm", "Karim Haddad", "Sofia Marin", "Daniel Reyes", "Olga Petrova", "Kwame Mensah",
         "Port Alder", "Kessmere", "Ulmabad", "Sendra", "Halvik", "Boskent", "Tarsel", "Vennick"]
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?")


def shared_dir() -> Path:
    return Path(os.environ.get("STORYLINE_SHARED", ROOT.parent / "shared"))


def ecbplus_dir() -> Path | None:
    path = shared_dir() / "data" / "ecbplus" / "ECB+"
    return path if path.is_dir() else None


def read_ecbplus_doc(path: Path) -> tuple[str, str]:
    """(headline, body) of one ECB+ XML file, detokenised lightly."""
    root = ET.parse(path).getroot()
    sentences: dict[int, list[str]] = {}
    for token in root.iter("token"):
        sentences.setdefault(int(token.get("sentence", 0)), []).append(token.text or "")
    lines = [_detokenize(words) for _, words in sorted(sentences.items())]
    lines = [line for line in lines if line]
    if not lines:
        return "", ""
    return lines[0], " ".join(lines[1:])


def _detokenize(words: list[str]) -> str:
    text = " ".join(words)
    text = re.sub(r" ([.,;:!?%)\]}'])", r"\1", text)
    text = re.sub(r"([(\[{$]) ", r"\1", text)
    text = text.replace("`` ", '"').replace(" ''", '"').replace("``", '"').replace("''", '"')
    return re.sub(r" n't\b", "n't", text).strip()


def load_pool() -> list[dict]:
    """Real articles to mix: demo corpus always, ECB+ when ../shared has it."""
    pool = []
    for jsonl in sorted(DEMO.glob("*.jsonl")):
        for line in jsonl.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            lang = "fr" if "veilleur" in record["id"] else "es" if "faro" in record["id"] else "en"
            pool.append({"title": record.get("title") or "", "text": record["text"], "group": f"demo-{lang}"})
    for txt in sorted((DEMO / "text").glob("*.txt")):
        lines = txt.read_text(encoding="utf-8").splitlines()
        body = "\n\n".join(line for line in lines[1:] if len(line.split()) > 8)
        pool.append({"title": lines[0], "text": body, "group": "demo-en"})
    ecb = ecbplus_dir()
    if ecb is not None:
        for path in sorted(ecb.glob("*/*.xml")):
            title, body = read_ecbplus_doc(path)
            if len(body.split()) >= 60:
                pool.append({"title": title, "text": body, "group": f"ecb-{path.parent.name}"})
    return pool


def _paragraphs(text: str) -> list[str]:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(paragraphs) == 1:  # ECB+ bodies are one block: cut into 2-3 sentence paragraphs
        sentences = _SENTENCE.split(paragraphs[0])
        paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
    return paragraphs


def _perturb(paragraph: str, rng: random.Random, names: dict[str, str]) -> str:
    def swap_name(match: re.Match) -> str:
        key = match.group()
        if key not in names:
            names[key] = rng.choice(NAMES) if rng.random() < 0.5 else key
        return names[key]

    def swap_number(match: re.Match) -> str:
        value = match.group()
        digits = [c for c in value if c.isdigit()]
        if len(digits) == 4 and value.startswith(("19", "20")):  # keep years plausible
            return str(rng.randint(2015, 2025))
        return "".join(str(rng.randint(0, 9)) if c.isdigit() and rng.random() < 0.5 else c for c in value)

    paragraph = _NAME.sub(swap_name, paragraph)
    paragraph = _NUMBER.sub(swap_number, paragraph)
    sentences = _SENTENCE.split(paragraph)
    if len(sentences) > 2 and rng.random() < 0.3:
        sentences.pop(rng.randrange(1, len(sentences)))
    return " ".join(sentences)


def make_article(pool: list[dict], by_group: dict[str, list[int]], rng: random.Random) -> dict:
    base = pool[rng.randrange(len(pool))]
    names: dict[str, str] = {}
    paragraphs = [_perturb(p, rng, names) for p in _paragraphs(base["text"])]
    words = sum(len(p.split()) for p in paragraphs)
    mates = by_group[base["group"]]
    while words < TARGET_WORDS * 0.9:
        mate = pool[rng.choice(mates)]
        extra = _paragraphs(mate["text"])
        paragraph = _perturb(rng.choice(extra), rng, names)
        paragraphs.insert(rng.randint(1, len(paragraphs)), paragraph)
        words += len(paragraph.split())
    while words > TARGET_WORDS * 1.15 and len(paragraphs) > 2:
        words -= len(paragraphs.pop().split())
    title = _perturb(base["title"], rng, names) if base["title"] else paragraphs[0][:80]
    return {"title": title, "text": "\n\n".join(paragraphs)}


def _near_copy(article: dict, rng: random.Random) -> dict:
    paragraphs = article["text"].split("\n\n")
    paragraphs[0] = f"({rng.choice(OUTLETS)}) " + paragraphs[0]
    return {"title": article["title"], "text": "\n\n".join(paragraphs)}


def _html_page(record: dict) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in record["text"].split("\n\n"))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(record['title'])}</title>"
            f"<meta property='article:published_time' content='{record['published']}'></head><body>"
            "<nav><a href='/'>Home</a> | <a href='/world'>World</a> | <a href='/sport'>Sport</a></nav>"
            f"<article><h1>{html.escape(record['title'])}</h1><p class='byline'>By {record['source']} staff</p>\n"
            f"{body}</article><aside>Read also: <a href='/x'>More stories</a></aside>"
            "<footer>© Newsroom. Subscribe to our newsletter.</footer></body></html>")


def generate(out: Path, n: int, seed: int = 1, days: int = 730) -> dict:
    """Write `n` synthetic articles under `out`, published over `days` days; returns a
    summary (counts, words, pool)."""
    rng = random.Random(seed)
    pool = load_pool()
    by_group: dict[str, list[int]] = {}
    for i, item in enumerate(pool):
        by_group.setdefault(item["group"], []).append(i)
    out.mkdir(parents=True, exist_ok=True)
    (out / "pages").mkdir(exist_ok=True)
    (out / "text").mkdir(exist_ok=True)
    start = date(2023, 1, 1)
    made: list[dict] = []
    jsonl = None
    counts = {"jsonl": 0, "html": 0, "text": 0, "copies": 0}
    words = 0
    try:
        for i in range(n):
            if made and rng.random() < SHARE_COPIES:
                article = _near_copy(rng.choice(made[-500:]), rng)
                counts["copies"] += 1
            else:
                article = make_article(pool, by_group, rng)
            made.append(article)
            record = {"id": f"syn-{seed}-{i:07d}", "title": article["title"], "text": article["text"],
                      "source": rng.choice(OUTLETS),
                      "published": (start + timedelta(days=rng.randrange(days))).isoformat()}
            words += len(record["text"].split())
            kind = rng.random()
            if kind < SHARE_HTML:
                (out / "pages" / f"{record['id']}.html").write_text(_html_page(record), encoding="utf-8")
                counts["html"] += 1
            elif kind < SHARE_HTML + SHARE_TEXT:
                (out / "text" / f"{record['id']}.txt").write_text(record["title"] + "\n\n" + record["text"],
                                                                  encoding="utf-8")
                counts["text"] += 1
            else:
                if counts["jsonl"] % JSONL_PER_FILE == 0:
                    if jsonl:
                        jsonl.close()
                    jsonl = (out / f"part-{counts['jsonl'] // JSONL_PER_FILE:04d}.jsonl").open("w", encoding="utf-8")
                jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
                counts["jsonl"] += 1
    finally:
        if jsonl:
            jsonl.close()
    return {"documents": n, **counts, "mean_words": round(words / max(n, 1)), "days": days, "pool": len(pool),
            "pool_has_ecbplus": ecbplus_dir() is not None, "seed": seed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=730, help="publication dates spread over this many days")
    args = parser.parse_args(argv)
    print(json.dumps(generate(args.out, args.n, args.seed, args.days)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
