"""Reading untrusted files safely, and writing output so that nothing is ever half written."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
import time
from pathlib import Path

from .errors import BookletError, display_path

# A temporary file older than this was left by a build that was killed, not by one that
# is writing now.
STALE_AFTER_SECONDS = 600


def own_folder(folder: Path) -> Path:
    """The folder, made if missing, where booklet may write and delete its own files:
    never a link. A project copied from elsewhere may ship output/ (or output/mail) as a
    link to the user's documents, where booklet would overwrite and tidy away files."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BookletError(
            f"{display_path(folder)}: cannot write there ({error.strerror})"
        ) from None
    if folder.is_symlink() or not folder.is_dir():
        raise BookletError(
            f"{display_path(folder)}: a link to another folder; booklet writes only into a "
            "real folder (remove the link, or give another with -o)"
        )
    return folder


def write_atomically(target: Path, data: bytes) -> None:
    """Write beside the target and rename: a reader never sees half a PDF, and a failed
    build never destroys the last good one. Never into a linked folder (own_folder), and
    never over a folder."""
    own_folder(target.parent)
    if target.is_dir() and not target.is_symlink():
        raise BookletError(f"{display_path(target)}: a folder stands where the file goes")
    try:
        for leftover in target.parent.glob(f".{target.name}.*.part"):
            if time.time() - leftover.stat().st_mtime > STALE_AFTER_SECONDS:
                leftover.unlink(missing_ok=True)
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        # Created with the mode any file of the user's gets (0666 less the umask).
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise BookletError(
            f"{display_path(target.parent)}: cannot write there ({error.strerror})"
        ) from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class UnsafeFileError(BookletError):
    """A file booklet was asked to read is not one it may read: outside its folders,
    not a regular file (a pipe, a device, a folder) or larger than the limit."""


def read_regular_file(path: Path, inside: list[Path], limit: int, what: str = "file") -> bytes:
    """The bytes of `path`, but only when, with every link resolved, it is a regular file
    inside one of the folders `inside`, of at most `limit` bytes.

    A named pipe would block the build for ever, a device or a sparse file of gigabytes
    would fill memory, and a link could point anywhere: content and themes are untrusted,
    so everything a build reads comes through here."""
    shown = display_path(path)
    try:
        real = Path(path).resolve(strict=True)
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of links
        reason = getattr(error, "strerror", None) or "a loop of links"
        raise UnsafeFileError(f"{shown}: cannot read the {what} ({reason})") from None
    if not any(real.is_relative_to(Path(folder).resolve()) for folder in inside):
        raise UnsafeFileError(f"{shown}: the {what} is outside the project's folders; not read")
    # O_NONBLOCK: opening a named pipe must not wait for a writer that never comes.
    try:
        handle = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise UnsafeFileError(f"{shown}: cannot read the {what} ({error.strerror})") from None
    try:
        status = os.fstat(handle)  # of what was opened, not of what the name was
        if not stat.S_ISREG(status.st_mode):
            raise UnsafeFileError(f"{shown}: the {what} is not a regular file; not read")
        if status.st_size > limit:
            raise UnsafeFileError(
                f"{shown}: the {what} is {status.st_size:,} bytes, over the limit of "
                f"{limit:,}; not read"
            )
    except BaseException:
        os.close(handle)
        raise
    with os.fdopen(handle, "rb") as file:
        data = file.read(limit + 1)  # a file that grows while read is cut off here
    if len(data) > limit:
        raise UnsafeFileError(f"{shown}: the {what} is over the limit of {limit:,} bytes")
    return data


# A print edition with photos is some hundred MB; a PDF is read into memory.
MAX_PDF_BYTES = 1024**3


def open_pdf(source: Path):
    """A PDF the user names, open (pikepdf): any file, but only a regular one (a named
    pipe would be waited on for ever, a device or a sparse file of gigabytes read into
    memory); an empty, encrypted or unreadable one refused by name."""
    import io

    import pikepdf

    name = display_path(source)
    data = read_regular_file(source, [Path(source.absolute().anchor)], MAX_PDF_BYTES, "PDF")
    if not data:
        raise BookletError(f"{name}: the file is empty")
    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise BookletError(f"{name}: the PDF is encrypted; save it without a password") from None
    except pikepdf.PdfError:
        raise BookletError(f"{name}: not a PDF, or a damaged one") from None


def code_digest(*modules: str) -> bytes:
    """A digest of booklet's own modules (file names in booklet/), for the key of a cache
    whose entries they make: an entry made by other code is not reused. Installed
    without its sources, the names stand in (the cache's version alone tells then)."""
    digest = hashlib.sha256()
    for module in modules:
        try:
            digest.update((Path(__file__).parent / module).read_bytes())
        except OSError:
            digest.update(module.encode())
    return digest.digest()


def cache_folder(name: str) -> Path:
    """booklet's folder `name` in the user's cache (XDG_CACHE_HOME, else ~/.cache)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "booklet" / name


# A laid-out part of a large booklet with its photos at full size is the largest.
MAX_CACHE_FILE_BYTES = 1024**3


def read_cache_file(path: Path, limit: int = MAX_CACHE_FILE_BYTES) -> bytes | None:
    """The bytes of one of booklet's cache files, or None when there is none that can be
    read. Only a regular file of at most `limit` bytes, never a link: caches lie in the
    output folder and the user's cache, where a project copied from elsewhere may have
    put a link to /dev/zero or a named pipe in a cache file's place."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    with os.fdopen(handle, "rb") as file:
        try:
            status = os.fstat(file.fileno())
            if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
                return None
            data = file.read(limit + 1)
        except OSError:
            return None
    return data if len(data) <= limit else None


def write_cache_file(target: Path, data: bytes) -> None:
    """Keep `data` in a cache file, written whole (renamed into place) but not forced to
    disk: a cache lost to a crash is only built again. The same bytes already there are
    not written again, only marked as used now (caches drop their least recent files).
    A cache that cannot be written is no error: the next build works it out again."""
    if read_cache_file(target, len(data)) == data:
        with contextlib.suppress(OSError):
            os.utime(target)
        return
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def keep_newest(folder: Path, pattern: str, count: int) -> None:
    """Delete all but the `count` files of `folder` matching `pattern` used last: a
    cache folder stays bounded."""
    with contextlib.suppress(OSError):
        kept = sorted(folder.glob(pattern), key=lambda file: file.stat().st_mtime)
        for old in kept[:-count]:
            old.unlink(missing_ok=True)
