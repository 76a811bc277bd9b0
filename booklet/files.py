"""Writing output so that nothing is ever half written."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from .errors import BookletError, display_path

# A temporary file older than this was left by a build that was killed, not by one that
# is writing now.
STALE_AFTER_SECONDS = 600


def write_atomically(target: Path, data: bytes) -> None:
    """Write beside the target and rename: a reader never sees half a PDF, and a failed
    build never destroys the last good one."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
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
