"""Short invented news reports shared by the event and storyline tests (no real articles)."""

from storyline.model import Document

QUAKE_EN = """Earthquake kills 37 in Valdoria
A magnitude 6.4 earthquake struck the mountain town of Valdoria in northern Chile early on Tuesday, killing 37 people and injuring 212, the regional civil defence agency said. Rescue teams from Corvena and Las Piedras searched collapsed houses through the night. President Elena Márquez flew to Valdoria and promised 150 million pesos for reconstruction. The quake was followed by 14 aftershocks."""

QUAKE_EN_2 = """Valdoria quake: death toll reaches 37
Rescuers in Valdoria said on Tuesday that 37 people had died and 212 were hurt after the magnitude 6.4 quake. Márquez visited the town and pledged 150 million pesos. Teams from Corvena kept digging as 14 aftershocks rattled the valley."""

QUAKE_FR = """Un séisme fait 37 morts à Valdoria
Un séisme de magnitude 6,4 a frappé mardi à l'aube la ville de montagne de Valdoria, dans le nord du Chili, faisant 37 morts et 212 blessés, selon la défense civile régionale. Des secouristes de Corvena et de Las Piedras ont fouillé les maisons effondrées toute la nuit. La présidente Elena Márquez s'est rendue à Valdoria et a promis 150 millions de pesos pour la reconstruction. Le séisme a été suivi de 14 répliques."""

QUAKE_ES = """Un terremoto deja 37 muertos en Valdoria
Un terremoto de magnitud 6,4 sacudió el martes de madrugada la localidad montañosa de Valdoria, en el norte de Chile, y dejó 37 muertos y 212 heridos, según la defensa civil regional. Equipos de rescate de Corvena y Las Piedras buscaron entre las casas derrumbadas durante toda la noche. La presidenta Elena Márquez viajó a Valdoria y prometió 150 millones de pesos para la reconstrucción. El sismo fue seguido por 14 réplicas."""

OTHER_QUAKE_EN = """Quake injures 9 in Port Lissan
A magnitude 5.1 earthquake shook the coastal city of Port Lissan on Friday evening, injuring 9 people and damaging the old harbour wall, officials said. Mayor Tomas Brenner ordered schools closed for two days while engineers inspect 40 buildings. No deaths were reported. The national seismic institute said the quake was centred 20 km offshore."""

VERDICT_EN = """Jury convicts former banker Marcus Reed of fraud
A jury in Hollins County on Monday found former banker Marcus Reed guilty of 11 counts of wire fraud after a six-week trial. Prosecutors said Reed stole 4.2 million dollars from 300 clients of Reed Capital. Judge Alice Moreno set sentencing for March 3. Reed's lawyer, Paul Dunne, said he would appeal."""

VERDICT_EN_2 = """Ex-banker Marcus Reed found guilty in 4.2 million dollar fraud
Former Reed Capital chief Marcus Reed was convicted on Monday of 11 counts of wire fraud by a Hollins County jury. Reed took 4.2 million dollars from about 300 investors, prosecutors said. Sentencing before Judge Alice Moreno is set for March 3, and defence lawyer Paul Dunne plans an appeal."""

OTHER_VERDICT_EN = """Singer Dana Whitfield acquitted of tax evasion
A court in Oakport acquitted singer Dana Whitfield of tax evasion on Thursday, ending a case that began in 2019. Judge Victor Lang said prosecutors had not proved that Whitfield hid 800,000 dollars in income. Whitfield thanked her fans outside the courthouse in Oakport. Prosecutors have 30 days to decide whether to appeal."""

REBUILD_EN = """Valdoria opens first rebuilt homes after quake
Six months after the earthquake that devastated Valdoria, President Elena Márquez returned to the town on Saturday to hand over the keys of the first 80 rebuilt homes. The reconstruction agency said 600 more houses in Valdoria and Corvena will be finished by December. Residents who lost relatives in the earthquake laid flowers at a new memorial in Valdoria."""

COPPER_EN = """Copper exports lift Chile's trade surplus
Chile's copper exports rose 12 percent in the first quarter, the central bank said on Wednesday, pushing the trade surplus to 3.1 billion dollars. Mining companies Andina Cobre and Atacama Resources reported record output at their northern pits. Analysts at Banco Sur expect copper prices to stay high through the year, and Andina Cobre plans a new smelter."""


def make(doc_id: str, text: str, lang: str = "en", published: str | None = "2024-03-05",
         duplicate_of: str | None = None) -> Document:
    title, _, body = text.partition("\n")
    return Document(id=doc_id, title=title, text=body, language=lang, published=published,
                    duplicate_of=duplicate_of)
