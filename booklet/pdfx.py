"""The print edition as a print shop's preflight wants it: PDF/X-4.

What WeasyPrint writes is RGB, with no output intent. For print, after layout (on the
open pikepdf document, one booklet or the joined parts):

- every colour the pages draw (`rg`/`RG`) is converted to CMYK through the output
  profile, greys to black ink alone (text printed in four inks would be blurred by the
  slightest misregister, and would carry 300 % ink). The booklet states its conversion:
  the Info entry /BookletColours lists each RGB colour with the CMYK it prints as;
- RGB images keep their pixels and are colour-managed as sRGB (DefaultRGB on every
  resource dictionary: PDF/X-4 lets the RIP convert them with the output intent);
- an OutputIntent (/S /GTS_PDFX) with the CMYK profile, XMP with GTS_PDFXVersion,
  /Trapped, dates, and PDF 1.6;
- links are dropped: paper has none, and PDF/X wants no annotations on the page.

WeasyPrint's own `pdf/x-4` variant is not used: it stamps the current time and a random
document id into the file, so the same content would never give the same bytes, and it
has no profile unless the stylesheet names one.

The default profile, styles/profiles/booklet-fogra39-300.icc, was made with ArgyllCMS
from the FOGRA39L characterisation data of Debian's icc-profiles-free (Zlib licence),
with a total ink limit of 300 %: see styles/profiles/README.md.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .errors import BookletError, display_path
from .page_content import written_number
from .pdf_resources import content_streams, drawn_forms
from .theme import default_styles_folder

PROFILES_FOLDER = "profiles"
DEFAULT_PROFILE_NAME = "booklet-fogra39-300.icc"
# The characterisation the default profile was made from, as the ICC registry names it.
DEFAULT_CONDITION = "FOGRA39"
REGISTRY = "http://www.color.org"
PDF_VERSION = "1.6"  # PDF/X-4 is built on PDF 1.6
# Without SOURCE_DATE_EPOCH, PDF/X's required dates are this fixed one (the same
# content must give the same bytes): the date of the fonts, as for their subsets.
FIXED_EPOCH = 1660521600  # 2022-08-15
# An RGB colour whose channels differ by no more than this is a grey: black ink alone.
GREY_TOLERANCE = 2 / 255
MAX_PROFILE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class OutputProfile:
    """The CMYK characterisation of the press the booklet is printed on."""

    data: bytes
    description: str
    condition: str  # OutputConditionIdentifier: a registered name, or "Custom"
    registry: str  # where the condition is registered; "" for a custom one

    @classmethod
    def default(cls) -> OutputProfile:
        path = default_styles_folder() / PROFILES_FOLDER / DEFAULT_PROFILE_NAME
        return cls.read(path, DEFAULT_CONDITION, REGISTRY)

    @classmethod
    def read(cls, path: Path, condition: str = "Custom", registry: str = "") -> OutputProfile:
        """A print shop's own profile (`--output-profile`): an ICC output profile for
        CMYK, or a BookletError saying what it is instead."""
        from PIL import ImageCms

        name = display_path(path)
        try:
            if path.stat().st_size > MAX_PROFILE_BYTES:
                raise BookletError(f"{name}: over 10 MB; not an ICC profile")
            data = path.read_bytes()
        except OSError as error:
            raise BookletError(f"{name}: cannot read the profile ({error.strerror})") from None
        if len(data) < 128 or data[36:40] != b"acsp":
            raise BookletError(f"{name}: not an ICC colour profile")
        device_class, space = data[12:16], data[16:20]
        if space != b"CMYK" or device_class != b"prtr":
            raise BookletError(
                f"{name}: a {space.decode('latin-1').strip()} "
                f"{'output' if device_class == b'prtr' else device_class.decode('latin-1')} "
                "profile; the output profile of a press is a CMYK output (printer) profile"
            )
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
            description = ImageCms.getProfileDescription(profile).strip()
        except (ImageCms.PyCMSError, OSError):
            raise BookletError(f"{name}: a damaged ICC profile") from None
        return cls(data, description or path.stem, condition, registry)

    @cached_property
    def converter(self) -> CmykConverter:
        return CmykConverter(self)


@dataclass(eq=False)
class CmykConverter:
    """sRGB colours to the CMYK of the output profile (relative colorimetric, black point
    compensation: what print shops' own conversions do); greys to black ink alone, of
    the lightness the profile gives them. Remembers every colour it converted."""

    profile: OutputProfile
    converted: dict[tuple[float, float, float], tuple[float, float, float, float]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        from PIL import Image, ImageCms

        cmyk = ImageCms.ImageCmsProfile(io.BytesIO(self.profile.data))
        self._to_cmyk = ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"),
            cmyk,
            "RGB",
            "CMYK",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
        )
        to_lab = ImageCms.buildTransform(cmyk, ImageCms.createProfile("LAB"), "CMYK", "LAB")
        # Lightness of black ink alone, 0 to 100 %, as this press prints it.
        ramp = Image.new("CMYK", (101, 1))
        ramp.putdata([(0, 0, 0, round(k * 2.55)) for k in range(101)])
        lab = ImageCms.applyTransform(ramp, to_lab)
        self._black_lightness = [lab.getpixel((k, 0))[0] * 100 / 255 for k in range(101)]

    def cmyk(self, red: float, green: float, blue: float) -> tuple[float, float, float, float]:
        key = (red, green, blue)
        if key not in self.converted:
            self.converted[key] = self._convert(red, green, blue)
        return self.converted[key]

    def _convert(self, red: float, green: float, blue: float) -> tuple[float, float, float, float]:
        from PIL import Image, ImageCms

        if max(red, green, blue) - min(red, green, blue) <= GREY_TOLERANCE:
            return (0.0, 0.0, 0.0, self._black_for((red + green + blue) / 3))
        pixel = Image.new("RGB", (1, 1), tuple(round(v * 255) for v in (red, green, blue)))
        values = ImageCms.applyTransform(pixel, self._to_cmyk).getpixel((0, 0))
        return tuple(round(v / 255, 3) for v in values)  # type: ignore[return-value]

    def _black_for(self, grey: float) -> float:
        """The black ink that prints as light as the sRGB grey `grey` looks."""
        if grey <= 0:
            return 1.0
        if grey >= 1:
            return 0.0
        linear = grey / 12.92 if grey <= 0.04045 else ((grey + 0.055) / 1.055) ** 2.4
        lightness = 116 * linear ** (1 / 3) - 16 if linear > 0.008856 else 903.3 * linear
        ramp = self._black_lightness
        # The ramp darkens as the ink grows; paper white is the lightest this press has.
        lightness = max(min(lightness, ramp[0]), ramp[-1])
        for k in range(100):
            lighter, darker = ramp[k], ramp[k + 1]
            if darker <= lightness <= lighter:
                share = (lighter - lightness) / (lighter - darker) if lighter > darker else 0
                return round((k + share) / 100, 3)
        return 1.0

    def statement(self) -> str:
        """Every converted colour with its CMYK, as the print shop reads them."""
        return "; ".join(
            f"{hex_colour(rgb)} = {cmyk_text(cmyk)}" for rgb, cmyk in sorted(self.converted.items())
        )


def hex_colour(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(v * 255):02x}" for v in rgb)


def cmyk_text(cmyk: tuple[float, ...]) -> str:
    return " ".join(f"{ink}{round(v * 100)}" for ink, v in zip("CMYK", cmyk, strict=True))


def make_pdfx(document, profile: OutputProfile, document_id: str) -> None:
    """Make the open pikepdf document a PDF/X-4 file for `profile` (see the module)."""
    import pikepdf

    converter = profile.converter
    converter.converted.clear()
    srgb = _srgb_profile_stream(document)
    done: set[tuple[int, int]] = set()
    for page in document.pages:
        _convert_page(document, page, converter, srgb, done)
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=profile.condition,
        OutputCondition=profile.description,
        Info=profile.description,
        DestOutputProfile=document.make_stream(profile.data, N=4),
    )
    if profile.registry:  # a registered condition; a shop's own profile has none
        intent.RegistryName = profile.registry
    document.Root.OutputIntents = pikepdf.Array([document.make_indirect(intent)])
    _set_metadata(document, document_id, converter.statement())


def _srgb_profile_stream(document):
    """The ICC's sRGB2014 profile, as WeasyPrint ships it (the ICC lets anyone copy and
    embed it without restriction; one made by littleCMS would carry the time it was made,
    and the bytes would differ each build)."""
    from importlib.resources import files

    srgb = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
    return document.make_stream(srgb, N=3)


def _convert_page(document, page, converter: CmykConverter, srgb, done: set) -> None:
    """The page's drawing and the forms it draws (the running heads of joined parts)."""
    import pikepdf

    if not isinstance(page.obj.get("/Resources"), pikepdf.Dictionary):
        page.obj.Resources = pikepdf.Dictionary()  # a page added blank has none
    for stream in content_streams(page.obj):
        if isinstance(stream, pikepdf.Stream) and stream.objgen not in done:
            done.add(stream.objgen)
            _converted(stream, converter)
    _colour_managed_rgb(page.obj.Resources, srgb, done)
    for form in drawn_forms(page.obj.Resources, done):
        _converted(form, converter)
        _colour_managed_rgb(form.get("/Resources"), srgb, done)


def _converted(stream, converter: CmykConverter) -> None:
    """The stream's RGB colours (`r g b rg`, `RG` for strokes) as CMYK (`k`, `K`).

    WeasyPrint writes each operator on a line of its own, so the colours are found
    line by line, without parsing and writing again the whole drawing (a programme grid
    page is 16,000 operators). A colour written otherwise stays RGB: colour-managed
    as sRGB all the same (DefaultRGB), and the preflight lists it."""

    def cmyk(match: re.Match) -> bytes:
        values = converter.cmyk(*(float(value) for value in match.groups()[:3]))
        operator = b"k" if match[4] == b"rg" else b"K"
        return b" ".join(written_number(value, 3) for value in values) + b" " + operator

    data = stream.read_bytes()
    converted = _RGB_OPERATOR.sub(cmyk, data)
    if converted != data:
        stream.write(converted)


_NUMBER = rb"([-+]?(?:\d+\.?\d*|\.\d+))"
_RGB_OPERATOR = re.compile(
    rb"^[ \t]*" + rb"[ \t]+".join([_NUMBER] * 3) + rb"[ \t]+(rg|RG)[ \t]*$", re.M
)


def _colour_managed_rgb(resources, srgb, done: set) -> None:
    """DeviceRGB (images, anything drawn in RGB) as sRGB, converted by the RIP."""
    import pikepdf

    if not isinstance(resources, pikepdf.Dictionary):
        return
    spaces = resources.get("/ColorSpace")
    if spaces is None:
        resources.ColorSpace = spaces = pikepdf.Dictionary()
    if spaces.is_indirect:
        if spaces.objgen in done:
            return
        done.add(spaces.objgen)
    spaces.DefaultRGB = pikepdf.Array([pikepdf.Name.ICCBased, srgb])


def _set_metadata(document, document_id: str, colours: str) -> None:
    import pikepdf

    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or FIXED_EPOCH)
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC)
    info = document.docinfo
    for key in ("/CreationDate", "/ModDate"):
        if key not in info:
            info[key] = moment.strftime("D:%Y%m%d%H%M%SZ")
    info.Trapped = pikepdf.Name("/False")
    if colours:
        info.BookletColours = colours
    uuid = hashlib.sha256(document_id.encode()).hexdigest()
    uuid = f"{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:32]}"
    iso = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        with warnings.catch_warnings():
            # pikepdf says which Info entries XMP has no place for (/Trapped is set
            # below under its XMP name; /BookletColours is ours): known, not news.
            warnings.simplefilter("ignore", UserWarning)
            xmp.load_from_docinfo(info)
        xmp["{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"] = "PDF/X-4"
        xmp["pdf:Trapped"] = "False"
        xmp["xmp:MetadataDate"] = iso
        xmp["xmpMM:DocumentID"] = f"uuid:{uuid}"
        xmp["xmpMM:InstanceID"] = f"uuid:{uuid}"
        xmp["xmpMM:VersionID"] = "1"
        xmp["xmpMM:RenditionClass"] = "default"
