"""The knowledge base: lessons from past incidents, kept in the store (Collection.KNOWLEDGE).

Entries are searchable by service, by fault signature and by free-text words. Services and
tags are stored lower-case and signatures normalised, so lookups are case-insensitive. A
search ranks entries by how many distinct query words they contain, newest first on ties.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.evolution.recurrence import normalise_signature
from aref.store import Collection, Repository, Store

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class KnowledgeEntry:
    id: str
    incident_id: str
    service: str
    fault_signature: str
    title: str
    lesson: str
    tags: tuple[str, ...]
    created_at: float

    def __post_init__(self) -> None:
        for name in ("id", "service", "title", "lesson"):
            if not str(getattr(self, name)).strip():
                raise InvalidInputError(name, "must not be empty")

    @property
    def searchable(self) -> set[str]:
        return words(" ".join((self.service, self.fault_signature, self.title, self.lesson, *self.tags)))


class KnowledgeBase:
    def __init__(self, store: Store) -> None:
        self._repo: Repository[KnowledgeEntry] = Repository(store, Collection.KNOWLEDGE, KnowledgeEntry)

    def add(self, entry: KnowledgeEntry) -> KnowledgeEntry:
        """Store ``entry`` (service and tags lower-cased, signature normalised); ids are unique."""
        if self._repo.find(entry.id) is not None:
            raise ConflictError(f"knowledge entry {entry.id} already exists")
        clean = dataclasses.replace(
            entry,
            service=entry.service.strip().lower(),
            fault_signature=normalise_signature(entry.fault_signature) if entry.fault_signature.strip() else "",
            tags=tuple(dict.fromkeys(t.strip().lower() for t in entry.tags if t.strip())),
        )
        return self._repo.save(clean)

    def find(self, entry_id: str) -> KnowledgeEntry | None:
        return self._repo.find(entry_id)

    def get(self, entry_id: str) -> KnowledgeEntry:
        found = self._repo.find(entry_id)
        if found is None:
            raise NotFoundError("knowledge entry", entry_id)
        return found

    def all(self) -> list[KnowledgeEntry]:
        return self._repo.all()

    def __len__(self) -> int:
        return len(self._repo.all())

    def by_service(self, service: str) -> list[KnowledgeEntry]:
        return self._repo.where({"service": service.strip().lower()})

    def by_signature(self, signature: str) -> list[KnowledgeEntry]:
        return self._repo.where({"fault_signature": normalise_signature(signature)})

    def search(self, text: str, limit: int = 20) -> list[KnowledgeEntry]:
        """Entries containing any word of ``text``, most matching words first."""
        query = words(text)
        if not query:
            raise InvalidInputError("query", "needs at least one word")
        if limit < 1:
            raise InvalidInputError("limit", "must be >= 1")
        scored = [(len(query & e.searchable), e) for e in self._repo.all()]
        hits = sorted(((s, e) for s, e in scored if s), key=lambda se: (-se[0], -se[1].created_at, se[1].id))
        return [e for _, e in hits[:limit]]
