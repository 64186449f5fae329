"""The administrators' certificates page (quản trị chứng thư số): the seal certificate of a unit
and of each unit directly under it, and the personal certificates of the unit's accounts, with
expired, revoked and soon-expiring ones marked. Read-only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.actions import parse_unit_ref
from api.deps import Context
from api.pages import render
from api.pages_admin import _admin_base
from documents.clock import to_vietnam
from workflow.certificates import STATUS_LABELS, CertificateInfo, certificate_info
from workflow.services import unit_key_id

router = APIRouter(include_in_schema=False, prefix="/admin")
MAX_CHILD_UNITS = 200


def _row(holder: str, info: CertificateInfo, **extra: Any) -> dict[str, Any]:
    def day(moment: Any) -> str:
        return to_vietnam(moment).strftime("%d/%m/%Y") if moment else ""

    return {
        "holder": holder,
        "info": info,
        "label": STATUS_LABELS[info.status],
        "from": day(info.not_before),
        "until": day(info.not_after),
        **extra,
    }


@router.get("/certificates")
def certificates_page(request: Request, context: Context, unit: str = "") -> Response:
    base = _admin_base(request, context)
    app = context.services.app
    unit_id = parse_unit_ref(unit) if unit.strip() else base["actor"].unit_id
    accounts = app.accounts_of_unit(base["actor"], unit_id)  # the policy: admin of it or above
    tree = app.tree()
    shown = tree.get(unit_id)
    children = sorted(tree.children(unit_id), key=lambda u: u.name)
    units = [
        _row(u.name, certificate_info(context.services, unit_key_id(u.code)), code=u.code)
        for u in [shown, *children[:MAX_CHILD_UNITS]]
    ]
    people = [
        _row(
            f"{row['full_name']} ({row['username']})",
            certificate_info(context.services, app.account(row["username"]).key_id),
            roles=row["roles"],
        )
        for row in accounts
        if "leader" in row["roles"]
    ]
    return render(
        request,
        "admin_certificates.html",
        unit=shown,
        unit_rows=units,
        people_rows=people,
        more_units=max(0, len(children) - MAX_CHILD_UNITS),
        **base,
    )
