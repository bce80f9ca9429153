"""Writes the teaser-page set: small pages built like real news pages, each with its
article's body marked in ground-truth.json, and around it what is not the article (card
grids of other stories, galleries, "most read" lists, captions after figures). Run once;
the pages and ground-truth.json are committed. The texts are invented for this set."""

import json
from pathlib import Path

HERE = Path(__file__).parent
HEAD = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
<link rel="canonical" href="{url}">{extra_head}</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
"""
FOOT = "<footer><p>© 2024 {site}. All rights reserved.</p></footer></body></html>"


def paras(ps):
    return "\n".join(f"<p>{p}</p>" for p in ps)


def card_grid(cards, cls="story-card"):
    items = "\n".join(
        f'<article class="{cls}"><a href="/story/{i}"><img src="/i/{i}.jpg" alt=""><h3>{c}</h3></a></article>'
        for i, c in enumerate(cards)
    )
    return f'<section class="more"><h2>More from the site</h2><div class="grid">{items}</div></section>'


PAGES = {}

# 1. An article in <article itemprop=articleBody>, then a card grid of other stories.
body1 = [
    "The city council voted on Tuesday to rebuild the Quillon Harbour sea wall after two winter storms broke it in three places.",
    "Engineers said the new wall would rise a metre higher than the old one and would be built from precast concrete blocks shipped from the mainland.",
    "The work is expected to cost 4.2 million pounds and to take eighteen months, the council's head of works, Maria Okafor, told the meeting.",
    "Fishermen who moor in the harbour will be moved to a temporary pontoon on the north side while the crews work.",
    "The council said it would ask the regional government to pay for half of the repairs, as it did after the floods of 2014.",
]
PAGES["harbour-wall"] = dict(
    title="Council votes to rebuild Quillon Harbour sea wall", site="Coast Courier",
    url="https://coastcourier.example/news/harbour-wall", extra_head="",
    body=body1,
    html=f'<main><article><h1>Council votes to rebuild Quillon Harbour sea wall</h1><div itemprop="articleBody">{paras(body1)}</div></article>'
    + card_grid([
        "Ferry timetable changes for the winter season announced by operator",
        "Local bakery wins national award for its sourdough loaf this year",
        "School inspectors praise the new science block at Hillside Academy",
        "Police appeal for witnesses after a crash on the coast road at night",
        "Lifeboat crew rescues two kayakers caught by the tide near the point",
        "Art festival returns to the old fish market with forty stalls",
    ]) + "</main>",
)

# 2. A gallery after the article: a list of 12 photos, each a figure with a caption and a link.
body2 = [
    "Heavy rain closed six roads across the valley on Sunday as the river rose to its highest level in twenty years.",
    "The fire service said its crews pumped water out of more than forty homes in Lower Brenton overnight.",
    "A rest centre opened at the town hall for families who could not return home, and about sixty people slept there.",
    "Forecasters expect the rain to ease on Tuesday, but warned that the ground was saturated and more flooding was possible.",
    "The county council said the cost of the damage would not be known until the water had gone down.",
]
gallery = "".join(
    f'<li class="gallery-item"><figure><a href="/gallery/{i}"><img src="/g/{i}.jpg" alt=""></a><figcaption>{c} Photo: Sam Reyes / Valley News</figcaption></figure></li>'
    for i, c in enumerate([
        "A car stranded in floodwater on the Brenton road.", "Volunteers fill sandbags outside the church hall.",
        "The river bursts its banks near the old mill.", "A family carries belongings through a flooded street.",
        "Fire crews pump water from a house in Lower Brenton.", "The rest centre at the town hall on Sunday night.",
        "A dog is carried to safety by a firefighter.", "Water covers the playing fields behind the school.",
    ])
)
PAGES["valley-floods"] = dict(
    title="Floods close six roads as river reaches twenty-year high", site="Valley News",
    url="https://valleynews.example/2024/02/11/floods", extra_head="",
    body=body2,
    html=f'<div class="content"><h1>Floods close six roads as river reaches twenty-year high</h1>{paras(body2)}</div>'
    f'<div class="gallery"><h2>In pictures: the floods</h2><ul>{gallery}</ul></div>',
)

# 3. A "most read" / "trending" list of links after the article, no article element.
body3 = [
    "The regional airport will add direct flights to Lisbon and Krakow from May, its managing director said on Thursday.",
    "The new routes will run twice a week and are expected to carry about forty thousand passengers in their first year.",
    "The airport lost two routes last year when a budget airline closed its base there, and passenger numbers fell by a fifth.",
    "Local businesses welcomed the announcement, saying the Krakow route would help firms with offices in Poland.",
    "Tickets for the first flights go on sale next week.",
]
trending = "".join(
    f'<li><a href="/news/{i}">{t}</a></li>'
    for i, t in enumerate([
        "Man arrested after a break-in at the garden centre on Friday night",
        "Council tax to rise by five per cent from April, leaders confirm",
        "Railway station lifts out of order for three weeks during repairs",
        "New cycle lane on the high street divides shop owners and riders",
        "Hospital car park charges to be scrapped for night shift staff",
    ])
)
PAGES["airport-routes"] = dict(
    title="Airport adds direct flights to Lisbon and Krakow", site="Northern Echo Post",
    url="https://echopost.example/business/airport-routes", extra_head="",
    body=body3,
    html=f'<div id="story"><h1>Airport adds direct flights to Lisbon and Krakow</h1>{paras(body3)}</div>'
    f'<div class="trending"><h2>Most read</h2><ol>{trending}</ol></div>',
)

# 4. Related-story paragraphs that are whole links, inside the article's own div.
body4 = [
    "The museum will close for nine months from September while its roof is replaced, the trustees announced.",
    "The Victorian glass roof has leaked for years, and two galleries have been shut since a storm last winter.",
    "Its collection of ship models will go on tour to three other museums while the work is done.",
    "The trustees said the repairs would cost 2.8 million pounds, most of it from a heritage grant.",
]
related = "".join(
    f'<p class="related"><a href="/arts/{i}">{t}</a></p>'
    for i, t in enumerate([
        "READ MORE: The ship models that tell the story of the harbour town",
        "READ MORE: Heritage grant awarded to restore the old swing bridge",
        "READ MORE: Volunteers needed to help catalogue the museum archive",
    ])
)
PAGES["museum-roof"] = dict(
    title="Maritime museum to close for roof repairs", site="Harbour Herald",
    url="https://harbourherald.example/arts/museum-roof", extra_head="",
    body=body4,
    html=f'<div class="story"><h1>Maritime museum to close for roof repairs</h1>{paras(body4[:2])}{related}{paras(body4[2:])}</div>',
)

# 5. JSON-LD articleBody, and a sidebar of teasers in plain paragraphs with links.
body5 = [
    "A new footbridge over the canal opened on Saturday, linking the railway station to the business park for the first time.",
    "The bridge is forty metres long and was lifted into place in one piece by a crane last month.",
    "Cyclists and walkers had to make a two-kilometre detour by road before it was built.",
    "The city said about three thousand people a day were expected to use it.",
]
ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Canal footbridge opens to walkers and cyclists",
                 "datePublished": "2024-03-16T09:00:00+00:00", "dateModified": "2024-03-18T12:00:00+00:00",
                 "publisher": {"@type": "Organization", "name": "City Ledger"}, "articleBody": " ".join(body5)})
sidebar = "".join(
    f'<div class="teaser"><p><a href="/news/t{i}">{t}</a></p><p>{d}</p></div>'
    for i, (t, d) in enumerate([
        ("Bus lane cameras catch eight hundred drivers in a month", "The council says the fines will pay for new shelters."),
        ("Library reopens after a year of building work", "The children's floor now has a reading garden on the roof."),
        ("Market traders protest against higher stall fees", "About thirty traders marched to the town hall on Monday."),
    ])
)
PAGES["canal-bridge"] = dict(
    title="Canal footbridge opens to walkers and cyclists", site="City Ledger",
    url="https://cityledger.example/2024/03/16/canal-bridge",
    extra_head=f'<script type="application/ld+json">{ld}</script>',
    body=body5,
    html=f'<div class="page"><div class="main"><h1>Canal footbridge opens to walkers and cyclists</h1>{paras(body5)}</div><aside class="side">{sidebar}</aside></div>',
)

# 6. Captions in a list after a figure (a Guardian-like lead picture), and a numbered list.
body6 = [
    "Finland has been named the happiest country in the world for the seventh year running in the annual World Happiness Report.",
    "The report ranks countries by how people rate their own lives, and by measures such as income, health and trust.",
    "The top five countries in this year's ranking were:",
    "1. Finland", "2. Denmark", "3. Iceland", "4. Sweden", "5. Israel",
    "The authors said young people in several rich countries were less happy than their parents had been at their age.",
]
PAGES["happiness"] = dict(
    title="Finland named happiest country for seventh year", site="World Desk",
    url="https://worlddesk.example/2024/03/20/happiness", extra_head="",
    body=body6,
    html='<div class="article"><h1>Finland named happiest country for seventh year</h1>'
    '<figure><img src="/lead.jpg" alt=""></figure><ul class="caption"><li>People skate on a frozen lake in Helsinki. Photograph: Markku Ulander/AFP/Getty Images</li></ul>'
    f"{paras(body6)}</div>",
)

# 7. The first sentence in a heading tag (as some news sites mark their lead), then prose.
body7 = [
    "Scientists have found a colony of rare sea snails living on a shipwreck off the coast, ten years after the species was thought to have died out in the area.",
    "Divers from the university counted more than two hundred of the snails on the hull of the cargo ship, which sank in 1962.",
    "The snails feed on a kind of algae that grows on the rusting steel, the team said.",
    "The researchers want the wreck to be protected, so that divers do not disturb the colony.",
]
PAGES["sea-snails"] = dict(
    title="Rare sea snails found living on shipwreck", site="Science Shore",
    url="https://scienceshore.example/2024/04/02/sea-snails", extra_head="",
    body=body7,
    html=f'<div class="article"><h1>Rare sea snails found living on shipwreck</h1><h2 class="lead">{body7[0]}</h2>{paras(body7[1:])}</div>',
)

# 8. A stream of other stories inside the article's own container, each a card with a
# linked headline and a summary, as portal pages run them under a story.
body8 = [
    "The water company will replace eleven kilometres of old pipes under the town centre this summer, after a year of bursts.",
    "The town recorded 412 water main breaks last year, more than twice as many as the year before.",
    "Work will start in June on the high street and move north, and each street will be closed for about two weeks.",
    "The company said the new plastic pipes should last at least eighty years.",
]
stream = "".join(
    f'<li class="stream-item"><h3><a href="/n/{i}">{t}</a></h3><p>{d}</p></li>'
    for i, (t, d) in enumerate([
        ("Potholes: council fills nine thousand in a year", "Crews worked through a wet winter to keep up with the damage on the main roads."),
        ("Town hall clock stops after ninety years", "A broken spring silenced the clock, and a specialist will come from York to fix it."),
        ("Park cafe to reopen under new owners", "The cafe by the lake closed in the autumn when its lease ran out."),
        ("Fire station open day draws two thousand", "Children sat in the engines and watched a rescue from the training tower."),
    ])
)
PAGES["water-pipes"] = dict(
    title="Water company to replace pipes after a year of bursts", site="Town Crier",
    url="https://towncrier.example/2024/05/08/water-pipes", extra_head="",
    body=body8,
    html=f'<div class="article"><h1>Water company to replace pipes after a year of bursts</h1>{paras(body8)}<h2>More news</h2><ul class="stream">{stream}</ul></div>',
)

if __name__ == "__main__":
    truth = {}
    for pid, pg in PAGES.items():
        page = HEAD.format(**pg) + pg["html"] + FOOT.format(**pg)
        (HERE / "html" / f"{pid}.html").write_text(page, encoding="utf-8")
        truth[pid] = {"articleBody": "\n".join(pg["body"]), "url": pg["url"]}
    (HERE / "ground-truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(len(truth), "pages")
