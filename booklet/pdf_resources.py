"""What a PDF's pages draw with: their resource dictionaries and the forms they draw
(the running heads laid over the joined parts are forms), nested forms too, each once.

Shared by preflight (fonts and images of any PDF a user names), the print edition's
colour conversion and the merging of font subsets. A form may draw itself, directly or
through another: in a hostile PDF that would be a walk without end, so every form and
every resource dictionary is visited once."""

from __future__ import annotations

from collections.abc import Iterator


def content_streams(page) -> list:
    """The content streams that draw a page (its /Contents: one stream or an array)."""
    import pikepdf

    contents = page.get("/Contents")
    if isinstance(contents, pikepdf.Array):
        return list(contents)
    return [contents] if contents is not None else []


def drawn_forms(resources, seen: set) -> Iterator:
    """The form XObjects that `resources` draws, each followed by those it draws (depth
    first, in the order they are named), each once over all calls sharing `seen` (a set
    of object ids). Without recursion: a chain of forms may be deeper than Python's."""
    import pikepdf

    def forms_of(current) -> Iterator:
        xobjects = current.get("/XObject") if isinstance(current, pikepdf.Dictionary) else None
        if isinstance(xobjects, pikepdf.Dictionary):
            for xobject in xobjects.values():
                if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form":
                    yield xobject

    stack = [forms_of(resources)]
    while stack:
        form = next(stack[-1], None)
        if form is None:
            stack.pop()
        elif form.objgen not in seen:
            seen.add(form.objgen)
            yield form
            stack.append(forms_of(form.get("/Resources")))


def resources_by_page(document) -> Iterator[tuple[int, object]]:
    """(page number, resource dictionary) of every page and of every form it draws; a
    dictionary shared by several is given once, with the first page that uses it."""
    import pikepdf

    seen: set = set()

    def first_time(resources) -> bool:
        if not isinstance(resources, pikepdf.Dictionary):
            return False
        if resources.is_indirect:
            if resources.objgen in seen:
                return False
            seen.add(resources.objgen)
        return True

    for number, page in enumerate(document.pages, start=1):
        resources = page.obj.get("/Resources")
        if first_time(resources):
            yield number, resources
        for form in drawn_forms(resources, seen):
            if first_time(form.get("/Resources")):
                yield number, form.Resources
