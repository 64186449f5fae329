"""The worker: runs the workflows and the activities on one task queue."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker

from workflow.activities import OfficeActivities
from workflow.approval import DocumentApprovalWorkflow
from workflow.approval_activities import ApprovalActivities
from workflow.follow_up_activities import FollowUpActivities
from workflow.forwarding import ForwardDocumentWorkflow
from workflow.issuance import IssueAndDispatchWorkflow
from workflow.remote_signing import RemoteSigningWorkflow
from workflow.remote_signing_activities import RemoteSigningActivities
from workflow.report_activities import ReportActivities
from workflow.report_round import ReportRoundWorkflow
from workflow.services import OfficeServices


def build_worker(
    client: Client,
    services: OfficeServices,
    task_queue: str,
    executor: ThreadPoolExecutor,
    max_activities: int = 8,
) -> Worker:
    """``max_activities`` (``EOFFICE_WORKER_ACTIVITIES``): activities run at once; the executor
    should have as many threads."""
    activities = OfficeActivities(services)
    reports = ReportActivities(services)
    approvals = ApprovalActivities(services)
    follow_up = FollowUpActivities(services)
    remote = RemoteSigningActivities(services)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[
            IssueAndDispatchWorkflow,
            ReportRoundWorkflow,
            DocumentApprovalWorkflow,
            ForwardDocumentWorkflow,
            RemoteSigningWorkflow,
        ],
        activities=[
            activities.number_and_seal,
            activities.record_issue_failure,
            activities.count_recipients,
            activities.deliver_batch,
            activities.mark_dispatched,
            reports.open_scheduled_round,
            reports.ask_report_targets,
            reports.record_report_reminders,
            approvals.record_review_approval,
            approvals.record_return,
            approvals.record_withdrawal,
            approvals.confirm_signed,
            approvals.record_approval_alert,
            follow_up.follow_up_times,
            follow_up.send_follow_up,
            follow_up.notice_recall_everywhere,
            follow_up.count_forward_units,
            follow_up.deliver_forward_batch,
            remote.ask_remote_signature,
            remote.await_remote_confirmation,
            remote.record_remote_signature,
            remote.tell_approval_signed,
        ],
        activity_executor=executor,
        max_concurrent_activities=max_activities,
    )
