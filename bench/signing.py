"""Benchmark: signatures per second (ND30 visible leader signature, and an invisible one:
``seal_invisibly``, and pyHanko's ``PdfSigner`` directly for comparison) on a
1-page and a 50-page rendered document at PAdES B-B and B-LTA, validations per second of an
issued 2-signature document, beside the machine's ceilings (raw ECDSA P-256 / RSA-2048 signs,
SHA-256 over the same PDFs' bytes).

Targets (issue 6): ≥ 100 signatures/s without a stamp, ≥ 30/s with the ND30 visible appearance
(B-B, local key), ≥ 50 validations/s. The B-LTA figures use the development OCSP/CRL/TSA
services on a loopback port (``tests/servers/pki_services.py``).
Run: ``.venv/bin/python -m bench.signing`` (``--quick`` for a short run, ``--profile`` for the
top entries of a cProfile of the visible-stamp path, ``--no-lta`` / ``--lta-only`` to skip or
keep only the B-LTA figures).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import hashlib
import io
import os
import platform
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdf
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import ValidationContext

from signing import (
    VIETNAM_TZ,
    DocumentLayout,
    KeyMaterial,
    PersonalAppearance,
    PersonIdentity,
    SealAppearance,
    SignatureLevel,
    TrustServices,
    UnitIdentity,
    fill_number_and_seal,
    render_document,
    seal_image,
    seal_invisibly,
    sign_personal,
    signature_image,
    validate_pdf,
)
from tests.servers.pki_services import running_trust_services

LEADER = PersonIdentity(
    key_id="bench-leader",
    full_name="Nguyễn Phúc Linh",
    email="linh@ldld.bentre.vn",
    unit_name="Liên đoàn Lao động tỉnh Bến Tre",
)
UNIT = UnitIdentity(key_id="bench-unit", unit_name="Liên đoàn Lao động tỉnh Bến Tre")
SIGNED_AT = dt.datetime(2026, 11, 23, 9, 30, 5, tzinfo=VIETNAM_TZ)
SEALED_AT = dt.datetime(2026, 11, 23, 10, 57, 43, tzinfo=VIETNAM_TZ)
DATE_LINE = "Bến Tre, ngày 23 tháng 11 năm 2026"
PARAGRAPH = (
    "Tuyên truyền sâu rộng về vai trò, vị trí của giai cấp công nhân, đội ngũ người lao động; "
    "động viên đoàn viên, người lao động thi đua lao động sản xuất, thực hành tiết kiệm, chăm lo "
    "đời sống, bảo vệ quyền, lợi ích hợp pháp, chính đáng của đoàn viên và người lao động."
)
INVISIBLE_RESERVED = {SignatureLevel.B_B: 16384, SignatureLevel.B_LTA: 32768}


@dataclass(frozen=True)
class Result:
    name: str
    per_second: float
    """Median over the repeats (wall clock)."""
    spread: tuple[float, float]
    """Slowest and fastest repeat, per second."""
    cpu_per_second: float
    """Median over the repeats of calls per second of this process's CPU time: what one free
    core would give, less sensitive than the wall clock to other jobs on a shared machine
    (worker threads of the trust services, in this process, are counted too)."""


def measure(name: str, action: Callable[[], object], count: int, repeats: int) -> Result:
    """``action`` once to warm up, then ``repeats`` runs of ``count`` calls each."""
    action()
    rates, cpu_rates = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        for _ in range(count):
            action()
        rates.append(count / (time.perf_counter() - start))
        cpu_rates.append(count / max(time.process_time() - cpu_start, 1e-9))
    result = Result(
        name, statistics.median(rates), (min(rates), max(rates)), statistics.median(cpu_rates)
    )
    print(
        f"{name:<58} {result.per_second:10.1f}/s  "
        f"({result.spread[0]:.1f}–{result.spread[1]:.1f}; {1000 / result.per_second:.2f} ms; "
        f"CPU {result.cpu_per_second:.1f}/s = {1000 / result.cpu_per_second:.2f} ms; "
        f"load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return result


def layout(paragraphs: int) -> DocumentLayout:
    return DocumentLayout(
        parent_name="TỔNG LĐLĐ VIỆT NAM",
        issuer_name="LIÊN ĐOÀN LAO ĐỘNG TỈNH BẾN TRE",
        symbol="KH-LĐLĐ",
        place="Bến Tre",
        type_title="KẾ HOẠCH",
        subject="Tổ chức Tháng Công nhân và Tháng hành động về an toàn, vệ sinh lao động năm 2026",
        body="\n\n".join(f"{i + 1}. {PARAGRAPH}" for i in range(paragraphs)),
        signer_authority="TM. BAN CHẤP HÀNH",
        signer_title="CHỦ TỊCH",
        signer_name=LEADER.full_name,
        recipients=["Tổng LĐLĐ Việt Nam (b/c);", "Các LĐLĐ huyện, CĐ ngành;", "Lưu: VT, VP."],
    )


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def document_of(pages: int) -> bytes:
    """A rendered document of exactly ``pages`` pages (the body grown paragraph by paragraph)."""
    if pages == 1:
        pdf = render_document(layout(3))
    else:
        per_page = 100 / page_count(render_document(layout(100)))
        paragraphs = int(pages * per_page)
        pdf = render_document(layout(paragraphs))
        while page_count(pdf) < pages:
            paragraphs += 1
            pdf = render_document(layout(paragraphs))
        while page_count(pdf) > pages:
            paragraphs -= 1
            pdf = render_document(layout(paragraphs))
    assert page_count(pdf) == pages, page_count(pdf)
    return pdf


def invisible_signer(
    key: KeyMaterial, level: SignatureLevel, services: TrustServices | None
) -> Callable[[bytes], bytes]:
    """pyHanko's ``PdfSigner`` directly, for comparison with ``seal_invisibly``: an invisible
    signature in a new field, same key, same PAdES settings as ``signing.pades``."""
    timestamper = None
    context = None
    if level is SignatureLevel.B_LTA:
        assert services is not None and services.tsa_url is not None
        from asn1crypto import x509 as asn1_x509

        timestamper = HTTPTimeStamper(services.tsa_url, timeout=services.timeout_seconds)
        context = ValidationContext(
            trust_roots=[
                asn1_x509.Certificate.load(root.public_bytes(Encoding.DER))
                for root in services.trust_roots
            ],
            allow_fetching=True,
            revocation_mode="hard-fail",
        )
    meta = signers.PdfSignatureMetadata(
        field_name="BenchInvisible",
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        embed_validation_info=context is not None,
        validation_context=context,
        use_pades_lta=level is SignatureLevel.B_LTA,
    )

    def sign(pdf: bytes) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        output = io.BytesIO()
        signers.PdfSigner(meta, key.signer(), timestamper=timestamper).sign_pdf(
            writer, bytes_reserved=INVISIBLE_RESERVED[level], output=output
        )
        return output.getvalue()

    return sign


def ceilings(documents: dict[int, bytes], quick: bool) -> list[Result]:
    count, repeats = (200, 3) if quick else (2000, 5)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    digest = hashlib.sha256(b"signed attributes").digest()
    results = [
        measure(
            "ceiling: ECDSA P-256 sign (cryptography)",
            lambda: ec_key.sign(digest, ec.ECDSA(hashes.SHA256())),
            count,
            repeats,
        ),
        measure(
            "ceiling: RSA-2048 PKCS#1 v1.5 sign (cryptography)",
            lambda: rsa_key.sign(digest, padding.PKCS1v15(), hashes.SHA256()),
            count // 4,
            repeats,
        ),
    ]
    for pages, pdf in documents.items():
        result = measure(
            f"ceiling: SHA-256 of the {pages}-page PDF ({len(pdf) / 1e6:.2f} MB)",
            functools.partial(hashlib.sha256, pdf),
            count,
            repeats,
        )
        mb_per_s = result.per_second * len(pdf) / 1e6
        print(f"{'':<58} = {mb_per_s:10.0f} MB/s", flush=True)
        results.append(result)
    return results


def profile(name: str, action: Callable[[], object], times: int) -> None:
    """The top entries of a cProfile of ``times`` calls of ``action`` (after one warm-up)."""
    action()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(times):
        action()
    profiler.disable()
    print(f"=== profile: {name}, {times} calls", flush=True)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few iterations, for a smoke run")
    parser.add_argument("--profile", action="store_true", help="cProfile the visible-stamp path")
    parser.add_argument("--no-lta", action="store_true", help="skip the B-LTA measurements")
    parser.add_argument(
        "--validation-only", action="store_true", help="only the B-B validation rates"
    )
    parser.add_argument(
        "--lta-only", action="store_true", help="only the B-LTA signing and validation rates"
    )
    args = parser.parse_args()
    quick: bool = args.quick
    repeats = 3 if quick else 5
    print(
        f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, {dt.date.today()}, "
        f"load average {os.getloadavg()}"
    )

    with (
        tempfile.TemporaryDirectory() as tmp,
        running_trust_services(Path(tmp) / "pki", [LEADER], [UNIT]) as running,
    ):
        pki = running.pki
        services = pki.trust_services()
        leader, unit = pki.key(LEADER.key_id), pki.key(UNIT.key_id)
        personal = PersonalAppearance(
            title_lines=["TM. BAN CHẤP HÀNH", "CHỦ TỊCH"],
            full_name=LEADER.full_name,
            signature_png=signature_image(LEADER.full_name),
        )
        seal = SealAppearance(unit_name=UNIT.unit_name, seal_png=seal_image(UNIT.unit_name))
        documents = {pages: document_of(pages) for pages in (1, 50)}
        for pages, pdf in documents.items():
            print(f"{pages}-page document: {len(pdf):,} bytes", flush=True)

        if args.profile:
            pdf = documents[1]
            profile(
                "B-B visible ND30 leader signature, 1 page",
                lambda: sign_personal(pdf, leader, personal, SIGNED_AT),
                20,
            )
            profile(
                "B-B invisible signature (seal_invisibly), 1 page",
                lambda: seal_invisibly(pdf, unit, SEALED_AT, reason="Đóng dấu"),
                20,
            )
            signed = sign_personal(pdf, leader, personal, SIGNED_AT)
            issued = fill_number_and_seal(signed, "35", DATE_LINE, unit, seal, SEALED_AT)
            roots = pki.trust_roots()
            profile("validate_pdf, issued, 1 page", lambda: validate_pdf(issued, roots), 10)
            return

        roots = pki.trust_roots()
        if not args.validation_only and not args.lta_only:
            ceilings(documents, quick)
        count = 5 if quick else 30
        for pages, pdf in documents.items() if not args.lta_only else ():
            n = count if pages == 1 else max(3, count // 3)
            if args.validation_only:
                signed = sign_personal(pdf, leader, personal, SIGNED_AT)
                issued = fill_number_and_seal(signed, "35", DATE_LINE, unit, seal, SEALED_AT)
                assert validate_pdf(issued, roots).valid
                measure(
                    f"validate_pdf, issued 2-signature B-B, {pages} page(s)",
                    functools.partial(validate_pdf, issued, roots),
                    n * 2,
                    repeats,
                )
                continue
            measure(
                f"B-B visible ND30 leader signature, {pages} page(s)",
                functools.partial(sign_personal, pdf, leader, personal, SIGNED_AT),
                n,
                repeats,
            )
            measure(
                f"B-B invisible signature (seal_invisibly), {pages} page(s)",
                functools.partial(seal_invisibly, pdf, unit, SEALED_AT, reason="Đóng dấu"),
                n * 2,
                repeats,
            )
            invisible = invisible_signer(leader, SignatureLevel.B_B, None)
            measure(
                f"B-B invisible signature (pyHanko directly), {pages} page(s)",
                functools.partial(invisible, pdf),
                n * 2,
                repeats,
            )
            signed = sign_personal(pdf, leader, personal, SIGNED_AT)
            measure(
                f"B-B number + date + visible seal, {pages} page(s)",
                functools.partial(
                    fill_number_and_seal, signed, "35", DATE_LINE, unit, seal, SEALED_AT
                ),
                n,
                repeats,
            )
            issued = fill_number_and_seal(signed, "35", DATE_LINE, unit, seal, SEALED_AT)
            assert validate_pdf(issued, roots).valid
            measure(
                f"validate_pdf, issued 2-signature B-B, {pages} page(s)",
                functools.partial(validate_pdf, issued, roots),
                n,
                repeats,
            )

        if args.no_lta or args.validation_only:
            return
        lta_count = 2 if quick else 6
        for pages, pdf in documents.items():
            measure(
                f"B-LTA visible ND30 leader signature, {pages} page(s)",
                functools.partial(
                    sign_personal,
                    pdf,
                    leader,
                    personal,
                    SIGNED_AT,
                    level=SignatureLevel.B_LTA,
                    services=services,
                ),
                lta_count,
                repeats,
            )
            measure(
                f"B-LTA invisible signature (seal_invisibly), {pages} page(s)",
                functools.partial(
                    seal_invisibly,
                    pdf,
                    unit,
                    SEALED_AT,
                    reason="Đóng dấu",
                    level=SignatureLevel.B_LTA,
                    services=services,
                ),
                lta_count,
                repeats,
            )
            invisible_lta = invisible_signer(leader, SignatureLevel.B_LTA, services)
            measure(
                f"B-LTA invisible signature (pyHanko directly), {pages} page(s)",
                functools.partial(invisible_lta, pdf),
                lta_count,
                repeats,
            )
        for pages, pdf in documents.items():
            signed_lta = sign_personal(
                pdf,
                leader,
                personal,
                SIGNED_AT,
                level=SignatureLevel.B_LTA,
                services=services,
            )
            issued_lta = fill_number_and_seal(
                signed_lta,
                "35",
                DATE_LINE,
                unit,
                seal,
                SEALED_AT,
                level=SignatureLevel.B_LTA,
                services=services,
            )
            assert validate_pdf(issued_lta, roots).valid
            measure(
                f"validate_pdf, issued 2-signature B-LTA, {pages} page(s)",
                functools.partial(validate_pdf, issued_lta, roots),
                lta_count * 2,
                repeats,
            )


if __name__ == "__main__":
    main()
