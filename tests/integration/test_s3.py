"""Parquet on S3 for real: a local S3 (moto's server on 127.0.0.1, a free port), the ingest flow
with ``parquet_url="s3://..."`` through s3fs, credentials and endpoint from the environment only,
then the warehouse and the bucket checked. The server is stopped at the end, even on failure."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from integration.procs import ROOT, Proc, base_env, free_port, wait_for

pytest.importorskip("s3fs", reason="s3fs is not installed (pip install -e '.[s3]')")
pytest.importorskip("moto.server", reason="moto[server] is not installed (the dev extra has it)")

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

SAMPLES = ROOT / "samples"
BUCKET = "whosaid-test"
# A made-up key pair: moto accepts any. The test checks it never reaches a manifest.
KEY_ID, SECRET = "AKIAWHOSAIDTEST0001", "not-a-real-secret-whosaid-0451"


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    server = Proc(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        tmp_path_factory.mktemp("moto") / "moto.log",
        base_env(),
    )
    try:
        wait_for(lambda: _listening(port), 60, "moto's S3 server to listen", proc=server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The environment an operator would set (botocore reads AWS_ENDPOINT_URL), and a bucket."""
    import s3fs

    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem()
    if not fs.exists(BUCKET):
        fs.mkdir(BUCKET)
    yield fs
    s3fs.S3FileSystem.clear_instance_cache()


def test_ingest_writes_parquet_to_s3_and_loads_duckdb(s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from flows.ingest import ingest_with

    url = f"s3://{BUCKET}/runs-{tmp_path.name}/parquet"
    wh = tmp_path / "wh"
    first = ingest_with(1)(sources=[str(SAMPLES)], warehouse_dir=str(wh), parquet_url=url)
    assert (first["records_read"], first["articles"], first["rejects"]) == (9, 9, 0)
    assert not (wh / "parquet").exists()
    prefix = url.removeprefix("s3://")
    for table in ("articles", "quotes", "mentions", "entity_occurrences", "runs"):
        assert s3.glob(f"{prefix}/{table}/run={first['run_id']}/part-*.parquet"), table
    con = duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (9,)
        [(n,)] = con.execute(
            "SELECT count(*) FROM who_said_what WHERE speaker_name = 'Dana Whitlock'"
        ).fetchall()
        assert n >= 1
    finally:
        con.close()
    manifest = (wh / "runs" / f"{first['run_id']}.json").read_text()
    assert url in manifest and SECRET not in manifest and KEY_ID not in manifest

    # A killed run's objects are removed by the next run; a full rescan adds only duplicates.
    s3.pipe(f"{prefix}/articles/run=killed/part-000001.parquet", b"half a part")
    rescan = ingest_with(1)(
        sources=[str(SAMPLES)], warehouse_dir=str(wh), parquet_url=url, full_rescan=True
    )
    assert (rescan["records_read"], rescan["articles"], rescan["duplicates"]) == (9, 0, 9)
    s3.invalidate_cache()
    assert not s3.exists(f"{prefix}/articles/run=killed")
    con = duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True)
    try:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM duplicates), "
            "(SELECT count(*) FROM runs)"
        ).fetchone()
    finally:
        con.close()
    assert counts == (9, 9, 2)
