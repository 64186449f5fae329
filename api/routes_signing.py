"""The leader's signature over the JSON API, with the signer of their choice: ``file`` (PKCS#12,
default), ``token`` (PKCS#11) or ``remote`` (CSC: 202 and a status URL to poll while the
service waits for the confirmation on the phone)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api import actions, remote_signing
from api.deps import Context, CurrentActor
from workflow.signing_steps import signer_choices

router = APIRouter(prefix="/api/v1", tags=["documents"])


class SignRequest(BaseModel):
    signer: str = Field(default="file", max_length=32)
    """``file``, ``token`` or ``remote``."""


def status_url(document_id: UUID) -> str:
    return f"/api/v1/documents/{document_id}/signing"


@router.post(
    "/documents/{document_id}/sign",
    responses={202: {"description": "Remote signature started: poll `status_url`"}},
)
async def sign(
    document_id: UUID,
    actor: CurrentActor,
    context: Context,
    body: SignRequest | None = None,
) -> JSONResponse:
    """Approve and sign. ``{"signer": "remote"}`` answers 202 with ``status_url`` at once; the
    document is signed when the leader confirms on their phone (or not, on a refusal or
    timeout: ``state`` ``failed`` with the reason)."""
    signer = actions.parse_signer(body.signer if body else None)
    if await actions.sign(context, actor, document_id, signer):
        return JSONResponse({"id": str(document_id), "workflow_id": None, "state": "signed"})
    return JSONResponse(
        {"id": str(document_id), "state": "waiting", "status_url": status_url(document_id)},
        status_code=202,
    )


@router.get("/documents/{document_id}/signing")
async def signing_state(document_id: UUID, actor: CurrentActor, context: Context) -> dict[str, Any]:
    """The state of the document's remote signature: ``waiting``, ``signed``, ``failed`` or
    ``none``, with a message in Vietnamese and English (from the ``RemoteSigning`` workflow,
    whichever web process started it)."""
    await actions.in_thread(actions.authorize_view, context, actor, document_id)
    attempt = await remote_signing.state(context, document_id)
    return {
        "id": str(document_id),
        "state": attempt.state,
        "message": attempt.message,
        "message_en": attempt.message_en,
    }


@router.get("/me/signers")
def my_signers(actor: CurrentActor, context: Context) -> list[dict[str, str]]:
    """The signers the signed-in person may choose."""
    return [
        {"signer": kind.value, "label": kind.label_vi, "label_en": kind.label_en}
        for kind in signer_choices(context.services, actor)
    ]
