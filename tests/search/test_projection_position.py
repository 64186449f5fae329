"""The projection's position is kept in the index it describes, on both engines: an index that is
lost and created again (a deleted directory, a new Elasticsearch cluster or alias) is filled
from the first event, whatever the web host remembers; one that is kept resumes where it was."""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from search.elasticsearch_index import ElasticsearchSearchIndex
from search.port import SearchIndex, SearchScope
from search.projection import SearchProjection
from search.query import SearchQuery
from search.tantivy_index import TantivySearchIndex
from tests.documents.builders import office, with_tree
from tests.search.test_reorganisation_reindex import issue_plan
from tests.servers.elasticsearch import ElasticsearchServer

EVERYWHERE = SearchScope(unit_ids=[], everything=True)
Adapter = TantivySearchIndex | ElasticsearchSearchIndex


class Place:
    """Where an index lives: opens adapters over it, and loses it (as an operator or a new
    cluster would)."""

    def __init__(self, open_index: Callable[[], Adapter], lose: Callable[[], None]) -> None:
        self._open_index = open_index
        self._lose = lose
        self.opened: list[Adapter] = []

    def open(self) -> SearchIndex:
        index = self._open_index()
        self.opened.append(index)
        return index

    def lose(self) -> None:
        for index in self.opened:
            index.close()
        self.opened.clear()
        self._lose()


def removed(directory: Path) -> None:
    """Delete `directory`, as an operator would. A closed tantivy index's reader may still take
    its meta lock (a file) once as its watcher thread stops: then the removal is tried again."""
    for _ in range(20):
        try:
            shutil.rmtree(directory)
            return
        except OSError:
            time.sleep(0.1)
    shutil.rmtree(directory)


@pytest.fixture(params=["tantivy", "elasticsearch"])
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Place]:
    if request.param == "tantivy":
        directory = tmp_path / "index"
        where = Place(lambda: TantivySearchIndex(directory), lambda: removed(directory))
    else:
        server: ElasticsearchServer = request.getfixturevalue("elasticsearch_server")
        alias = f"position-{uuid.uuid4().hex[:8]}"

        def drop() -> None:
            with ElasticsearchSearchIndex(server.url, alias) as index:
                index.drop()

        where = Place(lambda: ElasticsearchSearchIndex(server.url, alias), drop)
    try:
        yield where
    finally:
        where.lose()


def test_a_new_index_has_no_position_and_a_reopened_one_keeps_it(place: Place) -> None:
    index = place.open()
    assert index.recorded_position() == 0
    index.record_position(42)
    assert index.recorded_position() == 42
    assert place.open().recorded_position() == 42  # another process, or after a restart
    index.record_position(0)  # a restart of the projection
    assert place.open().recorded_position() == 0


def test_an_index_lost_and_created_again_is_filled_from_the_first_event(
    tmp_path: Path, place: Place
) -> None:
    app = office(tmp_path)
    ids = with_tree(app)
    plan = str(issue_plan(app, ids, "base-a1", ["upper-a1"]))
    app.refresh_views()
    assert SearchProjection(place.open()).catch_up(app) == 1
    assert SearchProjection(place.open()).catch_up(app) == 0  # resumes where it was

    place.lose()
    index = place.open()
    assert index.count() == 0
    assert SearchProjection(index).catch_up(app) == 1
    assert [
        hit.document_id for hit in index.find(SearchQuery("chuyen doi so"), EVERYWHERE).hits
    ] == [plan]
    last = app.notifications.select_notifications(1, 10_000)[-1].id
    assert index.recorded_position() == last


def test_reindexing_elasticsearch_carries_the_position_to_the_new_version(
    elasticsearch_server: ElasticsearchServer,
) -> None:
    alias = f"position-{uuid.uuid4().hex[:8]}"
    client = Elasticsearch(elasticsearch_server.url)
    with ElasticsearchSearchIndex(elasticsearch_server.url, alias) as index:
        try:
            old = index.current_index()
            index.record_position(7)
            new = index.reindex()
            assert new != old and index.recorded_position() == 7
            assert not client.exists(index=f"{alias}-positions", id=old)  # no stale positions
        finally:
            index.drop()
            assert not client.indices.exists(index=f"{alias}-positions")
            client.close()
