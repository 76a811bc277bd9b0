"""The command line: a thin layer over the public API that formats messages and sets the
exit code. Messages go to stderr, the PDF's path to stdout.

Exit codes: 0 done, 1 a problem in the content or the command (listed, no traceback),
2 a fault in booklet itself (traceback). --debug adds the traceback to problems too.
"""

import contextlib
import gc
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from . import __version__
from .api import build as build_booklet
from .api import build_editions
from .api import check as check_content
from .editions import EDITIONS, parse_size
from .errors import BookletError, ContentError, display_path
from .pdf import DEFAULT_MAX_PAGES
from .schema import PARTS, schema_text

T = TypeVar("T")

app = typer.Typer(
    help="Make the printed programme booklet of a conference from YAML content.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

ContentArgument = Annotated[
    Path, typer.Argument(help="Folder with conference.yaml, speakers.yaml, programme.yaml.")
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Treat warnings as problems (for CI).")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress, only problems.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show a traceback with every problem.")]


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
    content: ContentArgument = Path("content"),
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the PDF.")] = Path(
        "output"
    ),
    edition: Annotated[
        str,
        typer.Option(
            "--edition",
            "-e",
            help="screen (tagged, <slug>.pdf), print (bleed, crop marks, pages in fours), "
            "email (small, within --max-size), or all three.",
        ),
    ] = "screen",
    max_size: Annotated[
        str, typer.Option("--max-size", help="Size budget of the email edition, e.g. 2MB.")
    ] = "1MB",
    max_pages: Annotated[
        int,
        typer.Option(
            "--max-pages",
            help="Stop when the booklet passes this many pages while being laid out "
            "(a theme that puts a letter on a page would never end).",
        ),
    ] = DEFAULT_MAX_PAGES,
    output_profile: Annotated[
        Path | None,
        typer.Option(
            "--output-profile",
            help="The print shop's CMYK ICC profile for the print edition (PDF/X-4). "
            "Default: booklet's own, for coated offset (FOGRA39).",
        ),
    ] = None,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Check the content and build the booklet PDF.

    Example: booklet build content -o output --edition all
    """
    editions = list(EDITIONS) if edition == "all" else [edition]
    budget = _run(lambda: parse_size(max_size), debug)
    progress = None if quiet else Progress()
    # One load and check for every edition; each result shown as soon as it is written.
    results = build_editions(
        content,
        output,
        editions=editions,
        strict=strict,
        progress=progress,
        max_size=budget,
        max_pages=max_pages,
        output_profile=output_profile,
    )
    for name in editions:
        try:
            result = _run(
                lambda: next(results),
                debug,
                after_problems="; no PDF written, the previous one is unchanged",
            )
        finally:
            if progress:
                progress.done()
        for warning in result.warnings:
            typer.echo(warning, err=True)
        if not quiet:
            size = result.pdf_path.stat().st_size
            typer.echo(
                f"{name}: {_count(result.page_count, 'page')}, {size / 1000:,.0f} KB", err=True
            )
        if result.preflight is not None:
            _show_preflight(result.preflight, quiet)
        typer.echo(display_path(result.pdf_path))


def _show_preflight(report, quiet: bool) -> None:
    """The print edition's preflight, as the print shop's would read: its errors and
    warnings, the colours as they print, and a summary line."""
    shown = report.errors + ([] if quiet else report.warnings)
    if not quiet:
        shown += [note for note in report.notes if note.message.startswith("colours as")]
    for finding in shown:
        typer.echo(f"{display_path(report.source)}: {finding}", err=True)
    if not quiet or report.errors:
        typer.echo(report.summary(), err=True)


@app.command("preflight")
def preflight_command(
    pdf: Annotated[Path, typer.Argument(help="The PDF to check: the print edition, for one.")],
    debug: DebugOption = False,
) -> None:
    """Check a PDF as a print shop's preflight does, before it goes to press.

    PDF/X output intent and metadata; page boxes and 3 mm bleed; fonts embedded, each
    subset under a tag of its own; images under 300 dpi as printed; RGB and CMYK objects;
    transparency; lines under 0.25 pt; text within 3 mm of the trim; over 300 % ink on
    the covers. Exit code 1 when it finds errors; warnings are listed.

    Example: booklet preflight output/NAME-print.pdf
    """
    from .preflight import preflight

    report = _run(lambda: preflight(pdf), debug)
    for finding in report.findings:
        typer.echo(f"{display_path(pdf)}: {finding}", err=True)
    typer.echo(report.summary(), err=True)
    if report.errors:
        raise typer.Exit(1)


@app.command()
def new(
    folder: Annotated[Path, typer.Argument(help="The new project's folder (new or empty).")],
    debug: DebugOption = False,
) -> None:
    """Start a project: an example conference that builds at once, and empty folders
    for your own styles and templates. Overwrites nothing.

    Example: booklet new my-conference && cd my-conference && booklet build
    """
    from .scaffold import new_project

    written = _run(lambda: new_project(folder), debug)
    typer.echo(
        f"{_count(len(written), 'file')} written; now: cd {folder} && booklet build", err=True
    )
    typer.echo(display_path(folder))


@app.command()
def check(
    content: ContentArgument = Path("content"),
    strict: StrictOption = False,
    debug: DebugOption = False,
) -> None:
    """Check the content without building: every problem, with file, line and field.

    Example: booklet check content --strict
    """
    loaded = _run(lambda: check_content(content), debug)
    for warning in loaded.warnings:
        typer.echo(str(warning), err=True)
    if strict and loaded.warnings:
        typer.echo(f"{_count(len(loaded.warnings), 'warning')}; --strict fails on them.", err=True)
        raise typer.Exit(1)
    summary = f", {_count(len(loaded.warnings), 'warning')}" if loaded.warnings else ""
    typer.echo(f"{display_path(content)}: no problems{summary}.", err=True)


@app.command("import")
def import_command(
    schedule: Annotated[
        Path,
        typer.Argument(
            help="The export: pretalx/c3voc schedule.json, frab/Pentabarf schedule.xml, "
            "Sessionize API JSON ('All'), Indico timetable or event JSON, or a spreadsheet "
            "(.csv, .xlsx)."
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="New content folder to write.")
    ] = Path("content"),
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            metavar="HEADER=FIELD",
            help="Spreadsheets: what a column booklet does not recognise holds, e.g. "
            "--column 'Foredragsholder=speakers'. Fields: title, speakers, start, end, "
            "duration, date, room, track, session, abstract, affiliation, role, kind, "
            "language, ignore. Repeatable.",
        ),
    ] = None,
    timezone: Annotated[
        str,
        typer.Option(
            "--timezone",
            metavar="ZONE",
            help="Show times in this zone, e.g. Europe/Copenhagen. Default: the event's own "
            "(Indico's, the times Sessionize writes, a spreadsheet's as written).",
        ),
    ] = "",
    first_day: Annotated[
        str,
        typer.Option(
            "--first-day",
            metavar="DATE",
            help="Spreadsheets whose date column counts days (1, 2 or Day 1, Wed): the date "
            "of the first, e.g. 2026-05-12.",
        ),
    ] = "",
    debug: DebugOption = False,
) -> None:
    """Turn a conference's schedule export into content you can edit and build.

    Never overwrites content; reports each thing it skipped or repaired, one line each.

    Example: booklet import schedule.xml -o content

    \b
    One per format:
      booklet import schedule.json -o content    pretalx, c3voc
      booklet import schedule.xml -o content     frab, Pentabarf, FOSDEM
      booklet import sessionize.json -o content  Sessionize API, view "All"
      booklet import timetable.json -o content   Indico export/timetable/ID.json
      booklet import event.json -o content       Indico export/event/ID.json
                                                 ?detail=contributions
      booklet import programme.xlsx -o content   Excel: one row per item
      booklet import programme.csv --column "Foredragsholder=speakers"
    """
    from .importer import ImportOptions, import_schedule
    from .spreadsheet import parse_column_options

    options = _run(
        lambda: ImportOptions(
            columns=parse_column_options(column or []), timezone=timezone, first_day=first_day
        ),
        debug,
    )
    report = _run(lambda: import_schedule(schedule, output, options), debug)
    shown = display_path(schedule)
    for line in report.skipped:
        # A spreadsheet's lines name file, row and column themselves.
        typer.echo(line if line.startswith(f"{shown}:") else f"{shown}: {line}", err=True)
    for line in report.strict_warnings:
        typer.echo(line, err=True)
    typer.echo(
        f"{report.title}: {_count(report.items, 'item')}, {_count(report.speakers, 'speaker')}, "
        f"{_count(report.days, 'day')}, {_count(report.rooms, 'room')}",
        err=True,
    )
    typer.echo(display_path(output))


@app.command("impose")
def impose_command(
    pdf: Annotated[Path, typer.Argument(help="The booklet PDF, A5 or A4 pages.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="PDF to write. Default: <PDF>-imposed.pdf beside it."),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="A4 or A3. Default: A4 for A5 pages, A3 for A4 pages."),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Lay out the booklet for saddle stitching: two pages to a side, in printer's order.

    Print double-sided, flip on the SHORT edge; fold the stack in half, staple on the fold.

    Pages are cut at their trim box: bleed and crop marks are left off.

    Example: booklet impose output/booklet.pdf -o output/booklet-imposed.pdf
    """
    from .impose import default_target, impose

    target = output if output is not None else default_target(pdf)
    result = _run(lambda: impose(pdf, target, sheet), debug)
    for note in result.notes:
        typer.echo(note, err=True)
    typer.echo(
        f"{_count(result.sheets, 'sheet')} ({result.pages} pages): print double-sided, "
        "flip on the short edge, fold the stack in half",
        err=True,
    )
    typer.echo(display_path(result.target))


@app.command("mail")
def mail_command(
    recipients: Annotated[
        Path,
        typer.Option(
            "--recipients",
            help="CSV file (UTF-8) with a header row: an email column, name, any others.",
        ),
    ],
    content: ContentArgument = Path("content"),
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Folder for the booklet; invitations go in its mail/."),
    ] = Path("output"),
    sender: Annotated[
        str | None,
        typer.Option("--from", help="Sender, e.g. 'ATV <konference@atv.dk>'; --send needs it."),
    ] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Send the invitations; without it they are only written.")
    ] = False,
    host: Annotated[str, typer.Option("--host", help="SMTP server.")] = "localhost",
    port: Annotated[int, typer.Option("--port", help="SMTP port.")] = 587,
    starttls: Annotated[
        bool,
        typer.Option(
            "--starttls/--no-starttls", help="Encrypt; --no-starttls for a relay on this machine."
        ),
    ] = True,
    rate: Annotated[float, typer.Option("--rate", help="At most so many messages a minute.")] = 30,
    max_size: Annotated[
        str, typer.Option("--max-size", help="Size budget of the attached booklet, e.g. 2MB.")
    ] = "1MB",
    resend_unconfirmed: Annotated[
        bool,
        typer.Option(
            "--resend-unconfirmed",
            help="Send again to those an interrupted run may or may not have reached.",
        ),
    ] = False,
    personal: Annotated[
        bool,
        typer.Option(
            "--personal",
            help="Give each recipient a copy with their name on the cover; with a 'talks' "
            "column (item ids), a 'my programme' page of those talks and their pages.",
        ),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Write an invitation email for everyone in a CSV file, the booklet attached; --send sends.

    Templates: CONTENT/mail/subject.txt, invitation.txt, invitation.html. Written to OUTPUT/mail/.

    --send logs each message in OUTPUT/mail/sent.log; run again, it sends only to the rest.

    SMTP user and password come from BOOKLET_SMTP_USER and BOOKLET_SMTP_PASSWORD, never options.

    A row with a bad address gets no invitation and is listed; the others go out; exit code 1.

    Example: booklet mail content --recipients people.csv --from konference@atv.dk --send
    """
    from .mail import SmtpSettings, prepare_invitations, send_invitations

    if send and not sender:
        typer.echo("error: --send needs --from ADDRESS, the sender of the invitations", err=True)
        raise typer.Exit(1)
    if not rate > 0:
        typer.echo("error: --rate must be more than 0 messages a minute", err=True)
        raise typer.Exit(1)
    budget = _run(lambda: parse_size(max_size), debug)
    smtp = None
    if send:
        smtp = _run(lambda: SmtpSettings.from_environment(host, port, starttls), debug)
    # The CSV and the templates are checked before the booklet is built: a typo shows at once.
    invitations = _run(
        lambda: prepare_invitations(content, recipients, sender),
        debug,
        after_problems="; no invitations written",
    )
    progress = Progress()
    try:
        booklet = _run(
            lambda: build_booklet(
                content, output, edition="email", max_size=budget, progress=progress
            ),
            debug,
            after_problems="; no invitations written",
        )
    finally:
        progress.done()
    for warning in booklet.warnings:
        typer.echo(warning, err=True)
    mail_folder = output / "mail"
    copies = None
    if personal:
        from .personal_copies import prepare_copies

        recipients_of = [invitation.recipient for invitation in invitations.rendered]
        prepared = _run(
            lambda: prepare_copies(
                booklet.loaded, booklet.page_of, booklet.pdf_path, recipients_of,
                display_path(recipients),
            ),
            debug,
            after_problems="; no invitations written",
        )  # fmt: skip
        for problem in prepared.problems:
            typer.echo(str(problem), err=True)
        copies = (pdf for _, pdf in prepared)
    report = _run(lambda: invitations.write(booklet.pdf_path, mail_folder, copies=copies), debug)
    for problem in report.problems:
        typer.echo(str(problem), err=True)
    summary = f"{_count(len(report.written), 'invitation')} written to {display_path(mail_folder)}"
    if report.calendar:
        summary += ", each with a calendar invitation"
    if personal:
        summary += ", each with a personal copy (also in mail/copies/)"
    if report.errors:
        summary += f"; {_count(len(report.errors), 'row')} of the CSV got none"
    typer.echo(summary, err=True)
    failed = bool(report.errors)
    if smtp is not None:
        sending = _run(
            lambda: send_invitations(
                mail_folder,
                smtp,
                rate,
                resend_unconfirmed=resend_unconfirmed,
                progress=lambda line: typer.echo(line, err=True),
            ),
            debug,
        )
        for line in sending.problems():
            typer.echo(line, err=True)
        typer.echo(sending.summary(), err=True)
        failed = failed or not sending.ok
    typer.echo(display_path(mail_folder))
    if failed:
        raise typer.Exit(1)


@app.command("signs")
def signs_command(
    content: ContentArgument = Path("content"),
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the PDF.")] = Path(
        "output"
    ),
    paper: Annotated[str, typer.Option("--paper", help="A4 (default) or A3, landscape.")] = "A4",
    edition: Annotated[
        str, typer.Option("--edition", "-e", help="screen (default) or print: 3 mm bleed, marks.")
    ] = "screen",
    debug: DebugOption = False,
) -> None:
    """Write door signs: one PDF with a sign per room and day, its items and a QR code.

    Each sign: the room's name large, the day, the room's items with times and speakers,
    and a QR code to the conference's website when it has one. In the booklet's theme.

    Example: booklet signs content -o output --paper A3 --edition print
    """
    from .signs import build_signs

    paper = paper.upper()
    if paper not in ("A4", "A3") or edition not in ("screen", "print"):
        typer.echo("error: --paper is A4 or A3, --edition screen or print", err=True)
        raise typer.Exit(1)
    result = _run(
        lambda: build_signs(content, output, paper=paper, edition=edition),
        debug,
        after_problems="; no signs written",
    )
    for warning in result.warnings:
        typer.echo(f"weasyprint: warning: {warning}", err=True)
    typer.echo(f"{_count(len(result.signs), 'door sign')}", err=True)
    typer.echo(display_path(result.pdf_path))


@app.command("watch")
def watch_command(
    content: ContentArgument = Path("content"),
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the PDF.")] = Path(
        "output"
    ),
    port: Annotated[
        int, typer.Option("--port", help="Port of the preview on 127.0.0.1; 0 picks a free one.")
    ] = 8000,
    edition: Annotated[
        str, typer.Option("--edition", "-e", help="screen, print or email.")
    ] = "screen",
    debug: DebugOption = False,
) -> None:
    """Build the booklet, then again after every save, with a live preview in the browser.

    The preview's URL is printed on stdout; open it, it reloads after every build and shows
    each talk's page in the PDF. A save that does not build shows its problems there and
    here; the last good PDF is kept. Ctrl-C stops.

    Example: booklet watch content -o output --port 8000
    """
    from .watch import watch

    def report(build) -> None:
        for line in build.lines:
            typer.echo(line, err=True)

    with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C, during a build
        _run(
            lambda: watch(
                content, output, port=port, edition=edition, serving=typer.echo, report=report
            ),
            debug,
        )
    typer.echo("Stopped; the last good PDF is in place.", err=True)


@app.command()
def schema(
    part: Annotated[
        str | None,
        typer.Argument(help=f"One content file: {', '.join(PARTS)}. Default: all of them."),
    ] = None,
) -> None:
    """Print the JSON Schema of the content, for editors that check YAML as you type.

    Example: booklet schema speakers > content/schema/speakers.schema.json
    """
    if part is not None and part not in PARTS:
        typer.echo(f"error: no content file '{part}'; choose from {', '.join(PARTS)}", err=True)
        raise typer.Exit(1)
    typer.echo(schema_text(part), nl=False)


def _run(action: Callable[[], T], debug: bool, after_problems: str = "") -> T:
    """Run an API call; turn the user's mistakes into messages and exit code 1."""
    try:
        return action()
    except ContentError as error:
        if debug:
            traceback.print_exc()
        for line in error.lines():  # a few of each kind; the rest summed up
            typer.echo(line, err=True)
        errors = sum(1 for problem in error.problems if problem.severity == "error")
        typer.echo(f"{_count(errors, 'problem')}{after_problems}.", err=True)
        raise typer.Exit(1) from None
    except BookletError as error:
        if debug:
            traceback.print_exc()
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


class Progress:
    """Shows how far a build is, on stderr. On a terminal one line is rewritten in place;
    in a log (CI, a pipe) each stage is one line, not one per page."""

    def __init__(self) -> None:
        self.on_terminal = sys.stderr.isatty()
        self.stage = ""
        self.shown = False

    def __call__(self, message: str) -> None:
        stage = message.split(":")[0]
        if self.on_terminal:
            sys.stderr.write(f"\r\x1b[K{message}")
            sys.stderr.flush()
            self.shown = True
        elif stage != self.stage:
            sys.stderr.write(f"{message}\n")
        self.stage = stage

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def main() -> None:
    # Everything imported so far lives as long as the process: keep the garbage collector
    # from walking it again and again during layout (measured: about a tenth of a build).
    gc.freeze()
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted; what was written before is untouched.\n")
        sys.exit(130)
    except Exception:  # a fault in booklet, not the user's doing
        traceback.print_exc()
        sys.stderr.write("This is a bug in booklet; please report it with the text above.\n")
        sys.exit(2)
