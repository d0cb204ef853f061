"""The whosaid benchmark: every stage timed, the whole flow at 1 and 2 workers, and spaCy's own
``nlp.pipe`` over the same texts in the same run as the floor to compare with.

    python bench/run.py --articles 1000                   # builds bench/out/corpus-1000-jsonl.gz
    python bench/run.py --corpus /tmp/c10k --workers 1,2  # an existing corpus from corpus.py
    python bench/run.py --quick --corpus /tmp/c20         # seconds-scale smoke run (tests)
    python bench/run.py memory --small /tmp/c10m --large /tmp/c1g   # peak RSS vs dump size

Throughput (the default command) prints two markdown tables:

- runs: the floor (spaCy's full ``en_core_web_sm`` ``nlp.pipe``, run twice, before and after the
  flows, to show the noise), the NER-only and tok2vec+tagger+parser variants, the whosaid stages
  run serially in this process without Prefect, and the whole ``ingest`` flow per worker count:
  articles/s, words/s, words/s as a ratio to the floor, peak RSS and the share of wall time spent
  outside the NLP;
- stages: seconds per stage (read, clean, dedupe, NLP, write, load) of the serial pass and of each
  flow run.

Speeds are meant to be read as ratios: the machine is shared and absolute numbers are noise.
Words are whitespace-separated tokens of the cleaned bodies (what the NLP stage is given).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import psutil  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from whosaid.cli import _prefect_api  # noqa: E402

import corpus as corpus_mod  # noqa: E402

OUT = ROOT / "bench" / "out"
RUN_COLUMNS = (
    "run",
    "articles",
    "words",
    "wall s",
    "articles/s",
    "words/s",
    "words/s vs floor",
    "peak RSS MB",
    "outside NLP",
)
STAGES = ("read", "clean", "dedupe", "nlp", "write", "load")
FLOOR = "spaCy full en_core_web_sm nlp.pipe (floor)"


# -- measuring --------------------------------------------------------------------------------


class PeakRSS:
    """Peak resident memory of this process and its children (worker pools), sampled every
    ``interval_s``; the Prefect API server the flow may start is left out (it is orchestration,
    not the pipeline, and a deployed flow talks to a server elsewhere)."""

    def __init__(self, interval_s: float = 0.1) -> None:
        self.interval_s = interval_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _is_server(p: psutil.Process) -> bool:
        try:
            cmd = " ".join(p.cmdline())
        except psutil.Error:
            return False
        return "uvicorn" in cmd or "prefect.server" in cmd or "server start" in cmd

    def sample(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                if not self._is_server(child):
                    total += child.memory_info().rss
            except psutil.Error:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.sample())
            self._stop.wait(self.interval_s)

    def __enter__(self) -> PeakRSS:
        self.peak = self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.sample())


@dataclass
class Run:
    name: str
    articles: int
    words: int
    wall_s: float
    peak_rss: int = 0
    nlp_share: float | None = None  # share of worker capacity spent in NLP
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def words_per_s(self) -> float:
        return self.words / self.wall_s if self.wall_s else 0.0


@contextmanager
def timed() -> Iterator[list[float]]:
    box: list[float] = []
    t0 = time.perf_counter()
    yield box
    box.append(time.perf_counter() - t0)


# -- the pieces ---------------------------------------------------------------------------------


def read_stage(sources: list[Path]) -> tuple[list[Any], list[Any]]:
    from tasks.ingest.readers import Reader
    from tasks.model import Reject

    reader = Reader()
    records, rejects = [], []
    for src in sources:
        for item in reader.read_path(src, str(src) if src.is_dir() else None):
            (rejects if isinstance(item, Reject) else records).append(item)
    return records, rejects


def serial_stages(
    sources: list[Path], batch_size: int, wh: Path, limit: int | None = None
) -> tuple[Run, list[str]]:
    """Every stage in this process, one after another, no Prefect: what each one costs (over the
    first ``limit`` records when given)."""
    from tasks.clean import prepare
    from tasks.model import Article
    from tasks.nlp import analyse as nlp
    from tasks.store import dedupe, rows, warehouse
    from tasks.store.ledger import Ledger

    stages: dict[str, float] = {}
    nlp.load_nlp()
    with PeakRSS() as rss:
        with timed() as t:
            records, _ = read_stage(sources)
            records = records[:limit] if limit else records
        stages["read"] = t[0]
        with timed() as t:
            cleaned = prepare.prepare_batch(records)
        stages["clean"] = t[0]
        with timed() as t:
            seen = dedupe.DedupeState()
            ledger = Ledger(known_hashes=seen.hashes, near_index=seen.near)
            articles: list[Article] = ledger.admit(cleaned)
            seen.close()
        stages["dedupe"] = t[0]
        stages["nlp"] = stages["write"] = 0.0
        for part, i in enumerate(range(0, len(articles), batch_size), 1):
            batch = articles[i : i + batch_size]
            with timed() as t:
                analyses = nlp.analyse_articles(batch)
            stages["nlp"] += t[0]
            with timed() as t:
                tables = rows.analysis_tables(analyses)
                tables["articles"] = rows.articles_table(batch, "bench")
                for name, table in tables.items():
                    warehouse.write_part(wh, name, "bench", part, table)
            stages["write"] += t[0]
    bodies = [a.body for a in articles]
    words = sum(len(b.split()) for b in bodies)
    wall = sum(stages.values())
    run = Run(
        "whosaid stages, serial, no Prefect (no load)",
        len(articles),
        words,
        wall,
        rss.peak,
        stages["nlp"] / wall if wall else None,
        stages,
    )
    return run, bodies


def spacy_run(
    name: str, bodies: list[str], exclude: list[str], batch_size: int = 64, model: Any = None
) -> Run:
    """spaCy's own pipe over ``bodies`` in this process: the reference (or ``model``'s pipe)."""
    import importlib

    from tasks.nlp.analyse import MODEL_PACKAGES

    for package in MODEL_PACKAGES if model is None else ():
        try:
            model = importlib.import_module(package).load(exclude=exclude)
            break
        except ImportError:
            continue
    if model is None:
        raise RuntimeError("en_core_web_sm is not installed")
    words = sum(len(b.split()) for b in bodies)
    for _ in model.pipe(bodies[:4]):  # first-call set-up is not throughput
        pass
    with PeakRSS() as rss, timed() as t:
        for _ in model.pipe(bodies, batch_size=batch_size):
            pass
    return Run(name, len(bodies), words, t[0], rss.peak, 1.0)


def _whosaid_model() -> Any:
    from tasks.nlp.analyse import load_nlp

    return load_nlp()


_POOL_MODEL: Any = None


def _pool_load(exclude: list[str]) -> None:
    global _POOL_MODEL
    import importlib

    from tasks.nlp.analyse import MODEL_PACKAGES

    for package in MODEL_PACKAGES:
        try:
            _POOL_MODEL = importlib.import_module(package).load(exclude=exclude)
            return
        except ImportError:
            continue


def _pool_pipe(texts: list[str]) -> int:
    return sum(1 for _ in _POOL_MODEL.pipe(texts, batch_size=64))


def spacy_parallel(name: str, bodies: list[str], processes: int) -> Run:
    """The floor in ``processes`` processes at once, each over its share of the texts: what this
    machine gives two CPU-bound processes right now (the ceiling for the flow's scaling)."""
    from concurrent.futures import ProcessPoolExecutor

    words = sum(len(b.split()) for b in bodies)
    with ProcessPoolExecutor(processes, initializer=_pool_load, initargs=([],)) as pool:
        list(pool.map(_pool_pipe, [bodies[:2]] * processes))  # start and load every process
        shares = [bodies[i::processes] for i in range(processes)]
        with PeakRSS() as rss, timed() as t:
            list(pool.map(_pool_pipe, shares))
    return Run(name, len(bodies), words, t[0], rss.peak, 1.0)


def load_seconds(wh: Path) -> float:
    """The DuckDB load of a finished run, timed on a copy of its Parquet (the flow's own report
    is written before its load)."""
    from tasks.store import warehouse

    copy = wh.parent / (wh.name + "-load")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(wh / "parquet", copy / "parquet")
    shutil.copytree(wh / "runs", copy / "runs")
    with timed() as t, suppress(warehouse.ChecksFailed):
        warehouse.load(copy)
    shutil.rmtree(copy, ignore_errors=True)
    return t[0]


def flow_run(sources: list[Path], workers: int, batch_size: int, wh: Path) -> Run:
    """The whole ``ingest`` flow, as ``whosaid ingest --workers N`` runs it."""
    from flows.ingest import ingest_with
    from tasks.store.warehouse import ChecksFailed, committed_runs

    shutil.rmtree(wh, ignore_errors=True)
    flow = ingest_with(workers)
    note = ""
    with PeakRSS() as rss, timed() as t:
        try:
            summary = flow(
                sources=[str(s) for s in sources],
                warehouse_dir=str(wh),
                workers=workers,
                batch_size=batch_size,
            )
        except ChecksFailed as exc:  # the work was done and timed; only the load rolled back
            summary = committed_runs(wh)[-1]
            note = f" (load rolled back: {exc})"
    import duckdb

    words = duckdb.sql(
        "SELECT coalesce(sum(len(string_split_regex(trim(body), '\\s+'))), 0) FROM "
        f"read_parquet('{wh}/parquet/articles/*/*.parquet')"
    ).fetchone()[0]
    secs = dict(summary.get("stage_seconds") or {})
    stages = {
        "read": secs.get("read+orchestrate", 0.0),
        "clean": secs.get("clean", 0.0),
        "nlp": secs.get("nlp", 0.0),
        "write": secs.get("write", 0.0),
        "load": load_seconds(wh),
    }
    share = stages["nlp"] / (t[0] * workers) if t[0] else None
    return Run(
        f"whosaid flow, {workers} worker{'s' if workers > 1 else ''}{note}",
        int(summary["articles"]),
        int(words),
        t[0],
        rss.peak,
        share,
        stages,
    )


def warm_up_prefect() -> None:
    """Start the Prefect API (ephemeral) before timing anything, so no run pays for it."""
    from prefect import flow

    @flow(name="whosaid-bench-warm-up")
    def warm() -> int:
        return 1

    warm()


# -- reporting ---------------------------------------------------------------------------------


def runs_table(runs: list[Run], floor_wps: float) -> str:
    lines = ["| " + " | ".join(RUN_COLUMNS) + " |", "|---|" + "---:|" * (len(RUN_COLUMNS) - 1)]
    for r in runs:
        outside = f"{1 - r.nlp_share:.0%}" if r.nlp_share is not None else "-"
        if r.name.startswith("spaCy"):
            outside = "-"
        ratio = r.words_per_s / floor_wps if floor_wps else 0.0
        lines.append(
            f"| {r.name} | {r.articles:,} | {r.words:,} | {r.wall_s:.1f} | "
            f"{r.articles / r.wall_s:.2f} | {r.words_per_s:,.0f} | {ratio:.2f}x | "
            f"{r.peak_rss / 2**20:,.0f} | {outside} |"
        )
    return "\n".join(lines)


def stages_table(runs: list[Run]) -> str:
    staged = [r for r in runs if r.stages]
    lines = [
        "| stage | " + " | ".join(r.name for r in staged) + " |",
        "|---|" + "---:|" * len(staged),
    ]
    for stage in STAGES:
        cells = []
        for r in staged:
            s = r.stages.get(stage)
            cells.append("-" if s is None else f"{s:.1f} s ({s / r.wall_s:.0%})")
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    lines.append("| wall | " + " | ".join(f"{r.wall_s:.1f} s" for r in staged) + " |")
    return "\n".join(lines)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = psutil.virtual_memory().total / 2**30
    load = os.getloadavg()
    return (
        f"nproc {os.cpu_count()}, {mem:.0f} GiB RAM, {model}; load average at the end "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min)"
    )


# -- commands ----------------------------------------------------------------------------------


def flow_once(source: Path, workers: int, batch_size: int, wh: Path) -> Run:
    """One flow run in this process, with one Prefect API for the flow and its worker processes
    started before the clock, as `whosaid ingest` has (whosaid.cli._prefect_api): without it
    each worker process of a multi-worker run would start a temporary API of its own."""
    with _prefect_api():
        warm_up_prefect()
        return flow_run([source], workers, batch_size, wh)


def flow_in_fresh_process(source: Path, workers: int, batch_size: int, wh: Path) -> Run:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "_flow",
            "--source",
            str(source),
            "--workers",
            str(workers),
            "--batch-size",
            str(batch_size),
            "--warehouse",
            str(wh),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return Run(**json.loads(out.stdout.strip().splitlines()[-1]))


def corpus_for(args: argparse.Namespace) -> Path:
    if args.corpus:
        return Path(args.corpus)
    out = OUT / f"corpus-{args.articles}-{args.format}"
    if not (out / ".corpus.json").exists():
        corpus_mod.build(out, args.format, articles=args.articles)
    return out


def throughput(args: argparse.Namespace) -> str:
    src = corpus_for(args)
    sources = [src]
    workers = [int(w) for w in args.workers.split(",")]
    runs: list[Run] = []
    tmp = Path(tempfile.mkdtemp(prefix="whosaid-bench-"))
    try:
        # The serial pass and spaCy's reference runs may take a sample of the corpus (its first
        # --reference-articles): they are words/s over the same mix of texts, and on a big
        # corpus they would otherwise take longer than the flows being measured.
        serial, bodies = serial_stages(
            sources, args.batch_size, tmp / "serial", args.reference_articles
        )
        floor = [spacy_run(FLOOR, bodies, exclude=[])]
        # Each flow configuration in a fresh process, as `whosaid ingest` runs: a 2-worker flow
        # run after a 1-worker one in the same process measured 1.01x, alone 1.3x
        # (docs/performance.md).
        flows = [flow_in_fresh_process(src, n, args.batch_size, tmp / f"wh-{n}") for n in workers]
        floor.append(spacy_run(FLOOR + ", again", bodies, exclude=[]))
        ceiling = []
        if max(workers) > 1 and not args.quick:
            n = max(workers)
            ceiling.append(
                spacy_parallel(f"spaCy full, {n} processes at once (ceiling)", bodies, n)
            )
        variants = [
            spacy_run(
                "spaCy NER only",
                bodies,
                exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"],
            ),
            spacy_run(
                "spaCy tok2vec+tagger+parser",
                bodies,
                exclude=["attribute_ruler", "lemmatizer", "ner"],
            ),
            # What whosaid asks of spaCy (tasks.nlp.analyse.load_nlp: no lemmatizer, the array
            # attribute ruler), without the extraction that follows.
            spacy_run(
                "whosaid's spaCy pipeline alone (load_nlp, no extraction)",
                bodies,
                exclude=[],
                batch_size=32,
                model=_whosaid_model(),
            ),
        ]
        runs = [floor[0], floor[1], *ceiling, *variants, serial, *flows]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    floor_wps = statistics.mean(r.words_per_s for r in floor)
    lines = [
        f"Corpus: `{src.name}` ({json.dumps(_info(src))}); batch size {args.batch_size}.",
        f"Machine: {machine()}.",
        "",
        f"Floor = mean of the two floor runs: {floor_wps:,.0f} words/s."
        + (
            f" The serial pass and spaCy's runs took the first {args.reference_articles} "
            "articles; the flows the whole corpus."
            if args.reference_articles
            else ""
        ),
        "",
        runs_table(runs, floor_wps),
        "",
        "Seconds per stage (flow runs: clean, nlp and write are summed over workers; read = the "
        "flow process's loop: reading, dedupe, orchestration and waiting for free workers; load = "
        "the DuckDB load of the run's Parquet, timed again on a copy):",
        "",
        stages_table(runs),
    ]
    by_workers = {n: f for n, f in zip(workers, flows, strict=True)}
    if 1 in by_workers and len(by_workers) > 1:
        one = by_workers[1].words_per_s
        lines += [""] + [
            f"Scaling: {n} workers = {f.words_per_s / one:.2f}x one worker."
            for n, f in by_workers.items()
            if n != 1
        ]
    report = "\n".join(lines)
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in runs], indent=2))
    return report


def _info(src: Path) -> dict[str, Any]:
    p = src / ".corpus.json"
    if not p.exists():
        return {}
    info = json.loads(p.read_text())
    return {k: info[k] for k in ("format", "articles", "disk_bytes") if k in info}


# -- memory: peak RSS against dump size ------------------------------------------------------


def stream_path(source: Path, mode: str, batch_size: int) -> dict[str, Any]:
    """Read → clean → dedupe in bounded batches, as the flow's process sees it (cleaning inline
    instead of on workers); nothing is kept but the ledger. Run in a fresh process per size."""
    from tasks.clean import prepare
    from tasks.clean.prepare import batched
    from tasks.ingest.readers import Reader
    from tasks.store import dedupe
    from tasks.store.ledger import Ledger

    # The dedupe state as the flow keeps it (flows/ingest.py): on disk, in a scratch SQLite file.
    # The ledger writes its duplicates out as the flow's does, to nowhere.
    seen = dedupe.DedupeState()
    ledger = Ledger(
        known_hashes=seen.hashes,
        near_index=seen.near if mode == "exact+near" else None,
        write_part=lambda table, part, rows: None,
    )
    reader = Reader()
    n = 0
    t0 = time.perf_counter()
    for batch in batched(reader.read_path(source, str(source)), batch_size):
        records = [r for r in batch if hasattr(r, "content")]
        if mode == "read":
            n += len(records)
            continue
        cleaned = prepare.prepare_batch(records)
        if mode == "clean":
            n += len(cleaned)
            continue
        new = ledger.admit(cleaned)
        ledger.kept(new)  # as if analysed at once: no article stays in flight
        n += len(new)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "articles": n,
        "seconds": round(time.perf_counter() - t0, 1),
        "peak_rss_mb": round(peak_kb / 1024),
        "known_hashes": len(ledger.known_hashes),
    }
    seen.close()
    return result


def memory(args: argparse.Namespace) -> str:
    modes = args.modes.split(",")
    rows = []
    for mode in modes:
        for label, src in (("small", args.small), ("large", args.large)):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "_stream",
                    "--source",
                    str(src),
                    "--mode",
                    mode,
                    "--batch-size",
                    str(args.batch_size),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            res = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append((mode, label, src, res))
            print(f"{mode} {label}: {res}", file=sys.stderr)
    lines = [
        f"Machine: {machine()}.",
        "",
        "| path | dump | disk MB | articles | peak RSS MB | large / small |",
        "|---|---|---:|---:|---:|---:|",
    ]
    small_peak: dict[str, int] = {}
    for mode, label, src, res in rows:
        disk = _info(Path(src)).get("disk_bytes", 0) / 2**20
        ratio = ""
        if label == "small":
            small_peak[mode] = res["peak_rss_mb"]
        else:
            ratio = f"{res['peak_rss_mb'] / small_peak[mode]:.2f}"
        lines.append(
            f"| {mode} | {label} | {disk:,.0f} | {res['articles']:,} | "
            f"{res['peak_rss_mb']:,} | {ratio} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_stream"]:
        p = argparse.ArgumentParser()
        p.add_argument("_stream")
        p.add_argument("--source", type=Path, required=True)
        p.add_argument("--mode", default="exact+near")
        p.add_argument("--batch-size", type=int, default=200)
        a = p.parse_args(argv)
        print(json.dumps(stream_path(a.source, a.mode, a.batch_size)))
        return
    if argv[:1] == ["_flow"]:
        p = argparse.ArgumentParser()
        p.add_argument("_flow")
        p.add_argument("--source", type=Path, required=True)
        p.add_argument("--workers", type=int, required=True)
        p.add_argument("--batch-size", type=int, required=True)
        p.add_argument("--warehouse", type=Path, required=True)
        a = p.parse_args(argv)
        print(json.dumps(asdict(flow_once(a.source, a.workers, a.batch_size, a.warehouse))))
        return
    if argv[:1] == ["memory"]:
        p = argparse.ArgumentParser(description="peak RSS of read+clean+dedupe at two dump sizes")
        p.add_argument("memory")
        p.add_argument("--small", type=Path, required=True)
        p.add_argument("--large", type=Path, required=True)
        p.add_argument(
            "--modes",
            default="read,clean,exact,exact+near",
            help="how far: read, clean, exact (+content hashes), exact+near (+MinHash)",
        )
        p.add_argument("--batch-size", type=int, default=200)
        print(memory(p.parse_args(argv)))
        return
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", help="a folder written by bench/corpus.py")
    p.add_argument("--articles", type=int, default=1000, help="corpus size when none is given")
    p.add_argument("--format", default="jsonl.gz", choices=corpus_mod.FORMATS)
    p.add_argument("--workers", default="1,2", help="worker counts for the flow, e.g. 1,2")
    p.add_argument("--batch-size", type=int, default=100, help="articles per task (the default)")
    p.add_argument("--quick", action="store_true", help="one worker count, for smoke tests")
    p.add_argument(
        "--reference-articles",
        type=int,
        help="run the serial pass and spaCy's reference runs over the first N articles only",
    )
    p.add_argument("--json", help="also write the runs as JSON here")
    p.add_argument("--out", help="also write the report (markdown) here")
    args = p.parse_args(argv)
    if args.quick:
        args.workers = args.workers.split(",")[0]
    report = throughput(args)
    print(report)
    if args.out:
        Path(args.out).write_text(report + "\n")


if __name__ == "__main__":
    main()
