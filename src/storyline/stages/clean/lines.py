"""Line-level boilerplate removal for plain text and for text extracted from HTML.

`clean_lines(body)` returns the clean text and the spans of `body` it left out,
each with a short reason. The clean text is exactly `body` with those spans cut
out, so any offset in the clean text maps back into `body`
(`clean_to_body_offset`), which is what a UI needs to highlight a clean-text span
inside the original body.

How a line is judged:

1. Lines are grouped into *segments*: a line that starts in lower case and
   follows an unfinished line of the same paragraph continues it (hard-wrapped
   text), so a wrapped sentence is judged as one piece.
2. Pattern rules (`RULES`, data below) recognise junk anywhere in the text:
   "READ ALSO ...", share bars, paywall counters, subscription offers,
   newsletter boxes, cookie notices, "Sponsored Content", "Follow X on Google
   News", template placeholders (`{{numberArticlesLeft}}`), runs of SVG icon
   labels, copyright and credit lines. Every rule has a word limit, so a long
   real paragraph that merely mentions a newsletter is never dropped.
3. A *hard stop* (paywall, subscription offer, sponsored block, newsletter box,
   comments or related-links heading) that is followed by no substantial prose
   cuts everything after it: the tail of a page is where such blocks pile up,
   and their leftovers ("Find out more", promotional one-liners) match no rule.
4. Before the first and after the last prose paragraph (the *edges*), very
   short non-sentences ("More", "Latest News", a section label), bare
   date/time lines and bylines go too. Headings *inside* the article stay: they
   are the author's text, and sentence splitting treats paragraph breaks as
   sentence ends, so a heading never fuses with the next sentence.
5. `repeated` holds lines the caller saw in other documents of the same outlet.
   A line repeated across >= 3 documents of one source is boilerplate (a
   promo, a standard disclaimer); we drop it at the edges at any length, and
   inside the article only when it is not a long prose paragraph, because one
   outlet's running stories legitimately repeat background paragraphs. Use
   `repeated_lines()` to compute the set from an outlet's bodies.

A real paragraph is never dropped by the edge rules: they only touch segments
without sentence punctuation and of at most a few words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from storyline.model import Removed

# Words above which a segment counts as a prose paragraph that anchors the
# article; the edges are the segments before the first and after the last one.
ANCHOR_MIN_WORDS = 8
ANCHOR_MIN_WORDS_UNPUNCTUATED = 15
# Prose after a hard stop that saves the text after it from the tail cut:
# one paragraph this long, or two consecutive prose paragraphs of SHORT_PROSE.
SUBSTANTIAL_WORDS = 25
SHORT_PROSE_WORDS = 10
# Edge rule: a non-sentence of at most this many words before the first or
# after the last prose paragraph is a label ("Latest News"), not content.
EDGE_SHORT_WORDS = 4
# A short unpunctuated segment squeezed between two removed ones goes with them.
SQUEEZED_MAX_WORDS = 8
# Repeated-in-source lines inside the article are kept from this length on.
REPEATED_KEEP_WORDS = 25

_TERMINAL = ".!?…。！？"
_CLOSERS = "\"'”’»)]*`\u00a0 \t"
_BULLET = re.compile(r"^\s*(?:[•·▪●◦‣∙►▶▸»>*–—-]|\d{1,2}[.)])\s+")
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s+")
_CAMEL = re.compile(r"[a-z][A-Z]")
_LINE = re.compile(r"[^\n]+")
_SOFT_JUNK = re.compile(r"subscri|abonn|suscri|newsletter|sign up|log in|registr|anmeld|inscri", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """One family of junk lines: matched by `pattern` on segments of at most `max_words`."""

    reason: str
    anchored: re.Pattern[str] | None  # patterns written with "^": tried at the start only
    floating: re.Pattern[str] | None  # the others: searched anywhere
    max_words: int
    hard_stop: bool = False
    # Cheap pre-check, because a regex over every short line costs more than
    # trafilatura itself: one of these words must be among the segment's
    # casefolded words, or one of these marks must occur in it.
    key_words: frozenset[str] = frozenset()
    key_marks: tuple[str, ...] = ()


def _rule(
    reason: str, max_words: int, patterns: list[str], *, hard_stop: bool = False, keys: str = ""
) -> Rule:
    anchored = [p[1:] for p in patterns if p.startswith("^")]
    floating = [p for p in patterns if not p.startswith("^")]
    split = keys.split("|") if keys else []
    words = frozenset(k for k in split if re.fullmatch(r"\w+", k))
    marks = tuple(k for k in split if not re.fullmatch(r"\w+", k))
    return Rule(
        reason,
        re.compile("|".join(f"(?:{p})" for p in anchored), re.IGNORECASE) if anchored else None,
        re.compile("|".join(f"(?:{p})" for p in floating), re.IGNORECASE) if floating else None,
        max_words,
        hard_stop,
        words,
        marks,
    )


def _matcher(rule: Rule):
    """One callable per rule: `.match` for anchored patterns (position 0 only), `.search` for the rest."""
    match = rule.anchored.match if rule.anchored is not None else None
    search = rule.floating.search if rule.floating is not None else None
    if match and search:
        return lambda text: match(text) or search(text)
    return match or search


# ### Patterns, as data. `^`/`$` anchor to the stripped segment (bullets removed).
# Languages: en, fr, es, de first; a few it/pt/pl/nl forms seen on news sites.
RULES: tuple[Rule, ...] = (
    _rule(
        "template",
        120,
        [r"\{\{[^{}\n]{1,60}\}\}", r"\{%[^%\n]{1,60}%\}", r"\$\{[A-Za-z_][\w.]{0,40}\}"],
        keys="{{|{%|${",
    ),
    _rule(
        "paywall",
        40,
        [
            r"\byou have\s+\S+\s+(?:free\s+)?(?:articles?|stories|story)\b.{0,30}\b(?:left|remaining)",
            r"\b(?:free|remaining)\s+(?:articles?|stories)\s+(?:left|remaining)\b",
            r"\bthis is your last free (?:article|story)",
            r"\byou(?:'ve| have) (?:reached|read) (?:your|the|all)\b.{0,30}\b(?:limit|free articles)",
            r"\bsubscribe\b.{0,30}\bto (?:continue reading|read (?:the )?(?:full|rest|more|this))",
            r"\b(?:to view|for) the full (?:story|article)\b",
            r"\b(?:article|content|story) is (?:only )?(?:available|reserved|exclusive) (?:to|for) (?:subscribers|members|premium)",
            r"\b(?:exclusive|only) (?:to|for) (?:paid |premium |digital )?(?:subscribers|members)\b",
            r"^(?:premium|subscribers?[- ]only|exclusive)(?: content| article)?$",
            r"\balready (?:a |an )?(?:subscriber|member)\b",
            r"\byour (?:free )?(?:trial|subscription|access|full access)\b.{0,40}\b(?:has )?expired",
            r"\byou need (?:a|an active) subscription",
            r"\bunlock (?:this|the full|full|unlimited) (?:article|story|access)",
            r"\bwith unlimited (?:digital )?access\b",
            r"\b(?:nicht eingeloggt|you are not logged in|vous n'êtes pas connecté|no has iniciado sesión)\b",
            # fr
            r"\bréservée? aux abonnés\b",
            r"\bla suite est réservée\b",
            r"\bdéjà abonnée?\b",
            r"\bcontenu réservé\b",
            r"\baccédez à l'intégralité\b",
            # es
            r"\b(?:exclusivo|sólo|solo) para (?:suscriptores|socios|abonados)\b",
            r"\bcontenido exclusivo\b",
            r"\bpara (?:seguir|continuar) leyendo\b",
            r"\bya (?:eres|es) (?:suscriptor|socio|abonado)\b",
            r"\bhas (?:alcanzado|llegado a) (?:el|tu) (?:límite|máximo)\b",
            # de
            r"\b(?:nur|exklusiv) für (?:abonnenten|abonnentinnen|abonnent|plus-leser|digital-abonnenten)\b",
            r"\bweiterlesen mit\b",
            r"\b(?:bereits|schon) (?:abonnent|abonniert)\b",
            r"\bjetzt (?:weiterlesen|freischalten)\b",
        ],
        hard_stop=True,
        keys="free|remaining|reached|subscribe|subscriber|subscribers|subscription|members|premium|exclusive"
        "|expired|unlock|unlimited|eingeloggt|logged|connecté|sesión|abonnés|réservée|abonné|abonnée|réservé"
        "|intégralité|suscriptores|socios|abonados|exclusivo|leyendo|suscriptor|socio|abonado|alcanzado|llegado"
        "|abonnenten|abonnentinnen|abonnent|weiterlesen|abonniert|freischalten",
    ),
    # Short calls to action built from everyday words: only on short lines.
    _rule(
        "paywall",
        16,
        [
            r"\b(?:sign in|log in|register)\b.{0,30}\bto (?:continue reading|read (?:the )?(?:full|rest|more|this))",
            r"^(?:to )?continue reading\b",
            r"\bto view the full (?:story|article)\b",
            r"\bfor the full (?:story|article)\b",
            r"\bil vous reste \d+\s*%",
            r"\bpour (?:lire|consulter) la suite\b",
            r"\bum (?:den|diesen) (?:ganzen |vollständigen |kompletten )?artikel (?:zu lesen|weiterzulesen)\b",
            r"\b(?:dieser|der) (?:artikel|beitrag) ist (?:nur )?(?:für|exklusiv)\b",
        ],
        hard_stop=True,
        keys="sign|log|register|continue|view|full|reste|suite|artikel|beitrag",
    ),
    _rule(
        "subscription",
        25,
        [
            r"^subscribe\b",
            r"\bsubscribe (?:now|today|for|and save)\b",
            r"^(?:try|get) \d+ (?:months?|weeks?|days?|years?) (?:for|of)\b",
            r"\bfor (?:just |only )?[$€£]\s?\d+(?:[.,]\d+)? ?(?:a|per|/) ?(?:month|week|year|mo)\b",
            r"^offer ends\b",
            r"\bsee all offers\b",
            r"\bstart (?:your )?free trial\b",
            r"\b(?:free|digital) trial\b",
            r"\bget (?:unlimited|full|digital|instant) access\b",
            r"\bbecome a (?:member|subscriber|supporter|patron)\b",
            r"\bsupport (?:our|independent|quality) journalism\b",
            r"\bcancel (?:at )?any ?time\b",
            r"^(?:see|view) (?:all )?(?:subscription )?(?:offers|plans)\b",
            # fr
            r"^(?:je m'abonne|s'abonner|abonnez-vous)\b",
            r"\boffre (?:spéciale|d'abonnement|découverte|numérique)\b",
            r"\d+(?:[.,]\d+)?\s?€\s?(?:par|/)\s?mois\b",
            r"\bsans engagement\b",
            r"\bsoutenez (?:notre|la|le) (?:rédaction|journalisme|presse)\b",
            # es
            r"^suscr[ií]b(?:e|ete|irse|ase)\b",
            r"\bhazte (?:socio|suscriptor|miembro|premium)\b",
            r"\bapoya (?:el|nuestro) periodismo\b",
            r"\d+(?:[.,]\d+)?\s?€\s?al mes\b",
            # de
            r"\bjetzt (?:abonnieren|abo|testen|bestellen)\b",
            r"^abonnieren\b",
            r"\babo (?:abschließen|testen|wählen)\b",
            r"\d+(?:[.,]\d+)?\s?(?:€|euro) (?:pro|im) monat\b",
            r"\bmonatlich kündbar\b",
            r"\bunterstütze[n]? (?:uns|unsere arbeit|unabhängigen journalismus)\b",
            r"^(?:unterstütze|support us|soutenez-nous|apoya(?:nos)?)\b",
            r"\b(?:hier|jetzt) (?:klicken|registrieren|anmelden)\b",
            r"\bim abo\b",
            r"\be-paper\b",
            r"^melde dich (?:jetzt |hier )?an\b",
        ],
        hard_stop=True,
        keys="subscribe|try|get|offer|offers|trial|access|become|journalism|support|cancel|plans|abonne|abonner"
        "|abonnez|offre|engagement|soutenez|suscríbete|suscribete|suscribe|suscribirse|suscríbase|suscribase"
        "|hazte|apoya|apoyanos|abonnieren|abo|testen|bestellen|euro|kündbar|unterstütze|unterstützen|klicken"
        "|registrieren|anmelden|paper|melde|$|€|£",
    ),
    _rule(
        "newsletter",
        30,
        [
            r"\b(?:sign up|subscribe|register|inscri\w*|abonn\w*|suscr[ií]b\w*|anmelden|bestellen|receive|get|erhalten|recevez|recibe)\b.{0,60}\bnewsletters?\b",
            r"\bnewsletters?\b.{0,60}\b(?:sign up|subscribe|inscri\w*|abonn\w*|suscr[ií]b\w*|anmelden|bestellen|erhalten)\b",
            r"^(?:[\w&'’.-]+ ){0,3}newsletters?\W*$",
            r"\b(?:get|receive)\b.{0,60}\b(?:by|via) e-?mail\b",
            r"\bsign up (?:here|now|today|for free)\W*$",
            r"\bposteingang\b",
            r"\b(?:our|unseren?|unserem|notre|nos|nuestros?|nuestra) (?:\w+ )?(?:newsletters?|boletín|boletines|infolettre)\b",
            r"\bmit der (?:registrierung|anmeldung) akzeptieren sie\b",
            r"\bby registering\b",
            r"\ben vous inscrivant\b",
            r"\bal (?:registrarte|suscribirte)\b",
            r"\b(?:delivered|straight|directly|sent) (?:straight |directly )?to your inbox\b",
            r"\bin your inbox\b",
            r"\benter your e-?mail\b",
            r"\byour e-?mail address\b",
            r"\bby (?:signing up|subscribing|clicking)\b.{0,40}\b(?:agree|accept)",
            r"\bdans votre boîte (?:mail|e-mail|aux lettres|de réception)\b",
            r"\bvotre adresse e-?mail\b",
            r"\ben tu (?:correo|bandeja de entrada|email)\b",
            r"\btu (?:correo electrónico|dirección de correo)\b",
            r"\bin ihr(?:em)? (?:postfach|e-mail-postfach)\b",
            r"\bihre e-?mail-adresse\b",
        ],
        hard_stop=True,
        keys="newsletter|newsletters|inbox|email|mail|signing|subscribing|clicking|boîte|correo|bandeja"
        "|postfach|adresse|sign|posteingang|registering|registrierung|anmeldung|inscrivant|registrarte"
        "|suscribirte|boletín|boletines|infolettre",
    ),
    _rule(
        "sponsored",
        45,
        [
            r"^(?:sponsored|sponsored content|sponsored post|sponsored by\b.*|paid (?:content|post|partnership)|partner content|promoted(?: content)?|gesponsert|contenu sponsorisé|contenu partenaire|publireportage|publi-reportage|contenido patrocinado|patrocinado|contenido de marca)\W*$",
            r"^about sponsored content\b",
            r"^\*werbung\b",
            r"\bthis (?:post|article|content|page) (?:contains|includes|may contain) (?:affiliate|sponsored|paid|advertising)",
            r"\bwe may (?:earn|receive) (?:a )?(?:small )?(?:commission|compensation)\b",
            r"\b(?:dieser|der) (?:beitrag|artikel) enthält (?:werbung|affiliate|anzeigen)\b",
            r"\bcet article (?:contient|peut contenir) des liens\b",
            r"\bthis content was (?:commissioned|paid for|produced by)\b",
            r"\baffiliate[- ]?links?\b",
            r"\bamazon product advertising api\b",
        ],
        hard_stop=True,
        keys="sponsored|sponsor|paid|partner|promoted|werbung|gesponsert|sponsorisé|partenaire|publireportage"
        "|publi|patrocinado|marca|affiliate|commission|compensation|enthält|liens|commissioned|affiliatelinks"
        "|amazon",
    ),
    # An ad slot's label: sits mid-article, so no hard stop.
    _rule(
        "advertisement",
        12,
        [
            r"^(?:advertisement|advertising|ad|ads|anzeige|werbung|publicité|publicite|publicidad|pub)\W*$",
            r"^(?:anzeige|werbung|advertisement|publicidad|publicité)\s*[-–—:|]",
            r"^(?:scroll|continue) (?:down )?to continue (?:reading|with (?:the )?(?:article|content))\W*$",
        ],
    ),
    _rule(
        "read-also",
        30,
        [
            r"^(?:read also|also read|read more|more to read|see also|related|recommended|watch|listen|further reading|more on this(?: story| topic)?|more from [^.]{1,40}?)\s*(?::|\||»|>|–|—|-|\u00a0|$)",
            r"^(?-i:READ ALSO|ALSO READ|READ MORE|SEE ALSO|RELATED|MORE|WATCH)\b",
            r"^(?:(?:à )?lire aussi|(?:à )?lire également|(?:à )?voir aussi|à découvrir|découvrez aussi|à lire|sur le même (?:sujet|thème))\b",
            r"^(?:leer también|lea también|lee también|ver también|te puede interesar|le puede interesar|también te puede interesar|puede interesarte|puedes ver|mire|más información|te recomendamos)\s*(?::|\||»|–|—|-|\u00a0|$)",
            r"^(?:lesen sie auch|lesen sie mehr|lesen sie hier|lies auch|lies hier|mehr dazu|auch interessant|das könnte sie (?:auch )?interessieren|mehr zum thema|siehe auch|weiterlesen|mehr lesen|zum weiterlesen)\b",
            r"^(?:leia também|leia mais|veja também|leggi anche|leggi pure|czytaj (?:także|też|więcej)|zobacz (?:także|też|również)|dowiedz się więcej|lees ook)\b",
        ],
    ),
    _rule(
        "related-links",
        12,
        [
            r"^(?:related (?:articles?|stories|content|coverage|news|posts|reading|links|topics)|more (?:stories|articles|news|from (?:the )?\w+)|most (?:read|popular|viewed|shared)|top stories|latest(?: news| stories| articles)?|trending(?: now| stories)?|editor'?s picks|you (?:may|might) also (?:like|enjoy|be interested in)|recommended (?:for you|stories|articles|reading)|what to read next|popular (?:now|stories|posts)|in other news|(?:previous|next) (?:article|post|story))\W*$",
            r"^(?:articles? similaires?|articles? liés|sur le même sujet|dans la même rubrique|les plus lus|les plus partagés|(?:nos|notre) sélection|à la une|dernières actualités|ce contenu pourrait vous intéresser|vous aimerez aussi|plus d'actualités.*)\W*$",
            r"^(?:noticias relacionadas|artículos relacionados|relacionad[oa]s|lo más (?:leído|visto|popular)|más (?:leídas?|vistas?|noticias|populares)|últimas noticias|te recomendamos|otras noticias)\W*$",
            r"^(?:ähnliche artikel|verwandte (?:artikel|themen)|weitere \w*(?:tipps|artikel|beiträge|nachrichten|meldungen|themen|infos?|informationen)\b.*|vorschau auf den nächsten artikel|(?:nächster|voriger|vorheriger) artikel|meistgelesen(?:e)?(?: artikel)?|empfohlene (?:artikel|beiträge)|mehr (?:aus|zu|zum|von) [^.]{1,40}|top-themen|neueste (?:artikel|beiträge)|das könnte sie auch interessieren|auch interessant)\W*$",
        ],
        hard_stop=True,
    ),
    _rule(
        "social-follow",
        30,
        [
            r"\bfollow (?:us|\S+(?: \S+){0,5}) on (?:google news|twitter|facebook|instagram|linkedin|telegram|whatsapp|tiktok|youtube|x|threads|bluesky)\b",
            r"\b(?:like|find|join) us on (?:facebook|twitter|instagram|linkedin|telegram|whatsapp)\b",
            r"\bjoin (?:our|the) \S+(?: \S+){0,3} (?:channel|group|community) on\b",
            r"\b(?:suivez|rejoignez)-(?:nous|moi)\b",
            r"\bsuivez \S+(?: \S+){0,4} sur (?:google actualités|google news|twitter|facebook|instagram|linkedin|x)\b",
            r"\bs[ií]gu?enos en\b",
            r"\bsíguenos\b",
            r"\búnete (?:a nuestro|desde|al canal)\b",
            r"\b(?:tenemos|nuestro) canal (?:de|en) (?:telegram|whatsapp)\b",
            r"\bfolg(?:en sie|t|e) uns (?:auf|bei)\b",
            r"\b(?:download|get) (?:the|our) \S+(?: \S+){0,4} apps?\b",
            r"\bon google news\b",
        ],
        keys="follow|suivez|rejoignez|siguenos|síguenos|sigenos|sígenos|únete|canal|channel|folgen|folgt|folge"
        "|download|app|apps|google|facebook|twitter|instagram|linkedin|telegram|whatsapp",
    ),
    _rule(
        "share-buttons",
        12,
        [
            r"^(?:share|share this(?: article| story| post| page)?|share on \w+|tweet|tweet this|email this|print this(?: article| page)?|partager(?: sur \w+| cet article)?|compartir(?: en \w+| esta noticia| este artículo)?|teilen(?: auf \w+| mit)?|artikel teilen|beitrag teilen)\W*$",
            r"^(?:share|partager|compartir|teilen) (?:on|via|sur|en|auf|per) \w+",
            r"^\d[\d.,]*\s?k?\s+(?:shares?|partages|compartidos|mal geteilt)\b",
        ],
    ),
    _rule(
        "cookies",
        60,
        [
            r"\bcookies?\b.{0,80}\b(?:use|using|uses|accept|consent|settings|policy|preferences|browsing|continu\w*|utilis\w*|accepte\w*|paramètres|politique|navigation|utiliz\w*|acepta\w*|política|navegación|configuración|verwend\w*|akzeptier\w*|einstellungen|richtlinie|zustimm\w*)\b",
            r"\b(?:we|this (?:site|website)) uses? cookies\b",
            r"\bnous utilisons des cookies\b",
            r"\b(?:utilizamos|usamos) cookies\b",
            r"\bwir (?:verwenden|nutzen) cookies\b",
            r"^(?:accept all|reject all|manage (?:cookies|consent|preferences)|cookie (?:settings|policy)|tout accepter|tout refuser|aceptar (?:todo|todas)|rechazar todo|alle akzeptieren|alle ablehnen|cookie-einstellungen|datenschutzeinstellungen|privacy settings)\W*$",
            r"\ben poursuivant votre navigation\b",
            r"\bby continuing to (?:browse|use) (?:this|our|the) (?:site|website)\b",
            r"\bal (?:continuar|seguir) navegando\b",
        ],
        hard_stop=True,
        keys="cookie|cookies|accept|reject|manage|accepter|refuser|aceptar|rechazar|akzeptieren|ablehnen"
        "|datenschutzeinstellungen|einstellungen|privacy|poursuivant|continuing|navegando",
    ),
    _rule(
        "comments",
        20,
        [
            r"^(?:\d+\s+)?(?:comments?|kommentare?|commentaires?|comentarios?|reactions?|réactions?|responses?)(?:\s*\(\d+\))?\W*$",
            r"^(?:leave|post|add|write|show|view|read) (?:a |the |all )?(?:comments?|reply|replies)\b",
            r"^(?:be the first to comment|join the (?:conversation|discussion)|no comments(?: yet)?|comments are closed|keine kommentare|kommentare insgesamt|kommentar (?:schreiben|verfassen)|laisser un commentaire|ajouter un commentaire|dejar un comentario|deja (?:tu|un) comentario|sin comentarios)\b",
            r"\bsubmit your letter to the editor\b",
            r"\b(?:in (?:den|the) (?:kommentaren|comments)|dans les commentaires|en los comentarios)\b",
        ],
        hard_stop=True,
        keys="comment|comments|kommentar|kommentare|kommentaren|commentaire|commentaires|comentario|comentarios"
        "|reaction|reactions|réaction|réactions|response|responses|reply|replies|conversation|discussion|letter",
    ),
    _rule(
        "copyright",
        25,
        [
            r"^(?:©|\(c\)|copyright\b)\s*:?\s*(?:\d{4}|[A-Z0-9])",
            r"\ball rights reserved\b",
            r"\btous droits réservés\b",
            r"\btodos los derechos reservados\b",
            r"\balle rechte vorbehalten\b",
            r"\bmateriał chroniony prawem\b",
        ],
        hard_stop=True,
        keys="©|(c)|copyright|reserved|réservés|reservados|vorbehalten|chroniony",
    ),
    _rule(
        "disclaimer",
        12,
        [r"^\(?(?:alle angaben ohne gewähr|all information without guarantee|sans garantie|sin garantía)\)?\W*$"],
    ),
    _rule(
        "credits",
        16,
        [
            r"^\(?(?:reporting|writing|additional reporting|editing|compiled|translated|translation) by\b.{0,150}$",
            r"^(?:photo|photos|image|images|picture|video|illustration|graphic|foto|fotos|bild|bilder|bildquelle|crédits? photos?|crédit|photo credit|credits?|quelle|fuente|source)\s*:",
            r"^(?:getty images|afp|reuters|ap|ap photo|dpa|imago|shutterstock|istock(?:photo)?|epa|keystone|picture alliance|efe|europa press)(?:/[\w .]+)?\W*$",
            r"^\(?(?:avec|with|con|mit) (?:afp|ap|reuters|dpa|efe|agences?)\)?\W*$",
            r"^(?:image|photo) (?:d'illustration|illustrative|d'archives?|de archivo)\b",
            r"^bild anzeigen\W*$",
            r"^our standards\s*:",
            r"^(?:fot|phot)\.\s",
            r"^[a-zà-ÿ]{2,5}(?:/[a-zà-ÿ]{2,5})*/(?:pap|dpa|afp|ap|reuters|apa|kna|epd|sda|efe|ansa)\W*$",
        ],
    ),
    # Footers of syndicated copies ("This article was provided by Meridian Wire.").
    _rule(
        "syndication",
        14,
        [
            # Only when the line ends with the provider's name: "... was published by the
            # ministry on its website, she said" is a sentence of the article.
            r"^(?:this|the) (?:article|story|report|item|content) (?:was|is|has been) (?:originally )?"
            r"(?:provided|distributed|supplied|syndicated|published|produced) (?:by|via|through|in partnership with)"
            r" [^,;:]{2,60}$",
            r"^(?:distributed|syndicated|supplied|provided) (?:by|via)\b.{0,60}$",
            r"^cet article (?:a été|est) (?:fourni|diffusé|publié|produit|distribué) par [^,;:]{2,60}$",
            r"^(?:este|el) (?:artículo|texto) (?:fue|ha sido|es) (?:proporcionado|distribuido|publicado|cedido) por"
            r" [^,;:]{2,60}$",
            r"^dieser (?:artikel|beitrag) (?:wurde|ist) (?:von|bei)\b.{0,60}(?:bereitgestellt|veröffentlicht|erschienen)",
        ],
        keys="provided|distributed|supplied|syndicated|published|produced|cet|fourni|diffusé|publié|produit"
        "|distribué|proporcionado|distribuido|publicado|cedido|dieser",
    ),
    _rule(
        "caption",
        60,
        [r"(?:©|\(c\)|\bphoto:|\bphotograph:|\bfoto:|\bbild:|\bcredit:|\bcrédit ?:|\bimage:)\s*[\w][\w .&/'’|-]{1,70}$"],
        keys="©|(c)|photo|photograph|foto|bild|credit|crédit|image",
    ),
    _rule(
        "navigation",
        8,
        [
            r"^(?:home|menu|search|back to top|top|previous|next|more|skip to (?:main )?content|load more|show more|see more|view more|read on|learn more|find out more|more info(?:rmation)?|click here|print|pdf|close|loading|tags?|topics?|keywords?|posted in\b.*|filed under\b.*|category\b.*)\W*$",
            r"^(?:accueil|retour|suivant|précédent|voir plus|en savoir plus|cliquez ici|imprimer|chargement|mots[- ]clés|thèmes|catégories?\b.*)\W*$",
            r"^(?:inicio|volver|anterior|siguiente|ver más|cargando|haga clic aquí|imprimir|temas|etiquetas|categorías?\b.*)\W*$",
            r"^(?:kontakt|contact|contacts|pressekontakt|media contact|quellen|quellenangaben|sources?|références|fuentes|about the author|über den autor|à propos de l'auteur|sobre el autor)\W*$",
            r"^(?:news |release |publication )?date\s*:",
            r"\b(?:pdf|docx?|xlsx?|pptx?)\s*\|\s*\d+(?:[.,]\d+)?\s*[kmg]b\b",
            r"^(?:startseite|zurück|weiter|mehr|mehr anzeigen|mehr erfahren|weitere informationen|mehr informationen|hier klicken|drucken|wird geladen|schlagwörter|schlagworte|themen|stichworte|kategorien?\b.*)\W*$",
        ],
    ),
)
_MAX_RULE_WORDS = max(rule.max_words for rule in RULES)
_RULE_TABLE = tuple((r.max_words, r.key_words, r.key_marks, _matcher(r), r.reason) for r in RULES)
HARD_STOPS = frozenset(rule.reason for rule in RULES if rule.hard_stop)

# Tokens of SVG icon titles and screen-reader labels that leak into text when
# an extractor keeps <title> elements of inline icons.
ICON_VOCAB = frozenset(
    """arrow artboard chevron icon icons caret close menu search hamburger path layer layers logo svg
    play pause facebook twitter linkedin mail email print positive negative contact shape rectangle
    group oval combined fill stroke title created with sketch copy down up left right user account
    bookmark share comment comments whatsapp instagram youtube rss plus minus check x line circle
    pinterest reddit telegram tiktok flipboard link external open expand collapse next previous prev
    back forward home star heart clock calendar camera video audio volume mute info alert warning
    dots more ellipsis gallery fullscreen zoom in out""".split()
)
SHARE_VOCAB = frozenset(
    """share shares sharing tweet facebook twitter x linkedin whatsapp telegram email e mail print
    pinterest reddit copy link copied messenger flipboard pocket sms this article story post on via
    the sur en auf per par partager compartir teilen drucken imprimer imprimir envoyer enviar mit
    threads bluesky xing""".split()
)
_SHARE_STRONG = frozenset(
    "share tweet facebook twitter linkedin whatsapp pinterest partager compartir teilen telegram".split()
)
_DATE_TOKENS = re.compile(
    r"""\b(?:
        \d{1,4}(?:[./-]\d{1,2}){1,2}(?:[./-]\d{2,4})?      # 23.10.2018, 2020-02-03, 2/3/20
      | \d{1,2}[:h]\d{2}(?::\d{2})?                        # 15:30, 15h30
      | \d{1,4}(?:st|nd|rd|th|er|º|ª)?                     # bare numbers, 1st
      | (?:a\.?m|p\.?m|uhr|gmt|utc|cet|cest|est|edt|pst|pdt|bst|mez|mesz|hs|h)
      | jan\w*|feb\w*|f[ée]v\w*|mar\w*|m[äa]r\w*|apr\w*|avr\w*|abr\w*|may\w*|mai|mayo|jun\w*|juin|jul\w*
      | juil\w*|aug\w*|ao[uû]t|ago\w*|sep\w*|oct\w*|okt\w*|nov\w*|dec\w*|d[ée]c\w*|dez\w*|dic\w*|ene\w*|janv\w*
      | mon\w*|tue\w*|wed\w*|thu\w*|fri\w*|sat\w*|sun\w*|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche
      | lunes|martes|miércoles|jueves|viernes|sábado|domingo
      | montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag
      | published|updated|posted|last\ updated|modified|date|on|at|of|the|le|la|el|de|del|am|um|à|a|y|et|and
      | publié|mis\ à\ jour|publicado|actualizado|veröffentlicht|aktualisiert|stand|erstellt|letzte\ änderung
      | heute|today|yesterday|gestern|hier|ayer|aujourd'hui|hoy|ago|il\ y\ a|hace|vor|minutes?|hours?|days?
      | minuten|stunden|tagen|min|mins|hrs?
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
_BYLINE = re.compile(
    r"^(?i:by|written by|from|par|por|von|texte?|texto|auteur|autor|author|reporter)\s*:?\s+"
    r"[A-ZÀ-ÖØ-Þ][\w'’.-]+(?:\s+[\w'’.-]+){0,5}(?:\s*(?:,|\||/|–|—|-|and|und|et|y)\s*[\w'’. -]{1,40}){0,3}$"
)


@dataclass(slots=True)
class _Segment:
    start: int  # offsets into body of the first and past the last non-space character
    end: int
    text: str  # whitespace-normalised, bullets stripped
    words: int
    terminal: bool
    reason: str | None = None

    @property
    def prose(self) -> bool:
        return (self.terminal and self.words >= ANCHOR_MIN_WORDS) or self.words >= ANCHOR_MIN_WORDS_UNPUNCTUATED


def line_key(line: str) -> str:
    """Normalise a line for cross-document comparison: case, spacing and digits folded."""
    return _DIGIT.sub("0", _SPACE.sub(" ", line).strip().casefold())


def repeated_lines(bodies: Iterable[str], *, min_docs: int = 3, min_chars: int = 3) -> set[str]:
    """Lines (as `line_key`s) that occur in at least `min_docs` of `bodies`.

    Feed it the bodies of one outlet's documents and pass the result to
    `clean_lines(..., repeated=...)`.

    Example:
        >>> sorted(repeated_lines(["a\\nSubscribe now", "b\\nSubscribe now", "c\\nSubscribe now"]))
        ['subscribe now']
    """
    counts: Counter[str] = Counter()
    for body in bodies:
        counts.update({key for m in _LINE.finditer(body) if len(key := line_key(m.group())) >= min_chars})
    return {key for key, n in counts.items() if n >= min_docs}


def _count_words(text: str) -> int:
    """Words as the rules count them: whitespace-separated tokens."""
    return len(text.split())


def _is_terminal(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def _segments(body: str) -> list[_Segment]:
    """Group the non-blank lines of `body` into segments (wrapped lines joined)."""
    segments: list[_Segment] = []
    prev_end = -1
    for m in _LINE.finditer(body):
        raw = m.group()
        if not raw.strip():
            continue
        lead = len(raw) - len(raw.lstrip())
        start, end = m.start() + lead, m.start() + len(raw.rstrip())
        line = body[start:end]
        bullet = _BULLET.match(line)
        # Table rows come out as "| cell | cell |": judge the cells.
        text = " ".join((line[bullet.end() :] if bullet else line).split()).strip("| ")
        same_block = segments and body.count("\n", prev_end, start) <= 1
        if (
            same_block
            and not bullet
            and text[:1].islower()
            and not segments[-1].terminal
            and not segments[-1].text.endswith(":")
        ):
            seg = segments[-1]
            seg.end = end
            seg.text = f"{seg.text} {text}"
            seg.words += _count_words(text)
            seg.terminal = _is_terminal(text)
        else:
            segments.append(_Segment(start, end, text, _count_words(text), _is_terminal(text)))
        prev_end = end
    return segments


def _icon_labels(text: str) -> bool:
    """A run of icon titles such as 'ArrowIcon FacebookIcon Mail'."""
    if "created with sketch" in text.casefold():
        return True
    if len(_CAMEL.findall(text)) < 3:
        return False
    tokens = _WORD.findall(_CAMEL.sub(lambda m: f"{m.group()[0]} {m.group()[1]}", text))
    tokens = [t.casefold() for t in tokens]
    return bool(tokens) and sum(t in ICON_VOCAB for t in tokens) / len(tokens) >= 0.6


def _share_bar(text: str, words: int) -> bool:
    """A row of share buttons: 'Facebook Twitter WhatsApp E-Mail'."""
    if words > 12 or words < 2:
        return False
    tokens = [t.casefold() for t in _WORD.findall(text)]
    if not tokens:
        return False
    return sum(t in SHARE_VOCAB for t in tokens) / len(tokens) >= 0.75 and any(t in _SHARE_STRONG for t in tokens)


def _match(seg: _Segment) -> str | None:
    """The reason a segment is junk wherever it stands, or None."""
    words, text = seg.words, seg.text
    if words > _MAX_RULE_WORDS:
        return None
    if _icon_labels(text):
        return "icon-labels"
    folded = text.casefold()
    tokens = set(_WORD.findall(folded))
    # A flat loop over prepared tuples: this runs for every short line of every document.
    for max_words, key_words, key_marks, search, reason in _RULE_TABLE:
        if words > max_words:
            continue
        if (key_words or key_marks) and key_words.isdisjoint(tokens) and not any(m in folded for m in key_marks):
            continue
        if search(text):
            return reason
    if _share_bar(text, words):
        return "share-buttons"
    return None


def junk_reason(line: str) -> str | None:
    """The reason one line is junk wherever it stands ("share-buttons", ...), or None."""
    text = " ".join(line.split()).strip("| ")
    return _match(_Segment(0, len(line), text, _count_words(text), _is_terminal(text)))


def is_date_line(line: str) -> bool:
    """Whether a line holds only a date or time, possibly labelled ('Updated 3:59 PM')."""
    return _date_line(" ".join(line.split()))


def is_byline(line: str) -> bool:
    """Whether a line is a byline ('By Jane Smith', 'Par Jean Dupont, à Paris')."""
    return len(line.split()) <= 12 and _BYLINE.match(" ".join(line.split())) is not None


PROMO_LABELS = frozenset({"sponsored", "read-also", "related-links"})
TEASER_MAX_WORDS = 14


def _date_line(text: str) -> bool:
    """Only a date or time, possibly labelled: 'Updated 3:59 PM', '23.10.2018'."""
    if not _DIGIT.search(text) or len(text) > 80:
        return False
    rest = _DATE_TOKENS.sub(" ", text)
    return len(_WORD.findall(rest)) == 0


def _label(seg: _Segment, max_words: int = EDGE_SHORT_WORDS) -> bool:
    """A few words that are no sentence: 'Latest News', 'More', 'Kontakt:'.

    Not: a sentence, anything with digits (a price, a time, a measure), a
    quotation, a greeting ending in a comma, or a 'Key: value' pair.
    """
    text = seg.text
    return (
        seg.words <= max_words
        and not seg.terminal
        and not _DIGIT.search(text)
        and text[:1] not in "\"'“‘«„"
        and not text.endswith(",")
        and ":" not in text[:-1]
    )


def _substantial(segments: list[_Segment]) -> bool:
    """Whether the segments after a hard stop hold article prose (saving them from the cut).

    Article prose is one long paragraph, two prose paragraphs in a row, or a
    prose paragraph right after the stop (before a second junk line): the
    article resumed after a box. Prose about subscribing or signing up is an
    offer, not article.
    """
    run = 0
    junk_seen = 0
    for seg in segments:
        if seg.reason is not None or _SOFT_JUNK.search(seg.text):
            run = 0
            junk_seen += 1
            continue
        if seg.words >= SUBSTANTIAL_WORDS:
            return True
        if seg.terminal and seg.words >= SHORT_PROSE_WORDS:
            if junk_seen < 2:
                return True
            run += 1
            if run >= 2:
                return True
        else:
            run = 0
    return False


def _judge(segments: list[_Segment], repeated: set[str]) -> None:
    """Set `reason` on every segment that is junk."""
    for seg in segments:
        seg.reason = _match(seg)

    # Hard stop followed by no substantial prose: cut the rest of the text.
    for i, seg in enumerate(segments):
        if seg.reason in HARD_STOPS and not _substantial(segments[i + 1 :]):
            for later in segments[i + 1 :]:
                later.reason = later.reason or "tail-boilerplate"
            break

    # The headline right under a promo label is the promoted item ("Sponsored Content"
    # then "Five ways to cut your heating bill"): a title-like line, never a sentence.
    for i, seg in enumerate(segments[:-1]):
        teaser = segments[i + 1]
        if seg.reason in PROMO_LABELS and teaser.reason is None and _label(teaser, TEASER_MAX_WORDS):
            teaser.reason = "teaser"

    anchors = [i for i, seg in enumerate(segments) if seg.reason is None and seg.prose]
    first, last = (anchors[0], anchors[-1]) if anchors else (len(segments), -1)
    for i, seg in enumerate(segments):
        if seg.reason is not None:
            continue
        edge = i < first or i > last
        if repeated and line_key(seg.text) in repeated and (edge or seg.words < REPEATED_KEEP_WORDS or not seg.prose):
            seg.reason = "repeated-in-source"
        elif edge and _date_line(seg.text):
            seg.reason = "date-line"
        elif i < first and seg.words <= 12 and _BYLINE.match(seg.text):
            seg.reason = "byline"

    # Labels go only from the outer runs: from the first line (or the last)
    # up to the first line we keep, so a short line between kept text stays.
    for order in (range(0, first), range(len(segments) - 1, last, -1)):
        for i in order:
            seg = segments[i]
            if seg.reason is not None:
                continue
            if not _label(seg):
                break
            seg.reason = "short-non-sentence"

    # A short label squeezed between two junk segments belongs to them.
    for i in range(1, len(segments) - 1):
        seg = segments[i]
        if (
            seg.reason is None
            and _label(seg, SQUEEZED_MAX_WORDS)
            and segments[i - 1].reason is not None
            and segments[i + 1].reason is not None
        ):
            seg.reason = "short-non-sentence"


def _spans(body: str, segments: list[_Segment]) -> list[Removed]:
    """Turn removed segments into contiguous spans that take their whitespace with them."""
    removed: list[Removed] = []
    n = len(segments)
    i = 0
    while i < n:
        if segments[i].reason is None:
            i += 1
            continue
        j = i
        while j + 1 < n and segments[j + 1].reason is not None:
            j += 1
        run = segments[i : j + 1]
        before = segments[i - 1] if i > 0 else None
        after = segments[j + 1] if j + 1 < n else None
        # Keep the wider of the two separators around the run, so a paragraph
        # break survives when a junk paragraph between two paragraphs goes.
        take_gap_before = after is None or (
            before is not None
            and body.count("\n", before.end, run[0].start) < body.count("\n", run[-1].end, after.start)
        )
        if before is None and after is None:
            bounds = [seg.start for seg in run] + [run[-1].end]
        elif take_gap_before:
            bounds = [before.end] + [seg.end for seg in run]
        else:
            bounds = [seg.start for seg in run] + [after.start]
        for k, seg in enumerate(run):
            removed.append(Removed(bounds[k], bounds[k + 1], seg.reason or "junk"))
        i = j + 1
    return removed


def cut(body: str, removed: list[Removed]) -> str:
    """`body` without the `removed` spans (which must be sorted and disjoint)."""
    parts, at = [], 0
    for span in removed:
        parts.append(body[at : span.start])
        at = span.end
    parts.append(body[at:])
    return "".join(parts)


def clean_lines(
    body: str, *, language: str | None = None, repeated: Collection[str] = ()
) -> tuple[str, list[Removed]]:
    """Remove boilerplate lines from an article body.

    Args:
        body: article text, paragraphs separated by newlines (blank lines or not).
        language: ISO 639-1 code if known. The patterns of every supported
            language (en, fr, es, de and a few others) always apply, because
            junk is often in the site's language, not the article's.
        repeated: lines seen in >= 3 other documents of the same outlet, raw or
            as `line_key`s (see `repeated_lines`).

    Returns:
        `(text, removed)`: the clean text, and the removed spans of `body`
        (sorted, disjoint, each with a reason such as "read-also", "paywall",
        "icon-labels", "short-non-sentence"). `text` is exactly `body` with
        the spans cut out, so `clean_to_body_offset` maps offsets back.

    Example:
        >>> text, removed = clean_lines("Share on Facebook\\n\\nThe minister resigned on Monday, aides said.")
        >>> text
        'The minister resigned on Monday, aides said.'
        >>> removed[0].reason
        'share-buttons'
    """
    del language  # all languages' patterns apply; kept for a future per-language rule set
    if not body or not body.strip():
        return body, []
    keys = {line_key(line) for line in repeated} if repeated else set()
    segments = _segments(body)
    _judge(segments, keys)
    removed = _spans(body, segments)
    return cut(body, removed), removed


def clean_to_body_offset(removed: Iterable[Removed], offset: int, *, end: bool = False) -> int:
    """Map an offset in the clean text to the matching offset in `body`.

    A start offset that lands where a removed span begins skips past it; an end
    offset (`end=True`, exclusive) stays before it, so a clean span
    `(s, e)` maps to `(clean_to_body_offset(r, s), clean_to_body_offset(r, e, end=True))`
    and covers exactly the same characters of `body`.

    Example:
        >>> from storyline.model import Removed
        >>> clean_to_body_offset([Removed(0, 5, "navigation")], 0)
        5
    """
    at = offset
    for span in sorted(removed, key=lambda r: r.start):
        if span.start < at or (span.start == at and not end):
            at += span.end - span.start
        else:
            break
    return at


def body_to_clean_offset(removed: Iterable[Removed], offset: int) -> int | None:
    """Map an offset in `body` to the clean text; None if it falls inside a removed span."""
    shift = 0
    for span in sorted(removed, key=lambda r: r.start):
        if span.end <= offset:
            shift += span.end - span.start
        elif span.start <= offset < span.end:
            return None
        else:
            break
    return offset - shift
