"""``heavytail-sim diagnose FILE``: tail diagnosis of gradient-noise samples stored in a .npy/.npz file."""
from __future__ import annotations

import argparse
from pathlib import Path

HELP = "diagnose the tail of your own gradient noise (.npy/.npz of gradients, noise or norms)"
DESCRIPTION = """Estimate the tail index of gradient noise from N samples (N >= 500) with several estimators
(Hill with an automatic threshold, generalized Pareto maximum likelihood, the block estimator on vectors,
per coordinate and, for comparison only, on raw norms), each with a 95% percentile bootstrap interval,
against a Gaussian reference with the same covariance, and print a verdict with caveats.

FILE holds an (N, d) array of stochastic gradients (centred by their mean; --kind gradients, the default
for 2-d arrays), of noise vectors already centred (--kind noise), or an (N,) array of noise norms
(--kind norms). Writes <out>/<name>.csv (one row per estimate), <name>.md and <name>.png.

Example:
  heavytail-sim diagnose grads.npz --key layer3 --out diagnosis --boot 200 --seed 1"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter  # keep the example on its own line
    p.add_argument("file", metavar="FILE", help="a .npy or .npz file with the samples")
    p.add_argument("--key", default=None,
                   help="array inside a .npz file (default: the only array, or the first one)")
    p.add_argument("--kind", choices=("gradients", "noise", "norms"), default=None,
                   help="how to read the array: gradients (centred by their mean), noise (already centred) or "
                        "norms; default: gradients for a 2-d array, required for a 1-d array")
    p.add_argument("--out", default=".", metavar="DIR", help="output directory (default: current directory)")
    p.add_argument("--name", default=None, help="file stem of the outputs (default: diagnose_<FILE stem>)")
    p.add_argument("--boot", type=int, default=200, help="bootstrap resamples per interval (default 200)")
    p.add_argument("--seed", type=int, default=0, help="seed of resamples and reference draws (default 0)")
    p.add_argument("--max-coords", type=int, default=256,
                   help="coordinates estimated one by one, a seeded random subset if d is larger (default 256)")


def load_array(path: str, key: str | None):
    """The array in ``path`` (.npy, or .npz with ``key`` / its only or first array); UsageError naming FILE
    or --key when it cannot be read."""
    import zipfile

    import numpy as np

    from .errors import UsageError

    p = Path(path)
    if not p.is_file():
        raise UsageError(f"FILE '{path}' does not exist or is not a file")
    suffix = p.suffix.lower()
    if suffix not in (".npy", ".npz"):
        raise UsageError(f"FILE '{path}' must be a .npy or .npz file")
    if key is not None and suffix != ".npz":
        raise UsageError("--key applies to .npz files only")
    try:
        data = np.load(p, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise UsageError(f"cannot read FILE '{path}': {exc}") from None
    if suffix == ".npy":
        return data
    with data:
        names = list(data.files)
        if not names:
            raise UsageError(f"FILE '{path}' holds no arrays")
        if key is None:
            key = names[0]
        elif key not in names:
            raise UsageError(f"--key '{key}' is not in '{path}' (arrays: {', '.join(names)})")
        try:
            return data[key]
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            raise UsageError(f"cannot read array '{key}' of FILE '{path}': {exc}") from None


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from .noise_diagnosis import diagnose
    from .errors import UsageError
    from .io import check_writable_file, save_figure, write_csv, write_text

    if args.boot < 20:
        raise UsageError(f"--boot must be an integer >= 20, got {args.boot}")
    if args.max_coords < 1:
        raise UsageError(f"--max-coords must be a positive integer, got {args.max_coords}")
    x = load_array(args.file, args.key)
    if x.dtype.kind not in "iuf":
        raise UsageError(f"FILE '{args.file}' holds {x.dtype} data, not numbers")
    out = Path(args.out)
    if not out.is_dir():
        raise UsageError(f"--out directory '{out}' does not exist")
    stem = args.name or f"diagnose_{Path(args.file).stem}"
    paths = [out / f"{stem}{ext}" for ext in (".csv", ".md", ".png")]
    for p in paths:
        check_writable_file(p)
    try:
        res = diagnose(np.asarray(x, dtype=float), args.kind, n_boot=args.boot, seed=args.seed,
                       max_coords=args.max_coords)
    except UsageError as exc:
        flag = "--kind" if "kind" in str(exc) else "FILE"
        raise UsageError(f"{flag}: {exc}") from None
    title = f"{Path(args.file).name}" + (f"[{args.key}]" if args.key else "")
    tab = res.table()
    write_csv(tab, paths[0])
    write_text(paths[1], res.markdown(f"Tail diagnosis of {title}"))
    save_figure(res.figure(f"{title}: {res.verdict}"), paths[2])
    shape = f"{res.n} x {res.d}" if res.d else f"{res.n} norms"
    print(f"{title}: {shape}, read as {res.kind}; {args.boot} bootstrap resamples, seed {args.seed}")
    print(f"verdict: {res.verdict}")
    for c in res.caveats:
        print(f"  - {c}")
    print(f"{'source':<19} {'estimator':<23} {'alpha':>8} {'95% interval':>20}")
    for r in tab.itertuples():
        print(f"{r.source:<19} {r.estimator:<23} {r.alpha:>8.3g} [{r.ci_low:>8.3g}, {r.ci_high:>8.3g}]")
    print(f"wrote {', '.join(str(p) for p in paths)}")
    return 0
