"""Search over HTTP on the real processes: filters, facets, sort, pages, highlights past the
letterhead, scope per reader, the CSV export, saved searches, bad input, and the search page."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
import pytest

from tests.e2e.flow import issued_plan
from tests.stack import Stack, sign_in_page

NOTICE_SUBJECT = "Thông báo về an toàn, vệ sinh lao động tại doanh nghiệp"
NOTICE_BODY = (
    "Liên đoàn Lao động tỉnh đề nghị các công đoàn cơ sở kiểm tra an toàn, vệ sinh lao động "
    "tại doanh nghiệp trong Tháng hành động."
)


@pytest.fixture(scope="module")
def documents(stack: Stack) -> dict[str, str]:
    """A plan to three Bến Tre units and a notice to Thanh Hóa only, both issued by Bến Tre."""
    plan = issued_plan(stack)
    notice = issued_plan(
        stack,
        doc_type="thong_bao",
        subject=NOTICE_SUBJECT,
        body_text=NOTICE_BODY,
        recipients=["thanhhoa"],
        urgency="thuong",
    )
    return {"plan": plan, "notice": notice}


def search(client: httpx.Client, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def ids(result: dict[str, Any]) -> list[str]:
    return [hit["document_id"] for hit in result["hits"]]


def facet(result: dict[str, Any], name: str) -> dict[str, int]:
    return {value["value"]: value["count"] for value in result["facets"][name]}


def test_filters_facets_sort_and_pages(stack: Stack, documents: dict[str, str]) -> None:
    clerk = stack.client("bentre.vanthu")
    both = search(clerk, q="lien doan lao dong")
    assert sorted(ids(both)) == sorted(documents.values()) and both["total"] == 2
    assert facet(both, "type") == {"ke_hoach": 1, "thong_bao": 1}
    assert sum(facet(both, "year").values()) == 2
    assert [v["label"] for v in both["facets"]["issuer"]] == ["Liên đoàn Lao động tỉnh Bến Tre"]
    assert both["total_is_lower_bound"] is False and both["other_issuers_hits"] == 0

    assert ids(search(clerk, q="lien doan lao dong", type="thong_bao")) == [documents["notice"]]
    assert ids(search(clerk, status="dispatched", q='"an toàn"')) == [documents["notice"]]
    issuer = both["facets"]["issuer"][0]["value"]
    assert search(clerk, issuer=issuer, subtree="true")["total"] == 2
    newest = search(clerk, q="lien doan", sort="newest")
    assert ids(newest) == [documents["notice"], documents["plan"]]
    second = search(clerk, q="lien doan", sort="newest", page_size=1, page=2)
    assert ids(second) == [documents["plan"]] and second["total"] == 2 and second["pages"] == 2
    assert ids(search(clerk, q="chuyen d*")) == [documents["plan"]]


def test_highlights_are_in_original_diacritics_and_past_the_letterhead(
    stack: Stack, documents: dict[str, str]
) -> None:
    hit = search(stack.client("bentre.vanthu"), q="lao dong doanh nghiep", type="thong_bao")
    snippet, html = hit["hits"][0]["snippet"], hit["hits"][0]["snippet_html"]
    assert "CỘNG HÒA" not in snippet and "Hạnh phúc" not in snippet
    marked = re.findall(r"<mark>(.*?)</mark>", html)
    assert {"Lao", "Động", "lao", "động", "doanh", "nghiệp"} >= set(marked)
    assert "doanh" in marked and "động" in marked
    spans = hit["hits"][0]["highlights"]
    assert [snippet[a:b] for a, b in spans] == marked


def test_each_reader_sees_only_their_scope(stack: Stack, documents: dict[str, str]) -> None:
    receiver = search(stack.client("bentre-tp.vanthu"), q="lien doan lao dong")
    assert ids(receiver) == [documents["plan"]]
    assert facet(receiver, "type") == {"ke_hoach": 1}
    other_province = search(stack.client("thanhhoa.vanthu"), q="lien doan lao dong")
    assert ids(other_province) == [documents["notice"]]
    assert facet(other_province, "type") == {"thong_bao": 1}
    unrelated = search(stack.client("yendinh.vanthu"), q="lien doan lao dong")
    assert unrelated["total"] == 0 and unrelated["hits"] == []
    assert all(values == [] for values in unrelated["facets"].values())
    auditor = search(stack.client("kiemtra"), q="lien doan lao dong")
    assert sorted(ids(auditor)) == sorted(documents.values())


def test_export_has_every_hit_in_scope_as_excel_readable_csv(
    stack: Stack, documents: dict[str, str]
) -> None:
    response = stack.client("bentre.vanthu").get(
        "/api/v1/search/export.csv", params={"q": "lien doan", "page_size": 1}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Số, ký hiệu", "Ngày ban hành"]
    assert sorted(row[-1] for row in rows[1:]) == sorted(documents.values())
    assert NOTICE_SUBJECT in {row[3] for row in rows}
    urgency = {row[-1]: row[rows[0].index("Độ khẩn")] for row in rows[1:]}
    assert urgency == {documents["plan"]: "Khẩn", documents["notice"]: "Thường"}
    outsider = stack.client("bentre-tp.vanthu").get(
        "/api/v1/search/export.csv", params={"q": "lien doan"}
    )
    assert [row[-1] for row in csv.reader(io.StringIO(outsider.text.lstrip("\ufeff")))][1:] == [
        documents["plan"]
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"type": "khong_co"},
        {"status": "draft"},
        {"from": "2025-13-01"},
        {"from": "2025-02-01", "to": "2025-01-01"},
        {"to": "9999-12-31"},
        {"issuer": "00000000-0000-4000-8000-000000000000"},
        {"sort": "random"},
        {"q": "lien doan", "page": "5"},
        {"page": "0"},
        {"page_size": "1000"},
    ],
)
def test_bad_search_input_is_a_bilingual_422(
    stack: Stack, documents: dict[str, str], params: dict[str, str]
) -> None:
    paged = "page" in params or "page_size" in params  # the export has no pages
    for path in ("/api/v1/search",) if paged else ("/api/v1/search", "/api/v1/search/export.csv"):
        response = stack.client("bentre.vanthu").get(path, params=params)
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["message"] and body["message_en"] and body["message"] != body["message_en"]


def test_saved_searches(stack: Stack, documents: dict[str, str]) -> None:
    clerk = stack.client("bentre.vanthu")
    created = clerk.post(
        "/api/v1/saved-searches",
        json={"name": "Thông báo an toàn", "q": "an toan", "filters": {"type": ["thong_bao"]}},
    )
    assert created.status_code == 201, created.text
    search_id = created.json()["id"]
    listed = clerk.get("/api/v1/saved-searches").json()
    assert [(s["id"], s["name"], s["q"]) for s in listed] == [
        (search_id, "Thông báo an toàn", "an toan")
    ]
    assert listed[0]["filters"] == {"type": ["thong_bao"]}
    ran = clerk.get(f"/api/v1/saved-searches/{search_id}/results").json()
    assert ids(ran) == [documents["notice"]]

    other = stack.client("bentre.lanhdao")
    assert other.get("/api/v1/saved-searches").json() == []
    assert other.delete(f"/api/v1/saved-searches/{search_id}").status_code == 404
    assert other.get(f"/api/v1/saved-searches/{search_id}/results").status_code == 404

    for bad in (
        {"name": "  ", "q": "x"},
        {"name": "Loại lạ", "filters": {"type": ["khong_co"]}},
        {"name": "Ngày sai", "filters": {"from": ["hôm qua"]}},
    ):
        refused = clerk.post("/api/v1/saved-searches", json=bad)
        assert refused.status_code == 422, refused.text
        assert refused.json()["message"] and refused.json()["message_en"]
    assert len(clerk.get("/api/v1/saved-searches").json()) == 1

    assert clerk.delete(f"/api/v1/saved-searches/{search_id}").status_code == 204
    assert clerk.delete(f"/api/v1/saved-searches/{search_id}").status_code == 404
    assert clerk.get("/api/v1/saved-searches").json() == []


def test_the_search_page(stack: Stack, documents: dict[str, str]) -> None:
    browser = stack.client()
    signed_in = sign_in_page(browser, "bentre.vanthu")
    assert signed_in.status_code == 303
    page = browser.get("/search", params={"q": "an toan lao dong"})
    assert page.status_code == 200, stack.logs()[-3000:]
    assert "<mark>an</mark> <mark>toàn</mark>" in page.text
    assert re.search(r"Thông báo</a> <span class=\"count\">1</span>", page.text)
    assert '<span id="total">1</span> kết quả' in page.text
    assert "/api/v1/search/export.csv?q=an+toan+lao+dong" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    saved = browser.post(
        "/search/saved",
        data={
            "csrf_token": csrf.group(1),
            "name": "An toàn lao động",
            "query_string": "q=an+toan+lao+dong&type=thong_bao",
        },
    )
    assert saved.status_code == 303
    listed = browser.get(saved.headers["location"])
    assert "An toàn lao động" in listed.text and "<mark>" in listed.text
    bad = browser.get("/search", params={"from": "sai"})
    assert bad.status_code == 422 and "Ngày từ không hợp lệ" in bad.text
    browser.cookies.set("lang", "en")
    english = browser.get("/search", params={"q": "an toan"})
    assert "Saved searches" in english.text and "results" in english.text


def test_a_search_without_hits_says_what_to_try(stack: Stack, documents: dict[str, str]) -> None:
    page = stack.client("kiemtra").get(
        "/search", params={"q": "khong co gi ca", "type": "ke_hoach"}
    )
    assert page.status_code == 200
    assert 'id="no-hits"' in page.text and "cong doan" in page.text
    assert "Bỏ mọi bộ lọc" in page.text  # a filter is set: offered to clear it
    assert "Năm ban hành" not in page.text  # no empty facet headings
    found = stack.client("kiemtra").get("/search", params={"q": "lien doan"})
    assert 'id="no-hits"' not in found.text and "Năm ban hành" in found.text
