"""Inputs and results of the ``DocumentApproval`` workflow, its updates and activities: ids and
plain values, one dataclass each."""

from __future__ import annotations

from dataclasses import dataclass, field

DAY = 24 * 60 * 60


@dataclass(frozen=True)
class ApprovalRequest:
    """A submitted document's chain, as the event store had it when the workflow started."""

    document_id: str
    submission: int
    """Which submission of the document this run follows (a resubmission starts a new run)."""
    drafter_id: str
    signer_id: str
    reviewers: list[str] = field(default_factory=list)
    reviews_done: int = 0
    remind_after_seconds: int = DAY
    escalate_after_seconds: int = 3 * DAY


@dataclass(frozen=True)
class ApprovalCommand:
    """A person's command: approve, return (``text`` = the comment), withdraw (the reason),
    or the notice that they signed."""

    actor_id: str
    text: str = ""


@dataclass(frozen=True)
class ReviewDecision:
    document_id: str
    actor_id: str
    text: str
    step: int
    """How many reviews were done before this decision (makes a retried activity harmless)."""


@dataclass(frozen=True)
class StepAlert:
    document_id: str
    holder_id: str
    kind: str
    """``remind`` (the holder) or ``escalate`` (the unit's leader)."""


@dataclass(frozen=True)
class AlertResult:
    active: bool
    """False: the holder no longer holds the step (the document moved on outside the workflow)."""
    leader_id: str = ""


@dataclass
class ApprovalState:
    """The workflow's ``state`` query."""

    document_id: str
    submission: int
    step: str
    """``review``, ``sign``; at the end ``signed``, ``returned``, ``withdrawn`` or ``closed``."""
    holder_id: str
    reviewers: list[str]
    reviewers_done: list[str]
    reviewers_pending: list[str]
    step_started_at: str
    remind_at: str
    escalate_at: str
    reminded: bool
    escalated_to: str
    finished: bool


def approval_workflow_id(document_id: str) -> str:
    """Derived from the document: a retried submit cannot start a second approval."""
    return f"approval-{document_id}"
