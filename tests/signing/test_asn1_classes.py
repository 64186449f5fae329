"""asn1crypto's classes are prepared when validation is imported, not by the first threads that
use them (tests/signing/test_concurrent_validation.py covers the rest of thread safety)."""

from __future__ import annotations

from asn1crypto import cms, core, x509

import signing.validation  # noqa: F401  (prepares the classes)
from signing.asn1_classes import prepare_all


def test_the_classes_validation_reads_are_prepared_on_import() -> None:
    for cls in (x509.Certificate, x509.Name, x509.NameTypeAndValue, cms.SignedData, cms.SignerInfo):
        assert cls in core._SETUP_CLASSES, cls


def test_a_class_loaded_later_is_prepared_by_the_next_call() -> None:
    class LaterSequence(core.Sequence):
        _fields = [("version", core.Integer)]

    assert LaterSequence not in core._SETUP_CLASSES
    assert prepare_all() >= 1
    assert LaterSequence in core._SETUP_CLASSES
    assert prepare_all() == 0
