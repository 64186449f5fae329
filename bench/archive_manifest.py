"""Benchmark: the signed manifest of a folder export (``ban-ke-da-ky.pdf``) — rendering the
Vietnamese table of N documents (4 files each, as an export lists them), embedding the list and
sealing it invisibly at B-B with the exporting unit's key; then ``eoffice verify-archive``'s
checks of it (signature validation, embedded list, the table's text).

No target was set (issue 7); the figure says what signing adds to an export of N documents,
whose own cost is one signature validation per document. Files are not hashed here (the
export hashes them as it writes them anyway).
Run: ``.venv/bin/python -m bench.archive_manifest`` (``--documents 20 200 1000``).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

from documents.archive_manifest import ManifestFile
from documents.clock import now_vietnam
from eoffice.bootstrap import build_runtime
from eoffice.demo import load_demo_data
from eoffice.settings import Settings
from signing import validate_pdf
from workflow.archive_signing import Listed, exporting_seal, read_signed_list, signed_manifest_pdf
from workflow.archive_verify import table_problems

KINDS = ("van-ban.pdf", "kiem-tra-chu-ky.json", "kiem-tra-chu-ky.txt", "lich-su.json")
FOLDER = {
    "id": "00000000-0000-4000-8000-000000000001",
    "code": "01.KH",
    "title": "Kế hoạch công tác năm 2026",
    "unit_name": "Liên đoàn Lao động tỉnh Bến Tre",
    "year": 2026,
    "retention": "10 năm",
    "status_label": "Đã đóng",
}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def run(counts: list[int], repeats: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(
            data_dir=Path(directory), seal_signature_level="B-B", pki_services_url=""
        )
        runtime = build_runtime(settings)
        load_demo_data(runtime)
        actor = runtime.app.actor_of(runtime.app.account("bentre.vanthu"))
        key = exporting_seal(runtime.services, actor)
        roots = runtime.services.keys.trust_roots()
        for count in counts:
            documents = [
                ManifestFile(
                    f"van-ban/{n:03d}-{n:02d}-KH-LDLD/van-ban.pdf",
                    "document",
                    _digest(f"doc {n}"),
                    250_000,
                    number_symbol=f"{n:02d}/KH-LĐLĐ",
                    date="2026-11-23",
                    subject=f"Kế hoạch tổ chức Tháng Công nhân năm 2026, đợt {n}",
                )
                for n in range(1, count + 1)
            ]
            listed = [
                Listed(f"van-ban/{n:03d}/{kind}", _digest(f"{n} {kind}"), 1000)
                for n in range(1, count + 1)
                for kind in KINDS
            ]
            signing, checking = [], []
            for _ in range(repeats):
                started = time.perf_counter()
                pdf = signed_manifest_pdf(
                    runtime.services,
                    actor,
                    key,
                    FOLDER,
                    now_vietnam(),
                    documents,
                    listed,
                    _digest("manifest"),
                )
                signing.append(time.perf_counter() - started)
                started = time.perf_counter()
                assert validate_pdf(pdf, roots).valid
                assert table_problems(pdf, read_signed_list(pdf)) == []
                checking.append(time.perf_counter() - started)
            print(
                f"{count:5d} documents ({len(listed):5d} files, PDF {len(pdf) / 1024:.0f} KiB): "
                f"render + seal {statistics.median(signing):.2f} s, "
                f"verify signature + list + table {statistics.median(checking):.2f} s "
                f"(median of {repeats})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, nargs="+", default=[20, 200, 1000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    run(args.documents, args.repeats)


if __name__ == "__main__":
    main()
