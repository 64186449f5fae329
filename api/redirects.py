"""Where a page may send the browser back to when the target comes from the request (the
``Referer`` header): only a path of this site. An absolute URL is followed only when its host is
this request's host, and then only its path and query are kept; anything else — another site,
``//evil``, ``/\\evil``, ``javascript:``, control characters a browser would drop — is replaced
by the default (the home page). One rule for every redirect to a user-supplied target."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from fastapi import Request
from fastapi.responses import RedirectResponse

HOME = "/"


def local_path(target: str | None, host: str, default: str = HOME) -> str:
    """``target`` as a path of this site (``host`` is the request's ``host[:port]``), or
    ``default`` when it points anywhere else or cannot be read safely."""
    if not target or target.startswith("//") or "\\" in target:
        return default
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return default
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return default
    absolute = bool(parts.scheme or parts.netloc)
    if absolute and (parts.scheme not in ("http", "https") or parts.netloc.lower() != host.lower()):
        return default
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return default
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def back_to_referer(request: Request, default: str = HOME) -> RedirectResponse:
    """A 303 to the page the browser came from when it is a page of this site, else to
    ``default``."""
    target = local_path(request.headers.get("referer"), request.url.netloc, default)
    return RedirectResponse(target, status_code=303)
