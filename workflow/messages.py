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


def issuance_workflow_id(document_id: str) -> str:
    """Derived from the document: a retried start cannot run a second issuance."""
    return f"issue-{document_id}"
