"""WeasyPrint, imported without the library search it does not need on Linux.

WeasyPrint opens Pango, HarfBuzz, fontconfig and GLib by trying a list of names for each
(`libgobject-2.0-0`, `gobject-2.0`, ..., `libgobject-2.0.so.0`). cffi hands every name
that fails to `ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then `gcc`
and `ld`, as subprocesses: 22 failed searches, about 0.12 s of every start here
(`python benchmarks/startup.py`: the row "libraries found directly" against the one
above it). The `.so.0` names in the same lists open directly. So while WeasyPrint is
imported the search answers "not found" at once; if that import fails all the same,
WeasyPrint is imported again with the search, exactly as it would be without booklet.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys


def import_weasyprint() -> None:
    """Import WeasyPrint, skipping the subprocess search for its libraries on Linux."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_found
    try:
        # WeasyPrint prints installation help before it fails: only the second try may.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # noqa: F401
    except OSError:
        # A system where only the search finds the libraries: forget the half-imported
        # modules and import WeasyPrint as it is.
        for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    import weasyprint  # noqa: F401, F811


def _not_found(name: str) -> None:
    return None


import_weasyprint()
