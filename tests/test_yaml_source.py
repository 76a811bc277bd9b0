"""YAML as organisers write it: values come out as typed, positions are remembered."""

from __future__ import annotations

from booklet.yaml_source import MAX_NODES, read_yaml


def read(tmp_path, text: str):
    path = tmp_path / "file.yaml"
    path.write_text(text)
    return read_yaml(path)


def test_yaml_traps_come_out_as_written(tmp_path):
    source = read(
        tmp_path,
        "start: 10:00\nearly: 9:30\ndanish: 9.45\ncountry: no\nswitch: on\nday: 2025-05-14\n"
        "code: 0123\nyes_word: yes\nnumber: 12\nflag: true\nnothing: null\nempty:\n",
    )
    assert source.problems == []
    assert source.data == {
        "start": "10:00",  # YAML 1.1: 600
        "early": "9:30",  # YAML 1.1: 570
        "danish": "9.45",  # YAML 1.2: 9.45, a float
        "country": "no",  # YAML 1.1: False (Norway's country code)
        "switch": "on",  # YAML 1.1: True
        "day": "2025-05-14",  # YAML 1.1: a date object
        "code": "0123",  # YAML 1.1: 83, an octal number
        "yes_word": "yes",
        "number": "12",  # the model turns it into a number where it wants one
        "flag": "true",
        "nothing": None,
        "empty": None,
    }


def test_positions_of_values_and_keys(tmp_path):
    source = read(tmp_path, "talks:\n  - title: A\n    speakers: [x, y]\n")
    assert source.values[("talks", 0, "title")] == (2, 12)
    assert source.keys[("talks", 0, "speakers")] == (3, 5)
    assert source.values[("talks", 0, "speakers", 1)] == (3, 19)


def test_syntax_error_names_its_line(tmp_path):
    source = read(tmp_path, "title: ok\nspeakers: [a, b\nnext: 1\n")
    assert len(source.problems) == 1
    problem = source.problems[0]
    assert problem.line == 3 and "YAML syntax" in problem.message


def test_duplicate_keys_are_an_error_not_a_silent_overwrite(tmp_path):
    source = read(tmp_path, "title: A\nsubtitle: B\ntitle: C\n")
    assert [(p.line, p.field) for p in source.problems] == [(3, "title")]
    assert "first on line 1" in source.problems[0].message


def test_alias_bomb_is_refused(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    source = read(tmp_path, "\n".join(lines) + "\n")
    assert source.data is None
    assert f"over {MAX_NODES:,}" in source.problems[0].message


def test_python_tags_are_not_constructed(tmp_path):
    source = read(tmp_path, "title: !!python/object/apply:os.system ['echo hi']\n")
    assert source.problems and "unsupported YAML tag" in source.problems[0].message
    source = read(tmp_path, "title: !!python/name:os.system\n")
    assert source.problems and "unsupported YAML tag" in source.problems[0].message


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Bøgh\n".encode("latin-1"))
    assert "not UTF-8" in read_yaml(path).problems[0].message


def test_deep_nesting_is_refused_not_a_crash(tmp_path):
    for depth in (60, 5000):
        source = read(tmp_path, "a: " + "[" * depth + "]" * depth + "\n")
        assert source.data is None or source.problems
        assert "nested deeper than 50 levels" in source.problems[0].message
