"""Clean, real-looking English news articles written for the flag evaluation.

Every text here was written for storyline (people, towns and companies are
invented); none is copied from anywhere. `evaluation/flags.py` turns them into
positives (shuffled, spun, mixed, literal-translation variants) and keeps them
as negatives. `split` fixes which articles tune the detectors ("dev") and which
only measure them ("test").

Paragraphs are separated by a blank line, like most clean article text.
"""

from __future__ import annotations

ARTICLES: tuple[dict[str, str], ...] = (
    {
        "id": "a01",
        "split": "dev",
        "title": "Harbour city approves new flood barrier after two wet winters",
        "text": """The city council of Port Marren voted on Tuesday to build a movable flood barrier across the mouth of the Elde river, ending a decade of debate over how to protect the old harbour district from rising water.

The barrier, estimated to cost 240 million euros, will be built in three stages and should be working by the winter of 2029, according to the council's planning office.

Mayor Ingrid Havel said the decision was overdue. "We have pumped water out of the same streets twice in two years. Residents have told us clearly that they cannot go through that again," she told reporters after the vote.

The plan passed by 31 votes to 12. Opponents, led by councillor Tomas Brandt, argued that the city should first reinforce the existing dykes, which would cost less and could be finished sooner.

Brandt said the barrier was a prestige project. "We are spending a quarter of a billion on a gate that will be closed perhaps four days a year," he said.

Engineers from the regional water authority told the council that the existing dykes were built for sea levels of the 1970s and would need to be raised by almost a metre to give the same protection.

Shop owners in the harbour district welcomed the vote. Marta Quist, who runs a bakery on Quay Street, said her shop had flooded in January and again in November. "I lost two ovens and most of the flour. Insurance paid for some of it, not all," she said.

Construction of the first stage, a set of foundations on the river bed, is due to begin next spring.""",
    },
    {
        "id": "a02",
        "split": "dev",
        "title": "Regional airline cancels dozens of flights as pilots strike",
        "text": """Northway Air cancelled 84 flights on Friday as pilots walked out in a dispute over rest periods, leaving thousands of passengers stranded at airports across the north of the country.

The strike, the first in the airline's 20-year history, was called by the Pilots' Association after talks broke down late on Thursday evening.

Northway said about 9,000 passengers were affected and that it would offer refunds or free rebooking on later flights. Its chief executive, Laura Fennimore, called the walkout "unnecessary and damaging" and urged the union to return to talks.

The union says pilots are regularly asked to fly six early starts in a row, and wants a legal cap of four. Its chairman, Victor Ames, said safety, not pay, was at the heart of the dispute.

"Tired pilots make mistakes. We are asking for nothing more than what doctors and our own safety reports recommend," Ames said in a statement.

At Hollin airport, queues formed at the ticket desks from early morning. Some travellers said they had learned of the cancellation only when they reached the check-in counter.

Fennimore said the airline had sent text messages to every passenger with a phone number on file, but admitted that some bookings made through travel agents had no contact details.

The union has announced a second strike day for next Wednesday unless an agreement is reached.""",
    },
    {
        "id": "a03",
        "split": "dev",
        "title": "Scientists find rare orchid thought lost for 80 years",
        "text": """Botanists surveying a remote valley in the Kessel hills have found a small colony of the ghost orchid Epipogium kesselense, a plant last recorded in 1941 and widely presumed extinct.

The team from the University of Arlon counted 17 flowering stems growing in deep leaf litter under old beech trees, about 400 metres above the valley floor.

"When we saw the first flower I did not believe it. We checked the photographs against the herbarium sheets for an hour before we allowed ourselves to celebrate," said Dr Helena Voss, who led the survey.

The orchid has no green leaves and cannot produce its own food. Instead it draws nutrients from fungi in the soil, which makes it almost impossible to grow in a garden or a laboratory.

Voss said the exact location would not be published, to protect the plants from collectors. Ghost orchids have been dug up and sold illegally in other parts of Europe.

The regional nature agency has asked the owners of the forest to delay a planned timber harvest while the site is studied. A spokesman for the owners, the Weller family trust, said they were willing to discuss it.

The find will be described in the next issue of the journal Flora Europaea Notes. Voss's team plans to return in the summer to look for more colonies in neighbouring valleys.""",
    },
    {
        "id": "a04",
        "split": "dev",
        "title": "Central bank holds rates, signals cut later this year",
        "text": """The central bank left its main interest rate unchanged at 3.75 percent on Thursday but said it expected to lower borrowing costs before the end of the year if inflation keeps falling.

Inflation eased to 2.9 percent in April from 3.4 percent in March, the statistics office said last week, the lowest reading since the summer of 2021.

Governor Paul Okafor told a news conference that the bank wanted to see "a few more months of good news" before acting. "We are not in a hurry. Cutting too early would risk undoing the progress we have made," he said.

Seven of the nine members of the rate committee voted to hold. Two voted for an immediate cut of a quarter of a percentage point, the minutes showed.

Economists had widely expected the decision. Sara Lindqvist, chief economist at Merrow Bank, said markets were now pricing in two cuts by December.

"The message was cautious but the direction is clear. Unless wages surprise on the upside, the first cut comes in September," Lindqvist said.

The bank also raised its forecast for economic growth this year to 1.2 percent from 0.8 percent, citing stronger consumer spending and a recovery in exports.

Mortgage lenders said they expected fixed rates to keep drifting lower over the summer.""",
    },
    {
        "id": "a05",
        "split": "dev",
        "title": "Teenager wins national chess title at first attempt",
        "text": """Sixteen-year-old Nadia Petrakis won the national chess championship on Sunday, becoming the youngest champion in the tournament's 70-year history.

Petrakis, from the town of Eastholm, drew her final-round game against grandmaster Anton Reyes to finish on seven points out of nine, half a point ahead of the defending champion.

"I did not come here to win. I came to learn from the strongest players in the country, and somehow the points kept coming," Petrakis said after the game.

Reyes, who has won the title four times, praised the teenager's calm. "She plays like someone who has been doing this for twenty years. In the endgame she did not give me a single chance," he said.

Petrakis learned the game from her grandfather at the age of six and trains about four hours a day around school, according to her coach, Miriam Stolz.

Stolz said the win would qualify Petrakis for the European individual championship in October. The national federation said it would cover her travel costs.

The previous record was held by Leon Varga, who won the title at seventeen in 1988.""",
    },
    {
        "id": "a06",
        "split": "dev",
        "title": "Hospital trust opens night clinic to cut emergency waits",
        "text": """A hospital trust in the county of Wexley has opened a walk-in clinic that stays open until two in the morning, in an attempt to ease pressure on its emergency department.

The clinic, on the ground floor of St Aldric's Hospital, is staffed by two nurses and a family doctor and treats minor injuries and illnesses such as sprains, cuts and ear infections.

In its first week it saw 412 patients, according to figures released by the trust on Monday. About a third arrived after ten in the evening.

Dr Ruth Adeyemi, the trust's medical director, said the emergency department had been treating many patients who did not need emergency care. "People come to us at midnight because nothing else is open. That is not their fault. It is a gap in the service," she said.

Average waiting times in the emergency department fell from five hours to just under four during the same week, although Adeyemi cautioned that one week was too short to draw conclusions.

The clinic is funded for a trial period of twelve months. The county health board will decide next spring whether to keep it open.

Patients' groups welcomed the move but said the trust should also do more to recruit family doctors in rural areas, where some surgeries have closed.""",
    },
    {
        "id": "a07",
        "split": "dev",
        "title": "Carmaker to build battery plant, creating 1,800 jobs",
        "text": """The carmaker Velto announced on Wednesday that it will build a battery factory near the town of Brennick, creating about 1,800 jobs by 2028.

The plant will produce cells for the company's electric vans and cost around 2.1 billion dollars, Velto said in a statement. Construction is due to start in the first quarter of next year.

Chief executive Marcus Hale said the company had looked at sites in four countries before choosing Brennick, which already hosts one of its assembly lines.

"We have a skilled workforce here, good rail links and a regional government that answered our questions in weeks, not months," Hale said at an event at the existing factory.

The regional government has agreed to provide 300 million dollars in grants and to upgrade the road between the site and the motorway.

Economy minister Clara Duval said the investment was the largest in the region since the 1990s. "This is a vote of confidence in our workers and in our plan for clean industry," she said.

Environmental groups said they would study the plans for water use, as battery production needs large amounts of water for cooling and cleaning.

Velto's shares rose 3 percent in afternoon trading.""",
    },
    {
        "id": "a08",
        "split": "dev",
        "title": "Court jails former mayor for taking bribes over building permits",
        "text": """A court in Selvane sentenced the town's former mayor, Gerard Moll, to four years in prison on Monday after finding him guilty of taking bribes in exchange for building permits.

Judges found that Moll received at least 180,000 euros between 2016 and 2020 from two property developers, who were given permission to build apartment blocks on land reserved for parks.

The two developers, Henrik Aalto and Simone Brandes, received suspended sentences of 18 months each and fines of 50,000 euros.

Moll, who led the town for eleven years, denied the charges throughout the trial. His lawyer, Pieter Jansen, said he would appeal.

"The court relied on the word of men who had every reason to lie to save themselves. We will ask a higher court to look at the evidence again," Jansen told reporters outside the courthouse.

Prosecutors had asked for six years. In their ruling, the judges said they had taken into account Moll's age and the fact that he had no previous convictions.

The case came to light in 2021 after a local newspaper, the Selvane Courier, reported that the town's largest park had shrunk by a third in five years.

The current mayor, Anja Roth, said the town would try to recover some of the land.""",
    },
    {
        "id": "a09",
        "split": "dev",
        "title": "Heatwave pushes power demand to record high",
        "text": """Electricity demand hit a record of 61.4 gigawatts on Tuesday afternoon as temperatures rose above 38 degrees Celsius in much of the south, the grid operator said.

The operator, GridNet, said supply had kept up with demand and that there was no immediate risk of blackouts, but asked households to avoid running washing machines and dishwashers between four and seven in the evening.

Air conditioning accounted for most of the increase, said Elena Marsh, the operator's head of system planning. "Ten years ago a day like this would have peaked at around 52 gigawatts. Cooling has changed the shape of the summer," she said.

Solar panels produced a record share of the country's power at midday, about 38 percent, but their output falls quickly in the late afternoon, when demand remains high.

The weather service expects the heat to last until at least Friday. It has issued a red warning for six provinces, meaning there is a risk to the health of healthy people, not only the elderly and the sick.

Hospitals in the city of Castro reported a rise in admissions for dehydration. The city has opened public libraries and two shopping centres as cool rooms until ten in the evening.

Farmers' groups warned that a second week of heat would damage the maize harvest.""",
    },
    {
        "id": "a10",
        "split": "dev",
        "title": "Football club sacks coach after eight games without a win",
        "text": """Rovers FC sacked head coach Daniel Ferreira on Sunday, a day after a 3-0 home defeat by Ashby United left the club second from bottom of the league.

The club has not won in eight league games and has scored only four goals in that time.

In a statement, chairman Owen Pryce thanked Ferreira for his work and said the board had made the decision "with a heavy heart". Assistant coach Leo Banks will take charge of the team until a permanent replacement is found.

Ferreira joined the club two years ago and led it to a seventh-place finish last season, its best in a decade. But the departure of two key players in the summer left the squad short of experience.

Supporters had chanted against the board during Saturday's match. Several hundred stayed behind after the final whistle to protest outside the main stand.

Banks said the players were hurting. "Nobody in that dressing room is happy. We have eleven days until the next game and we will use every one of them," he said.

Pryce said the club hoped to appoint a new coach before the transfer window opens in January.""",
    },
    {
        "id": "a11",
        "split": "dev",
        "title": "Village school saved after parents raise 90,000 in a month",
        "text": """The only primary school in the village of Loddon Green will stay open after parents raised 90,000 pounds in four weeks to repair its roof, the county council confirmed on Thursday.

The council had said in September that it could not afford the repairs and proposed moving the school's 46 pupils to a larger school nine miles away.

Parents organised bake sales, a sponsored walk and an online appeal that drew donations from former pupils as far away as Canada and New Zealand.

"We did not want our children spending an hour a day on a bus. Once people heard the story, the money came in faster than we could count it," said Jo Whitfield, who chairs the parents' group.

Head teacher Alan Morrow said the school had been at the centre of village life since 1874. He said the work on the roof would begin during the Christmas holidays.

Council leader Frances Doyle said she was delighted by the result but warned that other small schools in the county faced similar problems. "We have more old buildings than we have money to fix them," she said.

The council will pay for a survey of the rest of the building next year.""",
    },
    {
        "id": "a12",
        "split": "dev",
        "title": "Ferry operator fined after lorry fell into harbour",
        "text": """The ferry operator Blue Channel Lines has been fined 650,000 pounds after a lorry rolled off one of its vessels and into the harbour at Kettering Bay in 2022.

A maritime court found that the company had failed to make sure the vessel's loading ramp was properly secured before the lorry began to drive off. The driver escaped through the cab window and was rescued by a harbour pilot boat.

Judge Alice Carver said the driver had been "extremely fortunate" to survive. "This was a foreseeable accident caused by a failure to follow the company's own procedures," she said.

The court heard that the crew member responsible for the ramp had been working for 14 hours and had not received training on the vessel, which had joined the fleet three weeks earlier.

Blue Channel said in a statement that it accepted the ruling and had changed its training and shift rules since the accident. It said no similar incident had happened since.

The driver, Mihai Popescu, told the court in a written statement that he still has nightmares about the cold water. He has not returned to work as a driver.

The harbour authority said it would review the rules for vehicles leaving ferries at the port.""",
    },
    {
        "id": "a13",
        "split": "dev",
        "title": "Museum returns carved masks to community in the north",
        "text": """The National Museum of Ethnography has returned eleven carved wooden masks to the Saami community of Vuolle, more than a century after they were taken by a collector.

The masks were handed over on Saturday at a ceremony in the community hall, attended by the museum's director, Karin Lund, and several hundred local residents.

Lund said the museum had concluded after a three-year study that the masks had been acquired without the consent of the families who owned them. "They were never ours to keep. Today is about putting that right," she said.

The masks were collected in 1908 by a travelling merchant, Johan Ekdahl, who sold them to the museum two years later. Some of them had been used in ceremonies marking the end of winter.

Elder Ante Nilsa, who spoke at the ceremony, said his grandmother had told him stories about the masks. "We knew they existed. We did not know if we would ever see them," he said.

The community plans to display the masks in a new cultural centre due to open next year. Until then they will be kept in a climate-controlled room at the local school.

The museum has received requests for the return of about 200 other objects and is studying each case, Lund said.""",
    },
    {
        "id": "a14",
        "split": "dev",
        "title": "Rail line reopens after landslide repairs",
        "text": """Trains returned to the line between Harwick and Doverton on Monday, seven weeks after a landslide buried a section of track under thousands of tonnes of mud and rock.

The landslide, triggered by heavy rain in early March, closed the only direct rail link between the two cities and forced about 12,000 daily passengers onto replacement buses.

Engineers removed about 40,000 tonnes of material and built a concrete wall and new drainage along 300 metres of the slope, the rail operator Trackways said.

"This was one of the most difficult repairs we have ever carried out. The ground kept moving while we were working on it," said project manager Fiona Grant.

Passengers on the first train from Harwick applauded as it pulled into Doverton, six minutes ahead of schedule. Commuter Ravi Mehta said the bus journey had added almost two hours to his day.

Trackways said it would install sensors on the slope to warn of any new movement. It has also asked the government for money to survey 40 other slopes along its network that geologists consider at risk.

The repairs cost about 18 million pounds.""",
    },
    {
        "id": "a15",
        "split": "test",
        "title": "Drought forces water restrictions in three provinces",
        "text": """Authorities in three southern provinces banned the use of hosepipes and the filling of private swimming pools on Monday after the driest spring in more than 60 years left reservoirs at a third of their capacity.

The restrictions apply to about 4.5 million people and will stay in force at least until the end of September, the national water agency said.

Agency director Luis Carvalho said the measures were unavoidable. "Every litre we save now is a litre we will have in August, when demand is highest," he said at a press conference in the city of Serra.

Farmers will be allowed to irrigate crops only at night, when less water evaporates. Golf courses must stop watering everything except greens.

The farmers' union said the night rule would raise costs because workers would have to be paid extra. Its president, Beatriz Lobo, said some growers were already leaving fields unplanted.

"Half of our members have cut their planting this year. If it does not rain in autumn, some will not plant at all next year," Lobo said.

Hotels in coastal towns said they had been told they could keep pools open for guests but must not top them up with mains water.

Rainfall since January has been 41 percent below the long-term average, according to the weather service.""",
    },
    {
        "id": "a16",
        "split": "test",
        "title": "Software firm agrees to buy rival for 1.3 billion",
        "text": """Corvid Systems, which makes accounting software for small businesses, has agreed to buy its rival Ledgerly for 1.3 billion dollars in cash, the two companies said on Tuesday.

The deal will combine two of the largest providers of online bookkeeping tools, with about 2.4 million paying customers between them.

Corvid's chief executive, Hannah Brooks, said the companies were a natural fit. "Ledgerly is strong where we are weak, in payroll and in the retail sector. Together we can offer a complete package," she said on a call with analysts.

Ledgerly's founder, Omar Siddiqui, will join Corvid's board. He said customers would keep using their current software for at least two years while the products are merged.

The price is about 35 percent above Ledgerly's value at Monday's closing share price. Ledgerly shares jumped 31 percent in early trading, while Corvid's fell 4 percent.

Some analysts questioned whether competition regulators would approve the deal. "In some markets these two firms are the only serious options for a small shop. I would expect a long review," said Ian Calder, an analyst at Thornbury Research.

The companies expect the purchase to be completed in the first half of next year.""",
    },
    {
        "id": "a17",
        "split": "test",
        "title": "Fire destroys historic market hall",
        "text": """A fire destroyed most of the 19th-century covered market in the centre of Aldenberg overnight, leaving more than 60 traders without a place to work.

Firefighters were called just after 2 a.m. on Saturday and fought the blaze for six hours. Nobody was hurt, the fire service said.

Fire chief Dirk Vosse said the flames spread quickly through the wooden roof. "By the time our first crews arrived the roof was already burning along its whole length. Our priority was to stop it reaching the houses next door," he said.

The cause of the fire is not yet known. Police said they had not ruled anything out and asked anyone who was near the market during the night to contact them.

The market hall, built in 1882, was one of the few buildings in the town to survive the war. It was restored in the 1990s and houses stalls selling cheese, fish, flowers and second-hand books.

Cheese seller Gerda Hoek, who has had a stall in the hall for 31 years, stood crying at the police tape on Saturday morning. "This was my whole life. I don't know where we go now," she said.

Mayor Ruben Kaal promised to rebuild the hall and said the town would find temporary space for the traders within two weeks.""",
    },
    {
        "id": "a18",
        "split": "test",
        "title": "Study links long commutes to poorer sleep",
        "text": """People who spend more than an hour a day travelling to and from work sleep on average 25 minutes less per night than those with short commutes, according to a study published on Wednesday.

Researchers at the Institute for Work and Health followed 6,200 workers for two years, using wristbands to measure how long and how well they slept.

The effect was strongest among people who drove themselves, and weaker among those who took the train, where many said they used the time to rest or read.

"It is not only the hours lost on the road. Long commutes push people to go to bed later and get up earlier, and the stress of traffic seems to follow them home," said lead author Dr Mei Tanaka.

Workers who were allowed to work from home two days a week slept almost as well as those with short commutes, the study found.

Tanaka said employers should consider the findings when planning office attendance rules. "Flexibility is not a perk. It has measurable effects on health," she said.

The researchers noted that the study could not prove that commuting causes poor sleep, as people with long commutes may differ in other ways. The findings appear in the Journal of Occupational Health.""",
    },
    {
        "id": "a19",
        "split": "test",
        "title": "Cyclist breaks hour record on home track",
        "text": """Belgian cyclist Pieter Claes set a new world hour record on Saturday, riding 56.93 kilometres in 60 minutes at the velodrome in his home town of Ostwalle.

Claes, 29, beat the previous record by 141 metres in front of a sold-out crowd of 4,000, many of whom had travelled from his cycling club in the town.

"The last ten minutes were the hardest of my life. I could hear the crowd but I could not see anything except the black line," Claes said after climbing off his bike.

His coach, Marieke de Wit, said the team had spent two years preparing for the attempt, including weeks of testing in a wind tunnel to improve his position on the bike.

The hour record is one of the oldest in cycling. Riders must cover the longest distance possible in one hour, alone on the track, with no one to follow.

The previous holder, Tom Ashworth, sent his congratulations on social media. "Records are there to be broken. Pieter did it beautifully," he wrote.

Claes said he would now focus on the road season, starting with the spring classics in March.""",
    },
    {
        "id": "a20",
        "split": "test",
        "title": "Port workers end three-day strike after pay deal",
        "text": """Dock workers at the port of Halden returned to work on Thursday after their union accepted a pay rise of 6 percent this year and 4 percent next year, ending a three-day strike that left more than 30 ships waiting offshore.

The strike had halted the loading and unloading of containers at the country's second-largest port, delaying deliveries of car parts and fresh food.

Union leader Sven Eriksen said members had voted by a large majority to accept the offer. "This is a fair deal. Our members have kept this port running through a pandemic and two winters of storms, and that has now been recognised," he said.

The port authority said it would take about a week to clear the backlog of ships. Its chief operating officer, Lisa Berg, thanked customers for their patience.

Business groups had urged the government to intervene on the second day of the strike. The employment minister, Karl Nyberg, said on Wednesday that he would not do so while talks were continuing.

The agreement also includes a commitment to hire 40 more workers, which the union said was needed to reduce overtime.

Halden handles about a quarter of the country's container traffic.""",
    },
    {
        "id": "a21",
        "split": "test",
        "title": "City to plant 50,000 trees to cool hot streets",
        "text": """The city of Marlow Bay will plant 50,000 trees over the next five years in an effort to cool neighbourhoods that suffer most in summer heatwaves, the city council announced on Monday.

Satellite measurements showed that on hot days some districts with few trees were up to 7 degrees warmer than leafy areas only a few kilometres away, the council's environment office said.

Deputy mayor Ines Moreau said the planting would start in the poorest districts, which also have the fewest parks. "Shade should not be a luxury. The people who need it most have the least of it today," she said.

The programme will cost 32 million euros, part of which will come from a national fund for climate adaptation.

Residents will be able to ask for a tree outside their home through a city website. Schools and hospitals will be given priority.

Tree experts welcomed the plan but warned that young trees need regular watering for their first three years. Urban forester Joel Marchetti said many trees planted in past campaigns had died for lack of care.

"Planting is the easy part. The hard part is keeping them alive through the first dry summers," Marchetti said.

The council said it had set aside money for watering and would hire 25 extra gardeners.""",
    },
    {
        "id": "a22",
        "split": "test",
        "title": "Parliament passes law to protect whistleblowers",
        "text": """Parliament on Wednesday passed a law giving new protections to employees who report wrongdoing at their workplace, after more than two years of debate.

The law bans employers from firing, demoting or cutting the pay of workers who report fraud, safety risks or other breaches of the law, either inside the company or to the authorities.

It passed by 214 votes to 98. The main opposition party voted against, saying the law would encourage false accusations.

Justice minister Agnes Holm said the law closed a gap that had left many employees afraid to speak up. "Too many people have seen something wrong and stayed silent because they feared for their jobs. That ends today," she said.

Companies with more than 50 employees will have to set up a confidential channel for reports within a year. Smaller firms will have two years.

The law was prompted in part by the case of Erik Falk, a hospital technician who was dismissed in 2021 after he reported that sterilisation equipment was faulty. A court later ruled his dismissal unlawful.

Falk, who watched the vote from the public gallery, said he was relieved. "I hope the next person in my position does not have to go through four years of court cases," he said.

The law will come into force on January 1.""",
    },
    {
        "id": "a23",
        "split": "test",
        "title": "Earthquake shakes mountain region, damaging homes",
        "text": """A magnitude 5.8 earthquake struck the mountain region of Valdera early on Thursday, damaging dozens of homes and injuring at least 14 people, civil protection officials said.

The quake hit at 4.12 a.m. at a depth of about 10 kilometres, close to the village of San Lorin, according to the national seismology institute. It was felt as far away as the coast, 120 kilometres to the west.

Most of the injured were hurt by falling objects or while running out of their homes, and none is in a serious condition, said civil protection chief Marco Bellini.

"We have teams checking every building in the area. Until that is done, we ask people not to go back inside homes with visible cracks," Bellini said.

In San Lorin, the bell tower of the parish church partly collapsed. About 300 residents spent the morning in a sports hall and in tents set up in the main square.

Resident Giulia Ferro said she had been woken by a loud noise. "The whole house moved like a boat. I grabbed my daughter and ran," she said.

More than 40 aftershocks were recorded during the day. The institute said stronger aftershocks could not be ruled out.

The regional government has asked for emergency funds to repair schools before classes resume next week.""",
    },
    {
        "id": "a24",
        "split": "test",
        "title": "Supermarket chain to stop selling single-use plastic bags",
        "text": """The supermarket chain FreshWay will stop selling single-use plastic carrier bags in all of its 620 stores from March, the company said on Tuesday.

Customers will instead be offered paper bags for 20 cents or reusable bags made from recycled plastic for 1 euro, which will be replaced free of charge when they wear out.

FreshWay said the move would remove about 140 million plastic bags from circulation each year. Its sustainability director, Noor Haddad, said customers had asked for the change.

"In our surveys, three out of four shoppers told us they want us to go further on packaging. Bags are the most visible place to start," Haddad said.

Environmental group Clean Coasts welcomed the decision but said the chain should also cut the plastic wrapping on fruit and vegetables. Its campaign manager, Tobias Wren, said loose produce was still the exception in most supermarkets.

"Bags are a good first step. The real mountain of plastic is on the shelves, not at the checkout," Wren said.

Two other large chains, Markt and Costelo, said they were studying similar measures.

Plastic bag use in the country has fallen by about two thirds since a charge was introduced in 2018.""",
    },
    {
        "id": "a25",
        "split": "test",
        "title": "Astronomers spot comet that will be visible to naked eye",
        "text": """A newly discovered comet could become bright enough to see without a telescope in early November, astronomers said on Friday.

The comet, named C/2031 R2 after the year and the order of its discovery, was first seen in images taken by an automated survey telescope in the Atacama desert on September 3.

Calculations of its orbit show that it will pass closest to the Sun on October 28 and closest to the Earth about ten days later, at a distance of roughly 90 million kilometres.

"Comets are notoriously unpredictable. This one could become a beautiful sight in the evening sky or it could break apart and fade away," said astronomer Dr Lucia Romero of the Observatory of Cerro Alto.

Romero said the best time to look would be about an hour after sunset, low in the western sky, away from city lights.

The comet is thought to come from the Oort cloud, a distant shell of icy bodies surrounding the solar system, and may be making its first trip into the inner solar system.

Amateur astronomer Ben Okoro, who runs a stargazing club in the city of Lanford, said members were already planning trips to dark sites. "We have been waiting years for a comet like this," he said.""",
    },
    {
        "id": "a26",
        "split": "test",
        "title": "Bus drivers to get protective screens after rise in assaults",
        "text": """All city buses in Grantham Vale will be fitted with protective screens for drivers by the end of the year after a sharp rise in assaults, the transport authority said on Monday.

Police recorded 87 attacks on bus drivers in the city last year, up from 51 the year before. In most cases drivers were punched, spat at or threatened after asking passengers to pay or to wear a face covering.

The screens, made of toughened glass, will be installed on 340 buses at a cost of about 1.5 million pounds.

Driver Kofi Mensah, who was attacked in March, said he had been off work for two months with a broken nose. "You are alone at the front of the bus, often late at night. You feel like a target," he said.

The drivers' union said the screens were welcome but not enough. Union official Patricia Nolan called for more police patrols on routes where attacks are most common.

"A screen protects a driver's face. It does not stop someone kicking the door or waiting for him at the end of the line," Nolan said.

The transport authority said it was also testing body cameras on two routes and would decide in the summer whether to extend them.""",
    },
)


# Clean texts with quirks that look odd to a naive detector but are fine:
# lists, many quotes, one-line paragraphs, Q&A, timestamps, foreign names and
# loanwords. They are negatives for every flag.
QUIRKS: tuple[dict[str, str], ...] = (
    {
        "id": "q01",
        "split": "dev",
        "title": "What changes on your payslip from April",
        "text": """Several changes to taxes and benefits take effect on April 1. Here is what they mean for most households.

The main changes are:

- The personal allowance rises to 13,200 pounds.
- The basic rate of income tax stays at 20 percent.
- Child benefit goes up by 6.7 percent, in line with inflation.
- The minimum wage for workers aged 21 and over rises to 12.10 pounds an hour.

Workers earning the minimum wage on a full-time contract will see their pay rise by about 1,400 pounds a year before tax.

Pensioners will also see their state pension increase by 6.7 percent.

The changes were announced in the budget in November. Finance minister Rachel Osei said at the time that they were designed to help families with the cost of living.

Critics say the tax thresholds should have risen further. The Institute for Fiscal Policy said frozen higher-rate thresholds would pull about 300,000 more people into the 40 percent band.""",
    },
    {
        "id": "q02",
        "split": "dev",
        "title": "Interview: the chef who wants everyone to cook with leftovers",
        "text": """José Núñez opened his first restaurant in a former café in the old town at the age of 24. Ten years later he runs three kitchens and has written a best-selling book about cooking with leftovers. We spoke to him about waste, bread and his grandmother.

Q: Where did the idea for the book come from?

A: From my grandmother, really. She never threw anything away. Stale bread became soup, soup became a sauce. I grew up thinking that was normal.

Q: Is it hard to run a restaurant that way?

A: It is harder to plan. You cannot just order forty kilos of fish and bin what you don't sell. But our food costs fell by about 15 percent in the first year.

Q: What is the one dish people should learn?

A: A good bread soup. Garlic, olive oil, old bread, water, an egg. It takes twenty minutes and costs almost nothing.

Q: What's next?

A: A cooking school for teenagers. If you learn this at 15, you never forget it.""",
    },
    {
        "id": "q03",
        "split": "dev",
        "title": "Live: storm Petra moves east",
        "text": """Storm Petra is moving east across the country with winds of up to 130 kilometres an hour. Follow the latest updates here.

14:05 The weather service has raised its warning for the coast to red.

14:20 About 20,000 homes are without power in the north-west, the grid operator says.

14:32 The bridge at Kelford has been closed to all traffic.

14:50 Rail operator Trackways says all trains between Harwick and the coast are cancelled for the rest of the day.

15:10 Police ask drivers to stay off the roads unless their journey is essential.

15:25 A fallen tree has blocked the main road into Dunmore. No one was hurt.

15:40 The weather service says the strongest winds should pass by about 9 p.m.""",
    },
    {
        "id": "q04",
        "split": "test",
        "title": "Paris bakery wins prize for best baguette",
        "text": """A small bakery in the 14th arrondissement of Paris has won this year's prize for the city's best baguette, beating 176 other entries.

The winner, Aurélie Lefèvre, took over the bakery from her father five years ago. She said her secret was time: the dough rests for more than 20 hours before it is baked.

"It is not complicated. Flour, water, salt, yeast and patience," Lefèvre said, adding that she had entered the competition every year since 2019.

As well as a cash prize of 4,000 euros, the winner supplies bread to the Élysée presidential palace for a year. Lefèvre said she would keep her prices unchanged.

The competition is judged on taste, crust, crumb and appearance. Entries must weigh between 250 and 300 grams and measure between 50 and 55 centimetres.

Regular customers queued outside the shop on Thursday morning. "I have been buying my bread here for twenty years. We always knew it was the best," said retired teacher Jean-Marc Dubois.""",
    },
    {
        "id": "q05",
        "split": "test",
        "title": "Voices from the picket line",
        "text": """Nurses at Kingsbridge General Hospital walked out for 24 hours on Tuesday. We asked them why.

"I love this job. I can't afford to keep doing it," said Amy Clarke, 31, a nurse on the children's ward.

"We have lost eleven nurses on my ward this year. Nobody has replaced them," said Dev Patel, 45.

"My daughter wants to be a nurse. I told her to think about it carefully," said Maureen Hughes, 58, who has worked at the hospital for 30 years.

"People think it's about money. It's about safety. There are nights when two of us look after thirty patients," said Tom Reid, 27.

The hospital said emergency care had continued during the strike and apologised to patients whose operations were postponed.

Talks between the nurses' union and the health ministry are due to resume next week.""",
    },
    {
        "id": "q06",
        "split": "test",
        "title": "Short reads: today's other news",
        "text": """A roundup of smaller stories from around the country.

Prices: Petrol prices fell for the third week in a row, to an average of 1.62 euros a litre.

Transport: The new tram line in Weston will open on June 2, a month later than planned.

Weather: Forecasters expect a dry and sunny weekend in most regions, with temperatures up to 24 degrees.

Sport: The national women's rugby team beat Portugal 31-12 in a friendly match in Lisbon.

Culture: The city library in Ardmore will stay open until 10 p.m. on Fridays from next month.

Science: A student team from Brennick University won a European robotics contest with a robot that sorts recycling.""",
    },
)


# Texts written to read like literal machine translation into English: calques,
# lost or unbalanced quotation marks, stray source-language fragments, source
# typography. They are positives for `machine_translated` only.
MT_TEXTS: tuple[dict[str, str], ...] = (
    {
        "id": "m01",
        "split": "dev",
        "source_language": "es",
        "title": "Minister announces plan for the rural roads",
        "text": """MADRID (SPAIN): The minister of Transports Elena Ruiz She announced this Monday a plan of 800 million of euros to repair the roads of the rural zones, which according to the government are in a state very deteriorated.

We are going to put the rural roads at the level of the rest of the country, Ruiz said in a press conference in the seat of the ministry.

The plan, which will be executed in four years, contemplates the repair of more than 12.000 kilometres of roads of second order.

The mayors of the affected municipalities had demanded during years a greater investment, since the poor state of the roads makes difficult the access to the hospitals and the schools.

The opposition qualified the plan of insufficient and electoralist, and recalled that the last year the government cut the budget of maintenance in one 20%.

The minister also met with representatives of the transport sector, who asked her to reduce the taxes on the fuel. Ruiz assured that the government studies it.

The relation between the ministry and the sector had deteriorated in the last months after the strike of the truck drivers.""",
    },
    {
        "id": "m02",
        "split": "dev",
        "source_language": "fr",
        "title": "The French president defends his reform before the mayors",
        "text": """The French head of state defended on Tuesday before some 2,000 mayors his reform of the local taxation, which he qualified as “indispensable” for the equity between the territories.

“We cannot continue with a system where the richest communes receive the most, “declared the president before the congress of the mayors of France.

The mayors, many of whom are opposed to the reform, had welcomed him with a polite applause. Several elected officials left the room during the speech, according to journalists present on the spot.

The head of the government had for his part assured that the communes would not lose resources. « No commune will be a loser », he underlined on Monday.

The reform, which must be examined by the Parliament in the spring, foresees the suppression of a part of the local taxes and their replacement by a fraction of the VAT.

The president of the association of the mayors, Mr. Dupont, estimated that the State “does not listen to the territories”. He recalled that the communes had already lost 10 billion euros of endowments in ten years.

The minister of the Territorial Cohesion must receive the representatives of the mayors next week.""",
    },
    {
        "id": "m03",
        "split": "dev",
        "source_language": "de",
        "title": "Police search for the perpetrators after bank robbery",
        "text": """The police searches after an attack on a bank branch in the city centre of Hanau still for two unknown perpetrators. The men had on Thursday morning threatened the employees with a pistol and captured several thousand Euro, as a police spokesman communicated.

According to the police the perpetrators were masked and spoke German without accent. They fled after the deed with a dark car in direction highway.

Nobody was injured. The employees were however strongly shocked and are being looked after by a crisis intervention team, so the spokesman.

The police asks the population for hints. Witnesses, who on Thursday between 9 and 10 o'clock have observed suspicious persons in the Hauptstraße, should report themselves at every police station.

It is already the third attack on a bank branch in the region since beginning of the year. The investigators examine at the moment whether there is a connection between the deeds.

The Sparkasse wants to strengthen according to own statements the security measures in its branches.""",
    },
    {
        "id": "m04",
        "split": "dev",
        "source_language": "ru",
        "title": "Governor held meeting about preparation to heating season",
        "text": """Governor of the region Igor Sokolov held on Wednesday a working meeting devoted to the preparation of the housing and communal complex to the heating season.

As reported the press service of the regional administration, at the present moment readiness of the objects makes up 87 percent. Sokolov charged the heads of municipalities to finish all works until 15 September.

It is necessary to take under personal control every boiler house and every kilometre of the heating networks, underlined the governor.

In the current year in the region are replaced more than 40 kilometres of the networks, which is in one and a half times more than last year. On these purposes from the regional budget are allocated 1,2 billion roubles.

Special attention at the meeting was given to the situation in the city of Kamensk, where in the past winter occurred the accident on the main heating pipeline. According to the words of the head of the city, the works on the replacement of the pipeline will be completed in the term.

The governor also instructed to check the readiness of the reserve sources of the power supply in the hospitals and the schools (в том числе in the rural settlements).""",
    },
    {
        "id": "m05",
        "split": "test",
        "source_language": "es",
        "title": "Floods leave three dead in the north of the country",
        "text": """At least three people died and other five remain disappeared after the torrential rains that fell during the weekend on the north of the country, informed this Sunday the authorities of Civil Protection.

The director of Civil Protection, Jorge Alvarado He explained that the victims were dragged by the current when they tried to cross a river in their vehicle.

The rains caused the overflow of four rivers and left without electric light to more than 30.000 homes, according to the company of electricity.

We are doing everything possible to find the disappeared persons, Alvarado declared to the local media, and asked to the population to not approach to the channels of the rivers.

The President of the Republic expressed through the social networks his solidarity with the families of the victims and ordered to send to the zone to members of the army.

The meteorological service foresees that the rains continue until the Tuesday, although with less intensity. The classes in the schools of the affected region were suspended until new notice.

The EE. UU. embassy offered its help for the works of rescue.""",
    },
    {
        "id": "m06",
        "split": "test",
        "source_language": "fr",
        "title": "Strike at the SNCF: traffic very disturbed this Thursday",
        "text": """The traffic of the trains will be very disturbed this Thursday on the whole of the network, at the call of several unions of railway workers opposed to the reform of the pensions.

According to the forecasts of the management, only one TGV on three will circulate, and the regional trains will be strongly affected in most of the regions. The company advises to the travellers to postpone their displacements.

“It is a mobilization which is going to be very followed, “affirmed the secretary general of the CGT-Cheminots, who calls to a renewable strike.

The Minister Of Transports has denounced a strike « irresponsible » at the eve of the holidays. He recalled that the government had already made numerous concessions during the negotiations.

The users interrogated by our journalists in the station of Lyon showed themselves divided. Some say to understand the anger of the railway workers, others denounce a « taking of hostages ».

The unions must meet again Friday to decide the continuation of the movement. A new day of mobilization is not excluded for next week.""",
    },
    {
        "id": "m07",
        "split": "test",
        "source_language": "it",
        "title": "The mayor inaugurates the new bridge over the river",
        "text": """The mayor of the city Paolo Conti has inaugurated yesterday the new bridge on the river, after three years of works and numerous delays that had provoked the protests of the residents.

The work, which has costed 14 million of euros, will allow to reduce the traffic in the historical centre, where every day pass more than 20.000 vehicles.

Today is a beautiful day for all the city, declared Conti during the ceremony, to which have participated also the president of the Region and numerous citizens.

The bridge is 180 metres long and has two lanes for the cars, a cycle path and a pedestrian path. The project was realized by the studio of architecture of the engineer Bianchi.

Not all however are satisfied. The committee of the residents of the zone south denounces that the new road will bring more traffic under their houses, and asks the installation of barriers against the noise.

The mayor assured that the Commune will evaluate the request in the next weeks, nella massima trasparenza.""",
    },
    {
        "id": "m08",
        "split": "test",
        "source_language": "pt",
        "title": "Government approves increase of the minimum salary",
        "text": """The Government approved this Thursday in Council of Ministers the increase of the national minimum salary to 870 euros, a rise of 7,9% in relation to the current value, which enters in vigour in January.

The minister of the Labour Maria Sousa She said that the measure will benefit about 800 thousand workers and is part of the agreement signed with the social partners in the last year.

It is a fundamental step for the valorization of the salaries, affirmed the minister in the press conference after the Council.

The employers' confederations consider that the increase is excessive for the small and medium companies, especially in the sectors of the commerce and of the agriculture, and ask compensations in the form of fiscal benefits.

The unions, by their side, consider that the increase stays short of the necessities of the workers, given the rise of the prices of the housing and of the food.

The minimum salary has risen more than 50% since 2015, according to numbers of the Ministry of the Labour.""",
    },
)
