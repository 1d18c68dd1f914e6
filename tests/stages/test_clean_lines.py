"""Line-level boilerplate removal: exact junk out, every article sentence kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.stages.clean.lines import (
    body_to_clean_offset,
    clean_lines,
    clean_to_body_offset,
    cut,
    line_key,
    repeated_lines,
)
from storyline.text import sentence_spans

# Each case: the article, with junk lines marked by a leading "!" (removed before use).
ARTICLES = {
    "en": """\
!IconFacebookIconTwitterIconMail ArrowChevronIcon PrintIcon
!We use cookies to improve your experience. By continuing to browse, you accept our cookie policy.
!Share on Facebook
!Share on Twitter

LONDON — The city council voted on Tuesday to close the old harbour bridge to cars after engineers found cracks in two of its supports.

!READ ALSO: Ferry operators brace for a busy summer

The decision, taken by 31 votes to 9, follows a report that warned the structure could fail within five years without repairs.

“We will not gamble with people’s lives.”

!Advertisement

A fragile compromise

Residents on the south bank said the closure would double their journey times, and shop owners asked for compensation.

!You have {{articlesLeft}} free articles left this month
!Subscribe now for $1 a week
!Sign up for our newsletter to get the latest news delivered to your inbox.
!Follow The Harbour Gazette on Google News
!Latest News""",
    "fr": """\
!Nous utilisons des cookies pour améliorer votre expérience de navigation.
!Partager sur Facebook
!Partager sur Twitter

PARIS (AFP) - Le gouvernement a présenté mercredi un projet de loi visant à réduire de moitié les délais de traitement des demandes de logement social.

!Lire aussi : Les loyers continuent de grimper dans les grandes villes

Selon le ministre du Logement, près de deux millions de ménages attendent une attribution, parfois depuis plus de cinq ans.

« C'est une urgence nationale. »

Les associations restent prudentes et demandent des moyens supplémentaires pour les bailleurs sociaux.

!Cet article est réservé aux abonnés.
!Abonnez-vous pour lire la suite
!Inscrivez-vous à notre newsletter pour recevoir l'essentiel de l'actualité.
!Suivez-nous sur Google Actualités
!Publicité""",
    "es": """\
!Compartir en Facebook
MADRID — El Congreso aprobó este jueves la reforma de la ley de aguas con el apoyo de la mayoría de los grupos parlamentarios.
!Leer también: La sequía obliga a restringir el riego en Andalucía
La norma obliga a los ayuntamientos a reparar las fugas de sus redes de distribución antes de 2030.
"No hay tiempo que perder."
Los agricultores, sin embargo, critican que el texto no incluya ayudas para modernizar los regadíos.
!Contenido exclusivo para suscriptores
!Suscríbete por 1 € al mes
!Síguenos en Google News
!Publicidad""",
    "de": """\
!Teilen

BERLIN (dpa) - Die Bundesregierung will den Ausbau der Windkraft an Land deutlich beschleunigen und Genehmigungsverfahren vereinfachen.

!Lesen Sie auch: Strompreise steigen im Winter erneut

Nach den Plänen des Wirtschaftsministeriums sollen Anträge künftig innerhalb von sechs Monaten entschieden werden.

„Wir haben keine Zeit zu verlieren.“

Umweltverbände begrüßten den Vorstoß, warnten aber vor Abstrichen beim Naturschutz.

!Dieser Artikel ist nur für Abonnenten verfügbar.
!Jetzt abonnieren
!Newsletter abonnieren
!Folgen Sie uns auf Google News
!Anzeige
!Wir verwenden Cookies, um Ihnen ein besseres Nutzererlebnis zu bieten.""",
}


def _split_case(marked: str) -> tuple[str, list[str], list[str]]:
    """(body, junk lines, kept lines) of a marked article."""
    lines = marked.split("\n")
    body = "\n".join(line[1:] if line.startswith("!") else line for line in lines)
    junk = [line[1:] for line in lines if line.startswith("!")]
    kept = [line for line in lines if line.strip() and not line.startswith("!")]
    return body, junk, kept


def _assert_consistent(body: str, text: str, removed) -> None:
    assert text == cut(body, removed)
    last = 0
    for span in removed:
        assert last <= span.start < span.end <= len(body)
        last = span.end


@pytest.mark.parametrize("language", sorted(ARTICLES))
def test_clean_lines_removes_exact_junk_and_keeps_every_sentence(language):
    body, junk, kept = _split_case(ARTICLES[language])
    text, removed = clean_lines(body, language=language)
    _assert_consistent(body, text, removed)
    removed_lines = sorted(line.strip() for span in removed for line in body[span.start : span.end].split("\n") if line.strip())
    assert removed_lines == sorted(junk)
    # Every kept line, in order, and nothing else.
    assert [line for line in text.split("\n") if line.strip()] == kept
    for start, end in sentence_spans(text, language):
        assert text[start:end] in body


def test_clean_lines_reasons_name_the_junk():
    body, _, _ = _split_case(ARTICLES["en"])
    _, removed = clean_lines(body)
    reasons = {body[r.start : r.end].strip(): r.reason for r in removed}
    assert reasons["READ ALSO: Ferry operators brace for a busy summer"] == "read-also"
    assert reasons["Share on Facebook"] == "share-buttons"
    assert reasons["Advertisement"] == "advertisement"
    assert reasons["You have {{articlesLeft}} free articles left this month"] == "template"
    assert reasons["Follow The Harbour Gazette on Google News"] == "social-follow"
    assert reasons["IconFacebookIconTwitterIconMail ArrowChevronIcon PrintIcon"] == "icon-labels"
    assert reasons["Latest News"] == "related-links"


def test_clean_lines_keeps_paragraph_breaks_where_junk_was():
    body = "First paragraph of the story, with enough words to count.\n\nShare on Facebook\n\nSecond paragraph of the story, also long enough to count."
    text, _ = clean_lines(body)
    assert text == (
        "First paragraph of the story, with enough words to count.\n\n"
        "Second paragraph of the story, also long enough to count."
    )


def test_clean_lines_keeps_long_paragraph_that_mentions_junk_words():
    para = (
        "The publisher said it would send a newsletter to all subscribers next week, explaining why the "
        "subscription price rose and why cookies from advertisers will no longer be used on its sites, "
        "a change that regulators in Brussels had demanded for more than two years."
    )
    text, removed = clean_lines(f"{para}\n\nMore")
    assert text == para
    assert [r.reason for r in removed] == ["navigation"]


def test_clean_lines_hard_stop_cuts_short_promotional_tail():
    body = (
        "The ministry confirmed the figures on Friday after a week of speculation in the markets.\n\n"
        "Analysts expect the central bank to respond at its next meeting in June, several sources said.\n\n"
        "Subscribe now for $1 a week\n\n"
        "Stay ahead with our exclusive reporting.\n\n"
        "The voice of the region, every day.\n\n"
        "Find out more"
    )
    text, removed = clean_lines(body)
    assert text.endswith("several sources said.")
    assert [r.reason for r in removed] == ["subscription", "tail-boilerplate", "tail-boilerplate", "navigation"]


def test_clean_lines_hard_stop_spares_article_that_continues():
    long_para = (
        "The ministry confirmed the figures on Friday after a week of speculation in the markets, and "
        "officials said further details would follow once the audit of the regional accounts was complete."
    )
    body = f"{long_para}\n\nSponsored Content\n\nAnalysts expect the bank to respond in June.\n\n{long_para}"
    text, removed = clean_lines(body)
    assert [r.reason for r in removed] == ["sponsored"]
    assert "Analysts expect the bank to respond in June." in text


def test_clean_lines_keeps_heading_inside_article():
    body = (
        "The first paragraph explains what happened in the capital on Monday morning.\n\n"
        "What comes next\n\n"
        "The second paragraph explains what the government plans to do about it this year."
    )
    text, removed = clean_lines(body)
    assert text == body and removed == []


def test_clean_lines_drops_labels_only_at_the_edges():
    body = (
        "Politics\n\n"
        "The first paragraph explains what happened in the capital on Monday morning.\n\n"
        "The second paragraph explains what the government plans to do about it this year.\n\n"
        "More"
    )
    text, removed = clean_lines(body)
    assert [r.reason for r in removed] == ["short-non-sentence", "navigation"]
    assert text.startswith("The first paragraph") and text.endswith("this year.")


def test_clean_lines_joins_wrapped_lines_before_judging():
    body = (
        "The council approved the budget on Monday after a long debate\n"
        "that lasted well into the night, officials said.\n\n"
        "Opposition members walked out before the final vote was taken."
    )
    text, removed = clean_lines(body)
    assert text == body and removed == []


def test_clean_lines_removes_bylines_dates_and_credits_at_edges():
    body = (
        "By Jane Smith\n"
        "Updated 3:59 PM\n\n"
        "The port reopened on Monday after a storm closed it for three days, the authority said.\n\n"
        "(Reporting by Jane Smith; Editing by Tom Brown)"
    )
    text, removed = clean_lines(body)
    assert [r.reason for r in removed] == ["byline", "date-line", "credits"]
    assert text == "The port reopened on Monday after a storm closed it for three days, the authority said."


def test_clean_lines_repeated_in_source():
    background = (
        "The conflict began in 2014 when separatists seized government buildings in the east, and more "
        "than fourteen thousand people have been killed since then according to United Nations estimates."
    )
    body = (
        "Get the app for breaking news alerts\n\n"
        "The talks resumed in Geneva on Monday with both delegations present, diplomats said.\n\n"
        f"{background}\n\n"
        "Call our hotline\n\n"
        "A new round is planned for next month, the mediators said in a statement."
    )
    repeated = {line_key("Get the app for breaking news alerts"), line_key(background), line_key("Call our hotline")}
    text, removed = clean_lines(body, repeated=repeated)
    assert [body[r.start : r.end].strip() for r in removed] == ["Get the app for breaking news alerts", "Call our hotline"]
    assert {r.reason for r in removed} == {"repeated-in-source"}
    assert background in text


def test_repeated_lines_needs_three_documents():
    docs = ["A\nJoin our club", "B\nJoin our club", "C\njoin  OUR club", "D\nOnly here twice", "E\nOnly here twice"]
    assert repeated_lines(docs) == {"join our club"}
    assert line_key("You have 3 free articles") == line_key("You have 5 free articles")


@pytest.mark.parametrize("body", ["", "   ", "\n\n\n", "x", "Share", "READ ALSO"])
def test_clean_lines_degenerate_input(body):
    text, removed = clean_lines(body)
    _assert_consistent(body, text, removed)


def test_clean_to_body_offset_maps_clean_spans_into_body():
    body, _, _ = _split_case(ARTICLES["en"])
    text, removed = clean_lines(body)
    for start, end in sentence_spans(text, "en"):
        b_start = clean_to_body_offset(removed, start)
        b_end = clean_to_body_offset(removed, end, end=True)
        assert body[b_start:b_end] == text[start:end]
        assert body_to_clean_offset(removed, b_start) == start
    first_removed = removed[0]
    assert body_to_clean_offset(removed, first_removed.start) is None


LINE = st.one_of(
    st.sampled_from(
        [
            "Share on Facebook",
            "READ ALSO: something else",
            "Subscribe now for $1 a week",
            "Advertisement",
            "More",
            "The minister resigned on Monday after a week of protests in the capital.",
            "“Short quote.”",
            "Heading",
            "{{placeholder}}",
            "",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(LINE, max_size=12), st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_clean_lines_never_crashes_and_stays_consistent(lines, sep):
    body = sep.join(lines)
    text, removed = clean_lines(body)
    _assert_consistent(body, text, removed)
    for start, end in sentence_spans(text, "en"):
        b_start = clean_to_body_offset(removed, start)
        b_end = clean_to_body_offset(removed, end, end=True)
        assert body[b_start:b_end] == text[start:end]


def test_clean_lines_newsletter_box_mid_article_keeps_the_last_paragraph():
    body = (
        "The ministry confirmed the figures on Friday after a week of speculation in the markets, and "
        "officials said more details would follow once the audit was complete.\n\n"
        "Sign up for our newsletter to get the latest news delivered to your inbox.\n\n"
        "The central bank is expected to respond at its next meeting in June."
    )
    text, removed = clean_lines(body)
    assert [r.reason for r in removed] == ["newsletter"]
    assert text.endswith("The central bank is expected to respond at its next meeting in June.")


def test_clean_removes_syndication_footers_but_not_sentences_about_publishing():
    body = ("The dam broke on Sunday, officials said, and rescue teams worked all night.\n\n"
            "This article was provided by Meridian Wire.\n\n"
            "The report was published by the ministry on its website, she said.\n\n"
            "Cet article a été fourni par Agence Valdorienne.")
    text, removed = clean_lines(body)
    assert [body[r.start:r.end].strip() for r in removed] == [
        "This article was provided by Meridian Wire.", "Cet article a été fourni par Agence Valdorienne."]
    assert {r.reason for r in removed} == {"syndication"}
    assert "The report was published by the ministry on its website, she said." in text


def test_clean_drops_the_teaser_under_a_promo_label_only():
    body = ("The strike began on Monday after three miners died in a rock fall, the union said.\n"
            "Sponsored Content\n"
            "Five ways to cut your heating bill this winter\n\n"
            "Talks resumed in the afternoon.\n\n"
            "Ministers met again on Friday and agreed to a review of mine safety, officials said.")
    text, removed = clean_lines(body)
    assert sorted(r.reason for r in removed) == ["sponsored", "teaser"]
    assert "Five ways" not in text and "Talks resumed in the afternoon." in text
