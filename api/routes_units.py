"""JSON API: administering the union tree — import from CSV, rename, move, merge, dissolve, and
the unit's register and signature level settings. Units are named by id or by code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, Field

from api.actions import in_thread, parse_unit_ref, read_upload
from api.deps import Context, CurrentActor
from api.routes_v1 import Accepted
from documents.errors import InvalidInputError

router = APIRouter(prefix="/api/v1/units", tags=["units"])


class Imported(BaseModel):
    imported: int


class Names(BaseModel):
    name: str = Field(max_length=300)
    short_name: str = Field(max_length=200)
    abbreviation: str = Field(max_length=30)


class NewParent(BaseModel):
    parent: str = Field(description="id or code of the new parent unit")


class MergeTarget(BaseModel):
    into: str = Field(description="id or code of the unit this one merges into")


class Dissolution(BaseModel):
    reason: str = Field(max_length=2000)


class RegisterSetting(BaseModel):
    mode: str = Field(description="single: one outgoing register; per_type: one per type")


class SignatureLevelSetting(BaseModel):
    level: str | None = Field(
        default=None,
        max_length=16,
        description="B-B, B-T, B-LT or B-LTA for the unit's signatures; null: the defaults",
    )


@router.post("/import", response_model=Imported)
async def import_units(
    actor: CurrentActor, context: Context, file: Annotated[UploadFile, File()]
) -> Imported:
    """A CSV of units (format in the README); every row checked, all imported or none."""
    data = await read_upload(context, file) or b""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError(
            "Tệp CSV phải mã hóa UTF-8.", "The CSV file must be UTF-8 encoded."
        ) from None
    count = await in_thread(context.services.app.import_units, text, actor)
    return Imported(imported=count)


@router.post("/{unit}/rename", response_model=Accepted)
def rename(unit: str, body: Names, actor: CurrentActor, context: Context) -> Accepted:
    unit_id = parse_unit_ref(unit)
    context.services.app.rename_unit(actor, unit_id, body.name, body.short_name, body.abbreviation)
    return Accepted(id=str(unit_id))


@router.post("/{unit}/move", response_model=Accepted)
def move(unit: str, body: NewParent, actor: CurrentActor, context: Context) -> Accepted:
    unit_id = parse_unit_ref(unit)
    context.services.app.move_unit(actor, unit_id, parse_unit_ref(body.parent))
    return Accepted(id=str(unit_id))


@router.post("/{unit}/merge", response_model=Accepted)
def merge(unit: str, body: MergeTarget, actor: CurrentActor, context: Context) -> Accepted:
    unit_id = parse_unit_ref(unit)
    context.services.app.merge_units(actor, unit_id, parse_unit_ref(body.into))
    return Accepted(id=str(unit_id))


@router.post("/{unit}/dissolve", response_model=Accepted)
def dissolve(unit: str, body: Dissolution, actor: CurrentActor, context: Context) -> Accepted:
    unit_id = parse_unit_ref(unit)
    context.services.app.dissolve_unit(actor, unit_id, body.reason)
    return Accepted(id=str(unit_id))


@router.post("/{unit}/register-mode", response_model=Accepted)
def register_mode(
    unit: str, body: RegisterSetting, actor: CurrentActor, context: Context
) -> Accepted:
    unit_id = parse_unit_ref(unit)
    context.services.app.set_register_mode(actor, unit_id, body.mode)
    return Accepted(id=str(unit_id))


@router.post("/{unit}/signature-level", response_model=Accepted)
def signature_level(
    unit: str, body: SignatureLevelSetting, actor: CurrentActor, context: Context
) -> Accepted:
    """The PAdES level the unit's leaders and seal sign at (admins of the unit or above)."""
    unit_id = parse_unit_ref(unit)
    context.services.app.set_signature_level(actor, unit_id, body.level)
    return Accepted(id=str(unit_id))
