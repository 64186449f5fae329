"""Benchmark: 50 signed-in people using the web pages at once on the embedded stack (the real
processes of ``tests/stack.py`` with the demo data: Temporal dev server, trust services, worker,
``--web-workers`` web processes on one port): each opens the inbox, an issued document's page and
a search page in turn for ``--seconds``, either as fast as the answers come (``--think 0``, a
stress test) or pausing ``--think`` seconds on average between pages (uniform 0.5–1.5×, as a
person reading would).

Target (issue 8): p95 < 100 ms per page and no errors. Reports p50/p95/p99 per page, errors,
requests per second and the load average (the machine is shared). The clients (asyncio + httpx)
run on the same machine as the stack.
Run: ``.venv/bin/python -m bench.web_load`` (``--users 50 --seconds 60 --web-workers 2
--think 1``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
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
    think: float,
) -> None:
    turn = offset
    pause = random.Random(offset)
    if think > 0:  # people do not all start at the same instant
        await asyncio.sleep(pause.uniform(0, think))
    while time.perf_counter() < until:
        name, path = pages[turn % len(pages)]
        turn += 1
        started = time.perf_counter()
        try:
            answer = await client.get(path)
            ok = answer.status_code == 200
            if not ok and errors[name] < 3:
                where = answer.headers.get("location", "")
                print(f"{name}: HTTP {answer.status_code} {where} {answer.text[:200]!r}")
        except httpx.HTTPError as error:
            ok = False
            if errors[name] < 3:
                print(f"{name}: {error!r}")
        times[name].append(time.perf_counter() - started)
        if not ok:
            errors[name] += 1
        if think > 0:
            await asyncio.sleep(think * pause.uniform(0.5, 1.5))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def load(
    stack: Stack, document_id: str, users: int, seconds: float, think: float, workers: int
) -> None:
    pages = [
        ("inbox", "/inbox"),
        ("document", f"/documents/{document_id}"),
        ("search", "/search?q=ke+hoach"),
    ]
    clients = [await signed_in(stack.api_url, READERS[i % len(READERS)]) for i in range(users)]
    for client in clients[: len(READERS)]:  # warm every page once
        for _, path in pages:
            (await client.get(path)).raise_for_status()
    # then every client's connection just before the clock starts: one idle longer than the
    # server's keep-alive (5 s) may be closed as the first timed request is sent on it
    for client in clients:
        (await client.get("/healthz")).raise_for_status()
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    load_before = os.getloadavg()
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(person(c, pages, until, times, errors, i, think) for i, c in enumerate(clients))
    )
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    total = sum(len(v) for v in times.values())
    print(
        f"{users} signed-in users, {workers} web process(es), think {think:g} s, "
        f"{elapsed:.0f} s, {total} requests, {total / elapsed:.1f}/s"
    )
    print(
        "load average before / after: "
        + " / ".join(" ".join(f"{v:.1f}" for v in avg) for avg in (load_before, load_after))
    )
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
    parser.add_argument("--web-workers", type=int, default=1, help="web processes on the port")
    parser.add_argument(
        "--think", type=float, default=0, help="mean pause between a person's pages, seconds"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        stack = make_stack(Path(directory), web_workers=str(args.web_workers))
        try:
            stack.start()  # inside: a start that fails stops what it had started
            document_id = issued_plan(stack)
            asyncio.run(
                load(stack, document_id, args.users, args.seconds, args.think, args.web_workers)
            )
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
