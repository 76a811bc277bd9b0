"""The public API: content folder in, PDF file out.

>>> result = booklet.build("content", "output")
>>> result.pdf_path, result.page_count, result.warnings
"""

from __future__ import annotations

import datetime
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BookletError, Problem, display_path
from .html import needs_literal_numbers, render_html
from .load import LoadedContent, load_content
from .model import slug
from .pdf import render_pdf
from .theme import default_styles_folder


@dataclass
class BuildResult:
    pdf_path: Path
    page_count: int
    page_of: dict[str, int]  # anchor id -> page number, e.g. "talk-facts" -> 5
    warnings: list[str] = field(default_factory=list)


def build(
    content_folder: str | Path = "content",
    output_folder: str | Path = "output",
    *,
    styles_folder: str | Path | None = None,
) -> BuildResult:
    """Validate the content and write `<output>/<slug>.pdf`.

    Raises BookletError (or its ContentError) for anything the user can fix; the
    previous PDF at the target path is left untouched whenever the build fails.
    """
    loaded = load_content(Path(content_folder))
    styles = Path(styles_folder) if styles_folder else default_styles_folder()
    stylesheet = styles / "booklet.css"
    if not stylesheet.is_file():
        raise BookletError(f"{display_path(stylesheet)}: no such stylesheet")

    created = _creation_date()
    rendered = render_pdf(
        lambda page_of: render_html(loaded, page_of, created=created),
        lambda page_of: needs_literal_numbers(loaded, page_of),
        stylesheets=[stylesheet],
        base_folder=loaded.folder.resolve(),
        allowed_folders=[loaded.folder, styles],
        identifier=_identifier(loaded),
    )
    target = Path(output_folder) / f"{output_name(loaded)}.pdf"
    write_atomically(target, rendered.pdf)
    warnings = [str(problem) for problem in loaded.warnings]
    warnings += [f"warning: {message}" for message in rendered.warnings]
    return BuildResult(target, rendered.page_count, rendered.page_of, warnings)


def output_name(loaded: LoadedContent) -> str:
    return slug(loaded.content.conference.title)


def write_atomically(target: Path, data: bytes) -> None:
    """Write beside the target and rename: a reader never sees half a PDF, and a failed
    build never destroys the last good one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private (0600); a PDF is meant to be shared.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _creation_date() -> str | None:
    """Reproducible builds: a date only when SOURCE_DATE_EPOCH asks for one."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
    except (ValueError, OverflowError):
        raise BookletError(f"SOURCE_DATE_EPOCH must be whole seconds, not {epoch!r}") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _identifier(loaded: LoadedContent) -> bytes:
    """The PDF's /ID from the content itself: same content, same bytes."""
    digest = hashlib.sha256(loaded.content.model_dump_json().encode())
    return digest.hexdigest()[:32].encode()


__all__ = ["BookletError", "BuildResult", "Problem", "build"]
