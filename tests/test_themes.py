"""A project of one's own: `booklet new`, styles and templates that override single files
of the default theme, and the settings in the content (colours, typeface, parts)."""

from __future__ import annotations

import subprocess
import sys

import pikepdf
import pypdf
import pytest
from helpers import bookmarks, page_text

import booklet
from booklet.scaffold import new_project
from booklet.theme import default_styles_folder

ACCENT = (0x1F, 0x4E, 0x79)


def _cover_colour(pdf_path) -> tuple[int, int, int]:
    """The colour of the cover's middle, left edge (away from the text)."""
    import pypdfium2

    page = pypdfium2.PdfDocument(str(pdf_path))[0]
    image = page.render(scale=0.5).to_pil().convert("RGB")
    return image.getpixel((3, image.height // 2))


def _near(colour, expected) -> bool:
    return all(abs(a - b) < 10 for a, b in zip(colour, expected, strict=True))


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "my-conference"
    new_project(folder)
    return folder


def _set(project, text: str) -> None:
    """Append settings to the project's conference.yaml (a later key would be a
    duplicate: the scaffold's own style: and show: blocks are replaced)."""
    conference = project / "content" / "conference.yaml"
    kept = conference.read_text(encoding="utf-8").split("\n# The look")[0]
    conference.write_text(kept + "\n" + text, encoding="utf-8")


def test_new_project_builds_at_once_with_no_warnings(project):
    result = booklet.build(project / "content", project / "output", strict=True)
    reader = pypdf.PdfReader(result.pdf_path)
    assert "Example Conference on Open Data" in page_text(reader.pages[0])
    titles = [title for title, _ in bookmarks(reader)]
    assert "Contents" in titles and "Who reads open data?" in titles
    assert (project / "styles").is_dir() and (project / "templates").is_dir()


def test_new_refuses_a_folder_with_anything_in_it(tmp_path):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = subprocess.run(
        [sys.executable, "-m", "booklet", "new", str(folder)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "not empty" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text() == "mine"


def test_project_css_is_laid_after_the_default(project):
    (project / "styles" / "booklet.css").write_text(":root { --accent: #8a1538; }")
    _set(project, "")
    result = booklet.build(project / "content", project / "output")
    assert _near(_cover_colour(result.pdf_path), _hex("#8a1538"))
    # Only what it says changed: the default theme's typeface is still there.
    with pikepdf.open(result.pdf_path) as pdf:
        fonts = {str(f.BaseFont) for p in pdf.pages for f in p.Resources.Font.values()}
    assert any("Booklet-Serif" in font for font in fonts)


def test_colour_settings_in_the_content_need_no_css(project):
    _set(project, 'style:\n  accent: "#2e7d32"\n')
    result = booklet.build(project / "content", project / "output")
    assert _near(_cover_colour(result.pdf_path), _hex("#2e7d32"))


def test_without_settings_the_default_colour(project):
    _set(project, "")
    result = booklet.build(project / "content", project / "output")
    assert _near(_cover_colour(result.pdf_path), ACCENT)


def test_a_typeface_from_the_projects_fonts_folder_by_its_name(project):
    from fontTools.ttLib import TTFont

    font = TTFont(default_styles_folder() / "fonts" / "BookletSerif-Regular.ttf")
    for record in font["name"].names:  # the same drawings under another name
        if record.nameID in (1, 16):
            record.string = "Example Sans"
        elif record.nameID in (4,):
            record.string = "Example Sans Regular"
        elif record.nameID == 6:
            record.string = "ExampleSans-Regular"
    font.save(project / "styles" / "fonts" / "ExampleSans-Regular.ttf")
    _set(project, "style:\n  font: Example Sans\n")
    result = booklet.build(project / "content", project / "output")
    with pikepdf.open(result.pdf_path) as pdf:
        fonts = {str(f.BaseFont) for p in pdf.pages for f in p.Resources.Font.values()}
    assert any(font.endswith("+Example-Sans") for font in fonts), fonts
    assert not any("Booklet-Serif" in font for font in fonts), fonts


def test_a_template_of_the_project_replaces_that_one_only(project):
    (project / "templates" / "cover.html.j2").write_text(
        '<section class="cover" id="cover"><p>OUR OWN COVER: {{ conference.title }}</p></section>'
    )
    result = booklet.build(project / "content", project / "output")
    reader = pypdf.PdfReader(result.pdf_path)
    assert "OUR OWN COVER: Example Conference on Open Data" in page_text(reader.pages[0])
    assert "Contents" in page_text(reader.pages[2])  # the rest is booklet's own


def test_a_template_the_project_adds_after_a_build_is_used_by_the_next(project):
    """One process, two builds (as `watch` runs them): the default cover was compiled
    and cached by the first; a cover.html.j2 written after it is used by the second."""
    first = booklet.build(project / "content", project / "output")
    assert "OUR OWN COVER" not in page_text(pypdf.PdfReader(first.pdf_path).pages[0])
    (project / "templates" / "cover.html.j2").write_text(
        '<section class="cover" id="cover"><p>OUR OWN COVER</p></section>'
    )
    second = booklet.build(project / "content", project / "output")
    assert "OUR OWN COVER" in page_text(pypdf.PdfReader(second.pdf_path).pages[0])
    (project / "templates" / "cover.html.j2").unlink()
    third = booklet.build(project / "content", project / "output")
    assert "OUR OWN COVER" not in page_text(pypdf.PdfReader(third.pdf_path).pages[0])


def test_a_project_template_runs_in_the_sandbox(project):
    (project / "templates" / "cover.html.j2").write_text(
        "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    )
    result = subprocess.run(
        [sys.executable, "-m", "booklet", "build", str(project / "content"), "-o", str(project)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "template" in result.stderr and "unsafe" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_mistake_in_a_project_template_names_file_and_line(project):
    (project / "templates" / "cover.html.j2").write_text("<section>\n{% if %}\n</section>")
    with pytest.raises(booklet.BookletError, match=r"cover\.html\.j2:2: template"):
        booklet.build(project / "content", project / "output")


def test_which_parts_appear_is_a_setting(project):
    full = booklet.build(project / "content", project / "full")
    _set(project, "show:\n  contents: false\n  programme: list\n")
    fewer = booklet.build(project / "content", project / "fewer")
    reader = pypdf.PdfReader(fewer.pdf_path)
    titles = [title for title, _ in bookmarks(reader)]
    assert "Contents" not in titles and "Programme" in titles
    assert "Contents" in [title for title, _ in bookmarks(pypdf.PdfReader(full.pdf_path))]
    assert not any(page_text(page).lstrip().startswith("Contents") for page in reader.pages)
    programme = page_text(reader.pages[titles.index("Programme") + 1])
    assert "Main Hall · Practice" in programme  # a list gives each talk's room and track


def test_without_abstracts_no_indexes_and_no_page_references(project):
    _set(project, "show:\n  abstracts: false\n")
    result = booklet.build(project / "content", project / "output")
    reader = pypdf.PdfReader(result.pdf_path)
    titles = [title for title, _ in bookmarks(reader)]
    # (the example's practical page and its own page stand before the programme)
    assert titles[:5] == [
        "Welcome",
        "Contents",
        "Practical information",
        "Finding your way",
        "Programme",
    ]
    assert not {"Talks", "Speakers", "Organisations"} & set(titles)
    assert not any(key.startswith("talk-") for key in result.page_of)


def test_the_booklets_own_checkout_is_not_a_project_of_itself():
    from helpers import SEED

    from booklet.theme import theme_for

    theme = theme_for(SEED)
    assert theme.project_styles is None  # styles/ beside content/ is the default theme


def test_a_new_project_can_write_its_invitations_at_once(project, tmp_path):
    from booklet.mail import write_invitations

    pdf = booklet.build(project / "content", project / "output").pdf_path
    people = project / "content" / "mail" / "people.example.csv"
    report = write_invitations(project / "content", people, pdf, tmp_path / "mail")
    assert report.errors == [] and len(report.written) == 2
    text = (tmp_path / "mail" / "0002-ada-example-org.eml").read_text()
    assert "Subject: Invitation: Example Conference on Open Data" in text
    assert "text/calendar" in text  # the example has a date
