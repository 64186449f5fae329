"""A faster copy of an object into a past revision's view, for pyHanko's difference analysis.

Each object read through a past revision (``HistoricalResolver``) is copied so that its
references resolve within that revision (``_subsume_object``). pyHanko's copy builds a new
container reference for every value it meets, numbers and names included, then throws it away
for everything but dictionaries and arrays: 1 100 copies per validation of a one-page document.
This copy makes the same objects (same types, same values, references re-pointed to the
revision, the same container reference, by value, on each dictionary and array), builds the
container reference once per referenced object, and leaves to pyHanko's own copy anything
unusual (an encrypted object, a value without a plain container reference: pyHanko raises
there). Installed once, by ``signing.validation``."""

from __future__ import annotations

import threading
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver

__all__ = ["install", "subsume"]

_original = HistoricalResolver._subsume_object
_lock = threading.Lock()
_Reference = generic.Reference
_PdfObject = generic.PdfObject
_Indirect = generic.IndirectObject
_Stream = generic.StreamObject
_Dictionary = generic.DictionaryObject
_Array = generic.ArrayObject
_Proxy = generic.DecryptedObjectProxy
_PRIMITIVES = frozenset(
    {
        generic.NameObject,
        generic.NumberObject,
        generic.FloatObject,
        generic.TextStringObject,
        generic.ByteStringObject,
        generic.BooleanObject,
        generic.NullObject,
    }
)


def subsume(resolver: HistoricalResolver, obj: Any) -> Any:
    """Same result as ``HistoricalResolver._subsume_object``."""
    container = getattr(obj, "container_ref", None)
    if type(container) is not _Reference or not isinstance(obj, _PdfObject):
        return _original(resolver, obj)
    if isinstance(obj, _Proxy):
        return _original(resolver, obj)
    if isinstance(obj, _Indirect):
        return _Indirect(obj.idnum, obj.generation, resolver)
    if not isinstance(obj, _Dictionary | _Array):
        return obj  # a primitive: pyHanko shares it too

    def copy(value: Any) -> Any:
        # a plain primitive read with its container is shared as is: what ``subsume`` gives
        if type(value) in _PRIMITIVES and value.container_ref is container:
            return value
        return subsume(resolver, value)

    copied: Any
    if isinstance(obj, _Stream):
        copied = _Stream(
            {key: copy(value) for key, value in obj.items()}, encoded_data=obj.encoded_data
        )
    elif isinstance(obj, _Dictionary):
        copied = _Dictionary({key: copy(value) for key, value in obj.items()})
    else:
        copied = _Array(copy(value) for value in obj)
    copied.container_ref = _Reference(container.idnum, container.generation, resolver)
    return copied


def install() -> None:
    """Make past-revision views copy objects with ``subsume`` (idempotent)."""
    with _lock:
        HistoricalResolver._subsume_object = subsume  # type: ignore[method-assign]
