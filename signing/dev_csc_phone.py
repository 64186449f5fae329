"""The development CSC service's "phone" (điện thoại thử nghiệm): a page, ``GET /phone``, that
lists the signatures waiting for a confirmation and lets the person approve (Xác nhận ký) or
decline (Từ chối) each, as the signing app on their phone would. The page reloads itself
when the requests waiting change (a small script asks ``/phone/ids`` every few seconds; no
timed refresh that would pull the page from under the reader). Never for production: anyone
who reaches it may decide."""

from __future__ import annotations

import html
from typing import Any, Protocol

from aiohttp import web

__all__ = ["add_phone_page"]

REFRESH_SECONDS = 3


class PendingRequests(Protocol):
    def pending_requests(self) -> list[dict[str, Any]]: ...

    def decide(self, request_id: str, approve: bool) -> bool: ...


def add_phone_page(app: web.Application, service: PendingRequests) -> None:
    async def page(request: web.Request) -> web.Response:
        done = request.query.get("done", "")
        return web.Response(
            text=_page(service.pending_requests(), done), content_type="text/html", charset="utf-8"
        )

    async def decide(request: web.Request) -> web.Response:
        decision = request.match_info["decision"]
        if decision not in {"approve", "reject"}:
            raise web.HTTPNotFound()
        found = service.decide(request.match_info["request_id"], decision == "approve")
        outcome = decision if found else "gone"
        raise web.HTTPSeeOther(f"/phone?done={outcome}")

    async def ids(request: web.Request) -> web.Response:
        return web.json_response([p["id"] for p in service.pending_requests()])

    app.router.add_get("/phone", page)
    app.router.add_get("/phone/ids", ids)
    app.router.add_post("/phone/page/{request_id}/{decision}", decide)


_OUTCOMES = {
    "approve": ("Đã xác nhận ký.", "Signature confirmed."),
    "reject": ("Đã từ chối yêu cầu ký.", "Request declined."),
    "gone": (
        "Yêu cầu không còn chờ xác nhận (đã hết hạn hoặc đã được quyết định).",
        "The request is no longer waiting (expired or decided already).",
    ),
}


def _page(pending: list[dict[str, Any]], done: str) -> str:
    items = "\n".join(_item(p) for p in pending)
    listing = (
        f'<ul aria-label="Yêu cầu đang chờ">\n{items}\n</ul>'
        if pending
        else '<p class="empty">Không có yêu cầu ký nào đang chờ. / No signature is waiting.</p>'
    )
    shown = html.escape(" ".join(str(p["id"]) for p in pending), quote=True)
    notice = ""
    if done in _OUTCOMES:
        vi, en = _OUTCOMES[done]
        notice = f'<p role="status" class="notice">{vi} / {en}</p>'
    return f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Điện thoại thử nghiệm – ký số từ xa</title>
<style>
body {{ font-family: sans-serif; max-width: 28rem; margin: 1rem auto; padding: 0 1rem;
       color: #1a1a1a; }}
li {{ border: 1px solid #888; border-radius: .5rem; padding: .75rem; margin: .75rem 0;
      list-style: none; }}
ul {{ padding: 0; }}
button {{ font-size: 1rem; padding: .5rem 1rem; margin-right: .5rem; }}
.approve {{ background: #0b5d1e; color: #fff; border: 0; }}
.reject {{ background: #fff; color: #8a1111; border: 1px solid #8a1111; }}
.notice {{ background: #eef6ee; padding: .5rem; }}
code {{ word-break: break-all; font-size: .8rem; }}
</style>
</head>
<body>
<main id="phone" data-ids="{shown}">
<h1>Điện thoại thử nghiệm <span lang="en">(development phone)</span></h1>
<p>Yêu cầu ký số từ xa đang chờ xác nhận / Remote signatures waiting for confirmation.</p>
{notice}
{listing}
<p><a href="/phone">Làm mới / Refresh</a></p>
</main>
<script>
(function () {{
  var shown = document.getElementById("phone").dataset.ids;
  function check() {{
    fetch("/phone/ids").then(function (reply) {{ return reply.json(); }}).then(function (ids) {{
      if (ids.join(" ") !== shown) {{ window.location.replace("/phone"); }}
      else {{ window.setTimeout(check, {REFRESH_SECONDS * 1000}); }}
    }}).catch(function () {{ window.setTimeout(check, {REFRESH_SECONDS * 1000}); }});
  }}
  window.setTimeout(check, {REFRESH_SECONDS * 1000});
}}());
</script>
</body>
</html>
"""


def _item(pending: dict[str, Any]) -> str:
    request_id = html.escape(str(pending["id"]), quote=True)
    description = html.escape(str(pending["description"]) or "Ký số")
    credential = html.escape(str(pending["credential_id"]))
    digest = html.escape(", ".join(str(h) for h in pending["hashes"]))
    return f"""<li>
<p><strong>{description}</strong></p>
<p>Chứng thư / credential: {credential}<br>Mã băm / hash: <code>{digest}</code></p>
<form method="post" action="/phone/page/{request_id}/approve" style="display:inline">
<button class="approve" type="submit">Xác nhận ký</button></form>
<form method="post" action="/phone/page/{request_id}/reject" style="display:inline">
<button class="reject" type="submit">Từ chối</button></form>
</li>"""
