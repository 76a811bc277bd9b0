"""What the model cannot see in the pages besides the talks: that the images of free
pages, the sponsors' logos and the speakers' photos are files of the content folder
that really are images, fine enough for print, and that chairs and moderators are
speakers.

Images are held to the rules of a photo (checks.py): a relative path, a regular file
inside the content folder once links are resolved, at most 20 MB and 40 million
pixels. SVG is allowed for maps and logos (it stays vector): it must be an SVG
document without a DOCTYPE (no entities to expand). A raster image is measured at the
size it prints: under 300 dpi is a warning, since the press shows every pixel.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .checks import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, PLACEHOLDER_FIRST_DAY, Checker
from .errors import Problem, display_path
from .files import UnsafeFileError, read_regular_file
from .model import Conference, LogoSize, ProgrammeItem, Speaker
from .yaml_source import FieldPath, dotted

PRINT_DPI = 300
MM_PER_INCH = 25.4
# Sizes as printed, in mm; styles/pages.css sets the same.
PHOTO_MM = 14.0  # every portrait: a square, cropped to fill it
LOGO_BOX_MM: dict[LogoSize, tuple[float, float]] = {  # (width, height) a logo fits into
    "large": (56.0, 22.0),
    "medium": (38.0, 15.0),
    "small": (26.0, 10.0),
}
TEXT_WIDTH_MM = {"A5": 148 - 33, "A4": 210 - 33}  # the page less its margins (booklet.css)
PICTURE_SUFFIXES = {".png", ".jpg", ".jpeg", ".svg"}


@dataclass(frozen=True)
class Picture:
    """What a check learnt of an image file: SVG, or its pixels."""

    vector: bool
    width: int = 0
    height: int = 0


def logo_size(tier_index: int, size: LogoSize | None) -> LogoSize:
    """A tier's logo size: as written, else by rank (first large, second medium)."""
    if size:
        return size
    return ("large", "medium")[tier_index] if tier_index < 2 else "small"


def check_pages_and_people(
    conference: Conference | None,
    speakers: list[tuple[int, Speaker]],
    programme: list[tuple[int, ProgrammeItem]],
    written_speaker_ids: set,
    checker: Checker,
) -> list[Problem]:
    """Errors and warnings (severity 'warning') for free pages, sponsors, photos, chairs
    and moderators."""
    warnings: list[Problem] = []

    def warn(path: FieldPath, message: str) -> None:
        part = str(path[0])
        warnings.append(
            checker.sources[part].problem(path[1:], dotted(path), message, severity="warning")
        )

    def coarse(picture: Picture | None, path: FieldPath, width_mm: float, height_mm: float):
        if picture is None or picture.vector:
            return
        scale = min(width_mm / picture.width, height_mm / picture.height)  # fitted
        dpi = MM_PER_INCH / scale
        if dpi < PRINT_DPI - 0.5:
            needed = round(picture.width * PRINT_DPI / dpi)
            warn(
                path,
                f"{picture.width}×{picture.height} pixels print at {dpi:.0f} dpi, too coarse "
                f"for print; {PRINT_DPI} dpi needs {needed} pixels wide (or use SVG)",
            )

    if conference is not None and conference.date == PLACEHOLDER_FIRST_DAY:
        warn(
            ("conference", "date"),
            f"{PLACEHOLDER_FIRST_DAY.isoformat()} is the placeholder of an import whose days "
            "had no dates; it would print on the cover: import again with --first-day "
            "YYYY-MM-DD, or write the real dates here and as each item's day",
        )
    if conference is not None:
        text_width = TEXT_WIDTH_MM[conference.paper]
        for page_index, page in enumerate(conference.pages):
            for image_index, image in enumerate(page.images):
                path = ("conference", "pages", page_index, "images", image_index, "file")
                picture = read_picture(image.file, path, checker, allow_svg=True)
                coarse(picture, path, text_width, text_width * 1.5)
        for tier_index, tier in enumerate(conference.sponsors):
            width, height = LOGO_BOX_MM[logo_size(tier_index, tier.size)]
            for sponsor_index, sponsor in enumerate(tier.sponsors):
                if sponsor.logo:
                    path = ("conference", "sponsors", tier_index, "sponsors", sponsor_index)
                    path = (*path, "logo")
                    picture = read_picture(sponsor.logo, path, checker, allow_svg=True)
                    coarse(picture, path, width, height)
        for session_index, session in enumerate(conference.sessions):
            for position, speaker_id in enumerate(session.chairs):
                path = ("conference", "sessions", session_index, "chairs", position)
                _known_speaker(speaker_id, path, written_speaker_ids, checker)
    for index, item in programme:
        for position, speaker_id in enumerate(item.moderators):
            path = ("programme", index, "moderators", position)
            _known_speaker(speaker_id, path, written_speaker_ids, checker)
    for index, speaker in speakers:
        if speaker.photo:  # checks.py reported what is wrong with the file itself
            picture = _measured(checker.folder / speaker.photo, checker.folder)
            coarse(picture, ("speakers", index, "photo"), PHOTO_MM, PHOTO_MM)
    return warnings


def _known_speaker(speaker_id: str, path: FieldPath, written: set, checker: Checker) -> None:
    if speaker_id not in written:
        suggestion = checker.near_misses.did_you_mean(speaker_id, written, "speakers")
        checker.report(path, f"no speaker with id '{speaker_id}'{suggestion}")


def read_picture(
    value: str, path: FieldPath, checker: Checker, *, allow_svg: bool
) -> Picture | None:
    """The image a field names, checked as a photo is (checks._check_image), SVG too
    when allowed; None, with the problem reported, when it is not one."""
    if urlsplit(value).scheme or value.startswith("//"):
        checker.report(path, f"must be a file in the content folder, not a URL ({value})")
        return None
    if Path(value).is_absolute() or "\0" in value:
        checker.report(path, f"must be a path relative to the content folder ({value!r})")
        return None
    suffixes = PICTURE_SUFFIXES if allow_svg else PICTURE_SUFFIXES - {".svg"}
    if Path(value).suffix.lower() not in suffixes:
        kinds = "PNG, JPEG or SVG" if allow_svg else "PNG or JPEG"
        checker.report(path, f"must be a {kinds} file (.png, .jpg, .svg), not '{value}'")
        return None
    file = checker.folder / value
    try:
        if not file.resolve().is_relative_to(checker.folder.resolve()):
            checker.report(path, f"must be inside the content folder ({value})")
            return None
    except (OSError, RuntimeError):  # RuntimeError: a loop of links
        checker.report(path, f"no such file '{value}'")
        return None
    if not file.exists():
        checker.report(path, f"no such file '{value}'")
        return None
    try:
        data = read_regular_file(file, [checker.folder], MAX_IMAGE_BYTES, "image")
    except UnsafeFileError as error:
        checker.report(path, str(error).removeprefix(f"{display_path(file)}: "))
        return None
    picture, problem = _picture(data, file.suffix.lower() == ".svg")
    if problem:
        checker.report(path, f"{problem} ({value})")
    return picture


def _picture(data: bytes, svg: bool) -> tuple[Picture | None, str | None]:
    if svg:
        problem = svg_problem(data)
        return (None, problem) if problem else (Picture(vector=True), None)
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return None, f"has more than {MAX_IMAGE_PIXELS:,} pixels; use a smaller image"
            if image.format not in {"PNG", "JPEG"}:
                return None, f"is a {image.format} image; use PNG or JPEG (or SVG)"
            image.verify()
    except Image.DecompressionBombError:
        return None, f"has more than {MAX_IMAGE_PIXELS:,} pixels; use a smaller image"
    except Exception:  # Pillow raises many kinds of error for a file that is not an image
        return None, "is not an image that can be read (PNG or JPEG)"
    return Picture(False, width, height), None


def svg_problem(data: bytes) -> str | None:
    """Why `data` is not an SVG image booklet prints; None when it is one. A DOCTYPE is
    refused unparsed: its entities could expand a few bytes into gigabytes."""
    head = data[:4096].lstrip().lower()
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        return "is an SVG with a DOCTYPE or entities; save it without (plain SVG)"
    if not (head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--")):
        return "is not an SVG image (it does not start with <svg or <?xml)"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        return f"is not an SVG image that can be read ({error})"
    if root.tag.rsplit("}", 1)[-1] != "svg":
        return "is not an SVG image (its root element is not <svg>)"
    return None


def _measured(file: Path, folder: Path) -> Picture | None:
    """A raster image's pixels, from its header; None when it cannot be read (reported
    by checks.py already)."""
    from PIL import Image

    try:
        data = read_regular_file(file, [folder], MAX_IMAGE_BYTES, "photo")
        with Image.open(io.BytesIO(data)) as image:
            return Picture(False, *image.size)
    except Exception:  # not an image, not a file: checks.py said so
        return None
