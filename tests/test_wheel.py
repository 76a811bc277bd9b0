"""An installed wheel works outside the repository: theme, fonts and templates ship inside."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pypdf
from helpers import ROOT, SEED, copy_content


def test_wheel_builds_the_seed_booklet_away_from_the_repository(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path / "dist"),
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("booklet-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "booklet/styles/booklet.css" in names
    assert "booklet/styles/fonts/BookletSerif-Regular.ttf" in names
    assert "booklet/styles/fonts/OFL-CharisSIL.txt" in names
    # The print edition's CMYK profile (PDF/X-4), with its licence.
    assert "booklet/styles/profiles/booklet-fogra39-300.icc" in names
    assert "booklet/styles/profiles/LICENSE-profile.txt" in names
    assert "booklet/templates/booklet.html.j2" in names
    assert "booklet/locales/da.po" in names

    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    elsewhere = tmp_path / "elsewhere"
    content = copy_content(SEED, elsewhere / "content")
    script = (
        "import booklet, booklet.theme as t;"
        f"assert booklet.__file__.startswith({str(installed)!r}), booklet.__file__;"
        f"assert str(t.default_styles_folder()).startswith({str(installed)!r});"
        "print(booklet.build('content', 'out').pdf_path)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=elsewhere,
        env={"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    reader = pypdf.PdfReader(elsewhere / result.stdout.strip())
    assert len(reader.pages) > 5
    assert content.exists()
