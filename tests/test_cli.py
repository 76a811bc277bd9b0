"""The command line as an organiser meets it: exit codes, messages, and a PDF never lost."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT, SEED, copy_content

import booklet


def run(*arguments: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "booklet", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_build_prints_the_pdf_path_and_exits_0(tmp_path):
    result = run("build", str(SEED), "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "turbo-paa-offentlig-innovation.pdf"
    assert result.stdout.strip() == str(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "pages" in result.stderr


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"booklet {booklet.__version__}"


def test_bad_content_exits_1_with_located_messages_and_keeps_the_last_good_pdf(tmp_path):
    content = copy_content(SEED, tmp_path / "content")
    output = tmp_path / "output"
    assert run("build", str(content), "-o", str(output)).returncode == 0
    pdf = output / "turbo-paa-offentlig-innovation.pdf"
    good = pdf.read_bytes()

    programme = content / "programme.yaml"
    programme.write_text(programme.read_text().replace("[ole-bech-lykkebo]", "[nobody]", 1))
    result = run("build", str(content), "-o", str(output))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = programme.read_text().splitlines().index("  speakers: [nobody]") + 1
    expected = f"programme.yaml:{line}:14: programme[0].speakers[0]: no speaker with id 'nobody'"
    assert expected in result.stderr
    assert "no PDF written" in result.stderr
    assert result.stdout == ""
    assert pdf.read_bytes() == good
    # No temporary left behind: the PDF and the page numbers of the last good build.
    assert sorted(p.name for p in output.iterdir()) == [
        ".turbo-paa-offentlig-innovation.pages.json",
        pdf.name,
    ]


def test_missing_content_folder(tmp_path):
    result = run("build", str(tmp_path / "nowhere"), "-o", str(tmp_path))
    assert result.returncode == 1
    assert "no such content folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_yaml_syntax_error(tmp_path):
    content = copy_content(SEED, tmp_path / "content")
    (content / "speakers.yaml").write_text("- id: a\n  name: [unclosed\n")
    result = run("build", str(content), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "speakers.yaml:3:1: YAML syntax" in result.stderr
    assert not (tmp_path / "out").exists()


def test_check_passes_clean_content():
    result = run("check", str(SEED))
    assert result.returncode == 0
    assert "no problems" in result.stderr


def test_check_lists_problems_and_exits_1(tmp_path):
    content = copy_content(SEED, tmp_path / "content")
    conference = content / "conference.yaml"
    conference.write_text(conference.read_text().replace("language: da", "langauge: da"))
    result = run("check", str(content))
    assert result.returncode == 1
    assert "conference.langauge: unknown key 'langauge'; did you mean 'language'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_strict_fails_on_warnings_and_writes_nothing(tmp_path):
    content = copy_content(SEED, tmp_path / "content")
    speakers = content / "speakers.yaml"
    speakers.write_text(speakers.read_text() + "\n- id: extra\n  name: Ekstra Person\n")
    assert run("check", str(content)).returncode == 0  # a speaker with no talk: a warning
    checked = run("check", str(content), "--strict")
    assert checked.returncode == 1
    assert "speakers[5].id: warning: 'extra' speaks in no programme item" in checked.stderr
    built = run("build", str(content), "-o", str(tmp_path / "out"), "--strict")
    assert built.returncode == 1
    assert not (tmp_path / "out").exists()
    assert run("build", str(content), "-o", str(tmp_path / "out")).returncode == 0


def test_debug_adds_a_traceback_to_problems(tmp_path):
    result = run("check", str(tmp_path / "nowhere"), "--debug")
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "no such content folder" in result.stderr


def test_a_fault_in_booklet_itself_exits_2_with_a_traceback(tmp_path):
    script = (
        "import sys, booklet.cli as cli;"
        "cli.check_content = lambda *a, **k: 1 / 0;"
        "sys.argv = ['booklet', 'check', 'content'];"
        "cli.main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 2
    assert "ZeroDivisionError" in result.stderr and "bug in booklet" in result.stderr


def test_schema_prints_json_schema_and_the_content_files_point_at_current_ones():
    import json

    for part in ("conference", "speakers", "programme"):
        result = run("schema", part)
        assert result.returncode == 0
        schema = json.loads(result.stdout)
        committed = SEED / "schema" / f"{part}.schema.json"
        assert committed.read_text() == result.stdout, f"run: booklet schema {part} > {committed}"
        first_line = (SEED / f"{part}.yaml").read_text().splitlines()[0]
        assert first_line == f"# yaml-language-server: $schema=schema/{part}.schema.json"
    assert "title" in schema["$defs"]["ProgrammeItem"]["properties"]
    assert run("schema", "nonsense").returncode == 1


def test_help_shows_an_example_for_every_command_and_no_colour_off_a_terminal():
    from booklet.cli import app

    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert {"build", "check", "import", "schema", "new", "impose", "mail"} <= set(commands)
    for command in commands:
        result = run(command, "--help")
        assert result.returncode == 0
        assert "Example: booklet " + command in " ".join(result.stdout.split()), command
        assert "\x1b[" not in result.stdout  # piped, not a terminal: plain text


def test_readme_content_reference_is_written_from_the_schema():
    result = subprocess.run(
        [sys.executable, "tools/content_reference.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_import_writes_content_that_builds(tmp_path):
    schedule = ROOT / "tests" / "data" / "schedules" / "31c3-schedule.xml"
    result = run("import", str(schedule), "-o", str(tmp_path / "content"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "content")
    assert "31. Chaos Communication Congress: 138 items" in result.stderr
    assert run("check", str(tmp_path / "content")).returncode == 0
    again = run("import", str(schedule), "-o", str(tmp_path / "content"))
    assert again.returncode == 1 and "Traceback" not in again.stderr


def test_progress_in_a_log_is_one_line_per_stage_and_quiet_silences_it(tmp_path):
    result = run("build", str(SEED), "-o", str(tmp_path))
    lines = result.stderr.splitlines()
    assert lines[0] == "checking"
    assert lines[1] == "layout: page 1"  # a log gets the stage, not every page
    assert sum(1 for line in lines if line.startswith("layout")) == 1
    assert any(line.startswith("writing: ") for line in lines)
    quiet = run("build", str(SEED), "-o", str(tmp_path), "--quiet")
    assert quiet.returncode == 0
    assert quiet.stderr == ""
    assert quiet.stdout.strip().endswith(".pdf")


def test_progress_reports_every_page_to_the_api(tmp_path):
    messages: list[str] = []
    result = booklet.build(SEED, tmp_path, progress=messages.append)
    pages = {m for m in messages if m.startswith("layout: page ")}
    assert {f"layout: page {n}" for n in range(1, result.page_count + 1)} <= pages
    assert messages[0] == "checking" and messages[-1] == f"writing: {result.page_count} pages"
