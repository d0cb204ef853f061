"""One entity per person across the warehouse: the load links each article's people to one
another.

The NLP stage names a person entity by the fullest name its article gives (``entity_id`` is a
hash of that name), so within an article "Mr. Trump" is "Donald J. Trump"; across articles
"Donald J. Trump", "Donald Trump" and a bare "Trump" are three ids. At every load this module
links them, from the names and genders in ``entity_occurrences`` alone, so the result does not
depend on the order runs came in (an entity found in Monday's run is the one Tuesday's quotes
join, and a Tuesday article can link Monday's "Trump" to the Donald Trump it names):

- **full names** with the same first name, surname and suffix are one person when at most one
  middle name is given among them ("Donald J. Trump" and "Donald Trump"; "Paul D. Ryan" and
  "Paul Ryan"): their id becomes ``entity_id("<first> <surname> [<suffix>]")``. Where two
  middle names are given ("George H. W. Bush", "George W. Bush") each is its own person and the
  name without one ("George Bush") links to neither;
- **a surname alone** (an article that names no one in full with it: "Trump", "Mrs. Clinton")
  links to the person with that surname, of a gender that fits, who holds at least
  ``SURNAME_DOMINANCE`` of the mentions of such people where they are named in full; otherwise
  it stays its own entity;
- a link that would make two of one article's people one entity is not made: the article kept
  them apart (tasks/nlp/clusters.py).

Every occurrence keeps its own ``name``; ``mentions``, ``quotes`` and ``entity_occurrences``
carry the linked id, and the rebuild of ``entities`` rolls them up under it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from schemas.tables import ENTITIES
from tasks.nlp.gender import FEMALE_PRONOUNS, MAJORITY, MALE_PRONOUNS, decide
from tasks.nlp.names import NameParts, canonical_words, first_name_key, name_parts
from tasks.store.rows import entity_id

# A surname alone links to the one person with that surname who holds this share of the
# mentions of such people (of a gender that fits) in the articles that name them in full. The
# issue's speaker-precision target (0.95): a bare surname given to the leading namesake is then
# right at least as often as the target asks, if bare surnames are spread over namesakes as
# their mentions are.
SURNAME_DOMINANCE = 0.95


@dataclass(frozen=True)
class PersonName:
    """A person's name as an article gives it, with how many articles give it so and the
    gender the article gave them."""

    name: str
    gender: str  # male, female or unknown
    evidence: str  # honorific, pronoun or unknown
    n_articles: int
    n_mentions: int
    # Head words of the roles the article gives them, lower case ("President Obama":
    # ("president",)), sorted.
    roles: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.name, self.gender, self.roles)


@dataclass
class _Person:
    """A person as the full names linked to them give them: surname, suffix, their mentions in
    the articles naming them in full, the gender votes of those articles by evidence, and the
    head words of their roles."""

    surname: str
    suffix: str
    mentions: int = 0
    votes: dict[str, Counter[str]] = field(default_factory=dict)
    roles: set[str] = field(default_factory=set)

    @property
    def gender(self) -> str:
        for evidence in ("honorific", "pronoun"):
            found = decide(self.votes.get(evidence, Counter()), evidence)  # type: ignore[arg-type]
            if found is not None:
                return found.gender
        return "unknown"


def _group_key(p: NameParts) -> tuple[str, str, str]:
    return (first_name_key(p.first), p.surname, p.suffix)


def link_ids(names: list[PersonName]) -> dict[tuple[str, str, tuple[str, ...]], str]:
    """{PersonName.key: linked entity id} for every name whose entity is another's."""
    parts = {n.name: name_parts(canonical_words(n.name)) for n in names}
    middles: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for n in names:
        p = parts[n.name]
        if p.full and p.middle:
            middles[_group_key(p)].add(p.middle)

    def person_of(p: NameParts) -> str | None:
        """The linked id of a full name, None when it is ambiguous (two middles, none given)."""
        given = middles.get(_group_key(p), set())
        if len(given) <= 1:
            return entity_id(" ".join(w for w in _group_key(p) if w), "PERSON")
        if p.middle in given:
            key = (first_name_key(p.first), p.middle, p.surname, p.suffix)
            return entity_id(" ".join(w for w in key if w), "PERSON")
        return None

    links: dict[tuple[str, str, tuple[str, ...]], str] = {}
    people: dict[str, _Person] = {}  # linked id -> the person
    for n in names:
        p = parts[n.name]
        if not p.full:
            continue
        person = person_of(p)
        if person is None:
            continue
        links[n.key] = person
        entry = people.setdefault(person, _Person(p.surname, p.suffix))
        entry.mentions += n.n_mentions
        entry.roles.update(n.roles)
        if n.gender != "unknown":
            entry.votes.setdefault(n.evidence, Counter())[n.gender[0]] += n.n_articles

    by_surname: dict[tuple[str, str], list[str]] = defaultdict(list)
    for person, entry in people.items():
        by_surname[(entry.surname, entry.suffix)].append(person)

    for n in names:
        p = parts[n.name]
        if p.full or not p.surname:
            continue
        candidates = by_surname.get((p.surname, p.suffix), [])
        if n.gender != "unknown":
            candidates = [c for c in candidates if people[c].gender in ("unknown", n.gender)]
        if not candidates:
            continue
        total = sum(people[c].mentions for c in candidates)
        lead = max(candidates, key=lambda c: (people[c].mentions, c))
        if total and people[lead].mentions / total >= SURNAME_DOMINANCE:
            links[n.key] = lead
            continue
        # "President Obama" where Barack and Michelle Obama are both named in full elsewhere:
        # the one namesake whose roles share a head word with this article's.
        titled = [c for c in candidates if people[c].roles & set(n.roles)]
        if len(titled) == 1:
            links[n.key] = titled[0]
    return links


# The head words of an occurrence's roles: the last word of each, lower case, distinct, sorted
# ("former President" -> "president").
_ROLE_HEADS_SQL = (
    "list_sort(list_distinct(list_filter(list_transform(coalesce(roles, []), "
    "r -> lower(string_split(trim(r), ' ')[-1])), h -> h <> '')))"
)


def link_people(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Give every person occurrence, mention and quote of the warehouse its linked entity id
    (module docstring); the ids that changed, old and new (their utterances are re-clustered)."""
    rows = con.execute(f"""
        SELECT name, coalesce(gender, 'unknown'), coalesce(gender_evidence, 'unknown'),
               count(DISTINCT article_id)::INTEGER, sum(n_mentions)::INTEGER,
               {_ROLE_HEADS_SQL} AS heads
        FROM entity_occurrences WHERE label = 'PERSON' GROUP BY ALL
    """).fetchall()
    names = [PersonName(r[0], r[1], r[2], r[3], r[4], tuple(r[5] or ())) for r in rows]
    links = link_ids(names)
    # One row per (name, gender, role heads): the names' evidence does not enter the link.
    keys = sorted({n.key for n in names})
    table = pa.table(
        {
            "name": [k[0] for k in keys],
            "gender": [k[1] for k in keys],
            "heads": [list(k[2]) for k in keys],
            "minted_id": [entity_id(k[0], "PERSON") for k in keys],
            "linked_id": [links.get(k, entity_id(k[0], "PERSON")) for k in keys],
        },
        schema=pa.schema(
            [
                ("name", pa.string()),
                ("gender", pa.string()),
                ("heads", pa.list_(pa.string())),
                ("minted_id", pa.string()),
                ("linked_id", pa.string()),
            ]
        ),
    )
    con.register("person_links", table)
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE relink AS
            SELECT o.article_id, o.entity_id AS old_id, l.linked_id AS new_id, l.minted_id
            FROM entity_occurrences o
            JOIN person_links l ON o.name = l.name AND coalesce(o.gender, 'unknown') = l.gender
                 AND {_ROLE_HEADS_SQL.replace("roles", "o.roles")} = l.heads
            WHERE o.label = 'PERSON'
        """)
    finally:
        con.unregister("person_links")
    # An article's people stay as many as the article found.
    con.execute("""
        UPDATE relink SET new_id = minted_id WHERE (article_id, new_id) IN (
            SELECT (article_id, new_id) FROM relink GROUP BY article_id, new_id
            HAVING count(*) > 1)
    """)
    con.execute("DELETE FROM relink WHERE old_id = new_id")
    changed = con.execute("SELECT DISTINCT unnest([old_id, new_id]) FROM relink").fetchall()
    if not changed:
        return []
    con.execute("""
        UPDATE mentions SET entity_id = r.new_id FROM relink r
        WHERE mentions.article_id = r.article_id AND mentions.entity_id = r.old_id
    """)
    con.execute("""
        UPDATE quotes SET speaker_entity_id = r.new_id FROM relink r
        WHERE quotes.article_id = r.article_id AND quotes.speaker_entity_id = r.old_id
    """)
    con.execute("""
        UPDATE quotes SET speaker_affiliation_entity_id = r.new_id FROM relink r
        WHERE quotes.article_id = r.article_id AND quotes.speaker_affiliation_entity_id = r.old_id
    """)
    con.execute("""
        UPDATE entity_occurrences SET entity_id = r.new_id FROM relink r
        WHERE entity_occurrences.article_id = r.article_id
          AND entity_occurrences.entity_id = r.old_id AND entity_occurrences.label = 'PERSON'
    """)
    return [r[0] for r in changed]


def unresolve_mismatched_pronouns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """A "he" or "she" speaker resolved to a person whose gender, across the warehouse, is the
    other one is unresolved: the article could not tell (tasks/nlp/gender.py found no
    evidence there), the other articles can. The entity ids whose quotes changed."""
    male = ", ".join(f"'{p}'" for p in sorted(MALE_PRONOUNS))
    female = ", ".join(f"'{p}'" for p in sorted(FEMALE_PRONOUNS))

    def mismatch(quotes: str) -> str:
        return (
            f"(lower({quotes}.speaker_text) IN ({male}) AND e.gender = 'female') "
            f"OR (lower({quotes}.speaker_text) IN ({female}) AND e.gender = 'male')"
        )

    changed = con.execute(f"""
        SELECT DISTINCT e.entity_id
        FROM quotes q JOIN entities e ON e.entity_id = q.speaker_entity_id
        WHERE {mismatch("q")}
    """).fetchall()
    if changed:
        con.execute(f"""
            UPDATE quotes SET speaker_entity_id = NULL, speaker_name = NULL FROM entities e
            WHERE quotes.speaker_entity_id = e.entity_id AND ({mismatch("quotes")})
        """)
    return [r[0] for r in changed]


def resolve_identities(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Everything the load does for one entity per person: link the people of all articles,
    roll ``entities`` up, unresolve pronouns of the wrong gender, and give quotes their
    entity's name. The speaker entity ids whose quotes changed (their utterances are
    re-clustered)."""
    changed = link_people(con)
    rebuild_entities(con)
    changed += unresolve_mismatched_pronouns(con)
    rename_speakers(con)
    return sorted(set(changed))


def rename_speakers(con: duckdb.DuckDBPyConnection) -> None:
    """``quotes.speaker_name`` is the name of the speaker's entity (rebuilt just before), so
    ``WHERE speaker_name = 'Donald Trump'`` finds the quotes of every article that called him
    "Donald J. Trump", "Mr. Trump" or "Trump"."""
    con.execute("""
        UPDATE quotes SET speaker_name = e.name FROM entities e
        WHERE quotes.speaker_entity_id = e.entity_id
          AND quotes.speaker_name IS DISTINCT FROM e.name
    """)
    con.execute("""
        UPDATE utterances SET speaker_name = e.name FROM entities e
        WHERE utterances.speaker_entity_id = e.entity_id
          AND utterances.speaker_name IS DISTINCT FROM e.name
    """)


def _gender_case(result: str) -> str:
    """SQL for an entity's gender (``result='gender'``) or its evidence (``'evidence'``) from
    its occurrences: honorifics first, then pronouns, each deciding when one side holds
    ``MAJORITY`` of the occurrences that give one (as ``tasks.nlp.gender.decide`` does within
    an article)."""
    arms = []
    for evidence in ("honorific", "pronoun"):
        given = (
            f"count(*) FILTER (WHERE gender_evidence = '{evidence}' "
            "AND gender IN ('male', 'female'))"
        )
        for side in ("male", "female"):
            votes = f"count(*) FILTER (WHERE gender_evidence = '{evidence}' AND gender = '{side}')"
            value = side if result == "gender" else evidence
            arms.append(f"WHEN {given} > 0 AND {votes} >= {MAJORITY:.6f} * {given} THEN '{value}'")
    return (
        "CASE WHEN any_value(label) <> 'PERSON' THEN NULL " + " ".join(arms) + " ELSE 'unknown' END"
    )


# How each column of `entities` rolls up from `entity_occurrences`, by name; `chosen_name` is
# the name picked per entity (``rebuild_entities``).
ENTITY_ROLLUP = {
    "entity_id": "entity_id",
    "name": "chosen_name",
    "label": "any_value(label)",
    "aliases": "list_sort(list_filter(list_distinct(flatten(list(aliases)) || list(name)), "
    "a -> a <> chosen_name))",
    "roles": "list_sort(list_distinct(flatten(list(roles))))",
    "n_articles": "count(DISTINCT article_id)::INTEGER",
    "n_mentions": "sum(n_mentions)::INTEGER",
    "gender": _gender_case("gender"),
    "gender_evidence": _gender_case("evidence"),
}


def rebuild_entities(con: duckdb.DuckDBPyConnection) -> None:
    """entities = the roll-up of entity_occurrences over the whole warehouse.

    The name is the one most of the entity's articles give, among its full names when it has
    any (a person linked from bare surnames keeps "Donald Trump", not "Trump"); a tie goes to
    the fullest form (more words, then more letters), then to the first in code-point order, so
    "US" and "us" resolve the same way in every run."""
    names = ENTITIES.schema.names
    if sorted(ENTITY_ROLLUP) != sorted(names):
        raise ValueError(f"ENTITY_ROLLUP {sorted(ENTITY_ROLLUP)} does not cover entities {names}")
    cols = ", ".join(f'"{n}"' for n in names)
    picks = ", ".join(f'{ENTITY_ROLLUP[n]} AS "{n}"' for n in names)
    con.execute("DELETE FROM entities")
    con.execute(f"""
        INSERT INTO entities ({cols})
        WITH forms AS (
            SELECT entity_id, name, count(*) AS n,
                   len(string_split(name, ' ')) AS words
            FROM entity_occurrences GROUP BY entity_id, name),
        chosen AS (
            SELECT entity_id,
                   first(name ORDER BY words >= 2 DESC, n DESC, words DESC, length(name) DESC,
                         name) AS chosen_name
            FROM forms GROUP BY entity_id)
        SELECT {picks} FROM entity_occurrences JOIN chosen USING (entity_id)
        GROUP BY entity_id, chosen_name
    """)
