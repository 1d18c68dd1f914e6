"""Article text and metadata from an HTML page.

trafilatura finds the main content; this module feeds it a parsed tree and
repairs the failure classes we measured on the dev half of trafilatura's own
benchmark (see docs/eval-extraction.md):

- *Lost lede.* trafilatura drops the standfirst/lead paragraph that sites put
  in `class="teaser"`, `"intro"`, `"lead"`, `"excerpt"`, `"abstract"`,
  `"chapo"`..., because such classes usually mark link teasers. We put it back
  when it sits between the headline and the body, has few links, and its class
  is not repeated like a teaser list.
- *Standfirst only in the description.* Failing a lede block, the meta
  description becomes the first paragraph when the page also shows it.
- *Empty extraction.* When trafilatura returns next to nothing, the page's
  article container (`itemprop=articleBody`, `article-body`...) is read; when
  JSON-LD `articleBody` holds at least twice the text, that is used
  (structured data, not script code: no script text ever reaches the body).
- *Headline in the body.* The headline is `title`, never the first paragraph.
- *Comments.* Reader comments are not the article (trafilatura keeps them by
  default).

Dates come with their evidence: a meta tag or JSON-LD `datePublished` is near
certain, a date in the URL likely, htmldate's markup heuristics less so.

Line-level junk (share bars, "READ ALSO", paywall counters) is left to
`lines.clean_lines`, which runs on every format.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import charset_normalizer
from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.metadata import examine_meta, extract_title
from trafilatura.utils import load_html

from storyline.errors import InputError

LOGGER = logging.getLogger(__name__)

DEFAULT_MAX_HTML_BYTES = 10 * 1024 * 1024
# trafilatura's time grows faster than linearly with the element count
# (100k <p> take ~11 s); real pages stay under ~10k.
DEFAULT_MAX_HTML_ELEMENTS = 40_000
MAX_JSONLD_CHARS = 2_000_000

# ### Confidence of a publication date, by where it was found.
CONF_META = 0.95
CONF_JSONLD = 0.95
CONF_TIME_ELEMENT = 0.85
CONF_URL = 0.8
CONF_HTMLDATE = 0.6

# ### Lede recovery
LEDE_CLASS = re.compile(
    r"(?:^|[^a-z])(?:lead|lede|leadin|leadtext|teaser|teasertext|intro|introtext|introduction|excerpt|abstract"
    r"|standfirst|summary|chapo|chapeau|dek|deck|subheadline|subtitle|sub-title|subline|description"
    r"|entry-summary|article-summary)(?:$|[^a-z])"
)
# Containers whose "teaser"/"intro" blocks are about other pages.
LEDE_BAD_CONTAINER = re.compile(
    r"related|sidebar|widget|recommend|teaser-?list|teaserlist|carousel|slider|swiper|comment|footer|nav|menu"
    r"|breadcrumb|newsletter|promo|advert|cookie|social|share|more-|-more|author-bio|bio\b|card-list|latest"
    r"|popular|trending|consent"
)
LEDE_TAGS = frozenset({"p", "div", "h2", "h3", "span", "section", "strong", "em", "header"})
LEDE_MIN_WORDS = 8
LEDE_MAX_WORDS = 150
LEDE_MAX_LINK_SHARE = 0.3
LEDE_MAX_CLASS_REPEATS = 3
LEDE_MAX_DEPTH = 6

# ### JSON-LD articleBody fallback: only when it holds clearly more text.
ARTICLE_BODY_MIN_WORDS = 80
ARTICLE_BODY_RATIO = 2.0
ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Report|Posting|NewsArticle|WebPage|Review", re.I)

# ### Container fallback: when trafilatura returns next to nothing.
SHORT_BODY_WORDS = 60
CONTAINER_RATIO = 3.0
ARTICLE_CONTAINERS = (
    "//*[@itemprop='articleBody']"
    " | //*[contains(@class, 'article-body') or contains(@class, 'article-content') or contains(@class, 'articleBody')"
    " or contains(@class, 'article__body') or contains(@class, 'article__content') or contains(@class, 'entry-content')"
    " or contains(@class, 'post-content') or contains(@class, 'story-body') or contains(@class, 'story-content')"
    " or contains(@class, 'post-body') or contains(@class, 'article-text') or contains(@class, 'news-text')]"
)
DESCRIPTION_MIN_WORDS = 10

PAYWALL_CLASS = re.compile(r"paywall|regwall|premium-content|subscriber-only|subscribers-only|piano-offer|metered")
AUTHOR_CLASS = re.compile(r"byline__name|author-name|author__name")

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]{2,40})""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]{0,100}?encoding\s*=\s*["']([a-zA-Z0-9_:.\-]{2,40})""", re.I)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:/|[_-]|\.html?|$)")
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*$")

# Meta tags naming the publication date, best first.
DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "article_date_original",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_date",
    "published-date",
    "pubdate",
    "publication_date",
    "date.published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "citation_publication_date",
    "cxenseparse:recs:publishtime",
    "date",
    "dc.date",
    "originalpublicationdate",
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# What browsers actually use for these labels (WHATWG encoding standard).
_ENCODING_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "euc-kr": "cp949",
    "big5": "big5hkscs",
    "tis-620": "cp874",
}


@dataclass
class Extraction:
    """What `extract_html` found in a page. Empty strings/None when unknown.

    `body` is the article text without its headline, paragraphs separated by
    blank lines. `notes` lists the repairs applied beyond trafilatura
    ("lede", "json-ld-body", "headline-dropped").
    """

    body: str = ""
    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    url: str | None = None
    description: str | None = None
    published: str | None = None
    published_confidence: float = 0.0
    published_evidence: str | None = None
    language_hint: str | None = None
    paywalled: bool = False
    paywall_evidence: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ### Decoding


def _codec(label: bytes | str) -> str | None:
    name = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    name = _ENCODING_ALIASES.get(name.strip().lower(), name.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(raw: bytes) -> str:
    """Decode the bytes of an HTML page to text, robustly.

    Order: byte-order mark; UTF-8 if the bytes are valid UTF-8 (a legacy page
    almost never is); the charset the page declares (with the labels browsers
    remap, e.g. iso-8859-1 -> cp1252); charset_normalizer's guess; cp1252 with
    replacement characters. Never raises.

    Example:
        >>> decode_html('<meta charset="iso-8859-1"><p>caf\\xe9</p>'.encode("latin-1"))
        '<meta charset="iso-8859-1"><p>café</p>'
    """
    if not raw:
        return ""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(encoding, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    head = raw[:4096]
    declared = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    codec = _codec(declared.group(1)) if declared else None
    if codec and codec not in ("utf-8", "utf-16-le", "utf-16-be", "utf-16"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            pass
    results = charset_normalizer.from_bytes(raw[:65536])
    best = results.best()
    if best is not None and any(
        m.encoding == "cp1252" and m.chaos == best.chaos and m.coherence == best.coherence for m in results
    ):
        best_encoding: str | None = "cp1252"  # on a tie, the web's usual legacy encoding (WHATWG default)
    else:
        best_encoding = best.encoding if best is not None else None
    guessed = _codec(best_encoding) if best_encoding else None
    if guessed:
        return raw.decode(guessed, errors="replace")
    return raw.decode(codec or "cp1252", errors="replace")


# ### Small tree helpers


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _text_of(el: HtmlElement) -> str:
    return _norm(" ".join(el.itertext()))


def _language_hint(tree: HtmlElement, metas: dict[str, str]) -> str | None:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += [metas.get(key) for key in ("content-language", "og:locale", "language", "dc.language")]
    for value in candidates:
        m = _LANG.match((value or "").strip())
        if m and m.group(1).lower() not in ("und", "xx", "mul"):
            return m.group(1).lower()
    return None


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    tags: dict[str, str] = {}
    for meta in tree.xpath("//meta[@content]"):
        content = meta.get("content")
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                tags.setdefault(key.strip().lower(), content.strip())
    return tags


def _json_ld(tree: HtmlElement) -> list[dict]:
    """Article-like JSON-LD objects of the page (parse errors are skipped)."""
    found: list[dict] = []

    def walk(node: object, depth: int = 0) -> None:
        if depth > 6:
            return
        if isinstance(node, list):
            for item in node[:50]:
                walk(item, depth + 1)
        elif isinstance(node, dict):
            kind = node.get("@type")
            kinds = " ".join(kind) if isinstance(kind, list) else str(kind or "")
            if ARTICLE_TYPES.search(kinds):
                found.append(node)
            for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                if key in node:
                    walk(node[key], depth + 1)

    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        raw = script.text or ""
        if not raw.strip() or len(raw) > MAX_JSONLD_CHARS:
            continue
        try:
            walk(json.loads(raw, strict=False))
        except (ValueError, RecursionError):
            LOGGER.debug("unparseable JSON-LD skipped")
    # Prefer proper articles over generic WebPage objects.
    found.sort(key=lambda obj: "WebPage" in str(obj.get("@type")))
    return found


def _ld_text(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    return _norm(str(value)) if isinstance(value, (str, int, float)) and str(value).strip() else None


# ### Dates


def _iso(value: str | None) -> str | None:
    """A date/timestamp string as ISO 8601 (date only when no time was given), or None."""
    if not value:
        return None
    value = value.strip()
    candidate = value.replace("Z", "+00:00") if value.endswith("Z") else value
    candidate = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", candidate)  # +0100 -> +01:00
    for attempt in (candidate, candidate.replace(" ", "T", 1), candidate[:10]):
        try:
            parsed = datetime.fromisoformat(attempt)
        except ValueError:
            continue
        if not (1990 <= parsed.year <= date.today().year + 1):
            return None
        if len(attempt) <= 10:
            return parsed.date().isoformat()
        return parsed.isoformat()
    return None


def _published(
    tree: HtmlElement, url: str | None, metas: dict[str, str], jsonld: list[dict]
) -> tuple[str | None, float, str | None]:
    for name in DATE_META:
        value = _iso(metas.get(name))
        if value:
            return value, CONF_META, f"meta:{name}"
    for obj in jsonld:
        value = _iso(_ld_text(obj.get("datePublished")) or _ld_text(obj.get("dateCreated")))
        if value:
            return value, CONF_JSONLD, "json-ld:datePublished"
    for el in tree.iterfind(".//time[@datetime]"):
        marks = f"{el.get('itemprop', '')} {el.get('class', '')} {el.get('pubdate', '')}".lower()
        if "pubdate" in el.attrib or "publish" in marks or "datepublished" in marks:
            value = _iso(el.get("datetime"))
            if value:
                return value, CONF_TIME_ELEMENT, "html:time"
    if url:
        m = _URL_DATE.search(url)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3])).isoformat(), CONF_URL, "url"
            except ValueError:
                pass
    try:
        from htmldate import find_date

        # Fast mode: markup heuristics and text patterns, not the slow free-text scan.
        value = find_date(tree, extensive_search=False, original_date=True, url=url)
    except (ValueError, TypeError, RecursionError):
        value = None
    if value:
        return value, CONF_HTMLDATE, "htmldate"
    return None, 0.0, None


# ### Body repairs


@dataclass
class _Scan:
    """What one walk over the tree finds; XPath predicates on class strings cost far more."""

    order: dict[HtmlElement, int] = field(default_factory=dict)
    classes: Counter[str] = field(default_factory=Counter)
    ledes: list[HtmlElement] = field(default_factory=list)
    paywall: list[str] = field(default_factory=list)
    authors: list[HtmlElement] = field(default_factory=list)


def _scan(tree: HtmlElement) -> _Scan:
    scan = _Scan()
    order, classes = scan.order, scan.classes
    for i, el in enumerate(tree.iter(etree.Element)):
        order[el] = i
        cls = el.get("class")
        ident = el.get("id")
        if cls is None and ident is None:
            if el.get("rel") == "author" or el.get("itemprop") == "author":
                scan.authors.append(el)
            continue
        if cls:
            classes[cls] += 1
        marks = f"{cls or ''} {ident or ''}".lower()
        if el.tag in LEDE_TAGS and LEDE_CLASS.search(marks):
            scan.ledes.append(el)
        if not scan.paywall and el.tag in ("div", "section", "aside", "article"):
            m = PAYWALL_CLASS.search(marks)
            if m:
                scan.paywall.append(m.group())
        if el.get("rel") == "author" or el.get("itemprop") == "author" or AUTHOR_CLASS.search(marks):
            scan.authors.append(el)
    return scan


def _first_index(tree: HtmlElement, scan: _Scan, paragraph: str) -> int | None:
    """Document position of the element where `paragraph` starts, if found."""
    probe = _norm(paragraph)[:24]
    if len(probe) < 15 or ('"' in probe and "'" in probe):
        return None
    quote = "'" if '"' in probe else '"'
    for node in tree.xpath(f"//body//text()[contains(., {quote}{probe}{quote})]"):
        parent = node.getparent()
        if parent is not None and parent.tag not in ("script", "style", "noscript", "template"):
            return scan.order.get(parent)
    return None


def _in_bad_container(el: HtmlElement) -> bool:
    """Inside navigation, a teaser list, a sidebar...? Stops at the article container.

    Only the nearest ancestors count: page wrappers and <body> carry classes
    such as "menu-open" or "cookie-consent" that say nothing about the block.
    """
    for depth, anc in enumerate([el, *el.iterancestors()]):
        if anc.tag in ("article", "main", "body") or depth > LEDE_MAX_DEPTH:
            return False
        if anc.tag in ("nav", "footer", "aside", "form", "li", "a", "button", "figure", "figcaption"):
            return True
        if LEDE_BAD_CONTAINER.search(f"{anc.get('class') or ''} {anc.get('id') or ''}".lower()):
            return True
    return False


def _lede_candidates(scan: _Scan) -> list[tuple[int, int, str]]:
    """(position, class repeats, text) of lede-like blocks, in document order."""
    out = []
    taken: list[HtmlElement] = []
    for el in scan.ledes:
        if any(t in el.iterancestors() for t in taken):
            continue
        if next(el.iter("h1"), None) is not None:
            continue  # a header block holding the headline, not the standfirst
        if _in_bad_container(el):
            continue
        text = _text_of(el)
        words = len(_WORD.findall(text))
        if not LEDE_MIN_WORDS <= words <= LEDE_MAX_WORDS:
            continue
        link_chars = sum(len(_text_of(a)) for a in el.iter("a"))
        if link_chars > LEDE_MAX_LINK_SHARE * len(text):
            continue
        taken.append(el)
        out.append((scan.order[el], scan.classes[el.get("class") or ""], text))
    return out


def _headline_index(tree: HtmlElement, scan: _Scan, headline: str | None) -> int:
    """Position of the page's headline <h1> (the one matching the title), or -1."""
    first = None
    folded_title = _fold(headline or "")
    for h1 in tree.iter("h1"):
        first = h1 if first is None else first
        folded = _fold(_text_of(h1))
        if folded and folded_title and (folded in folded_title or folded_title in folded):
            return scan.order.get(h1, -1)
    return scan.order.get(first, -1) if first is not None else -1


def _recover_lede(tree: HtmlElement, scan: _Scan, paragraphs: list[str], headline: str | None) -> str | None:
    """The page's standfirst if trafilatura dropped it, else None.

    A lede-classed block qualifies when it sits after the headline and before
    the first prose paragraph of the extracted body. Where the body cannot be
    located in the page, a class used on more than a few blocks is taken
    for a teaser list.
    """
    if not paragraphs:
        return None
    candidates = _lede_candidates(scan)
    if not candidates:
        return None
    body = _fold(" ".join(paragraphs))
    prose = next((p for p in paragraphs[:5] if len(p.split()) >= LEDE_MIN_WORDS), paragraphs[0])
    start = _first_index(tree, scan, prose)
    after = _headline_index(tree, scan, headline)
    for index, repeats, text in candidates:
        if start is not None and index >= start:
            break
        if index < after or (start is None and repeats > LEDE_MAX_CLASS_REPEATS):
            continue
        folded = _fold(text)
        if folded[:80] in body or (headline and folded == _fold(headline)):
            continue
        return text
    return None


def _visible_description(tree: HtmlElement, description: str | None, paragraphs: list[str]) -> str | None:
    """The page's meta description as lede, when the page also shows it and the body lacks it.

    Shown on the page means it is the standfirst, not an SEO blurb; a
    truncated description ("...") is never used.
    """
    if not description or not paragraphs:
        return None
    text = _norm(description)
    words = len(_WORD.findall(text))
    if words < DESCRIPTION_MIN_WORDS or text.endswith(("...", "…")) or text[-1] not in ".!?\"”»":
        return None
    folded = _fold(text)
    if folded[:80] in _fold(" ".join(paragraphs)):
        return None
    probe = text[:40]
    if '"' in probe and "'" in probe:
        return None
    quote = "'" if '"' in probe else '"'
    for node in tree.xpath(f"//body//text()[contains(., {quote}{probe}{quote})]"):
        parent = node.getparent()
        if parent is not None and parent.tag not in ("script", "style", "noscript", "template", "title", "meta"):
            return text
    return None


def _container_body(tree: HtmlElement) -> list[str]:
    """Paragraphs of the page's article container, for pages trafilatura gets wrong."""
    best: list[str] = []
    for container in tree.xpath(ARTICLE_CONTAINERS)[:20]:
        paragraphs = []
        for el in container.iter("p", "h2", "h3", "h4", "li", "blockquote"):
            skip = False
            for anc in el.iterancestors():
                if anc is container:
                    break
                if anc.tag in ("p", "li", "blockquote", "figure", "aside", "nav", "form", "footer"):
                    skip = True
                    break
            if not skip and (text := _visible_text(el)):
                paragraphs.append(text)
        if _size(paragraphs) > _size(best):
            best = paragraphs
    return best


def _visible_text(el: HtmlElement) -> str:
    """Text of an element without script, style and ruby annotations (furigana)."""
    parts = []
    for node in el.iter():
        if node.tag in ("script", "style", "rt", "rp", "noscript") or not isinstance(node.tag, str):
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if node.text:
            parts.append(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return _norm(" ".join(parts))


def _size(paragraphs: list[str]) -> int:
    """Text size in words, counting CJK characters (unspaced scripts) as half a word each."""
    total = 0
    for p in paragraphs:
        total += len(p.split()) + len(_CJK.findall(p)) // 2
    return total


def _article_body(jsonld: list[dict], paragraphs: list[str]) -> list[str] | None:
    """JSON-LD articleBody split into paragraphs, when it holds clearly more text."""
    have = sum(len(_WORD.findall(p)) for p in paragraphs)
    for obj in jsonld:
        raw = obj.get("articleBody")
        if not isinstance(raw, str) or not raw.strip():
            continue
        if "<" in raw and ">" in raw:
            try:
                fragment = load_html(f"<html><body><div>{raw}</div></body></html>")
            except (ValueError, TypeError):
                fragment = None
            if fragment is not None:
                for junk in fragment.iter("script", "style"):
                    junk.drop_tree()
                raw = "\n".join(t for t in fragment.itertext())
        words = len(_WORD.findall(raw))
        if words >= ARTICLE_BODY_MIN_WORDS and words >= ARTICLE_BODY_RATIO * max(have, 1):
            return [_norm(p) for p in raw.split("\n") if p.strip()]
    return None


def _drop_headline(paragraphs: list[str], titles: list[str]) -> bool:
    """Remove the headline if it opens the body; True if it did."""
    folded_titles = [t for t in (_fold(x) for x in titles if x) if t]
    if not folded_titles:
        return False
    for i, para in enumerate(paragraphs[:3]):
        folded = _fold(para)
        if not folded or len(folded.split()) > 40:
            continue
        for title in folded_titles:
            if folded == title or (len(folded) >= 0.6 * len(title) and folded in title):
                del paragraphs[i]
                return True
    return False


def _paywall(scan: _Scan, jsonld: list[dict]) -> list[str]:
    evidence = []
    for obj in jsonld:
        free = obj.get("isAccessibleForFree")
        if free is False or str(free).strip().lower() == "false":
            evidence.append("json-ld:isAccessibleForFree=false")
            break
    evidence += [f"html:class={mark}" for mark in scan.paywall[:1]]
    return evidence


def _ld_author(jsonld: list[dict]) -> str | None:
    for obj in jsonld:
        authors = obj.get("author")
        authors = authors if isinstance(authors, list) else [authors]
        names = [name for name in (_ld_text(a) for a in authors[:5]) if name and not name.startswith("http")]
        if names:
            return "; ".join(names)
    return None


def _byline_author(scan: _Scan) -> str | None:
    """A short rel=author / itemprop=author text: the cheap part of trafilatura's author search."""
    for el in scan.authors[:3]:
        text = el.get("content") or _text_of(el)
        text = re.sub(r"^(?:by|von|par|por)\s+", "", text, flags=re.IGNORECASE)
        if text and 1 < len(text.split()) <= 6 and not any(c.isdigit() for c in text):
            return text
    return None


def _parse(html: str) -> HtmlElement | None:
    try:
        tree = load_html(html)
    except (ValueError, TypeError) as exc:
        LOGGER.debug("lxml could not parse the page: %s", exc)
        tree = None
    if tree is None and "<" in html:
        # load_html rejects fragments ("<p>x</p>"), which JSONL records often hold.
        try:
            tree = load_html(f"<html><body><div>{html}</div></body></html>")
        except (ValueError, TypeError):
            tree = None
    return tree


def extract_html(
    html: str,
    url: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_HTML_BYTES,
    max_elements: int = DEFAULT_MAX_HTML_ELEMENTS,
) -> Extraction:
    """Extract the article text and metadata of an HTML page.

    Args:
        html: the page, decoded (see `decode_html`).
        url: where the page came from, if known (helps dates and site name).
        max_bytes: refuse larger pages (UTF-8 size).
        max_elements: refuse pages with more HTML elements (work grows faster
            than linearly with them).

    Returns:
        An `Extraction`; empty (`body == ""`) when the page holds no article.

    Raises:
        InputError: the page is over `max_bytes` or `max_elements`.

    Example:
        >>> page = "<html><body><h1>Port reopens</h1><p>" + "The port reopened on Monday. " * 20 + "</p></body></html>"
        >>> extract_html(page).body[:28]
        'The port reopened on Monday.'
    """
    source = url or "<html>"
    if len(html) > max_bytes or (len(html) * 4 > max_bytes and len(html.encode("utf-8", "replace")) > max_bytes):
        size = len(html.encode("utf-8", "replace")) / 1_048_576
        raise InputError(
            source, f"page is {size:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB limit (clean.max_html_bytes)"
        )
    result = Extraction()
    if not html.strip():
        return result
    tree = _parse(html)
    if tree is None:
        return result
    elements = int(tree.xpath("count(//*)"))
    if elements > max_elements:
        raise InputError(source, f"page has {elements} HTML elements, over the limit of {max_elements} (clean.max_html_elements)")

    metas = _meta_tags(tree)
    result.language_hint = _language_hint(tree, metas)
    jsonld = _json_ld(tree)
    # trafilatura's meta-tag reader, not its full metadata pass: the author
    # and site-name searches over the whole tree cost a third of extraction.
    meta = examine_meta(tree)
    article = jsonld[0] if jsonld else {}
    result.title = meta.title or _ld_text(article.get("headline")) or extract_title(tree)
    scan = _scan(tree)
    result.author = meta.author or _ld_author(jsonld) or _byline_author(scan)
    result.sitename = (meta.sitename or _ld_text(article.get("publisher")) or metas.get("application-name") or "").lstrip("@") or None
    result.url = url or meta.url or metas.get("og:url")
    result.description = meta.description or _ld_text(article.get("description"))
    result.published, result.published_confidence, result.published_evidence = _published(
        tree, result.url, metas, jsonld
    )
    h1 = next(iter(tree.iter("h1")), None)
    h1_text = _text_of(h1) if h1 is not None else ""
    if h1_text and result.title and _fold(h1_text) and _fold(h1_text) in _fold(result.title):
        result.title = h1_text  # the page's own headline, without " | Site name"

    try:
        extracted = bare_extraction(tree, url=url, include_comments=False, with_metadata=False)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError, etree.LxmlError) as exc:
        # trafilatura handles its own ValueErrors; anything else is a page it cannot digest.
        raise InputError(source, f"trafilatura could not extract the page ({type(exc).__name__}: {exc})") from exc
    text = (extracted.text if extracted is not None else "") or ""
    paragraphs = [_norm(line) for line in text.split("\n") if line.strip()]

    replacement = _article_body(jsonld, paragraphs)
    if replacement:
        paragraphs = replacement
        result.notes.append("json-ld-body")
    elif _size(paragraphs) < SHORT_BODY_WORDS:
        container = _container_body(tree)
        if _size(container) >= CONTAINER_RATIO * max(_size(paragraphs), 10):
            paragraphs = container
            result.notes.append("container-body")
    if "json-ld-body" not in result.notes:
        lede = _recover_lede(tree, scan, paragraphs, result.title)
        if lede:
            paragraphs.insert(0, lede)
            result.notes.append("lede")
        else:
            lede = _visible_description(tree, result.description, paragraphs)
            if lede:
                paragraphs.insert(0, lede)
                result.notes.append("description-lede")
    titles = [t for t in (result.title, h1_text, meta.title) if t]
    if _drop_headline(paragraphs, titles):
        result.notes.append("headline-dropped")
    result.body = "\n\n".join(paragraphs)
    result.paywall_evidence = _paywall(scan, jsonld)
    result.paywalled = bool(result.paywall_evidence)
    return result
