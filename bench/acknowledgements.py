"""Benchmark: acknowledgements (xác nhận đã nhận) processed per second — N recipient units
acknowledge a delivered and registered document at the same time, as the web app serves them:
the service use case ``acknowledge`` called from a pool of threads of one process (FastAPI runs
the use cases in its thread pool), on the SQLite event store or on PostgreSQL (a private cluster,
``bench/postgres.py``). At the end the issuer's outbox (read model) must count every
acknowledgement.

Target (issue 5): ≥ 1,000 acknowledgements/s. The clerks are ``Actor`` values as the web app has
them after sign-in (sign-in is not timed). Run: ``.venv/bin/python -m bench.acknowledgements``
(``--store postgres``, ``--units``, ``--threads``, ``--profile``; ``--processes N``: N spawned
processes of that many threads each, on the same event store and data directory, as several
``eoffice api`` processes of a deployment are; the figure is from the first start to the last
end).
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import os
import pstats
import statistics
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from threading import Barrier as BarrierType  # a manager proxy of one, in fact
from uuid import NAMESPACE_URL, UUID, uuid5

from bench.dispatch import prepare
from bench.postgres import postgres_settings, private_postgres
from documents.policy import Actor
from documents.receipts import receipt_id_for
from eoffice.bootstrap import Runtime, build_runtime
from eoffice.settings import Settings
from workflow.signing_steps import number_and_seal


def registered_document(
    settings: Settings, units: int, threads: int
) -> tuple[Runtime, UUID, list[UUID]]:
    """A directive issued, delivered to ``units`` grassroots units and entered in each one's
    incoming register (an acknowledgement follows the registration), not timed."""
    runtime, document_id, _ = prepare(settings, units)
    app = runtime.app
    number_and_seal(runtime.services, document_id)
    recipients = list(app.dispatch_list(document_id).recipients)
    for offset in range(0, len(recipients), 1000):
        app.deliver(document_id, recipients[offset : offset + 1000])

    def register(unit_id: UUID) -> int:
        receipt_id = receipt_id_for(document_id, unit_id)
        return app.register_receipt(clerk_of(unit_id), receipt_id, True, "bench")

    started = time.perf_counter()
    threads = min(threads, 16)  # registering is setup: more threads only contend
    with ThreadPoolExecutor(threads) as pool:
        assert set(pool.map(register, recipients)) == {1}  # each unit's first arrival number
    elapsed = time.perf_counter() - started
    print(f"{len(recipients):,} receipts registered in {elapsed:.1f} s ({threads} threads)")
    return runtime, document_id, recipients


def clerk_of(unit_id: UUID) -> Actor:
    return Actor(
        account_id=uuid5(NAMESPACE_URL, f"/bench/clerk/{unit_id}"),
        username=f"vanthu-{unit_id}",
        full_name="Văn thư",
        unit_id=unit_id,
        roles=frozenset({"clerk"}),
    )


def acknowledge_all(
    runtime: Runtime,
    document_id: UUID,
    recipients: list[UUID],
    threads: int,
    profiles: list[cProfile.Profile] | None = None,
) -> list[float]:
    """Every recipient's clerk acknowledges once; returns each call's latency in seconds.
    ``profiles``: a list to collect one cProfile per thread (each call profiled in its thread)."""
    app = runtime.app
    local = threading.local()
    lock = threading.Lock()

    def acknowledge(unit_id: UUID) -> float:
        profiler = None
        if profiles is not None:
            profiler = getattr(local, "profiler", None)
            if profiler is None:
                profiler = local.profiler = cProfile.Profile()
                with lock:
                    profiles.append(profiler)
            profiler.enable()
        started = time.perf_counter()
        app.acknowledge(clerk_of(unit_id), receipt_id_for(document_id, unit_id))
        elapsed = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
        return elapsed

    if threads == 1:  # in this thread
        return [acknowledge(unit_id) for unit_id in recipients]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(acknowledge, recipients))


@dataclass(frozen=True)
class Share:
    """What one API process does: its recipients' acknowledgements, timed."""

    started: float
    finished: float
    cpu: float
    latencies: list[float]


def process_share(
    settings: Settings,
    document_id: UUID,
    recipients: list[UUID],
    threads: int,
    barrier: BarrierType,
) -> Share:
    """One API process (spawned): its own runtime on the same event store and data directory,
    as ``eoffice api`` processes share them; starts with the others at the barrier."""
    runtime = build_runtime(settings)
    runtime.app.refresh_views()
    barrier.wait()
    started, cpu_started = time.time(), time.process_time()
    latencies = acknowledge_all(runtime, document_id, recipients, threads)
    finished, cpu = time.time(), time.process_time() - cpu_started
    runtime.app.close()
    return Share(started, finished, cpu, latencies)


def in_processes(
    settings: Settings, document_id: UUID, recipients: list[UUID], threads: int, processes: int
) -> tuple[float, float, list[float]]:
    """Acknowledges from ``processes`` processes of ``threads`` threads each (the recipients
    dealt round-robin); returns the wall time (first start to last end), the CPU time of all
    processes and the latencies."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(processes, mp_context=context) as pool:
        barrier = manager.Barrier(processes)
        futures = [
            pool.submit(
                process_share, settings, document_id, recipients[i::processes], threads, barrier
            )
            for i in range(processes)
        ]
        shares = [future.result() for future in futures]
    elapsed = max(s.finished for s in shares) - min(s.started for s in shares)
    latencies = [latency for share in shares for latency in share.latencies]
    return elapsed, sum(s.cpu for s in shares), latencies


def run(store: str, units: int, threads: list[int], processes: int, profile: bool) -> None:
    with tempfile.TemporaryDirectory() as directory, ExitStack() as stack:
        server = stack.enter_context(private_postgres()) if store == "postgres" else None
        for count in threads:
            options: dict[str, object] = {
                "data_dir": Path(directory) / f"var-{count}",
                "pki_services_url": "",
                "personal_signature_level": "B-B",
                "seal_signature_level": "B-B",
            }
            if server is not None:
                dbname = server.create_database(f"bench_acks_{count}_{int(time.time())}")
                settings = postgres_settings(server, dbname, **options)
            else:
                settings = Settings(**options)  # type: ignore[arg-type]
            runtime, document_id, recipients = registered_document(settings, units, count)
            profiles: list[cProfile.Profile] | None = [] if profile else None
            if processes > 1:
                elapsed, cpu, latencies = in_processes(
                    settings, document_id, recipients, count, processes
                )
            else:
                started, cpu_started = time.perf_counter(), time.process_time()
                latencies = acknowledge_all(runtime, document_id, recipients, count, profiles)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            app = runtime.app
            app.refresh_views()
            issuer = app.dispatch_list(document_id).issuer_unit_id
            row = next(r for r in app.views.outbox(issuer) if r["id"] == str(document_id))
            assert row["acknowledged"] == row["delivered"] == len(recipients), row
            p95 = statistics.quantiles(latencies, n=20)[-1]
            print(
                f"{store}, {processes} process(es) × {count} threads: {len(recipients):,} "
                f"acknowledgements in {elapsed:.2f} s = {len(recipients) / elapsed:,.0f}/s "
                f"(latency median {1000 * statistics.median(latencies):.1f} ms, "
                f"p95 {1000 * p95:.1f} ms, CPU {1000 * cpu / len(recipients):.2f} ms each); "
                f"the outbox counts {row['acknowledged']:,} acknowledged; "
                f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
            )
            if profiles:
                stats = pstats.Stats(profiles[0])
                for other in profiles[1:]:
                    stats.add(other)
                stats.sort_stats("tottime").print_stats(40)
            app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--units", type=int, default=5000, help="recipients acknowledging")
    parser.add_argument("--threads", default="1,16", help="comma-separated thread counts")
    parser.add_argument(
        "--processes", type=int, default=1, help="API processes sharing the store (spawned)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile of the timed part")
    args = parser.parse_args()
    if args.profile and args.processes > 1:
        parser.error("--profile profiles one process: use it without --processes")
    run(
        args.store,
        args.units,
        [int(n) for n in args.threads.split(",")],
        args.processes,
        args.profile,
    )


if __name__ == "__main__":
    main()
