"""Remote signing over the Cloud Signature Consortium API (ký số từ xa): the key stays with the
signing service, which asks the user to confirm each signature on their phone. Signing waits
for that confirmation, asynchronously, up to a timeout, and then says clearly what happened.

Two ways to wait: ``CscKey.signer()`` is a pyHanko signer whose ``credentials/authorize`` call
is answered once the person decided (one step, the caller waits); and the three calls of a
signature that outlives the request — ``ask`` (``credentials/authorize`` with
``Prefer: respond-async``: 202 and a request id at once), ``confirmation`` (polled: the SAD once
approved; ``cancel`` when no longer waited for) and ``sign_digest``
(``signatures/signHash``) — for the ``RemoteSigning`` workflow.
The asynchronous authorisation is the development service's extension (``signing/dev_csc.py``),
shaped like the transaction status of the remote signing services in use in Vietnam."""

from __future__ import annotations

import base64
import contextlib
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationInfo,
    CSCAuthorizationManager,
    CSCServiceSessionInfo,
    CSCSigner,
)
from pyhanko.sign.signers.csc_signer import (
    _process_certificate_info_response as parse_credential_info,
)

from signing.errors import SigningError
from signing.remote_signature import CertificateChain

__all__ = ["CscKey", "confirmation_timeout"]

_SHA256 = "2.16.840.1.101.3.4.2.1"
_SHA256_ECDSA = "1.2.840.10045.4.3.2"


@dataclass(frozen=True)
class CscKey:
    """A credential on a remote signing service speaking CSC API v1."""

    service_url: str
    """The part before ``/csc/v1/...``."""
    credential_id: str
    access_token: str = field(repr=False)
    """The user's OAuth bearer token for the service."""
    confirmation_timeout_seconds: float = 120.0
    """How long to wait for the user to confirm on their phone."""
    request_timeout_seconds: float = 30.0

    def signer(self) -> CSCSigner:
        """A pyHanko signer; fetches the credential's certificates now (synchronously)."""
        session_info = CSCServiceSessionInfo(
            self.service_url, self.credential_id, oauth_token=self.access_token
        )
        try:
            response = httpx.post(
                session_info.endpoint_url("credentials/info"),
                json={"credentialID": self.credential_id, "certificates": "chain"},
                headers=session_info.auth_headers,
                timeout=self.request_timeout_seconds,
            )
            if response.status_code in {400, 401}:
                raise _refusal(response.json())
            response.raise_for_status()
            credential = parse_credential_info(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            raise _unreachable(exc) from exc
        manager = _PhoneConfirmation(session_info, credential, self)
        return CSCSigner(
            _OneSessionPerRequest(),  # type: ignore[arg-type]
            manager,
            sign_timeout=int(self.request_timeout_seconds),
        )

    # -- the signature that outlives a request (the RemoteSigning workflow) ----------------
    def certificates(self) -> CertificateChain:
        """The credential's certificate and chain (``credentials/info``)."""
        credential = parse_credential_info(
            self._call("credentials/info", {"certificates": "chain"})
        )
        return CertificateChain(credential.signing_cert, tuple(credential.chain))

    def ask(self, digest: bytes, description: str) -> str:
        """Asks the service to have the person confirm the signature of ``digest`` (SHA-256)
        on their phone; answers at once with the request's id."""
        data = self._call(
            "credentials/authorize",
            {
                "numSignatures": 1,
                "hash": [base64.b64encode(digest).decode()],
                "description": description,
            },
            headers={"Prefer": "respond-async"},
            expect=202,
        )
        return str(data["requestID"])

    def confirmation(self, request_id: str) -> str | None:
        """The signature activation data once the person approved, None while they have not
        decided; a refusal or the service giving up is a ``SigningError``."""
        data = self._call("credentials/authorize/status", {"requestID": request_id})
        if data.get("status") == "pending":
            return None
        return str(data["SAD"])

    def cancel(self, request_id: str) -> None:
        """Withdraws a request no longer waited for (best effort: it expires anyway)."""
        with contextlib.suppress(SigningError):
            self._call("credentials/authorize/cancel", {"requestID": request_id})

    def sign_digest(self, digest: bytes, sad: str) -> bytes:
        """The signature value of ``digest`` (SHA-256, ECDSA) with the activation data."""
        data = self._call(
            "signatures/signHash",
            {
                "SAD": sad,
                "hash": [base64.b64encode(digest).decode()],
                "hashAlgo": _SHA256,
                "signAlgo": _SHA256_ECDSA,
            },
        )
        return base64.b64decode(data["signatures"][0])

    def _call(
        self,
        method: str,
        body: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        expect: int = 200,
    ) -> dict[str, Any]:
        session_info = CSCServiceSessionInfo(
            self.service_url, self.credential_id, oauth_token=self.access_token
        )
        try:
            response = httpx.post(
                session_info.endpoint_url(method),
                json={"credentialID": self.credential_id, **body},
                headers={**session_info.auth_headers, **(headers or {})},
                timeout=self.request_timeout_seconds,
            )
            if response.status_code in {400, 401}:
                raise _refusal(response.json())
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise _unreachable(exc) from exc
        if response.status_code != expect or not isinstance(data, dict):
            raise _unreachable(ValueError(f"{method}: unexpected answer {response.status_code}"))
        return data


def confirmation_timeout(seconds: float) -> SigningError:
    """No confirmation on the phone in time: nothing was signed."""
    whole = round(seconds)
    return SigningError(
        f"Hết thời gian chờ xác nhận ký trên điện thoại ({whole} giây): văn bản chưa "
        "được ký. Vui lòng mở ứng dụng ký số trên điện thoại, xác nhận rồi ký lại.",
        f"No confirmation from the signer's phone within {whole} s: not signed.",
    )


class _PhoneConfirmation(CSCAuthorizationManager):
    """``credentials/authorize`` for ``authMode: implicit``: the service asks the user on
    their phone and answers when they have decided."""

    def __init__(self, session_info: CSCServiceSessionInfo, credential: Any, key: CscKey) -> None:
        super().__init__(session_info, credential)
        self._key = key

    async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
        body = self.format_csc_auth_request(
            hash_b64s=hash_b64s, description="Ký số văn bản trên Văn phòng điện tử Công đoàn"
        )
        timeout = aiohttp.ClientTimeout(total=self._key.confirmation_timeout_seconds)
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(url, json=body, headers=self.auth_headers, timeout=timeout) as reply,
            ):
                data = await reply.json(content_type=None)
        except TimeoutError as exc:
            raise confirmation_timeout(self._key.confirmation_timeout_seconds) from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise _unreachable(exc) from exc
        if reply.status != 200:
            raise _refusal(data if isinstance(data, dict) else {})
        return self.parse_csc_auth_response(data)


def _refusal(data: dict[str, Any]) -> SigningError:
    error = str(data.get("error", ""))
    detail = str(data.get("error_description", ""))
    if error == "access_denied":
        return SigningError(
            "Người ký đã từ chối yêu cầu ký trên điện thoại: văn bản chưa được ký.",
            f"The signer rejected the request on their phone ({detail}).",
        )
    if error == "expired_request":
        return SigningError(
            "Dịch vụ ký số từ xa đã hủy yêu cầu vì không nhận được xác nhận trên điện thoại: "
            "văn bản chưa được ký.",
            f"The remote signing service gave up waiting for confirmation ({detail}).",
        )
    if error == "invalid_token":
        return SigningError(
            "Phiên đăng nhập dịch vụ ký số từ xa không hợp lệ hoặc đã hết hạn.",
            f"The remote signing service refused the access token ({detail}).",
        )
    return SigningError(
        f"Dịch vụ ký số từ xa từ chối yêu cầu ký: {detail or error}.",
        f"The remote signing service refused: {error} {detail}",
    )


def _unreachable(exc: Exception) -> SigningError:
    return SigningError(
        "Không kết nối được dịch vụ ký số từ xa; vui lòng thử lại sau.",
        f"The remote signing service cannot be reached: {exc}",
    )


class _OneSessionPerRequest:
    """What CSCSigner needs of an ``aiohttp.ClientSession`` (``post``), opening a session for
    each request inside the running event loop, so the signer can be built outside one."""

    def post(self, url: str, **kwargs: Any) -> _OneShot:
        return _OneShot(url, kwargs)


class _OneShot:
    def __init__(self, url: str, kwargs: dict[str, Any]) -> None:
        self._url = url
        self._kwargs = kwargs
        self._session: aiohttp.ClientSession | None = None
        self._context: Any = None

    async def __aenter__(self) -> aiohttp.ClientResponse:
        self._session = aiohttp.ClientSession()
        self._context = self._session.post(self._url, **self._kwargs)
        response: aiohttp.ClientResponse = await self._context.__aenter__()
        return response

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            await self._context.__aexit__(*exc_info)
        finally:
            assert self._session is not None
            await self._session.close()
