"""Running the ingest flow in the test process or as the CLI, and reading what it left."""

from __future__ import annotations

from pathlib import Path

import duckdb

from integration.procs import base_env

# Tables whose rows must match an uninterrupted run exactly. `duplicates` and `runs` may hold more
# after a crash (a re-read source's records come back as duplicates; the killed run's own row).
DATA_TABLES = (
    "articles",
    "quotes",
    "mentions",
    "entities",
    "entity_occurrences",
    "utterances",
    "rejects",
)


def counts(wh: Path, tables: tuple[str, ...] = DATA_TABLES) -> dict[str, int]:
    """Row counts per table, read the way a user would: read-only, knowing nothing of runs."""
    con = duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        con.close()


def run_inline(sources: list[Path], wh: Path, batch_size: int = 8) -> dict:
    """The flow in this process (one worker thread): no interpreter or spaCy start-up per run."""
    from flows.ingest import ingest_with

    return ingest_with(1)(
        sources=[str(s) for s in sources], warehouse_dir=str(wh), workers=1, batch_size=batch_size
    )


def api_env() -> dict[str, str]:
    """For child processes: the session's throwaway Prefect API (`prefect_harness`), so each CLI
    run does not start an ephemeral server of its own."""
    from prefect.settings import get_current_settings

    return base_env(
        PREFECT_API_URL=str(get_current_settings().api.url), PREFECT_LOGGING_LEVEL="WARNING"
    )
