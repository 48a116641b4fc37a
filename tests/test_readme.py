"""The README's examples work: its scenario file, its Python block and its commands."""

import re
from pathlib import Path

from borderflow.cli import main
from borderflow.network import load_network
from borderflow.policy import load_scenario
from borderflow.policy.drivers import build

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text(encoding="utf-8")


def blocks(lang):
    return re.findall(rf"```{lang}\n(.*?)```", TEXT, flags=re.S)


def test_readme_opens_with_the_two_commands():
    first = blocks("sh")[0]
    assert first.splitlines()[0].startswith("make run")
    assert first.splitlines()[1].startswith("make test")


def test_readme_first_question_files_validate(tmp_path):
    first, second = (load_scenario(_write(tmp_path, i)) for i in (0, 1))
    assert [lev.lever for lev in first.levers] == ["poe_inspection"]
    assert [lev.lever for lev in second.levers] == ["military_strikes"]
    for scen in (first, second):
        build(scen, load_network().compile())


def _write(tmp_path, i):
    path = tmp_path / f"example{i}.yaml"
    path.write_text(blocks("yaml")[i])
    return path


def test_readme_first_section_after_the_two_commands_is_the_users_question():
    after = TEXT[TEXT.index("make test"):]
    first_heading = re.search(r"^## (.*)$", after, flags=re.M).group(1)
    assert first_heading == "Your first question"
    # no insider jargon before it is needed
    for word in ("tempered", "HiGHS", "MILP", "mechanisms 1", "SMC"):
        assert word not in TEXT[:TEXT.index("## What the model is")], word


def test_readme_examples_are_regenerated_from_the_current_model():
    """Every example output is what its command prints now (numbers to 2 figures)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "readme_tool", README.parent / "tools" / "readme.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    fresh = tool.regenerate(TEXT)
    assert tool.GENERATED.findall(TEXT), "no generated blocks found"
    for (_, command, _, old, _), (_, _, _, new, _) in zip(
            tool.GENERATED.findall(TEXT), tool.GENERATED.findall(fresh), strict=True):
        assert tool.normalised(old) == tool.normalised(new), (
            f"README example of `{command}` is stale: run python tools/readme.py")
    assert tool.normalised(fresh) == tool.normalised(TEXT)


def test_readme_python_block_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the block writes plan.yaml
    code = blocks("python")[0].replace("members=500", "members=4")
    code = "\n".join(line for line in code.splitlines() if "my_" not in line)
    names = {}
    exec(compile(code, "README.md", "exec"), names)
    # what the block's comments promise
    assert names["ds"]["delivered_kg"].dims == ("member", "month", "market")
    assert names["ds"].sizes["member"] == 4
    stats = names["result"].metrics["bilateral_package"]["kg_delivered_us_vs_status_quo"]
    assert set(stats) == {"median", "p05", "p95"}
    assert 0.0 <= names["plan"].verified_objective <= 1.0 and names["plan"].interdicted
    assert (tmp_path / "plan.yaml").is_file()


def test_every_documented_command_exists(capsys):
    commands = set(re.findall(r"^\| `borderflow ([a-z]+(?: [a-z]+)?)", TEXT, flags=re.M))
    assert {"run", "scenarios", "network", "params", "calibrate", "explain", "fit",
            "backtest", "data list", "data show"} <= {
        c if c.startswith("data") else c.split()[0] for c in commands
    }
    for command in commands:
        assert main([*command.split(), "--help"]) == 0, command
    capsys.readouterr()
