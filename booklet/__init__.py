"""booklet: a conference's YAML content -> a print-ready programme booklet (PDF)."""

from .api import BuildResult, build, build_editions, check
from .errors import BookletError, ContentError, Problem
from .load import load_content

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
