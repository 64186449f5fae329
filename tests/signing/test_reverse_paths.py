"""``signing.reverse_paths`` maps the paths to every object of a revision exactly as pyHanko's
own walk does: on the issued documents, and on a document built to exercise every rule of the
walk (a nested page tree with links between pages and shared resources, a structure tree with
back-references, an outline chain, an object reached by many paths, a reference cycle outside
the page tree, and an incremental update)."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter

from signing import reverse_paths

Paths = dict[generic.Reference, set[tuple[str | int, ...]]]


def _maps(pdf: bytes, load: object) -> list[Paths]:
    """The map of every revision of ``pdf``, computed by ``load`` on a fresh reader."""
    reader = PdfFileReader(io.BytesIO(pdf))
    maps = []
    for revision in range(reader.xrefs.total_revisions):
        resolver = reader.get_historical_resolver(revision)
        load(resolver)  # type: ignore[operator]
        cache = resolver._indirect_object_access_cache
        assert cache is not None
        maps.append({ref: {tuple(path) for path in paths} for ref, paths in cache.items()})
    return maps


def _assert_same_as_pyhanko(pdf: bytes) -> None:
    ours = _maps(pdf, reverse_paths.load_reverse_paths)
    theirs = _maps(pdf, reverse_paths._original)
    assert ours == theirs
    assert any(ours)


def _d(**entries: generic.PdfObject) -> generic.DictionaryObject:
    return generic.DictionaryObject(
        {generic.NameObject("/" + key): value for key, value in entries.items()}
    )


def _n(name: str) -> generic.NameObject:
    return generic.NameObject("/" + name)


def _nums(*values: int) -> generic.ArrayObject:
    return generic.ArrayObject(generic.NumberObject(v) for v in values)


def _tricky_pdf() -> bytes:
    writer = PdfFileWriter(init_page_tree=False)
    font = writer.add_object(
        _d(Type=_n("Font"), Subtype=_n("Type1"), BaseFont=_n("Helvetica"), Widths=_nums(*range(40)))
    )
    resources = writer.add_object(_d(Font=_d(F1=font), ProcSet=generic.ArrayObject([_n("PDF")])))
    root_pages = writer.allocate_placeholder()
    inner_pages = writer.allocate_placeholder()
    pages = []
    for parent in (inner_pages, inner_pages, root_pages):
        content = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf (x) Tj ET"))
        pages.append(
            writer.add_object(
                _d(
                    Type=_n("Page"),
                    Parent=parent,
                    MediaBox=_nums(0, 0, 595, 842),
                    Resources=resources,
                    Contents=content,
                )
            )
        )
    for index, page in enumerate(pages):  # each page links to the next one (cross-page refs)
        target = pages[(index + 1) % len(pages)]
        link = _d(
            Type=_n("Annot"),
            Subtype=_n("Link"),
            Rect=_nums(0, 0, 10, 10),
            P=page,
            Dest=generic.ArrayObject([target, _n("Fit")]),
        )
        page.get_object()[_n("Annots")] = generic.ArrayObject([writer.add_object(link)])
    writer.objects[(inner_pages.generation, inner_pages.idnum)] = _d(
        Type=_n("Pages"), Parent=root_pages, Kids=generic.ArrayObject(pages[:2]), Count=_nums(2)[0]
    )
    writer.objects[(root_pages.generation, root_pages.idnum)] = _d(
        Type=_n("Pages"), Kids=generic.ArrayObject([inner_pages, pages[2]]), Count=_nums(3)[0]
    )
    struct_root = writer.allocate_placeholder()
    # a /P off the walked path (a page): skipped inside the structure tree only
    paragraph = writer.add_object(_d(Type=_n("StructElem"), S=_n("P"), P=pages[0], Pg=pages[0]))
    section = writer.add_object(
        _d(S=_n("Sect"), P=struct_root, K=generic.ArrayObject([paragraph, generic.NumberObject(0)]))
    )
    paragraph.get_object()[_n("K")] = generic.NumberObject(0)
    parent_tree = writer.add_object(
        _d(Nums=generic.ArrayObject([generic.NumberObject(0), section]))
    )
    writer.objects[(struct_root.generation, struct_root.idnum)] = _d(
        Type=_n("StructTreeRoot"), K=section, ParentTree=parent_tree
    )
    first, second = writer.allocate_placeholder(), writer.allocate_placeholder()
    outlines = writer.add_object(_d(Type=_n("Outlines"), First=first, Last=second))
    writer.objects[(first.generation, first.idnum)] = _d(
        Title=generic.pdf_string("1"),
        Parent=outlines,
        Next=second,
        Dest=generic.ArrayObject([pages[1], _n("Fit")]),
    )
    writer.objects[(second.generation, second.idnum)] = _d(
        Title=generic.pdf_string("2"),
        Parent=outlines,
        Prev=first,
        Dest=generic.ArrayObject([pages[2], _n("Fit")]),
    )
    loop_a, loop_b = writer.allocate_placeholder(), writer.allocate_placeholder()
    extra_parent = writer.add_object(_d(Kind=_n("OnlyReachedThroughParent")))
    writer.objects[(loop_a.generation, loop_a.idnum)] = _d(
        Other=loop_b, Font=font, Parent=extra_parent
    )
    writer.objects[(loop_b.generation, loop_b.idnum)] = _d(Other=loop_a, Resources=resources)
    root = writer.root
    root[_n("Pages")] = root_pages
    root[_n("StructTreeRoot")] = struct_root
    root[_n("Outlines")] = outlines
    root[_n("Loop")] = loop_a
    root[_n("Shared")] = generic.ArrayObject([font, font, _d(Again=font)])
    buffer = io.BytesIO()
    writer.write(buffer)

    update = IncrementalPdfFileWriter(io.BytesIO(buffer.getvalue()))
    extra = update.add_object(_d(Note=generic.pdf_string("added"), Font=font))
    update.root[_n("Extra")] = extra
    update.update_root()
    out = io.BytesIO()
    update.write(out)
    return out.getvalue()


def test_the_walk_matches_pyhanko_on_a_document_with_every_kind_of_path() -> None:
    pdf = _tricky_pdf()
    _assert_same_as_pyhanko(pdf)
    maps = _maps(pdf, reverse_paths.load_reverse_paths)
    font_paths = max(maps[-1].values(), key=len)
    assert len(font_paths) > 3  # the font is reached by many paths, all kept


@pytest.mark.parametrize("document", ["template_pdf", "personally_signed", "issued_pdf"])
def test_the_walk_matches_pyhanko_on_the_issuance_steps(
    document: str, request: pytest.FixtureRequest
) -> None:
    _assert_same_as_pyhanko(request.getfixturevalue(document))


def test_a_circular_page_tree_is_refused_as_by_pyhanko() -> None:
    writer = PdfFileWriter(init_page_tree=False)
    pages = writer.allocate_placeholder()
    page = writer.add_object(_d(Type=_n("Page"), Parent=pages, MediaBox=_nums(0, 0, 10, 10)))
    writer.objects[(pages.generation, pages.idnum)] = _d(
        Type=_n("Pages"), Kids=generic.ArrayObject([page, page]), Count=_nums(2)[0]
    )
    writer.root[_n("Pages")] = pages
    buffer = io.BytesIO()
    writer.write(buffer)
    for load in (reverse_paths.load_reverse_paths, reverse_paths._original):
        resolver = PdfFileReader(io.BytesIO(buffer.getvalue())).get_historical_resolver(0)
        with pytest.raises(Exception, match="Circular reference in page tree"):
            load(resolver)  # type: ignore[operator]
