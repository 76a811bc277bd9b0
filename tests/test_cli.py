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
    assert sorted(p.name for p in output.iterdir()) == [pdf.name]  # no temporary left behind


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
