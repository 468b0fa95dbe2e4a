"""Run independent tasks (study runs, sweep cells) sequentially, in local processes, or on Dask.

A task is a picklable ``(function, kwargs)`` pair whose function lives at module level. Results come
back in task order. Local processes split the machine's cores between them (each gets
``cores // jobs`` numba threads), since every simulation is itself parallel over runs.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable

from .errors import UsageError


def _limit_threads(n: int) -> None:
    # runs in a fresh worker before numba is imported there, so the limit takes effect
    os.environ["NUMBA_NUM_THREADS"] = str(n)


def check_jobs(jobs) -> int:
    """``jobs`` (local processes) when it is an integer >= 1; UsageError naming ``--jobs`` otherwise."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"--jobs: must be an integer >= 1, got {jobs!r}")
    return jobs


def run_tasks(tasks: list[tuple[Callable, dict]], jobs: int = 1, scheduler: str | None = None,
              on_done: Callable[[int, object], None] | None = None) -> list:
    """Results of ``fn(**kwargs)`` for each task; ``on_done(index, result)`` is called as each finishes.

    ``scheduler`` is a Dask distributed scheduler address (``tcp://host:8786``) or a ``distributed.Client``;
    otherwise ``jobs`` local processes (1: run in this process).
    """
    check_jobs(jobs)
    results: list = [None] * len(tasks)
    if scheduler is not None:
        return _run_dask(tasks, scheduler, on_done, results)
    if jobs == 1:
        for i, (fn, kw) in enumerate(tasks):
            results[i] = fn(**kw)
            if on_done:
                on_done(i, results[i])
        return results
    import multiprocessing as mp

    threads = max(1, (os.cpu_count() or 1) // jobs)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn"),
                             initializer=_limit_threads, initargs=(threads,)) as pool:
        futures = {pool.submit(fn, **kw): i for i, (fn, kw) in enumerate(tasks)}
        for fut in as_completed(futures):
            i = futures[fut]
            results[i] = fut.result()
            if on_done:
                on_done(i, results[i])
    return results


def _run_dask(tasks, scheduler, on_done, results):
    try:
        from distributed import Client, as_completed as dask_completed
    except ImportError:
        raise UsageError("--scheduler needs Dask: pip install 'heavytail-sim[dask]'") from None
    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout="10s") if own else scheduler
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise UsageError(f"--scheduler: cannot reach the Dask scheduler at {scheduler}: "
                         f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    try:
        futures = [client.submit(fn, pure=False, **kw) for fn, kw in tasks]
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in dask_completed(futures):
            i = index[fut.key]
            results[i] = fut.result()
            if on_done:
                on_done(i, results[i])
    finally:
        if own:
            client.close()
    return results
