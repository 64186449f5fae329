"""Benchmark: a report round over the real-shaped tree — asking every grassroots union, then
the roll-up of 125,280 accepted reports at the national level, at a provincial federation and
at an upper-grassroots union, and the national missing-units page.

Target (issue 5): roll-up of a round with 126,000 submissions < 10 s. The reports are written
straight through the aggregates in batches (submit + accept, no PDF signing: signing speed has
its own benchmark), so what is timed is the asking and the roll-up itself.
Run: ``.venv/bin/python -m bench.report_rollup`` (``--units 10000`` for a smaller run).
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from bench.dispatch import tree_csv
from documents.clock import now_vietnam
from documents.report_rounds import ReportSubmission, submission_id_for
from documents.units import unit_id_for
from eoffice.bootstrap import build_runtime
from eoffice.settings import Settings

BATCH = 1000


def run(units: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(data_dir=Path(directory), pki_services_url="")
        runtime = build_runtime(settings)
        app = runtime.app
        text, codes = tree_csv(units)
        started = time.perf_counter()
        app.import_units(text)
        elapsed = time.perf_counter() - started
        print(f"tree of {len(codes)} grassroots units imported in {elapsed:.1f} s")
        national = unit_id_for("tld")
        app.open_account("lanhdao", "Lãnh đạo", national, ["leader"], "Chủ tịch", "x", None)
        leader = app.actor_of(app.account("lanhdao"))
        round_id = app.open_report_round(
            leader,
            title="Báo cáo kết quả chuyển đổi số",
            form="chuyen-doi-so",
            period_label="Quý IV/2026",
            period_start=now_vietnam().date().replace(month=10, day=1),
            period_end=now_vietnam().date().replace(month=12, day=31),
            due_date=now_vietnam().date() + timedelta(days=20),
            target_levels=["grassroots"],
        )
        started = time.perf_counter()
        targets = app.report_targets(round_id)
        for offset in range(0, len(targets), BATCH):
            app.ask_report_targets(round_id, targets[offset : offset + BATCH])
        asked_seconds = time.perf_counter() - started
        print(f"{len(targets)} units asked in {asked_seconds:.1f} s")

        started = time.perf_counter()
        randomness = random.Random(2026)
        by = leader.account_id
        moment = now_vietnam()
        for offset in range(0, len(targets), BATCH):
            batch = []
            for unit_id, _ in targets[offset : offset + BATCH]:
                submission: ReportSubmission = app.repository.get(
                    submission_id_for(round_id, unit_id)
                )
                members = randomness.randint(20, 2000)
                submission.submit(
                    values={
                        "members": members,
                        "members_in_database": members // 2,
                        "officers_with_signature": randomness.randint(0, 3),
                        "members_with_signature": members // 10,
                        "work_files": randomness.randint(0, 300),
                        "online_share": round(randomness.uniform(0, 100), 1),
                        "trainings": randomness.randint(0, 5),
                        "cashless_guided": randomness.randint(0, 500),
                        "has_website": randomness.random() < 0.4,
                        "difficulties": "" if randomness.random() < 0.9 else "Thiếu thiết bị",
                    },
                    by=by,
                    signer_name="Lãnh đạo",
                    certificate_sha256="0" * 64,
                    file_sha256="0" * 64,
                    submitted_at=moment,
                )
                submission.accept(by=by)
                batch.append(submission)
            app.save(*batch)
        app.refresh_views()
        elapsed = time.perf_counter() - started
        print(f"{len(targets)} reports submitted and accepted in {elapsed:.1f} s")

        roots = {"national": national}
        provincial = UUID(
            app.views.submissions_under(round_id, national, limit=1)[0]["path"].split("/")[2]
        )
        upper = UUID(
            app.views.submissions_under(round_id, national, limit=1)[0]["path"].split("/")[3]
        )
        roots["provincial"], roots["upper-grassroots"] = provincial, upper
        for name, root in roots.items():
            times = []
            for _ in range(3):
                started = time.perf_counter()
                rollup = app.report_rollup(leader, round_id, root)
                times.append(time.perf_counter() - started)
            print(
                f"roll-up at {name}: {rollup.reported} reports, {len(rollup.lines)} lines, "
                f"members {rollup.totals['members'].value}: best {min(times):.2f} s, "
                f"worst {max(times):.2f} s"
            )
        started = time.perf_counter()
        missing = app.missing_reports(leader, round_id, national, 100)
        elapsed = time.perf_counter() - started
        print(f"missing units page at national: {len(missing)} rows in {elapsed:.3f} s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident memory: {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=125_280)
    run(parser.parse_args().units)


if __name__ == "__main__":
    main()
