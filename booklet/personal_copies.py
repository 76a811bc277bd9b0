"""Personal copies of the booklet: each reader's name on the cover and, when the recipient
list has a `talks` column, a "my programme" page with the talks they chose and the
pages of their abstracts.

Nothing is laid out again per reader. The booklet is laid out once; so is each talk
that any reader chose, as a line of "my programme" (one WeasyPrint document, a page
per talk, with the page's head). A reader's page is put together from those lines, one
under another, and the label with their name is drawn straight into PDF
(name_labels.py). Each copy is the booklet's own bytes with the reader's few objects
appended as an incremental update (_CopyMaker): a thousand copies cost about what
one build does.

Why before the back cover: nothing before it moves. Every page keeps its place, its
side of the spread and its page number, so the contents, the indexes, the links and
the bookmarks stay right; only the back cover moves on by the inserted pages, and it is
labelled by name, not number. The page gets its own page label ("My programme") and
the first bookmark, so a reader on a screen finds it at once.

In a tagged booklet the additions are tagged too (_Tags): the name on the cover is a
paragraph read first, and the reader's page a section (a heading and a list of the
talks) read before the back cover's.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import labels
from .errors import Problem
from .html import TEMPLATES, _environment, booklet_view
from .load import LoadedContent
from .mail_compose import Recipient
from .name_labels import accent_colour
from .pages import ChosenTalk, PersonalPage
from .sandbox import render as render_in_sandbox
from .theme import Theme

TALKS_COLUMN = "talks"
TEMPLATE = "personal_pages.html.j2"
# The band at the top of the cover and of a reader's page where the label with the name
# stands (name_labels.py); the cover's own text starts below it.
STAMP_BAND_MM = 24
POINTS_PER_MM = 72 / 25.4
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class CopyPlan:
    recipient: Recipient
    page: PersonalPage
    has_programme: bool  # a `talks` value: the page goes into the copy


def plan_copies(
    loaded: LoadedContent, page_of: dict[str, int], recipients: list[Recipient], shown_csv: str
) -> tuple[list[CopyPlan], list[Problem]]:
    """Each recipient's page: their name, and their talks (in the order of the day) with
    the pages `page_of` (the built booklet's) gives. An unknown item id is a warning
    for that row; the copy is made without it."""
    view = booklet_view(loaded, page_of)
    talk_of_item = {id(talk.item): talk for talk in view.talks}
    by_id = {
        item_id: talk_of_item[id(item)]
        for item, item_id in zip(loaded.content.programme, loaded.item_ids, strict=True)
    }
    order = {id(talk): position for position, talk in enumerate(view.talks)}
    chosen_talks = {
        position: _chosen(view, talk, position) for position, talk in enumerate(view.talks)
    }
    plans, problems = [], []
    for number, recipient in enumerate(recipients, 1):
        wanted = [
            word for word in _SEPARATORS.split(recipient.fields.get(TALKS_COLUMN, "")) if word
        ]
        chosen = []
        for item_id in dict.fromkeys(wanted):
            talk = by_id.get(item_id)
            if talk is None:
                problems.append(
                    Problem(
                        shown_csv,
                        recipient.line,
                        0,
                        TALKS_COLUMN,
                        f"no programme item with id '{item_id}'; left out of the copy",
                        "warning",
                    )
                )
            else:
                chosen.append(talk)
        chosen.sort(key=lambda talk: order[id(talk)])
        talks = tuple(chosen_talks[order[id(talk)]] for talk in chosen)
        name = recipient.name or recipient.address
        plans.append(CopyPlan(recipient, PersonalPage(number, name, talks), bool(talks)))
    return plans, problems


def _chosen(view, talk, key: int) -> ChosenTalk:
    item = talk.item
    when = [view.day_heading(item.day) if item.day else ""]
    if item.start:
        when.append(item.start + (f"–{item.end}" if item.end else ""))
    page = None
    if view.has_page(item):
        page = view.page((talk.repeat_of or talk).anchor)
    return ChosenTalk(
        key,
        " · ".join(part for part in when if part),
        item.room or "",
        item.title,
        ", ".join(speaker.name for speaker in talk.speakers),
        page,
    )


def personal_pages_html(loaded: LoadedContent, plans: list[CopyPlan], theme: Theme) -> str:
    """One document: a page per reader with their name's label (id `name-N`), then the
    head of "my programme", then a page per talk chosen by anyone (`talk-K` at its top,
    `talk-K-end` below it), each where it stands on a reader's page."""
    view = booklet_view(loaded)
    view.project_font_faces = theme.project_font_faces()
    templates = theme.project_templates
    environment = _environment(templates)
    chosen = {talk.key: talk for plan in plans for talk in plan.page.talks}
    context = {
        "booklet": view,
        "readers": [plan.page for plan in plans],
        "talks": [chosen[key] for key in sorted(chosen)],
    }
    if templates is None:
        return environment.get_template(TEMPLATE).render(**context)

    def is_template(filename: str) -> bool:
        return Path(filename).is_relative_to(templates) or Path(filename).is_relative_to(TEMPLATES)

    return render_in_sandbox(TEMPLATE, environment, is_template, **context)


@dataclass(frozen=True)
class Tile:
    """A piece of the laid-out document that copies reuse: its page, and its top and
    bottom in PDF points from the foot of the page."""

    page: int
    top: float
    bottom: float


@dataclass
class PersonalPages:
    """What copies are made of: the head of "my programme" and each chosen talk."""

    pdf: bytes
    head: int  # the page with the head of "my programme"
    talks: dict[int, Tile]  # ChosenTalk.key -> its line, laid out once
    warnings: list[str]


PX_TO_PT = 0.75  # WeasyPrint's anchors are in CSS pixels from the top of the page


def lay_out_personal_pages(
    html: str,
    stylesheets: list[Path],
    base_folder: Path,
    allowed_folders: list[Path],
) -> PersonalPages:
    """One layout for all readers, with the booklet's fetcher (files of the content and
    style folders only)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from .pdf import (
        LocalOnlyFetcher,
        font_timestamps_fixed,
        load_stylesheets,
        rendering_stopped,
        weasyprint_messages,
    )

    fetcher = LocalOnlyFetcher(allowed_folders)
    font_config = FontConfiguration()
    with weasyprint_messages() as messages, rendering_stopped([]):
        css = load_stylesheets(stylesheets, fetcher, font_config)
        document = weasyprint.HTML(
            string=html, base_url=str(base_folder) + "/", url_fetcher=fetcher
        ).render(stylesheets=css, font_config=font_config)
        with font_timestamps_fixed():
            pdf = document.write_pdf()
        fetcher.stop_if_refused()
    where: dict[str, tuple[int, float]] = {}  # anchor -> (page, height from the foot)
    for index, page in enumerate(document.pages):
        for anchor, (_, y, _, _) in page.anchors.items():
            where[anchor] = (index, (page.height - y) * PX_TO_PT)
    talks = {}
    for anchor, (page, top) in where.items():
        if anchor.startswith("talk-") and not anchor.endswith("-end"):
            end_page, bottom = where[f"{anchor}-end"]
            talks[int(anchor.removeprefix("talk-"))] = Tile(
                page, top, bottom if end_page == page else 0.0
            )
    return PersonalPages(pdf, where["my-programme"][0], talks, list(dict.fromkeys(messages)))


def make_copies(
    booklet_pdf: bytes,
    personal: PersonalPages,
    plans: list[CopyPlan],
    language: str,
    accent: tuple[float, float, float],
) -> Iterator[tuple[CopyPlan, bytes]]:
    """Each reader's copy of the booklet, in the order of `plans`."""
    words = labels.labels_for(language)
    names = [plan.page.name for plan in plans]
    with _CopyMaker(booklet_pdf, personal, names, words["personal_copy"], accent) as maker:
        for plan in plans:
            talks = [talk.key for talk in plan.page.talks] if plan.has_programme else []
            yield plan, maker.copy(plan.page.name, talks, words["my_programme"])


class _CopyMaker:
    """Copies of one PDF, each with its own few objects added as an incremental update
    (PDF 1.7, 7.5.6): the booklet's bytes unchanged, then the new and changed objects,
    their cross-reference section and a trailer pointing back to the booklet's. A copy
    costs what its own objects cost, not what the booklet does.

    The objects are made with pikepdf in one document (`carrier`, the booklet read once)
    and written out by their numbers there. A copy holds its own reader's objects and
    the shared ones (the talks' lines, the fonts), never another reader's name."""

    OVERLAY = b"q /BookletStamp Do Q"
    BOTTOM_MARGIN_PT = 16 * POINTS_PER_MM  # a reader's page runs on below this

    def __init__(
        self,
        booklet_pdf: bytes,
        personal: PersonalPages,
        names: list[str],
        prefix: str,
        accent: tuple[float, float, float],
    ):
        import pikepdf

        from .name_labels import embed_font
        from .theme import default_styles_folder

        self.pikepdf = pikepdf
        # Once: the booklet with its page labels an object of their own (a copy
        # rewrites them alone, not the catalogue with every link target in it).
        with pikepdf.open(io.BytesIO(booklet_pdf)) as booklet:
            labels_entry = booklet.Root.get("/PageLabels")
            if labels_entry is not None and not labels_entry.is_indirect:
                booklet.Root.PageLabels = booklet.make_indirect(labels_entry)
            _Tags.prepare(booklet)
            output = io.BytesIO()
            booklet.save(
                output,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                deterministic_id=True,
            )
        self.base = output.getvalue()
        self.previous_xref = int(re.findall(rb"startxref\s+(\d+)", self.base)[-1])
        self.carrier = pikepdf.open(io.BytesIO(self.base))
        self.tags = _Tags.of(self.carrier)  # None: the booklet is not tagged
        self.readers = pikepdf.open(io.BytesIO(personal.pdf))
        self.personal = personal
        self.base_size = int(self.carrier.trailer.Size)
        self.overlay = self.carrier.make_stream(self.OVERLAY)
        # The cover's own drawing leaves its coordinates changed (WeasyPrint's pages
        # start by turning them upside down): it is enclosed in q ... Q.
        self.save_state = self.carrier.make_stream(b"q")
        self.restore_state = self.carrier.make_stream(b"Q")
        head = self.readers.pages[personal.head]
        self.width, self.height = float(head.mediabox[2]), float(head.mediabox[3])
        self.band = [0, self.height - STAMP_BAND_MM * POINTS_PER_MM, self.width, self.height]
        self.head = self._form(personal.head, [0, 0, self.width, self.height])
        # The names' labels: two font subsets for every name at once, shared by the copies.
        fonts = default_styles_folder() / "fonts"
        self.prefix, self.accent = prefix, accent
        self.prefix_font = embed_font(
            self.carrier, fonts / "BookletSerif-Regular.ttf", prefix.upper() + " ", "BKLTPA"
        )
        self.name_font = embed_font(
            self.carrier, fonts / "BookletSerif-Bold.ttf", "".join(names), "BKLTNA"
        )
        self.tiles: dict[int, object] = {}  # ChosenTalk.key -> its form, copied once

    def __enter__(self) -> _CopyMaker:
        return self

    def __exit__(self, *exc) -> None:
        self.readers.close()
        self.carrier.close()

    def _form(self, page_index: int, box: list[float]):
        """A piece of a page of the readers' document, as a form in the carrier."""
        form = self.readers.pages[page_index].as_form_xobject()
        form.BBox = self.pikepdf.Array(box)
        return self.carrier.copy_foreign(form)

    def _tile(self, key: int):
        if key not in self.tiles:
            tile = self.personal.talks[key]
            self.tiles[key] = self._form(tile.page, [0, tile.bottom, self.width, tile.top])
        return self.tiles[key]

    def _label(self, name: str, structure_key: int | None = None):
        """The reader's name on a label, as a form in the carrier; with a key of the parent
        tree, the label is the form's marked content 0 (the cover's: a paragraph)."""
        from .name_labels import label_drawing

        pikepdf = self.pikepdf
        drawing = label_drawing(
            self.prefix, name, self.prefix_font, self.name_font, self.height, self.accent
        )
        if structure_key is not None:
            drawing = b"/P <</MCID 0>> BDC\n" + drawing + b"\nEMC"
        form = self.carrier.make_stream(drawing)
        if structure_key is not None:
            form.StructParents = structure_key
        form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        form.BBox = pikepdf.Array(self.band)
        form.Resources = pikepdf.Dictionary(
            Font=pikepdf.Dictionary(Fp=self.prefix_font.resource, Fn=self.name_font.resource)
        )
        return form

    def copy(self, name: str, talk_keys: list[int], title: str) -> bytes:
        pikepdf, carrier = self.pikepdf, self.carrier
        changed: dict[int, bytes] = {}  # object number -> its new body, of the booklet's
        roots = []  # new objects: everything they reach that is new is written too

        # The cover: its drawing, then the label with the reader's name over it. In a
        # tagged booklet the cover's label is tagged content; the label that heads each
        # of the reader's pages repeats it, an artifact.
        tags = self.tags.for_copy() if self.tags else None
        cover_stamp = self._label(name, tags.next_key() if tags else None)
        roots.append(cover_stamp)
        cover = carrier.pages[0].obj
        contents = cover.Contents
        drawings = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        resources = pikepdf.Dictionary(dict(cover.Resources.items()))
        xobjects = pikepdf.Dictionary(dict(cover.Resources.get("/XObject", {}).items()))
        xobjects.BookletStamp = cover_stamp
        resources.XObject = xobjects
        new_cover = pikepdf.Dictionary(dict(cover.items()))
        new_cover.Contents = pikepdf.Array(
            [self.save_state, *drawings, self.restore_state, self.overlay]
        )
        new_cover.Resources = resources
        changed[cover.objgen[0]] = new_cover.unparse()
        roots += [self.overlay, self.save_state, self.restore_state]

        if tags:
            tags.add_name(cover_stamp, carrier.pages[0].obj)
        if talk_keys:
            stamp = self._label(name) if tags else cover_stamp
            tree = carrier.Root.Pages
            inserted = []
            for drawing, xobjects_of_page in self._reader_pages(stamp, talk_keys):
                page = carrier.make_indirect(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Page,
                        Parent=tree,
                        MediaBox=pikepdf.Array([0, 0, self.width, self.height]),
                        Resources=pikepdf.Dictionary(XObject=xobjects_of_page),
                    )
                )
                if tags:
                    marked = [tag for tag, _ in drawing if tag != "Artifact"]
                    page.StructParents = tags.add_page(page, marked)
                    drawing = _marked(drawing)
                page.Contents = carrier.make_stream(_plain(drawing))
                inserted.append(page)
            roots += inserted
            kids = list(tree.Kids)
            at = len(kids) - 1  # before the back cover
            new_tree = pikepdf.Dictionary(dict(tree.items()))
            new_tree.Kids = pikepdf.Array([*kids[:at], *inserted, *kids[at:]])
            new_tree.Count = int(tree.Count) + len(inserted)
            changed[tree.objgen[0]] = new_tree.unparse()
            self._page_label(changed, at, len(inserted), title)
            roots += self._bookmark(changed, inserted[0], title)
        if tags:
            roots += tags.write(changed)
        return self._update(changed, roots)

    def _reader_pages(self, stamp, talk_keys: list[int]) -> list[tuple[list, object]]:
        """The drawing and the forms of each of a reader's pages: the head and the name,
        then the talks one under another, each where its line was laid out, moved up
        by the heights of those above it; on to a new page where one is full. A drawing
        is a list of (tag, operators): "H1" the head, "LBody" a talk, "Artifact" the name."""
        pikepdf = self.pikepdf
        pages: list[tuple[list, object]] = []

        def new_page(with_head: bool):
            forms = pikepdf.Dictionary(Stamp=stamp)
            drawing = [("Artifact", b"q /Stamp Do Q")]
            if with_head:
                forms.Head = self.head
                drawing.insert(0, ("H1", b"q /Head Do Q"))
            pages.append((drawing, forms))

        new_page(with_head=True)
        shift = 0.0
        for key in talk_keys:
            tile = self.personal.talks[key]
            height = tile.top - tile.bottom
            if tile.bottom - shift < self.BOTTOM_MARGIN_PT and shift:
                new_page(with_head=False)
                shift = 0.0
            drawing, forms = pages[-1]
            forms[f"/T{key}"] = self._tile(key)
            drawing.append(("LBody", b"q 1 0 0 1 0 %.2f cm /T%d Do Q" % (-shift, key)))
            shift += height
        return pages

    def _page_label(self, changed: dict[int, bytes], at: int, count: int, title: str) -> None:
        pikepdf = self.pikepdf
        labels_entry = self.carrier.Root.get("/PageLabels")
        if labels_entry is None:
            return
        nums = list(labels_entry.Nums)
        pairs = [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
        pairs = [(start + count if start >= at else start, label) for start, label in pairs]
        own = pikepdf.Dictionary(P=title + (" " if count > 1 else ""))
        if count > 1:
            own.S, own.St = pikepdf.Name.D, 1
        pairs = sorted([*pairs, (at, own)], key=lambda pair: pair[0])
        new_labels = pikepdf.Dictionary(dict(labels_entry.items()))
        new_labels.Nums = pikepdf.Array([value for pair in pairs for value in pair])
        changed[labels_entry.objgen[0]] = new_labels.unparse()

    def _bookmark(self, changed: dict[int, bytes], page, title: str) -> list:
        """The reader's page as the first bookmark."""
        pikepdf, carrier = self.pikepdf, self.carrier
        outlines = carrier.Root.get("/Outlines")
        if outlines is None or not outlines.is_indirect or "/First" not in outlines:
            return []
        first = outlines.First
        item = carrier.make_indirect(
            pikepdf.Dictionary(
                Title=pikepdf.String(title),
                Parent=outlines,
                Next=first,
                Dest=pikepdf.Array([page, pikepdf.Name.XYZ, None, None, None]),
            )
        )
        new_first = pikepdf.Dictionary(dict(first.items()))
        new_first.Prev = item
        changed[first.objgen[0]] = new_first.unparse()
        new_outlines = pikepdf.Dictionary(dict(outlines.items()))
        new_outlines.First = item
        new_outlines.Count = int(outlines.get("/Count", 0)) + 1
        changed[outlines.objgen[0]] = new_outlines.unparse()
        return [item]

    def _update(self, changed: dict[int, bytes], roots: list) -> bytes:
        """The booklet's bytes, then the update: objects, cross-references, trailer."""
        bodies = dict(changed)
        pending = list(roots)
        while pending:  # every new object the new ones reach, once
            obj = pending.pop()
            number = obj.objgen[0] if obj.is_indirect else 0
            if number and (number < self.base_size or number in bodies):
                continue
            if number:
                bodies[number] = self._body(obj)
            pending += _references(obj, self.pikepdf)
        out = io.BytesIO()
        out.write(self.base)
        offsets = {}
        for number in sorted(bodies):
            offsets[number] = out.tell()
            out.write(b"%d 0 obj\n" % number + bodies[number] + b"\nendobj\n")
        # The cross-references as a stream (PDF 1.5), as the booklet's own are: type 1
        # (in use) entries of 1 + 4 + 2 bytes, in runs of consecutive numbers, itself too.
        trailer = self.carrier.trailer
        xref_number = max(self.base_size, max(offsets) + 1)
        offsets[xref_number] = out.tell()
        numbers = sorted(offsets)
        runs: list[int] = []
        for number in numbers:
            if runs and number == runs[-2] + runs[-1]:
                runs[-1] += 1
            else:
                runs += [number, 1]
        rows = zlib.compress(b"".join(struct.pack(">BIH", 1, offsets[n], 0) for n in numbers))
        identifier = trailer.ID[0].unparse() if "/ID" in trailer else b"<>"
        digest = hashlib.md5(b"".join(bodies.values())).hexdigest().encode()  # noqa: S324
        info = b" /Info " + trailer.Info.unparse() if "/Info" in trailer else b""
        out.write(
            b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%s] /Prev %d /Root %s%s"
            % (
                xref_number,
                xref_number + 1,
                b" ".join(b"%d" % v for v in runs),
                self.previous_xref,
                trailer.Root.unparse(),
                info,
            )
            + b" /ID ["
            + identifier
            + b" <"
            + digest
            + b">]"
            + b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(rows)
            + rows
            + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref_number]
        )
        return out.getvalue()

    def _body(self, obj) -> bytes:
        if isinstance(obj, self.pikepdf.Stream):
            raw = obj.read_raw_bytes()
            dictionary = self.pikepdf.Dictionary(dict(obj.stream_dict.items()))
            dictionary.Length = len(raw)
            return dictionary.unparse() + b"\nstream\n" + raw + b"\nendstream"
        return obj.unparse(resolved=True)  # the object itself, not a reference to it


def _plain(drawing: list[tuple[str, bytes]]) -> bytes:
    return b"\n".join(operators for _, operators in drawing)


def _marked(drawing: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Each piece of a reader's page in its marked content: MCIDs in drawing order."""
    marked, mcid = [], 0
    for tag, operators in drawing:
        if tag == "Artifact":
            marked.append((tag, b"/Artifact BMC " + operators + b" EMC"))
        else:
            marked.append(
                (tag, b"/%s <</MCID %d>> BDC " % (tag.encode(), mcid) + operators + b" EMC")
            )
            mcid += 1
    return marked


class _Tags:
    """The tags of what a copy adds, for a tagged booklet (PDF/UA): the name on the
    cover a paragraph, read first; the reader's pages a section before the back cover's
    (Sect: H1, then L of LI > LBody, a talk each).

    A copy rewrites only small objects: the document element (its list of children),
    the parent tree's root, which `prepare` turns into a root of kids so that a copy
    adds a kid of its own rather than rewriting every page's entry, and the structure
    tree's root when it counts its keys."""

    def __init__(self, pdf, root, document, first_key: int, back_cover_at: int):
        self.pdf, self.root, self.document, self.first_key = pdf, root, document, first_key
        self.back_cover_at = back_cover_at  # the first of the document's children there
        self.entries: list = []  # the copy's entries of the parent tree, from first_key
        self.name = self.section = None  # the copy's elements

    @staticmethod
    def prepare(pdf) -> None:
        """Before the base is saved: a parent tree of kids, its entries one kid."""
        import pikepdf

        root = pdf.Root.get("/StructTreeRoot")
        if root is None or "/ParentTree" not in root or "/Nums" not in root.ParentTree:
            return
        tree = root.ParentTree
        numbers = list(tree.Nums)
        kid = pikepdf.Dictionary(Nums=pikepdf.Array(numbers))
        if numbers:
            kid.Limits = pikepdf.Array([numbers[0], numbers[-2]])
        del tree.Nums
        tree.Kids = pikepdf.Array([pdf.make_indirect(kid)])
        if not tree.is_indirect:
            root.ParentTree = pdf.make_indirect(tree)

    @classmethod
    def of(cls, pdf) -> _Tags | None:
        import pikepdf

        root = pdf.Root.get("/StructTreeRoot")
        if root is None or "/ParentTree" not in root or "/Kids" not in root.ParentTree:
            return None
        if not root.is_indirect or not root.ParentTree.is_indirect:
            return None
        # The element the copy's elements join: the document element, else the root.
        children = root.get("/K")
        only = children[0] if isinstance(children, pikepdf.Array) and len(children) == 1 else None
        document = only if isinstance(only, pikepdf.Dictionary) and only.is_indirect else root
        keys = [int(kid.Limits[1]) for kid in root.ParentTree.Kids if "/Limits" in kid]
        first = max([*keys, int(root.get("/ParentTreeNextKey", 0)) - 1, -1]) + 1
        back_cover = pdf.pages[-1].objgen
        at = next(
            (i for i, child in enumerate(_children(document)) if _first_page(child) == back_cover),
            len(_children(document)),
        )
        return cls(pdf, root, document, first, at)

    def for_copy(self) -> _Tags:
        return _Tags(self.pdf, self.root, self.document, self.first_key, self.back_cover_at)

    def next_key(self) -> int:
        return self.first_key + len(self.entries)

    def _element(self, tag: str, parent, **entries):
        import pikepdf

        element = pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + tag))
        for key, value in entries.items():
            element[f"/{key}"] = value
        element = self.pdf.make_indirect(element)
        if parent is not None:
            element.P = parent
        return element

    def add_name(self, form, cover) -> None:
        """The label on the cover: the form's marked content 0, one paragraph."""
        import pikepdf

        reference = pikepdf.Dictionary(Type=pikepdf.Name.MCR, Stm=form, MCID=0, Pg=cover)
        self.name = self._element("P", self.document, K=reference)
        self.entries.append(pikepdf.Array([self.name]))

    def add_page(self, page, tags: list[str]) -> int:
        """A reader's page whose marked contents are `tags`, in MCID order; its key."""
        import pikepdf

        if self.section is None:
            self.section = self._element("Sect", self.document, K=pikepdf.Array())
        by_mcid = []
        for mcid, tag in enumerate(tags):
            if tag == "H1":
                element = self._element("H1", self.section, Pg=page, K=mcid)
                self.section.K.append(element)
            else:
                if len(self.section.K) == 0 or self.section.K[-1].S != "/L":
                    self.section.K.append(self._element("L", self.section, K=pikepdf.Array()))
                items = self.section.K[-1]
                item = self._element("LI", items)
                element = self._element("LBody", item, Pg=page, K=mcid)
                item.K = element
                items.K.append(item)
            by_mcid.append(element)
        key = self.next_key()
        self.entries.append(pikepdf.Array(by_mcid))
        return key

    def write(self, changed: dict[int, bytes]) -> list:
        """The document element, parent tree and root as changed; the new objects."""
        import pikepdf

        children = _children(self.document)
        if self.section is not None:
            children.insert(self.back_cover_at, self.section)
        if self.name is not None:
            children.insert(0, self.name)
        document = pikepdf.Dictionary(dict(self.document.items()))
        document.K = pikepdf.Array(children)
        last = self.first_key + len(self.entries) - 1
        is_root = self.document.objgen == self.root.objgen
        root = document if is_root else pikepdf.Dictionary(dict(self.root.items()))
        if "/ParentTreeNextKey" in root:
            root.ParentTreeNextKey = last + 1
            changed[self.root.objgen[0]] = root.unparse()
        changed[self.document.objgen[0]] = document.unparse()
        numbers = [
            value
            for key, entry in enumerate(self.entries, self.first_key)
            for value in (key, entry)
        ]
        kid = self.pdf.make_indirect(
            pikepdf.Dictionary(
                Limits=pikepdf.Array([self.first_key, last]), Nums=pikepdf.Array(numbers)
            )
        )
        parent_tree = self.root.ParentTree
        tree = pikepdf.Dictionary(dict(parent_tree.items()))
        tree.Kids = pikepdf.Array([*parent_tree.Kids, kid])
        changed[parent_tree.objgen[0]] = tree.unparse()
        return [
            kid,
            *([self.section] if self.section is not None else []),
            *([self.name] if self.name is not None else []),
        ]


def _children(element) -> list:
    import pikepdf

    children = element.get("/K", [])
    return list(children) if isinstance(children, pikepdf.Array) else [children]


def _first_page(element, depth: int = 0):
    """The page (objgen) where a structure element begins: its own /Pg or a child's."""
    import pikepdf

    if not isinstance(element, pikepdf.Dictionary) or depth > 50:
        return None
    if "/Pg" in element:
        return element.Pg.objgen
    children = element.get("/K")
    for child in children if isinstance(children, pikepdf.Array) else [children]:
        found = _first_page(child, depth + 1)
        if found is not None:
            return found
    return None


def _references(obj, pikepdf) -> list:
    """The objects `obj` refers to directly (its values, a stream's dictionary's)."""
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        values = list(obj.values())
    elif isinstance(obj, pikepdf.Array):
        values = list(obj)
    else:
        return []
    found = []
    for value in values:
        if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
            if value.is_indirect:
                found.append(value)
            else:  # a direct dictionary or array: what it refers to counts
                found += _references(value, pikepdf)
    return found


@dataclass
class PersonalCopies:
    """Everything planned and laid out; iterate for (plan, copy's PDF bytes)."""

    plans: list[CopyPlan]
    problems: list[Problem]  # warnings: unknown talks
    personal: PersonalPages
    booklet_pdf: bytes
    language: str
    accent: tuple[float, float, float]

    def __iter__(self) -> Iterator[tuple[CopyPlan, bytes]]:
        return make_copies(self.booklet_pdf, self.personal, self.plans, self.language, self.accent)


def prepare_copies(
    loaded: LoadedContent,
    page_of: dict[str, int],
    booklet_pdf: Path,
    recipients: list[Recipient],
    shown_csv: str,
    *,
    styles_folder: Path | None = None,
) -> PersonalCopies:
    """Plan every recipient's copy of the built booklet (`booklet_pdf`, whose pages
    `page_of` gives) and lay out their pages, in one document."""
    from .theme import default_styles_folder, theme_for

    theme = theme_for(loaded.folder, styles_folder or default_styles_folder())
    plans, problems = plan_copies(loaded, page_of, recipients, shown_csv)
    personal = lay_out_personal_pages(
        personal_pages_html(loaded, plans, theme),
        theme.stylesheets(["personal.css"]),
        loaded.folder.resolve(),
        [loaded.folder, *theme.folders],
    )
    conference = loaded.content.conference
    return PersonalCopies(
        plans,
        problems,
        personal,
        Path(booklet_pdf).read_bytes(),
        conference.language,
        accent_colour(conference.style.accent),
    )
