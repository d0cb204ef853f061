"""Furniture learned from an outlet's own pages: tasks/clean/repeats.py and its store,
tasks/store/line_memory.py."""

from __future__ import annotations

from pathlib import Path

from tasks.clean.repeats import OutletMemory, line_key, page_id, repeated_lines
from tasks.store.line_memory import MAX_PAGES_PER_LINE, LineMemory

ABOUT = (
    "The Northbridge Courier is an independent newspaper serving the valley since 1911, owned "
    "by its readers' cooperative and committed to fair and accurate local reporting."
)
POLICY = (
    "We welcome your comments but ask that every post stays on topic, is civil and does not "
    "include links to commercial sites; comments are checked before they appear."
)


def _page(*paragraphs: str) -> str:
    return "\n\n".join(["Home", "News", "Sport", *paragraphs, ABOUT, POLICY])


FERRY = (
    "The harbour board approved a new ferry route to the islands on Thursday after a long "
    "debate about the cost of the extra crossings.",
    "Board members said the service would start in June and run twice a day during the summer "
    "months before a review in the autumn.",
    "The route had been promised for three years, and island traders had written to the board "
    "twice asking for a date to be set.",
    "A smaller boat will run in the winter, when the crossing is often cancelled because of the "
    "weather in the narrow channel.",
    "Fares will be set next month, and the board expects them to match the fares on the older "
    "route to the northern island.",
    "The harbour master will publish the timetable in May, once the new landing stage has been "
    "inspected by the safety officers.",
)
LIBRARY = (
    "The county library in Marsh Lane will open on Sundays from next month, the council said in "
    "a statement issued on Wednesday afternoon.",
    '"We have listened to families who told us the weekend is the only time they can come," '
    "the head librarian said.",
    "The extra hours will be paid for by closing the mobile library van, which had few visitors "
    "on its rural round last year.",
    "Volunteers from the friends of the library group will help run a reading club for younger "
    "children on Sunday mornings.",
    "The council also said it would keep the study room open until nine in the evening during "
    "the examination season.",
    "A survey of library members found that two in three wanted longer opening hours at the "
    "weekend rather than in the week.",
)


def test_line_keys_fold_case_spaces_and_digits() -> None:
    assert line_key("Copyright  2025 The Courier") == line_key("copyright 2026 the courier")
    assert line_key("Share") is None
    assert line_key("One two three") is not None


def test_a_paragraph_on_another_story_of_the_outlet_is_furniture() -> None:
    first = _page(*FERRY).split("\n")
    seen = {k: {"p1"} for k in map(line_key, first) if k is not None}
    second = _page(*LIBRARY).split("\n")
    marked = {second[i] for i in repeated_lines(second, seen)}
    assert marked == {ABOUT, POLICY}  # the one-word nav lines are the line rules' job


def test_versions_of_one_story_keep_their_shared_paragraphs() -> None:
    update = (
        *FERRY,
        "The first crossing will leave the harbour at seven in the morning, the board said.",
    )
    seen = {k: {"p1"} for k in map(line_key, _page(*FERRY).split("\n")) if k is not None}
    lines = _page(*update).split("\n")
    marked = {lines[i] for i in repeated_lines(lines, seen)}
    assert not marked & set(FERRY)


def test_a_quoted_line_is_never_furniture_by_repetition() -> None:
    quote = LIBRARY[1]
    seen = {line_key(quote): {"p1"}}
    assert repeated_lines([quote], seen) == set()  # type: ignore[arg-type]


def test_the_second_page_of_an_outlet_is_cleaned_with_what_the_first_taught() -> None:
    memory = OutletMemory()
    one, n_one = memory.strip("courier", _page(*FERRY))
    two, n_two = memory.strip("courier", _page(*LIBRARY))
    assert (one, n_one) == (_page(*FERRY), 0)
    assert n_two == 2 and ABOUT not in two and POLICY not in two
    assert all(p in two for p in LIBRARY)
    # Another outlet's pages teach nothing about this one, and no outlet means no memory.
    assert memory.strip("gazette", _page(*LIBRARY))[1] == 0
    assert memory.strip(None, _page(*LIBRARY))[1] == 0


def test_the_same_page_read_twice_is_one_page() -> None:
    memory = OutletMemory()
    memory.strip("courier", _page(*FERRY))
    assert memory.strip("courier", _page(*FERRY))[1] == 0
    assert len({page for _, _, page in memory.learned}) == 1


def test_the_store_keeps_what_a_run_learned(tmp_path: Path) -> None:
    path = tmp_path / "state" / "outlet_lines.sqlite"
    assert LineMemory.reader(path) is None
    memory = OutletMemory()
    memory.strip("courier", _page(*FERRY))
    store = LineMemory(path)
    store.add(memory.learned)
    store.close()

    reader = LineMemory.reader(path)
    assert reader is not None
    later = OutletMemory(earlier=reader.pages)
    text, removed = later.strip("courier", _page(*LIBRARY))
    assert removed == 2 and ABOUT not in text
    assert reader.pages("courier", [line_key(ABOUT)]) == {line_key(ABOUT): [page_id(_page(*FERRY))]}


def test_the_store_keeps_a_few_pages_per_line(tmp_path: Path) -> None:
    store = LineMemory(tmp_path / "lines.sqlite")
    key = line_key(ABOUT)
    assert key is not None
    store.add(("courier", key, f"page{i}") for i in range(10))
    assert len(store.pages("courier", [key])[key]) == MAX_PAGES_PER_LINE
