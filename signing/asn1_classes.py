"""Every asn1crypto class made ready before any thread uses it.

asn1crypto prepares a class (its field map, tag tuples) the first time one of its values is
made, in several steps that are not atomic, and marks it ready in a global table: two threads
making the first values of a class at once can see it half prepared (the web app validates in a
thread pool). ``prepare_all`` makes one value of every class loaded so far, in the importing
thread (~4 ms for the ~470 classes of asn1crypto, pyHanko and certvalidator), so no class is
prepared later by concurrent threads."""

from __future__ import annotations

from collections.abc import Iterator

from asn1crypto import core

__all__ = ["prepare_all"]


def _subclasses(cls: type) -> Iterator[type]:
    subclass: type
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def prepare_all() -> int:
    """Prepares every loaded class not prepared yet; returns how many were prepared."""
    prepared = 0
    for cls in set(_subclasses(core.Asn1Value)):
        if cls in core._SETUP_CLASSES:
            continue
        try:
            cls()
        except Exception:  # a class that needs arguments: prepared with its first real value
            continue
        prepared += 1
    return prepared
