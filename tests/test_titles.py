"""The headline a reader sees (tasks/clean/titles.py), on literal titles and small pages."""

from __future__ import annotations

import lxml.html
import pytest

from tasks.clean.html import extract_html
from tasks.clean.titles import (
    _stems,
    choose_title,
    headline_above,
    is_site_name,
    page_headings,
    page_lines,
    strip_site_name,
    title_parts,
    unfit_edges,
)

LEAD = (
    "The harbour board agreed on Monday to delay the sale of the old ferry terminal, after a "
    "meeting in which several members said the town had not been asked what it wanted."
)


def test_title_parts_are_runs_of_pieces() -> None:
    assert title_parts("A b - C d | E") == [
        "A b - C d | E",
        "A b - C d",
        "C d | E",
        "A b",
        "C d",
        "E",
    ]


@pytest.mark.parametrize(
    ("title", "pieces"),
    [
        ("Timberlake Appearing in Super Bowl Ad|ABC 7 News", 2),
        ("Sir Edmund Hillary - the mountaineering legend- Hindustan Times", 3),
        ("Iraqis OK bill to ease restrictions _English_Xinhua", 3),
        ("AFP: France to boycott Syria over Lebanon crisis", 2),
        ("Modi to meet Amma over lunch today / Online News @ TheCheers", 3),
        # Hyphens inside words, ellipses and figures are not separators.
        ("Trump's Made-for-TV Trade War Keeps World Guessing", 1),
        ("Emirates inks $9 billion order for 30 Boeing 787-9 jets", 1),
    ],
)
def test_separators(title: str, pieces: int) -> None:
    parts = title_parts(title)
    assert parts[0] == title
    assert len([p for p in parts if title_parts(p) == [p]]) == pieces


@pytest.mark.parametrize(
    ("piece", "names", "expected"),
    [
        ("BBC News", ["BBC News"], True),
        ("Express.co.uk", ["www.express.co.uk"], True),
        ("CBSSports.com", ["cbssports.com"], True),
        ("WSJ", ["www.wsj.com"], True),
        ("PolitiFact West Virginia", ["www.politifact.com"], True),
        # A headline about the site is not the site's name.
        (
            "PolitiFact's guide to understanding tariffs and international trade",
            ["politifact.com"],
            False,
        ),
        ("World", ["www.express.co.uk"], False),
        ("BBC News", [], False),
    ],
)
def test_is_site_name(piece: str, names: list[str], expected: bool) -> None:
    assert is_site_name(piece, names) is expected


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        (
            "Julian Assange: Sweden drops rape investigation - BBC News",
            ["BBC News"],
            "Julian Assange: Sweden drops rape investigation",
        ),
        ("Express.co.uk | Hong Kong chaos deepens", ["express.co.uk"], "Hong Kong chaos deepens"),
        ("Sale on hold | Harbour News", ["Harbour News", "harbour.example"], "Sale on hold"),
        # A piece that does not name the site stays: sections and labels are not guessed.
        ("Sale on hold | Harbour News", [], "Sale on hold | Harbour News"),
        ("Harbour News", ["Harbour News"], "Harbour News"),
    ],
)
def test_strip_site_name(title: str, names: list[str], expected: str) -> None:
    assert strip_site_name(title, names) == expected


def test_heading_that_is_a_part_of_the_title() -> None:
    headings = [("Harbour News", 3), ("Sale on hold", 3), ("Most read", 2)]
    assert choose_title(["Sale on hold | Harbour News"], headings, []) == "Sale on hold"


def test_printed_heading_wins_over_a_shorter_og_title() -> None:
    headings = [("Julian Assange: Sweden drops rape investigation", 3)]
    declared = [
        "Sweden drops Assange rape investigation",
        "Julian Assange: Sweden drops rape inquiry",
    ]
    assert choose_title(declared, headings, []) == "Julian Assange: Sweden drops rape investigation"


def test_a_bar_inside_the_printed_heading_stays() -> None:
    headings = [("Milan Design Week 2018 | Michael Anastassiades’ light installation for FLOS", 3)]
    declared = ["Milan Design Week 2018 | Anastassiades' light installation for FLOS"]
    assert choose_title(declared, headings, []) == headings[0][0]


def test_the_main_heading_not_the_deck_under_it() -> None:
    title = (
        "Murder Victim's Mother Assails Huckabee, Says GOP Hopeful Shouldn't Be President Due "
        "To His Handling Of The Case - CBS News"
    )
    headings = [
        ("Murder Victim's Mother Assails Huckabee", 3),
        ("Says GOP Hopeful Shouldn't Be President Due To His Handling Of The Case", 2),
    ]
    assert choose_title([title], headings, []) == "Murder Victim's Mother Assails Huckabee"


def test_the_longest_part_not_the_logo() -> None:
    title = "News - Holders Egypt maintain winning run ahead of Nations Cup - Soccerway"
    headings = [("Soccerway", 3), ("Holders Egypt maintain winning run ahead of Nations Cup", 3)]
    assert choose_title([title], headings, []) == headings[1][0]


def test_a_one_word_label_is_not_the_headline() -> None:
    title = "That Way iCutting Lies - The Opinionator - Opinion - New York Times Blog"
    lines = ["Opinion", "Back to front page", "That Way iCutting Lies", "By", "Tobin Harshaw"]
    assert choose_title([title], [("Opinion", 3)], lines) == "That Way iCutting Lies"


def test_a_printed_line_when_no_heading_is_marked() -> None:
    lines = ["Home", "Sport", "Pakistan want forfeit reversed", "January 11, 2008", LEAD]
    title = "Pakistan want forfeit reversed - Breaking News - Fox Sports"
    assert choose_title([title], [], lines) == "Pakistan want forfeit reversed"


def test_capitals_take_the_declared_spelling() -> None:
    title = "Daily Star :: Celeb News :: Stars slam Arts Council grant cuts"
    lines = ["Celebs", "STARS SLAM ARTS COUNCIL GRANT CUTS", LEAD]
    assert choose_title([title], [], lines) == "Stars slam Arts Council grant cuts"


def test_the_line_the_article_hangs_from_when_nothing_is_declared() -> None:
    lines = ["Home", "Sport", "Board delays ferry terminal sale", "By Jo Bloggs", "Monday", LEAD]
    assert choose_title([], [], lines, body=LEAD) == "Board delays ferry terminal sale"


def test_a_title_that_is_only_the_site_name_gives_way() -> None:
    lines = ["Harbour Gazette", "Local News", "Board delays ferry terminal sale", "2024/03", LEAD]
    headings = [("Harbour Gazette", 0), ("Board delays ferry terminal sale", 0)]
    assert choose_title(["Harbour Gazette"], headings, lines, body=LEAD) == lines[2]


def test_an_opening_paragraph_left_out_of_the_body_counts_as_lead() -> None:
    body = "Officials said the money would pay for repairs to the quay and the old pier."
    lines = [
        "Harbour Gazette",
        "Council to sell its ferries",
        "27 December 2007",
        "The council will sell all of its ferries before the end of the year, officials said.",
        body,
    ]
    assert choose_title(["Harbour Gazette"], [], lines, body=body) == lines[1]
    # Without that paragraph the line shares too little with the body to be its headline.
    assert choose_title(["Harbour Gazette"], [], lines[:3] + lines[4:], body=body) == lines[0]


def test_a_title_that_fits_the_lead_stays_without_a_heading() -> None:
    lines = ["Home", "Caption of a photo", LEAD]
    title = "Ferry terminal sale delayed | Harbour Gazette"
    found = choose_title([title], [], lines, site_names=["Harbour Gazette"], body=LEAD)
    assert found == "Ferry terminal sale delayed"


def test_nothing_to_go_on() -> None:
    assert choose_title([], [], ["Home", "Sport"]) is None


def test_page_headings_and_lines() -> None:
    tree = lxml.html.fromstring(
        "<html><head><title>T | Site</title><script>var x = 'no';</script></head><body>"
        "<h1><span>Wednesday, 09 January 2008</span> <span>Jeremy Clarkson ripped off</span></h1>"
        "<div class='storyHeadline'>Deck</div><p>Body <b>text</b>.</p>"
        "<script>var y = 'no';</script></body></html>"
    )
    assert page_headings(tree) == [
        ("Wednesday, 09 January 2008 Jeremy Clarkson ripped off", 3),
        ("Wednesday, 09 January 2008", 3),
        ("Jeremy Clarkson ripped off", 3),
        ("Deck", 0),
    ]
    assert page_lines(tree) == [
        "Wednesday, 09 January 2008",
        "Jeremy Clarkson ripped off",
        "Deck",
        "Body",
        "text",
        ".",
    ]


PARAGRAPHS = "".join(
    f"<p>{LEAD} {n}</p>"
    for n in (
        "Ruth Abernathy, who chairs the board, said a public meeting would follow.",
        "The terminal has been empty since the last crossing stopped four years ago.",
        "A developer said his offer would stand until the end of the year.",
    )
)


def _page(head: str, heading: str) -> str:
    return (
        f"<html><head>{head}</head><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
        f"<article>{heading}{PARAGRAPHS}</article></body></html>"
    )


def test_extract_html_takes_the_printed_headline() -> None:
    head = (
        "<title>Board puts ferry terminal sale on hold - Harbour Gazette</title>"
        '<meta property="og:title" content="Terminal sale on hold">'
        '<meta property="og:site_name" content="Harbour Gazette">'
    )
    found = extract_html(_page(head, "<h1>Board puts ferry terminal sale on hold</h1>"), None)
    assert found is not None
    assert found.title == "Board puts ferry terminal sale on hold"
    assert "Board puts ferry terminal sale on hold" not in found.body


def test_extract_html_strips_the_site_name_without_a_heading() -> None:
    head = "<title>Ferry terminal sale delayed | Harbour Gazette</title>"
    head += '<meta property="og:site_name" content="Harbour Gazette">'
    found = extract_html(_page(head, ""), "https://www.harbour.example/a")
    assert found is not None
    assert found.title == "Ferry terminal sale delayed"


_BLAZE = (
    "Harbour firefighters said on Monday that the blaze which destroyed the Morgan cottage began "
    "in a faulty heater, a finding the family said had left them angry after weeks of rumours."
    "\n\nThe Morgans had lived in the cottage for thirty years."
)


def test_headline_above_prefers_the_line_the_lead_holds_more_of() -> None:
    # Both share three words with the lead; the caption nearer the body has more of its own.
    lines = [
        "News",
        "Heater blamed for cottage blaze",
        "Neighbours watched the cottage blaze from the heater shop",
        *_BLAZE.split("\n\n"),
    ]
    lead = _stems(_BLAZE)
    assert headline_above(lines, _BLAZE, lead) == "Heater blamed for cottage blaze"


def test_headline_words_that_are_frequent_still_count() -> None:
    # "school", "team", "won", "county" and "title" are in jusText's English stoplist (the most
    # frequent words of Wikipedia) but are not function words.
    body = (
        "The school's rowing team won the county title on Saturday, its first in twenty years, "
        "beating six crews from larger schools on a windy course."
    )
    lines = ["Sport", "School team won county title", "Saturday 12 May", body]
    assert headline_above(lines, body, _stems(body)) == "School team won county title"


@pytest.mark.parametrize(
    ("title", "names"),
    [
        # the piece about the article fits its lead, the site's name does not
        ("Board delays ferry terminal sale - Harbour Gazette", ["Harbour Gazette"]),
        ("Harbour Gazette | Board delays ferry terminal sale", ["Harbour Gazette"]),
        # a section and a site at the end, both unfit
        (
            "Ferry terminal sale delayed | Local News | Harbour Gazette",
            ["Harbour Gazette", "Local News"],
        ),
        # no piece fits: a feature's headline cannot be told from a site's name
        ("The Long Goodbye - Harbour Gazette", []),
        # a one-word section or site at the end, not a one-word label at the start
        ("Board delays ferry terminal sale - Local | Gazette", ["Gazette", "Local"]),
        ("Harbour: Board delays ferry terminal sale", []),
    ],
)
def test_unfit_edges(title: str, names: list[str]) -> None:
    assert unfit_edges(title, _stems(LEAD)) == names


def test_unfit_edges_need_a_fitting_piece_that_is_not_a_known_name() -> None:
    # A site's name and a section: the name fits a lead that names the site, but holds no
    # headline to set the section apart from.
    lead = _stems("The Harbour Gazette reported on Monday that the league would expand.")
    assert unfit_edges("Harbour Gazette - Regional League", lead, ["Harbour Gazette"]) == []


def test_headline_above_takes_the_line_over_its_byline() -> None:
    # The headline shares one word with the lead ("heater"); it is set over its byline.
    lines = ["News", "Heater fire leaves couple homeless", "By Jo Bloggs", *_BLAZE.split("\n\n")]
    assert headline_above(lines, _BLAZE, _stems(_BLAZE)) == lines[1]
    # A date over the byline has one content word: not a headline.
    lines[1] = "14 March, 2024"
    assert headline_above(lines, _BLAZE, _stems(_BLAZE)) is None
