"""The study contract (heavytail_sim.study): typed configuration, one validation layer, execute / redraw,
completion records with table checksums, the seeding rule."""
import json
import math

import numpy as np
import pandas as pd
import pytest

from heavytail_sim.errors import UsageError
from heavytail_sim.runner import Runner
from heavytail_sim.study import (MARKER, Bool, ConfigError, DictOf, Float, Int, ListOf, Param, Str, Study, Table,
                                 check_out_dir, check_seed, completed, execute, load_tables, markdown_table, redraw,
                                 seed_for)


def _compute(cfg, runner):
    x = np.arange(1, cfg["n"] + 1, dtype=float)
    tables = {"line": pd.DataFrame({"x": x, "y": cfg["scale"] * x})}
    if cfg["extra"]:
        tables["extra"] = pd.DataFrame({"name": list(cfg["names"]), "v": [cfg["dims"][1]] * len(cfg["names"])})
    return tables


def _draw(tables, cfg):
    from heavytail_sim.plotting import pyplot

    fig, ax = pyplot().subplots()
    ax.plot(tables["line"].x, tables["line"].y, label="y")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend()
    return {"line": fig}


def _rule(cfg):
    if cfg["n"] > 50 and cfg["scale"] > 10:
        raise ConfigError("scale", "must be <= 10 when n > 50")
    return ["n is small"] if cfg["n"] < 3 else []


DEMO = Study(
    name="demo", help="a demo study", description="demo", compute=_compute, draw=_draw,
    finding=lambda t: f"{len(t['line'])} points", rules=(_rule,), backend=False,
    params={"n": Param(Int(1, 100), "points"), "scale": Param(Float(0.0, 1e3, lo_open=True), "slope"),
            "extra": Param(Bool(), "write the extra table"), "names": Param(ListOf(Str(("a", "b", "c"))), "names"),
            "dims": Param(DictOf(Int(), Int(1, 10), keys=(1, 10)), "per dimension")},
    presets={"quick": {"n": 5, "scale": 2.0, "extra": True, "names": ("a", "b"), "dims": {1: 2, 10: 3}},
             "full": {"n": 50, "scale": 1.0, "extra": True, "names": ("a",), "dims": {1: 1, 10: 1}}},
    tables=(Table("line"), Table("extra", markdown=False)), figures=("line",),
    memory=lambda cfg: {"n": cfg["n"] * 2 ** 40 if cfg["names"] == ("c",) else 0})


def test_presets_and_overrides_are_typed():
    cfg, notes = DEMO.configure("full", ["n=20", "scale=3", "names=b,c", "dims={1: 5, 10: 6}", "extra=False"], seed=4)
    assert cfg == {"n": 20, "scale": 3.0, "extra": False, "names": ("b", "c"), "dims": {1: 5, 10: 6}, "seed": 4}
    assert isinstance(cfg["scale"], float) and notes == []
    assert DEMO.presets["full"]["n"] == 50  # presets are not mutated
    assert DEMO.configure("quick", ["n=1e1", "names=['b']"])[0]["n"] == 10  # int-valued floats, list literals
    assert DEMO.configure("quick", ["n=2"])[1] == ["n is small"]  # a rule's notice


@pytest.mark.parametrize("item,message", [
    ("nruns=5", "--set: unknown parameter 'nruns'"),
    ("n", "--set expects KEY=VALUE"),
    ("seed=3", "--set seed: the master seed is set with --seed"),
    ("n=abc", "--set n: expected an integer, got 'abc'"),
    ("n=0", "--set n: must be an integer in [1, 100], got 0"),
    ("n=2.5", "--set n: expected an integer, got 2.5"),
    ("n=True", "--set n: expected an integer, got True"),
    ("scale=nan", "--set scale: expected a number, got 'nan'"),
    ("scale=1e400", "--set scale: expected a finite number, got inf"),
    ("scale=0", "--set scale: must be in (0, 1000], got 0"),
    ("extra=1", "--set extra: expected True or False, got 1"),
    ("names=", "--set names: must not be empty"),
    ("names=(,)", "--set names: item 0: unknown value '(' (choose from a, b, c)"),
    ("names=a,d", "--set names: item 1: unknown value 'd' (choose from a, b, c)"),
    ("names=5", "--set names: expected a list of one of a, b, c, e.g. (1, 2), got 5"),
    ("dims={2: 1}", "--set dims: keys must be exactly {1, 10}, got {2}"),
    ("dims={1: 0, 10: 1}", "--set dims: [1]: must be an integer in [1, 10], got 0"),
    ("dims={'a': 1}", "--set dims: key 'a': expected an integer, got 'a'"),
    ("dims=(1, 10)", "--set dims: expected a dict {1: ..., 10: ...}, got (1, 10)"),
    ("names=c", "--set n: too large: n=5 needs 5.12e+03 GiB of memory"),
])
def test_every_bad_value_is_one_line_naming_the_key(item, message):
    with pytest.raises(UsageError) as err:
        DEMO.configure("quick", [item])
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_cross_field_rule_names_its_key():
    with pytest.raises(ConfigError, match=r"^--set scale: must be <= 10 when n > 50$") as err:
        DEMO.configure("quick", ["n=60", "scale=20"])
    assert err.value.key == "scale"


@pytest.mark.parametrize("seed", [-1, 2 ** 63, 1.5, "x", True])
def test_bad_seed(seed):
    with pytest.raises(UsageError, match=r"^--seed: must be an integer in \[0, "):
        check_seed(seed)


def test_kinds_describe_themselves():
    assert Int(1, 10 ** 9).describe() == "int in [1, 10^9]"
    assert Float(0.0, 1.0, lo_open=True).describe() == "float in (0, 1]"
    assert ListOf(Int(1), min_len=2).describe() == "list (2+) of int >= 1"
    assert "keys exactly {1, 10}" in DictOf(Int(), Int(2), keys=(1, 10)).describe()
    with pytest.raises(ValueError, match="strictly increasing"):
        ListOf(Int(), increasing=True).coerce((3, 1))
    with pytest.raises(ValueError, match="repeated"):
        ListOf(Int(), unique=True).coerce((1, 1))
    with pytest.raises(ValueError, match="at least 2"):
        ListOf(Int(), min_len=2).coerce((1,))
    help_text = DEMO.parameter_help()
    assert ("  dims: per dimension\n      dict, keys exactly {1, 10}, values int in [1, 10]; {1: 2, 10: 3} / "
            in help_text)


def test_a_bad_preset_is_refused_when_the_study_is_declared():
    with pytest.raises(ValueError, match="preset quick: n: must be an integer in"):
        Study(name="bad", help="", description="", compute=_compute, draw=_draw, finding=str, tables=(),
              params={"n": Param(Int(1, 3), "n")}, presets={"quick": {"n": 5}, "full": {"n": 1}})
    with pytest.raises(ValueError, match="lacks"):
        Study(name="bad", help="", description="", compute=_compute, draw=_draw, finding=str, tables=(),
              params={"n": Param(Int(1, 3), "n")}, presets={"quick": {}, "full": {"n": 1}})


def test_seed_for_depends_on_identity_only():
    a = seed_for(0, "rates.sc", d=1, alg="gclip", a=1.4)
    assert a == seed_for(0, "rates.sc", alg="gclip", a=1.4, d=1)  # keyword order does not matter
    assert 0 <= a < 2 ** 31
    others = {seed_for(1, "rates.sc", d=1, alg="gclip", a=1.4), seed_for(0, "rates.sc", d=10, alg="gclip", a=1.4),
              seed_for(0, "rates.nc", d=1, alg="gclip", a=1.4), seed_for(0, "rates.sc", d=1, alg="gclip", a=None)}
    assert a not in others and len(others) == 4


def test_execute_writes_tables_figures_and_a_checksummed_record(tmp_path, capsys):
    cfg, _ = DEMO.configure("quick", seed=2)
    rec = execute(DEMO, "quick", cfg, tmp_path, Runner(), "heavytail-sim demo --quick")
    assert sorted(p.name for p in tmp_path.iterdir()) == [MARKER, "extra.csv", "line.csv", "line.md", "line.png"]
    saved = json.loads((tmp_path / MARKER).read_text())
    assert saved["key"] == rec["key"] == DEMO.key("quick", cfg) and set(saved["tables"]) == {"line", "extra"}
    assert completed(tmp_path, rec["key"]) is not None
    assert (tmp_path / "line.md").read_text() == markdown_table(pd.read_csv(tmp_path / "line.csv"))
    tables, again = load_tables(DEMO, tmp_path)
    assert again == cfg and list(tables) == ["line", "extra"]
    assert "wrote 2 tables and 1 figures" in capsys.readouterr().out


def test_a_run_without_a_part_removes_its_old_outputs(tmp_path):
    cfg, _ = DEMO.configure("quick")
    execute(DEMO, "quick", cfg, tmp_path, Runner(), "c")
    cfg, _ = DEMO.configure("quick", ["extra=False"])
    execute(DEMO, "quick", cfg, tmp_path, Runner(), "c")
    assert not (tmp_path / "extra.csv").exists()
    assert list(load_tables(DEMO, tmp_path)[0]) == ["line"]


def test_redraw_gives_the_same_figure_from_the_saved_tables(tmp_path):
    cfg, _ = DEMO.configure("quick")
    execute(DEMO, "quick", cfg, tmp_path, Runner(), "c")
    png = (tmp_path / "line.png").read_bytes()
    (tmp_path / "line.png").unlink()
    written, finding = redraw(DEMO, tmp_path)
    assert [p.name for p in written] == ["line.png"] and finding == "5 points"
    assert (tmp_path / "line.png").read_bytes() == png


@pytest.mark.parametrize("damage", ["edit", "delete"])
def test_redraw_refuses_a_changed_or_missing_table_and_writes_nothing(tmp_path, damage):
    cfg, _ = DEMO.configure("quick")
    execute(DEMO, "quick", cfg, tmp_path, Runner(), "c")
    (tmp_path / "line.png").unlink()
    if damage == "edit":
        text = (tmp_path / "extra.csv").read_text()
        assert "a,2" in text
        (tmp_path / "extra.csv").write_text(text.replace("a,2", "a,20"))  # still a valid table
    else:
        (tmp_path / "extra.csv").unlink()
    with pytest.raises(UsageError, match="extra.csv (was changed since it was written|is missing)"):
        redraw(DEMO, tmp_path)
    assert not (tmp_path / "line.png").exists()
    assert completed(tmp_path, DEMO.key("quick", cfg)) is None  # reproduce recomputes it


def test_redraw_without_a_record(tmp_path):
    with pytest.raises(UsageError, match="no completed run"):
        redraw(DEMO, tmp_path)


def test_a_failing_draw_writes_nothing(tmp_path):
    import dataclasses

    def broken(tables, cfg):
        raise RuntimeError("no figure")

    cfg, _ = DEMO.configure("quick")
    with pytest.raises(RuntimeError):
        execute(dataclasses.replace(DEMO, draw=broken), "quick", cfg, tmp_path, Runner(), "c")
    assert list(tmp_path.iterdir()) == []


def test_output_folder_checks(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="exists and is not a directory"):
        check_out_dir(blocker, DEMO)
    with pytest.raises(UsageError, match="is not a directory"):
        check_out_dir(blocker / "sub", DEMO)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "line.csv").mkdir()  # a folder where an output goes
    with pytest.raises(UsageError, match="line.csv' is a directory"):
        check_out_dir(tmp_path / "out", DEMO)
    (tmp_path / "o2").mkdir()
    (tmp_path / "o2" / "line.png").symlink_to(blocker)
    with pytest.raises(UsageError, match="symbolic link"):
        check_out_dir(tmp_path / "o2", DEMO)
    check_out_dir(tmp_path / "new" / "deeper", DEMO)  # creatable: fine, and nothing is created
    assert not (tmp_path / "new").exists()


def test_every_registered_study_validates_both_presets():
    from experiments.registry import STUDIES

    for study in STUDIES.values():
        for mode in ("quick", "full"):
            cfg, _ = study.configure(mode)
            assert cfg["seed"] == 0 and set(cfg) == set(study.params) | {"seed"}
        assert study.description.count("\n") > 3 and "Examples:\n  heavytail-sim " in study.description


def test_markdown_table_formats_floats():
    md = markdown_table(pd.DataFrame({"a": [1, 2], "b": [0.123456, math.nan]}), digits=3)
    assert md.splitlines()[0] == "| a | b |" and "0.123" in md and "nan" in md


def test_markdown_table_keeps_bars_and_line_breaks_inside_their_cell():
    # a formula such as E|xi|^p in a text column must not split the row into more cells than the header
    frame = pd.DataFrame({"law|kind": ["E|xi|^p", "two\nlines", "a\\b"], "value": [1.0, 2.0, 3.0]})
    md = markdown_table(frame)
    rows = md.splitlines()
    assert len(rows) == 2 + len(frame)  # one line per row: the line break became a space
    unescaped = [r.replace("\\\\", "").replace("\\|", "") for r in rows]
    assert all(r.count("|") == 3 for r in unescaped)  # two cells, three bars, on every line
    assert "E\\|xi\\|^p" in rows[2] and "two lines" in rows[3] and "a\\\\b" in rows[4]
