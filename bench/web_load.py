"""Benchmark: 50 signed-in people using the web pages at once on the embedded stack (the real
processes of ``tests/stack.py`` with the demo data: Temporal dev server, trust services, worker,
one web process): each opens the inbox, an issued document's page and a search page in turn, as
fast as the answers come, for ``--seconds``.

Target (issue 8): p95 < 100 ms per page and no errors. Reports p50/p95/p99 per page, errors and
requests per second. The clients (asyncio + httpx) run on the same machine as the stack.
Run: ``.venv/bin/python -m bench.web_load`` (``--users 50 --seconds 60``).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from tests.e2e.flow import issued_plan
from tests.stack import Stack, make_stack

# Accounts that may open the plan: its issuer's and its recipients' officers, and the auditor.
READERS = [
    f"{unit}.{role}"
    for unit in ("bentre", "bentre-tp", "bentre-kcn", "may-viettien")
    for role in ("chuyenvien", "lanhdao", "vanthu")
] + ["kiemtra"]
PASSWORD = "congdoan2026"


async def signed_in(url: str, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=url, timeout=60)
    form = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text[:500]
    answer = await client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token[1]}
    )
    assert answer.status_code == 303, answer.text[:500]
    return client


async def person(
    client: httpx.AsyncClient,
    pages: list[tuple[str, str]],
    until: float,
    times: dict[str, list[float]],
    errors: dict[str, int],
    offset: int,
) -> None:
    turn = offset
    while time.perf_counter() < until:
        name, path = pages[turn % len(pages)]
        turn += 1
        started = time.perf_counter()
        try:
            answer = await client.get(path)
            ok = answer.status_code == 200
        except httpx.HTTPError:
            ok = False
        times[name].append(time.perf_counter() - started)
        if not ok:
            errors[name] += 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def load(stack: Stack, document_id: str, users: int, seconds: float) -> None:
    pages = [
        ("inbox", "/inbox"),
        ("document", f"/documents/{document_id}"),
        ("search", "/search?q=ke+hoach"),
    ]
    clients = [await signed_in(stack.api_url, READERS[i % len(READERS)]) for i in range(users)]
    for client in clients[: len(READERS)]:  # warm every page once
        for _, path in pages:
            (await client.get(path)).raise_for_status()
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(person(c, pages, until, times, errors, i) for i, c in enumerate(clients))
    )
    elapsed = time.perf_counter() - started
    total = sum(len(v) for v in times.values())
    print(f"{users} signed-in users, {elapsed:.0f} s, {total} requests, {total / elapsed:.1f}/s")
    print("page       requests  errors   p50 ms   p95 ms   p99 ms   mean ms")
    for name, _ in pages:
        values = times[name]
        print(
            f"{name:<10} {len(values):>8} {errors[name]:>7} "
            f"{percentile(values, 0.5) * 1000:>8.1f} {percentile(values, 0.95) * 1000:>8.1f} "
            f"{percentile(values, 0.99) * 1000:>8.1f} {statistics.mean(values) * 1000:>9.1f}"
        )
    for client in clients:
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        stack = make_stack(Path(directory))
        stack.start()
        try:
            document_id = issued_plan(stack)
            asyncio.run(load(stack, document_id, args.users, args.seconds))
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
