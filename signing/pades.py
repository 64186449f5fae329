"""The one place where pyHanko signs: a PAdES signature into an existing field, at a given
signing time, at baseline level B-B, B-T (a signature timestamp from an RFC 3161 TSA), B-LT
(certificates and OCSP/CRL data embedded in the document security store) or B-LTA (and a
document timestamp over everything)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import ssl
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
import certifi
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign._session_scope import run_and_release
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import BaseStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)
from pyhanko_certvalidator.fetchers import OwnedFetcherBackend
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession

from signing.cms import fast_signer
from signing.errors import SigningError
from signing.keys import SigningKey
from signing.levels import SignatureLevel, TrustServices

__all__ = [
    "BYTES_RESERVED",
    "SignatureLevel",
    "SignatureRequest",
    "SignerSetup",
    "TrustServices",
    "pdf_signer_for",
    "sign_into_field",
    "signing_failures",
]

T = TypeVar("T")


@dataclass(frozen=True)
class SignatureRequest:
    """One signature into an existing, empty signature field."""

    field_name: str
    key: SigningKey
    stamp_style: BaseStampStyle
    signing_time: dt.datetime
    certify: bool = False
    """A certification (author) signature: the first one, setting what may change later."""
    docmdp: MDPPerm = MDPPerm.FILL_FORMS
    """What may change after this signature; must agree with the field's lock, if any."""
    reason: str | None = None
    location: str | None = None
    name: str | None = None
    level: SignatureLevel = SignatureLevel.B_B
    services: TrustServices | None = None
    """The TSA and trust roots; required from B-T up."""


BYTES_RESERVED = {
    SignatureLevel.B_B: 16384,
    SignatureLevel.B_T: 32768,
    SignatureLevel.B_LT: 32768,
    SignatureLevel.B_LTA: 32768,
}


def sign_into_field(writer: IncrementalPdfFileWriter, request: SignatureRequest) -> bytes:
    """Sign, writing everything pending in ``writer`` and the signature as one incremental
    update (then, from B-LT up, the validation data and, at B-LTA, the document timestamp as
    further updates); returns the whole signed PDF."""
    thread = _this_thread()
    setup = pdf_signer_for(request, fast_signer(request.key.signer()), reuse=thread)
    output = io.BytesIO()
    with signing_failures():
        thread.run(
            run_and_release(
                setup.signer.async_sign_pdf(
                    writer,
                    existing_fields_only=True,
                    bytes_reserved=BYTES_RESERVED[request.level],
                    output=output,
                ),
                setup.context,
            )
        )
    return output.getvalue()


@dataclass(frozen=True)
class SignerSetup:
    """A pyHanko PdfSigner for a request, with its timestamper and validation context (both
    None at B-B; the context only from B-LT up)."""

    signer: PdfSigner
    timestamper: HTTPTimeStamper | None
    context: ValidationContext | None


def pdf_signer_for(
    request: SignatureRequest, signer: Signer, *, reuse: _ThreadState | None = None
) -> SignerSetup:
    """The PdfSigner that signs ``request`` with ``signer`` at the request's level. With
    ``reuse`` (the calling thread's, run in its event loop), the timestamp and revocation
    requests go through its HTTP session and its timestamper for the TSA; without, through a
    timestamper and sessions of their own, opened and closed for this signature."""
    level = request.level
    services = _services_for(level, request.services)
    timestamper = None
    context = None
    if services is not None:
        assert services.tsa_url is not None
        timeout = services.timeout_seconds
        session = reuse.session if reuse is not None else None
        timestamper = (
            reuse.timestamper(services.tsa_url, timeout)
            if reuse is not None
            else HTTPTimeStamper(services.tsa_url, timeout=timeout)
        )
        if level.rank >= SignatureLevel.B_LT.rank:
            backend = AIOHttpFetcherBackend(session, per_request_timeout=timeout)  # type: ignore[arg-type]
            context = ValidationContext(
                trust_roots=[
                    asn1_x509.Certificate.load(root.public_bytes(Encoding.DER))
                    for root in services.trust_roots
                ],
                allow_fetching=True,
                revocation_mode="hard-fail",
                # the caller's session stays open after the signature; a session of its own
                # is closed with the context (``run_and_release``)
                fetcher_backend=backend if session is not None else OwnedFetcherBackend(backend),
            )
    meta = PdfSignatureMetadata(
        field_name=request.field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=request.certify,
        docmdp_permissions=request.docmdp,
        reason=request.reason,
        location=request.location,
        name=request.name,
        embed_validation_info=context is not None,
        validation_context=context,
        use_pades_lta=level is SignatureLevel.B_LTA,
    )
    pdf_signer = _TimedPdfSigner(
        meta,
        signer,
        request.signing_time,
        stamp_style=request.stamp_style,
        timestamper=timestamper,
    )
    return SignerSetup(pdf_signer, timestamper, context)


@contextmanager
def signing_failures() -> Iterator[None]:
    """pyHanko's failures (trust services silent, certificate revoked, expired or untrusted)
    as our ``SigningError`` with a Vietnamese and an English message."""
    try:
        yield
    except (TimestampRequestError, OSError) as exc:
        raise SigningError(
            "Không lấy được dấu thời gian hoặc thông tin thu hồi chứng thư từ dịch vụ chứng "
            f"thực; vui lòng thử lại sau. ({exc})",
            f"The timestamp authority or the revocation service did not answer: {exc}",
        ) from exc
    except (PathValidationError, PathBuildingError) as exc:
        raise _certificate_error(exc) from exc
    except PyHankoSigningError as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, PathValidationError | PathBuildingError):
            raise _certificate_error(cause) from exc
        raise SigningError(
            f"Không ký được văn bản: {exc}",
            f"Signing failed: {exc}",
        ) from exc


KEEPALIVE_SECONDS = 4.0
"""How long an idle connection to a TSA or OCSP/CRL server is kept for the next signature: under
the shortest keep-alive servers commonly use (5 s), so that the server does not close a
connection just as a request is sent on it."""


class _HttpSession(LazySession):
    """pyHanko's lazily opened aiohttp session, kept from one signature to the next: the
    connections to the TSA and the OCSP/CRL servers are reused (keep-alive) and the TLS context
    (the CA bundle read from disk, ~50 ms) is made once. Only the session is shared: every
    timestamp and every revocation response is still requested for each signature."""

    def __init__(self) -> None:
        super().__init__()
        self._ssl: ssl.SSLContext | None = None

    def get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            if self._ssl is None:
                self._ssl = ssl.create_default_context(cafile=certifi.where())
            connector = aiohttp.TCPConnector(ssl=self._ssl, keepalive_timeout=KEEPALIVE_SECONDS)
            self._session = aiohttp.ClientSession(connector=connector)
        session: aiohttp.ClientSession = self._session
        return session


TIMESTAMPER_SECONDS = 300.0
"""How long a thread keeps its timestamper for a TSA. pyHanko's timestamper asks the TSA once
for a sample token (never embedded: it tells which TSA certificates to check and embed the
validation data of) and remembers it; every token embedded in a document is requested anew,
with its own nonce. Renewed every few minutes, so that a new TSA certificate is picked up."""


class _ThreadState:
    """A thread's event loop, HTTP session and timestampers, closed together when the thread
    ends."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.session = _HttpSession()
        self._timestampers: dict[tuple[str, float], tuple[HTTPTimeStamper, float]] = {}

    def timestamper(self, url: str, timeout: float) -> HTTPTimeStamper:
        """This thread's timestamper for the TSA at ``url``, on its session."""
        now = time.monotonic()
        kept = self._timestampers.get((url, timeout))
        if kept is None or kept[1] <= now:
            stamper = HTTPTimeStamper(url, timeout=timeout, session=self.session)
            kept = self._timestampers[(url, timeout)] = (stamper, now + TIMESTAMPER_SECONDS)
        return kept[0]

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """``asyncio.run`` without a new event loop (and thread pool) per signature. As
        ``PdfSigner.sign_pdf``, refused inside a running loop."""
        return self.loop.run_until_complete(coroutine)

    def __del__(self) -> None:
        loop = self.loop
        if loop.is_closed() or loop.is_running():
            return
        # the thread is ending: a failure to close its connections has no one to be told to
        with contextlib.suppress(Exception):
            loop.run_until_complete(self.session.close())
        loop.close()


_threads = threading.local()


def _this_thread() -> _ThreadState:
    state: _ThreadState | None = getattr(_threads, "state", None)
    if state is None or state.loop.is_closed():
        state = _threads.state = _ThreadState()
    return state


def _certificate_error(exc: Exception) -> SigningError:
    if isinstance(exc, RevokedError):
        why_vi, why_en = "đã bị thu hồi", "was revoked"
    elif isinstance(exc, ExpiredError):
        why_vi, why_en = "đã hết hạn", "has expired"
    elif isinstance(exc, PathBuildingError):
        why_vi = "không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy"
        why_en = "does not chain to a trusted root"
    else:
        why_vi, why_en = "không hợp lệ", "is not valid"
    return SigningError(
        f"Không thể ký: chứng thư số dùng để ký {why_vi}.",
        f"Cannot sign: the signing certificate {why_en} ({exc}).",
    )


def _services_for(level: SignatureLevel, services: TrustServices | None) -> TrustServices | None:
    if level is SignatureLevel.B_B:
        return None
    if services is None or not services.tsa_url:
        raise SigningError(
            f"Chưa cấu hình dịch vụ cấp dấu thời gian: không thể ký ở mức {level.value}.",
            f"No timestamp authority is configured: cannot sign at level {level.value}.",
        )
    return services


class _TimedPdfSigner(PdfSigner):
    """A PdfSigner whose signing time is given rather than read from the clock, so the time
    drawn in the seal and the time in the signature are the same instant."""

    def __init__(
        self,
        meta: PdfSignatureMetadata,
        signer: Signer,
        signing_time: dt.datetime,
        *,
        stamp_style: BaseStampStyle,
        timestamper: HTTPTimeStamper | None = None,
    ) -> None:
        super().__init__(meta, signer, stamp_style=stamp_style, timestamper=timestamper)
        self._signing_time = signing_time

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signing_time
        return session
