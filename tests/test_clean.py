"""clean_text_dump on literal dumps written for these tests, and on the four shared seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tasks.clean.furniture import (
    _notice_pattern,
    bulleted_list_lines,
    repeated_headline_lines,
    teaser_stream_lines,
)
from tasks.clean.header import site_names
from tasks.clean.lines import _BLOCK_BREAK, _GLUE_NO_SPACE, NOTICE_MAX_CHARS, Line, split_lines
from tasks.clean.normalize import normalize_text
from tasks.clean.text_dump import (
    LINE_FEATURE_NAMES,
    clean_text_dump,
    is_box_heading,
    is_caption_line,
    is_category_line,
    is_credit_line,
    is_end_marker,
    is_junk_line,
    kicker_rail_lines,
    line_model,
    line_probability,
    outlet_from_boilerplate,
    page_line_features,
    parse_author_note,
    parse_byline,
    ranked_table_lines,
    runs_on,
    teaser_rail_lines,
    text_length,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"

# Body paragraphs of an invented article, long enough to read as prose.
P1 = (
    "The harbour board agreed on Monday to delay the sale of the old ferry terminal, after a "
    "meeting in which several members said the town had not been asked what it wanted."
)
P2 = (
    "Ruth Abernathy, who chairs the board, said the decision was not a retreat but a chance to "
    "listen to residents before anything was signed, and that a public meeting would follow."
)
P3 = (
    "The terminal has been empty since the last crossing stopped running four years ago, and "
    "the building has been on the market twice without finding a buyer willing to restore it."
)
P4 = (
    "A developer who had offered to turn it into flats told the board that his offer would "
    "stand until the end of the year, but that he could not wait for ever while costs rose."
)
TITLE = "Harbour board puts ferry terminal sale on hold"
STANDFIRST = "Members want residents consulted before the building is sold"


def dump(*parts: str) -> str:
    return normalize_text("\n\n".join(parts))


def only(text: str):  # type: ignore[no-untyped-def]
    found = clean_text_dump(text)
    assert len(found) == 1, [f.title for f in found]
    return found[0]


@pytest.mark.parametrize(
    "line",
    [
        "Photo: Getty",
        "Photograph: Staff photographer",
        "Image credit: Press Association",
        "Show Hide image",
        "Advertisement",
        "Share this article",
        "Share on Facebook",
        "Follow us on Twitter",
        "Sign up for our morning newsletter",
        "Start your day with The Weekly Planet, sign up for daily news emails",
        "Have you tried the new Weekly Planet app?",
        "Subscribe now",
        "Click here to read more",
        "Read more: council tax rises again",
        "Related stories",
        "Most read",
        "By clicking 'Search' you are agreeing to our Terms of Use.",
        "Copyright 2024 The Weekly Planet. All rights reserved.",
        "© Weekly Planet Ltd",
        "We use cookies to improve your experience",
        "Comments",
        "Skip to main content",
        "(Image credit: Harbour Trust)",
        "The old ferry terminal seen from the harbour wall. Credit: Harbour Trust",
        "... more",
        "Read later",
        # legal and consent notices are junk however long the line
        "This website uses cookies to improve your experience while you navigate through the "
        "website. Out of these cookies, the cookies that are categorized as necessary are stored "
        "on your browser as they are essential for the working of basic functionalities.",
        "© 2024 Weekly Planet Ltd. All rights reserved. Weekly Planet is the owner of the Planet "
        "trademarks, and all related designs, trademarks, copyrights, and other intellectual "
        "property.",
        # a newsletter sign-up box
        "Get The Weekly Planet delivered to your inbox",
        'I agree that The Weekly Planet can send me the "Harbour Morning" newsletter.',
        "Please check the opt-in box to acknowledge that you would like to subscribe.",
        "Thanks for signing up! Keep an eye on your inbox for the latest harbour news.",
        # a blog platform's share bar
        "Share this:",
        "Click to share on Facebook (Opens in new window)",
        "Click to email this to a friend (Opens in new window)",
        "Click to print (Opens in new tab)",
        "Like Loading...",
        # the site speaking about itself: comment policy, subscription and consent prose
        "Comments are moderated and may take a day to appear under the story.",
        "Please read our community guidelines before you post a reply to other readers.",
        "The views expressed in reader comments are not necessarily those of the Weekly Planet "
        "or its owners, and posters are responsible for what they write.",
        "We reserve the right to remove any post that breaks these rules without notice.",
        "No spam. You can unsubscribe at any time from the link in every email we send you.",
        "This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service "
        "apply.",
        "We may earn a commission when you buy through links on our site.",
        "Stories from our partners and sponsors",
        # a consent banner and a paywall, however long the line
        "We and our partners store and/or access information on a device, such as cookies, and "
        "process personal data for personalised ads and content, ad and content measurement.",
        "We value your privacy. Choose below how the Weekly Planet may use your data.",
        "Manage consent preferences",
        "Do Not Sell or Share My Personal Information",
        "Subscribe for unlimited access to the Weekly Planet's reporting from the harbour, the "
        "town hall and the county courts, with the crossword, the archive going back to 1890 and "
        "a newsletter every morning.",
        "Create a free account to read two more stories from the harbour this month.",
        "Readers like you support our journalism: give what you can to the Weekly Planet today.",
    ],
)
def test_junk_lines(line: str) -> None:
    assert is_junk_line(line)


@pytest.mark.parametrize(
    "line",
    [
        '"I will not resign," she said.',
        "LONDON, March 3 (Planet) -",
        "Photographers were kept outside the building.",
        "Shares in the company fell by a third.",
        "Follow-up checks found no fault.",
        "More than 200 people were evacuated from the flats on Sunday night.",
        "Subscribers to the scheme will be refunded.",
        "The comments were made at a rally in Leeds.",
        "The credit union said: it would not lend more.",
        "More or less everyone in the town came.",
        "The parcels were delivered to the harbour office on Monday.",
        "I agree that the board should wait, she said.",
        "Share this view of the harbour with a friend, the poster said.",
        "The board's report can be read online (opens in new window)",
        "Like this: a terminal with no ferries and no buyer.",
        "The council said comments on the plan would be reviewed by a panel of residents.",
        "Readers who subscribe to the paper's print edition will get the map free.",
        "The ferry company's new terms leave passengers who cancel late with nothing back.",
        "The ticket gives unlimited access to the harbour's museums for a flat fee each month.",
        "The company said its cookies were baked without palm oil, and that the recipe had not "
        "changed in forty years despite the rising cost of butter and sugar in the region.",
        P1,
    ],
)
def test_genuine_lines_are_not_junk(line: str) -> None:
    assert not is_junk_line(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Labour Party, UK Politics", True),
        ("News | World | Europe", True),
        ("Sport › Football", True),
        (TITLE, False),
        ("Brexit, Trump and the future of trade", False),
        ("Smith, 45, was arrested on Friday.", False),
    ],
)
def test_category_line(line: str, expected: bool) -> None:
    assert is_category_line(line) is expected


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Ruth Abernathy", ("Ruth Abernathy",)),
        ("By Ruth Abernathy and Tom Oduya", ("Ruth Abernathy", "Tom Oduya")),
        ("By Ruth Abernathy, Political Editor", ("Ruth Abernathy",)),
        ("Words by Tom Oduya", ("Tom Oduya",)),
        ("By the time the ferry arrived, the crowd had gone.", ()),
        ("Bypass plans go to a vote", ()),
    ],
)
def test_parse_byline(line: str, authors: tuple[str, ...]) -> None:
    assert parse_byline(line) == authors


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "James Okafor is political correspondent for the Weekly Planet.",
            ("James Okafor", "Weekly Planet"),
        ),
        (
            "Mary-Jane Pike is special correspondent at the Weekly Planet. Her briefing is daily.",
            ("Mary-Jane Pike", "Weekly Planet"),
        ),
        ("Tom Oduya is a freelance writer for Harbour News.", ("Tom Oduya", "Harbour News")),
        # a sentence of the article, not a note: no journalist role
        ("Ruth Abernathy is chair of the Harbour Board.", None),
        ("The terminal is one of the oldest buildings in the town.", None),
    ],
)
def test_parse_author_note(line: str, expected: tuple[str, str] | None) -> None:
    assert parse_author_note(line) == expected


@pytest.mark.parametrize(
    ("lines", "outlet"),
    [
        (
            ["Start your day with The Weekly Planet, sign up for daily news emails"],
            "The Weekly Planet",
        ),
        (["Have you tried new the Weekly Planet Digital Edition apps?"], "The Weekly Planet"),
        (["Copyright 2023 Harbour News"], "Harbour News"),
        ([P1, "Most read"], None),
    ],
)
def test_outlet_from_boilerplate(lines: list[str], outlet: str | None) -> None:
    assert outlet_from_boilerplate(lines) == outlet


@pytest.mark.parametrize(
    ("line", "following", "expected"),
    [
        ("The board met in", "Harbour House", True),  # a link cut out of a sentence
        ("according to", "the Planet", True),
        ("Ruth Abernathy", ", who chairs the board, said", True),
        ("a decision taken on Monday,", "after a long meeting", True),
        ("The board met on Monday.", "It voted to wait.", False),
        ("Harbour board puts sale on hold", "Members want residents consulted", False),
        ("Home", "News", False),
    ],
)
def test_runs_on(line: str, following: str, expected: bool) -> None:
    assert runs_on(line, following) is expected


def _plain_reflow(text: str) -> list[str]:
    """split_lines' re-flow by its definition: ``runs_on`` of the whole line so far at each join."""
    texts: list[str] = []
    in_list: list[bool] = []
    for block in _BLOCK_BREAK.split(text):
        lines = [t.strip() for t in block.split("\n") if t.strip()]
        if not lines:
            continue
        lengths = sorted(len(t) for t in lines)
        listy = len(lines) >= 3 and lengths[len(lengths) // 2] < 70
        for line in lines:
            if texts and not listy and not in_list[-1] and runs_on(texts[-1], line):
                texts[-1] += ("" if line[0] in _GLUE_NO_SPACE else " ") + line
            else:
                texts.append(line)
                in_list.append(listy)
    return texts


# A paragraph cut into pieces whose joined line becomes a cookie notice only once the piece
# after a join is added ("... we use" + "cookies ..."): the line after it must not run on.
_NOTICE_ACROSS_A_JOIN = (
    P1[:-1] + ", and the board's new site tells readers that we use\n"
    "cookies to count who reads the minutes of its meetings, published every week\n"
    "and nobody on the board objected to it when the matter came up on Monday"
)


@pytest.mark.parametrize(
    "text",
    [
        _NOTICE_ACROSS_A_JOIN,
        # the same join under JUNK_LINE_MAX_CHARS, where the whole junk lexicon applies
        "Read what\nwe use cookies for\nand why",
        # a run of one-word pieces far longer than the notice window
        "The board heard from " + "\nand ".join(f"resident{i}" for i in range(400)),
        "\n\n".join([TITLE, "Home\nNews\nSport", P1, "Photo: Getty", P2, "Share this\narticle"]),
    ],
)
def test_split_lines_matches_the_plain_reflow(text: str) -> None:
    assert split_lines(text)[0] == _plain_reflow(text)


@pytest.mark.parametrize(
    ("pieces", "line"),
    [
        (
            ["W", "hile the board met, the ferry sat idle."],
            "While the board met, the ferry sat idle.",
        ),
        (["H", "arbour dues rose again."], "Harbour dues rose again."),
        # a letter that is a word: joined when its fragment cannot be a word after it
        (["A", "dam Price opened the meeting."], "Adam Price opened the meeting."),
        (["I", "t rained all day."], "It rained all day."),
        (["A", "quiet week in the harbour."], "A quiet week in the harbour."),
    ],
)
def test_a_drop_cap_joins_its_word(pieces: list[str], line: str) -> None:
    texts, _ = split_lines("\n".join(pieces))
    assert texts == [line]


def test_a_furniture_heading_is_not_reflowed_into_the_headline_it_heads() -> None:
    # "like" is a word a sentence cannot end on, but the heading is a heading
    texts, _ = split_lines("You might also like\nSeaside Cafe Wins National Award")
    assert texts == ["You might also like", "Seaside Cafe Wins National Award"]
    found = only(dump(TITLE, P1, P2, P3, "You might also like\nSeaside Cafe Wins National Award"))
    assert found.body == "\n\n".join([P1, P2, P3])


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        # a heading over its date line, the weekday in lower case as Portuguese writes it
        (
            "Tabela do Campeonato\nquarta-feira, 3 de março de 2021 às 10:05",
            ["Tabela do Campeonato", "quarta-feira, 3 de março de 2021 às 10:05"],
        ),
        ("Resultados\nlunes, 14 de junio de 2021", ["Resultados", "lunes, 14 de junio de 2021"]),
        # a sentence left open on a word it goes on from still runs on
        (
            "The board sold the\nferries, 12 of them built in 1990, to a Danish yard.",
            ["The board sold the ferries, 12 of them built in 1990, to a Danish yard."],
        ),
    ],
)
def test_a_date_line_in_lower_case_is_not_reflowed_into_its_heading(
    text: str, lines: list[str]
) -> None:
    assert split_lines(text)[0] == lines
    assert split_lines(text)[0] == _plain_reflow(text)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        # a byline printed in lower case under its headline
        (
            "Harbour board names new master\nby Jo Bloggs",
            ["Harbour board names new master", "by Jo Bloggs"],
        ),
        # a sentence cut at a link to its author goes on after the name
        (
            "The report was written\nby Jo Bloggs, who chairs the board.",
            ["The report was written by Jo Bloggs, who chairs the board."],
        ),
    ],
)
def test_a_byline_in_lower_case_is_not_reflowed_into_its_headline(
    text: str, lines: list[str]
) -> None:
    assert split_lines(text)[0] == lines


def test_a_notice_made_by_a_join_stops_the_reflow() -> None:
    texts = split_lines(_NOTICE_ACROSS_A_JOIN)[0]
    assert len(texts[0]) > 200 and texts[0].endswith("published every week")
    assert texts[1:] == ["and nobody on the board objected to it when the matter came up on Monday"]


def test_notice_window_covers_the_longest_notice() -> None:
    """split_lines looks for a notice straddling a join from NOTICE_MAX_CHARS before it: every
    notice pattern's longest match, with a character either side for a word boundary, fits."""
    pattern = _notice_pattern()
    widest = re._parser.parse(pattern.pattern, pattern.flags).getwidth()[1]  # type: ignore[attr-defined]
    assert widest + 2 <= NOTICE_MAX_CHARS


@pytest.mark.shared
def test_split_lines_matches_the_plain_reflow_on_the_seeds() -> None:
    if not SEEDS.exists():
        pytest.skip(f"{SEEDS} is absent")
    for path in sorted(SEEDS.glob("*.txt")):
        text = normalize_text(path.read_text(encoding="utf-8"))
        assert split_lines(text)[0] == _plain_reflow(text), path.name


def test_title_standfirst_body() -> None:
    found = only(dump(TITLE, STANDFIRST, P1, P2, P3, P4))
    assert found.title == TITLE
    assert found.standfirst == STANDFIRST
    assert found.body == "\n\n".join([P1, P2, P3, P4])


def test_category_line_is_not_the_title() -> None:
    found = only(dump("Local News, Harbour Affairs", TITLE, P1, P2, P3))
    assert found.title == TITLE
    assert "Local News" not in found.body


@pytest.mark.parametrize(
    "junk",
    [
        "Photo: Getty",
        "Show Hide image",
        "Advertisement",
        "Share this article",
        "Sign up for our morning newsletter",
    ],
)
def test_junk_inside_the_article_is_dropped(junk: str) -> None:
    found = only(dump(TITLE, STANDFIRST, P1, junk, P2, P3, P4))
    assert junk not in found.body
    assert found.body == "\n\n".join([P1, P2, P3, P4])


@pytest.mark.parametrize(
    "short",
    [
        '"We are not for sale," she said.',
        "HARBOURTON, May 2 -",
        "The vote was 7-2.",
        "Nobody objected.",
    ],
)
def test_short_genuine_paragraphs_are_kept(short: str) -> None:
    found = only(dump(TITLE, STANDFIRST, P1, short, P2, P3, P4))
    assert short in found.body.split("\n\n")


def test_furniture_after_the_article_is_cut() -> None:
    teasers = "\n".join(
        [
            "Most read",
            "Seaside cafe wins national award",
            "Council tax to rise again",
            "Ten walks for a rainy weekend",
            "A retired teacher has spent thirty years mapping every footpath in the county, "
            "and now she is handing the maps to the library",
            "Jobs",
            "Harbour master - part time",
        ]
    )
    found = only(dump(TITLE, P1, P2, P3, P4, "Share this article", teasers))
    assert found.body.endswith(P4)
    assert "thirty years" not in found.body


# Blurbs of other stories, each a paragraph of prose, printed above the article.
OTHER_STORIES = [
    "Volunteers at the allotments on the edge of town have spent the summer rebuilding the old "
    "glasshouse with panes donated by a local window firm, and hope to open it to schools next "
    "spring.",
    "The county cricket club has named a new captain after a season in which it lost more "
    "matches than it won, and the committee says the squad will be rebuilt around its younger "
    "players.",
    "A bakery that has stood on the corner of the market square for ninety years is to close in "
    "October, when its owners retire and the lease on the building runs out at the end of the "
    "month.",
    "Residents of the flats above the library say the lift has been broken for three weeks and "
    "that the landlord has not told them when the engineers will come back to finish the "
    "repairs.",
]


def test_the_piece_of_prose_that_fits_the_title_is_the_article() -> None:
    """Other stories' blurbs above a furniture heading name none of the title's words; the
    article after the heading names them: it is the article, not the blurbs."""
    found = only(dump(TITLE, *OTHER_STORIES, "Most read", P1, P2, P3, P4))
    assert found.body == "\n\n".join([P1, P2, P3, P4])
    # the first piece stays the article when it fits the title
    found = only(dump(TITLE, P1, P2, P3, P4, "Most read", *OTHER_STORIES))
    assert found.body == "\n\n".join([P1, P2, P3, P4])


def test_byline_becomes_author() -> None:
    found = only(dump(TITLE, "By Ruth Abernathy and Tom Oduya", P1, P2, P3))
    assert found.authors == ("Ruth Abernathy", "Tom Oduya")
    assert "By Ruth" not in found.body


def test_author_note_ends_the_article_and_names_author_and_outlet() -> None:
    note = "James Okafor is political correspondent for the Weekly Planet."
    found = only(dump(TITLE, P1, P2, P3, note, "Photo: Getty"))
    assert found.authors == ("James Okafor",)
    assert found.outlet == "Weekly Planet"
    assert found.body.endswith(P3)


def test_two_articles_in_one_dump() -> None:
    second_title = "Lighthouse keeper's cottage to become a museum"
    second = [
        "The cottage beside the north lighthouse will open to visitors next spring, the trust "
        "that owns it said on Friday, after a grant covered the cost of repairs to its roof.",
        "Volunteers have already catalogued the keeper's logbooks, which record every ship that "
        "passed the point between the two world wars, and they will be shown in the front room.",
        "The trust said entry would be free for the first year and that it hoped schools in the "
        "county would use the museum to teach the history of the coast and its shipping.",
    ]
    text = dump(
        TITLE,
        STANDFIRST,
        P1,
        P2,
        P3,
        "James Okafor is political correspondent for the Weekly Planet.",
        "Photo: Getty\nShow Hide image",
        second_title,
        *second,
        "Mary-Jane Pike is arts editor at the Weekly Planet.",
    )
    found = clean_text_dump(text)
    assert [f.title for f in found] == [TITLE, second_title]
    assert [f.authors for f in found] == [("James Okafor",), ("Mary-Jane Pike",)]
    assert found[0].body.endswith(P3)
    assert found[1].body == "\n\n".join(second)
    assert all("Photo: Getty" not in f.body for f in found)


@pytest.mark.parametrize(
    ("line", "end", "box"),
    [
        ("Related stories", True, True),
        ("Related:", True, True),
        ("Read more", True, True),
        ("Most read", True, False),
        ("34 Comments", True, False),
        ("12 thoughts on \u201cHarbour board puts ferry terminal sale on hold\u201d", True, False),
        ("3 responses to \u201cHarbour board puts sale on hold\u201d", True, False),
        ("Leave a Reply", True, False),
        # a counter under the byline: no comments follow it
        ("0 Comments", False, False),
        ("The board had 34 comments from residents.", False, False),
        # other languages (a "related articles" box may sit inside an article in any language);
        # an author's box
        ("関連記事", True, True),
        ("Artigos relacionados", True, True),
        ("Ähnliche Artikel", True, True),
        ("Lire aussi :", True, True),
        ("About the author", True, False),
        ("Über", True, False),
        ("Sobre", True, False),
        ("About the harbour", False, False),
        # comment sections named by their state or by the readers
        ("Comments are now closed for this story", True, False),
        ("Comments are closed.", True, False),
        ("Reader views", True, False),
        ("Readers' comments", True, False),
        ("Add your view", True, False),
        ("The comments of readers are closed to us", False, False),
        # a call for comments, also set inside an article with a reader's quote under it
        ("HAVE YOUR SAY", True, True),
        # what a template prints after a heading
        ("You may also like...", True, False),
        ("Read more »", True, True),
        # a section's rail of other headlines
        ("More harbour news...", True, False),
        ("More Articles in Sports »", True, False),
        ("More Men's College Rowing Headlines", True, False),
        ("More than 300 stories", False, False),
        ("More news will follow.", False, False),
        # the commenting form
        ("Post Comment", True, False),
        ("Add Comments", True, False),
        ("Do you have comments on this story?", True, False),
        ("Comment viewing options", True, False),
    ],
)
def test_end_markers_and_box_headings(line: str, end: bool, box: bool) -> None:
    assert is_end_marker(line) is end
    assert is_box_heading(line) is box


def test_related_box_inside_the_article_is_skipped() -> None:
    # the article resumes with full paragraphs (over 200 characters, jusText's "good")
    p3, p4 = P3 + " " + P2, P4 + " " + P1
    box = ["Related:", "Seaside cafe wins national award"]
    found = only(dump(TITLE, STANDFIRST, P1, P2, *box, p3, p4))
    assert found.body == "\n\n".join([P1, P2, p3, p4])


def test_box_heading_followed_by_one_teaser_paragraph_ends_the_article() -> None:
    teaser = P4 + " " + P1
    found = only(dump(TITLE, P1, P2, P3, "Read more", teaser, "Read more", "Share this article"))
    assert found.body == "\n\n".join([P1, P2, P3])


def test_a_box_over_the_articles_closing_paragraph_is_skipped() -> None:
    # one paragraph after the box, then the page's furniture with no box heading of its own:
    # the article's last paragraph, not a teaser's blurb
    box = ["Related Links", "Harbour board website"]
    furniture = ["Report an error", "Most read", "Seaside cafe wins national award"]
    found = only(dump(TITLE, P1, P2, P3, *box, P4, *furniture))
    assert found.body == "\n\n".join([P1, P2, P3, P4])


def test_an_ad_slots_markup_inside_the_article_does_not_cut_it() -> None:
    ad = [
        '<script type="text/javascript"> document.write(\'<a href="http://ads.example.net/click/'
        "site=harbour;zone=mpu;size=300x250;ord=' + Math.random() + '\" target=\"_blank\">');"
        "</script>",
        '<div class="mpu"><a href="http://ads.example.net/click/site=harbour;zone=mpu"><img src="'
        'http://ads.example.net/image/site=harbour;zone=mpu;size=300x250" width="300" '
        'height="250" border="0"></a></div>',
    ]
    found = only(dump(TITLE, P1, P2, *ad, P3, P4))
    assert found.body == "\n\n".join([P1, P2, P3, P4])


def test_a_box_of_known_furniture_longer_than_the_window_is_bridged() -> None:
    # "Related Coverage" over dated headlines (captions) and junk lines: eleven lines in all,
    # but none that the cleaner cannot already tell as furniture, so the box is short.
    p3, p4 = P3 + " " + P2, P4 + " " + P1
    rail = []
    for day, headline in (
        (3, "Ferry operator looks again at winter timetable"),
        (4, "Harbour wall repairs to start in spring"),
        (5, "Town hall opens its doors for a weekend"),
    ):
        rail += [f"MARCH {day}, 2019", headline]
    box = ["Continue reading the main story", "Related Coverage", *rail, "Advertisement"]
    box += ["Continue reading the main story"]
    found = only(dump(TITLE, STANDFIRST, P1, P2, *box, p3, "Advertisement", p4))
    assert found.body == "\n\n".join([P1, P2, p3, p4])


def test_a_teaser_blurb_in_a_box_does_not_stop_the_article_resuming() -> None:
    # "Read more" boxes each holding a headline and a cut-off blurb, then the article goes on.
    p3, p4 = P3 + " " + P2, P4 + " " + P1
    box = []
    for headline, blurb in (
        ("Why ferries stopped paying their way", "For forty years the crossing was the town's"),
        ("What the old terminal could become", "Architects have drawn up three plans for the"),
    ):
        blurb += " busiest route, carrying cars, lorries and foot passengers over the water each…"
        box += [headline, headline, blurb, "Read more", "Read more"]
    found = only(dump(TITLE, STANDFIRST, P1, P2, "Read more", *box, p3, p4))
    assert p3 in found.body and p4 in found.body
    assert "Architects" not in found.body and "forty years" not in found.body


def test_a_box_before_a_comment_section_is_not_bridged_into_it() -> None:
    # the box's window stops at the comment heading: a teaser's blurb in the box and the
    # comments after it are not the article resuming
    blurb = P4 + " " + P1
    comments = [P3 + " I was there and it was packed.", P4 + " The board should listen."]
    box = ["Related", "Seaside cafe wins award", blurb, "Advertisement", 'In "News"']
    found = only(dump(TITLE, P1, P2, P3, *box, "2 comments", *comments))
    assert found.body == "\n\n".join([P1, P2, P3])


def test_a_prompt_above_a_furniture_heading_over_the_article_is_not_the_article() -> None:
    # a reader prompt of the sidebar, then the section rail's heading, then the article: the
    # heading cuts off less prose than follows it
    prompt = (
        "How does the ferry decision change your view of the harbour plans? Tell our reporter "
        "by email or by phone this week, and we may print your answer."
    )
    found = only(dump(TITLE, prompt, "More harbour news", P1, P2, P3, P4))
    assert found.body == "\n\n".join([P1, P2, P3, P4])


def test_comments_closed_heading_ends_the_article() -> None:
    comments = ["Mary P", P3 + " They never listen.", "Tom", P4 + " Sell it now."]
    found = only(dump(TITLE, P1, P2, "Comments are now closed for this story", *comments))
    assert found.body == "\n\n".join([P1, P2])


def test_have_your_say_box_inside_the_article_is_skipped() -> None:
    p3, p4 = P3 + " " + P2, P4 + " " + P1
    box = ["HAVE YOUR SAY", "Keep the terminal, it is the town's history", "Anna, Leeds"]
    found = only(dump(TITLE, P1, P2, *box, p3, p4))
    assert found.body == "\n\n".join([P1, P2, p3, p4])


def test_related_heading_after_the_article_still_ends_it() -> None:
    teasers = ["Seaside cafe wins national award", "Council tax to rise again", "Ten walks"]
    found = only(dump(TITLE, P1, P2, P3, "Related:", *teasers, "Share this article"))
    assert found.body == "\n\n".join([P1, P2, P3])


def test_comment_section_ends_the_article() -> None:
    comments = [
        "12 thoughts on \u201c" + TITLE + "\u201d",
        "Harbour Watcher",
        "I have lived in this town for forty years and nobody ever asked me what I wanted done "
        "with the terminal, so I am glad the board has finally decided to listen to residents.",
        "Ferry Fan",
        "The terminal should be a museum, and the council should pay for the roof before it "
        "falls in, because by the time a buyer is found there will be nothing left to save.",
    ]
    found = only(dump(TITLE, P1, P2, P3, P4, *comments))
    assert found.body.endswith(P4)
    assert "forty years" not in found.body


def test_comment_section_after_an_author_note_is_not_a_second_article() -> None:
    comments = [
        "2 responses to \u201c" + TITLE + "\u201d",
        "I have lived in this town for forty years and nobody ever asked me what I wanted done "
        "with the terminal, so I am glad the board has finally decided to listen to residents.",
        "The terminal should be a museum, and the council should pay for the roof before it "
        "falls in, because by the time a buyer is found there will be nothing left to save.",
        "My grandfather worked on the last crossing, and he always said that the town would "
        "regret letting the ferry go, and now that the building is for sale he has been proved "
        "right about it.",
    ]
    note = "James Okafor is political correspondent for the Weekly Planet."
    found = only(dump(TITLE, P1, P2, P3, note, *comments))
    assert found.authors == ("James Okafor",)
    assert found.body.endswith(P3)


def test_title_repeated_in_the_body_is_dropped() -> None:
    found = only(dump(TITLE + " | Weekly Planet", TITLE, P1, P2, TITLE, P3))
    assert found.title == TITLE
    assert found.body == "\n\n".join([P1, P2, P3])


def test_list_announced_by_a_lead_in_is_kept() -> None:
    lead_in = "The ferry will call at these harbours next summer:"
    stops = ["June 9 - Harbourton", "June 10 - Northpoint", "June 14 - Saltmarsh (new pier)"]
    found = only(dump(TITLE, P1, P2, P3, lead_in, *stops, "Share this article", "Most read"))
    assert found.body.endswith("\n\n".join([lead_in, *stops]))


def test_a_one_word_label_does_not_open_a_list() -> None:
    found = only(dump(TITLE, P1, P2, P3, "Source:", "Weekly Planet", "News", "Sport"))
    assert found.body == "\n\n".join([P1, P2, P3])


def test_article_of_short_sentences_is_not_cut() -> None:
    short = [
        "Nobody objected.",
        "The chair thanked the members.",
        "Then the room emptied.",
        "It was over in minutes.",
        "Outside, it was raining.",
        "A few people waited by the door.",
        "One of them was the developer.",
        "He did not say a word.",
        "He shook the chair's hand.",
        "Then he left.",
    ]
    found = only(dump(TITLE, P1, P2, *short, P3, P4))
    assert found.body == "\n\n".join([P1, P2, *short, P3, P4])


# A teaser rail below the article: headline, author, date, a blurb that reads like prose.
RAIL = [
    "Seaside cafe wins national award",
    "Mary Trent",
    "Wednesday November 20, 2019",
    "The owners of the cafe on the front said they had never expected to win anything, and that "
    "the prize would go towards a new kitchen and a ramp for wheelchairs at the door.",
    "Council tax to rise again next year",
    "Owen Price",
    "Tuesday November 19, 2019",
    "The council said that the rise was the smallest it could make without closing the library, "
    "and that it would ask residents which services they valued most before the budget.",
    "Ten walks along the coast",
    "Mary Trent",
    "Tuesday November 19, 2019",
    "From the lighthouse to the salt marsh, these are the walks that our readers sent in when we "
    "asked them where they would take a visitor on a winter afternoon by the sea.",
]


def test_teaser_rail_after_the_article_is_cut() -> None:
    found = only(dump(TITLE, P1, P2, P3, P4, "Opinion", "Washington Planet", *RAIL))
    assert found.body == "\n\n".join([P1, P2, P3, P4])


def test_teaser_rail_lines_cover_whole_units() -> None:
    texts = [P1, P2, "Opinion", *RAIL]
    assert teaser_rail_lines(texts) == set(range(3, 3 + len(RAIL)))


@pytest.mark.parametrize(
    "texts",
    [
        # dated entries of different lengths (a timeline, a live blog) are not a template
        ["March 3, 2019", P1, "March 9, 2019", P2, P3, P4, "April 1, 2019", P1],
        # tour dates name a venue and a town: not date lines
        ["June 9 - Harbour Arena, Harbourton, HB", "June 10 - Pier Hall, Northpoint, NP"] * 3,
        # two units are not a rail
        RAIL[:8],
    ],
)
def test_no_teaser_rail(texts: list[str]) -> None:
    assert teaser_rail_lines(texts) == set()


PROFILE = [
    "Harbour Ferries is a global provider of passenger crossings focused on short routes. The "
    "vision of Harbour Ferries is to connect coastal towns with fast and clean boats.",
    "Harbour Ferries is headquartered in Harbourton, runs crossings in 8 countries and employs "
    "around 1,300 people. Its shares are listed on the Harbourton Stock Exchange.",
]


def test_company_boilerplate_after_a_press_release_is_dropped() -> None:
    found = only(dump(TITLE, P1, P2, P3, P4, *PROFILE))
    assert found.body == "\n\n".join([P1, P2, P3, P4])


def test_one_closing_paragraph_about_a_company_stays() -> None:
    closing = (
        "Harbour Ferries is the largest buyer of the new electric boats, with twelve of them in "
        "its fleet, and it said on Monday that it would order more if the terminal is sold."
    )
    found = only(dump(TITLE, P1, P2, P3, closing))
    assert found.body.endswith(closing)


def test_sentence_of_names_and_figures_inside_the_article_is_kept() -> None:
    results = "Harbourton beat Northpoint 3-1, Saltmarsh drew 2-2 with Eastcliff, Westbay won 4-0."
    found = only(dump(TITLE, P1, P2, results, P3, P4))
    assert results in found.body.split("\n\n")


@pytest.mark.parametrize(
    ("text", "length"),
    [("harbour", 7), ("\u6e2f\u306e\u8239", 9), ("ab\u6e2f", 5)],
)
def test_text_length_counts_cjk_characters_three_times(text: str, length: int) -> None:
    assert text_length(text) == length


def test_japanese_article_is_found() -> None:
    sentence = (
        "\u6e2f\u306e\u7406\u4e8b\u4f1a\u306f\u6708\u66dc\u65e5\u3001"
        "\u53e4\u3044\u30d5\u30a7\u30ea\u30fc\u30bf\u30fc\u30df\u30ca\u30eb"
        "\u306e\u58f2\u5374\u3092\u5ef6\u671f\u3059\u308b\u3053\u3068\u3092"
        "\u6c7a\u3081\u305f\u3002"
    )
    # 37 characters each: a short line counted in characters, a paragraph counted as text
    paragraphs = [sentence] * 4
    found = only(dump("\u6e2f\u306e\u30cb\u30e5\u30fc\u30b9", "Home", *paragraphs, "Share"))
    assert found.body == "\n\n".join(paragraphs)


def test_paragraph_cut_by_links_is_reflowed() -> None:
    pieces = [
        "The harbour board agreed on Monday to delay the sale of the",
        "old ferry terminal",
        ", after a meeting in which several members said the town had not been asked what "
        "it wanted.",
    ]
    found = only(dump(TITLE, *pieces, P2, P3))
    assert found.body.split("\n\n")[0] == (
        "The harbour board agreed on Monday to delay the sale of the old ferry terminal, after a "
        "meeting in which several members said the town had not been asked what it wanted."
    )


@pytest.mark.parametrize(
    "text",
    ["", "Home\nNews\nSport\nWeather", "Photo: Getty\n\nShare this article", "Just a title"],
)
def test_no_article(text: str) -> None:
    assert clean_text_dump(normalize_text(text)) == []


# --- captions, undated rails, tables, templated lists, the line model -----------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Ruth Abernathy, left, and Owen Price shake hands at the pier on Monday.", True),
        ("The old ferry terminal at dawn. (AP Photo/Mary Trent)", True),
        ("The terminal at dawn, Harbourton. (AP)", True),
        ("In this March 3, 2019, file photo, a ferry leaves the old terminal.", True),
        ("This undated handout photo shows the terminal in 1950.", True),
        ("Ruth Abernathy, pictured at the pier in 2018, chairs the board.", True),
        ("A ferry passes the old terminal (background) on Monday.", True),
        # a dateline and a sentence that uses the words otherwise
        ("HARBOURTON (AP) — The harbour board agreed on Monday to delay the sale.", False),
        ("Prior to the vote, I spent a few months testing the new pier (pictured above).", False),
        ("The members who left, and those who stayed, agreed on one thing.", False),
        (P1, False),
    ],
)
def test_caption_line(line: str, expected: bool) -> None:
    assert is_caption_line(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("(Image: GETTY )", True),
        ("Credit: Harbour Trust", True),
        ("Photo: Mary Trent", True),
        ("Getty Images", True),
        ("Credit unions in the town said they would lend to the buyer.", False),
    ],
)
def test_credit_line(line: str, expected: bool) -> None:
    assert is_credit_line(line) is expected


def test_captions_inside_the_article_are_dropped_without_cutting_it() -> None:
    caption = "Ruth Abernathy, left, and Owen Price at the pier on Monday, March 3, 2019."
    over_credit = "The old terminal has been empty for four years"
    found = only(dump(TITLE, P1, P2, caption, over_credit, "Credit: Harbour Trust", P3, P4))
    assert found.body == "\n\n".join([P1, P2, P3, P4])


# A tabloid's links to other stories inside the article: a kicker in capitals over a headline.
KICKER_RAIL = [
    "SALT AND VINEGAR",
    "Chip shop owner fined over seagull feeding ban",
    "PIER PRESSURE",
    "Anglers say new rules will empty the harbour wall",
    "‘NOT ON MY WATCH’",
    "Lifeguard who saved three swimmers in a day speaks out",
]


def test_kicker_rail_inside_the_article_is_dropped() -> None:
    assert kicker_rail_lines([P1, *KICKER_RAIL, P2]) == set(range(1, 1 + len(KICKER_RAIL)))
    found = only(dump(TITLE, P1, P2, *KICKER_RAIL, P3, P4))
    assert found.body == "\n\n".join([P1, P2, P3, P4])


def test_capitals_subheadings_are_not_a_rail() -> None:
    # subheadings of a story, each over prose: the line after a kicker must be a headline
    texts = [P1, "WHAT NEXT?", P2, "THE PIER", P3, "THE BUYER", P4, "THE VOTE", P1]
    assert kicker_rail_lines(texts) == set()


# A stream of other stories: headline and blurb pairs, each blurb restating its headline, with no
# date or kicker between them.
TEASER_STREAM = [
    "Lifeboat crew rescue two kayakers off the north pier",
    "Two kayakers were brought ashore by the lifeboat crew after drifting past the north pier "
    "in a rising wind on Sunday afternoon.",
    "Seafront cafe owner wins fight over late opening hours",
    "The cafe owner can keep serving until midnight after the council dropped its objection to "
    "the later opening hours on the seafront.",
    "Council to review parking charges at the marina",
    "Parking charges at the marina will be reviewed by the council after traders said visitors "
    "were staying away from the shops nearby.",
    "Anglers say new rules will empty the harbour wall",
    "Anglers told a packed meeting that the new rules on the harbour wall would drive them to "
    "other towns along the coast this summer.",
    "School choir to sing at the lighthouse centenary",
    "The school choir has been invited to sing at the lighthouse centenary, which the town will "
    "mark with a week of events in June.",
    "Fishmonger marks fifty years on the quay",
    "Customers queued on the quay to congratulate the fishmonger, who opened his stall there "
    "fifty years ago this week.",
]


def test_teaser_stream_lines_are_the_pairs() -> None:
    texts = [P1, P2, *TEASER_STREAM, P3]
    assert teaser_stream_lines(texts, frozenset()) == set(range(2, 2 + len(TEASER_STREAM)))


def test_subheadings_over_lead_ins_are_no_stream() -> None:
    # an article's sections, each a subheading over a paragraph that leads into what follows
    texts = [
        "Counting the harbour's visitors",
        "The harbour board counts its visitors at the gate, which gives these figures:",
        "Counting the marina's boats",
        "The marina counts its boats each night, and these are the boats it counted:",
        "Counting the pier's anglers",
        "The pier's anglers are counted by the warden, whose counts are these:",
    ]
    assert teaser_stream_lines(texts, frozenset()) == set()


def test_a_teaser_stream_does_not_take_the_place_of_the_article() -> None:
    found = only(dump(TITLE, P1, P2, P3, *TEASER_STREAM, *TEASER_STREAM[:6]))
    assert found.body == "\n\n".join([P1, P2, P3])


# Teasers' headlines: a site prints each in a box inside the article and again in a rail.
TEASER_HEADLINES = [
    "Lifeboat crew rescue two kayakers off the north pier",
    "Seafront cafe owner wins fight over late opening hours",
    "Council to review parking charges at the marina car park",
]


def test_teaser_headlines_printed_again_are_dropped_inside_the_article() -> None:
    rail = ["Most popular", *TEASER_HEADLINES, "Contact us"]
    texts = [TITLE, P1, P2, *TEASER_HEADLINES, P3, P4, *rail]
    assert repeated_headline_lines(texts) == {3, 4, 5, 9, 10, 11}
    found = only(dump(TITLE, P1, P2, *TEASER_HEADLINES, P3, P4, *rail))
    assert found.body == "\n\n".join([P1, P2, P3, P4])


def test_teaser_headline_printed_twice_in_a_row_is_furniture() -> None:
    # the photo's link, then the text's
    headline = TEASER_HEADLINES[0]
    assert repeated_headline_lines([P1, headline, headline, P2]) == {1, 2}


def test_a_headline_printed_again_is_still_read_as_the_title() -> None:
    # the page <title> names the site only; the <h1> is printed again in a sticky bar
    headline = "Harbour board delays the sale of the old ferry terminal"
    found = only(dump("Harbour News", headline, P1, P2, headline, P3))
    assert found.title == headline
    assert found.body == "\n\n".join([P1, P2, P3])


@pytest.mark.parametrize(
    "texts",
    [
        # an article printed twice (a reader view): its subheading has the same paragraph after it
        [TITLE, "What the harbour board decided on the terminal", P1, P2] * 2,
        # a table of contents, then the headings it lists
        [
            "Contents",
            "What the harbour board decided on the terminal",
            "Why the developer says he cannot wait",
            "What residents told the public meeting",
            P1,
            "What the harbour board decided on the terminal",
            P2,
            "Why the developer says he cannot wait",
            P3,
            "What residents told the public meeting",
            P4,
        ],
        # short subheadings, code and sentences are no headlines
        [P1, "The vote", P2, "The vote", P3],
        [P1, "$ hg commit -m 'fix the harbour map'", P2, "$ hg commit -m 'fix the harbour map'"],
        [P1, "The board will meet again on Monday.", P2, "The board will meet again on Monday."],
    ],
)
def test_repeated_lines_that_are_no_teasers(texts: list[str]) -> None:
    assert repeated_headline_lines(texts) == set()


STANDINGS_HEADER = ["Pos.", "Skipper", "Points", "Wins"]
STANDINGS = [
    cell
    for rank, (name, points, wins) in enumerate(
        [
            ("Mary Trent", 5040, 5),
            ("Owen Price", 5035, 7),
            ("Ruth Abernathy", 5033, 4),
            ("James Okafor", 5027, 6),
            ("Mary-Jane Pike", 2380, 2),
            ("Tom Hale", 2339, 1),
        ],
        start=1,
    )
    for cell in (str(rank), name, str(points), str(wins))
]


def test_ranked_table_is_found_with_its_header() -> None:
    texts = ["Home", "News", *STANDINGS_HEADER, *STANDINGS, "Most read"]
    assert ranked_table_lines(texts) == set(range(2, 2 + len(STANDINGS_HEADER) + len(STANDINGS)))


def test_ranked_list_of_links_is_not_a_table() -> None:
    most_read = [
        cell
        for rank, headline in enumerate(
            [
                "Seaside cafe wins award",
                "Council tax to rise",
                "Ten walks",
                "Pier reopens",
                "Gulls banned",
                "Ferry sale off",
            ],
            start=1,
        )
        for cell in (str(rank), headline, "Mary Trent")
    ]
    assert ranked_table_lines(most_read) == set()


def test_templated_list_after_the_article_is_kept() -> None:
    stops = [
        "June 9 – Harbourton, HB @ Harbour Arena",
        "June 10 – Northpoint, NP @ Pier Hall",
        "June 14 – Saltmarsh, SM @ The Boathouse (new venue)",
    ]
    found = only(dump(TITLE, P1, P2, P3, "Ferry Summer Timetable", *stops, "Share this article"))
    assert found.body.endswith("\n\n".join(["Ferry Summer Timetable", *stops]))


def test_headlines_after_the_article_are_not_a_templated_list() -> None:
    teasers = ["Seaside cafe wins national award", "Council tax to rise again", "Ten walks"]
    found = only(dump(TITLE, P1, P2, P3, "More from Harbourton", *teasers))
    assert found.body == "\n\n".join([P1, P2, P3])


# A rowing regatta's results as a local paper prints them: a heading, then records of names and
# figures that read neither as prose nor as navigation.
REGATTA_RESULTS = [
    "MEN'S EIGHTS",
    "Harbourton d. Saltmarsh by 2 lengths",
    "Harbourton (3-0): Ames stroke 34. Brook 7 seat. Carver 6 seat. Dunn bow.",
    "Saltmarsh (1-2): Ellis stroke 31. Frost 7 seat. Gale bow.",
    "WOMEN'S FOURS",
    "Northpoint d. Harbourton by 4 seconds",
    "Northpoint (2-1): Hale 1:42.6, Irons 1:43.1, Jupp 1:44.0.",
]


def test_results_after_the_article_are_kept() -> None:
    found = only(dump(TITLE, P1, P2, P3, *REGATTA_RESULTS, "Terms of Service"))
    assert found.body.endswith("\n\n".join(REGATTA_RESULTS[1:]))


def test_a_page_of_results_only_is_its_results() -> None:
    found = only(dump("Regatta round-up", "Home", "Sport", *REGATTA_RESULTS, "Terms of Service"))
    assert "Harbourton (3-0)" in found.body and "Northpoint (2-1)" in found.body
    assert "Terms of Service" not in found.body


def test_listicle_headlines_after_the_article_are_not_records() -> None:
    teasers = ["15 Amazing Images of the Pier", "11 Facts About Gulls", "The 7 Best Harbour Walks"]
    found = only(dump(TITLE, P1, P2, P3, *teasers))
    assert found.body == "\n\n".join([P1, P2, P3])


# A changelog printed as text: items under bullets of text that say something.
CHANGELOG = [
    "+ Added a ferry timetable to the harbour map",
    "+ The terminal's opening hours are shown for each day",
    "+ Tide tables can now be printed from the map",
    "* Fixed a crash when the pier was selected twice",
]


def test_bulleted_list_after_the_article_is_kept() -> None:
    found = only(dump(TITLE, P1, P2, P3, *CHANGELOG, "Terms of Service"))
    assert found.body.endswith("\n\n".join(CHANGELOG[:3]))


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (CHANGELOG, {0, 1, 2}),
        # a menu and a directory of the group's titles are not the article's lists
        (["• Home", "• News", "• Sport", "• Weather"], set()),
        (["- Harbourton Echo", "- Saltmarsh Daily Herald", "- Northpoint Times & Star"], set()),
    ],
)
def test_bulleted_list_lines(texts: list[str], expected: set[int]) -> None:
    assert bulleted_list_lines(texts) == expected


def test_line_model_matches_the_features() -> None:
    weights = line_model()
    assert weights is not None and len(weights) == len(LINE_FEATURE_NAMES)
    lines, features = page_line_features(dump(TITLE, "Home", "News", "Sport", P1, P2, P3))
    assert len(features) == len(lines) and all(len(f) == len(weights) for f in features)
    prose = line_probability(weights, features[lines.index(P2)])
    menu = line_probability(weights, features[lines.index("News")])
    assert prose > 0.5 > menu


# --- the shared seeds ------------------------------------------------------------------------

SEED_JUNK = [
    "Day In a Page",
    "Harrington Starr",
    "Recruitment Genius",
    "Show Hide image",
    "Photo: Getty",
    "Latest stories from i100",
    "Independent Digital Edition",
    "iJobs",
    "By clicking",
    "Start your day with",
    "Emma Watson",
    "Stolen youth",
    "Katie Hopkins",
    "Labour Party, UK",
    "Have you tried",
]


@pytest.fixture(scope="module")
def seed_articles():  # type: ignore[no-untyped-def]
    if not SEEDS.exists():
        pytest.skip(f"{SEEDS} is absent: the seed tests read the shared seeds")
    return {
        p.name[:3]: clean_text_dump(normalize_text(p.read_text(encoding="utf-8")))
        for p in sorted(SEEDS.glob("*.txt"))
    }


@pytest.mark.shared
def test_seeds_give_five_articles(seed_articles) -> None:  # type: ignore[no-untyped-def]
    assert {k: len(v) for k, v in seed_articles.items()} == {"000": 1, "001": 1, "002": 2, "003": 1}


@pytest.mark.shared
@pytest.mark.parametrize(
    ("seed", "part", "title"),
    [
        ("000", 0, "Balls goes on attack, but Brown and Miliband now in 'cold war'"),
        ("001", 0, "Balls aims to redraw battle lines by wooing Lib Dems and Tories"),
        (
            "002",
            0,
            "Mystery over Ed Balls\u2019s claim that the Miliband brothers are briefing "
            "against one another",
        ),
        (
            "002",
            1,
            "It's not WhatsApp that was at fault in the Westminster attacks. It's our prisons",
        ),
        ("003", 0, "Balls to drop leadership bid as Unite backs Ed Miliband"),
    ],
)
def test_seed_titles(seed_articles, seed: str, part: int, title: str) -> None:  # type: ignore[no-untyped-def]
    assert seed_articles[seed][part].title == title


@pytest.mark.shared
def test_seed_bodies_hold_no_junk(seed_articles) -> None:  # type: ignore[no-untyped-def]
    for seed, articles in seed_articles.items():
        for article in articles:
            for junk in SEED_JUNK:
                assert junk not in article.body, (seed, junk)
            assert article.title not in article.body
            if article.standfirst:
                assert article.standfirst not in article.body


@pytest.mark.shared
@pytest.mark.parametrize(
    ("seed", "part", "first", "last"),
    [
        ("000", 0, "Tensions in the Cabinet", 'insisting it was "not an issue".'),
        ("001", 0, "Ed Balls last night fuelled", None),
        ("002", 0, "Earlier, I mentioned that Ed Balls", None),
        ("002", 1, "The dust has settled", None),
        ("003", 0, "The Sunday Mirror reports", "ready and able to lead the party in opposition."),
    ],
)
def test_seed_bodies_start_and_end_with_the_article(  # type: ignore[no-untyped-def]
    seed_articles, seed: str, part: int, first: str, last: str | None
) -> None:
    body = seed_articles[seed][part].body
    assert body.startswith(first)
    last_paragraph = body.split("\n\n")[-1]
    assert last_paragraph.endswith((".", '"', "\u201d", "?", "!")), last_paragraph[-80:]
    if last is not None:
        assert body.endswith(last)


@pytest.mark.shared
def test_seed_metadata(seed_articles) -> None:  # type: ignore[no-untyped-def]
    first, second = seed_articles["002"]
    assert first.authors == ("James Macintyre",)
    assert first.outlet == "New Statesman"
    assert second.authors == ("Stephen Bush",)
    assert "James Macintyre" not in first.body
    assert "Stephen Bush is" not in second.body
    assert seed_articles["000"][0].outlet == "The Independent"
    assert seed_articles["000"][0].standfirst is not None
    assert seed_articles["003"][0].standfirst is None
    assert all(a.language == "en" for v in seed_articles.values() for a in v)


def test_site_name_comes_off_the_first_line_when_the_furniture_prints_it() -> None:
    # The page <title> with the site's name, the logo line, no printed headline of its own.
    found = only(
        dump(
            f"{TITLE} | Harbour Gazette",
            "Harbour Gazette",
            "Home",
            "News",
            P1,
            P2,
            P3,
            P4,
            "© 2024 Harbour Gazette",
        )
    )
    assert found.title == TITLE
    assert found.body == "\n\n".join([P1, P2, P3, P4])


@pytest.mark.parametrize(
    ("texts", "names"),
    [
        ([f"{TITLE} | Harbour Gazette", P1, "© 2024 Harbour Gazette"], ["Harbour Gazette"]),
        (
            [f"Harbour Gazette - {TITLE}", P1, "Sign up for the Harbour Gazette newsletter"],
            ["Harbour Gazette"],
        ),
        # printed again, but not in furniture: a piece of the title is not the site's name
        ([f"{TITLE} | Harbour Gazette", P1, "Harbour Gazette"], []),
        # where the furniture names the site (outlet_from_boilerplate)
        ([TITLE, P1, "© 2024 Harbour Gazette"], ["Harbour Gazette"]),
        # a first line that is the site's name alone, printed again in furniture
        (
            ["Harbour Gazette", P1, "Get Harbour Gazette delivered to your inbox"],
            ["Harbour Gazette"],
        ),
        # a headline of more words than a site's name is not one, wherever it is printed again
        ([TITLE, P1, f"Share {TITLE} by email"], []),
    ],
)
def test_site_names(texts: list[str], names: list[str]) -> None:
    lines = [Line(i, t, "bad", is_junk_line(t)) for i, t in enumerate(texts)]
    assert site_names(texts[0], lines) == names


# The declared title holds the headline and its deck, both printed above the article.
_HEADLINE = "Mother Of Victim Assails Governor"
_DECK = "Says He Should Not Run For President Over The Parole Case"
_PAROLE = [
    "The mother of a woman killed by a paroled prisoner said on Tuesday that the governor who "
    "backed his release should not be trusted with the presidency, and that she would say so.",
    "She told reporters outside her home that the governor had never answered her letters, and "
    "that the parole board had been pressed to free the man despite warnings from prosecutors.",
    "A spokesman for the governor said the parole decision had been taken by the board alone, "
    "and that the governor had expressed his sympathy to the family on several occasions.",
]


def test_headline_before_its_deck_is_the_title() -> None:
    found = only(
        dump(
            f"{_HEADLINE}, {_DECK} - Harbour Gazette",
            "Home",
            "News",
            _HEADLINE,
            _DECK,
            *_PAROLE,
            "© 2024 Harbour Gazette",
        )
    )
    assert found.title == _HEADLINE


def test_title_run_together_with_furniture_is_not_the_headline() -> None:
    found = only(
        dump(
            f"{TITLE} - Harbour Gazette",
            "Home",
            "News",
            f"{TITLE} by Jo Bloggs",
            P1,
            P2,
            P3,
            "© 2024 Harbour Gazette",
        )
    )
    assert found.title == TITLE


# A <title> rewritten for search engines; the page prints a longer headline above the article.
_SEO_TITLE = "Harbour council backs ferry deal, plans new terminal"
_PRINTED = "Harbour council backs 40 million ferry deal, new terminal by 2028"
_FERRY = [
    "The harbour council voted on Tuesday to back a ferry deal worth 40 million, ending two years "
    "of talks with the operator over routes, fares and the ageing vessels on the island service.",
    "Councillors said the new terminal would be built beside the old pier by 2028, and that the "
    "operator had agreed to keep the winter timetable that islanders had feared would be cut.",
    "The operator's chief executive said the deal gave the company the certainty it needed to "
    "order two new ships, which would be the first added to the route in more than 20 years.",
]


def test_printed_headline_over_a_rewritten_title() -> None:
    found = only(
        dump(
            f"{_SEO_TITLE} - Harbour Gazette",
            "Home",
            "News",
            "Politics",
            _PRINTED,
            "By Jo Bloggs",
            *_FERRY,
            "© 2024 Harbour Gazette",
        )
    )
    assert found.title == _PRINTED


def test_declared_title_printed_with_its_byline_stays() -> None:
    found = only(
        dump(
            f"{_SEO_TITLE} - Harbour Gazette",
            "Home",
            "News",
            f"{_SEO_TITLE} by Jo Bloggs",
            *_FERRY,
            "© 2024 Harbour Gazette",
        )
    )
    assert found.title == _SEO_TITLE


# An article that names its site in its lead, so a <title> of the site's name alone fits it.
_GAZETTE_LEAD = (
    "The harbour board told the Harbour Gazette on Monday that the ferry terminal sale would wait "
    "until residents had been heard, after a meeting in which members doubted the buyer's plans."
)


def test_a_title_that_is_the_site_name_alone_is_not_the_headline() -> None:
    found = only(
        dump(
            "Harbour Gazette",
            "News",
            "Sport",
            TITLE,
            "By Jo Bloggs",
            _GAZETTE_LEAD,
            P2,
            P3,
            P4,
            "Get Harbour Gazette delivered to your inbox",
        )
    )
    assert found.title == TITLE


# A results page: its lead names winners and places, not the words of its headline.
_REGATTA_TITLE = "County Regatta Final Standings"
_REGATTA = [
    "Millbrook sculler Anna Kowalski (senior) took the single sculls title by four lengths, "
    "ahead of Westfield's Tom Reyes, who led until the last 500 metres of the course.",
    "Kowalski, who won the junior event two years ago, said the crosswind at the second bend "
    "had cost her a length before she pulled clear of Reyes on the final stretch.",
    "In the double sculls, the Millbrook pair of Ivo Marsh and Dan Pike finished second to a "
    "Westfield crew that had not lost a race all season and set a course record in May.",
]


def test_a_declared_title_printed_once_above_the_article_stays() -> None:
    # The captions between the printed headline and the article share more words with its
    # lead than the headline does.
    found = only(
        dump(
            _REGATTA_TITLE,
            "Weather",
            "Scores",
            "Rowing",
            _REGATTA_TITLE,
            "Anna Kowalski Millbrook",
            "Tom Reyes Westfield",
            "Sat 6:45 PM, May 12, 2024",
            *_REGATTA,
        )
    )
    assert found.title == _REGATTA_TITLE


def test_a_printed_headline_far_above_the_article_beats_a_rewritten_title() -> None:
    # Between the printed headline and the article: a byline, a date and a rail of related
    # headlines longer than the lines right above an article.
    related = [f"Island {w} service to resume in spring" for w in "ABCDEFGHIJKLMNOP"]
    found = only(
        dump(
            f"{_SEO_TITLE} - Harbour Gazette",
            "Home",
            "News",
            _PRINTED,
            "By Jo Bloggs",
            "Updated 0339 GMT November 19, 2024",
            *related,
            *_FERRY,
            "© 2024 Harbour Gazette",
        )
    )
    assert found.title == _PRINTED


def test_a_short_printed_headline_over_its_byline_beats_a_title_written_out_from_it() -> None:
    # Two words of the printed headline, both in the <title>, which the search engine's version
    # spells out with more.
    found = only(
        dump(
            "Harbour Inquiry: Council Races against the Ferry Deadline - Harbour Gazette",
            "Home",
            "News",
            "The Ferry Deadline",
            "By Jo Bloggs",
            *_FERRY,
            "© 2024 Harbour Gazette",
        )
    )
    assert found.title == "The Ferry Deadline"


def test_a_site_name_the_furniture_never_prints_again_is_told_by_the_lead() -> None:
    # The logo prints the <title>'s last piece, and nothing else names the site: the piece that
    # is not about the article is the site's name, not the headline.
    found = only(
        dump(
            f"{_SEO_TITLE} - Harbour Gazette",
            "Harbour Gazette",
            "Home",
            "News",
            _PRINTED,
            "By Jo Bloggs",
            *_FERRY,
        )
    )
    assert found.title == _PRINTED


def test_a_headline_printed_longer_than_its_title_is_the_headline() -> None:
    # The <title> holds the headline's first clause; the page prints the rest after a comma.
    found = only(
        dump(
            "Harbour council backs ferry deal - Harbour Gazette",
            "Home",
            "News",
            _SEO_TITLE,
            "By Jo Bloggs",
            *_FERRY,
            "© 2024 Harbour Gazette",
        )
    )
    assert found.title == _SEO_TITLE


@pytest.mark.parametrize(
    "paragraph",
    [
        "The platform said the clip violated its community guidelines and took it down on Friday.",
        "If both unions agree to the terms, the strike will end before the weekend.",
        "Mr Hale said his views were not necessarily those of the party leadership.",
        '"We value your privacy and we are looking into this," a spokeswoman for the bank said.',
        "The council's public comments will be reviewed by the planning committee in March.",
        '"We have had real support from our partners in the north," the mayor said.',
        "Estate agents say they earn a commission of about one per cent on each sale.",
    ],
)
def test_news_sentences_about_policies_are_not_notices(paragraph: str) -> None:
    """A notice is junk at any length, so its formulas must be ones a news paragraph does not
    use: a story about a platform's rules, a deal's terms or a firm's privacy stays article."""
    assert _notice_pattern().search(paragraph) is None


@pytest.mark.parametrize(
    "paragraph",
    [
        "Please read our community guidelines before you post a comment.",
        "By signing up you agree to our Terms of Use and acknowledge our Privacy Policy.",
        "The views expressed in the comments are not necessarily those of this site.",
        "We value your privacy. We and our partners store and/or access information on a device.",
        "More from our partners",
        "This form is protected by reCAPTCHA; the Privacy Policy and Terms of Service apply.",
    ],
)
def test_a_site_speaking_about_itself_is_a_notice(paragraph: str) -> None:
    assert _notice_pattern().search(paragraph) is not None
