"""Over HTTP with the real processes: each unit's own PAdES level (a unit setting, events on the
``Unit``), set by an admin through the API or the administration page, is the level its leader
and its seal sign at; two units issue at two levels, read back by the validator."""

from __future__ import annotations

from contextlib import closing

from cryptography import x509

from signing import validate_pdf
from tests.e2e.flow import draft_plan, issued_plan, wait_for_status
from tests.e2e.test_accounts_api import csrf_of, page_client
from tests.stack import Stack


def issued_levels(stack: Stack, client_name: str, document_id: str) -> list[str | None]:
    pdf = stack.client(client_name).get(f"/api/v1/documents/{document_id}/file").content
    roots = [x509.load_pem_x509_certificate((stack.pki_dir / "root-ca.pem").read_bytes())]
    report = validate_pdf(pdf, roots)
    assert report.valid, [s.summary_en for s in report.signatures]
    return [signature.level for signature in report.signatures]


def test_two_units_sign_at_their_own_levels(stack: Stack) -> None:
    admin = stack.client("quantri")
    assert admin.post("/api/v1/units/bentre/signature-level", json={"level": "B-T"}).is_success
    with closing(page_client(stack, "quantri")) as pages:
        page = pages.get("/admin/units/thanhhoa")
        assert 'action="/admin/units/thanhhoa/signature-level"' in page.text
        saved = pages.post(
            "/admin/units/thanhhoa/signature-level",
            data={"csrf_token": csrf_of(page.text), "level": "B-B"},
        )
        assert saved.status_code == 303, saved.text
        shown = pages.get(saved.headers["location"])
        assert "Đã lưu mức chữ ký số." in shown.text and "PAdES B-B (chữ ký cơ bản)" in shown.text

    bentre_document = issued_plan(stack, recipients=["bentre-tp"])

    drafter = stack.client("thanhhoa.chuyenvien")
    created = draft_plan(
        drafter, recipients=["yendinh"], signer="thanhhoa.lanhdao", signer_authority=""
    )
    assert created.status_code == 201, created.text
    thanhhoa_document = created.json()["id"]
    assert drafter.post(f"/api/v1/documents/{thanhhoa_document}/submit").is_success
    signed = stack.client("thanhhoa.lanhdao").post(f"/api/v1/documents/{thanhhoa_document}/sign")
    assert signed.status_code == 200, signed.text
    clerk = stack.client("thanhhoa.vanthu")
    assert clerk.post(f"/api/v1/documents/{thanhhoa_document}/issue").status_code == 202
    wait_for_status(clerk, thanhhoa_document, "dispatched")

    assert issued_levels(stack, "bentre.vanthu", bentre_document) == ["PAdES-B-T"] * 2
    assert issued_levels(stack, "thanhhoa.vanthu", thanhhoa_document) == ["PAdES-B-B"] * 2

    # back to the configured defaults: leader B-LT, seal B-LTA, whose document timestamp
    # covers the leader's signature too
    assert admin.post("/api/v1/units/bentre/signature-level", json={"level": None}).is_success
    default_document = issued_plan(stack, recipients=["bentre-tp"])
    assert issued_levels(stack, "bentre.vanthu", default_document) == ["PAdES-B-LTA"] * 2


def test_a_bad_level_or_a_non_admin_is_refused(stack: Stack) -> None:
    bad = stack.client("quantri").post(
        "/api/v1/units/bentre-tp/signature-level", json={"level": "B-X"}
    )
    assert bad.status_code == 422 and "B-LTA" in bad.json()["message"]
    refused = stack.client("bentre.lanhdao").post(
        "/api/v1/units/bentre/signature-level", json={"level": "B-B"}
    )
    assert refused.status_code == 403 and refused.json()["message_en"]
