"""The office the workflow tests run against: the embedded runtime with the demo data, signing at
B-B with no trust services (fast, offline), and the demo people as actors."""

from __future__ import annotations

from pathlib import Path

from documents.policy import Actor
from eoffice.bootstrap import Runtime, build_runtime
from eoffice.demo import load_demo_data
from eoffice.settings import Settings


def demo_runtime(data_dir: Path, signers_file: Path | None = None) -> Runtime:
    settings = Settings(
        data_dir=data_dir,
        personal_signature_level="B-B",
        seal_signature_level="B-B",
        pki_services_url="",
        signers_file=signers_file,
    )
    runtime = build_runtime(settings)
    load_demo_data(runtime)
    return runtime


def actor(runtime: Runtime, username: str) -> Actor:
    return runtime.app.actor_of(runtime.app.account(username))
