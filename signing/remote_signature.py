"""The leader's signature in two steps, for a remote signer that answers later (ký từ xa): the
document is prepared first — appearance, signature dictionary, the byte range's digest and the
CMS signed attributes — and only the digest of those attributes goes to the signing service,
which signs it once the person confirms on their phone (minutes later, maybe in another
process). ``finish_personal`` then puts the signature value into the prepared file, with the
signature timestamp (B-T), the validation data (B-LT) and the document timestamp (B-LTA) of
the level asked for. What lies between the two steps is plain data (``PreparedSignature``).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from asn1crypto import algos, cms
from asn1crypto import x509 as asn1_x509
from pyhanko.sign._session_scope import run_and_release
from pyhanko.sign.signers import ExternalSigner
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument, PostSignInstructions
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing.issuance import PersonalAppearance, personal_request
from signing.keys import SigningKey
from signing.levels import SignatureLevel, TrustServices
from signing.pades import BYTES_RESERVED, pdf_signer_for, signing_failures
from signing.pdfio import damage_is_invalid

__all__ = ["CertificateChain", "PreparedSignature", "finish_personal", "prepare_personal"]

_ECDSA_SHA256 = algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"})


@dataclass(frozen=True)
class CertificateChain:
    """The signer's certificate and the others of its chain, as the signing service gave them."""

    signing: asn1_x509.Certificate
    others: tuple[asn1_x509.Certificate, ...] = ()

    def external_signer(self, signature_value: bytes | None = None) -> ExternalSigner:
        return ExternalSigner(
            self.signing,
            SimpleCertificateStore.from_certs(list(self.others)),
            signature_value=signature_value or bytes(72),
            signature_mechanism=_ECDSA_SHA256,
        )

    def certificate_sha256(self) -> str:
        return hashlib.sha256(self.signing.dump()).hexdigest()


@dataclass(frozen=True)
class PreparedSignature:
    """A document waiting for its signature value; ``digest_to_sign`` goes to the service."""

    pdf: bytes
    """The file with the signature's place reserved (what ``finish_personal`` fills in)."""
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attributes: bytes
    """The CMS signed attributes (DER), whose SHA-256 is what the service signs."""
    signing_time: dt.datetime

    @property
    def digest_to_sign(self) -> bytes:
        return hashlib.sha256(self.signed_attributes).digest()

    def facts(self) -> dict[str, Any]:
        """Everything but the file, as JSON-friendly values (``from_facts`` reads them)."""
        return {
            "document_digest": base64.b64encode(self.document_digest).decode(),
            "reserved_start": self.reserved_start,
            "reserved_end": self.reserved_end,
            "signed_attributes": base64.b64encode(self.signed_attributes).decode(),
            "signing_time": self.signing_time.isoformat(),
        }

    @classmethod
    def from_facts(cls, pdf: bytes, facts: dict[str, Any]) -> PreparedSignature:
        return cls(
            pdf=pdf,
            document_digest=base64.b64decode(facts["document_digest"]),
            reserved_start=int(facts["reserved_start"]),
            reserved_end=int(facts["reserved_end"]),
            signed_attributes=base64.b64decode(facts["signed_attributes"]),
            signing_time=dt.datetime.fromisoformat(facts["signing_time"]),
        )


class _NoKey:
    """The request's key for the two steps: only the certificates are known here."""

    def __init__(self, chain: CertificateChain, signature_value: bytes | None = None) -> None:
        self._signer = chain.external_signer(signature_value)

    def signer(self) -> ExternalSigner:
        return self._signer


def prepare_personal(
    pdf: bytes,
    chain: CertificateChain,
    appearance: PersonalAppearance,
    signing_time: dt.datetime,
    *,
    level: SignatureLevel = SignatureLevel.B_B,
    services: TrustServices | None = None,
) -> PreparedSignature:
    """Step one: the leader's signature as ``sign_personal`` makes it, up to the digest the
    signing service must sign. Refuses what ``sign_personal`` refuses (signed already, a
    certificate revoked or expired at B-LT and above)."""
    key: SigningKey = _NoKey(chain)
    with damage_is_invalid():
        writer, request = personal_request(
            pdf, key, appearance, signing_time, level=level, services=services
        )
        ext = key.signer()
        assert isinstance(ext, ExternalSigner)
        setup = pdf_signer_for(request, ext)

        async def prepare() -> PreparedSignature:
            digest, _, output = await setup.signer.async_digest_doc_for_signing(
                writer, existing_fields_only=True, bytes_reserved=BYTES_RESERVED[level]
            )
            attributes = await ext.signed_attrs(
                digest.document_digest,
                "sha256",
                attr_settings=PdfCMSSignedAttributes(signing_time=request.signing_time),
                use_pades=True,
            )
            output.seek(0)
            return PreparedSignature(
                pdf=output.read(),
                document_digest=digest.document_digest,
                reserved_start=digest.reserved_region_start,
                reserved_end=digest.reserved_region_end,
                signed_attributes=attributes.dump(),
                signing_time=request.signing_time,
            )

        with signing_failures():
            return asyncio.run(run_and_release(prepare(), setup.context))


def finish_personal(
    original_pdf: bytes,
    prepared: PreparedSignature,
    chain: CertificateChain,
    signature_value: bytes,
    appearance: PersonalAppearance,
    *,
    level: SignatureLevel = SignatureLevel.B_B,
    services: TrustServices | None = None,
) -> bytes:
    """Step two: the service's signature value (over ``prepared.digest_to_sign``) into the
    prepared file, then what the level adds (signature timestamp, validation data, document
    timestamp). ``original_pdf`` is the file before step one: the validation data are looked
    up for it as they would have been in one step."""
    key: SigningKey = _NoKey(chain, signature_value)
    with damage_is_invalid():
        writer, request = personal_request(
            original_pdf, key, appearance, prepared.signing_time, level=level, services=services
        )
        ext = key.signer()
        assert isinstance(ext, ExternalSigner)
        setup = pdf_signer_for(request, ext)

        async def finish() -> bytes:
            instructions = None
            if setup.context is not None:
                session = setup.signer.init_signing_session(writer, existing_fields_only=True)
                validation = await session.perform_presign_validation(writer)
                assert validation is not None
                instructions = PostSignInstructions(
                    validation_info=validation,
                    timestamper=setup.timestamper if level is SignatureLevel.B_LTA else None,
                    timestamp_md_algorithm="sha256",
                )
            attributes = cms.CMSAttributes.load(prepared.signed_attributes)
            signature_cms = await ext.async_sign_prescribed_attributes(
                "sha256", attributes, timestamper=setup.timestamper
            )
            output = io.BytesIO(prepared.pdf)
            await PdfTBSDocument.async_finish_signing(
                output,
                PreparedByteRangeDigest(
                    prepared.document_digest, prepared.reserved_start, prepared.reserved_end
                ),
                signature_cms,
                post_sign_instr=instructions,
                validation_context=setup.context,
            )
            return output.getvalue()

        with signing_failures():
            return asyncio.run(run_and_release(finish(), setup.context))
