"""The report as a reader sees it: the samples ingested, `write_report`, and the file opened in
headless Chromium with the network switched off (DevTools' offline emulation), then:

- every chart of every page drew: its element exists, has a size, and its canvas has paint;
- the top speaker's page, reached by the link on the Speakers page, lists exactly that
  speaker's utterances as the warehouse holds them;
- typing words of a known quote into the search box finds it;
- every request the page made was for the file itself or data inside it (file:, data:, blob:).

WHOSAID_SCREENSHOTS=<folder> keeps a screenshot of the Overview (docs/report.png was taken so).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from integration.browser import chromium, open_page
from integration.procs import ROOT, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Pages and the charts the samples give each: dated articles, people quoted by several outlets,
# and two quotes carried by two outlets each.
PAGES = {
    "overview": ("chart-timeline",),
    "speakers": ("chart-speakers-outlets", "chart-speakers-time"),
    "carried": ("chart-carried",),
    # The samples' text gives some speakers a gender (tasks/nlp/gender.py): the share by gender.
    "outlets": ("chart-outlet-kinds", "chart-outlet-genders"),
}
# Drawing a chart is tens of milliseconds; a loaded 2-core CI machine gets a wide margin.
DRAW_TIMEOUT_S = 30
LOCAL_SCHEMES = ("file:", "data:", "blob:")

# Whether the element `id` holds a drawn chart: its box, and how many canvases (searched through
# BokehJS's shadow roots) have a size and at least one painted pixel.
DRAWN = """
(function (id) {
  var slot = document.getElementById(id);
  if (!slot) return null;
  function canvases(root, out) {
    root.querySelectorAll("*").forEach(function (e) {
      if (e.tagName === "CANVAS") out.push(e);
      if (e.shadowRoot) canvases(e.shadowRoot, out);
    });
    return out;
  }
  var painted = canvases(slot, []).filter(function (c) {
    var box = c.getBoundingClientRect();
    if (box.width < 1 || box.height < 1 || !c.width || !c.height) return false;
    var pixels = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (var i = 3; i < pixels.length; i += 4) if (pixels[i]) return true;
    return false;
  });
  var box = slot.getBoundingClientRect();
  return {width: box.width, height: box.height, painted: painted.length};
})(%s)
"""


@pytest.fixture(scope="module")
def samples_report(
    tmp_path_factory: pytest.TempPathFactory, prefect_harness: None
) -> tuple[Path, Path]:
    from flows.ingest import ingest_with
    from tasks.report.build import write_report

    if not chromium():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    wh = tmp_path_factory.mktemp("warehouse", numbered=False)  # the name the page shows
    ingest_with(1)(sources=[str(ROOT / "samples")], warehouse_dir=str(wh), workers=1)
    written = write_report(wh, wh / "report")
    return wh, written.path


def _sql(wh: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_report_in_a_browser_offline(samples_report: tuple[Path, Path], tmp_path: Path) -> None:
    wh, path = samples_report
    with open_page(tmp_path / "chromium" / "profile") as page:
        page.call("Network.enable")
        page.call(
            "Network.emulateNetworkConditions",
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )
        page.call("Page.navigate", url=path.as_uri())
        wait_for(
            lambda: page.js("document.readyState === 'complete' && typeof Bokeh === 'object'"),
            DRAW_TIMEOUT_S,
            "the report and BokehJS to load",
        )

        for name, chart_ids in PAGES.items():
            page.js(f"location.hash = '#{name}'")
            wait_for(
                lambda name=name: page.js(
                    f"document.getElementById('{name}').classList.contains('shown')"
                ),
                DRAW_TIMEOUT_S,
                f"the {name} page to show",
            )
            slots = page.js(
                f"[...document.querySelectorAll('#{name} .chart[data-chart]')].map(e => e.id)"
            )
            assert set(slots) == set(chart_ids), name
            for chart in chart_ids:
                drawn = wait_for(
                    lambda chart=chart: (
                        (d := page.js(DRAWN % json.dumps(chart))) and d["painted"] and d
                    ),
                    DRAW_TIMEOUT_S,
                    f"{chart} to draw",
                )
                assert drawn["width"] > 100 and drawn["height"] > 50, (chart, drawn)  # type: ignore[index]
            if name == "overview" and (keep := os.environ.get("WHOSAID_SCREENSHOTS")):
                shot = page.call("Page.captureScreenshot", format="png")["data"]
                Path(keep).mkdir(parents=True, exist_ok=True)
                (Path(keep) / "report.png").write_bytes(base64.b64decode(shot))

        # The most-quoted person's page, by the link a reader would click.
        [(entity_id, name)] = _sql(
            wh,
            """SELECT speaker_entity_id, speaker_name FROM quotes
               WHERE speaker_kind = 'person' AND speaker_name IS NOT NULL
               GROUP BY ALL ORDER BY count(*) DESC, speaker_name LIMIT 1""",
        )
        said = {
            text
            for (text,) in _sql(
                wh,
                f"SELECT canonical_text FROM utterances WHERE speaker_name = '{name}'"
                f" AND speaker_entity_id = '{entity_id}'",
            )
        }
        page.js("location.hash = '#speakers'")
        href = page.js(
            "[...document.querySelectorAll('#speakers-table a')]"
            f".find(a => a.textContent === {json.dumps(name)}).getAttribute('href')"
        )
        page.js(f"location.hash = {json.dumps(href)}")
        section = href.lstrip("#")
        wait_for(
            lambda: page.js(f"document.getElementById('{section}').classList.contains('shown')"),
            DRAW_TIMEOUT_S,
            f"{name}'s page to show",
        )
        listed = page.js(
            f"[...document.querySelectorAll('#{section} tr[data-utterance] td.quote')]"
            ".map(td => td.innerText)"
        )
        assert sorted(listed) == sorted(said)
        assert page.js(
            "[...document.querySelectorAll('section.page')]"
            ".filter(s => s.offsetParent !== null).map(s => s.id)"
        ) == [section]
        drawn = wait_for(
            lambda: (d := page.js(DRAWN % json.dumps(f"chart-{section}"))) and d["painted"],
            DRAW_TIMEOUT_S,
            f"{name}'s chart to draw",
        )

        # Search: words from the middle of the longest thing they said, typed into the box.
        quote = max(said, key=len)
        words = quote.split()
        query = " ".join(words[len(words) // 2 - 1 : len(words) // 2 + 2])
        page.js("document.getElementById('search-box').focus()")
        page.call("Input.insertText", text=query)
        found = wait_for(
            lambda: page.js(
                "[...document.querySelectorAll('#search-results blockquote')].map(b => b.innerText)"
            ),
            DRAW_TIMEOUT_S,
            f"search results for {query!r}",
        )
        assert quote in found, (query, found)
        assert page.js("location.hash") == "#search"
        page.js("document.getElementById('search-box').value = 'zzqx nothing says this'")
        page.js("document.getElementById('search-box').dispatchEvent(new Event('input'))")
        assert page.js("document.querySelectorAll('#search-results li').length") == 0
        assert page.js("document.getElementById('search-count').innerText").startswith("0 ")

        page.drain()
        requests = [
            e["params"]["request"]["url"]
            for e in page.events
            if e["method"] == "Network.requestWillBeSent"
        ]
        assert requests and requests[0] == path.as_uri()
        assert [u for u in requests if not u.startswith(LOCAL_SCHEMES)] == []
        failed = [e["params"] for e in page.events if e["method"] == "Network.loadingFailed"]
        assert failed == []
    shutil.rmtree(tmp_path / "chromium", ignore_errors=True)
