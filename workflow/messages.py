"""Inputs and results of workflows and activities: one dataclass each, ids only, no files."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IssueRequest:
    document_id: str


@dataclass(frozen=True)
class DeliveryBatch:
    document_id: str
    offset: int
    limit: int


@dataclass(frozen=True)
class IssueFailure:
    document_id: str
    reason: str


@dataclass(frozen=True)
class DispatchProgress:
    number_symbol: str
    recipient_count: int
    batches_total: int
    batches_done: int
    delivered: int
    finished: bool
    # after delivery: "done" (no deadline), "waiting", "reminded", "overdue" or "recalled"
    phase: str = "delivering"
    reminded: int = 0
    overdue: int = 0


def issuance_workflow_id(document_id: str) -> str:
    """Derived from the document: a retried start cannot run a second issuance."""
    return f"issue-{document_id}"


@dataclass(frozen=True)
class FollowUpTimes:
    """ISO 8601 moments (+07:00) of the reminder and of the overdue list; empty: none."""

    remind_at: str
    overdue_at: str


@dataclass(frozen=True)
class FollowUpRequest:
    document_id: str
    kind: str  # "reminder" or "overdue"


@dataclass(frozen=True)
class ForwardRequest:
    document_id: str
    from_unit_id: str
    part: int


@dataclass(frozen=True)
class ForwardBatch:
    document_id: str
    from_unit_id: str
    part: int
    offset: int
    limit: int


@dataclass
class ForwardProgress:
    units: int
    delivered: int
    finished: bool


def forwarding_workflow_id(document_id: str, from_unit_id: str, part: int) -> str:
    """Derived from (document, forwarding unit) and the request's part number."""
    return f"forward-{document_id}-{from_unit_id}-{part}"
