"""Where the reader is in a source, as one small frozen value passed down the formats.

Every record and every reject the reader yields names its source (``uri``) and its place inside
it (a locator such as ``member:a.zip/member:b.jsonl/line:3``); archive readers also need how
deep they are and the budget the whole source shares. ``Where`` carries the four together and
makes the rows, so no reader builds a ``Reject`` or a ``RawRecord`` by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from schemas.vocab import RejectStage
from tasks.ingest.archive_safety import Budget
from tasks.ingest.formats import decode
from tasks.model import RawRecord, Reject

Item = RawRecord | Reject


@dataclass(frozen=True)
class Where:
    """A place in a source: its URI, the locator inside it ("" for the source itself), the
    number of containers above it, and the source's budget (one object shared by every level)."""

    uri: str
    budget: Budget
    locator: str = ""
    depth: int = 0

    @property
    def loc(self) -> str:
        """The locator a row carries: ``file`` for the source itself."""
        return self.locator or "file"

    def child(self, part: str = "") -> Where:
        """One level down: a member, a line or a record (``part`` joined to the locator with
        ``/``), or with no ``part`` a decompressed stream at the same place."""
        if not part:
            locator = self.locator
        elif self.locator:
            locator = f"{self.locator}/{part}"
        else:
            locator = part
        return replace(self, locator=locator, depth=self.depth + 1)

    def reject(self, reason: str, stage: RejectStage = "read") -> Reject:
        return Reject(self.uri, self.loc, stage, reason)

    def record(self, kind: str, content: str, meta: dict[str, Any] | None = None) -> RawRecord:
        return RawRecord(self.uri, self.loc, kind, content, meta if meta is not None else {})


def text_or_reject(data: bytes, where: Where) -> str | Reject:
    """The bytes of a record as text, or the reject saying why they are not text."""
    text = decode(data)
    if text is None:
        return where.reject("undecodable bytes: no text encoding fits")
    if "\x00" in text:
        return where.reject("binary content (NUL bytes), not text")
    return text
