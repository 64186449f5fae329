"""What every blob store must do — content-addressed by SHA-256, never overwritten, size-limited —
run on the filesystem (embedded), MinIO and SeaweedFS (real servers, ``tests/servers``); then the
presigned downloads that only the S3 adapter offers.

Every test on a server gets a bucket of its own, with versioning on: a rewrite of an object would
leave a second version behind, which is how "never overwritten" is observed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import httpx
import pytest
from minio.commonconfig import ENABLED
from minio.versioningconfig import VersioningConfig

from documents.blobs import BlobStore, FilesystemBlobStore, sha256_hex
from documents.errors import InvalidInputError, NotFoundError, PayloadTooLargeError
from eoffice.adapters.s3_blobs import S3BlobStore, object_name
from eoffice.bootstrap import build_blob_store
from eoffice.settings import Settings
from tests.servers.s3 import S3Server

MAX_BYTES = 256 * 1024
SERVERS = ["minio", "seaweedfs"]


@dataclass
class Subject:
    """A store under test and a probe that changes whenever a stored object is written again."""

    store: BlobStore
    writes_of: Callable[[str], object]


def on_server(request: pytest.FixtureRequest, name: str) -> tuple[S3BlobStore, S3Server]:
    server = cast(S3Server, request.getfixturevalue(f"{name}_server"))
    bucket = f"test-{secrets.token_hex(8)}"
    store = S3BlobStore(
        server.endpoint, server.access_key, server.secret_key, bucket, False, MAX_BYTES
    )
    store.client.set_bucket_versioning(bucket, VersioningConfig(ENABLED))
    return store, server


def s3_versions(store: S3BlobStore) -> Callable[[str], object]:
    def versions(sha256: str) -> object:
        listed = store.client.list_objects(
            store.bucket, prefix=object_name(sha256), include_version=True
        )
        return sorted(str(item.version_id) for item in listed)

    return versions


def file_identity(root: Path) -> Callable[[str], object]:
    def identity(sha256: str) -> object:
        status = os.stat(root / sha256[:2] / sha256[2:4] / sha256)
        return (status.st_ino, status.st_mtime_ns)

    return identity


@pytest.fixture(params=["filesystem", *SERVERS])
def subject(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Subject]:
    if request.param == "filesystem":
        root = tmp_path / "blobs"
        yield Subject(FilesystemBlobStore(root, MAX_BYTES), file_identity(root))
        return
    store, _ = on_server(request, request.param)
    yield Subject(store, s3_versions(store))


@pytest.fixture(params=SERVERS)
def s3_store(request: pytest.FixtureRequest) -> S3BlobStore:
    return on_server(request, request.param)[0]


def some_bytes(size: int = 10_000) -> bytes:
    return b"%PDF-1.7 " + os.urandom(size - 9)


class TestBlobStoreContract:
    def test_bytes_come_back_under_their_sha256(self, subject: Subject) -> None:
        data = some_bytes()
        digest = subject.store.put(data)
        assert digest == sha256_hex(data)
        assert subject.store.exists(digest)
        assert subject.store.get(digest) == data

    def test_the_same_bytes_twice_are_stored_once(self, subject: Subject) -> None:
        data = some_bytes()
        first = subject.store.put(data)
        written = subject.writes_of(first)
        second = subject.store.put(data)
        assert second == first
        assert subject.writes_of(first) == written  # not written again
        assert subject.store.get(first) == data

    def test_other_bytes_never_replace_stored_ones(self, subject: Subject) -> None:
        files = [some_bytes(1_000 + i) for i in range(5)]
        digests = [subject.store.put(data) for data in files]
        assert len(set(digests)) == len(files)
        assert [subject.store.get(digest) for digest in digests] == files

    def test_the_size_limit_is_enforced(self, subject: Subject) -> None:
        too_large = b"x" * (MAX_BYTES + 1)
        with pytest.raises(PayloadTooLargeError) as refused:
            subject.store.put(too_large)
        assert "quá lớn" in refused.value.message_vi
        assert "too large" in refused.value.message_en
        assert not subject.store.exists(sha256_hex(too_large))
        largest = b"y" * MAX_BYTES
        assert subject.store.get(subject.store.put(largest)) == largest

    def test_an_empty_file_is_refused(self, subject: Subject) -> None:
        with pytest.raises(InvalidInputError, match="rỗng"):
            subject.store.put(b"")

    def test_a_missing_file_is_not_found(self, subject: Subject) -> None:
        digest = sha256_hex(b"never stored " + os.urandom(8))
        assert not subject.store.exists(digest)
        with pytest.raises(NotFoundError, match="Không tìm thấy tệp"):
            subject.store.get(digest)

    @pytest.mark.parametrize(
        "key",
        [
            "",
            "abc",
            "A" * 64,
            "g" * 64,
            "0" * 63,
            "0" * 65,
            "../" * 21 + "x",
            "sha256/" + "0" * 64,
            "0" * 62 + "/.",
        ],
    )
    def test_a_malformed_key_is_not_found(self, subject: Subject, key: str) -> None:
        with pytest.raises(NotFoundError):
            subject.store.get(key)


class TestPresignedDownloads:
    def test_a_presigned_url_downloads_the_bytes(self, s3_store: S3BlobStore) -> None:
        data = some_bytes()
        digest = s3_store.put(data)
        url = s3_store.presigned_get_url(digest, timedelta(minutes=5))
        response = httpx.get(url)
        assert response.status_code == 200
        assert response.content == data

    def test_an_expired_url_is_refused(self, s3_store: S3BlobStore) -> None:
        digest = s3_store.put(some_bytes())
        issued_at = datetime.now(UTC) - timedelta(minutes=10)
        url = s3_store.presigned_get_url(digest, timedelta(minutes=1), issued_at=issued_at)
        response = httpx.get(url)
        assert response.status_code == 403
        assert b"expired" in response.content.lower()

    def test_a_url_opens_only_its_own_file(self, s3_store: S3BlobStore) -> None:
        mine, other = s3_store.put(some_bytes()), s3_store.put(some_bytes())
        url = s3_store.presigned_get_url(mine, timedelta(minutes=5))
        assert httpx.get(url.replace(mine, other)).status_code == 403

    def test_no_url_for_a_missing_file(self, s3_store: S3BlobStore) -> None:
        with pytest.raises(NotFoundError):
            s3_store.presigned_get_url(sha256_hex(b"absent"), timedelta(minutes=5))


@pytest.mark.parametrize("name", SERVERS)
def test_the_settings_choose_the_s3_store(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    server = cast(S3Server, request.getfixturevalue(f"{name}_server"))
    bucket = f"settings-{secrets.token_hex(6)}"
    settings = Settings(
        data_dir=tmp_path,
        blob_store="s3",
        s3_endpoint=server.endpoint,
        s3_access_key=server.access_key,
        s3_secret_key=server.secret_key,
        s3_bucket=bucket,
        s3_secure=False,
        max_upload_bytes=MAX_BYTES,
    )
    store = build_blob_store(settings)
    assert isinstance(store, S3BlobStore)
    assert server.client().bucket_exists(bucket)
    digest = store.put(b"%PDF-1.7 settings")
    assert store.get(digest) == b"%PDF-1.7 settings"
    assert not (tmp_path / "blobs").exists()
