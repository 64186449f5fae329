"""``RemoteSigning`` (ký từ xa): the leader's signature with a remote CSC signer, one workflow
per attempt on a document (id ``remote-signing-<document id>``; a new attempt only once the
last one ended). The state lives in Temporal, not in the web process that started it, so any
web process — or one started since — reads it with the ``state`` query.

1. ``ask_remote_signature``: the checks of a signature, the document prepared up to the digest
   to sign (``signing.remote_signature``) and stored, the service asked to have the person
   confirm it on their phone (answered at once).
2. ``await_remote_confirmation``: polls the service, heartbeating, until the person approves
   (then the service signs the digest) or declines, or the configured time is over — a
   bilingual failure, the document unchanged. A worker lost meanwhile: the activity runs again
   from the heartbeat's timeout and waits for the same request until the same deadline.
3. ``record_remote_signature``: the signature value into the prepared file, the level's
   timestamps and validation data, ``ApprovedAndSigned`` recorded; then the approval workflow
   is told (``tell_approval_signed``), as when the leader signs with a file or a token.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from workflow.remote_signing_messages import (
        FAILED_EN,
        FAILED_VI,
        SIGNED_EN,
        SIGNED_VI,
        WAITING_EN,
        WAITING_VI,
        RecordRemoteSignature,
        RemoteSignatureValue,
        RemoteSigningAsked,
        RemoteSigningRequest,
        RemoteSigningState,
    )

RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=5,
)
POLL_HEARTBEAT = timedelta(seconds=20)
"""The poller heartbeats every second; a worker silent this long is taken as lost."""
REFUSAL_TYPES = {"ForbiddenError", "ConflictError", "InvalidInputError", "NotFoundError"}


@workflow.defn(name="RemoteSigning")
class RemoteSigningWorkflow:
    def __init__(self) -> None:
        self._state = RemoteSigningState("waiting", WAITING_VI, WAITING_EN)

    @workflow.run
    async def run(self, request: RemoteSigningRequest) -> RemoteSigningState:
        self._state = RemoteSigningState("waiting", WAITING_VI, WAITING_EN, request.account_id)
        try:
            asked = await workflow.execute_activity(
                "ask_remote_signature",
                request,
                result_type=RemoteSigningAsked,
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=RETRY,
            )
            value = await workflow.execute_activity(
                "await_remote_confirmation",
                asked,
                result_type=RemoteSignatureValue,
                start_to_close_timeout=timedelta(seconds=asked.timeout_seconds + 120),
                heartbeat_timeout=POLL_HEARTBEAT,
                retry_policy=RETRY,
            )
            await workflow.execute_activity(
                "record_remote_signature",
                RecordRemoteSignature(asked, value),
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=RETRY,
            )
        except ActivityError as error:
            self._state = _failed(error, request.account_id)
            return self._state
        self._state = RemoteSigningState("signed", SIGNED_VI, SIGNED_EN, request.account_id)
        await workflow.execute_activity(
            "tell_approval_signed",
            request,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
        return self._state

    @workflow.query
    def state(self) -> RemoteSigningState:
        return self._state


def _failed(error: ActivityError, account_id: str) -> RemoteSigningState:
    """The reason of a failed step: a refusal's or the signing service's own words; anything
    else (a step that kept failing) as a system error."""
    cause = error.cause
    if isinstance(cause, ApplicationError) and (
        cause.type in REFUSAL_TYPES or cause.type == "SigningError"
    ):
        english = str(cause.details[0]) if cause.details else cause.message
        return RemoteSigningState("failed", cause.message, english, account_id)
    return RemoteSigningState("failed", FAILED_VI, FAILED_EN, account_id)
