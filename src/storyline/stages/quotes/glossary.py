"""A small French/Spanish -> English glossary of news words, for matching translations.

Cognates (`famille`/`family`) are caught by fuzzy matching in merge.py; these
are the frequent words that look nothing alike. Keys and values are folded
(lower case, no accents).
"""

from __future__ import annotations

_PAIRS = """
asile asylum|asilo asylum|guerre war|guerra war|pays country|pais country|monde world|mundo world
nord north|norte north|sud south|sur south|est east|este east|ouest west|oeste west
chaque every|cada every|tous all|todos all|toutes all|todas all|aucun no|ningun no
fuir flee|fuit flee|fuient flee|huir flee|huyen flee|demander ask|demandons ask|demande ask
pedimos ask|pide ask|pedir ask|simplement simply|simplemente simply|aide help|ayuda help
aider help|ayudar help|droits rights|derechos rights|homme human|humanos human|humains human
liberte freedom|libertad freedom|presse press|prensa press|loi law|ley law|etat state
estado state|etats states|estados states|unis united|unidos united|gouvernement government
gobierno government|ministre minister|ministro minister|affaires affairs|asuntos affairs
etrangeres foreign|exteriores foreign|securite security|seguridad security|paix peace
paz peace|accord agreement|acuerdo agreement|commerce trade|comercio trade|emplois jobs
empleos jobs|entreprises companies|empresas companies|dollars dollars|dolares dollars
millions millions|millones millions|milliards billions|croissance growth|crecimiento growth
voisins neighbors|vecinos neighbors|citoyens citizens|ciudadanos citizens|bons good
buenos good|bon good|bueno good|nous we|nosotros we|avons have|hemos have|sommes are
somos are|voulons want|queremos want|vouloir want|querer want|voir see|ver see|region region
minorites minorities|minorias minorities|refuge refuge|refugio refuge|sur safe|seguro safe
surs safe|seguros safe|famille family|familia family|familles families|familias families
reformes reforms|reformas reforms|ensemble together|juntos together|avenir future
futuro future|menace threat|amenaza threat|fin end|mettre put|poner put|travailler work
trabajar work|travail work|trabajo work|elections elections|elecciones elections
impots taxes|impuestos taxes|hausse rise|subir rise|aumento rise|augmenter raise
""".replace("\n", "|")

GLOSSARY: dict[str, str] = {}
for _pair in _PAIRS.split("|"):
    if _pair.strip():
        _src, _dst = _pair.split()
        GLOSSARY[_src] = _dst
