"""JSON API: the unit's file folders (hồ sơ)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import Context, CurrentActor
from api.routes_v1 import Accepted, Created

router = APIRouter(prefix="/api/v1/folders", tags=["folders"])


class NewFolder(BaseModel):
    year: int = Field(ge=1945, le=2200)
    code: str = Field(max_length=64)
    title: str = Field(max_length=500)
    retention_years: int | None = Field(
        default=None, description="years to keep; empty = permanent (vĩnh viễn)"
    )


@router.get("")
def folders(actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    app = context.services.app
    app.refresh_views()
    return app.views.folders(actor.unit_id)


@router.post("", status_code=201, response_model=Created)
def open_folder(body: NewFolder, actor: CurrentActor, context: Context) -> Created:
    folder_id = context.services.app.open_folder(
        actor, body.year, body.code, body.title, body.retention_years
    )
    return Created(id=str(folder_id))


@router.post("/{folder_id}/close", response_model=Accepted)
def close_folder(folder_id: UUID, actor: CurrentActor, context: Context) -> Accepted:
    context.services.app.close_folder(actor, folder_id)
    return Accepted(id=str(folder_id))
