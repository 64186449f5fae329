"""The development trust services over HTTP on localhost (aiohttp): ``POST /ocsp``,
``GET /ocsp/<base64>``, ``GET /crl/<root-ca|issuing-ca>.crl`` and ``POST /tsa``.

Run it for the demo with ``python -m signing.dev_server --pki var/pki --port 8790``; tests start
it in a thread on an already-bound socket (``DevTrustServer``), so the certificates can name the
port before the server runs."""

from __future__ import annotations

import argparse
import asyncio
import base64
import socket
import threading
from pathlib import Path

from aiohttp import web

from signing.dev_services import TimestampAuthority, certificate_revocation_list, ocsp_response
from signing.pki import DevPki, ensure_dev_pki

__all__ = ["DevTrustServer", "ThreadedApp", "build_app", "free_loopback_socket"]

DEFAULT_PORT = 8790


def build_app(pki: DevPki) -> web.Application:
    """The aiohttp application serving the OCSP responder, the CRLs and the TSA of ``pki``."""
    tsa = TimestampAuthority(pki)

    async def ocsp_post(request: web.Request) -> web.Response:
        body = await request.read()
        return web.Response(body=ocsp_response(pki, body), content_type="application/ocsp-response")

    async def ocsp_get(request: web.Request) -> web.Response:
        try:
            body = base64.b64decode(request.match_info["encoded"])
        except ValueError:
            body = b""
        return web.Response(body=ocsp_response(pki, body), content_type="application/ocsp-response")

    async def crl(request: web.Request) -> web.Response:
        try:
            data = certificate_revocation_list(pki, request.match_info["issuer"])
        except KeyError as exc:
            raise web.HTTPNotFound() from exc
        return web.Response(body=data, content_type="application/pkix-crl")

    async def timestamp(request: web.Request) -> web.Response:
        body = await request.read()
        return web.Response(
            body=await tsa.respond(body), content_type="application/timestamp-reply"
        )

    app = web.Application(client_max_size=64 * 1024)
    app.router.add_post("/ocsp", ocsp_post)
    app.router.add_get("/ocsp/{encoded:.+}", ocsp_get)
    app.router.add_get("/crl/{issuer}.crl", crl)
    app.router.add_post("/tsa", timestamp)
    return app


def free_loopback_socket() -> socket.socket:
    """A listening-ready TCP socket bound to a free port on 127.0.0.1."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class ThreadedApp:
    """An aiohttp application served from a background thread with its own event loop, on an
    already-bound socket (for tests and for embedding in another process)."""

    def __init__(self, app: web.Application, sock: socket.socket) -> None:
        self._app = app
        self._sock = sock
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> ThreadedApp:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, self._sock).start()

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()
        self._sock.close()


class DevTrustServer(ThreadedApp):
    """The trust services of one PKI, served from a background thread."""

    def __init__(self, pki: DevPki, sock: socket.socket) -> None:
        super().__init__(build_app(pki), sock)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Development OCSP, CRL and TSA services")
    parser.add_argument("--pki", type=Path, default=Path("var/pki"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    pki = ensure_dev_pki(args.pki, [], [], services_url=f"http://{args.host}:{args.port}")
    print(f"Dịch vụ OCSP, CRL, TSA thử nghiệm: {pki.services_url}", flush=True)
    web.run_app(build_app(pki), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
