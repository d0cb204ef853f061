"""Build benchmark news dumps of any size from real text, re-mixed so that no two articles are
exact or near duplicates of each other.

    python bench/corpus.py --articles 10000 --format jsonl.gz --out bench/out/c10k
    python bench/corpus.py --size 1GB --format jsonl --out /tmp/c1g

The text comes from PolNeAR (``../shared/eval/polnear/{train,dev}/text``), the seeds in
``../shared/seeds`` and the repo's ``samples/``: about 930 distinct real news articles. Article
``i`` is made from one base article: 60% of its paragraphs, drawn at random (order kept, an
adjacent pair sometimes swapped), plus paragraphs from other articles worth at least 40% of those
words; numbers nudged, a date drawn from a year, one of 40 outlets and a unique URL. Two articles
from one base share 22% of their word 5-shingles on average (measured on 10,000 articles), far
from the 0.8 Jaccard at which near-duplicate detection (``tasks/store/dedupe.py``) merges them;
after
cleaning, about 0.5% still come out as near duplicates (9 of 2,000), about what a real crawl has
at the least. The borrowed paragraphs make exact repeats practically impossible. Nothing is
written inside the repo except, if asked, ``bench/out/`` (git-ignored).

Formats: ``txt`` (one file per article, folders of 1,000, with the dateline and page junk a text
dump carries), ``jsonl`` / ``jsonl.gz`` (news-please records, shards of ``--per-file``) and
``warc.gz`` (HTTP responses holding HTML pages with navigation and footers, one gzip member per
record). The output folder gets a ``.corpus.json`` saying what was written (hidden, so that
the readers skip it).
"""

from __future__ import annotations

import argparse
import gzip
import html
import io
import json
import random
import re
import tarfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
POLNEAR = [SHARED / "eval" / "polnear" / split / "text" for split in ("train", "dev")]
SEEDS = SHARED / "seeds"
SAMPLES = ROOT / "samples"
FORMATS = ("txt", "jsonl", "jsonl.gz", "warc.gz")

OUTLETS = [
    ("Harwick Gazette", "harwick-gazette.example"),
    ("Northshire Echo", "northshire-echo.example"),
    ("Valley Post", "valley-post.example"),
    ("The Morning Ledger", "morning-ledger.example"),
    ("Capital Courier", "capital-courier.example"),
    ("The Daily Register", "daily-reg.example"),
    ("Eastern Star", "eastern-star.example"),
    ("Westbrook Times", "westbrook-times.example"),
    ("The Evening Wire", "evening-wire.example"),
    ("Riverside Chronicle", "riverside.example"),
    ("The National Record", "national-record.example"),
    ("Harbour News", "harbour-news.example"),
    ("The Citizen", "the-citizen.example"),
    ("Midland Observer", "midland-observer.example"),
    ("Coastal Herald", "coastal-herald.example"),
    ("The Sentinel", "the-sentinel.example"),
    ("Lakeside Press", "lakeside-press.example"),
    ("The Tribune", "the-tribune.example"),
    ("County Mercury", "county-mercury.example"),
    ("Metro Dispatch", "metro-dispatch.example"),
    ("The Weekly Review", "weekly-review.example"),
    ("Hill Country News", "hillcountry.example"),
    ("The Guardian Angel", "guardian-angel.example"),
    ("Union Bulletin", "union-bulletin.example"),
    ("The Examiner", "the-examiner.example"),
    ("Parkside Post", "parkside-post.example"),
    ("Borough Voice", "borough-voice.example"),
    ("The Clarion", "the-clarion.example"),
    ("Northern Standard", "northern-standard.example"),
    ("The Beacon", "the-beacon.example"),
    ("Southgate Advertiser", "southgate-ad.example"),
    ("The Informer", "the-informer.example"),
    ("Market Town Journal", "mt-journal.example"),
    ("The Spectator Weekly", "spec-weekly.example"),
    ("Old Quay Gazette", "oldquay.example"),
    ("Fenland Reporter", "fenland-reporter.example"),
    ("The Statesman Daily", "statesman-daily.example"),
    ("Pennine Pioneer", "pennine.example"),
    ("Bay City Bugle", "baycity-bugle.example"),
    ("The Crier", "the-crier.example"),
]
AUTHORS = [
    "Lena Marsh",
    "Tom Okafor",
    "Priya Shah",
    "Hugh Baines",
    "Marta Lind",
    "Sam Reyes",
    "Aoife Byrne",
    "Dev Patel",
    "Ruth Penhale",
    "Jon Ashby",
    "Kemi Adeyemi",
    "Ola Nordin",
]
# What a text dump or a page carries around the article: the cleaning stage's work.
JUNK_LINES = [
    "Related stories",
    "Sign up to our morning newsletter",
    "Most read",
    "Share this article",
    "Advertisement",
    "Follow us on social media",
    "Comments are closed for this article",
    "Read more: what your council tax pays for",
]
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
_NUMBER = re.compile(r"\b\d{2,4}\b")


@dataclass(frozen=True)
class SourceDoc:
    title: str
    paragraphs: tuple[str, ...]


def _paragraphs(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _doc(text: str) -> SourceDoc | None:
    paras = _paragraphs(text)
    if len(paras) < 2:
        return None
    return SourceDoc(paras[0][:200], tuple(paras[1:]))


_P = re.compile(r"<(p|h1|title)[^>]*>(.*?)</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def _html_text(page: str) -> str:
    parts = [html.unescape(_TAG.sub("", m.group(2))).strip() for m in _P.finditer(page)]
    return "\n\n".join(p for p in parts if p)


def _member_text(name: str, data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="replace")
    lower = name.lower()
    if lower.endswith((".html", ".htm")):
        return [_html_text(text)]
    if lower.endswith((".jsonl", ".json")):
        out = []
        for line in text.splitlines():
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                body = value.get("maintext") or value.get("text") or ""
                out.append(f"{value.get('title') or ''}\n\n{body}")
        return out
    return [text]


def _sample_texts(folder: Path) -> Iterator[str]:
    """The article texts in the repo's samples, whatever their format (a rough reading: these only
    seed the mix, the real readers are what the benchmark measures)."""
    for path in sorted(folder.rglob("*")):
        name = path.name.lower()
        if not path.is_file():
            continue
        if name.endswith(".zip"):
            with zipfile.ZipFile(path) as z:
                for m in z.namelist():
                    yield from _member_text(m, z.read(m))
        elif name.endswith((".tar.gz", ".tgz", ".tar")):
            with tarfile.open(path) as t:
                for m in t.getmembers():
                    fh = t.extractfile(m) if m.isfile() else None
                    if fh:
                        yield from _member_text(m.name, fh.read())
        elif name.endswith(".warc.gz"):
            raw = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
            for page in raw.split("WARC/1.0")[1:]:
                yield _html_text(page)
        else:
            yield from _member_text(name, path.read_bytes())


def load_sources(samples: Path = SAMPLES) -> list[SourceDoc]:
    texts: list[str] = []
    for folder in [*POLNEAR, SEEDS]:
        if folder.exists():
            texts.extend(p.read_text(errors="replace") for p in sorted(folder.glob("*.txt")))
    if samples.exists():
        texts.extend(_sample_texts(samples))
    docs, seen = [], set()
    for d in map(_doc, texts):
        # The samples hold the same stories in several formats: keep each story once.
        key = d and re.sub(r"\W+", " ", d.title + d.paragraphs[0]).lower()[:120]
        if d is not None and key not in seen:
            seen.add(key)
            docs.append(d)
    if not docs:
        raise SystemExit(f"no source text found under {SHARED} or {samples}")
    return docs


@dataclass(frozen=True)
class BenchArticle:
    index: int
    title: str
    paragraphs: tuple[str, ...]
    published_at: datetime
    outlet: str
    domain: str
    author: str

    @property
    def url(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")[:60] or "story"
        d = self.published_at
        return f"https://www.{self.domain}/{d:%Y/%m/%d}/{slug}-{self.index}"

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def make_article(docs: list[SourceDoc], seed: int, index: int) -> BenchArticle:
    """Article ``index`` of corpus ``seed``: the same inputs always give the same article."""
    rng = random.Random(seed * 1_000_003 + index)
    base = docs[rng.randrange(len(docs))]
    n_keep = max(1, round(0.6 * len(base.paragraphs)))
    picked = sorted(rng.sample(range(len(base.paragraphs)), n_keep))
    keep = [base.paragraphs[j] for j in picked]
    for _ in range(len(keep) // 6):  # a sub-editor's reshuffle
        j = rng.randrange(1, len(keep) - 1) if len(keep) > 2 else 0
        if j:
            keep[j], keep[j + 1] = keep[j + 1], keep[j]
    # Paragraphs from other stories until they are >= 40% of the kept words: even two articles
    # that kept the same paragraphs of a short base then share at most ~55% of their shingles.
    kept_words = sum(len(p.split()) for p in keep)
    foreign = 0
    for _ in range(24):
        other = docs[rng.randrange(len(docs))].paragraphs
        para = other[rng.randrange(len(other))]
        if other is base.paragraphs or len(para.split()) > max(40, kept_words // 2):
            continue  # one long borrowed paragraph would dominate the article
        keep.insert(rng.randint(1, len(keep)), para)
        foreign += len(para.split())
        if foreign >= 0.4 * kept_words:
            break
    shift = rng.randint(1, 9)
    paras = tuple(_NUMBER.sub(lambda m: str(int(m.group()) + shift), p) for p in keep)
    outlet, domain = OUTLETS[rng.randrange(len(OUTLETS))]
    published = YEAR_START + timedelta(seconds=rng.randrange(365 * 86400))
    return BenchArticle(index, base.title, paras, published, outlet, domain, rng.choice(AUTHORS))


# -- writers --------------------------------------------------------------------------------------


def as_text_file(a: BenchArticle, rng: random.Random) -> str:
    dateline = f"By {a.author} | {a.published_at:%d %B %Y}"
    junk = "\n\n".join(rng.sample(JUNK_LINES, 3))
    return f"{a.title}\n\n{dateline}\n\n{a.body}\n\n{junk}\n"


def as_json_line(a: BenchArticle) -> str:
    return (
        json.dumps(
            {
                "url": a.url,
                "title": a.title,
                "maintext": a.body,
                "date_publish": f"{a.published_at:%Y-%m-%d %H:%M:%S}",
                "authors": [a.author],
                "description": a.paragraphs[0][:160],
                "source_domain": f"www.{a.domain}",
                "language": "en",
            },
            ensure_ascii=False,
        )
        + "\n"
    )


def as_html(a: BenchArticle) -> str:
    e = html.escape
    paras = "\n".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
    return (
        f"<!doctype html><html><head><title>{e(a.title)} | {e(a.outlet)}</title>"
        f'<meta property="article:published_time" content="{a.published_at.isoformat()}">'
        f'<meta property="og:site_name" content="{e(a.outlet)}">'
        f'<meta name="author" content="{e(a.author)}"></head><body>'
        '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>{e(a.title)}</h1>\n{paras}\n</article>"
        "<aside><h2>Most read</h2><ul><li>Ten of the best walks</li></ul></aside>"
        "<footer>© Newsgroup Ltd. All rights reserved.</footer></body></html>"
    )


class Sink:
    """Writes articles into shards of one format, counting bytes on disk."""

    def __init__(self, out: Path, fmt: str, per_file: int) -> None:
        self.out, self.fmt, self.per_file = out, fmt, per_file
        self.files = 0
        self.disk_bytes = 0
        self.text_bytes = 0
        self._fh: IO[bytes] | None = None
        self._raw: IO[bytes] | None = None
        self._in_file = 0
        self._warc: Any = None

    def _open(self) -> None:
        self.close_shard()
        name = f"part-{self.files:05d}.{self.fmt}"
        self._raw = open(self.out / name, "wb")
        self.files += 1
        self._in_file = 0
        if self.fmt == "jsonl.gz":
            self._fh = gzip.GzipFile(fileobj=self._raw, mode="wb", compresslevel=6)
        elif self.fmt == "warc.gz":
            from warcio.warcwriter import WARCWriter

            self._warc = WARCWriter(self._raw, gzip=True)
        else:
            self._fh = self._raw

    def write(self, a: BenchArticle, rng: random.Random) -> None:
        if self.fmt == "txt":
            folder = self.out / f"{a.index // 1000:05d}"
            if a.index % 1000 == 0 or not folder.exists():
                folder.mkdir(parents=True, exist_ok=True)
            data = as_text_file(a, rng).encode()
            (folder / f"{a.index:08d}.txt").write_bytes(data)
            self.files += 1
            self.disk_bytes += len(data)
            self.text_bytes += len(data)
            return
        if self._raw is None or self._in_file >= self.per_file:
            self._open()
        self._in_file += 1
        if self.fmt == "warc.gz":
            from warcio.statusandheaders import StatusAndHeaders

            page = as_html(a).encode()
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = self._warc.create_warc_record(
                a.url, "response", payload=io.BytesIO(page), http_headers=headers
            )
            before = self._raw.tell()  # type: ignore[union-attr]
            self._warc.write_record(record)
            self.disk_bytes += self._raw.tell() - before  # type: ignore[union-attr]
            self.text_bytes += len(page)
            return
        data = as_json_line(a).encode()
        before = self._raw.tell()
        self._fh.write(data)  # type: ignore[union-attr]
        self.disk_bytes += self._raw.tell() - before
        self.text_bytes += len(data)

    def close_shard(self) -> None:
        if self._fh is not None and self._fh is not self._raw:
            before = self._raw.tell()  # type: ignore[union-attr]
            self._fh.close()
            self.disk_bytes += self._raw.tell() - before  # type: ignore[union-attr]
        if self._raw is not None:
            self._raw.close()
        self._fh = self._raw = self._warc = None


def parse_size(text: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMG]?)B?", text.strip().upper())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 10MB, 1GB)")
    return int(float(m.group(1)) * {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}[m.group(2)])


def build(
    out: Path,
    fmt: str,
    articles: int | None = None,
    size: int | None = None,
    seed: int = 1,
    per_file: int = 10_000,
    samples: Path = SAMPLES,
) -> dict[str, Any]:
    """Write the corpus; stops at ``articles`` articles or ``size`` bytes on disk, first reached."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    if articles is None and size is None:
        raise ValueError("give articles, size or both")
    out.mkdir(parents=True, exist_ok=True)
    docs = load_sources(samples)
    sink = Sink(out, fmt, per_file)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    n = words = 0
    while (articles is None or n < articles) and (size is None or sink.disk_bytes < size):
        a = make_article(docs, seed, n)
        sink.write(a, rng)
        words += sum(len(p.split()) for p in a.paragraphs)
        n += 1
    sink.close_shard()
    info = {
        "format": fmt,
        "articles": n,
        "words": words,
        "files": sink.files,
        "disk_bytes": sink.disk_bytes,
        "text_bytes": sink.text_bytes,
        "seed": seed,
        "source_docs": len(docs),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    (out / ".corpus.json").write_text(json.dumps(info, indent=2))
    return info


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--out", type=Path, required=True, help="output folder (outside the repo, or bench/out/)"
    )
    p.add_argument("--format", default="jsonl.gz", choices=FORMATS)
    p.add_argument("--articles", type=int, help="number of articles")
    p.add_argument("--size", type=parse_size, help="bytes on disk, e.g. 10MB or 1GB")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--per-file", type=int, default=10_000, help="records per jsonl/warc shard")
    args = p.parse_args(argv)
    if args.articles is None and args.size is None:
        p.error("give --articles or --size")
    info = build(args.out, args.format, args.articles, args.size, args.seed, args.per_file)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
