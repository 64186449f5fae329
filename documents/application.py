"""The service layer: one method per use case, primitives in and out, one ``save()`` per use case.

Every command checks the authorisation policy, then appends events; the read models are caught up
after each save, so what a command did is visible to the next read in the same process. The use
cases live in ``documents/service/`` by area; this class is all of them together.
"""

from __future__ import annotations

from documents.service.dispatch import DispatchService
from documents.service.numbering import number_symbol
from documents.service.reports import ReportService
from documents.service.review import ReviewService
from documents.service.saved_searches import SavedSearchService

__all__ = ["OfficeApplication", "number_symbol"]


class OfficeApplication(ReportService, DispatchService, SavedSearchService, ReviewService):
    """The e-office's system of record."""
