"""``eoffice`` command line: run, api, worker, demo, import-units, rebuild-views, verify,
export-folder, verify-archive."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from eoffice.bootstrap import ConfigurationError, build_runtime
from eoffice.settings import Settings

WORKER_HEALTHCHECK_SECONDS = 120


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eoffice", description="Công đoàn e-Office")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="the embedded stack with demo data (make run)")
    run.add_argument("--web-workers", type=int, help="web processes (EOFFICE_WEB_WORKERS, 1)")
    api = commands.add_parser("api", help="the web app and JSON API")
    api.add_argument("--host")
    api.add_argument("--port", type=int)
    api.add_argument("--web-workers", type=int, help="web processes (EOFFICE_WEB_WORKERS, 1)")
    commands.add_parser("worker", help="the Temporal worker")
    commands.add_parser("demo", help="load the demo data if not loaded yet")
    commands.add_parser("verify", help="check the event store's hash chains for tampering")
    commands.add_parser("rebuild-views", help="rebuild read models and search index from events")
    imports = commands.add_parser("import-units", help="import a union tree from a CSV file")
    imports.add_argument("file", help="UTF-8 CSV: code,name,short_name,abbreviation,level,...")
    exports = commands.add_parser("export-folder", help="export a file folder as a ZIP")
    exports.add_argument("folder_id", help="the folder's id")
    exports.add_argument("--as", dest="username", required=True, help="who exports (recorded)")
    exports.add_argument("--output", "-o", help="the ZIP to write (default: its own name)")
    checks = commands.add_parser(
        "verify-archive",
        help="check a folder export: its files, manifests and the signed manifest's signature",
    )
    checks.add_argument("target", help="the ZIP, or the folder it was unpacked into")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for chatty in CHATTY_LOGGERS:
        logging.getLogger(chatty).setLevel(logging.WARNING)
    for quiet in QUIET_LOGGERS:
        logging.getLogger(quiet).setLevel(logging.ERROR)
    try:
        settings = Settings()
        if getattr(args, "web_workers", None) is not None:
            settings = Settings(web_workers=args.web_workers)
        return _dispatch(args, settings)
    except ValidationError as error:
        print(f"Cấu hình không hợp lệ / invalid configuration:\n{error}", file=sys.stderr)
        return 2
    except ConfigurationError as error:
        print(f"Cấu hình không hợp lệ / invalid configuration: {error}", file=sys.stderr)
        return 2
    except Exception as error:
        from api.errors import unavailable_error  # the web app's reading of a store's outage

        unavailable = unavailable_error(error)
        if unavailable is None:
            raise
        print(f"{unavailable.message_vi}\n{unavailable.message_en}\n{error}", file=sys.stderr)
        return 1


CHATTY_LOGGERS = ("httpx", "fontTools", "pyhanko_certvalidator.fetchers")
"""Libraries that log every request, font subset or OCSP fetch at INFO: warnings only, so the
console of `make run` shows what the office does."""
QUIET_LOGGERS = ("elastic_transport",)
"""Errors only: Elasticsearch's client logs every request at INFO and, while the node is down,
each retry with its traceback; the web app says once that the index does not answer, and once
that it answers again (`api.app`)."""


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        from eoffice.launcher import run_embedded

        return run_embedded(settings)
    if args.command == "api":
        import uvicorn

        from eoffice.processes import web_app

        host, port = args.host or settings.api_host, args.port or settings.api_port
        if settings.web_workers == 1:
            uvicorn.run(web_app(settings), host=host, port=port, log_level="warning")
            return 0
        # several processes on one port (uvicorn's supervisor hands each the listening socket);
        # each builds its app from the same environment
        os.environ["EOFFICE_WEB_WORKERS"] = str(settings.web_workers)
        uvicorn.run(
            "eoffice.processes:web_app_from_environment",
            factory=True,
            workers=settings.web_workers,
            # a process still importing (~20–60 s on a loaded machine) is not a hung one
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            host=host,
            port=port,
            log_level="warning",
        )
        return 0
    if args.command == "worker":
        from eoffice.processes import run_worker

        asyncio.run(run_worker(settings))
        return 0
    if args.command == "demo":
        from eoffice.demo import load_demo_data

        print("loaded" if load_demo_data(build_runtime(settings)) else "already loaded")
        return 0
    if args.command == "verify":
        return verify(settings)
    if args.command == "rebuild-views":
        return rebuild_views(settings)
    if args.command == "import-units":
        return import_units(settings, args.file)
    if args.command == "export-folder":
        return export_folder(settings, args.folder_id, args.username, args.output)
    if args.command == "verify-archive":
        from eoffice.bootstrap import build_pki
        from workflow import archive_verify

        return archive_verify.main(args.target, build_pki(settings).trust_roots())
    raise AssertionError(args.command)


def verify(settings: Settings) -> int:
    report = build_runtime(settings).app.verify_integrity()
    if report.intact:
        print(
            f"Toàn vẹn / intact: {report.events} sự kiện / events, "
            f"{report.aggregates} đối tượng / aggregates"
        )
        return 0
    print(
        f"PHÁT HIỆN {len(report.problems)} vấn đề / {len(report.problems)} problems found "
        f"in {report.events} events:",
        file=sys.stderr,
    )
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def rebuild_views(settings: Settings) -> int:
    """Rebuilds the read models from the event store and replays it into the search index.

    Only one process writes the index: when the web app is running, it holds the writer and
    re-indexes by itself within a second of the rewind."""
    from search.tantivy_index import IndexLockedError

    runtime = build_runtime(settings)
    runtime.app.views.reset()
    runtime.app.refresh_views()
    print(f"Đã dựng lại bảng đọc / read models rebuilt up to event {runtime.app.views.position()}")
    runtime.search.restart()
    try:
        indexed = runtime.search.catch_up(runtime.app)
    except IndexLockedError:
        print(
            "Chỉ mục tìm kiếm sẽ được ứng dụng web đang chạy dựng lại / the running web app "
            "re-indexes the search index"
        )
        return 0
    print(f"Đã lập chỉ mục lại / re-indexed {indexed} documents")
    return 0


def import_units(settings: Settings, file: str) -> int:
    from documents.unit_import import ImportRejectedError

    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"Không đọc được tệp / cannot read the file: {error}", file=sys.stderr)
        return 1
    try:
        count = build_runtime(settings).app.import_units(text)
    except ImportRejectedError as refused:
        print(
            f"Tệp bị từ chối, không đơn vị nào được nhập / file refused, nothing imported "
            f"({len(refused.errors)} dòng lỗi / bad rows):",
            file=sys.stderr,
        )
        for row_error in refused.errors:
            print(f"  {row_error}", file=sys.stderr)
        return 1
    print(f"Đã nhập {count} đơn vị / imported {count} units")
    return 0


def export_folder(settings: Settings, folder_id: str, username: str, output: str | None) -> int:
    """Writes the folder's export as ``username`` would download it (same authorisation, same
    access record); the signatures are checked with the configured trust services."""
    from uuid import UUID

    from api.presenters import EVENT_LABELS
    from documents.errors import DomainError, UnavailableError
    from workflow.archive_export import export_folder as build_export

    try:
        folder = UUID(folder_id)
    except ValueError:
        print(f"Mã hồ sơ không hợp lệ / not a folder id: {folder_id}", file=sys.stderr)
        return 1
    runtime = build_runtime(settings)
    try:
        actor = runtime.app.actor_of(runtime.app.account(username))
        export = build_export(runtime.services, actor, folder, EVENT_LABELS)
    except (DomainError, UnavailableError) as error:
        print(f"{error.message_vi} / {error.message_en}", file=sys.stderr)
        return 1
    target = Path(output or export.filename)
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as out:
            for chunk in export.chunks:
                out.write(chunk)
    except UnavailableError as error:  # the store stopped answering halfway
        partial.unlink(missing_ok=True)
        print(f"{error.message_vi} / {error.message_en}", file=sys.stderr)
        return 1
    partial.replace(target)
    print(f"Đã xuất hồ sơ / folder exported: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
