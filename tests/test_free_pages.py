"""The organiser's own pages and the practical page: where they stand, in the contents
and the bookmarks at the pages named, the venue map embedded; Markdown without raw HTML,
images only from the content folder."""

from __future__ import annotations

import pikepdf
import pypdf
import pytest
from example_project import example_build, fresh_project, set_in_conference
from helpers import bookmarks, find_pages, page_references, page_text

import booklet


@pytest.fixture(scope="module")
def reader() -> pypdf.PdfReader:
    return pypdf.PdfReader(example_build().pdf_path)


def _contents(reader: pypdf.PdfReader) -> dict[str, int]:
    """Contents line -> the page number it prints."""
    contents = find_pages(reader, "Contents")[0]
    text = page_text(reader.pages[contents - 1])
    entries = {}
    for title in (
        "Welcome",
        "Practical information",
        "Finding your way",
        "Programme",
        "Talks",
        "Speakers",
        "Organisations",
        "Code of conduct",
        "Sponsors and partners",
    ):
        after = text.split(title, 1)[1].lstrip(" .")
        entries[title] = int(after.split()[0])
    return entries


def test_free_pages_stand_where_the_organiser_placed_them(reader):
    marks = dict(bookmarks(reader))
    # after the welcome (and the contents), before the programme; before the back cover
    assert marks["Contents"] < marks["Practical information"] < marks["Finding your way"]
    assert marks["Finding your way"] < marks["Programme"]
    assert marks["Organisations"] < marks["Code of conduct"] < marks["Sponsors and partners"]
    assert marks["Sponsors and partners"] == len(reader.pages) - 1  # the back cover last


def test_the_contents_and_the_bookmarks_name_the_pages_they_are_on(reader):
    marks = dict(bookmarks(reader))
    for title, printed in _contents(reader).items():
        assert marks[title] == printed, title
        assert title in page_text(reader.pages[printed - 1])
    # and every contents line links to its page
    contents = find_pages(reader, "Contents")[0]
    targets = {ref.target_page_number for ref in page_references(reader, contents - 1)}
    assert {marks["Finding your way"], marks["Code of conduct"]} <= targets


def test_the_venue_map_is_embedded_as_an_image(reader):
    page = dict(bookmarks(reader))["Finding your way"]
    with pikepdf.open(example_build().pdf_path) as pdf:
        images = [
            xobject
            for xobject in pdf.pages[page - 1].Resources.XObject.values()
            if xobject.Subtype == "/Image" and int(xobject.Width) == 1400
        ]
    assert images, "the 1,400-pixel map is not on its page"
    text = page_text(reader.pages[page - 1])
    assert "ExampleGuest" in text and "Ground floor of Example Town Hall" in text


def test_the_practical_page_and_the_cover_give_the_facts_in_the_booklets_words(reader):
    cover = page_text(reader.pages[0])
    assert "Registration opens 8:15 · Doors open 8:30" in cover
    assert "1 Example Street" in cover and "Example Town Hall" in cover
    practical = page_text(reader.pages[dict(bookmarks(reader))["Practical information"] - 1])
    for fact in (
        "WHEN",
        "Wednesday, May 12, 2027",
        "WHERE",
        "1234 Example Town",
        "REGISTRATION OPENS",
        "8:15",
        "DOORS OPEN",
        "8:30",
        "CONTACT",
        "desk@example.org",
        "+45 12 34 56 78",
        "https://example.org/conference",
    ):
        assert fact in practical, fact


def test_the_practical_page_speaks_danish_and_german(tmp_path):
    project = fresh_project(tmp_path / "p")
    set_in_conference(project, "language: en ", "language: de ")
    result = booklet.build(project / "content", project / "output")
    reader = pypdf.PdfReader(result.pdf_path)
    titles = [title for title, _ in bookmarks(reader)]
    assert "Praktische Informationen" in titles and "Sponsoren und Partner" in titles
    assert "Registrierung ab 8:15 · Einlass 8:30" in page_text(reader.pages[0])


def test_a_page_body_with_raw_html_prints_it_as_text(tmp_path):
    project = fresh_project(tmp_path / "p")
    set_in_conference(
        project,
        "      speak. If something is wrong",
        '      speak. <script>alert(1)</script> <img src="/etc/passwd"> If something is wrong',
    )
    result = booklet.build(project / "content", project / "output")
    reader = pypdf.PdfReader(result.pdf_path)
    page = dict(bookmarks(reader))["Code of conduct"]
    assert "<script>alert(1)</script>" in page_text(reader.pages[page - 1])


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("../../secret.png", "must be inside the content folder"),
        ("/etc/hostname.png", "must be a path relative to the content folder"),
        ("https://example.org/map.png", "not a URL"),
        ("images/missing.png", "no such file"),
        ("speakers.yaml", "must be a PNG, JPEG or SVG file"),
        ("images/fake.png", "is not an image that can be read"),
    ],
)
def test_an_image_that_is_not_a_file_of_the_content_folder_is_refused(tmp_path, image, message):
    project = fresh_project(tmp_path / "p")
    (tmp_path / "secret.png").write_bytes((project / "content/images/venue-map.png").read_bytes())
    (project / "content/images/fake.png").write_text("not a picture")
    set_in_conference(project, "file: images/venue-map.png", f"file: {image}")
    with pytest.raises(booklet.ContentError) as raised:
        booklet.check(project / "content")
    problems = [str(problem) for problem in raised.value.problems]
    assert any(
        "conference.yaml:" in problem
        and "conference.pages[0].images[0].file:" in problem
        and message in problem
        for problem in problems
    ), problems


def test_a_page_key_misspelt_or_a_place_unknown_is_an_error_with_its_line(tmp_path):
    project = fresh_project(tmp_path / "p")
    set_in_conference(project, "    place: after-welcome", "    place: after-lunch\n    titel: x")
    with pytest.raises(booklet.ContentError) as raised:
        booklet.check(project / "content")
    problems = [str(problem) for problem in raised.value.problems]
    assert any("conference.pages[0].place: must be one of" in p for p in problems), problems
    assert any(
        "conference.pages[0].titel: unknown key 'titel'; did you mean 'title'?" in p
        for p in problems
    ), problems


def test_a_coarse_map_is_a_warning(tmp_path):
    from PIL import Image

    project = fresh_project(tmp_path / "p")
    Image.new("RGB", (400, 300), "white").save(project / "content/images/venue-map.png")
    loaded = booklet.check(project / "content")
    warnings = [str(warning) for warning in loaded.warnings]
    assert any(
        "conference.pages[0].images[0].file: warning: 400×300 pixels print at" in w
        for w in warnings
    ), warnings


def test_a_projects_template_reaches_the_new_pages_only_through_their_own_fields(tmp_path):
    from booklet.html import render_html
    from booklet.load import load_content
    from booklet.theme import theme_for

    project = fresh_project(tmp_path / "p")
    template = project / "templates" / "free_pages.html.j2"
    template.write_text(
        "{% for page in booklet.pages_at(place) %}<section id='{{ page.anchor }}'>"
        "<h1>{{ page.title }} {{ page.images | length }}</h1>"
        "{{ conference.contact.email }}</section>{% endfor %}"
    )
    content = project / "content"
    html = render_html(load_content(content), None, theme=theme_for(content))
    assert "<h1>Finding your way 1</h1>desk@example.org" in html
    for reach in ("conference.contact.model_dump()", "booklet.free_pages[0].__class__"):
        template.write_text("{{ " + reach + " }}")
        with pytest.raises(booklet.BookletError, match="free_pages.html.j2:1: template: "):
            render_html(load_content(content), None, theme=theme_for(content))


def test_a_large_booklet_laid_out_in_parts_places_and_numbers_the_pages_too(tmp_path):
    """Pages after the welcome are in the front part, those before the back cover in the
    last part of the back (parts.py): the contents still give their pages."""
    import shutil

    from helpers import generate

    from booklet.load import load_content
    from booklet.parts import worth_parts

    content = generate(40, tmp_path / "content", per_day=20)
    example = fresh_project(tmp_path / "example") / "content"
    shutil.copytree(example / "images", content / "images")
    shutil.copytree(example / "logos", content / "logos")
    text = (example / "conference.yaml").read_text(encoding="utf-8")
    ours = text[text.index("pages:") : text.index("# The look")]
    conference = content / "conference.yaml"
    conference.write_text(conference.read_text(encoding="utf-8") + "\n" + ours, encoding="utf-8")
    assert worth_parts(load_content(content))
    reader = pypdf.PdfReader(booklet.build(content, tmp_path / "out").pdf_path)
    marks = dict(bookmarks(reader))
    contents = page_text(reader.pages[marks["Indhold"] - 1])
    for title in ("Finding your way", "Code of conduct", "Sponsorer og partnere"):
        printed = int(contents.split(title, 1)[1].lstrip(" .").split()[0])
        assert marks[title] == printed and title in page_text(reader.pages[printed - 1])
    assert marks["Indhold"] < marks["Finding your way"] < marks["Program"]
    assert marks["Sponsorer og partnere"] == len(reader.pages) - 1
