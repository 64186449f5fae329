"""The document page's signature check, kept for a few minutes per file: a stored file never
changes (it is named by its SHA-256), and validating it costs a PDF parse and the chain checks
(~0.1–0.3 s of CPU), which every reader of a widely sent document would otherwise pay on every
view. Five minutes bounds how long a revocation published since stays unseen on the page; the
receiving clerk's registration always validates afresh (``register_arrival``)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from signing import ValidationReport
from workflow.services import OfficeServices
from workflow.signing_steps import verify_file

TTL_SECONDS = 300.0
MAX_ENTRIES = 512

_lock = threading.Lock()
_reports: OrderedDict[str, tuple[float, ValidationReport]] = OrderedDict()


def verified_file(services: OfficeServices, sha256: str) -> ValidationReport:
    now = time.monotonic()
    with _lock:
        found = _reports.get(sha256)
        if found is not None and now - found[0] < TTL_SECONDS:
            _reports.move_to_end(sha256)
            return found[1]
    report = verify_file(services, sha256)
    with _lock:
        _reports[sha256] = (now, report)
        _reports.move_to_end(sha256)
        while len(_reports) > MAX_ENTRIES:
            _reports.popitem(last=False)
    return report
