"""Shared fixtures: where ../shared is, and an isolated Prefect backend for flow tests; and the
check that markers tell the truth."""

from __future__ import annotations

import functools
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


# -- markers tell the truth ---------------------------------------------------------------------
#
# `make test-fast` (-m "not slow and not integration") is only fast and self-contained if the
# markers are true. So a test not marked slow that loads spaCy, or one not marked integration that
# starts the whosaid CLI as a process, fails and says which marker it needs. Checked where the
# model is loaded and where the process is started, whichever fixture or helper gets there.

_running: list[pytest.Item] = []


def _needs(marker: str, doing: str) -> None:
    if _running and _running[-1].get_closest_marker(marker) is None:
        raise AssertionError(f"{_running[-1].nodeid} {doing}: mark it @pytest.mark.{marker}")


def _loads_spacy(load: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(load)
    def checked(*args: Any, **kwargs: Any) -> Any:
        _needs("slow", "loads spaCy")
        return load(*args, **kwargs)

    checked.marker_checked = True  # type: ignore[attr-defined]
    return checked


def _check_spacy_loads() -> None:
    """Wrap the model loaders once tasks.nlp.analyse is imported (importing it here would cost
    every pytest run spaCy's 1-2 s import). load_nlp is cached, so it is wrapped too: a model an
    earlier slow test loaded is not free for the next test."""
    analyse = sys.modules.get("tasks.nlp.analyse")
    if analyse is None or getattr(analyse.build_nlp, "marker_checked", False):
        return
    analyse.build_nlp = _loads_spacy(analyse.build_nlp)  # type: ignore[attr-defined]
    analyse.load_nlp = _loads_spacy(analyse.load_nlp)  # type: ignore[attr-defined]


def _is_cli(args: Any) -> bool:
    argv = [str(a) for a in args] if isinstance(args, list | tuple) else []
    return bool(argv) and (argv[0].endswith("/whosaid") or "whosaid.cli" in argv)


class _CheckedPopen(subprocess.Popen):  # type: ignore[type-arg]
    def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
        if _is_cli(args):
            _needs("integration", "starts the whosaid CLI as a process")
        super().__init__(args, *rest, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    subprocess.Popen = _CheckedPopen  # type: ignore[misc]


def pytest_collection_finish(session: pytest.Session) -> None:
    _check_spacy_loads()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _check_spacy_loads()
    _running.append(item)  # setup (fixtures of any scope), call and teardown
    try:
        return (yield)
    finally:
        _running.pop()
