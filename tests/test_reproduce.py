"""reproduce: the cache makes an interrupted run resume without recomputing finished cells; Dask path."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from experiments import reproduce

FAKE = textwrap.dedent('''
    """A stand-in study: six small simulations (cells), slow enough to be interrupted between them."""
    import time
    from pathlib import Path

    HELP = "fake study"
    CONFIGS = {"quick": {"cells": 6}, "full": {"cells": 6}}

    def add_arguments(p):
        p.add_argument("--quick", dest="mode", action="store_const", const="quick")
        p.add_argument("--full", dest="mode", action="store_const", const="full")
        p.add_argument("--out")
        p.add_argument("--seed", type=int, default=0)

    def run(args):
        from heavytail_sim import schedules
        from heavytail_sim.algorithms import Algorithm
        from heavytail_sim.runner import simulate
        from heavytail_sim.noise import NoiseModel
        from heavytail_sim.problems import quadratic
        rows = []
        for i in range(CONFIGS[args.mode]["cells"]):
            res = simulate(quadratic(2), NoiseModel("pareto", 1.5), Algorithm("gclip"),
                           schedules.theorem1(1.5, 1.0, 1.0), runs=50, steps=2000, seed=args.seed + i)
            rows.append(f"| {i} | {res.stats['f_avg']['mean'][-1]:.6g} |")
            time.sleep(0.4)
        (Path(args.out) / "fake.md").write_text("| cell | mean |\\n|---|---|\\n" + "\\n".join(rows) + "\\n")
        return 0

    def finding(out):
        return "fake finding"
''')


@pytest.fixture()
def fake_study(tmp_path, monkeypatch):
    (tmp_path / "fake_study.py").write_text(FAKE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(reproduce.STUDIES, "fake", ("fake_study", 1))
    return tmp_path


DRIVER = textwrap.dedent('''
    import sys
    sys.path.insert(0, {path!r})
    from experiments import reproduce
    reproduce.STUDIES.clear()
    reproduce.STUDIES["fake"] = ("fake_study", 1)
    from heavytail_sim.cli import standalone
    sys.exit(standalone(reproduce, ["--out", {out!r}]))
''')


def test_killed_run_resumes_without_recomputing_finished_cells(fake_study):
    out = fake_study / "out"
    cache = out / ".cache"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[1]), str(fake_study)])}
    proc = subprocess.Popen([sys.executable, "-c", DRIVER.format(path=str(fake_study), out=str(out))], env=env,
                            start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(cache.rglob("*.pkl"))) < 2 and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # as a crash or Ctrl-C would: no cleanup runs
    proc.wait()
    finished = len(list(cache.rglob("*.pkl")))
    assert 2 <= finished < 6 and not (out / "fake" / ".done.json").exists()

    rec = reproduce.run_study("fake", "quick", str(out), 0, force=False)
    assert rec["status"] == "ran"
    assert rec["hits"] == finished and rec["misses"] == 6 - finished  # finished cells are not recomputed
    assert len(list(cache.rglob("*.pkl"))) == 6 and not list(out.rglob(".tmp-*"))

    again = reproduce.run_study("fake", "quick", str(out), 0, force=False)
    assert again["status"] == "cached"  # the completed study is skipped as a whole
    forced = reproduce.run_study("fake", "quick", str(out), 0, force=True)
    assert forced["status"] == "ran" and forced["misses"] == 6 and forced["hits"] == 0


def test_report_and_dask_dispatch(fake_study, monkeypatch):
    distributed = pytest.importorskip("distributed", reason="the [dask] extra is part of the test extras")
    monkeypatch.setitem(reproduce.STUDIES, "fake2", ("fake_study", 1))
    for name in list(reproduce.STUDIES):
        if not name.startswith("fake"):
            monkeypatch.delitem(reproduce.STUDIES, name)
    from heavytail_sim.sweep import run_tasks

    out = fake_study / "out"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as lc, \
            distributed.Client(lc) as client:
        tasks = [(reproduce.run_study, {"name": n, "mode": "quick", "root": str(out), "seed": 3, "force": False})
                 for n in ("fake", "fake2")]
        records = run_tasks(tasks, scheduler=client)
        workers = set(client.run(lambda: 1))
    assert len(workers) == 2
    assert [r["status"] for r in records] == ["ran", "ran"]
    report = reproduce.write_report(out, records, "quick", 3, 1.0).read_text()
    assert "## fake" in report and "## fake2" in report and "fake finding" in report and "| cell | mean |" in report
    # the two stand-in studies ask for the same six simulations: they share the cache, so between them
    # each cell is looked up twice and stored once
    for name in ("fake", "fake2"):
        done = json.loads((out / name / ".done.json").read_text())
        assert done["hits"] + done["misses"] == 6
    assert len(list((out / ".cache").rglob("*.pkl"))) == 6


def test_a_standalone_study_run_is_reused_by_reproduce(fake_study):
    import fake_study as mod

    from heavytail_sim.cli import OneLineParser, _run

    root = fake_study / "out"
    parser = OneLineParser()
    mod.add_arguments(parser)
    argv = ["--quick", "--out", str(root / "fake"), "--seed", "5"]
    (root / "fake").mkdir(parents=True)
    assert _run(mod, "fake", parser.parse_args(argv), argv, "test") == 0
    rec = reproduce.run_study("fake", "quick", str(root), 5, force=False)
    assert rec["status"] == "cached" and rec["command"] == "heavytail-sim fake " + " ".join(argv)
    other_seed = reproduce.run_study("fake", "quick", str(root), 6, force=False)
    assert other_seed["status"] == "ran"


def test_figures_redraw_from_cache_alone(fake_study, monkeypatch, capsys):
    from experiments import figures
    from heavytail_sim.cli import OneLineParser

    for name in list(reproduce.STUDIES):
        if name != "fake":
            monkeypatch.delitem(reproduce.STUDIES, name)
    root = fake_study / "out"
    parser = OneLineParser()
    figures.add_arguments(parser)
    args = parser.parse_args(["--out", str(root)])
    from heavytail_sim.errors import UsageError
    with pytest.raises(UsageError, match="no cache"):
        figures.run(args)
    reproduce.run_study("fake", "quick", str(root), 0, force=False)
    table = (root / "fake" / "fake.md").read_text()
    (root / "fake" / "fake.md").unlink()
    assert figures.run(args) == 0  # every simulation comes from the cache
    assert (root / "fake" / "fake.md").read_text() == table
    for entry in (root / ".cache").rglob("*.pkl"):  # drop one cell: nothing may be recomputed
        entry.unlink()
        break
    assert figures.run(args) == 1
    assert "not cached: fake" in capsys.readouterr().err
