"""The test suite's own rules: tests assert behaviour, not the clock; they never skip the product
when it fails to import; markers are declared (--strict-markers) and true (tests/conftest.py
fails a test that loads spaCy unmarked `slow`, or starts the CLI unmarked `integration`)."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tasks.nlp import analyse  # imported at collection, as the suite's NLP tests do

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
FIRST_PARTY = {"tasks", "flows", "schemas", "whosaid", "bench"}
CLOCKS = {"time", "monotonic", "perf_counter", "process_time", "time_ns", "monotonic_ns"}
CLOCKS |= {"perf_counter_ns"}


def _test_sources() -> list[tuple[str, ast.Module]]:
    return [
        (str(path.relative_to(ROOT)), ast.parse(path.read_text(), str(path)))
        for path in sorted(TESTS.rglob("*.py"))
    ]


def _reads_clock(node: ast.AST, derived: set[str]) -> bool:
    """``node`` calls a clock (time.monotonic(), perf_counter()...), names a value computed from
    one, or reads a throughput figure (a ``*per_s*`` key: words per second is a clock reading)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in CLOCKS:
                return True
        if isinstance(sub, ast.Name) and sub.id in derived:
            return True
        if (
            isinstance(sub, ast.Subscript)
            and isinstance(sub.slice, ast.Constant)
            and "per_s" in str(sub.slice.value)
        ):
            return True
    return False


def clock_asserts(tree: ast.Module) -> list[int]:
    """Line numbers of asserts on the clock, within each function (names assigned from a clock
    reading, in order, count as readings)."""
    lines = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        derived: set[str] = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                if _reads_clock(node.value, derived):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    derived |= {
                        n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)
                    }
            elif isinstance(node, ast.Assert) and _reads_clock(node.test, derived):
                lines.append(node.lineno)
    return sorted(set(lines))


def importorskips_of_the_product(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "importorskip"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and str(node.args[0].value).split(".")[0] in FIRST_PARTY
        ):
            found.append(str(node.args[0].value))
    return found


def test_no_test_asserts_on_the_clock() -> None:
    found = {name: lines for name, tree in _test_sources() if (lines := clock_asserts(tree))}
    assert found == {}, "speed belongs in bench/: assert what the behaviour is"


def test_the_clock_rule_catches_what_it_names() -> None:
    caught = ast.parse(
        "def test_a():\n"
        "    t0 = time.monotonic()\n"
        "    run()\n"
        "    elapsed = time.monotonic() - t0\n"
        "    assert elapsed < 2\n"
        "def test_b():\n"
        "    assert perf_counter() - start < 30\n"
        "def test_c(result):\n"
        "    ratio = result['whosaid']['words_per_s_ratio']\n"
        "    assert ratio >= 0.5\n"
    )
    fine = ast.parse(
        "def test_d():\n"
        "    deadline = time.monotonic() + 30\n"  # a wait's deadline, never asserted on
        "    while time.monotonic() < deadline:\n"
        "        pass\n"
        "    assert done()\n"
    )
    assert clock_asserts(caught) == [5, 7, 10]
    assert clock_asserts(fine) == []


def test_the_product_is_imported_not_skipped() -> None:
    found = {n: m for n, tree in _test_sources() if (m := importorskips_of_the_product(tree))}
    assert found == {}, "an import error in the product must fail, not skip: import it plainly"


def test_markers_are_declared_and_strict() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "--strict-markers" in config["addopts"].split()
    declared = {line.split(":")[0] for line in config["markers"]}
    assert {"slow", "integration", "shared"} <= declared


def test_a_test_not_marked_slow_cannot_load_spacy() -> None:
    with pytest.raises(AssertionError, match=r"loads spaCy: mark it @pytest\.mark\.slow$"):
        analyse.load_nlp()
    with pytest.raises(AssertionError, match=r"loads spaCy: mark it @pytest\.mark\.slow$"):
        analyse.analyse_articles([])


def test_a_test_not_marked_integration_cannot_start_the_cli() -> None:
    for argv in ([sys.executable, "-m", "whosaid.cli", "--help"], [str(ROOT / "bin" / "whosaid")]):
        with pytest.raises(AssertionError, match=r"mark it @pytest\.mark\.integration$"):
            subprocess.run(argv, capture_output=True, check=False)
    done = subprocess.run(
        [sys.executable, "-c", "print('other processes start')"], text=True, capture_output=True
    )
    assert done.stdout == "other processes start\n"
