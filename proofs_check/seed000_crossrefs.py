"""Seed 000: cross-references the text gets wrong, decided against a table of what each labelled object
of the seed states (its algorithm, setting, assumption and place). The table records facts about the
seed; a claim looks up which object has the content a sentence points to and compares labels."""
from __future__ import annotations

from .registry import claim as _claim
from .registry import equal

SEED = "000"

# label -> what the seed's object of that label is about (seed 000)
OBJECTS: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    "Figure 2": {"noise-norm histograms", "synthetic Gaussian and stable histograms", "empirical variance against sample size", "Sec 2"},
    "Figure 7": {"tail-index estimates", "App H"},
    "Assumption 1": {"alpha-moment of the stochastic gradient", "G"},
    "Assumption 2": {"coordinate-wise alpha-moment", "B"},
    "Definition 3": {"strong convexity", "App B"},
    "Definition 4": {"L-smoothness", "App B"},
    "Theorem 1": {"GClip", "strongly convex", "main text"},
    "Theorem 2": {"GClip", "non-convex", "main text"},
    "Corollary 1": {"GClip", "strongly convex", "coordinate-wise", "main text"},
    "Theorem 3": {"CClip", "strongly convex", "coordinate-wise", "main text"},
    "Corollary 3": {"GClip", "non-convex", "coordinate-wise", "App F", "B"},
    "Theorem 5": {"CClip", "non-convex", "coordinate-wise", "App F", "B"},
    "Theorem 4": {"lower bound", "main text"},
    "Theorem 6": {"lower bound", "App G"},
}.items()}


def claim(id: str, location: str, statement: str, **kw):
    """Register a seed 000 claim."""
    return _claim(id, SEED, location, statement, **kw)


def lookup(*content: str) -> frozenset[str]:
    """Labels of the objects that have all the given content."""
    return frozenset(label for label, attrs in OBJECTS.items() if set(content) <= attrs)


@claim("000-xref-fig7", "Sec 2", "Figure 7 (a)-(f) shows the noise-norm histograms, the synthetic comparisons and the empirical variance.",
       mutant={"cited": frozenset({"Figure 2"})})
def _fig7(cited: frozenset = frozenset({"Figure 7"})):
    return equal("figure showing the noise-norm histograms", lookup("noise-norm histograms"), cited,
                 corrected="the panels described are those of {computed}; Figure 7 shows tail-index estimates (App H)")


@claim("000-xref-nonconvex", "Sec 4.2, after Theorem 3",
       "The non-convex comparison of GClip and CClip is in 'Thms 5 and 3 in Appendix F'.",
       mutant={"cited": frozenset({"Corollary 3", "Theorem 5"})})
def _nonconvex(cited: frozenset = frozenset({"Theorem 5", "Theorem 3"})):
    return equal("non-convex results in App F", lookup("non-convex", "App F"), cited, corrected="the non-convex results are {computed}")


@claim("000-xref-assumption4", "App E, proof of Theorem 2", "'By Assumption 4' (the L-smoothness used in the first display).",
       mutant={"cited": frozenset({"Definition 4"})})
def _assumption4(cited: frozenset = frozenset({"Assumption 4"})):
    return equal("object defining L-smoothness", lookup("L-smoothness"), cited, corrected="L-smoothness is {computed}; there is no Assumption 4")


@claim("000-xref-cor3-assumption", "App F.1, Corollary 3", "Corollary 3 runs GClip 'under the Assumption of 1' (its bound is in ||B||_alpha).",
       mutant={"cited": frozenset({"Assumption 2"})})
def _cor3_assumption(cited: frozenset = frozenset({"Assumption 1"})):
    return equal("assumption that defines B", lookup("B") & lookup("coordinate-wise alpha-moment"), cited,
                 corrected="the bound in ||B||_alpha needs {computed}")


@claim("000-xref-thm5-assumption", "App F.2, Theorem 5", "Theorem 5 runs CClip 'under the Assumption of 1' (its bound is in ||B||_alpha).",
       mutant={"cited": frozenset({"Assumption 2"})})
def _thm5_assumption(cited: frozenset = frozenset({"Assumption 1"})):
    return equal("assumption that defines B", lookup("B") & lookup("coordinate-wise alpha-moment"), cited,
                 corrected="the bound in ||B||_alpha needs {computed}")


@claim("000-xref-appG-number", "App G title and statement", "App G ('Proof of Theorem 4') proves Theorem 4, the lower bound of Sec 4.3.",
       mutant={"labels": frozenset({"Theorem 4", "Theorem 6"})})
def _appg(labels: frozenset = frozenset({"Theorem 4"})):
    return equal("labels carried by the lower-bound theorem", lookup("lower bound"), labels,
                 corrected="the lower bound is numbered Theorem 4 in Sec 4.3 and restated as Theorem 6 in App G: labels {computed}")
