"""Shared fixtures: where ../shared is, and an isolated Prefect backend for flow tests."""

from __future__ import annotations

from pathlib import Path

import whosaid  # noqa: F401  (offline Prefect defaults)

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EVAL = SHARED / "eval"


def need_shared(path: Path = SHARED) -> Path:
    """The path, or skip: the tests that read ../shared run only where it is checked out."""
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests read the shared seeds and eval data")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return need_shared(SEEDS)


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    return need_shared(EVAL)


@pytest.fixture(scope="session")
def prefect_harness():
    """One throwaway Prefect API for the whole session (starting one costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
