"""Utterances: the same words from the same speaker, reported by many outlets, as one record.

Quotebank's quotation-centric view: a quote found in twenty articles is one utterance with twenty
mentions, a first date and a count of outlets. ``cluster_utterances`` is a pure function over Arrow
tables; it groups by speaker first and compares texts only within a speaker, so its cost is
linear in the number of quotes plus the pairs inside each speaker's candidate lists.

Two quotes of one speaker are the same utterance when their normalised texts (case, punctuation,
curly and straight quotes, dashes and spaces folded) are
  1. equal; or
  2. one contained in the other, word-aligned, and the shorter has at least
     ``MIN_CONTAINED_WORDS`` words (a trimmed version: outlets cut quotes at both ends); or
  3. similar: Jaccard similarity of their word-bigram sets at least ``MIN_JACCARD`` (lightly
     edited versions: a word changed, added or dropped).
Clusters are the connected components of that relation (single linkage).

Candidate pairs come from an exact prefix filter (the AllPairs algorithm of Bayardo et al., 2007),
not from MinHash: with each text's bigrams sorted rarest first, two sets with Jaccard >= t must
share one of the first ``|s| - ceil(t * |s|) + 1`` bigrams of either, and a contained text shares
its rarest bigram with its container. So no pair above the thresholds is missed, and the result
does not depend on random seeds.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from schemas.tables import ARTICLES, QUOTES, UTTERANCES

# A trimmed quote joins its longer version when it keeps at least this many words. Below it,
# fragments like "a total disaster" or "we will win" recur across a politician's different
# speeches; six words was the shortest trimmed version in the cases of tests/test_utterances.py
# that is still specific to one utterance.
MIN_CONTAINED_WORDS = 6
# One word changed in a 10-word quote leaves 7 of 11 distinct word bigrams shared (Jaccard 0.64);
# the threshold sits just below that, so a one-word edit joins from ten words up and a two-word
# edit from about twenty.
MIN_JACCARD = 0.6

# What cluster_utterances reads: the quotes joined to their articles' dates and outlets, and the
# copies of each article (view ``article_copies``: the article and its duplicates, one key, outlet
# and publication time per copy). A quote whose copy lists are null is carried by its article alone.
_FROM_QUOTES = (
    "quote_id",
    "article_id",
    "speaker_entity_id",
    "speaker_name",
    "quote_text",
    "said_on",
)
QUOTES_IN = pa.schema(
    [
        *(QUOTES.schema.field(name) for name in _FROM_QUOTES),
        ARTICLES.schema.field("published_at"),
        ARTICLES.schema.field("outlet"),
        pa.field("copy_keys", pa.list_(pa.string())),
        pa.field("copy_outlets", pa.list_(ARTICLES.schema.field("outlet").type)),
        pa.field("copy_published_at", pa.list_(ARTICLES.schema.field("published_at").type)),
    ]
)
ASSIGNMENT_SCHEMA = pa.schema(
    [QUOTES.schema.field("quote_id"), QUOTES.schema.field("utterance_id")]
)

_CURLY = (
    ("[\u2018\u2019\u201a\u201b\u2032]", "'"),
    ("[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]", '"'),
    ("[\u2013\u2014\u2212]", "-"),
)


def normalise_texts(texts: pa.Array | pa.ChunkedArray) -> list[str]:
    """Lower case words separated by single spaces: NFKC, curly quotes and dashes folded,
    punctuation dropped, apostrophes inside words kept ("don't"). Vectorised in Arrow (RE2)."""
    folded = pc.utf8_normalize(pc.fill_null(texts, ""), "NFKC")
    for curly, straight in _CURLY:
        folded = pc.replace_substring_regex(folded, curly, straight)
    spaced = pc.replace_substring_regex(pc.utf8_lower(folded), r"[^\pL\pN_']+", " ")
    spaced = pc.replace_substring_regex(spaced, r"'+( |$)", " ")
    spaced = pc.replace_substring_regex(spaced, r"(^| )'+", " ")
    squeezed = pc.replace_substring_regex(spaced, r" +", " ")
    return pc.utf8_trim(squeezed, " ").to_pylist()  # type: ignore[no-any-return]


def normalise_text(text: str | None) -> str:
    """``normalise_texts`` for one text."""
    return normalise_texts(pa.array([text], pa.string()))[0]


def _key(entity_id: str | None, normalised_name: str) -> str | None:
    if entity_id:
        return f"e:{entity_id}"
    return f"n:{normalised_name}" if normalised_name else None


def utterance_id(key: str, canonical_normalised: str) -> str:
    """Stable id: a hash of the speaker key and the earliest member's normalised text."""
    digest = hashlib.sha1(f"{key}\x1f{canonical_normalised}".encode()).hexdigest()
    return f"u_{digest[:20]}"


def _bigrams(words: Sequence[str]) -> set[str]:
    if len(words) < 2:
        return {" ".join(words)}
    return {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def group_near_duplicates(texts: Sequence[str]) -> list[int]:
    """For distinct normalised texts of one speaker, the index of each one's cluster root."""
    size = len(texts)
    clusters = _UnionFind(size)
    if size < 2:
        return [0] * size
    words = [text.split() for text in texts]
    shingles = [_bigrams(w) for w in words]
    frequency: dict[str, int] = defaultdict(int)
    for shingle_set in shingles:
        for shingle in shingle_set:
            frequency[shingle] += 1
    ordered = [sorted(s, key=lambda g: (frequency[g], g)) for s in shingles]
    postings: dict[str, list[int]] = defaultdict(list)
    for index, shingle_set in enumerate(shingles):
        for shingle in shingle_set:
            postings[shingle].append(index)
    padded = [f" {text} " for text in texts]

    for index in range(size):
        own = shingles[index]
        prefix = len(own) - math.ceil(MIN_JACCARD * len(own)) + 1
        candidates: set[int] = set()
        for shingle in ordered[index][:prefix]:
            candidates.update(postings[shingle])
        for other in candidates:
            # Both directions are checked: a contained text finds its container through its own
            # rarest bigram, whichever of the two comes first.
            if other == index or clusters.find(other) == clusters.find(index):
                continue
            if _same_utterance(index, other, words, shingles, padded):
                clusters.union(index, other)
    return [clusters.find(i) for i in range(size)]


def _same_utterance(
    a: int, b: int, words: list[list[str]], shingles: list[set[str]], padded: list[str]
) -> bool:
    short, long = (a, b) if len(words[a]) <= len(words[b]) else (b, a)
    if len(words[short]) >= MIN_CONTAINED_WORDS and padded[short] in padded[long]:
        return True
    union = len(shingles[a] | shingles[b])
    return union > 0 and len(shingles[a] & shingles[b]) / union >= MIN_JACCARD


def cluster_utterances(quotes: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Group quotes into utterances.

    ``quotes`` has the columns of ``QUOTES_IN``. Returns ``(assignments, utterances)``: one
    (quote_id, utterance_id) row per quote, and one ``utterances`` row per utterance with its
    canonical text (the earliest member's words: earliest said_on, then published_at, then
    quote_id), first dates and counts. Quotes without any speaker key stay single utterances.
    """
    n = quotes.num_rows
    if n == 0:
        return ASSIGNMENT_SCHEMA.empty_table(), UTTERANCES.schema.empty_table()
    quote_ids = quotes.column("quote_id").to_pylist()
    entity_ids = quotes.column("speaker_entity_id").to_pylist()
    names = quotes.column("speaker_name").to_pylist()
    texts = quotes.column("quote_text").to_pylist()
    normalised = normalise_texts(quotes.column("quote_text"))
    # All names in one vectorised pass: normalise_text is one Arrow call, with a fixed cost
    # (~5 ms when profiled) that would be paid once per quote.
    keys = [
        _key(entity, name)
        for entity, name in zip(
            entity_ids, normalise_texts(quotes.column("speaker_name")), strict=True
        )
    ]

    # Earliest first: said_on, then published_at, then quote_id (nulls last), for canonical texts.
    order = pc.sort_indices(
        pa.table(
            {
                "said_on": quotes.column("said_on"),
                "published_at": quotes.column("published_at"),
                "quote_id": quotes.column("quote_id"),
            }
        ),
        sort_keys=[("said_on", "ascending", "at_end"), ("published_at", "ascending", "at_end"),
                   ("quote_id", "ascending", "at_end")],
    ).to_pylist()  # fmt: skip
    rank = [0] * n
    for position, row in enumerate(order):
        rank[row] = position

    # Speaker -> distinct normalised text -> rows, in earliest-first order.
    by_speaker: dict[str, dict[str, list[int]]] = defaultdict(dict)
    unkeyed: list[int] = []
    for row in order:
        key = keys[row]
        if key is None or not normalised[row]:
            unkeyed.append(row)
            continue
        by_speaker[key].setdefault(normalised[row], []).append(row)

    member_rows: list[list[int]] = []
    member_keys: list[str] = []
    for key, text_rows in by_speaker.items():
        distinct = list(text_rows)  # first-seen order: earliest member first
        roots = group_near_duplicates(distinct)
        groups: dict[int, list[int]] = {}
        for text, root in zip(distinct, roots, strict=True):
            groups.setdefault(root, []).extend(text_rows[text])
        for rows in groups.values():
            member_rows.append(sorted(rows, key=rank.__getitem__))
            member_keys.append(key)
    for row in unkeyed:
        member_rows.append([row])
        member_keys.append(f"q:{quote_ids[row]}")

    assignment_ids = [""] * n
    utterance_ids = []
    for key, rows in zip(member_keys, member_rows, strict=True):
        earliest = rows[0]
        ident = utterance_id(key, normalised[earliest] or texts[earliest] or "")
        utterance_ids.append(ident)
        for row in rows:
            assignment_ids[row] = ident

    assignments = pa.table(
        {"quote_id": pa.array(quote_ids, pa.string()), "utterance_id": assignment_ids},
        schema=ASSIGNMENT_SCHEMA,
    )
    utterances = _summarise(quotes, member_rows, utterance_ids, entity_ids, names, texts)
    return assignments, utterances


def _summarise(
    quotes: pa.Table,
    member_rows: list[list[int]],
    utterance_ids: list[str],
    entity_ids: list[str | None],
    names: list[str | None],
    texts: list[str | None],
) -> pa.Table:
    said = quotes.column("said_on").to_pylist()
    published = quotes.column("published_at").cast(pa.timestamp("us", tz="UTC")).to_pylist()
    articles = quotes.column("article_id").to_pylist()
    outlets = quotes.column("outlet").to_pylist()
    # Each quote's carriers: every copy of its article, or the article alone.
    copy_keys, copy_outlets, copy_published = _copies(quotes, articles, outlets, published)

    def first(values: Iterable[object]) -> object:
        present = [v for v in values if v is not None]
        return min(present) if present else None  # type: ignore[type-var]

    columns: dict[str, list[object]] = {name: [] for name in UTTERANCES.schema.names}
    for ident, rows in zip(utterance_ids, member_rows, strict=True):
        earliest = rows[0]
        entity = next((entity_ids[r] for r in rows if entity_ids[r]), None)
        columns["utterance_id"].append(ident)
        columns["speaker_entity_id"].append(entity)
        columns["speaker_name"].append(names[earliest])
        columns["canonical_text"].append(texts[earliest])
        columns["first_said_on"].append(first(said[r] for r in rows))
        columns["first_published_at"].append(first(p for r in rows for p in copy_published[r]))
        columns["n_quotes"].append(len(rows))
        columns["n_articles"].append(len({k for r in rows for k in copy_keys[r] if k is not None}))
        columns["n_outlets"].append(
            len({o for r in rows for o in copy_outlets[r] if o is not None})
        )
    table = pa.table(columns, schema=UTTERANCES.schema)
    return table.sort_by([("utterance_id", "ascending")])


def _copies(
    quotes: pa.Table,
    articles: list[str | None],
    outlets: list[str | None],
    published: list[object],
) -> tuple[list[list[str | None]], list[list[str | None]], list[list[object]]]:
    """Per quote: the keys, outlets and publication times of every copy of its article, or of
    the article alone when the input lists no copies."""
    names = quotes.schema.names

    def column(name: str, cast: pa.DataType | None = None) -> list[list[object] | None]:
        if name not in names:
            return [None] * quotes.num_rows
        values = quotes.column(name)
        return (values.cast(cast) if cast is not None else values).to_pylist()

    keys = column("copy_keys")
    outs = column("copy_outlets")
    pubs = column("copy_published_at", pa.list_(pa.timestamp("us", tz="UTC")))
    own = [keys[r] is None for r in range(quotes.num_rows)]
    return (
        [[articles[r]] if own[r] else keys[r] for r in range(quotes.num_rows)],  # type: ignore[misc]
        [[outlets[r]] if own[r] else outs[r] or [] for r in range(quotes.num_rows)],  # type: ignore[misc]
        [[published[r]] if own[r] else pubs[r] or [] for r in range(quotes.num_rows)],  # type: ignore[misc]
    )
