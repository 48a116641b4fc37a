"""The one YAML reader (borderflow.io): the same rules for every file kind."""

from __future__ import annotations

import pytest

from borderflow import io
from borderflow.errors import DataError, NetworkError, ScenarioError
from borderflow.network import load_network
from borderflow.policy import load_scenario


def test_numbers_without_a_dot_read_as_floats():
    assert io.parse_yaml("a: 1e6\nb: 2.5e-3\nc: '1e6'\nd: 12\n", "x.yaml", DataError) == {
        "a": 1e6, "b": 2.5e-3, "c": "1e6", "d": 12}


@pytest.mark.parametrize("error", [DataError, NetworkError, ScenarioError])
def test_duplicate_key_in_any_file_kind(error):
    expected = r"^f\.yaml: not valid YAML: duplicate key 'b' at line 4, column 1"
    with pytest.raises(error, match=expected):
        io.parse_yaml("a: 1\nc: {x: 1}\nb: 2\nb: 3\n", "f.yaml", error)


def test_alias_bomb_is_refused_before_it_is_built():
    # nine levels of ten aliases: 10^9 leaves if expanded
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
    expected = r"bomb\.yaml: not valid YAML: aliases expand it past 1,000,000 nodes"
    with pytest.raises(ScenarioError, match=expected):
        io.parse_yaml("\n".join(lines) + "\n", "bomb.yaml", ScenarioError)


def test_a_few_aliases_are_fine():
    text = "base: &b {lat: 1.0}\nuse: [*b, *b]\n"
    assert io.parse_yaml(text, "ok.yaml", NetworkError)["use"] == [{"lat": 1.0}] * 2


def test_oversized_file_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(io, "MAX_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200 + "\n")
    with pytest.raises(NetworkError, match=r"big\.yaml: larger than 100 bytes; not read"):
        load_network(path)
    with pytest.raises(ScenarioError, match=r"big\.yaml: larger than 100 bytes; not read"):
        load_scenario(path)


def test_duplicate_key_in_a_network_file(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text("nodes:\n  - id: a\n    id: b\n")
    with pytest.raises(NetworkError, match="duplicate key 'id' at line 3"):
        load_network(path)


def test_json_reading_and_writing_name_the_file(tmp_path):
    from borderflow.calibration.calibrate import load_posterior
    from borderflow.errors import BorderflowError

    bad = tmp_path / "post.json"
    bad.write_text("{not json")
    with pytest.raises(BorderflowError, match=r"post\.json: not a borderflow posterior file"):
        load_posterior(bad)
    with pytest.raises(BorderflowError, match=r"cannot write /nonexistent/dir/x\.txt"):
        io.write_text("/nonexistent/dir/x.txt", "x")
    io.write_text(tmp_path / "ok.txt", "é")
    assert (tmp_path / "ok.txt").read_text(encoding="utf-8") == "é"
