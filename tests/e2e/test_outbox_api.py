"""The sender's side at scale: the recipient list kept by reference, the per-recipient status
paged and filtered, the reminder lead time, report schedules, and the API's 405s."""

from __future__ import annotations

import pytest

from tests.stack import Stack


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/v1/saved-searches", {"GET", "HEAD", "POST"}),
        ("DELETE", "/api/v1/folders", {"GET", "HEAD", "POST"}),
        ("PATCH", "/api/v1/report-rounds", {"GET", "HEAD", "POST"}),
    ],
)
def test_a_wrong_method_is_told_every_allowed_one(
    stack: Stack, method: str, path: str, allowed: set[str]
) -> None:
    response = stack.client("bentre.chuyenvien").request(method, path)
    assert response.status_code == 405, response.text
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
    body = response.json()
    assert body["error"] == "method_not_allowed"
    assert body["message"] != body["message_en"]
