"""The one rule for redirects to a target the request names (``api/redirects.py``): a path of
this site is followed (an absolute URL only when its host is this request's, reduced to its path
and query); another site, a scheme-relative or backslash URL, a script URL or control characters
send the browser home (or to the page's own default)."""

from __future__ import annotations

import pytest

from api.redirects import local_path

HOST = "eoffice.congdoan.vn"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/documents/1?rstatus=delivered", "/documents/1?rstatus=delivered"),
        ("/reports/7#review", "/reports/7#review"),
        (f"http://{HOST}/inbox", "/inbox"),
        (f"https://{HOST}/search?q=k%E1%BA%BF+ho%E1%BA%A1ch", "/search?q=k%E1%BA%BF+ho%E1%BA%A1ch"),
        (f"https://{HOST.upper()}/outbox", "/outbox"),
        (f"https://{HOST}", "/"),  # the site without a path: home
    ],
)
def test_a_path_of_this_site_is_followed(target: str, expected: str) -> None:
    assert local_path(target, HOST) == expected


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/phish",
        "http://evil.example/",
        f"https://{HOST}.evil.example/inbox",
        f"https://{HOST}@evil.example/inbox",
        f"http://{HOST}:8443/inbox",  # another port is another origin
        "//evil.example/inbox",
        "///evil.example/inbox",
        "\\\\evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "data:text/html,hi",
        "ftp://" + HOST + "/inbox",
        "inbox",
        "/\t/evil.example",  # browsers drop tabs and newlines: it would read //evil.example
        "/\n/evil.example",
        "/ /x",
        "http://[::1/",  # unreadable
    ],
)
def test_anything_else_goes_to_the_default(target: str | None) -> None:
    assert local_path(target, HOST) == "/"
    assert local_path(target, HOST, "/reports/7") == "/reports/7"
