"""A faster map of every path to every object in a signed revision, for pyHanko's difference
analysis.

To judge what changed after a signature, pyHanko first maps, for the signed revision, each
indirect object to all the paths from the trailer that reach it
(``HistoricalResolver._load_reverse_xref_cache``). Its walk makes one call, and one linked-list
cell for the path, for every value it meets, numbers and names included, and it walks a shared
object again for every path that reaches it: the font width arrays under a shared resource
dictionary were walked once per page, 26 000 calls for a 50-page document (2/3 of that
validation's time). This walk gives the same map with the same rules (cycles cut per path, the
page tree entered only through its own ``/Kids`` path, ``/Parent`` skipped, the structure tree
entered only from ``/StructTreeRoot /K``, the same objects read in the same order of
discovery, the same errors) but does not descend into values that cannot lead to an indirect
object (a number, a name, a string, or an array or dictionary holding no reference at any
depth, which is found once per value). Installed once, by ``signing.validation``."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath

__all__ = ["install", "load_reverse_paths"]

Path = tuple[str | int, ...]

_ROOT_PAGES: Path = ("/Root", "/Pages")
_STRUCT_TREE_ROOT: Path = ("/Root", "/StructTreeRoot")
_lock = threading.Lock()
_original = HistoricalResolver._load_reverse_xref_cache


def _page_tree_paths(resolver: HistoricalResolver) -> dict[generic.Reference, Path]:
    """The path of every node of the page tree through ``/Kids``, as pyHanko maps it."""
    pages_ref = resolver.root.raw_get("/Pages")
    nodes: dict[generic.Reference, Path] = {}
    if isinstance(pages_ref, generic.IndirectObject):
        nodes[pages_ref.reference] = _ROOT_PAGES

    def kids_of(pages: Any, path: Path) -> Iterator[tuple[generic.Reference, Path]]:
        for index, kid in enumerate(pages["/Kids"]):
            kid_path = (*path, "/Kids", index)
            if isinstance(kid, generic.IndirectObject):
                yield kid.reference, kid_path
            kid = kid.get_object()
            if kid.get("/Type", None) == "/Pages":
                yield from kids_of(kid, kid_path)

    for ref, path in kids_of(pages_ref.get_object(), _ROOT_PAGES):
        if ref in nodes:
            raise misc.PdfReadError("Circular reference in page tree in mapping stage")
        nodes[ref] = path
    return nodes


def _struct_tree_refs(resolver: HistoricalResolver) -> set[generic.Reference]:
    """The structure elements reached from ``/StructTreeRoot`` through ``/K``."""

    def elements(element: Any) -> Iterator[generic.Reference]:
        try:
            children = element["/K"]
        except KeyError:
            return
        if not isinstance(children, generic.ArrayObject):
            children = (children,)
        for child in children:
            child_ref = None
            if isinstance(child, generic.IndirectObject):
                child_ref = child.reference
                child = child.get_object()
            if not isinstance(child, generic.DictionaryObject):
                continue
            try:
                if child["/Type"] != "/StructElem":
                    continue
            except KeyError:  # /StructElem is the default type
                pass
            if child_ref is not None:
                yield child_ref
            yield from elements(child)

    refs: set[generic.Reference] = set()
    try:
        root = resolver.root.raw_get("/StructTreeRoot").get_object()
        for ref in elements(root):
            if ref in refs:
                raise misc.PdfReadError("Circular reference in structure tree in mapping stage")
            refs.add(ref)
    except KeyError:
        pass
    return refs


def load_reverse_paths(resolver: HistoricalResolver) -> None:
    """Fill ``resolver``'s map of the paths to each indirect object (what pyHanko's
    ``_load_reverse_xref_cache`` computes), once."""
    if resolver._indirect_object_access_cache is not None:
        return
    page_tree = _page_tree_paths(resolver)
    struct_tree = _struct_tree_refs(resolver)
    collected: defaultdict[generic.Reference, set[Path]] = defaultdict(set)
    on_path: set[generic.Reference] = set()
    # whether a direct array or dictionary holds a reference at any depth, by identity (the
    # values are kept alive by the resolver's cache for the whole walk; kept here too)
    holds: dict[int, tuple[Any, bool]] = {}
    indirect, dictionary, array = (
        generic.IndirectObject,
        generic.DictionaryObject,
        generic.ArrayObject,
    )

    def may_lead_to_ref(value: Any) -> bool:
        if isinstance(value, indirect):
            return True
        if not isinstance(value, dictionary | array):
            return False
        known = holds.get(id(value))
        if known is not None:
            return known[1]
        children = value.values() if isinstance(value, dictionary) else value
        answer = any(may_lead_to_ref(child) for child in children)
        holds[id(value)] = (value, answer)
        return answer

    def visit(value: Any, path: Path, in_struct_tree: bool) -> None:
        # one frame per level, as in pyHanko's walk (a deep chain meets the same limit)
        ref = None
        if isinstance(value, indirect):
            ref = value.reference
            if ref in on_path:
                return
            collected[ref].add(path)
            value = resolver.get_object(ref)
            if page_tree.get(ref, path) != path:
                return
            if not in_struct_tree and ref in struct_tree:
                return
            on_path.add(ref)
        try:
            if isinstance(value, dictionary):
                for key, child in value.items():
                    if key == "/Parent" or (in_struct_tree and key == "/P"):
                        continue
                    if may_lead_to_ref(child):
                        visit(
                            child,
                            (*path, key),
                            in_struct_tree or (key == "/K" and path == _STRUCT_TREE_ROOT),
                        )
            elif isinstance(value, array):
                for index, child in enumerate(value):
                    if may_lead_to_ref(child):
                        visit(child, (*path, index), in_struct_tree)
        finally:
            if ref is not None:
                on_path.discard(ref)

    visit(resolver.trailer_view, (), False)
    resolver._indirect_object_access_cache = {
        ref: {RawPdfPath(*path) for path in paths} for ref, paths in collected.items()
    }


def install() -> None:
    """Make pyHanko's difference analysis use ``load_reverse_paths`` (idempotent)."""
    with _lock:
        HistoricalResolver._load_reverse_xref_cache = load_reverse_paths  # type: ignore[method-assign]
