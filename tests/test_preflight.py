"""`booklet preflight`: what a print shop's preflight reports, on every edition of the
seed, on the real samples, and on a PDF made with every fault it must find."""

from __future__ import annotations

import io

import pikepdf
import pytest
from helpers import DATA
from PIL import Image
from typer.testing import CliRunner

import booklet
from booklet.cli import app
from booklet.importer import import_schedule
from booklet.preflight import preflight

MM = 72 / 25.4
SAMPLES = ["31c3-schedule.xml", "camp2019-stages.schedule.json"]


def _messages(report, severity: str) -> str:
    return "\n".join(str(f) for f in report.findings if f.severity == severity)


def test_the_print_edition_of_the_seed_passes(seed_editions):
    report = preflight(seed_editions["print"].pdf_path)
    assert report.standard == "PDF/X-4"
    assert report.errors == [] and report.warnings == [], report.findings
    notes = _messages(report, "note")
    assert "3 mm of bleed on every page" in notes
    assert "one subset each" in notes
    assert "#1f4e79 = C" in notes  # the colours as they print
    assert seed_editions["print"].preflight.summary() == report.summary()


@pytest.mark.parametrize("edition", ["screen", "email"])
def test_the_screen_and_email_editions_are_not_for_a_press(seed_editions, edition):
    report = preflight(seed_editions[edition].pdf_path)
    errors = _messages(report, "error")
    assert "no output intent" in errors and "bleed" in errors
    assert "RGB" in _messages(report, "warning")
    assert "one subset each" in _messages(report, "note")  # fonts are fine everywhere


@pytest.fixture(scope="module", params=SAMPLES)
def sample_print(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("preflight-sample") / "content"
    import_schedule(DATA / "schedules" / request.param, folder)
    return booklet.build(folder, tmp_path_factory.mktemp("out"), edition="print")


def test_the_print_editions_of_the_real_samples_pass(sample_print):
    report = sample_print.preflight
    assert report is not None and report.standard == "PDF/X-4"
    assert report.errors == [], report.errors
    assert report.pages == sample_print.page_count and report.pages % 4 == 0
    # The grid's rules are 0.3 pt and more; a border's two edges are not a hairline.
    assert [w for w in report.warnings if "under 0.25 pt" in w.message] == []


def test_every_page_of_a_print_edition_in_parts_has_one_trim_size_and_imposes(sample_print):
    """A page left blank so that a part begins on the right is a page like the others
    (camp2019 and 31C3 are laid out in parts): the trim size the press cuts, and sheets a
    home printer can print."""
    from booklet.impose import impose

    with pikepdf.open(sample_print.pdf_path) as pdf:
        sizes = {
            tuple(round(float(b) - float(a)) for a, b in zip(box[:2], box[2:], strict=True))
            for box in (page.obj.TrimBox for page in pdf.pages)
        }
    assert sizes == {(420, 595)}  # A5 in points
    target = sample_print.pdf_path.with_name("imposed.pdf")
    impose(sample_print.pdf_path, target)
    assert target.exists()


def test_a_page_of_another_trim_size_is_an_error(tmp_path):
    pdf = pikepdf.new()
    for size in ((420, 595), (411, 587)):
        page = pdf.add_blank_page(page_size=size)
        page.obj.TrimBox = pikepdf.Array([9, 9, size[0] - 9, size[1] - 9])
        page.obj.BleedBox = pikepdf.Array([0, 0, *size])
    pdf.save(tmp_path / "sizes.pdf")
    report = preflight(tmp_path / "sizes.pdf")
    assert any(
        "page 2 trimmed to 139 × 201 mm, the others to 142 × 204" in e.message
        for e in report.errors
    )


def _faulty_pdf(path) -> None:
    """A cover with every fault a press's preflight looks for."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(420, 595))
    page.obj.TrimBox = pikepdf.Array([0, 0, 420, 595])
    page.obj.BleedBox = pikepdf.Array([0, 0, 420, 595])  # no bleed
    image = Image.new("RGB", (40, 40), (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    photo = pdf.make_stream(
        buffer.getvalue(),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=40,
        Height=40,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                           BaseFont=pikepdf.Name.Helvetica)
    )  # fmt: skip
    page.obj.Resources = pikepdf.Dictionary(
        XObject=pikepdf.Dictionary(Photo=photo),
        Font=pikepdf.Dictionary(F1=font),
        ExtGState=pikepdf.Dictionary(Half=pikepdf.Dictionary(ca=0.5)),
    )
    page.obj.Contents = pdf.make_stream(
        b"1 1 1 1 k 0 0 420 595 re f\n"  # 400 % ink over the whole cover
        b"0.1 w 0 0 0 1 K 50 300 m 370 300 l S\n"  # a 0.1 pt line
        b"/Half gs 1 0 0 rg 60 60 100 100 re f\n"  # transparent RGB
        b"q 144 0 0 144 200 100 cm /Photo Do Q\n"  # 40 px over 2 inches: 20 dpi
        b"BT /F1 10 Tf 2 580 Td (Near the edge) Tj ET\n"  # 0.7 mm from the trim
    )
    pdf.save(path)


def test_every_fault_is_found_and_named_by_page(tmp_path):
    path = tmp_path / "faulty.pdf"
    _faulty_pdf(path)
    report = preflight(path)
    errors, warnings = _messages(report, "error"), _messages(report, "warning")
    assert "no output intent" in errors
    assert "0.0 mm of bleed on page 1" in errors
    assert "font Helvetica is not embedded" in errors
    assert "page 1: error: a fill in C100 M100 Y100 K100: 400 % total ink" in errors
    assert "page 1: warning: image Photo (40×40 px) prints at 20 dpi, under 300" in warnings
    assert "page 1: warning: 1 line under 0.25 pt (thinnest 0.10 pt)" in warnings
    assert "page 1: warning: transparency: opacity 0.5" in warnings
    assert "page 1: warning: text 'Near the edge'" in warnings and "mm from the trim" in warnings
    assert "RGB" in warnings


def test_two_subsets_under_one_name_are_an_error(seed_editions, tmp_path):
    """The fault of joined parts before issue 11: one tag, two different subsets."""
    path = tmp_path / "shared-tag.pdf"
    with pikepdf.open(seed_editions["print"].pdf_path) as pdf:
        fonts = pdf.pages[1].Resources.Font
        name, font = next(iter(fonts.items()))
        copy = pdf.make_indirect(pikepdf.Dictionary(font))
        descendant = pikepdf.Dictionary(font.DescendantFonts[0])
        descriptor = pikepdf.Dictionary(descendant.FontDescriptor)
        descriptor.FontFile2 = pdf.make_stream(
            font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes() + b"\0\0\0\0"
        )
        descendant.FontDescriptor = pdf.make_indirect(descriptor)
        copy.DescendantFonts = pikepdf.Array([pdf.make_indirect(descendant)])
        pdf.pages[2].Resources = pikepdf.Dictionary(pdf.pages[2].Resources)
        pdf.pages[2].Resources.Font = pikepdf.Dictionary(fonts)
        pdf.pages[2].Resources.Font[name] = copy
        pdf.save(path)
    errors = _messages(preflight(path), "error")
    assert f"2 different font subsets share the name {str(font.BaseFont)[1:]}" in errors


def test_the_command_exits_1_on_errors_and_0_without(seed_editions, tmp_path):
    runner = CliRunner()
    passed = runner.invoke(app, ["preflight", str(seed_editions["print"].pdf_path)])
    assert passed.exit_code == 0, passed.output
    assert "preflight: PDF/X-4, 12 pages: no errors, 0 warnings" in passed.output
    failed = runner.invoke(app, ["preflight", str(seed_editions["screen"].pdf_path)])
    assert failed.exit_code == 1 and "not PDF/X" in failed.output
    missing = runner.invoke(app, ["preflight", str(tmp_path / "none.pdf")])
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def _forms_pdf(path, depth: int, draws_itself: bool = False) -> None:
    """A page drawing a form that draws a form ... `depth` deep; with `draws_itself`,
    the last form names itself among what it draws, in a dictionary of its own."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(420, 595))
    inner = None
    for _ in range(depth):
        form = pdf.make_stream(b"0 0 0 1 k 10 10 20 20 re f" + (b" /Fx Do" if inner else b""))
        form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        form.BBox = pikepdf.Array([0, 0, 420, 595])
        form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fx=inner or form))
        if inner is None and not draws_itself:
            del form.Resources.XObject.Fx
        inner = form
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fx=inner))
    page.obj.Contents = pdf.make_stream(b"/Fx Do")
    pdf.save(path)


def test_a_form_that_draws_itself_is_followed_once(tmp_path):
    path = tmp_path / "itself.pdf"
    _forms_pdf(path, 1, draws_itself=True)
    report = preflight(path)  # no endless walk
    assert "no output intent" in _messages(report, "error")


def test_forms_nested_beyond_any_booklet_stop_with_a_message(tmp_path):
    _forms_pdf(tmp_path / "deep.pdf", 3000)
    result = CliRunner().invoke(app, ["preflight", str(tmp_path / "deep.pdf")])
    assert result.exit_code == 1, result.output
    assert "forms drawn within forms more than 100 deep" in result.output
    assert "Traceback" not in result.output
    _forms_pdf(tmp_path / "shallow.pdf", 40)
    shallow = CliRunner().invoke(app, ["preflight", str(tmp_path / "shallow.pdf")])
    assert shallow.exit_code == 1 and "not PDF/X" in shallow.output  # scanned to the end
