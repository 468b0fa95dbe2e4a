import argparse

import pandas as pd
import pytest

from heavytail_sim.errors import UsageError
from heavytail_sim.study import add_study_arguments, apply_overrides, derive_seed, markdown_table, resolve

CONFIGS = {"quick": {"runs": 10, "tol": 0.1, "dims": (1, 10), "plot": True, "name": "x"},
           "full": {"runs": 1000, "tol": 0.05, "dims": (1, 10, 100), "plot": True, "name": "x"}}


def _parse(argv):
    p = argparse.ArgumentParser()
    add_study_arguments(p, "demo")
    return p.parse_args(argv)


def test_presets_overrides_and_out_dir(tmp_path):
    cfg, out = resolve(_parse(["--full", "--out", str(tmp_path / "o"), "--set", "runs=50", "--set", "dims=[2, 3]"]),
                       CONFIGS, "demo")
    assert cfg["runs"] == 50 and cfg["dims"] == (2, 3) and cfg["tol"] == 0.05 and out.is_dir()
    assert CONFIGS["full"]["runs"] == 1000  # presets are not mutated


@pytest.mark.parametrize("item,needle", [("nruns=5", "unknown parameter"), ("runs=abc", "integer"),
                                         ("tol=inf", "finite"), ("plot=1", "True or False"), ("runs", "KEY=VALUE"),
                                         ("dims=5", "tuple")])
def test_bad_overrides_are_usage_errors(item, needle):
    with pytest.raises(UsageError, match=needle):
        apply_overrides(CONFIGS["quick"], [item])


def test_seeds_and_markdown():
    assert derive_seed(0, 1) == derive_seed(0, 1) != derive_seed(0, 2)
    md = markdown_table(pd.DataFrame({"a": [1, 2], "b": [0.123456, 2.0]}), digits=3)
    assert md.splitlines()[0] == "| a | b |" and "0.123" in md
