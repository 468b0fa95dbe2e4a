"""``heavytail-sim reproduce``: every study and the claim checks, one cache, one progress bar, one report.

Each study runs with the simulation cache on (``<out>/.cache``): every finished simulation is stored
atomically under a key of its full configuration, so an interrupted run (Ctrl-C, a killed process)
resumes where it stopped, and a study whose outputs are complete for the same configuration is skipped
altogether (marker ``.done.json`` in its directory). ``--force`` recomputes everything.

Studies run one after another in this process by default (each simulation is already parallel over
runs on all cores); ``--jobs N`` runs N studies at once in local processes, and ``--scheduler ADDRESS``
sends them to a Dask distributed scheduler (workers must see the same file system for the cache).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from pathlib import Path

from heavytail_sim.cli import standalone

HELP = "run every study and the claim checks (cached, resumable) and write figures/REPORT.md"
DESCRIPTION = __doc__

# study name -> (module, expected share of the run time, used only to weight the progress bar)
STUDIES = {
    "check": ("proofs_check.cli", 1),
    "rates": ("experiments.rates", 6),
    "lower-bound": ("experiments.lower_bound", 2),
    "dimension": ("experiments.dimension", 2),
    "acclip": ("experiments.acclip", 2),
    "update-dist": ("experiments.update_dist", 2),
    "noise": ("experiments.noise_diagnostics", 2),
}


def add_root_arguments(p: argparse.ArgumentParser, quick_help: str, full_help: str) -> None:
    """--quick/--full, --out ROOT, --seed and --only, shared with ``heavytail-sim figures``."""
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="mode", action="store_const", const="quick", help=quick_help)
    mode.add_argument("--full", dest="mode", action="store_const", const="full", help=full_help)
    p.set_defaults(mode="quick")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="root of the outputs (default figures with --full, figures/quick with --quick)")
    p.add_argument("--seed", type=int, default=0, help="master seed passed to every study (default 0)")
    p.add_argument("--only", default=None, metavar="NAMES",
                   help=f"comma-separated subset of: {', '.join(STUDIES)}")


def selected_studies(only: str | None, default: list[str]) -> list[str]:
    """The studies named by ``--only`` (all of ``default`` without it); UsageError for unknown names."""
    from heavytail_sim.errors import UsageError

    names = default if only is None else [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in names if n not in STUDIES]
    if unknown or not names:
        raise UsageError(f"--only: unknown study {', '.join(unknown) or '(none given)'} "
                         f"(choose from {', '.join(STUDIES)})")
    return names


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_root_arguments(p, "every study in its quick mode (default; about 10 minutes on 2 cores)",
                       "every study in its full mode: the committed figures")
    p.add_argument("--jobs", type=int, default=1, help="studies run at once in local processes (default 1)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="Dask distributed scheduler address, e.g. tcp://host:8786 (needs heavytail-sim[dask])")
    p.add_argument("--force", action="store_true", help="ignore the cache and recompute everything")


def study_dir(root: Path, name: str) -> Path:
    # the claim checks write claims.md at the root, next to REPORT.md (figures/claims.md)
    return root if name == "check" else root / name.replace("-", "_")


def study_argv(name: str, mode: str, out: Path, seed: int) -> list[str]:
    if name == "check":
        return ["--out", str(out)]
    return [f"--{mode}", "--out", str(out), "--seed", str(seed)]


def run_study(name: str, mode: str, root: str, seed: int, force: bool, read_only: bool = False) -> dict:
    """Run one study with the cache on; returns its name, status, wall time and cache counts.

    A study whose directory holds a completion record for the same configuration (written by any
    earlier successful run, standalone or from here) is not run again unless ``force``. With
    ``read_only`` the study is re-run from the cache alone (tables and figures redrawn; a missing entry
    raises :class:`heavytail_sim.cache.CacheMiss`) and its completion record is left as it was.
    """
    import importlib

    from heavytail_sim import cache
    from heavytail_sim.cache import ResultCache, config_key
    from heavytail_sim.cli import OneLineParser
    from heavytail_sim.io import ensure_dir, write_text
    from heavytail_sim.progress import silenced
    from heavytail_sim.study import completed, identity, mark_completed

    out = ensure_dir(study_dir(Path(root), name))
    mod = importlib.import_module(STUDIES[name][0])
    key = config_key(identity(name, mode, seed, getattr(mod, "CONFIGS", {}).get(mode, {})))
    done = None if (force or read_only) else completed(out, key)
    if done is not None:
        return {**done, "study": name, "status": "cached"}
    parser = OneLineParser(prog=f"heavytail-sim {name}")
    mod.add_arguments(parser)
    argv = study_argv(name, mode, out, seed)
    args = parser.parse_args(argv)
    store = ResultCache(Path(root) / ".cache", force=force, read_only=read_only)
    log = io.StringIO()
    t0 = time.perf_counter()
    # the study's own output (tables, progress lines) goes to its log: one progress display overall
    with cache.using(store), silenced(), contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        code = int(mod.run(args) or 0)
    wall = time.perf_counter() - t0
    write_text(out / f"{name.replace('-', '_')}.log", log.getvalue())
    record = {"study": name, "key": key, "code": code, "wall": wall, "hits": store.hits, "misses": store.misses,
              "command": "heavytail-sim " + " ".join([name] + argv)}
    if code == 0 and not read_only:
        mark_completed(out, record)
    return {**record, "status": "ran" if code == 0 else "failed"}


def _finding(name: str, out: Path) -> str:
    import importlib

    mod = importlib.import_module(STUDIES[name][0])
    fn = getattr(mod, "finding", None)
    if fn is None:
        return ""
    try:
        return fn(out)
    except (OSError, KeyError, ValueError) as exc:  # a missing or malformed table: say so in the report
        return f"(finding unavailable: {exc})"


def write_report(root: Path, records: list[dict], mode: str, seed: int, total: float) -> Path:
    """``REPORT.md`` at ``root``: per study its finding, command, seed, version, wall time, tables, figures."""
    import importlib

    from heavytail_sim import __version__
    from heavytail_sim.io import write_text

    lines = [f"# heavytail-sim {__version__}: reproduction report ({mode} mode)", "",
             f"Command: `heavytail-sim reproduce --{mode} --seed {seed}`; total wall time {total:.0f} s on this "
             f"machine (cached studies count with the wall time of the run that computed them).", ""]
    for rec in records:
        name = rec["study"]
        out = study_dir(root, name)
        mod = importlib.import_module(STUDIES[name][0])
        lines += [f"## {name}", "", mod.HELP, ""]
        finding = _finding(name, out)
        if finding:
            lines += [f"**Finding.** {finding}", ""]
        lines += [f"- command: `{rec['command']}`", f"- seed: {seed}; package version: {__version__}",
                  f"- wall time: {rec['wall']:.1f} s ({rec['status']}; simulation cache: {rec['hits']} hits, "
                  f"{rec['misses']} computed)", ""]
        tables = sorted(out.glob("*.md")) if name != "check" else [out / "claims.md"]
        for t in tables:
            if t.name in ("REPORT.md", "README.md") or not t.exists():
                continue
            rel = t.relative_to(root)
            if name == "check":
                lines += [f"Full evidence and errata: [{rel}]({rel})", ""]
                continue
            text = t.read_text()
            if text.count("\n") > 40:  # long tables are linked, not inlined
                lines += [f"Table: [{rel}]({rel})", ""]
            else:
                lines += [f"Table `{rel}`:", "", text.strip(), ""]
        for fig in sorted(out.glob("*.png")) if name != "check" else []:
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
    for name in STUDIES:
        finding = _finding(name, study_dir(root, name))
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


def run(args: argparse.Namespace) -> int:
    from heavytail_sim.io import ensure_dir
    from heavytail_sim.progress import Progress
    from heavytail_sim.sweep import run_tasks

    names = selected_studies(args.only, list(STUDIES))
    root = ensure_dir(args.out if args.out is not None else ("figures" if args.mode == "full" else "figures/quick"))
    tasks = [(run_study, {"name": n, "mode": args.mode, "root": str(root), "seed": args.seed, "force": args.force})
             for n in names]
    weights = [STUDIES[n][1] for n in names]
    t0 = time.perf_counter()
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
    print(f"wrote {report}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(standalone(sys.modules[__name__]))
