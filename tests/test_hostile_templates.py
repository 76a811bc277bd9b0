"""A project's templates (templates/, content/mail/) are code from outside booklet.
Whatever they try, they see plain data, read only their own folder, do bounded work,
and every failure names the template file and line (exit 1, never a traceback)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time

import pytest
from helpers import SEED

import booklet
from booklet.html import TEMPLATES, render_html
from booklet.load import load_content
from booklet.mail import prepare_invitations
from booklet.scaffold import new_project
from booklet.theme import theme_for

SECRET = "TOKEN-7f3a9c-OUTSIDE"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pristine") / "project"
    new_project(folder)
    return folder


@pytest.fixture
def project(pristine, tmp_path):
    """A fresh copy of a `booklet new` project, and a secret file beside it that no
    template may read; `outside` is where none may write."""
    folder = shutil.copytree(pristine, tmp_path / "project", symlinks=True)
    (tmp_path / "secret.txt").write_text(SECRET + "{{ 7 * 6 }}")
    return folder


def _html(project) -> str:
    content = project / "content"
    return render_html(load_content(content), None, theme=theme_for(content))


def _cover(project, body: str) -> None:
    """The project's cover template, with `body` on its line 2."""
    (project / "templates" / "cover.html.j2").write_text(
        '<section class="cover" id="cover">\n' + body + "\n</section>\n"
    )


def _refused(project, line: int = 2, file: str = "cover.html.j2") -> str:
    with pytest.raises(booklet.BookletError) as raised:
        _html(project)
    message = str(raised.value)
    assert re.search(rf"templates/{re.escape(file)}:{line}: template: ", message), message
    # Nor the secret run as a template ({{ 7 * 6 }}): looked for past the test's own
    # folder, whose name has numbers of its own (pytest-421).
    detail = message.split("template: ", 1)[1].replace(str(project.parent), "")
    assert SECRET not in message and "42" not in detail
    return message


# Every route out that Jinja templates are known for. Each must be refused where it is
# written (line 2), whatever it reaches for.
ESCAPES = {
    "a path object in the view": "{{ booklet.loaded.folder.joinpath('../secret.txt').read_text() }}",  # noqa: E501
    "writing through it": "{{ booklet.loaded.folder.joinpath('../written.txt').write_text('x') }}",
    "the attr filter": "{{ (booklet | attr('loaded')).folder }}",
    "map(attribute=)": "{{ [booklet] | map(attribute='loaded.folder') | list }}",
    "a method's globals": "{{ booklet.has_page.__globals__['os'] }}",
    "a method's func": "{{ booklet.has_page.__func__ }}",
    "str subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "getitem to dunder": "{{ ''['__class__'] }}",
    "format string attribute walk": "{{ '{0.__class__.__init__.__globals__}'.format(booklet) }}",
    "format string to the loaded folder": "{{ '{0.loaded.folder}'.format(booklet) }}",
    "format_map": "{{ '{x.loaded}'.format_map({'x': booklet}) }}",
    "percent format": "{{ '%s' % booklet.loaded.folder }}",
    "cycler's globals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "joiner": "{{ joiner.__init__.__globals__ }}",
    "namespace's globals": "{{ namespace.__init__.__globals__ }}",
    "lipsum's globals": "{{ lipsum.__globals__['os'] }}",
    "range's globals": "{{ range.__globals__ }}",
    "the template's self": "{{ self._TemplateReference__context.environment }}",
    "self's init": "{{ self.__init__.__globals__ }}",
    "loop's class": "{% for x in [1] %}{{ loop.__class__.__init__.__globals__ }}{% endfor %}",
    "pydantic's parse_file": "{{ booklet.conference.parse_file('../secret.txt') }}",
    "pydantic's model_dump": "{{ booklet.conference.model_dump() }}",
    "pydantic's class": "{{ booklet.conference.__class__.model_validate_json }}",
    "a model's construct": "{{ booklet.conference.construct() }}",
    "a date's class": "{{ booklet.conference.date.__class__ }}",
    "dict's class": "{{ booklet.labels.__class__.__subclasses__() }}",
    "a list's mutation": "{% set x = booklet.talks.append(1) %}",
    "a dict's mutation": "{{ booklet.labels.update({'a': 1}) }}",
    "mutating a view": "{{ booklet.talks.clear() }}",
    "include an absolute path": "{% include '/etc/passwd' %}",
    "include the secret by ..": "{% include '../../secret.txt' %}",
    "include a content file": "{% include '../content/conference.yaml' %}",
    "import an absolute path": "{% import '/etc/passwd' as x %}",
    "extends by ..": "{% extends '../secret.txt' %}",
    "include with a NUL": "{% include 'cover.html.j2\\x00' %}",
}


@pytest.mark.parametrize("attack", ESCAPES.values(), ids=list(ESCAPES))
def test_every_route_out_is_refused_where_it_is_written(project, attack):
    _cover(project, attack)
    _refused(project)
    assert not (project / "written.txt").exists()


# Work without end, each refused at its line within the budget.
BOMBS = {
    "a huge range": "{% for i in range(10**9) %}{% endfor %}",
    "nested ranges": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
    "{% endfor %}",
    "nested loops over the talks": "{% for a in booklet.talks %}" * 12 + "x" + "{% endfor %}" * 12,
    "a long string": "{{ 'x' * 10**10 }}",
    "a long list": "{{ [0] * 10**9 }}",
    "doubling by ~": "{% set ns = namespace(x='ab') %}{% for i in range(64) %}"
    "{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
    "doubling by +": "{% set ns = namespace(x=[1]) %}{% for i in range(64) %}"
    "{% set ns.x = ns.x + ns.x %}{% endfor %}",
    "a huge power": "{{ 7 ** 10000000 }}",
    "arithmetic on huge numbers": "{% set a = (2 ** 200) ** 20 %}{% for i in range(12) %}"
    "{{ a % 3 ** 1000 }}{% endfor %}",
    "a huge number divided": "{{ 10 ** 70 * 10 ** 70 // 7 }}",
    "bytes that count": "{% set ns = namespace(l=[]) %}{% for i in range(1500) %}"
    "{% set ns.l = ns.l + [(i + 1).to_bytes(4999999, 'big')] %}{% endfor %}",
    "bytes times a number": "{{ (1).to_bytes(1000, 'big') * 3000000 }}",
    "lists of one list of millions": "{% set ns = namespace(l=[]) %}{% for i in range(1500) %}"
    "{% set ns.l = ns.l + ([1] | batch(4999999, 'x') | list) %}{% endfor %}",
    "center": "{{ 'x' | center(10**10) }}",
    "the str method center": "{{ 'x'.ljust(10**10) }}",
    "indent": "{{ 'a\\nb' | indent(10**10) }}",
    "a percent width": "{{ '%999999999s' % 'x' }}",
    "a format width": "{{ '{:>999999999}'.format('x') }}",
    "replace that multiplies": "{% set ns = namespace(x='a' * 1000) %}{% for i in range(9) %}"
    "{% set ns.x = ns.x | replace('a', 'a' * 40) %}{% endfor %}",
    "join with a long separator": "{{ ('x' * 100000).join(['a'] * 100000) }}",
    "slice into a billion": "{{ booklet.talks | slice(10**9) | list }}",
    "a macro without end": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "a macro that doubles": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}"
    "{% endmacro %}{{ f(40) }}",
    "a template including itself": "{% include 'cover.html.j2' %}",
    "an include in a long loop": "{% for i in range(100000) %}{% for j in range(100) %}"
    "{% include 'macros.html.j2' %}{% endfor %}{% endfor %}",
    "a recursive loop": "{% for x in [[1]] recursive %}{{ loop([x]) }}{% endfor %}",
    "printing a long text in a loop": "{% set s = 'a' * 4000000 %}{% for i in range(20) %}"
    "{{ s }}{% endfor %}",
    "text written in the template, in a loop": "{% for i in range(900) %}"
    + "x" * 100_000
    + "{% endfor %}",
    "a product that squares itself": "{% set ns = namespace(x=3) %}{% for i in range(40) %}"
    "{% set ns.x = ns.x * ns.x %}{% endfor %}",
    "a separator joined into a text": "{{ ('a' * 4000000).join('b' * 300) }}",
    "the join filter on a text": "{{ ('b' * 300) | join('a' * 4000000) }}",
    "translate that multiplies": "{{ ('a' * 300).translate({97: 'x' * 4000000}) }}",
    "expandtabs": "{{ ('\\t' * 300).expandtabs(4000000) }}",
    "many percent widths": "{{ ('%4000000s' * 300) % ((1,) * 300) }}",
    "indent of many lines": "{{ ('\\n' * 300) | indent(4000000, blank=True) }}",
    "a nested format width": "{{ '{0:{1}}'.format('a', '999999999') }}",
    "a named percent width": "{{ '%(a)999999999s' % {'a': 1} }}",
    "a percent precision": "{{ '%.999999999d' % 1 }}",
    "sum of lists": "{% set l = [[0] * 200] * 10000 %}{{ (l | sum(start=[]))[0] }}",
    "sorting a long list again and again": "{% set big = range(100000) | list %}"
    "{% for i in range(100000) %}{{ (big | sort)[0] }}{% endfor %}",
}


@pytest.mark.parametrize("bomb", BOMBS.values(), ids=list(BOMBS))
def test_work_without_end_stops_at_its_line(project, bomb):
    _cover(project, bomb)
    started = time.monotonic()
    message = _refused(project)
    assert re.search(
        r"too much work|value of|number (as|too) large|format width|itself|prints more|"
        r"product too large|sum\(\)|makes more",
        message,
    )
    # Not a timed assertion of speed: a guard that the budget, not the machine, ended it.
    assert time.monotonic() - started < 60


def test_a_template_that_links_out_of_the_folder_is_not_read(project, tmp_path):
    template = project / "templates" / "cover.html.j2"
    template.symlink_to(tmp_path / "secret.txt")
    with pytest.raises(booklet.BookletError) as raised:
        _html(project)
    assert "cover.html.j2" in str(raised.value) and "outside" in str(raised.value)
    assert SECRET not in str(raised.value)


def test_an_included_link_out_of_the_folder_names_the_line_that_includes_it(project, tmp_path):
    (project / "templates" / "part.html.j2").symlink_to(tmp_path / "secret.txt")
    _cover(project, "{% include 'part.html.j2' %}")
    assert "outside" in _refused(project)


def test_a_templates_folder_that_links_out_of_the_project_is_not_read(project, tmp_path):
    shutil.rmtree(project / "templates")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "cover.html.j2").write_text(SECRET)
    (project / "templates").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(booklet.BookletError, match="templates: the folder links outside") as raised:
        _html(project)
    assert SECRET not in str(raised.value)


def test_a_template_that_is_a_pipe_or_a_device_is_refused(project):
    os.mkfifo(project / "templates" / "part.html.j2")
    _cover(project, "{% include 'part.html.j2' %}")
    assert "not a regular file" in _refused(project)  # at once: a pipe is never waited on
    (project / "templates" / "part.html.j2").unlink()
    (project / "templates" / "part.html.j2").symlink_to("/dev/zero")
    assert "outside" in _refused(project)


def test_a_huge_template_is_refused(project):
    (project / "templates" / "part.html.j2").write_text("x" * 2_000_000)
    _cover(project, "{% include 'part.html.j2' %}")
    assert "over the limit" in _refused(project)


def test_the_default_templates_run_unchanged_in_the_sandbox(project):
    """Every default template copied into the project: the same HTML as booklet's own,
    so the sandbox lets through everything a real template needs."""
    shutil.rmtree(project / "templates")
    plain = _html(project)
    shutil.copytree(TEMPLATES, project / "templates")
    assert _html(project) == plain


def test_what_templates_may_use_still_works(project):
    _cover(
        project,
        "{{ booklet.conference.title | upper }}|{{ booklet.talks | length }}|"
        "{{ '{} talks'.format(booklet.talks | length) }}|{{ '%s!' % booklet.language }}|"
        "{% set ns = namespace(n=0) %}{% for t in booklet.talks %}{% set ns.n = ns.n + 1 %}"
        "{% endfor %}{{ ns.n }}|{{ booklet.day_label(booklet.conference.date) }}|"
        "{{ dict(a=1).a }}|{{ range(3) | join(',') }}",
    )
    html = _html(project)
    talks = len(load_content(project / "content").content.programme)
    expected = f"EXAMPLE CONFERENCE ON OPEN DATA|{talks}|{talks} talks|en!|{talks}|"
    assert expected in html
    assert "|1|0,1,2" in html


def test_the_command_line_exits_1_naming_file_and_line(project, tmp_path):
    _cover(project, "ok\n{{ booklet.loaded.folder.joinpath('../secret.txt').read_text() }}")
    pdf_before = sorted((project / "output").iterdir())
    result = subprocess.run(
        [sys.executable, "-m", "booklet", "build", str(project / "content")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "project/templates/cover.html.j2:3: template: " in result.stderr
    assert "Traceback" not in result.stderr and SECRET not in result.stderr
    assert sorted((project / "output").iterdir()) == pdf_before


MAIL_ATTACKS = {
    "a format walk": "{{ '{0.__class__.__mro__}'.format(recipient) }}",
    "a range bomb": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
    "{% endfor %}",
    "a string bomb": "{{ 'x' * 10**10 }}",
    "cycler": "{{ cycler.__init__.__globals__ }}",
    "include": "{% include '/etc/passwd' %}",
}


@pytest.mark.parametrize("attack", MAIL_ATTACKS.values(), ids=list(MAIL_ATTACKS))
def test_invitation_templates_are_sandboxed_alike(project, attack, tmp_path):
    content = project / "content"
    text = content / "mail" / "invitation.txt"
    text.write_text("Dear {{ recipient.name }},\n" + attack + "\n")
    with pytest.raises(booklet.BookletError) as raised:
        prepare_invitations(content, content / "mail" / "people.example.csv")
    assert re.search(r"mail/invitation\.txt:2:", str(raised.value)), str(raised.value)


def test_invitation_templates_that_link_out_are_not_read(project, tmp_path):
    content = project / "content"
    text = content / "mail" / "invitation.txt"
    text.unlink()
    text.symlink_to(tmp_path / "secret.txt")
    with pytest.raises(booklet.BookletError) as raised:
        prepare_invitations(content, content / "mail" / "people.example.csv")
    assert "invitation.txt" in str(raised.value) and "outside" in str(raised.value)
    assert SECRET not in str(raised.value)


def test_the_tutorial_then_the_seed_in_one_home_folder(project, tmp_path):
    """Compiled templates are cached per kind of environment: the project's (sandboxed)
    build does not leave code behind that the seed's (plain) build would load."""
    _cover(project, "{{ conference.title }}")
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def build(content, output):
        return subprocess.run(
            [sys.executable, "-m", "booklet", "build", str(content), "-o", str(output)],
            capture_output=True,
            text=True,
            timeout=300,
            env=environment,
        )

    for content, output in [
        (project / "content", tmp_path / "a"),
        (SEED, tmp_path / "b"),
        (project / "content", tmp_path / "c"),
        (SEED, tmp_path / "d"),
    ]:
        result = build(content, output)
        assert result.returncode == 0, result.stderr
    caches = list((tmp_path / "cache" / "booklet" / "templates").iterdir())
    assert len(caches) == 2  # one for the sandbox, one for booklet's own templates


def test_a_styles_folder_that_links_out_of_the_project_is_refused(project, tmp_path):
    """The renderer may read every file of the styles folder: a link to / would open the
    whole machine to the project's CSS."""
    shutil.rmtree(project / "styles")
    (project / "styles").symlink_to("/")
    with pytest.raises(booklet.BookletError, match="styles: the folder links outside"):
        booklet.check(project / "content")


def test_a_templates_folder_linked_inside_the_project_is_used(project):
    (project / "tpl").mkdir()
    (project / "tpl" / "cover.html.j2").write_text('<section id="cover">LINKED COVER</section>')
    shutil.rmtree(project / "templates")
    (project / "templates").symlink_to(project / "tpl")
    assert "LINKED COVER" in _html(project)


def test_a_template_that_runs_past_the_time_limit_stops_at_its_line(project, monkeypatch):
    from booklet import sandbox

    monkeypatch.setattr(sandbox, "MAX_SECONDS", 0.0)
    _cover(project, "{% for i in range(5000) %}{{ i }}{% endfor %}")
    assert "ran longer than" in _refused(project)
