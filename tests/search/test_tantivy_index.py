"""What is particular to the tantivy adapter: a directory, its writer lock, reopening."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import tantivy

from search.port import FacetValue, SearchScope
from search.query import SearchFilters, SearchQuery
from search.tantivy_index import IndexLockedError, IndexSchemaError, TantivySearchIndex
from tests.search.builders import make_document

EVERYWHERE = SearchScope(unit_ids=[], everything=True)
REPO = Path(__file__).resolve().parents[2]


def test_the_index_persists_across_reopening(tmp_path: Path) -> None:
    with TantivySearchIndex(tmp_path / "index") as index:
        index.upsert([make_document("d1", subject="Công đoàn Đà Nẵng")])

    with TantivySearchIndex(tmp_path / "index") as reopened:
        assert reopened.count() == 1
        assert [hit.document_id for hit in reopened.search("da nang", EVERYWHERE)] == ["d1"]
        reopened.upsert([make_document("d2")])  # the writer lock was released on close
        assert reopened.count() == 2


def test_objects_over_one_directory_share_one_writer(tmp_path: Path) -> None:
    first = TantivySearchIndex(tmp_path)
    second = TantivySearchIndex(tmp_path)
    try:
        first.upsert([make_document("d1")])
        second.upsert([make_document("d2")])
        first.delete("d2")
        assert first.count() == second.count() == 1
        assert [hit.document_id for hit in second.search("hoi nghi", EVERYWHERE)] == ["d1"]
    finally:
        first.close()
        second.close()


def test_concurrent_writers_in_one_process_do_not_deadlock(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            with TantivySearchIndex(tmp_path) as index:
                for n in range(5):
                    index.upsert([make_document(f"w{worker}-{n}")])
                    index.search("hoi nghi", EVERYWHERE)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    with TantivySearchIndex(tmp_path) as index:
        assert index.count() == 20


def test_commits_of_another_process_are_seen_without_reopening(tmp_path: Path) -> None:
    with TantivySearchIndex(tmp_path) as reader:
        assert reader.count() == 0
        script = textwrap.dedent(
            f"""
            from pathlib import Path
            from search.tantivy_index import TantivySearchIndex
            from tests.search.builders import make_document
            with TantivySearchIndex(Path({str(tmp_path)!r})) as writer:
                writer.upsert([make_document("from-worker", subject="Công đoàn")])
            """
        )
        subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, timeout=60)

        assert [hit.document_id for hit in reader.search("cong doan", EVERYWHERE)] == [
            "from-worker"
        ]


def test_a_writer_held_elsewhere_is_reported(tmp_path: Path) -> None:
    with TantivySearchIndex(tmp_path) as index:
        foreign = tantivy.Index.open(str(tmp_path)).writer()  # as another process would
        try:
            with pytest.raises(IndexLockedError):
                index.upsert([make_document("d1")])
            assert index.count() == 0
        finally:
            foreign.wait_merging_threads()
        index.upsert([make_document("d1")])
        assert index.count() == 1


def test_an_index_of_another_schema_is_refused(tmp_path: Path) -> None:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True)
    tantivy.Index(builder.build(), path=str(tmp_path))

    with pytest.raises(IndexSchemaError):
        TantivySearchIndex(tmp_path)


def test_a_closed_index_refuses_work(tmp_path: Path) -> None:
    index = TantivySearchIndex(tmp_path)
    index.close()
    index.close()
    with pytest.raises(RuntimeError):
        index.count()


def test_a_naive_issue_date_is_refused() -> None:
    from datetime import datetime

    with pytest.raises(ValueError, match="timezone-aware"):
        make_document("d1", issued_at=datetime(2025, 1, 1))


def test_a_failed_batch_is_rolled_back_whole(tmp_path: Path) -> None:
    with TantivySearchIndex(tmp_path) as index:
        index.upsert([make_document("kept")])
        broken = make_document("broken", party_unit_ids=[None])  # not a str: tantivy refuses it

        with pytest.raises(TypeError):
            index.upsert([make_document("half-written"), broken])

        assert index.count() == 1
        assert [hit.document_id for hit in index.search("hoi nghi", EVERYWHERE)] == ["kept"]
        index.upsert([make_document("after")])
        assert index.count() == 2


def test_issuers_sharing_a_key_are_still_counted_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.tantivy_facets
    import search.tantivy_index

    def one_key(unit_id: str) -> int:
        return 7

    monkeypatch.setattr(search.tantivy_index, "issuer_key", one_key)
    monkeypatch.setattr(search.tantivy_facets, "issuer_key", one_key)
    documents = [
        make_document(f"{unit}-{k}", issuer_unit_id=unit, issuer_path_ids=[unit, "u-tld"])
        for unit, count in (("u-a", 3), ("u-b", 2), ("u-c", 1))
        for k in range(count)
    ]
    with TantivySearchIndex(tmp_path / "index") as index:
        index.upsert(documents)
        result = index.find(SearchQuery("hoi nghi"), EVERYWHERE)
        below = SearchFilters(issuer_unit_id="u-c", issuer_subtree=True)
        alone = index.find(SearchQuery("hoi nghi", filters=below), EVERYWHERE)
    assert result.facets["issuer_unit_id"] == [
        FacetValue("u-a", 3),
        FacetValue("u-b", 2),
        FacetValue("u-c", 1),
    ]
    assert alone.facets["issuer_unit_id"] == [FacetValue("u-c", 1)]
