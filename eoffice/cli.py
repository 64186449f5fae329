"""``eoffice`` command line: run, api, worker, demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from eoffice.bootstrap import ConfigurationError, build_runtime
from eoffice.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eoffice", description="Công đoàn e-Office")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="the embedded stack with demo data (make run)")
    api = commands.add_parser("api", help="the web app and JSON API")
    api.add_argument("--host")
    api.add_argument("--port", type=int)
    commands.add_parser("worker", help="the Temporal worker")
    commands.add_parser("demo", help="load the demo data if not loaded yet")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings()
    try:
        return _dispatch(args, settings)
    except ConfigurationError as error:
        print(f"Cấu hình không hợp lệ / invalid configuration: {error}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        from eoffice.launcher import run_embedded

        return run_embedded(settings)
    if args.command == "api":
        import uvicorn

        from eoffice.processes import web_app

        uvicorn.run(
            web_app(settings),
            host=args.host or settings.api_host,
            port=args.port or settings.api_port,
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
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
