"""The claim registry and report: pinned verdicts, the mutant of every claim, evidence built from computed
values, the coverage inventory, and the CLI contract.

All claims and their mutants run once per module (``outcomes`` fixture); the symbolic work dominates.
"""
from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import re

import numpy as np
import pytest
import sympy as sp

from proofs_check import registry
from proofs_check.inventory import ITEMS, coverage
from proofs_check.registry import (Comparison, Readings, Relation, Verdict, all_claims, approx_law, close, count, equal, flips, ge,
                                   gt, judge, law, le, limit, lt, monte_carlo, run_claim, trend, within)

V, R, D = Verdict.VERIFIED, Verdict.REFUTED, Verdict.DEPENDS

# The verdict each check must compute. A change to a check (or to sympy) that flips one fails here.
EXPECTED: dict[str, Verdict] = {
    "002-eq8-mean": R, "002-eq8-var": R, "002-eq8-beta0": V, "002-eq8-beta1": V, "002-sec3.1-unbias-factor": R,
    "002-eq9-equality": R, "002-eq9-rhs": V, "002-eq10": R, "002-eq10-below-sigma2": V, "002-limit-beta-0.9": R,
    "002-limit-beta-0.99": V, "002-sec3.1-nonzero-variance": V, "002-eq11": D, "002-eq11-simple-average": R,
    "002-eq12": V, "002-sec3.1-approx-range": V, "002-sec3-xbar-var": V, "002-sec3-mle": V, "002-eq5": V,
    "002-sec3-chi2-sum": V, "002-sec3-chi2-exponential": V, "002-eq6": V, "002-sec3-U-unbiased": D,
    "002-sec3-t-law": D, "002-sec3-t1-cauchy": V, "002-student-var": V, "002-sec3-t-var-finite": V,
    "002-sec3-T-general": D, "002-sec3-F-variable": R, "002-eq7": R, "002-eq7-sqrt-t": V, "002-F-mean": V,
    "002-F-var": R, "002-F-var-divergent": R, "002-F-var-decreasing": V, "002-eq15": V, "002-eq16": D,
    "002-m1-delta": V, "002-eq17": V, "002-eq18": V, "002-eq19": R, "002-eq21": V, "002-eq22": V, "002-K-mode": R,
    "002-eq23": V, "002-eq24": V, "002-eq24-c": V, "002-G-mode": R, "002-G-mode-c": R, "002-eq25": V,
    "002-eq25-moments": V, "002-eq26": V, "002-eq27": R, "002-eq27-endpoints": D, "002-m-to-1": V, "002-eq28": V,
    "002-eq28-support": R, "002-eq28-is-update": R, "002-eq28-variance": D, "002-eq29": V, "002-eq30": V,
    "002-eq31": V, "002-eq32": R, "002-eq33": R, "002-thm1-law": V, "002-thm1-normalisation": R, "002-sec4-bounded": V,
    "002-fig1-modes": V, "002-sec5.1-transition": D, "002-fig2-transition": D, "002-sec3-chi2-limit": V,
    "002-eq6-limit": V, "002-sec3-t-limit": V, "002-eq25-law": V, "002-eq31-law": V, "002-eq29-limit": V,
    "002-sec4-same-limit": V, "002-m-to-1-law": R, "002-cor1": V, "002-cor2": V, "002-cor2-monotone": V,
    "002-eq34-abs-var": D, "002-eq34": V, "002-eq34-limit": D, "002-eq34-overestimate": V, "002-eq34-trend-t": V,
    "002-eq34-trend-actual": D, "002-sec5.2-increasing": D, "002-prop1": V, "002-sec2-bias-correction": V,
    "002-sec6.1-increasing": V, "002-sec6.1-decreasing": V, "002-sec6.1-thinner": V, "002-sec6.2-skew-sign": D,
    "002-sec6.2-recentre": V, "002-sec6.2-growing-mean": D, "002-sec6.3-trimodal": V, "000-appA-linear": R,
    "000-appA-identity": R, "000-appA-bias-variance": V, "000-appA-independence": R, "000-appA-sum-variance": R,
    "000-appA-max": R, "000-appA-conclusion": D, "000-appA-pareto": V, "000-appA-clipping": V,
    "000-lemma2-variance": V, "000-lemma2-bias": V, "000-lemma2-markov-step": V, "000-lemma2-tradeoff": V,
    "000-lemma5": V, "000-sec2.1-pareto": V, "000-sec3.1": V, "000-sec3-lyapunov": V, "000-sec3-alpha1": D,
    "000-sec3-acclip-ema": V, "000-lemma4-upper": V, "000-lemma4-lower": D, "000-lemma4-concave": V,
    "000-lemma4-jensen": V, "000-lemma4-upper-chain": V, "000-lemma4-remark-equal": V,
    "000-lemma4-remark-correlated": V, "000-lemma4-remark-independent": R, "000-lemma4-remark-dependent": D,
    "000-sec4.2-tight": D, "000-cor1": V, "000-cor1-d": D, "000-cor3": V, "000-norms": V, "000-thm1-expansion": V,
    "000-thm1-strong-convexity": V, "000-thm1-young": V, "000-thm1-rearrange": V, "000-thm1-telescope": V,
    "000-thm1-perstep": V, "000-thm1-sum": V, "000-thm1-divide": D, "000-thm1-K-ratio": V, "000-thm1-final-step": D,
    "000-thm1-constant": R, "000-thm1-jensen": V, "000-thm1": V, "000-thm2-descent": V, "000-thm2-amgm": V,
    "000-thm2-step": V, "000-thm2-sum": V, "000-thm2-T2": V, "000-thm2": V, "000-thm3": V, "000-thm5": V,
    "000-table1-sc": V, "000-table1-nc": V, "000-table1-standard": V, "000-table1-lower": V, "000-appB-mu-le-L": V,
    "000-appB-bounded-domain": V, "000-appB-projection": V, "000-lb-mu-L": V, "000-lb-gamma": V, "000-lb-p-form": V,
    "000-lb-p-range": V, "000-lb-unbiased": V, "000-lb-moment": V, "000-lb-lemma6-average": V,
    "000-lb-lemma6-markov": V, "000-lb-lemma6-test": V, "000-lb-lemma7-identity": V, "000-lb-lemma7-chi2": V,
    "000-lb-lemma7": V, "000-lb-eps": R, "000-lb-eps-range": V, "000-lb-final": V, "000-xref-fig7": R,
    "000-xref-nonconvex": R, "000-xref-assumption4": R, "000-xref-cor3-assumption": R, "000-xref-thm5-assumption": R,
    "000-xref-appG-number": R, "001-sec4.1-tight": D, "001-appA-gradient-bound": V, "001-sec3-weaker": V,
    "001-sec3-stable": V,
}


@pytest.fixture(scope="module")
def outcomes() -> dict[str, registry.Outcome]:
    """Every check and its mutant, run once for the whole module."""
    return {c.id: run_claim(c) for c in all_claims()}


def test_every_claim_is_pinned(outcomes):
    # seed 001's own modules pin their claims in tests/test_proofs_check_seed001.py
    from test_proofs_check_seed001 import EXPECTED as SEED001

    assert set(outcomes) == set(EXPECTED) | set(SEED001) and not set(EXPECTED) & set(SEED001)


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_verdict(outcomes, claim_id):
    result = outcomes[claim_id].result
    assert result.verdict is EXPECTED[claim_id], result.details or result.evidence


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_mutant_flips_the_verdict(outcomes, claim_id):
    o = outcomes[claim_id]
    assert o.mutant is not None and o.mutant.verdict is not Verdict.CRASHED, o.mutant.details if o.mutant else "not run"
    assert o.mutant_flips, f"{claim_id}: {o.result.verdict.value} -> mutant {o.mutant.verdict.value}: {o.mutant.evidence}"


def test_mutants_replace_statement_parameters():
    for c in all_claims():
        params = inspect.signature(c.check).parameters
        for name, value in c.mutant.items():
            default = params[name].default
            assert default is not inspect.Parameter.empty, (c.id, name)
            assert not (default is value or default == value), f"{c.id}: the mutant of {name} equals the seed's statement"


def test_flip_rule():
    assert flips(V, R) and flips(R, V) and flips(D, V) and flips(D, R)
    assert not flips(V, V) and not flips(R, R) and not flips(R, D) and not flips(D, D) and not flips(V, Verdict.CRASHED)


def test_refuted_claims_carry_a_correction_and_readings_differ(outcomes):
    for o in outcomes.values():
        if o.result.verdict is R:
            assert o.result.corrected and len(o.result.corrected) > 10, o.claim.id
        if o.result.verdict is D:
            assert len({r.verdict for r in o.result.readings}) > 1, o.claim.id
            assert all(r.corrected for r in o.result.readings if r.verdict is R), o.claim.id


def test_claims_have_seed_location_statement():
    for c in all_claims():
        assert c.seed in {"000", "001", "002"} and c.location and c.statement, c.id
        assert c.id.startswith(c.seed + "-"), c.id


def test_hand_typed_exponent_check_is_gone():
    assert "001-thm6" not in {c.id for c in all_claims()}


# ---- the registry decides; checks only return values ------------------------------------------------

def _comparisons(returned):
    if isinstance(returned, Readings):
        out = []
        for comps in returned.readings.values():
            out += _comparisons(comps)
        return out
    return [returned] if isinstance(returned, Comparison) else list(returned)


def test_checks_return_values_not_verdicts():
    for c in all_claims("000-lb"):  # cheap claims: call the checks directly
        for comp in _comparisons(c.check()):
            assert isinstance(comp, Comparison) and not isinstance(comp.computed, bool)
    with pytest.raises(TypeError):
        judge(True)
    with pytest.raises(TypeError):
        judge(equal("x", True, 1))
    assert run_claim(registry.Claim("zz", "000", "nowhere", "s", lambda: "VERIFIED", {"x": 1})).result.verdict is Verdict.CRASHED


def test_no_claim_module_writes_evidence_or_verdicts():
    import importlib

    for name in registry.CLAIM_MODULES:
        src = inspect.getsource(importlib.import_module(name))
        tree = ast.parse(src)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"VERIFIED", "REFUTED", "DEPENDS"}, f"{name} names a verdict"
            if isinstance(node, ast.keyword):
                assert node.arg not in {"evidence", "verdict"}, f"{name} passes {node.arg}="


def test_evidence_is_derived_from_the_computed_values(outcomes):
    # claims of every relation kind (checks are called again here; their heavy parts are cached)
    claims = [c for prefix in ("002-eq2", "000-lb", "000-appA", "002-sec6", "002-sec3-t", "000-xref") for c in all_claims(prefix)]
    kinds = set()
    for c in claims:
        for comp in _comparisons(c.check()):
            kinds.add(comp.relation)
            holds, detail = registry.decide(comp)
            text = registry.render(comp, holds, detail)
            if comp.relation not in (Relation.LAW, Relation.LIMIT, Relation.KS, Relation.TREND, Relation.MC, Relation.APPROX_LAW):
                assert registry.show(comp.computed) in text
            # change the computed value: the evidence changes with it (no fixed text)
            changed = dataclasses.replace(comp, computed=_perturb(comp.computed))
            h2, d2 = registry.decide(changed)
            assert registry.render(changed, h2, d2) != text, c.id
    assert len(kinds) >= 8, kinds


def _perturb(v):
    if isinstance(v, (set, frozenset)):
        return frozenset({"another label"})
    if isinstance(v, str):
        return v + " (changed)"
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v) + 1
    if isinstance(v, sp.Basic):
        return sp.Integer(7) if v.is_infinite else v + sp.Rational(1, 7)
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_perturb(x) for x in v]
    return float(v) * 1.5 + 0.25


@pytest.mark.parametrize("relation, holds, fails", [
    (equal, (sp.Symbol("m") ** 2 - 1, (sp.Symbol("m") - 1) * (sp.Symbol("m") + 1)), (sp.Symbol("m") ** 2, sp.Symbol("m") ** 2 + 1e-20)),
    (close, (1.0 + 5e-7, 1.0), (1.0 + 2e-6, 1.0)),
    (le, ([1.0, 2.0], 2.0), ([1.0, 2.1], 2.0)),
    (ge, (1.0, 1.0), (0.999, 1.0)),
    (lt, (0.5, 1.0), (1.0, 1.0)),
    (gt, (2.0, 1.0), (1.0, 1.0)),
    (within, ([0.1, 0.5], sp.Interval.Lopen(0, sp.Rational(1, 2))), ([0.0, 0.5], sp.Interval.Lopen(0, sp.Rational(1, 2)))),
    (count, (3, 3), (2, 3)),
    (law, ([0.1, 0.5], [0.1, 0.5 + 1e-7]), ([0.1, 0.5], [0.1, 0.51])),
    (approx_law, ([0.009, 0.001], 0.01), ([0.011], 0.01)),
    (limit, ([1.0, 0.1, 0.001], 0.0), ([1.0, 0.5, 0.4], 0.0)),
    (monte_carlo, (1.02, 1.0), (1.2, 1.0)),
])
def test_each_relation_decides_with_its_tolerance(relation, holds, fails):
    kw = {"se": 0.01} if relation is monte_carlo else {}
    if relation is equal:
        kw["points"] = [{sp.Symbol("m"): sp.Rational(3, 2)}, {sp.Symbol("m"): 5}]
    assert registry.decide(relation("q", *holds, **kw))[0]
    assert not registry.decide(relation("q", *fails, **kw))[0]


def test_trend_and_ks_relations():
    rng = np.random.default_rng(0)
    from scipy import stats

    assert registry.decide(trend("y", [1.0, 0.6, 0.3], -1, se=[0.01, 0.01, 0.01], at=[1, 2, 3]))[0]
    assert not registry.decide(trend("y", [1.0, 0.6, 0.3], 1, se=[0.01, 0.01, 0.01], at=[1, 2, 3]))[0]
    x = rng.normal(size=5000)
    assert registry.decide(registry.ks("x", x, stats.norm.cdf))[0]
    assert not registry.decide(registry.ks("x", x + 0.3, stats.norm.cdf))[0]


def test_readings_agree_or_depend():
    v, r = equal("a", 1, 1), equal("b", 1, 2)
    assert judge(Readings({"x": v, "y": v})).verdict is V
    assert judge(Readings({"x": r, "y": r})).verdict is R
    res = judge(Readings({"x": v, "y": r}))
    assert res.verdict is D and [x.verdict for x in res.readings] == [V, R] and res.readings[1].corrected


def test_corrected_statement_is_filled_from_values():
    c = equal("E K", sp.Integer(1) / sp.Symbol("m"), 1 / (sp.Symbol("m") - 1), points=[{sp.Symbol("m"): 3}],
              corrected="E K = {computed} ({note})", context={"note": 7})
    res = judge(c)
    assert res.verdict is R and res.corrected == "E K = 1/m (7)"


def test_claim_decorator_rejects_a_mutant_that_is_not_a_statement_parameter():
    with pytest.raises(ValueError):
        registry.claim("zz-bad", "000", "x", "s", mutant={"nope": 1})(lambda value=1: equal("v", value, 1))
    with pytest.raises(ValueError):
        registry.claim("zz-bad2", "000", "x", "s", mutant={})(lambda value=1: equal("v", value, 1))


# ---- inventory and coverage ---------------------------------------------------------------------

def test_inventory_covers_every_claim_and_names_only_registered_ones():
    ids = {c.id for c in all_claims()}
    listed = {cid for it in ITEMS for cid in it.claims}
    assert listed <= ids, sorted(listed - ids)
    assert ids <= listed, sorted(ids - listed)


def test_inventory_items_are_classified():
    for it in ITEMS:
        kinds = [bool(it.claims), it.pending is not None, it.reason is not None]
        assert sum(kinds) == 1, it
    assert not [it for it in ITEMS if it.pending]  # every checkable statement of the three seeds is registered


def test_coverage_counts():
    rows = coverage()
    assert {r["seed"] for r in rows} == {"000", "001", "002"}
    for r in rows:
        assert r["registered"] + r["pending"] == r["checkable"]
    by_seed = {s: sum(r["registered"] for r in rows if r["seed"] == s) for s in ("000", "001", "002")}
    assert all(v > 20 for v in by_seed.values())


# ---- CLI and report -----------------------------------------------------------------------------

def _cli_args(tmp_path, only: str) -> argparse.Namespace:
    from proofs_check import cli

    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(["--out", str(tmp_path), "--only", only])


def test_cli_writes_report_with_errata_coverage_and_mutants(tmp_path, capsys):
    from proofs_check import cli

    assert isinstance(cli.HELP, str) and "\n" not in cli.HELP
    rc = cli.run(_cli_args(tmp_path, "002-eq1"))  # eq10-eq19: refuted, verified and depends-on-reading claims
    assert rc == 0
    text = (tmp_path / "claims.md").read_text()
    assert "## Errata" in text and "002-eq19" in text and "exp(-z/(2k))" in text
    assert "## Coverage" in text and "registered / checkable" in text and "## Verdicts that depend on the reading" in text
    assert re.search(r"Mutants: \d+ of \d+ mutants flip", text)
    assert "002-eq12" in capsys.readouterr().out


def test_cli_exit_codes(tmp_path, monkeypatch):
    from proofs_check import cli

    def broken():
        raise ZeroDivisionError("deliberate")

    def stuck(value: int = 1):  # its mutant does not change the verdict
        return equal("v", 1, 1)

    monkeypatch.setitem(registry._REGISTRY, "zz-broken", registry.Claim("zz-broken", "000", "nowhere", "s", broken, {"x": 1}))
    monkeypatch.setitem(registry._REGISTRY, "zz-stuck", registry.Claim("zz-stuck", "000", "nowhere", "s", stuck, {"value": 2}))
    assert cli.run(_cli_args(tmp_path, "zz-broken")) == 1
    assert cli.run(_cli_args(tmp_path, "zz-stuck")) == 1
    assert cli.run(_cli_args(tmp_path, "002-eq27")) == 0  # refuted, not an error
    assert cli.run(_cli_args(tmp_path, "no-such-claim")) == 2


def test_cli_module_imports_no_sympy_at_top():
    from proofs_check import cli

    top = [n for n in ast.parse(inspect.getsource(cli)).body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not any("sympy" in ast.dump(n) for n in top)


def test_finding_sentence_reads_the_report(tmp_path):
    from proofs_check.cli import finding

    (tmp_path / "claims.md").write_text("# x\n\nSummary: VERIFIED 2, REFUTED 1, DEPENDS-ON-READING 1, CRASHED 0 (of 4 claims). "
                                        "Mutants: 4 of 4 mutants flip their claim's verdict.\n")
    sentence = finding(tmp_path)
    assert sentence.startswith("Of 4 claims checked by computation: VERIFIED 2, REFUTED 1, DEPENDS-ON-READING 1")
    assert "4 of 4 deliberately mutated statements flip" in sentence
