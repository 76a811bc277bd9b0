"""Personal copies (`booklet mail --personal`): each recipient's name on the cover and,
from the `talks` column, a "my programme" page before the back cover with those talks and
the pages of their abstracts; the booklet's own pages, numbers, links and bookmarks
unmoved; no copy holds another reader's name."""

from __future__ import annotations

import email
import email.policy
import re

import pypdf
import pytest
from example_project import example_project
from helpers import bookmarks, marked_texts, page_text, tag_tree

import booklet
from booklet.mail import prepare_invitations
from booklet.personal_copies import prepare_copies

READERS = {
    "quinn@example.org": ("Quinn Reader", "what-next town-budget"),
    "rosa@example.org": ("Rosa <b>Reader</b>", "who-reads, ten-years-on; no-such-talk"),
    "ulla@example.org": ("Ulla Reader", ""),
}


@pytest.fixture(scope="module")
def mailed(tmp_path_factory):
    """The example's invitations with personal copies, as `booklet mail --personal`."""
    folder = tmp_path_factory.mktemp("copies")
    people = folder / "people.csv"
    rows = "".join(f'{a},"{n}","{t}"\n' for a, (n, t) in READERS.items())
    people.write_text("email,name,talks\n" + rows)
    content = example_project() / "content"
    invitations = prepare_invitations(content, people, "Desk <desk@example.org>")
    result = booklet.build(content, folder / "output", edition="email")
    copies = prepare_copies(
        result.loaded,
        result.page_of,
        result.pdf_path,
        [invitation.recipient for invitation in invitations.rendered],
        "people.csv",
    )
    report = invitations.write(
        result.pdf_path, folder / "output" / "mail", copies=(pdf for _, pdf in copies)
    )
    return result, copies, report, folder / "output" / "mail"


def _copy(mail_folder, address: str) -> pypdf.PdfReader:
    [path] = [p for p in (mail_folder / "copies").glob("*.pdf") if address.split("@")[0] in p.name]
    return pypdf.PdfReader(path)


@pytest.mark.parametrize("address", list(READERS))
def test_each_copy_carries_its_readers_name_on_the_cover_and_no_other(mailed, address):
    _, _, _, mail_folder = mailed
    copy = _copy(mail_folder, address)
    name = READERS[address][0]
    cover = page_text(copy.pages[0])
    assert f"PERSONAL COPY FOR {name}" in cover, cover  # escaped: <b> printed as written
    everything = " ".join(page_text(page) for page in copy.pages)
    for other, (other_name, _) in READERS.items():
        if other != address:
            assert other_name.split()[0] not in everything


def test_a_copy_lists_its_readers_talks_with_the_pages_of_their_abstracts(mailed):
    result, _, _, mail_folder = mailed
    booklet_pages = len(pypdf.PdfReader(result.pdf_path).pages)
    copy = _copy(mail_folder, "quinn@example.org")
    assert len(copy.pages) == booklet_pages + 1
    mine = page_text(copy.pages[-2])  # before the back cover
    assert "PERSONAL COPY FOR Quinn Reader" in mine and "My programme" in mine
    # In the order of the day, whatever the order in the CSV, each with its page.
    titles = ["Publishing a town's budget as data", "What should we open next?"]
    assert mine.index(titles[0]) < mine.index(titles[1])
    printed = [int(number) for number in re.findall(r"p\. (\d+)", mine)]
    assert printed == [result.page_of[_anchor(result, title)] for title in titles]
    for page, title in zip(printed, titles, strict=True):
        assert title in page_text(copy.pages[page - 1])  # the page is still that page


def _anchor(result, title: str) -> str:
    programme = result.loaded.content.programme
    index = next(i for i, item in enumerate(programme) if item.title == title)
    return f"talk-{result.loaded.item_ids[index]}"


def test_the_booklets_own_pages_labels_and_bookmarks_stay_where_they_were(mailed):
    result, _, _, mail_folder = mailed
    original = pypdf.PdfReader(result.pdf_path)
    copy = _copy(mail_folder, "quinn@example.org")
    count = len(original.pages)
    for number in range(1, count - 1):  # every page between the covers: the same text
        assert page_text(copy.pages[number]) == page_text(original.pages[number])
    assert page_text(copy.pages[-1]) == page_text(original.pages[-1])  # the back cover
    assert copy.page_labels == [*original.page_labels[:-1], "My programme", "Back cover"]
    marks = bookmarks(copy)
    assert marks[0] == ("My programme", count)
    assert marks[1:] == bookmarks(original)


def test_what_a_copy_adds_is_tagged_and_read_in_its_place(mailed):
    """For screen readers (PDF/UA): the name on the cover is a paragraph, read first; the
    reader's page a section read before the back cover's: its heading, then a list with a
    talk in each item. The tag tree stays whole, every marked content in it."""
    import pikepdf

    result, _, _, mail_folder = mailed
    [path] = [p for p in (mail_folder / "copies").glob("*.pdf") if "quinn" in p.name]
    before, after = tag_tree(result.pdf_path), tag_tree(path)
    added = {kind: count - before.get(kind, 0) for kind, count in after.items()}
    assert {kind: n for kind, n in added.items() if n} == {
        "/P": 1, "/Sect": 1, "/H1": 1, "/L": 1, "/LI": 2, "/LBody": 2
    }  # fmt: skip
    with pikepdf.open(path) as pdf:
        document = pdf.Root.StructTreeRoot.K[0]
        children = list(document.K)
        name, section, back_cover = children[0], children[-2], children[-1]
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        stamp = name.K.Stm
        assert name.S == "/P" and name.K.Pg.objgen == pdf.pages[0].objgen
        assert stamp.objgen in {x.objgen for x in pdf.pages[0].Resources.XObject.values()}
        assert stamp.read_bytes().startswith(b"/P <</MCID 0>> BDC")
        heading, talks = section.K
        reader_page = pages[heading.Pg.objgen]
        assert reader_page == len(pdf.pages) - 2  # before the back cover
        assert pages[_first_page(back_cover)] == len(pdf.pages) - 1
        assert (heading.S, talks.S) == ("/H1", "/L")
        read = [(item.K.S, int(item.K.K)) for item in talks.K]
    texts = marked_texts(path, reader_page)
    assert texts[int(heading.K)] == "My programme"
    assert [kind for kind, _ in read] == ["/LBody", "/LBody"]
    assert "Publishing a town's budget as data" in texts[read[0][1]]
    assert "What should we open next?" in texts[read[1][1]]
    name_text = page_text(pypdf.PdfReader(path).pages[0])
    assert "Quinn Reader" in name_text


def _first_page(element):
    """The page (objgen) where a structure element starts: its own or a child's /Pg."""
    import pikepdf

    while "/Pg" not in element:
        element = element.K[0] if isinstance(element.K, pikepdf.Array) else element.K
    return element.Pg.objgen


def test_a_reader_without_talks_gets_the_name_only_and_an_unknown_talk_is_reported(mailed):
    result, copies, _, mail_folder = mailed
    ulla = _copy(mail_folder, "ulla@example.org")
    assert len(ulla.pages) == len(pypdf.PdfReader(result.pdf_path).pages)
    assert "My programme" not in [title for title, _ in bookmarks(ulla)]
    rosa = _copy(mail_folder, "rosa@example.org")
    mine = page_text(rosa.pages[-2])
    assert "Open data, ten years on" in mine and "Who reads open data?" in mine
    [problem] = copies.problems
    assert str(problem) == (
        "people.csv:3: talks: warning: no programme item with id 'no-such-talk'; "
        "left out of the copy"
    )


def test_each_invitation_attaches_its_readers_copy(mailed):
    _, _, report, mail_folder = mailed
    for path in report.written:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        [pdf] = [
            part for part in message.iter_attachments() if part.get_content_type().endswith("pdf")
        ]
        assert (
            pdf.get_content()
            == (mail_folder / "copies" / path.with_suffix(".pdf").name).read_bytes()
        )


def test_the_mail_command_writes_personal_copies(tmp_path):
    import subprocess
    import sys

    from example_project import fresh_project

    project = fresh_project(tmp_path / "p")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "booklet",
            "mail",
            str(project / "content"),
            "--recipients",
            str(project / "content" / "mail" / "people.example.csv"),
            "-o",
            str(tmp_path / "out"),
            "--personal",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "2 invitations written" in result.stderr and "personal copy" in result.stderr
    copies = sorted((tmp_path / "out" / "mail" / "copies").glob("*.pdf"))
    assert [path.name for path in copies] == [
        "0002-ada-example-org.pdf",
        "0003-ben-example-org.pdf",
    ]
    ada = pypdf.PdfReader(copies[0])
    assert "Ada Example" in page_text(ada.pages[-2])
    assert "What should we open next?" in page_text(ada.pages[-2])
