"""The command line: a thin layer over booklet.build() that formats errors and exit codes.

Exit codes: 0 built, 1 a problem in the content or command (message, no traceback),
2 a bug in booklet (traceback).
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .build import build as build_booklet
from .errors import BookletError, ContentError, display_path

app = typer.Typer(
    help="Make the printed programme booklet of a conference from YAML content.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"booklet {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    pass


@app.command()
def build(
    content: Annotated[Path, typer.Argument(help="Folder with conference.yaml etc.")] = Path(
        "content"
    ),
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the PDF.")] = Path(
        "output"
    ),
) -> None:
    """Build the booklet PDF.  Example: booklet build content -o output"""
    try:
        result = build_booklet(content, output)
    except ContentError as error:
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        errors = sum(1 for problem in error.problems if problem.severity == "error")
        typer.echo(
            f"{_count(errors, 'problem')}; no PDF written, the previous one is unchanged.",
            err=True,
        )
        raise typer.Exit(1) from None
    except BookletError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    for warning in result.warnings:
        typer.echo(warning, err=True)
    typer.echo(f"{result.page_count} pages", err=True)
    typer.echo(display_path(result.pdf_path))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def main() -> None:
    # Everything imported so far lives as long as the process: keep the garbage collector
    # from walking it again and again during layout (measured: about a tenth of a build).
    gc.freeze()
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted; the previous PDF is untouched.\n")
        sys.exit(130)
    except Exception:  # a bug in booklet, not the user's doing
        import traceback

        traceback.print_exc()
        sys.stderr.write("This is a bug in booklet; please report it with the text above.\n")
        sys.exit(2)
