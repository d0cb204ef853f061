"""Furniture learned from an outlet's own pages: tasks/clean/repeats.py and its store,
tasks/store/line_memory.py."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    store = LineMemory(path, run_id="monday")
    store.add(memory.learned)
    store.close()
    # The run that wrote them does not read its own rows: its batches all see the same store.
    same_run = LineMemory.reader(path, run_id="monday")
    assert same_run is not None and same_run.pages("courier", [line_key(ABOUT)]) == {}  # type: ignore[list-item]

    reader = LineMemory.reader(path, run_id="tuesday")
    assert reader is not None
    later = OutletMemory(earlier=reader.pages)
    text, removed = later.strip("courier", _page(*LIBRARY))
    assert removed == 2 and ABOUT not in text
    assert reader.pages("courier", [line_key(ABOUT)]) == {line_key(ABOUT): [page_id(_page(*FERRY))]}


def test_a_run_that_never_committed_teaches_nothing(tmp_path: Path) -> None:
    key = line_key(ABOUT)
    assert key is not None
    for run in ("committed", "killed"):
        with LineMemory(tmp_path / "lines.sqlite", run_id=run) as store:
            store.add([("courier", key, f"page-of-{run}")])
    with LineMemory(tmp_path / "lines.sqlite", run_id="next") as store:
        assert store.keep_runs(["committed"]) == 1
        assert store.pages("courier", [key]) == {key: ["page-of-committed"]}


def test_the_store_keeps_a_few_pages_per_line(tmp_path: Path) -> None:
    store = LineMemory(tmp_path / "lines.sqlite", run_id="r")
    key = line_key(ABOUT)
    assert key is not None
    store.add(("courier", key, f"page{i}") for i in range(10))
    store.close()
    reader = LineMemory.reader(tmp_path / "lines.sqlite", run_id="later")
    assert reader is not None
    assert len(reader.pages("courier", [key])[key]) == MAX_PAGES_PER_LINE


NAV = ("Home", "News", "Sport", "Business", "Opinion", "Weather", "Subscribe")


def _dump(title: str, paragraphs: tuple[str, ...]) -> str:
    """A text dump as a crawl leaves it: the site's navigation, the article, then the outlet's
    comment policy and "about us" blurb, which read as prose."""
    return "\n\n".join(
        ["\n".join(NAV), title, "By Staff Reporter", *paragraphs, POLICY, ABOUT]
        + ["Copyright 2026 Northbridge Courier"]
    )


def _bodies(wh: Path) -> dict[str, str]:
    import duckdb  # noqa: PLC0415

    with duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT source_uri, body FROM articles").fetchall()
    return {Path(uri).name: body for uri, body in rows}


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_the_second_page_of_an_outlet_comes_out_cleaner(tmp_path: Path) -> None:
    """Alone, each page keeps the outlet's policy and blurb in its body; ingested after the
    first (in the same run, then in a later run), the second page loses them and keeps its
    article."""
    from flows.ingest import ingest_with  # noqa: PLC0415

    dumps = tmp_path / "courier"
    dumps.mkdir()
    (dumps / "a-ferry.txt").write_text(_dump("Ferry route approved", FERRY))
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "b-library.txt").write_text(_dump("Library to open on Sundays", LIBRARY))

    ingest_with(1)(sources=[str(alone)], warehouse_dir=str(tmp_path / "wh0"), workers=1)
    by_itself = _bodies(tmp_path / "wh0")["b-library.txt"]
    assert POLICY in by_itself and ABOUT in by_itself  # what the cleaner does with one page

    (dumps / "b-library.txt").write_text(_dump("Library to open on Sundays", LIBRARY))
    ingest_with(1)(sources=[str(dumps)], warehouse_dir=str(tmp_path / "wh1"), workers=1)
    same_run = _bodies(tmp_path / "wh1")
    assert POLICY not in same_run["b-library.txt"] and ABOUT not in same_run["b-library.txt"]
    assert all(p in same_run["b-library.txt"] for p in LIBRARY)
    assert all(p in same_run["a-ferry.txt"] for p in FERRY)  # the first page, as it was alone

    wh = tmp_path / "wh2"
    (dumps / "b-library.txt").unlink()
    ingest_with(1)(sources=[str(dumps)], warehouse_dir=str(wh), workers=1)
    (dumps / "b-library.txt").write_text(_dump("Library to open on Sundays", LIBRARY))
    ingest_with(1)(sources=[str(dumps)], warehouse_dir=str(wh), workers=1)
    later_run = _bodies(wh)["b-library.txt"]
    assert POLICY not in later_run and ABOUT not in later_run
    assert all(p in later_run for p in LIBRARY)
