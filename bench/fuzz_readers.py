"""Fuzz every loader by hand, longer than CI does: random and mutated inputs per format.

    python bench/fuzz_readers.py                      # 2,000 examples per format
    python bench/fuzz_readers.py --examples 20000 --format a.warc.gz
    python bench/fuzz_readers.py --atheris a.zip      # coverage-guided, if atheris is installed

A failure prints the smallest input hypothesis finds and the exception; save it with --save DIR
and turn it into a test in tests/hostile/. The seeds are the valid files of
tests/hostile/test_fuzz_loaders.py, built in memory.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tasks.ingest.readers import Reader  # noqa: E402
from tasks.model import RawRecord, Reject  # noqa: E402
from tests.hostile.test_fuzz_loaders import VALID, mutated  # noqa: E402


def read_all(data: bytes, name: str) -> None:
    items = list(Reader().read_stream(lambda: io.BytesIO(data), name, "fuzz", "", 0))
    assert items, "no record and no reject"
    for item in items:
        assert isinstance(item, RawRecord | Reject), type(item)
        if isinstance(item, Reject):
            assert item.reason and "\n" not in item.reason


def fuzz_hypothesis(name: str, examples: int, save: Path | None) -> bool:
    @settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.one_of(st.binary(max_size=8192), mutated(VALID[name])))
    def check(data: bytes) -> None:
        try:
            read_all(data, name)
        except Exception:
            if save:
                save.mkdir(parents=True, exist_ok=True)
                (save / f"crash-{name}-{len(data)}.bin").write_bytes(data)
            raise

    try:
        check()
    except Exception as exc:  # noqa: BLE001 - report and go on to the next format
        print(f"{name}: FAILED {type(exc).__name__}: {exc}")
        return False
    print(f"{name}: {examples} examples, no exception")
    return True


def fuzz_atheris(name: str) -> None:
    import atheris  # optional: pip install atheris

    def one(data: bytes) -> None:
        read_all(data, name)

    atheris.Setup([sys.argv[0], "-max_len=65536"], one)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--format", action="append", choices=sorted(VALID))
    parser.add_argument("--atheris", choices=sorted(VALID))
    parser.add_argument("--save", type=Path, help="write failing inputs here")
    args = parser.parse_args()
    if args.atheris:
        fuzz_atheris(args.atheris)
        return 0
    ok = [fuzz_hypothesis(name, args.examples, args.save) for name in args.format or sorted(VALID)]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
