"""One content, three PDFs: print for the print shop, email for the inbox, screen for
phones. Each is read back from the PDF itself: boxes, pages, tags, labels, images."""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pikepdf
import pypdf
import pytest
import segno
from helpers import SEED, copy_content, page_text, tag_tree

import booklet

A5 = (419.53, 595.28)
BLEED = 3 * 72 / 25.4
WEBSITE = "https://example.org/turbo-paa-offentlig-innovation"


def _noise_photo(path, size: int) -> None:
    """A photo that compresses badly, as real ones do: random pixels."""
    from PIL import Image

    chance = random.Random(7)
    image = Image.frombytes("RGB", (size, size), chance.randbytes(size * size * 3))
    image.save(path, quality=92)


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    """The seed, with a web page and a large speaker photo, as an organiser adds them."""
    folder = copy_content(SEED, tmp_path_factory.mktemp("editions") / "content")
    conference = folder / "conference.yaml"
    text = conference.read_text(encoding="utf-8")
    conference.write_text(text.replace("organiser: ATV\n", f"organiser: ATV\nwebsite: {WEBSITE}\n"))
    (folder / "photos").mkdir()
    _noise_photo(folder / "photos" / "ole.jpg", 1200)
    speakers = folder / "speakers.yaml"
    text = speakers.read_text(encoding="utf-8")
    speakers.write_text(
        text.replace(
            "  name: Ole Bech Lykkebo\n", "  name: Ole Bech Lykkebo\n  photo: photos/ole.jpg\n"
        )
    )
    return folder


@pytest.fixture(scope="module")
def built(content, tmp_path_factory):
    output = tmp_path_factory.mktemp("editions-out")
    return {
        name: booklet.build(content, output, edition=name, max_size=5_000_000)
        for name in ("screen", "print", "email")
    }


def test_each_edition_has_its_own_file(built):
    names = {name: result.pdf_path.name for name, result in built.items()}
    assert names == {
        "screen": "turbo-paa-offentlig-innovation.pdf",
        "print": "turbo-paa-offentlig-innovation-print.pdf",
        "email": "turbo-paa-offentlig-innovation-email.pdf",
    }


def test_print_has_trim_and_bleed_boxes_on_every_page(built):
    with pikepdf.open(built["print"].pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            media = [float(v) for v in page.obj.MediaBox]
            assert trim[2] - trim[0] == pytest.approx(A5[0], abs=0.1), number
            assert trim[3] - trim[1] == pytest.approx(A5[1], abs=0.1), number
            expected = [trim[0] - BLEED, trim[1] - BLEED, trim[2] + BLEED, trim[3] + BLEED]
            assert bleed == pytest.approx(expected, abs=0.01), number
            # Room for crop marks outside the bleed.
            assert media[0] < bleed[0] - 20 and media[2] > bleed[2] + 20, number


def test_print_pages_come_in_whole_sheets_with_the_back_cover_last(built):
    reader = pypdf.PdfReader(built["print"].pdf_path)
    count = len(reader.pages)
    assert count % 4 == 0 and count == built["print"].page_count
    screen = pypdf.PdfReader(built["screen"].pdf_path)
    assert count > len(screen.pages) - 1  # nothing dropped to reach the multiple of 4
    assert WEBSITE in page_text(reader.pages[-1])
    assert "Velkommen" in page_text(reader.pages[1])
    # The pages added to fill the last sheet are notes pages, before the back cover,
    # numbered as the pages around them.
    content_pages = len(screen.pages) - 1  # without the back cover
    for index in range(content_pages, count - 1):
        assert page_text(reader.pages[index]).split() == ["Noter", str(index + 1)], index + 1
    # Left-hand back cover: the outside of the folded booklet.
    assert count % 2 == 0


def _rendered(pdf_path, index, scale=1.0, crop_to_media=True):
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf_path))
    page = document[index]
    if crop_to_media:
        page.set_cropbox(*page.get_mediabox())
    return page.render(scale=scale).to_pil().convert("RGB")


def test_print_cover_colour_runs_into_the_bleed_and_crop_marks_sit_outside_it(built):
    path = built["print"].pdf_path
    with pikepdf.open(path) as pdf:
        media = [float(v) for v in pdf.pages[0].obj.MediaBox]
        trim = [float(v) for v in pdf.pages[0].obj.TrimBox]
    cover, inner = _rendered(path, 0), _rendered(path, 1)

    def at(image, x, y):  # PDF points, from the MediaBox's lower left
        return image.getpixel((round(x - media[0]), round(media[3] - y)))

    middle = (trim[1] + trim[3]) / 2
    just_outside = trim[0] - BLEED / 2  # in the bleed, left of the trim line
    accent = (0x1F, 0x4E, 0x79)
    assert all(
        abs(a - b) < 12 for a, b in zip(at(cover, just_outside, middle), accent, strict=True)
    )
    assert sum(at(inner, just_outside, middle)) > 740  # an inner page's bleed stays white
    # A crop mark on the trim line, beyond the bleed; nothing else out there.
    beyond = trim[0] - BLEED - 6
    assert sum(at(cover, beyond, trim[1] - 0.2)) < 300 or sum(at(cover, beyond, trim[1])) < 300
    assert sum(at(cover, beyond, middle)) > 740


def test_print_keeps_photos_at_full_resolution_and_embeds_every_font(built):
    widths = _image_widths(built["print"].pdf_path)
    assert widths == [1200]
    with pikepdf.open(built["print"].pdf_path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor


def _image_widths(pdf_path) -> list[int]:
    widths = {}
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for image in page.get_images().values():
                widths[image.objgen] = int(image.Width)
    return sorted(widths.values())


def test_email_downsamples_photos_and_is_smaller(built):
    (width,) = _image_widths(built["email"].pdf_path)
    # 14 mm wide in the index: at 150 dpi about 83 pixels, not 1200.
    assert width < 200
    assert built["email"].pdf_path.stat().st_size < built["screen"].pdf_path.stat().st_size / 2


@pytest.mark.parametrize("edition", ["screen", "email"])
def test_screen_and_email_are_tagged_with_language_and_title(built, edition):
    path = built[edition].pdf_path
    kinds = tag_tree(path)
    assert kinds["/H1"] >= 4 and kinds["/Link"] >= 4
    with pikepdf.open(path) as pdf:
        assert pdf.Root.Lang == "da"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert str(pdf.docinfo.Title).startswith("Turbo på offentlig innovation")
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"


def test_screen_has_no_bleed_or_marks(built):
    with pikepdf.open(built["screen"].pdf_path) as pdf:
        for page in pdf.pages:
            media = [round(float(v), 1) for v in page.obj.MediaBox]
            assert media[2] - media[0] == pytest.approx(A5[0], abs=0.1)
            if "/TrimBox" in page.obj:
                assert [round(float(v), 1) for v in page.obj.TrimBox] == media


@pytest.mark.parametrize("edition", ["screen", "print", "email"])
def test_page_labels_are_the_booklets_own_numbers(built, edition):
    reader = pypdf.PdfReader(built[edition].pdf_path)
    labels = reader.page_labels
    count = len(reader.pages)
    assert labels[0] == "Omslag" and labels[-1] == "Bagside"
    assert labels[1:-1] == [str(n) for n in range(2, count)]
    # The label of a page is the number printed in its footer.
    assert page_text(reader.pages[2]).rstrip().endswith(labels[2])


def test_back_cover_carries_the_web_page_as_a_vector_qr_code(built):
    path = built["screen"].pdf_path
    with pikepdf.open(path) as pdf:
        back = pdf.pages[-1]
        shown = [
            operands[0]
            for operands, operator in pikepdf.parse_content_stream(back)
            if str(operator) == "Do"
        ]
        images = [name for name in shown if back.Resources.XObject[name].Subtype == "/Image"]
        assert images == []  # drawn, not a picture
        uris = [
            str(annotation.A.URI)
            for annotation in back.obj.get("/Annots", [])
            if "/A" in annotation and "/URI" in annotation.A
        ]
        assert uris == [WEBSITE]
    # The drawn modules are the code of the address: compare with segno's own matrix.
    matrix = [list(row) for row in segno.make(WEBSITE, error="m").matrix]
    image = _rendered(path, len(pypdf.PdfReader(path).pages) - 1, scale=4, crop_to_media=False)
    grey = image.convert("L")
    dark = [
        (x, y)
        for y in range(grey.height)
        for x in range(grey.width // 2)
        if grey.getpixel((x, y)) < 60
    ]
    left, top = min(x for x, _ in dark), min(y for _, y in dark)
    right, bottom = max(x for x, _ in dark), max(y for _, y in dark)
    size = len(matrix)
    module = (right - left + 1) / size
    assert (bottom - top + 1) / size == pytest.approx(module, rel=0.03)
    read = [
        [
            int(
                grey.getpixel((int(left + (col + 0.5) * module), int(top + (row + 0.5) * module)))
                < 128
            )
            for col in range(size)
        ]
        for row in range(size)
    ]
    assert read == matrix


def test_no_website_no_qr_code(tmp_path):
    result = booklet.build(SEED, tmp_path)
    with pikepdf.open(result.pdf_path) as pdf:
        assert "/Annots" not in pdf.pages[-1].obj
    assert "https://" not in page_text(pypdf.PdfReader(result.pdf_path).pages[-1])


def test_a_website_that_is_not_a_web_address_is_refused(tmp_path):
    folder = copy_content(SEED, tmp_path / "content")
    conference = folder / "conference.yaml"
    text = conference.read_text(encoding="utf-8")
    conference.write_text(
        text.replace("organiser: ATV\n", "organiser: ATV\nwebsite: javascript:alert(1)\n")
    )
    line = (
        conference.read_text(encoding="utf-8").splitlines().index("website: javascript:alert(1)")
        + 1
    )
    with pytest.raises(booklet.ContentError) as raised:
        booklet.check(folder)
    (problem,) = raised.value.problems
    assert (problem.line, problem.field) == (line, "conference.website")


def test_email_over_its_budget_is_refused_naming_what_is_large_and_keeps_the_old_pdf(
    content, tmp_path
):
    command = [sys.executable, "-m", "booklet", "build", str(content), "-o", str(tmp_path)]
    first = subprocess.run([*command, "-e", "email", "--max-size", "5MB"], capture_output=True)
    assert first.returncode == 0, first.stderr
    pdf = tmp_path / "turbo-paa-offentlig-innovation-email.pdf"
    before = pdf.read_bytes()
    over = subprocess.run(
        [*command, "-e", "email", "--max-size", "20KB", "-q"], capture_output=True, text=True
    )
    assert over.returncode == 1
    assert "over its budget of 20 KB" in over.stderr and "--max-size" in over.stderr
    assert "fonts" in over.stderr and "Traceback" not in over.stderr
    assert pdf.read_bytes() == before
    # No photos: the advice is a budget that fits, not smaller photos; and it does fit.
    assert "smaller photos" not in over.stderr
    suggested = re.search(r"--max-size (\S+)", over.stderr)[1]
    fitted = subprocess.run([*command, "-e", "email", "--max-size", suggested, "-q"])
    assert fitted.returncode == 0


def test_all_editions_at_once_print_their_paths(content, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "booklet",
            "build",
            str(content),
            "-o",
            str(tmp_path),
            "-e",
            "all",
            "--max-size",
            "5MB",
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert [line.rsplit("/", 1)[-1] for line in result.stdout.split()] == [
        "turbo-paa-offentlig-innovation.pdf",
        "turbo-paa-offentlig-innovation-print.pdf",
        "turbo-paa-offentlig-innovation-email.pdf",
    ]
