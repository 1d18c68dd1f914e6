"""A generator of hostile news-archive inputs, each with the outcome ingest must give it.

`build_corpus(root)` writes well over 1,000 inputs under `root` (files, JSONL lines,
feed entries) and returns one `Expect` per item the reader yields, keyed by the
origin the pipeline reports (`path`, `path:LINE`, `path[N]`, `path#N`). Acceptable
articles carry a *planted* word (`zork00042`) that must be findable afterwards;
unusable inputs carry the pattern their reject reason must match.

Everything is generated from a seeded RNG and the invented sentences below, so a
failure reproduces exactly. No text here comes from real articles.

Outcome kinds:
- "accept": stored under `doc_id`, findable by `planted`, text contains `text` if set.
- "reject": one reject record whose reason matches `reason`.
- "either": the verdict belongs to the clean stage's extraction heuristics (e.g. a
  page whose only text sits 5,000 elements deep); either it is stored and findable,
  or it is rejected with a reason matching `reason`. Never a crash.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

# ### Reason patterns (regexes, case-insensitive). Broad where the clean stage words them.
EMPTY = r"empty|no (article )?text|no content|nothing|too short|no text"
BINARY = r"binary|undecodable|not an article|not valid UTF-8|invalid JSON|not a readable|no entries"
TOO_LARGE = r"too large|max_bytes|max_html_bytes|over the .* limit"
BAD_JSON = r"invalid JSON|not valid UTF-8|nested too deeply"
NOT_OBJECT = r"expected a JSON object"
BAD_ID = r"'id' must be"
BAD_FIELD = r"must be a string"
NO_TEXT_FIELD = r"neither 'text' nor 'html'"
NO_ENTRIES = r"no entries|not a readable RSS/Atom feed"
NO_ENTRY_CONTENT = r"feed entry has no content"
NOT_FETCHED = r"not fetched"
GZIP = r"broken gzip|decompressed size exceeds"
NOT_REGULAR = r"not a regular file|cannot read"
HTML_EXTRACT = EMPTY + r"|elements|stage 'clean' failed|took longer than"
EMPTY_CONTAINER = r"no records|no articles|empty"


@dataclass
class Expect:
    origin: str  # relative to the corpus root, with the reader's ':N' / '[N]' / '#N' suffix
    family: str  # what kind of hostile input this is (the report's row)
    kind: str = "accept"  # accept | reject | either
    reason: str = ""  # regex the reject reason must match (reject/either)
    doc_id: str | None = None
    planted: str | None = None  # a word only this input's text contains
    text: str | None = None  # a string the stored text must contain exactly (decoding checks)
    group: str | None = None  # inputs sharing one id: the last of a group is the current version
    seq: int = 0  # position within its group
    absent: tuple[str, ...] = ()  # strings the stored text must not contain (script payloads)
    planted_required: bool = True  # False: stored without the planted word is a finding, not a failure
    date_bounds: bool = False  # `published` must be None or a sane ISO date


@dataclass
class Corpus:
    root: Path
    expects: list[Expect] = field(default_factory=list)

    def by_origin(self) -> dict[str, Expect]:
        return {str(self.root / e.origin): e for e in self.expects}


# ### Invented article material -------------------------------------------------------

PLACES = ["Varnholt", "Ellisport", "Tessaly", "Quarrow", "Mendris", "Oakhaven", "Brisca", "Lunet", "Corvale",
          "Dunmere", "Pellan", "Sorrento Bay", "Hightarn", "Vesk", "Aldmoor", "Ruvanne"]
PEOPLE = ["Ilse Marrow", "Tomas Reyke", "Ada Pennick", "Jonah Vell", "Mirela Stoica", "Ravi Dunne",
          "Clara Hoek", "Bram Ostler", "Nadia Kerr", "Olek Brandt", "Sena Aydar", "Pim Laurens"]
BODIES = ["city council", "water authority", "harbour board", "transport union", "school district",
          "health trust", "planning office", "fire service", "farmers' cooperative", "housing agency"]
ACTIONS = ["voted to repair the old stone bridge over the river", "approved a plan to reopen the night ferry",
           "agreed to raise the minimum hourly wage", "postponed the sale of the northern depot",
           "ordered an inquiry into the flooded tunnel", "announced new bus routes for the outer districts",
           "cut the budget for street lighting", "signed a contract for a new desalination plant",
           "delayed the vote on the harbour expansion", "promised free school meals from the autumn"]
DETAILS = ["The cost was put at {n} million crowns, to be paid over {m} years.",
           "About {n} residents attended the meeting, which ran late into the evening.",
           "{p}, who chairs the {b}, said the decision had been \"long overdue\".",
           "Critics warned that {n} jobs could be lost if the plan went ahead.",
           "The vote passed by {n} to {m}, with two members absent.",
           "Work is expected to start in {month} and last {m} months.",
           "{p} told reporters that talks with the {b} would resume next week.",
           "A previous attempt failed in {year} after a dispute over funding.",
           "Shop owners on the main square said trade had fallen by {n} percent.",
           "The {b} will publish a full report by the end of {month}.",
           "Opposition members called for an independent audit of the figures.",
           "Local newspapers reported queues of up to {n} minutes at the ferry terminal."]
MONTHS = ["January", "March", "April", "June", "September", "October", "November"]


def planted_word(n: int) -> str:
    return f"zork{n:05d}"


def _sentence(rng: random.Random) -> str:
    return rng.choice(DETAILS).format(n=rng.randint(2, 900), m=rng.randint(2, 40), p=rng.choice(PEOPLE),
                                      b=rng.choice(BODIES), month=rng.choice(MONTHS), year=rng.randint(1995, 2019))


def article(rng: random.Random, planted: str, paragraphs: int = 4, dash: str = "—") -> tuple[str, list[str]]:
    """(headline, paragraphs) of an invented local-news article; `planted` sits in paragraph 2."""
    place, body, action = rng.choice(PLACES), rng.choice(BODIES), rng.choice(ACTIONS)
    title = f"{place} {body} {action.split(' ', 1)[0]} plan after {rng.randint(2, 30)}-day row"
    paras = [f"{place.upper()} {dash} The {body} of {place} {action} on {rng.choice(['Monday', 'Tuesday', 'Friday'])}, "
             f"ending weeks of argument among its {rng.randint(9, 60)} members. " + _sentence(rng)]
    for i in range(1, paragraphs):
        sentences = [_sentence(rng) for _ in range(rng.randint(2, 4))]
        if i == 1:
            sentences.insert(1, f"The filing, listed under reference {planted}, was made public on the same day.")
        paras.append(" ".join(sentences))
    return title, paras


def text_file(title: str, paras: list[str], newline: str = "\n") -> str:
    return newline.join([title, ""] + [p + newline for p in paras]).rstrip() + newline


def html_page(title: str, paras: list[str], *, head: str = "", before: str = "", after: str = "",
              lang: str = "en") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head>{head}<title>{title} | The Valley Post</title></head>\n"
            f"<body><nav><a href=\"/\">Home</a> <a href=\"/local\">Local</a></nav>\n{before}"
            f"<article><h1>{title}</h1>\n{body}\n</article>{after}\n"
            f"<footer>Copyright The Valley Post</footer></body></html>\n")


# Sentences in other languages and scripts (written for these tests), for decoding checks.
LEGACY_SENTENCES = {
    "fr": "Le président du conseil a déclaré « non » à la réforme, à Genève, après une réunion très tendue.",
    "de": "Die Bürgermeisterin äußerte sich überrascht über die Größe des Defizits im Haushalt der Stadt.",
    "es": "El alcalde anunció que la compañía pagará más impuestos; los niños recibirán libros gratuitos.",
    "pt": "A ministra disse que a situação é séria e que a população não deve sair de casa à noite.",
    "ja": "東京の市議会は火曜日、古い石橋の修理に予算を使うことを決めました。市長は記者会見で計画を説明しました。",
    "ru": "Городской совет во вторник проголосовал за ремонт старого каменного моста через реку.",
    "el": "Το δημοτικό συμβούλιο ψήφισε την Τρίτη για την επισκευή της παλιάς πέτρινης γέφυρας.",
    "zh": "市议会星期二投票决定修复河上的旧石桥，市长在新闻发布会上介绍了这个计划。",
    "ko": "시의회는 화요일 강 위의 오래된 돌다리를 수리하기로 결정했다고 발표했습니다.",
}
# (encoding, language, declared label for HTML)
LEGACY = [("cp1252", "fr", "windows-1252"), ("cp1252", "de", "windows-1252"), ("cp1252", "es", "windows-1252"),
          ("latin-1", "fr", "iso-8859-1"), ("latin-1", "de", "iso-8859-1"), ("latin-1", "pt", "iso-8859-1"),
          ("shift_jis", "ja", "shift_jis"), ("euc-jp", "ja", "euc-jp"), ("koi8-r", "ru", "koi8-r"),
          ("cp1251", "ru", "windows-1251"), ("iso-8859-7", "el", "iso-8859-7"), ("gb18030", "zh", "gb18030"),
          ("euc-kr", "ko", "euc-kr"), ("utf-16", "fr", "utf-16"), ("utf-16", "ja", "utf-16")]

RTL_SAMPLES = [
    "قال رئيس البلدية إن العمل على الجسر سيبدأ في الربيع المقبل.",
    "ראש העירייה אמר כי העבודות על הגשר יתחילו באביב הבא.",
    "The mayor said «العمل سيبدأ» in spring, and ראש העירייה agreed.",
    "Mixed: Ελλάδα, Россия, 日本, 한국, हिन्दी समाचार, ภาษาไทย, done.",
    "Bidi controls: \u202eevil\u202c and \u2067isolate\u2069 and \u200fmark\u200e in one line.",
    "Combining: e\u0301 a\u0308 n\u0303 (written decomposed) and emoji \U0001F30D\U0001F3F3\uFE0F\u200D\U0001F308.",
    "Zero width: a\u200bb\u200cc\u200dd and a word-joiner\u2060here.",
    "फ़ैसला मंगलवार को लिया गया, अधिकारियों ने कहा।",
]
WHITESPACE = [" ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2003", "\u2028", "\u2029", "\x0b", "\x0c", "\u0085"]
SCRIPT_MARK = "xssmark"


class _Builder:
    def __init__(self, root: Path, seed: int):
        self.root = root
        self.rng = random.Random(seed)
        self.expects: list[Expect] = []
        self.n = 0

    def planted(self) -> str:
        self.n += 1
        return planted_word(self.n)

    def write(self, rel: str, data: bytes | str, encoding: str = "utf-8") -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
        return path

    def expect(self, origin: str, family: str, kind: str = "accept", **kw) -> Expect:
        exp = Expect(origin, family, kind, **kw)
        self.expects.append(exp)
        return exp

    def good_text(self, rel: str, family: str, *, newline: str = "\n", **kw) -> Expect:
        word = self.planted()
        title, paras = article(self.rng, word)
        self.write(rel, text_file(title, paras, newline))
        return self.expect(rel, family, doc_id=kw.pop("doc_id", _stem(rel)), planted=word, **kw)

    def record(self, word: str, **fields) -> dict:
        title, paras = article(self.rng, word)
        out = {"title": title, "text": "\n\n".join(paras)}
        out.update(fields)
        return out


def _stem(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    for ext in (".gz", ".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".rss", ".xml", ".atom"):
        while name.lower().endswith(ext) and len(name) > len(ext):
            name = name[: -len(ext)]
    return name


def build_corpus(root: Path, *, seed: int = 10, huge: bool = True) -> Corpus:
    """Write the hostile corpus under `root`; `huge=False` leaves out the 50 MB page."""
    b = _Builder(root, seed)
    _good(b)
    _empty_and_whitespace(b)
    _binary(b)
    _invalid_utf8(b)
    _legacy(b)
    _boms_and_nuls(b)
    _big(b, huge)
    _nesting(b)
    _scripts(b)
    _jsonl(b)
    _json(b)
    _feeds(b)
    _ids(b)
    _dates(b)
    _scripts_and_lines(b)
    _names_and_special_files(b)
    _gzip(b)
    return Corpus(root, b.expects)


# ### Families ------------------------------------------------------------------------

def _good(b: _Builder) -> None:
    for i in range(60):
        b.good_text(f"good/text/article-{i:03d}.txt", "well-formed text")
    for i in range(15):
        b.good_text(f"good/text/crlf-{i:03d}.md", "well-formed text", newline="\r\n")
    for i in range(40):
        word = b.planted()
        title, paras = article(b.rng, word)
        rel = f"good/html/page-{i:03d}.html"
        b.write(rel, html_page(title, paras, head='<meta charset="utf-8">'))
        b.expect(rel, "well-formed HTML", doc_id=_stem(rel), planted=word)
    lines = []
    for i in range(80):
        word = b.planted()
        doc_id = f"wire-{i:04d}"
        lines.append(json.dumps(b.record(word, id=doc_id, source="Valley Wire", published=f"2023-0{1 + i % 9}-1{i % 10}")))
        b.expect(f"good/wire.jsonl:{i + 1}", "well-formed JSONL", doc_id=doc_id, planted=word, date_bounds=True)
    b.write("good/wire.jsonl", "\n".join(lines) + "\n")


def _empty_and_whitespace(b: _Builder) -> None:
    for ext in (".txt", ".md", ".html", ".htm", "", ".text", ".txt.gz", ".html.gz"):
        rel = f"empty/empty{ext or '-noext'}"
        b.write(rel, gzip.compress(b"") if ext.endswith(".gz") else b"")
        b.expect(rel, "empty file", "reject", reason=EMPTY)
    for ext, reason in ((".jsonl", EMPTY_CONTAINER), (".json", r"invalid JSON"), (".rss", NO_ENTRIES),
                        (".xml", NO_ENTRIES), (".atom", NO_ENTRIES)):
        rel = f"empty/empty{ext}"
        b.write(rel, b"")
        b.expect(rel, "empty file", "reject", reason=reason)
    for i in range(60):
        ws = "".join(b.rng.choice(WHITESPACE) for _ in range(b.rng.randint(1, 400)))
        ext = b.rng.choice([".txt", ".md", ".html", ""])
        rel = f"blank/ws-{i:02d}{ext or '-noext'}"
        b.write(rel, ws)
        b.expect(rel, "whitespace only", "reject", reason=EMPTY)
    # Whitespace-only JSONL: blank lines are skipped, so the file holds no records.
    b.write("blank/blank.jsonl", "\n \n\t\n\r\n")
    b.expect("blank/blank.jsonl", "whitespace only", "reject", reason=EMPTY_CONTAINER)
    # A JSONL record whose text is only whitespace is a record without text.
    b.write("blank/ws-records.jsonl", "".join(json.dumps({"id": f"wsr-{i}", "text": ws}) + "\n"
                                               for i, ws in enumerate(WHITESPACE)))
    for i in range(len(WHITESPACE)):
        b.expect(f"blank/ws-records.jsonl:{i + 1}", "whitespace only", "reject", reason=NO_TEXT_FIELD + "|" + EMPTY)


MAGIC = [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"PK\x03\x04", b"\x7fELF\x02\x01",
         b"MZ\x90\x00", b"BZh91AY", b"SQLite format 3\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00\x00\x01\x00"]


def _binary(b: _Builder) -> None:
    exts = [".txt", ".html", ".md", "", ".htm", ".jsonl", ".rss", ".json", ".xml"]
    for i in range(110):
        ext = exts[i % len(exts)]
        data = bytes(b.rng.getrandbits(8) for _ in range(b.rng.randint(64, 20000)))
        if i % 3 == 0:
            data = MAGIC[i % len(MAGIC)] + data
        rel = f"binary/blob-{i:02d}{ext or '-noext'}"
        b.write(rel, data)
        b.expect(rel, "binary / random bytes", "reject", reason=BINARY)
    # A gzip stream named .html (a download saved without decompression).
    word = b.planted()
    title, paras = article(b.rng, word)
    b.write("binary/zipped-page.html", gzip.compress(html_page(title, paras).encode()))
    b.expect("binary/zipped-page.html", "binary / random bytes", "reject", reason=BINARY)


def _corrupt_utf8(rng: random.Random, text: str) -> bytes:
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(1, 6)):
        bad = rng.choice([b"\xff", b"\xfe", b"\xc3", b"\xe2\x82", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80",
                          b"\x80", b"\xbf\xbf"])
        pos = rng.randrange(len(data))
        while pos < len(data) and 0x80 <= data[pos] < 0xC0:  # keep valid sequences whole
            pos += 1
        data[pos:pos] = bad
    return bytes(data)


def _invalid_utf8(b: _Builder) -> None:
    for i in range(40):
        word = b.planted()
        title, paras = article(b.rng, word)
        paras[0] += " " + b.rng.choice(list(LEGACY_SENTENCES.values()))
        text = text_file(title, paras)
        ext = ".txt" if i % 2 == 0 else ".html"
        if ext == ".html":
            text = html_page(title, paras)
        rel = f"badutf8/mixed-{i:02d}{ext}"
        data = _corrupt_utf8(b.rng, text)
        # Keep the planted word intact: corrupt bytes only outside it.
        if word.encode() not in data:
            data = text.encode("utf-8")
        b.write(rel, data)
        b.expect(rel, "invalid UTF-8", doc_id=_stem(rel), planted=word)
    # Truncated in the middle of a multi-byte character (an interrupted download).
    for i in range(10):
        word = b.planted()
        title, paras = article(b.rng, word)
        paras.append(LEGACY_SENTENCES["ja"])
        data = text_file(title, paras).encode("utf-8")
        cut = len(data) - 1 - (i % 2)
        rel = f"badutf8/truncated-{i:02d}.txt"
        b.write(rel, data[:cut])
        b.expect(rel, "truncated download", doc_id=_stem(rel), planted=word)


def _legacy(b: _Builder) -> None:
    for i, (encoding, lang, label) in enumerate(LEGACY * 2):
        word = b.planted()
        sentence = LEGACY_SENTENCES[lang]
        title, paras = article(b.rng, word, paragraphs=3, dash="-")
        paras[0] = sentence + " " + paras[0]
        paras.append(sentence)
        # Plain text: no way to declare a charset, so detection has to work.
        rel = f"legacy/text-{i:02d}-{encoding}.txt"
        b.write(rel, text_file(title, paras), encoding)
        b.expect(rel, f"legacy encoding (text, {encoding})", doc_id=_stem(rel), planted=word, text=sentence)
        # HTML with the charset declared (meta charset, or the http-equiv form), then without.
        for form in ("declared", "undeclared"):
            word2 = b.planted()
            title2, paras2 = article(b.rng, word2, paragraphs=3, dash="-")
            paras2[0] = sentence + " " + paras2[0]
            paras2.append(sentence)
            head = ""
            if form == "declared":
                head = (f'<meta charset="{label}">' if i % 2 == 0 else
                        f'<meta http-equiv="Content-Type" content="text/html; charset={label}">')
            rel = f"legacy/page-{i:02d}-{encoding}-{form}.html"
            b.write(rel, html_page(title2, paras2, head=head, lang=lang), encoding)
            b.expect(rel, f"legacy encoding (HTML, {form})", doc_id=_stem(rel), planted=word2, text=sentence)


def _boms_and_nuls(b: _Builder) -> None:
    boms = [("utf-8-sig", "utf-8"), ("utf-16", "utf-16"), ("utf-16-le", None), ("utf-16-be", None),
            ("utf-32", "utf-32")]
    for i, (encoding, _) in enumerate(boms * 3):
        word = b.planted()
        title, paras = article(b.rng, word)
        paras.append(LEGACY_SENTENCES["de"])
        raw = text_file(title, paras).encode(encoding)
        if encoding == "utf-16-le":
            raw = codecs.BOM_UTF16_LE + raw
        elif encoding == "utf-16-be":
            raw = codecs.BOM_UTF16_BE + raw
        rel = f"bom/bom-{i:02d}-{encoding}.txt"
        b.write(rel, raw)
        b.expect(rel, "byte-order mark", doc_id=_stem(rel), planted=word, text=LEGACY_SENTENCES["de"])
    # A BOM on the first JSONL line, and a BOM-only file.
    word = b.planted()
    b.write("bom/bom.jsonl", codecs.BOM_UTF8 + json.dumps(b.record(word, id="bom-line")).encode() + b"\n")
    b.expect("bom/bom.jsonl:1", "byte-order mark", doc_id="bom-line", planted=word)
    b.write("bom/only-bom.txt", codecs.BOM_UTF8)
    b.expect("bom/only-bom.txt", "byte-order mark", "reject", reason=EMPTY)
    # UTF-16 text without a BOM (ASCII-heavy: every other byte NUL).
    for i in range(4):
        word = b.planted()
        title, paras = article(b.rng, word)
        rel = f"bom/utf16-nobom-{i}.txt"
        b.write(rel, text_file(title, paras).encode("utf-16-le" if i % 2 == 0 else "utf-16-be"))
        b.expect(rel, "UTF-16 without BOM", doc_id=_stem(rel), planted=word, text=paras[0][:40])
    # A few stray NULs are damage to strip; a file of NULs is binary.
    for i in range(20):
        word = b.planted()
        title, paras = article(b.rng, word)
        data = bytearray(text_file(title, paras).encode())
        for _ in range(1 + i % 3):
            pos = b.rng.randrange(len(data))
            while word.encode() in data and data.find(word.encode()) <= pos < data.find(word.encode()) + len(word):
                pos = b.rng.randrange(len(data))
            data[pos:pos] = b"\x00"
        ext = ".txt" if i % 2 == 0 else ".html"
        if ext == ".html":
            data = bytearray(html_page(title, paras).encode())
            data[200:200] = b"\x00"
        rel = f"nul/stray-{i:02d}{ext}"
        b.write(rel, bytes(data))
        b.expect(rel, "NUL bytes", doc_id=_stem(rel), planted=word)
    for i in range(5):
        rel = f"nul/nuls-{i}.txt"
        b.write(rel, b"\x00" * (10 + 1000 * i))
        b.expect(rel, "NUL bytes", "reject", reason=BINARY)
    # NUL escaped inside JSON strings, and a raw NUL inside a JSONL line.
    word = b.planted()
    rec = b.record(word, id="nul-escaped")
    rec["text"] = rec["text"].replace(". ", ".\u0000 ", 1)
    raw_nul = json.dumps(b.record(b.planted(), id="nul-raw")).replace(". ", ".\x00 ", 1)
    b.write("nul/nul.jsonl", json.dumps(rec) + "\n" + raw_nul + "\n")
    b.expect("nul/nul.jsonl:1", "NUL bytes", doc_id="nul-escaped", planted=word)
    b.expect("nul/nul.jsonl:2", "NUL bytes", "reject", reason=BAD_JSON)


def _big(b: _Builder, huge: bool) -> None:
    para = "<p>" + " ".join(_sentence(b.rng) for _ in range(40)) + "</p>\n"
    if huge:
        # 50 MB of HTML: over ingest.max_bytes (10 MB by default), so rejected before reading.
        page = ("<html><body><article>" + para * (50_000_000 // len(para) + 1) + "</article></body></html>").encode()
        b.write("big/fifty-mb.html", page)
        b.expect("big/fifty-mb.html", "50 MB page", "reject", reason=TOO_LARGE)
    just_over = b"<html><body>" + para.encode() * (10_000_001 // len(para) + 1)
    b.write("big/just-over-limit.html", just_over)
    b.expect("big/just-over-limit.html", "50 MB page", "reject", reason=TOO_LARGE)
    # A JSONL line over the limit: the rest of the file still counts.
    word = b.planted()
    huge_line = json.dumps({"id": "huge-line", "text": "word " * 2_100_000})
    b.write("big/huge-line.jsonl", huge_line + "\n" + json.dumps(b.record(word, id="after-huge")) + "\n")
    b.expect("big/huge-line.jsonl:1", "50 MB page", "reject", reason=TOO_LARGE)
    b.expect("big/huge-line.jsonl:2", "50 MB page", doc_id="after-huge", planted=word)


def _nesting(b: _Builder) -> None:
    for i, depth in enumerate((50, 100, 200, 300, 1000, 3000, 10000, 50000)):
        word = b.planted()
        title, paras = article(b.rng, word)
        tag = ["div", "span", "b", "section"][i % 4]
        inner = "".join(f"<p>{p}</p>" for p in paras)
        page = f"<html><body><h1>{title}</h1>" + f"<{tag}>" * depth + inner + f"</{tag}>" * depth + "</body></html>"
        rel = f"nested/deep-{depth}.html"
        b.write(rel, page)
        # Shallow nesting is an ordinary page; thousands of levels are past what parsers keep.
        if depth <= 200:
            b.expect(rel, "deeply nested HTML", doc_id=_stem(rel), planted=word)
        else:
            # libxml2's HTML parser drops what sits deeper than 255 elements (without
            # huge_tree), so the article may be lost: a finding for `clean`, not a crash.
            b.expect(rel, "deeply nested HTML", "either", reason=HTML_EXTRACT, doc_id=_stem(rel), planted=word,
                     planted_required=False)
    for i in range(20):
        word = b.planted()
        title, paras = article(b.rng, word)
        opened = "".join(f"<{b.rng.choice(['div', 'p', 'b', 'i', 'table', 'td', 'ul', 'li', 'font'])}>"
                         for _ in range(b.rng.randint(1, 50)))
        body = "".join(f"<p>{p}" for p in paras)  # no </p> anywhere
        cut = b.rng.choice([None, "<a href=\"x", "<!-- unterminated comment", "<script>var a = 1;"])
        page = f"<html><head><title>{title}</title><body>{opened}<h1>{title}{body}"
        if cut and i % 2:
            page += cut  # the download stopped mid-tag
        rel = f"unclosed/page-{i:02d}.html"
        b.write(rel, page)
        b.expect(rel, "unclosed tags / truncated HTML", doc_id=_stem(rel), planted=word)
    for i in range(5):
        rel = f"unclosed/tags-only-{i}.html"
        b.write(rel, "<html><body>" + "<div><span><img src=x>" * (100 * (i + 1)))
        b.expect(rel, "unclosed tags / truncated HTML", "reject", reason=HTML_EXTRACT)


SCRIPT_PAYLOADS = [
    f"<script>alert('{SCRIPT_MARK}1');document.cookie</script>",
    f"<script type=\"text/javascript\">/*<![CDATA[*/ fetch('/{SCRIPT_MARK}2') /*]]>*/</script>",
    f"<style>body {{ background: url('javascript:{SCRIPT_MARK}3') }}</style>",
    f"<iframe src=\"javascript:alert('{SCRIPT_MARK}4')\"></iframe>",
    f"<img src=x onerror=\"alert('{SCRIPT_MARK}5')\">",
    f"<svg onload=alert('{SCRIPT_MARK}6')><script>{SCRIPT_MARK}7</script></svg>",
    f"<a href=\"javascript:alert('{SCRIPT_MARK}8')\" style=\"display:none\"></a>",
    f"<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#{SCRIPT_MARK}9\"></object>",
    f"<noscript><iframe src=//evil.example/{SCRIPT_MARK}10></iframe></noscript>",
    f"<template><script>{SCRIPT_MARK}11()</script></template>",
    f"<scr<script>ipt>alert('{SCRIPT_MARK}12')</scr</script>ipt>",
    f"<script>document.write('<p>{SCRIPT_MARK}13 injected paragraph text that looks like an article</p>')</script>",
]


def _scripts(b: _Builder) -> None:
    for i in range(48):
        word = b.planted()
        title, paras = article(b.rng, word)
        payload = SCRIPT_PAYLOADS[i % len(SCRIPT_PAYLOADS)]
        where = i % 3
        page = html_page(title, paras, head=payload if where == 0 else "", before=payload if where == 1 else "",
                         after=payload if where == 2 else "")
        rel = f"script/page-{i:02d}.html"
        b.write(rel, page)
        b.expect(rel, "script/style/iframe payload", doc_id=_stem(rel), planted=word, absent=(SCRIPT_MARK,))
    lines = []
    for i in range(24):
        word = b.planted()
        title, paras = article(b.rng, word)
        html = SCRIPT_PAYLOADS[i % len(SCRIPT_PAYLOADS)] + "".join(f"<p>{p}</p>" for p in paras)
        lines.append(json.dumps({"id": f"xss-{i:02d}", "title": title, "html": html}))
        b.expect(f"script/records.jsonl:{i + 1}", "script/style/iframe payload", doc_id=f"xss-{i:02d}",
                 planted=word, absent=(SCRIPT_MARK,))
    b.write("script/records.jsonl", "\n".join(lines) + "\n")
    # A script-only page has no article.
    for i in range(6):
        rel = f"script/only-script-{i}.html"
        b.write(rel, "<html><head>" + "".join(SCRIPT_PAYLOADS[:8]) + "</head><body>" + SCRIPT_PAYLOADS[i]
                + "</body></html>")
        b.expect(rel, "script/style/iframe payload", "reject", reason=HTML_EXTRACT)


def _jsonl(b: _Builder) -> None:
    """One file of good and broken lines interleaved; each line is one input."""
    cases: list[tuple[str, str, dict]] = []  # (line, kind, expect kwargs)

    def good(**extra):
        word = b.planted()
        doc_id = extra.pop("id", None) or f"mix-{word}"
        rec = b.record(word, id=doc_id, **extra)
        return json.dumps(rec), "accept", {"doc_id": doc_id, "planted": word}

    def bad(line: str, reason: str):
        return line, "reject", {"reason": reason}

    for i in range(25):
        cases.append(good())
    base = json.dumps(b.record("unused", id="broken"))
    for cut in (1, 10, 40, len(base) // 2, len(base) - 1):
        cases.append(bad(base[:cut], BAD_JSON))  # truncated lines
    for text in ("{'id': 'single', 'text': 'quotes'}", '{"id": "x", "text": "trailing",}', "{id: 1}", "NaN}",
                 '{"id": "x" "text": "missing comma"}', "<html><body>not json</body></html>", "{", "}", "{{}}",
                 '{"text": "unterminated', '"just a string"', "[[[[", '{"a":' * 10):
        cases.append(bad(text, BAD_JSON if not text.startswith('"just') else NOT_OBJECT))
    for value in ("[1, 2, 3]", "42", '"text"', "null", "true", "[]", '[{"id": "in-list", "text": "x"}]', "3.5"):
        cases.append(bad(value, NOT_OBJECT))
    for wrong in ([1], {"a": 1}, 1.5, True, None):
        word = b.planted()
        rec = b.record(word, id=wrong)
        if wrong is None:
            # A null id falls back to the file's stem and line number.
            cases.append((json.dumps(rec), "accept", {"doc_id": None, "planted": word}))
        elif wrong is True:
            cases.append((json.dumps(rec), "reject", {"reason": BAD_ID}))
        else:
            cases.append(bad(json.dumps(rec), BAD_ID))
    for key in ("text", "title", "html", "url", "source", "published", "author"):
        for wrong in ([1, 2], {"nested": "object"}):
            rec = b.record(b.planted(), id=f"wrongtype-{key}-{type(wrong).__name__}")
            rec[key] = wrong
            cases.append(bad(json.dumps(rec), BAD_FIELD))
    for key, value in (("text", 12345), ("title", 3.25), ("published", 20200202)):
        word = b.planted()
        rec = b.record(word, id=f"number-{key}")
        rec[key] = value
        if key == "text":
            cases.append(bad(json.dumps(rec), BAD_FIELD))  # the article text must be a string
        else:
            cases.append((json.dumps(rec), "accept", {"doc_id": f"number-{key}", "planted": word}))
    for missing in ({"id": "no-text", "title": "Title only"}, {"id": "empty-text", "text": ""},
                    {"id": "blank-html", "html": "   "}, {}):
        cases.append(bad(json.dumps(missing), NO_TEXT_FIELD))
    cases.append(bad('{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}", BAD_JSON + "|" + BAD_FIELD))
    cases.append(bad("[" * 200_000, BAD_JSON))
    cases.append(bad(json.dumps(b.record("unused", id="bad-bytes"))[:-20] + "\udcff", BAD_JSON))
    # Lone surrogates (JSON escapes) in text and metadata must not reach the store raw.
    word = b.planted()
    rec = b.record(word, id="surrogates", author="Ann \\ud800 Lee", source="Wire \\udfff")
    line = json.dumps(rec).replace("\\\\ud800", "\\ud800").replace("\\\\udfff", "\\udfff")
    line = line.replace('"text": "', '"text": "\\udc80 ', 1)
    cases.append((line, "accept", {"doc_id": "surrogates", "planted": word}))
    # Duplicate keys: JSON's last one wins.
    word = b.planted()
    rec = b.record(word, id="dupkey")
    line = json.dumps(rec)[:-1] + ', "id": "dupkey-2"}'
    cases.append((line, "accept", {"doc_id": "dupkey-2", "planted": word}))
    # Unknown fields are ignored; extra whitespace and CRLF line ends are fine.
    word = b.planted()
    cases.append(("   " + json.dumps(b.record(word, id="padded", extra_field=[1, 2], score=0.5)) + " \r",
                  "accept", {"doc_id": "padded", "planted": word}))

    b.rng.shuffle(cases)
    lines, number = [], 0
    for i, (line, kind, kw) in enumerate(cases):
        if i % 7 == 3:
            lines.append("")  # blank lines are skipped, not inputs
            number += 1
        lines.append(line)
        number += 1
        if kind == "accept" and kw.get("doc_id") is None:
            kw["doc_id"] = f"mixed-{number}"
        b.expect(f"jsonl/mixed.jsonl:{number}", "JSONL broken lines / wrong types", kind,
                 reason=kw.pop("reason", ""), **kw)
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    b.write("jsonl/mixed.jsonl", data)  # no trailing newline: the last line still counts
    # A JSONL file with Windows line ends throughout.
    recs = []
    for i in range(5):
        word = b.planted()
        recs.append(json.dumps(b.record(word, id=f"crlf-rec-{i}")))
        b.expect(f"jsonl/crlf.jsonl:{i + 1}", "JSONL broken lines / wrong types", doc_id=f"crlf-rec-{i}",
                 planted=word)
    b.write("jsonl/crlf.jsonl", "\r\n".join(recs) + "\r\n")
    # JSONL in UTF-16 and a binary file named .jsonl: one reject for the file, not one per "line".
    b.write("jsonl/utf16.jsonl", "\n".join(recs).encode("utf-16"))
    b.expect("jsonl/utf16.jsonl", "JSONL broken lines / wrong types", "reject", reason=r"UTF-8|binary")


def _json(b: _Builder) -> None:
    word1, word2 = b.planted(), b.planted()
    b.write("json/list.json", json.dumps([b.record(word1, id="jl-1"), b.record(word2, id="jl-2"), "oops"]))
    b.expect("json/list.json[1]", "JSON files", doc_id="jl-1", planted=word1)
    b.expect("json/list.json[2]", "JSON files", doc_id="jl-2", planted=word2)
    b.expect("json/list.json[3]", "JSON files", "reject", reason=NOT_OBJECT)
    word = b.planted()
    b.write("json/wrapped.json", json.dumps({"articles": [b.record(word, id="jw-1")]}))
    b.expect("json/wrapped.json[1]", "JSON files", doc_id="jw-1", planted=word)
    word = b.planted()
    b.write("json/single.json", json.dumps(b.record(word, id="js-1")))
    b.expect("json/single.json[1]", "JSON files", doc_id="js-1", planted=word)
    for name, data, reason in (("scalar.json", "42", r"JSON must be"), ("bad.json", "{not json", r"invalid JSON"),
                               ("deep.json", "[" * 100_000 + "]" * 100_000, BAD_JSON + "|" + NOT_OBJECT),
                               ("empty-list.json", "[]", EMPTY_CONTAINER),
                               ("articles-not-list.json", '{"articles": 5}', r"JSON must be")):
        b.write(f"json/{name}", data)
        b.expect(f"json/{name}", "JSON files", "reject", reason=reason)


def _rss(items: list[str], title: str = "Valley Wire") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://valley.example/</link>{''.join(items)}</channel></rss>\n")


def _item(guid: str, title: str, paras: list[str], date: str | None) -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    pub = f"<pubDate>{date}</pubDate>" if date is not None else ""
    return (f"<item><guid>{guid}</guid><title>{title}</title><link>https://valley.example/{guid}</link>"
            f"{pub}<description><![CDATA[{body}]]></description></item>")


BAD_DATES = ["yesterday", "31/02/2020", "0000-00-00", "Mon, 99 Foo 9999 99:99:99 GMT", "9999-12-31T23:59:59Z",
             "0001-01-01", "", "2020-13-45", "Tue, 30 Feb 2021 10:00:00 GMT", "1e10", "-0001-01-01", "now",
             "\u0662\u0660\u0662\u0660-\u0660\u0661-\u0660\u0661", "Sun, 02 Feb 2020 10:00:00 +9999",
             "2020-02-02T25:61:61", "   ", "2020-02-02" * 50, "\x00"]


def _feeds(b: _Builder) -> None:
    for f in range(6):
        items = []
        for i in range(5):
            word = b.planted()
            title, paras = article(b.rng, word)
            guid = f"feed{f}-item{i}"
            date = BAD_DATES[(f * 5 + i) % len(BAD_DATES)] if f < 4 else "Sun, 02 Feb 2020 10:00:00 GMT"
            items.append(_item(guid, title, paras, date))
            b.expect(f"feeds/feed-{f}.rss#{i + 1}", "feeds with bad dates" if f < 4 else "well-formed feed",
                     doc_id=guid, planted=word, date_bounds=True)
        b.write(f"feeds/feed-{f}.rss", _rss(items))
    # Atom with bad dates, one entry without content.
    word = b.planted()
    title, paras = article(b.rng, word)
    atom = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>'
            f'<entry><id>urn:uuid:atom-1</id><title>{title}</title><updated>9999-99-99</updated>'
            f'<content type="html">{"".join("&lt;p&gt;" + p + "&lt;/p&gt;" for p in paras)}</content></entry>'
            '<entry><id>urn:uuid:atom-2</id><title>No body</title><updated>2020-01-01T00:00:00Z</updated></entry>'
            "</feed>")
    b.write("feeds/desk.atom", atom)
    b.expect("feeds/desk.atom#1", "feeds with bad dates", doc_id="urn_uuid_atom-1", planted=word, date_bounds=True)
    b.expect("feeds/desk.atom#2", "feeds with bad dates", "reject", reason=NO_ENTRY_CONTENT)
    # A feed cut off mid-item: the complete items before the cut survive.
    word = b.planted()
    title, paras = article(b.rng, word)
    whole = _item("cut-1", title, paras, "Sun, 02 Feb 2020 10:00:00 GMT")
    b.write("feeds/truncated.rss", _rss([whole]).replace("</channel></rss>\n", "") + "<item><guid>cut-2</gu")
    b.expect("feeds/truncated.rss#1", "truncated feed", doc_id="cut-1", planted=word)
    b.expect("feeds/truncated.rss#2", "truncated feed", "reject", reason=NO_ENTRY_CONTENT)  # the cut-off item
    # Not feeds at all.
    b.write("feeds/sitemap.xml", '<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>')
    b.expect("feeds/sitemap.xml", "truncated feed", "reject", reason=NO_ENTRIES)
    b.write("feeds/garbage.rss", "<rss><channel><<<>>>&&&;</rss")
    b.expect("feeds/garbage.rss", "truncated feed", "reject", reason=NO_ENTRIES)
    # A billion-laughs entity bomb must not expand.
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
                      for i in range(1, 10))
            + ']><rss version="2.0"><channel><title>&lol9;</title><item><title>x</title>'
              "<description>&lol9;</description></item></channel></rss>")
    b.write("feeds/bomb.rss", bomb)
    # feedparser's loose parser leaves the entity unexpanded: a tiny document, no bomb.
    b.expect("feeds/bomb.rss#1", "truncated feed", "either", reason=NO_ENTRIES + "|" + EMPTY + "|" + NO_ENTRY_CONTENT,
             doc_id=None, absent=("lollol",))


def _ids(b: _Builder) -> None:
    # Duplicate ids with different content: every version kept, the last one current.
    for g in range(15):
        for seq, folder in enumerate(("dupid/a", "dupid/b")):
            b.good_text(f"{folder}/story-{g:02d}.txt", "duplicate id, different content", group=f"story-{g:02d}",
                        seq=seq)
    recs = []
    for seq in range(3):
        word = b.planted()
        recs.append(json.dumps(b.record(word, id="same-id-thrice")))
        b.expect(f"dupid/wire.jsonl:{seq + 1}", "duplicate id, different content", doc_id="same-id-thrice",
                 planted=word, group="same-id-thrice", seq=seq)
    # The second copy of line 1 is the same content again: a no-op, not a fourth version.
    recs.append(recs[0])
    b.expect("dupid/wire.jsonl:4", "duplicate id, different content", "accept", doc_id="same-id-thrice",
             planted=json.loads(recs[0])["text"].split("reference ")[1].split(",")[0], group="same-id-thrice", seq=-1)
    b.write("dupid/wire.jsonl", "\n".join(recs) + "\n")
    # Names that sanitise to one id ("a b" and "a_b") are versions of one document.
    b.good_text("dupid/names/x y.txt", "duplicate id, different content", doc_id="x_y", group="x_y", seq=0)
    b.good_text("dupid/names/x_y.txt", "duplicate id, different content", doc_id="x_y", group="x_y", seq=1)
    # Same content under different ids: both stored, the later marked a duplicate.
    for g in range(15):
        word = b.planted()
        title, paras = article(b.rng, word)
        for copy in ("first", "second"):
            rel = f"samecontent/{copy}-{g:02d}.txt"
            b.write(rel, text_file(title, paras))
            b.expect(rel, "same content, different ids", doc_id=_stem(rel), planted=word, group=f"copy-{g}")


def _dates(b: _Builder) -> None:
    values = ["0000-01-01", "9999-12-31", "0001-01-01T00:00:00Z", "-0001-01-01", "2020-13-45", "2020-02-30",
              "10000-01-01", "1e10", "0", "-1", "99999999999999999999", 253402300800, -62135596800, 0, 1e300,
              "2020-02-02T10:00:00+25:00", "Feb 30 2020", "yesterday", "in 3 days", "1899-12-31", "1800-01-01",
              "3000-01-01", "2020-02-02T10:00:00.123456789Z", "2020-W05-7", "2020-033", "Q1 2020",
              "\u202e2020-02-02", "٢٠٢٠-٠٢-٠٢", "２０２０-０２-０２", "2020-02-02\x00", "null", "NaN", "Infinity",
              "2020-02-02" + " " * 5000, "2020/02/02", "02/02/2020", "2.2.2020", "Sun, 02 Feb 2020 10:00:00 GMT",
              "2020-02-02T10:00:00", "1970-01-01"]
    recs = []
    for i, value in enumerate(values):
        word = b.planted()
        rec = b.record(word, id=f"date-{i:02d}")
        rec["published"] = value
        recs.append(json.dumps(rec))
        b.expect(f"dates/absurd.jsonl:{i + 1}", "absurd dates", doc_id=f"date-{i:02d}", planted=word,
                 date_bounds=True)
    b.write("dates/absurd.jsonl", "\n".join(recs) + "\n")


def _scripts_and_lines(b: _Builder) -> None:
    # Right-to-left and mixed scripts, in text files, JSONL and HTML.
    import unicodedata

    for i, sample in enumerate(RTL_SAMPLES * 4):
        word = b.planted()
        title, paras = article(b.rng, word)
        paras[2] = sample + " " + paras[2]
        expected = unicodedata.normalize("NFC", sample)
        kind = i % 3
        if kind == 0:
            rel = f"scripts/rtl-{i:02d}.txt"
            b.write(rel, text_file(title, paras))
        elif kind == 1:
            rel = f"scripts/rtl-{i:02d}.html"
            b.write(rel, html_page(title, paras, head='<meta charset="utf-8">', lang="ar"))
        else:
            rel = f"scripts/rtl-{i:02d}.jsonl"
            b.write(rel, json.dumps({"id": f"rtl-{i:02d}", "title": sample[:40], "text": "\n\n".join(paras)}) + "\n")
            b.expect(rel + ":1", "right-to-left / mixed scripts", doc_id=f"rtl-{i:02d}", planted=word,
                     text=expected if "\u202e" not in sample else None)
            continue
        b.expect(rel, "right-to-left / mixed scripts", doc_id=_stem(rel), planted=word,
                 text=expected if "\u202e" not in sample and kind == 0 else None)
    # Extremely long lines: one 1-3 MB line of prose with no line break.
    for i in range(6):
        word = b.planted()
        words = " ".join(_sentence(b.rng) for _ in range(200))
        line = (words + " ") * (20 * (i + 1)) + f"The reference {word} ends it."
        ext = [".txt", ".html", ".jsonl"][i % 3]
        rel = f"longlines/line-{i}{ext}"
        if ext == ".jsonl":
            b.write(rel, json.dumps({"id": f"longline-{i}", "text": line}) + "\n")
            b.expect(rel + ":1", "extremely long lines", doc_id=f"longline-{i}", planted=word)
            continue
        b.write(rel, f"<html><body><article><p>{line}</p></article></body></html>" if ext == ".html"
                else "Long line headline\n\n" + line)
        b.expect(rel, "extremely long lines", "either" if ext == ".html" else "accept",
                 reason=HTML_EXTRACT, doc_id=_stem(rel), planted=word)
    # A single "word" of 200 KB with no spaces at all.
    word = b.planted()
    b.write("longlines/one-token.txt", f"Headline\n\nThe reference {word} starts it. " + "x" * 200_000)
    # Clean may take a 200 KB non-word for junk and find no article: either is fine.
    b.expect("longlines/one-token.txt", "extremely long lines", "either", reason=EMPTY, doc_id="one-token",
             planted=word)
    # URL lists: each line is a reject (ingest does not fetch).
    b.write("urls/list.urls", "https://example.org/a\nfile:///etc/passwd\nhttp://127.0.0.1:8080/admin\n")
    for n in range(3):
        b.expect(f"urls/list.urls:{n + 1}", "URL lists", "reject", reason=NOT_FETCHED)


def _names_and_special_files(b: _Builder) -> None:
    names = ["-rf.txt", "--db.txt", "über straße.txt", "日本語のファイル.txt", "a" * 200 + ".txt", "semi;colon.txt",
             "quote\"d.txt", "back\\slash.txt", "new\nline.txt", "tab\tname.txt", "dollar$(id).txt",
             "x..txt", "-.txt", " leading space.txt", "trailing.txt.", "UPPER.TXT", "emoji-\U0001F4F0.md", "rtl-\u202etxt.exe"]
    for name in names:
        rel = f"names/{name}"
        word = b.planted()
        title, paras = article(b.rng, word)
        b.write(rel, text_file(title, paras))
        b.expect(rel, "odd file names", doc_id=None, planted=word)
    # A name that is not valid UTF-8 (bytes on disk), as old archives have.
    word = b.planted()
    title, paras = article(b.rng, word)
    folder = b.root / "names"
    raw_name = os.fsencode(folder) + b"/caf\xe9-latin1.txt"
    with open(raw_name, "wb") as fh:
        fh.write(text_file(title, paras).encode())
    b.expect(os.path.relpath(os.fsdecode(raw_name), b.root), "odd file names", doc_id=None, planted=word)
    # Things that are not regular files: a FIFO (reading it would block), a device, loops.
    special = b.root / "special"
    special.mkdir(parents=True, exist_ok=True)
    if hasattr(os, "mkfifo"):
        os.mkfifo(special / "pipe.txt")
        b.expect("special/pipe.txt", "special files", "reject", reason=NOT_REGULAR)
    if os.path.exists("/dev/zero"):
        os.symlink("/dev/zero", special / "zero.txt")
        b.expect("special/zero.txt", "special files", "reject", reason=NOT_REGULAR)
    os.symlink("loop.txt", special / "loop.txt")
    b.expect("special/loop.txt", "special files", "reject", reason=NOT_REGULAR)
    os.symlink("does-not-exist.txt", special / "dangling.txt")
    b.expect("special/dangling.txt", "special files", "reject", reason=NOT_REGULAR)
    locked = special / "locked.txt"
    word = b.planted()
    title, paras = article(b.rng, word)
    locked.write_text(text_file(title, paras))
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads it anyway
        b.expect("special/locked.txt", "special files", doc_id="locked", planted=word)
    else:
        b.expect("special/locked.txt", "special files", "reject", reason=NOT_REGULAR)
    # Hidden files and folders are skipped by design (not inputs).
    b.write(".hidden/secret.txt", "Hidden\n\nNot an input.")
    b.write("names/.dotfile.txt", "Hidden\n\nNot an input.")


def _gzip(b: _Builder) -> None:
    for i in range(10):
        word = b.planted()
        title, paras = article(b.rng, word)
        rel = f"gz/gzpage-{i:02d}.html.gz" if i % 2 else f"gz/gzstory-{i:02d}.txt.gz"
        content = html_page(title, paras) if i % 2 else text_file(title, paras)
        b.write(rel, gzip.compress(content.encode()))
        b.expect(rel, "gzip", doc_id=_stem(rel), planted=word)
    for i in range(5):
        data = gzip.compress(b"x" * 10000)
        rel = f"gz/truncated-{i}.txt.gz"
        b.write(rel, data[: len(data) // (i + 2)])
        b.expect(rel, "gzip", "reject", reason=GZIP)
    b.write("gz/not-gzip.html.gz", b"<html>plain, not compressed</html>")
    b.expect("gz/not-gzip.html.gz", "gzip", "reject", reason=GZIP)
    # A gzip bomb: 40 kB that expands past ingest.max_bytes.
    out = gzip.compress(b"\0" * 40_000_000, compresslevel=9)
    b.write("gz/bomb.txt.gz", out)
    b.expect("gz/bomb.txt.gz", "gzip", "reject", reason=GZIP)
    b.write("gz/binary.txt.gz", gzip.compress(bytes(b.rng.getrandbits(8) for _ in range(5000))))
    b.expect("gz/binary.txt.gz", "gzip", "reject", reason=BINARY)
