"""``python -m experiments.rates``: the rates study with the options of ``heavytail-sim rates``."""
import sys

from heavytail_sim.cli import standalone

from . import STUDY

sys.exit(standalone(STUDY, prog="python -m experiments.rates"))
