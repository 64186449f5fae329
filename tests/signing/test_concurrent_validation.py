"""Validation and signing from many threads at once give exactly the serial results.

The web app validates in FastAPI's thread pool and the worker signs in threads, while
``signing.validation`` patches pyHanko and asn1crypto process-wide (object reader, path map,
past-revision copies, shared parsed certificates, remembered name comparisons and certificate
paths, the collector paused). Eight threads validate a mix of documents (the issued ND30
document at B-B and at B-LT/B-LTA, a 50-page one, a tampered one, one signed with a revoked
certificate checked online, one under an untrusted root) several rounds over, starting
together, with the interpreter switching threads far more often than usual and the shared
caches emptied first; then threads sign while others validate. Every report must equal the
serial one (the JSON reports, minus the time of a live timestamp where a document is signed
anew: the only timing field a report carries)."""

from __future__ import annotations

import datetime as dt
import gc
import random
import re
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from signing import (
    VIETNAM_TZ,
    DevPki,
    PersonalAppearance,
    SealAppearance,
    SignatureLevel,
    UnitIdentity,
    certificate_cache,
    ensure_dev_pki,
    fill_number_and_seal,
    path_cache,
    render_document,
    sign_personal,
    validate_pdf,
)
from tests.servers.pki_services import TrustServices
from tests.signing.conftest import DATE_LINE, LEADER, SEALED_AT, SIGNED_AT, UNIT, plan_layout
from tests.signing.test_levels import issue

THREADS = 8
ROUNDS = 4
_NOW = dt.datetime.now(dt.UTC)
_PARAGRAPH = (
    "Tuyên truyền sâu rộng về vai trò, vị trí của giai cấp công nhân, đội ngũ người lao động; "
    "động viên đoàn viên, người lao động thi đua lao động sản xuất, thực hành tiết kiệm, chăm lo "
    "đời sống, bảo vệ quyền, lợi ích hợp pháp, chính đáng của đoàn viên và người lao động."
)

Case = tuple[bytes, list[x509.Certificate], bool]
"""A document, the trust roots to validate it against, and whether to check online."""


def _tampered(pdf: bytes) -> bytes:
    data = bytearray(pdf)
    marker = b"/M (D\\072"  # the leader's signing time, as pyHanko writes it
    at = data.index(marker) + len(marker) + 3
    data[at : at + 1] = b"7" if data[at : at + 1] != b"7" else b"8"
    return bytes(data)


@pytest.fixture(scope="module")
def cases(
    pki: DevPki,
    issued_pdf: bytes,
    trust_services: TrustServices,
    template_pdf: bytes,
    personal_appearance: PersonalAppearance,
    seal_appearance: SealAppearance,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Case]:
    services_pki = trust_services.pki
    issued_lta = issue(
        trust_services,
        template_pdf,
        personal_appearance,
        seal_appearance,
        SignatureLevel.B_LT,
        SignatureLevel.B_LTA,
    )
    long_pdf = render_document(
        plan_layout("\n\n".join(f"{i + 1}. {_PARAGRAPH}" for i in range(500)))
    )
    long_signed = sign_personal(long_pdf, pki.key(LEADER.key_id), personal_appearance, SIGNED_AT)
    long_issued = fill_number_and_seal(
        long_signed, "36", DATE_LINE, pki.key(UNIT.key_id), seal_appearance, SEALED_AT
    )
    revoked_key = services_pki.issue(
        "dong-thoi-thu-hoi",
        "Phạm Văn Thu Hồi",
        "Liên đoàn Lao động tỉnh Bến Tre",
        not_before=_NOW - dt.timedelta(days=1),
        not_after=_NOW + dt.timedelta(days=30),
    )
    services_pki.revoke("dong-thoi-thu-hoi", revoked_at=_NOW - dt.timedelta(hours=2))
    revoked = sign_personal(
        template_pdf,
        revoked_key,
        personal_appearance,
        SIGNED_AT,
        level=SignatureLevel.B_T,
        services=services_pki.trust_services(),
    )
    stranger = ensure_dev_pki(
        tmp_path_factory.mktemp("stranger"), [], [UnitIdentity("khac", "Đơn vị khác")]
    )
    roots, services_roots = pki.trust_roots(), services_pki.trust_roots()
    return {
        "issued B-B": (issued_pdf, roots, False),
        "issued B-LT/B-LTA": (issued_lta, services_roots, False),
        "issued B-LT/B-LTA, online": (issued_lta, services_roots, True),
        "50 pages": (long_issued, roots, False),
        "tampered": (_tampered(issued_pdf), roots, False),
        "revoked, online": (revoked, services_roots, True),
        "untrusted root": (issued_lta, stranger.trust_roots(), False),
    }


_STAMP_TIME = re.compile(r"(dấu thời gian |timestamped at )\d\d:\d\d (ngày|on) \d\d/\d\d/\d{4}")


def _report(case: Case) -> dict[str, Any]:
    pdf, roots, online = case
    return validate_pdf(pdf, roots, online=online).to_dict()


def _without_timestamp_times(report: dict[str, Any]) -> dict[str, Any]:
    """The report with the times certified by the signature timestamps left out (a document
    signed again at B-T and up gets a new live timestamp); whether there is one stays."""
    signatures = []
    for signature in report["signatures"]:
        signature = dict(signature, timestamp_time=signature["timestamp_time"] is not None)
        for key in ("summary_vi", "summary_en"):
            signature[key] = _STAMP_TIME.sub(r"\1…", signature[key])
        signatures.append(signature)
    return dict(report, signatures=signatures)


@pytest.fixture(scope="module")
def serial(cases: dict[str, Case]) -> dict[str, dict[str, Any]]:
    reports = {name: _report(case) for name, case in cases.items()}
    # the mix really is a mix: every kind of verdict is there
    problems = {s["problem"] for report in reports.values() for s in report["signatures"]}
    assert {None, "altered", "revoked", "untrusted"} <= problems
    assert {s["level"] for s in reports["issued B-LT/B-LTA"]["signatures"]} == {"PAdES-B-LTA"}
    assert reports["50 pages"]["valid"] and reports["issued B-B"]["valid"]
    return reports


@pytest.fixture
def eager_switching() -> Iterator[None]:
    """Threads switched every 50 µs (not every 5 ms), and the shared caches emptied, so that
    concurrent first uses of the same certificates and paths really overlap."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(5e-5)
    certificate_cache.clear()
    path_cache.clear()
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def _run_together(work: list[Callable[[], None]]) -> None:
    """Each callable in its own thread, all released at once; the first failure re-raised."""
    barrier = threading.Barrier(len(work))
    failures: list[BaseException] = []

    def run(action: Callable[[], None]) -> None:
        try:
            barrier.wait()
            action()
        except BaseException as exc:  # reported to the test below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(action,)) for action in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


@pytest.mark.usefixtures("eager_switching")
def test_concurrent_validations_give_the_serial_reports(
    cases: dict[str, Case], serial: dict[str, dict[str, Any]]
) -> None:
    results: list[tuple[str, dict[str, Any]]] = []
    lock = threading.Lock()

    def validator(seed: int) -> Callable[[], None]:
        def run() -> None:
            order = list(cases)
            rng = random.Random(seed)
            for _ in range(ROUNDS):
                rng.shuffle(order)
                for name in order:
                    report = _report(cases[name])
                    with lock:
                        results.append((name, report))

        return run

    _run_together([validator(seed) for seed in range(THREADS)])

    assert len(results) == THREADS * ROUNDS * len(cases)
    for name, report in results:
        assert report == serial[name], name
    assert gc.isenabled()  # the collector is back once the last validation ends


@pytest.mark.usefixtures("eager_switching")
def test_signing_and_validating_at_once_give_the_serial_results(
    cases: dict[str, Case],
    serial: dict[str, dict[str, Any]],
    pki: DevPki,
    template_pdf: bytes,
    personal_appearance: PersonalAppearance,
    seal_appearance: SealAppearance,
    trust_services: TrustServices,
) -> None:
    leader, unit = pki.key(LEADER.key_id), pki.key(UNIT.key_id)
    services = trust_services.pki.trust_services()
    services_roots = trust_services.pki.trust_roots()
    expected_issued = serial["issued B-B"]
    signed_at = dt.datetime(2026, 11, 23, 11, 2, 9, tzinfo=VIETNAM_TZ)
    expected_lta = _report(
        (
            sign_personal(
                template_pdf,
                trust_services.pki.key(LEADER.key_id),
                personal_appearance,
                signed_at,
                level=SignatureLevel.B_LTA,
                services=services,
            ),
            services_roots,
            False,
        )
    )
    failures: list[str] = []
    lock = threading.Lock()

    def check(name: str, report: dict[str, Any], expected: dict[str, Any]) -> None:
        if _without_timestamp_times(report) != _without_timestamp_times(expected):
            with lock:
                failures.append(name)

    def issuer() -> None:
        for _ in range(ROUNDS):
            signed = sign_personal(template_pdf, leader, personal_appearance, SIGNED_AT)
            issued = fill_number_and_seal(signed, "35", DATE_LINE, unit, seal_appearance, SEALED_AT)
            check(
                "issued while validating",
                _report((issued, pki.trust_roots(), False)),
                (expected_issued),
            )

    def lta_signer() -> None:
        for _ in range(2):
            signed = sign_personal(
                template_pdf,
                trust_services.pki.key(LEADER.key_id),
                personal_appearance,
                signed_at,
                level=SignatureLevel.B_LTA,
                services=services,
            )
            check(
                "B-LTA signed while validating",
                _report((signed, services_roots, False)),
                (expected_lta),
            )

    def validator(seed: int) -> Callable[[], None]:
        def run() -> None:
            order = list(cases)
            random.Random(seed).shuffle(order)
            for _ in range(ROUNDS // 2):
                for name in order:
                    check(name, _report(cases[name]), serial[name])

        return run

    _run_together(
        [issuer, issuer, issuer, lta_signer, *(validator(seed) for seed in range(THREADS - 4))]
    )

    assert failures == []


def test_a_thread_may_use_the_caches_after_another_filled_them(
    pki: DevPki, issued_pdf: bytes, tmp_path: Path
) -> None:
    """Certificates and paths remembered by one thread serve another thread correctly: a root
    it was not given is not trusted there."""
    roots = pki.trust_roots()
    assert validate_pdf(issued_pdf, roots).valid
    stranger = ensure_dev_pki(tmp_path, [], [UnitIdentity("khac", "Đơn vị khác")])
    outcome: list[tuple[bool, bool]] = []

    def other_thread() -> None:
        outcome.append(
            (
                validate_pdf(issued_pdf, roots).valid,
                validate_pdf(issued_pdf, stranger.trust_roots()).valid,
            )
        )

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert outcome == [(True, False)]
