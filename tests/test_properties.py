"""Whatever an organiser's editor leaves in the content files, booklet answers with
problems it can name, never with a traceback. Hypothesis throws random YAML and random
mutations of the seed content at the loader (and the HTML stage, when content loads)."""

from __future__ import annotations

import copy
import shutil
import string
from pathlib import Path

import yaml
from helpers import SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booklet import ContentError, load_content
from booklet.html import render_html

FILES = ("conference", "speakers", "programme")
SEED_DATA = {part: yaml.safe_load((SEED / f"{part}.yaml").read_text()) for part in FILES}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["10:00", "9.30", "no", "on", "2031-02-30", "2031-05-13", "", "~", "x" * 300]),
    st.sampled_from(["../../etc/passwd", "file:///etc/passwd", "http://127.0.0.1:9/x.png"]),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(string.ascii_lowercase + "_", max_size=12), children, max_size=4),
    ),
    max_leaves=20,
)
FIELDS = [
    "title", "subtitle", "organiser", "language", "date", "end_date", "venue", "welcome",
    "paper", "rooms", "sessions", "id", "name", "role", "photo", "speakers", "kind", "start",
    "end", "day", "room", "session", "abstract",
]  # fmt: skip

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def load_or_problems(folder: Path) -> None:
    """The property: content loads (and renders to HTML), or ContentError names problems."""
    try:
        loaded = load_content(folder)
    except ContentError as error:
        assert error.problems, "a ContentError must name at least one problem"
        for problem in error.problems:
            assert problem.file and problem.message
        return
    assert "<html" in render_html(loaded)


def write(folder: Path, texts: dict[str, str]) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for part, text in texts.items():
        (folder / f"{part}.yaml").write_text(text, encoding="utf-8")
    return folder


@SETTINGS
@given(texts=st.fixed_dictionaries({part: st.text(max_size=200) for part in FILES}))
def test_random_text_in_the_content_files(tmp_path, texts):
    load_or_problems(write(tmp_path / "c", texts))


@SETTINGS
@given(documents=st.fixed_dictionaries({part: values for part in FILES}))
def test_random_yaml_documents(tmp_path, documents):
    texts = {part: yaml.safe_dump(data, allow_unicode=True) for part, data in documents.items()}
    load_or_problems(write(tmp_path / "c", texts))


@st.composite
def mutated_seed(draw):
    """The seed content with a few random edits an organiser could make by mistake."""
    data = copy.deepcopy(SEED_DATA)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        part = draw(st.sampled_from(FILES))
        node = data[part]
        # Walk down a random path to a container, then change one thing in it.
        while True:
            keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            child = node[key]
            if isinstance(child, (dict, list)) and draw(st.booleans()):
                node = child
                continue
            action = draw(st.sampled_from(["replace", "delete", "rename", "duplicate", "add"]))
            if action == "replace":
                node[key] = draw(values)
            elif action == "delete":
                del node[key]
            elif action == "rename" and isinstance(node, dict):
                node[draw(st.sampled_from(FIELDS)) + draw(st.sampled_from(["", "s", "_"]))] = (
                    node.pop(key)
                )
            elif action == "duplicate" and isinstance(node, list):
                node.append(copy.deepcopy(child))
            elif isinstance(node, dict):
                node[draw(st.sampled_from(FIELDS))] = draw(values)
            break
    return data


@SETTINGS
@given(data=mutated_seed())
def test_random_mutations_of_the_seed(tmp_path, data):
    texts = {part: yaml.safe_dump(value, allow_unicode=True) for part, value in data.items()}
    load_or_problems(write(tmp_path / "c", texts))


@SETTINGS
@given(
    cut=st.integers(min_value=0, max_value=2000),
    part=st.sampled_from(FILES),
    junk=st.text(max_size=20),
)
def test_a_file_cut_off_or_garbled_mid_edit(tmp_path, cut, part, junk):
    texts = {name: (SEED / f"{name}.yaml").read_text() for name in FILES}
    texts[part] = texts[part][:cut] + junk + texts[part][cut:][len(junk) :]
    load_or_problems(write(tmp_path / "c", texts))
