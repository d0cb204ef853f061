"""Write the bundled sample dumps in samples/, one per supported format.

The articles are fiction written for whosaid (a town called Harwick and its people), shaped like
real dumps: a text dump with site junk attached, news-please JSON Lines (plain and gzipped), an
HTML page with its metadata, a WARC of crawled pages, and zip / tar.gz archives of the above.
Run ``python scripts/make_samples.py`` to rebuild them; the output is committed.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "samples"

STRIKE_TEXT = """Harwick bus drivers vote to strike over pay

Union says members have run out of patience after a year of talks

Bus drivers in Harwick have voted to walk out for three days next month after talks over pay broke down, leaving the town without most of its routes.

Dana Whitlock, regional organiser of the Transport and General Union, said the result was the clearest she had seen in twenty years. "Our members did not want this. They have been patient for a year and they have been ignored," she said.

"Nobody drives a bus for the money," Ms Whitlock added. "But nobody should have to choose between rent and a warm home either."

The operator, Northline Buses, said it was disappointed. A spokesman for the company said that the offer on the table was "fair and affordable" and that it remained open to talks.

Priya Raman, the leader of Harwick Council, urged both sides to return to the table. She warned that a long strike would hit shift workers and pupils hardest.

One driver, who asked not to be named, said the mood in the depot had turned. "People feel taken for granted," he said.

The strike is due to begin on 14 March.

Related stories

Harwick market to stay open on Sundays

Council tax: what your bill pays for

Sign up to the Gazette's morning newsletter

Most read

Ten of the best walks around Harwick
"""

JSONL_RECORDS = [
    {
        "url": "https://www.northshire-echo.example/news/2025/03/02/harwick-bus-strike",
        "title": "Harwick faces three days without buses",
        "maintext": (
            "Harwick faces three days without buses after drivers backed a strike, their union "
            "said on Saturday.\n\n"
            '"Our members did not want this. They have been patient for a year and they have '
            'been ignored," said Dana Whitlock, regional organiser of the Transport and General '
            "Union.\n\n"
            "Northline Buses said its offer was fair. The company's operations director, Gareth "
            "Pryce, told the Echo that he hoped the walkout could still be avoided.\n\n"
            '"We are one good conversation away from a deal," Mr Pryce said.'
        ),
        "date_publish": "2025-03-02 09:15:00",
        "authors": ["Lena Marsh"],
        "description": "Drivers back a three-day walkout over pay.",
        "source_domain": "www.northshire-echo.example",
        "language": "en",
    },
    {
        "url": "https://www.northshire-echo.example/news/2025/03/05/reservoir-plan",
        "title": "Reservoir plan approved despite objections",
        "maintext": (
            "A plan to enlarge the Cold Brook reservoir was approved by Harwick Council on "
            "Tuesday, despite objections from residents of the valley.\n\n"
            "Dr Felix Amadi, the county's chief engineer, told councillors that the town would "
            'run short of water within a decade without it. "This is not a luxury. It is the '
            'minimum we need," he said.\n\n'
            'Priya Raman said the council had listened. "We have changed the plan three times '
            'because people told us where it was wrong," she said. She added that the '
            "footpaths would reopen before the summer.\n\n"
            "Residents' group Save Cold Brook said it would consider a legal challenge."
        ),
        "date_publish": "2025-03-05T18:40:00+00:00",
        "authors": ["Tom Ashby"],
        "source_domain": "www.northshire-echo.example",
    },
    {
        "url": "https://www.northshire-echo.example/news/2025/03/09/library-hours",
        "title": "Harwick library to close on Mondays",
        "maintext": (
            "Harwick's central library will close on Mondays from April, the council confirmed "
            "yesterday.\n\n"
            "Councillor Owen Hale, who chairs the culture committee, said the change would save "
            "money without cutting staff. According to Mr Hale, weekend opening hours will be "
            "longer.\n\n"
            'Readers were less sure. "It is the one warm, quiet place some people have," said '
            "Ada Kowalski, who runs a reading group there."
        ),
        "date_publish": "2025-03-09",
        "authors": [],
        "source_domain": "www.northshire-echo.example",
    },
]

HTML_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Harwick to test late-night buses | Harwick Gazette</title>
<meta property="og:title" content="Harwick to test late-night buses">
<meta property="og:site_name" content="Harwick Gazette">
<meta name="description" content="A six-month trial starts after the strike is settled.">
<meta name="author" content="Imran Shah">
<meta property="article:published_time" content="2025-03-20T07:30:00+00:00">
<link rel="canonical" href="https://www.harwick-gazette.example/transport/2025/03/20/late-buses">
</head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Harwick to test late-night buses</h1>
<p class="byline">By Imran Shah, transport correspondent</p>
<time datetime="2025-03-20T07:30:00+00:00">20 March 2025</time>
<p>Late-night buses will run on two Harwick routes for six months, the council and Northline Buses announced on Thursday, a week after the drivers' strike was settled.</p>
<p>Priya Raman, the leader of Harwick Council, said the trial was "the first good news in a difficult month". She said the council would pay for the extra journeys from its transport budget.</p>
<p>"If people use them, they stay," said Gareth Pryce, Northline's operations director. "If they don't, we will have learned something."</p>
<p>Dana Whitlock of the Transport and General Union welcomed the trial but said drivers on the late shifts must be paid properly.</p>
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Ten of the best walks around Harwick</a></li><li><a href="/b">Market to stay open on Sundays</a></li></ul></aside>
<footer>&copy; Harwick Gazette. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body>
</html>
"""

WARC_PAGES = [
    (
        "https://www.valley-post.example/2025/03/12/strike-settled",
        "2025-03-12T16:00:00Z",
        "Bus strike called off after late-night deal",
        [
            "The Harwick bus strike was called off on Wednesday after talks that ran past midnight.",
            '"Nobody drives a bus for the money," Dana Whitlock said outside the depot. "But '
            'nobody should have to choose between rent and a warm home either."',
            'Gareth Pryce said the deal was expensive but worth it. "The town needs its buses," '
            "he said.",
        ],
    ),
    (
        "https://www.valley-post.example/2025/03/15/market-sundays",
        "2025-03-15T10:00:00Z",
        "Harwick market will open on Sundays",
        [
            "Traders at Harwick market will be allowed to open on Sundays from May.",
            "Ruth Penhale, who has sold cheese there for thirty years, said she was delighted. "
            '"Sunday is when people actually have time to shop," she said.',
            "Councillor Owen Hale said the council would review the change after a year.",
        ],
    ),
]

ARCHIVE_TEXT = """Harwick rowing club wins county title

The Harwick rowing club won the county eights title on Saturday for the first time since 1998.

"We trained in the dark all winter for this," said the club captain, Sofia Brandt. "Every one of them earned it."

The club's coach, Martin Ede, said the crew was the youngest he had ever taken to the championship. He added that two of the rowers had only started last year.

Share this article

Follow us on social media
"""

ARCHIVE_JSONL = {
    "url": "https://www.northshire-echo.example/news/2025/03/18/school-meals",
    "title": "Free breakfasts for every Harwick primary pupil",
    "text": (
        "Every primary school pupil in Harwick will be offered a free breakfast from "
        "September, the council said on Monday.\n\n"
        '"Children cannot learn on an empty stomach," said Priya Raman. The scheme will cost '
        "the council about two hundred thousand pounds a year, according to its own figures.\n\n"
        "Head teacher Grace Obi said the breakfast club at her school had already changed "
        "mornings for the better."
    ),
    "date": "2025-03-18T08:00:00Z",
    "source_domain": "northshire-echo.example",
}


def warc_bytes() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for url, date, title, paragraphs in WARC_PAGES:
        body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
        page = (
            f"<html><head><title>{title}</title>"
            f'<meta property="article:published_time" content="{date}">'
            f'<meta property="og:site_name" content="Valley Post"></head>'
            f"<body><article><h1>{title}</h1>\n{body}</article></body></html>"
        ).encode()
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(page), http_headers=http
        )
        writer.write_record(record)
    return buf.getvalue()


def main() -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / "harwick-strike.txt").write_text(STRIKE_TEXT)
    lines = "".join(json.dumps(r) + "\n" for r in JSONL_RECORDS)
    (OUT / "northshire-echo.jsonl").write_text(lines)
    (OUT / "late-buses.html").write_text(HTML_PAGE)
    (OUT / "valley-post.warc.gz").write_bytes(gzip.compress(warc_bytes(), mtime=0))
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("rowing.txt", date_time=(2025, 3, 16, 12, 0, 0))
        zf.writestr(info, ARCHIVE_TEXT)
    (OUT / "sport.zip").write_bytes(zbuf.getvalue())
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w") as tf:
        data = (json.dumps(ARCHIVE_JSONL) + "\n").encode()
        member = tarfile.TarInfo("echo/school-meals.jsonl")
        member.size, member.mtime = len(data), 0
        tf.addfile(member, io.BytesIO(data))
    (OUT / "echo-archive.tar.gz").write_bytes(gzip.compress(tbuf.getvalue(), mtime=0))


if __name__ == "__main__":
    main()
