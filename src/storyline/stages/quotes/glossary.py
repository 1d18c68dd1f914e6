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
un one|uno one|una one|deux two|dos two|trois three|tres three|quatre four|cuatro four
cinq five|cinco five|six six|seis six|sept seven|siete seven|huit eight|ocho eight
neuf nine|nueve nine|dix ten|diez ten|cent hundred|cien hundred|mille thousand|mil thousand
premier first|primero first|primera first|dernier last|ultimo last|jamais never|nunca never
toujours always|siempre always|encore again|otra again|aujourd'hui today|hoy today
demain tomorrow|manana tomorrow|hier yesterday|ayer yesterday|annee year|ano year|ans years
anos years|jour day|dia day|jours days|dias days|semaine week|semana week|mois month|mes month
argent money|dinero money|cout cost|coste cost|costo cost|couts costs|costes costs
prix price|precio price|salaire wage|salario wage|salaires wages|salarios wages
maison home|casa home|maisons homes|casas homes|logement housing|vivienda housing
eau water|agua water|riviere river|rio river|barrage dam|presa dam|ville city|ciudad city
route road|carretera road|camino road|chemin road|port port|puerto port|mer sea|mar sea
frere brother|hermano brother|freres brothers|hermanos brothers|soeur sister|hermana sister
enfants children|ninos children|hijos children|femmes women|mujeres women|hommes men
hombres men|gens people|personnes people|personas people|peuple people|pueblo people
travailleurs workers|trabajadores workers|ouvriers workers|mineurs miners|mineros miners
puits shaft|pozo shaft|mine mine|mina mine|usine factory|fabrica factory|entreprise company
empresa company|societe company|compagnie company|banque bank|banco bank|tribunal court
cour court|juge judge|juez judge|jueza judge|loi law|decision decision|faute fault
culpa fault|responsabilite responsibility|responsabilidad responsibility|verite truth
verdad truth|confiance trust|confianza trust|dialogue dialogue|dialogo dialogue
accord deal|acuerdo deal|promesse promise|promesa promise|promis promised|prometio promised
tout everything|todo everything|rien nothing|nada nothing|quelqu'un someone|alguien someone
personne nobody|nadie nobody|plus more|mas more|moins less|menos less|beaucoup much
mucho much|muy very|bien well|mal badly|seulement only|solo only|aussi also
tambien also|enfin finally|finalmente finally|deja already|ya already|maintenant now
ahora now|ici here|aqui here|pourquoi why|porque because|parce because|quand when
cuando when|comment how|como how|donner give|dar give|donne gives|da gives|venir come
revenir come|volver come|aller go|ir go|descendre down|bajar down|descendu down
bajaron down|remonter up|subieron up|monter up|entendre hear|oir hear|entendu heard
oido heard|savoir know|saber know|dire say|decir say|dit said|dijo said|pense think
creo think|croire believe|creer believe|comprendre understand|entender understand
devons must|debemos must|doit must|debe must|pouvons can|podemos can|peut can|puede can
pouvaient could|podian could|reconstruire rebuild|reconstruir rebuild|reconstruirons rebuild
reconstruiremos rebuild|construire build|construir build|payer pay|pagar pay|paiera pay
pagara pay|ouvert open|abierto open|ferme closed|cerrado closed|fermer close|cerrar close
attendre wait|esperar wait|attendu waited|esperado waited|alerte warning|alerta warning
avertissement warning|sirene siren|sirena siren|danger danger|peligro danger|surete safety
seguridad safety|vie life|vida life|vivants alive|vivos alive|vivant alive|vivo alive
mort death|muerte death|morts dead|muertos dead|avant before|antes before
apres after|despues after|pendant during|durante during|contre against|contra against
sans without|sin without|avec with|con with|encore still|todavia still
hebergement housing|provisoire temporary|temporal temporary|oui yes|si yes|mayor higher
superieur higher|subido risen|quieto still|quietos still|nacion nation
""".replace("\n", "|")

GLOSSARY: dict[str, str] = {}
for _pair in _PAIRS.split("|"):
    if _pair.strip():
        _src, _dst = _pair.split()
        GLOSSARY[_src] = _dst
