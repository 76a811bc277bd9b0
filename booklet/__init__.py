"""booklet: a conference's YAML content -> a print-ready programme booklet (PDF)."""

import gc

# Importing booklet and WeasyPrint makes some 77,000 objects the collector tracks and
# frees none of them: its passes over them cost 0.03 s of CPU at every start, a twentieth
# of the seed's build. It runs again once everything is imported.
_collecting = gc.isenabled()
gc.disable()

# First: imports WeasyPrint quickly, before any module below may import it.
from . import engine  # noqa: E402, F401

# isort: split
from .api import BuildResult, build, build_editions, check  # noqa: E402
from .errors import BookletError, ContentError, Problem  # noqa: E402
from .load import load_content  # noqa: E402

# What was imported lives as long as the process: out of the collector's way for good
# (else its first full pass after this, importing the command line, takes 0.02 s).
gc.freeze()
if _collecting:
    gc.enable()

__version__ = "0.1.0"
__all__ = [
    "BookletError",
    "BuildResult",
    "ContentError",
    "Problem",
    "build",
    "build_editions",
    "check",
    "load_content",
]
