"""Which roles a definite title names (``tasks.nlp.speakers.role_matches``): no spaCy."""

from __future__ import annotations

import pytest

from tasks.nlp.speakers import role_matches


@pytest.mark.parametrize(
    ("role", "title", "matches"),
    [
        ("senator", "senator", True),
        ("senator", "senator from texas", True),
        ("rnc chairman", "chairman", True),
        ("rules committee chairman", "committee chairman", True),
        ("vice president", "president", False),
        ("former new jersey governor", "governor", False),
        ("onetime party chairman", "chairman", False),
        ("deputy chairman", "chairman", False),
        ("governor", "senator", False),
        ("chairman of the joint chiefs", "chairman", True),
    ],
)
def test_role_matches(role: str, title: str, matches: bool) -> None:
    assert role_matches(role, title) is matches
