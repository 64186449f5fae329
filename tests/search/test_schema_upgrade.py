"""An index built by older code is upgraded when opened: tantivy's is emptied (and flagged for a
replay of the projection), Elasticsearch's is reindexed into the next version behind the alias."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import tantivy
from elasticsearch import Elasticsearch

from eoffice.bootstrap import build_runtime
from eoffice.settings import Settings
from search.elasticsearch_index import ElasticsearchSearchIndex
from search.hits import source_of
from search.port import SearchScope
from search.query import SearchQuery
from search.tantivy_index import (
    POSITION_FILE,
    SCHEMA_FILE,
    SCHEMA_VERSION,
    IndexSchemaError,
    TantivySearchIndex,
)
from tests.search.builders import make_document, utc
from tests.servers.elasticsearch import ElasticsearchServer

EVERYWHERE = SearchScope(unit_ids=[], everything=True)


def old_tantivy_index(directory: Path) -> None:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("document_id", tokenizer_name="raw")
    tantivy.Index(builder.build(), path=str(directory))


def test_tantivy_index_of_another_schema_is_replaced_when_asked(tmp_path: Path) -> None:
    directory = tmp_path / "index"
    directory.mkdir()
    old_tantivy_index(directory)
    with pytest.raises(IndexSchemaError):
        TantivySearchIndex(directory)
    with TantivySearchIndex(directory, replace_other_schema=True) as index:
        assert index.schema_changed and index.count() == 0
        index.upsert([make_document("d1")])
        assert index.count() == 1
    with TantivySearchIndex(directory) as reopened:
        assert not reopened.schema_changed and reopened.count() == 1


def test_elasticsearch_index_of_an_older_mapping_is_reindexed(
    elasticsearch_server: ElasticsearchServer,
) -> None:
    alias = f"upgrade-{uuid.uuid4().hex[:8]}"
    client = Elasticsearch(elasticsearch_server.url)
    old = make_document("d1", issuer_unit_id="u-hanoi", issued_at=utc(2025, 3, 1))
    source = source_of(old)
    del source["issuer_path_ids"]  # version 1 did not keep it
    client.indices.create(
        index=f"{alias}-v1",
        mappings={
            "_meta": {"schema": 1},
            "properties": {
                "document_id": {"type": "keyword"},
                "source": {"type": "object", "enabled": False},
            },
        },
    )
    client.index(
        index=f"{alias}-v1",
        id="d1",
        document={"document_id": "d1", "source": source},
        refresh=True,
    )
    client.indices.put_alias(index=f"{alias}-v1", name=alias, is_write_index=True)
    index = ElasticsearchSearchIndex(elasticsearch_server.url, alias)
    try:
        assert index.schema_changed
        assert index.current_index() == f"{alias}-v2"
        mapping = client.indices.get_mapping(index=index.current_index())
        assert "text_pairs" in mapping[index.current_index()]["mappings"]["properties"]
        assert not client.indices.exists(index=f"{alias}-v1")
        assert index.count() == 1
        assert [hit.document_id for hit in index.find(SearchQuery(""), EVERYWHERE).hits] == ["d1"]
        assert not ElasticsearchSearchIndex(elasticsearch_server.url, alias).schema_changed
    finally:
        index.drop()
        index.close()
        client.close()


def test_the_runtime_replays_the_projection_into_a_replaced_index(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    directory = settings.search_dir / "tantivy"
    directory.mkdir(parents=True)
    old_tantivy_index(directory)
    (directory / POSITION_FILE).write_text("42")
    legacy = settings.search_dir / "position"  # where older versions kept it
    legacy.write_text("42")
    runtime = build_runtime(settings)
    try:
        assert runtime.search.position() == 0  # every event is replayed into the new index
        assert not legacy.exists()
    finally:
        close = getattr(runtime.search_index, "close", None)
        if close is not None:
            close()


def test_tantivy_index_of_an_older_version_is_replaced_when_asked(tmp_path: Path) -> None:
    """Same fields, older meaning (e.g. before the tie-break keys): the recorded version says."""
    directory = tmp_path / "index"
    with TantivySearchIndex(directory) as index:
        index.upsert([make_document("d1")])
    (directory / SCHEMA_FILE).write_text(str(SCHEMA_VERSION - 1))
    with pytest.raises(IndexSchemaError):
        TantivySearchIndex(directory)
    with TantivySearchIndex(directory, replace_other_schema=True) as index:
        assert index.schema_changed and index.count() == 0
    assert (directory / SCHEMA_FILE).read_text() == str(SCHEMA_VERSION)
