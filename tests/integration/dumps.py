"""Generated news dumps for the operational tests: many distinct articles (no two near-duplicates),
each with named speakers and direct quotes, deterministic for a seed."""

from __future__ import annotations

import json
import random
from pathlib import Path

FIRST = (
    "Ann",
    "Priya",
    "Tomas",
    "Grace",
    "Omar",
    "Lena",
    "Marcus",
    "Ines",
    "Dev",
    "Ruth",
    "Kofi",
    "Mei",
    "Jonas",
    "Sara",
    "Felix",
    "Nadia",
    "Hugo",
    "Aisha",
    "Pavel",
    "Clara",
)
LAST = (
    "Lee",
    "Raman",
    "Novak",
    "Okafor",
    "Haddad",
    "Berg",
    "Whitlock",
    "Moreau",
    "Patel",
    "Quinn",
    "Mensah",
    "Tanaka",
    "Keller",
    "Costa",
    "Brandt",
    "Farouk",
    "Lindqvist",
    "Adeyemi",
)
ROLES = (
    "mayor",
    "chief executive",
    "union leader",
    "head teacher",
    "council leader",
    "health minister",
    "police chief",
    "spokeswoman",
    "finance director",
    "chair",
)
ORGS = (
    "Northshire Council",
    "Harwick Rail",
    "the Valley Trust",
    "Unite",
    "the Port Authority",
    "Eastfield Hospital",
    "the Chamber of Commerce",
    "Riverside Water",
    "the Bus Company",
)
PLACES = (
    "Harwick",
    "Northshire",
    "Eastfield",
    "Riverside",
    "Kingsmoor",
    "Ashby",
    "Dunmore",
    "Westholme",
    "Carrow",
    "Bellfield",
    "Oakridge",
    "Sandport",
)
TOPICS = (
    "bus fares",
    "the new bridge",
    "school meals",
    "hospital waiting lists",
    "flood defences",
    "the strike ballot",
    "library hours",
    "parking charges",
    "the housing plan",
    "street lighting",
    "the rail timetable",
    "recycling rules",
    "youth clubs",
    "rents",
)
VERBS = ("said", "told reporters", "added", "warned", "insisted", "explained")
ADJ = (
    "unacceptable",
    "overdue",
    "fair",
    "a disgrace",
    "good news",
    "too little, too late",
    "a fresh start",
    "long awaited",
    "a serious mistake",
    "worth the wait",
    "far too costly",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def article(rng: random.Random, i: int) -> dict[str, str]:
    def person() -> str:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}"

    speaker, other = person(), person()
    place, topic = rng.choice(PLACES), rng.choice(TOPICS)
    figure = rng.randint(10, 9_000)
    sentences = [
        f"{speaker}, the {rng.choice(ROLES)} of {rng.choice(ORGS)}, said on {rng.choice(DAYS)} "
        f"that {topic} in {place} would change after {figure} residents signed a petition.",
        f'"This is {rng.choice(ADJ)} for {place}, and we will not wait another {rng.randint(2, 40)}'
        f' weeks," {speaker} {rng.choice(VERBS)}.',
        f"{other}, who represents {rng.choice(PLACES)} ward number {rng.randint(1, 99)}, "
        f"disagreed about {rng.choice(TOPICS)} and the cost of {rng.randint(3, 700)} thousand.",
        f'"We have heard it all before about {rng.choice(TOPICS)}," said {other}.',
        f"Item {i}: a meeting at {rng.choice(PLACES)} town hall is planned for "
        f"{rng.choice(DAYS)} at {rng.randint(1, 12)} o'clock, with {rng.choice(ORGS)} attending.",
    ]
    rng.shuffle(sentences[2:])
    return {
        "title": f"{place}: {topic} row, part {i}",
        "text": " ".join(sentences),
        "date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "url": f"https://news.example/{place.lower()}/{i}",
        "source_domain": "news.example",
    }


def write_jsonl(path: Path, n: int, seed: int, start: int = 0) -> Path:
    """``n`` articles as JSON Lines (news-please fields)."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        for i in range(start, start + n):
            fh.write(json.dumps(article(rng, i)) + "\n")
    return path
