"""What a build does before it lays anything out: importing WeasyPrint without its
library search, the collector paused while importing, the fonts' facts kept in the
cache. Each must leave the result as it was."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

from booklet import theme
from booklet.theme import default_styles_folder, font_facts

FONTS = default_styles_folder() / "fonts"


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )


def test_importing_booklet_runs_no_library_search_and_leaves_it_in_place():
    result = _python(
        """
        import ctypes.util
        searched = []
        real = ctypes.util.find_library
        def search(name):
            searched.append(name)
            return real(name)
        ctypes.util.find_library = search
        import booklet, weasyprint
        assert ctypes.util.find_library is search
        print(len(searched))
        """
    )
    assert result.stdout.strip() == "0"


def test_where_only_the_search_finds_the_libraries_weasyprint_is_imported_with_it():
    # A system whose libraries open only by the names the search finds: every direct
    # open fails while the search is skipped.
    result = _python(
        """
        import ctypes.util, cffi
        real_search, real_open = ctypes.util.find_library, cffi.FFI.dlopen
        def dlopen(self, name, flags=0):
            if ctypes.util.find_library is not real_search:
                raise OSError(f"cannot open {name}")
            return real_open(self, name, flags)
        cffi.FFI.dlopen = dlopen
        import booklet, weasyprint
        assert ctypes.util.find_library is real_search
        weasyprint.HTML(string="<p>Hello</p>").write_pdf()
        print("built")
        """
    )
    assert result.stdout == "built\n"  # and not WeasyPrint's installation help


@pytest.mark.parametrize("collecting", [True, False])
def test_importing_booklet_leaves_the_collector_as_it_found_it(collecting):
    result = _python(
        f"""
        import gc
        {"gc.enable()" if collecting else "gc.disable()"}
        import booklet
        print(gc.isenabled(), gc.get_freeze_count() > 10_000)
        """
    )
    # And what was imported is out of the collector's way for good.
    assert result.stdout.split() == [str(collecting), "True"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    theme._font_facts.cache_clear()  # the process's own memory of the files
    yield tmp_path / "cache" / "booklet" / "font-facts"
    theme._font_facts.cache_clear()


def _facts_read_anew(file):
    return theme._read_facts(file, file.read_bytes())


def test_a_fonts_facts_from_the_cache_are_those_read_from_the_font(cache, monkeypatch):
    fonts = sorted(FONTS.glob("*.ttf"))
    first = {font: font_facts(font, [FONTS]) for font in fonts}
    assert first == {font: _facts_read_anew(font) for font in fonts}
    assert len(list(cache.glob("*.json"))) == len(fonts)
    theme._font_facts.cache_clear()

    def unread(*args):
        raise AssertionError("read again")

    monkeypatch.setattr(theme, "_read_facts", unread)
    for font in fonts:
        kept = font_facts(font, [FONTS])
        assert kept == first[font]
        assert len(kept.characters) > 200


def test_a_damaged_cache_file_is_read_anew_and_written_again(cache):
    font = FONTS / "BookletSerif-Italic.ttf"
    facts = font_facts(font, [FONTS])
    (kept,) = cache.glob("*.json")
    endless = b'{"family": null, "weight": 400, "italic": false, "characters": [[0, 1e15]]}'
    for damage in (b"", b"{not json", b'{"family": 3}', b'{"characters": [[1]]}', endless):
        kept.write_bytes(damage)
        theme._font_facts.cache_clear()
        assert font_facts(font, [FONTS]) == facts
        assert kept.read_bytes() != damage


def test_a_font_replaced_in_place_gives_the_new_fonts_facts(cache, tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    font = folder / "House.ttf"
    shutil.copyfile(FONTS / "BookletSerif-Regular.ttf", font)
    serif = font_facts(font, [folder])
    shutil.copyfile(FONTS / "NotoEmoji-Regular.ttf", font)
    emoji = font_facts(font, [folder])
    assert emoji == _facts_read_anew(FONTS / "NotoEmoji-Regular.ttf") != serif
    assert 0x1F600 in emoji.characters and 0x1F600 not in serif.characters
