"""heavytail-sim reproduce: every study and the claim checks, one cache, one progress bar, one report.

Each study runs with the simulation cache on (<out>/.cache): every finished simulation and study cell
is stored atomically under a key of its full configuration, so an interrupted run (Ctrl-C, a killed
process) resumes where it stopped, and a study whose outputs are complete and intact for the same
configuration is skipped altogether (its completion record .done.json). --force recomputes everything.

Studies run one after another in this process by default (each simulation is already parallel over
runs on all cores); --jobs N runs N studies at once in local processes, and --scheduler ADDRESS sends
them to a Dask distributed scheduler (workers must see the same file system for the cache).

Writes <out>/<study>/ for each study, <out>/claims.md and claims.json (the claim checks), and
<out>/REPORT.md (every study's finding, command, tables and figures).

Examples:
  heavytail-sim reproduce --quick
  heavytail-sim reproduce --full --only rates,lower-bound --jobs 2
  heavytail-sim reproduce --quick --scheduler tcp://10.0.0.5:8786
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
import traceback
from pathlib import Path

HELP = "run every study and the claim checks (cached, resumable) and write figures/REPORT.md"
DESCRIPTION = __doc__
CHECK = "check"
CHECK_WEIGHT = 1  # share of the run time of the claim checks (weights the progress bar only)


def _studies() -> dict:
    from experiments.registry import STUDIES

    return STUDIES


def names() -> list[str]:
    """Every name ``--only`` accepts: the claim checks, then the studies in registry order."""
    return [CHECK, *_studies()]


def add_root_arguments(p: argparse.ArgumentParser, quick_help: str, full_help: str) -> None:
    """--quick/--full, --out ROOT and --only, shared with ``heavytail-sim figures``."""
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="mode", action="store_const", const="quick", help=quick_help)
    mode.add_argument("--full", dest="mode", action="store_const", const="full", help=full_help)
    p.set_defaults(mode="quick")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="root of the outputs (default figures with --full, figures/quick with --quick)")
    p.add_argument("--only", default=None, metavar="NAMES",
                   help=f"comma-separated subset of: {', '.join(names())}")


def selected_studies(only: str | None, default: list[str]) -> list[str]:
    """The names given by ``--only`` (all of ``default`` without it); UsageError for unknown names."""
    from heavytail_sim.errors import UsageError

    chosen = default if only is None else [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in names()]
    if unknown or not chosen:
        raise UsageError(f"--only: unknown study {', '.join(unknown) or '(none given)'} "
                         f"(choose from {', '.join(names())})")
    return list(dict.fromkeys(chosen))


def add_arguments(p: argparse.ArgumentParser) -> None:
    from heavytail_sim.study import DEFAULT_SEED

    add_root_arguments(p, "every study in its quick mode (default; about 6 minutes on 2 cores)",
                       "every study in its full mode: the committed figures")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED,
                   help=f"master seed passed to every study, >= 0 (default {DEFAULT_SEED})")
    p.add_argument("--jobs", type=int, default=1, help="studies run at once in local processes (default 1)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="Dask distributed scheduler address, e.g. tcp://host:8786 (needs heavytail-sim[dask])")
    p.add_argument("--force", action="store_true", help="ignore the cache and recompute everything")


def study_dir(root: Path, name: str) -> Path:
    # the claim checks write claims.md at the root, next to REPORT.md (figures/claims.md)
    return Path(root) if name == CHECK else Path(root) / _studies()[name].folder


def run_study(name: str, mode: str, root: str, seed: int, force: bool) -> dict:
    """Run one study (or the claim checks) with the cache on; its name, status, wall time and cache counts.

    A study whose folder holds a completion record for the same configuration, with every table intact
    (written by any earlier successful run, standalone or from here), is not run again unless ``force``.
    The study's own output (tables, notices, progress) goes to ``<folder>/<name>.log``.
    """
    from heavytail_sim.cache import ResultCache
    from heavytail_sim.io import ensure_dir, write_text
    from heavytail_sim.runner import Runner
    from heavytail_sim.study import command_line, completed, execute

    if name == CHECK:
        return _run_check(Path(root), mode, force)
    study = _studies()[name]
    out = ensure_dir(study_dir(Path(root), name))
    cfg, notices = study.configure(mode, (), seed)
    key = study.key(mode, cfg)
    done = None if force else completed(out, key)
    if done is not None:
        return {**done, "study": name, "status": "cached"}
    store = ResultCache(Path(root) / ".cache", force=force)
    runner = Runner(cache=store, progress=False)
    command = command_line(study, mode, seed, out)
    log = io.StringIO()
    t0 = time.perf_counter()
    status = "ran"
    record = {"study": name, "key": key, "command": command}
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        for note in notices:
            print(f"notice: {note}")
        try:
            record = execute(study, mode, cfg, out, runner, command)
        except Exception:  # one study's failure is recorded in its log; the others still run
            traceback.print_exc()
            status = "failed"
    write_text(out / f"{study.folder}.log", log.getvalue())
    return {**record, "study": name, "status": status, "wall": time.perf_counter() - t0, "hits": store.hits,
            "misses": store.misses}


def _run_check(root: Path, mode: str, force: bool) -> dict:
    """The claim checks (``heavytail-sim check --out ROOT``), with claims.md saved in claims.json so that
    ``heavytail-sim figures --only check`` can redraw it without re-running them."""
    import hashlib
    import json

    from proofs_check import cli as check

    from heavytail_sim import __version__
    from heavytail_sim.cache import config_key
    from heavytail_sim.cli import OneLineParser
    from heavytail_sim.io import ensure_dir, write_text
    from heavytail_sim.study import MARKER, completed, read_record

    out = ensure_dir(root)
    key = config_key({"study": CHECK, "mode": mode, "version": __version__})
    done = None if force else completed(out, key)
    if done is not None and (root / "claims.json").exists():
        return {**done, "study": CHECK, "status": "cached"}
    parser = OneLineParser(prog="heavytail-sim check")
    check.add_arguments(parser)
    argv = ["--out", str(out)]
    log = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        try:
            code = int(check.run(parser.parse_args(argv)) or 0)
        except Exception:
            traceback.print_exc()
            code = 1
    wall = time.perf_counter() - t0
    write_text(out / "check.log", log.getvalue())
    command = "heavytail-sim check " + " ".join(argv)
    record = {"study": CHECK, "key": key, "code": code, "wall": wall, "hits": 0, "misses": 0, "command": command}
    if code == 0:
        text = (out / "claims.md").read_text(encoding="utf-8")
        write_text(out / "claims.json", json.dumps({"claims_md": text, "sha256": hashlib.sha256(
            text.encode()).hexdigest(), "command": command, "version": __version__}, indent=1))
        previous = read_record(out) or {}
        write_text(out / MARKER, json.dumps({**previous, **record, "tables": {}}, indent=1))
    return {**record, "status": "ran" if code == 0 else "failed"}


def redraw_check(root: Path) -> Path:
    """Rewrite ``claims.md`` from ``claims.json`` (saved by :func:`run_study`), its checksum verified first."""
    import hashlib
    import json

    from heavytail_sim.errors import UsageError
    from heavytail_sim.io import write_text

    try:
        saved = json.loads((Path(root) / "claims.json").read_text(encoding="utf-8"))
        text = saved["claims_md"]
    except (OSError, ValueError, KeyError, TypeError):
        raise UsageError(f"check: no saved claim results in '{root}/claims.json' (run 'heavytail-sim reproduce "
                         "--only check' first)") from None
    if hashlib.sha256(text.encode()).hexdigest() != saved.get("sha256"):
        raise UsageError(f"check: '{root}/claims.json' was changed since it was written")
    return write_text(Path(root) / "claims.md", text)


def study_finding(name: str, root: Path) -> str:
    """The finding of one study from its saved outputs ("(finding unavailable: why)" when they are not usable)."""
    from heavytail_sim.errors import UsageError

    out = study_dir(root, name)
    try:
        if name == CHECK:
            from proofs_check import cli as check

            return check.finding(out)
        from heavytail_sim.study import load_tables

        study = _studies()[name]
        tables, _ = load_tables(study, out)
        return study.finding(tables)
    except (OSError, KeyError, ValueError, IndexError, UsageError) as exc:  # missing or malformed tables
        return f"(finding unavailable: {exc})"


def write_report(root: Path, records: list[dict], mode: str, seed: int, total: float) -> Path:
    """``REPORT.md`` at ``root``: per study its finding, command, seed, version, wall time, tables, figures."""
    from heavytail_sim import __version__
    from heavytail_sim.io import write_text

    lines = [f"# heavytail-sim {__version__}: reproduction report ({mode} mode)", "",
             f"Command: `heavytail-sim reproduce --{mode} --seed {seed}`. The studies' wall times sum to "
             f"{sum(r['wall'] for r in records):.0f} s on this machine, each from the run that computed it; this "
             f"invocation took {total:.0f} s (studies already done are not recomputed).", ""]
    for rec in records:
        name = rec["study"]
        out = study_dir(root, name)
        if name == CHECK:
            from proofs_check import cli as check

            help_text = check.HELP
        else:
            help_text = _studies()[name].help
        lines += [f"## {name}", "", help_text, ""]
        finding = study_finding(name, root)
        if finding:
            lines += [f"**Finding.** {finding}", ""]
        lines += [f"- command: `{rec['command']}`", f"- seed: {seed}; package version: {__version__}",
                  f"- wall time: {rec['wall']:.1f} s ({rec['status']}; simulation cache: {rec['hits']} hits, "
                  f"{rec['misses']} computed)", ""]
        if name == CHECK:
            if (out / "claims.md").exists():
                lines += ["Full evidence and errata: [claims.md](claims.md)", ""]
            continue
        for t in sorted(out.glob("*.md")):
            rel = t.relative_to(root)
            text = t.read_text()
            if text.count("\n") > 40:  # long tables are linked, not inlined
                lines += [f"Table: [{rel}]({rel})", ""]
            else:
                lines += [f"Table `{rel}`:", "", text.strip(), ""]
        for fig in sorted(out.glob("*.png")):
            rel = fig.relative_to(root)
            lines += [f"![{fig.stem}]({rel})", ""]
    return write_text(root / "REPORT.md", "\n".join(lines))


def _rates_summary(root: Path) -> list[str]:
    """Table 1's strongly convex cells in one compact table (mean statistic, fitted [95% CI] vs theory)."""
    import pandas as pd

    path = study_dir(root, "rates") / "rates.csv"
    if not path.exists():
        return []
    t = pd.read_csv(path)
    t = t[t.setting.str.startswith("strongly convex") & t.algorithm.isin(["gclip", "cclip"]) & (t.statistic == "mean")]
    cols = [("strongly convex d=1", "gclip"), ("strongly convex d=10", "gclip"), ("strongly convex d=10", "cclip")]
    lines = ["| noise | a | theory | " + " | ".join(f"{alg} {s.split()[-1]}" for s, alg in cols) + " |",
             "|---|---|---|" + "---|" * len(cols)]
    for (noise, a), g in t.groupby(["noise", "a"], sort=False, dropna=False):
        cells = []
        for setting, alg in cols:
            r = g[(g.setting == setting) & (g.algorithm == alg)]
            cells.append("" if r.empty else f"{r.fitted.iloc[0]:.3f} [{r.ci_low.iloc[0]:.3f}, {r.ci_high.iloc[0]:.3f}]"
                         f" {r.verdict.iloc[0]}")
        a_txt = "" if pd.isna(a) else f"{a:g}"
        lines.append(f"| {noise} | {a_txt} | {g.theory.iloc[0]:.3f} | " + " | ".join(cells) + " |")
    return lines


def update_readme(root: Path, readme: Path) -> None:
    """Rewrite the README's results section (between its results markers) from the studies' outputs."""
    from heavytail_sim.io import write_text

    lines = ["## Results", "",
             f"Generated by `heavytail-sim reproduce --full` from `{root}/`; the full report with every table and "
             f"figure is [`{root}/REPORT.md`]({root}/REPORT.md), the claim checks and errata are in "
             f"[`{root}/claims.md`]({root}/claims.md).", ""]
    for name in names():
        finding = study_finding(name, root)
        if finding:
            lines.append(f"- **{name}**: {finding}")
    table = _rates_summary(root)
    if table:
        lines += ["", "Table 1, strongly convex cells: fitted exponent of the mean error [95% bootstrap CI] and "
                  "verdict (|fitted - theory| <= 0.05). d = 1 CClip coincides with GClip.", ""] + table
    for fig, caption in (("rates/sc_d1.png", "Strongly convex, d = 1: measured mean error with the theory slope"),
                         ("lower_bound/lower_bound.png", "Lower-bound construction: every method above eps^2/64"),
                         ("update_dist/fig1_update_density.png", "Seed 002: simulated Adam updates against Thm 1")):
        if (root / fig).exists():
            lines += ["", f"![{caption}]({root}/{fig})"]
    text = readme.read_text()
    head, rest = text.split("<!-- results:start -->", 1)
    _, tail = rest.split("<!-- results:end -->", 1)
    write_text(readme, head + "<!-- results:start -->\n" + "\n".join(lines) + "\n<!-- results:end -->" + tail)


def _check_options(args: argparse.Namespace) -> list[str]:
    """Every option checked before anything is created; the selected study names."""
    from heavytail_sim.errors import UsageError
    from heavytail_sim.study import check_seed
    from heavytail_sim.sweep import check_jobs

    chosen = selected_studies(args.only, names())
    check_seed(args.seed)
    check_jobs(args.jobs)
    if args.scheduler is not None and not str(args.scheduler).strip():
        raise UsageError("--scheduler: give an address such as tcp://host:8786")
    for name in chosen:  # every preset is valid with this seed (memory estimates included)
        if name != CHECK:
            _studies()[name].configure(args.mode, (), args.seed)
    return chosen


def run(args: argparse.Namespace) -> int:
    from heavytail_sim.io import output_dir
    from heavytail_sim.progress import Progress
    from heavytail_sim.study import default_root
    from heavytail_sim.sweep import run_tasks

    chosen = _check_options(args)
    root_arg = Path(args.out) if args.out is not None else default_root(args.mode)
    weights = [CHECK_WEIGHT if n == CHECK else _studies()[n].weight for n in chosen]
    t0 = time.perf_counter()
    with output_dir(root_arg, "--out") as root:
        tasks = [(run_study, {"name": n, "mode": args.mode, "root": str(root), "seed": args.seed,
                              "force": args.force}) for n in chosen]
        with Progress(sum(weights), f"reproduce ({args.mode})") as bar:
            def done(i, rec):
                bar.update(weights[i])
                print(f"{rec['study']:>12}: {rec['status']:>6} in {rec['wall']:7.1f} s "
                      f"(cache {rec['hits']} hits, {rec['misses']} computed)", flush=True)

            records = run_tasks(tasks, jobs=args.jobs, scheduler=args.scheduler, on_done=done)
    report = write_report(root, records, args.mode, args.seed, time.perf_counter() - t0)
    readme = Path("README.md")
    if args.mode == "full" and args.only is None and readme.exists() and "<!-- results:start -->" in readme.read_text():
        update_readme(root, readme)
        print("updated the results section of README.md")
    failed = [r["study"] for r in records if r["status"] == "failed"]
    print(f"wrote {report}" + (f"; failed: {', '.join(failed)} (see their .log files)" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    from heavytail_sim.cli import standalone

    sys.exit(standalone(sys.modules[__name__], prog="python -m experiments.reproduce"))
