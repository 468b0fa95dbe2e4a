"""reproduce and figures: resume after SIGKILL, completion records, Dask dispatch, redraw from saved tables."""
import dataclasses
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments import registry, reproduce
from heavytail_sim.cache import ResultCache
from heavytail_sim.cli import main

# the lower-bound study with a small preset: ~100 cache entries in ~6 s, so a kill lands midway
TINY_LB = {"k_max": 3000, "per_decade": 2, "runs": 1500, "lemma7_per_decade": 1, "n_boot": 50}
DRIVER = textwrap.dedent('''
    import dataclasses, sys
    from experiments import registry
    study = registry.STUDIES["lower-bound"]
    tiny = {tiny!r}
    registry.STUDIES.clear()
    registry.STUDIES["lower-bound"] = dataclasses.replace(study, presets={{"quick": tiny, "full": tiny}})
    from experiments import reproduce
    from heavytail_sim.cli import standalone
    sys.exit(standalone(reproduce, ["--out", {out!r}, "--only", "lower-bound"]))
''')


@pytest.fixture()
def tiny_registry(monkeypatch):
    """The registry with only a small lower-bound study (and a second copy under another name)."""
    study = dataclasses.replace(registry.STUDIES["lower-bound"], presets={"quick": TINY_LB, "full": TINY_LB})
    small = dict(TINY_LB, k_max=100, per_decade=1, runs=100)
    other = dataclasses.replace(study, name="lb-small", folder="lb_small", presets={"quick": small, "full": small})
    copy = dataclasses.replace(other, name="lb-copy", folder="lb_copy")
    monkeypatch.setattr(registry, "STUDIES", {"lower-bound": study, "lb-small": other, "lb-copy": copy})
    return registry.STUDIES


NO_DASK = "dask.distributed is not installed (it comes with the [test] and [dask] extras)"


def _outputs(folder: Path) -> dict:
    """Every output file of a study folder except those holding wall times (log, completion record)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix not in (".log",) and p.name != ".done.json"}


def test_killed_run_resumes_and_matches_an_uninterrupted_run_file_by_file(tmp_path, tiny_registry):
    out = tmp_path / "killed"
    cache = out / ".cache"
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen([sys.executable, "-c", DRIVER.format(tiny=TINY_LB, out=str(out))], env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 180
    while time.time() < deadline and len(list(cache.rglob("*.pkl"))) < 20 and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # as a crash would: no cleanup runs
    proc.wait()
    finished = len(list(cache.rglob("*.pkl")))
    folder = out / "lower_bound"
    assert finished >= 20 and not (folder / ".done.json").exists()
    assert not [p for p in folder.glob("*") if p.suffix in (".csv", ".png")]  # nothing half-written

    rec = reproduce.run_study("lower-bound", "quick", str(out), 0, force=False)
    assert rec["status"] == "ran" and rec["hits"] >= finished  # finished entries are not recomputed
    fresh = reproduce.run_study("lower-bound", "quick", str(tmp_path / "fresh"), 0, force=False)
    assert fresh["status"] == "ran" and fresh["hits"] == 0
    resumed, uninterrupted = _outputs(folder), _outputs(tmp_path / "fresh" / "lower_bound")
    assert list(resumed) == list(uninterrupted) and len(resumed) == 10  # 4 csv + 4 md + 2 png, nothing else
    for name in resumed:
        assert resumed[name] == uninterrupted[name], name
    assert not list(out.rglob(".tmp-*"))

    again = reproduce.run_study("lower-bound", "quick", str(out), 0, force=False)
    assert again["status"] == "cached"  # the completed study is skipped as a whole
    (folder / "exponents.csv").write_text((folder / "exponents.csv").read_text().replace("gclip", "GCLIP"))
    redo = reproduce.run_study("lower-bound", "quick", str(out), 0, force=False)
    assert redo["status"] == "ran" and redo["misses"] == 0  # a changed table: recomputed, from the cache
    assert _outputs(folder) == uninterrupted


def test_report_and_dask_dispatch(tmp_path, tiny_registry):
    distributed = pytest.importorskip("distributed", reason=NO_DASK)
    from heavytail_sim.sweep import run_tasks

    out = tmp_path / "out"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as lc, \
            distributed.Client(lc) as client:
        tasks = [(reproduce.run_study, {"name": n, "mode": "quick", "root": str(out), "seed": 3, "force": False})
                 for n in ("lb-small", "lb-copy")]
        records = run_tasks(tasks, scheduler=client)
        workers = set(client.run(lambda: 1))
    assert len(workers) == 2 and [r["status"] for r in records] == ["ran", "ran"]
    # the two studies ask for the same cells through one cache: the same tables
    assert _outputs(out / "lb_small") == _outputs(out / "lb_copy")
    report = reproduce.write_report(out, records, "quick", 3, 1.0).read_text()
    assert "## lb-small" in report and "## lb-copy" in report and "stays above the lower bound" in report
    assert "| alpha |" in report and "![lower_bound](lb_small/lower_bound.png)" in report


def test_a_standalone_study_run_is_reused_by_reproduce(tmp_path, tiny_registry, capsys):
    from heavytail_sim.cli import run
    from heavytail_sim.study import add_arguments

    root = tmp_path / "out"
    study = registry.STUDIES["lb-small"]
    parser = __import__("argparse").ArgumentParser()
    add_arguments(parser, study)
    assert run(study, parser.parse_args(["--quick", "--out", str(root / "lb_small"), "--seed", "5"]), "t") == 0
    rec = reproduce.run_study("lb-small", "quick", str(root), 5, force=False)
    assert rec["status"] == "cached"
    assert rec["command"] == f"heavytail-sim lb-small --quick --seed 5 --out {root}/lb_small"
    other_seed = reproduce.run_study("lb-small", "quick", str(root), 6, force=False)
    assert other_seed["status"] == "ran" and other_seed["misses"] > 0
    forced = reproduce.run_study("lb-small", "quick", str(root), 6, force=True)
    assert forced["status"] == "ran" and forced["hits"] == 0 and forced["misses"] == other_seed["misses"]


@pytest.mark.parametrize("argv,message", [
    (["--only", "noise", "--seed", "-1"], "--seed: must be an integer in [0, "),
    (["--jobs", "0"], "--jobs: must be an integer >= 1, got 0"),
    (["--only", "nosuch"], "--only: unknown study nosuch"),
    (["--only", ","], "--only: unknown study (none given)"),
])
def test_bad_options_are_one_line_errors_and_nothing_is_written(tmp_path, capsys, argv, message):
    assert main(["reproduce", "--out", str(tmp_path / "root")] + argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"heavytail-sim: error: {message}") and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_scheduler_leaves_no_folder(tmp_path, capsys, tiny_registry):
    pytest.importorskip("distributed", reason=NO_DASK)
    code = main(["reproduce", "--out", str(tmp_path / "root"), "--only", "lb-small", "--scheduler", "nonsense://x:1"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("heavytail-sim: error: --scheduler:") and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_figures_redraw_from_saved_tables_without_computing(tmp_path, tiny_registry, monkeypatch, capsys):
    root = tmp_path / "out"
    assert main(["figures", "--out", str(root)]) == 2
    assert "no outputs under" in capsys.readouterr().err
    reproduce.run_study("lb-small", "quick", str(root), 0, force=False)
    folder = root / "lb_small"
    pngs = {p.name: p.read_bytes() for p in folder.glob("*.png")}
    tables = {p.name: p.read_bytes() for p in folder.glob("*.csv")}
    for p in folder.glob("*.png"):
        p.unlink()
    study = registry.STUDIES["lb-small"]

    def no_compute(cfg, runner):
        raise AssertionError("figures computed something")

    registry.STUDIES["lb-small"] = dataclasses.replace(study, compute=no_compute)
    assert main(["figures", "--out", str(root), "--only", "lb-small"]) == 0
    assert "stays above the lower bound" in capsys.readouterr().out  # the finding, from the tables
    assert {p.name: p.read_bytes() for p in folder.glob("*.png")} == pngs  # the same figures
    assert {p.name: p.read_bytes() for p in folder.glob("*.csv")} == tables  # tables are inputs: untouched

    # a changed table: that study is refused before any of its figures is written
    for p in folder.glob("*.png"):
        p.unlink()
    lb = folder / "lower_bound.csv"
    lb.write_text(lb.read_text().replace("gclip", "GCLIP"))
    assert main(["figures", "--out", str(root), "--only", "lb-small"]) == 1
    err = capsys.readouterr().err
    assert "lb-small: not redrawn: lb-small: cannot redraw from" in err and "lower_bound.csv was changed" in err
    assert not list(folder.glob("*.png"))


def test_figures_only_check_rewrites_claims_md_without_running_the_checks(tmp_path, monkeypatch, capsys):
    from proofs_check import cli as check

    root = tmp_path / "out"
    root.mkdir()

    def fake_run(args):
        (Path(args.out) / "claims.md").write_text("# claims\n\nSummary: 2 verified (of 2 claims)\n")
        return 0

    monkeypatch.setattr(check, "run", fake_run)
    rec = reproduce.run_study("check", "quick", str(root), 0, force=False)
    assert rec["status"] == "ran" and json.loads((root / "claims.json").read_text())["claims_md"].startswith("# claims")

    def must_not_run(args):
        raise AssertionError("figures re-ran the claim checks")

    monkeypatch.setattr(check, "run", must_not_run)
    (root / "claims.md").unlink()
    assert main(["figures", "--out", str(root), "--only", "check"]) == 0
    assert (root / "claims.md").read_text().startswith("# claims")
    saved = json.loads((root / "claims.json").read_text())
    saved["claims_md"] = saved["claims_md"].replace("2 verified", "3 verified")
    (root / "claims.json").write_text(json.dumps(saved))
    assert main(["figures", "--out", str(root), "--only", "check"]) == 1
    assert "claims.json' was changed since it was written" in capsys.readouterr().err
    assert reproduce.run_study("check", "quick", str(root), 0, force=False)["status"] == "cached"


def test_a_failing_study_is_recorded_and_the_others_still_run(tmp_path, tiny_registry, capsys):
    study = registry.STUDIES["lower-bound"]

    def broken(cfg, runner):
        raise RuntimeError("boom")

    registry.STUDIES["lower-bound"] = dataclasses.replace(study, compute=broken)
    assert main(["reproduce", "--out", str(tmp_path), "--only", "lower-bound,lb-small"]) == 1
    out = capsys.readouterr().out
    assert "lower-bound: failed" in out and "lb-small:    ran" in out
    assert "RuntimeError: boom" in (tmp_path / "lower_bound" / "lower_bound.log").read_text()
    assert not (tmp_path / "lower_bound" / ".done.json").exists()
    assert pd.read_csv(tmp_path / "lb_small" / "exponents.csv").shape[0] > 0


def test_edited_cache_entries_are_recomputed_with_a_warning_never_used(tmp_path, tiny_registry):
    root = tmp_path / "out"
    reproduce.run_study("lb-small", "quick", str(root), 0, force=False)
    expected = _outputs(root / "lb_small")
    entries = sorted((root / ".cache").rglob("*.pkl"))
    for entry in entries:  # every entry edited after it was written
        entry.write_bytes(entry.read_bytes() + b"\x00")
    (root / "lb_small" / ".done.json").unlink()  # the study is run again, against the damaged cache
    rec = reproduce.run_study("lb-small", "quick", str(root), 0, force=False)
    assert rec["status"] == "ran" and rec["hits"] == 0
    log = (root / "lb_small" / "lb_small.log").read_text().splitlines()
    warnings = [line for line in log if line.startswith("heavytail-sim: warning: cache entry")]
    assert warnings and all(line.endswith("failed its checksum; recomputing") for line in warnings)
    assert _outputs(root / "lb_small") == expected  # recomputed: the true numbers
    assert all(ResultCache(root / ".cache").verify_key(e.stem) for e in entries if e.exists())
