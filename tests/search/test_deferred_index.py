"""The index opened late (`search.deferred_index`): unavailable until its opener succeeds, tried
at most once per retry interval, told to `on_open` once, then every call goes to it. The opened
index is a real tantivy index."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from search.deferred_index import DeferredSearchIndex
from search.port import SearchIndex, SearchScope, SearchUnavailableError
from search.query import SearchQuery
from search.tantivy_index import TantivySearchIndex
from tests.search.builders import make_document

EVERYWHERE = SearchScope(unit_ids=[], everything=True)


def test_calls_wait_for_the_index_to_open_then_go_to_it(tmp_path: Path) -> None:
    tries: list[float] = []
    opened_with: list[SearchIndex] = []
    answering = False

    def open_index() -> SearchIndex:
        tries.append(time.monotonic())
        if not answering:
            raise SearchUnavailableError("not yet")
        return TantivySearchIndex(tmp_path / "index")

    deferred = DeferredSearchIndex(open_index, opened_with.append, retry_seconds=0.2)
    with pytest.raises(SearchUnavailableError):
        deferred.upsert([make_document("d1", subject="Hội nghị")])
    with pytest.raises(SearchUnavailableError):  # within the interval: not tried again
        deferred.find(SearchQuery(text="hoi nghi"), EVERYWHERE)
    assert len(tries) == 1 and deferred.opened is None
    answering = True
    time.sleep(0.25)
    deferred.upsert([make_document("d1", subject="Hội nghị")])
    assert [hit.document_id for hit in deferred.search("hoi nghi", EVERYWHERE)] == ["d1"]
    assert len(tries) == 2 and opened_with == [deferred.opened] and deferred.count() == 1
    assert [hit.document_id for hit in deferred.scan(SearchQuery(text="hoi nghi"), EVERYWHERE)]
    deferred.delete("d1")
    assert deferred.find(SearchQuery(text="hoi nghi"), EVERYWHERE).total == 0
    deferred.close()
