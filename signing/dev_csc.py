"""A development remote signing service speaking the Cloud Signature Consortium API v1.0.4
(``/csc/v1/info``, ``credentials/list``, ``credentials/info``, ``credentials/authorize``,
``signatures/signHash``), holding its keys in PKCS#12 files or on a PKCS#11 token (SoftHSM2 in
the tests, as a real service holds them in an HSM). Never for production.

Its credentials use ``authMode: implicit``: the service itself asks the user to confirm each
signature on their phone. ``credentials/authorize`` therefore waits until the user approves or
rejects (or the service gives up); the phone is played by ``/phone/...`` endpoints (not part of
CSC): ``GET /phone/{credentialID}/pending`` and ``POST /phone/requests/{id}/approve|reject``,
and by the page ``GET /phone`` (``signing/dev_csc_phone.py``) where a person approves or
declines with a button.

Asynchronous authorisation (this service's extension, like the transaction status of the
remote signing services in use in Vietnam): ``credentials/authorize`` with the header
``Prefer: respond-async`` answers 202 ``{"requestID": …}`` at once, and
``credentials/authorize/status`` ``{"credentialID", "requestID"}`` answers
``{"status": "pending"}`` until the person decides, then ``{"status": "approved", "SAD": …}``
or the CSC error (``access_denied``, ``expired_request``) — once;
``credentials/authorize/cancel`` ``{"credentialID", "requestID"}`` withdraws a request the
client no longer waits for.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

from signing.dev_csc_phone import add_phone_page
from signing.keys import KeyMaterial
from signing.pkcs11_key import Pkcs11Key, sign_digest, token_certificates

__all__ = ["CscCredential", "DevCscService"]

API_VERSION = "1.0.4.0"
_SIGN_ALGOS = {"sha256_ecdsa": hashes.SHA256(), "sha384_ecdsa": hashes.SHA384()}
_HASH_ALGOS = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384()}


@dataclass(frozen=True)
class CscCredential:
    """A signing credential of one user on the service."""

    credential_id: str
    key: KeyMaterial | Pkcs11Key
    """Where the credential's key lives: a PKCS#12 file, or a token the key never leaves."""
    access_token: str = field(repr=False)
    """The OAuth bearer token of the credential's owner (issued out of band here)."""


@dataclass
class _Pending:
    request_id: str
    credential_id: str
    hashes: list[str]
    description: str
    decision: asyncio.Future[bool]
    deadline: float = 0.0
    """Loop time after which an asynchronous request expires."""


@dataclass(frozen=True)
class _Activation:
    credential_id: str
    hashes: frozenset[str]
    expires: dt.datetime


class DevCscService:
    """The service's state: credentials, confirmations waiting on a phone, activation data."""

    def __init__(
        self,
        credentials: list[CscCredential],
        *,
        confirmation_wait_seconds: float = 120.0,
        sad_lifetime_seconds: int = 300,
    ) -> None:
        self._credentials = {c.credential_id: c for c in credentials}
        self._confirmation_wait = confirmation_wait_seconds
        self._sad_lifetime = sad_lifetime_seconds
        self._pending: dict[str, _Pending] = {}
        self._activations: dict[str, _Activation] = {}

    def app(self) -> web.Application:
        app = web.Application(client_max_size=256 * 1024)
        app.router.add_post("/csc/v1/info", self._info)
        app.router.add_post("/csc/v1/credentials/list", self._list)
        app.router.add_post("/csc/v1/credentials/info", self._credential_info)
        app.router.add_post("/csc/v1/credentials/authorize", self._authorize)
        app.router.add_post("/csc/v1/credentials/authorize/status", self._authorize_status)
        app.router.add_post("/csc/v1/credentials/authorize/cancel", self._authorize_cancel)
        app.router.add_post("/csc/v1/signatures/signHash", self._sign_hash)
        app.router.add_get("/phone/{credential_id}/pending", self._phone_pending)
        app.router.add_post("/phone/requests/{request_id}/{decision}", self._phone_decide)
        add_phone_page(app, self)
        return app

    def pending_requests(self) -> list[dict[str, Any]]:
        """The confirmations waiting on a phone, oldest first."""
        now = asyncio.get_running_loop().time()
        return [
            {
                "id": p.request_id,
                "credential_id": p.credential_id,
                "hashes": p.hashes,
                "description": p.description,
            }
            for p in self._pending.values()
            if not p.decision.done() and not (p.deadline and now > p.deadline)
        ]

    def decide(self, request_id: str, approve: bool) -> bool:
        """The phone's answer; False when there is no such request waiting."""
        pending = self._pending.get(request_id)
        if pending is None:
            return False
        if not pending.decision.done():
            pending.decision.set_result(approve)
        return True

    async def _info(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "specs": API_VERSION,
                "name": "Công đoàn Việt Nam - dịch vụ ký số từ xa thử nghiệm",
                "logo": "",
                "region": "VN",
                "lang": "vi",
                "description": "Development remote signing service (never for production).",
                "authType": ["external"],
                "methods": [
                    "credentials/list",
                    "credentials/info",
                    "credentials/authorize",
                    "signatures/signHash",
                ],
            }
        )

    async def _list(self, request: web.Request) -> web.Response:
        token = _bearer(request)
        ids = [c.credential_id for c in self._credentials.values() if c.access_token == token]
        return web.json_response({"credentialIDs": ids})

    async def _credential_info(self, request: web.Request) -> web.Response:
        body = await _json(request)
        credential = self._credential(request, body)
        cert, chain = _certificates(credential.key)
        public_key = cert.public_key()
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            raise _error(500, "server_error", "only EC credentials are supported")
        wanted = body.get("certificates", "single")
        certificates = [cert, *chain] if wanted == "chain" else [cert]
        if wanted == "none":
            certificates = []
        parsed = asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
        return web.json_response(
            {
                "key": {
                    "status": "enabled",
                    "algo": [algos.SignedDigestAlgorithmId(a).dotted for a in _SIGN_ALGOS],
                    "len": public_key.curve.key_size,
                    "curve": parsed.public_key["algorithm"]["parameters"].chosen.dotted,
                },
                "cert": {
                    "status": "valid",
                    "certificates": [
                        base64.b64encode(c.public_bytes(Encoding.DER)).decode()
                        for c in certificates
                    ],
                    "serialNumber": str(cert.serial_number),
                    "subjectDN": cert.subject.rfc4514_string(),
                    "issuerDN": cert.issuer.rfc4514_string(),
                    "validFrom": f"{cert.not_valid_before_utc:%Y%m%d%H%M%SZ}",
                    "validTo": f"{cert.not_valid_after_utc:%Y%m%d%H%M%SZ}",
                },
                "authMode": "implicit",
                "SCAL": "2",
                "multisign": 1,
                "lang": "vi",
            }
        )

    async def _authorize(self, request: web.Request) -> web.Response:
        body = await _json(request)
        credential = self._credential(request, body)
        hashes_b64 = body.get("hash")
        if not isinstance(hashes_b64, list) or not hashes_b64:
            raise _error(400, "invalid_request", "SCAL 2: the hashes to sign are required")
        if int(body.get("numSignatures", 0)) != len(hashes_b64):
            raise _error(400, "invalid_request", "numSignatures must equal the number of hashes")
        loop = asyncio.get_running_loop()
        pending = _Pending(
            request_id=secrets.token_urlsafe(12),
            credential_id=credential.credential_id,
            hashes=[str(h) for h in hashes_b64],
            description=str(body.get("description", "")),
            decision=loop.create_future(),
        )
        if request.headers.get("Prefer", "").strip().lower() == "respond-async":
            pending.deadline = loop.time() + self._confirmation_wait
            self._pending[pending.request_id] = pending
            return web.json_response({"requestID": pending.request_id}, status=202)
        self._pending[pending.request_id] = pending
        try:
            approved = await self._decision(request, pending)
        finally:
            self._pending.pop(pending.request_id, None)
        if not approved:
            raise _error(400, "access_denied", "the user rejected the signature")
        return web.json_response({"SAD": self._activate(pending), "expiresIn": self._sad_lifetime})

    async def _authorize_status(self, request: web.Request) -> web.Response:
        body = await _json(request)
        credential = self._credential(request, body)
        pending = self._pending.get(str(body.get("requestID", "")))
        if pending is None or pending.credential_id != credential.credential_id:
            raise _error(400, "invalid_request", "unknown requestID")
        if not pending.decision.done():
            if asyncio.get_running_loop().time() <= pending.deadline:
                return web.json_response({"status": "pending"})
            del self._pending[pending.request_id]
            raise _error(400, "expired_request", "the user did not confirm in time")
        del self._pending[pending.request_id]
        if not pending.decision.result():
            raise _error(400, "access_denied", "the user rejected the signature")
        sad = self._activate(pending)
        return web.json_response(
            {"status": "approved", "SAD": sad, "expiresIn": self._sad_lifetime}
        )

    async def _authorize_cancel(self, request: web.Request) -> web.Response:
        """The client stopped waiting: the request leaves the phone."""
        body = await _json(request)
        credential = self._credential(request, body)
        pending = self._pending.get(str(body.get("requestID", "")))
        if pending is not None and pending.credential_id == credential.credential_id:
            del self._pending[pending.request_id]
        return web.json_response({})

    def _activate(self, pending: _Pending) -> str:
        sad = secrets.token_urlsafe(32)
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self._sad_lifetime)
        self._activations[sad] = _Activation(
            pending.credential_id, frozenset(pending.hashes), expires
        )
        return sad

    async def _decision(self, request: web.Request, pending: _Pending) -> bool:
        """Wait for the phone's answer; give up when the client has gone (it stopped waiting)
        or the service's own limit is reached."""
        deadline = asyncio.get_running_loop().time() + self._confirmation_wait
        while not pending.decision.done():
            transport = request.transport
            if transport is None or transport.is_closing():
                raise _error(400, "expired_request", "the client stopped waiting")
            if asyncio.get_running_loop().time() > deadline:
                raise _error(400, "expired_request", "the user did not confirm in time")
            await asyncio.wait({pending.decision}, timeout=0.2)
        return pending.decision.result()

    async def _sign_hash(self, request: web.Request) -> web.Response:
        body = await _json(request)
        credential = self._credential(request, body)
        activation = self._activations.pop(str(body.get("SAD", "")), None)
        if activation is None or activation.credential_id != credential.credential_id:
            raise _error(400, "invalid_request", "invalid SAD")
        if activation.expires < dt.datetime.now(dt.UTC):
            raise _error(400, "invalid_request", "SAD expired")
        hashes_b64 = [str(h) for h in body.get("hash") or []]
        if not hashes_b64 or not set(hashes_b64) <= activation.hashes:
            raise _error(400, "invalid_request", "hash values not authorized by the SAD")
        try:
            sign_algo = algos.SignedDigestAlgorithmId(str(body.get("signAlgo"))).native
            hash_algo = algos.DigestAlgorithmId(str(body.get("hashAlgo"))).native
        except ValueError as exc:
            raise _error(400, "invalid_request", "unknown algorithm") from exc
        if sign_algo not in _SIGN_ALGOS or hash_algo not in _HASH_ALGOS:
            raise _error(400, "invalid_request", "unsupported algorithm")
        digests = [base64.b64decode(h) for h in hashes_b64]
        signatures = [_sign(credential.key, d, _HASH_ALGOS[hash_algo]) for d in digests]
        return web.json_response({"signatures": [base64.b64encode(s).decode() for s in signatures]})

    async def _phone_pending(self, request: web.Request) -> web.Response:
        credential_id = request.match_info["credential_id"]
        return web.json_response(
            [
                {key: p[key] for key in ("id", "hashes", "description")}
                for p in self.pending_requests()
                if p["credential_id"] == credential_id
            ]
        )

    async def _phone_decide(self, request: web.Request) -> web.Response:
        decision = request.match_info["decision"]
        if decision not in {"approve", "reject"}:
            raise web.HTTPNotFound()
        if not self.decide(request.match_info["request_id"], decision == "approve"):
            raise web.HTTPNotFound()
        return web.json_response({"ok": True})

    def _credential(self, request: web.Request, body: dict[str, Any]) -> CscCredential:
        credential = self._credentials.get(str(body.get("credentialID", "")))
        if credential is None:
            raise _error(400, "invalid_request", "unknown credentialID")
        if not secrets.compare_digest(_bearer(request), credential.access_token):
            raise _error(401, "invalid_token", "invalid or missing access token")
        return credential


def _bearer(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" else ""


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise _error(400, "invalid_request", "the body is not JSON") from exc
    if not isinstance(body, dict):
        raise _error(400, "invalid_request", "the body is not a JSON object")
    return body


def _error(status: int, error: str, description: str) -> web.HTTPException:
    kinds: dict[int, type[web.HTTPException]] = {
        401: web.HTTPUnauthorized,
        500: web.HTTPInternalServerError,
    }
    return kinds.get(status, web.HTTPBadRequest)(
        text=json.dumps({"error": error, "error_description": description}),
        content_type="application/json",
    )


def _certificates(key: KeyMaterial | Pkcs11Key) -> tuple[Any, list[Any]]:
    if isinstance(key, Pkcs11Key):
        return token_certificates(key)
    _, cert, chain = _load(key)
    return cert, chain


def _sign(key: KeyMaterial | Pkcs11Key, digest: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
    if isinstance(key, Pkcs11Key):
        return sign_digest(key, digest)
    private, _, _ = _load(key)
    return private.sign(digest, ec.ECDSA(utils.Prehashed(algorithm)))


def _load(material: KeyMaterial) -> tuple[ec.EllipticCurvePrivateKey, Any, list[Any]]:
    key, cert, chain = pkcs12.load_key_and_certificates(
        material.p12_path.read_bytes(), material.passphrase
    )
    if not isinstance(key, ec.EllipticCurvePrivateKey) or cert is None:
        raise _error(500, "server_error", "only EC credentials are supported")
    return key, cert, list(chain)
