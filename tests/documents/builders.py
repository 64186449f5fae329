"""An ``OfficeApplication`` on a temporary SQLite store (or the event store ``env`` names), with a
small tree and accounts."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from documents.accounts import Role
from documents.application import OfficeApplication
from documents.blobs import FilesystemBlobStore
from documents.policy import Actor
from documents.views import ReadModel

TREE = [
    # code, level, parent
    ("root", "national", None),
    ("prov-a", "provincial", "root"),
    ("prov-b", "provincial", "root"),
    ("upper-a1", "upper_grassroots", "prov-a"),
    ("upper-a2", "upper_grassroots", "prov-a"),
    ("base-a1", "grassroots", "upper-a1"),
]


def office(
    directory: Path, env: dict[str, str] | None = None, blobs_dir: Path | None = None
) -> OfficeApplication:
    """Read model and blobs in ``directory`` (blobs in ``blobs_dir`` if given: another worker
    of the same deployment); events there too unless ``env`` names a store."""
    if env is None:
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(directory / "ev.db"),
        }
    return OfficeApplication(
        env,
        ReadModel(directory / "views.db"),
        FilesystemBlobStore(blobs_dir or directory / "blobs", 1_000_000),
    )


def with_tree(app: OfficeApplication) -> dict[str, UUID]:
    ids = {}
    for code, level, parent in TREE:
        ids[code] = app.register_unit(
            code, f"Đơn vị {code}", f"ĐV {code}", code.upper(), level, parent, "Hà Nội"
        )
        for role in Role:
            app.open_account(
                f"{code}.{role.value}",
                f"Người {role.value}",
                ids[code],
                [role.value],
                "Chủ tịch",
                "x",
                None,
            )
    return ids


def actor(app: OfficeApplication, username: str) -> Actor:
    return app.actor_of(app.account(username))
