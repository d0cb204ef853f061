"""Dates: when an article was published and when each quote was said."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tasks.model import Quote, SaidOn


def said_on(doc: Any, quote: Quote, published_at: datetime | None) -> SaidOn:
    """When ``quote`` was said. Without a time expression, the publication date, marked so."""
    if published_at is None:
        return SaidOn(None, None, "unknown", "unknown")
    return SaidOn(published_at.date(), None, "day", "published")
